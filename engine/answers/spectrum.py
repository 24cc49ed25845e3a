"""Chart 1: where each relationship stands on the spectrum from conflict to alliance.

The level is a rule, not a stored value: a relationship stands at the highest
level whose measure, and the measure of every level from the floor
(diplomatic relations) up to it, is in place.  A measure is in place when a
fact file records it, or when a step that puts it in place is done.  So
Canada/Mexico's part-time liaison officer does not lift it past working
groups: crisis support, below it, is missing.
"""

from __future__ import annotations

from typing import Any

from ..answers.status import Answer, Result
from ..errors import UnknownIdError
from ..pathway.compiled import DEFAULT_READING, Pathway, Reading, SpectrumRules
from ..pathway.model import Basis, Citation, Effect, Measure


class MeasureStatus(Result):
    """One level of one relationship: in place or not, and on what evidence."""

    level: str
    index: int
    name: str
    in_place: bool
    basis: Basis | None = None
    citation: Citation | None = None
    source: str | None = None
    """`baseline` for a recorded measure, or the id of the step that puts it in place."""
    by_steps: tuple[str, ...] = ()
    """Steps that would put it in place."""
    by_readings: tuple[tuple[str, ...], ...] = ()
    """For each of `by_steps`: the choices its effect rests on (`CHOICE=ALTERNATIVE` in force); empty when it
    is in every reading."""
    implied: bool = False
    """Whether every effect that would put it in place is a reading (basis `implied`)."""


class Standing(Result):
    """One relationship on the spectrum."""

    id: str
    title: str
    members: tuple[str, ...]
    level: int
    level_name: str
    measures: tuple[MeasureStatus, ...]
    """Every level from the floor up, in place or not."""

    def gaps(self, up_to: int) -> list[MeasureStatus]:
        """The measures missing at or below level `up_to`."""
        return [m for m in self.measures if m.index <= up_to and not m.in_place]


class Chart(Result):
    """The whole spectrum: its scale and every relationship's standing."""

    title: str
    scale: tuple[str, ...]
    level_ids: tuple[str, ...]
    floor: int
    relationships: tuple[Standing, ...]
    reading: str = "default"
    """The reading it was read under (which measures and effects count)."""

    def standing(self, relationship: str) -> Standing:
        for standing in self.relationships:
            if standing.id == relationship:
                return standing
        raise KeyError(relationship)


class ChartMove(Result):
    """A relationship whose level a change would move."""

    id: str
    title: str
    before: int
    after: int
    before_name: str
    after_name: str


class RelationshipAnswer(Answer):
    """Why a relationship is not at a level: the measures missing on the way up.

    The shape of every answer: `state` is the level's name, `missing` the ids
    of the levels whose measures it lacks, `frontier` the steps that would put
    one of them in place; `measures` holds those missing measures in full.
    """

    kind: str = "relationship"
    level: int
    level_name: str
    asked: int
    asked_name: str
    measures: tuple[MeasureStatus, ...] = ()


def chart(pathway: Pathway, measures: tuple[Measure, ...], holds: frozenset[str],
          reading: Reading = DEFAULT_READING, against: frozenset[str] = frozenset()) -> Chart:
    """Every relationship's standing, from recorded measures and the steps that hold, under `reading`
    (the measures and effects it counts).  A step in `against` was done against its constraints or
    without a required attribute: its effects `as_prescribed` do not happen."""
    spectrum = _spectrum(pathway)
    counted = tuple(m for m in measures if reading.admits(pathway.readings.compiled(m.when)))
    effects = tuple(e for e in pathway.effects(reading) if not (e.as_prescribed and e.step in against)
                    and not any(p in against for p in e.prescribed_by))
    under = {id(e): reading.under(pathway.readings.compiled(e.when)) for e in effects}
    standings = tuple(_standing(spectrum, rel, counted, holds, effects, under) for rel in spectrum.relationships)
    return Chart(title=spectrum.title, scale=tuple(level.name for level in spectrum.levels),
                 level_ids=tuple(level.id for level in spectrum.levels), floor=spectrum.floor,
                 relationships=standings, reading=reading.label)


def moves(before: Chart, after: Chart) -> tuple[ChartMove, ...]:
    """The relationships whose level differs between two charts."""
    return tuple(ChartMove(id=a.id, title=a.title, before=b.level, after=a.level, before_name=b.level_name,
                           after_name=a.level_name)
                 for b, a in zip(before.relationships, after.relationships) if b.level != a.level)


def why_not_at(current: Chart, relationship: str, level: str | None) -> RelationshipAnswer:
    """What keeps `relationship` below `level` (by default, or when it stands there already, the next level up)."""
    standing = current.standing(relationship)
    top = len(current.scale) - 1
    asked = current.level_ids.index(level) if level is not None else -1
    if asked <= standing.level:  # at or below where it stands already: the question is the next level up
        asked = min(standing.level + 1, top)
    gaps = standing.gaps(asked)
    return RelationshipAnswer(target=relationship, title=standing.title, state=standing.level_name,
                              level=standing.level, level_name=standing.level_name, asked=asked,
                              asked_name=current.scale[asked], missing=tuple(g.level for g in gaps),
                              frontier=tuple(sorted({s for g in gaps for s in g.by_steps})), measures=tuple(gaps),
                              reading=current.reading)


def _spectrum(pathway: Pathway) -> SpectrumRules:
    if pathway.spectrum is None:
        raise UnknownIdError(f"the rule set '{pathway.id}' has no spectrum",
                             hint="add a `spectrum:` to the rules (see rules/spectrum.yaml)")
    return pathway.spectrum


def _standing(spectrum: SpectrumRules, relationship: str, measures: tuple[Measure, ...],
              holds: frozenset[str], in_force: tuple[Effect, ...], under: dict[int, tuple[str, ...]]) -> Standing:
    rel = spectrum.relationships[relationship]
    recorded = {m.level: m for m in measures if m.relationship == relationship}
    effects = [e for e in in_force if e.relationship == relationship]
    statuses: list[MeasureStatus] = []
    for index, rung in enumerate(spectrum.levels):
        if index < spectrum.floor:
            continue
        filling = {e.step: e for e in effects if e.level == rung.id}
        by_steps = tuple(filling)
        by_readings = tuple(under[id(filling[s])] for s in by_steps)
        implied = bool(filling) and all(e.basis is Basis.IMPLIED for e in filling.values())
        done = next((e for e in effects if e.level == rung.id and e.step in holds), None)
        measure = recorded.get(rung.id)
        evidence: dict[str, Any]
        if measure is not None and measure.in_place:
            evidence = dict(in_place=True, basis=measure.basis, citation=measure.citation, source="baseline")
        elif done is not None:
            evidence = dict(in_place=True, basis=done.basis, citation=done.citation, source=done.step)
        elif measure is not None:  # recorded as absent
            evidence = dict(in_place=False, basis=measure.basis, citation=measure.citation)
        else:
            evidence = dict(in_place=False)
        statuses.append(MeasureStatus(level=rung.id, index=index, name=rung.name, by_steps=by_steps, **evidence,
                                      by_readings=by_readings, implied=implied))
    level = spectrum.floor - 1
    for status in statuses:
        if not status.in_place:
            break
        level = status.index
    if level < spectrum.floor:
        below = [spectrum.index(m.level) for m in recorded.values()
                 if m.in_place and spectrum.index(m.level) < spectrum.floor]
        level = min(below) if below else spectrum.floor - 1
    return Standing(id=relationship, title=rel.title, members=tuple(rel.members), level=level,
                    level_name=spectrum.levels[level].name, measures=tuple(statuses))
