""""Did you mean" for mistyped ids, with the standard library's difflib."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def closest(word: str, candidates: Iterable[str], limit: int = 3) -> list[str]:
    """The known names nearest to `word`, best first, compared without case."""
    by_folded: dict[str, str] = {}
    for candidate in candidates:
        by_folded.setdefault(candidate.casefold(), candidate)
    matches = difflib.get_close_matches(word.casefold(), list(by_folded), n=limit, cutoff=0.5)
    return [by_folded[m] for m in matches]


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """A hint naming the closest known names, or "" when nothing is close."""
    names = closest(word, candidates)
    if not names:
        return ""
    return "did you mean " + " or ".join(f"'{n}'" for n in names) + "?"
