"""The one command a command line invokes, so that typer builds that command and not all of them.

typer turns every registered function into a click command (inspecting each parameter) before it
parses anything; a one-shot command needs only its own.
"""

from __future__ import annotations

import copy

import typer

_VALUED = ("--state", "--rules", "--facts", "--reading", "--choose")
"""The global options that take a value: the token after one is not the command's name."""


def invoked(app: typer.Typer, args: list[str]) -> typer.Typer:
    """`app` with only the command `args` invoke, so typer builds one command, not all of them; `app`
    itself when the command is not plainly named (help, completion, a typo: they need every command)."""
    tokens = iter(args)
    for token in tokens:
        if token in _VALUED:
            next(tokens, None)
        elif not token.startswith("-"):
            chosen = [info for info in app.registered_commands
                      if (info.name or getattr(info.callback, "__name__", "").replace("_", "-")) == token]
            if len(chosen) != 1:
                return app
            one = copy.copy(app)  # the same settings and global options
            one.registered_commands = chosen
            return one
        elif token in ("--help", "--version"):
            return app
    return app
