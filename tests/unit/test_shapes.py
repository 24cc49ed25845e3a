"""Precondition shapes (issue 15, item 1): `any_of`, `at_least`/`of`, and `to_start`, on small rule sets.

GROUPS (built with tests/builders.py):

    A1                         no preconditions
    A3       needs A1
    A5                         no preconditions
    A7       needs one of A3, A5
    T1 T2 T3                   no preconditions (three trials)
    approve  needs 2 of T1, T2, T3
    goal     derived: holds while one of A7, approve does

ENTRY, where some preconditions are needed only to take a step (`to_start`):

    no_hold, licence, waiver   conditions
    ind      needs no_hold to start
    trial    needs ind
    ship     needs one of licence, waiver to start, and trial (to stay)

Every test that evaluates runs on the durable-rules backend and the reference
evaluator (the `make` fixture).  That the two agree on random rule sets with
these shapes is tests/property/test_differential.py.
"""

from __future__ import annotations

import re

import pytest

from perimeter import CompileError, Fact, FactChange, RefusedError, State
from perimeter.cli import graph
from perimeter.present.words import need_name

from builders import compile_rules, constraint, need, need_any, need_at_least, rule_set, step

GROUPS = compile_rules(rule_set(
    step("A1", sequence=1),
    step("A3", "A1", sequence=3),
    step("A5", sequence=5),
    step("A7", need_any("A3", "A5"), sequence=7),
    step("T1", sequence=1, sector="security"),
    step("T2", sequence=2, sector="security"),
    step("T3", sequence=3, sector="security"),
    step("approve", need_at_least(2, "T1", "T2", "T3"), sequence=4, sector="security"),
    goal=[need_any("A7", "approve")], pathway="groups"))

ENTRY = compile_rules(rule_set(
    step("ind", need("no_hold", to_start=True), sequence=1),
    step("trial", "ind", sequence=2),
    step("ship", need_any("licence", "waiver", to_start=True), "trial", sequence=3),
    conditions=["no_hold", "licence", "waiver"], pathway="entry"))

PLANS = compile_rules(rule_set(
    # Z needs Y (which needs Q) and one of P, Q: Q, already planned, is chosen over P
    step("P", sequence=1), step("Q", sequence=2), step("Y", "Q", sequence=3),
    step("Z", "Y", need_any("P", "Q"), sequence=4),
    # W needs one of far (two more steps first) and near: near, the fewer new items
    step("F1", sequence=1, sector="security"), step("F2", sequence=2, sector="security"),
    step("far", "F1", "F2", sequence=3, sector="security"), step("near", sequence=4, sector="security"),
    step("W", need_any("far", "near"), sequence=5, sector="security"),
    # V needs one of Q2, P2 (no preconditions either): P2, first in sequence order
    step("Q2", sequence=7, sector="cross-sector"), step("P2", sequence=6, sector="cross-sector"),
    step("V", need_any("Q2", "P2"), sequence=8, sector="cross-sector"),
    # K needs 2 of K1, K2, K3
    step("K1", sequence=1), step("K2", sequence=2), step("K3", sequence=3),
    step("K", need_at_least(2, "K3", "K2", "K1"), sequence=4),
    pathway="plans"))


@pytest.fixture(params=["durable", "reference"])
def make(request, engines):
    """Engines of one backend on a pathway, from facts given by id, closed after the test."""
    def engine(pathway, *facts: str):
        return engines(pathway, tuple(Fact(id=f) for f in facts), backend=request.param)

    return engine


def _walk(reasons):
    for reason in reasons:
        yield reason
        yield from _walk(reason.needs)


# -- compiling ------------------------------------------------------------------------------


def test_a_group_compiles_to_one_requirement_with_an_id_of_its_own():
    rules = GROUPS.steps["approve"].preconditions + GROUPS.steps["A7"].preconditions + ENTRY.steps["ship"].preconditions
    assert [(r.id, r.kind.value, r.needs, r.at_least, r.grouped, r.to_start) for r in rules] == [
        ("2 of T1|T2|T3", "at-least", ("T1", "T2", "T3"), 2, True, False),
        ("A3|A5", "any-of", ("A3", "A5"), 1, True, False),
        ("licence|waiver", "any-of", ("licence", "waiver"), 1, True, True),
        ("trial", "step", ("trial",), 1, False, False)]
    (ind,) = ENTRY.steps["ind"].preconditions
    assert (ind.id, ind.need, ind.kind.value, ind.to_start) == ("no_hold", "no_hold", "condition", True)


