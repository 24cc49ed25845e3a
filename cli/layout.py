"""Text laid out to the terminal's width: tables, wrapped lines, and paths as a person reads them.

Layout only: the words stay as the renderers made them (already through the one
sanitiser, `perimeter.files.sanitise`), so nothing here reads text as markup.
Widths are counted without render's own colour codes (SGR sequences), which
are never split.

The width is `COLUMNS` when set, else the terminal's (`shutil.get_terminal_size`).
When stdout is not a terminal and `COLUMNS` is unset (a pipe, a file, a script),
nothing is wrapped or shortened: each record stays one line for grep and the like,
as `ls` and `git` do; set `COLUMNS=80` to lay a piped answer out for 80 columns.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

UNBOUNDED = 1 << 30
"""The width when stdout is not a terminal and COLUMNS is unset: no line is wrapped or shortened."""

NARROWEST = 20
"""No layout narrower than this, whatever COLUMNS says."""

TITLE_MIN = 12
"""A title shortened in a table keeps at least this many columns (with its ellipsis)."""

ELLIPSIS = "…"
_SGR = re.compile("\x1b\\[[0-9;]*m")
_UNIT = re.compile("\x1b\\[[0-9;]*m|.", re.S)


def width() -> int:
    """The columns to fit: COLUMNS, else the terminal's; UNBOUNDED when stdout is not a terminal."""
    columns = os.environ.get("COLUMNS", "")
    if columns.strip().isdigit() and int(columns) > 0:
        return max(NARROWEST, int(columns))
    try:
        terminal = sys.stdout.isatty()
    except (AttributeError, ValueError):
        terminal = False
    if not terminal:
        return UNBOUNDED
    return max(NARROWEST, shutil.get_terminal_size((80, 24)).columns)


def visible(text: str) -> int:
    """Columns `text` takes: its characters without colour codes."""
    return len(_SGR.sub("", text))


def _split(word: str, room: int) -> tuple[str, str]:
    """`word` cut after `room` visible characters, colour codes kept whole."""
    taken: list[str] = []
    count = 0
    units = _UNIT.findall(word)
    for n, unit in enumerate(units):
        if not unit.startswith("\x1b"):
            if count == room:
                return "".join(taken), "".join(units[n:])
            count += 1
        taken.append(unit)
    return "".join(taken), ""


def wrap(text: str, first: int, rest: int | None = None) -> list[str]:
    """`text` in lines of at most `first` columns, then `rest`; at spaces, a word too long cut where it must."""
    rest = first if rest is None else rest
    lines: list[str] = []
    current, used = "", 0
    for token in re.split(r"( +)", text):
        if not token:
            continue
        room = first if not lines else rest
        size = visible(token)
        if token.startswith(" "):
            if (used or not current and not lines) and used + size < room:
                current, used = current + token, used + size
            continue
        if used and used + size > room:
            lines.append(current.rstrip(" "))
            current, used, room = "", 0, rest
        while used + size > room:
            head, token = _split(token, room - used)
            lines.append(current + head)
            current, used, room = "", 0, rest
            size = visible(token)
        current, used = current + token, used + size
    lines.append(current.rstrip(" "))
    return lines


def fit_line(line: str, columns: int | None = None) -> list[str]:
    """One line as it fits: unchanged when it does, else wrapped with a hanging indent under its own."""
    columns = columns or width()
    if visible(line) <= columns:
        return [line]
    body = line.lstrip(" ")
    indent = len(line) - len(body)
    if indent > columns // 2:
        indent = columns // 2
    hang = min(indent + 4, columns // 2)
    parts = wrap(body, columns - indent, columns - hang)
    return [" " * indent + parts[0], *(" " * hang + part for part in parts[1:])]


def fit(text: str, columns: int | None = None) -> str:
    """Every line of `text` fitted to the width (see `fit_line`)."""
    columns = columns or width()
    return "\n".join(out for line in text.split("\n") for out in fit_line(line, columns))


def shorten(text: str, columns: int) -> str:
    """`text` in at most `columns` characters, ending with an ellipsis when it was cut."""
    return text if visible(text) <= columns else _split(text, max(columns - 1, 0))[0] + ELLIPSIS


def table(rows: list[list[str]], paint: list[str | None] | None = None,
          paint_cell: Callable[[str, str], str] | None = None,
          shortened: int | None = None, columns: int | None = None) -> str:
    """Left-aligned columns fitted to the width: column `shortened` (a title) cut with an ellipsis, then
    the last column wrapped under itself.  `paint_cell(text, state)` colours column 1 of row n by
    `paint[n]` after the layout (so colour codes never count as width)."""
    columns = columns or width()
    count = len(rows[0])
    widths = [max(visible(row[i]) for row in rows) for i in range(count)]
    if sum(widths) + 2 * (count - 1) > columns and shortened is not None:
        others = sum(widths) - widths[shortened] + 2 * (count - 1)
        if shortened == count - 1:
            widths[shortened] = max(TITLE_MIN, min(widths[shortened], columns - others))
        else:
            room = columns - (others - widths[-1])
            widths[shortened] = max(min(TITLE_MIN, widths[shortened]),
                                    min(widths[shortened], room - min(widths[-1], room * 3 // 5)))
        rows = [[shorten(cell, widths[shortened]) if i == shortened else cell for i, cell in enumerate(row)]
                for row in rows]
    start = sum(widths[:-1]) + 2 * (count - 1)
    lines = []
    for n, row in enumerate(rows):
        cells = [cell + " " * (widths[i] - visible(cell)) for i, cell in enumerate(row[:-1])]
        state = paint[n] if paint else None
        if state and paint_cell is not None:
            cells[1] = paint_cell(cells[1], state)
        last = row[-1]
        if columns - start >= 16 and visible(last) > columns - start:
            parts = wrap(last, columns - start)
            lines.append("  ".join([*cells, parts[0]]).rstrip())
            lines += [" " * start + part for part in parts[1:]]
        else:
            lines += fit_line("  ".join([*cells, last]).rstrip(), columns)
    return "\n".join(lines)


def _places() -> list[tuple[str, str]]:
    """Folders a path is shown under, most particular first: the shipped rule and fact folders as
    `perimeter:rules/...`, the working folder as a relative path, the home folder as `~/...`."""
    from perimeter.errors import LoadError
    from perimeter.files.sources import shipped_dir

    places = []
    for kind in ("rules", "facts"):
        try:
            places.append((str(shipped_dir(kind)), f"perimeter:{kind}"))
        except LoadError:
            pass
    places.append((os.getcwd(), "."))
    places.append((str(Path.home()), "~"))
    return [(folder.rstrip(os.sep), shown) for folder, shown in places if folder.rstrip(os.sep)]


def shown_path(path: str) -> str:
    """`path` as a person reads it: `perimeter:facts/baseline.yaml`, `state.yaml`, `~/.local/state/...`."""
    for folder, shown in _places():
        if path == folder:
            return shown
        if path.startswith(folder + os.sep):
            rest = path[len(folder) + 1:]
            return rest if shown == "." else f"{shown}/{rest}"
    return path


def shown_paths(text: str) -> str:
    """Every absolute path in `text` (a history source: "25 facts from /a/b.yaml, /c/d.yaml") shown
    as `shown_path` shows it; a path is a run of non-space characters starting with the separator."""
    return re.sub(r"(?<![^\s,(\[])" + re.escape(os.sep) + r"[^\s,)\]]+", lambda m: shown_path(m.group(0)), text)
