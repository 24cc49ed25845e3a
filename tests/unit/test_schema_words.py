"""`perimeter.files.schema_words`: schema problems in perimeter's words, for rule, fact and state files.

Issue 16's reproductions: a misspelt field or precondition shape had no
"did you mean"; a problem was located by list indexes
(`steps.2.preconditions.0`); an empty goal showed pydantic's own English; and
`constraints` on a condition said only "unknown field".  Each problem is now
located by id ("step A4, precondition 2") at its line, says what was expected
and what was given, and offers the nearest field or value.
"""

from __future__ import annotations

import re
import textwrap

import pytest
from pydantic import Field

from perimeter.errors import Diagnostic, LoadError
from perimeter.files.read import parse, validate
from perimeter.pathway.model import FactFile, RuleFile, Strict
from perimeter.state.document import StateDocument

CITE = "{section: s, quote: q}"
RULES = f"""\
pathway: {{id: p, title: P}}
conditions:
  - {{id: permit, title: A permit}}
steps:
  - {{id: A1, title: One, actors: [us], sector: defense, sequence: 1, citation: {CITE}}}
  - id: A4
    title: Four
    actors: [us]
    sector: defense
    sequence: 4
    preconditions:
      - {{requires: A1, basis: stated, citation: {CITE}}}
      - {{requires: permit, basis: stated, citation: {CITE}}}
    citation: {CITE}
goal:
  title: The end
  citation: {CITE}
  preconditions:
    - {{requires: A4, basis: stated, citation: {CITE}}}
"""

PYDANTIC_WORDS = ("Input should", "List should", "String should", "Value error", "Field required",
                  "Extra inputs", "after validation", "valid dictionary", "instance of")
INDEXES = re.compile(r"\b[a-z_]+\.\d+(\.|\b)")  # steps.2, facts.0.id


def problems(model, text: str) -> list[Diagnostic]:
    with pytest.raises(LoadError) as caught:
        validate(model, parse(text, "file.yaml"))
    return caught.value.diagnostics


def only(model, text: str) -> Diagnostic:
    (found,) = problems(model, text)
    assert not any(words in found.message for words in PYDANTIC_WORDS), found.message
    assert not INDEXES.search(found.message), found.message
    return found


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def test_the_base_rule_file_is_valid():
    assert [s.id for s in validate(RuleFile, parse(RULES, "file.yaml")).steps] == ["A1", "A4"]


def test_a_misspelt_field_gets_a_did_you_mean_and_is_located_by_the_step_id():
    text = RULES.replace("    preconditions:", "    precondtions:")
    found = only(RuleFile, text)
    assert found.message == "step A4: unknown field 'precondtions'"
    assert (found.hint, found.candidates) == ("did you mean 'preconditions'?", ("preconditions",))
    assert found.line == line_of(text, "precondtions:")


@pytest.mark.parametrize(("written", "meant"), [("any_off: [A1]", "any_of"), ("at_lest: 1, of: [A1]", "at_least")])
def test_a_misspelt_shape_gets_a_did_you_mean(written, meant):
    text = RULES.replace("requires: permit", written)
    found = only(RuleFile, text)
    assert found.message == f"step A4, precondition 2: unknown field '{written.split(':')[0]}'"
    assert found.hint == f"did you mean '{meant}'?"


def test_a_precondition_without_its_requires_is_located_by_step_and_position():
    text = RULES.replace("{requires: permit, basis", "{basis")
    found = only(RuleFile, text)
    assert found.message.startswith("step A4, precondition 2: a precondition takes one of `requires: ID`")
    assert found.line == line_of(text, "{basis: stated")
    assert found.hint == "name what it needs in one of these shapes"


def test_two_shapes_in_one_precondition_carry_the_models_own_hint():
    text = RULES.replace("requires: permit", "requires: permit, any_of: [A1]")
    assert only(RuleFile, text).hint == "write one precondition for each"


def test_an_empty_goal_is_said_in_perimeters_words():
    text = RULES.split("goal:")[0] + f"goal:\n  title: The end\n  citation: {CITE}\n  preconditions: []\n"
    found = only(RuleFile, text)
    assert found.message == "`goal.preconditions` is empty: it needs at least 1 precondition"
    assert found.line == line_of(text, "preconditions: []")


def test_a_goal_with_an_id_is_named_by_it():
    text = RULES.replace("  title: The end\n", "  id: approval\n  title: The end\n").replace(
        "    - {requires: A4, basis: stated", "    - {requires: A4, basis: stat")
    found = only(RuleFile, text)
    assert found.message == "goal approval, precondition 1: `basis` must be one of 'stated' or 'implied', given text 'stat'"
    assert found.hint == "did you mean 'stated'?"