def test_members_are_resolved_without_case_to_the_ids_they_name():
    pathway = compile_rules(rule_set("S1", "S2", step("S3", need_any("s1", "S2"), sequence=3)))
    (requirement,) = pathway.steps["S3"].preconditions
    assert (requirement.id, requirement.needs) == ("S1|S2", ("S1", "S2"))


@pytest.mark.parametrize(("needs", "code", "message"), [
    ((need_any("S1", "s1"),), "bad-precondition", "S3: `any_of` names 's1' twice"),
    ((need("S1"), need_any("S1")), "duplicate-precondition", "S3 lists [S1] twice"),
    ((need_any("S1", "S2"), need_at_least(1, "S2", "S1")), "duplicate-precondition", "S3 lists [S2, S1] twice"),
    ((need_at_least(3, "S1", "S2"),), "bad-precondition", "S3: at_least 3 of 2"),
    ((need_any("S1", "S9"),), "unknown-reference", "S3 requires 'S9', which is no step or condition"),
])
def test_a_bad_group_is_one_compile_error(needs, code, message):
    with pytest.raises(CompileError) as caught:
        compile_rules(rule_set("S1", "S2", step("S3", *needs, sequence=3)))
    assert [(d.code, d.message) for d in caught.value.diagnostics] == [(code, message)]


def test_a_cycle_through_a_groups_member_is_reported():
    with pytest.raises(CompileError) as caught:
        compile_rules(rule_set(step("S1", need_any("S2", "S3")), "S2", step("S3", need_at_least(1, "S2", "S1"))))
    assert [d.code for d in caught.value.diagnostics] == ["cycle"]
    # neither member runs against the sequence (both number 1): the loop starts at the one written last
    assert caught.value.diagnostics[0].message.startswith("precondition cycle: S3 -> S1 -> S3 (")


# -- alternatives and k of n: states and blockers -----------------------------------


def test_an_alternative_is_blocked_by_the_group_until_either_member_holds(make):
    engine = make(GROUPS)
    (blocker,) = engine.status("A7").blockers
    assert (blocker.id, blocker.kind, blocker.needs, blocker.at_least) == ("A3|A5", "any-of", ("A3", "A5"), 1)
    assert blocker.title == "Step A3 / Step A5"
    assert engine.evaluation().unmet["A7"] == frozenset({"A3|A5"})

    assert engine.assert_fact("A5").moved_to("eligible") == ["A7"]
    assert engine.status("A7").blockers == ()
    engine.retract_fact("A5")
    assert engine.status("A7").state is State.BLOCKED
    engine.apply([FactChange("assert", "A1"), FactChange("assert", "A3")])
    assert engine.status("A7").state is State.ELIGIBLE
    assert "A7" not in engine.evaluation().unmet


def test_k_of_n_needs_k_members_whichever_they_are(make):
    engine = make(GROUPS, "T2")
    (blocker,) = engine.status("approve").blockers
    assert (blocker.id, blocker.kind, blocker.needs, blocker.at_least) == (
        "2 of T1|T2|T3", "at-least", ("T1", "T2", "T3"), 2)
    assert engine.evaluation().unmet["approve"] == frozenset({"2 of T1|T2|T3"})
    assert engine.assert_fact("T3").moved_to("eligible") == ["approve"]
    engine.retract_fact("T2")
    assert engine.status("approve").state is State.BLOCKED
    engine.assert_fact("T1")
    assert engine.status("approve").state is State.ELIGIBLE


