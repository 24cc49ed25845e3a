"""Rounds and leverage on any rule set, from any reachable state: checked by brute force and by asserting.

The rounds are a valid schedule of the plan and the fewest it can be taken in (a breadth-first search
over every way of grouping it); a leverage row's figures are what asserting its actions really
changes, measured on an engine; a set of actions is listed only where no smaller part moves anything.
"""

from __future__ import annotations

from hypothesis import event, given
from hypothesis import strategies as st

from perimeter import Engine, FactChange, distance, leverage

from strategies import LARGE_REPRS, budget, readings, rule_sets

pytestmark = LARGE_REPRS


def _scene(data, paper, max_steps=7):
    """A rule set (with or without groups, or the paper's), a reading, an engine on some facts
    (asserted by force, so in any order), and a target that is a step or a goal."""
    pathway = data.draw(st.one_of(rule_sets(max_steps=max_steps, max_conditions=2),
                                  rule_sets(max_steps=max_steps, max_conditions=2, groups=False), st.just(paper)))
    mode = data.draw(readings(pathway))
    engine = Engine(pathway, (), reading=mode, backend="reference")
    assertable = [i for i in (*pathway.conditions, *pathway.steps) if pathway.assertable(i)]
    facts = data.draw(st.lists(st.sampled_from(assertable), unique=True, max_size=5))
    engine.apply([FactChange("assert", i) for i in facts], force=True)
    holds = engine.evaluation().holds
    open_ = [s for s in pathway.steps if s not in holds]  # mostly a target still to reach, deepest first
    targets = sorted(open_, key=lambda s: -len(pathway.preconditions(s, mode))) or list(pathway.steps)
    return pathway, mode, engine, data.draw(st.one_of(st.sampled_from(targets[:2]), st.sampled_from(list(pathway.steps))))


def _met(pathway, mode, id_, have):
    return id_ not in pathway.steps or all(r.met_by(have) for r in pathway.preconditions(id_, mode))


def _with_goals(pathway, mode, have):
    """`have` and every goal it makes hold."""
    have = set(have)
    grown = True
    while grown:
        grown = False
        for goal in pathway.goals:
            if goal not in have and _met(pathway, mode, goal, have):
                have.add(goal)
                grown = True
    return have


def _fewest_rounds(pathway, mode, holds, order):
    """Breadth first over every grouping: each round takes any non-empty set of decisions whose
    preconditions hold; the fewest rounds after which every item of the plan holds."""
    decisions = frozenset(i for i in order if i not in pathway.steps or not pathway.steps[i].derived)
    frontier, seen, rounds = {frozenset()}, {frozenset()}, 0
    while True:
        if any(set(order) <= _with_goals(pathway, mode, holds | done) for done in frontier):
            return rounds
        rounds += 1
        following = set()
        for done in frontier:
            have = _with_goals(pathway, mode, holds | done)
            open_ = sorted(i for i in decisions - done if _met(pathway, mode, i, have))
            for mask in range(1, 1 << len(open_)):
                after = done | {i for bit, i in enumerate(open_) if mask >> bit & 1}
                if after not in seen:
                    seen.add(after)
                    following.add(after)
        assert following, "the plan cannot be followed"
        frontier = following


@budget(100)
@given(data=st.data())
def test_rounds_are_a_valid_schedule_of_the_plan_and_the_fewest_possible(data, paper):
    pathway, mode, engine, target = _scene(data, paper)
    with engine:
        holds = engine.evaluation().holds
        far = distance(pathway, mode, engine.evaluation(), target)
        order = far.plan.order
        assert sorted(i for r in far.rounds for i in r) == sorted(order), "the rounds partition the plan"
        assert far.size == sum(1 for i in order if i not in pathway.steps or not pathway.steps[i].derived)
        before = set(holds)
        for items in far.rounds:
            assert items, "no empty round"
            decisions = [i for i in items if i not in pathway.steps or not pathway.steps[i].derived]
            assert decisions, "every round decides something"
            for id_ in decisions:
                assert _met(pathway, mode, id_, before), f"{id_} is in a round before what it needs"
            before |= set(decisions)
            before = _with_goals(pathway, mode, before)
            assert all(i in before for i in items), "a goal of the round is reached in it"
        if far.size <= 9:  # brute force stays small
            event(f"brute force over {far.size} decisions in {far.count} rounds")
            assert far.count == _fewest_rounds(pathway, mode, set(holds), order)
        if order:  # the pace: a chain of links, one decision per round, ending with the target
            assert far.pace[-1] == target and len(far.links) == len(far.pace) - 1
            round_of = {i: n for n, items in enumerate(far.rounds, 1) for i in items}
            assert round_of[far.pace[0]] == 1 and round_of[target] == far.count
            for earlier, link, later in zip(far.pace, far.links, far.pace[1:]):
                assert link.step == later and link.by == (earlier,) and earlier in link.needs
                step = pathway.steps[later]
                assert round_of[later] == round_of[earlier] + (0 if step.derived else 1)


