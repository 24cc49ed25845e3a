"""perimeter.backends: both evaluators, on a pathway small enough to check by hand.

The pathway (built with tests/builders.py):

    survey                                   no preconditions
    depot    needs survey (stated), cert (implied); place must be North or South
    deliver  needs depot
    goal     derived: holds while deliver does

Every test runs on the durable-rules adapter and on the plain reference
evaluator, through the `Evaluator` protocol only.  That the two agree on
every state of random rule sets is the differential property
(tests/property/test_differential.py); here each conclusion is spelled out.
"""

from __future__ import annotations

import itertools

import pytest

from perimeter import DEFAULT_READING, EvaluationError, Fact, Reading
from perimeter.backends.durable import DurableEvaluator, fnv1a_32
from perimeter.backends.protocol import Before, Evaluation
from perimeter.backends.reference import ReferenceEvaluator

from builders import choice, compile_rules, constraint, need, rule_set, step

TINY = compile_rules(rule_set(
    step("survey"),
    step("depot", "survey", need("cert", "implied", when={"cert-needed": "yes"}), sequence=2,
         constraints=[constraint("place", "North", "South")]),
    step("deliver", "depot", sequence=3),
    conditions=["cert"], goal=["deliver"], pathway="tiny", choices=[choice("cert-needed", "yes", "no")]))

EVALUATORS = {"durable": DurableEvaluator, "reference": ReferenceEvaluator}


@pytest.fixture(params=sorted(EVALUATORS))
def make(request):
    """Make evaluators of one kind on TINY, closed after the test."""
    made = []

    def evaluator(reading: Reading = DEFAULT_READING, *facts: Fact):
        made.append(EVALUATORS[request.param](TINY, reading))
        for fact in facts:
            made[-1].assert_fact(fact)
        return made[-1]

    yield evaluator
    for evaluator_ in made:
        evaluator_.close()


def fact(id_: str, **attributes: str) -> Fact:
    return Fact(id=id_, attributes=attributes)


def standing(evaluation: Evaluation, step_: str) -> Before:
    """`step_` as `evaluation` has it, in the journal's terms (derived: only for derived steps)."""
    return Before(evaluation.unmet.get(step_, frozenset()), TINY.steps[step_].derived and step_ in evaluation.holds,
                  frozenset(b for b in evaluation.breaches if b[0] == step_))


# -- conclusions -------------------------------------------------------------------

def test_with_no_facts_every_need_is_unmet_and_nothing_holds(make):
    evaluation = make().evaluation()
    assert evaluation.holds == frozenset()
    assert evaluation.unmet == {"depot": {"survey", "cert"}, "deliver": {"depot"}, "goal": {"deliver"}}
    assert evaluation.breaches == frozenset()


def test_asserting_meets_needs_and_retracting_unmeets_them(make):
    evaluator = make()
    evaluator.assert_fact(fact("survey"))
    assert evaluator.evaluation().unmet["depot"] == {"cert"}
    evaluator.assert_fact(fact("cert"))
    evaluation = evaluator.evaluation()
    assert not evaluation.unmet.get("depot") and evaluation.holds == {"survey", "cert"}
    evaluator.retract_fact(fact("survey"))
    evaluation = evaluator.evaluation()
    assert evaluation.unmet["depot"] == {"survey"} and evaluation.holds == {"cert"}


def test_a_reading_that_picks_another_alternative_drops_the_need_written_for_one(make):
    assert make(TINY.readings.reading(choose={"cert-needed": "no"})).evaluation().unmet["depot"] == {"survey"}


def test_a_step_asserted_out_of_order_holds_and_its_own_needs_stay_unmet(make):
    evaluator = make(DEFAULT_READING, fact("deliver"))
    evaluation = evaluator.evaluation()
    assert "deliver" in evaluation.holds and evaluation.unmet["deliver"] == {"depot"}


def test_the_derived_goal_holds_exactly_while_its_needs_do(make):
    evaluator = make(DEFAULT_READING, fact("survey"), fact("cert"), fact("depot"))
    assert "goal" not in evaluator.evaluation().holds
    evaluator.assert_fact(fact("deliver"))
    evaluation = evaluator.evaluation()
    assert "goal" in evaluation.holds and not evaluation.unmet.get("goal")
    evaluator.retract_fact(fact("deliver"))
    evaluation = evaluator.evaluation()
    assert "goal" not in evaluation.holds and evaluation.unmet["goal"] == {"deliver"}


@pytest.mark.parametrize(("attributes", "breaches"), [
    ({"place": "West"}, {("depot", "place", "west")}),   # values are compared folded
    ({"place": "NORTH"}, set()),
    ({"place": "south"}, set()),
    ({}, set()),                                           # no value given, nothing to judge
    ({"colour": "red"}, set()),                            # an attribute no constraint is about
])
def test_a_constraint_is_breached_only_by_a_value_it_does_not_allow(make, attributes, breaches):
    evaluator = make(DEFAULT_READING, fact("survey"), fact("cert"), fact("depot", **attributes))
    assert evaluator.evaluation().breaches == breaches
    evaluator.retract_fact(fact("depot", **attributes))
    assert evaluator.evaluation().breaches == frozenset()


