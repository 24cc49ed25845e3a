"""`perimeter status`: text, JSON, readings, and user errors without tracebacks."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from perimeter.cli.main import app
from builders import write_facts, write_rules
from clitools import perimeter

runner = CliRunner()


def test_status_json_has_the_stable_shape_and_the_2013_states():
    result = runner.invoke(app, ["status", "--json"])
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    states = {s["id"]: s["state"] for s in document["steps"]}
    assert [k for k, v in states.items() if v == "eligible"] == ["A1", "A2", "B3"]
    assert set(document["steps"][0]) == {"id", "title", "state", "blockers"}
    b1 = next(s for s in document["steps"] if s["id"] == "B1")
    assert b1["blockers"] == [{"id": "vetting", "kind": "condition", "basis": "stated", "to_start": False,
                               "citation": {
        "section": b1["blockers"][0]["citation"]["section"],
        "quote": b1["blockers"][0]["citation"]["quote"]}}]
    assert "vetting" in b1["blockers"][0]["citation"]["quote"]
    assert document["goal"]["id"] == "goal" and document["goal"]["state"] == "blocked"
    assert document["reading"] == "default" and "mode" not in document
    assert {"id": "vetting", "holds": False} in document["conditions"]


def test_status_text_names_states_and_blockers():
    result = runner.invoke(app, ["status"])
    assert result.exit_code == 0
    a7 = next(line for line in result.stdout.splitlines() if line.startswith("A7 "))
    assert "blocked" in a7 and "A5, A6" in a7 and "Mexico joins NORAD" in a7


def test_the_least_demanding_reading_opens_a5_and_b4():
    """What `--stated-only` showed (it is gone): A5's need of A3 and B4's of B2 are readings."""
    result = runner.invoke(app, ["--reading", "least", "status", "--json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["reading"] == "least"
    states = {s["id"]: s["state"] for s in document["steps"]}
    assert [k for k, v in states.items() if v == "eligible"] == ["A1", "A2", "A5", "B3", "B4"]
    a7 = next(s for s in document["steps"] if s["id"] == "A7")
    assert [b["id"] for b in a7["blockers"]] == ["A3|A5", "A4|A6"]
    text = runner.invoke(app, ["--choose", "a5-needs=independent", "status"]).stdout
    assert text.startswith("downie-2013 (reading: default (a5-needs=independent)); state: ")
    assert next(line for line in text.splitlines() if line.startswith("A5 ")).split()[1] == "eligible"
    assert next(line for line in text.splitlines() if line.startswith("B4 ")).split()[1] == "blocked"


def test_custom_rules_and_facts_files(tmp_path):
    rules = write_rules(tmp_path / "rules.yaml", ("plan", []), ("build", ["plan"]))
    facts = write_facts(tmp_path / "facts.yaml", "plan")
    result = runner.invoke(app, ["--rules", str(rules), "--facts", str(facts), "status", "--json"])
    assert result.exit_code == 0, result.output
    assert {s["id"]: s["state"] for s in json.loads(result.stdout)["steps"]} == {"plan": "done", "build": "eligible"}


@pytest.mark.parametrize(("content", "expected"), [
    ("steps: [\n", ":2:1: parse: malformed YAML"),
    ("steps:\n  - id: A1\n    title: x\n", ":2:5: schema: step A1: `actors` is missing"),
    ("steps: []\nbogus: 1\n", ":2:1: schema: unknown field 'bogus'"),
])
def test_a_bad_rule_file_is_one_located_line_and_exit_2(tmp_path, content, expected):
    bad = tmp_path / "bad.yaml"
    bad.write_text(content)
    result = perimeter("--rules", str(bad), "status", cwd=tmp_path)
    assert result.returncode == 2
    assert f"{bad}{expected}" in result.stderr.splitlines()[0]
    assert "Traceback" not in result.stderr and not result.stdout


def test_an_unknown_fact_in_a_fact_file_suggests_the_closest_id(tmp_path):
    facts = tmp_path / "facts.yaml"
    facts.write_text("facts:\n  - id: vettin\n")
    result = perimeter("--facts", str(facts), "status", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip() == (f"{facts}:2:5: unknown-id: unknown step or condition 'vettin' "
                                     "(did you mean 'vetting'?)")


def test_a_missing_rules_path_exits_2(tmp_path):
    result = perimeter("--rules", str(tmp_path / "nowhere"), "status", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("perimeter: ") and "no such file or folder" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_installed_command_finds_its_rules_from_any_directory(tmp_path):
    result = perimeter("status", "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert len(json.loads(result.stdout)["steps"]) == 18


def test_version():
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.stdout.strip().startswith("perimeter ")
