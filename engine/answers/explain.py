"""Why and why not: explanations built on the compiled graph, not on the engine.

An explanation is computed from the pathway, one evaluation and the facts,
so it says exactly what the engine concluded and cites the text behind each
link.  For a blocked target, the tree of unmet preconditions runs down to
what can be acted on today (the frontier); for an eligible or done one, the
facts that support it; for a violated one, what it violates.
"""

from __future__ import annotations

from perimeter.answers.status import Blocker, Result, State, step_status
from perimeter.backends.protocol import Evaluation
from perimeter.pathway.compiled import Kind, Mode, Pathway
from perimeter.pathway.model import Basis, Citation, Fact
from pydantic import Field


class Reason(Result):
    """One node of a why-not tree: something the parent needs and lacks.

    `basis` and `citation` warrant the link from the parent.  A node reached
    a second time is marked `shared` and not expanded again.
    """

    id: str
    kind: str
    title: str
    state: str
    """A step state, or `absent` for a condition that does not hold."""
    basis: Basis
    citation: Citation
    actionable: bool
    """Can be done now: an eligible step or a condition to establish."""
    shared: bool = False
    needs: tuple[Reason, ...] = ()


class Support(Result):
    """One precondition that holds, and the fact (or derivation) behind it."""

    id: str
    kind: str
    title: str
    basis: Basis
    citation: Citation
    fact: Fact | None = None
    """The recorded fact; None for the goal, which is derived."""


class Explanation(Result):
    """The answer to "why" or "why not" for one target."""

    target: str
    title: str
    kind: str
    state: str
    missing: tuple[str, ...] = ()
    """The target's own unmet preconditions."""
    frontier: tuple[str, ...] = ()
    """What can be acted on now toward the target, in plan order."""
    tree: tuple[Reason, ...] = ()
    """Why not: the unmet preconditions, each down to actionable leaves."""
    support: tuple[Support, ...] = ()
    """Why: the preconditions that hold and what supports them."""
    violations: tuple[Blocker, ...] = ()
    """For a violated step: the preconditions and constraints it breaks."""
    fact: Fact | None = None
    """The target's own fact, when it is recorded."""
    reasons: list[str] = Field(default_factory=list)
    """The answer in sentences, for people."""


def explain(pathway: Pathway, mode: Mode, evaluation: Evaluation, facts: dict[str, Fact], target: str) -> Explanation:
    """Why `target` (a step, the goal or a condition) stands where it does."""
    if target in pathway.conditions:
        return _explain_condition(pathway, facts, target)
    status = step_status(pathway, mode, evaluation, facts, target)
    rule = pathway.steps[target]
    base = dict(target=target, title=rule.title, kind=rule.kind.value, state=status.state.value,
                fact=facts.get(target))
    support = _support(pathway, mode, evaluation, facts, target)
    if status.state in (State.ELIGIBLE, State.DONE):
        return Explanation(**base, support=support, reasons=_why_reasons(pathway, target, status.state, support))
    if status.state is State.VIOLATED:
        return Explanation(**base, support=support, violations=status.blockers,
                           missing=tuple(b.id for b in status.blockers if b.kind != "constraint"),
                           reasons=[f"{target} is recorded as done, but it breaks: "
                                    + "; ".join(_blocker_sentence(b) for b in status.blockers)])
    tree, frontier = _why_not_tree(pathway, mode, evaluation, facts, target)
    missing = tuple(r.id for r in tree)
    reasons = [f"{target} ({rule.title}) is blocked: it needs " + ", ".join(
        f"{r.id} ({r.basis.value})" for r in tree) + ".",
        "Can be done now toward it: " + (", ".join(frontier) or "nothing") + "."]
    return Explanation(**base, missing=missing, frontier=frontier, tree=tree, support=support, reasons=reasons)


