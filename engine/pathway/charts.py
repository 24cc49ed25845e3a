"""The compile passes for what the charts show: lanes (Chart 6's bands) and the spectrum (Chart 1).

They run beside the passes over the precondition graph (`perimeter.pathway.compile`) and add to
the same list of diagnostics.  Ids are matched without case: a reference written in another case
than the id it names resolves to the id as defined, and `case_warning` reports it for `check`.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import replace
from typing import TypeVar

from .. import codes
from ..errors import Diagnostic, Severity
from ..files.read import SourceMap
from ..pathway.compiled import PAPER_LANES, SpectrumRules
from ..pathway.model import Level, Relationship, RuleFile
from ..suggest import close_matches, did_you_mean

Files = Sequence[tuple[RuleFile, SourceMap]]
_Named = TypeVar("_Named", Level, Relationship)
KeyPath = tuple[str | int, ...]


def case_warning(source: SourceMap, path: KeyPath, written: str, defined: str) -> Diagnostic:
    """A reference written in another case than the id it names: accepted, and worth a look."""
    return replace(source.diagnostic(path, codes.ID_CASE, f"'{written}' is written '{defined}' where it is defined",
                                     f"write '{defined}'"), severity=Severity.WARNING)


def resolve_id(written: str, ids: Collection[str], source: SourceMap, path: KeyPath,
               warnings: list[Diagnostic]) -> str | None:
    """The id of `ids` that `written` names without case (a warning if the case differs), or None."""
    found = next((i for i in ids if i.casefold() == written.casefold()), None) if written not in ids else written
    if found is not None and found != written:
        warnings.append(case_warning(source, path, written, found))
    return found


def check_lanes(files: Files, diagnostics: list[Diagnostic],
                warnings: list[Diagnostic]) -> tuple[dict[str, str], dict[str, str | None]]:
    """The lanes (id to title, in order) and each step's lane, by step id.

    Declared `lanes:` replace the paper's three sectors.  Without them, a
    step's `sector` names its lane; with them, a step gives `lane:` or is in no
    lane (its `sector` then names none, and `check` says so).  A lane declared
    twice, or one a step names that is not declared, is an error.
    """
    lanes: dict[str, str] = {}
    first: dict[str, str] = {}
    for rule_file, source in files:
        for i, lane in enumerate(rule_file.lanes):
            key, path = lane.id.casefold(), ("lanes", i, "id")
            if key in first:
                diagnostics.append(source.diagnostic(path, codes.DUPLICATE_LANE, f"lane '{lane.id}' is declared twice",
                                                     f"the first is at {first[key]}; keep one"))
            else:
                first[key] = f"{source.file}:{source.where(path)[0]}"
                lanes[lane.id] = lane.title
    declared = bool(lanes)
    if not declared:
        lanes = dict(PAPER_LANES)
    lane_of: dict[str, str | None] = {}
    for rule_file, source in files:
        for i, step in enumerate(rule_file.steps):
            if step.lane is None:
                lane_of[step.id] = step.sector.value if step.sector is not None and not declared else None
                if step.sector is not None and declared:
                    warnings.append(replace(source.diagnostic(
                        ("steps", i, "sector"), codes.NO_LANE,
                        f"{step.id} gives a sector but no lane, and the rule set declares its own lanes",
                        f"give it `lane:` ({', '.join(lanes)}), or it is drawn in no lane"), severity=Severity.WARNING))
                continue
            found = resolve_id(step.lane, lanes, source, ("steps", i, "lane"), warnings)
            if found is None:
                matches = close_matches(step.lane, list(lanes))
                hint = "declare it under `lanes:`" if declared else (
                    "declare it under `lanes:`, or use one of the three lanes of a rule set that declares none: "
                    + ", ".join(PAPER_LANES))
                diagnostics.append(source.diagnostic(
                    ("steps", i, "lane"), codes.UNKNOWN_LANE,
                    f"{step.id} is in lane '{step.lane}', which is not declared", did_you_mean(matches) or hint, matches))
            lane_of[step.id] = found
    return lanes, lane_of


def check_spectrum(files: Files, step_ids: Collection[str], diagnostics: list[Diagnostic],
                   warnings: list[Diagnostic]) -> SpectrumRules | None:
    """One spectrum at most; unique level and relationship ids; effects and a floor that resolve."""
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
    floor = resolve_id(spectrum.floor, levels, source, ("spectrum", "floor"), warnings)
    if floor is None:
        matches = close_matches(spectrum.floor, levels)
        diagnostics.append(source.diagnostic(("spectrum", "floor"), codes.UNKNOWN_REFERENCE,
                                             f"floor '{spectrum.floor}' is no level",
                                             did_you_mean(matches) or "name a level id", matches))
    effects = []
    known: dict[str, Collection[str]] = {"step": step_ids, "relationship": relationships, "level": levels}
    for i, effect in enumerate(spectrum.effects):
        resolved: dict[str, str] = {}
        for field, ids in known.items():
            value: str = getattr(effect, field)
            canonical = resolve_id(value, ids, source, ("spectrum", "effects", i, field), warnings)
            if canonical is None:
                matches = close_matches(value, ids)
                diagnostics.append(source.diagnostic(
                    ("spectrum", "effects", i, field), codes.UNKNOWN_REFERENCE,
                    f"effect names unknown {field} '{value}'", did_you_mean(matches) or f"name a {field} id", matches))
            else:
                resolved[field] = canonical
        prescribed = []
        for j, step in enumerate(effect.prescribed_by):
            canonical = resolve_id(step, step_ids, source, ("spectrum", "effects", i, "prescribed_by", j), warnings)
            if canonical is None:
                matches = close_matches(step, step_ids)
                diagnostics.append(source.diagnostic(
                    ("spectrum", "effects", i, "prescribed_by", j), codes.UNKNOWN_REFERENCE,
                    f"effect names unknown step '{step}'", did_you_mean(matches) or "name a step id", matches))
            prescribed.append(canonical or step)
        effects.append(effect.model_copy(update={**resolved, "prescribed_by": prescribed}))
    if len(diagnostics) > before or floor is None:
        return None
    return SpectrumRules(title=spectrum.title, citation=spectrum.citation, levels=tuple(spectrum.levels),
                         floor=list(levels).index(floor), relationships=dict(relationships),
                         effects=tuple(effects))


def _unique_named(items: Sequence[_Named], path: KeyPath, kind: str, source: SourceMap,
                  diagnostics: list[Diagnostic]) -> dict[str, _Named]:
    """Items by id; two ids that differ only in case are a duplicate."""
    seen: dict[str, _Named] = {}
    folded: set[str] = set()
    for i, item in enumerate(items):
        if item.id.casefold() in folded:
            diagnostics.append(source.diagnostic(path + (i, "id"), codes.DUPLICATE_ID,
                                                 f"duplicate {kind} id '{item.id}'", "rename one"))
        else:
            seen[item.id] = item
            folded.add(item.id.casefold())
    return seen
