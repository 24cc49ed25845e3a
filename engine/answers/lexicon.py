"""The words of a question and of a rule set, folded so that the same thing said two ways matches.

Text is cut into words (letters and digits), question words and filler are
dropped, endings are folded (joins, joined, joining: join), and synonyms are
read as one word: general ones built in here (centre/center, join/enter/become
part of, US/United States/America, ...) and a rule set's own, from the
`vocabulary:` of its rule files.  The same folding applies to a question and to
every title, alias and actor, so both sides meet in the same words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from dataclasses import dataclass, field

FILLER = frozenset("""
    why whi how what whats which when where who whom whose can cant cannot could couldnt would wouldnt should
    shouldnt will wont not no isnt arent doesnt dont didnt hasnt havent yet still now already ever the a
    an as to of for in on at by with from into is are was were be been being do does did has have had it
    its this that these those there here we you i me my our your they them their please explain tell
    show plan reach get got getting reaching achieve achieving happen happened possible blocked
    blocking blocks block eligible done status step steps about so and or than then toward towards
    need needs needed require requires required before after first stop stops stopping stopped prevent
    prevents preventing keep keeps keeping hold holds holding back missing left far away until s t
    able allowed going go goes there anything something thing things else really actually
    currently today yet just between
    one all any some its also only very much many more most over out own such own anymore else like
""".split())
"""Words that ask rather than name: dropped from questions, and from the rule set's phrases."""

GENERAL_SYNONYMS: tuple[tuple[str, ...], ...] = (
    ("north america", "north american", "north americas"),
    ("us", "united states", "united states of america", "u s", "usa", "america", "american", "americans"),
    ("center", "centre", "centers", "centres"),
    ("defense", "defence"),
    ("organization", "organisation", "organizations", "organisations", "body", "bodies"),
    ("program", "programme", "programs", "programmes"),
    ("binational", "bi national"),
    ("trilateral", "tri lateral", "three way", "tripartite", "three country", "three nation",
     "three countries", "all three countries", "three nations"),
    ("multinational", "multi national"),
    ("join", "enter", "membership", "member of", "become part of", "become a part of", "become a member of", "become member of",
     "becoming part of", "becomes part of", "became part of", "becoming a member of", "becoming a part of",
     "accede to", "sign up to", "sign on to", "entry into", "take part in", "participate in", "get into",
     "plug into", "brought into", "folded into", "admitted to", "admission to", "accession to", "sit on",
     "sit in", "a seat on", "a seat at", "brought in", "be brought in", "let in", "let into"),
    ("create", "set up", "form", "establish", "build", "found", "launch", "stand up", "creation",
     "establishment", "formation"),
    ("expand", "enlarge", "extend", "expansion", "enlargement"),
    ("review", "look back over", "look back at", "look back on", "take stock of", "reassess"),
    ("goal", "end goal", "end state", "endgame", "end point", "final goal", "ultimate goal", "final objective",
     "ultimate objective", "end result"),
    ("information", "info"),
    ("intelligence", "intel"),
    ("organized", "organised"),
)
"""Synonym groups every rule set shares; the first of each is the word both sides are read as."""

LIKENESS = re.compile(
    r"\b(?:like|resembling|similar\s+to|akin\s+to|modell?ed\s+(?:on|after)|patterned\s+(?:on|after)|"
    r"based\s+on|copied\s+from|(?:version|equivalent|counterpart|copy)\s+of)\s+(?P<a>[^,;:?!.()]+)"
    r"|(?P<b>[\w/]+(?:-[\w/]+)?)(?:[- ](?:style|type)|-like)\b|\bthe\s+(?P<c>[\w/ -]+?)\s+model\b")
"""What a question says the thing it asks about is like: "a joint command like CJOC", "modeled on the Key West
task force", "a JIATF-South style setup", "IBET-type teams", "a NATO-like alliance", "the IBET model"."""
WANTING = re.compile(r"\blike\s+to\b|\b(?:would|'d|i|we|you|they)\s+like\b")
"""Liking, not likeness: "would Mexico like to join NORAD"."""


_ENDINGS = ("ing", "ed", "es", "s")


_CONTRACTIONS = ((re.compile(r"\bcan't\b"), "cannot"), (re.compile(r"\bwon't\b"), "will not"),
                 (re.compile(r"n't\b"), " not"), (re.compile(r"'s\b"), ""))
