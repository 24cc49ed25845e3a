"""The shape of rule and fact files, as pydantic models.

These models are the contract between authors and the engine: anything a rule
file says must fit them, and unknown keys are rejected so that a misspelt field
is an error rather than a silently ignored intention.  They describe *what the
file says*; whether the references between entries make sense is the
compiler's job (`perimeter.compile`).
"""

from __future__ import annotations

from enum import Enum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

IDENTIFIER_PATTERN = r"^[A-Za-z][A-Za-z0-9_.-]{0,63}$"

Identifier = Annotated[str, StringConstraints(pattern=IDENTIFIER_PATTERN)]
"""An id a user can type in a shell: a letter, then letters, digits, `_ . -`."""

Text = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]

MAX_VALUE = 256
"""The longest attribute value a fact may carry (a place, a leader, a count, a date)."""
MAX_SOURCE = 1000
"""The longest source a fact may name (a sentence or two, with a reference)."""

Value = Annotated[str, StringConstraints(min_length=1, max_length=MAX_VALUE, strip_whitespace=True)]
Source = Annotated[str, StringConstraints(min_length=1, max_length=MAX_SOURCE, strip_whitespace=True)]


class Strict(BaseModel):
    """Base for every file model: unknown keys are errors, values are frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Basis(str, Enum):
    """How firmly the text supports a rule.

    `stated` when the paper says it in so many words (by step number or by
    naming what the earlier step produced); `implied` when only its wording
    suggests it.  Sequence numbers alone never make a precondition.
    """

    STATED = "stated"
    IMPLIED = "implied"


class Sector(str, Enum):
    """Where a step sits on the paper's charts."""

    DEFENSE = "defense"
    SECURITY = "security"
    CROSS_SECTOR = "cross-sector"


class Citation(Strict):
    """Where the paper says it: the section, and a short word-for-word quote."""

    section: Text
    quote: Text


class Precondition(Strict):
    """One thing a step needs: another step or a condition, with its warrant."""

    requires: Identifier
    basis: Basis
    citation: Citation
    note: Text | None = None
    """Why this reading, where the text is open to more than one."""


class Constraint(Strict):
    """How a step must be done: an attribute of the fact that records it.

    The attribute is optional on the fact; when given, its value must be one
    of `allowed` (compared without regard to case), or the step is violated.
    """

    attribute: Identifier
    allowed: list[Text] = Field(min_length=1)
    basis: Basis
    citation: Citation
    note: Text | None = None


class Involvement(Strict):
    """One thing the paper says a condition involves, with where it says so."""

    text: Text
    citation: Citation


class Condition(Strict):
    """A named precondition that is not a step: vetting, an existing body."""

    id: Identifier
    title: Text
    description: Text | None = None
    aliases: list[Text] = []
    involves: list[Involvement] = []
    citation: Citation | None = None


class Step(Strict):
    """One step of the pathway, as the paper numbers it."""

    id: Identifier
    title: Text
    actors: list[Text] = Field(min_length=1)
    sector: Sector
    sequence: int = Field(ge=0)
    """The paper's own number within its series: orders plans, breaks ties."""
    aliases: list[Text] = []
    preconditions: list[Precondition] = []
    constraints: list[Constraint] = []
    citation: Citation
    note: Text | None = None


class Goal(Strict):
    """The end state: derived when its preconditions hold, never asserted."""

    id: Identifier = "goal"
    title: Text
    aliases: list[Text] = []
    preconditions: list[Precondition] = Field(min_length=1)
    citation: Citation


class PathwayInfo(Strict):
    """What a rule set is and where it comes from."""

    id: Identifier
    title: Text
    source: Text | None = None


class Level(Strict):
    """One level of a spectrum of cooperation (Chart 1), in the paper's order."""

    id: Identifier
    name: Text
    citation: Citation


class Relationship(Strict):
    """Two or more countries whose cooperation is placed on the spectrum."""

    id: Identifier
    title: Text
    members: list[Text] = Field(min_length=2)
    aliases: list[Text] = []
    citation: Citation | None = None


class Effect(Strict):
    """A step that, once done, puts a measure of `level` in place for `relationship`."""

    step: Identifier
    relationship: Identifier
    level: Identifier
    basis: Basis
    citation: Citation
    note: Text | None = None


class Spectrum(Strict):
    """A graduated scale of cooperation, the relationships on it, and how steps move them.

    A relationship stands at the highest level whose measures, and those of
    every level from `floor` up to it, are all in place.  Levels below the
    floor (conflict, sanctions, no relationship) are states, not measures.
    """

    title: Text
    citation: Citation
    levels: list[Level] = Field(min_length=2)
    floor: Identifier
    relationships: list[Relationship] = Field(min_length=1)
    effects: list[Effect] = []


class RuleFile(Strict):
    """One YAML file under `rules/`; a rule set may be spread over several."""

    pathway: PathwayInfo | None = None
    conditions: list[Condition] = []
    steps: list[Step] = []
    goal: Goal | None = None
    spectrum: Spectrum | None = None


class Fact(Strict):
    """One fact: a step recorded as done, or a condition recorded as holding.

    The one fact value: fact files list them, the engine and its backends hold
    them, and the state file stores them (with the time they were recorded).
    Attributes (`location`, `leader`) are what constraints judge; values are
    trimmed here, once, so what is judged is what is stored.
    """

    id: Identifier
    attributes: dict[Identifier, Value] = {}
    """At most 64 characters a name (an identifier), 256 a value."""
    source: Source | None = None
    """At most 1,000 characters."""
    citation: Citation | None = None


class Measure(Strict):
    """A measure of cooperation a relationship has (or, with `in_place: false`, lacks)."""

    relationship: Identifier
    level: Identifier
    in_place: bool = True
    basis: Basis
    citation: Citation
    note: Text | None = None


class FactFile(Strict):
    """One YAML file under `facts/`."""

    facts: list[Fact] = []
    measures: list[Measure] = []
