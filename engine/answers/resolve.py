"""Questions in words to one target: "why can't Mexico join NORAD yet" -> A7.

An id (any case) wins outright, then a title or alias said exactly (question
words around it allowed).  Otherwise every target is scored
(`perimeter.answers.ranking`): one clear winner is the answer; close
runners-up make an ambiguity listing them best first (at most five); a
question none of whose distinctive words names a target matches nothing, and
the error names the nearest targets.  Questions about a relationship on Chart
1 are told apart first (`resolve_relationship`).
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache

from ..errors import AmbiguousTargetError, UnknownIdError
from ..pathway.compiled import Pathway
from .lexicon import tokens
from .index import downstream, id_head, index_of, inside_a_phrase, respelt
from .ranking import Candidate, Ranking, names_distinctively, rank
from .shapes import counted, defined, neighbours, ordered

MAX_WORDS = 60
"""A question longer than this is a paste, not a question: refused before any scoring."""
MAX_CHARACTERS = 600
RUNNER_UP = 0.8
"""A candidate scoring at least this share of the best one's score makes the question ambiguous."""
ENOUGH = 0.5
"""The least share of the question's known words (by weight) the answer must match."""
MAX_LISTED = 5
CLOSE_COVERAGE = 0.2
"""A runner-up matching this much less of the question than the best is not close."""
TOLERATED = 0.5
"""What a word naming no target weighs against a match when the rule set's texts use it (1: any other word)."""
CLEAR = 0.7
"""A best candidate whose runner-up scores at most this share of it is clearly ahead ..."""
LEAST = 0.35
"""... and is answered when it matches this much of the question (`ENOUGH` otherwise): a long question
says more than one target's words, and a clear lead says which target it is about."""

_STRONG = frozenset("""
    relationship relationships relation relations ties spectrum chart level levels rung bar arrow scale continuum
""".split())
"""Chart words that say a question naming a relationship is about its place, whatever else it says
("how mature is the Canada/Mexico defense relationship")."""
_CHART_WORDS = _STRONG | frozenset("""
    stand stands standing higher high far where position placed place rank ranked cooperation lower low next
    up move rise
""".split())
"""Words about a place on the chart."""


def words(text: str) -> tuple[str, ...]:
    """The content words of `text`, folded by the built-in lexicon (a rule set's own: `index_of(p).lexicon`)."""
    from .lexicon import GENERAL

    return GENERAL.fold(text)


def check_question(question: str) -> str:
    """`question` trimmed, or an error when it cannot be a question: a paste, control characters."""
    text = question.strip()
    if any(unicodedata.category(c) in ("Cc", "Cf", "Cs", "Co") for c in text):
        raise UnknownIdError(f"'{text}' holds control characters", hint="type the question as plain words")
    if len(text) > MAX_CHARACTERS or len(text.split()) > MAX_WORDS:
        raise UnknownIdError(f"the question is too long ({len(text.split())} words, {len(text)} characters)",
                             hint=f"ask in at most {MAX_WORDS} words, or give an id")
    return text


def match(pathway: Pathway, question: str) -> Ranking:
    """How `question` scored against every step, condition and goal: candidates with their scores, best first."""
    text = check_question(question)
    direct = pathway.canonical(text.rstrip("?").strip())
    if direct is not None:
        return Ranking(question=question, words=(direct,), unknown=(), exact=True, candidates=(
            Candidate(id=direct, title=pathway.title_of(direct), score=1.0, coverage=1.0, matched={}),))
    _no_unknown_ids(pathway, text)
    ranking = rank(pathway, text)
    found = {"defined": defined(pathway, text), "counted": counted(pathway, text),
             "placed": _placed(pathway, text, ranking)}
    found = {key: value for key, value in found.items() if value}
    return ranking.model_copy(update=found) if found else ranking


