"""Shell completion: ids, reading profiles and choices of the rules in use, and the facts recorded.

Completion must never fail loudly: a rule set that does not load completes nothing.  The
functions of a pathway (`ids_starting`, `profiles_starting`, `choices_starting`) serve
`perimeter shell` too, which completes from the rule set it has loaded.
"""

from __future__ import annotations

import perimeter
import typer
from perimeter.state.workspace import Workspace


def complete_ids(ctx: typer.Context, incomplete: str) -> list[str]:
    """Step and condition ids for shell completion, from the rules in use."""
    return _ids_starting(ctx, incomplete, facts_only=False)


def complete_facts(ctx: typer.Context, incomplete: str) -> list[str]:
    """Ids a fact may name: every step and condition but the derived goal."""
    return _ids_starting(ctx, incomplete, facts_only=True)


def complete_recorded(ctx: typer.Context, incomplete: str) -> list[str]:
    """The ids of the facts the state in use holds (what `retract` can withdraw)."""
    try:
        params = ctx.find_root().params
        workspace = Workspace(params.get("state"), params.get("rules") or None, params.get("facts") or None)
        recorded = [f.id for f in workspace.recorded()]
    except Exception:  # noqa: BLE001 - completion must never fail loudly
        return []
    return starting(recorded, incomplete)


def _ids_starting(ctx: typer.Context, incomplete: str, facts_only: bool) -> list[str]:
    try:
        root = ctx.find_root()
        pathway = perimeter.load_pathway(root.params.get("rules") or None)
    except Exception:  # noqa: BLE001 - completion must never fail loudly
        return []
    return ids_starting(pathway, incomplete, facts_only)


def ids_starting(pathway: perimeter.Pathway, incomplete: str, facts_only: bool = False) -> list[str]:
    """The step and condition ids of `pathway` that start with `incomplete` (any case); `facts_only`:
    those a fact may name."""
    return starting([i for i in (*pathway.steps, *pathway.conditions) if not facts_only or pathway.assertable(i)],
                     incomplete)


def complete_profiles(ctx: typer.Context, incomplete: str) -> list[str]:
    """Reading profiles of the rules in use, for shell completion."""
    return profiles_starting(_readings(ctx), incomplete)


def complete_choices(ctx: typer.Context, incomplete: str) -> list[str]:
    """`CHOICE=ALTERNATIVE` for every alternative of every choice of the rules in use."""
    return choices_starting(_readings(ctx), incomplete)


def profiles_starting(readings: perimeter.Readings, incomplete: str) -> list[str]:
    """The profiles of `readings` that start with `incomplete`."""
    return starting(list(readings.profiles), incomplete)


def choices_starting(readings: perimeter.Readings, incomplete: str) -> list[str]:
    """`CHOICE=ALTERNATIVE` for every alternative of `readings` that starts with `incomplete`."""
    return starting([f"{c.id}={a.id}" for c in readings.choices.values() for a in c.alternatives], incomplete)


def starting(names: list[str], incomplete: str) -> list[str]:
    """The names that begin with `incomplete`, compared without case."""
    return [n for n in names if n.casefold().startswith(incomplete.casefold())]


def _readings(ctx: typer.Context) -> perimeter.Readings:
    try:
        return perimeter.load_pathway(ctx.find_root().params.get("rules") or None).readings
    except Exception:  # noqa: BLE001 - completion must never fail loudly
        return perimeter.Readings()
