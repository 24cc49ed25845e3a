"""What a change to the facts moved, and the changes themselves: `Change`, `FactChange`.

Stage 6, beside `engine.py`: the `Engine` takes `FactChange`s and reports a
`Change`; both are plain data, put in words by `present`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict

from .answers.spectrum import ChartMove
from .answers.status import Transition
from .pathway.model import Citation, Fact
from .present import words


class Change(BaseModel):
    """What one assert, retract or batch moved, in the rule set's order."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    transitions: tuple[Transition, ...] = ()
    also_needs: tuple[tuple[str, tuple[str, ...]], ...] = ()
    """Steps whose state did not move but which gained blockers: (step, new blockers)."""
    moves: tuple[ChartMove, ...] = ()
    """Relationships whose level on the spectrum (Chart 1) moved."""
    updated: tuple[tuple[str, tuple[str, ...]], ...] = ()
    """Facts asserted again with other content: (id, the fields that changed:
    `attributes`, `source`, `citation`)."""
    restated: tuple[str, ...] = ()
    """Facts asserted again exactly as they were recorded (the state's history notes them)."""

    def moved_to(self, state: str) -> list[str]:
        """Ids that ended in `state` (a step state, or `holds` / `absent`)."""
        return [t.id for t in self.transitions if t.after == state]

    def summary(self, *, hypothetical: bool = False) -> str:
        """The change in words: "vetting withdrawn: B1 and B2 are blocked again"; `hypothetical` (a
        what-if): "if vetting were withdrawn, B1 and B2 would be blocked again"."""
        return words.change_summary(self.transitions, self.also_needs, self.moves, self.updated, self.restated,
                                    hypothetical=hypothetical)


@dataclass(frozen=True)
class FactChange:
    """One item of a batch: assert `id` (with attributes) or retract it."""

    action: Literal["assert", "retract"]
    id: str
    attributes: Mapping[str, str] | None = None
    source: str | None = None
    citation: Citation | None = None


def fields_changed(before: Fact, after: Fact) -> tuple[str, ...]:
    """The content fields in which two versions of one fact differ: `attributes`, `source`, `citation`."""
    return tuple(name for name in ("attributes", "source", "citation") if getattr(before, name) != getattr(after, name))
