"""perimeter.pathway.readings and perimeter.comparison: choices, profiles, the reading in force, two readings compared."""

from __future__ import annotations

import pytest

from builders import choice, compile_rules, need, rule_set, step
from perimeter import DEFAULT_READING, Engine, ReadingError, compare

# survey -> build; paint needs build only under `paint-after: build`, and survey under `survey-first`.
RULES = compile_rules(rule_set(
    ("survey", []),
    ("build", ["survey"]),
    step("paint", need("build", "implied", when={"paint-after": "build"}),
         need("survey", "implied", when={"paint-after": ["survey-first"]}), sequence=3),
    pathway="tiny", choices=[choice("paint-after", "build", "survey-first", "nothing")],
    profiles={"bare": {"paint-after": "nothing"}}))


def needs(reading, step_="paint"):
    return [r.need for r in RULES.preconditions(step_, reading)]


def test_an_entry_written_when_counts_only_under_a_reading_that_picks_its_alternative():
    assert needs(DEFAULT_READING) == ["build"], "the default alternative is the first unless said"
    assert needs(RULES.readings.reading("bare")) == []
    assert needs(RULES.readings.reading(choose={"paint-after": "survey-first"})) == ["survey"]
    assert needs(RULES.readings.reading("bare", [("Paint-After", "BUILD")])) == ["build"], "ids without case"


def test_a_reading_is_labelled_by_its_profile_and_what_was_picked_on_top():
    assert DEFAULT_READING.label == "default"
    assert RULES.readings.reading("bare").label == "bare"
    picked = RULES.readings.reading("bare", {"paint-after": "build"})
    assert picked.label == "bare (paint-after=build)" and picked.picks == ()
    assert RULES.readings.reading(choose={"paint-after": "nothing"}).picks == (("paint-after", "nothing"),)
    assert RULES.readings.resolve("bare") == RULES.readings.reading("bare")
    assert RULES.readings.resolve(picked) is picked


def test_a_reading_says_which_choices_an_entry_rests_on_with_the_alternative_in_force():
    (requirement,) = RULES.preconditions("paint")
    assert DEFAULT_READING.under(requirement.when) == ("paint-after=build",)
    assert RULES.readings.reading("bare").under(requirement.when) == ("paint-after=nothing",)
    assert DEFAULT_READING.under(RULES.preconditions("build")[0].when) == ()


@pytest.mark.parametrize(("profile", "choose", "message"), [
    ("bear", {}, "the rule set has no reading profile 'bear'"),
    (None, {"paint-afterr": "build"}, "the rule set has no choice 'paint-afterr'"),
    (None, {"paint-after": "buidl"}, "choice 'paint-after' has no alternative 'buidl'"),
])
def test_an_unknown_profile_choice_or_alternative_is_a_reading_error_with_candidates(profile, choose, message):
    with pytest.raises(ReadingError) as refused:
        RULES.readings.reading(profile, choose)
    assert refused.value.message == message and refused.value.problem.candidates


def test_an_engine_takes_a_profile_by_name_and_answers_under_it():
    with Engine(RULES, (), reading="bare", backend="reference") as engine:
        assert engine.status("paint").state.value == "eligible"
        assert engine.plan("paint").reading == "bare"
    with pytest.raises(ReadingError):
        Engine(RULES, (), reading="nope", backend="reference")


def test_compare_names_what_differs_and_a_shortest_telling_order():
    bare = RULES.readings.reading("bare")
    comparison = compare(RULES, (), DEFAULT_READING, bare, targets=["paint"])
    assert comparison.readings == ("default", "bare")
    assert [(d.id, d.states, d.blockers) for d in comparison.steps] == [
        ("paint", ("blocked", "eligible"), (("build",), ()))]
    assert [(p.target, p.orders) for p in comparison.plans] == [("paint", (("survey", "build", "paint"), ("paint",)))]
    assert comparison.telling is not None
    assert (comparison.telling.asserts, comparison.telling.accepted_by) == (("paint",), 1)


def test_compare_finds_a_longer_telling_order_and_none_where_the_readings_agree():
    first = RULES.readings.reading(choose={"paint-after": "survey-first"})
    told = compare(RULES, (), DEFAULT_READING, first).telling
    assert told is not None and told.asserts == ("survey", "paint") and told.accepted_by == 1, told
    same = compare(RULES, (), DEFAULT_READING, DEFAULT_READING)
    assert (same.steps, same.plans, same.telling) == ((), (), None) and same.searched > 1


def test_regression_chart_standings_of_two_rule_sets_are_paired_by_relationship_not_by_position(tmp_path):
    import shutil

    import yaml

    from perimeter import Workspace
    from builders import REPO

    rules = tmp_path / "rules"
    shutil.copytree(REPO / "rules", rules, ignore=shutil.ignore_patterns("scenarios", "examples"))
    spectrum = yaml.safe_load((rules / "spectrum.yaml").read_text(encoding="utf-8"))
    spectrum["spectrum"]["relationships"].reverse()  # the same relationships, listed the other way round
    (rules / "spectrum.yaml").write_text(yaml.safe_dump(spectrum, sort_keys=False), encoding="utf-8")
    workspace = Workspace(tmp_path / "state.yaml")
    assert workspace.compare(rules=rules).chart == ()
