"""Rule files to a checked `Pathway`, as named passes that collect diagnostics.

Each pass adds what it finds to one list instead of stopping at the first
problem, so an author fixing a file sees every problem at once, sorted by file
and line.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar, Union

from .. import codes
from ..errors import CompileError, Diagnostic
from ..files.sanitise import unsafe_text_findings
from ..files.read import SourceMap, gc_paused, read_document, validate
from ..files.sources import yaml_files
from ..pathway.compiled import (
    ConditionRule,
    ConstraintRule,
    Involvement,
    Kind,
    Location,
    Pathway,
    Requirement,
    SpectrumRules,
    StepRule,
)
from ..pathway.model import (
    Condition,
    Effect,
    Goal,
    Level,
    PathwayInfo,
    Precondition,
    Relationship,
    RuleFile,
    Step,
)
from ..suggest import close_matches, did_you_mean

MAX_STEPS = 50_000
"""The most steps a rule set may have, over all its files."""

RuleFiles = Sequence[tuple[RuleFile, SourceMap]]
"""Rule files as validated, each with where its values sit in its file."""

# Union, not `|`: these are evaluated at import, where Python 3.10 is still supported.
_Node = TypeVar("_Node", bound=Union[Step, Goal, Condition], covariant=True)
_Named = TypeVar("_Named", Level, Relationship)


@dataclass(frozen=True)
class _Entry(Generic[_Node]):
    """A step, goal or condition with the file and path it came from."""

    node: _Node
    source: SourceMap
    path: tuple[str | int, ...]

    def location(self, *more: str | int) -> Location:
        line, col = self.source.where(self.path + more)
        return Location(self.source.file, line, col)


_Needing = _Entry[Union[Step, Goal]]
"""An entry with preconditions: a step or the goal."""
_AnyEntry = _Entry[Union[Step, Goal, Condition]]
"""Any entry: a step, the goal or a condition."""


def load_pathway(paths: str | Path | Iterable[str | Path] | None = None) -> Pathway:
    """Read, validate and compile rule files (a file, a folder, or several).

    With no argument, the rule set shipped with perimeter: the paper's pathway.
    """
    files = yaml_files(paths, "rules")
    with gc_paused():
        documents = [read_document(f) for f in files]
        return compile_pathway([(validate(RuleFile, d), d.source) for d in documents])


def compile_pathway(files: RuleFiles) -> Pathway:
    """Check `files` as one rule set and build its graph, or raise CompileError."""
    _check_size(files)
    # Text that would move a terminal's cursor or reverse its reading order is refused outright.
    diagnostics: list[Diagnostic] = [d for rule_file, source in files for d in unsafe_text_findings(rule_file, source)]
    steps, conditions, goal = _collect(files, diagnostics)
    needing: list[_Needing] = [*steps, *([goal] if goal else [])]
    index = _unique_ids([*conditions, *needing], diagnostics)
    info = _pathway_info(files, diagnostics)
    _resolve_references(needing, index, diagnostics)
    _unique_within_steps(needing, diagnostics)
    if not steps and not diagnostics:
        source = files[0][1] if files else SourceMap("<rules>", {})
        diagnostics.append(source.diagnostic((), codes.NO_STEPS, "the rule set has no steps", "add a `steps:` list"))
    spectrum = _check_spectrum(files, {e.node.id for e in steps}, diagnostics)
    # Unresolved references are skipped by the search, so cycles are found alongside them.
    _find_cycles(needing, diagnostics)
    if diagnostics:
        count = len(diagnostics)
        raise CompileError(f"{count} problem{'s' if count > 1 else ''} in the rule set", diagnostics=diagnostics)
    return _build(info, files, steps, conditions, goal, index, spectrum)


def _check_size(files: RuleFiles) -> None:
    """Refuse a rule set over MAX_STEPS before any pass runs over it, naming the step past the limit."""
    total = sum(len(rule_file.steps) for rule_file, _ in files)
    if total <= MAX_STEPS:
        return
    seen = 0
    for rule_file, source in files:
        if seen + len(rule_file.steps) > MAX_STEPS:
            problem = source.diagnostic(("steps", MAX_STEPS - seen), codes.TOO_MANY_STEPS,
                                        f"{total:,} steps, over the {MAX_STEPS:,}-step limit",
                                        "split the pathway into smaller rule sets")
            raise CompileError(problem, diagnostics=[problem])
        seen += len(rule_file.steps)


def _collect(files: RuleFiles, diagnostics: list[Diagnostic]
             ) -> tuple[list[_Entry[Step]], list[_Entry[Condition]], _Entry[Goal] | None]:
    steps: list[_Entry[Step]] = []
    conditions: list[_Entry[Condition]] = []
    goal: _Entry[Goal] | None = None
    for rule_file, source in files:
        for i, condition in enumerate(rule_file.conditions):
            conditions.append(_Entry(condition, source, ("conditions", i)))
        for i, step in enumerate(rule_file.steps):
            steps.append(_Entry(step, source, ("steps", i)))
        if rule_file.goal is not None:
            entry = _Entry(rule_file.goal, source, ("goal",))
            if goal is not None:
                diagnostics.append(source.diagnostic(
                    ("goal",), codes.DUPLICATE_GOAL, "a second goal",
                    f"a rule set has one goal; the first is at {goal.location()}"))
            else:
                goal = entry
    return steps, conditions, goal


def _pathway_info(files: RuleFiles, diagnostics: list[Diagnostic]) -> PathwayInfo | None:
    infos = [(f.pathway, source) for f, source in files if f.pathway is not None]
    for _, source in infos[1:]:
        diagnostics.append(source.diagnostic(
            ("pathway",), codes.DUPLICATE_PATHWAY, "a second `pathway:` header",
            f"keep one; the first is in {infos[0][1].file}"))
    return infos[0][0] if infos else None


def _unique_ids(entries: list[_AnyEntry], diagnostics: list[Diagnostic]) -> dict[str, _AnyEntry]:
    """Ids are compared without case: users type `a4` for `A4`.

    Entries are taken in file and line order, so the one reported as the
    duplicate is the later one even when a file lists steps before conditions.
    """
    index: dict[str, _AnyEntry] = {}
    for entry in sorted(entries, key=lambda e: (e.source.file, e.source.where(e.path))):
        key = entry.node.id.casefold()
        if key in index:
            first = index[key]
            diagnostics.append(entry.source.diagnostic(
                entry.path + ("id",), codes.DUPLICATE_ID, f"duplicate id '{entry.node.id}'",
                f"first defined at {first.location('id')}; rename one"))
        else:
            index[key] = entry
    return index


def _resolve_references(entries: list[_Needing], index: dict[str, _AnyEntry], diagnostics: list[Diagnostic]) -> None:
    known = [e.node.id for e in index.values()]
    for entry in entries:
        for i, pre in enumerate(entry.node.preconditions):
            target = index.get(pre.requires.casefold())
            path = entry.path + ("preconditions", i, "requires")
            if target is None:
                matches = close_matches(pre.requires, known)
                diagnostics.append(entry.source.diagnostic(
                    path, codes.UNKNOWN_REFERENCE,
                    f"{entry.node.id} requires '{pre.requires}', which is no step or condition",
                    did_you_mean(matches) or "define it, or fix the id", matches))
            elif target.node.id != pre.requires:
                diagnostics.append(entry.source.diagnostic(
                    path, codes.ID_CASE, f"'{pre.requires}' is written '{target.node.id}' where it is defined",
                    f"write '{target.node.id}'"))


def _unique_within_steps(entries: list[_Needing], diagnostics: list[Diagnostic]) -> None:
    for entry in entries:
        seen: set[str] = set()
        for i, pre in enumerate(entry.node.preconditions):
            if pre.requires.casefold() in seen:
                diagnostics.append(entry.source.diagnostic(
                    entry.path + ("preconditions", i), codes.DUPLICATE_PRECONDITION,
                    f"{entry.node.id} lists '{pre.requires}' twice", "keep one"))
            seen.add(pre.requires.casefold())
        attributes: set[str] = set()
        for i, constraint in enumerate(entry.node.constraints if isinstance(entry.node, Step) else []):
            if constraint.attribute in attributes:
                diagnostics.append(entry.source.diagnostic(
                    entry.path + ("constraints", i), codes.DUPLICATE_CONSTRAINT,
                    f"{entry.node.id} constrains '{constraint.attribute}' twice", "merge them"))
            attributes.add(constraint.attribute)


def _find_cycles(entries: list[_Needing], diagnostics: list[Diagnostic]) -> None:
    """Depth-first search without recursion (pathways may be 10,000 steps deep)."""
    needs = {e.node.id: [p.requires for p in e.node.preconditions] for e in entries}
    entry_of = {e.node.id: e for e in entries}
    WHITE, GREY, BLACK = 0, 1, 2
    colour = dict.fromkeys(needs, WHITE)
    reported: set[frozenset[str]] = set()
    for root in needs:
        if colour[root] != WHITE:
            continue
        stack: list[tuple[str, Iterator[str]]] = [(root, iter(needs[root]))]
        trail = [root]
        colour[root] = GREY
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                colour[node] = BLACK
                stack.pop()
                trail.pop()
                continue
            if child not in needs:
                continue
            if colour[child] == GREY:
                cycle = trail[trail.index(child):] + [child]
                if frozenset(cycle) not in reported:
                    reported.add(frozenset(cycle))
                    entry = entry_of[node]
                    position = needs[node].index(child)
                    diagnostics.append(entry.source.diagnostic(
                        entry.path + ("preconditions", position, "requires"), codes.CYCLE,
                        "precondition cycle: " + " -> ".join(cycle),
                        f"remove one of these preconditions; {node} cannot need {child}"))
            elif colour[child] == WHITE:
                colour[child] = GREY
                stack.append((child, iter(needs[child])))
                trail.append(child)


def _check_spectrum(files: RuleFiles, step_ids: set[str], diagnostics: list[Diagnostic]) -> SpectrumRules | None:
    """One spectrum at most; unique level and relationship ids; effects that resolve."""
    found = [(f.spectrum, source) for f, source in files if f.spectrum is not None]
    for _, source in found[1:]:
        diagnostics.append(source.diagnostic(("spectrum",), codes.DUPLICATE_SPECTRUM, "a second `spectrum:`",
                                             f"keep one; the first is in {found[0][1].file}"))
    if not found:
        return None
    spectrum, source = found[0]
    before = len(diagnostics)
    levels = _unique_named(spectrum.levels, ("spectrum", "levels"), "level", source, diagnostics)
    relationships = _unique_named(spectrum.relationships, ("spectrum", "relationships"), "relationship",
                                  source, diagnostics)
    if spectrum.floor not in levels:
        matches = close_matches(spectrum.floor, levels)
        diagnostics.append(source.diagnostic(("spectrum", "floor"), codes.UNKNOWN_REFERENCE,
                                             f"floor '{spectrum.floor}' is no level",
                                             did_you_mean(matches) or "name a level id", matches))
    for i, effect in enumerate(spectrum.effects):
        _check_effect(effect, ("spectrum", "effects", i), {"step": step_ids, "relationship": relationships.keys(),
                                                           "level": levels.keys()}, source, diagnostics)
    if len(diagnostics) > before:
        return None
    return SpectrumRules(title=spectrum.title, citation=spectrum.citation, levels=tuple(spectrum.levels),
                         floor=list(levels).index(spectrum.floor), relationships=dict(relationships),
                         effects=tuple(spectrum.effects))


def _check_effect(effect: Effect, path: tuple[str | int, ...], known: dict[str, Collection[str]], source: SourceMap,
                  diagnostics: list[Diagnostic]) -> None:
    """An effect's step, relationship and level must each name one the rule set defines."""
    for field, ids in known.items():
        value: str = getattr(effect, field)
        if value not in ids:
            matches = close_matches(value, ids)
            diagnostics.append(source.diagnostic(
                path + (field,), codes.UNKNOWN_REFERENCE, f"effect names unknown {field} '{value}'",
                did_you_mean(matches) or f"name a {field} id", matches))


