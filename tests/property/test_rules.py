"""No ordering of events can violate the rules, on the paper and on generated rule sets."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st

from perimeter import DEFAULT_READING, Engine, RefusedError, State

from strategies import LARGE_REPRS, budget, events, readings, rule_sets

pytestmark = LARGE_REPRS


def _pathways(data, paper):
    return data.draw(st.one_of(rule_sets(required=True), st.just(paper)))


def _unmet(pathway, mode, id_, holds, *, lasting_only=False):
    """The ids of `id_`'s preconditions that `holds` does not meet (all of them, or only those not `to_start`).

    A plain precondition is met when its need holds; an `any_of` when one of
    its members does; an `at_least` K when K of them do.  Counted here from
    the members, not with `Requirement.met_by`, so the oracle stands apart.
    """
    if id_ not in pathway.steps:
        return []
    return [r.id for r in pathway.preconditions(id_, mode)
            if not (lasting_only and r.to_start) and sum(1 for n in r.needs if n in holds) < r.at_least]


@budget(150)
@given(data=st.data())
def test_acceptance_matches_the_preconditions_and_violations_are_always_reported(data, paper):
    """A step is accepted when all its preconditions hold, those needed only to start it included;
    once recorded, it is violated exactly when a lasting precondition or a constraint fails."""
    pathway = _pathways(data, paper)
    mode = data.draw(readings(pathway))
    entered: dict[str, bool] = {}  # recorded step -> whether its to_start preconditions held when it was taken
    with Engine(pathway, (), reading=mode) as engine:
        for action, id_, attributes, force in data.draw(events(pathway)):
            if action == "retract":
                if id_ in {f.id for f in engine.facts}:
                    engine.retract_fact(id_)
                    entered.pop(id_, None)
                continue
            unmet_before = _unmet(pathway, mode, id_, engine.evaluation().holds)
            lasting_before = _unmet(pathway, mode, id_, engine.evaluation().holds, lasting_only=True)
            breaks = id_ in pathway.steps and (any(
                c.attribute in attributes and not c.accepts(attributes[c.attribute])
                for c in pathway.steps[id_].constraints) or any(  # or a required attribute is not given
                a.required and a.name not in attributes for a in pathway.steps[id_].attributes))
            already = any(f.id == id_ and f.attributes == attributes for f in engine.facts)
            # New attributes for a recorded step whose to_start precondition has been withdrawn: whether
            # that is taking it anew is open (tests/unit/test_shapes.py, test_updating_a_done_steps_...).
            open_update = (not already and id_ in {f.id for f in engine.facts}
                           and len(unmet_before) != len(lasting_before))
            try:
                engine.assert_fact(id_, attributes, force=force)
                accepted = True
            except RefusedError:
                accepted = False
            if not force and not already and not open_update:  # re-asserting the same fact is a no-op
                assert accepted == (not unmet_before and not breaks), (id_, unmet_before, breaks)
            if accepted and not already and id_ in pathway.steps:
                # New attributes for a recorded step are not a new start: how it was entered stands.
                entered[id_] = entered[id_] if id_ in entered else len(unmet_before) == len(lasting_before)
            holds = engine.evaluation().holds
            for fact in engine.facts:
                if fact.id in pathway.steps:
                    failing = _unmet(pathway, mode, fact.id, holds, lasting_only=True)
                    broken = any(c.attribute in fact.attributes and not c.accepts(fact.attributes[c.attribute])
                                 for c in pathway.steps[fact.id].constraints) or any(
                        a.required and a.name not in fact.attributes for a in pathway.steps[fact.id].attributes)
                    state = engine.status(fact.id).state
                    if failing or broken:
                        assert state is State.VIOLATED, (fact.id, state, failing)
                    elif entered[fact.id]:
                        # What it needed only to start may have been withdrawn since: it stays done.
                        assert state is State.DONE, (fact.id, state)
                    # A step forced in while a to_start precondition failed: see
                    # tests/unit/test_shapes.py (test_a_step_forced_without_its_to_start_precondition_is_violated).


@budget(40)
@given(pathway=rule_sets(max_steps=5, max_conditions=1))
def test_the_complete_orders_accepted_are_exactly_the_topological_orders(pathway):
    """With alternatives and k of n, "topological" means: each item, when taken, has enough of each group."""
    items = [i for i in (*pathway.conditions, *pathway.steps) if pathway.assertable(i)]
    topological = {order for order in itertools.permutations(items)
                   if all(not _unmet(pathway, DEFAULT_READING, x, set(order[:k])) for k, x in enumerate(order))}
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


@budget(30)
@given(pathway=rule_sets(max_steps=5, max_conditions=1), backend=st.sampled_from(["durable", "reference"]))
def test_withdrawing_any_set_of_facts_leaves_each_step_as_its_lasting_preconditions_say(pathway, backend):
    """Everything taken in a valid order, then every subset withdrawn in turn: a recorded step is
    violated exactly when a precondition that is not `to_start` fails; one not recorded is eligible
    exactly when all its preconditions (`to_start` included) hold."""
    items = [i for i in (*pathway.conditions, *pathway.steps) if pathway.assertable(i)]
    order = next((o for o in itertools.permutations(items)
                  if all(not _unmet(pathway, DEFAULT_READING, x, set(o[:k])) for k, x in enumerate(o))), None)
    assert order is not None, "every generated rule set can be completed"
    with Engine(pathway, (), backend=backend) as engine:
        for item in order:
            engine.assert_fact(item)
        for size in range(1, len(order) + 1):
            for withdrawn in itertools.combinations(order, size):
                for item in withdrawn:
                    engine.retract_fact(item)
                holds = engine.evaluation().holds
                for step, rule in pathway.steps.items():
                    if rule.derived:
                        continue
                    state = engine.status(step).state
                    if step in withdrawn:
                        eligible = not _unmet(pathway, DEFAULT_READING, step, holds)
                        assert state is (State.ELIGIBLE if eligible else State.BLOCKED), (withdrawn, step, state)
                    else:
                        lasting = _unmet(pathway, DEFAULT_READING, step, holds, lasting_only=True)
                        assert state is (State.VIOLATED if lasting else State.DONE), (withdrawn, step, state)
                for item in withdrawn:  # in the valid order again, so none is refused
                    engine.assert_fact(item)


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


# The orders the paper states, which no reading may break (issue 17): (earlier, later) pairs, and
# B6 only while the organization it joins exists (B1's program, or the one no step creates).
PAPER_ORDERS = [("A1", "A3"), ("A2", "A3"), ("A3", "A4"), ("A4", "A6"), ("B3", "B5"), ("B4", "B7"), ("B5", "B8"),
                ("B6", "B8"), ("B7", "B8"), ("C1", "C2"), ("vetting", "B1"), ("vetting", "B2"), ("vetting", "C1")]
B6_JOINS = ("B1", "us_mexico_border_organization")


def _respects_the_paper(order, holds=frozenset(), *, c3_last=True):
    """Whether taking `order` after `holds` keeps every stated order, B6 after the organization it joins,
    and (with `c3_last`, for a plan: "This final step") C3 after every other step taken."""
    position = {id_: i for i, id_ in enumerate(order)}
    for earlier, later in PAPER_ORDERS:
        if later in position and earlier not in holds and position.get(earlier, len(order)) > position[later]:
            return False
    if c3_last and "C3" in position and any(position[x] > position["C3"] for x in position if x[0] in "ABC" and x != "C3"):
        return False
    return "B6" not in position or any(j in holds or position.get(j, len(order)) < position["B6"] for j in B6_JOINS)


def _every_reading(paper):
    """Every profile, and every combination of the choices that preconditions depend on (the others, about
    Chart 1 rungs, cannot change a plan or an order)."""
    named = {c for s in paper.steps.values() for r in s.preconditions for c, _, _ in r.when}
    choices = [c for c in paper.readings.choices.values() if c.id in named]
    assert len(choices) == 6, "what A7 needs, A5, B4, B6, C1 and C3"
    combinations = itertools.product(*([a.id for a in c.alternatives] for c in choices))
    yield from (paper.readings.reading(p) for p in paper.readings.profiles)
    yield from (paper.readings.reading("default", list(zip([c.id for c in choices], picks))) for picks in combinations)


def test_no_reading_plans_against_an_order_the_paper_states(paper, baseline):
    """For every profile and every combination of choices, the plan for the goal and for every step."""
    checked = 0
    for reading in _every_reading(paper):
        with Engine(paper, baseline, reading=reading, backend="reference") as engine:
            holds = engine.evaluation().holds
            for target in paper.steps:
                order = engine.plan(target).order
                assert _respects_the_paper(order, holds), (reading.label, target, order)
                checked += 1
    assert checked > 1000


@budget(100)
@given(data=st.data())
def test_every_order_a_reading_accepts_respects_the_orders_the_paper_states(data, paper):
    """Assert in any order under any reading; what is accepted, in the order accepted, keeps the paper's."""
    reading = data.draw(readings(paper))
    with Engine(paper, (), reading=reading) as engine:
        taken: list[str] = []
        for action, id_, attributes, _ in data.draw(events(paper, max_size=40)):
            if action != "assert" or id_ in taken:
                continue
            try:
                engine.assert_fact(id_, attributes)
            except RefusedError:
                continue
            taken.append(id_)
    assert _respects_the_paper(taken, c3_last=False), (reading.label, taken)
