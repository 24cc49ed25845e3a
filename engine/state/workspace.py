"""A workspace: a rule set, a state file and a reading, as the shell uses them.

Each call reads the state, builds an engine over it, answers, and (for
changes) writes the new state in one locked transaction, so separate
processes can work on one state file without losing each other's updates.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .. import codes
from ..answers.explain import Explanation
from ..answers.plan import Plan
from ..answers.spectrum import Chart, RelationshipAnswer
from ..answers.status import Conclusions, State
from ..answers.ranking import Ranking
from ..answers.resolve import match
from ..changes import Change, FactChange
from ..engine import Engine
from ..errors import Diagnostic, StoreError
from ..files.sources import yaml_files
from ..pathway.compile import load_pathway
from ..pathway.compiled import ConditionRule, Pathway, Reading, StepRule
from ..pathway.readings import Readings
from ..pathway.facts import Baseline, known_id, load_baseline, make_fact
from ..pathway.model import Fact
from .document import Entry, RuleSetRef, StateDocument, StoredFact, now
from .store import StateFile, default_path

if TYPE_CHECKING:  # imported where used: a command pays only for what it answers
    from ..answers.leverage import Leverage
    from ..answers.rounds import Distance
    from ..comparison import Comparison

PathArg = str | Path | Iterable[str | Path] | None


class Workspace:
    """What `perimeter` commands work on; usable from Python as well."""

    def __init__(self, state: str | Path | None = None, rules: PathArg = None, facts: PathArg = None,
                 reading: Reading | str | None = None, choose: Iterable[tuple[str, str]] = ()):
        self.pathway: Pathway = load_pathway(rules)
        self.reading = self.pathway.readings.resolve(reading, choose)
        """A profile's id (or a `Reading`), with `choose`'s (choice, alternative) pairs on top."""
        self.store = StateFile(state or default_path())
        self._facts_named = facts is not None
        files = yaml_files(facts, "facts") if (facts is not None or rules is None) else []
        # Absolute, so the same files named from another folder are still the same baseline.
        self._baseline_files = [str(p.resolve()) for p in files]
        # Fact files are checked now, before any command takes the state's lock (listed once, read once).
        baseline = load_baseline(self.pathway, files) if files else Baseline((), ())
        self.baseline, self.measures = baseline.facts, baseline.measures

    @property
    def state_path(self) -> Path:
        """Where the state file is (it may not exist yet)."""
        return self.store.path

    # -- questions -------------------------------------------------------

    def conclusions(self) -> Conclusions:
        """Every step, condition and the goal, from the stored facts."""
        with self._engine() as engine:
            return engine.conclusions()

    def explain(self, question: str) -> Explanation | RelationshipAnswer:
        """Why a step, condition, the goal or a relationship stands where it does."""
        with self._engine() as engine:
            return engine.ask(question)

    def match(self, question: str) -> Ranking:
        """How `question` was read: its words, which target each matched, the candidates with their
        scores (best first) and the words that name nothing."""
        return match(self.pathway, question)

    def chart(self) -> Chart:
        """Where each relationship stands on the spectrum (Chart 1)."""
        with self._engine() as engine:
            return engine.chart()

    def plan(self, question: str) -> Plan:
        """The ordered steps and conditions still needed for what `question` names."""
        with self._engine() as engine:
            return engine.plan(question)

    def distances(self, targets: Sequence[str] = ()) -> tuple[Distance, ...]:
        """How far each target is (ids or words; none: each goal): its plan in the fewest rounds of
        decisions, and the chain that sets the pace."""
        from ..answers.rounds import distance

        with self._engine() as engine:
            evaluation = engine.evaluation()
            return tuple(distance(self.pathway, self.reading, evaluation, engine.resolve(t))
                         for t in (targets or self.pathway.goals))

    def standing(self) -> tuple[Conclusions, tuple[Distance, ...]]:
        """Every conclusion, and how far each goal is: what `status` shows, from one engine."""
        from ..answers.rounds import distance

        with self._engine() as engine:
            evaluation = engine.evaluation()
            return engine.conclusions(), tuple(distance(self.pathway, self.reading, evaluation, goal)
                                               for goal in self.pathway.goals)

    def leverage(self, targets: Sequence[str] = ()) -> tuple[Leverage, ...]:
        """For each target (ids or words; none: each goal), the actions that can be taken now, alone or
        a few together, ranked by what they make possible toward it."""
        from ..answers.leverage import leverage

        with self._engine() as engine:
            evaluation = engine.evaluation()
            return tuple(leverage(self.pathway, self.reading, evaluation, engine.resolve(t))
                         for t in (targets or self.pathway.goals))

    def what_if(self, changes: Sequence[FactChange]) -> Change:
        """What `changes` would move; nothing is stored."""
        with self._engine() as engine:
            return engine.what_if(changes)

    def describe(self, id_: str) -> StepRule | ConditionRule:
        """The rule behind an id: title, aliases, preconditions with basis and citation."""
        canonical = known_id(self.pathway, id_)
        return self.pathway.steps.get(canonical) or self.pathway.conditions[canonical]

    def readings(self) -> Readings:
        """The rule set's choices and profiles (the reading in force is `self.reading`)."""
        return self.pathway.readings

    def compare(self, other: Reading | str | None = None, choose: Iterable[tuple[str, str]] = (),
                targets: Sequence[str] = (), rules: PathArg = None) -> Comparison:
        """The current facts under the reading in force and under `other` (a profile, with `choose`), of
        this rule set or of the rule set in the files `rules`."""
        from ..comparison import compare

        pathway = load_pathway(rules) if rules is not None else self.pathway
        return compare(self.pathway, self._held(), self.reading, pathway.readings.resolve(other, choose),
                       targets=targets, measures=self.measures, other=pathway)

    def history(self) -> list[Entry]:
        """What was asserted and retracted, when, and on whose word."""
        return list(self._current().history)

    def recorded(self) -> tuple[Fact, ...]:
        """The facts the state file holds (the baseline's until something is recorded), in order."""
        return _facts(self._current())

    # -- changes ---------------------------------------------------------

    def apply(self, changes: Sequence[FactChange], *, force: bool = False) -> Change:
        """Apply `changes` left to right and store them, all or none.

        Every change is checked against the rule set first (an unknown id, a
        malformed attribute, a blank source), so a bad one creates nothing on
        disk: no folder, no lock file.  What is stored, in the facts and in the
        history, is the fact as the engine judged it (its values trimmed).
        """
        for item in changes:
            if item.action == "assert":
                make_fact(self.pathway, item.id, item.attributes, item.source, item.citation)
            else:
                known_id(self.pathway, item.id)
        with self.store.transaction() as (stored, box):
            state = self._state_of(stored)
            with Engine(self.pathway, _facts(state), reading=self.reading, measures=self.measures) as engine:
                change = engine.apply(changes, force=force)
                time = now()
                kept = {f.id: f for f in state.facts}
                entries = list(state.history)
                for item in changes:
                    id_ = self.pathway.canonical(item.id) or item.id
                    attributes, source = dict(item.attributes or {}), item.source
                    if item.action == "assert":
                        fact = next(f for f in engine.facts if f.id == id_)
                        old = kept.get(id_)
                        if old is None or _content(old) != _content(fact):  # unchanged: it keeps its time
                            kept[id_] = StoredFact(**dict(fact), time=time)
                        attributes, source = dict(fact.attributes), fact.source
                    else:
                        kept.pop(id_, None)
                    forced = (force and item.action == "assert" and id_ in self.pathway.steps
                              and engine.status(id_).state is State.VIOLATED)
                    entries.append(Entry(time=time, action=item.action, fact=id_, attributes=attributes,
                                         source=source, forced=forced))
                order = [f.id for f in engine.facts]
            written = state.model_copy(update={
                "rules": self._rule_set(), "facts": [kept[i] for i in order], "history": entries})
            box.append(written)
        self._wrote(written)
        return change

    def reset(self) -> Path | None:
        """Back to the baseline; the old file is copied aside as the new one is written.  The copy's path."""
        with self.store.transaction() as (_stored, box):
            backup = self.store.backup()
            state = self._initial()
            history = [Entry(time=now(), action="reset", source=f"previous state kept at {backup}" if backup else None),
                       *state.history]
            written = state.model_copy(update={"history": history})
            box.append(written)
        self._wrote(written)
        return backup

    # -- internals -------------------------------------------------------

    def _engine(self) -> Engine:
        return Engine(self.pathway, self._held(), reading=self.reading, measures=self.measures)

    def _held(self) -> tuple[Fact, ...]:
        """The facts answers are given from: the stored ones (a supposing workspace adds its own)."""
        return _facts(self._current())

    def _current(self) -> StateDocument:
        return self._state_of(self.store.read())

    def _state_of(self, stored: StateDocument | None) -> StateDocument:
        """The state a read found (checked), or the initial one when there is no file yet."""
        return self._checked(stored) if stored is not None else self._initial()

    def _wrote(self, state: StateDocument) -> None:
        """Told of each state this workspace has written (a shell's session keeps track with it)."""

    def _rule_set(self) -> RuleSetRef:
        return RuleSetRef(id=self.pathway.id, fingerprint=self.pathway.fingerprint)

    def _initial(self) -> StateDocument:
        """The state before anything is asserted: the baseline facts."""
        time = now()
        baseline = self.baseline
        facts = [StoredFact(id=f.id, attributes=f.attributes, source=f.source, citation=f.citation, time=time)
                 for f in baseline]
        files = ", ".join(self._baseline_files) or "no fact files"
        history = [Entry(time=time, action="baseline", source=f"{len(facts)} facts from {files}")]
        return StateDocument(rules=self._rule_set(), baseline=self._baseline_files, facts=facts, history=history)

    def _checked(self, state: StateDocument) -> StateDocument:
        """Refuse a state that belongs to another rule set or names unknown ids."""
        where = str(self.store.path)
        if state.rules.id != self.pathway.id:
            raise StoreError(Diagnostic(
                where, 0, 0, codes.STATE_OTHER_RULES,
                f"this state belongs to rule set '{state.rules.id}', not '{self.pathway.id}'",
                "use another state file for these rules, or reset this one to start it over"))
        unknown = [(i, f.id) for i, f in enumerate(state.facts) if self.pathway.canonical(f.id) != f.id
                   or not self.pathway.assertable(f.id)]
        if unknown:
            message = f"the state names {', '.join(id_ for _, id_ in unknown)}, which the rule set does not have"
            hint = "edit those entries out, or reset the state"
            raise StoreError(self._where(("facts", unknown[0][0], "id"), codes.STATE_UNKNOWN_IDS, message, hint))
        for i, fact in enumerate(state.facts):
            taken = {r.id for r in self.pathway.steps[fact.id].preconditions
                     if r.to_start} if fact.id in self.pathway.steps else set()
            stray = [id_ for id_ in fact.started_without if id_ not in taken]
            if stray:
                message = (f"'{fact.id}' is said to be started without {', '.join(stray)}, "
                           "which the rule set does not have as a precondition needed to start it")
                raise StoreError(self._where(("facts", i, "started_without"), codes.STATE_UNKNOWN_IDS, message,
                                             "edit that entry out, or reset the state"))
        if self._facts_named and state.baseline != self._baseline_files:
            raise StoreError(Diagnostic(
                where, 0, 0, codes.STATE_OTHER_BASELINE,
                f"this state started from {', '.join(state.baseline) or 'no facts'}",
                "reset the state to start over from these facts"))
        return state

    def _where(self, path: tuple[str | int, ...], code: str, message: str, hint: str) -> Diagnostic:
        """A problem at `path` in the state file, located by line when the file was read."""
        source = self.store.source
        return (source.diagnostic(path, code, message, hint) if source is not None
                else Diagnostic(str(self.store.path), 0, 0, code, message, hint))


def _facts(state: StateDocument) -> tuple[Fact, ...]:
    return tuple(Fact(**{k: v for k, v in f if k != "time"}) for f in state.facts)


def _content(fact: Fact) -> tuple[object, ...]:
    """What a fact says, apart from when it was recorded."""
    return fact.id, fact.attributes, fact.source, fact.citation, fact.started_without
