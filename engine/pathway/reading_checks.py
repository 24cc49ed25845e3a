"""The compile passes for readings: choices and profiles checked, and every `when:` resolved.

They run beside the other passes (`perimeter.pathway.compile`) and add to the
same list of diagnostics; the values they build are `perimeter.pathway.readings`'.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from .. import codes
from ..errors import Diagnostic
from ..files.read import SourceMap
from ..suggest import close_matches, did_you_mean
from .model import Goal, RuleFile, Step
from .readings import DEFAULT, AlternativeRule, ChoiceRule, KeyPath, ProfileRule, Readings, When, folded


def check_readings(files: Sequence[tuple[RuleFile, SourceMap]], diagnostics: list[Diagnostic]) -> Readings:
    """The choices and profiles of `files`, checked: ids unique (without case), at least two
    alternatives each, a default among them, profiles naming known choices and alternatives."""
    choices: dict[str, ChoiceRule] = {}
    seen: dict[str, str] = {}
    for rule_file, source in files:
        for i, choice in enumerate(rule_file.choices):
            path: KeyPath = ("choices", i)
            earlier = seen.get(choice.id.casefold())
            if earlier is not None:
                again = "" if earlier == choice.id else f", here as '{choice.id}'"
                diagnostics.append(source.diagnostic(path + ("id",), codes.DUPLICATE_CHOICE,
                                                     f"choice '{earlier}' is declared twice{again}", "give it another id"))
                continue
            seen[choice.id.casefold()] = choice.id
            kept: dict[str, AlternativeRule] = {}
            for j, offered in enumerate(choice.alternatives):
                first = kept.get(offered.id.casefold())
                if first is not None:  # the first is kept, so a `when:` naming it is not reported too
                    again = "" if first.id == offered.id else f", here as '{offered.id}'"
                    diagnostics.append(source.diagnostic(
                        path + ("alternatives", j, "id"), codes.BAD_CHOICE,
                        f"choice '{choice.id}' lists alternative '{first.id}' twice{again}",
                        "give each alternative its own id, or remove this one"))
                    continue
                kept[offered.id.casefold()] = AlternativeRule(offered.id, offered.summary, offered.note)
            ids = [a.id for a in kept.values()]
            default = folded(choice.default, ids)
            if default is None:
                matches = close_matches(choice.default, ids)
                diagnostics.append(source.diagnostic(
                    path + ("default",), codes.BAD_CHOICE,
                    f"choice '{choice.id}' defaults to '{choice.default}', which is not one of its alternatives",
                    did_you_mean(matches) or "name one of " + ", ".join(ids), matches))
                default = ids[0]  # kept, so what names the choice is not reported too
            choices[choice.id] = ChoiceRule(choice.id, choice.question, tuple(choice.citations),
                                            tuple(kept.values()), default, choice.reason)
    profiles = {DEFAULT: ProfileRule(DEFAULT, "The default reading: the default alternative of every choice", ())}
    for rule_file, source in files:
        for i, profile in enumerate(rule_file.profiles):
            path = ("profiles", i)
            if profile.id.casefold() == DEFAULT:
                diagnostics.append(source.diagnostic(
                    path + ("id",), codes.DUPLICATE_CHOICE,
                    f"the profile id '{profile.id}' is reserved for the default reading, which every rule set has",
                    "give it another id; to change what the default reading picks, change the choices' `default:`"))
                continue
            earlier = folded(profile.id, profiles)
            if earlier is not None:
                again = "" if earlier == profile.id else f", here as '{profile.id}'"
                diagnostics.append(source.diagnostic(
                    path + ("id",), codes.DUPLICATE_CHOICE, f"profile '{earlier}' is declared twice{again}",
                    "give it another id"))
                continue
            picks = []
            for written_choice, written_alternative in profile.choices.items():
                where = path + ("choices", written_choice)
                found = folded(written_choice, choices)
                if found is None:
                    matches = close_matches(written_choice, list(choices))
                    diagnostics.append(source.diagnostic(
                        where, codes.UNKNOWN_CHOICE, f"profile '{profile.id}' picks for '{written_choice}', "
                        "which is not a declared choice", did_you_mean(matches) or "declare it under `choices:`",
                        matches))
                    continue
                alternative = folded(written_alternative, [a.id for a in choices[found].alternatives])
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
        found = folded(written_choice, readings.choices)
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
            alternative = folded(text, ids)
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
