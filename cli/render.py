"""Results as text for people or JSON for scripts; no decisions are made here.

Every text that comes from users or files (ids, titles, quotes, sources, the
sentences `perimeter.present.words` composes around them, file names) reaches
the terminal through the one sanitiser, `perimeter.files.sanitise`: each field
or line here is passed through `safe` before it is painted or joined, so a
newline, an escape sequence or a bidi override shows escaped and never acts.
JSON keeps the exact text, with unsafe characters as `\\uXXXX` escapes.
"""

from __future__ import annotations

import json
import os
import sys
from typing import TYPE_CHECKING, Any

import typer
from perimeter import (
    Change,
    Chart,
    Conclusions,
    Explanation,
    Plan,
    Reason,
    RelationshipAnswer,
)
from perimeter.errors import Diagnostic
from perimeter.files.sanitise import for_json
from perimeter.files.sanitise import for_terminal as safe
from perimeter.state.document import Entry
from perimeter.present.words import how_to_take, need_name, warrant
from perimeter.answers.status import FACT_KINDS

from . import layout

if TYPE_CHECKING:  # only `bench` renders it: other commands do not pay for importing the bench
    from perimeter.bench import BenchRun

_COLOURS = {"done": "green", "eligible": "cyan", "blocked": "yellow", "violated": "red",
            "holds": "green", "absent": "yellow"}


def colour_enabled() -> bool:
    """Colour on a terminal, as the conventions say (and as Python 3.13 orders them): never with NO_COLOR
    set (https://no-color.org); always with FORCE_COLOR set (https://force-color.org) or CLICOLOR_FORCE
    other than 0; never with TERM=dumb; otherwise only when stdout is a terminal."""
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR") or os.environ.get("CLICOLOR_FORCE", "0") != "0":
        return True
    if os.environ.get("TERM") == "dumb":
        return False
    return sys.stdout.isatty()


def paint(text: str, state: str) -> str:
    colour = _COLOURS.get(state)
    return typer.style(text, fg=colour) if colour and colour_enabled() else text


def dumps(document: Any) -> str:
    """JSON for scripts: the exact text, with no unsafe character left raw (`\\u202e`)."""
    return for_json(json.dumps(document, indent=2, ensure_ascii=False))


FORMAT = 1
"""The version of every JSON answer's shape, its `"format"` field: raised when a field is removed or changes
meaning (a new field does not raise it).  The shapes are published: `perimeter schema --output-of COMMAND`."""


def document(fields: dict[str, Any]) -> str:
    """A JSON answer: `{"format": FORMAT, ...fields}`."""
    return dumps({"format": FORMAT, **fields})


def versioned(text: str) -> str:
    """A JSON answer made elsewhere, with its `"format"` first (kept if it has one)."""
    fields = json.loads(text)
    fields.pop("format", None)
    return document(fields)


def _table(rows: list[list[str]], states: list[str | None] | None = None, shortened: int | None = None) -> str:
    """Left-aligned columns fitted to the terminal (cli/layout.py); the second column painted by state when given."""
    return layout.table(rows, states, paint, shortened)


def _blocker(b: Any) -> dict[str, Any]:
    return {"id": b.id, "kind": b.kind, "basis": b.basis.value, "to_start": b.to_start,
            "citation": {"section": b.citation.section, "quote": b.citation.quote}}


# -- status and next -----------------------------------------------------

def status_json(conclusions: Conclusions, state_file: str) -> str:
    """`goals` lists each goal; `goal` is the only one (null when there are none or several)."""
    goal = conclusions.goal
    return document({
        "state_file": state_file,
        "pathway": conclusions.pathway,
        "reading": conclusions.reading.label,
        "steps": [{"id": s.id, "title": s.title, "state": s.state.value,
                   "blockers": [_blocker(b) for b in s.blockers]} for s in conclusions.steps],
        "conditions": [{"id": c.id, "holds": c.holds} for c in conclusions.conditions],
        "goal": _goal(goal) if goal else None,
        "goals": [_goal(g) for g in conclusions.goals],
    })


