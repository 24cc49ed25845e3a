"""Questions in words scored against every target, on the rule set's index (`perimeter.answers.index`).

A question's words, folded by the rule set's `Lexicon`, are weighed by how much
they tell targets apart (the index's IDF weights), misspelt words are matched
to the nearest word of the rule set, and words that name nothing are left
out.  A target scores the weight of the words it shares with the
question, more when one of its phrases is said nearly whole.  The answer is
data: `Ranking`, every candidate with its score and the words it matched.
"""

from __future__ import annotations

from pydantic import BaseModel

from ..pathway.compiled import Pathway
from .index import TERM_WEIGHT, Index, downstream, index_of, respelt
from .shapes import Besides, asks_if_it_exists, besides, who_asks

FUZZY_QUALITY = 0.8
"""A word matched by spelling counts this much of a word matched exactly."""
EXTRA_ACTOR = 0.7
"""A target acting through someone the question, naming who acts, does not name scores this much per actor."""
SUBJECT = 1.4
LEFT_OUT = 0.7
"""A target not involving a party the question names scores this much per party left out."""
CONTEXT = 0.7
"""A step the question names by id as what another step it says needs ("join the agency set up in B4") scores
this much: the context, not the subject."""
MODEL = 0.5
"""A target the question names only as what the thing it asks about is like ("a joint command like CJOC") scores
this much: the model, not the subject."""
ASIDE = 0.3
"""A target the question names only as what the thing it asks about is made from or is not ("turn the joint
operations into a permanent body", "not just disaster relief") scores this much."""
EXISTS = 0.7
"""A step scores this much in a question asking whether something exists ("is there already a US/Mexico customs
organization for Canada to join"): conditions are what exists; steps are what is done."""
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
    asker: str = ""
    """The words before the question saying who asks ("As a CBP agent on the Arizona line"), left out of it."""
    placed: tuple[str, ...] = ()
    """The steps the question asks for by their place after or just before another it names ("what comes after
    the interagency teams": B4): the answer, though the words name the other; several, an ambiguity."""


def rank(pathway: Pathway, question: str) -> Ranking:
    """Every target `question` may mean, scored, best first; an id, title or alias as written wins outright."""
    index = index_of(pathway)
    asker, text = who_asks(question)  # "As a CBP agent on the Arizona line, ...": who asks is not what is asked
    read, spelled = respelt(index, text)
    plain = index.lexicon.fold(text)
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
    for table, key in ((index.exact, " ".join(index.lexicon.fold(text, keep_filler=True))),
                       (index.content, " ".join(asked)), (index.content, corrected)):
        hits = table.get(key, ()) if key else ()
        if hits:
            return Ranking(question=question, words=asked, unknown=(), exact=True, spelled=spelled, asker=asker,
                           candidates=tuple(
                Candidate(id=h, title=pathway.title_of(h), score=1.0, coverage=1.0,
                          matched={w: meant[w][0] if w in meant else w for w in asked})
                for h in sorted(hits, key=pathway.order_key)))
    known = sum(_known(index, w, q) for w, q in meant.values()) or 1.0
    other = besides(index, text)  # "a joint command like CJOC": CJOC is what it is like, not what is asked
    parties = tuple(dict.fromkeys(w for a, (w, _) in meant.items() if w in index.parties
                                  and a not in other.like and a not in other.not_))

    def by_score(s: tuple[float, float, dict[str, str], str]) -> tuple[float, tuple[int, int, str]]:
        return -s[0], pathway.order_key(s[3])  # best first; ties in the rule set's order

    scored = sorted((_score(index, t, meant, parties) + (t,) for t in _hits(index, pathway, meant)), key=by_score)
    scored = _with_references(index, pathway, asked, meant, parties, _with_model(index, other, meant, scored[:KEPT]))
    if asks_if_it_exists(text):  # "is there already a US/Mexico customs organization": a state of things
        scored = [(score * (EXISTS if t in pathway.steps else 1.0), weight, matched, t)
                  for score, weight, matched, t in scored]
    scored.sort(key=by_score)  # once, after every reading has weighed in
    everyday = tuple(w for w in unknown if w in index.everyday)
    foreign = tuple(w for w in unknown if w not in index.spoken and w not in index.everyday)
    return Ranking(question=question, words=asked, unknown=tuple(unknown), foreign=foreign, everyday=everyday,
                   spelled=spelled, asker=asker, candidates=tuple(
        Candidate(id=t, title=pathway.title_of(t), score=score, coverage=round(min(1.0, weight / known), 4),
                  matched=matched) for score, weight, matched, t in scored))


