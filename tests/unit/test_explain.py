"""Why, why not and what if, on the paper's rules."""

from __future__ import annotations

import pytest

from perimeter import AmbiguousTargetError, FactChange, State, UnknownIdError


def _walk(reasons):
    for reason in reasons:
        yield reason
        yield from _walk(reason.needs)


def test_why_not_a7_names_a5_and_a6_missing_and_a1_a2_as_the_frontier(engine_2013):
    answer = engine_2013.explain("why can't Mexico join NORAD yet")
    assert answer.target == "A7" and answer.state == "blocked"
    assert answer.missing == ("A5", "A6")
    assert answer.frontier == ("A1", "A2")
    nodes = list(_walk(answer.tree))
    assert {n.id for n in nodes} == {"A1", "A2", "A3", "A4", "A5", "A6"}
    assert not [n for n in nodes if n.id.startswith(("B", "C"))], "no security-sector step"
    assert all(n.citation.quote and n.basis.value in ("stated", "implied") for n in nodes)


def test_shared_subtrees_appear_once(engine_2013):
    nodes = list(_walk(engine_2013.explain("A7").tree))
    a3 = [n for n in nodes if n.id == "A3"]
    assert len(a3) == 2, "A3 is needed by A5 and, through A4, by A6"
    expanded = [n for n in a3 if not n.shared]
    assert len(expanded) == 1 and {c.id for c in expanded[0].needs} == {"A1", "A2"}
    assert [n.needs for n in a3 if n.shared] == [()]


def test_the_leaves_of_a_why_not_tree_are_actionable(engine_2013):
    answer = engine_2013.explain("goal")
    leaves = [n for n in _walk(answer.tree) if not n.needs and not n.shared]
    assert leaves and all(n.actionable for n in leaves)
    assert set(answer.frontier) == {n.id for n in leaves}
    assert answer.frontier == ("vetting", "A1", "A2", "B3")


def test_the_edge_basis_is_the_parents_precondition(engine_2013):
    a4 = next(n for n in engine_2013.explain("A6").tree if n.id == "A4")
    assert a4.basis.value == "stated", "A6 needs A4, stated"
    assert a4.needs[0].id == "A3" and a4.needs[0].basis.value == "stated", "A4 needs A3, stated"
    a5 = next(n for n in engine_2013.explain("A7").tree if n.id == "A5")
    assert a5.basis.value == "implied", "A7 needs A5 under a reading"
    assert a5.needs[0].id == "A3" and a5.needs[0].basis.value == "implied", "A5 needs A3 by implication"


def test_tree_nodes_are_what_validation_makes(engine_2013):
    # The walk makes its nodes without validating them again (for speed): each must be what
    # validating its fields makes, down to the fields recorded as set and the order of its fields.
    from perimeter import Reason

    nodes = list(_walk(engine_2013.explain("goal").tree))
    assert any(n.shared for n in nodes) and any(not n.shared for n in nodes)
    for node in nodes:
        fields = {name: getattr(node, name) for name in node.model_fields_set}
        validated = Reason(**fields)
        assert node == validated and list(node.__dict__) == list(validated.__dict__)
        assert node.model_fields_set == validated.model_fields_set
        assert node.model_dump(mode="json") == validated.model_dump(mode="json")
    # Nodes may share what they record as set: a copy that sets another field must not change theirs.
    plain = [n for n in nodes if not n.shared]
    changed = plain[0].model_copy(update={"shared": True})
    assert changed.shared and "shared" in changed.model_fields_set
    assert not any("shared" in n.model_fields_set for n in plain)


def test_why_is_a4_eligible_shows_a3_and_its_source(engine_2013):
    for step in ("A1", "A2"):
        engine_2013.assert_fact(step)
    engine_2013.assert_fact("A3", source="news report, 2031")
    answer = engine_2013.explain("why is A4 eligible")
    assert answer.state == "eligible" and not answer.tree
    assert [s.id for s in answer.support] == ["A3"]
    assert answer.support[0].fact.source == "news report, 2031"
    assert "A3 holds" in answer.reasons[0] and "news report, 2031" in answer.reasons[0]


