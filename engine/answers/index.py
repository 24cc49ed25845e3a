"""A rule set's targets as words: the index every question is scored against, built once per rule set.

Every step, condition and goal is a target; its phrases are its id, title and
aliases (its actors count half, the source's `terms:` about it half).  The index
holds each target's words with their weights, how rare each word is (an IDF
weight: a word in every target tells nothing), every word the rule set uses
(for spelling: a misspelt word is read as the nearest, difflib at 80%), who acts
in each target, and the ids.  `perimeter.answers.ranking` scores questions on it.
"""

from __future__ import annotations

import difflib
import math
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from ..pathway.compiled import Pathway
from .everyday import EVERYDAY
from .lexicon import FILLER, GENERAL, LIKENESS, Lexicon, tokens

ACTOR_WEIGHT = 0.5
"""An actor's words name a target less than its title does: Mexico acts in half the paper's steps."""
PART_WEIGHT = 0.5
"""A word said within a synonym phrase ("center" of "training center") names its target this much alone."""
TERM_WEIGHT = 0.5
"""A word of the source's own `terms:` about a target ("junior partner") names it this much."""
_EVERYDAY = frozenset(EVERYDAY.split())
_FUZZY_CUTOFF = 0.8
_RESPELL_CUTOFF = 0.85
"""A word as written is read as another only when nearer than a folded one: "formal" is not "form"."""
_FUZZY_MIN_LENGTH = 5
_RESPELLINGS_KEPT = 100_000


@dataclass(frozen=True)
class Index:
    """A rule set's targets as words: built once per pathway (`index_of`) and read by every question."""

    lexicon: Lexicon
    exact: dict[str, tuple[str, ...]]
    """A phrase as written (folded, filler kept) to the targets that have it."""
    content: dict[str, tuple[str, ...]]
    """A phrase's content words (filler dropped) to the targets that have it."""
    words: dict[str, dict[str, float]]
    """Each target's words, each with its weight: 1 for a word of its names; half (PART_WEIGHT) for one said
    within a synonym phrase or saying what it is like; ACTOR_WEIGHT for an actor's only; TERM_WEIGHT for a
    word only its `terms:` have."""
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
    units: dict[str, tuple[frozenset[str], ...]]
    """Each target's actors as units a question may name apart: the parts of an actor's parenthesis ("SEDENA",
    "SEMAR" of "Mexico (SEDENA and SEMAR)"), less the principal parties, when there are two or more; else whole."""
    branches: frozenset[str]
    """The words of those parts: a question naming one ("the Mexican navy") names units, not only countries."""
    needed_by: dict[str, tuple[str, ...]]
    """Each step or condition to the steps (and goals) stating it as a precondition, in the rule set's order."""
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
        close = [w for w in difflib.get_close_matches(word, pool, n=3, cutoff=_RESPELL_CUTOFF if written else
                                                          _FUZZY_CUTOFF) if not _affixed(word, w)][:1]
        if len(self.respellings) < _RESPELLINGS_KEPT:
            self.respellings[word, written] = close[0] if close else None
        return close[0] if close else None


def _affixed(word: str, other: str) -> bool:
    """Whether one word is the other with two letters or more put before it: another word ("mission",
    "admission"; "enforce", "force"), not a misspelling (letters after it are an ending: "jointly")."""
    short, long = sorted((word, other), key=len)
    return len(long) - len(short) >= 2 and long.endswith(short)


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
            like = _likened(lexicon, text)  # "(like CJOC and USNORTHCOM)": what it is like, not what it is
            for word in folded:
                own[word] = max(own.get(word, 0.0), PART_WEIGHT if word in like else 1.0)
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
    units, branches = _units(lexicon, texts, principals, acting)
    needed_by: dict[str, list[str]] = defaultdict(list)
    for step in pathway.steps:
        for need in dict.fromkeys(n for r in pathway.preconditions(step) for n in r.needs):
            needed_by[need].append(step)
    return Index(lexicon, {k: tuple(v) for k, v in exact.items()}, {k: tuple(v) for k, v in content.items()},
                 words, phrases, {w: frozenset(ids) for w, ids in inverted.items()}, idf,
                 _by_length(inverted), frozenset(known), _by_length(known - FILLER), acting, parties,
                 _spoken(pathway, lexicon), everyday,
                 frozenset(w for w, ids in termed.items() if ids == inverted[w]), principals, involved,
                 {id_.casefold(): id_ for id_ in ids},
                 frozenset(id_head(id_) for id_ in ids if any(c.isdigit() for c in id_)),
                 distinctive=min(math.log(1 + 4), math.log(1 + total)), units=units, branches=branches,
                 needed_by={need: tuple(steps) for need, steps in needed_by.items()})


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


