"""Running scenarios: each on a fresh engine in memory, each expectation compared, coverage kept.

Nothing here reads or writes a state file.  A scenario starts from the
baseline in force (or no facts, or where an earlier scenario of its file
ended), applies its actions in order, and is then compared with what it
expects.  An action refused where it was not expected to be (or the other way
round) is a mismatch, not an error: a refused action changes nothing, as in the
library, and the scenario goes on.  Coverage watches every state passed
through (the start, and after each action): for each precondition in force,
whether it was seen met and seen unmet.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from .. import codes
from ..answers.status import Blocker
from ..changes import FactChange
from ..engine import Backend, Engine
from ..errors import Diagnostic, LoadError, RefusedError
from ..pathway.compile import load_pathway
from ..pathway.compiled import DEFAULT_READING, Pathway, Reading, Requirement
from ..pathway.facts import Baseline, load_baseline
from ..pathway.model import Fact, Measure
from .load import load_scripts, shipped_scenarios
from .model import Expected, Script, ScriptAction
from .results import Coverage, Mismatch, PreconditionCoverage, ScenarioResult, ScenarioRun

PathArg = str | Path | Iterable[str | Path] | None


def run_scenarios(paths: PathArg = None, rules: PathArg = None, facts: PathArg = None, *,
                  reading: Reading | str = DEFAULT_READING, choose: Iterable[tuple[str, str]] = (),
                  backend: Backend = "durable") -> ScenarioRun:
    """Run the scenario files `paths` on a rule set and its baseline, in memory.

    With no `rules`, the shipped rule set, and by default its baseline and its
    own scenario files.  With `rules`, the baseline is `facts` (none when not
    given), and the scenario files must be named.  A file that does not fit
    (its schema, an unknown id) raises a `LoadError` naming every problem with
    its line; expectations that do not hold are the result's mismatches.
    `reading` (a profile's id, or a `Reading`) with `choose` on top is the
    reading they run under.
    """
    pathway = load_pathway(rules)
    resolved = pathway.readings.resolve(reading, choose)
    if paths is None or (not isinstance(paths, (str, Path)) and not list(paths)):
        if rules is not None:
            raise LoadError(Diagnostic("", 0, 0, codes.NO_SCENARIO_FILES, "no scenario files given",
                                       "name the scenario files to run: only the shipped rule set has its own"))
        paths = shipped_scenarios()
    files = [paths] if isinstance(paths, (str, Path)) else list(paths)
    baseline = load_baseline(pathway, facts) if facts is not None or rules is None else Baseline((), ())
    scripts = load_scripts(pathway, files)
    return run_scripts(pathway, scripts, baseline.facts, reading=resolved, measures=baseline.measures,
                       backend=backend)


def run_scripts(pathway: Pathway, scripts: Sequence[Script], baseline: Iterable[Fact] = (), *,
                reading: Reading = DEFAULT_READING, measures: Iterable[Measure] = (),
                backend: Backend = "durable") -> ScenarioRun:
    """Run checked scenarios (`perimeter.scenarios.load.load_scripts`) from `baseline`, in order."""
    start = tuple(baseline)
    measures = tuple(measures)
    used = dict.fromkeys([reading, *(s.reading for s in scripts if s.reading is not None)])
    seen = _Seen(list({(r.step, r.id): r for used_ in used for r in pathway.requirements(used_)}.values()))
    ends: dict[tuple[str, str], tuple[Fact, ...]] = {}
    results = []
    for script in scripts:
        if script.start in ("baseline", "empty"):
            facts = start if script.start == "baseline" else ()
        else:  # an earlier scenario of its file (load_scripts has checked that it comes before)
            facts = ends[(script.file, script.start)]
        with Engine(pathway, facts, reading=script.reading or reading, backend=backend, measures=measures) as engine:
            seen.state(engine.evaluation().holds)
            mismatches = []
            for position, action in enumerate(script.actions, 1):
                mismatch = _apply(engine, action, position)
                if mismatch is not None:
                    mismatches.append(mismatch)
                seen.state(engine.evaluation().holds)
            mismatches += _compare(engine, script.expected)
            ends[(script.file, script.name)] = engine.facts
        results.append(ScenarioResult(name=script.name, file=script.file, line=script.line, start=script.start,
                                      actions=len(script.actions),
                                      mismatches=tuple(sorted(mismatches, key=lambda m: m.line))))
    return ScenarioRun(pathway=pathway.id, reading=reading, files=tuple(dict.fromkeys(s.file for s in scripts)),
                       scenarios=tuple(results), coverage=seen.coverage())


def _apply(engine: Engine, action: ScriptAction, position: int) -> Mismatch | None:
    """Apply one action; a mismatch when it was refused and should not have been, or the other way round."""
    change = FactChange(action.kind, action.id, dict(action.attributes) or None, action.source)
    done = "recorded" if action.kind == "assert" else "withdrawn"
    try:
        engine.apply([change], force=action.force)
    except RefusedError as refusal:
        if action.refused:
            return None
        return Mismatch(what="refusal", id=action.id, expected=(done,), found=("refused",),
                        blockers=tuple(b for b in refusal.blockers if isinstance(b, Blocker)), line=action.line, action=action.kind,
                        position=position)
    if action.refused:
        return Mismatch(what="refusal", id=action.id, expected=("refused",), found=(done,), line=action.line,
                        action=action.kind, position=position)
    return None


def _compare(engine: Engine, expected: Sequence[Expected]) -> list[Mismatch]:
    """Each expectation that does not hold on the engine as it stands."""
    conclusions = engine.conclusions()
    holding = {c.id: c.holds for c in conclusions.conditions}
    mismatches = []
    for item in expected:
        found: tuple[str, ...]
        blockers: tuple[Blocker, ...] = ()
        if item.what == "state":
            status = conclusions.step(item.id)
            found, blockers = (status.state.value,), status.blockers
            same = found == item.value
        elif item.what == "blockers":
            found = tuple(b.id for b in conclusions.step(item.id).blockers)
            same = sorted(found) == sorted(item.value)
        elif item.what == "holds":
            found = ("holds" if holding[item.id] else "absent",)
            same = found == item.value
        else:
            found = engine.plan(item.id).order
            same = found == item.value
        if not same:
            mismatches.append(Mismatch(what=item.what, id=item.id, expected=item.value, found=found,
                                       blockers=blockers, line=item.line))
    return mismatches


class _Seen:
    """Which preconditions the states seen so far met, and which they left unmet."""

    def __init__(self, requirements: Sequence[Requirement]):
        self.requirements = tuple(requirements)
        self.met: set[int] = set()
        self.unmet: set[int] = set()
        self.holding: dict[int, set[str]] = {i: set() for i, r in enumerate(self.requirements) if r.grouped}
        self.states: set[frozenset[str]] = set()

    def state(self, holds: frozenset[str]) -> None:
        if holds in self.states:
            return
        self.states.add(holds)
        for i, requirement in enumerate(self.requirements):
            (self.met if requirement.met_by(holds) else self.unmet).add(i)
            if i in self.holding:
                self.holding[i].update(n for n in requirement.needs if n in holds)

    def coverage(self) -> Coverage:
        return Coverage(states=len(self.states), preconditions=tuple(
            PreconditionCoverage(step=r.step, id=r.id, kind=r.kind.value, needs=r.needs, at_least=r.at_least,
                                 basis=r.basis.value, file=r.location.file, line=r.location.line,
                                 met=i in self.met, unmet=i in self.unmet,
                                 holding=tuple(n for n in r.needs if n in self.holding.get(i, ())))
            for i, r in enumerate(self.requirements)))
