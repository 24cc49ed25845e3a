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
from ..answers.status import FACT_KINDS, Answer, Blocker, State, Transition, constraint_title
from ..pathway.compiled import ConstraintRule
from ..pathway.model import Basis

_FACT_STATES = ("holds", "absent")
_GROUPS = ("any-of", "at-least")


def _kind_of(id_: str) -> str:
    """A requirement's kind read off its id: groups join their members with `|`."""
    if "|" not in id_:
        return "step"
    return "at-least" if " of " in id_ else "any-of"


def need_name(id_: str, kind: str) -> str:
    """A precondition as people read it: its id, or "one of A3, A5", "2 of T1, T2, T3" for a group."""
    if kind not in _GROUPS:
        return id_
    count, _, members = id_.rpartition(" of ")
    return ("one of " if kind == "any-of" else f"{count} of ") + ", ".join(members.split("|"))


def warrant(basis: Basis, under: tuple[str, ...] = ()) -> str:
    """A link's basis, and the choices it rests on: "stated", "implied under a7-needs=least"."""
    return basis.value + (" under " + ", ".join(under) if under else "")


def how_to_take(required: Sequence[str], constraints: Sequence[ConstraintRule]) -> str:
    """What a step must be recorded with, as the rules put it: "give location and leader; location must be
    Mexico; leader must be Mexico or Mexican"; "" when nothing is asked."""
    parts = ([f"give {_and(list(required))}"] if required else []) + [constraint_title(c) for c in constraints]
    return "; ".join(parts)


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
        how = how_to_take(answer.required, answer.constraints) if answer.state == State.ELIGIBLE.value else ""
        asks = (f"To record it, the rules ask: {how}.",) if how else ()
        if not answer.support:
            return (f"{head} {verb}: it has no preconditions.", *asks)
        parts = []
        for s in answer.support:
            source = f" [{s.fact.source}]" if s.fact is not None and s.fact.source else ""
            name = need_name(s.id, s.kind)
            if s.to_start and answer.state == State.DONE.value:
                said = f"{name} was met when it was taken" + ("" if s.met else ", and no longer holds")
            elif s.kind in _GROUPS:
                said = f"{name} is met ({_and(list(s.holding))} {'holds' if len(s.holding) == 1 else 'hold'})"
            else:
                said = f"{name} holds"
            parts.append(f"{said} ({warrant(s.basis, s.under)}: {s.citation.section}, \"{s.citation.quote}\"){source}")
        return (f"{head} {verb}: " + "; ".join(parts) + ".", *asks)
    if answer.state == State.VIOLATED.value and answer.kind == "goal":
        return (f"{head} is reached, but not as the rules allow: it stands on "
                + "; ".join(_blocker_sentence(b) for b in answer.violations) + ".",)
    if answer.state == State.VIOLATED.value:
        return (f"{answer.target} is recorded as done, but it breaks: "
                + "; ".join(_blocker_sentence(b) for b in answer.violations),)
    how = how_to_take(answer.required, answer.constraints)
    return (f"{head} is blocked: it needs " + ", ".join(f"{need_name(r.id, r.kind)} ({warrant(r.basis, r.under)})"
                                                       for r in answer.tree) + ".",
            "Can be done now toward it: " + (", ".join(answer.frontier) or "nothing") + ".",
            *([f"To record it, the rules ask: {how}."] if how else []))


def relationship_reasons(answer: RelationshipAnswer) -> tuple[str, ...]:
    """Where a relationship stands on Chart 1 and what keeps it below the level asked about."""
    where = f"{answer.title} stands at {answer.level_name} (level {answer.level})"
    if answer.level >= answer.asked:
        return (f"{where}, the highest level of the spectrum.",)
    if not answer.measures:
        return (f"{where}; nothing recorded keeps it below {answer.asked_name} (level {answer.asked}).",)
    gaps = []
    for gap in answer.measures:
        text = gap.name
        if gap.citation is not None:
            text += f" ({gap.citation.section}: \"{gap.citation.quote}\")"
        if gap.by_steps:
            text += f", which {' or '.join(gap.by_steps)} would put in place"
            rests = sorted({u for under in gap.by_readings for u in under})
            if gap.implied or rests:
                text += " (a reading" + (f": {', '.join(rests)}" if rests else "") + ")"
        gaps.append(text)
    return (f"{where}; to stand at {answer.asked_name} (level {answer.asked}) it lacks: " + ", ".join(gaps) + ".",)