def _unique_named(items: Sequence[_Named], path: tuple[str | int, ...], kind: str, source: SourceMap,
                  diagnostics: list[Diagnostic]) -> dict[str, _Named]:
    seen: dict[str, _Named] = {}
    for i, item in enumerate(items):
        if item.id in seen:
            diagnostics.append(source.diagnostic(path + (i, "id"), codes.DUPLICATE_ID,
                                                 f"duplicate {kind} id '{item.id}'", "rename one"))
        else:
            seen[item.id] = item
    return seen


def _fingerprint(files: RuleFiles) -> str:
    """A digest of the rule set's content, cheap enough for 10,000-step files."""
    digest = hashlib.sha256()
    for rule_file, _ in files:
        digest.update(rule_file.__pydantic_serializer__.to_json(rule_file))
    return digest.hexdigest()[:16]


def _build(info: PathwayInfo | None, files: RuleFiles, steps: list[_Entry[Step]],
           conditions: list[_Entry[Condition]], goal: _Entry[Goal] | None, index: dict[str, _AnyEntry],
           spectrum: SpectrumRules | None = None) -> Pathway:
    def requirement(entry: _Needing, i: int, pre: Precondition) -> Requirement:
        target = index[pre.requires.casefold()].node
        kind = Kind.GOAL if isinstance(target, Goal) else Kind.STEP if isinstance(target, Step) else Kind.CONDITION
        return Requirement(entry.node.id, target.id, kind, pre.basis, pre.citation, pre.note,
                           entry.location("preconditions", i))

    def step_rule(entry: _Needing) -> StepRule:
        node = entry.node
        preconditions = tuple(requirement(entry, i, p) for i, p in enumerate(node.preconditions))
        if isinstance(node, Goal):
            return StepRule(
                id=node.id, kind=Kind.GOAL, title=node.title, actors=(), sector=None,
                sequence=max((s.node.sequence for s in steps), default=0) + 1, aliases=tuple(node.aliases),
                preconditions=preconditions, constraints=(), citation=node.citation, note=None,
                location=entry.location())
        constraints = tuple(
            ConstraintRule(node.id, c.attribute, tuple(c.allowed), c.basis, c.citation, c.note,
                           entry.location("constraints", i))
            for i, c in enumerate(node.constraints))
        return StepRule(
            id=node.id, kind=Kind.STEP, title=node.title, actors=tuple(node.actors), sector=node.sector,
            sequence=node.sequence, aliases=tuple(node.aliases), preconditions=preconditions,
            constraints=constraints, citation=node.citation, note=node.note, location=entry.location())

    def condition_rule(entry: _Entry[Condition]) -> ConditionRule:
        node = entry.node
        return ConditionRule(
            id=node.id, title=node.title, description=node.description, aliases=tuple(node.aliases),
            involves=tuple(Involvement(i.text, i.citation) for i in node.involves),
            citation=node.citation, location=entry.location())

    compiled_steps = {e.node.id: step_rule(e) for e in steps}
    if goal is not None:
        compiled_steps[goal.node.id] = step_rule(goal)
    fingerprint = _fingerprint(files)
    return Pathway(
        # Without a `pathway:` header, the content names the rule set, so two
        # different header-less rule sets never share one state file.
        id=info.id if info else f"rules-{fingerprint[:8]}",
        title=info.title if info else "Untitled pathway",
        source=info.source if info else None,
        steps=compiled_steps,
        conditions={e.node.id: condition_rule(e) for e in conditions},
        goal=goal.node.id if goal else None,
        files=tuple(source.file for _, source in files),
        fingerprint=fingerprint,
        spectrum=spectrum,
    )
