"""The engine a program embeds: a pathway, a set of facts, and live conclusions.

An `Engine` owns one evaluator (durable-rules by default, the plain reference
on request) and the facts it was given.  Assertions are checked against the
rules first: a step whose preconditions fail is refused unless forced, and
then it shows as `violated`.  Every change reports what it moved.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from perimeter.answers.explain import Explanation, explain
from perimeter.answers.plan import Plan, plan
from perimeter.answers.resolve import resolve, resolve_relationship
from perimeter.answers.spectrum import (
    Chart,
    ChartMove,
    RelationshipAnswer,
    chart,
    moves,
    why_not_at,
)
from perimeter.answers.status import (
    Blocker,
    Conclusions,
    ConditionStatus,
    State,
    StepStatus,
    conclude,
    step_status,
)
from perimeter.backends.protocol import Before, Evaluation, Evaluator, Journal
from perimeter.backends.reference import ReferenceEvaluator
from perimeter.errors import EvaluationError, RefusedError
from perimeter.pathway.compile import load_pathway
from perimeter.pathway.compiled import Mode, Pathway
from perimeter.pathway.facts import Fact, known_id, load_baseline, make_fact
from perimeter.pathway.model import Citation, Measure
from pydantic import BaseModel, ConfigDict

Backend = Literal["durable", "reference"]


class Transition(BaseModel):
    """One step or condition whose standing changed."""

    model_config = ConfigDict(frozen=True)

    id: str
    before: str
    after: str


class Change(BaseModel):
    """What one assert, retract or batch moved, in the rule set's order."""

    model_config = ConfigDict(frozen=True)

    transitions: tuple[Transition, ...] = ()
    also_needs: tuple[tuple[str, tuple[str, ...]], ...] = ()
    """Steps whose state did not move but which gained blockers: (step, new blockers)."""
    moves: tuple[ChartMove, ...] = ()
    """Relationships whose level on the spectrum (Chart 1) moved."""

    def moved_to(self, state: str) -> list[str]:
        """Ids that ended in `state` (a step state, or `holds` / `absent`)."""
        return [t.id for t in self.transitions if t.after == state]

    def summary(self) -> str:
        """The change in words: "vetting withdrawn: B1 and B2 are blocked again"."""
        facts = [t for t in self.transitions if t.after in ("holds", "absent")]
        steps = [t for t in self.transitions if t not in facts]
        recorded = [t.id for t in steps if t.before in ("eligible", "blocked") and t.after in ("done", "violated")]
        unrecorded = [t.id for t in steps if t.before in ("done", "violated") and t.after in ("eligible", "blocked")]
        heads = ([f"{t.id} {'established' if t.after == 'holds' else 'withdrawn'}" for t in facts]
                 + [f"{t.id} recorded" + (" but violated" if t.after == "violated" else "")
                    for t in steps if t.id in recorded]
                 + [f"{i} withdrawn" for i in unrecorded])
        rest = [t for t in steps if t.id not in recorded and t.id not in unrecorded]
        groups: dict[str, list[str]] = {}
        for t in rest:
            groups.setdefault(_phrase(t), []).append(t.id)
        clauses = [f"{_and(ids)} {'is' if len(ids) == 1 else 'are'} {phrase}" for phrase, ids in groups.items()]
        clauses += [f"{step} now also needs {_and(list(needs))}" for step, needs in self.also_needs]
        clauses += [f"{m.title} moves from {m.before_name} to {m.after_name}" for m in self.moves]
        head = ", ".join(heads) or "no fact changed"
        return head + (": " + "; ".join(clauses) if clauses else ": nothing else moved")


@dataclass(frozen=True)
class FactChange:
    """One item of a batch: assert `id` (with attributes) or retract it."""

    action: Literal["assert", "retract"]
    id: str
    attributes: Mapping[str, str] | None = None
    source: str | None = None
    citation: Citation | None = None


