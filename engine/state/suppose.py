"""A supposing workspace: the shell's session, answering as if some facts held, and noticing other writers.

Suppositions are facts held in memory on top of the stored ones, applied as
`what-if` applies them (forced: a step supposed out of order shows as
violated).  Every answer (status, why, plan, Chart 1, compare, what-if) is
given from the stored facts with the suppositions on top; nothing is written
until `commit` records them for real, all or none, through the same locked
transaction as `assert`.  Changes (`apply`, `reset`) write the stored facts as
they do in a plain workspace.

The session also notices what other processes wrote: each state it reads is
compared with the last one it read or wrote, and `news()` tells what moved in
between, as data.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..answers.spectrum import moves
from ..answers.status import Conclusions, Transition
from ..changes import Change, FactChange, fields_changed
from ..engine import Engine
from ..errors import FactError
from ..pathway.facts import make_fact
from ..pathway.model import Fact
from .document import StateDocument
from .workspace import Workspace, _facts


class Supposing(Workspace):
    """A workspace whose answers reflect supposed facts; it also keeps track of other writers."""

    supposed: tuple[FactChange, ...] = ()
    """The supposed facts, oldest first (each an assert)."""

    _seen: tuple[Fact, ...] | None = None
    _news: tuple[tuple[tuple[Fact, ...], tuple[Fact, ...]], ...] = ()
    _cache: tuple[tuple[Fact, ...], tuple[FactChange, ...], tuple[Fact, ...]] | None = None

    # -- suppositions -----------------------------------------------------------

    def suppose(self, changes: Sequence[FactChange]) -> Change:
        """Add `changes` (asserts) to the suppositions; what they move, on top of those already made.

        Each is checked as `assert` checks it (a known id, well-formed
        attributes); a bad one adds none of them.
        """
        for item in changes:
            if item.action != "assert":
                raise FactError(f"'{item.id}': only facts asserted can be supposed", hint="suppose it without retract")
            make_fact(self.pathway, item.id, item.attributes, item.source, item.citation)
        change = self.what_if(changes)
        self.supposed = (*self.supposed, *changes)
        return change

    def unsuppose(self, every: bool = False) -> tuple[FactChange, ...]:
        """Drop the latest supposition (or all of them, `every`); the ones dropped."""
        kept = () if every else self.supposed[:-1]
        dropped = self.supposed[len(kept):]
        self.supposed = kept
        return dropped

    def commit(self, source: str | None = None, *, force: bool = False) -> Change:
        """Record the suppositions for real, all or none, with `source`; they are then dropped.

        Applied as `assert` applies them (left to right, in one locked
        transaction): a step whose preconditions fail is refused unless
        `force`, and then nothing is recorded and the suppositions stay.
        """
        changes = [FactChange("assert", c.id, c.attributes, source if source is not None else c.source, c.citation)
                   for c in self.supposed]
        change = Workspace.apply(self, changes, force=force)
        self.supposed = ()
        return change

    def _held(self) -> tuple[Fact, ...]:
        stored = super()._held()
        if not self.supposed:
            return stored
        if self._cache is not None and self._cache[0] == stored and self._cache[1] == self.supposed:
            return self._cache[2]
        with Engine(self.pathway, stored, reading=self.reading, measures=self.measures) as engine:
            engine.apply(self.supposed, force=True)
            held = engine.facts
        self._cache = (stored, self.supposed, held)
        return held

    # -- other writers ----------------------------------------------------------

    def news(self) -> tuple[Change, ...]:
        """What other processes changed in the stored facts since this workspace last read or wrote
        them, oldest first; () when nothing did.  Reads the state (a StoreError if it cannot be read)."""
        self._current()
        found, self._news = self._news, ()
        return tuple(self._moved(before, after) for before, after in found)

    def _state_of(self, stored: StateDocument | None) -> StateDocument:
        state = super()._state_of(stored)
        held = _facts(state)
        if self._seen is not None and held != self._seen:
            self._news = (*self._news, (self._seen, held))
        self._seen = held
        return state

    def _wrote(self, state: StateDocument) -> None:
        self._seen = _facts(state)

    def _moved(self, before: tuple[Fact, ...], after: tuple[Fact, ...]) -> Change:
        """What changed from the facts `before` to the facts `after`: steps, conditions, goals, Chart 1."""
        with Engine(self.pathway, before, reading=self.reading, measures=self.measures) as old, \
                Engine(self.pathway, after, reading=self.reading, measures=self.measures) as new:
            transitions = _transitions(old.conclusions(), new.conclusions())
            moved = moves(old.chart(), new.chart()) if self.pathway.spectrum is not None else ()
        was, now = {f.id: f for f in before}, {f.id: f for f in after}
        updated = tuple((id_, fields) for id_, fact in now.items() if id_ in was
                        for fields in [fields_changed(was[id_], fact)] if fields)
        return Change(transitions=transitions, moves=moved, updated=updated)


def _transitions(before: Conclusions, after: Conclusions) -> tuple[Transition, ...]:
    """Each step, goal and condition whose standing differs, in the rule set's order (conditions last)."""
    was = {s.id: s.state for s in (*before.steps, *before.goals)}
    goals = {s.id for s in after.goals}
    found = [Transition(id=s.id, before=was[s.id].value, after=s.state.value, derived=s.id in goals)
             for s in (*after.steps, *after.goals) if s.id in was and was[s.id] != s.state]
    held = {c.id: c.holds for c in before.conditions}
    conditions = [Transition(id=c.id, before="holds" if held[c.id] else "absent", after="holds" if c.holds else "absent")
                  for c in after.conditions if c.id in held and held[c.id] != c.holds]
    return (*found, *conditions)
