"""The worked example of the rule language (rules/examples/approval): every shape, through the command."""

from __future__ import annotations

import json

import pytest
from builders import REPO
from clitools import main

EXAMPLE = REPO / "rules" / "examples" / "approval"


@pytest.fixture
def run(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("PERIMETER_STATE", str(tmp_path / "state.yaml"))

    def perimeter(*args: str):
        return main(capsys, "--rules", str(EXAMPLE / "rules.yaml"), "--facts", str(EXAMPLE / "facts.yaml"), *args)

    return perimeter


def states(run) -> dict[str, str]:
    document = json.loads(run("status", "--json").stdout)
    return {s["id"]: s["state"] for s in [*document["steps"], *document["goals"]]}


def test_the_example_passes_check_strict(capsys):
    result = main(capsys, "check", "--strict", str(EXAMPLE / "rules.yaml"), str(EXAMPLE / "facts.yaml"))
    assert result.returncode == 0, result.stdout + result.stderr


def test_two_of_three_trials_and_the_plan_takes_the_fewest(run):
    assert run("assert", "ind").returncode == 0
    plan = json.loads(run("plan", "approval", "--json").stdout)
    assert plan["order"] == ["trial-1", "trial-2", "application", "committee", "approval"]
    assert run("assert", "trial-3").returncode == 0
    plan = json.loads(run("plan", "approval", "--json").stdout)
    assert plan["order"] == ["trial-1", "application", "committee", "approval"], "a trial already done counts"
    assert states(run)["application"] == "blocked"
    assert run("assert", "trial-1").returncode == 0
    assert states(run)["application"] == "eligible"


def test_an_entry_condition_is_needed_to_start_not_to_stay(run):
    assert run("retract", "no-clinical-hold").returncode == 0
    refused = run("assert", "ind")
    assert refused.returncode == 1 and "no-clinical-hold" in refused.stderr
    assert run("assert", "no-clinical-hold").returncode == 0
    assert run("assert", "ind").returncode == 0
    assert run("retract", "no-clinical-hold").returncode == 0
    assert states(run)["ind"] == "done", "withdrawn later, the entry condition leaves the step done"
    why = run("why", "ind").stdout
    assert "no-clinical-hold was met when it was taken, and no longer holds" in why


def test_a_required_date_and_a_minimum_count(run):
    for step in ("ind", "trial-1", "trial-2"):
        assert run("assert", step).returncode == 0
    missing = run("assert", "application", "trials=2")
    assert missing.returncode == 1 and "filed is required" in missing.stderr
    bad = run("assert", "application", "filed=yesterday")
    assert bad.returncode == 2 and "filed" in bad.stderr
    low = run("assert", "application", "filed=2025-01-02", "trials=1")
    assert low.returncode == 1
    assert run("assert", "application", "filed=2025-01-02", "trials=2").returncode == 0
    assert states(run)["application"] == "done"


def test_an_alternative_and_two_goals(run):
    for step in ("ind", "trial-1", "trial-2"):
        run("assert", step)
    run("assert", "application", "filed=2025-01-02")
    why = run("why", "approval").stdout
    assert "it needs one of committee, written-reason (stated)" in why
    assert run("assert", "written-reason").returncode == 0
    assert states(run)["approval"] == "done" and states(run)["label-update"] == "done"
    ambiguous = run("why", "goal")
    assert ambiguous.returncode == 2 and "approval" in ambiguous.stderr and "label-update" in ambiguous.stderr


def test_the_graph_draws_lanes_and_junctions(run):
    mermaid = run("graph", "--format", "mermaid").stdout
    assert '["Clinical trials"]' in mermaid and '["Regulatory review"]' in mermaid
    assert '(("2 of 3"))' in mermaid and '(("any of"))' in mermaid
