"""perimeter: the paper's pathway (or yours) as rules, facts in, conclusions out.

    >>> from perimeter import open_engine
    >>> with open_engine() as pathway:        # the paper's rules, 2013 baseline
    ...     pathway.status("A4").state.value
    'blocked'

Everything a program needs is importable from here; the modules behind it
are free to change.
"""

from .compile import compile_pathway, load_pathway
from .conclusions import Blocker, Conclusions, ConditionStatus, State, StepStatus
from .errors import (
    AmbiguousTargetError,
    CompileError,
    Diagnostic,
    EvaluationError,
    LoadError,
    PerimeterError,
    RefusedError,
    UnknownIdError,
)
from .evaluation import Evaluation
from .explain import Explanation, Reason, Support
from .facts import Baseline, Fact, load_baseline, load_facts, load_measures
from .model import Basis, Citation
from .pathway import Kind, Mode, Pathway
from .plan import Plan, PlanItem
from .schema import json_schema
from .session import Change, Engine, FactChange, Transition, open_engine
from .spectrum import Chart, ChartMove, MeasureStatus, RelationshipAnswer, Standing
from .workspace import Workspace

from .version import __version__

__all__ = [
    "AmbiguousTargetError",
    "Baseline",
    "Basis",
    "Blocker",
    "Change",
    "Chart",
    "ChartMove",
    "Citation",
    "CompileError",
    "ConditionStatus",
    "Conclusions",
    "Diagnostic",
    "Engine",
    "Evaluation",
    "EvaluationError",
    "Explanation",
    "Fact",
    "FactChange",
    "Kind",
    "LoadError",
    "MeasureStatus",
    "Mode",
    "Pathway",
    "PerimeterError",
    "Plan",
    "PlanItem",
    "Reason",
    "RefusedError",
    "RelationshipAnswer",
    "State",
    "Standing",
    "StepStatus",
    "Support",
    "Transition",
    "UnknownIdError",
    "Workspace",
    "compile_pathway",
    "load_baseline",
    "load_facts",
    "load_measures",
    "json_schema",
    "load_pathway",
    "open_engine",
    "__version__",
]
