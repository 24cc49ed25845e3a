"""Why and why not: explanations built on the compiled graph, not on the engine.

An explanation is computed from the pathway, one evaluation and the facts,
so it says exactly what the engine concluded and cites the text behind each
link.  For a blocked target, the tree of unmet preconditions runs down to
what can be acted on today (the frontier); for an eligible or done one, the
facts that support it; for a violated one, what it violates.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..answers.status import Answer, Blocker, Result, State, step_status
from ..backends.protocol import Evaluation
from ..pathway.compiled import ConstraintRule, Kind, Pathway, Reading, Requirement
from ..pathway.model import Basis, Citation, Fact


class Reason(Result):
    """One node of a why-not tree: something the parent needs and lacks.

    `basis` and `citation` warrant the link from the parent.  A node reached
    a second time is marked `shared` and not expanded again.
    """

    id: str
    kind: str
    title: str
    state: str
    """A step state, or `absent` for a condition that does not hold."""
    basis: Basis
    citation: Citation
    actionable: bool
    """Can be done now: an eligible step or a condition to establish."""
    shared: bool = False
    under: tuple[str, ...] = ()
    """The choices the link depends on, as `CHOICE=ALTERNATIVE` in force (empty: every reading has it)."""
    needs: tuple[Reason, ...] = ()

    def __repr_args__(self) -> Iterator[tuple[str | None, Any]]:
        # Children by id: a why-not tree may be tens of thousands deep, past
        # any recursive repr.
        for name, value in super().__repr_args__():
            yield (name, tuple(r.id for r in value)) if name == "needs" else (name, value)


class Support(Result):
    """One precondition that holds, and the fact (or derivation) behind it."""

    id: str
    kind: str
    title: str
    basis: Basis
    citation: Citation
    fact: Fact | None = None
    """The recorded fact; None for the goal, which is derived, and for a group."""
    holding: tuple[str, ...] = ()
    """For a group (any-of, at-least): the members that hold."""
    to_start: bool = False
    """Needed only to take the step: for a recorded step, met when it was taken (it may not hold now)."""
    met: bool = True
    """Whether it holds now (a `to_start` one of a recorded step may not)."""
    under: tuple[str, ...] = ()
    """The choices it depends on, as `CHOICE=ALTERNATIVE` in force (empty: every reading has it)."""


class Explanation(Answer):
    """The answer to "why" or "why not" for a step, the goal or a condition.

    `missing` holds the target's own unmet preconditions (for a violated
    step, the ones it breaks).
    """

    tree: tuple[Reason, ...] = ()
    """Why not: the unmet preconditions, each down to actionable leaves."""
    support: tuple[Support, ...] = ()
    """Why: the preconditions that hold and what supports them."""
    violations: tuple[Blocker, ...] = ()
    """For a violated step: the preconditions and constraints it breaks, and required attributes it lacks."""
    fact: Fact | None = None
    """The target's own fact, when it is recorded."""
    needed_by: tuple[str, ...] = ()
    """For a condition: the steps that need it, in the rule set's order."""
    required: tuple[str, ...] = ()
    """For a step: the attributes it must be recorded with."""
    constraints: tuple[ConstraintRule, ...] = ()
    """For a step: how it must be done under the reading in force (what its attributes must be)."""


def explain(pathway: Pathway, reading: Reading, evaluation: Evaluation, facts: dict[str, Fact], target: str) -> Explanation:
    """Why `target` (a step, the goal or a condition) stands where it does."""
    if target in pathway.conditions:
        return _explain_condition(pathway, reading, facts, target)
    status = step_status(pathway, reading, evaluation, facts, target)
    rule = pathway.steps[target]
    base: dict[str, Any] = dict(target=target, title=rule.title, kind=rule.kind.value, state=status.state.value,
                                fact=facts.get(target), reading=reading.label,
                                required=tuple(a.name for a in rule.attributes if a.required),
                                constraints=pathway.constraints(target, reading))
    support = _support(pathway, reading, evaluation, facts, target)
    if status.state in (State.ELIGIBLE, State.DONE):
        return Explanation(**base, support=support)
    if status.state is State.VIOLATED:
        return Explanation(**base, support=support, violations=status.blockers,
                           missing=tuple(b.id for b in status.blockers
                                         if b.kind not in ("constraint", "attribute", "violated-step")))
    tree, frontier = _why_not_tree(pathway, reading, evaluation, facts, target)
    missing = tuple(r.id for r in tree)
    return Explanation(**base, missing=missing, frontier=frontier, tree=tree, support=support)


