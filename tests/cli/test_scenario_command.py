"""`perimeter test SCENARIO...`: the shipped scenario files pass with coverage, a failed expectation
exits 1 with a readable diff, bad files exit 2 in one line, and no state file is read or written."""

from __future__ import annotations

import json
import re

import pytest

from builders import REPO
from clitools import main, one_error_line, perimeter

EXAMPLES = REPO / "rules" / "examples"
SHIPPED = [
    ([], REPO / "rules" / "scenarios" / "pathway.yaml"),
    (["--rules", str(EXAMPLES / "approval" / "rules.yaml"), "--facts", str(EXAMPLES / "approval" / "facts.yaml")],
     EXAMPLES / "approval" / "scenarios.yaml"),
    (["--rules", str(EXAMPLES / "wildfire" / "rules.yaml"), "--facts", str(EXAMPLES / "wildfire" / "facts.yaml")],
     EXAMPLES / "wildfire" / "scenarios.yaml"),
]
COVERAGE = re.compile(r"^coverage: (\d+) of (\d+) preconditions seen both met and unmet \(([\d.]+)%\), over \d+ states$",
                      re.M)


@pytest.mark.parametrize(("options", "scenarios"), SHIPPED, ids=["paper", "approval", "wildfire"])
def test_each_shipped_scenario_file_passes_and_reports_its_coverage(options, scenarios, state):
    result = perimeter(*options, "test", str(scenarios), "--coverage")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stderr == "" and "FAILED" not in result.stdout
    covered, total, percent = COVERAGE.search(result.stdout).groups()
    assert covered == total and int(total) > 0 and percent == "100.0"
    listed = re.findall(r"^  (met and unmet|only met|only unmet) ", result.stdout, re.M)
    assert len(listed) == int(total) and set(listed) == {"met and unmet"}
    assert not state.exists() and not state.parent.exists(), "perimeter test never touches the state"


def test_with_no_file_the_shipped_rule_set_runs_its_own_scenarios(capsys):
    result = main(capsys, "test")
    assert result.returncode == 0, result.stderr
    assert "rules/scenarios/pathway.yaml" in result.stdout and "the vetting gate" in result.stdout
    assert COVERAGE.search(result.stdout) is None  # only with --coverage


def test_with_other_rules_and_no_file_it_asks_for_the_files(capsys):
    rules = EXAMPLES / "wildfire" / "rules.yaml"
    line = one_error_line(main(capsys, "--rules", str(rules), "test"))
    assert "no scenario files given" in line and "perimeter test FILE" in line


def _write(tmp_path, text: str):
    path = tmp_path / "scenarios.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_wrong_expectation_fails_with_exit_1_and_the_diff(tmp_path, capsys):
    path = _write(tmp_path, """\
scenarios:
  - name: the baseline holds
    expect: {eligible: [A1, A2]}
  - name: A4 too early
    do:
      - {assert: A1}
    expect:
      done: [A4]
      blockers: {A7: [A5]}
      plan: {A3: [A3]}
""")
    result = main(capsys, "test", str(path))
    assert result.returncode == 1 and result.stderr == ""
    assert re.search(r"passed\s+the baseline holds", result.stdout)
    assert re.search(r"FAILED\s+A4 too early\n"
                     r"\s+line 8: A4: expected done, found blocked \(needs A3\)\n"
                     r"\s+line 9: A7: expected blockers \[A5\], found \[A5, A6\]\n"
                     r"\s+line 10: plan for A3: expected \[A3\], found \[A2, A3\]\n", result.stdout), result.stdout
    assert "2 scenarios: 1 passed, 1 failed" in result.stdout


def test_an_expected_refusal_passes_when_refused_and_fails_when_recorded(tmp_path, capsys):
    refused = _write(tmp_path, "scenarios:\n  - name: A4 needs A3\n    do: [{assert: A4, refused: true}]\n"
                               "    expect: {blocked: [A4]}\n")
    result = main(capsys, "test", str(refused))
    assert result.returncode == 0 and "passed  A4 needs A3" in result.stdout
    recorded = _write(tmp_path, "scenarios:\n  - name: A1 is free\n    do: [{assert: A1, refused: true}]\n")
    result = main(capsys, "test", str(recorded))
    assert result.returncode == 1
    assert "line 3: assert A1 (action 1): expected refused, found recorded" in result.stdout


