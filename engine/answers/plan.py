"""Plans: the steps and conditions still needed for a target, in a valid order.

A plan is minimal (only what the target needs and does not yet have),
valid (everything after its preconditions) and deterministic (among the
items whose preconditions are planned, the rule set's sequence number goes
first, then the author's order).  It ends with the target.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable

from ..answers.status import Result
from ..backends.protocol import Evaluation
from ..pathway.compiled import ConstraintRule, Kind, Pathway, Reading, Requirement


class PlanItem(Result):
    """One thing to do: take a step, establish a condition, or reach the goal."""

    id: str
    kind: str
    title: str
    action: str
    """`take`, `establish`, or `reached` (the goal follows from what precedes it)."""
    required: tuple[str, ...] = ()
    """The attributes a step must be recorded with (`location`, `leader`)."""
    constraints: tuple[ConstraintRule, ...] = ()
    """How it must be done, under the reading in force: what its attributes must be."""


class Plan(Result):
    """An ordered list ending with the target, or empty with the reason."""

    target: str
    items: tuple[PlanItem, ...] = ()
    reason: str | None = None
    """Why the plan is empty: the target already holds."""
    reading: str = "default"
    """The reading the plan was made under."""

    @property
    def order(self) -> tuple[str, ...]:
        return tuple(item.id for item in self.items)


def plan(pathway: Pathway, reading: Reading, evaluation: Evaluation, target: str,
         costs: dict[str, int] | None = None) -> Plan:
    """The plan for `target` from the current evaluation.

    `costs`, when given, is the memo of what each member of an alternative would add (filled as the
    plan is made): a caller planning again from more that holds passes the entries that cannot change."""
    if target in evaluation.holds:
        return Plan(target=target, reason=f"{target} already holds", reading=reading.label)
    chooser = _Chooser(pathway, reading, evaluation.holds, {} if costs is None else costs)
    needed = _needed(pathway, reading, evaluation, target, chooser)
    order = _ordered(pathway, needed, chooser.requirements)
    return Plan(target=target, items=tuple(_item(pathway, reading, id_) for id_ in order), reading=reading.label)


def _needed(pathway: Pathway, reading: Reading, evaluation: Evaluation, target: str, chooser: _Chooser) -> set[str]:
    """The target and everything it needs that does not hold, through what does not hold.

    What holds is not expanded: a recorded step satisfies its dependants even
    when it is itself violated.  Where a precondition is an alternative or a
    k of n, members already planned come first, then those needing the fewest
    new items, then the sequence order; a plan that chose is then made
    inclusion-minimal (no item can be dropped).
    """
    needed = chooser.walk(target)
    return _minimal(pathway, reading, evaluation.holds, needed, target) if chooser.chose else needed


MAX_NESTING = 50
"""Past this many alternatives inside alternatives, members are priced by sequence order alone,
so pricing never recurses without bound."""


class _Chooser:
    """Walks what an item needs, choosing among alternatives by the fewest new items."""

    MAX_NESTING = MAX_NESTING

    def __init__(self, pathway: Pathway, reading: Reading, holds: frozenset[str], costs: dict[str, int]):
        self.pathway, self.reading, self.holds = pathway, reading, holds
        self.costs = costs
        self.chose = False
        self.nesting = 0
        self.in_force: dict[str, tuple[Requirement, ...]] = {}

    def requirements(self, id_: str) -> tuple[Requirement, ...]:
        """What `id_` needs under the reading (nothing, for a condition), worked out once per plan."""
        found = self.in_force.get(id_)
        if found is None:
            rule = self.pathway.steps.get(id_)  # one look-up per item: at 50,000 steps, each misses the cache
            if rule is None:
                found = ()
            elif any(r.when for r in rule.preconditions):
                found = self.pathway.preconditions(id_, self.reading)
            else:
                found = rule.preconditions  # what `preconditions` returns when nothing depends on the reading
            self.in_force[id_] = found
        return found

    def walk(self, start: str) -> set[str]:
        """`start` and what it needs that does not hold, with this chooser's picks."""
        seen, holds = {start}, self.holds
        stack = [start]
        while stack:
            current = stack.pop()
            for requirement in self.requirements(current):
                needs = requirement.needs
                if len(needs) == 1:  # the usual case, inline: met_by and picks say the same
                    if needs[0] not in holds and needs[0] not in seen:
                        seen.add(needs[0])
                        stack.append(needs[0])
                    continue
                if requirement.met_by(holds):
                    continue
                for need in self.picks(requirement, seen):
                    if need not in seen:
                        seen.add(need)
                        stack.append(need)
        return seen

    def picks(self, requirement: Requirement, planned: set[str]) -> list[str]:
        """The members to take: as many as the requirement is short of, the cheapest first."""
        if not requirement.grouped:
            return [requirement.need]
        self.chose = True
        short = requirement.at_least - sum(1 for n in requirement.needs if n in self.holds)
        candidates = [n for n in requirement.needs if n not in self.holds]
        candidates.sort(key=lambda n: (n not in planned, self.cost(n), self.pathway.order_key(n)))
        return candidates[:short]

    def cost(self, start: str) -> int:
        """How many items `start` would add to a plan, counting itself."""
        if self.nesting >= self.MAX_NESTING:
            return 0
        if start not in self.costs:
            self.nesting += 1
            try:
                self.costs[start] = len(self.walk(start))
            finally:
                self.nesting -= 1
        return self.costs[start]


