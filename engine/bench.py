"""A benchmark: generated pathways of N steps, timed through every stage.

Each size runs in a process of its own (`python -m perimeter.bench N`), so its
peak memory is its own.  The generated rule files have the shape of real
ones (titles, actors, sectors, preconditions with basis and citation), and
two floors are measured beside the engine: PyYAML's C loader reading the
same file, and the plain reference evaluator on the same pathway.
"""

from __future__ import annotations

import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml  # type: ignore[import-untyped]  # PyYAML ships no type hints (types-PyYAML is not a dependency)
from pydantic import BaseModel

from . import codes
from .files.write import create_new

if TYPE_CHECKING:
    from .pathway.compiled import Pathway

SIZES = (100, 1000, 10000)
CITE = {"section": "generated", "quote": "generated for the benchmark"}


class BenchRun(BaseModel):
    """The figures for one size; seconds (`_s`), milliseconds (`_ms`), megabytes."""

    steps: int
    load_s: float
    parse_floor_s: float
    evaluate_s: float
    assert_ms: float
    retract_ms: float
    why_ms: float
    plan_ms: float
    peak_mb: float
    reference_s: float
    index_ms: float = 0.0
    """Building the question index of the generated rule set (once per rule set)."""
    resolve_ms: float = 0.0
    """Resolving one question in words on the generated rule set (the median of a few, index built)."""
    paste_ms: float = 0.0
    """Refusing a thousand-word paste."""
    paper_resolve_ms: float = 0.0
    """Resolving one question in words on the paper's rule set (the median of a few)."""


