"""The pathway as a picture, in the spirit of the paper's Chart 6.

Each lane is a band drawn by its title, in the order declared: for the paper,
defense steps above, cross-sector steps on the line between, security steps
below; time runs left to right toward the goals.  Nodes are coloured by
state; stated preconditions are solid arrows, implied ones dashed.  Mermaid
and DOT are text; SVG is DOT drawn by Graphviz's `dot`, when it is installed.
Labels go through the one sanitiser (`for_mermaid`, `for_dot`): control and
bidi characters are shown escaped, and each format's own quoting characters
(and Graphviz's entities, which it would turn back into raw characters in the
SVG) are escaped too; lane titles likewise, and bands are named by number.
"""

from __future__ import annotations

import shutil
import subprocess

from perimeter import Conclusions, Pathway, PerimeterError, Reading
from perimeter.pathway.compiled import Requirement
from perimeter.files.sanitise import for_dot, for_mermaid

FILL = {"done": "#b7e1a1", "eligible": "#a9d6f5", "blocked": "#fce8a6", "violated": "#f5a9a9",
        "holds": "#b7e1a1", "absent": "#fce8a6"}


class GraphvizMissing(PerimeterError):
    """SVG needs Graphviz's `dot`."""

    code = "graphviz"


def _nodes(pathway: Pathway, conclusions: Conclusions) -> dict[str, tuple[str, str, str]]:
    """id -> (label, state, band) for every step, each goal and every condition a step needs.

    A step's band is `lane:` and its lane's id, or `step` when it is in no lane.
    """
    states = {s.id: s.state.value for s in (*conclusions.steps, *conclusions.goals)}
    holds = {c.id: c.holds for c in conclusions.conditions}
    nodes: dict[str, tuple[str, str, str]] = {}
    needed = {n for r in pathway.requirements(conclusions.reading) for n in r.needs}
    for condition in pathway.conditions:
        if condition in needed:
            nodes[condition] = (f"{condition}: {pathway.title_of(condition)}",
                                "holds" if holds[condition] else "absent", "condition")
    for step, rule in pathway.steps.items():
        band = "goal" if rule.derived else f"lane:{rule.lane}" if rule.lane else "step"
        nodes[step] = (f"{step}: {rule.title}", states[step], band)
    held = {i for i, (_, state, _) in nodes.items() if state in ("holds", "done", "violated")}
    for r in pathway.requirements(conclusions.reading):
        if r.grouped:  # an alternative or a k of n: a junction its members lead into
            label = "any of" if r.at_least == 1 else f"{r.at_least} of {len(r.needs)}"
            nodes[_junction(r)] = (label, "holds" if r.met_by(held) else "absent", "junction")
    return nodes


def _bands(pathway: Pathway) -> list[tuple[str, str, str]]:
    """(band, name, title) for each lane, in order; named by number, as ids may hold `.` and `-`."""
    return [(f"lane:{lane}", f"lane{k}", title) for k, (lane, title) in enumerate(pathway.lanes.items())]


def _junction(requirement: Requirement) -> str:
    return f"{requirement.step} <- {requirement.id}"  # ids hold no spaces: never a step's id


def _names(nodes: dict[str, tuple[str, str, str]]) -> dict[str, str]:
    """Ids may hold characters Mermaid and DOT treat specially; number them instead."""
    return {id_: f"n{i}" for i, id_ in enumerate(nodes)}


def _edges(pathway: Pathway, nodes: dict[str, tuple[str, str, str]], reading: Reading) -> list[tuple[str, str, bool]]:
    edges = []
    for r in pathway.requirements(reading):
        stated = r.basis.value == "stated"
        if r.grouped:
            edges += [(n, _junction(r), stated) for n in r.needs if n in nodes]
            edges.append((_junction(r), r.step, stated))
        elif r.need in nodes:
            edges.append((r.need, r.step, stated))
    return edges


def mermaid(pathway: Pathway, conclusions: Conclusions) -> str:
    nodes = _nodes(pathway, conclusions)
    names = _names(nodes)
    lines = ["flowchart LR"]
    conditions = [i for i, node in nodes.items() if node[2] == "condition"]
    if conditions:
        lines.append('  subgraph conditions ["Conditions"]')
        lines += [f'    {names[i]}{{{{"{for_mermaid(nodes[i][0])}"}}}}:::{nodes[i][1]}' for i in conditions]
        lines.append("  end")
    for band, name, title in _bands(pathway):
        members = [i for i, node in nodes.items() if node[2] == band]
        if members:
            lines.append(f'  subgraph {name} ["{for_mermaid(title)}"]')
            lines += [f'    {names[i]}["{for_mermaid(nodes[i][0])}"]:::{nodes[i][1]}' for i in members]
            lines.append("  end")
    for i, node in nodes.items():
        if node[2] == "step":  # in no lane
            lines.append(f'  {names[i]}["{for_mermaid(node[0])}"]:::{node[1]}')
        elif node[2] == "goal":
            lines.append(f'  {names[i]}(["{for_mermaid(node[0])}"]):::{node[1]}')
        elif node[2] == "junction":
            lines.append(f'  {names[i]}(("{for_mermaid(node[0])}")):::{node[1]}')
    for need, step, stated in _edges(pathway, nodes, conclusions.reading):
        lines.append(f"  {names[need]} {'-->' if stated else '-.->'} {names[step]}")
    lines += [f"  classDef {state} fill:{colour},stroke:#555" for state, colour in FILL.items()]
    return "\n".join(lines) + "\n"


def dot(pathway: Pathway, conclusions: Conclusions) -> str:
    nodes = _nodes(pathway, conclusions)
    names = _names(nodes)
    lines = ["digraph pathway {", "  rankdir=LR; newrank=true;",
             '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=10];',
             '  edge [color="#555555"];']
    for band, name, title in (*_bands(pathway), ("condition", "condition", "Conditions")):  # conditions below
        members = [i for i, node in nodes.items() if node[2] == band]
        if members:
            lines.append(f'  subgraph cluster_{name} {{ label="{for_dot(title)}"; style=dashed;')
            lines += [f'    {names[i]} [label="{for_dot(nodes[i][0])}", fillcolor="{FILL[nodes[i][1]]}"];'
                      for i in members]
            lines.append("  }")
    for i, node in nodes.items():
        if node[2] == "step":  # in no lane
            lines.append(f'  {names[i]} [label="{for_dot(node[0])}", fillcolor="{FILL[node[1]]}"];')
        elif node[2] == "goal":
            lines.append(f'  {names[i]} [label="{for_dot(node[0])}", shape=doubleoctagon, '
                         f'fillcolor="{FILL[node[1]]}"];')
        elif node[2] == "junction":
            lines.append(f'  {names[i]} [label="{for_dot(node[0])}", shape=circle, fontsize=8, '
                         f'fillcolor="{FILL[node[1]]}"];')
    for need, step, stated in _edges(pathway, nodes, conclusions.reading):
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

