"""The durable-rules adapter: the one module that imports durable-rules.

The pathway is loaded as data over a handful of generic rules, never one rule
per step (durable's C core loops forever past 512 sibling rules), and its
precondition edges are kept out of durable's fact store: every stored fact
costs durable about 7.5 KB and its indices have a fixed 512 buckets, so one
fact per edge (30,490 at 10,000 generated steps) cost 270 MB and grew
super-linearly.  Durable holds only what is true: `holds` for each fact and
each derived step that holds, `attr`/`allows`/`constrained` for constraints,
and `derived`/`unmet` for derived steps (goals).  Beside it, a plain
dependents index (each need's requirements, `Mirror.dependents`) says which
requirements a verdict concerns.  Durable is asked about a need with a
`check` event, which the rules answer and consume, so nothing accumulates:

    check(need) and no holds(need)               -> need is unmet
    check(need) and holds(need)                  -> need is met
    derived(step) and no unmet(step)             -> holds(step), then check(step)
    derived(step) and holds(step) and unmet(step) -> withdraw holds(step), then check(step)
    attr(step, name, value), constrained(step, name),
        and no allows(step, name, value)         -> breach
    attr(step, name, value) and allows(...)      -> no breach
    constrained(step, name) and no attr(step, name, _) -> no breach

A need is checked when the pathway is loaded and whenever its `holds` comes
or goes: a fact asserted or retracted here, a derived step derived or
withdrawn by the rules (forward chaining: a goal that comes to hold is checked
in turn, and its verdict reaches the steps and goals that need it).  The
verdict on a need is applied to each requirement that names it: a group of
several needs is unmet while fewer than `at_least` of them hold.  A derived
step carries one `unmet` fact while any of its requirements is unmet (one per
requirement made durable re-fire the derive rule when one of several went).
At most one check per need is in flight; one left unanswered after a call is
reported as an error.

Attribute values enter as their key (`ConstraintRule.key`: folded text, a
number's shortest form, an ISO date), so one join compares them.  A
constraint's `allowed` values are asserted as `allows` facts with the rules.
A `min`/`max` constraint has no list to assert, and durable compares two
facts' numbers as doubles where the reference compares exact decimals and
dates; so for it the adapter asserts the verdict of `ConstraintRule.accepts`
(the one definition of an acceptable value) as an `allows` fact beside the
`attr` fact it judges, and the generic rules stay as they are.

Actions report into a per-session mirror, which is what `evaluation()` reads;
the rules, their actions and the mirror are plain Python, in
`perimeter.backends.durable_session`.
The quirks in `../shared/notes/durable-rules.md` are handled here:

- every call asserts or retracts one fact or posts one event (negation is
  unreliable in batches);
- each engine is a session of a shared ruleset, ruleset names never reused,
  sessions deleted on close, a new ruleset when one is full (1024 sessions);
- fact ids are assigned here and checked against durable's 32-bit FNV-1a
  identity hash, which compares no strings;
- the host's polling threads are never started, so actions run on the
  caller's thread under one lock;
- derivations are idempotent, because negation may fire twice, and a
  negation is blocked by one fact at most;
- every durable exception becomes an `EvaluationError`.
"""

from __future__ import annotations

import itertools
import json
import threading
import weakref
from collections.abc import Callable, Iterable
from typing import Any

from ..backends.durable_session import Action, FactKey, Frames, check_event, load, ruleset_definition
from ..backends.durable_session import unmet_fact
from ..backends.durable_session import Mirror as _Mirror
from ..backends.durable_session import (
    fnv1a_32 as fnv1a_32,  # re-exported: tests check it here
)
from ..backends.protocol import Evaluation, Journal
from ..errors import EvaluationError
from ..files.read import gc_paused
from ..pathway.compiled import DEFAULT_READING, Pathway, Reading
from ..pathway.values import fold
from ..pathway.model import Fact


