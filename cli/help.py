"""Each command's `--help` as people read it: words for what to type, never Python's types, and an example.

typer's plain help names an argument's Python type (`{target}... <list[str]>`) and
brackets a metavar twice (`[[FILE]...]...`).  `Command` writes the usage line and the
argument and option lists itself: an argument as `TARGET...` (required) or `[FILE]...`
(optional), an option as `--source TEXT`, then the command's example from `EXAMPLES`.
`use_for(app)` makes it the class of every command of an app.
"""

from __future__ import annotations

from typing import Any

import typer
from typer.core import TyperCommand

EXAMPLES: dict[str, str] = {
    "status": "perimeter status",
    "next": "perimeter next --json",
    "why": 'perimeter why "why can\'t Mexico join NORAD yet"',
    "plan": "perimeter plan goal --rounds",
    "leverage": "perimeter leverage goal",
    "assert": 'perimeter assert A4 location=Mexico leader=Mexican --source "press release"',
    "retract": "perimeter retract vetting",
    "what-if": "perimeter what-if vetting --without A1",
    "show": "perimeter show A4 norad",
    "spectrum": "perimeter spectrum --svg chart1.svg",
    "check": "perimeter check rules/ facts/baseline.yaml --strict",
    "readings": "perimeter readings",
    "compare": "perimeter compare goal --to literal",
    "test": "perimeter test my-scenarios/ --coverage",
    "graph": "perimeter graph --format svg --output pathway.svg",
    "schema": "perimeter schema --output-of why",
    "bench": "perimeter bench --steps 1000 --json",
    "history": "perimeter history",
    "shell": "perimeter --state work.yaml shell",
    "reset": "perimeter reset --json",
}
"""Command name -> one command line that shows it in use (each tested: `--help` shows it)."""

_WORDS = {"text": "TEXT", "path": "PATH", "integer": "N", "float": "NUMBER"}
"""An option's value named by its click type when it has no metavar of its own (else by its name)."""


class Command(TyperCommand):
    """A command whose help names what to type in words and ends with an example."""

    def collect_usage_pieces(self, ctx: typer.Context) -> list[str]:  # type: ignore[override]
        pieces = [self.options_metavar] if self.options_metavar else []
        return pieces + [argument_name(p) for p in self.get_params(ctx) if p.param_type_name == "argument"]

    def format_options(self, ctx: typer.Context, formatter: Any) -> None:  # type: ignore[override]
        arguments, options = [], []
        for param in self.get_params(ctx):
            record = param.get_help_record(ctx)
            if record is None:
                continue
            if param.param_type_name == "argument":
                arguments.append((argument_name(param), record[1]))
            else:
                options.append((option_name(param), record[1]))
        for title, rows in (("Arguments", arguments), ("Options", options)):
            if rows:
                with formatter.section(title):
                    formatter.write_dl(rows)

    def format_epilog(self, ctx: typer.Context, formatter: Any) -> None:  # type: ignore[override]
        super().format_epilog(ctx, formatter)
        example = EXAMPLES.get(self.name or "")
        if example:
            formatter.write_paragraph()
            formatter.write_text("\b\nExample: " + as_typed(example, ctx))


def as_typed(example: str, ctx: typer.Context) -> str:
    """`example` as typed where the help is asked: in the shell (a program without a name), without
    `perimeter`."""
    if ctx.find_root().info_name == "" and example.startswith("perimeter "):
        return example.removeprefix("perimeter ")
    return example


def argument_name(param: Any) -> str:
    """`TARGET...` for a required list, `[FILE]...` for an optional one, `ID` for one value: the metavar
    as given when it has one, else the name in capitals."""
    if param.metavar:
        return str(param.metavar)
    name = str(param.name).upper()
    many = "..." if param.nargs != 1 else ""
    return f"{name}{many}" if param.required else f"[{name}]{many}"


def option_name(param: Any) -> str:
    """`--source TEXT`, `--steps N`, `--json`: its flags, and for a value its metavar or a word for it."""
    flags = ", ".join(param.opts)
    if param.is_flag or param.count:
        return flags + "".join(f" / {o}" for o in param.secondary_opts)
    kind = getattr(getattr(param, "type", None), "name", "")  # typer builds the click type lazily: may be unset
    word = param.metavar or _WORDS.get(kind, str(param.name).upper())
    return f"{flags} {word}"


def use_for(app: typer.Typer) -> None:
    """Make `Command` the class of every command registered on `app` (before it is first run)."""
    for info in app.registered_commands:
        if info.cls is None or info.cls is TyperCommand:  # typer's default: a command of ours
            info.cls = Command
