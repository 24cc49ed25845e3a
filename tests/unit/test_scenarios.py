"""perimeter.scenarios: scenario files read and checked, run in memory, mismatches and coverage as data."""

from __future__ import annotations

import pytest

from builders import choice, constraint, need, need_any, need_at_least, rule_set, step, write_facts, write_rules
from perimeter import DEFAULT_READING, LoadError, run_scenarios
from perimeter.files.sources import shipped_dir
from perimeter.scenarios.load import check_scenario_file, shipped_scenarios

# survey -> build (needs survey and the condition permit; its site must be north) -> paint (implied);
# open needs one of build, paint and 2 of survey, build, paint; the goal needs open.
RULES = rule_set(
    ("survey", []),
    step("build", "survey", "permit", sequence=2, constraints=[constraint("site", "north")]),
    step("paint", need("build", "implied", when={"paint-after": "build"}), sequence=3),
    step("open", need_any("build", "paint"), need_at_least(2, "survey", "build", "paint"), sequence=4),
    pathway="tiny", conditions=["permit"], goal=["open"], choices=[choice("paint-after", "build", "nothing")],
    profiles={"bare": {"paint-after": "nothing"}})


@pytest.fixture
def files(tmp_path):
    """Write a scenario file (its text) beside the tiny rule set and a baseline holding `permit`; run it."""
    rules = write_rules(tmp_path / "rules.yaml", RULES)
    facts = write_facts(tmp_path / "facts.yaml", "permit")

    def run(text: str, **options):
        path = tmp_path / "scenarios.yaml"
        path.write_text(text, encoding="utf-8")
        return run_scenarios([path], rules, facts, **options)

    return run


def test_a_scenario_whose_expectations_hold_passes(files):
    run = files("""\
rule_set: tiny
scenarios:
  - name: survey then build
    do:
      - {assert: survey}
      - {assert: build, attributes: {site: north}}
    expect:
      done: [survey, build]
      eligible: [paint, open]
      blocked: [goal]
      blockers: {goal: [open], paint: []}
      holds: [permit]
      plan: {goal: [open, goal], build: []}
""")
    assert run.passed and run.pathway == "tiny" and run.reading == DEFAULT_READING
    (result,) = run.scenarios
    assert (result.name, result.line, result.start, result.actions, result.mismatches) == (
        "survey then build", 3, "baseline", 2, ())


def test_each_expectation_that_does_not_hold_is_a_mismatch_saying_what_was_expected_and_found(files):
    run = files("""\
scenarios:
  - name: wrong on purpose
    do:
      - {assert: survey}
    expect:
      done: [build]
      blockers: {build: [survey]}
      absent: [permit]
      plan: {paint: [paint]}
""")
    assert not run.passed
    (result,) = run.failed
    found = [(m.what, m.id, m.expected, m.found, m.line) for m in result.mismatches]
    assert found == [
        ("state", "build", ("done",), ("eligible",), 6),
        ("blockers", "build", ("survey",), (), 7),
        ("holds", "permit", ("absent",), ("holds",), 8),
        ("plan", "paint", ("paint",), ("build", "paint"), 9),
    ]


def test_a_state_mismatch_carries_the_blockers_found(files):
    run = files("scenarios:\n  - name: s\n    expect: {eligible: [paint]}\n")
    (mismatch,) = run.scenarios[0].mismatches
    assert (mismatch.found, [b.id for b in mismatch.blockers], mismatch.blockers[0].kind) == (
        ("blocked",), ["build"], "step")


def test_an_unexpected_refusal_is_a_mismatch_changes_nothing_and_the_scenario_goes_on(files):
    run = files("""\
scenarios:
  - name: build too early
    do:
      - {assert: build}
      - {assert: survey}
      - {assert: paint, refused: true}
      - {assert: build, attributes: {site: south}}
    expect:
      done: [survey]
      eligible: [build]
""")
    (result,) = run.scenarios
    refusals = [(m.what, m.id, m.action, m.position, m.expected, m.found, [b.id for b in m.blockers], m.line)
                for m in result.mismatches]
    assert refusals == [
        ("refusal", "build", "assert", 1, ("recorded",), ("refused",), ["survey"], 4),
        ("refusal", "build", "assert", 4, ("recorded",), ("refused",), ["build.site"], 7),
    ]
    assert result.actions == 4  # paint was refused as expected; survey was recorded after the first refusal


