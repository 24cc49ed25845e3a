"""perimeter: the paper's pathway (or yours) as rules, facts in, conclusions out.

    >>> from perimeter import open_engine
    >>> with open_engine() as pathway:        # the paper's rules, 2013 baseline
    ...     pathway.status("A4").state.value
    'blocked'

Everything a program needs is importable from here; the modules behind it
are free to change.
"""

from perimeter.answers.explain import Explanation, Reason, Support
from perimeter.answers.plan import Plan, PlanItem
from perimeter.answers.spectrum import (
    Chart,
    ChartMove,
    MeasureStatus,
    RelationshipAnswer,
    Standing,
)
from perimeter.answers.status import (
    Blocker,
    Conclusions,
    ConditionStatus,
    State,
    StepStatus,
)
from perimeter.backends.protocol import Evaluation
from perimeter.engine import Change, Engine, FactChange, Transition, open_engine
from perimeter.errors import (
    AmbiguousTargetError,
    CompileError,
    Diagnostic,
    EvaluationError,
    FactError,
    LoadError,
    PerimeterError,
    RefusedError,
    StoreError,
    UnknownIdError,
)
from perimeter.pathway.compile import compile_pathway, load_pathway
from perimeter.pathway.compiled import Kind, Mode, Pathway
from perimeter.pathway.facts import (
    Baseline,
    Fact,
    load_baseline,
    load_facts,
    load_measures,
)
from perimeter.pathway.model import Basis, Citation, Fact
from perimeter.pathway.schema import json_schema
from perimeter.state.workspace import Workspace
from perimeter.version import __version__

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
    "FactError",
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
    "StoreError",
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
