"""A second rule set that is not the paper: nothing in the engine or CLI depends on the paper's ids.

The example in rules/examples/wildfire/ is a wildfire mutual-aid compact
between three provinces, written as a charter (charter.md) and encoded as
rules that cite it word for word.  Its ids are words with hyphens and
underscores, its goal is not called `goal`, and it has no spectrum.  Every
command here runs with `--rules` and `--facts` pointing at it.

The folder is found through `shipped_dir`, so these tests run both from the
checkout and against an installed package (where it is perimeter/data/rules/examples/).
"""

from __future__ import annotations

import json
import re

import pytest
import yaml
from typer.testing import CliRunner

from clitools import answer, invoke, one_error_line, perimeter, states
from perimeter import load_facts, load_pathway
from perimeter.files.sources import shipped_dir

EXAMPLE = shipped_dir("rules") / "examples" / "wildfire"
RULES = EXAMPLE / "rules.yaml"
FACTS = EXAMPLE / "facts.yaml"
CHARTER = EXAMPLE / "charter.md"
GLOBAL = ("--rules", str(RULES), "--facts", str(FACTS))

GOAL = "compact-in-force"
STEPS = ["fire-survey", "joint-drill", "cross-border-dispatch", "air-tanker-pool", "radio-net",
         "shared-depot", "supply-ledger", "liaison-desk", "cost-sharing", "compact-review"]
BASELINE = {
    "fire-survey": "done",
    "joint-drill": "blocked",
    "cross-border-dispatch": "blocked",
    "air-tanker-pool": "blocked",
    "radio-net": "eligible",
    "shared-depot": "eligible",
    "supply-ledger": "blocked",
    "liaison-desk": "eligible",
    "cost-sharing": "blocked",
    "compact-review": "blocked",
}
PAPER_IDS = ["A1", "A4", "A7", "B1", "C3", "vetting", "norad"]

runner = CliRunner()


def cli(*args: str):
    """The app in-process with the example's rules and baseline."""
    return invoke(*GLOBAL, *args)


def ok(*args: str) -> str:
    return answer(*GLOBAL, *args)


def as_json(*args: str) -> dict:
    return json.loads(ok(*args, "--json"))


def example(*args: str):
    """The command as a separate process, with the example's rules and baseline."""
    return perimeter(*GLOBAL, *args)


def blockers(document: dict, step: str) -> list[str]:
    return [b["id"] for b in next(s for s in document["steps"] if s["id"] == step)["blockers"]]


def _normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _citations(node):
    if isinstance(node, dict):
        if set(node) == {"section", "quote"}:
            yield node
        for value in node.values():
            yield from _citations(value)
    elif isinstance(node, list):
        for value in node:
            yield from _citations(value)


# -- the rule set itself -----------------------------------------------------

def test_the_example_is_found_beside_the_shipped_rules():
    assert {p.name for p in EXAMPLE.iterdir()} >= {"rules.yaml", "facts.yaml", "charter.md"}


def test_the_example_shares_no_id_with_the_paper():
    example_ = load_pathway(RULES)
    paper = load_pathway()
    assert example_.id == "wildfire-compact" != paper.id
    assert example_.goal == GOAL
    assert [s for s in example_.steps if s != GOAL] == STEPS
    ours = {i.casefold() for i in (*example_.steps, *example_.conditions)}
    theirs = {i.casefold() for i in (*paper.steps, *paper.conditions)}
    assert not ours & theirs
    assert example_.lanes == {"field-operations": "Field operations", "governance": "Governance",
                              "logistics": "Logistics"}, "its own lanes, not the paper's sectors"
    assert {rule.lane for id_, rule in example_.steps.items() if id_ != GOAL} == set(example_.lanes)
    assert set(example_.conditions) == {"radio-certification", "budget_approved"}
    assert example_.spectrum is None
    assert [f.id for f in load_facts(example_, FACTS)] == ["fire-survey", "budget_approved"]


