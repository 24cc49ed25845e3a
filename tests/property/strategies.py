"""Hypothesis strategies (random valid rule sets, random event sequences over them) and budgets."""

from __future__ import annotations

from hypothesis import settings
from hypothesis import strategies as st

from builders import compile_rules, constraint, need, rule_set, step

CITATION = {"section": "generated", "quote": "generated for a property test"}
PLACES = ["here", "there", "elsewhere"]


def budget(examples: int) -> settings:
    """`examples` under the ci profile, scaled by the loaded profile (see tests/conftest.py)."""
    return settings(max_examples=examples * settings.default.max_examples // settings.get_profile("ci").max_examples)


@st.composite
def rule_sets(draw, max_steps: int = 12, max_conditions: int = 3):
    """A valid, acyclic rule set: steps may need earlier steps and conditions.

    Names are shuffled so that the file order is not always a topological
    order, and bases, constraints and the goal vary.
    """
    count = draw(st.integers(1, max_steps))
    conditions = [f"cond{i}" for i in range(draw(st.integers(0, max_conditions)))]
    names = draw(st.permutations([f"S{i}" for i in range(count)]))
    steps = []
    for position, name in enumerate(names):
        candidates = list(names[:position]) + conditions
        needs = draw(st.lists(st.sampled_from(candidates), unique=True, max_size=min(4, len(candidates)))
                     ) if candidates else []
        sector = draw(st.sampled_from(["defense", "security", "cross-sector"]))
        sequence = draw(st.integers(0, 9))
        preconditions = [need(n, draw(st.sampled_from(["stated", "implied"])), CITATION) for n in needs]
        constraints = []
        if draw(st.integers(0, 3)) == 0:
            constraints = [constraint("place", *draw(st.lists(st.sampled_from(PLACES), min_size=1, max_size=2,
                                                              unique=True)), citation=CITATION)]
        steps.append(step(name, *preconditions, title=f"step {name}", actors=["someone"], sector=sector,
                          sequence=sequence, constraints=constraints, citation=CITATION))
    goal = None
    if draw(st.booleans()):
        ends = draw(st.lists(st.sampled_from(list(names) + conditions), min_size=1, max_size=3, unique=True))
        goal = [need(n, draw(st.sampled_from(["stated", "implied"])), CITATION) for n in ends]
    document = rule_set(*steps, pathway="generated", title="generated",
                        conditions=[{"id": c, "title": f"condition {c}"} for c in conditions], goal=goal)
    return compile_rules(document, "<generated>")


def events(pathway, max_size: int = 40):
    """Asserts (with or without a `place`) and retracts of any assertable id, in any order.

    Most events fall on a few "hot" ids, so histories assert, retract and
    re-assert the same facts: where truth-maintenance bugs live.
    """
    ids = [i for i in (*pathway.conditions, *pathway.steps) if pathway.assertable(i)]
    attributes = st.one_of(st.just({}), st.sampled_from(PLACES).map(lambda p: {"place": p}))

    @st.composite
    def history(draw):
        hot = draw(st.lists(st.sampled_from(ids), min_size=1, max_size=3, unique=True))
        target = st.one_of(st.sampled_from(hot), st.sampled_from(hot), st.sampled_from(ids))
        event = st.one_of(
            st.tuples(st.just("assert"), target, attributes, st.booleans()),
            st.tuples(st.just("retract"), target, st.just({}), st.just(False)),
        )
        return draw(st.lists(event, max_size=max_size))

    return history()