def test_a_step_lacking_a_group_is_refused_with_the_group_named(make):
    engine = make(GROUPS, "T1")
    with pytest.raises(RefusedError) as refused:
        engine.assert_fact("approve")
    assert [b.id for b in refused.value.blockers] == ["2 of T1|T2|T3"]
    assert 'approve needs 2 of T1, T2, T3 first (stated: "' in str(refused.value)
    assert refused.value.hint == "record 2 of T1, T2, T3, or force it to record approve anyway as a violation"
    with pytest.raises(RefusedError) as refused:
        engine.assert_fact("A7")
    assert 'A7 needs one of A3, A5 first (stated: "' in str(refused.value)
    assert {f.id for f in engine.facts} == {"T1"}


def test_retracting_a_member_violates_a_done_step_until_another_member_counts(make):
    engine = make(GROUPS, "T1", "T2", "approve")
    assert engine.status("approve").state is State.DONE
    change = engine.retract_fact("T2")
    assert ("approve", "done", "violated") in {(t.id, t.before, t.after) for t in change.transitions}
    (blocker,) = engine.status("approve").blockers
    assert blocker.id == "2 of T1|T2|T3"
    assert "approve" in engine.assert_fact("T3").moved_to("done")
    engine.retract_fact("T1")
    engine.assert_fact("T2")
    assert engine.status("approve").state is State.DONE, "any two members, not the two it was taken with"


def test_the_goal_is_reached_through_either_alternative(make):
    engine = make(GROUPS)
    goal = engine.conclusions().goal
    assert goal.state is State.BLOCKED and [b.id for b in goal.blockers] == ["A7|approve"]
    engine.apply([FactChange("assert", "T1"), FactChange("assert", "T3"), FactChange("assert", "approve")])
    assert engine.conclusions().goal.state is State.DONE
    engine.retract_fact("approve")
    assert engine.conclusions().goal.state is State.BLOCKED
    engine.apply([FactChange("assert", "A5"), FactChange("assert", "A7")])
    assert engine.conclusions().goal.state is State.DONE


# -- why and why not ------------------------------------------------------------------


def test_a_group_node_lists_the_members_that_do_not_hold(make):
    engine = make(GROUPS, "T2")
    answer = engine.explain("approve")
    assert answer.state == "blocked" and answer.missing == ("2 of T1|T2|T3",)
    (group,) = answer.tree
    assert (group.id, group.kind, group.state, group.actionable) == ("2 of T1|T2|T3", "at-least", "unmet", False)
    assert [(n.id, n.state, n.actionable) for n in group.needs] == [("T1", "eligible", True), ("T3", "eligible", True)]
    assert answer.frontier == ("T1", "T3")
    assert "approve (Step approve) is blocked: it needs 2 of T1, T2, T3 (stated)." == answer.reasons[0]


def test_a_members_own_preconditions_are_explained_below_it(make):
    answer = make(GROUPS).explain("why not A7")
    (group,) = answer.tree
    assert group.id == "A3|A5" and [n.id for n in group.needs] == ["A3", "A5"]
    a3, a5 = group.needs
    assert (a3.state, a3.actionable, [n.id for n in a3.needs]) == ("blocked", False, ["A1"])
    assert (a5.state, a5.actionable, a5.needs) == ("eligible", True, ())
    assert answer.frontier == ("A1", "A5")
    assert {n.id for n in _walk(answer.tree) if not n.needs} == set(answer.frontier)


def test_the_support_of_a_group_names_the_members_that_hold(make):
    engine = make(GROUPS, "T1", "T3")
    answer = engine.explain("approve")
    assert answer.state == "eligible"
    (support,) = answer.support
    assert (support.id, support.kind, support.holding, support.fact, support.to_start) == (
        "2 of T1|T2|T3", "at-least", ("T1", "T3"), None, False)
    engine.assert_fact("T2")
    assert engine.explain("approve").support[0].holding == ("T1", "T2", "T3")


def test_why_words_a_groups_support_as_people_read_it(make):
    """It was worded with the group's raw id, "2 of T1|T2|T3 holds"."""
    reasons = make(GROUPS, "T1", "T3").explain("approve").reasons
    assert "|" not in reasons[0] and "2 of T1, T2, T3" in reasons[0], reasons


