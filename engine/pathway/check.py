"""Checking rule and fact files without evaluating anything: every finding at once.

Errors are what stops a rule set from loading (parse, schema, duplicate id,
unknown reference, cycle), and texts holding control or bidi characters (a
title that would drive a terminal; found by `perimeter.files.sanitise`).
Warnings are what an author probably did not mean: a condition the pathway
needs that the baseline lacks and that is not declared `external` (asserted
by users), steps and conditions no goal needs (a condition declared `context`
is recorded for context only, and is not expected to be), a condition
declared `context` that something needs after all, implied preconditions that
run against the rule set's own sequence numbers, ids written in another case
than where they are defined, and a step with a sector but no lane where the
rule set declares its lanes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from .. import codes
from ..errors import Diagnostic, PerimeterError, Severity
from ..files.read import Document, gc_paused, read_document, validate
from ..files.sanitise import unsafe_text_findings
from ..files.sources import yaml_files
from ..pathway.charts import case_warning, resolve_id
from ..pathway.compile import compile_pathway
from ..pathway.compiled import Location, Pathway
from ..pathway.facts import load_baseline
from ..pathway.kinds import expect_kind, kind_of
from ..pathway.model import FactFile, RuleFile


def classify(paths: Iterable[str | Path]) -> tuple[list[Path], list[Path]]:
    """Split files into rule files and fact files by their top-level keys (`perimeter.pathway.kinds`).

    A file of no plain kind goes with the rule files, where checking it says
    what is wrong.  Scenario files are left out: `sort_files` lists them too.
    """
    rules, facts, _ = sort_files(paths)
    return rules, facts


def sort_files(paths: Iterable[str | Path]) -> tuple[list[Path], list[Path], list[Path]]:
    """Rule files, fact files and scenario files, told by their top-level keys (folders by their files)."""
    found: dict[str | None, list[Path]] = {"rules": [], "facts": [], "scenarios": []}
    for path in yaml_files(list(paths), "rules"):
        try:
            kind = kind_of(read_document(path).data)
        except PerimeterError:
            kind = None  # reported when checked as a rule file
        found["rules" if kind is None else kind].append(path)
    return found["rules"], found["facts"], found["scenarios"]


def check(rule_paths: Iterable[str | Path] | None = None,
          fact_paths: Iterable[str | Path] | None = None) -> list[Diagnostic]:
    """Every finding in the rule files and the fact files, sorted by file and line."""
    with gc_paused():
        return _check(rule_paths, fact_paths)


def _check(rule_paths: Iterable[str | Path] | None, fact_paths: Iterable[str | Path] | None) -> list[Diagnostic]:
    findings: list[Diagnostic] = []
    unsafe: list[Diagnostic] = []  # texts with control characters: reported, and the rule set still compiled
    parsed: list[tuple[RuleFile, Document]] = []
    for path in _files(rule_paths, "rules", findings):
        document = _read(path, findings)
        if document is not None:
            try:
                expect_kind(document, "rules")
                rule_file = validate(RuleFile, document)
            except PerimeterError as error:
                findings.extend(_as_diagnostics(error, str(path)))
            else:
                parsed.append((rule_file, document))
                unsafe += unsafe_text_findings(rule_file, document.source)
    if findings:
        return _sorted(findings + unsafe)
    noted: list[Diagnostic] = []  # what compiles but was probably not meant: ids in another case, ...
    try:
        pathway = compile_pathway([(rule_file, document.source) for rule_file, document in parsed], warnings=noted)
    except PerimeterError as error:
        return _sorted(unsafe + _as_diagnostics(error, parsed[0][1].source.file if parsed else "<rules>"))
    baseline: set[str] = set()
    facts = _files(fact_paths, "facts", findings) if fact_paths is not None or rule_paths is None else []
    for path in facts:
        try:
            baseline |= {f.id for f in load_baseline(pathway, path).facts}
        except PerimeterError as error:
            findings.extend(_as_diagnostics(error, str(path)))
        else:
            unsafe += _unsafe_facts(path)
            noted += _written_case(pathway, path)
    findings += unsafe + noted + _warnings(pathway, baseline)
    return _sorted(findings)


def _sorted(findings: list[Diagnostic]) -> list[Diagnostic]:
    """Sorted by file and line, each once (a stage that also refuses control characters reports them too)."""
    return sorted(dict.fromkeys(findings))


def _unsafe_facts(path: Path) -> list[Diagnostic]:
    """Control and bidi characters in a fact file that loaded (sources, notes, quotes, attribute values)."""
    document = read_document(path)
    return unsafe_text_findings(validate(FactFile, document), document.source)


def _written_case(pathway: Pathway, path: Path) -> list[Diagnostic]:
    """Ids in a fact file that loaded, written in another case than the rules define them (accepted)."""
    document = read_document(path)
    fact_file, source = validate(FactFile, document), document.source
    found = []
    for i, fact in enumerate(fact_file.facts):
        canonical = pathway.canonical(fact.id)
        if canonical is not None and canonical != fact.id:
            found.append(case_warning(source, ("facts", i, "id"), fact.id, canonical))
    if pathway.spectrum is not None:
        known = {"relationship": list(pathway.spectrum.relationships),
                 "level": [level.id for level in pathway.spectrum.levels]}
        for i, measure in enumerate(fact_file.measures):
            for field, ids in known.items():
                resolve_id(getattr(measure, field), ids, source, ("measures", i, field), found)
    return found


def _files(paths: Iterable[str | Path] | None, kind: str, findings: list[Diagnostic]) -> list[Path]:
    try:
        return yaml_files(None if paths is None else list(paths), kind)
    except PerimeterError as error:
        findings.extend(_as_diagnostics(error, f"<{kind}>"))
        return []


def _read(path: Path, findings: list[Diagnostic]) -> Document | None:
    try:
        return read_document(path)
    except PerimeterError as error:
        findings.extend(_as_diagnostics(error, str(path)))
        return None


def _as_diagnostics(error: PerimeterError, file: str) -> list[Diagnostic]:
    """The error's located problems, or its one problem, placed in `file` when it names none."""
    if error.diagnostics:
        return list(error.diagnostics)
    return [error.problem if error.problem.file else replace(error.problem, file=file)]


