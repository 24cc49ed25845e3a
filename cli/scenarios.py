"""`perimeter test`: scenario results and coverage as text for people or JSON for scripts.

The sentences of a scenario run are made here, from the library's data
(`perimeter.ScenarioRun`): each failed scenario by name, then one line per
mismatch ("line 16: A4: expected done, found blocked (needs A3)"); with
coverage, each precondition in force and whether the scenarios saw it met and
unmet.  Every text from a file passes through the one sanitiser (`safe`).
"""

from __future__ import annotations

from typing import Any

from perimeter import Blocker, Coverage, Mismatch, PreconditionCoverage, ScenarioRun
from perimeter.answers.status import FACT_KINDS
from perimeter.files.sanitise import for_terminal as safe
from perimeter.present.words import need_name

from .render import document, paint


def run_json(run: ScenarioRun, coverage: bool) -> str:
    """`{"pathway", "reading", "passed", "counts", "files", "scenarios", "coverage"}`; `coverage` null unless asked."""
    return document({
        "pathway": run.pathway,
        "reading": run.reading.label,
        "passed": run.passed,
        "counts": {"scenarios": len(run.scenarios), "passed": len(run.scenarios) - len(run.failed),
                   "failed": len(run.failed)},
        "files": list(run.files),
        "scenarios": [{"name": s.name, "file": s.file, "line": s.line, "from": s.start, "actions": s.actions,
                       "passed": s.passed, "mismatches": [m.model_dump(mode="json") for m in s.mismatches]}
                      for s in run.scenarios],
        "coverage": _coverage_json(run.coverage) if coverage else None,
    })


def _coverage_json(coverage: Coverage) -> dict[str, Any]:
    return {"states": coverage.states, "covered": coverage.covered, "total": len(coverage.preconditions),
            "percent": round(coverage.percent, 1),
            "preconditions": [{**p.model_dump(mode="json"), "covered": p.covered} for p in coverage.preconditions]}


def run_text(run: ScenarioRun, coverage: bool) -> str:
    """Each file's scenarios, passed or failed, with the mismatches of those that failed; then the counts."""
    lines = [safe(f"rule set {run.pathway} (reading: {run.reading.label})")]
    for file in run.files:
        lines += ["", safe(file)]
        for scenario in (s for s in run.scenarios if s.file == file):
            mark = paint("passed", "done") if scenario.passed else paint("FAILED", "violated")
            lines.append(f"  {mark}  {safe(scenario.name)}")
            lines += [f"          line {m.line}: {safe(mismatch_text(m))}" for m in scenario.mismatches]
    failed = len(run.failed)
    lines += ["", f"{_count(len(run.scenarios), 'scenario')}: {len(run.scenarios) - failed} passed, {failed} failed"]
    if coverage:
        lines += ["", *coverage_lines(run.coverage)]
    return "\n".join(lines)


def mismatch_text(mismatch: Mismatch) -> str:
    """One expectation that did not hold, in words: what was expected, what was found (and why)."""
    expected, found = mismatch.expected, mismatch.found
    why = f" ({_why(mismatch.blockers)})" if mismatch.blockers else ""
    if mismatch.what == "refusal":
        if found == ("refused",) and not mismatch.blockers:
            why = f" ({mismatch.id} is not recorded)"
        return f"{mismatch.action} {mismatch.id} (action {mismatch.position}): expected {expected[0]}, found {found[0]}{why}"
    if mismatch.what in ("state", "holds"):
        return f"{mismatch.id}: expected {expected[0]}, found {found[0]}{why}"
    if mismatch.what == "blockers":
        return f"{mismatch.id}: expected blockers [{_names(expected)}], found [{_names(found)}]"
    return f"plan for {mismatch.id}: expected [{', '.join(expected)}], found [{', '.join(found)}]"


def _why(blockers: tuple[Blocker, ...]) -> str:
    """What blocks or breaks a step: "needs A3, one of A5, A6", "location must be Mexico, location is 'Canada'"."""
    needs = [need_name(b.id, b.kind) for b in blockers if b.kind not in FACT_KINDS and b.kind != "violated-step"]
    parts = [f"needs {', '.join(needs)}"] if needs else []
    parts += [f"{b.title}, {b.detail}" for b in blockers if b.kind in FACT_KINDS]
    parts += [f"stands on violated {b.id}" for b in blockers if b.kind == "violated-step"]
    return "; ".join(parts)


def coverage_lines(coverage: Coverage) -> list[str]:
    """The percentage, then each precondition: seen met and unmet, only met, or only unmet."""
    total = len(coverage.preconditions)
    head = (f"coverage: {coverage.covered} of {_count(total, 'precondition')} seen both met and unmet "
            f"({coverage.percent:.1f}%), over {_count(coverage.states, 'state')}")
    if not coverage.preconditions:
        return [head]
    seen = ["met and unmet" if p.covered else "only met" if p.met else "only unmet" for p in coverage.preconditions]
    steps = [safe(p.step) for p in coverage.preconditions]
    wide, step_wide = max(len(s) for s in seen), max(len(s) for s in steps)
    return [head] + [f"  {paint(s.ljust(wide), 'done' if p.covered else 'blocked')}  {step.ljust(step_wide)}  needs "
                     f"{safe(_precondition(p))}" for s, step, p in zip(seen, steps, coverage.preconditions)]


def _precondition(p: PreconditionCoverage) -> str:
    text = f"{need_name(p.id, p.kind)} ({p.basis})"
    if len(p.needs) > 1:
        never = [n for n in p.needs if n not in p.holding]
        text += f"; seen holding: {', '.join(p.holding) or 'none'}" + (f", never: {', '.join(never)}" if never else "")
    return text


def _names(ids: tuple[str, ...]) -> str:
    """Blocker ids as people read them: a group as "one of A3, A5" or "2 of T1, T2, T3"."""
    return ", ".join(need_name(i, ("at-least" if " of " in i else "any-of") if "|" in i else "step") for i in ids)


def _count(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"
