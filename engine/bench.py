"""A benchmark: generated pathways of N steps, timed through every stage.

For each size a rule file is generated (with the shape of real ones: titles,
actors, sectors, preconditions with basis and citation) and each stage runs
in a process of its own (`python -m perimeter.bench STAGE FILE`), so each
peak of memory and each collector is its own:

- the engine: a cold load (an empty compiled cache), evaluation with no
  facts, assert and retract, `why` and `plan` for the deepest step (the 99th
  percentile of 50 runs, the collector's pauses included: the collector is
  left as the library leaves it), question resolution, and the process's peak
  memory;
- a cached load, in a fresh process reading the cache the engine's wrote;
- the floors, with the collector paused (`perimeter.bench_floors`): PyYAML's
  C parser on the same file, the plain reference evaluator, clingo with
  `compare` (its answers checked against the reference's);
- a state write of one change to 10,000 facts and 2,000 history entries.

Times are CPU seconds of the process (`time.process_time`): on a shared
machine, other work does not count.  The cache is a temporary folder of the
run's own, never the user's.
"""

from __future__ import annotations

import json
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml  # type: ignore[import-untyped]  # PyYAML ships no type hints (types-PyYAML is not a dependency)
from pydantic import BaseModel

from . import bench_floors as floors
from . import codes
from .bench_floors import cpu
from .files.write import create_new

if TYPE_CHECKING:
    from .pathway.compiled import Pathway

SIZES = (100, 1000, 10000)
RUNS = 50
"""Runs of `why` and `plan` a percentile is taken over."""
CITE = {"section": "generated", "quote": "generated for the benchmark"}


class BenchRun(BaseModel):
    """The figures for one size; CPU seconds (`_s`), milliseconds (`_ms`), megabytes."""

    steps: int
    load_s: float
    """A cold load: read, validated and compiled, the compiled cache empty."""
    load_cached_s: float
    """A load from the compiled cache, in a fresh process."""
    parse_floor_s: float
    """PyYAML's C loader reading the same file, in its own process, collector paused."""
    evaluate_s: float
    """The engine's first evaluation, with no facts."""
    assert_ms: float
    retract_ms: float
    why_p99_ms: float
    """`why` for the deepest step: the 99th percentile of 50 runs."""
    plan_p99_ms: float
    why_ms: float
    """The median of the same runs."""
    plan_ms: float
    peak_mb: float
    """The engine process's peak resident memory."""
    reference_s: float
    """The plain reference evaluator on the same pathway, in its own process, collector paused."""
    state_write_ms: float
    """One change written to a state of 10,000 facts and 2,000 history entries (the same at every size)."""
    state_cycle_ms: float = 0.0
    """The same change with the state read under the lock before it (`state_write_ms` is the write alone)."""
    leverage_ms: float = 0.0
    """Ranking the actions that can be taken now toward the goal (`perimeter leverage`)."""
    shell_startup_ms: float = 0.0
    """`perimeter shell` started and left on the paper's rule set (the same at every size)."""
    shell_line_ms: float = 0.0
    """One line of a scripted shell session on the paper's rule set, start-up not counted."""
    one_shot_ms: float = 0.0
    """The same lines as one-shot commands, each a process of its own (the median)."""
    why_a7_ms: float = 0.0
    """`perimeter why A7` on the paper's rule set, a process of its own (the median of ten)."""
    import_floor_ms: float = 0.0
    """A process importing typer, pydantic, yaml and durable.engine (the median of ten)."""
    index_ms: float
    """Building the question index of the generated rule set (once per rule set)."""
    resolve_ms: float
    """Resolving one question in words on the generated rule set (the median of a few, index built)."""
    paste_ms: float
    """Refusing a thousand-word paste."""
    paper_resolve_ms: float
    """Resolving one question in words on the paper's rule set (the median of a few)."""
    clingo_s: float | None = None
    """clingo grounding and solving the same pathway (with `compare`, when clingo is installed)."""


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


def write_rules(folder: Path, steps: int, seed: int = 2013) -> Path:
    """The generated rule file of `steps` steps in `folder` (written with libyaml's emitter where there is one)."""
    path = folder / "rules.yaml"
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    create_new(path, yaml.dump(generate(steps, seed), Dumper=dumper, sort_keys=False).encode("utf-8"))
    return path


