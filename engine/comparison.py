"""Two readings of one rule set, or two rule sets, side by side on the same facts: what differs, as data.

The steps whose state or blockers differ, the plans to each target that
differ, the Chart 1 standings that differ, and a shortest sequence of asserts
that one reading accepts and the other refuses (the last of them), when there
is one within reach.  The state holds facts, never a reading, so the same
facts are read twice.  Two rule sets are compared on the ids they share: a
fact the other rule set does not have is left out of it, and `only` names the
steps each has alone.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence

from pydantic import BaseModel, ConfigDict

from .engine import Backend, Engine
from .pathway.compiled import Pathway, Reading
from .pathway.model import Fact, Measure

MAX_STATES = 20_000
"""The most fact sets the search for a telling sequence of asserts visits before it gives up."""


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)


class StepDifference(Frozen):
    """One step (or goal) whose state or blockers differ between the two readings."""

    id: str
    states: tuple[str, str]
    blockers: tuple[tuple[str, ...], tuple[str, ...]]


class PlanDifference(Frozen):
    """The plans to one target, when they differ."""

    target: str
    orders: tuple[tuple[str, ...], tuple[str, ...]]


class StandingDifference(Frozen):
    """A relationship whose Chart 1 level differs."""

    id: str
    levels: tuple[int, int]
    names: tuple[str, str]


class Telling(Frozen):
    """A shortest sequence of asserts from the current facts that both readings accept but for the
    last, which `accepted_by` (0 or 1, the reading's position) accepts and the other refuses."""

    asserts: tuple[str, ...]
    accepted_by: int


class Comparison(Frozen):
    """Two readings (or rule sets) on the same facts; `readings` are their labels, in order."""

    pathway: str
    readings: tuple[str, str]
    pathways: tuple[str, str] = ("", "")
    """The two rule sets' ids (the same one twice when two readings of it are compared)."""
    only: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())
    """Steps and goals one rule set has and the other lacks, each side's in its order."""
    steps: tuple[StepDifference, ...]
    plans: tuple[PlanDifference, ...]
    chart: tuple[StandingDifference, ...]
    telling: Telling | None
    searched: int
    """How many fact sets the search for `telling` visited (it gives up after MAX_STATES)."""


def compare(pathway: Pathway, facts: Iterable[Fact], first: Reading, second: Reading, *,
            targets: Sequence[str] = (), measures: Iterable[Measure] = (),
            backend: Backend = "reference", other: Pathway | None = None) -> Comparison:
    """`pathway` under `first` and (`other`, by default the same rule set) under `second`, on `facts`;
    plans for `targets` (default: each goal the two share)."""
    other = other or pathway
    facts, measures = tuple(facts), tuple(measures)
    theirs = tuple(f for f in facts if other.assertable(f.id))
    with Engine(pathway, facts, reading=first, backend=backend, measures=measures) as a, \
            Engine(other, theirs, reading=second, backend=backend, measures=_known(other, measures)) as b:
        before, after = a.conclusions(), b.conclusions()
        ours = {s.id: s for s in (*before.steps, *before.goals)}
        steps = []
        for other_ in (*after.steps, *after.goals):
            one = ours.get(other_.id)
            if one is None:
                continue
            blockers = (tuple(x.id for x in one.blockers), tuple(x.id for x in other_.blockers))
            if one.state is not other_.state or blockers[0] != blockers[1]:
                steps.append(StepDifference(id=one.id, states=(one.state.value, other_.state.value), blockers=blockers))
        steps.sort(key=lambda d: pathway.order_key(d.id))
        shared = [g for g in pathway.goals if g in other.steps]
        plans = []
        for target in [a.resolve(t) for t in targets] or shared:
            if target not in other.steps and target not in other.conditions:
                continue
            orders = (a.plan(target).order, b.plan(target).order)
            if orders[0] != orders[1]:
                plans.append(PlanDifference(target=target, orders=orders))
        chart = []
        if pathway.spectrum is not None and other.spectrum is not None:
            standings = {y.id: y for y in b.chart().relationships}  # paired by id: two rule sets may differ
            for x in a.chart().relationships:
                y = standings.get(x.id)
                if y is not None and x.level != y.level:
                    chart.append(StandingDifference(id=x.id, levels=(x.level, y.level),
                                                    names=(x.level_name, y.level_name)))
        telling, searched = _telling((pathway, other), frozenset(f.id for f in facts), (first, second))
    only = (tuple(s for s in pathway.steps if s not in other.steps), tuple(s for s in other.steps if s not in pathway.steps))
    labels = (first.label, second.label) if other is pathway else (_named(pathway, first), _named(other, second))
    return Comparison(pathway=pathway.id, readings=labels, pathways=(pathway.id, other.id), only=only,
                      steps=tuple(steps), plans=tuple(plans), chart=tuple(chart), telling=telling, searched=searched)


def _telling(pathways: tuple[Pathway, Pathway], held: frozenset[str],
             readings: tuple[Reading, Reading]) -> tuple[Telling | None, int]:
    """Breadth first over fact sets reached by asserts both sides accept (preconditions only), of the
    ids both rule sets may assert."""
    pathway, other = pathways
    assertable = [i for i in (*pathway.conditions, *pathway.steps) if pathway.assertable(i) and other.assertable(i)]
    frontier: list[tuple[frozenset[str], tuple[str, ...]]] = [(held, ())]
    seen = {held}
    while frontier:
        following = []
        for facts, path in frontier:
            holds = [_holds(p, facts, r) for p, r in zip(pathways, readings)]
            for id_ in assertable:
                if id_ in facts:
                    continue
                accepted = [id_ not in p.steps or all(req.met_by(h) for req in p.preconditions(id_, r))
                            for p, r, h in zip(pathways, readings, holds)]
                if accepted[0] != accepted[1]:
                    return Telling(asserts=(*path, id_), accepted_by=0 if accepted[0] else 1), len(seen)
                grown = facts | {id_}
                if grown not in seen and len(seen) < MAX_STATES:
                    seen.add(grown)
                    following.append((grown, (*path, id_)))
        frontier = following
    return None, len(seen)


def _named(pathway: Pathway, reading: Reading) -> str:
    """A rule set as a comparison names it: its id and where its files are, and its reading if not the default."""
    where = os.path.commonpath(pathway.files) if pathway.files else ""
    return f"{pathway.id} from {where}" + (f" ({reading.label})" if reading.label != "default" else "")


def _known(pathway: Pathway, measures: tuple[Measure, ...]) -> tuple[Measure, ...]:
    """The measures whose relationship and level `pathway`'s spectrum has (none without one)."""
    spectrum = pathway.spectrum
    if spectrum is None:
        return ()
    levels = {level.id for level in spectrum.levels}
    return tuple(m for m in measures if m.relationship in spectrum.relationships and m.level in levels)


def _holds(pathway: Pathway, facts: frozenset[str], reading: Reading) -> frozenset[str]:
    """The facts, and each goal whose preconditions they meet under `reading` (goals may need goals)."""
    holds = set(facts)
    changed = True
    while changed:
        changed = False
        for goal in pathway.goals:
            if goal not in holds and all(r.met_by(holds) for r in pathway.preconditions(goal, reading)):
                holds.add(goal)
                changed = True
    return frozenset(holds)


__all__ = ["Comparison", "PlanDifference", "StandingDifference", "StepDifference", "Telling", "compare"]
