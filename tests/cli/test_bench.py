"""`perimeter bench`: every figure present and sane (no timing is asserted: timings belong to the benchmark)."""

from __future__ import annotations

import json
import re

import pytest

from clitools import perimeter
from perimeter import load_pathway
from perimeter.bench import generate
from perimeter.bench_floors import deepest as _deepest

FIGURES = {"steps", "load_s", "load_cached_s", "parse_floor_s", "evaluate_s", "assert_ms", "retract_ms", "why_p99_ms",
           "plan_p99_ms", "why_ms", "plan_ms", "peak_mb", "reference_s", "state_write_ms", "index_ms", "resolve_ms",
           "paste_ms", "paper_resolve_ms", "state_cycle_ms", "leverage_ms", "shell_startup_ms", "shell_line_ms",
           "one_shot_ms", "why_a7_ms", "import_floor_ms"}
"""Every figure the issue asks for (#19), those kept from before, leverage (#21), a scripted shell session
(#20) and a one-shot command's start-up beside its import floor; `clingo_s` comes with --compare."""


def test_bench_json_reports_every_figure_for_each_size(tmp_path):
    result = perimeter("bench", "--steps", "100", "--steps", "300", "--json", env={"XDG_CACHE_HOME": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    runs = json.loads(result.stdout)["runs"]
    assert [r["steps"] for r in runs] == [100, 300]
    for run in runs:
        assert set(run) == FIGURES | {"clingo_s"} and run["clingo_s"] is None, "clingo only with --compare"
        # A line of the scripted shell session may cost less than the start-up's noise, so it may be 0.
        assert all(isinstance(run[k], (int, float)) and run[k] > 0 for k in FIGURES - {"shell_line_ms"}), run
        assert isinstance(run["shell_line_ms"], float) and run["shell_line_ms"] >= 0, run
        assert run["peak_mb"] < 100_000, "peak memory is reported in megabytes"
    assert runs[1]["peak_mb"] >= runs[0]["peak_mb"] * 0.5, "each size runs in its own process"
    assert not list(tmp_path.iterdir()), "the run's compiled cache is its own, not the user's"


def test_bench_compare_times_clingo_when_it_is_installed():
    result = perimeter("bench", "--steps", "60", "--compare", "--json")
    assert result.returncode == 0, result.stderr
    (run,) = json.loads(result.stdout)["runs"]
    try:
        import clingo  # noqa: F401
    except ImportError:
        assert run["clingo_s"] is None
    else:
        assert isinstance(run["clingo_s"], float) and run["clingo_s"] > 0, "answers checked, then timed"


def test_clingo_answers_what_the_reference_evaluator_answers(tmp_path):
    clingo = pytest.importorskip("clingo")
    from perimeter.backends.reference import ReferenceEvaluator
    from perimeter.bench_floors import answers, solve
    from perimeter.pathway.model import Fact

    for pathway in (load_pathway(), load_pathway("rules/examples/wildfire/rules.yaml")):
        facts = [s for i, s in enumerate(pathway.steps) if i % 3 == 0 and pathway.assertable(s)]
        reference = ReferenceEvaluator(pathway)
        for id_ in facts:
            reference.assert_fact(Fact(id=id_))
        assert solve(clingo, pathway, facts) == answers(reference.evaluation())


def test_bench_text_is_a_table_with_the_floor_ratios():
    result = perimeter("bench", "--steps", "100")
    header, row = result.stdout.splitlines()[:2]
    assert "x parse floor" in header and "cached s" in header and "why p99 ms" in header and "peak MB" in header
    assert "x clingo" not in header, "a clingo column only with --compare"
    assert row.split()[0] == "100" and len(row.split()) == len(re.split(r"\s{2,}", header.strip()))


def test_bench_refuses_a_size_too_small_to_mean_anything():
    result = perimeter("bench", "--steps", "1")
    assert result.returncode == 2 and "at least 2" in result.stderr


def test_generated_pathways_have_the_shape_of_real_rule_files(tmp_path):
    import yaml

    document = generate(300, seed=5)
    assert document == generate(300, seed=5), "seeded: reproducible"
    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump(document))
    pathway = load_pathway(path)
    assert len(pathway.steps) == 301 and pathway.goal == "goal" and pathway.conditions
    preconditions = [r for s in pathway.steps.values() for r in s.preconditions]
    assert len(preconditions) > 2.5 * 300 and {r.basis.value for r in preconditions} == {"stated", "implied"}
    assert all(r.citation.quote for r in preconditions)
    deepest = _deepest(pathway)
    assert deepest != "goal" and pathway.steps[deepest].preconditions
