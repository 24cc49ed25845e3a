"""What the durable-rules adapter's rules mean, in plain Python: no durable-rules here.

The generic rules (as durable's JSON), the actions they fire, and the
per-session `Mirror` those actions report into, with the fact ids it hands
out and the dependents index (each need's requirements) that tells an
action which steps durable's verdict on a need concerns.
`perimeter.backends.durable`, the one module that imports durable-rules,
registers the rules and runs the actions; see its docstring for the rules in
words and the quirks they work around.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Callable
from typing import Any, NamedTuple, Protocol

from ..backends.protocol import Before, Journal
from ..pathway.compiled import ConstraintRule, Pathway, Reading, Requirement

FactKey = tuple[str, ...]
"""What a fact is about: its kind, then the ids and values that make it one."""

Frames = dict[str, dict[str, Any]]
"""The facts a rule matched, by the alias the rule gave each."""


class Loaded(NamedTuple):
    """What `load` leaves for the adapter to assert: constraints in force, derived steps, those blocked."""

    constraints: list[tuple[str, ConstraintRule]]
    derived: list[str]
    blocked: list[str]
    """The derived steps with an unmet requirement: each needs its `unmet` fact before its `derived` one."""


class Ruleset(Protocol):
    """The part of a durable ruleset an action uses: asserting and retracting derived facts."""

    def assert_fact(self, fact: dict[str, Any]) -> object:
        """Add a derived fact to the session."""

    def retract_fact(self, fact: dict[str, Any]) -> object:
        """Withdraw a derived fact from the session."""

    def assert_event(self, event: dict[str, Any]) -> object:
        """Post an event: matched once, then consumed."""


def fnv1a_32(text: str) -> int:
    """durable's identity hash, as its C core computes it over the id's bytes."""
    value = 0x811C9DC5
    data = text.encode("utf-8")
    if data.isascii():  # every id perimeter hands out: no byte to sign-extend
        for byte in data:
            value = ((value ^ byte) * 16777619) & 0xFFFFFFFF
        return value
    for byte in data:
        signed = byte - 256 if byte > 127 else byte  # C `char` is signed on x86
        value ^= signed & 0xFFFFFFFF
        value = (value * 16777619) & 0xFFFFFFFF
    return value


class Mirror:
    """What durable's actions have reported for one session."""

    def __init__(self, sid: str):
        self.sid = sid
        self.unmet: dict[str, frozenset[str]] = {}
        """Each step with unmet preconditions, by requirement id: never empty, and frozen, so an
        evaluation is a copy of this dict (one C-level copy; a comprehension cost most of a plan)."""
        self.missing: dict[tuple[str, str], set[str]] = defaultdict(set)
        """Each (step, requirement) group's members that do not hold (groups of several needs only)."""
        self.dependents: dict[str, list[Requirement]] = {}
        """The dependents index: for each need, the requirements in force that name it."""
        self.derived_steps: frozenset[str] = frozenset()
        self.verdict: bool | None = None
        """While the pathway is loaded: durable's verdict on the need just asked about (see `load`)."""
        self.pending: set[str] = set()
        """Needs whose `check` event durable has not yet consumed (one in flight per need)."""
        self.derived_holds: set[str] = set()
        self.breaches: set[tuple[str, str, str]] = set()
        self.ids: dict[FactKey, str] = {}
        self.check_ids: dict[str, str] = {}
        self.hashes: set[int] = {fnv1a_32(f"sid-{sid}")}
        self.counter = itertools.count()
        self.live: dict[str, dict[str, Any]] = {}
        """Every fact the session holds, by id: durable's C core crashes when a
        session still holding unmatched join facts is deleted, so closing
        retracts them all first."""
        self.journal: Journal | None = None
        """While a change runs: each touched step's unmet needs, derived holding
        and breaches as they were before it, so a change costs what it touches."""

    def note(self, step: str) -> None:
        """Remember `step` as it was, the first time a change touches it."""
        if self.journal is not None and step not in self.journal:
            self.journal[step] = Before(self.unmet.get(step, frozenset()), step in self.derived_holds,
                                        frozenset(b for b in self.breaches if b[0] == step))

    def fact_id(self, key: FactKey) -> str:
        """A short id for `key`, unique in this session under durable's hash."""
        existing = self.ids.get(key)
        if existing is None:
            existing = self.ids[key] = self._new_id()
        return existing

    def check_id(self, need: str) -> str:
        """The id of the `check` event about `need` (keyed by the need alone: one object fewer each
        for the collector to visit, at a need per step).  While the pathway is loaded, one check is in
        flight at a time, each consumed before the next is posted: they share one id."""
        if self.verdict is not None:
            return self.fact_id(("check",))
        existing = self.check_ids.get(need)
        if existing is None:
            existing = self.check_ids[need] = self._new_id()
        return existing

    def _new_id(self) -> str:
        while True:
            candidate = _base36(next(self.counter))
            hashed = fnv1a_32(candidate)
            if hashed not in self.hashes:
                self.hashes.add(hashed)
                return candidate