def _placed(pathway: Pathway, text: str, ranking: Ranking) -> tuple[str, ...]:
    """The steps a question asks for by their place after or just before another it names ("what comes after
    the interagency teams": B4): of several, the one the whole question (`ranking`) scores clearly best, else
    all."""
    asked = ordered(text)
    if asked is None:
        return ()
    after, words_of = asked
    named = pathway.canonical(words_of)
    if named is not None:
        counted_from: tuple[str, ...] = (named,)
    else:
        scored = rank(pathway, words_of).candidates if tokens(words_of) else ()
        # the steps close to the best: "once the army and the navy each have a command" names A1 and A2
        close = [c.id for c in scored if c.score >= scored[0].score / 2] if scored else []
        # ... counted from the earliest of them: what comes after a step is not asked by its successor's words
        later = {c: downstream(index_of(pathway), c) for c in close}
        counted_from = tuple(c for c in close if not any(c in later[o] for o in close if o != c))
    found = neighbours(pathway, counted_from, after) if counted_from else ()
    if named is not None and not found:
        none = f"no step needs {named}" if after else f"{named} needs no step"
        raise UnknownIdError(f"'{text}' asks for the step {'after' if after else 'just before'} {named}: {none}",
                             hint=f"ask about {named} itself, or give another id", candidates=[named])
    if len(found) < 2:
        return found
    scores = {c.id: c.score for c in ranking.candidates}
    found = tuple(sorted(found, key=lambda s: -scores.get(s, 0.0)))
    best, second = found[:2]
    return (best,) if scores.get(best, 0.0) > 0 and scores.get(second, 0.0) <= RUNNER_UP * scores[best] else found


def _no_unknown_ids(pathway: Pathway, text: str) -> None:
    """An id-shaped word (letters with digits, or an underscore: "S9", "b_3") that is no id is a mistyped id,
    not a word to tolerate: `show S1 S9` is refused rather than answered about S1.  Letters with digits are
    id-shaped alone, or when ids start with the same letters or one is spelt nearly so ("radio-net7"): in a
    question, "WW2" and "G7" are words."""
    index = index_of(pathway)
    folded = index.ids
    alone = len(text.split()) == 1  # "Z9" by itself is an id, mistyped
    for word in text.split():
        word = word.strip("?.,;:!'\"()")
        shaped = ("_" in word or (any(c.isdigit() for c in word) and any(c.isalpha() for c in word) and (
            alone or id_head(word) in index.id_heads
            or difflib.get_close_matches(word.casefold(), folded, n=1, cutoff=0.8))))
        if shaped and pathway.canonical(word) is None and not set(index.lexicon.fold(word)) <= index.inverted.keys():
            close = [folded[c] for c in difflib.get_close_matches(word.casefold(), folded, n=1, cutoff=0.6)]
            guess = f" (did you mean '{close[0]}'?)" if close else ""
            raise UnknownIdError(f"unknown step or condition '{word}'{guess}", candidates=close)


def resolve(pathway: Pathway, question: str) -> str:
    """The one step, condition or goal `question` names, or an error saying why not."""
    return decide(pathway, match(pathway, question))


def contenders(pathway: Pathway, ranking: Ranking) -> tuple[Candidate, ...]:
    """The candidates the question may mean: the best, and those close behind it (at most five)."""
    if ranking.exact:
        return ranking.candidates[:MAX_LISTED]
    index = index_of(pathway)
    # An answer matches enough of what is known, a distinctive word, and no fewer words than name nothing.
    first = ranking.candidates[0] if ranking.candidates else None
    ahead = first is not None and (len(ranking.candidates) < 2 or ranking.candidates[1].score <= CLEAR * first.score)
    fit = [c for c in ranking.candidates if (c.coverage >= ENOUGH or (ahead and c is first and c.coverage >= LEAST))
           and names_distinctively(index, c) and _outnumbers(len(c.matched), _against(ranking))]
    # ... and scores the best of all: a target is never the answer while another outscores it, even one that
    # matched too little of the question to be the answer itself (then nothing is).
    if not fit or fit[0].score < ranking.candidates[0].score:
        return ()
    best = fit[0]
    # A close runner-up scores near the best and matches nearly as much of the question.
    return tuple(c for c in fit if c.score >= RUNNER_UP * best.score
                 and c.coverage >= best.coverage - CLOSE_COVERAGE)[:MAX_LISTED]


def _against(ranking: Ranking) -> float:
    """How much the words naming nothing weigh against a match: one each, `TOLERATED` for a word the rule
    set's own texts use, nothing for everyday English."""
    said = len(ranking.unknown) - len(ranking.foreign) - len(ranking.everyday)
    return len(ranking.foreign) + TOLERATED * said


def _outnumbers(matched: int, unknown: float) -> bool:
    """Whether the words a candidate matched are enough against those that name nothing: at least as many
    (half as many answered more questions, but more of them about a target the reader did not mean)."""
    return matched >= unknown