def test_a_change_words_a_group_a_step_now_also_needs_as_people_read_it(make):
    pathway = compile_rules(rule_set("A", "B", "C", step("X", need_any("A", "B"), "C", sequence=4)))
    change = make(pathway, "A").retract_fact("A")
    assert change.also_needs == (("X", ("A|B",)),)
    assert change.summary() == "A withdrawn: X now also needs one of A, B", change.summary()


def test_need_name_words_plain_and_grouped_needs():
    assert need_name("A3", "step") == "A3"
    assert need_name("A3|A5", "any-of") == "one of A3, A5"
    assert need_name("2 of T1|T2|T3", "at-least") == "2 of T1, T2, T3"


# -- needed to start, not to stay ------------------------------------------------------


def test_taking_a_step_needs_its_to_start_preconditions(make):
    engine = make(ENTRY)
    (blocker,) = engine.status("ind").blockers
    assert (blocker.id, blocker.kind, blocker.to_start) == ("no_hold", "condition", True)
    with pytest.raises(RefusedError) as refused:
        engine.assert_fact("ind")
    assert [(b.id, b.to_start) for b in refused.value.blockers] == [("no_hold", True)]
    engine.assert_fact("no_hold")
    assert engine.status("ind").state is State.ELIGIBLE
    assert engine.assert_fact("ind").moved_to("done") == ["ind"]


def test_withdrawing_a_to_start_precondition_leaves_the_step_done(make):
    engine = make(ENTRY, "no_hold")
    engine.assert_fact("ind")
    change = engine.retract_fact("no_hold")
    assert [(t.id, t.after) for t in change.transitions] == [("no_hold", "absent")], "ind does not move"
    status = engine.status("ind")
    assert (status.state, status.blockers) == (State.DONE, ())
    assert engine.status("trial").state is State.ELIGIBLE
    answer = engine.explain("ind")
    assert answer.state == "done"
    (support,) = answer.support
    assert (support.id, support.to_start, support.fact) == ("no_hold", True, None)


def test_a_to_start_group_is_needed_to_take_the_step_and_not_to_keep_it(make):
    engine = make(ENTRY, "no_hold", "ind", "trial")
    (blocker,) = engine.status("ship").blockers
    assert (blocker.id, blocker.kind, blocker.to_start) == ("licence|waiver", "any-of", True)
    with pytest.raises(RefusedError):
        engine.assert_fact("ship")
    engine.assert_fact("waiver")
    engine.assert_fact("ship")
    engine.retract_fact("waiver")
    assert engine.status("ship").state is State.DONE
    (support,) = [s for s in engine.explain("ship").support if s.to_start]
    assert (support.id, support.holding) == ("licence|waiver", ())
    engine.retract_fact("trial")
    status = engine.status("ship")
    assert status.state is State.VIOLATED and [b.id for b in status.blockers] == ["trial"], \
        "a lasting precondition still counts"


def test_a_step_forced_without_its_to_start_precondition_is_violated(make):
    engine = make(ENTRY)
    engine.assert_fact("ind", force=True)
    status = engine.status("ind")
    assert status.state is State.VIOLATED and [b.id for b in status.blockers] == ["no_hold"]
    assert status.blockers[0].to_start and status.fact is not None and status.fact.started_without == ("no_hold",)
    (reason,) = engine.explain("ind").reasons
    assert "no_hold did not hold when it was taken" in reason and "was met" not in reason, reason


def test_establishing_later_what_a_step_was_started_without_does_not_mend_it(make):
    """It was taken without it: that stays so.  Retracting the step and taking it again mends it."""
    engine = make(ENTRY)
    engine.assert_fact("ind", force=True)
    engine.assert_fact("no_hold")
    assert engine.status("ind").state is State.VIOLATED
    engine.retract_fact("ind")
    engine.assert_fact("ind")
    assert engine.status("ind").state is State.DONE