def test_an_unexpected_refusal_is_a_failure_not_a_crash(tmp_path):
    path = _write(tmp_path, "scenarios:\n  - name: A4 in the US\n    do:\n"
                            "      - {assert: A4, attributes: {location: United States, leader: Mexican}}\n"
                            "      - {assert: A1}\n      - {assert: A2}\n      - {assert: A3}\n"
                            "      - {assert: A4, attributes: {location: United States, leader: Mexican}}\n"
                            "    expect: {done: [A3]}\n")
    result = perimeter("test", str(path))
    assert result.returncode == 1 and result.stderr == "" and "Traceback" not in result.stdout
    lines = re.findall(r"^\s+line \d+: .*$", result.stdout, re.M)
    assert [line.strip() for line in lines] == [
        "line 4: assert A4 (action 1): expected recorded, found refused (needs A3)",
        "line 8: assert A4 (action 5): expected recorded, found refused "
        "(location must be Mexico, location is 'United States')",
    ]  # and the actions between them were applied: A3 is done, as expected


def test_json_gives_the_mismatches_and_the_coverage_as_data(tmp_path, capsys):
    path = _write(tmp_path, "scenarios:\n  - name: s\n    do: [{assert: A1}]\n    expect: {done: [A2]}\n")
    document = json.loads(main(capsys, "test", str(path), "--json", "--coverage").stdout)
    assert set(document) == {"format", "pathway", "reading", "passed", "counts", "files", "scenarios", "coverage"}
    assert (document["pathway"], document["reading"], document["passed"]) == ("downie-2013", "default", False)
    assert document["counts"] == {"scenarios": 1, "passed": 0, "failed": 1}
    (scenario,) = document["scenarios"]
    (mismatch,) = scenario["mismatches"]
    assert {k: mismatch[k] for k in ("what", "id", "expected", "found", "line")} == {
        "what": "state", "id": "A2", "expected": ["done"], "found": ["eligible"], "line": 4}
    coverage = document["coverage"]
    assert coverage["total"] == len(coverage["preconditions"]) == 27 and coverage["states"] == 2
    a3_a1 = next(p for p in coverage["preconditions"] if (p["step"], p["id"]) == ("A3", "A1"))
    assert (a3_a1["met"], a3_a1["unmet"], a3_a1["covered"]) == (True, True, True)
    without = json.loads(main(capsys, "test", str(path), "--json").stdout)
    assert without["coverage"] is None


def test_the_reading_applies_to_the_scenarios_that_name_none(capsys):
    """The shipped scenarios pin the default reading: under --reading least A5 no longer needs A3, nor B4 B2;
    a scenario that names its own reading runs under it whatever the run's."""
    result = main(capsys, "--reading", "least", "test")
    assert result.returncode == 1
    assert result.stdout.startswith("rule set downie-2013 (reading: least)\n")
    assert "A5: expected blocked, found eligible" in result.stdout
    assert "B4: expected blocked, found eligible" in result.stdout
    assert re.search(r"passed\s+the least demanding reading in 2013\n", result.stdout)

    one = main(capsys, "--choose", "a5-needs=independent", "test")
    assert one.returncode == 1
    assert one.stdout.startswith("rule set downie-2013 (reading: default (a5-needs=independent))\n")
    assert "A5: expected blocked, found eligible" in one.stdout
    assert "B4: expected" not in one.stdout


def test_a_scenario_file_for_another_rule_set_is_refused_in_one_line(capsys):
    result = main(capsys, "test", str(EXAMPLES / "wildfire" / "scenarios.yaml"))
    assert result.returncode == 2 and result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert "scenario-other-rules: these scenarios are written for rule set 'wildfire-compact'" in line


def test_check_validates_scenario_files_against_the_rules_given_or_in_force(tmp_path, capsys):
    assert main(capsys, "check", str(REPO / "rules" / "scenarios" / "pathway.yaml")).returncode == 0
    approval = EXAMPLES / "approval"
    result = main(capsys, "check", str(approval / "rules.yaml"), str(approval / "facts.yaml"),
                  str(approval / "scenarios.yaml"))
    assert result.returncode == 0 and "0 errors" in result.stdout
    bad = _write(tmp_path, "scenarios:\n  - name: s\n    expect: {done: [A11]}\n")
    result = main(capsys, "check", str(bad))
    assert result.returncode == 2
    assert f"{bad}:3:21: unknown-id: unknown step or condition 'A11' (did you mean 'A1'?)" in result.stdout
