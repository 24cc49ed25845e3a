"""The compiled rule set: an immutable, checked graph of steps and conditions.

Everything above the loader (evaluators, explanations, plans) works on these
values, never on raw YAML, so they can trust that every reference resolves and
the precondition graph has no cycle.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from enum import Enum

from ..errors import AmbiguousTargetError
from ..pathway import values
from ..pathway.model import AttributeType, Basis, Citation, Effect, Level, Relationship, Sector
from ..pathway.readings import Reading as Reading
from ..pathway.readings import Readings, When

PAPER_LANES = {"defense": "Defense sector", "cross-sector": "Across both sectors", "security": "Security sector"}
"""The lanes of a rule set that declares none: the paper's sectors, top to bottom as Chart 6 draws them."""


DEFAULT_READING = Reading()
"""The default alternative of every choice: the reading answers are given under unless asked otherwise."""


class Kind(str, Enum):
    """What an id names."""

    STEP = "step"
    CONDITION = "condition"
    GOAL = "goal"
    ANY_OF = "any-of"
    """A precondition met by any one of several steps or conditions."""
    AT_LEAST = "at-least"
    """A precondition met by K of several steps or conditions."""


@dataclass(frozen=True)
class Location:
    """Where an entry was written, for messages that point back at the file."""

    file: str
    line: int
    col: int = 1

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True)
class Requirement:
    """One precondition of one step, resolved: `step` needs `at_least` of `needs`.

    A plain `requires: X` has `needs == (X,)` and `at_least == 1`; its `id` is
    X, so conclusions name it as before.  An alternative (`any_of`) or a k of n
    (`at_least`) has an id of its own, built from its members ("A3|A5",
    "2 of T1|T2|T3"), which is what an evaluation lists as unmet.
    """

    step: str
    needs: tuple[str, ...]
    at_least: int
    kind: Kind
    """The need's kind for a plain requirement; ANY_OF or AT_LEAST for a group."""
    basis: Basis
    citation: Citation
    note: str | None
    location: Location
    to_start: bool = False
    """Needed to take the step, not to keep it done."""
    id: str = ""
    when: When = ()
    """The alternatives of choices under which it counts; () under every reading."""

    def __post_init__(self) -> None:
        if not self.id:
            object.__setattr__(self, "id", requirement_id(self.needs, self.at_least))

    @property
    def need(self) -> str:
        """The one id a plain requirement names (a group's own id otherwise)."""
        return self.id if self.grouped else self.needs[0]

    @property
    def grouped(self) -> bool:
        """Whether it names several ids (an alternative or a k of n)."""
        return len(self.needs) > 1

    def met_by(self, holds: Collection[str]) -> bool:
        """Whether enough of its needs are in `holds`."""
        if len(self.needs) == 1:
            return self.needs[0] in holds
        return sum(1 for n in self.needs if n in holds) >= self.at_least


def requirement_id(needs: Sequence[str], at_least: int) -> str:
    """A precondition's id: the need itself, or its members joined ("A3|A5", "2 of T1|T2|T3")."""
    if len(needs) == 1 and at_least == 1:
        return needs[0]
    members = "|".join(needs)
    return members if at_least == 1 else f"{at_least} of {members}"


@dataclass(frozen=True)
class AttributeRule:
    """An attribute a step's or condition's fact may carry, as declared.

    A step that declares none takes the attributes its constraints name (as
    text, not required); a condition that declares none takes none.
    """

    name: str
    type: AttributeType
    required: bool
    allowed: tuple[str, ...]
    """The values it may take at all; () for any value of its type."""
    citation: Citation | None
    note: str | None
    location: Location

    def admits(self, value: str) -> bool:
        """Whether `value` is one of `allowed` (any value when none is listed), compared by key."""
        return not self.allowed or values.key(self.type, value) in {values.key(self.type, a) for a in self.allowed}