_WORD = re.compile(r"[a-z0-9]+")
_LET_IN = re.compile(r"\b(?:bring|brings|bringing|brought|let|lets|letting|admit|admits|admitted|admitting|"
                     r"welcome|welcomes|welcomed|welcoming)\s+([\w/'-]+)\s+into\b")
"""Bringing or letting someone into something is their joining it: "bring Canada into X" is "Canada join X"."""


def tokens(text: str) -> list[str]:
    """`text` cut into lowercase words: letters and digits, everything else a break ("HA/DR": ha, dr)."""
    text = text.casefold().replace("’", "'")
    if " into " in text:
        text = _LET_IN.sub(r"\1 join", text)
    if "'" in text:
        for pattern, replacement in _CONTRACTIONS:
            text = pattern.sub(replacement, text)
    return _WORD.findall(text)


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Fold the endings users vary: joins/join, joined/join, creating/create, agencies/agency."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    for ending in _ENDINGS:
        if len(word) > len(ending) + 2 and word.endswith(ending) and not word.endswith("ss"):
            word = word[: -len(ending)]
            break
    if len(word) > 4 and word.endswith("e"):
        word = word[:-1]
    return word


@dataclass(frozen=True)
class Lexicon:
    """Synonym groups (built in, then a rule set's own) and the folding they make.

    A group is read as one word: its first phrase, folded.  Phrases are matched
    longest first, so "United States of America" is one word, not three.
    """

    groups: tuple[tuple[str, ...], ...] = GENERAL_SYNONYMS
    _single: dict[str, str] = field(default_factory=dict, repr=False, compare=False)
    _phrases: dict[tuple[str, ...], str] = field(default_factory=dict, repr=False, compare=False)
    _longest: int = field(default=1, repr=False, compare=False)

    def __post_init__(self) -> None:
        # One word for one word first (centre: center, Mexican: Mexico), so that phrases
        # written with either ("training centre", "Mexican army") meet.
        single: dict[str, str] = {}
        for group in self.groups:
            heads = tokens(group[0])
            if len(heads) == 1:
                for p in group[1:]:
                    words = tokens(p)
                    if len(words) == 1:
                        single.setdefault(words[0], heads[0])
        object.__setattr__(self, "_single", single)
        phrases: dict[tuple[str, ...], str] = {}
        for group in self.groups:
            folded = [tuple(single.get(w, w) for w in tokens(p)) for p in group]
            folded = [p for p in folded if p]
            if not folded:
                continue
            head = "_".join(stem(w) for w in folded[0])
            # An earlier group keeps a phrase both list (a rule set's own may not re-read "us").
            for phrase in folded:
                phrases.setdefault(phrase, phrases.get(folded[0], head))
        object.__setattr__(self, "_phrases", phrases)
        object.__setattr__(self, "_longest", max((len(p) for p in phrases), default=1))

    def extended(self, groups: Iterable[Sequence[str]]) -> Lexicon:
        """This lexicon with more groups (a rule set's `vocabulary:`), which come after the built-in ones."""
        return Lexicon((*self.groups, *(tuple(g) for g in groups)))

    def fold(self, text: str, *, keep_filler: bool = False) -> tuple[str, ...]:
        """The words of `text` as matching sees them: synonyms read as one word, endings folded, filler dropped."""
        every, content = self.folds(text)
        return every if keep_filler else content

    def folds(self, text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """`fold(text)` with its filler words kept, and without them: one pass for both."""
        raw = [self._single.get(w) or self._single.get(stem(w), w) for w in tokens(text)]
        every: list[str] = []
        content: list[str] = []
        i = 0
        while i < len(raw):
            for size in range(min(self._longest, len(raw) - i), 0, -1):
                found = self._phrases.get(tuple(raw[i:i + size]))
                if found is not None:
                    every.append(found)
                    content.append(found)
                    i += size
                    break
            else:
                word = raw[i]
                i += 1
                every.append(stem(word))
                if word not in FILLER:
                    content.append(every[-1])
        return tuple(every), tuple(content)


    def parts(self, text: str) -> tuple[str, ...]:
        """The content words of `text` one by one, endings folded, with no phrase read as one word."""
        return tuple(stem(w) for w in (self._single.get(w) or self._single.get(stem(w), w) for w in tokens(text))
                     if w not in FILLER)


GENERAL = Lexicon()
"""The built-in synonyms alone: for rule sets with no `vocabulary:`."""
