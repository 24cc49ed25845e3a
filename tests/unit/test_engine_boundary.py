"""Where values enter the library: facts are checked there, a closed engine stays closed, an engine
may be shared between threads, and a change says what it changed."""

from __future__ import annotations

import threading

import pytest
from builders import attribute, compile_rules, rule_set
from builders import step as step_

from perimeter import EvaluationError, FactError, Fact, PerimeterError
from perimeter.backends.reference import ReferenceEvaluator


@pytest.mark.parametrize(("attributes", "source", "needle"), [
    ({"1bad": "x"}, None, "'1bad' is not an attribute name"),
    ({"lo cation": "x"}, None, "'lo cation' is not an attribute name"),
    ({"a" * 65: "x"}, None, "is not an attribute name"),
    ({"k": "   "}, None, "attribute 'k' is blank"),
    ({"k": "v" * 257}, None, "attribute 'k' is 257 characters long"),
    ({"k": 3}, None, "attribute 'k' must be text, not int"),
    (["k=v"], None, "attributes must map names to values"),
    (None, "", "its source is blank"),
    (None, "   ", "its source is blank"),
    (None, "s" * 1001, "its source is 1,001 characters long"),
])
def test_a_malformed_fact_is_a_fact_error_where_it_enters(engine_2013, attributes, source, needle):
    before = engine_2013.facts
    with pytest.raises(FactError) as refused:
        engine_2013.assert_fact("A1", attributes, source=source)
    assert needle in refused.value.message and refused.value.hint
    assert engine_2013.facts == before


def test_limits_are_inclusive_and_values_are_stored_trimmed(engines):
    engine = engines(compile_rules(rule_set(step_("S1", attributes=[attribute("a" * 64)]))), ())
    engine.assert_fact("S1", {"A" * 64: " " + "v" * 256}, source=" " + "s" * 1000 + " ")
    (fact,) = engine.facts
    assert fact.attributes == {"a" * 64: "v" * 256} and fact.source == "s" * 1000  # named as declared


def test_what_is_judged_is_what_is_stored(engines, paper, baseline):
    engine = engines(paper, baseline)
    for step in ("A1", "A2", "A3"):
        engine.assert_fact(step)
    engine.assert_fact("A4", {"location": "Mexico ", "leader": " Mexican"})
    status = engine.status("A4")
    assert status.state.value == "done" and status.fact is not None
    assert status.fact.attributes == {"location": "Mexico", "leader": "Mexican"}


def test_a_closed_engine_refuses_every_call_and_stays_closed(engines, paper, baseline):
    engine = engines(paper, baseline)
    engine.close()
    for _ in range(2):  # it once refused the first call and quietly reopened on the second
        for call in (lambda: engine.status("A1"), lambda: engine.assert_fact("A1"), engine.conclusions,
                     lambda: engine.explain("A7"), lambda: engine.plan("A7")):
            with pytest.raises(EvaluationError, match="closed"):
                call()
    engine.close()  # closing again is harmless


def test_reasserting_with_new_content_says_what_changed(engine_2013):
    for earlier in ("A1", "A2"):
        engine_2013.assert_fact(earlier)
    engine_2013.assert_fact("A3", source="first")
    engine_2013.assert_fact("A4", {"location": "Mexico", "leader": "Mexico"}, source="first")
    assert engine_2013.assert_fact("A4", {"location": "Mexico", "leader": "Mexico"},
                                   source="second").summary().startswith("A4 updated (source)")
    change = engine_2013.assert_fact("A4", {"location": "Mexico", "leader": "Mexican"}, source="second")
    assert change.updated == (("A4", ("attributes",)),)
    same = engine_2013.assert_fact("A4", {"location": "Mexico", "leader": "Mexican"}, source="second")
    assert same.restated == ("A4",) and same.summary().startswith("A4 already recorded as given")
    assert engine_2013.apply([]).summary().startswith("no fact changed")


@pytest.mark.parametrize("backend", ["durable", "reference"])
def test_one_engine_shared_by_eight_threads_loses_nothing(engines, backend):
    steps = [f"s{i}" for i in range(8)]
    rounds = [attribute("round", "number")]
    pathway = compile_rules(rule_set(*(step_(s, sequence=i, attributes=rounds) for i, s in enumerate(steps)),
                                     step_("end", *steps, sequence=9)))
    engine = engines(pathway, (), backend=backend)
    failures: list[BaseException] = []
    start = threading.Barrier(8)

    def toggle(step: str) -> None:
        try:
            start.wait()
            for round_ in range(40):
                engine.assert_fact(step, {"round": str(round_)})
                assert engine.status(step).state.value == "done"
                engine.explain("end")
                engine.conclusions()
                engine.retract_fact(step)
            engine.assert_fact(step)
        except BaseException as error:  # noqa: BLE001 - reported below, with the thread's step
            failures.append(error)

    threads = [threading.Thread(target=toggle, args=(s,), daemon=True) for s in steps]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)  # a guard against a hang, not a timing
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    assert not failures, failures[:3]
    assert {f.id for f in engine.facts} == set(steps)
    oracle = ReferenceEvaluator(pathway)
    for fact in engine.facts:
        oracle.assert_fact(fact)
    assert engine.evaluation() == oracle.evaluation()
    assert engine.status("end").state.value == "eligible"


def test_a_fact_error_is_a_perimeter_error():
    assert issubclass(FactError, PerimeterError)
    assert Fact(id="A1", attributes={"k": " v "}).attributes == {"k": "v"}
