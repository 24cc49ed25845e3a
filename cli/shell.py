"""`perimeter shell`: an interactive session over the rule set and state file of the command.

Each line is a command without the `perimeter` prefix, run by the same typer app in this process
with the workspace loaded once (answers cost only their work), so its output and its one-line
errors are the command's.  On the standard library's `cmd` and `readline`: TAB completes
(cli/shell_completion.py), and the lines typed are kept beside the state file, the last
HISTORY_LINES of them, written by the one writer.  The shell adds suppositions (`suppose`,
`unsuppose`, `commit`: perimeter.state.suppose) and says, before each command, what other
processes changed in the state meanwhile.  Ctrl-C abandons a line or an answer; Ctrl-D, `exit` or
`quit` leave.
"""

from __future__ import annotations

import cmd
import shlex
import sys
from collections.abc import Callable
from typing import Any, Optional, cast

import perimeter
import typer
from perimeter.files.read import read_file
from perimeter.files.sanitise import for_terminal
from perimeter.files.write import keep_lines, write_hint
from perimeter.state.suppose import Supposing
from typer.core import TyperCommand, TyperGroup

from . import render
from .facts_args import UsageError, parse_facts
from .failures import report, wants_json
from .help import use_for
from .output import echo as _echo
from .shell_completion import Completer

HISTORY_LINES = 1000
"""How many typed lines the history file keeps (the newest)."""
INTERRUPTED = 130
"""The code of a command stopped by Ctrl-C (as a shell reports it)."""
LEAVE = ("exit", "quit")
OWN_HELP = """
In the shell, also:
  suppose FACT...     answer as if these facts held; nothing is stored
  unsuppose [all]     drop the latest supposition, or all of them
  commit [--source TEXT] [--force]
                      record the suppositions for real, all or none
  help [COMMAND]      this list, or a command's help
  exit, Ctrl-D        leave (Ctrl-C abandons a line or an answer)"""

session = typer.Typer(add_completion=False, pretty_exceptions_enable=False, rich_markup_mode=None)
"""The shell's own commands: they act on the session's suppositions (`ctx.obj`, a `Supposing`)."""


@session.command()
def suppose(ctx: typer.Context,
            fact: list[str] = typer.Argument(..., metavar="FACT...", help="Step or condition ids, each optionally "
                                             "followed by key=value.")) -> None:
    """Answer as if these facts held, on top of any supposed before; nothing is stored. Example: suppose A3"""
    workspace: Supposing = ctx.obj
    _echo(render.change_text(workspace.suppose(parse_facts(fact, "assert")), hypothetical=True))


@session.command()
def unsuppose(ctx: typer.Context,
              every: Optional[str] = typer.Argument(None, metavar="[all]", help="'all' drops every supposition.")) -> None:
    """Drop the latest supposition, or all of them. Example: unsuppose all"""
    workspace: Supposing = ctx.obj
    if every not in (None, "all"):
        raise UsageError(f"unsuppose takes 'all' or nothing, not '{every}'", hint="unsuppose, or unsuppose all")
    if not workspace.supposed:
        raise UsageError("nothing is supposed", hint="suppose FACT... first")
    dropped = workspace.unsuppose(every == "all")
    _echo("No longer supposed: " + ", ".join(for_terminal(c.id) for c in dropped))


@session.command()
def commit(ctx: typer.Context,
           source: Optional[str] = typer.Option(None, "--source", metavar="TEXT",
                                                help="Where this comes from (kept in history)."),
           force: bool = typer.Option(False, "--force", help="Record them even if preconditions fail (violated).")
           ) -> None:
    """Record the suppositions for real, left to right, all or none. Example: commit --source "press release\""""
    workspace: Supposing = ctx.obj
    if not workspace.supposed:
        raise UsageError("nothing is supposed, so nothing to commit", hint="suppose FACT... first")
    _echo(render.change_text(workspace.commit(source, force=force)))