def _goal(goal: Any) -> dict[str, Any]:
    return {"id": goal.id, "title": goal.title, "state": goal.state.value,
            "blockers": [_blocker(b) for b in goal.blockers]}


def status_text(conclusions: Conclusions, state_file: str) -> str:
    rows = [["STEP", "STATE", "TITLE", "BLOCKERS"]]
    states: list[str | None] = [None]
    for s in [*conclusions.steps, *conclusions.goals]:
        names = ", ".join(f"{b.title} ({b.detail})" if b.kind in FACT_KINDS
                          else need_name(b.id, b.kind) + (" (not met when taken)" if b.to_start and s.fact else "")
                          for b in s.blockers)
        rows.append([safe(s.id), s.state.value, safe(s.title), safe(names)])
        states.append(s.state.value)
    holding = [safe(c.id) for c in conclusions.conditions if c.holds]
    missing = [safe(c.id) for c in conclusions.conditions if not c.holds]
    return "\n".join([
        *layout.fit_line(safe(f"{conclusions.pathway} (reading: {conclusions.reading.label}); "
                              f"state: {layout.shown_path(state_file)}")), "",
        _table(rows, states, shortened=2), "",
        *layout.fit_line(f"conditions holding ({len(holding)}): {', '.join(holding) or 'none'}"),
        *layout.fit_line(f"conditions not holding ({len(missing)}): "
                         + (", ".join(paint(m, "absent") for m in missing) or "none")),
    ])


def next_json(conclusions: Conclusions, ids: list[str]) -> str:
    titles = {s.id: s.title for s in conclusions.steps}
    return document({"steps": [{"id": i, "title": titles[i]} for i in ids]})


def next_text(conclusions: Conclusions, ids: list[str]) -> str:
    if not ids:
        return "No step can be taken now."
    titles = {s.id: s.title for s in conclusions.steps}
    return _table([[safe(i), safe(titles[i])] for i in ids], shortened=1)


# -- why and plan --------------------------------------------------------

def why_json(answer: Explanation | RelationshipAnswer) -> str:
    """The answer's fields; a why-not tree as a flat list of nodes, however deep it is.

    `tree` holds the indexes (into `nodes`) of the target's own unmet
    preconditions; each node is a `Reason` without its children, and its
    `needs` holds the indexes of theirs.  Nodes are listed depth first, in the
    order the text shows them, so a chain of 50,000 steps is 50,000 entries,
    never 50,000 levels of nesting.
    """
    if not isinstance(answer, Explanation):
        return document(answer.model_dump(mode="json"))
    fields = answer.model_dump(mode="json", exclude={"tree"})
    roots, nodes = _flat_tree(answer.tree)
    ordered: dict[str, Any] = {}
    for name in type(answer).model_fields:
        if name == "tree":
            ordered["tree"], ordered["nodes"] = roots, nodes
        elif name in fields:
            ordered[name] = fields[name]
    return document(ordered)


def _flat_tree(tree: tuple[Reason, ...]) -> tuple[list[int], list[dict[str, Any]]]:
    """The tree's nodes depth first, each with `needs` as indexes; and the indexes of the roots."""
    roots: list[int] = []
    nodes: list[dict[str, Any]] = []
    stack: list[tuple[Reason, list[int]]] = [(r, roots) for r in reversed(tree)]
    while stack:
        reason, siblings = stack.pop()
        siblings.append(len(nodes))
        node = reason.model_dump(mode="json", exclude={"needs"})
        node["needs"] = []
        nodes.append(node)
        stack.extend((child, node["needs"]) for child in reversed(reason.needs))
    return roots, nodes


def why_text(answer: Explanation | RelationshipAnswer) -> str:
    if isinstance(answer, RelationshipAnswer):
        return relationship_text(answer)
    lines = [f"{safe(answer.target)}: {safe(answer.title)} ({paint(safe(answer.state), answer.state)})", ""]
    lines += [safe(reason) for reason in answer.reasons]
    if answer.tree:
        lines += ["", "What it needs, down to what can be done now (* = can be done now):"]
        lines += _tree_lines(answer.tree)
    if answer.support:
        lines += ["", "Supported by:"]
        for s in answer.support:
            source = f" [{s.fact.source}]" if s.fact and s.fact.source else ""
            lines.append(safe(f"  {need_name(s.id, s.kind)} ({warrant(s.basis, s.under)}) {s.citation.section}: \"{s.citation.quote}\"{source}"))
    return layout.fit("\n".join(lines))


