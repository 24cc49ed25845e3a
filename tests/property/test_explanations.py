"""Explanations and plans are sound on any rule set, from any reachable state."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from perimeter import Engine, FactChange, Mode, RefusedError, State

from strategies import budget, events, rule_sets


def _engine_in_some_state(data, pathway, mode):
    """An engine after a random history of forced asserts and retracts."""
    engine = Engine(pathway, (), mode=mode)
    for action, id_, attributes, _ in data.draw(events(pathway, max_size=25)):
        try:
            if action == "assert":
                engine.assert_fact(id_, attributes, force=True)
            else:
                engine.retract_fact(id_)
        except RefusedError:
            pass  # retracting what is not recorded
    return engine


def _pathways(data, paper):
    return data.draw(st.one_of(rule_sets(), st.just(paper)))


def _scene(data, paper, targets):
    """A rule set, a mode, an engine in some state, and a target drawn from `targets(pathway)`."""
    pathway = _pathways(data, paper)
    mode = data.draw(st.sampled_from(list(Mode)))
    engine = _engine_in_some_state(data, pathway, mode)
    return pathway, mode, engine, data.draw(st.sampled_from(targets(pathway)))


@budget(150)
@given(data=st.data())
def test_making_the_missing_preconditions_true_makes_the_target_eligible(data, paper):
    pathway, _, engine, target = _scene(data, paper, lambda p: list(p.steps))
    with engine:
        answer = engine.explain(target)
        if answer.state != "blocked":
            return
        assert answer.missing and set(answer.missing) == {b.id for b in engine.status(target).blockers}
        for step in answer.frontier:
            if step in pathway.steps:
                assert engine.status(step).state is State.ELIGIBLE
            else:
                assert not engine.condition(step).holds
        engine.apply([FactChange("assert", need) for need in answer.missing], force=True)
        expected = State.DONE if pathway.steps[target].derived else State.ELIGIBLE
        assert engine.status(target).state is expected


@budget(150)
@given(data=st.data())
def test_plans_are_valid_minimal_deterministic_and_can_be_followed(data, paper):
    pathway, mode, engine, target = _scene(data, paper, lambda p: [*p.steps, *p.conditions])
    with engine:
        holds = engine.evaluation().holds
        plan = engine.plan(target)
        if target in holds:
            assert plan.order == () and plan.reason
            return
        order = plan.order
        assert order[-1] == target and len(set(order)) == len(order)
        assert engine.plan(target) == plan, "deterministic"
        position = {id_: i for i, id_ in enumerate(order)}
        ancestors = _unheld_ancestors(pathway, mode, holds, target)
        assert set(order) == ancestors | {target}, "minimal: exactly what the target lacks"
        for id_ in order:
            if id_ in pathway.steps:
                for requirement in pathway.preconditions(id_, mode):
                    assert requirement.need in holds or position[requirement.need] < position[id_]
        for item in plan.items:
            if item.action == "reached":
                continue
            if item.id in pathway.steps:
                assert engine.status(item.id).state is State.ELIGIBLE, f"{item.id} met blocked"
            engine.assert_fact(item.id)
        if target in pathway.steps:
            assert engine.status(target).state is State.DONE
        else:
            assert engine.condition(target).holds


@budget(100)
@given(data=st.data())
def test_what_if_never_changes_stored_state(data, paper):
    pathway = _pathways(data, paper)
    with _engine_in_some_state(data, pathway, Mode.IMPLIED) as engine:
        facts, conclusions = engine.facts, engine.conclusions()
        held = {f.id for f in facts}
        changes = [FactChange("retract" if id_ in held and action == "retract" else "assert", id_, attributes)
                   for action, id_, attributes, _ in data.draw(events(pathway, max_size=5))]
        try:
            change = engine.what_if(changes)
        except RefusedError:
            change = None  # a hypothetical retract of something not recorded
        assert engine.facts == facts and engine.conclusions() == conclusions
        if change is not None:
            with Engine(pathway, facts) as replay:
                assert replay.apply(changes, force=True) == change


def _unheld_ancestors(pathway, mode, holds, target):
    found, stack = set(), [target]
    while stack:
        current = stack.pop()
        if current in pathway.steps:
            for requirement in pathway.preconditions(current, mode):
                if requirement.need not in holds and requirement.need not in found:
                    found.add(requirement.need)
                    stack.append(requirement.need)
    return found
