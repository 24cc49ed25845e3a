"""The paper's rule set: every precondition the issue pins, with its basis."""

from __future__ import annotations

import pytest

from perimeter import Basis, Kind

# Stated only where the paper names the earlier step, or what it produced, as coming first or being
# needed (issue 17); A7 names NORAD, what it joins, as A6 names A4's command and B7 B4's organization.
STATED = [
    ("A3", "A1"), ("A3", "A2"), ("A4", "A3"), ("A6", "A4"), ("B5", "B3"), ("B7", "B4"),
    ("B8", "B5"), ("B8", "B6"), ("B8", "B7"), ("C2", "C1"),
    ("B1", "vetting"), ("B2", "vetting"), ("C1", "vetting"), ("A7", "norad"), ("goal", "C3"),
]

# Readings: A7's needs name no step; B4's "routine combined operations" are not B2's "joint operations"
# by name (and US/Mexico had combined operations in 2013); the rest as before.
IMPLIED = [("A5", "A3"), ("B6", "B1"), ("C1", "A4"), ("C1", "B1"), ("C1", "B4"), ("B4", "B2"),
           ("C3", "A7"), ("C3", "B8"), ("C3", "C2"), ("A7", "A5"), ("A7", "A6"), ("B1", "ibet_canada_us")]


def test_every_precondition_that_depends_on_a_choice_is_a_reading_and_names_its_choice(paper):
    chosen = [r for s in paper.steps.values() for r in s.preconditions if r.when]
    assert len(chosen) > 20
    for requirement in chosen:
        assert requirement.basis is Basis.IMPLIED, requirement
        (choice, _, _), *_ = requirement.when
        assert requirement.note and choice in requirement.note, requirement

STEP_IDS = [f"A{i}" for i in range(1, 8)] + [f"B{i}" for i in range(1, 9)] + [f"C{i}" for i in range(1, 4)]


def _precondition(paper, step, need):
    matches = [r for r in paper.steps[step].preconditions if r.need == need]
    assert matches, f"{step} does not require {need}"
    return matches[0]


@pytest.mark.parametrize(("step", "need"), STATED)
def test_stated_precondition(paper, step, need):
    assert _precondition(paper, step, need).basis is Basis.STATED


@pytest.mark.parametrize(("step", "need"), IMPLIED)
def test_reading_of_unclear_precondition_is_implied_and_justified(paper, step, need):
    requirement = _precondition(paper, step, need)
    assert requirement.basis is Basis.IMPLIED
    assert requirement.note, f"{step} -> {need} is a reading and must say why"


def test_the_pathway_has_all_eighteen_steps_and_the_goal(paper):
    assert [s for s in paper.steps if s != "goal"] == STEP_IDS
    goal = paper.steps["goal"]
    assert goal.kind is Kind.GOAL and goal.derived and paper.goal == "goal"
    assert not paper.assertable("goal")


@pytest.mark.parametrize("step", STEP_IDS)
def test_every_step_is_fully_described(paper, step):
    rule = paper.steps[step]
    assert rule.title and rule.actors and rule.aliases and rule.citation.quote
    assert rule.sector.value == {"A": "defense", "B": "security", "C": "cross-sector"}[step[0]]
    assert rule.sequence == int(step[1:])


def test_sequence_numbers_alone_are_not_preconditions(paper):
    needs = lambda s: {r.need for r in paper.steps[s].preconditions}  # noqa: E731
    assert "B1" not in needs("B2"), "B2 follows B1 by number only"
    assert not needs("A1") and not needs("A2") and not needs("B3")
    assert "A5" not in needs("A6"), "A6 follows A5 by number only"


def test_a7_draws_on_no_security_sector_step(paper):
    ancestors, frontier = set(), ["A7"]
    while frontier:
        for requirement in paper.steps[frontier.pop()].preconditions:
            if requirement.need not in ancestors:
                ancestors.add(requirement.need)
                if requirement.need in paper.steps:
                    frontier.append(requirement.need)
    assert {"A1", "A2", "A3", "A4", "A5", "A6"} <= ancestors
    assert not any(a.startswith(("B", "C")) for a in ancestors if a in paper.steps)


def test_a4_must_sit_in_mexico_under_a_mexican_leader(paper):
    constraints = {c.attribute: c for c in paper.steps["A4"].constraints}
    assert set(constraints) == {"location", "leader"}
    assert constraints["location"].accepts("mexico") and not constraints["location"].accepts("United States")
    assert constraints["leader"].accepts("Mexican") and not constraints["leader"].accepts("Canadian")
    assert all(c.basis is Basis.STATED for c in constraints.values())


def test_vetting_records_what_it_involves(paper):
    vetting = paper.conditions["vetting"]
    involved = " ".join(i.text.lower() for i in vetting.involves)
    for element in ("lie detector", "salary", "review"):
        assert element in involved
    assert all(i.citation.quote for i in vetting.involves)
