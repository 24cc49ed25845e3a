"""Declared attributes (issue 15, item 2): `perimeter.pathway.attributes` and `.values`, and what
they do where facts enter (`make_fact`), where steps are judged (`step_status`) and on both backends."""

from __future__ import annotations

import pytest
from builders import CITE, attribute, compile_rules, constraint, rule_set, step, write_facts, write_rules

from perimeter import CompileError, FactError, LoadError, RefusedError, State, load_baseline, load_pathway
from perimeter.backends.durable import DurableEvaluator
from perimeter.backends.reference import ReferenceEvaluator
from perimeter.pathway import values
from perimeter.pathway.facts import make_fact
from perimeter.pathway.model import AttributeType, Fact

NUMBER, DATE, TEXT = AttributeType.NUMBER, AttributeType.DATE, AttributeType.TEXT
WHERE = {"section": "Article 4", "quote": "The vote is recorded with its count."}


def _vote(*constraints: dict, required: bool = True) -> dict:
    """A rule set of one step, `vote`, declaring a number `count` (required), a date `held`, and a
    text `chamber` that is `upper` or `lower`; and a condition `quorum` that declares nothing."""
    return rule_set(step("vote", attributes=[
        attribute("count", "number", required=required, citation=WHERE), attribute("held", "date"),
        attribute("chamber", allowed=["upper", "lower"])], constraints=constraints),
        conditions=["quorum"])


# -- values ------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("kind", "one", "other"), [
    (TEXT, "Cancún", " CANCUN "), (TEXT, "Straße", "STRASSE"), (TEXT, "ﬁre", "fire"),
    (NUMBER, "4.50", "04.5"), (NUMBER, "-0", "0.000"), (NUMBER, "+12", "12"), (DATE, "2013-03-01", " 2013-03-01"),
])
def test_values_are_compared_after_folding_case_and_accents_and_by_value(kind, one, other):
    assert values.key(kind, one) == values.key(kind, other)


@pytest.mark.parametrize(("kind", "text", "problem"), [
    (NUMBER, "twelve", "'twelve' is not a number"), (NUMBER, "1,000", "'1,000' is not a number"),
    (NUMBER, "1e3", "'1e3' is not a number"), (DATE, "1 March 2013", "is not a date as YYYY-MM-DD"),
    (DATE, "2013-02-30", "'2013-02-30' is not a date: day is out of range for month"),
])
def test_a_value_that_does_not_parse_as_its_type_is_named(kind, text, problem):
    assert problem in (values.problem(kind, text) or "")
    assert values.ordered(kind, text) is None  # total: orders as nothing, never raises


def test_numbers_are_exact_and_dates_ordered():
    assert values.ordered(NUMBER, "0.1") == values.ordered(NUMBER, "0.10")
    long = "1" + "0" * 40
    assert values.key(NUMBER, long + "1") != values.key(NUMBER, long + "2")  # no rounding to 28 digits
    assert values.ordered(DATE, "2013-03-01") < values.ordered(DATE, "2013-12-01")
    assert values.problem(TEXT, "anything") is None


# -- compiling ---------------------------------------------------------------------------------------

def test_declarations_compile_with_their_types_and_constraints_their_declared_spelling():
    pathway = compile_rules(_vote(constraint("COUNT", minimum=2, maximum="10.0")))
    rule = pathway.steps["vote"]
    assert [(a.name, a.type, a.required, a.allowed) for a in rule.attributes] == [
        ("count", NUMBER, True, ()), ("held", DATE, False, ()), ("chamber", TEXT, False, ("upper", "lower"))]
    (limit,) = rule.constraints
    assert (limit.attribute, limit.type, limit.minimum, limit.maximum) == ("count", NUMBER, "2", "10.0")
    assert pathway.conditions["quorum"].attributes == ()


def test_a_step_declaring_nothing_takes_what_its_constraints_name():
    pathway = compile_rules(rule_set(step("depot", constraints=[constraint("location", "Alder")])))
    assert [(a.name, a.type, a.required) for a in pathway.steps["depot"].attributes] == [("location", TEXT, False)]