def _import_durable() -> Any:
    """durable-rules' engine module, with the C shim loaded where it is needed.

    durable-rules 2.0.28 builds on Python 3.13 but its C core calls
    `PyEval_CallObject`, which 3.13 removed: the import fails naming that
    symbol. perimeter ships the function in its own `_durable_shim` extension;
    loaded with RTLD_GLOBAL, it lets the core resolve the symbol, and the
    import is tried again. Where the import works, the shim is never loaded.
    """
    try:
        from durable import engine  # type: ignore[import-untyped]  # durable-rules ships no type hints
    except ImportError as error:
        if "PyEval_CallObject" not in str(error):
            raise
        import ctypes
        import importlib.util

        spec = importlib.util.find_spec(f"{__package__}._durable_shim")
        if spec is None or spec.origin is None:
            raise
        ctypes.CDLL(spec.origin, mode=ctypes.RTLD_GLOBAL)
        from durable import engine
    return engine


# durable-rules is untyped: its module, and what comes from it, are `Any` here and nowhere else.
_durable: Any
_IMPORT_ERROR = ""
try:
    _durable = _import_durable()
except ImportError as _error:  # pragma: no cover - depends on the interpreter
    _durable = None
    _IMPORT_ERROR = str(_error)

_LOCK = threading.RLock()
_ENCODE = json.JSONEncoder(ensure_ascii=False, check_circular=False).encode
_SESSIONS_PER_RULESET = 1000
_MIRRORS: dict[str, _Mirror] = {}


def _lean_ruleset_class() -> type[Any]:
    """durable's Ruleset with its action loop replaced.

    durable's own loop parses the session state, wraps every fact in
    helper objects, writes the state back after each action, and swallows
    an action's exception into the state, so a failing action would
    silently corrupt conclusions.  This loop drives the same C calls, hands
    actions the matched facts as plain dicts, and reports the first failure
    once the queue is drained (the engine then replaces the session).
    """
    engine_c = _durable.durable_rules_engine
    ruleset: Any = _durable.Ruleset

    class LeanRuleset(ruleset):  # type: ignore[misc]  # durable's classes are untyped, so Any
        def __init__(self, name: str, host: Any, definition: dict[str, Any]):
            self._lean: dict[str, Action] = {rule: spec.pop("act") for rule, spec in definition.items()}
            for spec in definition.values():
                spec["run"] = lambda c: None  # the base class wants a callable; never called
            super().__init__(name, host, definition)

        def do_actions(self, state_handle: int, complete: Callable[[BaseException | None, Any], None]) -> None:
            failure: BaseException | None = None
            try:
                result = engine_c.start_action_for_state(self._handle, state_handle)
                message: dict[str, Frames] | None = json.loads(result[1]) if result else None
                while message:
                    (rule, frames), = message.items()
                    try:
                        self._lean[rule](frames, _MIRRORS[next(iter(frames.values()))["sid"]], self)
                    except Exception as error:  # noqa: BLE001 - reported once the queue is drained
                        failure = failure or error
                    # Always complete: abandoning an action leaves the C core in a state
                    # where the next call on the session can crash the process.
                    following = engine_c.complete_and_start_action(self._handle, state_handle)
                    message = json.loads(following) if following else None
            except Exception as error:  # noqa: BLE001 - handed to the caller, which raises it
                failure = failure or error
            complete(failure, None)

    return LeanRuleset


