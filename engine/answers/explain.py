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

from pydantic import BaseModel

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

    Without recursion (a pathway may be a 10,000-step chain): a pre-order walk
    keeps, for each node being expanded, where it stands in its links and the
    list its children go in (frozen into `needs` at the end), and makes each
    node as it is reached.  What a need is (its kind, title, state) is looked
    up once however often it is reached.
    """
    steps, unmet_of, holds = pathway.steps, evaluation.unmet, evaluation.holds
    admits, under_of = reading.admits, reading.under

    def links(step: str) -> list[tuple[str, Requirement]]:
        """The unmet preconditions of `step`, each with the id its node shows (a group's own)."""
        missing = unmet_of.get(step)
        if not missing:
            return []
        return [(r.id, r) for r in steps[step].preconditions if r.id in missing and (not r.when or admits(r.when))]

    known: dict[str, tuple[str, str, str, bool]] = {}  # need: kind, title, state, actionable
    expanded: set[str] = set()
    frontier: set[str] = set()
    roots: list[Reason] = []
    open_nodes: list[tuple[dict[str, Any], list[Reason]]] = []  # an expanded node's fields and its children
    # The links still to take of each node being expanded, and where their nodes go.
    stack: list[tuple[Iterator[tuple[str, Requirement]], list[Reason]]] = [(iter(links(target)), roots)]
    while stack:
        pending, siblings = stack[-1]
        for need, requirement in pending:
            under = under_of(requirement.when) if requirement.when else ()
            if need == requirement.id and len(requirement.needs) > 1:
                # An alternative or a k of n: its members that do not hold, any of which would count
                # (each linked through the group).
                fields: dict[str, Any] = {
                    "id": need, "kind": requirement.kind.value,
                    "title": " / ".join(pathway.title_of(n) for n in requirement.needs), "state": "unmet",
                    "basis": requirement.basis, "citation": requirement.citation, "actionable": False,
                    "shared": False, "under": under, "needs": ()}
                more = [(m, requirement) for m in requirement.needs if m not in holds]
            else:
                what = known.get(need)
                if what is None:
                    what = known[need] = _what(pathway, evaluation, need)
                kind, title, state, actionable = what
                fields = {"id": need, "kind": kind, "title": title, "state": state, "basis": requirement.basis,
                          "citation": requirement.citation, "actionable": actionable, "shared": False,
                          "under": under, "needs": ()}
                if actionable:
                    frontier.add(need)
                    siblings.append(_reason(fields, _GIVEN))
                    continue
                if need in expanded:  # shown once, in full, where the walk first reaches it
                    fields["shared"] = True
                    siblings.append(_reason(fields, _GIVEN_SHARED))
                    continue
                expanded.add(need)
                more = links(need)
            children: list[Reason] = []
            siblings.append(_reason(fields, _GIVEN))
            open_nodes.append((fields, children))
            stack.append((iter(more), children))
            break
        else:
            stack.pop()
    for fields, children in open_nodes:
        fields["needs"] = tuple(children)
    return tuple(roots), tuple(sorted(frontier, key=pathway.order_key))


def _what(pathway: Pathway, evaluation: Evaluation, need: str) -> tuple[str, str, str, bool]:
    """A need's kind, title, state and whether it can be acted on now: a condition that does not hold,
    or a step not recorded (so eligible or blocked, read off its own unmet needs: cheaper than a full
    status, for trees of thousands)."""
    if need in pathway.conditions:
        return "condition", pathway.conditions[need].title, "absent", True
    rule = pathway.steps[need]
    eligible = not rule.derived and not evaluation.unmet.get(need)
    return rule.kind.value, rule.title, (State.ELIGIBLE if eligible else State.BLOCKED).value, eligible


_GIVEN = {"id", "kind", "title", "state", "basis", "citation", "actionable", "under", "needs"}
"""The fields a node is given (the rest keep their defaults), as validation would record them."""
_GIVEN_SHARED = _GIVEN | {"shared"}


def _reason(fields: dict[str, Any], given: set[str]) -> Reason:
    """A node made from fields already of their declared types, without validating them again
    (the walk makes thousands; validation took a quarter of its time): what `Reason(**fields)` makes.

    `fields` holds every field in declaration order, as validation would; `given` is what validation
    records as set (shared between nodes: a frozen model's is only ever copied before it changes).
    `needs` may be set in `fields` until the node is handed out.
    """
    node = _new(Reason)
    _set_dict(node, fields)
    _set_fields_set(node, given)
    _set_extra(node, None)
    _set_private(node, None)
    return node


_new = object.__new__
# The slots every pydantic model has, set as `BaseModel.model_construct` sets them (through their
# descriptors: a third faster than `object.__setattr__`, which looks each name up first).
_set_dict = vars(BaseModel)["__dict__"].__set__
_set_fields_set = vars(BaseModel)["__pydantic_fields_set__"].__set__
_set_extra = vars(BaseModel)["__pydantic_extra__"].__set__
_set_private = vars(BaseModel)["__pydantic_private__"].__set__
