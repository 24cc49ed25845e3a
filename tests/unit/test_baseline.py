"""The 2013 baseline: what could be done then, and what blocked the rest."""

from __future__ import annotations

from perimeter import State


def test_no_step_is_done_and_vetting_does_not_hold(engine_2013, baseline, paper):
    assert not [f for f in baseline if f.id in paper.steps]
    conclusions = engine_2013.conclusions()
    assert not conclusions.by_state(State.DONE) and not conclusions.by_state(State.VIOLATED)
    assert {c.id: c.holds for c in conclusions.conditions}["vetting"] is False


def test_baseline_facts_cite_the_paper(baseline):
    assert baseline and all(f.citation and f.citation.quote for f in baseline)
    assert {"norad", "usnorthcom", "canada_command", "ibet_canada_us", "best_teams", "jmusdc",
            "pjbd"} <= {f.id for f in baseline}


def test_eligible_in_2013(engine_2013):
    assert engine_2013.conclusions().by_state(State.ELIGIBLE) == ["A1", "A2", "B3"]


def test_blocked_in_2013_with_exact_blockers(engine_2013):
    conclusions = engine_2013.conclusions()
    blockers = {s.id: [b.id for b in s.blockers] for s in conclusions.steps}
    for step in ("A4", "A7", "B5", "B8", "C3"):
        assert conclusions.step(step).state is State.BLOCKED
    assert blockers["A4"] == ["A3"]
    assert blockers["A7"] == ["A5", "A6"]
    assert blockers["B5"] == ["B3"]
    assert blockers["B8"] == ["B5", "B6", "B7"]
    assert blockers["C3"] == ["A7", "B8", "C2"]
    assert conclusions.goal.state is State.BLOCKED and [b.id for b in conclusions.goal.blockers] == ["C3"]


def test_b1_b2_and_c1_wait_for_vetting(engine_2013):
    for step in ("B1", "B2", "C1"):
        status = engine_2013.status(step)
        assert status.state is State.BLOCKED
        vetting = [b for b in status.blockers if b.id == "vetting"]
        assert vetting and vetting[0].kind == "condition" and vetting[0].basis.value == "stated"
    assert [b.id for b in engine_2013.status("B1").blockers] == ["vetting"]
    assert [b.id for b in engine_2013.status("B2").blockers] == ["vetting"]


def test_the_least_demanding_reading_opens_what_only_a_reading_blocked(engines, paper, baseline):
    least = engines(paper, baseline, reading="least").conclusions()
    # The text names no prerequisite for A5 or B4; the default reading does.
    assert least.by_state(State.ELIGIBLE) == ["A1", "A2", "A5", "B3", "B4"]
    assert [b.id for b in least.step("A7").blockers] == ["A3|A5", "A4|A6"]
    assert [b.id for b in least.step("C1").blockers] == ["vetting", "A4", "B1", "B4"], "B4 is not done"


def test_the_least_demanding_reading_never_blocks_more_than_the_default(engines, paper, baseline):
    default = engines(paper, baseline).conclusions()
    least = engines(paper, baseline, reading="least").conclusions()
    for status in least.steps:
        if status.id != "A7":  # its groups are met by less than the default's A5 and A6
            assert {b.id for b in status.blockers} <= {b.id for b in default.step(status.id).blockers}
