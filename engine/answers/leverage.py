"""Leverage: which actions that can be taken now move the way to a target most.

An action is an eligible step or a condition that does not hold, on the
target's way (what it needs, transitively, through what does not hold;
nothing else can move it).  Each is weighed by what asserting it makes
possible there: the steps that become eligible at once, the steps (and goals)
that become reachable by taking steps alone, and how much shorter the plan
gets in rounds and in items (`perimeter.answers.rounds`).  Sets of two or
three actions are listed where each smaller part moves nothing and together
they do (two separate preconditions of one step, say).

The figures are computed incrementally from counters of unmet members per
precondition, touching only what the actions reach, so a 10,000-step rule set
is ranked without evaluating it again per action.
"""

from __future__ import annotations

import heapq
import itertools
from collections import ChainMap, Counter
from collections.abc import Iterable, Iterator

from ..answers.plan import MAX_NESTING, plan
from ..answers.rounds import NEVER, Distance, Link, link, of_plan, round_for
from ..answers.status import Result
from ..backends.protocol import Evaluation
from ..pathway.compiled import Pathway, Reading, Requirement

RANKING = ("rounds_saved", "reachable", "eligible", "size_saved", "actions", "order")
"""The order of the rows, each figure best first: rounds saved, steps made reachable, steps made
eligible, items saved (more first), then fewer actions, then the rule set's order."""

MAX_TOGETHER = 3
"""The most actions a row takes together."""
MAX_SETS = 64
"""Sets kept per step when looking for actions that move it only together (a guard on wide groups)."""


class Lever(Result):
    """One action that can be taken now, or a few taken together, and what it makes possible.

    `eligible` and `reachable` are on the target's way, in the rule set's
    order; `rounds` and `size` are the distance left after it (0 when it
    reaches the target); `links` the preconditions of the way it meets.
    """

    ids: tuple[str, ...]
    kinds: tuple[str, ...]
    """`step` or `condition`, for each of `ids`."""
    eligible: tuple[str, ...] = ()
    """Steps that become eligible at once."""
    reachable: tuple[str, ...] = ()
    """Steps and goals that become reachable by taking steps alone (no further condition established)."""
    reaches: bool = False
    """Whether the target holds once these are asserted."""
    rounds: int
    size: int
    rounds_saved: int
    size_saved: int
    links: tuple[Link, ...] = ()


class Leverage(Result):
    """The actions that can be taken now toward `target`, best first, under the reading."""

    target: str
    title: str
    reading: str = "default"
    rounds: int
    """Rounds of decisions still needed now (see `Distance`)."""
    size: int
    """Steps and conditions the plan takes or establishes now."""
    ranked_by: tuple[str, ...] = RANKING
    actions: tuple[Lever, ...] = ()


class _Either:
    """Two collections read as their union, without copying either."""

    def __init__(self, first: Iterable[str], second: Iterable[str]):
        self.first, self.second = first, second

    def __contains__(self, item: object) -> bool:
        return item in self.first or item in self.second  # type: ignore[operator]

    def __iter__(self) -> Iterator[str]:
        return itertools.chain(self.first, self.second)

    def __len__(self) -> int:
        return sum(1 for _ in self)


def leverage(pathway: Pathway, reading: Reading, evaluation: Evaluation, target: str) -> Leverage:
    """The actions that can be taken now toward `target`, each with what it makes possible, best first."""
    costs: dict[str, int] = {}  # what the plan's choices priced, shared with the plans made per action
    now = of_plan(pathway, reading, evaluation.holds, plan(pathway, reading, evaluation, target, costs))
    answer = Leverage(target=target, title=pathway.title_of(target), reading=reading.label,
                      rounds=now.count, size=now.size)
    if target in evaluation.holds:
        return answer
    way = _Way(pathway, reading, evaluation.holds, target, now, costs)
    levers = [way.lever((a,)) for a in way.actionable]
    levers += [lever for group in way.together()
               if (lever := way.lever(group)).eligible or lever.reachable or lever.reaches]
    levers.sort(key=lambda r: (-r.rounds_saved, -len(r.reachable), -len(r.eligible), -r.size_saved, len(r.ids),
                               [pathway.order_key(i) for i in r.ids]))
    return answer.model_copy(update={"actions": tuple(levers)})


