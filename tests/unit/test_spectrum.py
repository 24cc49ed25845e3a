"""The spectrum's level rule, on a small synthetic chart and on the paper's Chart 1."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree

import pytest

from perimeter import CompileError, FactChange, LoadError, load_measures, load_pathway
from perimeter.answers.resolve import resolve_relationship

CITE = "{section: s, quote: q}"
RULES = f"""\
pathway: {{id: small, title: Small}}
steps:
  - {{id: treaty, title: Sign a treaty, actors: [a, b], sector: defense, sequence: 1, citation: {CITE}}}
  - {{id: drill, title: Hold a drill, actors: [a, b], sector: defense, sequence: 2, citation: {CITE}}}
spectrum:
  title: Small spectrum
  citation: {CITE}
  floor: talks
  levels:
    - {{id: war, name: war, citation: {CITE}}}
    - {{id: nothing, name: no relationship, citation: {CITE}}}
    - {{id: talks, name: diplomatic talks, citation: {CITE}}}
    - {{id: schools, name: military schools, citation: {CITE}}}
    - {{id: exercises, name: combined exercises, citation: {CITE}}}
    - {{id: alliance, name: alliance, citation: {CITE}}}
  relationships:
    - {{id: ab, title: A/B, members: [A, B]}}
    - {{id: ac, title: A/C, members: [A, C]}}
    - {{id: bc, title: B/C, members: [B, C]}}
  effects:
    - {{step: drill, relationship: ab, level: exercises, basis: stated, citation: {CITE}}}
    - {{step: treaty, relationship: ab, level: alliance, basis: implied, citation: {CITE}}}
"""
MEASURES = f"""\
measures:
  - {{relationship: ab, level: talks, basis: stated, citation: {CITE}}}
  - {{relationship: ab, level: schools, basis: stated, citation: {CITE}}}
  - {{relationship: ab, level: exercises, in_place: false, basis: stated, citation: {{section: s, quote: no drills}}}}
  - {{relationship: ac, level: talks, basis: implied, citation: {CITE}}}
  - {{relationship: ac, level: exercises, basis: stated, citation: {CITE}}}
  - {{relationship: bc, level: war, basis: stated, citation: {CITE}}}
