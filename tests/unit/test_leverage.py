"""perimeter.answers.leverage and .rounds: what moves the way to a target most, and how far it is."""

from __future__ import annotations

import pytest

from builders import REPO, compile_rules, need, need_any, need_at_least, rule_set, step
from perimeter import Distance, Engine, Workspace, distance, leverage, load_baseline, load_pathway


def _answers(engine, target):
    evaluation = engine.evaluation()
    target = engine.resolve(target)
    return (leverage(engine.pathway, engine.reading, evaluation, target),
            distance(engine.pathway, engine.reading, evaluation, target))


def _row(answer, *ids):
    return next(a for a in answer.actions if a.ids == ids)


def test_vetting_ranks_first_among_single_actions_toward_the_goal_in_2013(engine_2013):
    answer, _ = _answers(engine_2013, "goal")
    singles = [a.ids[0] for a in answer.actions if len(a.ids) == 1]
    assert singles[0] == "vetting"
    assert set(singles) == {"vetting", "A1", "A2", "B3"}, "every action that can be taken now"
    vetting = _row(answer, "vetting")
    assert vetting.kinds == ("condition",) and vetting.eligible == ("B1", "B2")
    assert {"B1", "B2", "C1", "C2", "C3", "goal"} <= set(vetting.reachable)
    assert {(link.step, link.requirement) for link in vetting.links} == {("B1", "vetting"), ("B2", "vetting"),
                                                                         ("C1", "vetting")}
    assert all(link.basis.value == "stated" and link.citation.quote for link in vetting.links)


def test_a1_with_a2_is_a_pair_since_neither_alone_makes_anything_eligible(engine_2013):
    answer, _ = _answers(engine_2013, "goal")
    pair = _row(answer, "A1", "A2")
    assert pair.eligible == ("A3",) and pair.size_saved == 2
    assert [(link.step, link.by) for link in pair.links] == [("A3", ("A1",)), ("A3", ("A2",))]
    for alone in ("A1", "A2"):
        row = _row(answer, alone)
        assert row.eligible == () and row.reachable == ()
    assert [a.ids for a in answer.actions if len(a.ids) > 1] == [("A1", "A2")], "no other set moves only together"


def test_the_ranking_is_by_rounds_then_reachable_then_eligible_then_items(engine_2013):
    answer, _ = _answers(engine_2013, "goal")
    keys = [(-a.rounds_saved, -len(a.reachable), -len(a.eligible), -a.size_saved, len(a.ids)) for a in answer.actions]
    assert keys == sorted(keys)
    assert answer.ranked_by[:4] == ("rounds_saved", "reachable", "eligible", "size_saved")


def test_the_goal_is_six_rounds_away_in_2013_and_the_rounds_partition_the_plan(engine_2013):
    _, far = _answers(engine_2013, "goal")
    assert far.count == 6 and far.size == 19
    assert sorted(i for r in far.rounds for i in r) == sorted(far.plan.order)
    assert far.rounds[0] == ("vetting", "A1", "A2", "B3")
    assert far.pace[-1] == "goal" and far.pace[0] in far.rounds[0]
    for earlier, link, later in zip(far.pace, far.links, far.pace[1:]):
        assert link.step == later and earlier in link.by and earlier in link.needs


def test_only_what_is_on_the_way_is_weighed(engine_2013):
    answer, far = _answers(engine_2013, "A7")
    assert {i for a in answer.actions for i in a.ids} == {"A1", "A2"}, "vetting moves nothing toward A7"
    assert far.count == 5 and far.rounds == (("A1", "A2"), ("A3",), ("A4", "A5"), ("A6",), ("A7",))
    pair = _row(answer, "A1", "A2")
    assert pair.rounds == 4 and pair.rounds_saved == 1


def test_every_figure_is_under_the_reading_in_force(paper, baseline, engines):
    least = engines(paper, baseline, reading="least")
    answer, far = _answers(least, "A7")
    assert far.plan.order == ("A1", "A2", "A3", "A4", "A7") and far.count == 4
    assert far.reading == "least" and answer.reading == "least"
    grouped = [link for link in far.links if link.step == "A7"]
    assert grouped and all(link.under == ("a7-needs=least",) for link in grouped), "a reading's link says so"


def test_a_target_that_holds_has_no_way_and_no_actions(engine_2013):
    answer, far = _answers(engine_2013, "norad")
    assert answer.actions == () and answer.rounds == 0
    assert far.rounds == () and far.count == 0 and far.pace == ()


def test_two_conditions_one_step_needs_are_listed_together_and_reach_it():
    document = rule_set(step("S1", "c1", "c2"), conditions=["c1", "c2"], goal=["S1"])
    with Engine(compile_rules(document), (), backend="reference") as engine:
        answer, far = _answers(engine, "goal")
        assert far.count == 2 and far.rounds == (("c1", "c2"), ("S1", "goal"))
        together = _row(answer, "c1", "c2")
        assert together.eligible == ("S1",) and together.rounds == 1
        assert _row(answer, "c1").eligible == () and _row(answer, "c1").reachable == ()