@pytest.mark.parametrize(("document", "code", "message"), [
    (rule_set(step("S1", attributes=[attribute("votes", "number"), attribute("Votes")])),
     "duplicate-attribute", "S1 declares the attribute 'Votes' twice"),
    (rule_set(step("S1", attributes=[attribute("location")], constraints=[constraint("locaton", "here")])),
     "undeclared-attribute", "S1 constrains 'locaton', which it does not declare"),
    (rule_set(step("S1", attributes=[attribute("location")], constraints=[constraint("location", minimum=3)])),
     "bad-constraint", "S1: `min` on 'location', a text attribute"),
    (rule_set(step("S1", constraints=[constraint("location", maximum=3)])),
     "bad-constraint", "S1: `max` on 'location', a text attribute"),
    (rule_set(step("S1", attributes=[attribute("n", "number")], constraints=[constraint("n", minimum=5, maximum=2)])),
     "bad-constraint", "the `min` of 'n', 5, is above its `max`, 2"),
    (rule_set(step("S1", attributes=[attribute("n", "number")], constraints=[constraint("n", "three")])),
     "bad-constraint", "'n' is a number attribute, and 'three' is not a number"),
    (rule_set(step("S1", attributes=[attribute("d", "date", allowed=["2013-13-01"])])),
     "bad-attribute", "S1: d is a date attribute, and '2013-13-01' is not a date"),
    (rule_set(step("S1", constraints=[constraint("place", "here"), constraint("PLACE", "there")])),
     "duplicate-constraint", "S1 constrains 'PLACE' twice"),
    (rule_set("S1", conditions=[{"id": "c", "title": "C", "attributes": [attribute("x"), attribute("X")]}]),
     "duplicate-attribute", "c declares the attribute 'X' twice"),
])
def test_each_problem_with_a_declaration_is_a_compile_error_with_a_hint(document, code, message):
    with pytest.raises(CompileError) as error:
        compile_rules(document)
    (problem,) = error.value.diagnostics
    assert problem.code == code and message in problem.message and problem.hint


def test_a_declaration_error_names_its_file_and_line(tmp_path):
    rules = write_rules(tmp_path, step("S1", attributes=[attribute("location")],
                                       constraints=[constraint("location", minimum=3)]))
    with pytest.raises(CompileError) as error:
        load_pathway(rules)
    (problem,) = error.value.diagnostics
    assert problem.file == str(rules) and problem.line == rules.read_text().splitlines().index("  - attribute: location") + 2


@pytest.mark.parametrize(("declaration", "needle"), [
    ({"name": "colour", "type": "colour"},
     "step S1, attribute colour: `type` must be one of 'text', 'number' or 'date', given text 'colour'"),
    ({"name": "x", "allowed": []}, "step S1, attribute x: `allowed` is empty: it needs at least 1 allowed value"),
])
def test_a_declaration_that_does_not_fit_the_schema_is_a_load_error_with_its_line(tmp_path, declaration, needle):
    rules = write_rules(tmp_path, step("S1", attributes=[declaration]))
    with pytest.raises(LoadError) as error:
        load_pathway(rules)
    (problem,) = error.value.diagnostics
    assert needle in problem.message and problem.line > 1 and problem.hint


def test_a_constraint_takes_allowed_or_bounds_not_both(tmp_path):
    both = {**constraint("n", "1"), "min": 0}
    rules = write_rules(tmp_path, step("S1", attributes=[attribute("n", "number")], constraints=[both]))
    with pytest.raises(LoadError) as error:
        load_pathway(rules)
    assert "a constraint takes `allowed: [...]`, or `min` and/or `max`, not both" in error.value.diagnostics[0].message


# -- where facts enter: make_fact --------------------------------------------------------------------

def test_names_match_without_case_and_are_stored_as_declared():
    pathway = compile_rules(_vote())
    fact = make_fact(pathway, "VOTE", {"Count": " 12 ", "HELD": "2013-03-01", "chamber": "Upper"})
    assert fact.attributes == {"count": "12", "held": "2013-03-01", "chamber": "Upper"}  # as given, trimmed


@pytest.mark.parametrize(("id_", "attributes", "message", "candidates"), [
    ("vote", {"cuont": "3"}, "fact 'vote': unknown attribute 'cuont'", ["count"]),
    ("vote", {"weather": "fine"}, "fact 'vote': unknown attribute 'weather'", []),
    ("quorum", {"holds": "false"}, "fact 'quorum' takes no attributes, and 'holds' is given", []),
    ("vote", {"count": "3", "COUNT": "4"}, "fact 'vote': attribute 'count' is given twice ('COUNT')", []),
    ("vote", {"count": "three"}, "fact 'vote': attribute 'count': 'three' is not a number", []),
    ("vote", {"count": "3", "held": "2013-02-30"}, "attribute 'held': '2013-02-30' is not a date", []),
    ("vote", {"count": "3", "chamber": "uper"}, "attribute 'chamber' is 'uper', not one of upper, lower", ["upper"]),
])
def test_a_fact_the_declarations_refuse_is_a_fact_error(id_, attributes, message, candidates):
    with pytest.raises(FactError) as error:
        make_fact(compile_rules(_vote()), id_, attributes)
    assert message in error.value.message and error.value.hint
    assert error.value.candidates == candidates
    if candidates:
        assert f"did you mean '{candidates[0]}'?" in error.value.hint