_Scored = list[tuple[float, float, dict[str, str], str]]
"""Candidates as they are scored: (score, weight of the words matched, those words, target)."""


def _known(index: Index, word: str, quality: float) -> float:
    """What a question's word weighs toward how much of the question a target covers: its rarity, less when
    matched by spelling, half when only the source's terms have it."""
    return index.idf[word] * quality * (TERM_WEIGHT if word in index.termed else 1.0)


def _with_model(index: Index, other: Besides, meant: dict[str, tuple[str, float]], scored: _Scored) -> _Scored:
    """The candidates with a target the question names only as what its subject is like, or by name as that
    ("a NATO-like alliance"), scoring `MODEL`, only as what it is made from, or at all as what it is not,
    `ASIDE` (`shapes.besides`); those words counted as matched by the others: they say which."""
    like, made_from, not_, by_name = other
    model = like | made_from | not_
    if not model:
        return scored
    mended: _Scored = []
    as_model = {meant[a][0] for a in by_name if a in meant}
    for score, weight, matched, target in scored:
        own = set(matched)
        named = {a for a in own & not_ if index.words[target][matched[a]] >= 1.0}  # by name, not by its terms
        # who turns the operations into a body acts in both: the parties say nothing of which it is
        made = bool(made_from) and {a for a, w in matched.items() if w not in index.parties} <= made_from
        if own <= model or named or made or any(p <= as_model for p in index.phrases[target]):  # "NATO-like"
            mended.append((score * (ASIDE if own <= made_from | not_ or named or made else MODEL), weight, matched,
                           target))
            continue
        extra = {a: meant[a][0] for a in model if a in meant and a not in matched}
        mended.append((score, weight + sum(_known(index, w, meant[a][1]) for a, w in extra.items()),
                       {**matched, **extra}, target))
    return mended


def _with_references(index: Index, pathway: Pathway, asked: tuple[str, ...], meant: dict[str, tuple[str, float]],
                     parties: tuple[str, ...], scored: _Scored) -> _Scored:
    """The candidates with the words said about a step the question names by id counted as matched by the
    steps needing it: "Canada joining the agency the US and Mexico set up in B4" is B7, whose words say
    only "Canada joining"; the rest says which agency, B4's."""
    named = [pathway.canonical(w) for w in asked if len(asked) > 1 and w in index.ids and not w.isalpha()]
    if not (named := [n for n in named if n in pathway.steps]):  # an id as ids are written ("B4"), not a word
        return scored
    about = {n: _score(index, n, meant, parties)[2] for n in named}
    after = {n: downstream(index, n) for n in named}
    mended: _Scored = []
    context: set[str] = set()  # the steps named as what another step said needs: the question is about that one
    for score, weight, matched, target in scored:
        for n in named:
            if target in after[n]:
                extra = {a: w for a, w in about[n].items() if a not in matched}
                context |= {n} if set(matched) - set(about[n]) else set()
                weight += sum(index.idf[w] * meant[a][1] * index.words[n][w] for a, w in extra.items())
                matched = {**matched, **extra}
        mended.append((score, weight, matched, target))
    return [(score * (CONTEXT if target in context else 1.0), weight, matched, target)
            for score, weight, matched, target in mended]


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
    # a question naming a unit ("the Mexican navy") counts units: SEDENA acting in A3 is an actor it did not name
    actors = index.units[target] if index.branches.intersection(parties) else index.actors[target]
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