def test_new_attributes_for_a_step_started_without_keep_the_breach(make):
    pathway = compile_rules(rule_set(step("ind", need("no_hold", to_start=True),
                                          constraints=[constraint("place", "here", "there")]),
                                     conditions=["no_hold"], pathway="update"))
    engine = make(pathway)
    engine.assert_fact("ind", {"place": "here"}, force=True)
    engine.assert_fact("no_hold")
    engine.assert_fact("ind", {"place": "there"})
    status = engine.status("ind")
    assert status.state is State.VIOLATED and status.fact is not None and status.fact.attributes == {"place": "there"}


def test_why_does_not_claim_a_withdrawn_to_start_precondition_holds(make):
    """It said "no_hold holds"; the issue asks that it say it was met when the step was taken."""
    engine = make(ENTRY, "no_hold")
    engine.assert_fact("ind")
    assert engine.explain("ind").support[0].met
    engine.retract_fact("no_hold")
    answer = engine.explain("ind")
    assert not answer.support[0].met
    (reason,) = answer.reasons
    assert "no_hold" in reason and "no_hold holds" not in reason and "when it was taken" in reason, reason


def test_updating_a_done_steps_attributes_does_not_need_its_to_start_preconditions_again(make):
    pathway = compile_rules(rule_set(step("ind", need("no_hold", to_start=True),
                                          constraints=[constraint("place", "here", "there")]),
                                     conditions=["no_hold"], pathway="update"))
    engine = make(pathway, "no_hold")
    engine.assert_fact("ind", {"place": "here"})
    engine.retract_fact("no_hold")
    assert engine.assert_fact("ind", {"place": "there"}).updated == (("ind", ("attributes",)),)
    assert engine.status("ind").state is State.DONE


def test_a_plan_establishes_what_a_step_needs_to_start(make):
    plan = make(ENTRY).plan("ship")
    assert plan.order == ("no_hold", "licence", "ind", "trial", "ship")
    assert [i.action for i in plan.items] == ["establish", "establish", "take", "take", "take"]


# -- plans choose among alternatives ---------------------------------------------------


def test_a_plan_prefers_a_member_already_planned(make):
    assert make(PLANS).plan("Z").order == ("Q", "Y", "Z"), "P, first in sequence, would be one item more"


def test_a_plan_prefers_the_member_needing_the_fewest_new_items(make):
    assert make(PLANS).plan("W").order == ("near", "W")
    assert make(PLANS, "F1", "F2").plan("W").order == ("far", "W"), "far needs nothing more, and comes first"


def test_a_plan_breaks_ties_by_sequence_not_by_the_order_written(make):
    assert make(PLANS).plan("V").order == ("P2", "V")


def test_a_plan_for_k_of_n_counts_the_members_that_hold(make):
    assert make(PLANS).plan("K").order == ("K1", "K2", "K")
    assert make(PLANS, "K2").plan("K").order == ("K1", "K")
    assert make(PLANS, "K3", "K1").plan("K").order == ("K",)


def test_a_plan_prefers_what_is_already_done(make):
    assert make(PLANS, "Q").plan("Z").order == ("Y", "Z")
    assert make(PLANS, "far").plan("W").order == ("W",)


def test_plans_through_alternatives_are_deterministic_on_both_backends(engines):
    for pathway, target in ((PLANS, "Z"), (PLANS, "W"), (PLANS, "K"), (GROUPS, "goal"), (ENTRY, "ship")):
        plans = [engines(pathway, backend=b).plan(target) for b in ("durable", "reference", "durable")]
        assert plans[0] == plans[1] == plans[2], target


def test_regression_a_plan_counts_the_fewest_new_items_through_nested_alternatives(make):
    assert make(GROUPS).plan("goal").order == ("A5", "A7", "goal")


def test_following_a_plan_through_alternatives_reaches_the_goal(make):
    engine = make(GROUPS)
    plan = engine.plan("goal")
    assert plan.order[-1] == "goal" and {"A7", "approve"} & set(plan.order), plan.order
    for item in plan.items:
        if item.action != "reached":
            engine.assert_fact(item.id)
    assert engine.conclusions().goal.state is State.DONE


# -- the graph draws a group as a junction -----------------------------------------------