class _Pool:
    """Sessions of rulesets on one quiet host, reused rather than deleted.

    durable's `delete_state` crashes its C core for any session that ever held
    a fact appearing only on the right of a join, even once emptied.  So a
    closed engine's session is emptied and lent to the next engine; a session
    that cannot be emptied is retired.  A ruleset serves at most
    `_SESSIONS_PER_RULESET` sessions (durable's limit is 1024); past that a new
    ruleset is registered.
    """

    def __init__(self) -> None:
        self.host: Any = None
        self.sessions: dict[str, int] = {}
        self.free: list[tuple[str, str]] = []
        self.names = itertools.count()
        self.sids = itertools.count(1)

    def open(self) -> tuple[str, str]:
        """A ruleset name and an empty session id in it."""
        if self.free:
            return self.free.pop()
        if self.host is None:
            lean = _lean_ruleset_class()
            host: Any = _durable.Host

            class QuietHost(host):  # type: ignore[misc]  # durable's classes are untyped, so Any
                def _run(self) -> None:  # no polling threads: actions run on our thread
                    pass

                def register_rulesets(self, definitions: dict[str, Any]) -> list[str]:
                    for name, definition in definitions.items():
                        ruleset = lean(name, self, definition)
                        self._ruleset_directory[name] = ruleset
                        self._ruleset_list.append(ruleset)
                    return list(definitions)

            self.host = QuietHost()
        name = next((n for n, count in self.sessions.items() if count < _SESSIONS_PER_RULESET), None)
        if name is None:
            name = f"perimeter_{next(self.names)}"
            self.host.register_rulesets({name: ruleset_definition()})
            self.sessions[name] = 0
        self.sessions[name] += 1
        return name, str(next(self.sids))

    def call(self, name: str, verb: str, message: dict[str, Any]) -> None:
        """Assert or retract one fact, or post one event, and run the actions it sets off.

        What durable's host does, without its per-call wrappers: one reusable
        JSON encoder, and the ruleset called directly.
        """
        ruleset = self.host._ruleset_directory[name]
        engine_c = _durable.durable_rules_engine
        function = engine_c.assert_fact if verb == "assert" else (
            engine_c.retract_fact if verb == "retract" else engine_c.assert_event)
        state = ruleset._handle_result(function(ruleset._handle, _ENCODE(message)), message)
        failures: list[BaseException | None] = []
        ruleset.do_actions(state, lambda error, _state: failures.append(error))
        if failures and failures[0] is not None:
            raise failures[0]

    def close(self, name: str, sid: str, emptied: bool) -> None:
        """Take back a session; an emptied one is lent again, any other retired."""
        if emptied:
            self.free.append((name, sid))


_POOL = _Pool()

# Retracting rule-shaped facts first means no rule can fire while the rest go.
_TEARDOWN_ORDER = {"derived": 0, "constrained": 0, "unmet": 1}


def _release(ruleset: str, sid: str) -> None:
    """Empty the session so the pool can lend it to the next engine."""
    with _LOCK:
        mirror = _MIRRORS.get(sid)
        if mirror is None:
            return
        try:
            for _ in range(3):  # actions fired by a retraction may assert again
                if not mirror.live:
                    break
                for fact in sorted(mirror.live.values(), key=lambda f: _TEARDOWN_ORDER.get(f["t"], 2)):
                    if mirror.live.pop(fact["id"], None) is not None:
                        _POOL.call(ruleset, "retract", fact)
            emptied = not mirror.live
        except Exception:  # noqa: BLE001 - a failed cleanup must not mask the caller's work
            emptied = False
        del _MIRRORS[sid]
        _POOL.close(ruleset, sid, emptied)