INDENT_LEVELS = 12
"""Levels of a why-not tree shown by indentation; deeper ones are numbered instead (a chain of
50,000 steps indented all the way would print gigabytes of spaces)."""


def _tree_lines(tree: tuple[Reason, ...]) -> list[str]:
    """The tree as text, depth first, without recursion (a pathway may be a 50,000-step chain)."""
    lines = []
    stack = [(r, 0) for r in reversed(tree)]
    while stack:
        r, depth = stack.pop()
        indent = "    " * min(depth, INDENT_LEVELS)
        if depth > INDENT_LEVELS:
            indent += f"[{depth + 1}] "
        mark = "*" if r.actionable else "-"
        tail = " (see above)" if r.shared else ""
        lines.append(f"{indent}{mark} {safe(need_name(r.id, r.kind))} {paint(safe(r.state), r.state)}: {safe(r.title)}{tail}")
        lines.append(safe(f"{indent}    {warrant(r.basis, r.under)}, {r.citation.section}: \"{r.citation.quote}\""))
        stack.extend((child, depth + 1) for child in reversed(r.needs))
    return lines


def plan_json(plan: Plan) -> str:
    return document({"target": plan.target, "reading": plan.reading, "order": list(plan.order),
                  "items": [i.model_dump(mode="json") for i in plan.items], "reason": plan.reason})


def plan_text(plan: Plan) -> str:
    if not plan.items:
        return layout.fit(safe(f"{plan.target}: nothing to do ({plan.reason})."))
    rows = [[f"{n}.", safe(item.action), safe(item.id),
             safe(item.title + (f" ({how})" if (how := how_to_take(item.required, item.constraints)) else ""))]
            for n, item in enumerate(plan.items, 1)]
    return layout.fit(f"Plan for {safe(plan.target)}:") + "\n" + _table(rows)


# -- changes and history -------------------------------------------------

def change_json(change: Change, hypothetical: bool = False) -> str:
    """`{"changes", "spectrum", "summary", "hypothetical"}`: a what-if says so, and its summary says "would"."""
    return document({"changes": [{"id": t.id, "from": t.before, "to": t.after} for t in change.transitions],
                     "spectrum": [{"id": m.id, "from": m.before, "to": m.after, "from_name": m.before_name,
                                   "to_name": m.after_name} for m in change.moves],
                     "summary": change.summary(hypothetical=hypothetical), "hypothetical": hypothetical})


def change_text(change: Change, hypothetical: bool = False) -> str:
    """The change in words; a what-if (`hypothetical`) in the conditional: "if vetting were established, ..."."""
    return safe(change.summary(hypothetical=hypothetical))


def history_json(entries: list[Entry]) -> str:
    return document({"entries": [e.model_dump(mode="json") for e in entries]})


def history_text(entries: list[Entry]) -> str:
    """One row per entry: a newline in a source is shown as `\\n`, never as a row of its own."""
    rows = [["TIME", "ACTION", "FACT", "SOURCE"]]
    for e in entries:
        attributes = " ".join(f"{k}={v}" for k, v in e.attributes.items())
        fact = " ".join(filter(None, [e.fact or "", attributes, "(forced)" if e.forced else ""]))
        rows.append([safe(e.time), safe(e.action), safe(fact), safe(layout.shown_paths(e.source or ""))])
    return _table(rows)


# -- spectrum --------------------------------------------------------------

def spectrum_json(chart: Chart) -> str:
    return document({
        "title": chart.title,
        "reading": chart.reading,
        "scale": list(chart.scale),
        "relationships": [{
            "id": s.id, "title": s.title, "members": list(s.members), "level": s.level,
            "level_name": s.level_name,
            "measures": [m.model_dump(mode="json", exclude_none=True) for m in s.measures],
        } for s in chart.relationships],
    })


