"""The shape of scenario files, as pydantic models, and a scenario as the runner takes it.

A scenario file pins down what a rule set must answer: each scenario starts
from the baseline (or from no facts, or from where an earlier scenario ended),
applies asserts and retracts in order, and says what must hold afterwards.
Like rule files, unknown keys are errors.  Whether the ids it names exist is
checked against the rule set it is run on (`perimeter.scenarios.load`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import Field, StringConstraints, model_validator

from ..pathway.model import Identifier, Source, Strict, Text, Value
from ..pathway.readings import Reading

Name = Annotated[str, StringConstraints(min_length=1, max_length=200, strip_whitespace=True)]
"""A scenario's name: a short line of text, unique in its file (compared without case)."""

BlockerId = Annotated[str, StringConstraints(min_length=1, max_length=1000, strip_whitespace=True)]
"""A blocker as `status --json` names it: an id, a group ("A3|A5", "2 of T1|T2|T3"), or `STEP.attribute`."""

STARTS = ("baseline", "empty")
"""What a scenario may start from besides an earlier scenario: the baseline in force, or no facts."""

STATES = ("done", "eligible", "blocked", "violated")
"""The step states an expectation may name (those of `perimeter.State`)."""


class Action(Strict):
    """One change, applied in order: `assert: ID` (with `attributes`, `source`, `force`) or `retract: ID`.

    `refused: true` says the library must refuse it (a step whose
    preconditions fail, asserted without force; a retract of what is not
    recorded): then it changes nothing, as in the library.
    """

    assert_: Identifier | None = Field(None, alias="assert")
    retract: Identifier | None = None
    attributes: dict[Identifier, Value] = {}
    source: Source | None = None
    force: bool = False
    refused: bool = False

    @model_validator(mode="after")
    def _one_action(self) -> Action:
        if (self.assert_ is None) == (self.retract is None):
            raise ValueError("an action takes one of `assert: ID` or `retract: ID`"
                             + ("; it gives both" if self.assert_ is not None else ""))
        if self.retract is not None and (self.attributes or self.source is not None or self.force):
            raise ValueError("`attributes`, `source` and `force` go with `assert`, not `retract`")
        if self.force and self.refused:
            raise ValueError("a forced assert is never refused: drop `force` or `refused`")
        return self

    @property
    def kind(self) -> Literal["assert", "retract"]:
        """`assert` or `retract`."""
        return "assert" if self.assert_ is not None else "retract"

    @property
    def id(self) -> str:
        """The step or condition it names, as written."""
        return self.assert_ if self.assert_ is not None else self.retract or ""


class Expectations(Strict):
    """What must hold after a scenario's actions; each key is optional, and lists are not exhaustive.

    `done`, `eligible`, `blocked`, `violated`: steps (or goals) in that state.
    `blockers`: a step's blockers, exactly (`[]` for none).  `holds`, `absent`:
    conditions that hold, or do not.  `plan`: a target's plan, in its order
    (`[]` when it already holds).
    """

    done: list[Identifier] = []
    eligible: list[Identifier] = []
    blocked: list[Identifier] = []
    violated: list[Identifier] = []
    blockers: dict[Identifier, list[BlockerId]] = {}
    holds: list[Identifier] = []
    absent: list[Identifier] = []
    plan: dict[Identifier, list[Identifier]] = {}


class Scenario(Strict):
    """One named scenario: where it starts, what it does, what must hold after."""

    name: Name
    start: Name = Field("baseline", alias="from")
    """`baseline` (the facts in force), `empty` (no facts), or the name of an earlier scenario."""
    do: list[Action] = []
    expect: Expectations = Expectations()
    note: Text | None = None
    reading: Identifier | None = None
    """A reading profile to run it under (default: the reading the run is given)."""
    choose: dict[Identifier, Identifier] = {}
    """Choices picked on top of `reading` (CHOICE: ALTERNATIVE)."""


class ScenarioFile(Strict):
    """A scenario file: optionally the id of the rule set it is written for, and its scenarios."""

    rule_set: Identifier | None = None
    scenarios: list[Scenario] = []


# -- a scenario as the runner takes it: ids resolved, each part located --------------


@dataclass(frozen=True)
class ScriptAction:
    """One action, its id resolved against the rule set; `line` is where it is written."""

    kind: Literal["assert", "retract"]
    id: str
    attributes: tuple[tuple[str, str], ...]
    source: str | None
    force: bool
    refused: bool
    line: int


@dataclass(frozen=True)
class Expected:
    """One expectation: `what` (`state`, `blockers`, `holds` or `plan`) of `id` is `value`.

    `value` is a state's or a condition's word (`done`, `holds`, `absent`), or
    the ids of blockers (in any order) or of a plan (in its order).
    """

    what: str
    id: str
    value: tuple[str, ...]
    line: int


@dataclass(frozen=True)
class Script:
    """A scenario, checked and resolved: what `perimeter.scenarios.run` executes."""

    name: str
    file: str
    line: int
    start: str
    """`baseline`, `empty`, or the name of an earlier scenario of the same file."""
    actions: tuple[ScriptAction, ...]
    expected: tuple[Expected, ...]
    reading: Reading | None = None
    """The reading it runs under, when it names one; else the run's."""
