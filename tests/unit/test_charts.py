"""`perimeter.pathway.charts`: lanes (Chart 6's bands) and the spectrum (Chart 1), ids without case (issue 15)."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from builders import CITE, rule_set, step
from perimeter import CompileError, load_baseline, load_pathway
from perimeter.errors import Diagnostic
from perimeter.files.read import parse, validate
from perimeter.pathway.compile import compile_pathway
from perimeter.pathway.compiled import PAPER_LANES, Pathway
from perimeter.pathway.model import RuleFile


def compiled(tmp_path, document: dict[str, Any]) -> tuple[Pathway, list[Diagnostic], str]:
    """The document written to a file and compiled; the warnings; the file's text."""
    text = yaml.safe_dump(document, sort_keys=False)
    path = tmp_path / "rules.yaml"
    path.write_text(text)
    parsed = parse(text, str(path))
    warnings: list[Diagnostic] = []
    return compile_pathway([(validate(RuleFile, parsed), parsed.source)], warnings=warnings), warnings, text


def compile_error(tmp_path, document: dict[str, Any]) -> Diagnostic:
    with pytest.raises(CompileError) as caught:
        compiled(tmp_path, document)
    (diagnostic,) = caught.value.diagnostics
    return diagnostic


def laned(id_: str, lane: str | None, *needs: str, sector: str | None = None, sequence: int = 1) -> dict[str, Any]:
    """A step with a `lane:` (and a `sector:` only when given)."""
    document = step(id_, *needs, sequence=sequence)
    del document["sector"]
    if sector is not None:
        document["sector"] = sector
    if lane is not None:
        document["lane"] = lane
    return document


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


# -------------------------------------------------------------------- lanes


def test_without_declared_lanes_the_papers_three_are_the_lanes_and_a_sector_names_one(tmp_path):
    pathway, warnings, _ = compiled(tmp_path, rule_set(step("a"), laned("b", "Security"), goal=["a"]))
    assert pathway.lanes == PAPER_LANES and list(pathway.lanes) == ["defense", "cross-sector", "security"]
    assert (pathway.steps["a"].lane, pathway.steps["b"].lane, pathway.steps["goal"].lane) == (
        "defense", "security", None)
    assert [w.code for w in warnings] == ["id-case"], "Security is written security where it is defined"


def test_declared_lanes_replace_the_papers_in_their_order_and_match_without_case(tmp_path):
    document = rule_set(laned("a", "talks"), laned("b", "VOTE", "a", sequence=2), laned("c", None, sequence=3))
    document["lanes"] = [{"id": "vote", "title": "Ratification"}, {"id": "talks", "title": "Negotiation"}]
    pathway, warnings, text = compiled(tmp_path, document)
    assert pathway.lanes == {"vote": "Ratification", "talks": "Negotiation"}
    assert [pathway.steps[s].lane for s in "abc"] == ["talks", "vote", None], "c gives no lane: it is in none"
    (warning,) = warnings
    assert (warning.code, warning.severity.value, warning.line) == ("id-case", "warning", line_of(text, "lane: VOTE"))


def test_a_lane_given_beside_a_sector_is_the_steps_lane(tmp_path):
    pathway, _, _ = compiled(tmp_path, rule_set(laned("a", "cross-sector", sector="defense")))
    assert (pathway.steps["a"].lane, pathway.steps["a"].sector.value) == ("cross-sector", "defense")


def test_a_sector_among_declared_lanes_names_no_lane_and_is_a_warning(tmp_path):
    """Decided for issue 15: allowed (old files keep loading), the step is in no lane, `check` says so."""
    document = rule_set(laned("a", None, sector="defense"), laned("b", "talks", sequence=2))
    document["lanes"] = [{"id": "talks", "title": "Negotiation"}]
    pathway, warnings, text = compiled(tmp_path, document)
    assert pathway.steps["a"].lane is None and pathway.lanes == {"talks": "Negotiation"}
    (warning,) = warnings
    assert (warning.code, warning.severity.value, warning.line) == ("no-lane", "warning", line_of(text, "sector:"))
    assert "give it `lane:` (talks)" in warning.hint


