"""`perimeter bench`: every figure present and sane (no timing is asserted: timings belong to the benchmark)."""

from __future__ import annotations

import json

from clitools import perimeter
from perimeter import load_pathway
from perimeter.bench import BenchRun, _deepest, generate

FIELDS = {"index_ms", "resolve_ms", "paste_ms", "paper_resolve_ms", "steps", "load_s", "parse_floor_s", "evaluate_s", "assert_ms", "retract_ms", "why_ms", "plan_ms",
          "peak_mb", "reference_s"}


def test_bench_json_reports_every_figure_for_each_size():
    result = perimeter("bench", "--steps", "100", "--steps", "1000", "--json")
    assert result.returncode == 0, result.stderr
    runs = json.loads(result.stdout)["runs"]
    assert [r["steps"] for r in runs] == [100, 1000]
    for run in runs:
        assert set(run) == FIELDS
        assert all(isinstance(run[k], (int, float)) and run[k] > 0 for k in FIELDS), run
        assert run["peak_mb"] < 100_000, "peak memory is reported in megabytes"
    assert runs[1]["peak_mb"] >= runs[0]["peak_mb"] * 0.5, "each size runs in its own process"


def test_bench_text_is_a_table_with_the_floor_ratios():
    result = perimeter("bench", "--steps", "100")
    header, row = result.stdout.splitlines()[:2]
    assert "x parse floor" in header and "x reference" in header and "peak MB" in header
    assert row.split()[0] == "100" and len(row.split()) == len(BenchRun.model_fields)


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
