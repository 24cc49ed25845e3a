"""Rule files to a checked `Pathway`, as named passes that collect diagnostics.

Each pass adds what it finds to one list instead of stopping at the first
problem, so an author fixing a file sees every problem at once, sorted by file
and line.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, Optional, TypeVar, Union

from .. import codes
from ..errors import CompileError, Diagnostic
from ..files.sanitise import unsafe_text_findings
from ..files.read import SourceMap, gc_paused, read_document, validate
from ..files.sources import yaml_files
from ..pathway.cache import remember
from ..pathway.attributes import attribute_rules, check_attributes, constraint_rules
from ..pathway.charts import case_warning, check_lanes, check_spectrum
from ..pathway.reading_checks import check_readings, check_whens
from ..pathway.readings import Readings
from ..pathway.compiled import (
    ConditionRule,
    Involvement,
    Kind,
    Location,
    Pathway,
    Requirement,
    SpectrumRules,
    StepRule,
)
from ..pathway.cycles import Edge, Place, find_cycles
from ..pathway.kinds import expect_kind
from ..pathway.model import (
    Citation,
    Condition,
    Goal,
    PathwayInfo,
    Precondition,
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


@dataclass(frozen=True)
class _Entry(Generic[_Node]):
    """A step, goal or condition with the file and path it came from."""

    node: _Node
    source: SourceMap
    path: tuple[str | int, ...]

    def location(self, *more: str | int) -> Location:
        line, col = self.source.where(self.path + more)
        return Location(self.source.file, line, col)


_Cited = TypeVar("_Cited", Citation, Optional[Citation])
_NOWHERE = Location("", 0, 0)
"""Where an edge is said to be written while looking for loops only (see `_find_cycles`)."""

_Needing = _Entry[Union[Step, Goal]]
"""An entry with preconditions: a step or a goal."""
_AnyEntry = _Entry[Union[Step, Goal, Condition]]
"""Any entry: a step, a goal or a condition."""


def load_pathway(paths: str | Path | Iterable[str | Path] | None = None) -> Pathway:
    """Read, validate and compile rule files (a file, a folder, or several).

    With no argument, the rule set shipped with perimeter: the paper's pathway.
    A fact file or a scenario file among them (in a folder, say) is refused in
    one line that says what it is.
    """
    files = yaml_files(paths, "rules")

    def build() -> Pathway:
        return compile_pathway(_validated(files))

    with gc_paused():
        return remember("rules", Pathway, files, build, depends=[MAX_STEPS])


def _validated(files: Sequence[Path]) -> list[tuple[RuleFile, SourceMap]]:
    """Each file read, checked to be a rule file, then validated.

    A file's plain data is dropped as soon as it is validated, so its models,
    not both, stay for compiling (at 10,000 steps the data is some 15 MB).
    """
    documents = [read_document(f) for f in files]
    for document in documents:
        expect_kind(document, "rules")
    documents.reverse()
    validated: list[tuple[RuleFile, SourceMap]] = []
    while documents:
        document = documents.pop()
        validated.append((validate(RuleFile, document), document.source))
    return validated


def compile_pathway(files: RuleFiles, *, warnings: list[Diagnostic] | None = None) -> Pathway:
    """Check `files` as one rule set and build its graph, or raise CompileError.

    `warnings`, when given, receives what compiles but was probably not meant
    (`perimeter check` reports it): a reference written in another case than
    the id it names, a step with a sector but no lane among declared lanes.
    """
    _check_size(files)
    # Text that would move a terminal's cursor or reverse its reading order is refused outright.
    diagnostics: list[Diagnostic] = [d for rule_file, source in files for d in unsafe_text_findings(rule_file, source)]
    noted: list[Diagnostic] = []
    steps, conditions, goals = _collect(files)
    needing: list[_Needing] = [*steps, *goals]
    index = _unique_ids([*conditions, *needing], diagnostics)
    info = _pathway_info(files, diagnostics)
    _resolve_references(needing, index, diagnostics, noted)
    _unique_within_steps(needing, diagnostics)
    attributed: list[_Entry[Step | Condition]] = [*conditions, *steps]
    for entry in attributed:  # declared attributes and constraints: perimeter.pathway.attributes
        check_attributes(entry.node, entry.source, entry.path, diagnostics)
    if not steps and not diagnostics:
        source = files[0][1] if files else SourceMap("<rules>", {})
        diagnostics.append(source.diagnostic((), codes.NO_STEPS, "the rule set has no steps", "add a `steps:` list"))
    lanes, lane_of = check_lanes(files, diagnostics, noted)
    spectrum = check_spectrum(files, {e.node.id for e in steps}, diagnostics, noted)
    readings = check_readings(files, diagnostics)
    check_whens(files, readings, diagnostics)
    # Unresolved references are skipped by the search, so cycles are found alongside them.
    _find_cycles(needing, index, lane_of, diagnostics)
    if warnings is not None:
        warnings += noted
    if diagnostics:
        count = len(diagnostics)
        raise CompileError(f"{count} problem{'s' if count > 1 else ''} in the rule set", diagnostics=diagnostics)
    return _build(info, files, steps, conditions, goals, index, spectrum, lanes, lane_of, readings)


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


def _collect(files: RuleFiles) -> tuple[list[_Entry[Step]], list[_Entry[Condition]], list[_Entry[Goal]]]:
    """Every step, condition and goal (`goal:` first, then `goals:`), in file order."""
    steps: list[_Entry[Step]] = []
    conditions: list[_Entry[Condition]] = []
    goals: list[_Entry[Goal]] = []
    for rule_file, source in files:
        for i, condition in enumerate(rule_file.conditions):
            conditions.append(_Entry(condition, source, ("conditions", i)))
        for i, step in enumerate(rule_file.steps):
            steps.append(_Entry(step, source, ("steps", i)))
        if rule_file.goal is not None:
            goals.append(_Entry(rule_file.goal, source, ("goal",)))
        goals += [_Entry(goal, source, ("goals", i)) for i, goal in enumerate(rule_file.goals)]
    return steps, conditions, goals


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
    Two goals with one id (both `goal` by default) are a duplicate goal.
    """
    index: dict[str, _AnyEntry] = {}
    for entry in sorted(entries, key=lambda e: (e.source.file, e.source.where(e.path))):
        key = entry.node.id.casefold()
        if key in index:
            first = index[key]
            if isinstance(first.node, Goal) and isinstance(entry.node, Goal):
                diagnostics.append(entry.source.diagnostic(
                    entry.path + ("id",), codes.DUPLICATE_GOAL, f"a second goal with the id '{entry.node.id}'",
                    f"the first is at {first.location('id')}; give each goal an `id:` of its own"))
                continue
            diagnostics.append(entry.source.diagnostic(
                entry.path + ("id",), codes.DUPLICATE_ID, f"duplicate id '{entry.node.id}'",
                f"first defined at {first.location('id')}; rename one"))
        else:
            index[key] = entry
    return index


