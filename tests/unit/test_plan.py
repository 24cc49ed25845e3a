"""Plans on the paper's rules: valid, minimal, deterministic, ending with the target."""

from __future__ import annotations

from perimeter import State


def test_the_plan_for_a7_is_the_defense_chain_in_order(engine_2013):
    plan = engine_2013.plan("Mexico join NORAD")
    assert plan.target == "A7"
    assert plan.order == ("A1", "A2", "A3", "A4", "A5", "A6", "A7")
    assert [i.action for i in plan.items] == ["take"] * 7


def test_the_plan_skips_what_already_holds(engine_2013):
    for step in ("A1", "A2"):
        engine_2013.assert_fact(step)
    assert engine_2013.plan("A7").order == ("A3", "A4", "A5", "A6", "A7")


def test_the_plan_for_the_goal_establishes_vetting_first_and_ends_with_the_goal(engine_2013):
    plan = engine_2013.plan("goal")
    assert plan.order[0] == "vetting" and plan.items[0].action == "establish"
    assert plan.order[-1] == "goal" and plan.items[-1].action == "reached"
    assert set(plan.order) == {"vetting", "goal", *(s for s in engine_2013.pathway.steps if s != "goal")}


def test_the_plan_for_b8_has_no_defense_step_and_no_b_step_it_does_not_need(engine_2013):
    assert engine_2013.plan("B8").order == ("vetting", "B1", "B2", "B3", "B4", "B5", "B6", "B7", "B8")


def test_the_least_demanding_reading_plans_need_less(engines, paper, baseline):
    least = engines(paper, baseline, reading="least")
    assert least.plan("A7").order == ("A1", "A2", "A3", "A4", "A7"), "A3 serves both groups: no A5, no A6"
    literal = engines(paper, baseline, reading="literal")
    assert set(literal.plan("C1").order) == {"vetting", "C1", "us_mexico_border_organization",
                                             *(s for s in paper.steps if s[0] in "AB")}, "B6 joins one no step makes"


def test_a_plan_for_what_holds_is_empty_and_says_why(engine_2013):
    plan = engine_2013.plan("NORAD")
    assert plan.order == () and plan.reason == "norad already holds"


def test_following_the_plan_for_the_goal_is_never_refused(engine_2013):
    for item in engine_2013.plan("goal").items:
        if item.action != "reached":  # the plan says what each step must be recorded with (A4: where, who)
            attributes = {c.attribute: c.allowed[0] for c in item.constraints if c.allowed}
            assert set(item.required) <= set(attributes), item
            engine_2013.assert_fact(item.id, attributes or None)
    assert engine_2013.conclusions().goal.state is State.DONE
