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
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from pydantic import BaseModel

from ..pathway.compiled import Pathway
from .everyday import EVERYDAY
from .lexicon import FILLER, GENERAL, Lexicon, tokens

ACTOR_WEIGHT = 0.5
"""An actor's words name a target less than its title does: Mexico acts in half the paper's steps."""
PART_WEIGHT = 0.5
"""A word said within a synonym phrase ("center" of "training center") names its target this much alone."""
TERM_WEIGHT = 0.5
"""A word of the source's own `terms:` about a target ("junior partner") names it this much."""
FUZZY_QUALITY = 0.8
"""A word matched by spelling counts this much of a word matched exactly."""
EXTRA_ACTOR = 0.7
"""A target acting through someone the question, naming who acts, does not name scores this much per actor."""
SUBJECT = 1.4
LEFT_OUT = 0.7
"""A target not involving a party the question names scores this much per party left out."""
_FUZZY_CUTOFF = 0.8
_RESPELL_CUTOFF = 0.85
"""A word as written is read as another only when nearer than a folded one: "formal" is not "form"."""
_FUZZY_MIN_LENGTH = 5
_RESPELLINGS_KEPT = 100_000
KEPT = 50
_SCORED = 2000
"""Candidates kept in a ranking, best first: enough for every runner-up and explanation, few enough to be quick."""


class Candidate(BaseModel, frozen=True, defer_build=True):
    """One target a question may mean: its score, and which of the question's words named it."""

    id: str
    title: str
    score: float
    coverage: float
    """The share of the question's known words (by weight) it matched, 0 to 1."""
    matched: dict[str, str]
    """Each question word it matched, to the rule set's word it matched as (itself, a synonym, a spelling)."""


