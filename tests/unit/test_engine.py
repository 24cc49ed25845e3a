"""The engine facade: assertions, refusals, retraction and engines side by side."""

from __future__ import annotations

import gc

import pytest

from perimeter import (
    Engine,
    EvaluationError,
    FactChange,
    RefusedError,
    State,
    UnknownIdError,
)

ORDER = ["A1", "A2", "A3", "A4", "A5", "A6", "A7", "vetting", "B1", "B2", "B3", "B4", "B5", "B6",
         "B7", "B8", "C1", "C2", "C3"]
A4_AS_PRESCRIBED = {"location": "Mexico", "leader": "Mexican"}
"""A4 must say where and who (issue 17): in Mexico, under a Mexican leader."""


def take(engine, id_: str) -> None:
    engine.assert_fact(id_, A4_AS_PRESCRIBED if id_ == "A4" else None)


@pytest.fixture(params=["durable", "reference"])
def engine(request, engines, paper, baseline):
    """Both evaluators must behave the same through the facade."""
    return engines(paper, baseline, backend=request.param)


def test_assert_in_order_makes_the_next_step_eligible(engine):
    engine.assert_fact("A1")
    assert engine.status("A3").state is State.BLOCKED
    change = engine.assert_fact("A2")
    assert change.moved_to("eligible") == ["A3"]
    engine.assert_fact("A3")
    assert engine.status("A4").state is State.ELIGIBLE
    assert engine.status("A3").state is State.DONE


def test_a_blocked_step_is_refused_with_its_blockers_and_nothing_changes(engine):
    before = engine.facts
    with pytest.raises(RefusedError) as refused:
        engine.assert_fact("A3")
    assert [b.id for b in refused.value.blockers] == ["A1", "A2"]
    assert "A1" in refused.value.message and "A2" in refused.value.message
    assert engine.facts == before
    assert engine.status("A3").state is State.BLOCKED


def test_forcing_a_blocked_step_records_it_as_violated(engine):
    engine.assert_fact("A3", force=True)
    status = engine.status("A3")
    assert status.state is State.VIOLATED
    assert [b.id for b in status.blockers] == ["A1", "A2"]
    engine.assert_fact("A1")
    engine.assert_fact("A2")
    assert engine.status("A3").state is State.DONE


@pytest.mark.parametrize(("attributes", "broken"), [
    ({"location": "United States", "leader": "Mexican"}, ["A4.location"]),
    ({"location": "Mexico", "leader": "Canadian"}, ["A4.leader"]),
    ({"location": "Canada", "leader": "American"}, ["A4.location", "A4.leader"]),
])
def test_a4_done_against_its_constraints_is_refused_or_violated(engine, attributes, broken):
    for step in ("A1", "A2", "A3"):
        engine.assert_fact(step)
    with pytest.raises(RefusedError) as refused:
        engine.assert_fact("A4", attributes)
    assert [b.id for b in refused.value.blockers] == broken
    assert "A4" not in {f.id for f in engine.facts}
    engine.assert_fact("A4", attributes, force=True)
    status = engine.status("A4")
    assert status.state is State.VIOLATED
    assert [b.id for b in status.blockers] == broken
    assert all(b.kind == "constraint" and b.citation.quote for b in status.blockers)


@pytest.mark.parametrize("attributes", [A4_AS_PRESCRIBED, {"location": "MEXICO", "leader": "mexican"},
                                        {"Location": " México ", "Leader": "Mexico"}])
def test_a4_in_mexico_under_a_mexican_is_done(engine, attributes):
    for step in ("A1", "A2", "A3"):
        engine.assert_fact(step)
    engine.assert_fact("A4", attributes)
    assert engine.status("A4").state is State.DONE


@pytest.mark.parametrize(("attributes", "missing"), [({}, ["A4.location", "A4.leader"]),
                                                     ({"location": "Mexico"}, ["A4.leader"])])
def test_a4_without_where_or_who_is_refused_naming_what_the_paper_asks(engine, attributes, missing):
    """Issue 17: `assert A4` without attributes was recorded silently; the paper puts it in Mexico
    under a Mexican leader, so a record of A4 must say where and who."""
    for step in ("A1", "A2", "A3"):
        engine.assert_fact(step)
    with pytest.raises(RefusedError) as refused:
        engine.assert_fact("A4", attributes)
    assert [b.id for b in refused.value.blockers] == missing
    assert all(b.kind == "attribute" and "Mexic" in b.citation.quote for b in refused.value.blockers)
    assert "A4" not in {f.id for f in engine.facts}


def test_reasserting_with_other_attributes_replaces_the_fact(engine):
    for step in ("A1", "A2", "A3"):
        engine.assert_fact(step)
    engine.assert_fact("A4", A4_AS_PRESCRIBED)
    engine.assert_fact("A4", {"location": "Texas", "leader": "Mexican"}, force=True)
    assert engine.status("A4").state is State.VIOLATED
    engine.assert_fact("A4", A4_AS_PRESCRIBED)
    assert engine.status("A4").state is State.DONE
    assert [f.attributes for f in engine.facts if f.id == "A4"] == [A4_AS_PRESCRIBED]


