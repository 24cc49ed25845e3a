"""Rule files to a checked `Pathway`, as named passes that collect diagnostics.

Each pass adds what it finds to one list instead of stopping at the first
problem, so an author fixing a file sees every problem at once, sorted by file
and line.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from perimeter.errors import CompileError, Diagnostic
from perimeter.files.read import SourceMap, gc_paused, read_document, validate
from perimeter.files.sources import yaml_files
from perimeter.pathway.compiled import (
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
from perimeter.pathway.model import Goal, RuleFile, Step
from perimeter.suggest import did_you_mean

MAX_STEPS = 50_000
"""The most steps a rule set may have, over all its files."""


@dataclass(frozen=True)
class _Entry:
    """A step, goal or condition with the file and path it came from."""

    node: object
    source: SourceMap
    path: tuple

    def location(self, *more: object) -> Location:
        line, col = self.source.where(self.path + more)
        return Location(self.source.file, line, col)


def load_pathway(paths: str | Path | Iterable[str | Path] | None = None) -> Pathway:
    """Read, validate and compile rule files (a file, a folder, or several).

    With no argument, the rule set shipped with perimeter: the paper's pathway.
    """
    files = yaml_files(paths, "rules")
    with gc_paused():
        documents = [read_document(f) for f in files]
        return compile_pathway([(validate(RuleFile, d), d.source) for d in documents])


def compile_pathway(files: list[tuple[RuleFile, SourceMap]]) -> Pathway:
    """Check `files` as one rule set and build its graph, or raise CompileError."""
    _check_size(files)
    diagnostics: list[Diagnostic] = []
    steps, conditions, goal = _collect(files, diagnostics)
    index = _unique_ids([*conditions, *steps, *([goal] if goal else [])], diagnostics)
    info = _pathway_info(files, diagnostics)
    _resolve_references([*steps, *([goal] if goal else [])], index, diagnostics)
    _unique_within_steps([*steps, *([goal] if goal else [])], diagnostics)
    if not steps and not diagnostics:
        source = files[0][1] if files else SourceMap("<rules>", {})
        diagnostics.append(source.diagnostic((), "no-steps", "the rule set has no steps", "add a `steps:` list"))
    spectrum = _check_spectrum(files, {e.node.id for e in steps}, diagnostics)
    # Unresolved references are skipped by the search, so cycles are found alongside them.
    _find_cycles([*steps, *([goal] if goal else [])], index, diagnostics)
    if diagnostics:
        count = len(diagnostics)
        raise CompileError(f"{count} problem{'s' if count > 1 else ''} in the rule set", diagnostics=diagnostics)
    return _build(info, files, steps, conditions, goal, index, spectrum)


def _check_size(files) -> None:
    """Refuse a rule set over MAX_STEPS before any pass runs over it, naming the step past the limit."""
    total = sum(len(rule_file.steps) for rule_file, _ in files)
    if total <= MAX_STEPS:
        return
    seen = 0
    for rule_file, source in files:
        if seen + len(rule_file.steps) > MAX_STEPS:
            message = f"{total:,} steps, over the {MAX_STEPS:,}-step limit"
            raise CompileError(message, diagnostics=[source.diagnostic(
                ("steps", MAX_STEPS - seen), "too-many-steps", message,
                "split the pathway into smaller rule sets")])
        seen += len(rule_file.steps)


def _collect(files, diagnostics):
    steps: list[_Entry] = []
    conditions: list[_Entry] = []
    goal: _Entry | None = None
    for rule_file, source in files:
        for i, condition in enumerate(rule_file.conditions):
            conditions.append(_Entry(condition, source, ("conditions", i)))
        for i, step in enumerate(rule_file.steps):
            steps.append(_Entry(step, source, ("steps", i)))
        if rule_file.goal is not None:
            entry = _Entry(rule_file.goal, source, ("goal",))
            if goal is not None:
                diagnostics.append(source.diagnostic(
                    ("goal",), "duplicate-goal", "a second goal",
                    f"a rule set has one goal; the first is at {goal.location()}"))
            else:
                goal = entry
    return steps, conditions, goal


def _pathway_info(files, diagnostics):
    infos = [(f.pathway, source) for f, source in files if f.pathway is not None]
    for _, source in infos[1:]:
        diagnostics.append(source.diagnostic(
            ("pathway",), "duplicate-pathway", "a second `pathway:` header",
            f"keep one; the first is in {infos[0][1].file}"))
    return infos[0][0] if infos else None


def _unique_ids(entries: list[_Entry], diagnostics: list[Diagnostic]) -> dict[str, _Entry]:
    """Ids are compared without case: users type `a4` for `A4`.

    Entries are taken in file and line order, so the one reported as the
    duplicate is the later one even when a file lists steps before conditions.
    """
    index: dict[str, _Entry] = {}
    for entry in sorted(entries, key=lambda e: (e.source.file, e.source.where(e.path))):
        key = entry.node.id.casefold()
        if key in index:
            first = index[key]
            diagnostics.append(entry.source.diagnostic(
                entry.path + ("id",), "duplicate-id", f"duplicate id '{entry.node.id}'",
                f"first defined at {first.location('id')}; rename one"))
        else:
            index[key] = entry
    return index


def _resolve_references(entries: list[_Entry], index: dict[str, _Entry], diagnostics: list[Diagnostic]) -> None:
    known = [e.node.id for e in index.values()]
    for entry in entries:
        for i, pre in enumerate(entry.node.preconditions):
            target = index.get(pre.requires.casefold())
            path = entry.path + ("preconditions", i, "requires")
            if target is None:
                diagnostics.append(entry.source.diagnostic(
                    path, "unknown-reference",
                    f"{entry.node.id} requires '{pre.requires}', which is no step or condition",
                    did_you_mean(pre.requires, known) or "define it, or fix the id"))
            elif target.node.id != pre.requires:
                diagnostics.append(entry.source.diagnostic(
                    path, "id-case", f"'{pre.requires}' is written '{target.node.id}' where it is defined",
                    f"write '{target.node.id}'"))


def _unique_within_steps(entries: list[_Entry], diagnostics: list[Diagnostic]) -> None:
    for entry in entries:
        seen: set[str] = set()
        for i, pre in enumerate(entry.node.preconditions):
            if pre.requires.casefold() in seen:
                diagnostics.append(entry.source.diagnostic(
                    entry.path + ("preconditions", i), "duplicate-precondition",
                    f"{entry.node.id} lists '{pre.requires}' twice", "keep one"))
            seen.add(pre.requires.casefold())
        attributes: set[str] = set()
        for i, constraint in enumerate(getattr(entry.node, "constraints", [])):
            if constraint.attribute in attributes:
                diagnostics.append(entry.source.diagnostic(
                    entry.path + ("constraints", i), "duplicate-constraint",
                    f"{entry.node.id} constrains '{constraint.attribute}' twice", "merge them"))
            attributes.add(constraint.attribute)


def _find_cycles(entries: list[_Entry], index: dict[str, _Entry], diagnostics: list[Diagnostic]) -> None:
    """Depth-first search without recursion (pathways may be 10,000 steps deep)."""
    needs = {e.node.id: [p.requires for p in e.node.preconditions] for e in entries}
    entry_of = {e.node.id: e for e in entries}
    WHITE, GREY, BLACK = 0, 1, 2
    colour = dict.fromkeys(needs, WHITE)
    reported: set[frozenset[str]] = set()
    for root in needs:
        if colour[root] != WHITE:
            continue
        stack = [(root, iter(needs[root]))]
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
                        entry.path + ("preconditions", position, "requires"), "cycle",
                        "precondition cycle: " + " -> ".join(cycle),
                        f"remove one of these preconditions; {node} cannot need {child}"))
            elif colour[child] == WHITE:
                colour[child] = GREY
                stack.append((child, iter(needs[child])))
                trail.append(child)


def _check_spectrum(files, step_ids: set[str], diagnostics: list[Diagnostic]) -> SpectrumRules | None:
    """One spectrum at most; unique level and relationship ids; effects that resolve."""
    found = [(f.spectrum, source) for f, source in files if f.spectrum is not None]
    for _, source in found[1:]:
        diagnostics.append(source.diagnostic(("spectrum",), "duplicate-spectrum", "a second `spectrum:`",
                                             f"keep one; the first is in {found[0][1].file}"))
    if not found:
        return None
    spectrum, source = found[0]
    before = len(diagnostics)
    levels = _unique_named(spectrum.levels, ("spectrum", "levels"), "level", source, diagnostics)
    relationships = _unique_named(spectrum.relationships, ("spectrum", "relationships"), "relationship",
                                  source, diagnostics)
    if spectrum.floor not in levels:
        diagnostics.append(source.diagnostic(("spectrum", "floor"), "unknown-reference",
                                             f"floor '{spectrum.floor}' is no level",
                                             did_you_mean(spectrum.floor, list(levels)) or "name a level id"))
    for i, effect in enumerate(spectrum.effects):
        for field, known, kind in (("step", step_ids, "step"), ("relationship", relationships, "relationship"),
                                   ("level", levels, "level")):
            value = getattr(effect, field)
            if value not in known:
                diagnostics.append(source.diagnostic(
                    ("spectrum", "effects", i, field), "unknown-reference", f"effect names unknown {kind} '{value}'",
                    did_you_mean(value, list(known)) or f"name a {kind} id"))
    if len(diagnostics) > before:
        return None
    return SpectrumRules(title=spectrum.title, citation=spectrum.citation, levels=tuple(spectrum.levels),
                         floor=list(levels).index(spectrum.floor), relationships=dict(relationships),
                         effects=tuple(spectrum.effects))


def _unique_named(items, path, kind, source, diagnostics) -> dict:
    seen: dict = {}
    for i, item in enumerate(items):
        if item.id in seen:
            diagnostics.append(source.diagnostic(path + (i, "id"), "duplicate-id", f"duplicate {kind} id '{item.id}'",
                                                 "rename one"))
        else:
            seen[item.id] = item
    return seen


def _fingerprint(files) -> str:
    """A digest of the rule set's content, cheap enough for 10,000-step files."""
    digest = hashlib.sha256()
    for rule_file, _ in files:
        digest.update(rule_file.__pydantic_serializer__.to_json(rule_file))
    return digest.hexdigest()[:16]