def _need_paths(pre: Precondition) -> list[tuple[str | int, ...]]:
    """Where each id of a precondition is written, relative to the precondition."""
    if pre.requires is not None:
        return [("requires",)]
    field = "any_of" if pre.any_of is not None else "of"
    return [(field, j) for j in range(len(pre.needs))]


def _resolve_references(entries: list[_Needing], index: dict[str, _AnyEntry], diagnostics: list[Diagnostic],
                        warnings: list[Diagnostic]) -> None:
    """Every id a precondition names must be defined; written in another case, it is a warning."""
    known = [e.node.id for e in index.values()]
    for entry in entries:
        for i, pre in enumerate(entry.node.preconditions):
            for need, where in zip(pre.needs, _need_paths(pre)):
                target = index.get(need.casefold())
                if target is not None and target.node.id == need:
                    continue
                path = entry.path + ("preconditions", i, *where)
                if target is None:
                    matches = close_matches(need, known)
                    diagnostics.append(entry.source.diagnostic(
                        path, codes.UNKNOWN_REFERENCE,
                        f"{entry.node.id} requires '{need}', which is no step or condition",
                        did_you_mean(matches) or "define it, or fix the id", matches))
                else:
                    warnings.append(case_warning(entry.source, path, need, target.node.id))


def _unique_within_steps(entries: list[_Needing], diagnostics: list[Diagnostic]) -> None:
    for entry in entries:
        seen: set[tuple[str, ...]] = set()
        for i, pre in enumerate(entry.node.preconditions):
            needs = _check_shape(entry, i, pre, diagnostics)
            key = (str(pre.count), *sorted(n.casefold() for n in needs))
            if key in seen:
                listed = f"'{pre.requires}'" if pre.requires else "[" + ", ".join(needs) + "]"
                diagnostics.append(entry.source.diagnostic(
                    entry.path + ("preconditions", i), codes.DUPLICATE_PRECONDITION,
                    f"{entry.node.id} lists {listed} twice", "keep one"))
            seen.add(key)