@dataclass(frozen=True)
class ConstraintRule:
    """How `step` must be done: its fact's `attribute`, if given, is in `allowed`, or within `minimum`/`maximum`.

    `accepts` is the one definition of an acceptable value: the reference
    evaluator calls it, and the durable-rules adapter either joins on `key`s
    of the allowed values or is handed its verdict (see `perimeter.backends.durable`).
    """

    step: str
    attribute: str
    allowed: tuple[str, ...]
    basis: Basis
    citation: Citation
    note: str | None
    location: Location
    type: AttributeType = AttributeType.TEXT
    minimum: str | None = None
    maximum: str | None = None
    when: When = ()

    @property
    def bounded(self) -> bool:
        """Whether it sets a `min` or `max` (otherwise it lists the allowed values)."""
        return self.minimum is not None or self.maximum is not None

    def key(self, value: str) -> str:
        """What `value` is compared as: folded text, a number's shortest form, an ISO date."""
        return values.key(self.type, value)

    def accepts(self, value: str) -> bool:
        """Whether `value` is allowed: one of `allowed` by key, or a number or date within the bounds."""
        if not self.bounded:
            return self.key(value) in {self.key(a) for a in self.allowed}
        given = values.ordered(self.type, value)
        low = values.ordered(self.type, self.minimum) if self.minimum is not None else None
        high = values.ordered(self.type, self.maximum) if self.maximum is not None else None
        if given is None or (low is not None and type(low) is not type(given)):
            return False
        return (low is None or low <= given) and (high is None or given <= high)  # type: ignore[operator]


@dataclass(frozen=True)
class StepRule:
    """A step (or a goal, with `kind` GOAL and `derived` set) as compiled.

    `lane` is the id of the lane it is drawn in (None for a goal, and for a
    step that names none); `sector` is kept as the file gives it.
    """

    id: str
    kind: Kind
    title: str
    actors: tuple[str, ...]
    sector: Sector | None
    sequence: int
    aliases: tuple[str, ...]
    preconditions: tuple[Requirement, ...]
    constraints: tuple[ConstraintRule, ...]
    citation: Citation
    note: str | None
    location: Location
    lane: str | None = None
    attributes: tuple[AttributeRule, ...] = ()
    """What its fact may carry (declared, or named by its constraints); () for a goal."""
    terms: tuple[str, ...] = ()
    """The source's own words about it: weak evidence for questions in words."""

    def constraint_on(self, attribute: str) -> ConstraintRule | None:
        """The constraint on `attribute` (its declared spelling), if any."""
        return next((c for c in self.constraints if c.attribute == attribute), None)

    @property
    def derived(self) -> bool:
        """A goal is concluded from its preconditions, never asserted."""
        return self.kind is Kind.GOAL


@dataclass(frozen=True)
class Involvement:
    """One thing a condition involves, with where the paper says so."""

    text: str
    citation: Citation


@dataclass(frozen=True)
class ConditionRule:
    """A named condition that is not a step."""

    id: str
    title: str
    description: str | None
    aliases: tuple[str, ...]
    involves: tuple[Involvement, ...]
    citation: Citation | None
    location: Location
    attributes: tuple[AttributeRule, ...] = ()
    """What its fact may carry; () takes none."""
    external: bool = False
    """Asserted from outside the pathway: `check` does not call what needs it unreachable."""
    context: bool = False
    """Recorded for context only: `check` does not call it not needed (and warns if something needs it)."""
    terms: tuple[str, ...] = ()
    """The source's own words about it: weak evidence for questions in words."""

    kind: Kind = field(default=Kind.CONDITION, init=False)


@dataclass(frozen=True)
class SpectrumRules:
    """A checked spectrum: its levels in order, the relationships on it, and step effects."""

    title: str
    citation: Citation
    levels: tuple[Level, ...]
    floor: int
    """Index of the first level that is a measure (diplomatic relations); below it, states."""
    relationships: dict[str, Relationship]
    effects: tuple[Effect, ...]

    def index(self, level: str) -> int:
        """The position of the level `level` on the spectrum, lowest first."""
        return next(i for i, candidate in enumerate(self.levels) if candidate.id == level)