def decide(pathway: Pathway, ranking: Ranking) -> str:
    """The answer a ranking gives, or the error: ambiguous (candidates best first) or matching nothing."""
    question = ranking.question.strip()
    if not ranking.words and not ranking.exact:
        raise UnknownIdError(f"'{question}' names no step or condition",
                             hint="ask about a step id, a condition id, or 'goal'")
    if ranking.defined is not None:
        return ranking.defined  # "what is SEMAR and which forces does it command"
    if len(ranking.placed) == 1:
        return ranking.placed[0]  # "what comes after the interagency teams": not the teams
    # "what comes after B2": each step needing it, not B2
    chosen = tuple(Candidate(id=s, title=pathway.title_of(s), score=0.0, coverage=0.0, matched={})
                   for s in ranking.placed[:MAX_LISTED]) or contenders(pathway, ranking)
    if ranking.counted is not None:  # a question counting steps is about a step: "the first move on the defense
        chosen = tuple(c for c in chosen if c.id not in pathway.conditions)  # side, the army one" is not SEDENA
    if len(chosen) == 1:
        return chosen[0].id
    if ranking.counted is not None and (not chosen or ranking.counted in {c.id for c in chosen}):
        return ranking.counted  # "the last security-sector step": the words alone did not tell
    if chosen:
        listed = ", ".join(f"{c.id} ({c.title})" for c in chosen)
        raise AmbiguousTargetError(f"'{question}' could mean {listed}", candidates=[c.id for c in chosen],
                                   hint="add a word that tells them apart, or give the id")
    nearest = [c.id for c in ranking.candidates[:3]]
    hint = "closest: " + ", ".join(f"{c.id} ({c.title})" for c in ranking.candidates[:3]) if nearest else ""
    raise UnknownIdError(f"'{question}' matches no step or condition", hint=hint, candidates=nearest)


def several(pathway: Pathway, arguments: Sequence[str]) -> tuple[str, ...] | None:
    """The targets several arguments name one each (`why A1 A7`), or None when they are one question's words.

    They are several targets when there are two or more and each is an id, or a
    title or alias as written (a quoted phrase); otherwise they are the words of
    one question ("why Mexico join NORAD").
    """
    if len(arguments) < 2:
        return None
    found: list[str] = []
    for argument in arguments:
        text = check_question(argument)
        direct = pathway.canonical(text.rstrip("?").strip())
        if direct is None:
            ranking = rank(pathway, text)
            if not ranking.exact:
                return None
            direct = decide(pathway, ranking)
        found.append(direct)
    return tuple(dict.fromkeys(found))


def resolve_relationship(pathway: Pathway, question: str) -> tuple[str, str | None] | None:
    """(relationship, level or None) when `question` is about the spectrum, else None.

    A question is about the spectrum when it names a relationship and either
    names a level or says nothing else but chart words ("where does US/Mexico
    stand").  "US/Mexico IBET" names a relationship but is about a step; an id of
    a step or condition ("us_mexico_working_group_1996") is never a chart question.
    A level is named by its words less the chart words ("no relationship" is
    not named by "relationship").
    """
    spectrum = pathway.spectrum
    if spectrum is None:
        return None
    text = check_question(question)
    if pathway.canonical(text.rstrip("?").strip()) is not None:
        return None
    index = index_of(pathway)
    fold = index.lexicon.fold
    said = fold(respelt(index, text)[0])
    asked = set(said)
    ranged = {w for pair in _RANGE.findall(text.casefold()) for w in fold(" ".join(pair))}
    best: tuple[int, str, frozenset[str]] | None = None
    for rel in spectrum.relationships.values():
        for phrase_text in (rel.id.replace("_", " "), rel.title, *rel.aliases):
            phrase = frozenset(fold(phrase_text))
            if phrase and phrase <= asked and (best is None or len(phrase) > best[0]):
                best = (len(phrase), rel.id, phrase)
    if best is None or inside_a_phrase(index, said, best[2]):  # "North American Security Perimeter": the goal
        return None
    rest = asked - best[2]
    strong = _about_the_chart(text, rest) or bool(ranged)  # "the conflict-to-alliance arrow" is the chart
    level: str | None = None
    levels = rest - ranged  # "the conflict-to-alliance spectrum" names the scale, not a level on it
    level_words: frozenset[str] = frozenset()
    for candidate in spectrum.levels:
        for level_text in (candidate.id.replace("_", " "), candidate.name):
            phrase = frozenset(fold(level_text)) - _chart_words()
            if phrase and phrase <= levels and len(phrase) > len(level_words):
                level, level_words = candidate.id, phrase
    if level is None and strong and _AT.search(text.casefold()):
        level = _level_by_its_own_word(pathway, levels)  # "stuck at the commission level"
        level_words = frozenset()
    if level is None and not rest <= _chart_words() and not strong:
        return None
    if _WHICH_STEP.search(text.casefold()):  # "which step would level the field": a step
        return None
    others = {w for w in rest - level_words - _chart_words() - index.parties
              if index.idf.get(w, 0.0) >= index.distinctive}
    if not strong and level is not None and not _put_at(text, pathway, level) and len(others) >= 2:
        return None  # "a police academy that helps future combined operations": a step's words beside the level's
    if not strong and not rest & _chart_words() and not _put_at(text, pathway, level):
        # Nothing says chart, and one target claims the words, the level's among them, and acts only through
        # parties said: "US/Mexico military school exchanges" is the condition.
        chosen = contenders(pathway, rank(pathway, text))
        if len(chosen) == 1 and level_words <= set(chosen[0].matched.values()) and all(
                not actor.isdisjoint(asked) for actor in index.actors[chosen[0].id]):
            return None
    return best[1], level