def _explain_condition(pathway: Pathway, facts: dict[str, Fact], target: str) -> Explanation:
    rule = pathway.conditions[target]
    holds = target in facts
    needing = {r.step for r in pathway.requirements(Mode.IMPLIED) if r.need == target}
    dependants = [step for step in pathway.steps if step in needing]
    reasons = [f"{target} ({rule.title}) {'holds' if holds else 'does not hold'}"
               + (f": {facts[target].source}" if holds and facts[target].source else "") + "."]
    if dependants:
        reasons.append("Needed by: " + ", ".join(dependants) + ".")
    return Explanation(target=target, title=rule.title, kind=Kind.CONDITION.value,
                       state="holds" if holds else "absent", fact=facts.get(target),
                       frontier=() if holds else (target,), reasons=reasons)


def _support(pathway, mode, evaluation, facts, target) -> tuple[Support, ...]:
    missing = evaluation.unmet.get(target, frozenset())
    return tuple(
        Support(id=r.need, kind=r.kind.value, title=pathway.title_of(r.need), basis=r.basis,
                citation=r.citation, fact=facts.get(r.need))
        for r in pathway.preconditions(target, mode) if r.need not in missing)


def _why_not_tree(pathway, mode, evaluation, facts, target) -> tuple[tuple[Reason, ...], tuple[str, ...]]:
    """The unmet preconditions of `target`, each expanded once, and the actionable leaves.

    Without recursion (a pathway may be a 10,000-step chain): a pre-order
    walk records each occurrence, then nodes are built from the leaves up.
    """
    def unmet(step: str) -> list:
        missing = evaluation.unmet.get(step, frozenset())
        return [r for r in pathway.preconditions(step, mode) if r.need in missing]

    expanded: set[str] = set()
    frontier: set[str] = set()
    occurrences: list[tuple[int, dict, bool]] = []  # parent index, node fields, expanded
    stack = [(-1, r) for r in reversed(unmet(target))]
    while stack:
        parent, requirement = stack.pop()
        need = requirement.need
        link = dict(id=need, basis=requirement.basis, citation=requirement.citation)
        if need in pathway.conditions:
            frontier.add(need)
            occurrences.append((parent, dict(link, kind="condition", title=pathway.title_of(need),
                                             state="absent", actionable=True), False))
            continue
        # An unmet step is not recorded, so it is eligible or blocked, read off its
        # own unmet needs (cheaper than a full status, for trees of thousands).
        rule = pathway.steps[need]
        eligible = not rule.derived and not evaluation.unmet.get(need)
        fields = dict(link, kind=rule.kind.value, title=rule.title,
                      state=(State.ELIGIBLE if eligible else State.BLOCKED).value, actionable=eligible)
        if fields["actionable"]:
            frontier.add(need)
            occurrences.append((parent, fields, False))
        elif need in expanded:
            occurrences.append((parent, dict(fields, shared=True), False))
        else:
            expanded.add(need)
            occurrences.append((parent, fields, True))
            index = len(occurrences) - 1
            stack.extend((index, r) for r in reversed(unmet(need)))
    built: dict[int, list[Reason]] = {}
    for index in range(len(occurrences) - 1, -1, -1):
        parent, fields, _ = occurrences[index]
        node = Reason(**fields, needs=tuple(reversed(built.pop(index, []))))
        built.setdefault(parent, []).append(node)
    return tuple(reversed(built.get(-1, []))), tuple(sorted(frontier, key=pathway.order_key))


def _why_reasons(pathway: Pathway, target: str, state: State, support: tuple[Support, ...]) -> list[str]:
    verb = "is done" if state is State.DONE else "can be taken now"
    if not support:
        return [f"{target} ({pathway.title_of(target)}) {verb}: it has no preconditions."]
    parts = []
    for s in support:
        source = f" [{s.fact.source}]" if s.fact is not None and s.fact.source else ""
        parts.append(f"{s.id} holds ({s.basis.value}: {s.citation.section}, \"{s.citation.quote}\"){source}")
    return [f"{target} ({pathway.title_of(target)}) {verb}: " + "; ".join(parts) + "."]


def _blocker_sentence(blocker: Blocker) -> str:
    if blocker.kind == "constraint":
        return f"{blocker.title} ({blocker.detail}; {blocker.basis.value}: \"{blocker.citation.quote}\")"
    return f"{blocker.id} does not hold ({blocker.basis.value}: \"{blocker.citation.quote}\")"
