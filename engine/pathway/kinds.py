"""Which kind of file a document is, told by its top-level keys: rules, facts or scenarios.

A folder given as rules may hold a fact file beside its rule files (as
`rules/examples/approval/` does), and a file may be given in the wrong
place.  Read as the wrong kind, such a file would fail on its first key
("unknown field 'facts'"); told by its keys, it is refused in one line that
says what it is and how to give it.
"""

from __future__ import annotations

from typing import Any

from .. import codes
from ..errors import LoadError
from ..files.read import Document
from ..pathway.model import FactFile, RuleFile

RULE_KEYS = frozenset(RuleFile.model_fields)
FACT_KEYS = frozenset(FactFile.model_fields)
SCENARIO_KEY = "scenarios"
"""The key that makes a scenario file (`perimeter.scenarios`), whatever else it holds."""

_NAMES = {"rules": "a rule file", "facts": "a fact file", "scenarios": "a scenario file"}
_CODES = {"rules": codes.RULE_FILE, "facts": codes.FACT_FILE, "scenarios": codes.SCENARIO_FILE}
_HINTS = {"rules": "give it with the rule files", "facts": "give it with the fact files",
          "scenarios": "run its scenarios against the rule set"}
"""The library's hints; the command line names its options instead (`perimeter.cli.hints`)."""


def kind_of(data: Any) -> str | None:
    """"rules", "facts" or "scenarios" when the top-level keys make the kind plain; else None.

    A `scenarios:` key makes a scenario file; keys that all belong to fact
    files make a fact file, and keys that all belong to rule files a rule
    file.  An empty or mixed mapping, or no mapping, is of no plain kind (the
    schema reports what is wrong with it).
    """
    if not isinstance(data, dict) or not data:
        return None
    keys = set(data)
    if SCENARIO_KEY in keys:
        return "scenarios"
    if keys <= FACT_KEYS:
        return "facts"
    if keys <= RULE_KEYS:
        return "rules"
    return None


def expect_kind(document: Document, expected: str) -> None:
    """Refuse, in one line naming the file, a document that is plainly of another kind than `expected`."""
    found = kind_of(document.data)
    if found is None or found == expected:
        return
    keys = ", ".join(f"`{key}:`" for key in document.data if key in (FACT_KEYS | RULE_KEYS | {SCENARIO_KEY}))
    first = SCENARIO_KEY if found == "scenarios" else next(iter(document.data))  # the key that tells
    problem = document.source.diagnostic((first,), _CODES[found], f"this is {_NAMES[found]} (it has {keys}), "
                                         f"not {_NAMES[expected]}", _HINTS[found])
    raise LoadError(problem)
