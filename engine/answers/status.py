"""From a raw evaluation to what users ask about: each step's state and blockers.

Pure functions over immutable values: the same evaluation always gives the
same conclusions, whichever evaluator produced it.
"""

from __future__ import annotations

from enum import Enum

from pydantic import BaseModel, ConfigDict

from ..backends.protocol import Evaluation
from ..pathway.compiled import Kind, Mode, Pathway
from ..pathway.model import Basis, Citation, Fact, Sector


class State(str, Enum):
    """Where a step stands.

    `done`: recorded, and every precondition and constraint holds.
    `eligible`: not recorded, and every precondition holds: it can be taken now.
    `blocked`: not recorded, and a precondition fails.
    `violated`: recorded while a precondition fails, or done against a constraint.
    """

    DONE = "done"
    ELIGIBLE = "eligible"
    BLOCKED = "blocked"
    VIOLATED = "violated"


class Result(BaseModel):
    """Base of every answer: immutable, and nothing but its declared fields."""

    model_config = ConfigDict(frozen=True, extra="forbid")


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


class Transition(Result):
    """One step or condition whose standing a change moved."""

    id: str
    before: str
    after: str


class Blocker(Result):
    """One reason a step is blocked or violated, with the text that warrants it."""

    id: str
    kind: str
    """`step`, `condition`, `goal`, or `constraint`."""
    title: str
    basis: Basis
    citation: Citation
    detail: str | None = None


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
    """Every step's state, every condition, and the goal, under one mode."""

    pathway: str
    mode: Mode
    steps: tuple[StepStatus, ...]
    conditions: tuple[ConditionStatus, ...]
    goal: StepStatus | None

    def step(self, id_: str) -> StepStatus:
        """The status of step `id_` (the goal included)."""
        if self.goal is not None and self.goal.id == id_:
            return self.goal
        for status in self.steps:
            if status.id == id_:
                return status
        raise KeyError(id_)

    def by_state(self, state: State) -> list[str]:
        """Ids of the steps in `state`, in the rule set's order."""
        return [s.id for s in self.steps if s.state is state]


def conclude(pathway: Pathway, mode: Mode, evaluation: Evaluation, facts: dict[str, Fact]) -> Conclusions:
    """Classify every step of `pathway` from `evaluation`."""
    statuses = [step_status(pathway, mode, evaluation, facts, step) for step in pathway.steps]
    goal = next((s for s in statuses if s.kind == Kind.GOAL.value), None)
    conditions = tuple(
        ConditionStatus(id=c, title=rule.title, holds=c in evaluation.holds, fact=facts.get(c))
        for c, rule in pathway.conditions.items())
    return Conclusions(pathway=pathway.id, mode=mode, steps=tuple(s for s in statuses if s is not goal),
                       conditions=conditions, goal=goal)


def step_status(pathway: Pathway, mode: Mode, evaluation: Evaluation, facts: dict[str, Fact],
                step: str) -> StepStatus:
    """The state of one step and exactly what blocks or violates it."""
    rule = pathway.steps[step]
    missing = evaluation.unmet.get(step, frozenset())
    blockers = [
        Blocker(id=r.need, kind=r.kind.value, title=pathway.title_of(r.need), basis=r.basis, citation=r.citation)
        for r in pathway.preconditions(step, mode) if r.need in missing]
    fact = facts.get(step)
    if fact is not None:
        for constraint in rule.constraints:
            value = fact.attributes.get(constraint.attribute)
            if value is not None and (step, constraint.attribute, value.casefold()) in evaluation.breaches:
                blockers.append(Blocker(
                    id=f"{step}.{constraint.attribute}", kind="constraint",
                    title=f"{constraint.attribute} must be {' or '.join(constraint.allowed)}",
                    basis=constraint.basis, citation=constraint.citation,
                    detail=f"{constraint.attribute} is '{value}'"))
    if rule.derived:
        state = State.DONE if step in evaluation.holds else State.BLOCKED
    elif fact is not None:
        state = State.VIOLATED if blockers else State.DONE
    else:
        state = State.BLOCKED if blockers else State.ELIGIBLE
    return StepStatus(id=step, title=rule.title, kind=rule.kind.value, sector=rule.sector,
                      sequence=rule.sequence, state=state, blockers=tuple(blockers), fact=fact)
