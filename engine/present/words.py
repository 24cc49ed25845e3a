"""The sentences people read, composed from the answers' data, and nowhere else.

Every stage below this one returns data: which blockers, which steps moved,
which measures are missing.  The `Engine` fills an answer's `reasons` from
here, `Change.summary()` speaks through `change_summary`, a refusal's message
through `refusal`, and the command line prints what these return.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ..answers.explain import Explanation
from ..answers.spectrum import ChartMove, RelationshipAnswer
from ..answers.status import Answer, Blocker, State, Transition

_FACT_STATES = ("holds", "absent")


def reasons(answer: Answer) -> tuple[str, ...]:
    """Why the answer's target stands where it does, in sentences."""
    if isinstance(answer, RelationshipAnswer):
        return relationship_reasons(answer)
    if isinstance(answer, Explanation):
        return explanation_reasons(answer)
    return ()


def explanation_reasons(answer: Explanation) -> tuple[str, ...]:
    """A step's, the goal's or a condition's explanation in sentences."""
    head = f"{answer.target} ({answer.title})"
    if answer.kind == "condition":
        holds = answer.state == "holds"
        source = answer.fact.source if holds and answer.fact is not None else None
        lines = [f"{head} {'holds' if holds else 'does not hold'}" + (f": {source}" if source else "") + "."]
        if answer.needed_by:
            lines.append("Needed by: " + ", ".join(answer.needed_by) + ".")
        return tuple(lines)
    if answer.state in (State.ELIGIBLE.value, State.DONE.value):
        verb = "is done" if answer.state == State.DONE.value else "can be taken now"
        if not answer.support:
            return (f"{head} {verb}: it has no preconditions.",)
        parts = []
        for s in answer.support:
            source = f" [{s.fact.source}]" if s.fact is not None and s.fact.source else ""
            parts.append(f"{s.id} holds ({s.basis.value}: {s.citation.section}, \"{s.citation.quote}\"){source}")
        return (f"{head} {verb}: " + "; ".join(parts) + ".",)
    if answer.state == State.VIOLATED.value:
        return (f"{answer.target} is recorded as done, but it breaks: "
                + "; ".join(_blocker_sentence(b) for b in answer.violations),)
    return (f"{head} is blocked: it needs " + ", ".join(f"{r.id} ({r.basis.value})" for r in answer.tree) + ".",
            "Can be done now toward it: " + (", ".join(answer.frontier) or "nothing") + ".")


def relationship_reasons(answer: RelationshipAnswer) -> tuple[str, ...]:
    """Where a relationship stands on Chart 1 and what keeps it below the level asked about."""
    where = f"{answer.title} stands at {answer.level_name} (level {answer.level})"
    if not answer.measures or answer.level >= answer.asked:
        return (f"{where}, at or above {answer.asked_name}.",)
    gaps = []
    for gap in answer.measures:
        text = gap.name
        if gap.citation is not None:
            text += f" (the paper: \"{gap.citation.quote}\")"
        if gap.by_steps:
            text += f", which {' or '.join(gap.by_steps)} would put in place"
        gaps.append(text)
    return (f"{where}; to stand at {answer.asked_name} (level {answer.asked}) it lacks: " + ", ".join(gaps) + ".",)


def change_summary(transitions: Sequence[Transition], also_needs: Iterable[tuple[str, tuple[str, ...]]],
                   moves: Iterable[ChartMove], updated: Iterable[tuple[str, tuple[str, ...]]] = (),
                   restated: Iterable[str] = ()) -> str:
    """A change in words: "vetting withdrawn: B1 and B2 are blocked again".

    A fact asserted again with other attributes or another source is "updated"
    (naming what changed), even when nothing else moved."""
    facts = [t for t in transitions if t.after in _FACT_STATES]
    steps = [t for t in transitions if t not in facts]
    recorded = [t.id for t in steps if t.before in ("eligible", "blocked") and t.after in ("done", "violated")]
    unrecorded = [t.id for t in steps if t.before in ("done", "violated") and t.after in ("eligible", "blocked")]
    heads = ([f"{t.id} {'established' if t.after == 'holds' else 'withdrawn'}" for t in facts]
             + [f"{t.id} recorded" + (" but violated" if t.after == "violated" else "")
                for t in steps if t.id in recorded]
             + [f"{i} withdrawn" for i in unrecorded]
             + [f"{id_} updated ({_and(list(fields))})" for id_, fields in updated]
             + [f"{id_} already recorded as given" for id_ in restated])
    rest = [t for t in steps if t.id not in recorded and t.id not in unrecorded]
    groups: dict[str, list[str]] = {}
    for t in rest:
        groups.setdefault(_phrase(t), []).append(t.id)
    clauses = [f"{_and(ids)} {'is' if len(ids) == 1 else 'are'} {phrase}" for phrase, ids in groups.items()]
    clauses += [f"{step} now also needs {_and(list(needs))}" for step, needs in also_needs]
    clauses += [f"{m.title} moves from {m.before_name} to {m.after_name}" for m in moves]
    head = ", ".join(heads) or "no fact changed"
    return head + (": " + "; ".join(clauses) if clauses else ": nothing else moved")


def refusal(step: str, blockers: Iterable[Blocker]) -> str:
    """Why a step cannot be recorded as done: every blocker, with its basis."""
    names = ", ".join(f"{b.id} ({b.basis.value})" if b.kind != "constraint" else f"{b.title}, {b.detail}"
                      for b in blockers)
    return f"{step} cannot be recorded as done: {names}"


def _blocker_sentence(blocker: Blocker) -> str:
    if blocker.kind == "constraint":
        return f"{blocker.title} ({blocker.detail}; {blocker.basis.value}: \"{blocker.citation.quote}\")"
    return f"{blocker.id} does not hold ({blocker.basis.value}: \"{blocker.citation.quote}\")"


def _phrase(transition: Transition) -> str:
    if transition.after == "blocked":
        return "blocked again" if transition.before in ("eligible", "done") else "blocked"
    if transition.after == "eligible":
        return "now eligible"
    if transition.after == "violated":
        return "now violated"
    return f"now {transition.after}"


def _and(ids: list[str]) -> str:
    return ids[0] if len(ids) == 1 else ", ".join(ids[:-1]) + " and " + ids[-1]