def _explain_condition(pathway: Pathway, reading: Reading, facts: dict[str, Fact], target: str) -> Explanation:
    rule = pathway.conditions[target]
    holds = target in facts
    needing = {r.step for r in pathway.requirements(reading) if target in r.needs}
    dependants = [step for step in pathway.steps if step in needing]
    return Explanation(target=target, title=rule.title, kind=Kind.CONDITION.value,
                       state="holds" if holds else "absent", fact=facts.get(target),
                       frontier=() if holds else (target,), needed_by=tuple(dependants), reading=reading.label)


def _support(pathway: Pathway, reading: Reading, evaluation: Evaluation, facts: dict[str, Fact],
             target: str) -> tuple[Support, ...]:
    missing = evaluation.unmet.get(target, frozenset())
    fact = facts.get(target)
    supports = []
    for r in pathway.preconditions(target, reading):
        if (r.id in fact.started_without) if r.to_start and fact is not None else r.id in missing:
            continue
        title = " / ".join(pathway.title_of(n) for n in r.needs)
        supports.append(Support(
            id=r.id, kind=r.kind.value, title=title, basis=r.basis, citation=r.citation,
            fact=None if r.grouped else facts.get(r.need), to_start=r.to_start,
            holding=tuple(n for n in r.needs if n in evaluation.holds) if r.grouped else (),
            met=r.id not in missing, under=reading.under(r.when)))
    return tuple(supports)


def _why_not_tree(pathway: Pathway, reading: Reading, evaluation: Evaluation, facts: dict[str, Fact],
                  target: str) -> tuple[tuple[Reason, ...], tuple[str, ...]]:
    """The unmet preconditions of `target`, each expanded once, and the actionable leaves.

    Without recursion (a pathway may be a 10,000-step chain): a pre-order
    walk records each occurrence, then nodes are built from the leaves up.
    """
    def unmet(step: str) -> list[Requirement]:
        missing = evaluation.unmet.get(step, frozenset())
        return [r for r in pathway.preconditions(step, reading) if r.id in missing]

    expanded: set[str] = set()
    frontier: set[str] = set()
    occurrences: list[tuple[int, dict[str, Any], bool]] = []  # parent index, node fields, expanded
    # (parent, the id to show, the requirement linking it): a group's members link through the group.
    stack = [(-1, r.id, r) for r in reversed(unmet(target))]
    while stack:
        parent, need, requirement = stack.pop()
        link: dict[str, Any] = dict(id=need, basis=requirement.basis, citation=requirement.citation,
                                    under=reading.under(requirement.when))
        if requirement.grouped and need == requirement.id:
            # An alternative or a k of n: its members that do not hold, any of which would count.
            occurrences.append((parent, dict(link, kind=requirement.kind.value, state="unmet", actionable=False,
                                             title=" / ".join(pathway.title_of(n) for n in requirement.needs)),
                                True))
            index = len(occurrences) - 1
            stack.extend((index, m, requirement) for m in reversed(requirement.needs) if m not in evaluation.holds)
            continue
        if need in pathway.conditions:
            frontier.add(need)
            occurrences.append((parent, dict(link, kind="condition", title=pathway.title_of(need),
                                             state="absent", actionable=True), False))
            continue
        # An unmet step is not recorded, so it is eligible or blocked, read off its
        # own unmet needs (cheaper than a full status, for trees of thousands).
        rule = pathway.steps[need]
        eligible = not rule.derived and not evaluation.unmet.get(need)
        fields = dict(link, kind=rule.kind.value, title=rule.title,
                      state=(State.ELIGIBLE if eligible else State.BLOCKED).value, actionable=eligible)
        if fields["actionable"]:
            frontier.add(need)
            occurrences.append((parent, fields, False))
        elif need in expanded:
            occurrences.append((parent, dict(fields, shared=True), False))
        else:
            expanded.add(need)
            occurrences.append((parent, fields, True))
            index = len(occurrences) - 1
            stack.extend((index, r.id, r) for r in reversed(unmet(need)))
    built: dict[int, list[Reason]] = {}
    for index in range(len(occurrences) - 1, -1, -1):
        parent, fields, _ = occurrences[index]
        node = Reason(**fields, needs=tuple(reversed(built.pop(index, []))))
        built.setdefault(parent, []).append(node)
    return tuple(reversed(built.get(-1, []))), tuple(sorted(frontier, key=pathway.order_key))
