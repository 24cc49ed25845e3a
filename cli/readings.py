"""`perimeter readings` and `perimeter compare`: the choices the text leaves open, and two readings side by side.

Every text here comes from the rule files or the answers, and reaches the
terminal through the one sanitiser (`safe`); JSON goes through `render.document`.
"""

from __future__ import annotations

from perimeter import Reading, Readings
from perimeter.comparison import Comparison
from perimeter.files.sanitise import for_terminal as safe

from .layout import fit
from .render import document


def readings_json(readings: Readings, in_force: Reading) -> str:
    """`{"choices": [...], "profiles": [...], "in_force", "reading"}`: every choice with its question,
    quotes, alternatives, default and reason; every profile with the alternative it picks for each."""
    return document({
        "choices": [{"id": c.id, "question": c.question, "default": c.default, "reason": c.reason,
                     "citations": [{"section": q.section, "quote": q.quote} for q in c.citations],
                     "alternatives": [{"id": a.id, "summary": a.summary, "note": a.note} for a in c.alternatives],
                     "in_force": in_force.pick(c)}
                    for c in readings.choices.values()],
        "profiles": [{"id": p.id, "title": p.title, "note": p.note,
                      "choices": {c: dict(p.picks).get(c, readings.choices[c].default) for c in readings.choices}}
                     for p in readings.profiles.values()],
        "in_force": in_force.profile,
        "reading": in_force.label,
    })


def readings_text(readings: Readings, in_force: Reading) -> str:
    if not readings.choices:
        return fit(safe(f"The rule set leaves no choice open; reading in force: {in_force.label}."))
    lines = [f"Reading in force: {in_force.label}", ""]
    profiles = list(readings.profiles.values())
    for choice in readings.choices.values():
        lines.append(f"{choice.id}: {choice.question}")
        for quote in choice.citations:
            lines.append(f"  {quote.section}: \"{quote.quote}\"")
        for alternative in choice.alternatives:
            marks = [p.id for p in profiles if dict(p.picks).get(choice.id, choice.default) == alternative.id]
            chosen = "*" if in_force.pick(choice) == alternative.id else " "
            lines.append(f"  {chosen} {alternative.id}: {alternative.summary} [{', '.join(marks) or 'no profile'}]")
        lines.append(f"  default {choice.default}: {choice.reason}")
        lines.append("")
    lines.append("Profiles:")
    lines += [f"  {p.id}: {p.title}" + (f" ({p.note})" if p.note else "") for p in profiles]
    lines.append("")
    lines.append("* = in force; [...] = the profiles that pick it. Pick with --reading PROFILE or --choose CHOICE=ALTERNATIVE.")
    return fit("\n".join(safe(line) for line in lines))


def compare_json(comparison: Comparison) -> str:
    """`{"pathway", "readings", "steps", "plans", "chart", "telling", "searched"}`; each difference as a pair."""
    return document(comparison.model_dump(mode="json"))


def compare_text(comparison: Comparison) -> str:
    first, second = comparison.readings
    lines = [f"{comparison.pathway}: {first} compared with {second}", ""]
    if comparison.steps:
        lines.append("Steps that differ:")
        for s in comparison.steps:
            lines.append(f"  {s.id}: {s.states[0]} ({', '.join(s.blockers[0]) or 'no blockers'})"
                         f" | {s.states[1]} ({', '.join(s.blockers[1]) or 'no blockers'})")
    else:
        lines.append("Every step stands alike.")
    for p in comparison.plans:
        lines += [f"Plan for {p.target}:", f"  {first}: {', '.join(p.orders[0]) or 'nothing'}",
                  f"  {second}: {', '.join(p.orders[1]) or 'nothing'}"]
    if not comparison.plans:
        lines.append("The plans agree.")
    for c in comparison.chart:
        lines.append(f"Chart 1, {c.id}: {c.names[0]} ({c.levels[0]}) | {c.names[1]} ({c.levels[1]})")
    for side, ids in zip(comparison.readings, comparison.only):
        if ids:
            lines.append(f"Only in {side}: {', '.join(ids)}")
    if comparison.telling is not None:
        told = comparison.telling
        taker = comparison.readings[told.accepted_by]
        other = comparison.readings[1 - told.accepted_by]
        *before, last = told.asserts
        lead = f"after asserting {', '.join(before)}, " if before else "now, "
        lines.append(f"An order that tells them apart: {lead}{last} is accepted under {taker} and refused under {other}.")
    else:
        lines.append(f"No sequence of asserts tells them apart (searched {comparison.searched} fact sets).")
    return fit("\n".join(safe(line) for line in lines))
