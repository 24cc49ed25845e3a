"""The state file's content: its models, its format and the migrations from older formats.

What `store.py` reads and writes, as data: a `StateDocument` holds the rule
set it belongs to, the facts asserted and their history.  Older formats are
lifted to the current one, one format at a time; the file written is YAML
under a one-line header.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

import yaml  # type: ignore[import-untyped]  # PyYAML ships no type hints (types-PyYAML is not a dependency)
from pydantic import Field, StrictInt

from .. import codes
from ..errors import LoadError
from ..files.read import SourceMap
from ..pathway.model import Fact, Identifier, Strict, Text
from ..version import __version__

FORMAT = 3
"""The state file format this version writes; older ones are migrated, newer refused.

Format 2 added `written_by`, so a state file names the perimeter that wrote it.
Format 3 added a fact's `started_without`: what a step forced in was taken
without, of the preconditions needed only to start it."""

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


MIGRATIONS = {1: _from_format_1, 2: _from_format_2}
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


DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
"""libyaml's emitter where PyYAML was built with it: the same bytes as the pure-Python one, about
three times faster on a large state (tests/unit/test_store.py checks they agree)."""


def serialised(state: StateDocument, dumper: type[yaml.SafeDumper] = DUMPER) -> bytes:
    """The file's bytes for `state`: the header, then YAML in the models' field order."""
    text: str = yaml.dump(state.model_dump(mode="json", exclude_defaults=False), Dumper=dumper, sort_keys=False,
                          allow_unicode=True, width=100)
    return (HEADER + text).encode("utf-8")


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