def _warnings(pathway: Pathway, baseline: set[str]) -> list[Diagnostic]:
    return [*_missing_conditions(pathway, baseline), *_not_needed(pathway, baseline),
            *_context_needed(pathway), *_against_sequence(pathway)]


def _warning(location: Location, code: str, message: str, hint: str) -> Diagnostic:
    return Diagnostic(location.file, location.line, location.col, code, message, hint, Severity.WARNING)


def _missing_conditions(pathway: Pathway, baseline: set[str]) -> list[Diagnostic]:
    """Conditions steps need that the baseline lacks, and that users are not said to assert
    (`external: true`): no step reaches past them from the baseline."""
    needers: dict[str, list[str]] = {}
    for requirement in pathway.requirements():
        if requirement.grouped:
            continue  # an alternative may be met another way
        rule = pathway.conditions.get(requirement.need)
        if rule is not None and not rule.external and requirement.need not in baseline:
            needers.setdefault(requirement.need, []).append(requirement.step)
    findings = []
    for condition, steps in needers.items():
        direct = [step for step in pathway.steps if step in set(steps)]
        after = len(_dependants(pathway, set(direct))) - len(direct)
        findings.append(_warning(
            pathway.conditions[condition].location, codes.UNREACHABLE,
            f"{', '.join(direct)}{f' (and {after} step{_s(after)} after them)' if after else ''} cannot be reached "
            f"from the baseline by steps alone: {condition} is needed, the baseline does not hold it, "
            "and no step establishes it",
            f"record {condition} in a fact file, or declare it `external: true` if users assert it"))
    return findings


def _not_needed(pathway: Pathway, baseline: set[str]) -> list[Diagnostic]:
    """Steps no goal needs, and conditions neither needed, nor in the baseline, nor declared `context: true`."""
    if not pathway.goals:
        return []
    needed = set().union(*(_ancestors(pathway, goal) for goal in pathway.goals))
    never = "the goal never needs" if pathway.goal else "no goal needs"
    findings = [
        _warning(rule.location, codes.NOT_NEEDED, f"{never} step {step}",
                 f"make something on the way to {' or '.join(pathway.goals)} require it, or remove it")
        for step, rule in pathway.steps.items() if step not in pathway.goals and step not in needed]
    required = {n for r in pathway.requirements() for n in r.needs}
    findings += [
        _warning(rule.location, codes.NOT_NEEDED, f"no step needs condition {condition}",
                 "require it from a step, declare it `context: true` if it is recorded for context only, "
                 "or remove it")
        for condition, rule in pathway.conditions.items()
        if condition not in needed and condition not in required and condition not in baseline and not rule.context]
    return findings


def _context_needed(pathway: Pathway) -> list[Diagnostic]:
    """Conditions declared context only (`context: true`) that a step or goal needs after all."""
    needers: dict[str, list[str]] = {}
    for requirement in pathway.requirements():
        for need in requirement.needs:
            if need in pathway.conditions and pathway.conditions[need].context:
                needers.setdefault(need, [])
                if requirement.step not in needers[need]:
                    needers[need].append(requirement.step)
    return [_warning(pathway.conditions[condition].location, codes.CONTEXT_NEEDED,
                     f"condition {condition} is declared context only, but {_listed(steps)} "
                     f"need{'s' if len(steps) == 1 else ''} it",
                     "remove `context: true`: what a step or goal needs is more than context")
            for condition, steps in needers.items()]


def _listed(ids: list[str]) -> str:
    """"A1", "A1 and A2", "A1, A2 and A3"."""
    return ids[0] if len(ids) == 1 else f"{', '.join(ids[:-1])} and {ids[-1]}"


def _against_sequence(pathway: Pathway) -> list[Diagnostic]:
    """An implied precondition on a later-numbered step of the same series reads the text backwards."""
    findings = []
    for requirement in pathway.requirements():
        step, need = pathway.steps[requirement.step], pathway.steps.get(requirement.need)
        if (requirement.basis.value == "implied" and need is not None and not step.derived and not requirement.grouped
                and need.lane == step.lane and need.sequence > step.sequence):
            findings.append(_warning(
                requirement.location, codes.AGAINST_SEQUENCE,
                f"{step.id} (number {step.sequence}) is read to need {need.id} (number {need.sequence}), "
                f"which comes later in the same lane",
                "check the reading, or cite text that states it"))
    return findings


def _s(count: int) -> str:
    return "" if count == 1 else "s"


def _ancestors(pathway: Pathway, target: str) -> set[str]:
    found: set[str] = set()
    stack = [target]
    while stack:
        current = stack.pop()
        for requirement in pathway.steps[current].preconditions if current in pathway.steps else ():
            for need in requirement.needs:
                if need not in found:
                    found.add(need)
                    stack.append(need)
    return found


def _dependants(pathway: Pathway, roots: set[str]) -> set[str]:
    """`roots` and every step that needs one of them, directly or not."""
    needed_by: dict[str, list[str]] = {}
    for requirement in pathway.requirements():
        for need in requirement.needs:
            needed_by.setdefault(need, []).append(requirement.step)
    found, stack = set(roots), list(roots)
    while stack:
        for dependant in needed_by.get(stack.pop(), []):
            if dependant not in found:
                found.add(dependant)
                stack.append(dependant)
    return found
