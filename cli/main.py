"""The `perimeter` command.  Each command parses, calls one library function, renders."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

import engine

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Which steps toward a North American Security Perimeter are done, open or blocked.")


class Options:
    """What the global options select: rule and fact files, and the mode."""

    def __init__(self, rules: Optional[list[Path]], facts: Optional[list[Path]], stated_only: bool):
        self.rules = rules or None
        self.facts = facts or None
        self.mode = engine.Mode.STATED if stated_only else engine.Mode.IMPLIED

    def open(self) -> engine.Engine:
        return engine.open_engine(self.rules, self.facts, mode=self.mode)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"perimeter {engine.__version__}")
        raise typer.Exit()


@app.callback()
def main(
    ctx: typer.Context,
    rules: Optional[list[Path]] = typer.Option(None, "--rules", help="Rule file or folder (default: the paper's pathway)."),
    facts: Optional[list[Path]] = typer.Option(None, "--facts", help="Fact file or folder (default: the 2013 baseline)."),
    stated_only: bool = typer.Option(False, "--stated-only", help="Apply only what the paper states, not what it implies."),
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Show the version."),
) -> None:
    ctx.obj = Options(rules, facts, stated_only)


@app.command()
def status(ctx: typer.Context, json_: bool = typer.Option(False, "--json", help="Machine-readable output.")) -> None:
    """Every step: its state and what blocks it; every condition; the goal."""
    from . import render

    with ctx.obj.open() as pathway:
        conclusions = pathway.conclusions()
    typer.echo(render.status_json(conclusions) if json_ else render.status_text(conclusions))


def run() -> None:
    """Console entry point: user errors become one line on stderr and exit code 2."""
    try:
        app(standalone_mode=True)
    except engine.PerimeterError as error:  # raised outside click's own handling
        _fail(error)


def _fail(error: engine.PerimeterError) -> None:
    # Located problems print as `file:line:col: ...` so editors can jump to them.
    typer.echo(error.render() if error.diagnostics else f"perimeter: {error.render()}", err=True)
    raise SystemExit(1 if isinstance(error, engine.RefusedError) else 2)


if __name__ == "__main__":
    run()