def spectrum_text(chart: Chart) -> str:
    """Each relationship as a bar on the scale, Chart 1 in a terminal."""
    top = len(chart.scale) - 1
    lines = layout.fit("\n".join([safe(chart.title), safe(f"0 = {chart.scale[0]} ... {top} = {chart.scale[top]}"), ""]))
    rows = [[safe(s.title), "█" * (s.level + 1) + "·" * (top - s.level), f"{s.level:>2} {safe(s.level_name)}"]
            for s in chart.relationships]
    levels = [f"  {i:>2} {safe(name)}" for i, name in enumerate(chart.scale)]
    return "\n".join([lines, _table(rows, ["done"] * len(rows), shortened=0), "", layout.fit("\n".join(["levels:", *levels]))])


def relationship_text(answer: RelationshipAnswer) -> str:
    lines = [f"{answer.title}: {answer.level_name} (level {answer.level})", "", *answer.reasons]
    if answer.measures:
        lines += ["", "Missing measures:"]
        for m in answer.measures:
            evidence = f" {m.citation.section}: \"{m.citation.quote}\"" if m.citation else ""
            steps = f" [put in place by {', '.join(m.by_steps)}]" if m.by_steps else ""
            lines.append(f"  {m.index:>2} {m.name}{evidence}{steps}")
    return layout.fit("\n".join(safe(line) for line in lines))


# -- check -----------------------------------------------------------------

def findings_json(findings: list[Diagnostic]) -> str:
    return document({"findings": [{"file": f.file, "line": f.line, "col": f.col, "code": f.code,
                                "severity": f.severity.value, "message": f.message, "hint": f.hint}
                               for f in findings]})


def findings_text(findings: list[Diagnostic]) -> str:
    errors = sum(f.severity.value == "error" for f in findings)
    warnings = len(findings) - errors
    lines = [paint(safe(f.render()), "violated" if f.severity.value == "error" else "blocked") for f in findings]
    lines.append(f"{_plural(errors, 'error')}, {_plural(warnings, 'warning')}")
    return "\n".join(lines)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count != 1 else ''}"


# -- bench -----------------------------------------------------------------

def bench_json(runs: list[BenchRun]) -> str:
    return dumps({"runs": [run.model_dump() for run in runs]})


def bench_text(runs: list[BenchRun]) -> str:
    compare = any(r.clingo_s is not None for r in runs)
    rows = [["steps", "load s", "x parse floor", "cached s", "evaluate s", "x reference",
             *(["x clingo"] if compare else []), "assert ms", "retract ms", "why p99 ms", "plan p99 ms", "index ms",
             "question ms", "paste ms", "paper question ms", "state write ms", "peak MB"]]
    for r in runs:
        against = [f"{r.evaluate_s / r.clingo_s:.2f}" if r.clingo_s else "-"] if compare else []
        rows.append([str(r.steps), f"{r.load_s:.3f}", f"{r.load_s / max(r.parse_floor_s, 1e-9):.2f}",
                     f"{r.load_cached_s:.3f}", f"{r.evaluate_s:.3f}", f"{r.evaluate_s / max(r.reference_s, 1e-9):.0f}",
                     *against, f"{r.assert_ms:.2f}", f"{r.retract_ms:.2f}", f"{r.why_p99_ms:.1f}",
                     f"{r.plan_p99_ms:.1f}", f"{r.index_ms:.1f}", f"{r.resolve_ms:.2f}", f"{r.paste_ms:.2f}",
                     f"{r.paper_resolve_ms:.2f}", f"{r.state_write_ms:.1f}", f"{r.peak_mb:.0f}"])
    once = runs[0] if runs else None  # measured once, on the paper's rule set
    if once is None or not once.why_a7_ms:
        return _table(rows)
    return "\n".join([_table(rows), "", f"perimeter why A7: {once.why_a7_ms:.0f} ms, {once.why_a7_ms / max(once.import_floor_ms, 1e-9):.2f}x "
                       f"importing typer, pydantic, yaml and durable.engine ({once.import_floor_ms:.0f} ms); "
                       f"a shell line {once.shell_line_ms:.1f} ms"])