def test_every_quote_appears_word_for_word_in_the_charter():
    charter = _normalise(CHARTER.read_text(encoding="utf-8"))
    sections = set(re.findall(r"^## (\d+)\. ", CHARTER.read_text(encoding="utf-8"), re.M))
    citations = [c for path in (RULES, FACTS) for c in _citations(yaml.safe_load(path.read_text(encoding="utf-8")))]
    assert len(citations) >= 25
    for citation in citations:
        assert _normalise(citation["quote"]) in charter, citation
        number = re.fullmatch(r"Section (\d+)", citation["section"])
        assert number and number.group(1) in sections, citation


def test_every_term_is_the_charters_own_words():
    """`terms:` (the source's words about a target, for questions in words) are quoted too (case aside)."""
    charter = _normalise(CHARTER.read_text(encoding="utf-8")).casefold()
    rules = yaml.safe_load(RULES.read_text(encoding="utf-8"))
    terms = [t for entry in (*rules["steps"], *rules.get("conditions", []), rules["goal"]) for t in entry.get("terms", [])]
    assert len(terms) >= 30
    for term in terms:
        assert _normalise(term).casefold() in charter, term


def test_the_example_has_stated_and_implied_preconditions_and_a_constraint():
    pathway = load_pathway(RULES)
    requirements = pathway.requirements()
    assert {r.basis.value for r in requirements} == {"stated", "implied"}
    assert all(r.note for r in requirements if r.basis.value == "implied")
    needing_certification = {r.step for r in requirements if r.need == "radio-certification"}
    assert needing_certification == {"joint-drill", "cross-border-dispatch"}
    (constraint,) = pathway.steps["shared-depot"].constraints
    assert (constraint.attribute, constraint.allowed) == ("location", ("Alder", "Birchmoor"))


# -- status and next ---------------------------------------------------------

def test_status_shows_the_baseline(state):
    document = as_json("status")
    assert document["pathway"] == "wildfire-compact"
    assert document["state_file"] == str(state)
    assert states(document) == BASELINE
    assert document["conditions"] == [{"id": "radio-certification", "holds": False},
                                      {"id": "budget_approved", "holds": True}]
    assert blockers(document, "joint-drill") == ["radio-net", "radio-certification"]
    assert blockers(document, "cross-border-dispatch") == ["joint-drill", "radio-certification", "liaison-desk"]
    assert blockers(document, "air-tanker-pool") == ["shared-depot"]
    assert (document["goal"]["id"], document["goal"]["state"]) == (GOAL, "blocked")
    assert [b["id"] for b in document["goal"]["blockers"]] == ["compact-review", "air-tanker-pool"]


def test_status_text_and_next():
    out = ok("status")
    assert out.splitlines()[0].startswith("wildfire-compact (reading: default); state: ")
    assert ok("--reading", "literal", "status").splitlines()[0].startswith("wildfire-compact (reading: literal); ")
    assert re.search(r"^compact-in-force\s+blocked\s+The compact in full force\s+compact-review, air-tanker-pool$",
                     out, re.M)
    assert "conditions not holding (1): radio-certification" in out
    assert [s["id"] for s in as_json("next")["steps"]] == ["radio-net", "shared-depot", "liaison-desk"]


# -- why -----------------------------------------------------------------------

@pytest.mark.parametrize("words", [
    ["cross-border-dispatch"],
    ["CROSS-BORDER-DISPATCH"],
    ["why can't we send crews across the border yet"],
    ["why", "can't", "we", "send", "crews", "across", "the", "border"],
])
def test_why_a_blocked_step_names_what_it_lacks_and_the_frontier(words):
    document = as_json("why", *words)
    assert (document["target"], document["state"]) == ("cross-border-dispatch", "blocked")
    assert document["missing"] == ["joint-drill", "radio-certification", "liaison-desk"]
    assert document["frontier"] == ["radio-certification", "radio-net", "liaison-desk"]
    nodes = document["nodes"]
    drill = nodes[document["tree"][0]]
    assert (drill["id"], drill["state"]) == ("joint-drill", "blocked")
    assert [(nodes[n]["id"], nodes[n]["actionable"]) for n in drill["needs"]] == [("radio-net", True),
                                                                                   ("radio-certification", True)]


