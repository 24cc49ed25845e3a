"""Precondition shapes (issue 15) at the command line: `check` on the bad ones, and the words for the good.

`check` runs on the corpus's own files (tests/cases/bad/, the cases covering `precondition-shapes`),
so the file `status` refuses in one line (tests/cli/test_bad_inputs.py) is the file `check` reports
here: once, at the line the manifest pins, with its code and a hint, and in text as
`file:line:col: code: message (hint)`.  Then `status`, `why`, `assert`, `show` and `graph` on the
issue's reading of A7 ("a joint structure (A3 or A5) and international HA/DR experience (A4 or A6)")
and a step needed only to start.
"""

from __future__ import annotations

import json
import re
import shutil

import pytest
import yaml

from builders import CASES, need, need_any, step, write_facts, write_rules
from clitools import invoke, one_error_line, perimeter

MANIFEST = yaml.safe_load((CASES / "bad" / "manifest.yaml").read_text(encoding="utf-8"))
SHAPES = [c for c in MANIFEST["cases"] if "precondition-shapes" in c["covers"]]


def test_the_corpus_has_a_case_for_each_bad_shape_of_the_issue():
    names = {c["name"] for c in SHAPES}
    assert {"rules-any-of-empty", "rules-of-empty", "rules-any-of-repeated", "rules-of-repeated",
            "rules-any-of-unknown", "rules-of-unknown", "rules-at-least-zero", "rules-at-least-above",
            "rules-to-start-on-goal", "rules-two-shapes", "rules-at-least-without-of"} <= names


@pytest.mark.parametrize("case", SHAPES, ids=lambda c: c["name"])
def test_check_reports_the_bad_shape_once_with_file_line_and_hint(case, tmp_path):
    path = tmp_path / case["file"]
    shutil.copyfile(CASES / "bad" / case["file"], path)

    result = invoke("check", str(path), "--json")
    assert result.exit_code == 2, result.output
    errors = [f for f in json.loads(result.stdout)["findings"] if f["severity"] == "error"]
    assert len(errors) == 1, errors
    (error,) = errors
    assert (error["file"], error["line"], error["code"]) == (str(path), case["line"], case["code"])
    assert error["hint"], "a hint says what to do"

    text = invoke("check", str(path))
    assert text.exit_code == 2
    line = next(n for n in text.stdout.splitlines() if f":{case['line']}:" in n)
    assert re.match(re.escape(f"{path}:{case['line']}:") + r"\d+: " + re.escape(case["code"]) + ": ", line), line
    assert case["expect"] in line and line.endswith(f"({error['hint']})"), line


# -- the words for the good shapes -------------------------------------------------------


@pytest.fixture
def a7(tmp_path):
    """`--rules` and `--facts` for A3 to A7 with A7 needing one of A3, A5 and one of A4, A6; A3 done."""
    rules = write_rules(
        tmp_path / "rules.yaml",
        step("A3", sequence=3), step("A4", sequence=4), step("A5", sequence=5), step("A6", sequence=6),
        step("A7", need_any("A3", "A5"), need_any("A4", "A6"), title="Mexico joins NORAD", sequence=7),
        step("B1", need("permit", to_start=True), sequence=1, sector="security"),
        conditions=["permit"], pathway="a7")
    facts = write_facts(tmp_path / "facts.yaml", "A3")
    return ("--rules", str(rules), "--facts", str(facts))


def test_status_and_why_name_the_group_a7_still_needs(a7):
    status = invoke(*a7, "status")
    assert status.exit_code == 0, status.output
    assert re.search(r"A7\s+blocked\s+Mexico joins NORAD\s+one of A4, A6$", status.stdout, re.MULTILINE), status.stdout
    why = invoke(*a7, "why", "A7")
    assert "A7 (Mexico joins NORAD) is blocked: it needs one of A4, A6 (stated)." in why.stdout
    assert "Can be done now toward it: A4, A6." in why.stdout


def test_why_json_has_the_group_node_and_its_members(a7):
    document = json.loads(invoke(*a7, "why", "A7", "--json").stdout)
    assert document["missing"] == ["A4|A6"]
    (top,) = [document["nodes"][i] for i in document["tree"]]
    assert (top["id"], top["kind"], top["state"], top["actionable"]) == ("A4|A6", "any-of", "unmet", False)
    assert [document["nodes"][i]["id"] for i in top["needs"]] == ["A4", "A6"]


def test_assert_refuses_a7_naming_the_group_and_takes_it_once_a_member_holds(a7):
    line = one_error_line(perimeter(*a7, "assert", "A7"), 1)
    assert line == ('perimeter: A7 needs one of A4, A6 first (stated: "q"). Record one of A4, A6, or use --force to '
                    'record A7 anyway as a violation.')
    assert invoke(*a7, "assert", "A6").exit_code == 0
    assert invoke(*a7, "assert", "A7").exit_code == 0
    assert re.search(r"A7\s+done", invoke(*a7, "status").stdout)


def test_a_step_needed_to_start_is_refused_then_stays_done_when_its_condition_is_withdrawn(a7):
    assert invoke(*a7, "assert", "B1").exit_code == 1
    assert invoke(*a7, "assert", "permit", "B1").exit_code == 0
    assert invoke(*a7, "retract", "permit").exit_code == 0
    assert re.search(r"B1\s+done", invoke(*a7, "status").stdout)


def test_a_step_forced_in_without_what_it_needs_to_start_is_violated_and_stays_so(a7, state):
    assert invoke(*a7, "assert", "B1", "--force").exit_code == 0
    assert invoke(*a7, "assert", "permit").exit_code == 0, "establishing it afterwards does not mend the start"
    assert re.search(r"B1\s+violated\s+.*permit \(not met when taken\)$", invoke(*a7, "status").stdout, re.MULTILINE)
    (b1,) = [s for s in json.loads(invoke(*a7, "status", "--json").stdout)["steps"] if s["id"] == "B1"]
    assert [(b["id"], b["to_start"]) for b in b1["blockers"]] == [("permit", True)]
    assert "permit did not hold when it was taken" in invoke(*a7, "why", "B1").stdout
    (fact,) = [f for f in yaml.safe_load(state.read_text())["facts"] if f["id"] == "B1"]
    assert fact["started_without"] == ["permit"]


def test_show_says_which_preconditions_are_groups_and_which_are_needed_to_start(a7):
    assert "requires one of A3, A5 (stated)" in invoke(*a7, "show", "A7").stdout
    assert "requires to start permit (stated)" in invoke(*a7, "show", "B1").stdout


def test_graph_draws_the_junctions(a7):
    text = invoke(*a7, "graph", "--format", "mermaid").stdout
    assert len(re.findall(r'^\s*n\d+\(\("any of"\)\):::(holds|absent)$', text, re.MULTILINE)) == 2, text
    dot = invoke(*a7, "graph", "--format", "dot").stdout
    assert len(re.findall(r'\[label="any of", shape=circle', dot)) == 2, dot
