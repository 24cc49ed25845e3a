"""Every `perimeter` command in text and JSON, its exit codes and its error lines.

Most tests drive the typer app in-process; exit codes, stderr and the
one-line error promise are checked on real subprocesses running the code
under test.  Every test works on a state file under its own tmp_path.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import typer
import yaml
from typer.testing import CliRunner

from perimeter.cli.main import _complete_ids, app
from builders import write_facts, write_rules
from clitools import answer, invoke, one_error_line, perimeter, states

runner = CliRunner()
ANSI = re.compile(r"\x1b\[[0-9;]*m")
STEPS = ["A1", "A2", "A3", "A4", "A5", "A6", "A7", "B1", "B2", "B3", "B4", "B5", "B6", "B7", "B8", "C1", "C2", "C3"]


def cli(*args: str, env: dict[str, str] | None = None):
    return invoke(*args, env=env)


def ok(*args: str) -> str:
    return answer(*args)


def as_json(*args: str) -> dict:
    return json.loads(ok(*args, "--json"))


# -- status ----------------------------------------------------------------

def test_status_json_lists_every_step_condition_and_the_goal(state):
    document = as_json("status")
    assert [s["id"] for s in document["steps"]] == STEPS
    assert all(set(s) == {"id", "title", "state", "blockers"} for s in document["steps"])
    assert all(set(c) == {"id", "holds"} for c in document["conditions"])
    assert {"id": "norad", "holds": True} in document["conditions"]
    assert {"id": "goal", "state": "blocked"}.items() <= document["goal"].items()
    assert document["state_file"] == str(state)
    assert document["reading"] == "default"
    a7 = next(s for s in document["steps"] if s["id"] == "A7")
    # A5 and A6 are the default reading of a7-needs, not stated; neither is needed only to start.
    assert [(b["id"], b["kind"], b["basis"], b["to_start"]) for b in a7["blockers"]] == [
        ("A5", "step", "implied", False), ("A6", "step", "implied", False)]


def test_status_text_shows_the_state_file_and_every_step(state):
    out = ok("status")
    assert out.splitlines()[0] == f"downie-2013 (reading: default); state: {state}"
    rows = {line.split()[0]: line.split()[1] for line in out.splitlines() if line[:2] in {s[:2] for s in STEPS}}
    assert {k: rows[k] for k in ("A1", "A3", "B3", "C3")} == {"A1": "eligible", "A3": "blocked",
                                                              "B3": "eligible", "C3": "blocked"}
    assert re.search(r"^goal\s+blocked\s+North American Security Perimeter\s+C3$", out, re.M)
    assert ("conditions not holding (3): us_mexico_working_group_1996, vetting, us_mexico_border_organization"
            in out)


# -- next ------------------------------------------------------------------

def test_next_lists_what_can_be_taken_now_in_the_papers_order():
    assert as_json("next") == {"format": 1, "steps": [
        {"id": "A1", "title": "SEDENA creates an HA/DR command"},
        {"id": "A2", "title": "SEMAR creates an HA/DR command"},
        {"id": "B3", "title": "Canada and the US establish a law enforcement training center"}]}
    assert [line.split()[0] for line in ok("next").splitlines()] == ["A1", "A2", "B3"]
    ok("assert", "A1", "A2")
    assert [s["id"] for s in as_json("next")["steps"]] == ["A3", "B3"]
    assert "Mexico creates a Joint Force HA/DR command" in ok("next").splitlines()[0]


def test_next_says_so_when_nothing_can_be_taken(tmp_path):
    rules = write_rules(tmp_path, ("plan", []))
    ok("--rules", str(rules), "assert", "plan")
    assert ok("--rules", str(rules), "next").strip() == "No step can be taken now."
    assert as_json("--rules", str(rules), "next") == {"format": 1, "steps": []}


# -- why -------------------------------------------------------------------

@pytest.mark.parametrize("words", [
    ["can't Mexico join NORAD yet"],            # quoted in the shell: one argument
    ["why", "can't", "Mexico", "join", "NORAD", "yet"],  # unquoted words, with a stray "why"
    ["Mexico", "join", "NORAD"],
    ["a7"],
])
def test_why_resolves_the_words_to_one_target(words):
    document = as_json("why", *words)
    assert document["target"] == "A7"
    assert document["state"] == "blocked"
    assert document["missing"] == ["A5", "A6"]
    assert document["frontier"] == ["A1", "A2"]
    assert [document["nodes"][i]["id"] for i in document["tree"]] == ["A5", "A6"]
    assert {"target", "state", "missing", "frontier", "tree", "nodes"} <= set(document)


def test_why_text_walks_down_to_what_can_be_done_now():
    out = ok("why", "can't", "Mexico", "join", "NORAD", "yet")
    assert out.splitlines()[0] == "A7: Mexico joins NORAD (blocked)"
    assert ("A7 (Mexico joins NORAD) is blocked: it needs A5 (implied under a7-needs=best), "
            "A6 (implied under a7-needs=best).") in out
    assert "Can be done now toward it: A1, A2." in out
    assert re.search(r"^\s+\* A1 eligible: SEDENA creates an HA/DR command$", out, re.M)
    assert re.search(r"^\s+- A3 blocked: Mexico creates a Joint Force HA/DR command \(see above\)$", out, re.M)


def test_why_a_condition_and_a_done_step():
    condition = as_json("why", "vetting")
    assert (condition["target"], condition["state"]) == ("vetting", "absent")
    assert "Needed by: B1, B2, C1." in ok("why", "vetting")
    ok("assert", "A1", "A2", "--source", "announcements")
    done = as_json("why", "A1")
    assert (done["target"], done["state"], done["missing"], done["frontier"]) == ("A1", "done", [], [])
    eligible = ok("why", "A3")
    assert "Supported by:" in eligible and "[announcements]" in eligible


def test_the_target_is_always_the_resolved_id():
    assert as_json("why", "North", "American", "Security", "Perimeter")["target"] == "goal"
    assert as_json("why", "GOAL")["target"] == "goal"
    assert as_json("plan", "vetting", "of", "personnel") == {**as_json("plan", "vetting"), "target": "vetting"}
    assert as_json("plan", "vetting", "of", "personnel")["order"] == ["vetting"]


def test_why_an_ambiguous_question_exits_2_listing_the_candidates():
    line = one_error_line(perimeter("why", "training", "center"), 2)
    assert "'training center' could mean B3 (" in line and "B5 (" in line


def test_why_an_unknown_question_exits_2():
    line = one_error_line(perimeter("why", "zebra", "crossing"), 2)
    assert "'zebra crossing' matches no step or condition" in line


def test_why_without_a_target_is_a_usage_error():
    line = one_error_line(perimeter("why"), 2)
    assert "Missing argument" in line


# -- plan ------------------------------------------------------------------

def test_plan_orders_what_is_still_needed_ending_with_the_target():
    document = as_json("plan", "can't", "Mexico", "join", "NORAD", "yet")
    assert document["target"] == "A7"
    assert document["order"] == ["A1", "A2", "A3", "A4", "A5", "A6", "A7"]
    ok("assert", "A1", "A2", "A3")
    assert as_json("plan", "A7")["order"] == ["A4", "A5", "A6", "A7"]
    lines = ok("plan", "A7").splitlines()
    assert lines[0] == "Plan for A7:"
    assert [line.split()[:3] for line in lines[1:]] == [["1.", "take", "A4"], ["2.", "take", "A5"],
                                                        ["3.", "take", "A6"], ["4.", "take", "A7"]]
    assert lines[1].endswith("in Mexico (give location and leader; location must be Mexico; "
                             "leader must be Mexico or Mexican)")
    items = {i["id"]: i for i in as_json("plan", "A7")["items"]}
    assert items["A4"]["required"] == ["location", "leader"]
    assert [(c["attribute"], c["allowed"]) for c in items["A4"]["constraints"]] == [
        ("location", ["Mexico"]), ("leader", ["Mexico", "Mexican"])]
    assert (items["A5"]["required"], items["A5"]["constraints"]) == ([], [])


@pytest.mark.parametrize("reading", ["default", "literal", "least"])
def test_plan_for_the_goal_puts_everything_after_its_preconditions(reading):
    """Each precondition in force under the reading holds already or comes earlier in the plan (for a
    group: as many of its steps as it needs)."""
    from perimeter import load_pathway

    pathway = load_pathway()
    in_force = pathway.readings.reading(reading)
    document = as_json("--reading", reading, "plan", "goal")
    assert document["reading"] == reading
    order = document["order"]
    assert order[-1] == "goal" and order[0] == "vetting"
    if reading == "least":
        assert {"A5", "A6", "B2"}.isdisjoint(order), "A7 needs one of A3, A5 and one of A4, A6; B4 needs no step"
    else:
        assert set(STEPS) <= set(order)
    holding = {c["id"] for c in as_json("status")["conditions"] if c["holds"]}
    for id_ in (i for i in order if i in pathway.steps):
        before = holding | set(order[:order.index(id_)])
        for pre in pathway.preconditions(id_, in_force):
            assert len(before & set(pre.needs)) >= pre.at_least, (reading, id_, pre.need)


def test_show_json_lists_every_precondition_of_every_step_under_any_reading():
    """`show --json` is the rule as written: each precondition, whichever reading it counts under."""
    from perimeter import load_pathway

    pathway = load_pathway()
    for id_ in [*STEPS, "goal"]:
        document = as_json("show", id_)
        assert document["id"] == id_
        assert [p["need"] for p in document["preconditions"]] == [r.need for r in pathway.steps[id_].preconditions]


def test_plan_for_what_is_done_has_nothing_to_do():
    ok("assert", "A1")
    assert ok("plan", "A1").strip() == "A1: nothing to do (A1 already holds)."
    assert as_json("plan", "A1")["order"] == []


# -- assert and retract ------------------------------------------------------

def test_assert_records_left_to_right_in_any_case(state):
    out = ok("assert", "a1", "A2", "--source", "SEDENA and SEMAR announcements")
    assert out.strip() == "A1 recorded, A2 recorded: A3 is now eligible"
    assert states(as_json("status"))["A3"] == "eligible"
    stored = yaml.safe_load(state.read_text())
    a1 = next(f for f in stored["facts"] if f["id"] == "A1")
    assert a1["source"] == "SEDENA and SEMAR announcements"


def test_assert_json_gives_the_changes():
    document = as_json("assert", "vetting")
    assert {"id": "vetting", "from": "absent", "to": "holds"} in document["changes"]
    assert {"id": "B1", "from": "blocked", "to": "eligible"} in document["changes"]
    assert all(set(c) >= {"id", "from", "to"} for c in document["changes"])


def test_a_refused_step_exits_1_names_what_is_unmet_and_stores_nothing(state):
    ok("assert", "A1")
    before = state.read_bytes()
    line = one_error_line(perimeter("assert", "A4", "location=Mexico", "leader=Mexican"), 1)
    assert line == ('perimeter: A4 needs A3 first (stated: "With the experience Mexico will have after forming its Joint '
                    'Force Humanitarian Assistance/Disaster Relief Command"). Record A3, or use --force to record A4 '
                    'anyway as a violation.')
    assert state.read_bytes() == before


def test_a_batch_with_one_refusal_stores_none_of_it(state):
    ok("assert", "B3")
    before = state.read_bytes()
    line = one_error_line(perimeter("assert", "A1", "A2", "A4", "location=Mexico", "leader=Mexican"), 1)
    assert 'A4 needs A3 first (stated: "' in line
    assert state.read_bytes() == before
    assert states(as_json("status"))["A1"] == "eligible"


def test_a_refused_first_assert_leaves_no_state_file(state):
    one_error_line(perimeter("assert", "A3"), 1)
    assert not state.exists()


def test_force_stores_it_and_it_shows_as_violated():
    ok("assert", "A1", "A2", "A3")
    out = ok("assert", "A4", "location=Canada", "leader=Mexican", "--force", "--source", "rumour")
    assert out.strip() == "A4 recorded but violated: A6 is now eligible"
    a4 = next(s for s in as_json("status")["steps"] if s["id"] == "A4")
    assert a4["state"] == "violated"
    assert [(b["id"], b["kind"]) for b in a4["blockers"]] == [("A4.location", "constraint")]
    assert "location must be Mexico (location is 'Canada')" in ok("status")
    assert as_json("why", "A4")["state"] == "violated"
    forced = [e for e in as_json("history")["entries"] if e["fact"] == "A4"]
    assert forced[0]["forced"] is True and forced[0]["source"] == "rumour"


def test_a4_without_where_and_who_is_refused_quoting_the_paper_and_forced_is_violated(state):
    ok("assert", "A1", "A2", "A3")
    before = state.read_bytes()
    line = one_error_line(perimeter("assert", "A4"), 1)
    assert line.startswith("perimeter: A4 needs attributes the rules ask for: location is required, no location is "
                           "given; leader is required, no leader is given. Give location=... ")
    assert line.endswith("or use --force to record A4 anyway as a violation.")
    assert '"The location of this new bi-national organization should be in Mexico."' in line
    assert '"The leader of this organization should also be a Mexican."' in line
    assert state.read_bytes() == before
    assert ok("assert", "A4", "--force").strip() == "A4 recorded but violated: A6 is now eligible"
    a4 = next(s for s in as_json("status")["steps"] if s["id"] == "A4")
    assert a4["state"] == "violated"
    assert [(b["id"], b["kind"]) for b in a4["blockers"]] == [("A4.location", "attribute"), ("A4.leader", "attribute")]


def test_force_on_unmet_preconditions_is_violated_too():
    ok("assert", "--force", "A7")
    assert states(as_json("status"))["A7"] == "violated"


@pytest.mark.parametrize(("attributes", "expected"), [
    (["location=Canada"], "location must be Mexico, location is 'Canada'"),
    (["location=Mexico", "leader=United States"], "leader must be Mexico or Mexican, leader is 'United States'"),
])
def test_a4_with_attributes_the_paper_rules_out_is_refused(state, attributes, expected):
    ok("assert", "A1", "A2", "A3")
    before = state.read_bytes()
    line = one_error_line(perimeter("assert", "A4", *attributes), 1)
    assert expected in line
    assert state.read_bytes() == before


def test_a4_with_the_papers_attributes_is_recorded_with_them(state):
    ok("assert", "A1", "A2", "A3")
    assert ok("assert", "A4", "location=Mexico", "leader=Mexican").startswith("A4 recorded: A6 is now eligible")
    stored = next(f for f in yaml.safe_load(state.read_text())["facts"] if f["id"] == "A4")
    assert stored["attributes"] == {"location": "Mexico", "leader": "Mexican"}


@pytest.mark.parametrize(("args", "expected"), [
    (["assert", "vettin"], "unknown step or condition 'vettin' (did you mean 'vetting'?)"),
    (["assert", "location=Mexico"], "'location=Mexico' is an attribute, but no fact comes before it"),
    (["assert", "A1", "=Mexico"], "'=Mexico' is not key=value"),
    (["assert", "goal"], "'goal' is derived from its preconditions and cannot be asserted"),
    (["assert"], "Missing argument"),
    (["retract", "A1", "location=Mexico"], "'location=Mexico': attributes belong to asserted facts"),
    (["retract", "nope"], "unknown step or condition 'nope'"),
])
def test_bad_fact_arguments_exit_2_and_store_nothing(state, args, expected):
    line = one_error_line(perimeter(*args), 2)
    assert expected in line
    assert not state.exists()


def test_retract_withdraws_and_reports_what_moved():
    ok("assert", "A1", "A2")
    assert ok("retract", "A2").strip() == "A2 withdrawn: A3 is blocked again"
    assert states(as_json("status"))["A2"] == "eligible"
    document = as_json("retract", "norad")
    assert document["changes"] == [{"id": "norad", "from": "holds", "to": "absent"}]
    assert {"id": "norad", "holds": False} in as_json("status")["conditions"]


def test_retracting_what_is_not_recorded_is_refused(state):
    ok("assert", "A1")
    before = state.read_bytes()
    line = one_error_line(perimeter("retract", "A2"), 1)
    assert "'A2' is not recorded, so there is nothing to retract" in line
    assert state.read_bytes() == before


# -- what-if ---------------------------------------------------------------

def test_what_if_reports_without_storing(state):
    assert ok("what-if", "vetting").strip() == "if vetting were established, B1 and B2 would become eligible"
    assert not state.exists()
    ok("assert", "A1")
    before = state.read_bytes()
    document = as_json("what-if", "A2", "A3")
    assert document["changes"] == [{"id": "A2", "from": "eligible", "to": "done"},
                                   {"id": "A3", "from": "blocked", "to": "done"},
                                   {"id": "A4", "from": "blocked", "to": "eligible"},
                                   {"id": "A5", "from": "blocked", "to": "eligible"}]
    assert as_json("what-if", "--without", "A1")["changes"] == [{"id": "A1", "from": "done", "to": "eligible"}]
    assert state.read_bytes() == before


def test_what_if_shows_an_out_of_order_step_as_violated(state):
    document = as_json("what-if", "A4", "location=Mexico", "leader=Mexican")
    assert {"id": "A4", "from": "blocked", "to": "violated"} in document["changes"]
    assert not state.exists()


def test_what_if_with_nothing_hypothetical_is_a_usage_error():
    line = one_error_line(perimeter("what-if"), 2)
    assert "no hypothetical fact given" in line


# -- show ------------------------------------------------------------------

def test_show_a_step_with_aliases_preconditions_and_constraints():
    out = ok("show", "a4")
    lines = out.splitlines()
    assert lines[0] == "A4: US and Mexico create a bi-national HA/DR command in Mexico (step)"
    assert "also called: bi-national HA/DR command;" in out
    assert any(line.startswith('requires A3 (stated) III.A (A4): "With the experience Mexico') for line in lines)
    assert any(line.startswith("location must be Mexico (stated)") for line in lines)
    document = as_json("show", "A4")
    assert document["id"] == "A4" and "binational HA/DR command" in document["aliases"]
    (pre,) = document["preconditions"]
    assert (pre["need"], pre["basis"]) == ("A3", "stated")
    assert pre["citation"]["section"] == "III.A (A4)" and pre["citation"]["quote"].startswith("With the experience")


def test_show_a_step_whose_preconditions_are_readings_says_under_which_and_whether_in_force():
    lines = ok("show", "A7").splitlines()
    a5 = next(i for i, line in enumerate(lines) if line.startswith("requires A5 (implied) III.A (A7): "))
    assert lines[a5 + 1] == "    under a7-needs=best/literal (in force)"
    assert lines[a5 + 2].startswith("    note: A reading (choice a7-needs)")
    assert "    under a7-needs=least (not in force)" in lines
    assert any(line.startswith('requires norad (stated) III.A (A7): "A7. Mexico Joins NORAD."') for line in lines)
    assert "choice a7-needs: What must Mexico have done before it joins NORAD (A7)? (in force: best)" in lines
    assert any(line.startswith("Chart 1: ") for line in lines)
    least = ok("--reading", "least", "show", "A7").splitlines()
    assert least[a5 + 1] == "    under a7-needs=best/literal (not in force)"
    assert "    under a7-needs=least (in force)" in least
    b4 = ok("show", "B4").splitlines()
    at = next(i for i, line in enumerate(b4) if line.startswith("requires B2 (implied) "))
    assert b4[at + 1] == "    under b4-operations=b2 (in force)"


def test_show_a_condition():
    out = ok("show", "vetting")
    assert out.splitlines()[0] == "vetting: Vetting of personnel (condition)"
    assert "also called: vetting; vetting of personnel;" in out
    document = as_json("show", "VETTING")
    assert document["id"] == "vetting" and "personnel vetting" in document["aliases"]


def test_show_an_unknown_id_exits_2_with_a_suggestion():
    line = one_error_line(perimeter("show", "b_3"), 2)
    assert line.startswith("perimeter: unknown step or condition 'b_3' (did you mean 'B3'?)"), line


def test_show_takes_words_and_several_targets_as_why_does():
    assert ok("show", "vettting").startswith("vetting: Vetting of personnel")   # a misspelling, as `why` takes it
    shown = ok("show", "A1", "CJOC")
    assert shown.startswith("A1: ") and "\n\ncanada_command: " in shown


def test_why_and_plan_answer_several_targets_each():
    why = ok("why", "A1", "A7")
    assert why.startswith("A1: ") and "\n\nA7: Mexico joins NORAD" in why
    plans = json.loads(ok("plan", "A1", "A7", "--json"))
    assert plans["format"] == 1 and [p["target"] for p in plans["answers"]] == ["A1", "A7"]
    assert all("format" not in p for p in plans["answers"]), "the format is the whole document's, said once"


# -- history and reset -------------------------------------------------------

def test_history_lists_asserts_and_retracts_with_time_and_source():
    ok("assert", "A1", "--source", "SEDENA")
    ok("retract", "A1")
    entries = as_json("history")["entries"]
    assert [(e["action"], e["fact"], e["source"]) for e in entries][1:] == [("assert", "A1", "SEDENA"),
                                                                            ("retract", "A1", None)]
    assert entries[0]["action"] == "baseline" and "25 facts" in entries[0]["source"]
    assert all({"time", "action", "fact", "source"} <= set(e) for e in entries)
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", e["time"]) for e in entries)
    lines = ok("history").splitlines()
    assert lines[0].split() == ["TIME", "ACTION", "FACT", "SOURCE"]
    assert re.fullmatch(r"\S+Z\s+assert\s+A1\s+SEDENA", lines[2])
    assert re.fullmatch(r"\S+Z\s+retract\s+A1", lines[3])


def test_history_before_anything_is_the_baseline(state):
    (entry,) = as_json("history")["entries"]
    assert entry["action"] == "baseline"
    assert not state.exists()


def test_reset_goes_back_to_the_baseline_and_keeps_a_backup(state):
    ok("assert", "A1", "A2")
    old = state.read_bytes()
    out = ok("reset").strip()
    (backup,) = state.parent.glob("state.yaml.*.bak")
    assert out == f"State reset to the baseline: {state} (previous state kept at {backup})"
    assert backup.read_bytes() == old
    assert states(as_json("status"))["A1"] == "eligible"
    entries = as_json("history")["entries"]
    assert entries[0]["action"] == "reset" and str(backup) in entries[0]["source"]


def test_reset_with_no_state_yet_keeps_no_backup(state):
    assert ok("reset").strip() == f"State reset to the baseline: {state}"
    assert sorted(p.name for p in state.parent.iterdir()) == ["state.yaml", "state.yaml.lock"]


# -- global options, usage errors, version -----------------------------------

def test_a_reading_applies_to_every_command_and_the_state_holds_facts_not_readings():
    """What `--stated-only` did, under the reading that demands least (`--stated-only` itself is gone)."""
    assert states(as_json("--reading", "least", "status"))["A5"] == "eligible"
    assert states(as_json("status"))["A5"] == "blocked"
    assert states(json.loads(cli("status", "--json", env={"PERIMETER_READING": "least"}).stdout))["A5"] == "eligible"
    assert "A5" in [s["id"] for s in as_json("--reading", "least", "next")["steps"]]
    assert "A5" not in [s["id"] for s in as_json("next")["steps"]]
    assert ok("--reading", "least", "assert", "A5").startswith("A5 recorded")
    assert states(as_json("status"))["A5"] == "violated"  # under the default reading it lacks A3
    assert states(as_json("--choose", "a5-needs=independent", "status"))["A5"] == "done"


def test_stated_only_is_an_unknown_option():
    line = one_error_line(perimeter("--stated-only", "status"), 2)
    assert "No such option: --stated-only" in line


def test_version():
    result = perimeter("--version")
    assert result.returncode == 0 and result.stderr == ""
    assert re.fullmatch(r"perimeter \d+\.\d+\.\d+\n", result.stdout)


@pytest.mark.parametrize(("args", "expected"), [
    (["frobnicate"], "No such command 'frobnicate'"),
    (["--bogus", "status"], "No such option: --bogus"),
    (["status", "--bogus"], "No such option: --bogus"),
    (["show"], "Missing argument 'TARGET...'"),
])
def test_usage_errors_are_one_line_and_exit_2(args, expected):
    line = one_error_line(perimeter(*args), 2)
    assert expected in line


def test_no_command_shows_the_help_and_exits_2():
    result = perimeter()
    assert result.returncode == 2
    assert result.stderr.startswith("Usage: perimeter [OPTIONS] COMMAND")
    assert "perimeter: " not in result.stderr and "Traceback" not in result.stderr
    assert "status" in result.stderr and "what-if" in result.stderr


def test_a_bad_fact_file_exits_2_with_its_line(tmp_path):
    facts = tmp_path / "facts.yaml"
    facts.write_text("facts:\n  - id: [\n")
    result = perimeter("--facts", str(facts), "status")
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith(f"{facts}:") and "malformed YAML" in result.stderr
    assert "Traceback" not in result.stderr


def test_rules_and_facts_may_be_folders(tmp_path):
    (tmp_path / "rules").mkdir()
    (tmp_path / "facts").mkdir()
    rules = write_rules(tmp_path / "rules", ("plan", []), ("build", ["plan"]))
    write_facts(tmp_path / "facts" / "done.yaml", "plan")
    document = as_json("--rules", str(rules.parent), "--facts", str(tmp_path / "facts"), "status")
    assert states(document) == {"plan": "done", "build": "eligible"}


def test_a_rules_folder_without_yaml_exits_2(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    line = one_error_line(perimeter("--rules", str(empty), "status"), 2)
    assert line == f"perimeter: {empty}: no .yaml files in this folder (name a rules file, or a folder with .yaml files in it)"


# -- colour ----------------------------------------------------------------

def test_colour_is_forced_by_clicolor_force_and_off_by_default():
    forced = cli("status", env={"CLICOLOR_FORCE": "1"})
    assert forced.exit_code == 0
    assert "\x1b[36meligible\x1b[0m" in forced.stdout
    plain = ok("status")
    assert not ANSI.search(plain)
    assert ANSI.sub("", forced.stdout) == plain


def test_no_color_wins_over_clicolor_force():
    result = cli("status", env={"CLICOLOR_FORCE": "1", "NO_COLOR": "1"})
    assert result.exit_code == 0 and "eligible" in result.stdout
    assert not ANSI.search(result.stdout)


def test_colour_survives_a_pipe_when_forced():
    forced = perimeter("status", env={"CLICOLOR_FORCE": "1"})
    assert forced.returncode == 0 and "\x1b[33mblocked" in forced.stdout
    assert not ANSI.search(perimeter("status").stdout)
    assert not ANSI.search(perimeter("status", env={"CLICOLOR_FORCE": "1", "NO_COLOR": "1"}).stdout)


def test_json_is_never_coloured():
    result = cli("status", "--json", env={"CLICOLOR_FORCE": "1"})
    assert not ANSI.search(result.stdout) and json.loads(result.stdout)["steps"]


# -- completion ------------------------------------------------------------

def _context(rules: list[Path] | None) -> typer.Context:
    context = typer.Context(typer.main.get_command(app))
    context.params["rules"] = rules
    return context


def test_complete_ids_offers_step_and_condition_ids_of_the_rules_in_use(tmp_path):
    assert _complete_ids(_context(None), "a") == ["A1", "A2", "A3", "A4", "A5", "A6", "A7"]
    assert _complete_ids(_context(None), "vet") == ["vetting"]
    rules = write_rules(tmp_path, ("plan", []), ("build", ["plan"]))
    assert _complete_ids(_context([rules]), "") == ["plan", "build"]
    assert _complete_ids(_context([tmp_path / "missing.yaml"]), "") == []


def _complete(words: str, cword: int) -> list[str]:
    env = {"_PERIMETER_COMPLETE": "complete_bash", "COMP_WORDS": words, "COMP_CWORD": str(cword)}
    result = runner.invoke(app, [], prog_name="perimeter", env=env)
    assert result.exit_code == 0, result.output
    return result.stdout.split()


def test_the_shell_completes_commands_and_ids(tmp_path):
    assert _complete("perimeter wh", 1) == ["why", "what-if"]
    assert _complete("perimeter show B", 2) == [f"B{i}" for i in range(1, 9)]
    assert _complete("perimeter assert A1 ve", 3) == ["vetting"]
    rules = write_rules(tmp_path, ("plan", []), ("build", ["plan"]))
    assert _complete(f"perimeter --rules {rules} why b", 4) == ["build"]


def test_the_installed_command_completes_under_its_own_name():
    result = perimeter(env={"_PERIMETER_COMPLETE": "complete_bash", "COMP_WORDS": "perimeter plan C",
                            "COMP_CWORD": "2"})
    assert result.returncode == 0 and result.stdout.split() == ["C1", "C2", "C3"]
    # the shell named, not detected from the parent processes (which may be no shell at all)
    script = perimeter("--show-completion", "bash", env={"_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"})
    assert script.returncode == 0 and "_PERIMETER_COMPLETE=complete_bash" in script.stdout


def test_history_marks_forced_only_what_went_in_violated():
    ok("assert", "A1", "--force")
    ok("assert", "A3", "--force")
    entries = {e["fact"]: e["forced"] for e in as_json("history")["entries"] if e["action"] == "assert"}
    assert entries == {"A1": False, "A3": True}


def test_fact_completion_never_offers_the_derived_goal():
    from perimeter.cli.main import _complete_facts

    class Root:
        params: dict = {}

    class Context:
        def find_root(self):
            return Root()

    assert "goal" in _complete_ids(Context(), "g") and "goal" not in _complete_facts(Context(), "g")
    assert _complete_facts(Context(), "a") == ["A1", "A2", "A3", "A4", "A5", "A6", "A7"]


def test_rule_sets_without_a_header_are_told_apart_by_their_content(tmp_path):
    one = tmp_path / "one"
    two = tmp_path / "two"
    one.mkdir()
    two.mkdir()
    rules_one = write_rules(one, ("S1", []))
    rules_two = write_rules(two, ("S1", []), ("S2", ["S1"]))
    ok("--rules", str(rules_one), "assert", "S1")
    line = one_error_line(perimeter("--rules", str(rules_two), "status"), 2)
    assert "belongs to rule set 'rules-" in line


def test_help_speaks_of_the_rule_set_and_names_the_paper_only_as_the_default():
    """Help said "the paper's order" and "what the paper states" whatever the rule set (issue 16)."""
    commands = [c.name or c.callback.__name__ for c in app.registered_commands]
    assert len(commands) > 10
    for command in commands:
        text = invoke(command, "--help").stdout
        assert "paper" not in text.casefold(), (command, text)
    top = invoke("--help").stdout
    mentions = [line for line in top.splitlines() if "paper" in line.casefold() or "downie" in line.casefold()]
    assert mentions and all("default" in line.casefold() or "downie (2013)" in line.casefold() for line in mentions), mentions
