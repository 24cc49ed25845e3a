"""Where the commands' answers go: the terminal (`echo`) or a file named on the command line (`write_picture`)."""

from __future__ import annotations

from pathlib import Path

import typer
from perimeter.files.sanitise import for_screen
from perimeter.files.write import write_hint, write_output

from . import render
from .facts_args import UsageError


def echo(text: str) -> None:
    """Print a result, keeping the colour render chose: click strips it from pipes,
    which would defeat CLICOLOR_FORCE.

    The renderers make every field safe (perimeter.files.sanitise); `for_screen`
    is the last guard, keeping only newlines and render's own colour codes."""
    typer.echo(for_screen(text), color=render.colour_enabled())


def write_picture(path: Path, text: str) -> None:
    """Written as `> path` would be (perimeter.files.write): a file atomically, keeping its mode;
    a link through to its target; a FIFO, a device or /dev/stdout directly; a read-only file refused."""
    try:
        write_output(path, text)
    except OSError as error:
        raise UsageError(f"{path}: cannot write the output: {error.strerror or error}",
                         hint=write_hint(error, "choose a writable path")) from None
