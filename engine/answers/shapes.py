"""Questions of a known shape, read beside the ranking: what the words alone would get wrong.

"what is SEMAR and which forces does it command" asks about SEMAR whatever else
it says (`defined`); "the last security-sector step" counts the steps of a lane
(`counted`); "what comes after the interagency teams" asks about the step that
follows the one it names (`ordered`, then `neighbours`).  Some words of a
question are about other things than the one asked about (`besides`): what it
is like ("a joint command like CJOC"), made from ("turn the operations into a
permanent body"), takes as given ("now that the money is approved"), or is not
("not just for disasters"); some say who asks (`who_asks`: "As a CBP agent on the
Arizona line,"); and "is there already ..." asks what exists (`asks_if_it_exists`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection
from typing import NamedTuple

from ..pathway.compiled import Pathway
from .index import Index, index_of, respelt
from .lexicon import LIKENESS, WANTING, tokens

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
    r"\b(?:what|which)\b[\w\s']{0,30}?\b(?:comes?|happens?|follows?|is|would\s+be)\s+(?:next\s+)?"
    r"(?:(?:right|just|immediately|directly)\s+)?after\s+(?P<a>.+)"
    r"|\bnext\s+(?:step|move|stage|thing)\s+after\s+(?P<b>.+)"
    r"|^(?:after|once)\s+(?P<c>[^,;:?]+)[,;:]\s*(?:what|which)\b.*\bnext\b"
    r"|\b(?:what|which)\b[\w\s']{0,20}?\bfollows\s+(?P<d>.+)"
    r"|\bwhat\b[\w\s']{0,20}?\b(?:becomes?|is|are)\s+possible\s+(?:once|after)\s+(?P<e>.+)"
    r"|\bwhat\b[\w\s']{0,20}?\b(?:can|could|would|will)\s+(?:happen|follow|come)\s+(?:once|after)\s+(?P<f>.+)"
    r"|\bwhat\s+(?:does|do|would|will)\s+(?P<g>.+?)\s+(?:unlock|enable|open\s+up|make\s+possible|lead\s+to)\b")
"""A question asking for the step after one it names: "what comes after the interagency teams", "once Mexico has
a joint command, what's the next step", "what becomes possible after the drill", "what does the survey unlock"."""
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
    or the steps right before them, that one of them needs, as the rule set states them: in its order."""
    if after:
        needed_by = index_of(pathway).needed_by
        needing = Counter(s for n in named for s in needed_by.get(n, ()) if s not in named)
        most = max(needing.values(), default=0)
        found = [s for s, count in needing.items() if count == most]
    else:
        found = [n for s in named if s in pathway.steps for r in pathway.preconditions(s) for n in r.needs
                 if n in pathway.steps and n not in named]
    return tuple(sorted(set(found), key=pathway.order_key))


_FROM = re.compile(
    r"\b(?:turn|turns|turning|turned|make|makes|making|transform\w*|convert\w*|merg\w*|fold\w*|consolidat\w*|"
    r"upgrad\w*|institutionali[sz]\w*|combin\w*|grow\w*|expand\w*)\s+(?P<d>(?:[\w/'-]+\s+){1,10}?)into\b")
"""What a question says the thing it asks about is made from: "turn the routine operations into a permanent body"."""
_GIVEN = re.compile(
    r"^(?:now\s+that|once|given\s+that|assuming(?:\s+that)?)\s+(?P<g>[^,;:?]+)[,;:]"
    r"|\b(?:when|while|since|although|though|even\s+though)\s+(?P<h>[^,;:?]*\balready\b[^,;:?]*)")
"""What a question takes as given: "now that the money is approved, can the depot go up", "why a command of its own
when the army already does disaster relief under Plan DN-III"."""
_NOT = re.compile(
    r"\b(?:(?<!why )not\s+just|not\s+only|rather\s+than|instead\s+of|other\s+than|apart\s+from|besides|"
    r"except(?:\s+for)?|as\s+opposed\s+to|unlike)\s+(?P<e>[^,;:?!.()]+)")
"""What a question says the thing it asks about is not: "one joint command, not just for disasters", "besides
NATO" ("why not just let Mexico in" is a suggestion, not a contrast)."""
_NEEDED = re.compile(r"^(?P<head>.*?)\bbefore\s+(?P<f>[^,;:?!.]+?\s+(?:is|are|was|were|has|have|gets?|got|been)\b"
                     r"[^,;:?!.]*)")
