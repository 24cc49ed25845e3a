"""A stateful test of the shell's state store: any sequence of commands keeps every invariant.

The machine drives a `Workspace` (what each `perimeter` command calls) on a
real state file, and keeps its own plain model of the facts.  After every
step: the file holds exactly the model's facts, conclusions equal a fresh
reference evaluation of them, refusals and what-ifs left the file
byte-for-byte as it was, and the history grew by what was applied.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from perimeter import Engine, FactChange, Fact, RefusedError, load_facts, load_pathway
from perimeter.state.workspace import Workspace

from strategies import budget

PAPER = load_pathway()
BASELINE = {f.id: f for f in load_facts(PAPER)}
IDS = [i for i in (*PAPER.conditions, *PAPER.steps) if PAPER.assertable(i)]
ATTRIBUTES = st.sampled_from([{}, {"location": "Mexico"}, {"location": "Canada"}, {"leader": "Mexican"}])
# A4 alone declares attributes (location, leader); any other id takes none.
ITEMS = st.one_of(st.tuples(st.just("A4"), ATTRIBUTES), st.tuples(st.sampled_from(IDS), st.just({})))


class StateStore(RuleBasedStateMachine):
    """Commands in any order against one state file, checked against a model."""

    @initialize()
    def open(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="perimeter-machine-"))
        self.path = self.folder / "state.yaml"
        self.workspace = Workspace(self.path)
        self.model: dict[str, dict[str, str]] = {i: dict(f.attributes) for i, f in BASELINE.items()}
        self.applied = 0
        self.resets = 0

    def teardown(self) -> None:
        shutil.rmtree(getattr(self, "folder", ""), ignore_errors=True)

    def _bytes(self) -> bytes | None:
        return self.path.read_bytes() if self.path.exists() else None

    @rule(items=st.lists(ITEMS, min_size=1, max_size=3), force=st.booleans())
    def assert_facts(self, items, force) -> None:
        before = self._bytes()
        changes = [FactChange("assert", id_, attributes) for id_, attributes in items]
        try:
            self.workspace.apply(changes, force=force)
        except RefusedError:
            assert not force, "a forced assertion is never refused"
            assert self._bytes() == before, "a refused batch stores nothing"
            return
        for id_, attributes in items:
            self.model[id_] = dict(attributes)
        self.applied += len(items)

    @rule(id_=st.sampled_from(IDS))
    def retract(self, id_) -> None:
        before = self._bytes()
        try:
            self.workspace.apply([FactChange("retract", id_)])
        except RefusedError:
            assert id_ not in self.model, "only what is not recorded is refused"
            assert self._bytes() == before
            return
        assert id_ in self.model
        del self.model[id_]
        self.applied += 1

    @rule(item=ITEMS)
    def what_if(self, item) -> None:
        id_, attributes = item
        before = self._bytes()
        change = self.workspace.what_if([FactChange("assert", id_, attributes)])
        assert self._bytes() == before, "what-if stores nothing"
        assert all(t.before != t.after for t in change.transitions)

    @precondition(lambda self: self.applied)
    @rule()
    def reset(self) -> None:
        backup = self.workspace.reset()
        assert backup is not None and backup.exists()
        self.model = {i: dict(f.attributes) for i, f in BASELINE.items()}
        self.resets += 1
        self.applied = 0

    @invariant()
    def the_file_holds_exactly_the_model(self) -> None:
        stored = {e.id: dict(e.attributes) for e in self.workspace._current().facts}
        assert stored == self.model

    @invariant()
    def conclusions_equal_a_fresh_reference_evaluation(self) -> None:
        facts = [Fact(id=i, attributes=a) for i, a in self.model.items()]
        with Engine(PAPER, facts, backend="reference") as reference:
            expected = reference.conclusions()
        assert self.workspace.conclusions().model_dump(exclude={"steps": {"__all__": {"fact"}},
                                                               "goal": {"fact"}, "conditions": {"__all__": {"fact"}}}) \
            == expected.model_dump(exclude={"steps": {"__all__": {"fact"}}, "goal": {"fact"},
                                            "conditions": {"__all__": {"fact"}}})

    @invariant()
    def history_records_every_applied_change(self) -> None:
        if not self.path.exists():
            return
        history = self.workspace.history()
        changes = [e for e in history if e.action in ("assert", "retract")]
        assert len(changes) == self.applied
        assert all(e.time for e in history)


TestStateStore = StateStore.TestCase
TestStateStore.settings = settings(budget(20), stateful_step_count=15)
