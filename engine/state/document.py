"""The state file's content: its models, its format and the migrations from older formats.

What `store.py` reads and writes, as data: a `StateDocument` holds the rule
set it belongs to, the facts asserted and their history.  Older formats are
lifted to the current one, one format at a time; the file written is YAML
under a one-line header, a fact or a history entry a line (`lines.py`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import Field, StrictInt

from .. import codes
from ..errors import LoadError
from ..files.read import SourceMap
from ..pathway.model import Fact, Identifier, Strict, Text
from ..version import __version__
from . import lines

FORMAT = 4
"""The state file format this version writes; older ones are migrated, newer refused.

Format 2 added `written_by`, so a state file names the perimeter that wrote it.
Format 3 added a fact's `started_without`: what a step forced in was taken
without, of the preconditions needed only to start it.
Format 4 holds what format 3 held, laid out a fact or a history entry a line
in JSON's syntax (`lines.py`), which perimeter writes and reads twenty times
faster than YAML's block style."""

WRITER = f"perimeter {__version__}"
HEADER = "# perimeter state: the facts asserted, with their history. Edit with care.\n"


class RuleSetRef(Strict):
    """Which rule set a state belongs to."""

    id: Identifier
    fingerprint: Text


class StoredFact(Fact):
    """A fact as the state holds it: with when it was recorded."""

    time: Text


class Entry(Strict):
    """One line of history."""

    time: Text
    action: Literal["baseline", "assert", "retract", "reset"]
    fact: Identifier | None = None
    attributes: dict[Identifier, Text] = {}
    source: Text | None = None
    forced: bool = False
    """Recorded by force while its rules did not hold (so it went in violated)."""


class StateDocument(Strict):
    """The whole state file."""

    format: StrictInt = FORMAT
    """A whole number: `"2"` or `2.0` are refused, not read as 2."""
    written_by: Text = WRITER
    """The perimeter that last wrote the file; every write sets it."""
    rules: RuleSetRef
    baseline: list[Text] = []
    """The fact files the state started from."""
    facts: list[StoredFact] = []
    history: list[Entry] = Field(default_factory=list)


def _from_format_1(data: dict[str, Any]) -> dict[str, Any]:
    """Format 1 did not record its writer."""
    return {**data, "format": 2, "written_by": "perimeter 0.1.0 (state format 1)"}


def _from_format_2(data: dict[str, Any]) -> dict[str, Any]:
    """Format 2 did not record what a forced step was started without; nothing is known of it, so
    every fact gets none, and a step forced in then stays shown as done, as it was."""
    return {**data, "format": 3}


def _from_format_3(data: dict[str, Any]) -> dict[str, Any]:
    """Format 3 held the same values in YAML's block style; the layout changes as the file is written."""
    return {**data, "format": 4}


MIGRATIONS = {1: _from_format_1, 2: _from_format_2, 3: _from_format_3}
"""format -> the function that lifts a state of that format by one."""


def migrate(data: dict[str, Any]) -> dict[str, Any]:
    """A state file's data lifted to the current format, one format at a time."""
    while whole_number(data.get("format", FORMAT)) and data.get("format", FORMAT) < FORMAT:
        data = MIGRATIONS[data["format"]](data)
    return data


def whole_number(value: object) -> bool:
    """A YAML integer: not a boolean, not text ("2") and not a float (2.0)."""
    return type(value) is int


def now() -> str:
    """UTC time, to the second, as ISO 8601."""
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


Known = dict[int, tuple[object, str]]
"""The id of a fact or entry read from the file -> (it, its line there): what a write need not encode again."""


def serialised(state: StateDocument, known: Known | None = None) -> bytes:
    """The file's bytes for `state`: the header, then its values in the models' field order, an item a line.

    A fact or history entry in `known` (read from the file and unchanged since, as
    the models are frozen) is written as the line it was read from; only the others
    are encoded, so a change costs what changed, plus copying the bytes.
    """
    known = known or {}
    data = state.model_dump(mode="json", exclude=set(lines.LISTS))
    for key in lines.LISTS:
        items = getattr(state, key)
        found = [known.get(id(item)) for item in items]
        new = [item for item, hit in zip(items, found) if hit is None or hit[0] is not item]
        if len(new) * 2 > len(items):
            data[key] = lines.lines(state.model_dump(mode="json", include={key})[key])
        else:
            encoded = iter(lines.lines([item.model_dump(mode="json") for item in new]))
            data[key] = [hit[1] if hit is not None and hit[0] is item else next(encoded)
                         for item, hit in zip(items, found)]
    return lines.dumps(HEADER, {name: data[name] for name in StateDocument.model_fields}).encode("utf-8")


def parsed(text: str, file: str) -> lines.Read | None:
    """`text` as `serialised` writes it, with the line of each key, fact and entry; None for any other YAML."""
    return lines.loads(HEADER, text, file)


def known_lines(state: StateDocument, read: lines.Read) -> Known:
    """The lines of `read`'s facts and entries, by the id of each in `state`, the state validated from it; none if
    validating changed a value (a hand edit with spaces around a value, a field left out), so each line is
    exactly what writing its fact would give."""
    if state.model_dump(mode="json") != read.document.data:
        return {}
    return {id(item): (item, text) for key in lines.LISTS
            for item, text in zip(getattr(state, key), read.texts.get(key, []))}


def refuse_repeated_facts(state: StateDocument, source: SourceMap) -> None:
    """A fact listed twice (a hand edit) is refused at its second listing."""
    first: dict[str, int] = {}
    for i, fact in enumerate(state.facts):
        if fact.id in first:
            line = source.where(("facts", first[fact.id], "id"))[0]
            problem = source.diagnostic(("facts", i, "id"), codes.STATE_DUPLICATE_FACT,
                                        f"'{fact.id}' is listed twice (first at line {line})", "keep one of them")
            raise LoadError(problem, diagnostics=[problem])
        first[fact.id] = i
