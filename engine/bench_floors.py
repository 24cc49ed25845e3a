"""The stages `perimeter bench` runs beside the engine, each in a process of its own.

Floors (what the engine is measured against) run with the collector paused,
so they are not charged for its work: PyYAML's C parser reading the rule
file, the plain reference evaluator, and clingo (with `bench --compare`) on
an ASP program of the same pathway, its answers checked against the
reference's.  The state write goes through the state store's public entry
(`StateFile.transaction`), on a state of 10,000 facts and 2,000 history
entries.  Times are CPU seconds of the process (`time.process_time`), so a
shared machine's other work is not counted.
"""

from __future__ import annotations

import gc
import resource
import statistics
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml  # type: ignore[import-untyped]  # PyYAML ships no type hints (types-PyYAML is not a dependency)

from . import codes
from .errors import Diagnostic, EvaluationError

if TYPE_CHECKING:
    from .backends.protocol import Evaluation
    from .pathway.compiled import Pathway

cpu = time.process_time

STATE_FACTS = 10_000
STATE_HISTORY = 2_000


def peak_mb() -> float:
    """This process's peak resident memory, in MB.

    Not `ru_maxrss` where Linux gives the image's own high-water mark: a
    process started by `subprocess` carries in `ru_maxrss` the peak of the
    process that started it (the benchmark's parent, 174 MB once it has
    generated and written a 10,000-step file), whatever the stage itself used.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def parse_floor(path: Path) -> dict[str, Any]:
    """Seconds for PyYAML's C loader to read the rule file into plain data, collector paused."""
    text = path.read_text(encoding="utf-8")
    gc.disable()
    started = cpu()
    yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    return {"parse_floor_s": cpu() - started}


def reference_floor(path: Path) -> dict[str, Any]:
    """Seconds for the plain reference evaluator to evaluate the pathway with no facts, collector paused."""
    from .backends.reference import ReferenceEvaluator
    from .pathway.compile import load_pathway

    pathway = load_pathway(path)
    gc.disable()
    started = cpu()
    ReferenceEvaluator(pathway).evaluation()
    return {"reference_s": cpu() - started}


def clingo_floor(path: Path) -> dict[str, Any]:
    """Seconds for clingo to ground and solve the pathway with no facts, collector paused; None without clingo.

    Its answers (what holds, which preconditions of which step are unmet) are
    checked against the reference evaluator's, with no facts and with every
    other step recorded; a difference is an error, not a figure.
    """
    try:
        import clingo  # type: ignore[import-not-found, unused-ignore]  # optional: the `bench` extra
    except ImportError:
        return {"clingo_s": None}
    from .backends.reference import ReferenceEvaluator
    from .pathway.compile import load_pathway
    from .pathway.model import Fact

    pathway = load_pathway(path)
    seeded = [s for i, s in enumerate(pathway.steps) if i % 2 == 0 and pathway.assertable(s)]
    for facts in (seeded, []):
        reference = ReferenceEvaluator(pathway)
        for id_ in facts:
            reference.assert_fact(Fact(id=id_))
        expected = reference.evaluation()
        gc.disable()
        started = cpu()
        found = solve(clingo, pathway, facts)
        took = cpu() - started
        gc.enable()
        if found != answers(expected):
            raise EvaluationError(Diagnostic(
                "", 0, 0, codes.BENCH_FAILED, "clingo's answers differ from the reference's",
                "check the ASP encoding in perimeter.bench_floors"))
    return {"clingo_s": took}


PROGRAM = """
holds(X) :- fact(X).
met(S, R) :- req(S, R, K), K <= #count { N : need(S, R, N), holds(N) }.
unmet(S, R) :- req(S, R, _), not met(S, R).
holds(G) :- goal(G), not unmet(G, _).
#show holds/1.
#show unmet/2.
"""
"""A step's requirement R is met when at least K of its needs hold; a goal holds when none is unmet."""


def solve(clingo: Any, pathway: Pathway, facts: list[str]) -> tuple[frozenset[str], dict[str, frozenset[str]]]:
    """What holds and each step's unmet requirement ids, by clingo, from the pathway in memory."""
    names = {id_: f'"{id_}"' for id_ in (*pathway.steps, *pathway.conditions)}
    lines = [PROGRAM, *(f"fact({names[f]})." for f in facts)]
    requirement_ids: dict[tuple[str, int], str] = {}
    for step, rule in pathway.steps.items():
        if rule.derived:
            lines.append(f"goal({names[step]}).")
        for i, requirement in enumerate(pathway.preconditions(step)):
            requirement_ids[(step, i)] = requirement.id
            lines.append(f"req({names[step]}, {i}, {requirement.at_least}).")
            lines += [f"need({names[step]}, {i}, {names[n]})." for n in requirement.needs]
    control = clingo.Control(["--warn=none"])
    control.add("base", [], "\n".join(lines))
    control.ground([("base", [])])
    holds: set[str] = set()
    unmet: dict[str, set[str]] = {}
    with control.solve(yield_=True) as handle:
        for model in handle:
            for symbol in model.symbols(shown=True):
                args = symbol.arguments
                if symbol.name == "holds":
                    holds.add(args[0].string)
                else:
                    unmet.setdefault(args[0].string, set()).add(requirement_ids[(args[0].string, args[1].number)])
    return frozenset(holds), {k: frozenset(v) for k, v in unmet.items()}