def _moves(pathway, mode, engine, target, way, ids):
    """What asserting `ids` (forced, as what-if does) really changes on the way to `target`: the
    steps that become eligible, those that become reachable by taking steps alone, whether the
    target holds, the distance left, and the preconditions that come to be met."""
    def reach(scratch):
        while True:
            status = scratch.conclusions()
            eligible = [s.id for s in status.steps if s.state.value == "eligible"]
            if not eligible:
                return {s for s in way if s in scratch.evaluation().holds}
            scratch.apply([FactChange("assert", s) for s in eligible], force=True)

    before = engine.evaluation().holds
    with Engine(pathway, engine.facts, reading=mode, backend="reference") as scratch:
        was = {s.id: s.state.value for s in scratch.conclusions().steps}
        reached_before = reach(scratch)
    with Engine(pathway, engine.facts, reading=mode, backend="reference") as scratch:
        scratch.apply([FactChange("assert", i) for i in ids], force=True)
        after = scratch.evaluation().holds
        now = {s.id: s.state.value for s in scratch.conclusions().steps}
        far = distance(pathway, mode, scratch.evaluation(), target)
        eligible = {s for s in way if was.get(s) == "blocked" and now.get(s) == "eligible"}
        reachable = reach(scratch) - reached_before - set(after)
    met = {(s, r.id) for s in way if s in pathway.steps for r in pathway.preconditions(s, mode)
           if not r.met_by(before) and r.met_by(after)}
    return eligible, reachable, target in after, far.count, far.size, met


def _way(pathway, mode, holds, target):
    found, stack = {target}, [target]
    while stack:
        current = stack.pop()
        if current in pathway.steps:
            for requirement in pathway.preconditions(current, mode):
                for need in requirement.needs:
                    if need not in holds and need not in found:
                        found.add(need)
                        stack.append(need)
    return found


@budget(60)
@given(data=st.data())
def test_a_leverage_row_is_what_asserting_its_actions_really_changes(data, paper):
    pathway, mode, engine, target = _scene(data, paper, max_steps=8)
    with engine:
        evaluation = engine.evaluation()
        answer = leverage(pathway, mode, evaluation, target)
        assert leverage(pathway, mode, engine.evaluation(), target) == answer, "deterministic"
        if target in evaluation.holds:
            assert answer.actions == ()
            return
        way = _way(pathway, mode, evaluation.holds, target)
        status = {s.id: s.state.value for s in engine.conclusions().steps}
        can = {i for i in way if i in pathway.conditions or status.get(i) == "eligible"}
        assert {a.ids[0] for a in answer.actions if len(a.ids) == 1} == can, "every action that can be taken now"
        keys = [(-a.rounds_saved, -len(a.reachable), -len(a.eligible), -a.size_saved, len(a.ids))
                for a in answer.actions]
        assert keys == sorted(keys), "best first"
        far = distance(pathway, mode, evaluation, target)
        assert (answer.rounds, answer.size) == (far.count, far.size)
        for row in data.draw(st.lists(st.sampled_from(answer.actions), max_size=4, unique_by=lambda a: a.ids)):
            eligible, reachable, reaches, rounds, size, met = _moves(pathway, mode, engine, target, way, row.ids)
            assert set(row.eligible) == eligible, row
            assert set(row.reachable) == reachable, row
            assert row.reaches == reaches and (row.rounds, row.size) == (rounds, size), row
            assert (row.rounds_saved, row.size_saved) == (far.count - rounds, far.size - size)
            assert {(link.step, link.requirement) for link in row.links} == met, row
            event(f"a row of {len(row.ids)} actions" + (", reaching the target" if reaches else ""))
            if len(row.ids) > 1:  # listed together: no smaller part moves anything
                assert eligible or reachable or reaches
                for part in _parts(row.ids):
                    moved = _moves(pathway, mode, engine, target, way, part)
                    assert not (moved[0] or moved[1] or moved[2]), (row.ids, part)


def _parts(ids):
    return [tuple(i for i in ids if i != left) for left in ids] + ([(i,) for i in ids] if len(ids) == 3 else [])
