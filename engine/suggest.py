""""Did you mean" for mistyped ids, with the standard library's difflib.

One call, `close_matches`, finds the candidates; `did_you_mean` words them
as a hint.  An error carries both, so the hint a person reads and the
candidates a program reads never disagree.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def close_matches(word: str, known: Iterable[str], limit: int = 3, cutoff: float = 0.5) -> tuple[str, ...]:
    """The known names nearest to `word`, best first, compared without case; () when none is close.

    `cutoff` is difflib's: how alike (0 to 1) a name must be to be offered.
    """
    by_folded: dict[str, str] = {}
    for name in known:
        by_folded.setdefault(name.casefold(), name)
    matches = difflib.get_close_matches(word.casefold(), list(by_folded), n=limit, cutoff=cutoff)
    return tuple(by_folded[m] for m in matches)


def did_you_mean(matches: tuple[str, ...]) -> str:
    """A hint offering `matches` (from `close_matches`), or "" when there are none."""
    if not matches:
        return ""
    return "did you mean " + " or ".join(f"'{n}'" for n in matches) + "?"
