"""Questions of a known shape, read beside the ranking: what the words alone would get wrong.

"what is SEMAR and which forces does it command" asks about SEMAR whatever else
it says (`defined`); "the last security-sector step" counts the steps of a lane
(`counted`); "what comes after the interagency teams" asks about the step that
follows the one it names (`ordered`, then `neighbours`).
"""

from __future__ import annotations

import re
from collections.abc import Collection

from ..pathway.compiled import Pathway
from .lexicon import tokens
from .index import index_of

_DEFINE = re.compile(r"^(?:what|who)\s+(?:is|was|are|were)\s+(.+?)\s*(?:\band\b|$)")
"""A question asking what something is, by name, before anything else: "what is SEMAR and which forces ..."."""


def defined(pathway: Pathway, text: str) -> str | None:
    """The one target whose title or alias is the name a "what is NAME" question starts with."""
    asked = _DEFINE.match(" ".join(tokens(text)))
    if asked is None:
        return None
    index = index_of(pathway)
    named = index.content.get(" ".join(index.lexicon.fold(asked.group(1))), ())
    return named[0] if len(named) == 1 else None


_ORDINAL = re.compile(r"\b(first|opening|initial|earliest|last|final|closing|capstone)\b(?:\s+[\w'-]+){0,3}?\s+"
                      r"(?:step|thing|move|stage|measure|proposal)\b")
"""A question counting steps: "the first security-sector step", "the last thing on the defense side"."""


def counted(pathway: Pathway, text: str) -> str | None:
    """The first or last step of the one lane the question names by a word no other lane has."""
    said = text.casefold()
    ordinal = _ORDINAL.search(said)
    if ordinal is None:
        return None
    fold = index_of(pathway).lexicon.fold
    asked = set(fold(said))
    lane_words = {lane: set(fold(f"{lane} {title}")) for lane, title in pathway.lanes.items()}
    named = [lane for lane, own in lane_words.items()
             if own & asked - set().union(*(w for other, w in lane_words.items() if other != lane))]
    steps = [s for s in pathway.steps.values() if not s.derived and s.lane in named]
    if len(named) != 1 or not steps:
        return None
    last = ordinal.group(1) not in ("first", "opening", "initial", "earliest")
    return (max if last else min)(steps, key=lambda s: s.sequence).id


_AFTER = re.compile(
    r"\b(?:what|which)\b[\w\s']{0,30}?\b(?:comes?|happens?|follows?|is|would\s+be)\s+(?:next\s+)?after\s+(?P<a>.+)"
    r"|\bnext\s+(?:step|move|stage|thing)\s+after\s+(?P<b>.+)"
    r"|^(?:after|once)\s+(?P<c>[^,;:?]+)[,;:]\s*(?:what|which)\b.*\bnext\b"
    r"|\b(?:what|which)\b[\w\s']{0,20}?\bfollows\s+(?P<d>.+)")
"""A question asking for the step after one it names: "what comes after the interagency teams", "once Mexico has
a joint command, what's the next step"."""
_BEFORE = re.compile(r"\b(?:step|one|thing|move|stage)\s+(?:right|just|immediately|directly)\s+before\s+(?P<a>.+)")
"""A question asking for the step just before one it names: "the step right before the perimeter" (not "what
comes before X": that asks what X needs)."""


def ordered(text: str) -> tuple[bool, str] | None:
    """(after, the words naming the step it counts from) when the question asks for the step after (True) or
    just before (False) one it names, else None."""
    said = " ".join(text.casefold().replace("’", "'").replace("what's", "what is").split()).rstrip("?. ")
    for after, pattern in ((True, _AFTER), (False, _BEFORE)):
        found = pattern.search(said)
        if found is not None:
            return after, next(g for g in found.groups() if g is not None).strip(" ,;:-")
    return None


def neighbours(pathway: Pathway, named: Collection[str], after: bool) -> tuple[str, ...]:
    """The steps (and goals) right after the named ones, that need one of them (those needing most of them),
    or the steps right before them, that one of them needs, as the paper states them: in the rule set's order."""
    if after:
        needing = {s: sum(1 for n in named if any(n in r.needs for r in pathway.preconditions(s)))
                   for s in pathway.steps if s not in named}
        most = max(needing.values(), default=0)
        found = [s for s, count in needing.items() if count and count == most]
    else:
        found = [n for s in named if s in pathway.steps for r in pathway.preconditions(s) for n in r.needs
                 if n in pathway.steps and n not in named]
    return tuple(sorted(set(found), key=pathway.order_key))