def _check_shape(entry: _Needing, i: int, pre: Precondition, diagnostics: list[Diagnostic]) -> list[str]:
    """An alternative or a k of n names distinct ids, and asks for between 1 and all of them; its ids."""
    path = entry.path + ("preconditions", i)
    field = "any_of" if pre.any_of is not None else "of"
    needs = pre.needs
    if pre.requires is None and not needs:
        diagnostics.append(entry.source.diagnostic(
            path + (field,), codes.BAD_PRECONDITION, f"{entry.node.id}: `{field}` lists no id",
            "name the steps or conditions it may be met by"))
        return needs
    if len(needs) > 1:  # one id cannot be named twice
        folded = [n.casefold() for n in needs]
        for j, need in enumerate(needs):
            if folded.index(need.casefold()) < j:
                diagnostics.append(entry.source.diagnostic(
                    path + (field, j), codes.BAD_PRECONDITION, f"{entry.node.id}: `{field}` names '{need}' twice",
                    "keep one"))
    if pre.at_least is not None and not 1 <= pre.at_least <= len(needs):
        diagnostics.append(entry.source.diagnostic(
            path + ("at_least",), codes.BAD_PRECONDITION,
            f"{entry.node.id}: at_least {pre.at_least} of {len(needs)}",
            f"ask for 1 to {len(needs)} of them"))
    if pre.to_start and isinstance(entry.node, Goal):
        diagnostics.append(entry.source.diagnostic(
            path + ("to_start",), codes.BAD_PRECONDITION, f"{entry.node.id} is a goal: it is never taken, "
            "so nothing is needed only to start it", "remove `to_start`"))
    return needs


def _find_cycles(entries: list[_Needing], index: dict[str, _AnyEntry], lane_of: dict[str, str | None],
                 diagnostics: list[Diagnostic]) -> None:
    """Loops of preconditions between steps and goals, each once (`perimeter.pathway.cycles`).

    References are resolved without case, as everywhere; unresolved ones are
    left to `_resolve_references`.
    """
    last = max((e.node.sequence for e in entries if isinstance(e.node, Step)), default=0) + 1
    places = {e.node.id: Place(lane_of.get(e.node.id), e.node.sequence, False) if isinstance(e.node, Step)
              else Place(None, last, True) for e in entries}

    def edges(located: bool) -> list[Edge]:
        return [Edge(entry.node.id, target.node.id, entry.location("preconditions", i) if located else _NOWHERE)
                for entry in entries for i, pre in enumerate(entry.node.preconditions) for need in pre.needs
                if (target := index.get(need.casefold())) is not None and target.node.id in places]

    # Whether there is a loop does not depend on where edges are written: each precondition's line is
    # looked up (some 30,000 at 10,000 steps) only to report one, and the search then runs again with them.
    found = find_cycles(edges(False), places)
    if found:
        found = find_cycles(edges(True), places)
    diagnostics += found


