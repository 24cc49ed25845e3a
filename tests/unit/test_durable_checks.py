"""perimeter.backends.durable: what durable-rules stores, and goals that need goals.

The adapter keeps the pathway's precondition edges out of durable's fact
store: a dependents index beside durable names the requirements a need
concerns, and durable is asked about each need with a `check` event that it
answers (met or unmet) and consumes.  So what durable holds grows with the
facts and the derived steps, not with the edges; and a goal's verdict,
concluded by durable's derive rule, must reach the steps and goals that need
it.  Each conclusion is held to the plain reference evaluator.
"""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from perimeter import DEFAULT_READING, Fact
from perimeter.backends import durable
from perimeter.backends.reference import ReferenceEvaluator

from builders import CITE, compile_rules, need, need_any, need_at_least, rule_set


def _stored(evaluator: durable.DurableEvaluator) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The facts and the events durable itself holds for the evaluator's session."""
    ruleset = durable._POOL.host._ruleset_directory[evaluator.ruleset]
    return ruleset.get_facts(evaluator.sid), ruleset.get_pending_events(evaluator.sid)


def _goal(id_: str, *needs: Any) -> dict[str, Any]:
    return {"id": id_, "title": f"Goal {id_}", "citation": dict(CITE), "preconditions": list(needs)}


def _chain(length: int):
    """s0 <- s1 <- ... each step needing its three predecessors; one goal on the last."""
    steps = [(f"s{i}", [f"s{j}" for j in range(max(0, i - 3), i)]) for i in range(length)]
    return compile_rules(rule_set(*steps, pathway="chain", goal=[f"s{length - 1}"]))


def test_durable_stores_no_fact_per_precondition_edge():
    pathway = _chain(300)
    evaluator = durable.DurableEvaluator(pathway, DEFAULT_READING)
    try:
        facts, events = _stored(evaluator)
        assert sorted(f["t"] for f in facts) == ["derived", "unmet"], "the goal and its one unmet need, no edges"
        assert events == [], "every check was answered and consumed"
        assert evaluator.evaluation() == ReferenceEvaluator(pathway).evaluation()
        for i in range(300):
            evaluator.assert_fact(Fact(id=f"s{i}", attributes={}))
        facts, events = _stored(evaluator)
        assert sorted(f["t"] for f in facts) == ["derived", *["holds"] * 301], "one per fact, one for the goal"
        assert events == []
        assert "goal" in evaluator.evaluation().holds and not evaluator.evaluation().unmet
    finally:
        evaluator.close()


def _bridge():
    """b needs goal g1; g1 needs a; g2 needs g1 and b, or c (any of)."""
    document = rule_set(("a", []), ("b", ["g1"]), ("c", []), pathway="bridge")
    document["goals"] = [_goal("g1", need("a")), _goal("g2", need("g1"), need_any("b", "c"))]
    return compile_rules(document)


def test_a_goals_verdict_reaches_the_steps_and_goals_that_need_it():
    pathway = _bridge()
    evaluator = durable.DurableEvaluator(pathway, DEFAULT_READING)
    a, b = Fact(id="a", attributes={}), Fact(id="b", attributes={})
    try:
        assert evaluator.evaluation().unmet["b"] == {"g1"}
        evaluator.assert_fact(a)
        assert "g1" in evaluator.evaluation().holds and "b" not in evaluator.evaluation().unmet
        evaluator.assert_fact(b)
        assert {"g1", "g2"} <= evaluator.evaluation().holds
        evaluator.retract_fact(a)
        now = evaluator.evaluation()
        assert now.unmet["b"] == {"g1"} and now.unmet["g2"] == {"g1"} and not {"g1", "g2"} & now.holds
    finally:
        evaluator.close()


def test_regression_a_goal_needing_three_steps_and_needed_by_a_goal_holds_only_when_all_three_do():
    # With one durable fact per unmet requirement, retracting one of several
    # re-fired durable's negation and the goal was derived with a need unmet.
    document = rule_set(("s0", []), ("s1", []), ("s2", []), pathway="three")
    document["goals"] = [_goal("g3", need("s0"), need("s1"), need("s2")), _goal("g5", need("g3"))]
    pathway = compile_rules(document)
    evaluator = durable.DurableEvaluator(pathway, DEFAULT_READING)
    reference = ReferenceEvaluator(pathway)
    try:
        for id_ in ("s0", "s1", "s2"):
            for each in (evaluator, reference):
                each.assert_fact(Fact(id=id_, attributes={}))
            assert evaluator.evaluation() == reference.evaluation(), id_
        assert {"g3", "g5"} <= evaluator.evaluation().holds
    finally:
        evaluator.close()


@st.composite
def goal_chains(draw):
    """Steps and goals where goals need steps and earlier goals, and steps may need goals; some groups."""
    count = draw(st.integers(1, 6))
    names: list[str] = []
    steps, goals = [], []
    for i in range(count + draw(st.integers(1, 4))):
        is_goal = i >= count or (i > 0 and draw(st.booleans()))  # the first is a step: a rule set has one
        name = f"g{i}" if is_goal else f"s{i}"
        picked = draw(st.lists(st.sampled_from(names), unique=True, max_size=3)) if names else []
        shaped: list[Any] = [need(n) for n in picked]
        if len(picked) >= 2 and draw(st.booleans()):
            shaped = [need_at_least(draw(st.integers(1, len(picked))), *picked)]
        if is_goal:
            goals.append(_goal(name, *(shaped or [need("c0")])))
        else:
            steps.append((name, shaped))
        names.append(name)
    document = rule_set(*steps, pathway="goals", conditions=["c0"])
    document["goals"] = goals
    return compile_rules(document)


def _shape(pathway) -> dict[str, list[tuple[int, tuple[str, ...]]]]:
    """The rule set in brief, for a failure's message: each step's requirements as (at least, needs)."""
    return {s: [(r.at_least, r.needs) for r in rule.preconditions] for s, rule in pathway.steps.items()}


@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_durable_agrees_with_reference_where_goals_need_goals(data):
    pathway = data.draw(goal_chains())
    ids = [s for s, rule in pathway.steps.items() if not rule.derived] + ["c0"]
    history = data.draw(st.lists(st.sampled_from(ids), max_size=25))
    evaluator = durable.DurableEvaluator(pathway, DEFAULT_READING)
    reference = ReferenceEvaluator(pathway)
    held: dict[str, Fact] = {}
    try:
        for id_ in history:  # each id toggles: asserted if absent, retracted if held
            if id_ in held:
                evaluator.retract_fact(held[id_])
                reference.retract_fact(held.pop(id_))
            else:
                held[id_] = Fact(id=id_, attributes={})
                evaluator.assert_fact(held[id_])
                reference.assert_fact(held[id_])
            assert evaluator.evaluation() == reference.evaluation(), f"{id_} {sorted(held)} {_shape(pathway)}"
            assert _stored(evaluator)[1] == [], "no check is left unanswered"
    finally:
        evaluator.close()
    fresh = durable.DurableEvaluator(pathway, DEFAULT_READING, tuple(held.values()))
    try:
        assert fresh.evaluation() == reference.evaluation(), "conclusions depend on the order of events"
    finally:
        fresh.close()
