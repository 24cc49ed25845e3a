"""`perimeter leverage`, `plan --rounds` and the distance line of `status`: in words and as JSON.

The command is registered by `main.py`; the answers are the library's
(`Workspace.leverage`, `Workspace.distances`).  Every text from users or files
passes through the one sanitiser before it reaches the terminal.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Optional

import typer
from perimeter.files.sanitise import for_terminal as safe
from perimeter.present.words import need_name, warrant

from . import layout, render, targets
from .completion import complete_ids
from .facts_args import UsageError
from .output import echo

if TYPE_CHECKING:  # annotations only: the answers' modules load when an answer is asked for
    from perimeter import Distance, Leverage, Lever, Link

PACE_SHOWN = 8
"""Links of a pace shown in `status`'s one line; a longer chain shows its ends."""


def leverage(ctx: typer.Context,
             target: Optional[list[str]] = typer.Argument(
                 None, metavar="[TARGET]...", autocompletion=complete_ids,
                 help="A step id, condition id, 'goal', or words (default: each goal in turn)."),
             json_: bool = typer.Option(False, "--json", help="Machine-readable output.")) -> None:
    """What can be done now, alone or two or three together, ranked by what it makes possible toward a target."""
    workspace = ctx.obj.workspace()
    asked = targets.questions(workspace, target) if target else ()
    if not asked and not workspace.pathway.goals:
        raise UsageError("this rule set has no goal to weigh actions against", hint="name a target: leverage TARGET")
    answers = workspace.leverage(asked)
    text = targets.each(answers, leverage_json if json_ else leverage_text, json_, render.dumps)
    echo(text)


def leverage_json(answer: Leverage) -> str:
    """`{"target", "title", "reading", "rounds", "size", "ranked_by", "actions": [{"ids", "kinds", "eligible",
    "reachable", "reaches", "rounds", "size", "rounds_saved", "size_saved", "links"}]}`, best first."""
    return render.dumps(answer.model_dump(mode="json"))


def leverage_text(answer: Leverage) -> str:
    lines = [safe(f"Leverage toward {answer.target}: {answer.title} (reading: {answer.reading})")]
    if answer.rounds == 0:
        return "\n".join([*lines, safe(f"{answer.target} already holds: nothing to weigh.")])
    lines.append(f"Now: {_rounds(answer.rounds)} of decisions, {_items(answer.size)} to take or establish.")
    for rank, lever in enumerate(answer.actions, 1):
        lines += ["", f"{rank}. {_acts(lever)}"]
        lines.append("   eligible at once: " + (safe(", ".join(lever.eligible)) or "none"))
        lines.append("   newly reachable: " + (safe(", ".join(lever.reachable)) + f" ({len(lever.reachable)})"
                                                if lever.reachable else "none"))
        lines.append(f"   then: {_way(answer, lever)}")
        for n, cited in enumerate(lever.links):
            lines.append(("   why: " if n == 0 else "        ") + link_text(cited))
    return layout.fit("\n".join(lines))


def _acts(lever: Lever) -> str:
    """"establish vetting", "take A1 and A2 together (neither moves anything alone)"."""
    verbs: dict[str, list[str]] = {}
    for id_, kind in zip(lever.ids, lever.kinds):
        verbs.setdefault("establish" if kind == "condition" else "take", []).append(safe(id_))
    said = " and ".join(f"{verb} {' and '.join(ids)}" for verb, ids in verbs.items())
    if len(lever.ids) == 1:
        return said
    return said + " together (" + ("neither moves" if len(lever.ids) == 2 else "no fewer of them move") \
        + " anything alone)"


def _way(answer: Leverage, lever: Lever) -> str:
    if lever.reaches:
        return safe(f"{answer.target} is reached")
    saved = f"{lever.rounds_saved} fewer" if lever.rounds_saved else "none fewer"
    fewer = f"{lever.size_saved} fewer" if lever.size_saved else "none fewer"
    return f"{_rounds(lever.rounds)} ({saved}), {_items(lever.size)} ({fewer})"


def link_text(cited: Link) -> str:
    """`A3 needs A1 (stated), III.A (A3): "Once SEDENA ..."`."""
    start = ", to start" if cited.to_start else ""
    by = f", met by {', '.join(cited.by)}" if len(cited.needs) > 1 else ""
    return safe(f"{cited.step} needs {need_name(cited.requirement, cited.kind)} ({warrant(cited.basis, cited.under)}"
                f"{start}{by}), {cited.citation.section}: \"{cited.citation.quote}\"")


# -- plan --rounds and status ----------------------------------------------

def rounds_json(distance: Distance) -> str:
    """The plan's JSON (`target`, `reading`, `order`, ...) with `rounds`, `size`, `pace` and `links` beside it."""
    document: dict[str, Any] = json.loads(render.plan_json(distance.plan))
    document.update({"rounds": [list(r) for r in distance.rounds], "size": distance.size,
                     "pace": list(distance.pace), "links": [cited.model_dump(mode="json") for cited in distance.links]})
    return render.dumps(document)


def rounds_text(distance: Distance) -> str:
    text = render.plan_text(distance.plan)
    if not distance.rounds:
        return text
    lines = [text, "", f"In rounds (what can be decided together): {_rounds(distance.count)}, "
                       f"{_items(distance.size)} to take or establish"]
    lines += [f"  round {n}: " + safe(", ".join(ids)) for n, ids in enumerate(distance.rounds, 1)]
    lines.append("The pace is set by " + safe(" -> ".join(distance.pace)) + ":")
    lines += ["  " + link_text(cited) for cited in distance.links]
    return "\n".join([text, layout.fit("\n".join(lines[1:]))])


def distance_lines(distances: Sequence[Distance]) -> list[str]:
    """One line per goal for `status`: how many rounds and items away, and the chain that sets the pace."""
    lines = []
    for d in distances:
        if not d.rounds:
            lines.append(safe(f"distance to {d.target}: none, it holds"))
            continue
        pace = list(d.pace)
        if len(pace) > PACE_SHOWN:
            pace = [*pace[:3], "...", *pace[-3:]]
        lines.append(safe(f"distance to {d.target}: {_rounds(d.count)} of decisions, {_items(d.size)}; "
                          f"paced by {' -> '.join(pace)}"))
    return [out for line in lines for out in layout.fit_line(line)]


def status_json(text: str, distances: Sequence[Distance]) -> str:
    """`status --json` with `"distances"`: for each goal, `{"target", "rounds", "size", "pace"}`."""
    document: dict[str, Any] = json.loads(text)
    document["distances"] = [{"target": d.target, "rounds": d.count, "size": d.size, "pace": list(d.pace)}
                             for d in distances]
    return render.dumps(document)


def _rounds(count: int) -> str:
    return f"{count} round{'s' if count != 1 else ''}"


def _items(count: int) -> str:
    return f"{count} steps and conditions" if count != 1 else "1 step or condition"
