"""Readings (issue 17): the choices the text leaves open, profiles and `--choose`, `readings` and `compare`.

Each reproduction of the issue: A7's and B4's preconditions are readings, not "stated"; dropping every
implied precondition let C3 be taken first (`--stated-only` is gone; `--reading least` keeps the
paper's orders); BEST moved the trilateral relationship on Chart 1 by a reading nobody saw; the
training centers filled US/Mexico's combined exercises, and A4 done in Texas under an American still
put US/Mexico in a command in the other country; `assert A4` without where and who was recorded.
"""

from __future__ import annotations

import json

import pytest

from clitools import invoke, one_error_line, perimeter


def as_json(*args: str) -> dict:
    result = invoke(*args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def states(document: dict) -> dict[str, str]:
    return {s["id"]: s["state"] for s in document["steps"]}


QUESTIONS = {"a7-needs", "a5-needs", "b4-operations", "b6-joins", "c1-preceding", "c3-final",
             "chart-training-exercises", "chart-command-agreements", "chart-trilateral-liaison",
             "chart-best-trilateral", "chart-a6-crisis-support", "chart-center-doctrine", "chart-alliance-treaties"}


def test_readings_lists_every_choice_the_issue_names_with_two_alternatives_or_more():
    document = as_json("readings")
    choices = {c["id"]: c for c in document["choices"]}
    assert set(choices) == QUESTIONS
    for choice in choices.values():
        assert len(choice["alternatives"]) >= 2 and choice["question"] and choice["citations"]
        assert choice["default"] in [a["id"] for a in choice["alternatives"]] and choice["reason"]
        assert choice["in_force"] == choice["default"]
    assert [a["id"] for a in choices["a7-needs"]["alternatives"]] == ["best", "least", "literal"]
    profiles = {p["id"]: p["choices"] for p in document["profiles"]}
    assert set(profiles) == {"default", "literal", "least"}
    assert all(set(picks) == QUESTIONS for picks in profiles.values()), "each profile picks for every choice"
    assert (document["in_force"], document["reading"]) == ("default", "default")
    least = as_json("--reading", "least", "readings")
    assert least["in_force"] == "least" and {c["id"]: c["in_force"] for c in least["choices"]} == profiles["least"]


def test_compare_default_and_least_shows_a7s_and_a5s_different_blockers_and_a_telling_order():
    document = as_json("compare", "--to", "least")
    assert document["readings"] == ["default", "least"]
    steps = {s["id"]: s for s in document["steps"]}
    assert steps["A5"]["states"] == ["blocked", "eligible"] and steps["A5"]["blockers"] == [["A3"], []]
    assert steps["A7"]["blockers"] == [["A5", "A6"], ["A3|A5", "A4|A6"]]
    (plan,) = document["plans"]
    assert plan["target"] == "goal" and len(plan["orders"][1]) < len(plan["orders"][0])
    assert document["telling"] == {"asserts": ["A5"], "accepted_by": 1}
    text = invoke("compare", "--to", "least").stdout
    assert "A5 is accepted under least and refused under default" in text


def test_a_reading_picked_choice_by_choice_is_named_in_every_answer():
    document = as_json("--choose", "a7-needs=literal", "status")
    assert document["reading"] == "default (a7-needs=literal)"
    blockers = {s["id"]: [b["id"] for b in s["blockers"]] for s in document["steps"]}
    assert blockers["A7"] == ["A5", "A6", "A1", "A2", "A3", "A4"]
    assert as_json("--reading", "least", "plan", "A7")["reading"] == "least"
    assert as_json("--reading", "literal", "why", "A7")["reading"] == "literal"
    why = invoke("--reading", "least", "why", "A7").stdout
    assert "one of A3, A5 (implied under a7-needs=least)" in why


def test_an_unknown_profile_choice_or_alternative_is_one_line_with_a_did_you_mean():
    assert one_error_line(perimeter("--reading", "leest", "status")) == (
        "perimeter: the rule set has no reading profile 'leest' (did you mean 'least'?)")
    assert "did you mean 'a7-needs'" in one_error_line(perimeter("--choose", "a7-need=least", "status"))
    assert "choice 'a7-needs' has no alternative 'lest'" in one_error_line(perimeter("--choose", "a7-needs=lest", "status"))
    assert "write CHOICE=ALTERNATIVE" in one_error_line(perimeter("--choose", "a7-needs", "status"))
    assert "did you mean 'least'" in one_error_line(perimeter("status", env={"PERIMETER_READING": "leest"}))


def test_stated_only_is_gone_and_no_reading_lets_c3_be_taken_first():
    assert invoke("--stated-only", "status").exit_code == 2
    for profile in ("default", "literal", "least"):
        document = as_json("--reading", profile, "status")
        assert states(document)["C3"] == "blocked", profile
        assert as_json("--reading", profile, "plan", "goal")["order"][-2:] == ["C3", "goal"]


def test_best_moves_the_trilateral_relationship_only_under_the_reading_that_counts_it():
    def trilateral(*reading: str) -> dict:
        relationships = as_json(*reading, "spectrum")["relationships"]
        return next(r for r in relationships if r["id"] == "trilateral")

    def in_place(standing: dict, level: str) -> bool:
        return next(m for m in standing["measures"] if m["level"] == level)["in_place"]

    assert not in_place(trilateral(), "combined_operations"), "the paper never puts BEST on Chart 1"
    assert in_place(trilateral("--choose", "chart-best-trilateral=counted"), "combined_operations")


def test_training_centers_fill_combined_exercises_only_under_the_reading_that_counts_them():
    facts = ["A1", "A2", "A3", "vetting", "B1", "B2", "B3", "B4", "B5"]
    assert invoke("assert", *facts).exit_code == 0

    def exercises(*reading: str) -> bool:
        us_mexico = next(r for r in as_json(*reading, "spectrum")["relationships"] if r["id"] == "us_mexico")
        return next(m for m in us_mexico["measures"] if m["level"] == "combined_exercises")["in_place"]

    assert exercises() and not exercises("--reading", "literal")
    show = invoke("show", "B5").stdout
    assert "Chart 1: us_mexico gains combined_exercises (implied under chart-training-exercises=counted)" in show
    assert "choice chart-training-exercises: Does joint training" in show and "(in force: counted)" in show


def test_a4_needs_where_and_who_and_done_against_them_puts_no_one_in_the_other_countrys_command():
    assert invoke("assert", "A1", "A2", "A3").exit_code == 0
    refused = one_error_line(perimeter("assert", "A4"), 1)
    assert "location is required" in refused and "The location of this new bi-national organization" in refused
    plan = invoke("plan", "A6").stdout
    assert "give location and leader; location must be Mexico; leader must be Mexico or Mexican" in plan
    assert invoke("assert", "A4", "location=Texas", "leader=American", "--force").exit_code == 0

    def command_participation() -> bool:
        us_mexico = next(r for r in as_json("spectrum")["relationships"] if r["id"] == "us_mexico")
        return next(m for m in us_mexico["measures"] if m["level"] == "command_participation")["in_place"]

    assert not command_participation(), "A4 in Texas under an American puts no one in a command in the other country"
    assert invoke("assert", "A6").exit_code == 0

    def canada_in_a_command_in_mexico() -> bool:
        canada_mexico = next(r for r in as_json("spectrum")["relationships"] if r["id"] == "canada_mexico")
        return next(m for m in canada_mexico["measures"] if m["level"] == "command_participation")["in_place"]

    assert not canada_in_a_command_in_mexico(), "A6 joins A4's command, which is not in Mexico"
    assert invoke("assert", "A4", "location=Mexico", "leader=Mexican").exit_code == 0
    assert command_participation() and canada_in_a_command_in_mexico()


@pytest.mark.parametrize("profile", ["default", "literal", "least"])
def test_show_names_the_choices_that_touch_a_step_and_the_alternative_in_force(profile):
    text = invoke("--reading", profile, "show", "A7").stdout
    picked = {"default": "best", "literal": "literal", "least": "least"}[profile]
    assert f"choice a7-needs: What must Mexico have done before it joins NORAD (A7)? (in force: {picked})" in text


def test_compare_with_another_rule_set_on_the_same_facts(tmp_path):
    """Two rule sets, not two readings: here the paper's with B5's need of B3 struck out."""
    from builders import REPO

    for path in (REPO / "rules").glob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        if path.name == "pathway.yaml":
            start = text.index("  - id: B5\n")
            cut = text.index("    preconditions:\n", start)
            text = text[:cut] + text[text.index("\n    citation:\n", cut) + 1:]
        (tmp_path / path.name).write_text(text, encoding="utf-8")
    document = as_json("compare", "--to-rules", str(tmp_path))
    assert document["pathways"] == ["downie-2013", "downie-2013"] and document["only"] == [[], []]
    assert [(s["id"], s["states"]) for s in document["steps"]] == [("B5", ["blocked", "eligible"])]
    assert document["chart"] == [], "the baseline's Chart 1 measures are read under both"
    assert document["telling"] == {"asserts": ["B5"], "accepted_by": 1}
    assert document["readings"][1] == f"downie-2013 from {tmp_path}"


def test_the_shipped_reading_scenarios_pass_each_under_its_own_reading():
    from builders import REPO

    result = invoke("test", str(REPO / "rules" / "scenarios" / "readings.yaml"), "--json")
    document = json.loads(result.stdout)
    assert result.exit_code == 0 and document["passed"], result.stdout
    assert {s["name"] for s in document["scenarios"]} >= {"the least demanding reading in 2013", "the literal reading"}
    other = invoke("--reading", "least", "test", str(REPO / "rules" / "scenarios" / "readings.yaml"))
    assert other.exit_code == 1 and "the default reading in 2013" in other.stdout, \
        "a scenario naming no reading runs under the run's: the default one's expectations fail under least"
