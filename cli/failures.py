"""What the command says when it cannot answer: one line per problem on stderr, and an exit code.

Shared by the console entry point (`main.run`) and the shell (`shell.py`), so an
error reads the same in both, and neither ever shows a traceback for a user's error.
Asked for JSON (`--json`), the problems are one JSON object on standard output instead,
`{"format": N, "errors": [{"code", "message", "file", "line", "column", "hint", "candidates"}]}`
(its schema: `perimeter schema --output-of errors`), with the same exit code.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import Any

import perimeter
import typer
from perimeter import codes
from perimeter.files.sanitise import for_terminal
from perimeter.present.words import FORCE

from .hints import COMMAND_HINTS
from .render import document

ABORTED = 1
"""The exit code when the user aborts (a prompt answered with Ctrl-D)."""


def report(error: Exception, as_json: bool = False, typed: Callable[[str], str] | None = None) -> int | None:
    """Say what went wrong (on stderr; `as_json`: as a JSON object on stdout) and give the exit code;
    None for an error that is not the user's (a bug, to be raised as it is).  `typed` rewrites what
    names a command (`perimeter status`) as it is typed where the error is shown (the shell's words)."""
    if isinstance(error, perimeter.PerimeterError):
        problems = error.diagnostics or [with_command_hint(error.problem)]
        _say(error_lines(error), problems, as_json, typed)
        return 1 if isinstance(error, perimeter.RefusedError) else 2
    if isinstance(error, typer.Abort):
        _say("perimeter: aborted", [perimeter.Diagnostic("", 0, 0, "aborted", "aborted")], as_json, typed)
        return ABORTED
    # click's usage errors arrive as its own exception types
    if type(error).__name__ == "NoArgsIsHelpError":  # no command: the help itself, not an error line
        error.show()  # type: ignore[attr-defined]
        return 2
    if hasattr(error, "format_message") and hasattr(error, "exit_code"):
        message, hint = error.format_message(), f"see '{_help_of(error)}'"
        _say(f"perimeter: {for_terminal(message)} ({hint})", [perimeter.Diagnostic("", 0, 0, "usage", message, hint)],
             as_json, typed)
        return 2
    return None


def _help_of(error: Exception) -> str:
    """The help that shows what a usage error's command takes: `perimeter why --help` for a command's own
    arguments, `perimeter --help` for the command line's (the shell says `help COMMAND` in its place)."""
    path = getattr(getattr(error, "ctx", None), "command_path", "") or ""
    return f"{path} --help" if path.startswith("perimeter ") else "perimeter --help"


def wants_json(argv: Sequence[str]) -> bool:
    """Whether a command line asks for JSON: `--json` among its options (before a `--`)."""
    options = list(argv)[:list(argv).index("--")] if "--" in argv else argv
    return "--json" in options


def _say(lines: str, problems: Sequence[perimeter.Diagnostic], as_json: bool,
         typed: Callable[[str], str] | None = None) -> None:
    if typed is not None:
        lines = typed(lines)
        problems = [dataclasses.replace(p, hint=typed(p.hint)) if p.hint else p for p in problems]
    if as_json:
        typer.echo(errors_json(problems))
    else:
        typer.echo(lines, err=True)


def errors_json(problems: Sequence[perimeter.Diagnostic]) -> str:
    """`{"format": N, "errors": [...]}`: each problem with its code, message, where (null when it concerns
    no file or no line), hint (null when none) and the names it may have meant."""
    return document({"errors": [_error(p) for p in problems]})


def _error(problem: perimeter.Diagnostic) -> dict[str, Any]:
    return {"code": problem.code, "message": problem.message, "file": problem.file or None,
            "line": problem.line or None, "column": (problem.col or 1) if problem.line else None,
            "hint": problem.hint or None, "candidates": list(problem.candidates)}


def error_lines(error: perimeter.PerimeterError) -> str:
    """The error as the command prints it: one line per located problem, else one line."""
    # Located problems print as `file:line:col: ...` so editors can jump to them.  Each is one
    # line whatever its message holds: a newline, an escape sequence or a bidi override in a
    # file name, an id or an echoed field name is shown escaped (perimeter.files.sanitise).
    if error.diagnostics:
        return "\n".join(for_terminal(d.render()) for d in error.diagnostics)
    problem = with_command_hint(error.problem)
    if problem.code == codes.REFUSED and problem.hint:  # what to do, as a sentence of its own
        return "perimeter: " + for_terminal(f"{problem.message}. {problem.hint[0].upper()}{problem.hint[1:]}.")
    return "perimeter: " + for_terminal(problem.render(with_code=False))


def with_command_hint(problem: perimeter.Diagnostic) -> perimeter.Diagnostic:
    """The problem with its hint in command-line terms: the command or option that acts on it."""
    if problem.code == codes.REFUSED:  # "..., or force it to record A4 anyway": the option that forces
        return dataclasses.replace(problem, hint=problem.hint.replace(FORCE, "use --force"))
    hint = COMMAND_HINTS.get(problem.code)
    if hint is None or problem.candidates:  # a "did you mean" is hint enough
        return problem
    return dataclasses.replace(problem, hint=hint)