def test_an_action_expected_to_be_refused_that_is_recorded_is_a_mismatch(files):
    run = files("""\
scenarios:
  - name: survey is free
    do:
      - {assert: survey, refused: true}
      - {retract: permit}
      - {retract: permit, refused: true}
      - {retract: permit}
""")
    found = [(m.action, m.id, m.position, m.expected, m.found, m.blockers) for m in run.scenarios[0].mismatches]
    assert found == [("assert", "survey", 1, ("refused",), ("recorded",), ()),
                     ("retract", "permit", 4, ("withdrawn",), ("refused",), ())]


def test_forced_steps_are_violated_and_counted_for_what_comes_after(files):
    run = files("""\
scenarios:
  - name: forced
    do:
      - {assert: build, force: true, source: a site visit}
    expect:
      violated: [build]
      blockers: {build: [survey]}
      eligible: [paint]
""")
    assert run.passed


def test_a_scenario_starts_from_the_baseline_from_nothing_or_where_an_earlier_one_ended(files):
    run = files("""\
scenarios:
  - name: surveyed
    do: [{assert: survey}]
    expect: {done: [build]}          # fails: the scenario after it still starts where it ended
  - name: from nothing
    from: empty
    expect: {absent: [permit], blockers: {build: [survey, permit]}}
  - name: then build
    from: Surveyed
    do: [{assert: build}]
    expect: {done: [survey, build]}
""")
    assert [(s.name, s.start, s.passed) for s in run.scenarios] == [
        ("surveyed", "baseline", False), ("from nothing", "empty", True), ("then build", "surveyed", True)]


def test_ids_are_matched_without_case_and_reported_as_defined(files):
    run = files("scenarios:\n  - name: s\n    do: [{assert: SURVEY}]\n    expect: {done: [Build]}\n")
    (mismatch,) = run.scenarios[0].mismatches
    assert (mismatch.id, mismatch.found) == ("build", ("eligible",))


def test_the_durable_and_reference_backends_give_the_same_run(files):
    text = ("scenarios:\n  - name: s\n    do: [{assert: survey}, {assert: paint, refused: true}, {assert: build}]\n"
            "    expect: {done: [paint], plan: {goal: [paint, open, goal]}}\n")
    assert files(text) == files(text, backend="reference")


def test_coverage_lists_each_precondition_seen_met_and_unmet_and_the_members_seen_holding(files):
    run = files("""\
scenarios:
  - name: start
  - name: survey and build
    do: [{assert: survey}, {assert: build}]
""")
    coverage = run.coverage
    seen = [(p.step, p.id, p.met, p.unmet, p.holding) for p in coverage.preconditions]
    assert seen == [
        ("build", "survey", True, True, ()),
        ("build", "permit", True, False, ()),
        ("paint", "build", True, True, ()),
        ("open", "build|paint", True, True, ("build",)),
        ("open", "2 of survey|build|paint", True, True, ("survey", "build")),
        ("goal", "open", False, True, ()),
    ]
    assert coverage.states == 3  # the second scenario starts where the first is: one state, seen once
    assert coverage.covered == 4 and coverage.percent == pytest.approx(400 / 6)


def test_coverage_counts_the_preconditions_of_the_reading_in_force(files):
    text = "scenarios:\n  - name: start\n"
    assert len(files(text).coverage.preconditions) == 6
    bare = files(text, reading="bare").coverage.preconditions
    assert len(bare) == 5 and ("paint", "build") not in [(p.step, p.id) for p in bare]