def change_summary(transitions: Sequence[Transition], also_needs: Iterable[tuple[str, tuple[str, ...]]],
                   moves: Iterable[ChartMove], updated: Iterable[tuple[str, tuple[str, ...]]] = (),
                   restated: Iterable[str] = (), *, hypothetical: bool = False) -> str:
    """A change in words: "vetting withdrawn: B1 and B2 are blocked again".

    A fact asserted again with other attributes or another source is "updated"
    (naming what changed), even when nothing else moved.  A goal is "reached"
    (or "reached but violated", "no longer reached"), never recorded.
    `hypothetical` (what-if): nothing happened, so it says what would:
    "if vetting were established, B1 and B2 would become eligible"."""
    facts = [t for t in transitions if t.after in _FACT_STATES]
    steps = [t for t in transitions if t not in facts]
    recorded = [t.id for t in steps if t.before in ("eligible", "blocked") and t.after in ("done", "violated")]
    unrecorded = [t.id for t in steps if t.before in ("done", "violated") and t.after in ("eligible", "blocked")]
    if hypothetical:
        return _would(facts, steps, recorded, unrecorded, list(also_needs), list(moves), list(updated), list(restated))
    heads = ([f"{t.id} {'established' if t.after == 'holds' else 'withdrawn'}" for t in facts]
             + [f"{t.id} {'reached' if t.derived else 'recorded'}" + (" but violated" if t.after == "violated" else "")
                for t in steps if t.id in recorded]
             + [f"{t.id} {'no longer reached' if t.derived else 'withdrawn'}" for t in steps if t.id in unrecorded]
             + [f"{id_} updated ({_and(list(fields))})" for id_, fields in updated]
             + [f"{id_} already recorded as given" for id_ in restated])
    rest = [t for t in steps if t.id not in recorded and t.id not in unrecorded]
    groups: dict[str, list[str]] = {}
    for t in rest:
        groups.setdefault(_phrase(t), []).append(t.id)
    clauses = [f"{_and(ids)} {'is' if len(ids) == 1 else 'are'} {phrase}" for phrase, ids in groups.items()]
    clauses += [f"{step} now also needs {_and([need_name(n, _kind_of(n)) for n in needs])}"
                for step, needs in also_needs]
    clauses += [f"{m.title} moves from {m.before_name} to {m.after_name}" for m in moves]
    head = ", ".join(heads) or "no fact changed"
    return head + (": " + "; ".join(clauses) if clauses else ": nothing else moved")


def _would(facts: list[Transition], steps: list[Transition], recorded: list[str], unrecorded: list[str],
           also_needs: list[tuple[str, tuple[str, ...]]], moves: list[ChartMove],
           updated: list[tuple[str, tuple[str, ...]]], restated: list[str]) -> str:
    """A what-if in the conditional: what is supposed after "if", what follows with "would"; a goal
    is never supposed, it "would be reached"."""
    verbs = {"established": [t.id for t in facts if t.after == "holds"],
             "recorded": [t.id for t in steps if t.id in recorded and not t.derived],
             "withdrawn": [t.id for t in facts if t.after != "holds"]
             + [t.id for t in steps if t.id in unrecorded and not t.derived]}
    supposed = ([f"{_and(ids)} were {verb}" for verb, ids in verbs.items() if ids]
                + [f"{id_} were given new {_and(list(fields))}" for id_, fields in updated])
    clauses = [f"{t.id} would be violated" for t in steps if t.id in recorded and not t.derived
               and t.after == "violated"]
    clauses += [f"{t.id} would be reached" + (", but not as the rules allow" if t.after == "violated" else "")
                for t in steps if t.id in recorded and t.derived]
    clauses += [f"{t.id} would no longer be reached" for t in steps if t.id in unrecorded and t.derived]
    groups: dict[str, list[str]] = {}
    for t in (t for t in steps if t.id not in recorded and t.id not in unrecorded):
        groups.setdefault(_would_phrase(t), []).append(t.id)
    clauses += [f"{_and(ids)} would {phrase}" for phrase, ids in groups.items()]
    clauses += [f"{step} would also need {_and([need_name(n, _kind_of(n)) for n in needs])}"
                for step, needs in also_needs]
    clauses += [f"{m.title} would move from {m.before_name} to {m.after_name}" for m in moves]
    clauses += [f"{id_} is already recorded as given" for id_ in restated]
    if not supposed:
        return "; ".join(clauses) if clauses else "nothing would change"
    return f"if {' and '.join(supposed)}, " + ("; ".join(clauses) if clauses else "nothing else would move")