def _build(info, files, steps, conditions, goal, index, spectrum=None) -> Pathway:
    def requirement(entry: _Entry, i: int, pre) -> Requirement:
        target = index[pre.requires.casefold()].node
        kind = Kind.CONDITION if not isinstance(target, (Step, Goal)) else (
            Kind.GOAL if isinstance(target, Goal) else Kind.STEP)
        return Requirement(entry.node.id, target.id, kind, pre.basis, pre.citation, pre.note,
                           entry.location("preconditions", i))

    def step_rule(entry: _Entry) -> StepRule:
        node = entry.node
        is_goal = isinstance(node, Goal)
        constraints = () if is_goal else tuple(
            ConstraintRule(node.id, c.attribute, tuple(c.allowed), c.basis, c.citation, c.note,
                           entry.location("constraints", i))
            for i, c in enumerate(node.constraints))
        return StepRule(
            id=node.id,
            kind=Kind.GOAL if is_goal else Kind.STEP,
            title=node.title,
            actors=() if is_goal else tuple(node.actors),
            sector=None if is_goal else node.sector,
            sequence=max((s.node.sequence for s in steps), default=0) + 1 if is_goal else node.sequence,
            aliases=tuple(node.aliases),
            preconditions=tuple(requirement(entry, i, p) for i, p in enumerate(node.preconditions)),
            constraints=constraints,
            citation=node.citation,
            note=None if is_goal else node.note,
            location=entry.location(),
        )

    def condition_rule(entry: _Entry) -> ConditionRule:
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