def test_every_problem_of_a_file_is_reported_at_once_with_its_line(files):
    with pytest.raises(LoadError) as caught:
        files("""\
scenarios:
  - name: one
    do:
      - {assert: surevy}
      - {assert: build, attributes: {sight: north}}
      - {retract: goal}
    expect:
      done: [permit]
      holds: [survey]
      eligible: [paint]
      blocked: [Paint]
      blockers: {build: [build.sight]}
      plan: {opne: []}
  - name: One
    from: nowhere
  - name: empty
""")
    found = [(d.line, d.code, d.message) for d in caught.value.diagnostics]
    assert found == [
        (4, "unknown-id", "unknown step or condition 'surevy'"),
        (5, "bad-fact", "fact 'build': unknown attribute 'sight'"),
        (6, "bad-scenario", "'goal' is derived from its preconditions, never recorded, so it cannot be retracted"),
        (8, "bad-scenario", "permit is a condition, not a step"),
        (9, "bad-scenario", "survey is a step, not a condition"),
        (11, "bad-scenario", "paint is expected both eligible and blocked"),
        (12, "unknown-id", "'build.sight' names no precondition, attribute or constraint"),
        (13, "unknown-id", "unknown step or condition 'opne'"),
        (14, "duplicate-scenario", "scenario 'One' is named twice (first at line 2)"),
        (15, "bad-scenario", "`from: nowhere` names no earlier scenario of this file"),
        (16, "bad-scenario", "a scenario cannot be named 'empty': `from: empty` means no facts"),
    ]
    suggested = {d.line: d.candidates for d in caught.value.diagnostics}
    assert suggested[4] == ("survey",) and suggested[12][0] == "build.site" and suggested[13] == ("open",)


def test_a_file_for_another_rule_set_or_with_no_scenarios_is_refused_in_one_line(files):
    for text, code in [("rule_set: other\nscenarios:\n  - name: s\n", "scenario-other-rules"),
                       ("rule_set: TINY\nscenarios: []\n", "no-scenarios")]:
        with pytest.raises(LoadError) as caught:
            files(text)
        assert [d.code for d in caught.value.diagnostics] == [code]


def test_with_other_rules_the_scenario_files_must_be_named(tmp_path):
    rules = write_rules(tmp_path / "rules.yaml", RULES)
    with pytest.raises(LoadError) as caught:
        run_scenarios(None, rules)
    assert caught.value.problem.code == "no-scenario-files"


def test_check_scenario_file_gives_the_problems_as_data(tmp_path, paper):
    path = tmp_path / "s.yaml"
    path.write_text("scenarios:\n  - name: s\n    do: [{assert: A11}]\n", encoding="utf-8")
    (problem,) = check_scenario_file(path, paper)
    assert (problem.file, problem.line, problem.code, problem.candidates) == (str(path), 3, "unknown-id", ("A1",))
    path.write_text("scenarios: [\n", encoding="utf-8")
    assert [p.code for p in check_scenario_file(path, paper)] == ["parse"]
    assert [p.code for p in check_scenario_file(tmp_path / "missing.yaml", paper)] == ["load"]


def test_the_shipped_scenarios_check_clean_pass_and_cover_every_precondition_of_the_paper(paper, state_file):
    shipped = shipped_scenarios()
    assert [p.name for p in shipped] == ["pathway.yaml", "readings.yaml"]
    assert all(check_scenario_file(path, paper) == [] for path in shipped)
    run = run_scenarios()
    assert run.passed and run.files == tuple(str(p) for p in shipped) and len(run.scenarios) >= 15
    # every precondition of every reading the scenarios run under: the default, and the profiles they name
    in_force = {(r.step, r.id) for profile in paper.readings.profiles for r in
                paper.requirements(paper.readings.reading(profile))}
    assert run.coverage.percent == 100.0 and len(run.coverage.preconditions) == len(in_force)
    assert not state_file.exists() and not state_file.parent.exists()  # nothing read or written


@pytest.mark.parametrize("example", ["approval", "wildfire"])
def test_the_example_scenarios_pass_and_cover_every_precondition(example):
    here = shipped_dir("rules") / "examples" / example
    run = run_scenarios([here / "scenarios.yaml"], here / "rules.yaml", here / "facts.yaml")
    assert run.passed, [m for s in run.failed for m in s.mismatches]
    assert run.coverage.percent == 100.0