_WHICH_STEP = re.compile(r"\b(?:which|what)\s+(?:step|steps)\b")
"""A question asking for a step is about one, whatever chart words it uses."""
_AT = re.compile(r"\b(?:at|level|rung|stage|reach|reached|reaches|beyond|past|as far as|got to|gotten to)\b")
"""Words that put a relationship at a place on the chart, for a level named by one word of its own."""


def _put_at(text: str, pathway: Pathway, level: str | None) -> bool:
    """Whether the question puts the relationship at the level it names ("why isn't Canada/Mexico at liaison
    officers"): a chart question, whatever target shares the level's words."""
    if level is None or pathway.spectrum is None:
        return False
    words = tokens(next(l.name for l in pathway.spectrum.levels if l.id == level))
    first = words[0] if words else ""
    put = rf"\b(?:at|to|reach|reached|reaches)\s+(?:(?:the|a|an)\s+)?{re.escape(first)}\b"
    return bool(first) and re.search(put, " ".join(tokens(text))) is not None


def _level_by_its_own_word(pathway: Pathway, said: set[str]) -> str | None:
    """The one level that a word said names, a word in no other level's name ("commission", "treaties")."""
    assert pathway.spectrum is not None
    fold = index_of(pathway).lexicon.fold
    owners: dict[str, set[str]] = {}
    for level in pathway.spectrum.levels:
        for word in set(fold(level.name)) - _chart_words():
            owners.setdefault(word, set()).add(level.id)
    named = {next(iter(ids)) for word, ids in owners.items() if len(ids) == 1 and word in said}
    return named.pop() if len(named) == 1 else None


_RANGE = re.compile(r"\b(?:from\s+)?([a-z]+)(?:\s+|-)to(?:\s+|-)([a-z]+)\b(?=[\s-]+(?:spectrum|scale|chart|arrow|axis|line|ladder))|"
                    r"\bfrom\s+([a-z]+)\s+to\s+([a-z]+)")
"""A range of the chart said in words ("conflict-to-alliance spectrum", "from conflict to integration")."""


_OTHER_LEVEL = re.compile(r"\blevels?\s+of\s+(?!cooperation|integration|relations?|relationship|ties|the\b)\w+")
"""A level of something else than a relationship: "what level of trust does the author expect"."""


def _about_the_chart(text: str, rest: set[str]) -> bool:
    """Whether the question says a strong chart word, or misspells one ("relatonship")."""
    strong = rest & _strong_words()
    if strong - {"level", "levels"} or (strong and not _OTHER_LEVEL.search(text.casefold())):
        return True
    return any(difflib.get_close_matches(w, _STRONG, n=1, cutoff=0.85) for w in tokens(text) if len(w) >= 6)


@lru_cache(maxsize=1)
def _strong_words() -> frozenset[str]:
    return frozenset(w for word in _STRONG for w in words(word)) | _STRONG


@lru_cache(maxsize=1)
def _chart_words() -> frozenset[str]:
    return frozenset(w for word in _CHART_WORDS for w in words(word)) | _CHART_WORDS
