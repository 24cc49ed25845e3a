"""The compiled rule set: an immutable, checked graph of steps and conditions.

Everything above the loader (evaluators, explanations, plans) works on these
values, never on raw YAML, so they can trust that every reference resolves and
the precondition graph has no cycle.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from ..pathway.model import Basis, Citation, Effect, Level, Relationship, Sector


class Mode(str, Enum):
    """Which preconditions count.

    `implied` (the default) applies what the paper states and what its wording
    implies; `stated` applies only what it states, to show what the text itself
    demands.
    """

    STATED = "stated"
    IMPLIED = "implied"

    def admits(self, basis: Basis) -> bool:
        """Whether a precondition of `basis` counts under this mode."""
        return self is Mode.IMPLIED or basis is Basis.STATED


class Kind(str, Enum):
    """What an id names."""

    STEP = "step"
    CONDITION = "condition"
    GOAL = "goal"


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
    """One precondition of one step, resolved: `step` needs `need`."""

    step: str
    need: str
    kind: Kind
    basis: Basis
    citation: Citation
    note: str | None
    location: Location


@dataclass(frozen=True)
class ConstraintRule:
    """How `step` must be done: its fact's `attribute`, if given, is in `allowed`."""

    step: str
    attribute: str
    allowed: tuple[str, ...]
    basis: Basis
    citation: Citation
    note: str | None
    location: Location

    def accepts(self, value: str) -> bool:
        """Whether `value` is one of the allowed ones, compared without case."""
        return value.casefold() in {a.casefold() for a in self.allowed}


@dataclass(frozen=True)
class StepRule:
    """A step (or the goal, with `kind` GOAL and `derived` set) as compiled."""

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

    @property
    def derived(self) -> bool:
        """The goal is concluded from its preconditions, never asserted."""
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

    `steps` keeps file order (the author's order) and includes the goal last.
    `fingerprint` identifies the rule set's content, so stored state can
    refuse to be used with another rule set.  Compared and hashed by identity,
    so caches can key on it.
    """

    id: str
    title: str
    source: str | None
    steps: dict[str, StepRule]
    conditions: dict[str, ConditionRule]
    goal: str | None
    files: tuple[str, ...]
    fingerprint: str
    spectrum: SpectrumRules | None = None
    _folded: dict[str, str] = field(repr=False, compare=False, default_factory=dict)
    _position: dict[str, int] = field(repr=False, compare=False, default_factory=dict)

    def __post_init__(self) -> None:
        folded = {key.casefold(): key for key in (*self.steps, *self.conditions)}
        object.__setattr__(self, "_folded", folded)
        position = {key: i for i, key in enumerate((*self.conditions, *self.steps))}
        object.__setattr__(self, "_position", position)

    def canonical(self, text: str) -> str | None:
        """The id `text` names, ignoring case, or None.  `goal` names the goal, whatever its id."""
        folded = text.strip().casefold()
        found = self._folded.get(folded)
        if found is None and folded == "goal":
            return self.goal
        return found

    def title_of(self, id_: str) -> str:
        """The title of the step or condition `id_`."""
        node = self.steps.get(id_) or self.conditions[id_]
        return node.title

    def preconditions(self, step: str, mode: Mode = Mode.IMPLIED) -> tuple[Requirement, ...]:
        """What `step` needs under `mode`."""
        return tuple(r for r in self.steps[step].preconditions if mode.admits(r.basis))

    def requirements(self, mode: Mode = Mode.IMPLIED) -> list[Requirement]:
        """Every precondition in force under `mode`, in file order."""
        return [r for step in self.steps for r in self.preconditions(step, mode)]

    def assertable(self, id_: str) -> bool:
        """Whether a fact may name `id_`: any step or condition but the derived goal."""
        return id_ in self.conditions or (id_ in self.steps and not self.steps[id_].derived)

    def order_key(self, id_: str) -> tuple[int, int, str]:
        """Ties in plans break by sequence number, then by the author's order."""
        sequence = self.steps[id_].sequence if id_ in self.steps else -1
        return (sequence, self._position[id_], id_)
