"""The cycle pass: each loop of preconditions reported once, with the edge most likely wrong.

One wrong edge (an early step made to require the final one) closes many
loops at once.  Reporting every loop found, each at its own line, tells an
author to remove legitimate preconditions.  Instead the steps that need each
other are grouped (strongly connected components), and in each group the
edge that lies on every loop and runs against the sequence order (a step
requiring one with a higher sequence number, in its own lane first) is named
as the likely mistake, with the whole loop it closes and the line of every precondition on
it.  That edge is then set aside and the search runs again, so a second,
independent mistake is reported too, and the same one never twice.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from .. import codes
from ..errors import Diagnostic
from ..pathway.compiled import Location

MAX_REPORTS = 100
"""The most loops one compilation reports; past it, fixing those shows the rest."""
_BREAK_BUDGET = 2_000_000
"""How much work (edges on a loop times edges in its group) looking for one edge that breaks every loop may take."""


@dataclass(frozen=True)
class Edge:
    """`step` needs `need` (both steps or goals), written at `location`."""

    step: str
    need: str
    location: Location


@dataclass(frozen=True)
class Place:
    """Where a step sits in the order of the rule set: its lane, its sequence number, whether it is a goal."""

    lane: str | None
    sequence: int
    goal: bool = False


def find_cycles(edges: Iterable[Edge], places: Mapping[str, Place]) -> list[Diagnostic]:
    """One diagnostic per edge whose removal breaks a loop, until no loop is left (or MAX_REPORTS)."""
    graph: dict[str, dict[str, Location]] = {}
    for edge in edges:
        graph.setdefault(edge.step, {}).setdefault(edge.need, edge.location)  # the first line that names it
    findings: list[Diagnostic] = []
    while len(findings) < MAX_REPORTS:
        loops = [c for c in _components(graph) if len(c) > 1 or c[0] in graph.get(c[0], {})]
        if not loops:
            break
        for members in loops[:MAX_REPORTS - len(findings)]:
            step, need = _suspect(graph, set(members), places)
            findings.append(_report(graph, [step, *_path(graph, need, step, set(members))], places))
            del graph[step][need]
    return findings


def _suspect(graph: Mapping[str, Mapping[str, Location]], members: set[str],
             places: Mapping[str, Place]) -> tuple[str, str]:
    """The edge of a group of loops most likely wrong.

    Where one edge lies on every loop of the group (removing it alone breaks
    them all), it is one of those; among the candidates, one to itself
    first, then the one furthest against the sequence order (in its own lane
    before across lanes), then the one written last.
    """
    edges = [(step, need) for step in graph if step in members for need in graph[step] if need in members]
    written = {edge: i for i, edge in enumerate(edges)}  # file order: ties on the line (one line of YAML) too

    def weight(edge: tuple[str, str]) -> tuple[bool, bool, bool, int, str, int, int, int]:
        step, need = edge
        gap = places[need].sequence - places[step].sequence
        where = graph[step][need]
        return (step == need, gap > 0 and places[need].lane == places[step].lane, gap > 0, max(gap, 0),
                where.file, where.line, where.col, written[edge])

    best = max(edges, key=weight)
    loop = [best[0], *_path(graph, best[1], best[0], members)]  # an edge on every loop is on this one
    if (len(loop) - 1) * len(edges) <= _BREAK_BUDGET:
        breaking = [edge for edge in zip(loop, loop[1:]) if _acyclic_without(graph, members, edge)]
        if breaking:
            return max(breaking, key=weight)
    return best


def _acyclic_without(graph: Mapping[str, Mapping[str, Location]], members: set[str], skip: tuple[str, str]) -> bool:
    """Whether `members` would have no loop left without the edge `skip` (Kahn's algorithm)."""
    waiting = dict.fromkeys(members, 0)
    for step in members:
        for need in graph.get(step, {}):
            if need in members and (step, need) != skip:
                waiting[need] += 1
    ready = [step for step, count in waiting.items() if count == 0]
    done = 0
    while ready:
        step = ready.pop()
        done += 1
        for need in graph.get(step, {}):
            if need in members and (step, need) != skip:
                waiting[need] -= 1
                if waiting[need] == 0:
                    ready.append(need)
    return done == len(members)


def _path(graph: Mapping[str, Mapping[str, Location]], start: str, end: str, members: set[str]) -> list[str]:
    """The shortest way from `start` to `end` within `members`, both included (breadth first)."""
    came_from: dict[str, str] = {start: start}
    queue = deque([start])
    while queue and end not in came_from:
        current = queue.popleft()
        for need in graph.get(current, {}):
            if need in members and need not in came_from:
                came_from[need] = current
                queue.append(need)
    path = [end]
    while path[-1] != start:
        path.append(came_from[path[-1]])
    return path[::-1]


def _report(graph: Mapping[str, Mapping[str, Location]], cycle: list[str], places: Mapping[str, Place]) -> Diagnostic:
    """The loop `cycle` (its first edge the suspect), located at the suspect's precondition."""
    step, need = cycle[0], cycle[1]
    where = graph[step][need]
    lines = ", ".join(f"{a} needs {b} at {_line(graph[a][b], where.file)}" for a, b in zip(cycle, cycle[1:]))
    message = f"precondition cycle: {' -> '.join(cycle)} ({lines})"
    return Diagnostic(where.file, where.line, where.col, codes.CYCLE, message, _hint(step, need, places))


def _line(location: Location, file: str) -> str:
    return f"line {location.line}" if location.file == file else f"{location.file}:{location.line}"


def _hint(step: str, need: str, places: Mapping[str, Place]) -> str:
    if step == need:
        return f"{step} cannot need itself: remove that precondition"
    mine, theirs = places[step], places[need]
    fix = "remove that precondition, or correct the sequence numbers"
    if theirs.goal and not mine.goal:
        return f"the likely mistake is {step} needing {need}, a goal, which comes after every step: remove that precondition"
    if theirs.sequence > mine.sequence:
        which = "comes later in the same lane" if theirs.lane == mine.lane else "has a higher sequence number"
        return (f"the likely mistake is {step} (number {mine.sequence}) needing {need} (number {theirs.sequence}), "
                f"which {which}: {fix}")
    return (f"remove one of these preconditions (none runs against the sequence numbers; "
            f"{step} cannot need {need} if {need} needs {step}, however indirectly)")


def _components(graph: Mapping[str, Mapping[str, Location]]) -> list[list[str]]:
    """Strongly connected components (Tarjan's, without recursion: rule sets may be 50,000 steps deep)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in graph:
        if root in index:
            continue
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        work: list[tuple[str, Iterator[str]]] = [(root, iter(graph.get(root, {})))]
        while work:
            node, needs = work[-1]
            for need in needs:
                if need not in index:
                    index[need] = low[need] = len(index)
                    stack.append(need)
                    on_stack.add(need)
                    work.append((need, iter(graph.get(need, {}))))
                    break
                if need in on_stack:
                    low[node] = min(low[node], index[need])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    component: list[str] = []
                    while not component or component[-1] != node:
                        component.append(stack.pop())
                        on_stack.discard(component[-1])
                    found.append(component)
    return found
