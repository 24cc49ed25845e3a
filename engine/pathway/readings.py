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
from typing import TYPE_CHECKING

from pydantic import Field

from .. import codes
from ..errors import Diagnostic, ReadingError
from ..files.read import SourceMap
from ..suggest import close_matches, did_you_mean
from .basics import Citation, Identifier, Strict, Text

if TYPE_CHECKING:
    from .model import Goal, RuleFile, Step

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
            found = _folded(written_choice, self.choices)
            if found is not None:
                choice = self.choices[found]
                ids = [a.id for a in choice.alternatives]
                alternatives = {_folded(a, ids) for a in ([given] if isinstance(given, str) else given)}
                tests.append((found, frozenset(a for a in alternatives if a is not None), choice.default))
        return tuple(tests)

    def _profile(self, written: str) -> ProfileRule:
        found = _folded(written, self.profiles)
        if found is None:
            matches = close_matches(written, list(self.profiles))
            raise ReadingError(f"the rule set has no reading profile '{written}'",
                               hint=did_you_mean(matches) or "profiles: " + ", ".join(self.profiles),
                               candidates=matches)
        return self.profiles[found]

    def _choice(self, written: str) -> ChoiceRule:
        found = _folded(written, self.choices)
        if found is None:
            matches = close_matches(written, list(self.choices))
            known = ", ".join(self.choices) or "none"
            raise ReadingError(f"the rule set has no choice '{written}'",
                               hint=did_you_mean(matches) or f"choices: {known}", candidates=matches)
        return self.choices[found]

    @staticmethod
    def _alternative(choice: ChoiceRule, written: str) -> str:
        ids = [a.id for a in choice.alternatives]
        found = _folded(written, ids)
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


def _folded(written: str, ids: Iterable[str]) -> str | None:
    key = written.strip().casefold()
    return next((i for i in ids if i.casefold() == key), None)


# -- compiling ----------------------------------------------------------------

def check_readings(files: Sequence[tuple[RuleFile, SourceMap]], diagnostics: list[Diagnostic]) -> Readings:
    """The choices and profiles of `files`, checked: ids unique (without case), at least two
    alternatives each, a default among them, profiles naming known choices and alternatives."""
    choices: dict[str, ChoiceRule] = {}
    seen: dict[str, str] = {}
    for rule_file, source in files:
        for i, choice in enumerate(rule_file.choices):
            path: KeyPath = ("choices", i)
            if choice.id.casefold() in seen:
                diagnostics.append(source.diagnostic(path + ("id",), codes.DUPLICATE_CHOICE,
                                                     f"choice '{choice.id}' is declared twice", "give it another id"))
                continue
            seen[choice.id.casefold()] = choice.id
            alternatives = [a.id.casefold() for a in choice.alternatives]
            repeated = sorted({a.id for a in choice.alternatives if alternatives.count(a.id.casefold()) > 1})
            if repeated:
                diagnostics.append(source.diagnostic(
                    path + ("alternatives",), codes.BAD_CHOICE,
                    f"choice '{choice.id}' lists alternative {', '.join(repeated)} twice", "give each its own id"))
                continue
            default = _folded(choice.default, [a.id for a in choice.alternatives])
            if default is None:
                matches = close_matches(choice.default, [a.id for a in choice.alternatives])
                diagnostics.append(source.diagnostic(
                    path + ("default",), codes.BAD_CHOICE,
                    f"choice '{choice.id}' defaults to '{choice.default}', which is not one of its alternatives",
                    did_you_mean(matches) or "name one of " + ", ".join(a.id for a in choice.alternatives), matches))
                default = choice.alternatives[0].id  # kept, so what names the choice is not reported too
            choices[choice.id] = ChoiceRule(
                choice.id, choice.question, tuple(choice.citations),
                tuple(AlternativeRule(a.id, a.summary, a.note) for a in choice.alternatives), default, choice.reason)
    profiles = {DEFAULT: ProfileRule(DEFAULT, "The default reading: the default alternative of every choice", ())}
    for rule_file, source in files:
        for i, profile in enumerate(rule_file.profiles):
            path = ("profiles", i)
            if _folded(profile.id, profiles) is not None:
                diagnostics.append(source.diagnostic(
                    path + ("id",), codes.DUPLICATE_CHOICE, f"profile '{profile.id}' is declared twice"
                    + (" (every rule set has the default profile)" if profile.id.casefold() == DEFAULT else ""),
                    "give it another id"))
                continue
            picks = []
            for written_choice, written_alternative in profile.choices.items():
                where = path + ("choices", written_choice)
                found = _folded(written_choice, choices)
                if found is None:
                    matches = close_matches(written_choice, list(choices))
                    diagnostics.append(source.diagnostic(
                        where, codes.UNKNOWN_CHOICE, f"profile '{profile.id}' picks for '{written_choice}', "
                        "which is not a declared choice", did_you_mean(matches) or "declare it under `choices:`",
                        matches))
                    continue
                alternative = _folded(written_alternative, [a.id for a in choices[found].alternatives])
                if alternative is None:
                    ids = [a.id for a in choices[found].alternatives]
                    matches = close_matches(written_alternative, ids)
                    diagnostics.append(source.diagnostic(
                        where, codes.UNKNOWN_CHOICE, f"choice '{found}' has no alternative '{written_alternative}'",
                        did_you_mean(matches) or "its alternatives: " + ", ".join(ids), matches))
                    continue
                picks.append((found, alternative))
            order = list(choices)
            profiles[profile.id] = ProfileRule(profile.id, profile.title,
                                               tuple(sorted(picks, key=lambda p: order.index(p[0]))), profile.note)
    return Readings(choices, profiles)


