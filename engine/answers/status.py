"""From a raw evaluation to what users ask about: each step's state and blockers.

Pure functions over immutable values: the same evaluation always gives the
same conclusions, whichever evaluator produced it.
"""

from __future__ import annotations

from collections.abc import Collection
from enum import Enum

from pydantic import BaseModel, ConfigDict

from ..backends.protocol import Evaluation
from ..pathway.compiled import ConstraintRule, Kind, Pathway, Reading, Requirement, StepRule
from ..pathway.model import Basis, Citation, Fact, Sector


class State(str, Enum):
    """Where a step stands.

    `done`: recorded, and every precondition and constraint holds.
    `eligible`: not recorded, and every precondition holds: it can be taken now.
    `blocked`: not recorded, and a precondition fails.
    `violated`: recorded while a precondition fails, or done against a constraint or
    without a required attribute;
    for a goal (derived), reached through a step that is violated.
    """

    DONE = "done"
    ELIGIBLE = "eligible"
    BLOCKED = "blocked"
    VIOLATED = "violated"


class Result(BaseModel):
    """Base of every answer: immutable, and nothing but its declared fields."""

    # validators are built on first use: a command builds only those it uses
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class Answer(Result):
    """The shape every "why" answer shares, for a step, a condition, the goal or a relationship.

    `missing` names what the target lacks (preconditions, or a relationship's
    levels); `frontier` what can be acted on now toward it, in plan order.
    `reasons` is the answer in sentences: empty as computed here, filled by
    the presentation layer when an `Engine` hands the answer out.
    """

    target: str
    title: str
    kind: str
    state: str
    """A step state, `holds`/`absent` for a condition, a level name for a relationship."""
    missing: tuple[str, ...] = ()
    frontier: tuple[str, ...] = ()
    reasons: tuple[str, ...] = ()
    reading: str = "default"
    """The reading the answer was given under: a profile, and the choices picked on top."""


class Transition(Result):
    """One step or condition whose standing a change moved."""

    id: str
    before: str
    after: str
    derived: bool = False
    """A goal: reached or not as its preconditions hold, never recorded."""


class Blocker(Result):
    """One reason a step is blocked or violated, with the text that warrants it."""

    id: str
    kind: str
    """`step`, `condition`, `goal`, `constraint`, `attribute` (a required one not given), or for a
    group `any-of` / `at-least`;
    for a goal that is reached, `violated-step`: a violated step it stands on."""
    title: str
    basis: Basis
    citation: Citation
    detail: str | None = None
    needs: tuple[str, ...] = ()
    """For a group: its members, of which `at_least` must hold."""
    at_least: int = 1
    to_start: bool = False
    """Needed to take the step, not to keep it done."""


class StepStatus(Result):
    """One step (or the goal) and where it stands."""

    id: str
    title: str
    kind: str
    sector: Sector | None
    sequence: int
    state: State
    blockers: tuple[Blocker, ...] = ()
    fact: Fact | None = None


class ConditionStatus(Result):
    """One condition and whether it holds."""

    id: str
    title: str
    holds: bool
    fact: Fact | None = None


class Conclusions(Result):
    """Every step's state, every condition, and each goal, under one reading."""

    pathway: str
    reading: Reading
    steps: tuple[StepStatus, ...]
    conditions: tuple[ConditionStatus, ...]
    goals: tuple[StepStatus, ...] = ()
    """Each goal, in the rule set's order."""

    @property
    def goal(self) -> StepStatus | None:
        """The only goal; None when there is none, or several (then see `goals`)."""
        return self.goals[0] if len(self.goals) == 1 else None

    def step(self, id_: str) -> StepStatus:
        """The status of step `id_` (goals included)."""
        for status in (*self.goals, *self.steps):
            if status.id == id_:
                return status
        raise KeyError(id_)

    def by_state(self, state: State) -> list[str]:
        """Ids of the steps in `state`, in the rule set's order."""
        return [s.id for s in self.steps if s.state is state]


def conclude(pathway: Pathway, reading: Reading, evaluation: Evaluation, facts: dict[str, Fact]) -> Conclusions:
    """Classify every step of `pathway` from `evaluation` (goals after the steps they stand on)."""
    known = {step: step_status(pathway, reading, evaluation, facts, step)
             for step, rule in pathway.steps.items() if not rule.derived}
    for step in pathway.goals:
        if step not in known:
            known[step] = step_status(pathway, reading, evaluation, facts, step, known)
    statuses = [known[step] for step in pathway.steps]
    conditions = tuple(
        ConditionStatus(id=c, title=rule.title, holds=c in evaluation.holds, fact=facts.get(c))
        for c, rule in pathway.conditions.items())
    return Conclusions(pathway=pathway.id, reading=reading, steps=tuple(s for s in statuses if s.kind != Kind.GOAL.value),
                       conditions=conditions, goals=tuple(s for s in statuses if s.kind == Kind.GOAL.value))


def blocker_of(pathway: Pathway, requirement: Requirement) -> Blocker:
    """An unmet precondition as a blocker: the need itself, or a group with its members."""
    if not requirement.grouped:
        return Blocker(id=requirement.need, kind=requirement.kind.value, title=pathway.title_of(requirement.need),
                       basis=requirement.basis, citation=requirement.citation, to_start=requirement.to_start)
    return Blocker(id=requirement.id, kind=requirement.kind.value,
                   title=" / ".join(pathway.title_of(n) for n in requirement.needs), basis=requirement.basis,
                   citation=requirement.citation, needs=requirement.needs, at_least=requirement.at_least,
                   to_start=requirement.to_start)