Action = Callable[[Frames, Mirror, Ruleset], None]
"""What a rule runs when it fires: the facts it matched, the session's mirror, the ruleset."""


def _base36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    text = ""
    while True:
        number, rest = divmod(number, 36)
        text = digits[rest] + text
        if not number:
            return "f" + text


# Actions receive the matched facts by alias (`frames`), the session's mirror,
# and the ruleset, through which derived facts are asserted and retracted.

def unmet_fact(mirror: Mirror, step: str) -> dict[str, Any]:
    """A derived step's one blocker while any of its requirements is unmet.

    One fact per step, not one per unmet requirement: with several facts
    blocking a negation, durable re-fires it when any one of them goes, and
    the withdrawal rule does not always catch that (a goal needing three
    steps, needed by another goal, held after the second of them came).
    """
    return {"t": "unmet", "step": step, "sid": mirror.sid, "id": mirror.fact_id(("unmet", step))}


def _derived_holds_fact(mirror: Mirror, step: str) -> dict[str, Any]:
    return {"t": "holds", "subject": step, "derived": 1, "sid": mirror.sid,
            "id": mirror.fact_id(("holds", step))}


def _derive(ruleset: Ruleset, mirror: Mirror, fact: dict[str, Any]) -> None:
    """Assert a derived fact once, however often negation fires for it."""
    if fact["id"] not in mirror.live:
        ruleset.assert_fact(fact)
        mirror.live[fact["id"]] = fact


def _withdraw(ruleset: Ruleset, mirror: Mirror, fact: dict[str, Any]) -> None:
    if mirror.live.pop(fact["id"], None) is not None:
        ruleset.retract_fact(fact)


def check_event(mirror: Mirror, need: str) -> dict[str, Any]:
    """The event that asks durable whether `need` holds; its id is the need's own, reused once consumed."""
    return {"t": "check", "need": need, "sid": mirror.sid, "id": mirror.check_id(need)}


def recheck(mirror: Mirror, ruleset: Ruleset, need: str) -> None:
    """Ask durable again about `need`, if any requirement names it and no question is already in flight.

    An event still in flight is re-matched by durable's network as `holds`
    facts come and go, so a second one would only be answered the same way.
    """
    if need in mirror.dependents and need not in mirror.pending:
        mirror.pending.add(need)
        ruleset.assert_event(check_event(mirror, need))


def _on_unmet(frames: Frames, mirror: Mirror, ruleset: Ruleset) -> None:
    _apply(frames["c"]["need"], False, mirror, ruleset)


def _on_met(frames: Frames, mirror: Mirror, ruleset: Ruleset) -> None:
    _apply(frames["c"]["need"], True, mirror, ruleset)


def _apply(need: str, held: bool, mirror: Mirror, ruleset: Ruleset) -> None:
    """Durable's verdict on `need`, applied to every requirement the dependents index lists for it.

    A requirement is unmet while fewer than `at_least` of its needs hold;
    members count as holding until durable reports them missing, and every
    need is asked about when the pathway is loaded, so every member has
    reported before a step is read.  While the pathway is loaded, the verdict
    is only handed back, and `load` applies it as it reads the requirements.
    """
    mirror.pending.discard(need)
    if mirror.verdict is not None:
        mirror.verdict = held
        return
    unmet_of, journaled = mirror.unmet, mirror.journal is not None
    derived_steps = mirror.derived_steps
    for requirement in mirror.dependents.get(need, ()):
        step, group, needs = requirement.step, requirement.id, requirement.needs
        if journaled:
            mirror.note(step)
        if len(needs) == 1:
            unmet = not held
        else:
            missing = mirror.missing[(step, group)]
            if held:
                missing.discard(need)
            else:
                missing.add(need)
            unmet = len(needs) - len(missing) < requirement.at_least
        now = unmet_of.get(step)
        if unmet:
            if now is None or group not in now:
                unmet_of[step] = frozenset((group,)) if now is None else now | {group}
        elif now is not None and group in now:
            if len(now) == 1:
                del unmet_of[step]
            else:
                unmet_of[step] = now - {group}
        if step in derived_steps:
            if unmet_of.get(step):
                _derive(ruleset, mirror, unmet_fact(mirror, step))
            else:
                _withdraw(ruleset, mirror, unmet_fact(mirror, step))