def compile_when(written: Mapping[str, str | list[str]] | None, readings: Readings, source: SourceMap,
                 path: KeyPath, diagnostics: list[Diagnostic]) -> When:
    """A `when:` as the reading test it stands for; an unknown choice or alternative is a diagnostic."""
    if not written:
        return ()
    compiled = []
    for written_choice, given in written.items():
        found = _folded(written_choice, readings.choices)
        if found is None:
            matches = close_matches(written_choice, list(readings.choices))
            diagnostics.append(source.diagnostic(
                path + ("when", written_choice), codes.UNKNOWN_CHOICE,
                f"'when' names '{written_choice}', which is not a declared choice",
                did_you_mean(matches) or "declare it under `choices:`", matches))
            continue
        choice = readings.choices[found]
        ids = [a.id for a in choice.alternatives]
        alternatives = set()
        for text in [given] if isinstance(given, str) else given:
            alternative = _folded(text, ids)
            if alternative is None:
                matches = close_matches(text, ids)
                diagnostics.append(source.diagnostic(
                    path + ("when", written_choice), codes.UNKNOWN_CHOICE,
                    f"choice '{found}' has no alternative '{text}'",
                    did_you_mean(matches) or "its alternatives: " + ", ".join(ids), matches))
                continue
            alternatives.add(alternative)
        compiled.append((found, frozenset(alternatives), choice.default))
    return tuple(compiled)


def check_whens(files: Sequence[tuple[RuleFile, SourceMap]], readings: Readings,
                diagnostics: list[Diagnostic]) -> None:
    """Every `when:` of the rule files (preconditions, constraints, Chart 1 effects) names a declared
    choice and alternatives of it."""
    for rule_file, source in files:
        needing: list[tuple[KeyPath, Step | Goal]] = [
            *((("steps", i), s) for i, s in enumerate(rule_file.steps)),
            *((("goals", i), g) for i, g in enumerate(rule_file.goals)),
            *([(("goal",), rule_file.goal)] if rule_file.goal is not None else [])]
        for path, node in needing:
            for j, pre in enumerate(node.preconditions):
                compile_when(pre.when, readings, source, (*path, "preconditions", j), diagnostics)
        for i, step in enumerate(rule_file.steps):
            for j, constraint in enumerate(step.constraints):
                compile_when(constraint.when, readings, source, ("steps", i, "constraints", j), diagnostics)
        if rule_file.spectrum is not None:
            for k, effect in enumerate(rule_file.spectrum.effects):
                compile_when(effect.when, readings, source, ("spectrum", "effects", k), diagnostics)