def test_retracting_a_condition_withdraws_what_depended_on_it(engine):
    engine.assert_fact("vetting")
    assert engine.status("B1").state is State.ELIGIBLE
    change = engine.retract_fact("vetting")
    assert change.moved_to("blocked") == ["B1", "B2"]
    assert {(t.id, t.before, t.after) for t in change.transitions} == {
        ("B1", "eligible", "blocked"), ("B2", "eligible", "blocked"), ("vetting", "holds", "absent")}


def test_a_done_step_whose_precondition_is_retracted_shows_violated(engine):
    for step in ("A1", "A2", "A3"):
        engine.assert_fact(step)
    change = engine.retract_fact("A1")
    assert engine.status("A3").state is State.VIOLATED
    assert [b.id for b in engine.status("A3").blockers] == ["A1"]
    assert ("A3", "done", "violated") in {(t.id, t.before, t.after) for t in change.transitions}
    assert engine.status("A4").state is State.ELIGIBLE, "A3 is still recorded as done"


def test_retracting_a_baseline_fact_blocks_the_steps_built_on_it(engine):
    engine.assert_fact("vetting")
    engine.retract_fact("ibet_canada_us")
    assert [b.id for b in engine.status("B1").blockers] == ["ibet_canada_us"]
    assert engine.status("B2").state is State.ELIGIBLE


def test_the_goal_is_derived_and_withdrawn_with_its_support(engine):
    for id_ in ORDER:
        take(engine, id_)
    conclusions = engine.conclusions()
    assert conclusions.goal.state is State.DONE
    assert not conclusions.by_state(State.BLOCKED) and not conclusions.by_state(State.VIOLATED)
    change = engine.retract_fact("C3")
    assert engine.conclusions().goal.state is State.BLOCKED
    assert ("goal", "done", "blocked") in {(t.id, t.before, t.after) for t in change.transitions}
    engine.assert_fact("C3")
    assert engine.conclusions().goal.state is State.DONE
    change = engine.retract_fact("A1")
    assert engine.status("A3").state is State.VIOLATED
    # Issue 15: C3 is still recorded, but the goal stands on A3, now violated: reached, not as the rules allow.
    goal = engine.conclusions().goal
    assert goal.state is State.VIOLATED and [(b.id, b.kind) for b in goal.blockers] == [("A3", "violated-step")]
    assert engine.status("goal") == goal
    assert ("goal", "done", "violated") in {(t.id, t.before, t.after) for t in change.transitions}
    change = engine.assert_fact("A1")
    assert engine.conclusions().goal.state is State.DONE
    assert ("goal", "violated", "done") in {(t.id, t.before, t.after) for t in change.transitions}


def test_regression_a_goal_reached_through_a_forced_step_was_done(engine):
    """Issue 15: `assert C3 --force` (C3 blocked) said "goal recorded", the goal showed done and `why goal`
    said "C3 holds".  A goal reached through a violated step is violated, and says which."""
    change = engine.assert_fact("C3", force=True)
    assert change.summary() == "C3 recorded but violated, goal reached but violated: nothing else moved"
    goal = engine.conclusions().goal
    assert goal.state is State.VIOLATED and [(b.id, b.kind) for b in goal.blockers] == [("C3", "violated-step")]
    assert goal.blockers[0].detail == "A7, B8, C2", "what C3 breaks"
    answer = engine.explain("goal")
    assert answer.state == "violated" and [b.id for b in answer.violations] == ["C3"] and answer.missing == ()
    assert answer.reasons == ("goal (North American Security Perimeter) is reached, but not as the rules allow: "
                              "it stands on C3, which is violated (it breaks A7, B8, C2).",)
    assert engine.retract_fact("C3").summary() == "C3 withdrawn, goal no longer reached: nothing else moved"
    assert engine.status("goal").state is State.BLOCKED


def test_the_goal_cannot_be_asserted(engine):
    with pytest.raises(UnknownIdError, match="derived"):
        engine.assert_fact("goal")


def test_unknown_ids_are_refused_with_a_suggestion(engine):
    with pytest.raises(UnknownIdError) as unknown:
        engine.assert_fact("A9")
    assert "A9" in unknown.value.message and "did you mean" in unknown.value.hint
    with pytest.raises(UnknownIdError):
        engine.status("vettting")


def test_ids_are_matched_without_case(engine):
    engine.assert_fact("a1")
    engine.assert_fact("Vetting")
    assert engine.status("a1").id == "A1" and engine.status("A1").state is State.DONE
    assert engine.condition("VETTING").holds


def test_retracting_what_is_not_recorded_is_refused(engine):
    with pytest.raises(RefusedError, match="not recorded"):
        engine.retract_fact("A1")