def _mermaid_names(text):
    """Label -> node name, for steps ("A3: ...") and junctions (("any of"))."""
    names = {m.group(2): m.group(1) for m in re.finditer(r'^\s*(n\d+)\["(\w+): ', text, re.MULTILINE)}
    names.update({m.group(1): m.group(1) for m in re.finditer(r'^\s*(n\d+)\(\(', text, re.MULTILINE)})
    return names


def test_mermaid_draws_each_group_as_a_junction_its_members_lead_into(engines):
    engine = engines(GROUPS, (Fact(id="A5"),))
    text = graph.mermaid(GROUPS, engine.conclusions())
    names = _mermaid_names(text)
    junctions = dict(re.findall(r'^\s*(n\d+)\(\("([^"]*)"\)\):::\w+$', text, re.MULTILINE))
    any_of = next(n for n, label in junctions.items() if label == "any of")
    two_of = next(n for n, label in junctions.items() if label == "2 of 3")
    assert re.search(rf'^\s*{any_of}\(\("any of"\)\):::holds$', text, re.MULTILINE), "A5 holds: the junction is met"
    assert re.search(rf'^\s*{two_of}\(\("2 of 3"\)\):::absent$', text, re.MULTILINE)
    edges = set(re.findall(r"^\s*(n\d+) -->\s(n\d+)$", text, re.MULTILINE))
    assert {(names["A3"], any_of), (names["A5"], any_of), (any_of, names["A7"])} <= edges
    assert {(names[t], two_of) for t in ("T1", "T2", "T3")} | {(two_of, names["approve"])} <= edges
    assert (names["A3"], names["A7"]) not in edges, "members lead into the junction, not into the step"


def test_dot_draws_each_group_as_a_junction_its_members_lead_into(engines):
    engine = engines(GROUPS)
    text = graph.dot(GROUPS, engine.conclusions())
    names = {m.group(2): m.group(1) for m in re.finditer(r'^\s*(n\d+) \[label="(\w+): ', text, re.MULTILINE)}
    junction = re.search(r'^\s*(n\d+) \[label="any of", shape=circle', text, re.MULTILINE).group(1)
    assert re.search(r'^\s*n\d+ \[label="2 of 3", shape=circle', text, re.MULTILINE)
    edges = set(re.findall(r"^\s*(n\d+) -> (n\d+);$", text, re.MULTILINE))
    assert {(names["A3"], junction), (names["A5"], junction), (junction, names["A7"])} <= edges


# -- the issue's reproduction: A7's least demanding reading ----------------------------------

PAPER_A7 = compile_rules(rule_set(
    step("A3", title="Mexico creates a Joint Force HA/DR Command", actors=["Mexico"], sequence=3),
    step("A4", title="The US and Mexico create a bi-national HA/DR command", actors=["Mexico", "US"], sequence=4),
    step("A5", title="Mexico creates a Joint Force Command", actors=["Mexico"], sequence=5),
    step("A6", title="Mexico takes part in international HA/DR operations", actors=["Mexico"], sequence=6),
    step("A7", need_any("A3", "A5"), need_any("A4", "A6"), title="Mexico joins NORAD", actors=["Mexico"],
         sequence=7),
    pathway="a7-least-demanding"))
"""Issue 15: "a joint structure (A3 or A5) and international HA/DR experience (A4 or A6)"."""


@pytest.mark.parametrize("facts", [("A3", "A4"), ("A5", "A6"), ("A3", "A6"), ("A5", "A4")])
def test_issue_15_a7_is_eligible_with_a_joint_structure_and_ha_dr_experience(make, facts):
    assert make(PAPER_A7, *facts).status("A7").state is State.ELIGIBLE


def test_issue_15_a7_with_only_a3_is_blocked_by_one_of_a4_a6(make):
    engine = make(PAPER_A7, "A3")
    status = engine.status("A7")
    assert status.state is State.BLOCKED
    assert [(b.id, b.kind, b.needs) for b in status.blockers] == [("A4|A6", "any-of", ("A4", "A6"))]
    answer = engine.explain("A7")
    assert answer.reasons[0] == "A7 (Mexico joins NORAD) is blocked: it needs one of A4, A6 (stated)."
    assert answer.frontier == ("A4", "A6")
