"""The pathway as a picture, in the spirit of the paper's Chart 6.

Defense steps above, cross-sector steps on the line between, security steps
below, time running left to right toward the goal.  Nodes are coloured by
state; stated preconditions are solid arrows, implied ones dashed.  Mermaid
and DOT are text; SVG is DOT drawn by Graphviz's `dot`, when it is installed.
Labels go through the one sanitiser (`for_mermaid`, `for_dot`): control and
bidi characters are shown escaped, and each format's own quoting characters
(and Graphviz's entities, which it would turn back into raw characters in the
SVG) are escaped too.
"""

from __future__ import annotations

import shutil
import subprocess

from perimeter import Conclusions, Pathway, PerimeterError
from perimeter.files.sanitise import for_dot, for_mermaid

FILL = {"done": "#b7e1a1", "eligible": "#a9d6f5", "blocked": "#fce8a6", "violated": "#f5a9a9",
        "holds": "#b7e1a1", "absent": "#fce8a6"}
BANDS = (("defense", "Defense sector"), ("cross-sector", "Across both sectors"), ("security", "Security sector"))


class GraphvizMissing(PerimeterError):
    """SVG needs Graphviz's `dot`."""

    code = "graphviz"


def _nodes(pathway: Pathway, conclusions: Conclusions) -> dict[str, tuple[str, str, str]]:
    """id -> (label, state, band) for every step, the goal and every condition a step needs."""
    states = {s.id: s.state.value for s in conclusions.steps}
    if conclusions.goal is not None:
        states[conclusions.goal.id] = conclusions.goal.state.value
    holds = {c.id: c.holds for c in conclusions.conditions}
    nodes: dict[str, tuple[str, str, str]] = {}
    needed = {r.need for r in pathway.requirements()}
    for condition in pathway.conditions:
        if condition in needed:
            nodes[condition] = (f"{condition}: {pathway.title_of(condition)}",
                                "holds" if holds[condition] else "absent", "condition")
    for step, rule in pathway.steps.items():
        band = "goal" if rule.derived or rule.sector is None else rule.sector.value
        nodes[step] = (f"{step}: {rule.title}", states[step], band)
    return nodes


def _names(nodes: dict[str, tuple[str, str, str]]) -> dict[str, str]:
    """Ids may hold characters Mermaid and DOT treat specially; number them instead."""
    return {id_: f"n{i}" for i, id_ in enumerate(nodes)}


def _edges(pathway: Pathway, nodes: dict[str, tuple[str, str, str]]) -> list[tuple[str, str, bool]]:
    return [(r.need, r.step, r.basis.value == "stated") for r in pathway.requirements() if r.need in nodes]


def mermaid(pathway: Pathway, conclusions: Conclusions) -> str:
    nodes = _nodes(pathway, conclusions)
    names = _names(nodes)
    lines = ["flowchart LR"]
    conditions = [i for i, node in nodes.items() if node[2] == "condition"]
    if conditions:
        lines.append('  subgraph conditions ["Conditions"]')
        lines += [f'    {names[i]}{{{{"{for_mermaid(nodes[i][0])}"}}}}:::{nodes[i][1]}' for i in conditions]
        lines.append("  end")
    for band, title in BANDS:
        members = [i for i, node in nodes.items() if node[2] == band]
        if members:
            lines.append(f'  subgraph {band.replace("-", "_")} ["{title}"]')
            lines += [f'    {names[i]}["{for_mermaid(nodes[i][0])}"]:::{nodes[i][1]}' for i in members]
            lines.append("  end")
    for i, node in nodes.items():
        if node[2] == "goal":
            lines.append(f'  {names[i]}(["{for_mermaid(node[0])}"]):::{node[1]}')
    for need, step, stated in _edges(pathway, nodes):
        lines.append(f"  {names[need]} {'-->' if stated else '-.->'} {names[step]}")
    lines += [f"  classDef {state} fill:{colour},stroke:#555" for state, colour in FILL.items()]
    return "\n".join(lines) + "\n"


def dot(pathway: Pathway, conclusions: Conclusions) -> str:
    nodes = _nodes(pathway, conclusions)
    names = _names(nodes)
    lines = ["digraph pathway {", "  rankdir=LR; newrank=true;",
             '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=10];',
             '  edge [color="#555555"];']
    for band, title in (*BANDS, ("condition", "Conditions")):  # conditions below, off the Chart 6 line
        members = [i for i, node in nodes.items() if node[2] == band]
        if members:
            lines.append(f'  subgraph cluster_{band.replace("-", "_")} {{ label="{title}"; style=dashed;')
            lines += [f'    {names[i]} [label="{for_dot(nodes[i][0])}", fillcolor="{FILL[nodes[i][1]]}"];'
                      for i in members]
            lines.append("  }")
    for i, node in nodes.items():
        if node[2] == "goal":
            lines.append(f'  {names[i]} [label="{for_dot(node[0])}", shape=doubleoctagon, '
                         f'fillcolor="{FILL[node[1]]}"];')
    for need, step, stated in _edges(pathway, nodes):
        lines.append(f"  {names[need]} -> {names[step]}{'' if stated else ' [style=dashed]'};")
    lines.append("}")
    return "\n".join(lines) + "\n"


def svg(pathway: Pathway, conclusions: Conclusions) -> str:
    """DOT drawn by Graphviz."""
    program = shutil.which("dot")
    if program is None:
        raise GraphvizMissing("SVG needs Graphviz's `dot`, which is not installed",
                              hint="install Graphviz (Debian/Ubuntu: apt-get install graphviz; macOS: brew "
                                   "install graphviz), or use --format mermaid")
    result = subprocess.run([program, "-Tsvg"], input=dot(pathway, conclusions), capture_output=True,
                            text=True, timeout=60)
    if result.returncode != 0:
        raise GraphvizMissing(f"Graphviz failed: {result.stderr.strip().splitlines()[-1:]}",
                              hint="check the Graphviz installation")
    return result.stdout

