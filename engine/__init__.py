"""perimeter: the paper's pathway (or yours) as rules, facts in, conclusions out.

    >>> from perimeter import open_engine
    >>> with open_engine() as pathway:        # the paper's rules, 2013 baseline
    ...     pathway.status("A4").state.value
    'blocked'

Everything a program needs is importable from here; the modules behind it
are free to change.
"""

from .answers.explain import Explanation, Reason, Support
from .answers.plan import Plan, PlanItem
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
from .compare import Comparison, compare
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
    "Engine",
    "Evaluation",
    "EvaluationError",
    "Explanation",
    "Fact",
    "FactChange",
    "FactError",
    "Kind",
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
    "load_baseline",
    "load_facts",
    "load_measures",
    "json_schema",
    "load_pathway",
    "open_engine",
    "run_scenarios",
    "__version__",
]