def started_without(pathway: Pathway, step: str, holds: Collection[str]) -> tuple[str, ...]:
    """The preconditions needed only to start `step` that fail with `holds`, under any reading: what
    the step, taken by force now, is taken without."""
    return tuple(r.id for r in pathway.steps[step].preconditions if r.to_start and not r.met_by(holds))


FACT_KINDS = frozenset({"attribute", "constraint"})
"""Kinds of blocker about how a step was recorded (its fact's attributes), not about what it needs first."""


def fact_blockers(rule: StepRule, fact: Fact, evaluation: Evaluation) -> list[Blocker]:
    """What a recorded step's fact breaks: each required attribute it lacks (kind `attribute`, citing
    the declaration, or the step where the declaration cites nothing), each constraint its value fails."""
    blockers = [Blocker(id=f"{rule.id}.{a.name}", kind="attribute", title=f"{a.name} is required", basis=Basis.STATED,
                        citation=a.citation or rule.citation, detail=f"no {a.name} is given")
                for a in rule.attributes if a.required and a.name not in fact.attributes]
    for constraint in rule.constraints:
        value = fact.attributes.get(constraint.attribute)
        if value is not None and (rule.id, constraint.attribute, constraint.key(value)) in evaluation.breaches:
            blockers.append(Blocker(
                id=f"{rule.id}.{constraint.attribute}", kind="constraint", title=constraint_title(constraint),
                basis=constraint.basis, citation=constraint.citation, detail=f"{constraint.attribute} is '{value}'"))
    return blockers


def done_against(pathway: Pathway, facts: dict[str, Fact], evaluation: Evaluation) -> frozenset[str]:
    """The recorded steps done against their constraints, or without an attribute they require."""
    return frozenset(id_ for id_, fact in facts.items()
                     if id_ in pathway.steps and fact_blockers(pathway.steps[id_], fact, evaluation))


def constraint_title(constraint: ConstraintRule) -> str:
    """What a constraint asks, in a few words: "location must be Alder or Birchmoor", "tankers must be from 2 to 6"."""
    name, low, high = constraint.attribute, constraint.minimum, constraint.maximum
    if not constraint.bounded:
        return f"{name} must be {' or '.join(constraint.allowed)}"
    if low is not None and high is not None:
        return f"{name} must be from {low} to {high}"
    return f"{name} must be at least {low}" if low is not None else f"{name} must be at most {high}"


def step_status(pathway: Pathway, reading: Reading, evaluation: Evaluation, facts: dict[str, Fact],
                step: str, known: dict[str, StepStatus] | None = None) -> StepStatus:
    """The state of one step and exactly what blocks or violates it.

    For a goal that is reached, `evaluation` must cover every step of its
    `closure` (the whole evaluation does); `known` holds statuses already
    computed, and receives those computed on the way.
    """
    rule = pathway.steps[step]
    missing = evaluation.unmet.get(step, frozenset())
    fact = facts.get(step)
    blockers = [blocker_of(pathway, r) for r in pathway.preconditions(step, reading)
                if (r.id in fact.started_without if r.to_start and fact is not None  # needed to start, not to stay
                    else r.id in missing)]
    if fact is not None:
        blockers += fact_blockers(rule, fact, evaluation)
    if rule.derived:
        state = State.DONE if step in evaluation.holds else State.BLOCKED
        if state is State.DONE:
            blockers += violated_below(pathway, reading, evaluation, facts, step, {} if known is None else known)
            state = State.VIOLATED if blockers else State.DONE
    elif fact is not None:
        state = State.VIOLATED if blockers else State.DONE
    else:
        state = State.BLOCKED if blockers else State.ELIGIBLE
    return StepStatus(id=step, title=rule.title, kind=rule.kind.value, sector=rule.sector,
                      sequence=rule.sequence, state=state, blockers=tuple(blockers), fact=fact)


def violated_below(pathway: Pathway, reading: Reading, evaluation: Evaluation, facts: dict[str, Fact], step: str,
                   known: dict[str, StepStatus]) -> list[Blocker]:
    """The violated steps a reached goal stands on, in the rule set's order.

    Those are the steps, in the closure of what it needs (its preconditions,
    transitively, through those that hold), that are violated: a goal reached
    through them is reached, but not as the rules allow.  Each is named with
    the precondition that leads to it and, as `detail`, what it breaks.
    Without recursion (a closure may be 10,000 steps deep).
    """
    found: dict[str, Blocker] = {}
    seen, stack = {step}, [step]
    while stack:
        for requirement in pathway.preconditions(stack.pop(), reading):
            for need in requirement.needs:
                if need in seen or need not in pathway.steps or need not in evaluation.holds:
                    continue
                seen.add(need)
                stack.append(need)
                status = known.get(need) or step_status(pathway, reading, evaluation, facts, need, known)
                known[need] = status
                if status.state is State.VIOLATED:
                    found[need] = Blocker(id=need, kind="violated-step", title=status.title, basis=requirement.basis,
                                          citation=requirement.citation,
                                          detail=", ".join(b.id for b in status.blockers))
    return sorted(found.values(), key=lambda b: pathway.order_key(b.id)[1])


def closure(pathway: Pathway, reading: Reading, step: str) -> set[str]:
    """`step` and every step it needs, transitively, whether it holds or not: what a goal's status reads."""
    found, stack = {step}, [step]
    while stack:
        for requirement in pathway.preconditions(stack.pop(), reading):
            for need in requirement.needs:
                if need not in found and need in pathway.steps:
                    found.add(need)
                    stack.append(need)
    return found
