"""perimeter: the paper's pathway (or yours) as rules, facts in, conclusions out.

    >>> from perimeter import open_engine
    >>> with open_engine() as pathway:        # the paper's rules, 2013 baseline
    ...     pathway.status("A4").state.value
    'blocked'

Everything a program needs is importable from here; the modules behind it
are free to change.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the names as a type checker sees them; at run time each is imported on first use
    from .answers.explain import Explanation, Reason, Support
    from .answers.leverage import Lever, Leverage, leverage
    from .answers.plan import Plan, PlanItem
    from .answers.rounds import Distance, Link, distance
    from .answers.spectrum import (
        Chart,
        ChartMove,
        MeasureStatus,
        RelationshipAnswer,
        Standing,
    )
    from .answers.status import (
        Answer,
        Blocker,
        Conclusions,
        ConditionStatus,
        State,
        StepStatus,
        Transition,
    )
    from .backends.protocol import Evaluation
    from .changes import Change, FactChange
    from .engine import Engine, open_engine
    from .errors import (
        AmbiguousTargetError,
        CompileError,
        Diagnostic,
        EvaluationError,
        FactError,
        LoadError,
        PerimeterError,
        ReadingError,
        RefusedError,
        StoreError,
        UnknownIdError,
    )
    from .comparison import Comparison, compare
    from .pathway.compile import compile_pathway, load_pathway
    from .pathway.compiled import DEFAULT_READING, Kind, Pathway
    from .pathway.readings import Reading, Readings
    from .pathway.facts import (
        Baseline,
        load_baseline,
        load_facts,
        load_measures,
    )
    from .pathway.model import Basis, Citation, Fact
    from .pathway.schema import json_schema
    from .scenarios.results import (
        Coverage,
        Mismatch,
        PreconditionCoverage,
        ScenarioResult,
        ScenarioRun,
    )
    from .scenarios.run import run_scenarios
    from .state.workspace import Workspace
    from .version import __version__

_WHERE: dict[str, str] = {
    "Explanation": ".answers.explain",
    "Reason": ".answers.explain",
    "Support": ".answers.explain",
    "Lever": ".answers.leverage",
    "Leverage": ".answers.leverage",
    "leverage": ".answers.leverage",
    "Plan": ".answers.plan",
    "PlanItem": ".answers.plan",
    "Distance": ".answers.rounds",
    "Link": ".answers.rounds",
    "distance": ".answers.rounds",
    "Chart": ".answers.spectrum",
    "ChartMove": ".answers.spectrum",
    "MeasureStatus": ".answers.spectrum",
    "RelationshipAnswer": ".answers.spectrum",
    "Standing": ".answers.spectrum",
    "Answer": ".answers.status",
    "Blocker": ".answers.status",
    "Conclusions": ".answers.status",
    "ConditionStatus": ".answers.status",
    "State": ".answers.status",
    "StepStatus": ".answers.status",
    "Transition": ".answers.status",
    "Evaluation": ".backends.protocol",
    "Change": ".changes",
    "FactChange": ".changes",
    "Engine": ".engine",
    "open_engine": ".engine",
    "AmbiguousTargetError": ".errors",
    "CompileError": ".errors",
    "Diagnostic": ".errors",
    "EvaluationError": ".errors",
    "FactError": ".errors",
    "LoadError": ".errors",
    "PerimeterError": ".errors",
    "ReadingError": ".errors",
    "RefusedError": ".errors",
    "StoreError": ".errors",
    "UnknownIdError": ".errors",
    "Comparison": ".comparison",
    "compare": ".comparison",
    "compile_pathway": ".pathway.compile",
    "load_pathway": ".pathway.compile",
    "DEFAULT_READING": ".pathway.compiled",
    "Kind": ".pathway.compiled",
    "Pathway": ".pathway.compiled",
    "Reading": ".pathway.readings",
    "Readings": ".pathway.readings",
    "Baseline": ".pathway.facts",
    "load_baseline": ".pathway.facts",
    "load_facts": ".pathway.facts",
    "load_measures": ".pathway.facts",
    "Basis": ".pathway.model",
    "Citation": ".pathway.model",
    "Fact": ".pathway.model",
    "json_schema": ".pathway.schema",
    "Coverage": ".scenarios.results",
    "Mismatch": ".scenarios.results",
    "PreconditionCoverage": ".scenarios.results",
    "ScenarioResult": ".scenarios.results",
    "ScenarioRun": ".scenarios.results",
    "run_scenarios": ".scenarios.run",
    "Workspace": ".state.workspace",
    "__version__": ".version",
}
"""Each public name and the module it lives in: importing `perimeter` costs nothing until a name is used,
so a command imports only what it needs (`perimeter why A7` never loads the scenario runner)."""


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'perimeter' has no attribute {name!r}")
    value = getattr(importlib.import_module(_WHERE[name], __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_WHERE})


__all__ = [
    "DEFAULT_READING",
    "AmbiguousTargetError",
    "Answer",
    "Baseline",
    "Basis",
    "Blocker",
    "Change",
    "Chart",
    "ChartMove",
    "Citation",
    "CompileError",
    "Comparison",
    "ConditionStatus",
    "Conclusions",
    "Coverage",
    "Diagnostic",
    "Distance",
    "Engine",
    "Evaluation",
    "EvaluationError",
    "Explanation",
    "Fact",
    "FactChange",
    "FactError",
    "Kind",
    "Lever",
    "Leverage",
    "Link",
    "LoadError",
    "MeasureStatus",
    "Mismatch",
    "Pathway",
    "Reading",
    "ReadingError",
    "Readings",
    "PerimeterError",
    "Plan",
    "PlanItem",
    "PreconditionCoverage",
    "Reason",
    "RefusedError",
    "RelationshipAnswer",
    "ScenarioResult",
    "ScenarioRun",
    "State",
    "StoreError",
    "Standing",
    "StepStatus",
    "Support",
    "Transition",
    "UnknownIdError",
    "Workspace",
    "compare",
    "compile_pathway",
    "distance",
    "leverage",
    "load_baseline",
    "load_facts",
    "load_measures",
    "json_schema",
    "load_pathway",
    "open_engine",
    "run_scenarios",
    "__version__",
]
