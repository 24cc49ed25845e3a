"""Readings: the places where the text leaves a question open, as choices, and the profiles that pick.

A rule file may declare `choices:` (a question, the quotes it rests on, two
or more alternatives, the default and why) and `profiles:` (a name for one
alternative per choice).  A precondition, a constraint, a Chart 1 effect or
a 2013 measure written with `when: {CHOICE: ALTERNATIVE}` (or a list of
alternatives) counts only under a reading that picks one of them; everything
else counts under every reading.  A `Reading` is the selection in force: a
profile, adjusted choice by choice.  The state file stores facts, never a
reading, so one state is viewed under any.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from pydantic import Field

from ..errors import ReadingError
from ..suggest import close_matches, did_you_mean
from .basics import Citation, Identifier, Strict, Text

DEFAULT = "default"
"""The profile every rule set has: the default alternative of every choice."""

When = tuple[tuple[str, frozenset[str], str], ...]
"""A compiled `when:`: (choice, the alternatives it counts under, that choice's default), per choice named."""

KeyPath = tuple[str | int, ...]


# -- in the files ---------------------------------------------------------------

class Alternative(Strict):
    """One answer to a choice's question."""

    id: Identifier
    summary: Text
    note: Text | None = None


class Choice(Strict):
    """A question the text leaves open: the quotes it rests on, two or more answers, the default and why."""

    id: Identifier
    question: Text
    citations: list[Citation] = Field(min_length=1)
    alternatives: list[Alternative] = Field(min_length=2)
    default: Identifier
    reason: Text


class Profile(Strict):
    """A named reading: one alternative per choice (a choice it does not name takes its default)."""

    id: Identifier
    title: Text
    note: Text | None = None
    choices: dict[Identifier, Identifier] = {}


# -- compiled -----------------------------------------------------------------


@dataclass(frozen=True)
class Reading:
    """Which alternative of each choice is in force.

    `picks` holds the alternatives picked other than by default (a profile's,
    then `--choose`'s), in the rule set's order of choices; a choice it does
    not name takes its default.  `profile` names the profile it started from,
    and `chosen` the choices adjusted on top of it.  Hashable, so answers can
    be cached per reading.
    """

    profile: str = DEFAULT
    picks: tuple[tuple[str, str], ...] = ()
    chosen: tuple[tuple[str, str], ...] = ()

    def admits(self, when: When) -> bool:
        """Whether an entry written `when:` counts under this reading (always, for an empty `when`)."""
        if not when:
            return True
        picks = dict(self.picks)
        return all(picks.get(choice, default) in alternatives for choice, alternatives, default in when)

    def pick(self, choice: ChoiceRule) -> str:
        """The alternative of `choice` in force."""
        return dict(self.picks).get(choice.id, choice.default)

    def under(self, when: When) -> tuple[str, ...]:
        """`CHOICE=ALTERNATIVE` for each choice `when` names, with the alternative in force: what an
        answer resting on an entry written `when` depends on."""
        picks = dict(self.picks)
        return tuple(f"{choice}={picks.get(choice, default)}" for choice, _, default in when)

    @property
    def label(self) -> str:
        """The profile, and each choice adjusted on top of it: `least`, `default (a7=literal)`."""
        if not self.chosen:
            return self.profile
        return f"{self.profile} (" + ", ".join(f"{c}={a}" for c, a in self.chosen) + ")"


@dataclass(frozen=True)
class AlternativeRule:
    """One answer to a choice's question."""

    id: str
    summary: str
    note: str | None = None


@dataclass(frozen=True)
class ChoiceRule:
    """A question the text leaves open, with its alternatives and the default."""

    id: str
    question: str
    citations: tuple[Citation, ...]
    alternatives: tuple[AlternativeRule, ...]
    default: str
    reason: str

    def alternative(self, id_: str) -> AlternativeRule:
        """The alternative `id_` names (as written)."""
        return next(a for a in self.alternatives if a.id == id_)


@dataclass(frozen=True)
class ProfileRule:
    """A named reading: one alternative per choice (a choice it does not name takes its default)."""

    id: str
    title: str
    picks: tuple[tuple[str, str], ...]
    note: str | None = None


@dataclass(frozen=True)
class Readings:
    """Every choice and profile of a rule set, in file order; the default profile first."""

    choices: dict[str, ChoiceRule] = field(default_factory=dict)
    profiles: dict[str, ProfileRule] = field(default_factory=dict)

    def reading(self, profile: str | None = None, choose: Mapping[str, str] | Iterable[tuple[str, str]] = ()) -> Reading:
        """The reading `profile` (default: the default one) gives, with `choose` (choice -> alternative)
        adjusted on top.  Ids match without case; an unknown one is a ReadingError with a did-you-mean."""
        chosen_profile = self._profile(profile or DEFAULT)
        picks = dict(chosen_profile.picks)
        adjusted = []
        for written_choice, written_alternative in _pairs(choose):
            choice = self._choice(written_choice)
            alternative = self._alternative(choice, written_alternative)
            picks[choice.id] = alternative
            adjusted.append((choice.id, alternative))
        ordered = tuple((c, picks[c]) for c in self.choices if c in picks and picks[c] != self.choices[c].default)
        return Reading(chosen_profile.id, ordered, tuple(adjusted))

    def resolve(self, reading: Reading | str | None = None,
                choose: Mapping[str, str] | Iterable[tuple[str, str]] = ()) -> Reading:
        """`reading` as a `Reading` of this rule set: one given (with `choose` on top), or a profile's id."""
        if isinstance(reading, Reading):
            return self.reading(reading.profile, [*reading.picks, *_pairs(choose)]) if choose else reading
        return self.reading(reading, choose)

    def compiled(self, written: Mapping[str, str | list[str]] | None) -> When:
        """A `when:` already checked at load (unknown names are left out), as the test `Reading.admits` takes."""
        if not written:
            return ()
        tests = []
        for written_choice, given in written.items():
            found = folded(written_choice, self.choices)
            if found is not None:
                choice = self.choices[found]
                ids = [a.id for a in choice.alternatives]
                alternatives = {folded(a, ids) for a in ([given] if isinstance(given, str) else given)}
                tests.append((found, frozenset(a for a in alternatives if a is not None), choice.default))
        return tuple(tests)

    def _profile(self, written: str) -> ProfileRule:
        found = folded(written, self.profiles)
        if found is None:
            matches = close_matches(written, list(self.profiles))
            raise ReadingError(f"the rule set has no reading profile '{written}'",
                               hint=did_you_mean(matches) or "profiles: " + ", ".join(self.profiles),
                               candidates=matches)
        return self.profiles[found]

    def _choice(self, written: str) -> ChoiceRule:
        found = folded(written, self.choices)
        if found is None:
            matches = close_matches(written, list(self.choices))
            known = ", ".join(self.choices) or "none"
            raise ReadingError(f"the rule set has no choice '{written}'",
                               hint=did_you_mean(matches) or f"choices: {known}", candidates=matches)
        return self.choices[found]

    @staticmethod
    def _alternative(choice: ChoiceRule, written: str) -> str:
        ids = [a.id for a in choice.alternatives]
        found = folded(written, ids)
        if found is None:
            matches = close_matches(written, ids)
            raise ReadingError(f"choice '{choice.id}' has no alternative '{written}'",
                               hint=did_you_mean(matches) or "its alternatives: " + ", ".join(ids),
                               candidates=matches)
        return found


def parse_choose(texts: Sequence[str]) -> list[tuple[str, str]]:
    """`CHOICE=ALTERNATIVE` texts as pairs; a text without `=` is a ReadingError saying how to write it."""
    pairs = []
    for text in texts:
        choice, equals, alternative = text.partition("=")
        if not equals or not choice.strip() or not alternative.strip():
            raise ReadingError(f"'{text}' does not pick an alternative", hint="write CHOICE=ALTERNATIVE")
        pairs.append((choice.strip(), alternative.strip()))
    return pairs


def _pairs(choose: Mapping[str, str] | Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    return list(choose.items() if isinstance(choose, Mapping) else choose)


def folded(written: str, ids: Iterable[str]) -> str | None:
    key = written.strip().casefold()
    return next((i for i in ids if i.casefold() == key), None)
