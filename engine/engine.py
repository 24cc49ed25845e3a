"""The engine a program embeds: a pathway, a set of facts, and live conclusions.

An `Engine` owns one evaluator (durable-rules by default, the plain reference
on request) and the facts it was given.  Assertions are checked against the
rules first: a step whose preconditions fail is refused unless forced, and
then it shows as `violated`.  Every change reports what it moved.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Concatenate, Literal, ParamSpec, TypeVar

from .answers.explain import Explanation, explain
from .answers.plan import Plan, plan
from .answers.resolve import resolve, resolve_relationship
from .answers.spectrum import (
    Chart,
    RelationshipAnswer,
    chart,
    moves,
    why_not_at,
)
from .answers.status import (
    FACT_KINDS,
    Conclusions,
    ConditionStatus,
    State,
    StepStatus,
    Transition,
    closure,
    conclude,
    done_against,
    started_without,
    step_status,
)
from .backends.protocol import Before, Evaluation, Evaluator, Journal, rewound
from .backends.reference import ReferenceEvaluator
from .changes import Change, FactChange, fields_changed
from .errors import EvaluationError, RefusedError, UnknownIdError
from .files.read import gc_paused
from .pathway.compile import load_pathway
from .pathway.compiled import DEFAULT_READING, Pathway, Reading
from .pathway.facts import known_id, load_baseline, make_fact
from .pathway.model import Citation, Fact, Measure
from .present import words

Backend = Literal["durable", "reference"]
P = ParamSpec("P")
R = TypeVar("R")


def _guarded(method: Callable[Concatenate[Engine, P], R]) -> Callable[Concatenate[Engine, P], R]:
    """Run `method` under the engine's lock, and never on a closed engine."""

    def guarded(self: Engine, /, *args: P.args, **kwargs: P.kwargs) -> R:
        with self._lock, gc_paused():  # no collector pause in the middle of an answer
            if self._closed:
                raise EvaluationError("this engine is closed", hint="open a new Engine")
            return method(self, *args, **kwargs)

    functools.update_wrapper(guarded, method)  # its name and docstring, for help()
    return guarded


