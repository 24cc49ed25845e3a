"""The shape of rule and fact files, as pydantic models.

These models are the contract between authors and the engine: anything a rule
file says must fit them, and unknown keys are rejected so that a misspelt field
is an error rather than a silently ignored intention.  They describe *what the
file says*; whether the references between entries make sense is the
compiler's job (`perimeter.compile`).
"""

from __future__ import annotations

from enum import Enum
from typing import ClassVar

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from .basics import IDENTIFIER_PATTERN as IDENTIFIER_PATTERN
from .basics import MAX_SOURCE as MAX_SOURCE
from .basics import MAX_VALUE as MAX_VALUE
from .basics import Basis as Basis
from .basics import Citation as Citation
from .basics import Identifier as Identifier
from .basics import Lane as Lane
from .basics import Sector as Sector
from .basics import Source as Source
from .basics import Strict as Strict
from .basics import Text as Text
from .basics import Value as Value
from .basics import When as When
from .readings import Choice, Profile


class Precondition(Strict):
    """One thing a step needs, with its warrant, in one of three shapes.

    `requires: ID` (that step or condition), `any_of: [ID, ...]` (at least one
    of them), or `at_least: K` with `of: [ID, ...]` (K of them).  With
    `to_start: true` it is needed to take the step, not to keep it done.
    """

    requires: Identifier | None = None
    any_of: list[Identifier] | None = None
    at_least: int | None = None
    of: list[Identifier] | None = None
    to_start: bool = False
    basis: Basis
    citation: Citation
    note: Text | None = None
    """Why this reading, where the text is open to more than one."""
    when: When | None = None
    """The alternatives of a choice under which it counts (`perimeter.pathway.readings`)."""

    @model_validator(mode="after")
    def _one_shape(self) -> Precondition:
        if self.requires is not None and self.any_of is None and self.at_least is None and self.of is None:
            return self  # the common shape, checked first: this runs for every precondition of the file
        shapes = [name for name, given in (("requires", self.requires is not None),
                                           ("any_of", self.any_of is not None),
                                           ("at_least", self.at_least is not None or self.of is not None))
                  if given]
        if len(shapes) != 1:
            raise PydanticCustomError(
                "precondition_shape", "a precondition takes one of `requires: ID`, `any_of: [ID, ...]` or "
                "`at_least: K` with `of: [ID, ...]`" + (f"; it gives {' and '.join(shapes)}" if shapes else ""),
                {"hint": "write one precondition for each" if shapes else "name what it needs in one of these shapes"})
        if (self.at_least is None) != (self.of is None):
            raise PydanticCustomError("precondition_shape", "`at_least: K` and `of: [ID, ...]` go together",
                                      {"hint": "give both, or write `requires: ID` or `any_of: [ID, ...]`"})
        return self

    @property
    def needs(self) -> list[str]:
        """The ids it names, in the order written."""
        if self.requires is not None:
            return [self.requires]
        return list(self.any_of if self.any_of is not None else self.of or [])

    @property
    def count(self) -> int:
        """How many of `needs` must hold."""
        return self.at_least if self.at_least is not None else 1


class AttributeType(str, Enum):
    """What an attribute's values are: compared as text, or ordered as numbers or dates."""

    TEXT = "text"
    NUMBER = "number"
    """A whole or decimal number: `12`, `-3`, `4.5`."""
    DATE = "date"
    """An ISO date: `2013-03-01`."""


class Attribute(Strict):
    """One attribute a step's or condition's fact may carry (a fact naming another is refused).

    Names match without case.  A value must parse as `type`, and be one of
    `allowed` where that is given (both checked where the fact enters); a step
    recorded without a `required` attribute is refused, or violated if forced.
    """

    name: Identifier
    type: AttributeType = AttributeType.TEXT
    required: bool = False
    allowed: list[Value] | None = Field(default=None, min_length=1)
    """The values it may take at all (a rule about which of them a step needs is a constraint)."""
    citation: Citation | None = None
    note: Text | None = None


class Constraint(Strict):
    """How a step must be done: an attribute of the fact that records it.

    When the fact gives the attribute, its value must be one of `allowed`
    (compared without case or accents; numbers and dates by value), or lie
    within `min`/`max` (numbers and dates only), or the step is violated.
    """

    attribute: Identifier
    allowed: list[Value] | None = Field(default=None, min_length=1)
    min: Value | None = None
    max: Value | None = None
    basis: Basis
    citation: Citation
    note: Text | None = None
    when: When | None = None

    @model_validator(mode="after")
    def _one_test(self) -> Constraint:
        bounded = self.min is not None or self.max is not None
        if (self.allowed is not None) == bounded:
            raise PydanticCustomError(
                "constraint_test", "a constraint takes `allowed: [...]`, or `min` and/or `max`"
                + (", not both" if bounded else ""),
                {"hint": "write two constraints if both are meant" if bounded else "add `allowed` or a bound"})
        return self


class Involvement(Strict):
    """One thing the source says a condition involves, with where it says so."""

    text: Text
    citation: Citation