@dataclass(frozen=True, eq=False)
class Pathway:
    """A checked rule set.  Build it with `perimeter.compile.compile_pathway`.

    `steps` keeps file order (the author's order) and includes the goals last;
    `goals` names them in file order.  `lanes` maps each lane's id to its
    title, top to bottom (the paper's three sectors when the files declare none).
    `fingerprint` identifies the rule set's content, so stored state can
    refuse to be used with another rule set.  Compared and hashed by identity,
    so caches can key on it.
    """

    id: str
    title: str
    source: str | None
    steps: dict[str, StepRule]
    conditions: dict[str, ConditionRule]
    goals: tuple[str, ...]
    files: tuple[str, ...]
    fingerprint: str
    spectrum: SpectrumRules | None = None
    lanes: dict[str, str] = field(default_factory=lambda: dict(PAPER_LANES))
    readings: Readings = field(default_factory=Readings)
    """The choices the text leaves open and the profiles that pick among them."""
    vocabulary: tuple[tuple[str, ...], ...] = ()
    """The rule files' synonym groups (`vocabulary:`), for questions in words."""
    _folded: dict[str, str] = field(repr=False, compare=False, default_factory=dict)
    _position: dict[str, int] = field(repr=False, compare=False, default_factory=dict)

    def __post_init__(self) -> None:
        folded = {key.casefold(): key for key in (*self.steps, *self.conditions)}
        object.__setattr__(self, "_folded", folded)
        position = {key: i for i, key in enumerate((*self.conditions, *self.steps))}
        object.__setattr__(self, "_position", position)

    @property
    def goal(self) -> str | None:
        """The only goal; None when there is none, or several (then see `goals`)."""
        return self.goals[0] if len(self.goals) == 1 else None

    def canonical(self, text: str) -> str | None:
        """The id `text` names, ignoring case, or None.

        `goal` names the only goal, whatever its id; with several goals (and
        none of them with the id `goal`) it is an AmbiguousTargetError listing them.
        """
        folded = text.strip().casefold()
        found = self._folded.get(folded)
        if found is None and folded == "goal":
            if len(self.goals) > 1:
                listed = ", ".join(f"{g} ({self.title_of(g)})" for g in self.goals)
                raise AmbiguousTargetError(f"'{text.strip()}' could mean {listed}", candidates=self.goals,
                                           hint="name the goal by its id")
            return self.goal
        return found

    def title_of(self, id_: str) -> str:
        """The title of the step or condition `id_`."""
        node = self.steps.get(id_) or self.conditions[id_]
        return node.title

    def preconditions(self, step: str, reading: Reading = DEFAULT_READING) -> tuple[Requirement, ...]:
        """What `step` needs under `reading`."""
        return tuple(r for r in self.steps[step].preconditions if reading.admits(r.when))

    def requirements(self, reading: Reading = DEFAULT_READING) -> list[Requirement]:
        """Every precondition in force under `reading`, in file order."""
        return [r for step in self.steps for r in self.preconditions(step, reading)]

    def constraints(self, step: str, reading: Reading = DEFAULT_READING) -> tuple[ConstraintRule, ...]:
        """How `step` must be done under `reading`."""
        return tuple(c for c in self.steps[step].constraints if reading.admits(c.when))

    def choices_of(self, id_: str) -> tuple[str, ...]:
        """The choices whose alternatives touch `id_`: its preconditions, constraints and Chart 1 effects."""
        named: list[str] = []
        rule = self.steps.get(id_)
        for when in [*(r.when for r in (rule.preconditions if rule else ())),
                     *(c.when for c in (rule.constraints if rule else ())),
                     *(self.readings.compiled(e.when) for e in (self.spectrum.effects if self.spectrum else ())
                       if e.step == id_)]:
            named += [choice for choice, _, _ in when]
        return tuple(c for c in self.readings.choices if c in named)

    def effects(self, reading: Reading = DEFAULT_READING) -> tuple[Effect, ...]:
        """The Chart 1 effects in force under `reading` (none without a spectrum)."""
        if self.spectrum is None:
            return ()
        return tuple(e for e in self.spectrum.effects if reading.admits(self.readings.compiled(e.when)))

    def assertable(self, id_: str) -> bool:
        """Whether a fact may name `id_`: any step or condition but the derived goal."""
        return id_ in self.conditions or (id_ in self.steps and not self.steps[id_].derived)

    def order_key(self, id_: str) -> tuple[int, int, str]:
        """Ties in plans break by sequence number, then by the author's order."""
        sequence = self.steps[id_].sequence if id_ in self.steps else -1
        return (sequence, self._position[id_], id_)