use_for(session)  # their help as the command's: words for what to type, not Python types (cli/help.py)


def words_of(line: str) -> list[str]:
    """A line's words as a shell splits them; where its quotes do not pair ("why can't Mexico join
    NORAD yet"), an apostrophe is a letter, so a question in words is taken as it is."""
    for quotes in ("'\"", '"'):
        lexer = shlex.shlex(line, posix=True)
        lexer.whitespace_split, lexer.quotes, lexer.commenters = True, quotes, ""
        try:
            return list(lexer)
        except ValueError:
            continue
    return line.split()


def as_typed(command: str | None) -> Callable[[str], str]:
    """An error's words as typed in the shell: a command named without `perimeter`, and for help,
    `help COMMAND` (or `help` when no command was named) in place of `perimeter --help`."""
    see = f"see 'help {command}'" if command else "see 'help'"
    return lambda text: text.replace("see 'perimeter --help'", see).replace("`perimeter ", "`")


class Shell(cmd.Cmd):
    """The read-answer loop: `run()` until exit or Ctrl-D."""

    def __init__(self, app: Any, options: Any):
        super().__init__()
        self.app: TyperGroup = app
        self.options = options
        """The command's global options; `options.kept` is the session's workspace, a `Supposing`."""
        self.workspace: Supposing = options.kept
        self.own = cast(TyperGroup, typer.main.get_command(session))
        commands = {n: cast(TyperCommand, c) for n, c in (*self.app.commands.items(), *self.own.commands.items())
                    if n != "shell"}
        self.completer = Completer(commands, ("help", *LEAVE), self.workspace, words_of)
        self.interactive = sys.stdin.isatty()
        real = self.workspace.store.real_path
        self.history = real.with_name(real.name + ".history")
        self.typed: list[str] = []
        """This session's lines, added to the history file as the session ends."""
        self.completion_matches: list[str] = []

    def run(self) -> None:
        """Read and answer lines until the user leaves; keep the history."""
        if self.interactive:
            self._load_history()
            intro: str | None = (f"perimeter {perimeter.__version__} shell on {for_terminal(str(self.workspace.state_path))}"
                                 "\nType a command without 'perimeter', 'help' for the list, 'exit' or Ctrl-D to leave.")
        else:
            intro = None
        self._tell_news()  # from now on, what others write is told
        try:
            while True:
                try:
                    self.cmdloop(intro)
                    return
                except KeyboardInterrupt:  # abandon the line (or whatever the shell itself was doing)
                    self.stdout.write("^C\n")
                    intro = self.intro = None
        finally:
            self._save_history()

    # -- cmd's hooks ----------------------------------------------------------------

    def preloop(self) -> None:
        self.prompt = self._prompt()
        if self.use_rawinput and self.completekey:
            try:
                import readline

                readline.set_completer_delims(" \t\n")
            except ImportError:  # pragma: no cover - no readline: lines are still read
                pass

    def precmd(self, line: str) -> str:
        if line.strip() and line != "EOF" and self.interactive:
            self.typed.append(line)
        return line

    def postcmd(self, stop: bool, line: str) -> bool:
        self.prompt = self._prompt()
        return stop

    def emptyline(self) -> bool:
        return False  # cmd's default repeats the last command

    def onecmd(self, line: str) -> bool:
        words = words_of(line)
        if not words:
            return False
        if line == "EOF" or words[0] in LEAVE:
            if line == "EOF":
                self.stdout.write("\n")
            return True
        try:
            self._tell_news()
            self._dispatch(words)
        except KeyboardInterrupt:  # between the command's own steps: the answer is abandoned all the same
            self._interrupted()
        return False

    def _dispatch(self, words: list[str]) -> None:
        name = words[0]
        if name == "help":
            self._help(words[1:])
        elif name in self.own.commands:
            self._run(self.own, words, self.workspace)
        elif name.startswith("-") and name not in ("--help", "--version"):
            report(UsageError(f"global options such as '{name}' are given as the shell starts",
                              hint="leave, then run: perimeter [OPTIONS] shell"))
        else:
            self._run(self.app, words, self.options)

    def complete(self, text: str, state: int) -> str | None:  # type: ignore[override]  # typeshed: list, wrongly
        if state == 0:
            import readline

            found = self.completer(readline.get_line_buffer(), readline.get_begidx(), text)
            # a whole word gets its space; `key=` and a folder go on
            self.completion_matches = [f if f.endswith(("=", "/")) else f + " " for f in found]
        return self.completion_matches[state] if state < len(self.completion_matches) else None

    # -- the work ---------------------------------------------------------------------

    def _run(self, group: TyperGroup, words: list[str], obj: object) -> int:
        """Run one command line as `perimeter` would, in this process; its exit code.  Its help and
        errors name commands as typed here, without `perimeter` (the program's name is empty)."""
        try:
            result = group.main(args=words, prog_name="", standalone_mode=False, obj=obj)
            code = result if isinstance(result, int) else 0
        except SystemExit as leaving:  # nothing should leave the shell but the user
            code = leaving.code if isinstance(leaving.code, int) else 1
        except Exception as error:
            known = report(error, wants_json(words), as_typed(words[0] if words[0] in group.commands else None))
            if known is None:  # a bug: said in one line, and the shell goes on
                typer.echo(f"perimeter: internal error: {for_terminal(type(error).__name__)}: "
                           f"{for_terminal(str(error))[:300]} (please report it)", err=True)
            code = 70 if known is None else known
        if code == INTERRUPTED:
            self._interrupted()
        return code

    def _interrupted(self) -> None:
        """Say that an answer was abandoned (on a line of its own: the terminal has echoed ^C)."""
        typer.echo(("\n" if self.interactive else "") + "perimeter: interrupted", err=True)

    def _help(self, words: list[str]) -> None:
        if words and words[0] == "shell":  # its help tells how to start it, which does not apply here
            self._run(self.app, ["shell"], self.options)
        elif words:
            group = self.own if words[0] in self.own.commands else self.app
            self._run(group, [words[0], "--help"], self.options)
        else:
            rows = [(n, c.get_short_help_str(64)) for n, c in self.app.commands.items()
                    if n != "shell" and not c.hidden]
            width = max(len(n) for n, _ in rows)
            lines = [f"  {n.ljust(width)}  {h}" for n, h in rows]
            self.stdout.write("Commands (`help COMMAND` for one):\n" + "\n".join(lines) + OWN_HELP + "\n")

    def _prompt(self) -> str:
        if not self.interactive:
            return ""
        supposed = [for_terminal(c.id) for c in self.workspace.supposed]
        if not supposed:
            return "perimeter> "
        shown = ", ".join(supposed[-3:]) + (f" and {len(supposed) - 3} more" if len(supposed) > 3 else "")
        return f"perimeter (supposing {shown})> "

    def _tell_news(self) -> None:
        """What other processes changed in the state since the last command; nothing if it cannot be read
        now (the command, if it reads the state, says why in its one line)."""
        try:
            news = self.workspace.news()
        except perimeter.PerimeterError:
            return
        for change in news:
            _echo("Meanwhile, elsewhere: " + render.change_text(change))

    def _load_history(self) -> None:
        try:
            import readline

            raw = read_file(self.history, limit=1024 * 1024)[0]
        except (ImportError, perimeter.PerimeterError):
            return
        for line in raw.decode("utf-8", "replace").splitlines()[-HISTORY_LINES:]:
            readline.add_history(line)

    def _save_history(self) -> None:
        if not self.typed:
            return
        try:
            keep_lines(self.history, self.typed, HISTORY_LINES)
        except OSError as error:
            typer.echo(f"perimeter: cannot keep the shell's history in {for_terminal(str(self.history))}: "
                       f"{error.strerror or error} ({write_hint(error, 'check the folder')})", err=True)