class Ranking(BaseModel, frozen=True, defer_build=True):
    """How one question scored: its words, those that name nothing, and the candidates best first."""

    question: str
    words: tuple[str, ...]
    """The question's content words, folded."""
    unknown: tuple[str, ...]
    """Words no target has, not even by spelling: tolerated, and said so."""
    foreign: tuple[str, ...] = ()
    """Those of the unknown words that neither the rule set's texts nor everyday English use: the sign of a
    question about something the rule set does not have."""
    everyday: tuple[str, ...] = ()
    """Those of the unknown words that everyday English has ("running", "together"): no sign of anything."""
    candidates: tuple[Candidate, ...]
    """The targets that matched a word, best first (ties in the rule set's order), at most `KEPT` of them."""
    exact: bool = False
    """The question was an id, a title or an alias as written: the first candidate wins outright."""
    spelled: dict[str, str] = {}
    """Words of the question read as the rule set's words they misspell ("disater": "disaster")."""
    defined: str | None = None
    """The target the question asks about by its name whole, before anything else it says ("what is SEMAR and
    which forces does it command": semar): the answer, whatever else the words match."""
    counted: str | None = None
    """The step the question counts to in a lane it names ("the last security-sector step": B8), if any:
    the answer when the words alone leave it ambiguous or name nothing."""


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
    known: frozenset[str]
    """Every word of the rule set as written (titles, aliases, actors, vocabulary), before folding."""
    known_by_length: dict[int, tuple[str, ...]]
    actors: dict[str, tuple[frozenset[str], ...]]
    """Who acts in each target, each actor as its folded words (from its actors, else the parties its title names)."""
    parties: frozenset[str]
    """Every word that names an actor somewhere in the rule set."""
    spoken: frozenset[str]
    """Words the rule set uses in its texts (notes, descriptions, quotes), folded: unknown to every target,
    yet a weaker sign than a word it never uses that the question is about something else."""
    everyday: frozenset[str]
    """Words of everyday English (`everyday.EVERYDAY`), folded: no sign of anything."""
    termed: frozenset[str]
    """Words only targets' `terms:` have, no title, alias or actor: a question's word among them is known
    as much as a term names (`TERM_WEIGHT`)."""
    principals: frozenset[str]
    """The principal parties: the members of the chart's relationships (the countries), or, without a chart,
    the first word of each actor ("Alder")."""
    involved: dict[str, frozenset[str]]
    """The principal parties each target involves: of its actors, and those its names say ("US/Canada ...")."""
    ids: dict[str, str]
    """Every step and condition id, casefolded, to the id as written: for a mistyped id's did-you-mean."""
    id_heads: frozenset[str]
    """The letters the ids with digits start with (`id_head`): "a", "b", "c" for the paper's A1 ... C3."""
    distinctive: float
    """The least weight a word needs to name a target on its own: in at most a quarter of them, or in one."""
    respellings: dict[tuple[str, bool], str | None] = field(default_factory=dict, compare=False, repr=False)
    """`spelled`'s answers so far (the index is frozen; this table only fills, up to `_RESPELLINGS_KEPT`)."""

    def spelled(self, word: str, *, written: bool = False) -> str | None:
        """The rule set's word (folded; or as `written`) that `word` is a misspelling of, if any."""
        if len(word) < _FUZZY_MIN_LENGTH or any(c.isdigit() for c in word):
            return None
        if (word, written) in self.respellings:  # asked again by the next question, or the chart's reading
            return self.respellings[word, written]
        lengths = self.known_by_length if written else self.by_length
        pool = [w for n in range(len(word) - 2, len(word) + 3) for w in lengths.get(n, ())]
        close = difflib.get_close_matches(word, pool, n=1, cutoff=_RESPELL_CUTOFF if written else _FUZZY_CUTOFF)
        if len(self.respellings) < _RESPELLINGS_KEPT:
            self.respellings[word, written] = close[0] if close else None
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
    texts = _texts(pathway)
    termed: dict[str, set[str]] = defaultdict(set)  # a word to the targets that have it only in their terms
    everyday = frozenset(lexicon.fold(EVERYDAY))
    terms_of = {id_: rule.terms for rules in (pathway.steps, pathway.conditions) for id_, rule in rules.items()
                if rule.terms}
    for id_, (named, actors) in texts.items():
        own: dict[str, float] = {}
        sets = []
        for text in named:
            every, said = lexicon.folds(text)
            for key, table in ((" ".join(every), exact), (" ".join(said), content)):
                if key and id_ not in table[key]:
                    table[key].append(id_)
            folded = frozenset(said)
            if folded:
                sets.append(folded)
            own.update(dict.fromkeys(folded, 1.0))
            for word in lexicon.parts(text):  # "center" of "training center", read as one word above
                own.setdefault(word, PART_WEIGHT)
        for actor in actors:
            for word in lexicon.fold(actor):
                own.setdefault(word, ACTOR_WEIGHT)
        for term in terms_of.get(id_, ()):  # the source's words about it: weak evidence, a phrase said whole fits
            folded = frozenset(lexicon.fold(term)) - everyday  # "part", "issues": no evidence of anything
            if len(folded) > 1:  # a phrase said whole fits; one word left of it fits nothing on its own
                sets.append(folded)
            for word in folded - own.keys():
                own[word] = TERM_WEIGHT
                termed[word].add(id_)
        words[id_], phrases[id_] = own, tuple(sets)
    inverted: dict[str, set[str]] = defaultdict(set)
    for id_, own in words.items():
        for word in own:
            inverted[word].add(id_)
    total = len(words)
    # How rare a word is counts the targets it names: a target's terms count only for a word no name has.
    idf = {w: math.log(1 + total / len(ids - termed[w] or ids)) for w, ids in inverted.items()}
    known = {w for named, actors in texts.values() for text in (*named, *actors) for w in tokens(text)}
    known |= {w for group in lexicon.groups for phrase in group for w in tokens(phrase)}
    known |= {w for text in _chart_texts(pathway) for w in tokens(text)}
    known |= {w for terms in terms_of.values() for text in terms for w in tokens(text)}
    acting = {id_: tuple(_actor_words(lexicon, a) for a in actors) for id_, (_, actors) in texts.items()}
    parties = frozenset(w for each in acting.values() for actor in each for w in actor)
    for id_, (named, _) in texts.items():  # a target naming no actor: the parties its title names act
        if not acting[id_] and len(named) > 2:
            acting[id_] = tuple(frozenset({w}) for w in dict.fromkeys(lexicon.fold(named[2])) if w in parties)
    # The principal parties: the members of the chart's relationships (the countries), or else each actor's
    # first word ("Alder"): who a target involves.
    principals = _principals(pathway, lexicon) or frozenset(
        first[0] for _, actors in texts.values() for a in actors if (first := lexicon.fold(a)))
    involved = {id_: frozenset(w for text in (*named, *actors) for w in lexicon.fold(text) if w in principals)
                for id_, (named, actors) in texts.items()}
    ids = (*pathway.steps, *pathway.conditions)
    return Index(lexicon, {k: tuple(v) for k, v in exact.items()}, {k: tuple(v) for k, v in content.items()},
                 words, phrases, {w: frozenset(ids) for w, ids in inverted.items()}, idf,
                 _by_length(inverted), frozenset(known), _by_length(known - FILLER), acting, parties,
                 _spoken(pathway, lexicon), everyday,
                 frozenset(w for w, ids in termed.items() if ids == inverted[w]), principals, involved,
                 {id_.casefold(): id_ for id_ in ids},
                 frozenset(id_head(id_) for id_ in ids if any(c.isdigit() for c in id_)),
                 distinctive=min(math.log(1 + 4), math.log(1 + total)))


