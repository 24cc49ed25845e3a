"""Questions in words scored against every target: an index built once per rule set.

Every step, condition and goal is a target; its phrases are its id, title and
aliases (its actors count half).  A question's words, folded by the rule set's
`Lexicon`, are weighed by how much they tell targets apart (a word in every
target tells nothing: an IDF weight), misspelt words are matched to the
nearest word of the rule set (difflib, at 80%), and words that name nothing
are left out.  A target scores the weight of the words it shares with the
question, more when one of its phrases is said nearly whole.  The answer is
data: `Ranking`, every candidate with its score and the words it matched.
"""

from __future__ import annotations

import difflib
import math
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

from pydantic import BaseModel

from ..pathway.compiled import Pathway
from .lexicon import GENERAL, Lexicon

ACTOR_WEIGHT = 0.5
"""An actor's words name a target less than its title does: Mexico acts in half the paper's steps."""
FUZZY_QUALITY = 0.8
"""A word matched by spelling counts this much of a word matched exactly."""
_FUZZY_CUTOFF = 0.8
_FUZZY_MIN_LENGTH = 5


class Candidate(BaseModel, frozen=True):
    """One target a question may mean: its score, and which of the question's words named it."""

    id: str
    title: str
    score: float
    coverage: float
    """The share of the question's known words (by weight) it matched, 0 to 1."""
    matched: dict[str, str]
    """Each question word it matched, to the rule set's word it matched as (itself, a synonym, a spelling)."""


class Ranking(BaseModel, frozen=True):
    """How one question scored: its words, those that name nothing, and the candidates best first."""

    question: str
    words: tuple[str, ...]
    """The question's content words, folded."""
    unknown: tuple[str, ...]
    """Words no target has, not even by spelling: tolerated, and said so."""
    candidates: tuple[Candidate, ...]
    """Every target that matched a word, best first (ties in the rule set's order)."""
    exact: bool = False
    """The question was an id, a title or an alias as written: the first candidate wins outright."""


@dataclass(frozen=True)
class Index:
    """A rule set's targets as words: built once per pathway (`index_of`) and read by every question."""

    lexicon: Lexicon
    exact: dict[str, tuple[str, ...]]
    """A phrase as written (folded, filler kept) to the targets that have it."""
    content: dict[str, tuple[str, ...]]
    """A phrase's content words (filler dropped) to the targets that have it."""
    words: dict[str, dict[str, float]]
    """Each target's words, each with its weight (1, or ACTOR_WEIGHT for an actor's only)."""
    phrases: dict[str, tuple[frozenset[str], ...]]
    inverted: dict[str, frozenset[str]]
    idf: dict[str, float]
    by_length: dict[int, tuple[str, ...]]
    distinctive: float
    """The least weight a word needs to name a target on its own: in at most a quarter of them, or in one."""

    def spelled(self, word: str) -> str | None:
        """The rule set's word `word` is a misspelling of, if any."""
        if len(word) < _FUZZY_MIN_LENGTH:
            return None
        pool = [w for n in range(len(word) - 2, len(word) + 3) for w in self.by_length.get(n, ())]
        close = difflib.get_close_matches(word, pool, n=1, cutoff=_FUZZY_CUTOFF)
        return close[0] if close else None


def _texts(pathway: Pathway) -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
    """Each target's phrases (id, title, aliases) and its actors."""
    texts: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}
    for id_, condition in pathway.conditions.items():
        texts[id_] = ((id_, id_.replace("_", " "), condition.title, *condition.aliases), ())
    for id_, step in pathway.steps.items():
        texts[id_] = ((id_, id_.replace("_", " ").replace("-", " "), step.title, *step.aliases), step.actors)
    return texts


