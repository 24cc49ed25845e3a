"""`perimeter show`: one step or condition, as the rule files and the reading in force have it.

Each line is composed, then made safe as a whole (every part of it comes from the rule files).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from perimeter import Pathway, Reading
from perimeter.answers.status import constraint_title
from perimeter.files.sanitise import for_terminal as safe

from .layout import fit
from .render import document


def show_json(rule: Any) -> str:
    fields = _plain(dataclasses.asdict(rule))
    for key in ("preconditions", "constraints"):  # `when` as the file writes it: {CHOICE: [ALTERNATIVE, ...]}
        for data, entry in zip(fields.get(key, []), getattr(rule, key, ())):
            data["when"] = {choice: sorted(alternatives) for choice, alternatives, _ in entry.when}
    for data, pre in zip(fields.get("preconditions", []), getattr(rule, "preconditions", ())):
        data["need"] = pre.need  # the id of a plain precondition; a group's own id ("A3|A5")
    return document(fields)


def show_text(rule: Any, pathway: Pathway | None = None, reading: Reading | None = None) -> str:
    """Each line composed, then made safe as a whole (every part of it comes from the rule file).

    With `pathway` and `reading`: which preconditions count under the reading in force, the
    choices that touch the step, and its Chart 1 effects with their basis."""
    lines = [f"{rule.id}: {rule.title} ({rule.kind.value})"]
    if getattr(rule, "actors", None):
        place = [f"lane: {rule.lane}"] if rule.lane else []
        if rule.sector is not None and rule.sector.value != rule.lane:
            place.append(f"sector: {rule.sector.value}")
        lines.append("; ".join([f"actors: {', '.join(rule.actors)}", *place, f"sequence: {rule.sequence}"]))
    if rule.aliases:
        lines.append("also called: " + "; ".join(rule.aliases))
    if getattr(rule, "terms", ()):
        lines.append("in the source's words: " + "; ".join(rule.terms))
    if getattr(rule, "description", None):
        lines.append(rule.description)
    citation = getattr(rule, "citation", None)
    if citation:
        lines.append(f"source: {citation.section}: \"{citation.quote}\"")
    for pre in getattr(rule, "preconditions", ()):
        what = pre.need if not pre.grouped else (
            ("one of " if pre.at_least == 1 else f"{pre.at_least} of ") + ", ".join(pre.needs))
        start = " to start" if pre.to_start else ""
        lines.append(f"requires{start} {what} ({pre.basis.value}) {pre.citation.section}: \"{pre.citation.quote}\"")
        if pre.when:
            counted = "" if reading is None else (" (in force)" if reading.admits(pre.when) else " (not in force)")
            lines.append("    under " + ", ".join(f"{c}={'/'.join(sorted(alts))}" for c, alts, _ in pre.when) + counted)
        if pre.note:
            lines.append(f"    note: {pre.note}")
    for a in getattr(rule, "attributes", ()):
        kind = ", ".join([a.type.value, *(["required"] if a.required else []),
                          *(["one of " + ", ".join(a.allowed)] if a.allowed else [])])
        cited = f" {a.citation.section}: \"{a.citation.quote}\"" if a.citation else ""
        lines.append(f"attribute {a.name} ({kind}){cited}" + (f"; {a.note}" if a.note else ""))
    for c in getattr(rule, "constraints", ()):
        lines.append(f"{constraint_title(c)} ({c.basis.value}) {c.citation.section}: \"{c.citation.quote}\"")
    for item in getattr(rule, "involves", ()):
        lines.append(f"involves: {item.text} ({item.citation.section}: \"{item.citation.quote}\")")
    if getattr(rule, "note", None):
        lines.append(f"note: {rule.note}")
    if pathway is not None and reading is not None:
        lines += _readings_of(rule.id, pathway, reading)
    return fit("\n".join(safe(line) for line in lines))


def _readings_of(id_: str, pathway: Pathway, reading: Reading) -> list[str]:
    """The choices touching `id_` (the alternative in force), and its Chart 1 effects under the reading."""
    lines = [f"choice {c}: {pathway.readings.choices[c].question} (in force: {reading.pick(pathway.readings.choices[c])})"
             for c in pathway.choices_of(id_)]
    effects = [e for e in (pathway.spectrum.effects if pathway.spectrum else ()) if e.step == id_]
    in_force = set(map(id, pathway.effects(reading)))
    for e in effects:
        when = pathway.readings.compiled(e.when)
        under = (" under " + ", ".join(f"{c}={'/'.join(sorted(alts))}" for c, alts, _ in when)) if when else ""
        counted = "" if id(e) in in_force else " (not in force)"
        lines.append(f"Chart 1: {e.relationship} gains {e.level} ({e.basis.value}{under}){counted}")
    return lines


def _plain(value: Any) -> Any:
    """Dataclass dumps hold enums and models; make them JSON."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted(_plain(v) for v in value)
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    if hasattr(value, "value") and not isinstance(value, (str, int)):
        return value.value
    if isinstance(value, str) and hasattr(value, "value"):
        return value.value
    return value
