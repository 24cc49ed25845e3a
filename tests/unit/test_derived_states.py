"""`perimeter.answers.status`: several goals, and goals whose state says how they were reached (issue 15).

A goal is derived: it holds when its preconditions hold.  It is `violated` when it holds through a
violated step: any step in the closure of what it needs (its preconditions, transitively, through
those that hold) that is violated; its blockers name those steps (`violated-step`).
"""

from __future__ import annotations

import pytest

from builders import CITE, compile_rules, need, rule_set, step
from perimeter import Fact, State
from perimeter.answers.status import closure, conclude
from perimeter.pathway.compiled import DEFAULT_READING


def two_goals():
    """plan -> build -> open (goal `opened`); inspect needs build; `certified` needs opened and inspect."""
    document = rule_set(("plan", []), ("build", ["plan"]), ("inspect", ["build"]), pathway="bridge")
    document["goals"] = [
        {"id": "opened", "title": "The bridge is open", "citation": dict(CITE), "preconditions": [need("build")]},
        {"id": "certified", "title": "The bridge is certified", "citation": dict(CITE),
         "preconditions": [need("opened"), need("inspect")]},
    ]
    return compile_rules(document)


@pytest.fixture(params=["durable", "reference"])
def bridge(request, engines):
    return engines(two_goals(), backend=request.param)


def test_several_goals_are_each_concluded_in_file_order(bridge):
    conclusions = bridge.conclusions()
    assert [(g.id, g.state) for g in conclusions.goals] == [("opened", State.BLOCKED), ("certified", State.BLOCKED)]
    assert conclusions.goal is None, "with several goals there is no one goal"
    assert [s.id for s in conclusions.steps] == ["plan", "build", "inspect"]
    assert conclusions.step("certified").kind == "goal"
    for id_ in ("plan", "build", "inspect"):
        bridge.assert_fact(id_)
    assert [g.state for g in bridge.conclusions().goals] == [State.DONE, State.DONE]


def test_a_goal_reached_through_a_forced_step_is_violated_and_names_it(bridge):
    change = bridge.assert_fact("build", force=True)
    assert [(t.id, t.before, t.after, t.derived) for t in change.transitions] == [
        ("build", "blocked", "violated", False), ("inspect", "blocked", "eligible", False),
        ("opened", "blocked", "violated", True)]
    assert change.summary() == "build recorded but violated, opened reached but violated: inspect is now eligible"
    opened = bridge.status("opened")
    assert opened.state is State.VIOLATED
    (blocker,) = opened.blockers
    assert (blocker.id, blocker.kind, blocker.detail) == ("build", "violated-step", "plan")
    assert bridge.conclusions().step("opened") == opened, "one status agrees with the whole conclusions"


def test_a_goal_on_a_violated_goal_names_both_in_the_rule_sets_order(bridge):
    bridge.assert_fact("build", force=True)
    change = bridge.assert_fact("inspect")
    certified = bridge.status("certified")
    assert certified.state is State.VIOLATED
    assert [(b.id, b.kind) for b in certified.blockers] == [("build", "violated-step"), ("opened", "violated-step")]
    assert ("certified", "blocked", "violated") in {(t.id, t.before, t.after) for t in change.transitions}


def test_mending_the_violated_step_makes_the_goals_done(bridge):
    bridge.assert_fact("build", force=True)
    bridge.assert_fact("inspect")
    change = bridge.assert_fact("plan")
    assert [g.state for g in bridge.conclusions().goals] == [State.DONE, State.DONE]
    assert {(t.id, t.before, t.after) for t in change.transitions} >= {
        ("build", "violated", "done"), ("opened", "violated", "done"), ("certified", "violated", "done")}
    change = bridge.retract_fact("build")
    assert "opened no longer reached" in change.summary()
    assert [g.state for g in bridge.conclusions().goals] == [State.BLOCKED, State.BLOCKED]


def test_a_goal_not_reached_is_blocked_whatever_is_violated_below_it(bridge):
    bridge.assert_fact("inspect", force=True)  # inspect violated, build not recorded
    certified = bridge.status("certified")
    assert certified.state is State.BLOCKED
    assert [b.id for b in certified.blockers] == ["opened"]


def test_a_violated_step_the_goal_does_not_stand_on_leaves_it_done(engines):
    document = rule_set(("a", []), ("b", ["a"]), ("side", ["b"]), goal=["a"])
    engine = engines(compile_rules(document))
    engine.assert_fact("a")
    change = engine.assert_fact("side", force=True)
    assert engine.status("goal").state is State.DONE
    assert all(t.id != "goal" for t in change.transitions)


def test_a_constraint_broken_below_the_goal_violates_it(engines):
    document = rule_set(step("a", constraints=[{"attribute": "place", "allowed": ["here"], "basis": "stated",
                                                 "citation": dict(CITE)}]), goal=["a"])
    engine = engines(compile_rules(document))
    engine.assert_fact("a", {"place": "here"})
    assert engine.status("goal").state is State.DONE
    change = engine.assert_fact("a", {"place": "there"}, force=True)
    assert ("goal", "done", "violated") in {(t.id, t.before, t.after) for t in change.transitions}
    assert [(b.id, b.detail) for b in engine.status("goal").blockers] == [("a", "a.place")]


def test_conclude_from_an_evaluation_is_the_engines_answer(bridge):
    bridge.assert_fact("build", force=True)
    facts = {f.id: f for f in bridge.facts}
    assert conclude(bridge.pathway, DEFAULT_READING, bridge.evaluation(), facts) == bridge.conclusions()
    assert facts == {"build": Fact(id="build")}


def test_closure_is_every_step_a_goal_needs_held_or_not():
    pathway = two_goals()
    assert closure(pathway, DEFAULT_READING, "certified") == {"certified", "opened", "build", "plan", "inspect"}
    assert closure(pathway, DEFAULT_READING, "plan") == {"plan"}