def test_why_text_cites_the_charter():
    out = ok("why", "is", "the", "tanker", "pool", "blocked")
    assert out.splitlines()[0] == "air-tanker-pool: Pool leased air tankers for the fire season (blocked)"
    assert "it needs shared-depot (implied under tankers-refill=depot-first)." in out
    assert "Can be done now toward it: shared-depot." in out
    assert 'implied under tankers-refill=depot-first, Section 10: "The tankers refill with retardant at the depot."' in out
    assert "budget_approved (stated) Section 3:" in out  # what supports it, from the baseline


@pytest.mark.parametrize("words", [["budget_approved"], ["BUDGET_APPROVED"], ["budget", "approved"],
                                   ["wildfire", "fund"]])
def test_why_a_condition_with_an_underscore_id(words):
    document = as_json("why", *words)
    assert (document["target"], document["state"]) == ("budget_approved", "holds")
    assert "Needed by: air-tanker-pool, shared-depot." in ok("why", *words)


# -- plan, and following it to the goal ----------------------------------------

def _check_order(order: list[str], holding: set[str], reading: str = "default") -> None:
    """Every precondition of every item holds already or comes earlier in `order`."""
    pathway = load_pathway(RULES)
    seen = set(holding)
    for id_ in order:
        if id_ in pathway.steps:
            for requirement in pathway.preconditions(id_, pathway.readings.reading(reading)):
                assert requirement.need in seen, (id_, requirement.need, order)
        seen.add(id_)


def test_plan_to_the_goal_is_a_valid_order_ending_with_the_goal():
    document = as_json("plan", GOAL)
    order = document["order"]
    assert order[-1] == GOAL and document["items"][-1]["action"] == "reached"
    assert len(order) == len(set(order))
    assert set(order) == {GOAL, "radio-certification", *(s for s, st in BASELINE.items() if st != "done")}
    assert {"fire-survey", "budget_approved"}.isdisjoint(order)
    _check_order(order, {"fire-survey", "budget_approved"})
    assert next(i for i in document["items"] if i["id"] == "radio-certification")["action"] == "establish"
    assert as_json("plan", "compact", "in", "force")["order"] == order  # by an alias, in words


def test_asserting_the_plan_in_order_reaches_the_goal(state):
    order = as_json("plan", GOAL)["order"]
    for id_ in order[:-1]:
        extra = ["location=Birchmoor"] if id_ == "shared-depot" else []
        ok("assert", id_, *extra, "--source", "test")
    document = as_json("status")
    assert set(states(document).values()) == {"done"}
    assert document["goal"]["state"] == "done"
    assert as_json("why", GOAL)["state"] == "done"
    plan = as_json("plan", GOAL)
    assert plan["order"] == [] and plan["reason"] == f"{GOAL} already holds"
    recorded = yaml.safe_load(state.read_text())
    assert recorded["rules"]["id"] == "wildfire-compact"


def test_an_out_of_order_assert_is_refused_and_nothing_is_stored():
    line = one_error_line(example("assert", "compact-review"), 1)
    assert "compact-review needs cross-border-dispatch and cost-sharing first (stated: \"After cross-border" in line
    assert line.endswith("Record cross-border-dispatch and cost-sharing, or use --force to record compact-review "
                         "anyway as a violation.")
    # All or none: the eligible step before it is not kept either.
    one_error_line(example("assert", "liaison-desk", "cost-sharing"), 1)
    assert states(as_json("status")) == BASELINE


def test_the_goal_is_derived_and_cannot_be_asserted():
    line = one_error_line(example("assert", GOAL), 2)
    assert f"'{GOAL}' is derived from its preconditions and cannot be asserted" in line


