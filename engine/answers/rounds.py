"""How far a target is: its plan in rounds of decisions, and the chain that sets the pace.

Items whose preconditions are met by what holds or by earlier rounds can be
decided in the same round, steps and conditions alike.  Each item goes in the
earliest round it can (as soon as possible), which gives the fewest rounds
the plan can be taken in: by induction over the plan's order, no valid
grouping puts any item earlier.  A goal is not a decision: it is reached in
the round its last need is met, so the number of rounds counts decisions only.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

from ..answers.plan import Plan, plan
from ..answers.status import Result
from ..backends.protocol import Evaluation
from ..pathway.compiled import Pathway, Reading, Requirement
from ..pathway.model import Basis, Citation

NEVER = 1 << 30
"""The round of what neither holds nor is planned: never met."""


class Link(Result):
    """One precondition as an answer cites it: `step` needs `requirement`, met here by `by`."""

    step: str
    requirement: str
    """The precondition's id: the need itself, or a group's ("A3|A5", "2 of T1|T2|T3")."""
    kind: str
    """`step`, `condition`, `goal`, or for a group `any-of` / `at-least`."""
    needs: tuple[str, ...]
    at_least: int = 1
    by: tuple[str, ...]
    """The members that meet it in this answer: the actions taken, or the link before on a chain."""
    basis: Basis
    citation: Citation
    under: tuple[str, ...] = ()
    """The choices it depends on, as `CHOICE=ALTERNATIVE` in force (empty: every reading has it)."""
    to_start: bool = False


class Distance(Result):
    """How far `target` is under the reading: its plan, grouped into the fewest rounds, and the pace.

    `rounds` partitions the plan's items (a reached goal in the round its last
    need is met); `size` counts the steps and conditions it takes or
    establishes; `pace` is a chain of items from the first round to the
    target, each needing the one before through `links[i]` (`pace[i + 1]`
    needs `pace[i]`, and met it last): what sets the number of rounds.
    Empty when the target holds.
    """

    target: str
    reading: str = "default"
    plan: Plan
    rounds: tuple[tuple[str, ...], ...] = ()
    size: int = 0
    pace: tuple[str, ...] = ()
    links: tuple[Link, ...] = ()

    @property
    def count(self) -> int:
        """The number of rounds of decisions still needed."""
        return len(self.rounds)


def distance(pathway: Pathway, reading: Reading, evaluation: Evaluation, target: str) -> Distance:
    """How far `target` is from the current evaluation: the plan perimeter gives, in rounds."""
    return of_plan(pathway, reading, evaluation.holds, plan(pathway, reading, evaluation, target))


def of_plan(pathway: Pathway, reading: Reading, holds: Collection[str], made: Plan) -> Distance:
    """`made` (a plan from `holds`) in rounds, with the chain that sets the pace."""
    if not made.items:
        return Distance(target=made.target, reading=made.reading, plan=made)
    round_of = schedule(pathway, reading, holds, made.order)
    rounds: dict[int, list[str]] = {}
    for id_ in made.order:
        rounds.setdefault(round_of[id_], []).append(id_)
    pace, links = _pace(pathway, reading, holds, round_of, made.target)
    size = sum(1 for item in made.items if item.action != "reached")
    return Distance(target=made.target, reading=made.reading, plan=made, size=size, pace=pace, links=links,
                    rounds=tuple(tuple(rounds[r]) for r in sorted(rounds)))


def schedule(pathway: Pathway, reading: Reading, holds: Collection[str], order: Sequence[str]) -> dict[str, int]:
    """Each item of a valid `order` in its earliest round (1 first); what holds is in round 0."""
    round_of: dict[str, int] = {}
    for id_ in order:
        round_of[id_] = round_for(pathway, reading, holds, round_of, id_)
    return round_of


def round_for(pathway: Pathway, reading: Reading, holds: Collection[str], round_of: Mapping[str, int],
              id_: str) -> int:
    """The earliest round `id_` can be decided in, given the rounds of what it needs."""
    if id_ not in pathway.steps:
        return 1
    latest = max((met_in(r, holds, round_of) for r in pathway.preconditions(id_, reading)), default=0)
    return max(latest, 1) if pathway.steps[id_].derived else latest + 1


def met_in(requirement: Requirement, holds: Collection[str], round_of: Mapping[str, int]) -> int:
    """The round after which `requirement` is met: its `at_least`-th earliest member (0: it holds now)."""
    if len(requirement.needs) == 1:
        need = requirement.needs[0]
        return 0 if need in holds else round_of.get(need, NEVER)
    ends = sorted(0 if n in holds else round_of.get(n, NEVER) for n in requirement.needs)
    return ends[requirement.at_least - 1]


def binding(pathway: Pathway, reading: Reading, holds: Collection[str], round_of: Mapping[str, int],
            id_: str) -> tuple[Requirement, str] | None:
    """The precondition of `id_` met last, and the member that meets it then; None when all hold now.

    Ties go to the member that comes first in the rule set's order, so the chain is deterministic.
    """
    best: tuple[int, tuple[int, int, str], Requirement, str] | None = None
    for requirement in pathway.preconditions(id_, reading):
        when = met_in(requirement, holds, round_of)
        if when == 0 or when >= NEVER:
            continue
        member = min((n for n in requirement.needs if n not in holds and round_of.get(n) == when),
                     key=pathway.order_key)
        key = pathway.order_key(member)
        if best is None or when > best[0] or (when == best[0] and key < best[1]):
            best = (when, key, requirement, member)
    return None if best is None else (best[2], best[3])


def link(pathway: Pathway, reading: Reading, step: str, requirement: Requirement, by: Sequence[str]) -> Link:
    """`requirement` of `step`, met by `by`, as an answer cites it."""
    return Link(step=step, requirement=requirement.id, kind=requirement.kind.value, needs=requirement.needs,
                at_least=requirement.at_least, by=tuple(by), basis=requirement.basis,
                citation=requirement.citation, under=reading.under(requirement.when), to_start=requirement.to_start)


def _pace(pathway: Pathway, reading: Reading, holds: Collection[str], round_of: Mapping[str, int],
          target: str) -> tuple[tuple[str, ...], tuple[Link, ...]]:
    """From the target back along the precondition met last, to an item of the first round."""
    chain, links = [target], []
    current = target
    while True:
        found = binding(pathway, reading, holds, round_of, current) if current in pathway.steps else None
        if found is None:
            break
        requirement, member = found
        links.append(link(pathway, reading, current, requirement, (member,)))
        chain.append(member)
        current = member
    return tuple(reversed(chain)), tuple(reversed(links))