"""


@pytest.fixture
def small(tmp_path, engines):
    (tmp_path / "rules.yaml").write_text(RULES)
    (tmp_path / "facts.yaml").write_text(MEASURES)
    pathway = load_pathway(tmp_path / "rules.yaml")
    measures = load_measures(pathway, tmp_path / "facts.yaml")
    return engines(pathway, (), measures=measures)


def test_a_relationship_stands_at_the_top_of_its_unbroken_run_from_the_floor(small):
    chart = small.chart()
    assert chart.scale == ("war", "no relationship", "diplomatic talks", "military schools", "combined exercises",
                           "alliance")
    levels = {s.id: (s.level, s.level_name) for s in chart.relationships}
    assert levels["ab"] == (3, "military schools")
    assert levels["ac"] == (2, "diplomatic talks"), "exercises without schools do not lift it"
    assert levels["bc"] == (0, "war"), "below the floor, a recorded state counts"


def test_a_done_step_puts_its_measure_in_place_and_the_change_reports_the_move(small):
    change = small.assert_fact("drill")
    assert [(m.id, m.before, m.after) for m in change.moves] == [("ab", 3, 4)]
    assert "A/B moves from military schools to combined exercises" in change.summary()
    exercises = next(m for m in small.chart().standing("ab").measures if m.level == "exercises")
    assert exercises.in_place and exercises.source == "drill"
    small.retract_fact("drill")
    assert small.chart().standing("ab").level == 3, "retracting the step withdraws its measure"


def test_what_if_moves_the_chart_without_storing(small):
    change = small.what_if([FactChange("assert", "drill"), FactChange("assert", "treaty")])
    assert [(m.id, m.after) for m in change.moves] == [("ab", 5)]
    assert small.chart().standing("ab").level == 3


def test_why_not_names_the_missing_measure_with_its_evidence_and_the_steps_that_would_add_it(small):
    answer = small.explain_relationship("why isn't A/B at combined exercises")
    assert answer.target == "ab" and answer.asked_name == "combined exercises"
    assert [m.level for m in answer.measures] == ["exercises"] == list(answer.missing)
    assert answer.measures[0].citation.quote == "no drills" and answer.measures[0].by_steps == ("drill",)
    assert "no drills" in answer.reasons[0] and "drill would put in place" in answer.reasons[0]
    nearest = small.explain_relationship("where does A/C stand")
    assert nearest.asked == 3 and [m.level for m in nearest.measures] == ["schools"]


def test_relationship_questions_do_not_capture_step_questions(small):
    assert resolve_relationship(small.pathway, "why isn't A/B at alliance") == ("ab", "alliance")
    assert resolve_relationship(small.pathway, "where does A/B stand") == ("ab", None)
    assert resolve_relationship(small.pathway, "A/B treaty") is None


@pytest.mark.parametrize(("edit", "code", "needle"), [
    (("level: exercises, basis: stated", "level: exercise, basis: stated"), "unknown-reference", "exercise"),
    (("step: drill,", "step: drils,"), "unknown-reference", "drils"),
    (("floor: talks", "floor: talk"), "unknown-reference", "talk"),
    (("{id: ac, title: A/C", "{id: ab, title: A/C"), "duplicate-id", "ab"),
])
def test_bad_spectrum_rules_are_located(tmp_path, edit, code, needle):
    path = tmp_path / "rules.yaml"
    path.write_text(RULES.replace(*edit))
    with pytest.raises(CompileError) as error:
        load_pathway(path)
    (diagnostic,) = error.value.diagnostics
    line = next(n for n, text in enumerate(RULES.replace(*edit).splitlines(), 1) if edit[1] in text)
    assert (diagnostic.code, diagnostic.line) == (code, line) and needle in diagnostic.message


def test_measures_naming_unknown_levels_are_located(tmp_path):
    (tmp_path / "rules.yaml").write_text(RULES)
    facts = tmp_path / "facts.yaml"
    facts.write_text(MEASURES.replace("level: schools", "level: school"))
    with pytest.raises(LoadError) as error:
        load_measures(load_pathway(tmp_path / "rules.yaml"), facts)
    (diagnostic,) = error.value.diagnostics
    assert (diagnostic.line, diagnostic.code) == (3, "unknown-id") and "did you mean 'schools'" in diagnostic.hint


def test_the_svg_is_well_formed_and_draws_one_bar_per_relationship(small):
    from perimeter.cli.svg import chart_svg

    chart = small.chart()
    root = ElementTree.fromstring(chart_svg(chart))
    namespace = {"svg": "http://www.w3.org/2000/svg"}
    bars = root.findall("svg:g[@class='relationship']", namespace)
    assert [int(g.get("data-level")) for g in bars] == [3, 2, 0]
    widths = [float(g.find("svg:rect", namespace).get("width")) for g in bars]
    assert widths[0] > widths[1] > widths[2] > 0
    assert "A/B" in ElementTree.tostring(root, encoding="unicode")


# -- the paper's Chart 1 ----------------------------------------------------------


@pytest.fixture
def paper_chart(engines, paper, baseline):
    return engines(paper, baseline, measures=load_measures(paper))


def test_the_four_2013_positions_come_out_of_the_rules(paper_chart):
    chart = paper_chart.chart()
    assert chart.scale[0] == "Conflict" and len(chart.scale) == 18
    assert {s.id: s.level for s in chart.relationships} == {
        "canada_us": 17, "us_mexico": 8, "canada_mexico": 5, "trilateral": 5}
    assert {s.id: s.members for s in chart.relationships}["trilateral"] == ("Canada", "United States", "Mexico")


def test_canada_mexico_liaison_officer_does_not_lift_it_past_working_groups(paper_chart):
    standing = paper_chart.chart().standing("canada_mexico")
    by_level = {m.level: m for m in standing.measures}
    assert by_level["liaison_officers"].in_place, "the part-time liaison officer is recorded"
    assert not by_level["crisis_support"].in_place
    assert standing.level_name.startswith("Working group")


def test_why_isnt_us_mexico_at_combined_exercises(paper_chart):
    answer = paper_chart.explain_relationship("why isn't US/Mexico at combined exercises")
    assert answer.target == "us_mexico" and answer.level == 8
    assert [m.level for m in answer.measures] == ["combined_exercises"]
    assert "have not conducted combined military exercises" in answer.measures[0].citation.quote


def test_the_pathway_moves_the_chart(paper_chart, paper):
    plan = paper_chart.plan("goal")
    change = paper_chart.what_if([FactChange("assert", item.id) for item in plan.items if item.action != "reached"])
    moved = {m.id: (m.before, m.after) for m in change.moves}
    assert moved == {"us_mexico": (8, 17), "canada_mexico": (5, 17), "trilateral": (5, 17)}
    assert paper_chart.chart().standing("us_mexico").level == 8, "what-if stores nothing"
    for effect in paper.spectrum.effects:
        assert effect.citation.quote and effect.basis.value in ("stated", "implied")


def test_a4_done_puts_the_binational_organization_in_place_for_us_mexico(paper_chart):
    for step in ("A1", "A2", "A3"):
        paper_chart.assert_fact(step)
    paper_chart.assert_fact("A4", {"location": "Mexico", "leader": "Mexican"})
    measure = next(m for m in paper_chart.chart().standing("us_mexico").measures
                   if m.level == "binational_organization")
    assert measure.in_place and measure.source == "A4"
    assert paper_chart.chart().standing("us_mexico").level == 8, "combined exercises still missing below it"