_PARTS = re.compile(r"\s*(?:,|/|\band\b|\bor\b)\s*")
"""What separates the units an actor's parenthesis names: "SEDENA and SEMAR", "DEA, ATF, FBI"."""

_LIKE_HINTS = re.compile("like|resembl|similar|akin|model|pattern|based|copied|version|equivalent|counterpart|"
                         "copy|style|type")
"""A word one of `LIKENESS`'s patterns needs: a name with none of them says nothing of likeness."""


def _likened(lexicon: Lexicon, text: str) -> frozenset[str]:
    """The words of a name saying only what its target is like ("Mexico creates a Joint Force Command (like
    CJOC and USNORTHCOM)": CJOC, USNORTHCOM)."""
    said = text.casefold()
    if _LIKE_HINTS.search(said) is None:  # most names say nothing of the kind: no pattern to run
        return frozenset()
    phrases = [next(g for g in m.groups() if g) for m in LIKENESS.finditer(said)]
    if not phrases:
        return frozenset()
    return frozenset({w for p in phrases for w in lexicon.fold(p)} - set(lexicon.fold(LIKENESS.sub(" ", said))))


def _units(lexicon: Lexicon, texts: dict[str, tuple[tuple[str, ...], tuple[str, ...]]],
           principals: frozenset[str], acting: dict[str, tuple[frozenset[str], ...]]
           ) -> tuple[dict[str, tuple[frozenset[str], ...]], frozenset[str]]:
    """`Index.units` and `Index.branches`: "Mexico (SEDENA and SEMAR)" is two units, SEDENA and SEMAR ("Mexico
    (SSP)" is one, the actor); a target naming no actor, the parties its title names (`acting`)."""
    units: dict[str, tuple[frozenset[str], ...]] = {}
    parted: dict[str, list[frozenset[str]]] = {}  # an actor's parts, once per actor as written
    for id_, (_, actors) in texts.items():
        if not any("(" in actor for actor in actors):
            units[id_] = acting[id_]  # no parenthesis: each actor is one unit, as `acting` has it
            continue
        each: list[frozenset[str]] = []
        for actor, whole in zip(actors, acting[id_]):
            if actor not in parted:
                inside = re.search(r"\(([^)]*)\)", actor)
                parts = [frozenset(lexicon.fold(p)) - principals for p in _PARTS.split(inside.group(1))] if inside \
                    else []
                parted[actor] = [p for p in parts if p]
            each += parted[actor] if len(parted[actor]) > 1 else [whole]  # one part: the actor itself
        units[id_] = tuple(each)
    return units, frozenset(w for parts in parted.values() for part in parts for w in part)


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


def downstream(index: Index, target: str) -> set[str]:
    """Every step needing `target`, directly or through others, as the rule set states them (`Index.needed_by`)."""
    seen: set[str] = set()
    todo = [target]
    while todo:
        for step in index.needed_by.get(todo.pop(), ()):
            if step not in seen:
                seen.add(step)
                todo.append(step)
    return seen


def respelt(index: Index, question: str) -> tuple[str, dict[str, str]]:
    """The question's words with each misspelling of a rule set's word as written replaced by it, and those."""
    said = tokens(question)
    spelled = {w: near for w in dict.fromkeys(said) if w not in index.known and w not in _EVERYDAY
               and (near := index.spelled(w, written=True)) is not None}  # "taking" is no misspelt "tracking"
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