# -- the constraint ------------------------------------------------------------

def test_a_depot_in_the_wrong_province_is_refused_then_violated_when_forced():
    line = one_error_line(example("assert", "shared-depot", "location=Cedarvale"), 1)
    assert "location must be Alder or Birchmoor, location is 'Cedarvale'" in line
    assert states(as_json("status"))["shared-depot"] == "eligible"

    assert "violated" in ok("assert", "shared-depot", "location=Cedarvale", "--force")
    document = as_json("status")
    assert states(document)["shared-depot"] == "violated"
    (blocker,) = next(s for s in document["steps"] if s["id"] == "shared-depot")["blockers"]
    assert (blocker["id"], blocker["kind"]) == ("shared-depot.location", "constraint")
    why = as_json("why", "shared-depot")
    assert why["state"] == "violated" and why["violations"][0]["detail"] == "location is 'Cedarvale'"

    ok("assert", "shared-depot", "location=birchmoor")  # allowed values are compared without case
    assert states(as_json("status"))["shared-depot"] == "done"


# -- what-if and show ----------------------------------------------------------

def test_what_if_shows_the_change_and_stores_nothing():
    document = as_json("what-if", "radio-net", "radio-certification")
    changes = {(c["id"], c["from"], c["to"]) for c in document["changes"]}
    assert changes == {("radio-net", "eligible", "done"), ("radio-certification", "absent", "holds"),
                       ("joint-drill", "blocked", "eligible")}
    assert document["spectrum"] == []
    without = as_json("what-if", "--without", "budget_approved")
    assert ("shared-depot", "eligible", "blocked") in {(c["id"], c["from"], c["to"]) for c in without["changes"]}
    assert states(as_json("status")) == BASELINE


def test_show_a_step_with_its_constraint_and_a_condition():
    document = as_json("show", "SHARED-DEPOT")
    assert (document["id"], document["kind"], document["lane"], document["sector"], document["sequence"]) == (
        "shared-depot", "step", "logistics", None, 2)
    assert [(p["need"], p["basis"]) for p in document["preconditions"]] == [("budget_approved", "stated"),
                                                                            ("fire-survey", "stated")]
    assert document["constraints"][0]["allowed"] == ["Alder", "Birchmoor"]
    out = ok("show", "shared-depot")
    assert out.splitlines()[0] == "shared-depot: One shared equipment depot (step)"
    assert "location must be Alder or Birchmoor (stated) Section 9:" in out
    implied = ok("show", "air-tanker-pool")
    lines = implied.splitlines()
    at = lines.index('requires shared-depot (implied) Section 10: "The tankers refill with retardant at the depot."')
    assert lines[at + 1] == "    under tankers-refill=depot-first (in force)"
    assert lines[at + 2].startswith("    note: A reading (choice tankers-refill): only where the tankers refill is said")
    assert ("choice tankers-refill: Must the depot exist before the air tanker pool is leased? (in force: depot-first)"
            in lines)
    literal = ok("--reading", "literal", "show", "air-tanker-pool").splitlines()
    assert "    under tankers-refill=depot-first (not in force)" in literal
    assert literal[-1].endswith("(in force: no-order)")
    condition = as_json("show", "radio-certification")
    assert (condition["id"], condition["kind"]) == ("radio-certification", "condition")


# -- its own readings -------------------------------------------------------------