def load(mirror: Mirror, pathway: Pathway, reading: Reading, ask: Callable[[str], bool]) -> Loaded:
    """The pathway, in one pass over its steps: the dependents index, durable's verdicts, what is unmet.

    Each requirement in force (those `Pathway.requirements` lists) joins the
    dependents index; each need, when first named, is put to durable with
    `ask` (a `check` event: its verdict comes back through `_apply`); and each
    step's unmet requirements are worked out from the verdicts as its own
    requirements are read.  The same as applying each verdict as it came
    (every need is asked once, and a group's members count as holding until
    reported missing), in one visit per requirement: at 50,000 steps, visiting
    the pathway's objects again, in scattered order, cost more than durable did.
    """
    admits, dependents, unmet_of, missing_of = reading.admits, mirror.dependents, mirror.unmet, mirror.missing
    verdicts: dict[str, bool] = {}  # keyed by the pathway's own strings, so found by identity
    loaded = Loaded([], [], [])
    for step, rule in pathway.steps.items():
        if rule.derived:
            loaded.derived.append(step)
        groups: list[str] = []
        for requirement in rule.preconditions:
            if requirement.when and not admits(requirement.when):
                continue
            needs = requirement.needs
            for need in needs if len(needs) == 1 else dict.fromkeys(needs):
                named = dependents.get(need)
                if named is None:
                    dependents[need] = [requirement]  # before asking: durable is asked only about named needs
                    verdicts[need] = ask(need)
                else:
                    named.append(requirement)
            if len(needs) == 1:
                unmet = not verdicts[needs[0]]
            else:
                missing = missing_of[(step, requirement.id)]
                missing.update(n for n in needs if not verdicts[n])
                unmet = len(needs) - len(missing) < requirement.at_least
            if unmet:
                groups.append(requirement.id)
        if groups:
            unmet_of[step] = frozenset(groups)
            if rule.derived:
                loaded.blocked.append(step)
        if rule.constraints:
            loaded.constraints.extend((step, c) for c in rule.constraints if not c.when or admits(c.when))
    mirror.derived_steps = frozenset(loaded.derived)
    return loaded


def _on_derive(frames: Frames, mirror: Mirror, ruleset: Ruleset) -> None:
    step = frames["d"]["step"]
    mirror.note(step)
    _derive(ruleset, mirror, _derived_holds_fact(mirror, step))
    mirror.derived_holds.add(step)
    recheck(mirror, ruleset, step)


def _on_underive(frames: Frames, mirror: Mirror, ruleset: Ruleset) -> None:
    step = frames["d"]["step"]
    mirror.note(step)
    _withdraw(ruleset, mirror, _derived_holds_fact(mirror, step))
    mirror.derived_holds.discard(step)
    recheck(mirror, ruleset, step)


def _on_breach(frames: Frames, mirror: Mirror, ruleset: Ruleset) -> None:
    a = frames["a"]
    mirror.note(a["step"])
    mirror.breaches.add((a["step"], a["name"], a["value"]))


def _on_accept(frames: Frames, mirror: Mirror, ruleset: Ruleset) -> None:
    a = frames["a"]
    mirror.note(a["step"])
    mirror.breaches.discard((a["step"], a["name"], a["value"]))


def _on_unset(frames: Frames, mirror: Mirror, ruleset: Ruleset) -> None:
    k = frames["k"]
    mirror.note(k["step"])
    mirror.breaches = {b for b in mirror.breaches if b[:2] != (k["step"], k["attr"])}


def ruleset_definition() -> dict[str, Any]:
    """The generic rules, as durable's JSON (built fresh: durable mutates it)."""
    holds_need = {"$and": [{"t": "holds"}, {"subject": {"c": "need"}}]}
    unmet_of_d = {"$and": [{"t": "unmet"}, {"step": {"d": "step"}}]}
    holds_of_d = {"$and": [{"t": "holds"}, {"subject": {"d": "step"}}]}
    attr_of_k = {"$and": [{"t": "attr"}, {"step": {"k": "step"}}, {"name": {"k": "attr"}}]}
    constrained = {"$and": [{"t": "constrained"}, {"step": {"a": "step"}}, {"attr": {"a": "name"}}]}
    allows = {"$and": [{"t": "allows"}, {"step": {"a": "step"}}, {"attr": {"a": "name"}},
                       {"value": {"a": "value"}}]}
    return {
        "unmet": {"all": [{"c": {"t": "check"}}, {"x$not": holds_need}], "act": _on_unmet},
        "met": {"all": [{"c": {"t": "check"}}, {"h": holds_need}], "act": _on_met},
        "derive": {"all": [{"d": {"t": "derived"}}, {"x$not": unmet_of_d}], "act": _on_derive},
        "underive": {"all": [{"d": {"t": "derived"}}, {"h": holds_of_d}, {"u": unmet_of_d}],
                     "act": _on_underive},
        "breach": {"all": [{"a": {"t": "attr"}}, {"k": constrained}, {"x$not": allows}], "act": _on_breach},
        "accept": {"all": [{"a": {"t": "attr"}}, {"k": allows}], "act": _on_accept},
        # Negation re-fires when its blocker goes: the retraction rule for breaches.
        "unset": {"all": [{"k": {"t": "constrained"}}, {"x$not": attr_of_k}], "act": _on_unset},
    }
