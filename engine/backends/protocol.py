"""What an evaluator concludes, and the interface every evaluator offers.

Two evaluators implement `Evaluator`: the durable-rules adapter
(`perimeter.evaluate`), which the product runs on, and the plain reference
(`perimeter.reference`), which tests hold it to.  Both produce the same raw
`Evaluation`; turning that into step states is shared, pure code
(`perimeter.conclusions`), so a disagreement is always an evaluator's fault.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import NamedTuple, Protocol

from ..pathway.model import Fact


@dataclass(frozen=True)
class Evaluation:
    """The raw conclusions over one set of facts.

    `holds`: every id that holds, asserted or derived (the goal).
    `unmet`: for each step with a failing precondition, the needs that fail.
    `breaches`: (step, attribute, value) where a done step breaks a constraint.
    """

    holds: frozenset[str]
    unmet: dict[str, frozenset[str]]
    breaches: frozenset[tuple[str, str, str]]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Evaluation):
            return NotImplemented
        return (self.holds, self.breaches) == (other.holds, other.breaches) and {
            k: v for k, v in self.unmet.items() if v} == {k: v for k, v in other.unmet.items() if v}

    __hash__ = None  # type: ignore[assignment]  # unhashable on purpose: `unmet` is a dict


class Before(NamedTuple):
    """One step as it stood before a change: its unmet needs, whether it held
    as a derived step, and its constraint breaches."""

    unmet: frozenset[str]
    derived: bool
    breaches: frozenset[tuple[str, str, str]]


Journal = dict[str, Before]
"""The steps a change touched, each as it stood before the change."""


def rewound(now: Evaluation, journal: Journal, facts_now: Collection[str], facts_before: Collection[str]) -> Evaluation:
    """The whole evaluation as it stood before a change: the journal's steps as they were, the rest as they are.

    `now` is the whole evaluation after the change; `facts_now` and
    `facts_before` the ids held as facts after and before it.
    """
    derived = {s for s in now.holds if s not in facts_now and s not in journal}
    derived |= {s for s, before in journal.items() if before.derived}
    unmet = {**now.unmet, **{s: before.unmet for s, before in journal.items()}}
    breaches = frozenset(b for b in now.breaches if b[0] not in journal).union(
        *(before.breaches for before in journal.values()))
    return Evaluation(frozenset(facts_before) | frozenset(derived), unmet, breaches)


class Evaluator(Protocol):
    """A backend that keeps conclusions up to date as facts come and go.

    Callers (the `Engine`) guarantee that an asserted id is not already held
    and that a retracted id is; evaluators need not check.
    """

    def assert_fact(self, fact: Fact) -> None:
        """Add `fact` and bring the conclusions up to date."""
        ...

    def retract_fact(self, fact: Fact) -> None:
        """Remove `fact` and bring the conclusions up to date."""
        ...

    def evaluation(self, steps: Iterable[str] | None = None) -> Evaluation:
        """What is concluded; an evaluator may restrict `unmet` and `breaches` to `steps`."""
        ...

    def journal_start(self) -> None:
        """Begin recording the steps the next changes touch."""
        ...

    def journal_stop(self) -> Journal:
        """Stop recording: every step whose standing may have moved since
        `journal_start`, as it stood then (a step may be listed that did not
        move; a step that moved must be listed)."""
        ...

    def close(self) -> None:
        """Free what the evaluator holds; it is unusable afterwards."""
        ...