def test_asking_about_some_steps_still_gives_all_that_holds_and_their_needs(make):
    evaluator = make(DEFAULT_READING, fact("survey"), fact("depot", place="West"))
    whole = evaluator.evaluation()
    part = evaluator.evaluation(["depot"])
    assert part.holds == whole.holds == {"survey", "depot"}
    assert part.unmet["depot"] == whole.unmet["depot"] == {"cert"}
    assert part.breaches == whole.breaches == {("depot", "place", "west")}


# -- the journal ---------------------------------------------------------------------

def check_journal(evaluator, change) -> dict[str, Before]:
    """Run `change` between journal_start and journal_stop; check the journal against the evaluations."""
    before = evaluator.evaluation()
    evaluator.journal_start()
    change()
    journal = evaluator.journal_stop()
    after = evaluator.evaluation()
    moved = {s for s in TINY.steps if standing(before, s) != standing(after, s)}
    assert moved <= set(journal), f"moved but not in the journal: {moved - set(journal)}"
    for step_, entry in journal.items():
        assert isinstance(entry, Before)
        assert (entry.unmet, entry.breaches) == (standing(before, step_).unmet, standing(before, step_).breaches)
        if TINY.steps[step_].derived:
            assert entry.derived == standing(before, step_).derived
    return journal


def test_the_journal_gives_each_touched_step_as_it_was_before_an_assert(make):
    evaluator = make()
    journal = check_journal(evaluator, lambda: evaluator.assert_fact(fact("survey")))
    assert journal["depot"] == Before(frozenset({"survey", "cert"}), False, frozenset())


def test_the_journal_of_a_batch_keeps_the_standing_before_the_first_change(make):
    evaluator = make()

    def batch():
        evaluator.assert_fact(fact("survey"))
        evaluator.assert_fact(fact("cert"))
        evaluator.assert_fact(fact("depot"))

    journal = check_journal(evaluator, batch)
    assert journal["depot"].unmet == {"survey", "cert"}
    assert journal["deliver"].unmet == {"depot"}


def test_the_journal_records_the_goal_before_it_was_derived_and_before_it_was_withdrawn(make):
    evaluator = make(DEFAULT_READING, fact("survey"), fact("cert"), fact("depot"))
    journal = check_journal(evaluator, lambda: evaluator.assert_fact(fact("deliver")))
    assert journal["goal"] == Before(frozenset({"deliver"}), False, frozenset())
    journal = check_journal(evaluator, lambda: evaluator.retract_fact(fact("deliver")))
    assert journal["goal"] == Before(frozenset(), True, frozenset())


def test_the_journal_records_a_breach_before_it_went(make):
    evaluator = make(DEFAULT_READING, fact("survey"), fact("cert"))
    journal = check_journal(evaluator, lambda: evaluator.assert_fact(fact("depot", place="West")))
    assert journal["depot"].breaches == frozenset()
    journal = check_journal(evaluator, lambda: evaluator.retract_fact(fact("depot", place="West")))
    assert journal["depot"].breaches == {("depot", "place", "west")}


def test_after_journal_stop_a_new_journal_starts_afresh(make):
    evaluator = make()
    check_journal(evaluator, lambda: evaluator.assert_fact(fact("survey")))
    journal = check_journal(evaluator, lambda: evaluator.assert_fact(fact("cert")))
    assert journal["depot"].unmet == {"cert"}, "as it stood after the first change, not before it"


# -- the durable adapter's own duties ---------------------------------------------------

def test_fnv1a_32_is_durables_hash_with_cs_signed_char():
    assert fnv1a_32("") == 0x811C9DC5                       # the published FNV-1a test vectors
    assert fnv1a_32("a") == 0xE40C292C
    assert fnv1a_32("foobar") == 0xBF9CF968
    unsigned = 0x811C9DC5
    for byte in "é".encode():
        unsigned = ((unsigned ^ byte) * 16777619) & 0xFFFFFFFF
    assert fnv1a_32("é") == 0x3CFA68C1 != unsigned, "bytes past 127 are sign-extended, as a C char is on x86"


def test_the_durable_fact_ids_never_collide_under_durables_hash_even_when_every_candidate_does():
    evaluator = DurableEvaluator(TINY, DEFAULT_READING)
    try:
        mirror = evaluator.mirror
        handed_out = set(mirror.ids.values())
        assert len({fnv1a_32(i) for i in handed_out}) == len(handed_out)
        assert fnv1a_32(f"sid-{evaluator.sid}") not in {fnv1a_32(i) for i in handed_out}
        mirror.counter = itertools.count()  # from here on, the next candidates' hashes are all taken
        evaluator.assert_fact(fact("survey", place="North"))
        new = set(mirror.ids.values()) - handed_out
        assert len(new) == 2, "one id for the fact, one for its attribute"
        assert not {fnv1a_32(i) for i in new} & {fnv1a_32(i) for i in handed_out}
        assert evaluator.evaluation().unmet["depot"] == {"cert"}, "and the rules still see the fact"
    finally:
        evaluator.close()


def test_a_closed_durable_evaluator_refuses_work():
    evaluator = DurableEvaluator(TINY, DEFAULT_READING)
    evaluator.close()
    with pytest.raises(EvaluationError, match="closed"):
        evaluator.assert_fact(fact("survey"))
