"""`check` worth listening to (issue 16): each reproduction of the issue, through the command.

- `check --strict` failed on the shipped rule set: every condition users assert was "unreachable",
  and one recorded for context only was "not needed".  Conditions now say so (`external: true`,
  `context: true`), and the shipped rule set and both examples pass `--strict`.
- A fact file inside a `--rules` folder passed `check DIR`, and `--rules DIR` failed with "unknown
  field 'facts'".  It is now one line naming the file: a fact file, pass it with --facts.
- Schema problems spoke pydantic's language and list indexes; a cycle was reported several times.
"""

from __future__ import annotations

import json
import shutil

import pytest
import yaml

from builders import REPO, rule_set, step, write_facts, write_rules
from clitools import invoke, main, one_error_line

EXAMPLES = REPO / "rules" / "examples"


def findings(*args: str) -> tuple[int, list[dict]]:
    result = invoke("check", *args, "--json")
    return result.exit_code, json.loads(result.stdout)["findings"]


# -- check --strict on the rule sets perimeter ships ---------------------------------------------

@pytest.mark.parametrize("rules", [None, EXAMPLES / "approval", EXAMPLES / "wildfire"],
                         ids=["shipped", "approval", "wildfire"])
def test_strict_check_passes_on_the_shipped_and_example_rule_sets(rules):
    result = invoke("check", "--strict", *([str(rules)] if rules else []))
    assert result.exit_code == 0, result.stdout
    assert result.stdout.strip() == "0 errors, 0 warnings"


def test_the_shipped_conditions_say_which_are_asserted_and_which_are_context():
    from perimeter import load_pathway

    pathway = load_pathway()
    # Needed under some reading: a precondition written `when:` a choice counts under some of them only.
    needed = {n for step in pathway.steps.values() for r in step.preconditions for n in r.needs}
    assert [c for c, rule in pathway.conditions.items() if rule.external] == ["vetting", "us_mexico_border_organization"]
    assert {c for c, rule in pathway.conditions.items() if not rule.context} == {
        "vetting", "norad", "ibet_canada_us", "us_mexico_border_organization"}
    assert all(rule.context != (c in needed) for c, rule in pathway.conditions.items()), "context means not needed"
    assert pathway.conditions["us_mexico_working_group_1996"].context

    # The border organization is needed only under the reading that has Canada join one no step creates.
    unnamed = pathway.readings.reading(choose={"b6-joins": "unnamed"})
    assert "us_mexico_border_organization" not in {n for r in pathway.requirements() for n in r.needs}
    assert "us_mexico_border_organization" in {n for r in pathway.requirements(unnamed) for n in r.needs}


# -- external and context ------------------------------------------------------------------------

def conditions_rule_set(tmp_path, **flags):
    """`cert` needed by a, not in the baseline; `history` needed by nothing; flags set on each by name."""
    conditions = [{"id": "cert", "title": "A certificate", **flags.get("cert", {})},
                  {"id": "history", "title": "A body that once existed", **flags.get("history", {})}]
    return write_rules(tmp_path, rule_set(step("a", "cert"), step("b", "a", sequence=2),
                                          conditions=conditions, goal=["b"]))


def test_without_flags_an_asserted_condition_is_unreachable_and_a_context_one_not_needed(tmp_path):
    rules = conditions_rule_set(tmp_path)
    status, found = findings(str(rules), str(write_facts(tmp_path / "facts.yaml")), "--strict")
    assert status == 2
    assert [(f["code"], f["message"].split(":")[0]) for f in found] == [
        ("unreachable", "a (and 2 steps after them) cannot be reached from the baseline by steps alone"),
        ("not-needed", "no step needs condition history")]
    assert "declare it `external: true` if users assert it" in found[0]["hint"]
    assert "declare it `context: true` if it is recorded for context only" in found[1]["hint"]


def test_external_and_context_conditions_pass_strict(tmp_path):
    rules = conditions_rule_set(tmp_path, cert={"external": True}, history={"context": True})
    status, found = findings(str(rules), str(write_facts(tmp_path / "facts.yaml")), "--strict")
    assert (status, found) == (0, [])


def test_a_context_condition_that_a_step_needs_is_a_warning(tmp_path):
    rules = conditions_rule_set(tmp_path, cert={"context": True, "external": True}, history={"context": True})
    status, found = findings(str(rules), str(write_facts(tmp_path / "facts.yaml")))
    assert status == 0
    (warning,) = found
    assert (warning["code"], warning["severity"]) == ("context-needed", "warning")
    assert warning["message"] == "condition cert is declared context only, but a needs it"
    assert warning["line"] == rules.read_text().splitlines().index("- id: cert") + 1
    assert invoke("check", str(rules), str(tmp_path / "facts.yaml"), "--strict").exit_code == 2


def test_the_schema_offers_the_two_flags():
    condition = json.loads(invoke("schema").stdout)["$defs"]["Condition"]["properties"]
    assert condition["external"] == {"default": False, "title": "External", "type": "boolean"}
    assert condition["context"] == {"default": False, "title": "Context", "type": "boolean"}


# -- files of another kind among the rules -------------------------------------------------------

def test_a_fact_file_in_a_rules_folder_is_one_line_naming_it(tmp_path, capsys):
    folder = tmp_path / "approval"
    shutil.copytree(EXAMPLES / "approval", folder)
    (folder / "scenarios.yaml").unlink(missing_ok=True)
    assert invoke("check", "--strict", str(folder)).exit_code == 0, "check tells the files apart"

    line = one_error_line(main(capsys, "--rules", str(folder), "status"))

    assert line == (f"perimeter: {folder / 'facts.yaml'}:1:1: this is a fact file (it has `facts:`), "
                    "not a rule file (pass it with --facts)")


