"""Hypothesis strategies (random valid rule sets, random event sequences over them) and budgets."""

from __future__ import annotations

import pytest
from hypothesis import settings
from hypothesis import strategies as st

from builders import attribute, choice, compile_rules, constraint, need, need_any, need_at_least, rule_set, step

CITATION = {"section": "generated", "quote": "generated for a property test"}
PLACES = ["here", "there", "elsewhere"]
VALUES = {
    # what events give an attribute of each type, some equal under folding ("There", "thére"; "2", "2.0", "02")
    "text": [*PLACES, "There", "thére", "Mexico", "MEXICAN"],
    "number": ["-1", "0", "1", "2", "2.0", "02", "3.5", "10"],
    "date": ["2012-12-31", "2013-03-01", "2013-03-02", "2020-02-29"],
}


LARGE_REPRS = pytest.mark.filterwarnings("ignore:Generating overly large repr:hypothesis.errors.HypothesisWarning")
"""For modules that draw whole pathways: a failing example's report prints the drawn pathway, whose
repr can pass hypothesis's size warning; under `filterwarnings = error` that warning, raised while
the failure is replayed for its report, hid the failure behind a FlakyStrategyDefinition."""


def budget(examples: int) -> settings:
    """`examples` under the ci profile, scaled by the loaded profile (see tests/conftest.py)."""
    return settings(max_examples=examples * settings.default.max_examples // settings.get_profile("ci").max_examples)


@st.composite
def preconditions(draw, candidates: list[str], min_size: int = 0, max_size: int = 4,
                  to_start: bool = True, choices: dict[str, list[str]] | None = None) -> list[dict]:
    """Distinct preconditions over `candidates`: mostly `requires`, some `any_of` and `at_least`/`of`.

    A group names 2 to 4 distinct members (now and then one, which means the
    same as `requires`) and asks for 1 to all of them.  With `to_start`, some
    are needed only to take the step.  No two preconditions are the same
    requirement (that would be a `duplicate-precondition`).  Given `choices`
    (id -> alternatives), some implied ones count only under some of a
    choice's alternatives (`when`).
    """
    if not candidates:
        return []
    made, seen = [], set()
    for _ in range(draw(st.integers(min_size, max_size))):
        basis = draw(st.sampled_from(["stated", "implied"]))
        start = to_start and draw(st.integers(0, 3)) == 0
        shape = draw(st.sampled_from(["requires", "requires", "any_of", "at_least"]))
        if shape == "requires" or len(candidates) == 1:
            members, count = [draw(st.sampled_from(candidates))], 1
            built = need(members[0], basis, CITATION, to_start=start)
        else:
            smallest = 1 if draw(st.integers(0, 7)) == 0 else 2
            members = draw(st.lists(st.sampled_from(candidates), unique=True, min_size=smallest,
                                    max_size=min(4, len(candidates))))
            if shape == "any_of":
                count = 1
                built = need_any(*members, basis=basis, citation=CITATION, to_start=start)
            else:
                count = draw(st.integers(1, len(members)))
                built = need_at_least(count, *members, basis=basis, citation=CITATION, to_start=start)
        if choices and basis == "implied" and draw(st.booleans()):
            chosen = draw(st.sampled_from(sorted(choices)))
            built["when"] = {chosen: draw(st.lists(st.sampled_from(choices[chosen]), unique=True, min_size=1))}
        key = (count, frozenset(members))
        if key not in seen:
            seen.add(key)
            made.append(built)
    return made


@st.composite
def rule_sets(draw, max_steps: int = 12, max_conditions: int = 3, groups: bool = True, required: bool = False):
    """A valid, acyclic rule set: steps may need earlier steps and conditions.

    Names are shuffled so that the file order is not always a topological
    order, and bases, constraints and the goal vary.  With `groups`, some
    preconditions are alternatives (`any_of`) or k of n (`at_least`/`of`),
    and some of a step's are needed only to take it (`to_start`, never on the
    goal); members, like plain needs, are earlier steps and conditions.
    Some steps declare typed attributes (see `declared`); with `required`,
    some of those are required (a step asserted without them is refused).
    """
    count = draw(st.integers(1, max_steps))
    conditions = [f"cond{i}" for i in range(draw(st.integers(0, max_conditions)))]
    choices = {f"ch{i}": [f"alt{j}" for j in range(draw(st.integers(2, 3)))]
               for i in range(draw(st.integers(0, 2)))} if groups else {}
    names = draw(st.permutations([f"S{i}" for i in range(count)]))
    steps = []
    for position, name in enumerate(names):
        candidates = list(names[:position]) + conditions
        if groups:
            needs = draw(preconditions(candidates, choices=choices))
        else:
            ids = draw(st.lists(st.sampled_from(candidates), unique=True, max_size=min(4, len(candidates)))
                       ) if candidates else []
            needs = [need(n, draw(st.sampled_from(["stated", "implied"])), CITATION) for n in ids]
        sector = draw(st.sampled_from(["defense", "security", "cross-sector"]))
        sequence = draw(st.integers(0, 9))
        attributes, constraints = draw(declared(required))
        steps.append(step(name, *needs, title=f"step {name}", actors=["someone"], sector=sector,
                          sequence=sequence, constraints=constraints, citation=CITATION, attributes=attributes))
    goal = None
    if draw(st.booleans()):
        ends = list(names) + conditions
        if groups:
            goal = draw(preconditions(ends, min_size=1, max_size=3, to_start=False, choices=choices))
        else:
            picked = draw(st.lists(st.sampled_from(ends), min_size=1, max_size=3, unique=True))
            goal = [need(n, draw(st.sampled_from(["stated", "implied"])), CITATION) for n in picked]
    profiles = {"other": {c: alternatives[-1] for c, alternatives in choices.items()}} if choices else None
    document = rule_set(*steps, pathway="generated", title="generated",
                        conditions=[{"id": c, "title": f"condition {c}"} for c in conditions], goal=goal,
                        choices=[choice(c, *alternatives) for c, alternatives in choices.items()], profiles=profiles)
    return compile_rules(document, "<generated>")


@st.composite
def readings(draw, pathway):
    """A reading of `pathway`: one of its profiles, with some choices picked on top."""
    profile = draw(st.sampled_from(sorted(pathway.readings.profiles)))
    picks = [(c.id, draw(st.sampled_from([a.id for a in c.alternatives])))
             for c in pathway.readings.choices.values() if draw(st.booleans())]
    return pathway.readings.reading(profile, picks)


@st.composite
def declared(draw, required: bool = False):
    """A step's declared attributes and constraints, as (attributes, constraints).

    Mostly none; now and then a constrained `place` it does not declare (as
    rule sets written before declarations do); or declared `place` (text),
    `count` (number) and `day` (date), some `required` if asked, constrained by
    `allowed` or by `min`/`max`.
    """
    shape = draw(st.integers(0, 7))
    if shape < 5:
        return [], []
    places = draw(st.lists(st.sampled_from(PLACES), min_size=1, max_size=2, unique=True))
    if shape == 5:
        return [], [constraint("place", *places, citation=CITATION)]
    attributes = [attribute("place", required=required and draw(st.booleans())),
                  attribute("count", "number", required=required and draw(st.booleans())), attribute("day", "date")]
    constraints = []
    if draw(st.booleans()):
        constraints.append(constraint("Place", *places, citation=CITATION))  # names match without case
    low, high = draw(st.sampled_from([(None, "2"), ("0", None), ("1", "3"), ("2.0", "02")]))
    if draw(st.booleans()):
        constraints.append(constraint("count", citation=CITATION, minimum=low, maximum=high))
    if draw(st.booleans()):
        constraints.append(constraint("day", citation=CITATION, minimum="2013-03-01"))
    return attributes, constraints


def events(pathway, max_size: int = 40):
    """Asserts (with or without an attribute) and retracts of any assertable id, in any order.

    Most events fall on a few "hot" ids, so histories assert, retract and
    re-assert the same facts: where truth-maintenance bugs live.  An assert
    carries only an attribute its id takes (declared, or named by one of its
    constraints), with a value its constraint allows or one it breaks.
    """
    ids = [i for i in (*pathway.conditions, *pathway.steps) if pathway.assertable(i)]

    def attributes(id_: str):
        rule = pathway.steps.get(id_) or pathway.conditions[id_]
        constraints = getattr(rule, "constraints", ())
        names = sorted({a.name for a in getattr(rule, "attributes", ())} | {c.attribute for c in constraints})
        if not names:
            return st.just({})
        kinds = {a.name: a.type.value for a in getattr(rule, "attributes", ())}  # values of each one's type
        values = {n: sorted({v for c in constraints if c.attribute == n for v in c.allowed}
                            | set(VALUES[kinds.get(n, "text")])) for n in names}
        given = st.fixed_dictionaries({}, optional={n: st.sampled_from(values[n]) for n in names})  # some of them
        return st.one_of(st.just({}), given)

    @st.composite
    def history(draw):
        hot = draw(st.lists(st.sampled_from(ids), min_size=1, max_size=3, unique=True))
        target = st.one_of(st.sampled_from(hot), st.sampled_from(hot), st.sampled_from(ids))
        @st.composite
        def assertion(draw):  # the id first, then attributes it takes
            id_ = draw(target)
            return ("assert", id_, draw(attributes(id_)), draw(st.booleans()))

        event = st.one_of(assertion(), st.tuples(st.just("retract"), target, st.just({}), st.just(False)))
        return draw(st.lists(event, max_size=max_size))

    return history()