class Engine:
    """Facts in, conclusions out, for one pathway under one reading.

    Several engines live side by side in one process; each has its own
    durable-rules session.  One engine may be shared between threads: each
    call holds the engine's lock, so calls run one at a time.  Close an
    engine (or use it as a context manager) to free its session promptly; it
    is also freed when collected.  A closed engine refuses every call.
    """

    def __init__(self, pathway: Pathway, facts: Iterable[Fact] = (), *, reading: Reading | str = DEFAULT_READING,
                 backend: Backend = "durable", measures: Iterable[Measure] = ()):
        self.pathway = pathway
        self.reading = pathway.readings.resolve(reading)  # a Reading, or a profile's id ("least")
        self.backend = backend
        self.measures = tuple(measures)
        self._lock = threading.RLock()
        self._closed = False
        self._facts: dict[str, Fact] = {}
        initial = tuple(facts)
        with gc_paused():
            self._evaluator: Evaluator = self._new_evaluator(initial)
        self._facts = {f.id: f for f in initial}

    def _new_evaluator(self, facts: tuple[Fact, ...]) -> Evaluator:
        if self.backend == "reference":
            evaluator = ReferenceEvaluator(self.pathway, self.reading)
            for fact in facts:
                evaluator.assert_fact(fact)
            return evaluator
        from .backends.durable import DurableEvaluator  # durable-rules loads only when used

        return DurableEvaluator(self.pathway, self.reading, facts)

    # -- reading ---------------------------------------------------------

    @property
    def facts(self) -> tuple[Fact, ...]:
        """The facts held now, in the order they were asserted."""
        with self._lock:
            return tuple(self._facts.values())

    @_guarded
    def evaluation(self) -> Evaluation:
        """The evaluator's raw conclusions (for tests and explanations)."""
        return self._evaluator.evaluation()

    @_guarded
    def conclusions(self) -> Conclusions:
        """Every step's state and blockers, every condition, and the goal."""
        return conclude(self.pathway, self.reading, self.evaluation(), self._facts)

    @_guarded
    def status(self, id_: str) -> StepStatus:
        """Where one step or a goal stands (`id_` in any case); `condition()` answers for conditions."""
        canonical = known_id(self.pathway, id_)
        if canonical not in self.pathway.steps:
            raise UnknownIdError(f"'{canonical}' is a condition, not a step",
                                 hint="Engine.condition() tells whether a condition holds")
        # A goal's state reads the steps it stands on (violated ones make it violated).
        wanted = closure(self.pathway, self.reading, canonical) if self.pathway.steps[canonical].derived else (canonical,)
        return step_status(self.pathway, self.reading, self._evaluator.evaluation(wanted), self._facts, canonical)

    @_guarded
    def condition(self, id_: str) -> ConditionStatus:
        """Whether one condition holds (`id_` in any case), and the fact behind it."""
        canonical = known_id(self.pathway, id_)
        if canonical not in self.pathway.conditions:
            raise UnknownIdError(f"'{canonical}' is a step, not a condition",
                                 hint="Engine.status() tells where a step stands")
        rule = self.pathway.conditions[canonical]
        return ConditionStatus(id=canonical, title=rule.title, holds=canonical in self._facts,
                               fact=self._facts.get(canonical))

    # -- asking --------------------------------------------------------

    def resolve(self, question: str) -> str:
        """The id a question names: an id, `goal`, or words such as "Mexico join NORAD"."""
        return resolve(self.pathway, question)

    @_guarded
    def explain(self, question: str) -> Explanation:
        """Why a step, the goal or a condition stands where it does: the why-not
        tree, the support, or the violation; `reasons` says it in sentences.

        A question about a relationship on the spectrum is answered by
        `explain_relationship()`; `ask()` takes either.
        """
        if resolve_relationship(self.pathway, question) is not None:
            raise UnknownIdError(f"'{question}' asks about a relationship on the spectrum, not a step",
                                 hint="Engine.explain_relationship() or Engine.ask() answers it")
        answer = explain(self.pathway, self.reading, self.evaluation(), self._facts, self.resolve(question))
        return answer.model_copy(update={"reasons": words.explanation_reasons(answer)})

    @_guarded
    def explain_relationship(self, question: str) -> RelationshipAnswer:
        """Why a relationship is not higher on the spectrum (Chart 1): the measures it lacks.

        "why isn't US/Mexico at combined exercises", or "where does Canada/Mexico
        stand" (then the next level up is meant).
        """
        about = resolve_relationship(self.pathway, question)
        if about is None:
            raise UnknownIdError(f"'{question}' names no relationship on the spectrum",
                                 hint="name one by its title or alias, e.g. \"why isn't A/B at <level>\"")
        answer = why_not_at(self.chart(), *about)
        return answer.model_copy(update={"reasons": words.relationship_reasons(answer)})

    @_guarded
    def ask(self, question: str) -> Explanation | RelationshipAnswer:
        """Either answer, whichever the question is about: for callers that show both."""
        if resolve_relationship(self.pathway, question) is not None:
            return self.explain_relationship(question)
        return self.explain(question)

    @_guarded
    def chart(self) -> Chart:
        """Where each relationship stands on the spectrum (Chart 1), given what is done, under the reading."""
        evaluation = self.evaluation()
        against = done_against(self.pathway, self._facts, evaluation)
        return chart(self.pathway, self.measures, evaluation.holds, self.reading, against)

    @_guarded
    def plan(self, question: str) -> Plan:
        """The steps and conditions still needed for the target, in a valid order."""
        return plan(self.pathway, self.reading, self.evaluation(), self.resolve(question))

    @_guarded
    def what_if(self, changes: Sequence[FactChange]) -> Change:
        """What `changes` would move, evaluated apart: nothing stored here changes.

        Hypothetical steps are applied as if forced, so a step asserted out of
        order shows up as violated rather than being refused.
        """
        with Engine(self.pathway, self.facts, reading=self.reading, backend=self.backend,
                    measures=self.measures) as scratch:
            return scratch.apply(changes, force=True)

    # -- changing --------------------------------------------------------

    def assert_fact(self, id_: str, attributes: Mapping[str, str] | None = None, *, source: str | None = None,
                    citation: Citation | None = None, force: bool = False) -> Change:
        """Record that a step is done or a condition holds.

        A step whose preconditions or constraints fail, or that lacks a
        required attribute, is refused with
        `RefusedError` (naming every blocker) unless `force` is set.
        """
        return self.apply([FactChange("assert", id_, attributes, source, citation)], force=force)

    def retract_fact(self, id_: str) -> Change:
        """Withdraw a fact and everything concluded from it."""
        return self.apply([FactChange("retract", id_)])

    @_guarded
    def apply(self, changes: Sequence[FactChange], *, force: bool = False) -> Change:
        """Apply `changes` left to right as one transaction: all, or none if one is refused."""
        facts_before = dict(self._facts)
        chart_before = self.chart() if self.pathway.spectrum is not None else None
        self._evaluator.journal_start()
        undo: list[tuple[str, Fact]] = []
        try:
            for item in changes:
                if item.action == "assert":
                    fact = make_fact(self.pathway, item.id, item.attributes, item.source, item.citation)
                    self._assert(fact, force, undo)
                else:
                    self._retract(self._held(item.id), undo)
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
        updated = tuple((id_, fields) for id_ in facts_before if id_ in self._facts
                        for fields in [fields_changed(facts_before[id_], self._facts[id_])] if fields)
        asserted = {self.pathway.canonical(item.id) for item in changes if item.action == "assert"}
        restated = tuple(id_ for id_ in facts_before if id_ in asserted and facts_before[id_] == self._facts.get(id_))
        if updated or restated:
            change = change.model_copy(update={"updated": updated, "restated": restated})
        if chart_before is not None:
            change = change.model_copy(update={"moves": moves(chart_before, self.chart())})
        return change

    def _assert(self, fact: Fact, force: bool, undo: list[tuple[str, Fact]]) -> None:
        previous = self._facts.get(fact.id)
        if previous is not None:  # new attributes for a recorded step: not a new start
            fact = fact.model_copy(update={"started_without": previous.started_without})
        elif force and fact.id in self.pathway.steps:  # unforced, a start without them is refused below
            holds = self._evaluator.evaluation((fact.id,)).holds
            fact = fact.model_copy(update={"started_without": started_without(self.pathway, fact.id, holds)})
        if previous == fact:
            return
        if previous is not None:
            self._retract(previous, undo)
        if not force and fact.id in self.pathway.steps:
            self._refuse_if_blocked(fact.id, self._evaluator.evaluation((fact.id,)).unmet.get(fact.id, frozenset()),
                                    updating=previous is not None)
        self._evaluator.assert_fact(fact)
        self._facts[fact.id] = fact
        undo.append(("assert", fact))
        if not force and fact.id in self.pathway.steps:
            status = step_status(self.pathway, self.reading, self._evaluator.evaluation((fact.id,)), self._facts, fact.id)
            # what it was started without is carried over, not brought in by this change
            blockers = tuple(b for b in status.blockers if not b.to_start)
            if blockers:
                raise RefusedError(words.refusal(fact.id, blockers),
                                   hint=words.attribute_hint(fact.id, blockers), blockers=blockers)

    def _refuse_if_blocked(self, step: str, missing: frozenset[str], *, updating: bool = False) -> None:
        """Refuse taking `step` while a precondition fails; new attributes for a recorded step are not
        a new start, so what is needed only to start does not count then."""
        if not missing:
            return
        blockers = tuple(b for b in step_status(self.pathway, self.reading, self._evaluator.evaluation((step,)),
                                                self._facts, step).blockers
                         if b.kind not in FACT_KINDS and not (updating and b.to_start))
        if not blockers:
            return
        raise RefusedError(words.refusal(step, blockers), hint=words.refusal_hint(step, blockers),
                           blockers=blockers)

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
                               hint="only recorded facts can be retracted")
        return self._facts[canonical]


    def _difference(self, journal: Journal, facts_before: dict[str, Fact]) -> Change:
        """What moved, from the steps the evaluator touched and the facts that changed.

        Gives exactly what comparing the whole standing before and after would,
        at the cost of what the change touched.
        """
        changed_facts = {i for i in facts_before.keys() | self._facts.keys()
                         if facts_before.get(i) != self._facts.get(i)}
        steps = sorted((s for s in journal.keys() | changed_facts
                        if s in self.pathway.steps and not self.pathway.steps[s].derived), key=self._step_position)
        after = self._evaluator.evaluation(steps)
        transitions, gained, moved = [], [], []
        for step in steps:
            old_unmet, old_derived, old_breaches = journal.get(step) or Before(
                after.unmet.get(step, frozenset()), step in after.holds,
                frozenset(b for b in after.breaches if b[0] == step))
            before_parts = Evaluation(frozenset({step}) if old_derived else frozenset(),
                                      {step: old_unmet} if old_unmet else {}, old_breaches)
            moved.append((step_status(self.pathway, self.reading, before_parts, facts_before, step),
                          step_status(self.pathway, self.reading, after, self._facts, step)))
        # A goal moves when it is reached or given up, or when a step it may stand on is violated or mended.
        if any(g in journal for g in self.pathway.goals) or any(
                (was.state is State.VIOLATED) != (now.state is State.VIOLATED) for was, now in moved):
            whole = self._evaluator.evaluation()
            before = rewound(whole, journal, self._facts.keys(), facts_before.keys())
            moved += [(step_status(self.pathway, self.reading, before, facts_before, goal),
                       step_status(self.pathway, self.reading, whole, self._facts, goal)) for goal in self.pathway.goals]
        for was, now in moved:
            if was.state != now.state:
                transitions.append(Transition(id=now.id, before=was.state.value, after=now.state.value,
                                              derived=self.pathway.steps[now.id].derived))
            else:
                new = tuple(b.id for b in now.blockers if b.id not in {w.id for w in was.blockers})
                if new:
                    gained.append((now.id, new))
        for condition in self.pathway.conditions:
            if condition in changed_facts and (condition in facts_before) != (condition in self._facts):
                transitions.append(Transition(id=condition, before="holds" if condition in facts_before else "absent",
                                              after="holds" if condition in self._facts else "absent"))
        return Change(transitions=tuple(transitions), also_needs=tuple(gained))

    def _step_position(self, step: str) -> int:
        return self.pathway.order_key(step)[1]

    # -- lifetime --------------------------------------------------------

    def close(self) -> None:
        """Free the evaluator's resources; every later call is refused.  Closing twice is harmless."""
        with self._lock:
            if not self._closed:
                self._closed = True
                self._evaluator.close()

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_engine(rules: str | Path | Iterable[str | Path] | None = None,
                facts: str | Path | Iterable[str | Path] | None = None, *, reading: Reading | str = DEFAULT_READING,
                backend: Backend = "durable") -> Engine:
    """An engine over rule and fact files; with neither, the paper's pathway and its 2013 baseline.

    With custom `rules` and no `facts`, the engine starts with no facts (the
    shipped baseline belongs to the shipped rules).
    """
    pathway = load_pathway(rules)
    if facts is None and rules is not None:
        return Engine(pathway, (), reading=reading, backend=backend)
    baseline = load_baseline(pathway, facts)
    return Engine(pathway, baseline.facts, reading=reading, backend=backend, measures=baseline.measures)