def generate(steps: int, seed: int = 2013) -> dict[str, Any]:
    """A seeded pathway: each step needs up to three earlier ones; some need a condition; a goal ends it."""
    rng = random.Random(seed)
    conditions = [{"id": f"c{i}", "title": f"Condition {i}", "citation": CITE} for i in range(max(1, steps // 100))]
    sectors = ("defense", "security", "cross-sector")
    rules: list[dict[str, Any]] = []
    for i in range(steps):
        needs = sorted(rng.sample(range(i), min(3, i)))
        preconditions: list[dict[str, Any]] = [
            {"requires": f"s{j}", "basis": rng.choice(("stated", "implied")), "citation": CITE} for j in needs]
        if rng.random() < 0.05:
            preconditions.append({"requires": rng.choice(conditions)["id"], "basis": "stated", "citation": CITE})
        rules.append({"id": f"s{i}", "title": f"Step {i}", "actors": ["first", "second"],
                      "sector": sectors[i % 3], "sequence": i, "aliases": [f"generated step {i}"],
                      "preconditions": preconditions, "citation": CITE})
    goal = {"title": "The goal", "citation": CITE,
            "preconditions": [{"requires": f"s{steps - 1}", "basis": "stated", "citation": CITE}]}
    return {"pathway": {"id": f"bench-{steps}", "title": f"Generated pathway of {steps} steps"},
            "conditions": conditions, "steps": rules, "goal": goal}


def measure(steps: int, seed: int = 2013) -> BenchRun:
    """Every figure for one size, in this process."""
    from .backends.reference import ReferenceEvaluator
    from .engine import Engine
    from .pathway.compile import load_pathway

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "rules.yaml"
        create_new(path, yaml.safe_dump(generate(steps, seed), sort_keys=False).encode("utf-8"))
        text = path.read_text(encoding="utf-8")
        started = time.perf_counter()
        yaml.load(text, Loader=yaml.CSafeLoader)
        parse_floor = time.perf_counter() - started
        started = time.perf_counter()
        pathway = load_pathway(path)
        load = time.perf_counter() - started

    started = time.perf_counter()
    reference = ReferenceEvaluator(pathway)
    reference.evaluation()
    reference_s = time.perf_counter() - started

    started = time.perf_counter()
    engine = Engine(pathway)
    evaluate = time.perf_counter() - started

    asserts, retracts = [], []
    for _ in range(5):  # the median of a few, on a warm engine
        started = time.perf_counter()
        engine.assert_fact("s0")
        asserts.append(time.perf_counter() - started)
        started = time.perf_counter()
        engine.retract_fact("s0")
        retracts.append(time.perf_counter() - started)

    deepest = _deepest(pathway)
    started = time.perf_counter()
    engine.explain(deepest)
    why = time.perf_counter() - started
    started = time.perf_counter()
    engine.plan(pathway.goal or deepest)
    plan = time.perf_counter() - started
    engine.close()
    questions = _questions(pathway, deepest)
    index_ms, resolve_ms, paste_ms = _resolution(pathway, questions)
    paper = load_pathway()
    _, paper_ms, _ = _resolution(paper, ("why can't Mexico join NORAD yet", "can the Mexican army set up an HA/DR command",
                                         "how far are we from the goal", "Canada-US law enforcement training center"))
    return BenchRun(index_ms=index_ms, resolve_ms=resolve_ms, paste_ms=paste_ms, paper_resolve_ms=paper_ms,
                    steps=steps, load_s=load, parse_floor_s=parse_floor, evaluate_s=evaluate,
                    assert_ms=statistics.median(asserts) * 1000, retract_ms=statistics.median(retracts) * 1000,
                    why_ms=why * 1000, plan_ms=plan * 1000, reference_s=reference_s,
                    peak_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def _questions(pathway: Pathway, deepest: str) -> tuple[str, ...]:
    """Questions in words a reader of the generated rule set might type: a title, an alias, a near miss."""
    step = pathway.steps[deepest]
    return (f"why isn't {step.title.lower()} done yet", f"what does the {step.aliases[0]} need",
            f"{step.title} of the first", "generated stepp")


def _resolution(pathway: Pathway, questions: tuple[str, ...]) -> tuple[float, float, float]:
    """Milliseconds: the index built, one question resolved (median), a thousand-word paste refused."""
    from .answers.ranking import index_of
    from .answers.resolve import match
    from .errors import UnknownIdError

    started = time.perf_counter()
    index_of(pathway)
    index = time.perf_counter() - started
    times = []
    for question in questions:
        started = time.perf_counter()
        match(pathway, question)
        times.append(time.perf_counter() - started)
    started = time.perf_counter()
    try:
        match(pathway, "word " * 1000)
    except UnknownIdError:
        pass
    paste = time.perf_counter() - started
    return index * 1000, statistics.median(times) * 1000, paste * 1000


def _deepest(pathway: Pathway) -> str:
    """The step with the longest chain of preconditions under it (file order is topological here)."""
    depth: dict[str, int] = {}
    for step in pathway.steps:
        needs = [depth.get(n, 0) for r in pathway.steps[step].preconditions for n in r.needs]
        depth[step] = 1 + max(needs, default=0)
    return max((s for s in pathway.steps if not pathway.steps[s].derived), key=lambda s: (depth[s], s))


def run(sizes: tuple[int, ...] = SIZES, seed: int = 2013) -> list[BenchRun]:
    """Each size in a fresh process, so peak memory is measured per size."""
    runs = []
    for steps in sizes:
        result = subprocess.run([sys.executable, "-m", "perimeter.bench", str(steps), str(seed)],
                                capture_output=True, text=True, timeout=3600)
        if result.returncode != 0:
            from .errors import Diagnostic, EvaluationError

            raise EvaluationError(Diagnostic(
                "", 0, 0, codes.BENCH_FAILED, f"the benchmark at {steps} steps failed: {result.stderr.strip()[-300:]}",
                f"call perimeter.bench.measure({steps}) to see it in full"))
        runs.append(BenchRun.model_validate_json(result.stdout.strip().splitlines()[-1]))
    return runs


if __name__ == "__main__":
    size = int(sys.argv[1])
    print(json.dumps(measure(size, int(sys.argv[2]) if len(sys.argv) > 2 else 2013).model_dump()))
