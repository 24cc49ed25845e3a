"""The durable-rules evaluator agrees with the plain reference evaluator on every state.

Events go straight to the evaluators (no refusals), so out-of-order and
forced histories are covered; after each event both must conclude the same,
and the final conclusions must equal a fresh evaluation of the final facts.
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from perimeter import Engine, Fact, RefusedError
from perimeter.backends.durable import DurableEvaluator
from perimeter.backends.reference import ReferenceEvaluator

from strategies import LARGE_REPRS, budget, events, readings, rule_sets

pytestmark = LARGE_REPRS


def _replay(pathway, mode, history):
    durable = DurableEvaluator(pathway, mode)
    reference = ReferenceEvaluator(pathway, mode)
    held: dict[str, Fact] = {}
    try:
        for action, id_, attributes, _force in history:
            if id_ in held:
                durable.retract_fact(held[id_])
                reference.retract_fact(held.pop(id_))
            if action == "assert":
                fact = Fact(id=id_, attributes=attributes)
                durable.assert_fact(fact)
                reference.assert_fact(fact)
                held[id_] = fact
            assert durable.evaluation() == reference.evaluation(), (action, id_, attributes)
        final = durable.evaluation()
    finally:
        durable.close()
    fresh = DurableEvaluator(pathway, mode, tuple(held.values()))
    try:
        assert fresh.evaluation() == final, "conclusions depend on the order of events"
    finally:
        fresh.close()


@budget(400)
@given(data=st.data())
def test_durable_agrees_with_reference_on_generated_rule_sets(data):
    pathway = data.draw(rule_sets(required=True))
    mode = data.draw(readings(pathway))
    _replay(pathway, mode, data.draw(events(pathway)))


@budget(200)
@given(data=st.data())
def test_durable_agrees_with_reference_on_the_paper(data, paper):
    mode = data.draw(readings(paper))
    _replay(paper, mode, data.draw(events(paper, max_size=60)))


@given(data=st.data())
def test_engines_on_both_backends_accept_refuse_and_conclude_alike(data, paper, baseline):
    _side_by_side(Engine(paper, baseline), Engine(paper, baseline, backend="reference"),
                  data.draw(events(paper, max_size=30)))


@budget(100)
@given(data=st.data())
def test_engines_on_both_backends_agree_on_generated_rule_sets(data):
    """Refusals included: a step lacking a group, or a precondition needed only to start it."""
    pathway = data.draw(rule_sets())
    mode = data.draw(readings(pathway))
    _side_by_side(Engine(pathway, (), reading=mode), Engine(pathway, (), reading=mode, backend="reference"),
                  data.draw(events(pathway, max_size=30)))


def _side_by_side(durable, reference, history):
    try:
        for action, id_, attributes, force in history:
            outcomes = []
            for engine in (durable, reference):
                try:
                    if action == "assert":
                        change = engine.assert_fact(id_, attributes, force=force)
                    else:
                        change = engine.retract_fact(id_)
                    outcomes.append(("ok", change))
                except RefusedError as refused:
                    outcomes.append(("refused", refused.blockers))
            assert outcomes[0] == outcomes[1]
            assert durable.conclusions() == reference.conclusions()
    finally:
        durable.close()
        reference.close()
