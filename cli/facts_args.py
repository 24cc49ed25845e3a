"""FACT arguments as typed in a shell: `ID ID`, or `ID key=value "key=two words"`.

A word without `=` names a fact; each `key=value` after it is an attribute
of that fact.
"""

from __future__ import annotations

from typing import Literal

from perimeter import FactChange, PerimeterError


class UsageError(PerimeterError):
    """The command line itself is wrong (exit code 2)."""

    code = "usage"


def parse_facts(words: list[str], action: Literal["assert", "retract"] = "assert",
                source: str | None = None) -> list[FactChange]:
    """`words` as fact changes, attributes attached to the fact before them."""
    changes: list[FactChange] = []
    for word in words:
        if "=" in word:
            key, _, value = word.partition("=")
            if not changes:
                raise UsageError(f"'{word}' is an attribute, but no fact comes before it",
                                 hint="write the fact first: ID key=value")
            if not key or not value:
                raise UsageError(f"'{word}' is not key=value", hint="write key=value, e.g. location=somewhere")
            if action != "assert":
                raise UsageError(f"'{word}': attributes belong to asserted facts", hint="retract by id only")
            last = changes[-1]
            changes[-1] = FactChange(last.action, last.id, {**(last.attributes or {}), key: value}, last.source)
        else:
            changes.append(FactChange(action, word, {}, source))
    if not changes:
        raise UsageError("no fact given", hint="name at least one step or condition id")
    return changes