def test_why_for_a_step_without_preconditions(engine_2013):
    answer = engine_2013.explain("A1")
    assert answer.state == "eligible" and answer.support == () and "no preconditions" in answer.reasons[0]


def test_why_a_violated_step_names_what_it_breaks(engine_2013):
    for step in ("A1", "A2", "A3"):
        engine_2013.assert_fact(step)
    engine_2013.assert_fact("A4", {"location": "United States", "leader": "Mexican"}, force=True)
    engine_2013.retract_fact("A3")
    answer = engine_2013.explain("A4")
    assert answer.state == "violated"
    assert [v.id for v in answer.violations] == ["A3", "A4.location"]
    assert answer.missing == ("A3",)
    assert "United States" in answer.reasons[0]


def test_why_for_a_condition(engine_2013):
    absent = engine_2013.explain("vetting")
    assert absent.state == "absent" and absent.frontier == ("vetting",)
    assert "Needed by: B1, B2, C1." in absent.reasons
    holding = engine_2013.explain("NORAD")
    assert holding.target == "norad" and holding.state == "holds" and holding.fact.citation.quote


def test_what_if_vetting_shows_b1_and_b2_eligible_without_storing(engine_2013):
    facts, conclusions = engine_2013.facts, engine_2013.conclusions()
    change = engine_2013.what_if([FactChange("assert", "vetting")])
    assert change.moved_to("eligible") == ["B1", "B2"]
    assert ("vetting", "absent", "holds") in {(t.id, t.before, t.after) for t in change.transitions}
    assert engine_2013.facts == facts and engine_2013.conclusions() == conclusions


def test_what_if_a_retraction_and_an_out_of_order_step(engine_2013):
    change = engine_2013.what_if([FactChange("retract", "norad"), FactChange("assert", "A3")])
    assert ("A3", "blocked", "violated") in {(t.id, t.before, t.after) for t in change.transitions}
    assert ("norad", "holds", "absent") in {(t.id, t.before, t.after) for t in change.transitions}
    assert "norad" in {f.id for f in engine_2013.facts}


def test_retraction_reports_what_it_withdrew(engine_2013):
    engine_2013.assert_fact("vetting")
    assert engine_2013.retract_fact("vetting").summary() == (
        "vetting withdrawn: B1 and B2 are blocked again; C1 now also needs vetting")
    for step in ("A1", "A2", "A3"):
        engine_2013.assert_fact(step)
    summary = engine_2013.retract_fact("A1").summary()
    assert summary == "A1 withdrawn: A3 is now violated"


@pytest.mark.parametrize(("question", "target"), [
    ("A7", "A7"), ("a7", "A7"), ("goal", "goal"), ("vetting", "vetting"),
    ("Mexico join NORAD", "A7"), ("why can't Mexico join NORAD yet", "A7"), ("why cant mexico join norad yet?", "A7"),
    ("Mexico joins the law enforcement training center", "B5"),
    ("North American Security Perimeter", "goal"),
    ("Canada joins the HA/DR command", "A6"),
    ("United States and Mexico create a bi-national command", "A4"),
])
def test_questions_in_words_resolve_to_one_target(engine_2013, question, target):
    assert engine_2013.resolve(question) == target


def test_an_ambiguous_question_lists_the_candidates(engine_2013):
    with pytest.raises(AmbiguousTargetError) as ambiguous:
        engine_2013.resolve("training center")
    assert ambiguous.value.candidates == ["B3", "B5"]
    assert "B3" in ambiguous.value.message and "B5" in ambiguous.value.message


def test_a_question_matching_nothing_suggests_the_closest(engine_2013):
    with pytest.raises(UnknownIdError) as unknown:
        engine_2013.resolve("Mexico buys fighter jets from Brazil")
    assert not isinstance(unknown.value, AmbiguousTargetError)
    assert unknown.value.hint.startswith("closest: ") and "Mexico" in unknown.value.hint
    with pytest.raises(UnknownIdError, match="names no step"):
        engine_2013.resolve("why can't it yet?")


def test_explain_resolves_words_and_keeps_the_resolved_id(engine_2013):
    assert engine_2013.explain("Mexico joins the law enforcement training center").target == "B5"
    assert engine_2013.status("B5").state is State.BLOCKED