def test_an_unknown_name_without_a_close_one_lists_what_the_step_takes():
    with pytest.raises(FactError) as error:
        make_fact(compile_rules(_vote()), "vote", {"weather": "fine"})
    assert error.value.hint == "vote takes count, held, chamber"


def test_a_condition_lacking_a_required_attribute_is_refused_where_it_enters():
    pathway = compile_rules(rule_set("S1", conditions=[
        {"id": "ratified", "title": "Ratified", "attributes": [attribute("on", "date", required=True, citation=WHERE)]}]))
    with pytest.raises(FactError, match=r"the attribute 'on' is required \(Article 4: \"The vote"):
        make_fact(pathway, "ratified")
    assert make_fact(pathway, "ratified", {"on": "2013-03-01"}).attributes == {"on": "2013-03-01"}


def test_a_step_lacking_a_required_attribute_enters_and_is_judged_later():
    assert make_fact(compile_rules(_vote()), "vote").attributes == {}


def test_a_fact_file_with_an_undeclared_attribute_is_refused_with_its_line(tmp_path, paper):
    facts = write_facts(tmp_path / "facts.yaml", {"id": "vetting", "attributes": {"holds": "false"}})
    with pytest.raises(LoadError) as error:
        load_baseline(paper, facts)
    (problem,) = error.value.diagnostics
    assert (problem.code, problem.line) == ("bad-fact", 3)
    assert "fact 'vetting' takes no attributes, and 'holds' is given" in problem.message


def test_a_fact_file_may_write_numbers_and_dates_unquoted(tmp_path):
    pathway = compile_rules(_vote())
    facts = tmp_path / "facts.yaml"
    facts.write_text("facts:\n  - id: vote\n    attributes: {count: 12, held: 2013-03-01}\n")
    (fact,) = load_baseline(pathway, facts).facts
    assert fact.attributes == {"count": "12", "held": "2013-03-01"}


# -- judged: step_status on both backends ------------------------------------------------------------

@pytest.fixture(params=["durable", "reference"])
def backend(request) -> str:
    return request.param


def test_a_missing_required_attribute_is_refused_naming_it_and_its_citation(engines, backend):
    engine = engines(compile_rules(_vote()), backend=backend)
    with pytest.raises(RefusedError) as refused:
        engine.assert_fact("vote", {"held": "2013-03-01"})
    assert refused.value.message == "vote needs attributes the rules ask for: count is required, no count is given"
    assert refused.value.hint == ('give count=... (Article 4: "The vote is recorded with its count."), '
                                  'or force it to record vote anyway as a violation')
    assert [(b.id, b.kind) for b in refused.value.blockers] == [("vote.count", "attribute")]
    assert engine.facts == ()


def test_forced_without_a_required_attribute_the_step_is_violated_until_it_is_given(engines, backend):
    engine = engines(compile_rules(_vote()), backend=backend)
    change = engine.assert_fact("vote", force=True)
    assert change.summary().startswith("vote recorded but violated")
    status = engine.status("vote")
    assert status.state is State.VIOLATED
    (blocker,) = status.blockers
    assert (blocker.kind, blocker.title, blocker.detail, blocker.citation.quote) == (
        "attribute", "count is required", "no count is given", WHERE["quote"])
    assert engine.explain("vote").missing == ()  # nothing to take first: the record lacks it
    engine.assert_fact("vote", {"count": "3"})
    assert engine.status("vote").state is State.DONE


def test_a_required_attribute_without_a_citation_cites_the_step(engines):
    pathway = compile_rules(rule_set(step("S1", attributes=[attribute("where", required=True)])))
    engine = engines(pathway)
    engine.assert_fact("S1", force=True)
    assert engine.status("S1").blockers[0].citation.model_dump() == CITE


@pytest.mark.parametrize(("low", "high", "given", "accepted"), [
    (2, 6, "2", True), (2, 6, "6.0", True), (2, 6, "06", True), (2, 6, "7", False), (2, 6, "1.99", False),
    (2, None, "1000000", True), (None, "2.5", "-3", True), (None, "2.5", "2.51", False),
])
def test_min_and_max_compare_numbers_by_value(engines, backend, low, high, given, accepted):
    engine = engines(compile_rules(_vote(constraint("count", minimum=low, maximum=high))), backend=backend)
    if accepted:
        engine.assert_fact("vote", {"count": given})
        assert engine.status("vote").state is State.DONE
        return
    with pytest.raises(RefusedError) as refused:
        engine.assert_fact("vote", {"count": given})
    (blocker,) = refused.value.blockers
    assert (blocker.kind, blocker.detail) == ("constraint", f"count is '{given}'")
    engine.assert_fact("vote", {"count": given}, force=True)
    assert engine.status("vote").state is State.VIOLATED


