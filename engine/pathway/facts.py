"""Facts: a step recorded as done, or a condition recorded as holding.

A fact names an id of the rule set and may carry attributes (`location`,
`leader`) that constraints judge.  Fact files are checked against the rule set
they are loaded for, so an unknown id fails with its line and a suggestion.
"""

from __future__ import annotations

import re

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from .. import codes
from ..errors import Diagnostic, FactError, LoadError, UnknownIdError
from ..files.read import SourceMap, gc_paused, read_document, validate
from ..files.sources import yaml_files
from ..pathway import values
from ..pathway.cache import remember
from ..pathway.compiled import Pathway
from ..pathway.kinds import expect_kind
from ..pathway.model import IDENTIFIER_PATTERN, MAX_SOURCE, MAX_VALUE, Citation, Fact, FactFile, Measure
from ..pathway.reading_checks import compile_when
from ..suggest import close_matches, did_you_mean

IDENTIFIER = re.compile(IDENTIFIER_PATTERN)


def known_id(pathway: Pathway, text: str) -> str:
    """The id `text` names (any case), or an UnknownIdError suggesting the closest ids."""
    canonical = pathway.canonical(text)
    if canonical is None:
        matches = close_matches(text, [*pathway.steps, *pathway.conditions])
        raise UnknownIdError(f"unknown step or condition '{text}'", candidates=matches,
                             hint=did_you_mean(matches) or "use one of the rule set's step or condition ids")
    return canonical


def make_fact(pathway: Pathway, text: str, attributes: Mapping[str, str] | None = None,
              source: str | None = None, citation: Citation | None = None) -> Fact:
    """A fact about the id `text` names (any case), checked against `pathway`.

    Attribute names are identifiers (64 characters at most); values (256 at
    most) and the source (1,000) are trimmed text that is not blank.  Each
    attribute must be one the step or condition declares (names match without
    case, and are stored as declared), with a value of its declared type and
    among its `allowed` values.  Anything else is a `FactError` here, where it
    enters the library.
    """
    canonical = known_id(pathway, text)
    if not pathway.assertable(canonical):
        raise UnknownIdError(f"'{canonical}' is derived from its preconditions and cannot be asserted",
                             hint="assert the steps it needs instead")
    _check_attributes(canonical, attributes)
    declared = _declared(pathway, canonical, attributes or {})
    if source is not None:
        _check_text(canonical, "its source", source, MAX_SOURCE)
    try:
        return Fact(id=canonical, attributes=declared, source=source, citation=citation)
    except ValidationError as error:
        raise FactError(_fact_problem(canonical, error), hint=_FACT_HINT) from None


_FACT_HINT = ("attribute names start with a letter and use letters, digits, `_`, `.` and `-` (64 at most); "
              f"values ({MAX_VALUE} characters at most) and sources ({MAX_SOURCE}) are text that is not blank")
_NAME_HINT = "a name starts with a letter, then letters, digits, `_`, `.` or `-`, 64 characters at most"


def _check_attributes(id_: str, attributes: object) -> None:
    if attributes is None:
        return
    if not isinstance(attributes, Mapping):
        raise FactError(f"fact '{id_}': attributes must map names to values, not be a {type(attributes).__name__}",
                        hint="give attributes as name=value pairs")
    for name, value in attributes.items():
        if not isinstance(name, str) or IDENTIFIER.fullmatch(name) is None:
            raise FactError(f"fact '{id_}': '{name}' is not an attribute name", hint=_NAME_HINT)
        _check_text(id_, f"attribute '{name}'", value, MAX_VALUE)


def _declared(pathway: Pathway, id_: str, attributes: Mapping[str, str]) -> dict[str, str]:
    """`attributes` under their declared names, each value of its type and among its `allowed` ones.

    Names match without case.  A step or condition that declares nothing
    takes nothing (a step: nothing but what its constraints name).  A
    condition lacking a required attribute is refused here; a step so
    recorded is refused by the engine, or violated if forced.
    """
    node = pathway.steps[id_] if id_ in pathway.steps else pathway.conditions[id_]
    rules = {a.name.casefold(): a for a in node.attributes}
    names = ", ".join(a.name for a in node.attributes)
    result: dict[str, str] = {}
    for name, value in attributes.items():
        rule = rules.get(name.casefold())
        if rule is None and not rules:
            raise FactError(f"fact '{id_}' takes no attributes, and '{name}' is given",
                            hint=f"leave '{name}' out: the rules declare no attribute for {id_}")
        if rule is None:
            matches = close_matches(name, [a.name for a in node.attributes])
            raise FactError(f"fact '{id_}': unknown attribute '{name}'", candidates=matches,
                            hint=did_you_mean(matches) or f"{id_} takes {names}")
        if rule.name in result:
            raise FactError(f"fact '{id_}': attribute '{rule.name}' is given twice ('{name}')",
                            hint="names match without case; give it once")
        trouble = values.problem(rule.type, value)
        if trouble:
            raise FactError(f"fact '{id_}': attribute '{rule.name}': {trouble}",
                            hint=f"write {values.EXPECTED[rule.type]}")
        if not rule.admits(value):
            matches = close_matches(value.strip(), rule.allowed)
            raise FactError(f"fact '{id_}': attribute '{rule.name}' is '{value.strip()}', not one of "
                            f"{', '.join(rule.allowed)}", candidates=matches, hint=did_you_mean(matches)
                            or "give one of the values the rules allow it")
        result[rule.name] = value
    missing = [a for a in node.attributes if a.required and a.name not in result]
    if missing and id_ in pathway.conditions:
        cited = f" ({missing[0].citation.section}: \"{missing[0].citation.quote}\")" if missing[0].citation else ""
        raise FactError(f"fact '{id_}': the attribute '{missing[0].name}' is required{cited}",
                        hint=f"give {missing[0].name}=...")
    return result