FORCE = "force it"
"""How a refusal's hint names forcing; the command line puts its option in its place."""


def refusal(step: str, blockers: Iterable[Blocker]) -> str:
    """Why a step is refused, every blocker with its basis and quote:
    `A4 needs A3 first (stated: "...")`; `vote needs attributes the rules ask for: count is required, no count
    is given`."""
    blockers = list(blockers)
    needs = [b for b in blockers if b.kind not in FACT_KINDS]
    if not needs:
        return f"{step} needs attributes the rules ask for: " + "; ".join(f"{b.title}, {b.detail}" for b in blockers)
    names = [need_name(b.id, b.kind) for b in needs]
    if len({(b.basis, b.citation.quote) for b in needs}) == 1:  # one sentence warrants them all: quoted once
        said = f"{needs[0].basis.value}: \"{needs[0].citation.quote}\""
    else:
        said = "; ".join(f"{name} {b.basis.value}: \"{b.citation.quote}\"" for name, b in zip(names, needs))
    others = [f"{b.title}, {b.detail}" for b in blockers if b.kind in FACT_KINDS]
    return f"{step} needs {_and(names)} first ({said})" + "".join(f"; {other}" for other in others)


def refusal_hint(step: str, blockers: Iterable[Blocker]) -> str:
    """What to do about a refused step: "record A3, or force it to record A4 anyway as a violation"."""
    needs = [b for b in blockers if b.kind not in FACT_KINDS]
    steps = [need_name(b.id, b.kind) for b in needs if b.kind != "condition"]
    conditions = [b.id for b in needs if b.kind == "condition"]
    todo = " and ".join([*([f"record {_and(steps)}"] if steps else []),
                         *([f"establish {_and(conditions)}"] if conditions else [])])
    return f"{todo}, or {_anyway(step)}"


def _anyway(step: str) -> str:
    return f"{FORCE} to record {step} anyway as a violation"


def attribute_hint(step: str, blockers: Iterable[Blocker]) -> str:
    """What to do about a step its attributes keep out: give each required one (saying where the
    rules require it), or fix the values, or force it."""
    required = [f"{b.id[len(step) + 1:]}=... ({b.citation.section}: \"{b.citation.quote}\")"
                for b in blockers if b.kind == "attribute"]
    return f"give {'; '.join(required)}, or {_anyway(step)}" if required else f"fix the attributes, or {_anyway(step)}"


def _blocker_sentence(blocker: Blocker) -> str:
    if blocker.kind == "violated-step":  # a step a reached goal stands on
        return f"{blocker.id}, which is violated (it breaks {blocker.detail})"
    if blocker.kind in FACT_KINDS:
        return f"{blocker.title} ({blocker.detail}; {blocker.basis.value}: \"{blocker.citation.quote}\")"
    verb = "do not hold" if blocker.kind in _GROUPS else "does not hold"
    if blocker.to_start:  # a violation of a recorded step: it was taken without it
        verb = "did not hold when it was taken"
    return f"{need_name(blocker.id, blocker.kind)} {verb} ({blocker.basis.value}: \"{blocker.citation.quote}\")"


def _would_phrase(transition: Transition) -> str:
    if transition.after == "blocked":
        return "be blocked again" if transition.before in ("eligible", "done") else "be blocked"
    if transition.after == "eligible":
        return "become eligible"
    return f"be {transition.after}"


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