def id_head(word: str) -> str:
    """The letters an id-like word starts with ("b" of "B12", "ww" of "ww2")."""
    return re.match(r"[^\W\d_]*", word.casefold()).group()  # type: ignore[union-attr]


def _spoken(pathway: Pathway, lexicon: Lexicon) -> frozenset[str]:
    """The words of the rule set's own texts beyond its targets' names, folded."""
    texts: list[str] = [pathway.title, pathway.source or ""]  # "Downie's whole pathway"
    for step in pathway.steps.values():
        texts += [step.citation.quote, step.note or ""]
        texts += [t for r in step.preconditions for t in (r.citation.quote, r.note or "")]
    for condition in pathway.conditions.values():
        texts += [condition.description or "", condition.citation.quote if condition.citation else ""]
        texts += [i.text for i in condition.involves]
    return frozenset(w for text in texts for w in lexicon.fold(text))


def _principals(pathway: Pathway, lexicon: Lexicon) -> frozenset[str]:
    """The words of the members of the chart's relationships, if the rule set has a chart."""
    spectrum = pathway.spectrum
    if spectrum is None:
        return frozenset()
    return frozenset(w for r in spectrum.relationships.values() for m in r.members for w in lexicon.fold(m))


def _actor_words(lexicon: Lexicon, actor: str) -> frozenset[str]:
    """An actor's words, whole and one by one: "Mexico (SEDENA)" is SEDENA, and Mexico too."""
    return frozenset(lexicon.fold(actor)) | {w for token in tokens(actor) for w in lexicon.fold(token)}


def _chart_texts(pathway: Pathway) -> tuple[str, ...]:
    """The words of the rule set's chart, if it has one: known words, never respelt as a target's."""
    spectrum = pathway.spectrum
    if spectrum is None:
        return ()
    return (*(t for r in spectrum.relationships.values() for t in (r.id, r.title, *r.aliases)),
            *(t for level in spectrum.levels for t in (level.id, level.name)))


def _by_length(words: Iterable[str]) -> dict[int, tuple[str, ...]]:
    """Words by their length, for spelling: never a number ("stepp" is not "5000")."""
    by_length: dict[int, list[str]] = defaultdict(list)
    for word in sorted(words):
        if not any(c.isdigit() for c in word):
            by_length[len(word)].append(word)
    return {n: tuple(ws) for n, ws in by_length.items()}