def test_a_lane_that_is_not_declared_is_an_error_with_a_suggestion(tmp_path):
    document = rule_set(laned("a", "negotiaton"))
    document["lanes"] = [{"id": "negotiation", "title": "Negotiation"}]
    diagnostic = compile_error(tmp_path, document)
    assert (diagnostic.code, diagnostic.message) == ("unknown-lane", "a is in lane 'negotiaton', which is not declared")
    assert diagnostic.hint == "did you mean 'negotiation'?" and diagnostic.candidates == ("negotiation",)


def test_a_lane_none_of_the_papers_without_declared_lanes_says_how_to_declare_it(tmp_path):
    diagnostic = compile_error(tmp_path, rule_set(laned("a", "zzz")))
    assert diagnostic.code == "unknown-lane"
    assert diagnostic.hint == ("declare it under `lanes:`, or use one of the three lanes of a rule set that declares "
                               "none: defense, cross-sector, security")


def test_a_lane_declared_twice_across_files_and_cases_is_an_error_at_the_second(tmp_path):
    first, second = tmp_path / "a.yaml", tmp_path / "b.yaml"
    first.write_text(yaml.safe_dump({"lanes": [{"id": "talks", "title": "Talks"}], "steps": [laned("a", "talks")]}))
    second.write_text(yaml.safe_dump({"lanes": [{"id": "Talks", "title": "Talks again"}]}))
    with pytest.raises(CompileError) as caught:
        load_pathway([first, second])
    (diagnostic,) = caught.value.diagnostics
    assert (diagnostic.file, diagnostic.line, diagnostic.code) == (str(second), 2, "duplicate-lane")
    assert diagnostic.message == "lane 'Talks' is declared twice" and f"{first}:2" in diagnostic.hint


# ----------------------------------------------------------------- spectrum


def spectrum(floor: str, effect: dict[str, str]) -> dict[str, Any]:
    return {"title": "Cooperation", "citation": dict(CITE), "floor": floor,
            "levels": [{"id": "none", "name": "No relationship", "citation": dict(CITE)},
                       {"id": "talks", "name": "Talks", "citation": dict(CITE)}],
            "relationships": [{"id": "ab", "title": "A/B", "members": ["A", "B"]}],
            "effects": [{**effect, "basis": "stated", "citation": dict(CITE)}]}


def test_spectrum_references_resolve_without_case_to_the_ids_as_defined(tmp_path):
    document = rule_set(step("S1"))
    document["spectrum"] = spectrum("TALKS", {"step": "s1", "relationship": "AB", "level": "Talks"})
    pathway, warnings, _ = compiled(tmp_path, document)
    (effect,) = pathway.spectrum.effects
    assert (effect.step, effect.relationship, effect.level) == ("S1", "ab", "talks")
    assert pathway.spectrum.floor == 1
    assert sorted(w.message for w in warnings) == [
        "'AB' is written 'ab' where it is defined", "'TALKS' is written 'talks' where it is defined",
        "'Talks' is written 'talks' where it is defined", "'s1' is written 'S1' where it is defined"]


def test_spectrum_ids_that_differ_only_in_case_are_duplicates(tmp_path):
    document = rule_set(step("S1"))
    document["spectrum"] = spectrum("talks", {"step": "S1", "relationship": "ab", "level": "talks"})
    document["spectrum"]["levels"].append({"id": "Talks", "name": "Talks again", "citation": dict(CITE)})
    diagnostic = compile_error(tmp_path, document)
    assert (diagnostic.code, diagnostic.message) == ("duplicate-id", "duplicate level id 'Talks'")


def test_measures_in_fact_files_resolve_without_case(tmp_path):
    document = rule_set(step("S1"))
    document["spectrum"] = spectrum("talks", {"step": "S1", "relationship": "ab", "level": "talks"})
    pathway, _, _ = compiled(tmp_path, document)
    facts = tmp_path / "facts.yaml"
    facts.write_text(yaml.safe_dump({"facts": [{"id": "s1"}], "measures": [
        {"relationship": "AB", "level": "Talks", "basis": "stated", "citation": dict(CITE)}]}))
    baseline = load_baseline(pathway, facts)
    assert [f.id for f in baseline.facts] == ["S1"]
    assert [(m.relationship, m.level) for m in baseline.measures] == [("ab", "talks")]