def state_write(folder: Path) -> dict[str, Any]:
    """Milliseconds for one change (a history entry and a fact) to a state of 10,000 facts and 2,000 history
    entries, through the store's transaction (the median of five): the write alone (encoding and the atomic
    replace, at the transaction's end), and the whole cycle (the locked read, the change and the write)."""
    from .state.document import Entry, RuleSetRef, StateDocument, StoredFact, now
    from .state.store import StateFile

    store = StateFile(folder / "state.yaml")
    time_ = now()
    state = StateDocument(
        rules=RuleSetRef(id="bench", fingerprint="bench"),
        facts=[StoredFact(id=f"c{i}", source=f"source {i}", time=time_) for i in range(STATE_FACTS)],
        history=[Entry(time=time_, action="assert", fact=f"c{i}", source=f"source {i}") for i in range(STATE_HISTORY)])
    with store.transaction() as (_, box):
        box.append(state)
    writes, cycles = [], []
    for i in range(5):
        started = cpu()
        with store.transaction() as (stored, box):
            assert stored is not None
            fact = StoredFact(id=f"extra{i}", time=now())
            box.append(stored.model_copy(update={
                "facts": [*stored.facts, fact],
                "history": [*stored.history, Entry(time=fact.time, action="assert", fact=fact.id)]}))
            writing = cpu()
        ended = cpu()
        writes.append(ended - writing)
        cycles.append(ended - started)
    return {"state_write_ms": statistics.median(writes) * 1000, "state_cycle_ms": statistics.median(cycles) * 1000}


def state_write_floor() -> dict[str, Any]:
    """`state_write` in a folder of its own."""
    with tempfile.TemporaryDirectory() as folder:
        return state_write(Path(folder))


def deepest(pathway: Pathway) -> str:
    """The step with the longest chain of preconditions under it (file order is topological here)."""
    depth: dict[str, int] = {}
    for step in pathway.steps:
        needs = [depth.get(n, 0) for r in pathway.steps[step].preconditions for n in r.needs]
        depth[step] = 1 + max(needs, default=0)
    return max((s for s in pathway.steps if not pathway.steps[s].derived), key=lambda s: (depth[s], s))


def answers(evaluation: Evaluation) -> tuple[frozenset[str], dict[str, frozenset[str]]]:
    """What an evaluation says holds and is unmet, as `solve` gives it."""
    return evaluation.holds, {k: v for k, v in evaluation.unmet.items() if v}


SESSION = ("status", "next", "why A7", "why can't Mexico join NORAD yet", "plan goal", "what-if vetting",
           "spectrum", "show A4", "suppose vetting", "next", "plan goal", "unsuppose", "history")
"""A scripted shell session on the paper's rule set: questions, a supposition, and back."""


def shell_session() -> dict[str, Any]:
    """Milliseconds of CPU: the shell started and left, each line of `SESSION` inside it, and the same
    lines as one-shot commands (each a process of its own): what the shell saves is start-up."""
    import os
    import resource
    import subprocess
    import sys

    def children() -> float:
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        return usage.ru_utime + usage.ru_stime

    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "PERIMETER_STATE": str(Path(folder) / "state.yaml")}
        command = [sys.executable, "-m", "perimeter"]

        def session(lines: tuple[str, ...]) -> float:
            started = children()
            subprocess.run([*command, "shell"], input="\n".join(lines) + "\n", capture_output=True, text=True,
                           env=env, timeout=600, check=True)
            return children() - started

        empty = statistics.median(session(()) for _ in range(3))
        scripted = session(SESSION)
        one_shot = []
        for line in SESSION[:8]:  # the lines that need no supposition
            started = children()
            # A refused command would be timed as if it answered: it fails the benchmark instead.
            subprocess.run([*command, *_words(line)], capture_output=True, text=True, env=env, timeout=600,
                           check=True)
            one_shot.append(children() - started)
    return {"shell_startup_ms": empty * 1000, "shell_line_ms": max(0.0, scripted - empty) / len(SESSION) * 1000,
            "one_shot_ms": statistics.median(one_shot) * 1000}


_IMPORT_FLOOR = """
import typer, pydantic, yaml
try:
    import durable.engine
except ImportError:  # Python 3.13: durable-rules loads only with perimeter's shim, loaded as perimeter loads it
    import ctypes, glob, importlib.util, os
    where = os.path.dirname(importlib.util.find_spec("perimeter").origin)
    ctypes.CDLL(glob.glob(os.path.join(where, "backends", "_durable_shim*"))[0], mode=ctypes.RTLD_GLOBAL)
    import durable.engine
"""
"""Importing typer, pydantic, yaml and durable.engine, and nothing else."""


def startup() -> dict[str, Any]:
    """Milliseconds of CPU, the median of ten processes each: `perimeter why A7` on the paper's rule set
    (bytecode cached, state empty), and the floor it is measured against, a process importing typer,
    pydantic, yaml and durable.engine (`import pydantic` is lazy: it does not build a model)."""
    import os
    import resource
    import subprocess
    import sys

    def cpu_of(command: list[str], env: dict[str, str]) -> float:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run(command, capture_output=True, env=env, timeout=600, check=True)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        return after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime

    with tempfile.TemporaryDirectory() as folder:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PERIMETER_STATE"] = str(Path(folder) / "state.yaml")
        why = [sys.executable, "-m", "perimeter", "why", "A7"]
        floor = [sys.executable, "-c", _IMPORT_FLOOR]
        cpu_of(why, env)  # the first run writes bytecode and the compiled cache, as an installed package has them
        whys = [cpu_of(why, env) for _ in range(10)]
        floors = [cpu_of(floor, env) for _ in range(10)]
    return {"why_a7_ms": statistics.median(whys) * 1000, "import_floor_ms": statistics.median(floors) * 1000}


def _words(line: str) -> list[str]:
    """A session line as a command's arguments: the command, then the rest as one question when it is words."""
    command, _, rest = line.partition(" ")
    if not rest:
        return [command]
    return [command, rest] if " " in rest else [command, *rest.split()]