def _check_text(id_: str, what: str, value: object, limit: int) -> None:
    if not isinstance(value, str):
        raise FactError(f"fact '{id_}': {what} must be text, not {type(value).__name__}",
                        hint="give it as a string")
    length = len(value.strip())
    if length == 0:
        raise FactError(f"fact '{id_}': {what} is blank", hint="give it some text, or leave it out")
    if length > limit:
        raise FactError(f"fact '{id_}': {what} is {length:,} characters long", hint=f"{limit:,} at most")


def _fact_problem(id_: str, error: ValidationError) -> str:
    """The first thing wrong with a fact, in one line (the hint says what fits)."""
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"] if part != "[key]")
    return f"fact '{id_}': {where}: {first['msg'].lower()}"


@dataclass(frozen=True)
class Baseline:
    """What fact files record: facts, and the spectrum measures in place."""

    facts: tuple[Fact, ...]
    measures: tuple[Measure, ...]


def load_baseline(pathway: Pathway, paths: str | Path | Iterable[str | Path] | None = None) -> Baseline:
    """Read fact files (a file, a folder, or several) once, for `pathway`.

    With no argument, the 2013 baseline shipped with perimeter.  Every
    problem across the files is reported at once.  What loads is kept in the
    compiled cache (`perimeter.pathway.cache`), for this rule set's content.
    """
    files = yaml_files(paths, "facts")
    with gc_paused():
        return remember("facts", Baseline, files, lambda: _read_baseline(pathway, files),
                        depends=[pathway.id, pathway.fingerprint])


def _read_baseline(pathway: Pathway, files: list[Path]) -> Baseline:
    """The fact files read and checked against `pathway` (`load_baseline` without the cache)."""
    facts: dict[str, Fact] = {}
    measures: list[Measure] = []
    diagnostics: list[Diagnostic] = []
    for path in files:
        document = read_document(path)
        expect_kind(document, "facts")
        fact_file = validate(FactFile, document)
        _collect_facts(pathway, fact_file, document.source, facts, diagnostics)
        measures += _checked_measures(pathway, fact_file, document.source, diagnostics)
    if diagnostics:
        raise LoadError("the fact files do not fit the rule set", diagnostics=diagnostics)
    return Baseline(tuple(facts.values()), tuple(measures))


def load_facts(pathway: Pathway, paths: str | Path | Iterable[str | Path] | None = None) -> tuple[Fact, ...]:
    """The facts in fact files (with no argument, the shipped 2013 baseline)."""
    return load_baseline(pathway, paths).facts


def load_measures(pathway: Pathway, paths: str | Path | Iterable[str | Path] | None = None) -> tuple[Measure, ...]:
    """The spectrum measures in fact files (with no argument, the shipped 2013 ones)."""
    return load_baseline(pathway, paths).measures


def _collect_facts(pathway: Pathway, fact_file: FactFile, source: SourceMap, facts: dict[str, Fact],
                   diagnostics: list[Diagnostic]) -> None:
    for i, entry in enumerate(fact_file.facts):
        if entry.started_without:
            diagnostics.append(source.diagnostic(
                ("facts", i, "started_without"), codes.BAD_FACT,
                f"'{entry.id}': a fact file cannot say what a step was started without (the state records it "
                "when a step is forced in)", "remove `started_without`, and record the step with assert --force"))
            continue
        try:
            fact = make_fact(pathway, entry.id, entry.attributes, entry.source, entry.citation)
        except UnknownIdError as error:
            diagnostics.append(source.diagnostic(("facts", i, "id"), codes.UNKNOWN_ID, error.message, error.hint,
                                                 error.problem.candidates))
            continue
        except FactError as error:  # an attribute the rules do not declare, or a value not of its type
            diagnostics.append(source.diagnostic(("facts", i, "attributes"), codes.BAD_FACT, error.message,
                                                 error.hint, error.problem.candidates))
            continue
        if fact.id in facts:
            diagnostics.append(source.diagnostic(
                ("facts", i, "id"), codes.DUPLICATE_FACT, f"'{fact.id}' is stated twice", "keep one"))
            continue
        facts[fact.id] = fact


def _checked_measures(pathway: Pathway, fact_file: FactFile, source: SourceMap,
                      diagnostics: list[Diagnostic]) -> list[Measure]:
    """Measures that name a relationship and a level of the rule set's spectrum (in any case), as defined there."""
    spectrum = pathway.spectrum
    if fact_file.measures and spectrum is None:
        diagnostics.append(source.diagnostic(
            ("measures", 0), codes.NO_SPECTRUM, "measures given, but the rule set has no spectrum",
            "add a `spectrum:` to the rules, or remove the measures"))
        return []
    if spectrum is None:
        return []
    known = {"relationship": list(spectrum.relationships), "level": [level.id for level in spectrum.levels]}
    measures = []
    for i, measure in enumerate(fact_file.measures):
        resolved: dict[str, str] = {}
        for field, ids in known.items():
            value: str = getattr(measure, field)
            canonical = next((c for c in ids if c.casefold() == value.casefold()), None)  # ids without case
            if canonical is None:
                matches = close_matches(value, ids)
                diagnostics.append(source.diagnostic(
                    ("measures", i, field), codes.UNKNOWN_ID, f"unknown {field} '{value}'",
                    did_you_mean(matches) or f"use one of the spectrum's {field} ids", matches))
            elif canonical != value:
                resolved[field] = canonical
        compile_when(measure.when, pathway.readings, source, ("measures", i), diagnostics)
        measures.append(measure.model_copy(update=resolved) if resolved else measure)
    return measures