def measure_engine(path: Path) -> dict[str, Any]:
    """The engine's figures on the rule file at `path`, in this process, from a cold load."""
    from .engine import Engine
    from .files.read import gc_paused
    from .pathway.compile import load_pathway

    started = cpu()
    with gc_paused(freeze=True):  # as the command does around its own load
        pathway = load_pathway(path)
    load = cpu() - started
    started = cpu()
    with gc_paused(freeze=True):  # the engine, like the rule set, lives as long as the process: frozen too
        engine = Engine(pathway)
    evaluate = cpu() - started
    asserts, retracts = [], []
    for _ in range(11):  # the median of a few, on a warm engine
        asserts.append(_timed(lambda: engine.assert_fact("s0")))
        retracts.append(_timed(lambda: engine.retract_fact("s0")))
    deepest = floors.deepest(pathway)
    whys = [_timed(lambda: engine.explain(deepest)) for _ in range(RUNS)]
    plans = [_timed(lambda: engine.plan(pathway.goal or deepest)) for _ in range(RUNS)]
    from .answers.leverage import leverage

    evaluation = engine.evaluation()
    lever = _timed(lambda: leverage(pathway, engine.reading, evaluation, pathway.goal or deepest))
    engine.close()
    index_ms, resolve_ms, paste_ms = _resolution(pathway, _questions(pathway, deepest))
    _, paper_ms, _ = _resolution(load_pathway(), (
        "why can't Mexico join NORAD yet", "can the Mexican army set up an HA/DR command",
        "how far are we from the goal", "Canada-US law enforcement training center",
        # and as readers ask, at length and with words the rule set lacks
        "Why would Mexico end up a junior partner in a subordinate role if it entered the aerospace defense "
        "command too early?",
        "what has to be in place before the US and Mexico set up a shared intel mechanism against transnational "
        "crime", "is the naval disaster-relief command in Mexico a prerequisit for anything",
        "has the three-way relationship got as far as a commission on trilateral security"))
    return {"load_s": load, "evaluate_s": evaluate, "assert_ms": statistics.median(asserts) * 1000,
            "retract_ms": statistics.median(retracts) * 1000, "why_p99_ms": _p99(whys), "plan_p99_ms": _p99(plans),
            "why_ms": statistics.median(whys) * 1000, "leverage_ms": lever * 1000, "plan_ms": statistics.median(plans) * 1000,
            "index_ms": index_ms, "resolve_ms": resolve_ms, "paste_ms": paste_ms, "paper_resolve_ms": paper_ms,
            "peak_mb": floors.peak_mb()}


def measure_cached(path: Path) -> dict[str, Any]:
    """A load of the rule file at `path` from the compiled cache (written by an earlier process)."""
    from .files.read import gc_paused
    from .pathway.compile import load_pathway

    started = cpu()
    with gc_paused(freeze=True):  # as the command loads
        load_pathway(path)
    return {"load_cached_s": cpu() - started}


def _timed(call: Callable[[], object]) -> float:
    started = cpu()
    call()
    return cpu() - started


def _p99(times: list[float]) -> float:
    """The 99th percentile, in milliseconds (of 50 runs: between the worst two)."""
    return statistics.quantiles(times, n=100, method="inclusive")[98] * 1000


def _questions(pathway: Pathway, deepest: str) -> tuple[str, ...]:
    """Questions in words a reader of the generated rule set might type: a title, an alias, a near miss, and
    what comes after a step."""
    step = pathway.steps[deepest]
    return (f"why isn't {step.title.lower()} done yet", f"what does the {step.aliases[0]} need",
            f"{step.title} of the first", "generated stepp", f"what comes after {step.title.lower()}")


def _resolution(pathway: Pathway, questions: tuple[str, ...]) -> tuple[float, float, float]:
    """Milliseconds: the index built, one question resolved (median), a thousand-word paste refused."""
    from .answers.index import index_of
    from .answers.resolve import match
    from .errors import UnknownIdError
    from .files.read import gc_paused

    with gc_paused():  # as the engine builds it: inside an answer, the collector paused
        index = _timed(lambda: index_of(pathway))
    times = [_timed(lambda: match(pathway, question)) for question in questions]
    started = cpu()
    try:
        match(pathway, "word " * 1000)
    except UnknownIdError:
        pass
    paste = cpu() - started
    return index * 1000, statistics.median(times) * 1000, paste * 1000


STAGES: dict[str, Callable[[Path], dict[str, Any]]] = {
    "engine": measure_engine, "cached": measure_cached, "parse": floors.parse_floor,
    "reference": floors.reference_floor, "clingo": floors.clingo_floor,
    "state": lambda _path: floors.state_write_floor(), "shell": lambda _path: floors.shell_session(),
    "startup": lambda _path: floors.startup()}
"""Each stage a process runs, by name; each returns its figures."""


def run(sizes: tuple[int, ...] = SIZES, seed: int = 2013, compare: bool = False) -> list[BenchRun]:
    """Each size's stages, each in a fresh process, with a compiled cache of the run's own."""
    runs = []
    state = None
    for steps in sizes:
        with tempfile.TemporaryDirectory() as folder:
            path = write_rules(Path(folder), steps, seed)
            env = {**os.environ, "XDG_CACHE_HOME": str(Path(folder) / "cache")}
            env.pop("PERIMETER_CACHE", None)
            figures: dict[str, Any] = {"steps": steps}
            for stage in ("engine", "cached", "parse", "reference", *(("clingo",) if compare else ())):
                figures.update(_stage(stage, path, steps, env))
            state = state or {**_stage("state", path, steps, env),  # the same at every size: measured once
                              **_stage("shell", path, steps, env), **_stage("startup", path, steps, env)}
            figures.update(state)
        runs.append(BenchRun.model_validate(figures))
    return runs


def _stage(stage: str, path: Path, steps: int, env: dict[str, str]) -> dict[str, Any]:
    result = subprocess.run([sys.executable, "-m", "perimeter.bench", stage, str(path)],
                            capture_output=True, text=True, timeout=3600, env=env)
    if result.returncode in (-signal.SIGINT, 128 + signal.SIGINT):  # Ctrl-C reached the stage first
        raise KeyboardInterrupt
    if result.returncode != 0:
        from .errors import Diagnostic, EvaluationError

        raise EvaluationError(Diagnostic(
            "", 0, 0, codes.BENCH_FAILED,
            f"the benchmark's {stage} stage at {steps} steps failed: {result.stderr.strip()[-300:]}",
            f"call perimeter.bench.STAGES['{stage}'] on a generated file to see it in full"))
    figures: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return figures


if __name__ == "__main__":
    print(json.dumps(STAGES[sys.argv[1]](Path(sys.argv[2]))))