@lru_cache(maxsize=16)
def index_of(pathway: Pathway) -> Index:
    """The scoring index of `pathway`, built on first use and kept (a Pathway is hashed by identity)."""
    lexicon = GENERAL.extended(pathway.vocabulary)
    exact: dict[str, list[str]] = defaultdict(list)
    content: dict[str, list[str]] = defaultdict(list)
    words: dict[str, dict[str, float]] = {}
    phrases: dict[str, tuple[frozenset[str], ...]] = {}
    for id_, (named, actors) in _texts(pathway).items():
        own: dict[str, float] = {}
        sets = []
        for text in named:
            for key, table in ((" ".join(lexicon.fold(text, keep_filler=True)), exact),
                               (" ".join(lexicon.fold(text)), content)):
                if key and id_ not in table[key]:
                    table[key].append(id_)
            folded = frozenset(lexicon.fold(text))
            if folded:
                sets.append(folded)
            own.update(dict.fromkeys(folded, 1.0))
        for actor in actors:
            for word in lexicon.fold(actor):
                own.setdefault(word, ACTOR_WEIGHT)
        words[id_], phrases[id_] = own, tuple(sets)
    inverted: dict[str, set[str]] = defaultdict(set)
    for id_, own in words.items():
        for word in own:
            inverted[word].add(id_)
    total = len(words)
    idf = {w: math.log(1 + total / len(ids)) for w, ids in inverted.items()}
    by_length: dict[int, list[str]] = defaultdict(list)
    for word in sorted(inverted):
        by_length[len(word)].append(word)
    return Index(lexicon, {k: tuple(v) for k, v in exact.items()}, {k: tuple(v) for k, v in content.items()},
                 words, phrases, {w: frozenset(ids) for w, ids in inverted.items()}, idf,
                 {n: tuple(ws) for n, ws in by_length.items()},
                 distinctive=min(math.log(1 + 4), math.log(1 + total)))


def rank(pathway: Pathway, question: str) -> Ranking:
    """Every target `question` may mean, scored, best first; an id, title or alias as written wins outright."""
    index = index_of(pathway)
    asked = index.lexicon.fold(question)
    meant: dict[str, tuple[str, float]] = {}  # question word -> (rule set's word, quality)
    unknown: list[str] = []
    for word in dict.fromkeys(asked):
        if word in index.inverted:
            meant[word] = (word, 1.0)
        elif (near := index.spelled(word)) is not None:
            meant[word] = (near, FUZZY_QUALITY)
        else:
            unknown.append(word)
    # An id, title or alias as written wins outright; so does one said whole with its words misspelt.
    corrected = " ".join(meant[w][0] if w in meant else w for w in asked)
    for table, key in ((index.exact, " ".join(index.lexicon.fold(question, keep_filler=True))),
                       (index.content, " ".join(asked)), (index.content, corrected)):
        hits = table.get(key, ()) if key else ()
        if hits:
            return Ranking(question=question, words=asked, unknown=(), exact=True, candidates=tuple(
                Candidate(id=h, title=pathway.title_of(h), score=1.0, coverage=1.0,
                          matched={w: meant[w][0] if w in meant else w for w in asked})
                for h in sorted(hits, key=pathway.order_key)))
    known = sum(index.idf[w] * q for w, q in meant.values()) or 1.0
    hit = {t for w, _ in meant.values() for t in index.inverted[w]}
    scored = [_score(index, pathway, t, meant, known) for t in hit]
    scored.sort(key=lambda c: (-c.score, pathway.order_key(c.id)))
    return Ranking(question=question, words=asked, unknown=tuple(unknown), candidates=tuple(scored))


def _score(index: Index, pathway: Pathway, target: str, meant: dict[str, tuple[str, float]],
           known: float) -> Candidate:
    own = index.words[target]
    matched = {asked: word for asked, (word, _) in meant.items() if word in own}
    weight = sum(index.idf[word] * meant[asked][1] * own[word] for asked, word in matched.items())
    said = set(matched.values())
    fit = max((sum(index.idf[w] for w in p & said) / sum(index.idf[w] for w in p) for p in index.phrases[target]),
              default=0.0)
    return Candidate(id=target, title=pathway.title_of(target), score=round(weight * (0.3 + 0.7 * fit), 4),
                     coverage=round(min(1.0, weight / known), 4), matched=matched)


def names_distinctively(index: Index, candidate: Candidate) -> bool:
    """Whether a word the candidate matched tells targets apart (is in at most a fifth of them, or so)."""
    return any(index.idf[word] >= index.distinctive for word in candidate.matched.values())