class Condition(Strict):
    """A named precondition that is not a step: vetting, an existing body.

    No step establishes a condition: it holds when a fact file or a user says
    so.  `external: true` says users are expected to assert it, so `check`
    does not call what needs it unreachable; `context: true` says it is
    recorded for context only, so `check` does not call it not needed.
    """

    id: Identifier
    title: Text
    description: Text | None = None
    aliases: list[Text] = []
    terms: list[Text] = []
    """The source's own words about it, as a reader may recall them ("junior partner"): weak evidence for
    questions in words, never a name of it."""
    involves: list[Involvement] = []
    attributes: list[Attribute] = []
    """What a fact recording it may carry; a condition that declares none takes none."""
    citation: Citation | None = None
    external: bool = False
    """Asserted from outside the pathway (vetting, a certificate), not expected in the baseline."""
    context: bool = False
    """Recorded for context only (a body that existed once): no step or goal is expected to need it."""

    field_hints: ClassVar[dict[str, tuple[str, str]]] = {
        "constraints": ("conditions take no `constraints`",
                        "put the constraint on a step; a condition's attribute may list its `allowed` values"),
        "preconditions": ("conditions take no `preconditions`: a condition is asserted, not taken",
                          "make it a step if something must come first"),
        "sequence": ("conditions take no `sequence`: only steps are ordered", "remove it, or make it a step"),
    }


class Step(Strict):
    """One step of the pathway, numbered in its lane as the source numbers it."""

    id: Identifier
    title: Text
    actors: list[Text] = Field(min_length=1)
    sector: Sector | None = None
    """One of the paper's three lanes, where the rule set declares no `lanes:`."""
    lane: Identifier | None = None
    """The id of a declared lane (or, where none is declared, of one of the paper's three)."""
    sequence: int = Field(ge=0)
    """The paper's own number within its series: orders plans, breaks ties."""
    aliases: list[Text] = []
    terms: list[Text] = []
    """The source's own words about it, as a reader may recall them ("junior partner"): weak evidence for
    questions in words, never a name of it."""
    preconditions: list[Precondition] = []
    constraints: list[Constraint] = []
    attributes: list[Attribute] = []
    """What a fact recording it may carry; without them, only the attributes its constraints name."""
    citation: Citation
    note: Text | None = None


class Goal(Strict):
    """The end state: derived when its preconditions hold, never asserted."""

    id: Identifier = "goal"
    title: Text
    aliases: list[Text] = []
    terms: list[Text] = []
    """The source's own words about it, as a reader may recall them ("junior partner"): weak evidence for
    questions in words, never a name of it."""
    preconditions: list[Precondition] = Field(min_length=1)
    citation: Citation


class PathwayInfo(Strict):
    """What a rule set is and where it comes from."""

    id: Identifier
    title: Text
    source: Text | None = None


class Level(Strict):
    """One level of a spectrum of cooperation (the paper's Chart 1), lowest first."""

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
    when: When | None = None
    as_prescribed: bool = False
    """Only when the step was done as its constraints and required attributes prescribe."""
    prescribed_by: list[Identifier] = []
    """Other steps that must have been done as prescribed for it to happen (A6 joins A4's command: in
    Mexico only when A4 was done in Mexico)."""


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


class Synonyms(Strict):
    """Words a rule set's readers use for the same thing ("army" for SEDENA): questions match any of them."""

    same: list[Text] = Field(min_length=2, max_length=32)
    """Two or more words or phrases; the first is the one they are all read as."""
    note: Text | None = None


class RuleFile(Strict):
    """One YAML file under `rules/`; a rule set may be spread over several."""

    pathway: PathwayInfo | None = None
    conditions: list[Condition] = []
    steps: list[Step] = []
    goal: Goal | None = None
    goals: list[Goal] = []
    """Several goals, in order; `goal:` is the one-goal form (both may be given, with distinct ids)."""
    lanes: list[Lane] = []
    """The bands steps are drawn in, top to bottom; without them, the paper's three sectors."""
    spectrum: Spectrum | None = None
    choices: list[Choice] = []
    """The questions the text leaves open (`perimeter.pathway.readings`)."""
    profiles: list[Profile] = []
    vocabulary: list[Synonyms] = []
    """The rule set's own synonyms for questions in words (perimeter.answers.lexicon)."""

    field_hints: ClassVar[dict[str, tuple[str, str]]] = {
        key: (f"a rule file holds no `{key}`", "put them in a fact file and give it as facts")
        for key in ("facts", "measures")}


class Fact(Strict):
    """One fact: a step recorded as done, or a condition recorded as holding.

    The one fact value: fact files list them, the engine and its backends hold
    them, and the state file stores them (with the time they were recorded).
    Attributes (`location`, `leader`) are what constraints judge; values are
    trimmed here, once, so what is judged is what is stored.  Which attributes
    a fact may carry, and of what type, its step or condition declares (checked
    by `perimeter.pathway.facts.make_fact`, not here).
    """

    id: Identifier
    attributes: dict[Identifier, Value] = {}
    """At most 64 characters a name (an identifier), 256 a value."""
    source: Source | None = None
    """At most 1,000 characters."""
    citation: Citation | None = None
    started_without: tuple[Text, ...] = ()
    """For a step recorded by force: the preconditions needed only to start it
    (`to_start`) that did not hold when it was taken, by requirement id.  Each
    stays a breach however the facts change later; the state keeps them, a fact
    file cannot state them."""


class Measure(Strict):
    """A measure of cooperation a relationship has (or, with `in_place: false`, lacks)."""

    relationship: Identifier
    level: Identifier
    in_place: bool = True
    basis: Basis
    citation: Citation
    note: Text | None = None
    when: When | None = None


class FactFile(Strict):
    """One YAML file under `facts/`."""

    facts: list[Fact] = []
    measures: list[Measure] = []

    field_hints: ClassVar[dict[str, tuple[str, str]]] = {
        key: (f"a fact file holds no `{key}`", "put them in a rule file and give it as rules")
        for key in RuleFile.model_fields}