def rank(pathway: Pathway, question: str) -> Ranking:
    """Every target `question` may mean, scored, best first; an id, title or alias as written wins outright."""
    index = index_of(pathway)
    read, spelled = respelt(index, question)
    plain = index.lexicon.fold(question)
    asked = index.lexicon.fold(read) if spelled else plain
    meant: dict[str, tuple[str, float]] = {}  # question word -> (rule set's word, quality)
    unknown: list[str] = []
    for word in dict.fromkeys(asked):
        if word in index.inverted:
            meant[word] = (word, 1.0 if word in plain else FUZZY_QUALITY)
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
            return Ranking(question=question, words=asked, unknown=(), exact=True, spelled=spelled, candidates=tuple(
                Candidate(id=h, title=pathway.title_of(h), score=1.0, coverage=1.0,
                          matched={w: meant[w][0] if w in meant else w for w in asked})
                for h in sorted(hits, key=pathway.order_key)))
    known = sum(index.idf[w] * q * (TERM_WEIGHT if w in index.termed else 1.0) for w, q in meant.values()) or 1.0
    parties = tuple(dict.fromkeys(w for w, _ in meant.values() if w in index.parties))
    scored = sorted((_score(index, t, meant, parties) + (t,) for t in _hits(index, pathway, meant)),
                    key=lambda s: (-s[0], pathway.order_key(s[3])))[:KEPT]
    everyday = tuple(w for w in unknown if w in index.everyday)
    foreign = tuple(w for w in unknown if w not in index.spoken and w not in index.everyday)
    return Ranking(question=question, words=asked, unknown=tuple(unknown), foreign=foreign, everyday=everyday,
                   spelled=spelled, candidates=tuple(
        Candidate(id=t, title=pathway.title_of(t), score=score, coverage=round(min(1.0, weight / known), 4),
                  matched=matched) for score, weight, matched, t in scored))


def respelt(index: Index, question: str) -> tuple[str, dict[str, str]]:
    """The question's words with each misspelling of a rule set's word as written replaced by it, and those."""
    said = tokens(question)
    spelled = {w: near for w in dict.fromkeys(said) if w not in index.known
               and (near := index.spelled(w, written=True)) is not None}
    return " ".join(spelled.get(w, w) for w in said), spelled


def inside_a_phrase(index: Index, said: tuple[str, ...], words: frozenset[str]) -> bool:
    """Whether `words` are said within a longer title or alias said whole ("North American security
    perimeter" holds "North American")."""
    for size in range(len(said), len(words), -1):
        for start in range(len(said) - size + 1):
            window = said[start:start + size]
            if words <= set(window) and " ".join(window) in index.content:
                return True
    return False


def _hits(index: Index, pathway: Pathway, meant: dict[str, tuple[str, float]]) -> set[str]:
    """The targets worth scoring: those a distinctive word names (only they can be the answer), or, when the
    question has none, those any word names, at most `_SCORED` of them in the rule set's order."""
    said = {word for word, _ in meant.values()}
    named = {t for w in said if index.idf[w] >= index.distinctive for t in index.inverted[w]}
    if named:
        return named
    common = {t for w in said for t in index.inverted[w]}
    return common if len(common) <= _SCORED else set(sorted(common, key=pathway.order_key)[:_SCORED])


def _score(index: Index, target: str, meant: dict[str, tuple[str, float]],
           parties: tuple[str, ...]) -> tuple[float, float, dict[str, str]]:
    """A target's score, the weight of the words it matched, and those words (question word to its own).

    When the question names who acts (`parties`, in the order said), a target acting through others scores
    less, and one whose first actor is the first party named scores more: "can the US and Mexico set up an
    information-sharing mechanism" is theirs, not Canada's joining it."""
    own = index.words[target]
    matched = {asked: word for asked, (word, _) in meant.items() if word in own}
    weight = sum(index.idf[word] * meant[asked][1] * own[word] for asked, word in matched.items())
    said = set(matched.values())
    fit = max((sum(index.idf[w] for w in p & said) / sum(index.idf[w] for w in p) for p in index.phrases[target]),
              default=0.0)
    score = weight * (0.3 + 0.7 * fit)
    actors = index.actors[target]
    if parties and actors:
        score *= EXTRA_ACTOR ** sum(1 for actor in actors if actor.isdisjoint(parties))
        score *= SUBJECT if parties[0] in actors[0] else 1.0
    involved = index.involved[target]
    if parties and involved:  # a US/Canada arrangement is not what a question about all three means
        score *= LEFT_OUT ** sum(1 for party in parties if party in index.principals and party not in involved)
    return round(score, 4), weight, matched


def names_distinctively(index: Index, candidate: Candidate) -> bool:
    """Whether a word the candidate matched tells targets apart (is in at most a quarter of them, or in one)."""
    return any(index.idf[word] >= index.distinctive for word in candidate.matched.values())