class DurableEvaluator:
    """Conclusions maintained incrementally by durable-rules, one fact per call."""

    def __init__(self, pathway: Pathway, reading: Reading = DEFAULT_READING, facts: tuple[Fact, ...] = ()):
        if _durable is None:
            raise EvaluationError(f"durable-rules cannot be imported here: {_IMPORT_ERROR}",
                                  hint="use Python 3.10 to 3.12")
        self.pathway = pathway
        self.reading = reading
        self.facts: dict[str, Fact] = {}
        self._open()
        try:
            with gc_paused():  # no cycles are made; the collector would rescan the pathway's objects
                for fact in facts:
                    self.assert_fact(fact)
                self._load_rules()
        except BaseException:
            self.close()
            raise

    def _open(self) -> None:
        with _LOCK:
            self.ruleset, self.sid = _POOL.open()
            self.mirror = _Mirror(self.sid)
            _MIRRORS[self.sid] = self.mirror
        self._finalizer = weakref.finalize(self, _release, self.ruleset, self.sid)
        self._finalizer.atexit = False  # the process is going: no need to empty sessions

    def _load_rules(self) -> None:
        """The pathway after the facts: the dependents index and one question to durable per need, then
        the constraints, then the derived steps.

        Needs are asked about as `load` reads the requirements that name
        them (the verdicts come back one at a time: `Mirror.verdict`).  Each
        constraint's allowed values go in before the constraint, so no breach
        fires and is withdrawn on the way in; the derived steps' `unmet` facts
        go in before their `derived` facts, whose rules see every verdict in.
        """
        mirror = self.mirror

        def ask(need: str) -> bool:
            self._check(need)
            return bool(mirror.verdict)

        mirror.verdict = False  # load mode: `_apply` hands each verdict back
        try:
            loaded = load(mirror, self.pathway, self.reading, ask)
        finally:
            mirror.verdict = None
        for step, constraint in loaded.constraints:
            for folded in dict.fromkeys(constraint.key(v) for v in constraint.allowed):  # "4" and "4.0": one
                self._send("assert", self._fact("allows", (step, constraint.attribute, folded),
                                                step=step, attr=constraint.attribute, value=folded))
            self._send("assert", self._fact("constrained", (step, constraint.attribute),
                                            step=step, attr=constraint.attribute))
        for step in loaded.blocked:
            self._send("assert", unmet_fact(mirror, step))
        for step in loaded.derived:
            self._send("assert", self._fact("derived", (step,), step=step))

    def _check(self, need: str) -> None:
        """Ask durable whether `need` holds; its verdict reaches every requirement that names it."""
        if need in self.mirror.dependents:
            self.mirror.pending.add(need)
            self._send("post", check_event(self.mirror, need))

    def _fact(self, kind: str, key: FactKey, **fields: Any) -> dict[str, Any]:
        return {"t": kind, **fields, "sid": self.sid, "id": self.mirror.fact_id((kind, *key))}

    def _fact_messages(self, fact: Fact) -> list[dict[str, Any]]:
        messages = [self._fact("holds", (fact.id,), subject=fact.id)]
        rule = self.pathway.steps.get(fact.id)
        for name, value in sorted(fact.attributes.items()):
            constraint = rule.constraint_on(name) if rule is not None else None
            folded = constraint.key(value) if constraint is not None else fold(value)
            if constraint is not None and constraint.bounded and constraint.accepts(value):
                # min/max: the verdict as data, asserted before the value so no breach fires on the way in.
                messages.append(self._fact("allows", (fact.id, name, folded), step=fact.id, attr=name, value=folded))
            messages.append(self._fact("attr", (fact.id, name, folded), step=fact.id, name=name, value=folded))
        return messages

    def assert_fact(self, fact: Fact) -> None:
        """Assert `fact` and its attributes, one durable call each."""
        for message in self._fact_messages(fact):
            self._send("assert", message)
        self.facts[fact.id] = fact
        self._check(fact.id)

    def retract_fact(self, fact: Fact) -> None:
        """Retract `fact` as it was asserted, attributes first."""
        stored = self.facts.pop(fact.id)
        for message in reversed(self._fact_messages(stored)):
            self._send("retract", message)
        self._check(fact.id)

    def evaluation(self, steps: Iterable[str] | None = None) -> Evaluation:
        """Everything concluded, or (for speed) only what concerns `steps`; `holds` is always whole."""
        with _LOCK:
            mirror = self.mirror
            holds = frozenset(self.facts) | frozenset(mirror.derived_holds)
            if steps is None:  # the mirror's sets are frozen and never empty: one copy of the dict
                return Evaluation(holds, dict(mirror.unmet), frozenset(mirror.breaches))
            wanted = set(steps)
            unmet = {step: mirror.unmet[step] for step in wanted if mirror.unmet.get(step)}
            return Evaluation(holds, unmet, frozenset(b for b in mirror.breaches if b[0] in wanted))

    def journal_start(self) -> None:
        """Begin recording what the next changes touch."""
        self.mirror.journal = {}

    def journal_stop(self) -> Journal:
        """Stop recording; each touched step as it was before."""
        journal, self.mirror.journal = self.mirror.journal or {}, None
        return journal

    def close(self) -> None:
        """Free the durable session; the evaluator is unusable afterwards."""
        self._finalizer()

    def _send(self, verb: str, message: dict[str, Any]) -> None:
        if not self._finalizer.alive:
            raise EvaluationError("this engine is closed", hint="create a new Engine")
        with _LOCK:
            try:
                if verb == "assert":
                    self.mirror.live[message["id"]] = message
                elif verb == "retract":
                    self.mirror.live.pop(message["id"], None)
                _POOL.call(self.ruleset, verb, message)
                if self.mirror.pending:  # every check is answered before the call returns
                    raise RuntimeError(f"durable left unanswered the check of {sorted(self.mirror.pending)}")
            except Exception as error:  # noqa: BLE001 - nothing of durable's may reach a caller
                detail = getattr(error, "message", None) or f"{type(error).__name__}: {error}"
                raise EvaluationError(f"the rules engine failed to {verb} a fact: {detail}",
                                      hint="this is a bug in perimeter; please report it") from None