class _Way:
    """The target's way, with counters of unmet members for each precondition on it."""

    def __init__(self, pathway: Pathway, reading: Reading, holds: frozenset[str], target: str, now: Distance,
                 costs: dict[str, int]):
        self.pathway, self.reading, self.holds, self.target, self.now = pathway, reading, holds, target, now
        self.costs = costs
        self.needs: dict[str, tuple[Requirement, ...]] = {}
        self.dependants: dict[str, list[tuple[str, int]]] = {}
        stack, seen = [target], {target}
        while stack:
            current = stack.pop()
            if current not in pathway.steps:
                continue
            self.needs[current] = pathway.preconditions(current, reading)
            for index, requirement in enumerate(self.needs[current]):
                for need in requirement.needs:
                    if need in holds:
                        continue
                    self.dependants.setdefault(need, []).append((current, index))
                    if need not in seen:
                        seen.add(need)
                        stack.append(need)
        self.short = {s: [r.at_least - sum(1 for n in r.needs if n in holds) for r in rs]
                      for s, rs in self.needs.items()}
        self.open = {s: sum(1 for left in shorts if left > 0) for s, shorts in self.short.items()}
        eligible = [s for s, count in self.open.items() if count == 0 and not pathway.steps[s].derived]
        self.actionable = sorted([*eligible, *(i for i in seen if i in pathway.conditions)], key=pathway.order_key)
        # What taking steps alone reaches now, and the counters as they stand past it.
        opened, _, shorts, opens = self._release(eligible, steps_hold=True)
        self.reached = set(eligible) | set(opened)
        self.rshort = {s: list(left) for s, left in self.short.items()}
        for (step, index), left in shorts.items():
            self.rshort[step][index] = left
        self.ropen = {**self.open, **opens}
        self.grouped = any(r.grouped for rs in self.needs.values() for r in rs)
        self.reuse = self.grouped and self._nesting() < MAX_NESTING
        self.position = {id_: n for n, id_ in enumerate(now.plan.order)}
        self.before = {id_: n for n, ids in enumerate(now.rounds, 1) for id_ in ids}
        self.histogram = Counter(self.before.values())

    def _release(self, seeds: Iterable[str], *, steps_hold: bool, past: bool = False
                 ) -> tuple[list[str], list[tuple[str, int]], dict[tuple[str, int], int], dict[str, int]]:
        """Propagate `seeds` coming to hold: the steps whose preconditions all become met, the
        preconditions met on the way, and the counters changed (apart, so they can be dropped).

        Goals that open hold and propagate; other steps propagate only with `steps_hold`
        (reachability).  With `past`, counting starts past what steps alone reach now."""
        short, open_ = (self.rshort, self.ropen) if past else (self.short, self.open)
        shorts: dict[tuple[str, int], int] = {}
        opens: dict[str, int] = {}
        opened: list[str] = []
        met: list[tuple[str, int]] = []
        stack = list(seeds)
        while stack:
            for step, index in self.dependants.get(stack.pop(), ()):
                key = (step, index)
                left = shorts[key] = shorts.get(key, short[step][index]) - 1
                if left != 0:
                    continue
                met.append(key)
                remaining = opens[step] = opens.get(step, open_[step]) - 1
                if remaining == 0:
                    opened.append(step)
                    if steps_hold or self.pathway.steps[step].derived:
                        stack.append(step)
        return opened, met, shorts, opens

    def lever(self, ids: tuple[str, ...]) -> Lever:
        """The figures for asserting `ids` now."""
        pathway = self.pathway
        opened, met, _, _ = self._release(ids, steps_hold=False)
        goals = {s for s in opened if pathway.steps[s].derived}
        eligible = sorted((s for s in opened if s not in goals), key=pathway.order_key)
        conditions = [i for i in ids if i in pathway.conditions]
        newly, _, _, _ = self._release(conditions, steps_hold=True, past=True)
        reachable = sorted((s for s in newly if s not in self.reached and s not in goals), key=pathway.order_key)
        taken = set(ids) | goals
        links = tuple(link(pathway, self.reading, step, self.needs[step][index],
                           [n for n in self.needs[step][index].needs if n in taken])
                      for step, index in sorted(met, key=lambda m: (pathway.order_key(m[0]), m[1])))
        reaches = self.target in taken
        rounds, size = (0, 0) if reaches else self._after(taken)
        return Lever(ids=ids, kinds=tuple(pathway.steps[i].kind.value if i in pathway.steps else "condition"
                                          for i in ids),
                     eligible=tuple(eligible), reachable=tuple(reachable), reaches=reaches, rounds=rounds, size=size,
                     rounds_saved=self.now.count - rounds, size_saved=self.now.size - size, links=links)

    def _after(self, taken: set[str]) -> tuple[int, int]:
        """Rounds and size of the plan once `taken` holds: incrementally where no precondition on the
        way is a group (the plan is then exactly what does not hold), else by planning again."""
        holds = _Either(self.holds, taken)
        if self.grouped:
            after = plan(self.pathway, self.reading, Evaluation(frozenset(holds), {}, frozenset()), self.target,
                         self._unchanged(taken) if self.reuse else None)
            later = of_plan(self.pathway, self.reading, holds, after)
            return later.count, later.size
        before = self.before
        histogram = Counter(self.histogram)
        changed: dict[str, int] = {}
        rounds = ChainMap(changed, before)
        queue: list[tuple[int, str]] = []
        for id_ in taken:
            if id_ in before:
                histogram[before[id_]] -= 1
                changed[id_] = 0
                self._lowered(id_, before[id_], rounds, holds, queue)
        done: set[str] = set()
        while queue:
            _, current = heapq.heappop(queue)
            if current in done or current in taken:
                continue
            done.add(current)
            old, new = rounds[current], round_for(self.pathway, self.reading, holds, rounds, current)
            if new < old:
                histogram[old] -= 1
                histogram[new] += 1
                changed[current] = new
                self._lowered(current, old, rounds, holds, queue)
        size = self.now.size - sum(1 for i in taken if i in before
                                   and (i not in self.pathway.steps or not self.pathway.steps[i].derived))
        return max((r for r, count in histogram.items() if count > 0), default=0), size

    def _nesting(self) -> int:
        """The most alternatives on one chain of the way from the target: a bound on how deep the plan's
        pricing nests, from what holds now or from more."""
        deepest: dict[str, int] = {}
        stack = [(self.target, False)]
        while stack:
            current, expanded = stack.pop()
            if current in deepest:
                continue
            below = [(need, int(r.grouped)) for r in self.needs.get(current, ()) for need in r.needs
                     if need not in self.holds]
            if expanded:
                deepest[current] = max((deepest[n] + g for n, g in below), default=0)
                continue
            stack.append((current, True))
            stack.extend((n, False) for n, _ in below if n not in deepest)
        return deepest[self.target]

    def _unchanged(self, taken: set[str]) -> dict[str, int]:
        """The plan's prices that stay the same once `taken` holds: those of items that need nothing
        of `taken`, even through others (a price reads only what its item needs, transitively).
        Exact as long as pricing never nests past the plan's guard (`reuse`)."""
        moved, stack = set(taken), list(taken)
        while stack:
            for step, _ in self.dependants.get(stack.pop(), ()):
                if step not in moved:
                    moved.add(step)
                    stack.append(step)
        return {id_: cost for id_, cost in self.costs.items() if id_ not in moved}

    def _lowered(self, id_: str, old: int, rounds: ChainMap[str, int], holds: _Either,
                 queue: list[tuple[int, str]]) -> None:
        """`id_` moved to an earlier round than `old`: queue the planned items it may move too, those
        whose precondition naming it was met last (the rest keep their round, however many they need)."""
        for step, index in self.dependants.get(id_, ()):
            if step not in self.position:
                continue
            requirement = self.needs[step][index]
            was = old if len(requirement.needs) == 1 else sorted(
                old if n == id_ else 0 if n in holds else rounds.get(n, NEVER)
                for n in requirement.needs)[requirement.at_least - 1]
            level = rounds[step] - (0 if self.pathway.steps[step].derived else 1)
            if was >= level:
                heapq.heappush(queue, (self.position[step], step))

    def together(self) -> list[tuple[str, ...]]:
        """The sets of two or three actions that move something only together: each minimal among
        all the sets that make a step on the way eligible or reachable."""
        actionable = set(self.actionable)
        found: set[frozenset[str]] = set()
        blocked = [s for s, c in self.open.items() if c > 0 and (s == self.target or not self.pathway.steps[s].derived)]
        for base, candidates in ((self.holds, blocked),
                                 (_Either(self.holds, self.reached), [s for s in self.needs if s not in self.reached])):
            memo: dict[str, list[frozenset[str]]] = {}
            for step in candidates:
                found.update(self._making(step, base, actionable, memo, 0))
        minimal = [s for s in found if len(s) > 1 and not any(o < s for o in found)]
        return sorted((tuple(sorted(s, key=self.pathway.order_key)) for s in minimal),
                      key=lambda ids: [self.pathway.order_key(i) for i in ids])

    def _making(self, step: str, base: _Either | frozenset[str], actionable: set[str],
                memo: dict[str, list[frozenset[str]]], depth: int) -> list[frozenset[str]]:
        """The minimal sets of at most three actions that meet every precondition of `step` on top
        of `base` (a goal among the members is met by the sets that make it hold)."""
        if step in memo:
            return memo[step]
        memo[step] = []  # no loops in a compiled pathway; this only guards the recursion
        sets = [frozenset[str]()]
        for requirement in self.needs.get(step, ()):
            short = requirement.at_least - sum(1 for n in requirement.needs if n in base)
            if short <= 0:
                continue
            options: list[tuple[str, list[frozenset[str]]]] = []
            for need in requirement.needs:
                if need in base:
                    continue
                if need in actionable:
                    options.append((need, [frozenset({need})]))
                elif need in self.pathway.steps and self.pathway.steps[need].derived and depth < MAX_TOGETHER:
                    made = self._making(need, base, actionable, memo, depth + 1)
                    if made:
                        options.append((need, made))
            if short > MAX_TOGETHER or len(options) < short:
                return []
            ways = {frozenset().union(*parts) for chosen in itertools.combinations(options, short)
                    for parts in itertools.product(*(made for _, made in chosen))}
            sets = _smallest({s | w for s in sets for w in ways if len(s | w) <= MAX_TOGETHER})
            if not sets:
                return []
        memo[step] = sets
        return sets


def _smallest(sets: set[frozenset[str]]) -> list[frozenset[str]]:
    """The sets none of the others is inside, at most `MAX_SETS` of them (smallest first)."""
    ordered = sorted(sets, key=lambda s: (len(s), sorted(s)))
    kept: list[frozenset[str]] = []
    for candidate in ordered:
        if not any(k <= candidate for k in kept):
            kept.append(candidate)
        if len(kept) >= MAX_SETS:
            break
    return kept