def _minimal(pathway: Pathway, reading: Reading, holds: frozenset[str], needed: set[str], target: str) -> set[str]:
    """Drop what the rest does without, latest in plan order first, until nothing can be dropped.

    What is kept always meets every precondition of what is kept (the walk made it so), so an item
    can be dropped when each precondition naming it is still met without it: only those are checked.
    """
    users: dict[str, list[Requirement]] = {}
    for id_ in needed:
        if id_ in pathway.steps:
            for requirement in pathway.preconditions(id_, reading):
                for need in requirement.needs:
                    users.setdefault(need, []).append(requirement)

    kept = set(needed)

    def spared(id_: str) -> bool:
        return all(sum(1 for n in r.needs if n != id_ and (n in holds or n in kept)) >= r.at_least
                   for r in users.get(id_, ()) if r.step in kept)

    dropped = True
    while dropped:
        dropped = False
        for id_ in sorted(kept - {target}, key=pathway.order_key, reverse=True):
            if spared(id_):
                kept.discard(id_)
                dropped = True
    return kept


def _ordered(pathway: Pathway, needed: set[str], requirements: Callable[[str], tuple[Requirement, ...]]) -> list[str]:
    """Kahn's algorithm over the needed items, ties broken by `order_key`."""
    waiting = {id_: 0 for id_ in needed}
    dependants: dict[str, list[str]] = {id_: [] for id_ in needed}
    for id_ in needed:
        for requirement in requirements(id_):
            for need in requirement.needs:
                if need in needed:
                    waiting[id_] += 1
                    dependants[need].append(id_)
    ready = [(pathway.order_key(id_), id_) for id_, count in waiting.items() if count == 0]
    heapq.heapify(ready)
    order: list[str] = []
    while ready:
        _, current = heapq.heappop(ready)
        order.append(current)
        for dependant in dependants[current]:
            waiting[dependant] -= 1
            if waiting[dependant] == 0:
                heapq.heappush(ready, (pathway.order_key(dependant), dependant))
    return order


def _item(pathway: Pathway, reading: Reading, id_: str) -> PlanItem:
    if id_ in pathway.conditions:
        return PlanItem(id=id_, kind=Kind.CONDITION.value, title=pathway.title_of(id_), action="establish")
    rule = pathway.steps[id_]
    action = "reached" if rule.derived else "take"
    return PlanItem(id=id_, kind=rule.kind.value, title=rule.title, action=action,
                    required=tuple(a.name for a in rule.attributes if a.required),
                    constraints=pathway.constraints(id_, reading) if rule.constraints else ())