class Engine:
    """Facts in, conclusions out, for one pathway under one mode.

    Several engines live side by side in one process; each has its own
    durable-rules session.  Close an engine (or use it as a context manager)
    to free its session promptly; it is also freed when collected.
    """

    def __init__(self, pathway: Pathway, facts: Iterable[Fact] = (), *, mode: Mode | str = Mode.IMPLIED,
                 backend: Backend = "durable", measures: Iterable[Measure] = ()):
        self.pathway = pathway
        self.mode = Mode(mode)
        self.backend = backend
        self.measures = tuple(measures)
        self._facts: dict[str, Fact] = {}
        initial = tuple(facts)
        self._evaluator: Evaluator = self._new_evaluator(initial)
        self._facts = {f.id: f for f in initial}

    def _new_evaluator(self, facts: tuple[Fact, ...]) -> Evaluator:
        if self.backend == "reference":
            evaluator = ReferenceEvaluator(self.pathway, self.mode)
            for fact in facts:
                evaluator.assert_fact(fact)
            return evaluator
        from perimeter.backends.durable import (
            DurableEvaluator,  # durable-rules loads only when used
        )

        return DurableEvaluator(self.pathway, self.mode, facts)

    # -- reading ---------------------------------------------------------

    @property
    def facts(self) -> tuple[Fact, ...]:
        """The facts held now, in the order they were asserted."""
        return tuple(self._facts.values())

    def evaluation(self) -> Evaluation:
        """The evaluator's raw conclusions (for tests and explanations)."""
        return self._evaluator.evaluation()

    def conclusions(self) -> Conclusions:
        """Every step's state and blockers, every condition, and the goal."""
        return conclude(self.pathway, self.mode, self.evaluation(), self._facts)

    def status(self, id_: str) -> StepStatus | ConditionStatus:
        """Where one step, condition or the goal stands (`id_` in any case)."""
        canonical = known_id(self.pathway, id_)
        if canonical in self.pathway.steps:
            return step_status(self.pathway, self.mode, self._evaluator.evaluation((canonical,)), self._facts,
                               canonical)
        rule = self.pathway.conditions[canonical]
        return ConditionStatus(id=canonical, title=rule.title, holds=canonical in self._facts,
                               fact=self._facts.get(canonical))

    # -- asking --------------------------------------------------------

    def resolve(self, question: str) -> str:
        """The id a question names: an id, `goal`, or words such as "Mexico join NORAD"."""
        return resolve(self.pathway, question)

    def explain(self, question: str) -> Explanation | RelationshipAnswer:
        """Why the target stands where it does: the why-not tree, the support, or the violation.

        A question about a relationship on the spectrum ("why isn't US/Mexico at
        combined exercises") is answered with the measures it lacks.
        """
        about = resolve_relationship(self.pathway, question)
        if about is not None:
            return why_not_at(self.chart(), *about)
        return explain(self.pathway, self.mode, self.evaluation(), self._facts, self.resolve(question))

    def chart(self) -> Chart:
        """Where each relationship stands on the spectrum (Chart 1), given what is done."""
        return chart(self.pathway, self.measures, self.evaluation().holds)

    def plan(self, question: str) -> Plan:
        """The steps and conditions still needed for the target, in a valid order."""
        return plan(self.pathway, self.mode, self.evaluation(), self.resolve(question))

    def what_if(self, changes: Sequence[FactChange]) -> Change:
        """What `changes` would move, evaluated apart: nothing stored here changes.

        Hypothetical steps are applied as if forced, so a step asserted out of
        order shows up as violated rather than being refused.
        """
        with Engine(self.pathway, self.facts, mode=self.mode, backend=self.backend,
                    measures=self.measures) as scratch:
            return scratch.apply(changes, force=True)

    # -- changing --------------------------------------------------------

    def assert_fact(self, id_: str, attributes: Mapping[str, str] | None = None, *, source: str | None = None,
                    citation: Citation | None = None, force: bool = False) -> Change:
        """Record that a step is done or a condition holds.

        A step whose preconditions or constraints fail is refused with
        `RefusedError` (naming every blocker) unless `force` is set.
        """
        return self.apply([FactChange("assert", id_, attributes, source, citation)], force=force)

    def retract_fact(self, id_: str) -> Change:
        """Withdraw a fact and everything concluded from it."""
        return self.apply([FactChange("retract", id_)])

    def apply(self, changes: Sequence[FactChange], *, force: bool = False) -> Change:
        """Apply `changes` left to right as one transaction: all, or none if one is refused."""
        facts_before = dict(self._facts)
        chart_before = self.chart() if self.pathway.spectrum is not None else None
        self._evaluator.journal_start()
        undo: list[tuple[str, Fact]] = []
        try:
            for change in changes:
                if change.action == "assert":
                    fact = make_fact(self.pathway, change.id, change.attributes, change.source, change.citation)
                    self._assert(fact, force, undo)
                else:
                    self._retract(self._held(change.id), undo)
        except EvaluationError:
            # The engine underneath failed mid-change; its session cannot be
            # trusted, so start a fresh one from the facts as they were.
            self._restore(undo)
            self._evaluator.close()
            self._evaluator = self._new_evaluator(tuple(self._facts.values()))
            raise
        except BaseException:
            self._rollback(undo)
            raise
        finally:
            journal = self._evaluator.journal_stop()
        change = self._difference(journal, facts_before)
        if chart_before is not None:
            change = change.model_copy(update={"moves": moves(chart_before, self.chart())})
        return change

    def _assert(self, fact: Fact, force: bool, undo: list[tuple[str, Fact]]) -> None:
        previous = self._facts.get(fact.id)
        if previous == fact:
            return
        if previous is not None:
            self._retract(previous, undo)
        if not force and fact.id in self.pathway.steps:
            self._refuse_if_blocked(fact.id, self._evaluator.evaluation((fact.id,)).unmet.get(fact.id, frozenset()))
        self._evaluator.assert_fact(fact)
        self._facts[fact.id] = fact
        undo.append(("assert", fact))
        if not force and fact.id in self.pathway.steps:
            status = step_status(self.pathway, self.mode, self._evaluator.evaluation((fact.id,)), self._facts, fact.id)
            if status.state is State.VIOLATED:
                raise RefusedError(_refusal(fact.id, status.blockers), hint="fix the attributes, or force it",
                                   blockers=status.blockers)

    def _refuse_if_blocked(self, step: str, missing: frozenset[str]) -> None:
        if not missing:
            return
        blockers = tuple(b for b in step_status(self.pathway, self.mode, self._evaluator.evaluation((step,)),
                                                self._facts, step).blockers if b.kind != "constraint")
        raise RefusedError(_refusal(step, blockers), hint="establish them first, or force it", blockers=blockers)

    def _retract(self, fact: Fact, undo: list[tuple[str, Fact]]) -> None:
        self._evaluator.retract_fact(fact)
        del self._facts[fact.id]
        undo.append(("retract", fact))

    def _restore(self, undo: list[tuple[str, Fact]]) -> None:
        """Put the fact set back as it was, leaving the evaluator alone."""
        for action, fact in reversed(undo):
            if action == "assert":
                del self._facts[fact.id]
            else:
                self._facts[fact.id] = fact

    def _rollback(self, undo: list[tuple[str, Fact]]) -> None:
        for action, fact in reversed(undo):
            if action == "assert":
                self._evaluator.retract_fact(fact)
                del self._facts[fact.id]
            else:
                self._evaluator.assert_fact(fact)
                self._facts[fact.id] = fact

    def _held(self, id_: str) -> Fact:
        canonical = known_id(self.pathway, id_)
        if canonical not in self._facts:
            raise RefusedError(f"'{canonical}' is not recorded, so there is nothing to retract",
                               hint="see the recorded facts with `perimeter status`")
        return self._facts[canonical]


    def _difference(self, journal: Journal, facts_before: dict[str, Fact]) -> Change:
        """What moved, from the steps the evaluator touched and the facts that changed.

        Gives exactly what comparing the whole standing before and after would,
        at the cost of what the change touched.
        """
        changed_facts = {i for i in facts_before.keys() | self._facts.keys()
                         if facts_before.get(i) != self._facts.get(i)}
        steps = sorted((s for s in journal.keys() | changed_facts if s in self.pathway.steps),
                       key=self._step_position)
        after = self._evaluator.evaluation(steps)
        transitions, gained = [], []
        for step in steps:
            old_unmet, old_derived, old_breaches = journal.get(step) or Before(
                after.unmet.get(step, frozenset()), step in after.holds,
                frozenset(b for b in after.breaches if b[0] == step))
            before_parts = Evaluation(frozenset({step}) if old_derived else frozenset(),
                                      {step: old_unmet} if old_unmet else {}, old_breaches)
            was = step_status(self.pathway, self.mode, before_parts, facts_before, step)
            now = step_status(self.pathway, self.mode, after, self._facts, step)
            if was.state != now.state:
                transitions.append(Transition(id=step, before=was.state.value, after=now.state.value))
            else:
                new = tuple(b.id for b in now.blockers if b.id not in {w.id for w in was.blockers})
                if new:
                    gained.append((step, new))
        for condition in self.pathway.conditions:
            if condition in changed_facts and (condition in facts_before) != (condition in self._facts):
                transitions.append(Transition(id=condition, before="holds" if condition in facts_before else "absent",
                                              after="holds" if condition in self._facts else "absent"))
        return Change(transitions=tuple(transitions), also_needs=tuple(gained))

    def _step_position(self, step: str) -> int:
        return self.pathway.order_key(step)[1]

    # -- lifetime --------------------------------------------------------

    def close(self) -> None:
        """Free the evaluator's resources; the engine is unusable afterwards."""
        self._evaluator.close()

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _phrase(transition: Transition) -> str:
    if transition.after == "blocked":
        return "blocked again" if transition.before in ("eligible", "done") else "blocked"
    if transition.after == "eligible":
        return "now eligible"
    if transition.after == "violated":
        return "now violated"
    return f"now {transition.after}"


def _and(ids: list[str]) -> str:
    return ids[0] if len(ids) == 1 else ", ".join(ids[:-1]) + " and " + ids[-1]


def _refusal(step: str, blockers: Iterable[Blocker]) -> str:
    names = ", ".join(f"{b.id} ({b.basis.value})" if b.kind != "constraint" else f"{b.title}, {b.detail}"
                      for b in blockers)
    return f"{step} cannot be recorded as done: {names}"


def open_engine(rules: str | Path | Iterable[str | Path] | None = None,
                facts: str | Path | Iterable[str | Path] | None = None, *, mode: Mode | str = Mode.IMPLIED,
                backend: Backend = "durable") -> Engine:
    """An engine over rule and fact files; with neither, the paper's pathway and its 2013 baseline.

    With custom `rules` and no `facts`, the engine starts with no facts (the
    shipped baseline belongs to the shipped rules).
    """
    pathway = load_pathway(rules)
    if facts is None and rules is not None:
        return Engine(pathway, (), mode=mode, backend=backend)
    baseline = load_baseline(pathway, facts)
    return Engine(pathway, baseline.facts, mode=mode, backend=backend, measures=baseline.measures)