def test_its_literal_reading_drops_the_preconditions_its_choices_read_in():
    default = as_json("status")
    literal = json.loads(ok("--reading", "literal", "status", "--json"))
    assert literal["reading"] == "literal" and default["reading"] == "default"
    assert states(default)["air-tanker-pool"] == "blocked"
    assert states(literal)["air-tanker-pool"] == "eligible"
    assert blockers(literal, "cost-sharing") == ["liaison-desk"]
    assert blockers(literal, "cross-border-dispatch") == blockers(default, "cross-border-dispatch"), "no choice"

    order = json.loads(ok("--reading", "literal", "plan", GOAL, "--json"))["order"]
    assert order[-1] == GOAL
    assert {"shared-depot", "supply-ledger"}.isdisjoint(order)  # needed only under the default reading
    assert {"shared-depot", "supply-ledger"} <= set(as_json("plan", GOAL)["order"])
    _check_order(order, {"fire-survey", "budget_approved"}, reading="literal")

    # A step the default reading refuses is accepted under the literal one; the state holds facts, not
    # readings, so under the default reading it is violated.
    one_error_line(example("assert", "air-tanker-pool"), 1)
    ok("--choose", "tankers-refill=no-order", "assert", "air-tanker-pool")
    assert states(as_json("status"))["air-tanker-pool"] == "violated"


def test_readings_and_compare_name_its_two_choices_and_its_literal_profile():
    document = as_json("readings")
    assert [(c["id"], c["default"], [a["id"] for a in c["alternatives"]]) for c in document["choices"]] == [
        ("tankers-refill", "depot-first", ["depot-first", "no-order"]),
        ("costs-ledger", "ledger-first", ["ledger-first", "no-order"])]
    assert {p["id"]: p["choices"] for p in document["profiles"]} == {
        "default": {"tankers-refill": "depot-first", "costs-ledger": "ledger-first"},
        "literal": {"tankers-refill": "no-order", "costs-ledger": "no-order"}}
    assert "a7-needs" not in ok("readings"), "the paper's choices are not the example's"

    compared = as_json("compare", "--to", "literal")
    assert compared["readings"] == ["default", "literal"]
    assert {s["id"]: s["blockers"] for s in compared["steps"]} == {
        "cost-sharing": [["liaison-desk", "supply-ledger"], ["liaison-desk"]],
        "air-tanker-pool": [["shared-depot"], []]}
    assert "air-tanker-pool is accepted under literal and refused under default" in ok("compare", "--to", "literal")


# -- the paper's ids mean nothing here -------------------------------------------

@pytest.mark.parametrize("id_", PAPER_IDS)
def test_the_papers_ids_are_unknown(id_):
    line = one_error_line(example("assert", id_), 2)
    assert f"unknown step or condition '{id_}'" in line, line
    line = one_error_line(example("show", id_), 2)  # show takes words too: they name nothing here
    assert f"'{id_}'" in line and "step or condition" in line, line


@pytest.mark.parametrize("id_", ["A1", "vetting"])
def test_why_about_a_paper_id_matches_nothing(id_):
    line = one_error_line(example("why", id_), 2)
    assert f"'{id_}' matches no step or condition" in line or f"unknown step or condition '{id_}'" in line


@pytest.mark.parametrize(("typed", "suggested"), [
    (("show", "radio-net7"), "'radio-net'"),
    (("assert", "shared-dept"), "'shared-depot'"),
    (("show", "budget_aproved"), "'budget_approved'"),
    (("why", "zebra", "giraffe", "desk"), "closest: liaison-desk (Standing liaison desk)"),  # more words name nothing
])
def test_a_near_miss_is_answered_with_the_examples_own_ids(typed, suggested):
    line = one_error_line(example(*typed), 2)
    assert suggested in line, line
    assert not re.search(r"\b(A[1-7]|B[1-8]|C[1-3]|vetting|Mexico)\b", line), line


@pytest.mark.parametrize("typed", [("assert", "location=Alder"), ("why", "why is it")])
def test_hints_do_not_name_the_papers_ids(typed):
    line = one_error_line(example(*typed), 2)
    assert not re.search(r"\b(A[1-7]|B[1-8]|C[1-3]|vetting|Mexico)\b", line), line


def test_goal_names_this_rule_sets_goal_whatever_its_id():
    assert json.loads(ok("why", "goal", "--json"))["target"] == GOAL
    assert json.loads(ok("plan", "goal", "--json"))["order"][-1] == GOAL
    line = one_error_line(example("assert", "goal"), 2)
    assert "derived" in line and GOAL in line