"""What a question says its subject comes after, with its own verb: "can we run the exercise before the radio
network is working" asks about the exercise ("what has to happen before the review" about the review)."""


class Besides(NamedTuple):
    """A question's words (folded) about other things than the one it asks about."""

    like: frozenset[str] = frozenset()
    """What it is like: "a joint command like CJOC", "modeled on the Key West task force", "the IBET model"."""
    made_from: frozenset[str] = frozenset()
    """What it is made from, comes after or takes as given: "turn the operations into a permanent body", "before
    the radio network is working", "now that the money is approved"."""
    not_: frozenset[str] = frozenset()
    """What it is not: "not just for disasters", "besides NATO", "instead of ..."."""
    by_name: frozenset[str] = frozenset()
    """Of `like`, those naming the model by name: "NATO-like", "JIATF-South style"."""


def besides(index: Index, question: str) -> Besides:
    """The question's words that are about other things than the one it asks about (`Besides`)."""
    said = WANTING.sub(" ", question.casefold().replace("’", "'"))
    like = [next(g for g in m.groups() if g) for m in LIKENESS.finditer(said)]
    like += [m.group(0) for m in LIKENESS.finditer(said)]  # "modeled", "style": words of the likeness too
    made_from = [next(g for g in m.groups() if g) for m in (*_FROM.finditer(said), *_GIVEN.finditer(said))]
    needed = _NEEDED.match(said)
    if needed is not None and index.lexicon.fold(needed.group("head")):  # "can we run X before Y is working"
        made_from.append(needed.group("f"))
    not_ = [m.group("e") for m in _NOT.finditer(said)]
    by_name = [m.group("b") for m in LIKENESS.finditer(said) if m.group("b")]
    if not (like or made_from or not_):
        return Besides()
    fold = index.lexicon.fold
    rest = _GIVEN.sub(" ", _NOT.sub(" ", _FROM.sub(" ", LIKENESS.sub(" ", said))))
    rest = rest.replace(needed.group("f"), " ") if needed is not None else rest
    outside = set(fold(respelt(index, rest)[0]))

    def words(phrases: list[str]) -> frozenset[str]:
        return frozenset({w for phrase in phrases for w in fold(respelt(index, phrase)[0])} - outside)

    return Besides(words(like), words(made_from), words(not_), words(by_name))


_ASKER = re.compile(
    r"^\s*(?:as\s+(?:a|an|the|someone|somebody|one)\b[^,:;?]*[,:;]"
    r"|from\s+the\s+[^,:;?]*:|[^.?!,:;]{0,40}\bquestion\s*:"
    r"|[^.?!,:;]{0,60}\bhere\b(?:\s*[:;-]|[^.?!]*[.!])"
    r"|i(?:'m|'ve|\s+am|\s+have|\s+\w+)\b[^.?!:]*[.!:])\s+", re.IGNORECASE)
"""Words before a question saying who asks: "As a CBP agent on the Arizona line,", "From the Pentagon Mexico
desk:", "Treasury question:", "Retired USAF officer here, served at Peterson.", "I supervise Border Patrol
agents in El Paso."."""


def who_asks(question: str) -> tuple[str, str]:
    """(who asks, the question without it): the sentences and clauses saying who asks, at its start, as long as
    a question of two words or more is left."""
    asker, text = "", question
    for _ in range(3):
        found = _ASKER.match(text.replace("’", "'"), 0) if text else None
        if found is None or len(tokens(text[found.end():])) < 2:
            break
        asker, text = (asker + " " + text[:found.end()]).strip(), text[found.end():]
    return asker, text


_EXISTS = re.compile(r"\b(?:is|are)\s+there\b|\b(?:does|do|did)\s+(?:[\w/-]+\s+){0,8}?exist\b|\bexisting\b",
                     re.IGNORECASE)
"""A question asking whether something exists: "is there already ...", "does it exist", "an existing ..."."""


def asks_if_it_exists(question: str) -> bool:
    """Whether the question asks whether something exists, rather than whether something has been done."""
    return _EXISTS.search(question) is not None
