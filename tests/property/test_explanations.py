"""Explanations and plans are sound on any rule set, from any reachable state."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from perimeter import DEFAULT_READING, Engine, FactChange, RefusedError, State

from strategies import LARGE_REPRS, budget, events, readings, rule_sets

pytestmark = LARGE_REPRS


def _engine_in_some_state(data, pathway, mode):
    """An engine after a random history of forced asserts and retracts."""
    engine = Engine(pathway, (), reading=mode)
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
    mode = data.draw(readings(pathway))
    engine = _engine_in_some_state(data, pathway, mode)
    return pathway, mode, engine, data.draw(st.sampled_from(targets(pathway)))


def _walk(reasons):
    for reason in reasons:
        yield reason
        yield from _walk(reason.needs)


@budget(150)
@given(data=st.data())
def test_making_the_missing_preconditions_true_makes_the_target_eligible(data, paper):
    """For a group, "made true" means enough of its members: any of them, or K of them for at-least."""
    pathway, mode, engine, target = _scene(data, paper, lambda p: list(p.steps))
    with engine:
        answer = engine.explain(target)
        if answer.state != "blocked":
            return
        holds = engine.evaluation().holds
        unmet = {r.id: r for r in pathway.preconditions(target, mode)
                 if sum(1 for n in r.needs if n in holds) < r.at_least}
        assert answer.missing and set(answer.missing) == set(unmet) == {b.id for b in engine.status(target).blockers}
        for step in answer.frontier:
            if step in pathway.steps:
                assert engine.status(step).state is State.ELIGIBLE
            else:
                assert not engine.condition(step).holds
        nodes = list(_walk(answer.tree))
        assert set(answer.frontier) == {n.id for n in nodes if not n.needs and not n.shared}
        for node in answer.tree:
            requirement = unmet[node.id]
            assert node.kind == requirement.kind.value
            if requirement.grouped:  # a group node: its children are exactly the members that do not hold
                assert node.state == "unmet" and not node.actionable
                assert [c.id for c in node.needs] == [n for n in requirement.needs if n not in holds]
        changes = []
        for id_ in answer.missing:
            requirement = unmet[id_]
            absent = [n for n in requirement.needs if n not in holds]
            short = requirement.at_least - (len(requirement.needs) - len(absent))
            chosen = data.draw(st.lists(st.sampled_from(absent), min_size=short, max_size=short, unique=True))
            changes += [FactChange("assert", need) for need in chosen]
        engine.apply(changes, force=True)
        if pathway.steps[target].derived:  # reached (violated when through a violated step)
            assert target in engine.evaluation().holds
            assert engine.status(target).state in (State.DONE, State.VIOLATED)
        else:
            assert engine.status(target).state is State.ELIGIBLE


@budget(150)
@given(data=st.data())
def test_plans_are_valid_minimal_deterministic_and_can_be_followed(data, paper):
    """Valid: each item, in turn, has what it needs (to_start included).  Inclusion-minimal:
    dropping any item but the target leaves the target out of reach of what is left.  Where the
    rule set has no alternative, the plan is exactly what the target lacks."""
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
        with Engine(pathway, engine.facts, reading=mode, backend="reference") as other:
            assert other.plan(target) == plan, "deterministic: the same on the other backend"
        for k, id_ in enumerate(order):
            assert _lacking(pathway, mode, id_, holds | set(order[:k])) == [], (id_, order)
        assert target in _reachable(pathway, mode, holds, set(order))
        for dropped in order[:-1]:
            assert target not in _reachable(pathway, mode, holds, set(order) - {dropped}), \
                f"not minimal: {target} is reached without {dropped}"
        if not any(r.grouped for r in pathway.requirements(mode)):
            assert set(order) == _unheld_ancestors(pathway, mode, holds, target) | {target}, \
                "minimal: exactly what the target lacks"
        for item in plan.items:
            if item.action == "reached":
                continue
            if item.id in pathway.steps:
                assert engine.status(item.id).state is State.ELIGIBLE, f"{item.id} met blocked"
            # the plan says what a step must be recorded with (the paper's A4: where and who)
            attributes = {c.attribute: c.allowed[0] if c.allowed else c.minimum or c.maximum for c in item.constraints}
            assert set(item.required) <= set(attributes), item
            engine.assert_fact(item.id, attributes or None)
        if target in pathway.conditions:
            assert engine.condition(target).holds
        elif pathway.steps[target].derived:  # reached; violated when a step it rests on is
            assert target in engine.evaluation().holds
            assert engine.status(target).state in (State.DONE, State.VIOLATED)
        else:
            assert engine.status(target).state is State.DONE


@budget(100)
@given(data=st.data())
def test_what_if_never_changes_stored_state(data, paper):
    pathway = _pathways(data, paper)
    with _engine_in_some_state(data, pathway, DEFAULT_READING) as engine:
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


def _lacking(pathway, mode, id_, have):
    """`id_`'s preconditions that `have` does not meet (every one, `to_start` included: it is being taken)."""
    if id_ not in pathway.steps:
        return []
    return [r.id for r in pathway.preconditions(id_, mode) if sum(1 for n in r.needs if n in have) < r.at_least]


def _reachable(pathway, mode, holds, items):
    """What can be taken from `items`, in some order, starting from `holds`: brute force, taking
    whatever has what it needs until nothing more can be taken."""
    have, left = set(holds), set(items) - set(holds)
    progress = True
    while progress:
        progress = False
        for id_ in sorted(left):
            if not _lacking(pathway, mode, id_, have):
                have.add(id_)
                left.discard(id_)
                progress = True
    return have


def _unheld_ancestors(pathway, mode, holds, target):
    """Everything `target` needs, directly or not, that does not hold (for rule sets without alternatives)."""
    found, stack = set(), [target]
    while stack:
        current = stack.pop()
        if current in pathway.steps:
            for requirement in pathway.preconditions(current, mode):
                if requirement.need not in holds and requirement.need not in found:
                    found.add(requirement.need)
                    stack.append(requirement.need)
    return found
