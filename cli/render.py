"""Turning library results into text or JSON; no decisions are made here."""

from __future__ import annotations

import json
from typing import Any

from engine import Conclusions, StepStatus


def status_json(conclusions: Conclusions) -> str:
    """The stable `status --json` shape: steps, conditions, goal."""

    def blocker(b: Any) -> dict[str, Any]:
        return {"id": b.id, "kind": b.kind, "basis": b.basis.value,
                "citation": {"section": b.citation.section, "quote": b.citation.quote}}

    document = {
        "pathway": conclusions.pathway,
        "mode": conclusions.mode.value,
        "steps": [{"id": s.id, "title": s.title, "state": s.state.value,
                   "blockers": [blocker(b) for b in s.blockers]} for s in conclusions.steps],
        "conditions": [{"id": c.id, "holds": c.holds} for c in conclusions.conditions],
        "goal": ({"id": conclusions.goal.id, "state": conclusions.goal.state.value,
                  "blockers": [blocker(b) for b in conclusions.goal.blockers]}
                 if conclusions.goal else None),
    }
    return json.dumps(document, indent=2, ensure_ascii=False)


def status_text(conclusions: Conclusions) -> str:
    """A table a person reads: one line per step, blockers named with their basis."""
    rows = list(conclusions.steps) + ([conclusions.goal] if conclusions.goal else [])
    width = max(len(s.id) for s in rows)
    lines = [f"{conclusions.pathway} ({conclusions.mode.value} preconditions)", ""]
    lines += [_step_line(s, width) for s in rows]
    holding = [c.id for c in conclusions.conditions if c.holds]
    missing = [c.id for c in conclusions.conditions if not c.holds]
    lines += ["", f"conditions holding: {', '.join(holding) or 'none'}",
              f"conditions not holding: {', '.join(missing) or 'none'}"]
    return "\n".join(lines)


def _step_line(status: StepStatus, width: int) -> str:
    line = f"{status.id:<{width}}  {status.state.value:<8}  {status.title}"
    if status.blockers:
        names = ", ".join(b.id if b.kind != "constraint" else f"{b.title} ({b.detail})" for b in status.blockers)
        line += f"  [{'needs' if status.state.value == 'blocked' else 'breaks'}: {names}]"
    return line
