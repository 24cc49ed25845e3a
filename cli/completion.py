"""Shell completion: ids, reading profiles and choices of the rules in use.

Completion must never fail loudly: a rule set that does not load completes nothing.
"""

from __future__ import annotations

import perimeter
import typer


def complete_ids(ctx: typer.Context, incomplete: str) -> list[str]:
    """Step and condition ids for shell completion, from the rules in use."""
    return _ids_starting(ctx, incomplete, facts_only=False)


def complete_facts(ctx: typer.Context, incomplete: str) -> list[str]:
    """Ids a fact may name: every step and condition but the derived goal."""
    return _ids_starting(ctx, incomplete, facts_only=True)


def _ids_starting(ctx: typer.Context, incomplete: str, facts_only: bool) -> list[str]:
    try:
        root = ctx.find_root()
        pathway = perimeter.load_pathway(root.params.get("rules") or None)
    except Exception:  # noqa: BLE001 - completion must never fail loudly
        return []
    ids = [i for i in (*pathway.steps, *pathway.conditions) if not facts_only or pathway.assertable(i)]
    return [i for i in ids if i.casefold().startswith(incomplete.casefold())]


def complete_profiles(ctx: typer.Context, incomplete: str) -> list[str]:
    """Reading profiles of the rules in use, for shell completion."""
    return [p for p in _readings(ctx).profiles if p.casefold().startswith(incomplete.casefold())]


def complete_choices(ctx: typer.Context, incomplete: str) -> list[str]:
    """`CHOICE=ALTERNATIVE` for every alternative of every choice of the rules in use."""
    pairs = [f"{c.id}={a.id}" for c in _readings(ctx).choices.values() for a in c.alternatives]
    return [p for p in pairs if p.casefold().startswith(incomplete.casefold())]


def _readings(ctx: typer.Context) -> perimeter.Readings:
    try:
        return perimeter.load_pathway(ctx.find_root().params.get("rules") or None).readings
    except Exception:  # noqa: BLE001 - completion must never fail loudly
        return perimeter.Readings()
