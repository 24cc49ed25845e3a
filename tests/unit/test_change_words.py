"""The words of a change (perimeter.present.words.change_summary): a what-if says what would happen, in the
conditional, and never that anything was recorded or withdrawn; a goal is reached, never recorded.

Regression: `what-if` printed "vetting established" and "goal recorded" as if they had happened.
"""

from __future__ import annotations

import pytest

from perimeter.answers.status import Transition
from perimeter.present.words import change_summary


def _t(id_: str, before: str, after: str, derived: bool = False) -> Transition:
    return Transition(id=id_, before=before, after=after, derived=derived)


def test_a_what_if_is_said_in_the_conditional():
    moved = [_t("vetting", "absent", "holds"), _t("B1", "blocked", "eligible"), _t("B2", "blocked", "eligible")]
    assert change_summary(moved, (), (), hypothetical=True) == \
        "if vetting were established, B1 and B2 would become eligible"
    assert change_summary(moved, (), ()) == "vetting established: B1 and B2 are now eligible"


def test_the_goal_would_be_reached_and_is_never_supposed_or_recorded():
    moved = [_t("C3", "eligible", "done"), _t("goal", "blocked", "done", derived=True)]
    said = change_summary(moved, (), (), hypothetical=True)
    assert said == "if C3 were recorded, goal would be reached"
    assert change_summary(moved, (), ()) == "C3 recorded, goal reached: nothing else moved"
    lost = change_summary([_t("C3", "done", "eligible"), _t("goal", "done", "blocked", derived=True)], (), (),
                          hypothetical=True)
    assert lost == "if C3 were withdrawn, goal would no longer be reached"


def test_facts_supposed_together_are_grouped_by_what_would_be_done_to_them():
    moved = [_t("vetting", "absent", "holds"), _t("A1", "eligible", "done"), _t("A2", "eligible", "done"),
             _t("A4", "blocked", "violated"), _t("norad", "holds", "absent"), _t("A3", "blocked", "eligible")]
    said = change_summary(moved, (), (), hypothetical=True)
    assert said == ("if vetting were established and A1, A2 and A4 were recorded and norad were withdrawn, "
                    "A4 would be violated; A3 would become eligible")


@pytest.mark.parametrize("moved", [
    [],
    [_t("A1", "done", "eligible"), _t("A3", "eligible", "blocked")],
    [_t("vetting", "holds", "absent"), _t("B1", "eligible", "blocked")],
    [_t("goal", "blocked", "done", derived=True)],
])
def test_no_what_if_says_anything_happened(moved):
    said = change_summary(moved, (), (), ["A4"], hypothetical=True)
    words = said.replace("were recorded", "").replace("were withdrawn", "").replace("is already recorded", "")
    assert "recorded" not in words and "withdrawn" not in words and "established" not in words, said
    assert "would" in said or said == "nothing would change"
