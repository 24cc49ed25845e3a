"""Questions in words to one target: "why can't Mexico join NORAD yet" -> A7.

A question is reduced to its content words (question words, negations and
filler dropped; plurals and verb endings folded, "United States" read as
"US").  Candidates are first the targets with one phrase (id, title, alias or
actor) covering every content word, else those whose phrases together cover
them.  One candidate is the answer; several are an ambiguity listing them;
none suggests the nearest names.
"""

from __future__ import annotations

import difflib
import re
from functools import lru_cache

from ..errors import AmbiguousTargetError, UnknownIdError
from ..pathway.compiled import Pathway

_FILLER = frozenset("""
    why whi how what which when where who whom whose can cant cannot could couldnt would wouldnt should
    shouldnt will wont not no isnt arent doesnt dont didnt hasnt havent yet still now already ever the a
    an to of for in on at by with from into is are was were be been being do does did has have had it
    its this that these those there here we you i me my our your they them their please explain tell
    show plan reach get got getting reaching achieve achieving happen happened possible blocked
    blocking blocks block eligible done status step steps about so and or than then toward towards
""".split())

_SYNONYMS = (
    (re.compile(r"\bunited states\b|\bu\.s\.(?=\W|$)|\busa\b|\bamerica\b"), "us"),
    (re.compile(r"\bcan't\b|\bcan not\b"), "cannot"),
    (re.compile(r"\b(\w+)n't\b"), r"\1 not"),
)

_FUZZY_CUTOFF = 0.8


def words(text: str) -> tuple[str, ...]:
    """The content words of `text`, folded for matching."""
    text = text.casefold()
    for pattern, replacement in _SYNONYMS:
        text = pattern.sub(replacement, text)
    tokens = re.findall(r"[a-z0-9]+", text)
    return tuple(_stem(t) for t in tokens if t not in _FILLER)


def _stem(word: str) -> str:
    """Fold the endings users vary: joins/join, joined/join, centres/centre."""
    for ending in ("ing", "ed", "es", "s"):
        if len(word) > len(ending) + 2 and word.endswith(ending) and not word.endswith("ss"):
            return word[: -len(ending)]
    return word


def resolve(pathway: Pathway, question: str) -> str:
    """The one step, condition or goal `question` names, or an error saying why not.

    An id (any case) wins outright.  Otherwise the question's content words
    must all be covered by one candidate's id, title, aliases and actors.
    """
    text = question.strip()
    direct = pathway.canonical(text.rstrip("?").strip())
    if direct is not None:
        return direct
    asked = set(words(text))
    if not asked:
        raise UnknownIdError(f"'{question}' names no step or condition",
                             hint="ask about a step id, a condition id, or 'goal'")
    phrases = _phrases(pathway)
    # First, one phrase (a title, an alias) saying it all; then words from several.
    in_one = [id_ for id_, sets in phrases.items() if any(all(_covered(w, s) for w in asked) for s in sets)]
    vocabulary = {id_: frozenset().union(*sets) for id_, sets in phrases.items()}
    covering = in_one or [id_ for id_, known in vocabulary.items() if all(_covered(w, known) for w in asked)]
    if len(covering) == 1:
        return covering[0]
    if covering:
        covering.sort(key=pathway.order_key)
        listed = ", ".join(f"{c} ({pathway.title_of(c)})" for c in covering)
        raise AmbiguousTargetError(f"'{question}' could mean {listed}", candidates=covering,
                                   hint="add a word that tells them apart, or give the id")
    nearest = _nearest(pathway, asked, vocabulary)
    hint = "closest: " + ", ".join(f"{b} ({pathway.title_of(b)})" for b in nearest) if nearest else ""
    raise UnknownIdError(f"'{question}' matches no step or condition", hint=hint, candidates=nearest)


def _covered(word: str, known: frozenset[str]) -> bool:
    if word in known:
        return True
    return len(word) >= 5 and bool(difflib.get_close_matches(word, known, n=1, cutoff=_FUZZY_CUTOFF))


@lru_cache(maxsize=8)
def _phrases(pathway: Pathway) -> dict[str, tuple[frozenset[str], ...]]:
    """Each target's phrases as word sets: its id, title, aliases and actors."""
    phrases: dict[str, tuple[frozenset[str], ...]] = {}
    for id_, step in pathway.steps.items():
        texts = (id_, step.title, *step.aliases, *step.actors)
        phrases[id_] = tuple(frozenset((*words(t), id_.casefold())) for t in texts)
    for id_, condition in pathway.conditions.items():
        texts = (id_.replace("_", " "), condition.title, *condition.aliases)
        phrases[id_] = tuple(frozenset((*words(t), id_.casefold())) for t in texts)
    return phrases


def _nearest(pathway: Pathway, asked: set[str], vocabulary: dict[str, frozenset[str]]) -> tuple[str, ...]:
    """The targets (at most three) that cover most of the question, best first."""
    scored = sorted(((sum(_covered(w, known) for w in asked), id_) for id_, known in vocabulary.items()),
                    key=lambda pair: (-pair[0], pathway.order_key(pair[1])))
    return tuple(id_ for score, id_ in scored[:3] if score > 0)


_CHART_WORDS = frozenset(_stem(w) for w in """
    stand stands standing level levels spectrum chart relationship relation higher high far where
    position placed place rank ranked cooperation
""".split())


def resolve_relationship(pathway: Pathway, question: str) -> tuple[str, str | None] | None:
    """(relationship, level or None) when `question` is about the spectrum, else None.

    A question is about the spectrum when it names a relationship and either
    names a level or says nothing else but chart words ("where does US/Mexico
    stand").  "US/Mexico IBET" names a relationship but is about a step.
    """
    spectrum = pathway.spectrum
    if spectrum is None:
        return None
    asked = set(words(question))
    best: tuple[int, str, frozenset[str]] | None = None
    for rel in spectrum.relationships.values():
        for text in (rel.id.replace("_", " "), rel.title, *rel.aliases):
            phrase = frozenset(words(text))
            if phrase and phrase <= asked and (best is None or len(phrase) > best[0]):
                best = (len(phrase), rel.id, phrase)
    if best is None:
        return None
    rest = asked - best[2]
    level: str | None = None
    level_words: frozenset[str] = frozenset()
    for candidate in spectrum.levels:
        for text in (candidate.id.replace("_", " "), candidate.name):
            phrase = frozenset(words(text))
            # A level named only by chart words ("no relationship" once "no" is
            # dropped) would capture "where does the relationship stand".
            if phrase and not phrase <= _CHART_WORDS and phrase <= rest and len(phrase) > len(level_words):
                level, level_words = candidate.id, phrase
    if level is None and not rest <= _CHART_WORDS:
        return None
    return best[1], level
