"""No ordering of events can violate the rules, on the paper and on generated rule sets."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st

from perimeter import Engine, Mode, RefusedError, State

from strategies import budget, events, rule_sets


def _pathways(data, paper):
    return data.draw(st.one_of(rule_sets(), st.just(paper)))


@budget(150)
@given(data=st.data())
def test_acceptance_matches_the_preconditions_and_violations_are_always_reported(data, paper):
    pathway = _pathways(data, paper)
    mode = data.draw(st.sampled_from(list(Mode)))
    with Engine(pathway, (), mode=mode) as engine:
        for action, id_, attributes, force in data.draw(events(pathway)):
            if action == "retract":
                if id_ in {f.id for f in engine.facts}:
                    engine.retract_fact(id_)
                continue
            unmet_before = [r.need for r in pathway.preconditions(id_, mode)
                            if r.need not in engine.evaluation().holds] if id_ in pathway.steps else []
            breaks = id_ in pathway.steps and any(
                c.attribute in attributes and not c.accepts(attributes[c.attribute])
                for c in pathway.steps[id_].constraints)
            already = any(f.id == id_ and f.attributes == attributes for f in engine.facts)
            try:
                engine.assert_fact(id_, attributes, force=force)
                accepted = True
            except RefusedError:
                accepted = False
            if not force and not already:  # re-asserting the same fact is a no-op, always accepted
                assert accepted == (not unmet_before and not breaks), (id_, unmet_before, breaks)
            holds = engine.evaluation().holds
            for fact in engine.facts:
                if fact.id in pathway.steps:
                    failing = any(r.need not in holds for r in pathway.preconditions(fact.id, mode))
                    broken = any(c.attribute in fact.attributes and not c.accepts(fact.attributes[c.attribute])
                                 for c in pathway.steps[fact.id].constraints)
                    state = engine.status(fact.id).state
                    assert (state is State.VIOLATED) == (failing or broken), (fact.id, state)


@budget(40)
@given(pathway=rule_sets(max_steps=5, max_conditions=1))
def test_the_complete_orders_accepted_are_exactly_the_topological_orders(pathway):
    items = [i for i in (*pathway.conditions, *pathway.steps) if pathway.assertable(i)]
    needs = {i: {r.need for r in pathway.preconditions(i)} if i in pathway.steps else set() for i in items}
    topological = {order for order in itertools.permutations(items)
                   if all(needs[x] <= set(order[:k]) for k, x in enumerate(order))}
    accepted: set[tuple[str, ...]] = set()
    with Engine(pathway, ()) as engine:
        def extend(prefix: tuple[str, ...]) -> None:
            if len(prefix) == len(items):
                accepted.add(prefix)
                return
            for item in items:
                if item in prefix:
                    continue
                try:
                    engine.assert_fact(item)
                except RefusedError:
                    continue
                extend(prefix + (item,))
                engine.retract_fact(item)
        extend(())
    assert accepted == topological


@budget(100)
@given(data=st.data())
def test_a_retract_undoes_its_assert(data, paper):
    pathway = _pathways(data, paper)
    with Engine(pathway, ()) as engine:
        for action, id_, attributes, _force in data.draw(events(pathway, max_size=15)):
            try:
                engine.assert_fact(id_, attributes, force=True) if action == "assert" else engine.retract_fact(id_)
            except RefusedError:
                pass
        fresh = [i for i in (*pathway.conditions, *pathway.steps)
                 if pathway.assertable(i) and i not in {f.id for f in engine.facts}]
        if not fresh:
            return
        id_ = data.draw(st.sampled_from(fresh))
        before, conclusions = engine.evaluation(), engine.conclusions()
        forward = engine.assert_fact(id_, force=True)
        backward = engine.retract_fact(id_)
        assert engine.evaluation() == before and engine.conclusions() == conclusions
        assert {(t.id, t.before, t.after) for t in forward.transitions} == {
            (t.id, t.after, t.before) for t in backward.transitions}


@budget(100)
@given(data=st.data())
def test_stated_only_never_blocks_more_than_the_default(data, paper):
    pathway = _pathways(data, paper)
    history = data.draw(events(pathway, max_size=15))
    blockers = {}
    for mode in Mode:
        with Engine(pathway, (), mode=mode) as engine:
            for action, id_, attributes, _ in history:
                try:
                    engine.assert_fact(id_, attributes, force=True) if action == "assert" else engine.retract_fact(id_)
                except RefusedError:
                    pass
            blockers[mode] = {s.id: {b.id for b in s.blockers} for s in engine.conclusions().steps}
    for step, stated in blockers[Mode.STATED].items():
        assert stated <= blockers[Mode.IMPLIED][step]
