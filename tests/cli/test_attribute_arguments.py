"""Declared attributes at the command line (issue 15, item 2): the reproductions, refusals and exits.

An attribute the rules do not declare, or a value that is not of its type, is
input that is wrong: one line, exit 2, nothing stored.  A required attribute
left out, or a value a constraint rules out, is a refusal (exit 1) that
`--force` turns into a `violated` step.
"""

from __future__ import annotations

import json

import pytest

from clitools import answer, one_error_line, perimeter, states
from perimeter.files.sources import shipped_dir

EXAMPLE = shipped_dir("rules") / "examples" / "wildfire"
WILDFIRE = ("--rules", str(EXAMPLE / "rules.yaml"), "--facts", str(EXAMPLE / "facts.yaml"))


def wildfire(*args: str) -> str:
    return answer(*WILDFIRE, *args)


def status(*global_options: str) -> dict:
    return json.loads(answer(*global_options, "status", "--json"))


# -- the paper ----------------------------------------------------------------------------------------

def test_regression_vetting_holds_false_is_refused_not_established(state):
    # It printed "vetting established".
    line = one_error_line(perimeter("assert", "vetting", "holds=false"), 2)
    assert line == ("perimeter: fact 'vetting' takes no attributes, and 'holds' is given "
                    "(leave 'holds' out: the rules declare no attribute for vetting)")
    assert not state.exists()


def test_regression_a4_colour_blue_is_refused_not_recorded(state):
    # It recorded A4 as done.
    answer("assert", "A1", "A2", "A3")
    line = one_error_line(perimeter("assert", "A4", "colour=blue"), 2)
    assert line == "perimeter: fact 'A4': unknown attribute 'colour' (A4 takes location, leader)"
    assert states(status())["A4"] == "eligible"


def test_a4_attribute_names_match_without_case_and_values_without_accents():
    answer("assert", "A1", "A2", "A3")
    assert answer("assert", "A4", "Location=México", "LEADER=mexican").startswith("A4 recorded")
    document = status()
    assert states(document)["A4"] == "done"
    assert "attribute location (text, required)" in answer("show", "A4")


# -- the example rule set -----------------------------------------------------------------------------

def test_regression_a_misspelt_depot_location_is_refused_with_a_suggestion():
    # `assert shared-depot locaton=Cedarvale` was recorded as done.
    line = one_error_line(perimeter(*WILDFIRE, "assert", "shared-depot", "locaton=Cedarvale"), 2)
    assert line == "perimeter: fact 'shared-depot': unknown attribute 'locaton' (did you mean 'location'?)"
    assert states(status(*WILDFIRE))["shared-depot"] == "eligible"


def test_a_depot_without_its_required_location_is_refused_then_violated_when_forced():
    line = one_error_line(perimeter(*WILDFIRE, "assert", "shared-depot"), 1)
    assert line == ("perimeter: shared-depot needs attributes the rules ask for: location is required, no location "
                    "is given. Give location=... (Section 9: \"The depot shall stand in Alder or Birchmoor, the two "
                    "provinces with a rail line to the Long Ridge.\"), or use --force to record shared-depot anyway "
                    "as a violation.")
    assert wildfire("assert", "shared-depot", "--force").startswith("shared-depot recorded but violated")
    document = status(*WILDFIRE)
    (blocker,) = next(s for s in document["steps"] if s["id"] == "shared-depot")["blockers"]
    assert (blocker["id"], blocker["kind"], blocker["citation"]["section"]) == (
        "shared-depot.location", "attribute", "Section 9")
    why = json.loads(wildfire("why", "shared-depot", "--json"))
    assert why["state"] == "violated" and why["violations"][0]["detail"] == "no location is given"
    assert "location is required (no location is given" in wildfire("why", "shared-depot")
    wildfire("assert", "shared-depot", "location=Alder")
    assert states(status(*WILDFIRE))["shared-depot"] == "done"


@pytest.mark.parametrize(("fact", "expected"), [
    (["air-tanker-pool", "tankers=many"],
     "fact 'air-tanker-pool': attribute 'tankers': 'many' is not a number (write a number such as 12 or 3.5)"),
    (["shared-depot", "location=Alder", "opened=2025-02-30"],
     "fact 'shared-depot': attribute 'opened': '2025-02-30' is not a date: day is out of range for month"),
    (["shared-depot", "location=Alder", "opened=1 May 2025"],
     "fact 'shared-depot': attribute 'opened': '1 May 2025' is not a date as YYYY-MM-DD"),
    (["shared-depot", "location=Elmwood"],
     "fact 'shared-depot': attribute 'location' is 'Elmwood', not one of Alder, Birchmoor, Cedarvale"),
])
def test_a_value_that_is_not_of_its_type_is_one_line_exit_2_and_stores_nothing(state, fact, expected):
    line = one_error_line(perimeter(*WILDFIRE, "assert", *fact), 2)
    assert expected in line
    assert not state.exists()


@pytest.mark.parametrize(("tankers", "recorded"), [("2", True), ("06.0", True), ("7", False), ("1.5", False)])
def test_the_tanker_count_is_compared_by_value(tankers, recorded):
    wildfire("assert", "shared-depot", "location=Birchmoor")
    result = perimeter(*WILDFIRE, "assert", "air-tanker-pool", f"tankers={tankers}")
    if recorded:
        assert result.returncode == 0, result.stderr
        assert states(status(*WILDFIRE))["air-tanker-pool"] == "done"
    else:
        line = one_error_line(result, 1)
        assert f"tankers must be from 2 to 6, tankers is '{tankers}'" in line


def test_show_lists_the_declared_attributes_and_the_bounds():
    out = wildfire("show", "air-tanker-pool")
    assert 'attribute tankers (number) Section 10: "The pool holds no fewer than two tankers' in out
    assert "tankers must be from 2 to 6 (stated) Section 10:" in out
    depot = wildfire("show", "shared-depot")
    assert "attribute location (text, required, one of Alder, Birchmoor, Cedarvale) Section 9:" in depot
    shown = json.loads(wildfire("show", "shared-depot", "--json"))
    assert [(a["name"], a["type"], a["required"]) for a in shown["attributes"]] == [
        ("location", "text", True), ("opened", "date", False)]


def test_check_reports_a_bound_on_text_with_its_file_and_line(tmp_path):
    rules = tmp_path / "rules.yaml"
    rules.write_text("steps:\n  - id: S1\n    title: A step\n    actors: [us]\n    sector: defense\n    sequence: 1\n"
                     "    citation: {section: s, quote: q}\n    attributes: [{name: place}]\n    constraints:\n"
                     "      - {attribute: place, min: 3, basis: stated, citation: {section: s, quote: q}}\n")
    result = perimeter("check", str(rules))
    assert result.returncode == 2
    assert f"{rules}:10:28: bad-constraint: S1: `min` on 'place', a text attribute" in result.stdout


def test_the_schema_describes_attributes_and_bounds():
    schema = json.loads(answer("schema"))
    definitions = schema["$defs"]
    assert set(definitions["Attribute"]["properties"]) == {"name", "type", "required", "allowed", "citation", "note"}
    assert definitions["AttributeType"]["enum"] == ["text", "number", "date"]
    assert {"min", "max", "allowed"} <= set(definitions["Constraint"]["properties"])
    assert "attributes" in definitions["Step"]["properties"] and "attributes" in definitions["Condition"]["properties"]