def test_the_folder_works_once_its_files_are_given_by_kind(capsys):
    folder = EXAMPLES / "approval"
    result = main(capsys, "--rules", str(folder / "rules.yaml"), "--facts", str(folder / "facts.yaml"), "next")
    assert result.returncode == 0 and "ind" in result.stdout


def test_a_scenario_file_in_a_rules_folder_says_how_to_run_it(tmp_path, capsys):
    write_rules(tmp_path, rule_set("S1"))
    (tmp_path / "scenarios.yaml").write_text(yaml.safe_dump({"scenarios": [{"name": "start"}]}))
    line = one_error_line(main(capsys, "--rules", str(tmp_path), "status"))
    assert line.endswith("scenarios.yaml:1:1: this is a scenario file (it has `scenarios:`), not a rule file "
                         "(run it with `perimeter test`)")


def test_a_rule_file_given_as_facts_says_to_pass_it_with_rules(capsys):
    line = one_error_line(main(capsys, "--facts", str(REPO / "rules" / "pathway.yaml"), "status"))
    assert "this is a rule file (it has `pathway:`, `conditions:`, `steps:`, `goal:`, `vocabulary:`), not a fact file" in line
    assert line.endswith("(pass it with --rules)")


# -- schema messages and cycles in perimeter's words ---------------------------------------------

def test_schema_findings_are_located_by_id_with_a_did_you_mean(tmp_path):
    rules = tmp_path / "rules.yaml"
    rules.write_text(
        "conditions:\n"
        "  - {id: permit, title: Permit, constraints: []}\n"
        "steps:\n"
        "  - {id: A1, title: One, actors: [us], sector: defense, sequence: 1, citation: {section: s, quote: q}}\n"
        "  - id: A4\n    title: Four\n    actors: [us]\n    sector: defense\n    sequence: 4\n"
        "    citation: {section: s, quote: q}\n"
        "    precondtions: []\n"
        "  - id: A5\n    title: Five\n    actors: [us]\n    sector: defense\n    sequence: 5\n"
        "    citation: {section: s, quote: q}\n"
        "    preconditions:\n"
        "      - {requires: A1, basis: stated, citation: {section: s, quote: q}}\n"
        "      - {any_off: [A1], basis: stated, citation: {section: s, quote: q}}\n"
        "      - {at_lest: 1, of: [A1], basis: stated, citation: {section: s, quote: q}}\n"
        "      - {basis: stated, citation: {section: s, quote: q}}\n"
        "goal: {title: G, citation: {section: s, quote: q}, preconditions: []}\n")
    status, found = findings(str(rules))
    assert status == 2
    assert [(f["line"], f["message"], f["hint"]) for f in found] == [
        (2, "condition permit: conditions take no `constraints`",
         "put the constraint on a step; a condition's attribute may list its `allowed` values"),
        (11, "step A4: unknown field 'precondtions'", "did you mean 'preconditions'?"),
        (20, "step A5, precondition 2: unknown field 'any_off'", "did you mean 'any_of'?"),
        (21, "step A5, precondition 3: unknown field 'at_lest'", "did you mean 'at_least'?"),
        (22, "step A5, precondition 4: a precondition takes one of `requires: ID`, `any_of: [ID, ...]` or "
             "`at_least: K` with `of: [ID, ...]`", "name what it needs in one of these shapes"),
        (23, "`goal.preconditions` is empty: it needs at least 1 precondition", "list at least 1"),
    ]


def test_one_wrong_edge_is_one_cycle_finding(tmp_path):
    rules = write_rules(tmp_path, rule_set(("s1", ["s4"]), ("s2", ["s1"]), ("s3", ["s2"]), ("s4", ["s3", "s2"])))
    status, found = findings(str(rules))
    assert status == 2
    (cycle,) = found
    assert cycle["code"] == "cycle" and cycle["message"].startswith("precondition cycle: s1 -> s4 -> s2 -> s1 (")
    assert cycle["hint"].startswith("the likely mistake is s1 (number 1) needing s4 (number 4)")


def test_an_unknown_lane_speaks_of_rule_sets_not_the_paper(tmp_path):
    document = rule_set("S1")
    document["steps"][0]["lane"] = "navy"
    status, found = findings(str(write_rules(tmp_path, document)))
    assert status == 2 and "paper" not in found[0]["hint"]
    assert found[0]["hint"].endswith("the three lanes of a rule set that declares none: defense, cross-sector, security")


def test_check_of_a_folder_checks_its_scenario_file_against_its_rules(tmp_path):
    folder = tmp_path / "approval"
    shutil.copytree(EXAMPLES / "approval", folder)
    scenarios = folder / "scenarios.yaml"
    scenarios.write_text(scenarios.read_text().replace("assert: ind", "assert: indd", 1))
    code, found = findings(str(folder))
    assert code == 2
    assert [(f["code"], f["file"].endswith("scenarios.yaml")) for f in found] == [("unknown-id", True)], found
    assert "'indd'" in found[0]["message"] and "ind" in found[0]["hint"]


def test_check_of_a_rules_folder_holding_other_files_says_which_option_takes_them():
    result = invoke("--rules", str(EXAMPLES / "approval"), "check")
    assert result.exit_code == 2
    lines = result.stdout.splitlines()
    assert any(line.endswith("not a rule file (pass it with --facts)") and "facts.yaml" in line for line in lines), lines
    assert any("scenarios.yaml" in line and "perimeter test" in line for line in lines), lines