def test_a_batch_is_all_or_nothing(engine):
    before = engine.facts
    with pytest.raises(RefusedError):
        engine.apply([FactChange("assert", "A1"), FactChange("assert", "A2"), FactChange("assert", "A4")])
    assert engine.facts == before
    assert engine.conclusions().by_state(State.ELIGIBLE) == ["A1", "A2", "B3"]
    change = engine.apply([FactChange("assert", "A1"), FactChange("assert", "A2"), FactChange("assert", "A3")])
    assert change.moved_to("done") == ["A1", "A2", "A3"]


def test_engines_live_side_by_side(engines, paper, baseline):
    first, second = engines(paper, baseline), engines(paper, baseline)
    first.assert_fact("A1")
    first.assert_fact("A2")
    second.assert_fact("vetting")
    assert first.status("A3").state is State.ELIGIBLE and second.status("A3").state is State.BLOCKED
    assert second.status("B1").state is State.ELIGIBLE and first.status("B1").state is State.BLOCKED
    first.close()
    assert second.status("B1").state is State.ELIGIBLE, "closing one engine leaves the other intact"


def test_a_closed_engine_refuses_work(engines, paper):
    engine = engines(paper)
    engine.close()
    with pytest.raises(EvaluationError, match="closed"):
        engine.assert_fact("A1")


def test_many_engines_outlive_one_rulesets_session_limit(paper, baseline):
    # durable allows 1024 live sessions per ruleset; engines are freed on
    # close or collection, and a fresh ruleset serves when one is full.
    kept = [Engine(paper, baseline) for _ in range(3)]
    for _ in range(1100):
        with Engine(paper, baseline) as engine:
            engine.assert_fact("A1")
    alive = [Engine(paper, baseline) for _ in range(1030)]
    alive[-1].assert_fact("A1")
    alive[-1].assert_fact("A2")
    assert alive[-1].status("A3").state is State.ELIGIBLE
    assert alive[0].status("A3").state is State.BLOCKED
    del alive
    gc.collect()
    assert all(k.status("A1").state is State.ELIGIBLE for k in kept)
    for k in kept:
        k.close()


def test_a_failure_inside_durable_reaches_the_caller_as_our_error(engines, paper, baseline, monkeypatch):
    # Every assert and retract goes through the pool's one call into durable.
    from durable.engine import MessageObservedException

    from perimeter.backends import durable as evaluate

    engine = engines(paper, baseline)

    def fail(*_args, **_kwargs):
        raise MessageObservedException({"id": "x"})

    monkeypatch.setattr(evaluate._POOL, "call", fail)
    with pytest.raises(EvaluationError) as failed:
        engine.assert_fact("A1")
    assert "already been observed" in failed.value.message
    assert not isinstance(failed.value, MessageObservedException)
    monkeypatch.undo()
    assert "A1" not in {f.id for f in engine.facts}


def test_fact_ids_never_collide_under_durables_32_bit_hash():
    from perimeter.backends.durable import _Mirror, fnv1a_32

    assert fnv1a_32("") == 0x811C9DC5 and fnv1a_32("a") == 0xE40C292C  # published FNV-1a vectors
    mirror = _Mirror("7")
    ids = [mirror.fact_id(("requires", str(i))) for i in range(50_000)]
    hashes = {fnv1a_32(i) for i in ids}
    assert len(hashes) == len(ids) and fnv1a_32("sid-7") not in hashes
    assert mirror.fact_id(("requires", "123")) == ids[123], "the same key keeps its id"


def test_regression_a_constraint_blocker_gained_without_a_state_change_is_reported(engine):
    # Constraint blockers are named "A4.location", not rule ids; sorting them
    # as rule ids once crashed every change that added one to a violated step.
    engine.assert_fact("A4", A4_AS_PRESCRIBED, force=True)
    assert engine.status("A4").state is State.VIOLATED
    change = engine.assert_fact("A4", {"location": "Texas", "leader": "Mexican"}, force=True)
    assert change.transitions == ()
    assert change.also_needs == (("A4", ("A4.location",)),)
    assert change.summary().endswith("A4 now also needs A4.location")


def test_an_exception_inside_an_action_reaches_the_caller(engines, paper, baseline, monkeypatch):
    # durable's own action loop swallowed such errors into the session state,
    # silently corrupting conclusions; ours lets them through.
    from perimeter.backends import durable as evaluate

    engine = engines(paper, baseline)

    ruleset = evaluate._POOL.host._ruleset_directory[engine._evaluator.ruleset]
    working = ruleset._lean["met"]

    def broken_once(frames, mirror, ruleset_):
        ruleset._lean["met"] = working
        raise KeyError("broken action")

    monkeypatch.setitem(ruleset._lean, "met", broken_once)
    with pytest.raises(EvaluationError, match="broken action"):
        engine.assert_fact("A1")
    assert "A1" not in {f.id for f in engine.facts}
    engine.assert_fact("A2")
    assert engine.evaluation() == engines(paper, [*baseline, *[f for f in engine.facts if f.id == "A2"]],
                                          backend="reference").evaluation(), "a fresh session replaced the broken one"