def test_three_actions_together_and_no_superset_of_a_moving_set():
    document = rule_set("S0", step("S1", "c1", "c2", "c3"), step("S2", "S0", "c1"), conditions=["c1", "c2", "c3"],
                        goal=["S1", "S2"])
    with Engine(compile_rules(document), (), backend="reference") as engine:
        answer, _ = _answers(engine, "goal")
        assert [a.ids for a in answer.actions if len(a.ids) > 1] == [], "c1 alone moves S2: no set with it is listed"
        assert _row(answer, "c1").reachable == ("S2",), "S2 needs S0, which steps alone can take"
        assert _row(answer, "S0").eligible == () and _row(answer, "c2").reachable == ()
    triple = rule_set(step("S1", "c1", "c2", "c3"), conditions=["c1", "c2", "c3"], goal=["S1"])
    with Engine(compile_rules(triple), (), backend="reference") as engine:
        answer, _ = _answers(engine, "goal")
        assert [a.ids for a in answer.actions if len(a.ids) > 1] == [("c1", "c2", "c3")]


def test_groups_count_their_members_and_the_pace_names_the_member_met_last():
    document = rule_set("T1", ("T2", ["T1"]), "T3",
                        step("S", need_at_least(2, "T1", "T2", "T3"), need_any("c1", "c2")),
                        conditions=["c1", "c2"], goal=["S"])
    with Engine(compile_rules(document), (), backend="reference") as engine:
        answer, far = _answers(engine, "goal")
        assert far.count == 2 and set(far.rounds[0]) == {"T1", "T3", "c1"}, far.rounds
        link = far.links[-2]
        assert link.step == "S" and link.kind in ("any-of", "at-least")
        assert _row(answer, "T1").eligible == ("T2",)
        assert _row(answer, "c1").reachable == ("S", "goal") and _row(answer, "c2").reachable == ("S", "goal")
        assert _row(answer, "c2").size_saved == 1, "the plan takes c2 in place of c1"
        assert [a.ids for a in answer.actions if len(a.ids) > 1] == [], "each set that moves S holds one that moves"


def test_a_goal_two_actions_make_hold_is_reached_by_them_together():
    document = rule_set("S1", "S2", goal=["S1", "S2"])
    with Engine(compile_rules(document), (), backend="reference") as engine:
        answer, far = _answers(engine, "goal")
        assert far.count == 1 and far.rounds == (("S1", "S2", "goal"),)
        together = _row(answer, "S1", "S2")
        assert together.reaches and together.rounds == 0 and together.rounds_saved == 1


def test_an_implied_link_says_it_is_a_reading():
    document = rule_set(("S1", []), step("S2", need("S1", "implied")), goal=["S2"])
    with Engine(compile_rules(document), (), backend="reference") as engine:
        answer, far = _answers(engine, "goal")
        assert [link.basis.value for link in far.links] == ["implied", "stated"]
        assert _row(answer, "S1").links[0].basis.value == "implied"


@pytest.mark.parametrize("example", ["wildfire", "approval"])
def test_the_example_rule_sets_answer_for_each_goal(example, tmp_path):
    folder = REPO / "rules" / "examples" / example
    workspace = Workspace(tmp_path / "state.yaml", folder / "rules.yaml", folder / "facts.yaml")
    answers = workspace.leverage()
    distances = workspace.distances()
    assert [a.target for a in answers] == [d.target for d in distances] == list(workspace.pathway.goals)
    for answer, far in zip(answers, distances):
        assert isinstance(far, Distance) and far.count >= 1 and answer.rounds == far.count
        assert answer.actions and all(a.ids for a in answer.actions)
        assert far.pace[-1] == far.target


def test_the_workspace_gives_the_same_answers_as_the_library(tmp_path, engine_2013):
    workspace = Workspace(tmp_path / "state.yaml")
    (answer,) = workspace.leverage(["goal"])
    (far,) = workspace.distances(["the goal"])
    expected, expected_far = _answers(engine_2013, "goal")
    assert answer == expected and far == expected_far


def test_wildfire_certification_opens_the_most(tmp_path):
    pathway = load_pathway(REPO / "rules" / "examples" / "wildfire" / "rules.yaml")
    baseline = load_baseline(pathway, [REPO / "rules" / "examples" / "wildfire" / "facts.yaml"])
    with Engine(pathway, baseline.facts, backend="reference") as engine:
        answer, _ = _answers(engine, pathway.goals[0])
        first = answer.actions[0]
        assert first.kinds == ("condition",) and first.reachable and first.ids[0] in pathway.conditions