def test_min_and_max_compare_dates_by_value(engines, backend):
    engine = engines(compile_rules(_vote(constraint("held", minimum="2013-03-01", maximum="2013-12-31"))),
                     backend=backend)
    engine.assert_fact("vote", {"count": "3", "held": "2013-02-28"}, force=True)
    status = engine.status("vote")
    assert status.state is State.VIOLATED
    assert status.blockers[0].title == "held must be from 2013-03-01 to 2013-12-31"
    engine.assert_fact("vote", {"count": "3", "held": "2013-12-31"})
    assert engine.status("vote").state is State.DONE


def test_allowed_values_are_compared_without_case_or_accents(engines, backend):
    pathway = compile_rules(rule_set(step("depot", attributes=[attribute("province")],
                                          constraints=[constraint("province", "Québec", "Ontario")])))
    engine = engines(pathway, backend=backend)
    engine.assert_fact("depot", {"PROVINCE": "quebec"})
    assert engine.status("depot").state is State.DONE
    assert next(f for f in engine.facts).attributes == {"province": "quebec"}
    engine.assert_fact("depot", {"province": "Alberta"}, force=True)
    assert engine.status("depot").blockers[0].title == "province must be Québec or Ontario"


def test_both_backends_judge_a_number_and_an_allowed_list_alike():
    pathway = compile_rules(rule_set(step("S1", attributes=[attribute("n", "number"), attribute("k", "number")],
                                          constraints=[constraint("n", minimum="1.5"), constraint("k", "2", "2.0")])))
    cases = [{"n": "1.5"}, {"n": "1.49"}, {"n": "01.50", "k": "02"}, {"k": "3"}, {"n": "-7", "k": "2.00"}]
    durable = DurableEvaluator(pathway)
    try:
        for attributes in cases:
            fact = Fact(id="S1", attributes=attributes)
            reference = ReferenceEvaluator(pathway)
            reference.assert_fact(fact)
            durable.assert_fact(fact)
            assert durable.evaluation() == reference.evaluation(), attributes
            durable.retract_fact(fact)
            assert not durable.evaluation().breaches
    finally:
        durable.close()


# -- the reproductions on the paper ------------------------------------------------------------

def test_regression_vetting_took_any_attribute_and_said_it_was_established(engine_2013):
    # `perimeter assert vetting holds=false` printed "vetting established".
    with pytest.raises(FactError, match="fact 'vetting' takes no attributes, and 'holds' is given"):
        engine_2013.assert_fact("vetting", {"holds": "false"})
    assert "vetting" not in {f.id for f in engine_2013.facts}


def test_regression_a4_took_an_attribute_it_does_not_declare(engine_2013):
    # `perimeter assert A4 colour=blue` recorded A4 as done.
    for step_ in ("A1", "A2", "A3"):
        engine_2013.assert_fact(step_)
    with pytest.raises(FactError) as error:
        engine_2013.assert_fact("A4", {"colour": "blue"})
    assert error.value.hint == "A4 takes location, leader"
    engine_2013.assert_fact("A4", {"Location": "México", "LEADER": "mexican"})
    status = engine_2013.status("A4")
    assert status.state is State.DONE and status.fact.attributes == {"location": "México", "leader": "mexican"}


def test_the_paper_declares_a4s_attributes_and_requires_both(paper):
    """Issue 17: the paper puts A4 "in Mexico with a Mexican leader"; a record of A4 must say so."""
    assert [(a.name, a.type, a.required) for a in paper.steps["A4"].attributes] == [
        ("location", TEXT, True), ("leader", TEXT, True)]
    assert all(not rule.attributes for id_, rule in paper.steps.items() if id_ != "A4")
    assert all(not rule.attributes for rule in paper.conditions.values())


def test_regression_the_examples_depot_took_a_misspelt_location():
    # `perimeter assert shared-depot locaton=Cedarvale` (in the example rule set) recorded it as done.
    from perimeter.files.sources import shipped_dir
    pathway = load_pathway(shipped_dir("rules") / "examples" / "wildfire" / "rules.yaml")
    with pytest.raises(FactError) as error:
        make_fact(pathway, "shared-depot", {"locaton": "Cedarvale"})
    assert error.value.candidates == ["location"] and error.value.hint == "did you mean 'location'?"