def test_constraints_on_a_condition_say_that_conditions_take_none():
    text = RULES.replace("  - {id: permit, title: A permit}",
                         f"  - {{id: permit, title: A permit, constraints: [{{attribute: x, allowed: [y], "
                         f"basis: stated, citation: {CITE}}}]}}")
    found = only(RuleFile, text)
    assert found.message == "condition permit: conditions take no `constraints`"
    assert found.hint.startswith("put the constraint on a step")


@pytest.mark.parametrize(("good", "bad", "message"), [
    ("sequence: 4", "sequence: four", "step A4: `sequence` must be a whole number, given text 'four'"),
    ("sequence: 4", "sequence: -4", "step A4: `sequence` must be 0 or more, given a number -4"),
    ("actors: [us]\n    sector", "actors: []\n    sector", "step A4: `actors` is empty: it needs at least 1 actor"),
    ("actors: [us]\n    sector", "actors: [us, [them]]\n    sector", "step A4: `actors` item 2 must be text, given a list"),
    ("sector: defense\n    sequence: 4", "sector: defence\n    sequence: 4",
     "step A4: `sector` must be one of 'defense', 'security' or 'cross-sector', given text 'defence'"),
    ("- id: A4", "- id: 4A", "step 2: `id` must be an id, given text '4A'"),
    ("title: Four", "title: ''", "step A4: `title` is empty"),
    ("title: Four", "title:", "step A4: `title` has no value: it must be text"),
    ("citation: {section: s, quote: q}\ngoal", "citation: {section: s}\ngoal", "step A4: `citation.quote` is missing"),
    ("steps:\n", "steps:\n  - A9\n", "`steps` item 1 must be a mapping of `key: value` lines, given text 'A9'"),
])
def test_each_kind_of_problem_says_what_was_expected_and_what_was_given(good, bad, message):
    assert good in RULES
    found = only(RuleFile, RULES.replace(good, bad, 1))
    assert found.message == message
    assert found.hint and found.code == "schema" and found.line > 1


def test_a_fact_file_is_worded_the_same_way():
    text = textwrap.dedent("""\
        facts:
          - {id: A1, sorce: the minutes}
          - {id: A4, attributes: {the place: Mexico, location: ''}}
        """)
    found = problems(FactFile, text)
    assert [(d.line, d.message) for d in found] == [
        (2, "fact A1: unknown field 'sorce'"),
        (3, "fact A4: a name in `attributes` must be an id, given text 'the place'"),
        (3, "fact A4: `attributes.location` is empty")]
    assert found[0].hint == "did you mean 'source'?"


def test_a_state_file_is_worded_the_same_way():
    text = textwrap.dedent("""\
        format: 3
        rules: {id: p, fingerprint: abc}
        history:
          - {time: '2013-03-01T00:00:00', action: baseline}
          - {time: '2013-03-02T00:00:00', action: asert, fact: A1}
          - {time: '2013-03-03T00:00:00', action: assert, fact: A4, forcd: true}
        """)
    found = problems(StateDocument, text)
    assert [(d.line, d.message) for d in found] == [
        (5, "history entry 2: `action` must be one of 'baseline', 'assert', 'retract' or 'reset', given text 'asert'"),
        (6, "history entry 3: unknown field 'forcd'")]
    assert found[0].hint.startswith("did you mean 'assert'") and found[0].candidates[0] == "assert"
    assert found[1].hint == "did you mean 'forced'?"


def test_a_field_written_under_an_alias_is_offered_by_that_name():
    class Action(Strict):
        assert_: str | None = Field(None, alias="assert")

    class Script(Strict):
        actions: list[Action] = []

    found = only(Script, "actions:\n  - {asert: A1}\n")
    assert found.message == "action 1: unknown field 'asert'" and found.hint == "did you mean 'assert'?"


def test_a_field_nothing_is_close_to_lists_the_fields_there_are():
    found = only(RuleFile, RULES.replace("pathway: {id: p, title: P}", "pathway: {id: p, title: P, colour: red}"))
    assert found.message == "unknown field 'pathway.colour'"
    assert found.hint == "remove it, or use one of: id, title, source"


def test_a_rule_files_keys_in_a_fact_file_say_where_they_belong():
    found = only(FactFile, "facts: []\nsteps: []\n")
    assert (found.message, found.hint) == ("a fact file holds no `steps`", "put them in a rule file and give it as rules")