def _fingerprint(files: RuleFiles) -> str:
    """A digest of the rule set's content, cheap enough for 10,000-step files."""
    digest = hashlib.sha256()
    for rule_file, _ in files:
        digest.update(rule_file.__pydantic_serializer__.to_json(rule_file))
    return digest.hexdigest()[:16]


def _build(info: PathwayInfo | None, files: RuleFiles, steps: list[_Entry[Step]],
           conditions: list[_Entry[Condition]], goals: list[_Entry[Goal]], index: dict[str, _AnyEntry],
           spectrum: SpectrumRules | None, lanes: dict[str, str], lane_of: dict[str, str | None],
           readings: Readings) -> Pathway:
    # Equal citations (a file's anchors and aliases, one section quoted by many steps) become one object.
    # Keyed by their fields' values: what makes two of these frozen models equal, without pydantic's __eq__.
    citations: dict[tuple[object, ...], Citation] = {}

    def cite(citation: _Cited) -> _Cited:
        if citation is None:
            return None
        return citations.setdefault((type(citation), *citation.__dict__.values()), citation)

    def requirement(entry: _Needing, i: int, pre: Precondition) -> Requirement:
        targets = [index[n.casefold()].node for n in pre.needs]
        if len(targets) > 1:
            kind = Kind.ANY_OF if pre.count == 1 else Kind.AT_LEAST
        else:
            target = targets[0]
            kind = Kind.GOAL if isinstance(target, Goal) else Kind.STEP if isinstance(target, Step) else Kind.CONDITION
        return Requirement(entry.node.id, tuple([t.id for t in targets]), pre.count, kind, pre.basis, cite(pre.citation),
                           pre.note, entry.location("preconditions", i), to_start=pre.to_start,
                           when=readings.compiled(pre.when))

    def step_rule(entry: _Needing) -> StepRule:
        node = entry.node
        preconditions = tuple(requirement(entry, i, p) for i, p in enumerate(node.preconditions))
        if isinstance(node, Goal):
            return StepRule(
                id=node.id, kind=Kind.GOAL, title=node.title, actors=(), sector=None,
                sequence=max((s.node.sequence for s in steps), default=0) + 1, aliases=tuple(node.aliases),
                preconditions=preconditions, constraints=(), citation=cite(node.citation), note=None,
                location=entry.location(), terms=tuple(node.terms))
        attributes = attribute_rules(node, entry.location)
        return StepRule(
            id=node.id, kind=Kind.STEP, title=node.title, actors=tuple(node.actors), sector=node.sector,
            sequence=node.sequence, aliases=tuple(node.aliases), preconditions=preconditions,
            constraints=constraint_rules(node, attributes, entry.location, readings), citation=cite(node.citation),
            note=node.note, location=entry.location(), lane=lane_of.get(node.id), attributes=attributes,
            terms=tuple(node.terms))

    def condition_rule(entry: _Entry[Condition]) -> ConditionRule:
        node = entry.node
        return ConditionRule(
            id=node.id, title=node.title, description=node.description, aliases=tuple(node.aliases),
            involves=tuple(Involvement(i.text, cite(i.citation)) for i in node.involves),
            citation=cite(node.citation), location=entry.location(), attributes=attribute_rules(node, entry.location),
            external=node.external, context=node.context, terms=tuple(node.terms))

    needing: list[_Needing] = [*steps, *goals]
    compiled_steps = {e.node.id: step_rule(e) for e in needing}
    fingerprint = _fingerprint(files)
    return Pathway(
        # Without a `pathway:` header, the content names the rule set, so two
        # different header-less rule sets never share one state file.
        id=info.id if info else f"rules-{fingerprint[:8]}",
        title=info.title if info else "Untitled pathway",
        source=info.source if info else None,
        steps=compiled_steps,
        conditions={e.node.id: condition_rule(e) for e in conditions},
        goals=tuple(e.node.id for e in goals),
        files=tuple(source.file for _, source in files),
        fingerprint=fingerprint,
        spectrum=spectrum,
        lanes=lanes,
        readings=readings,
        vocabulary=tuple(tuple(group.same) for rule_file, _ in files for group in rule_file.vocabulary),
    )
