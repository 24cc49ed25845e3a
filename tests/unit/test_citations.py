"""Every quote in rules/ and facts/ appears word for word in the paper."""

from __future__ import annotations

import functools
import re

import pytest
import yaml

from builders import PAPER, REPO


def _quotes(node, where=""):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "quote":
                yield where, value
            else:
                yield from _quotes(value, f"{where}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _quotes(value, f"{where}[{i}]")


def _normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


FILES = sorted((REPO / "rules").glob("*.yaml")) + sorted((REPO / "facts").glob("*.yaml"))
QUOTES = [(f"{path.relative_to(REPO)}{where}", quote)
          for path in FILES for where, quote in _quotes(yaml.safe_load(path.read_text()))]


def test_the_shipped_files_quote_the_paper():
    assert len(QUOTES) > 50, "every rule and fact carries a citation"


ELISION = "…"
"""Elides a page break (a footnote, a caption) inside a quote: each side is checked word for word."""

MAX_ELIDED = 1500
"""The most text an elision may stand for, in characters: a page's footnotes, not a paragraph skipped."""


@functools.cache
def _paper() -> str:
    """The paper's text, normalised: read once for every quote and term."""
    return _normalise(PAPER.read_text(encoding="utf-8"))


@functools.cache
def _paper_folded() -> str:
    """The paper's text, normalised and casefolded (a term may start a sentence there: "Key West")."""
    return _paper().casefold()


def _found(quote: str, paper: str) -> bool:
    """Whether each part of `quote` appears in `paper`, in order, with at most MAX_ELIDED characters between."""
    position = None
    for part in (_normalise(p) for p in quote.split(ELISION)):
        at = paper.find(part, position or 0)
        if at < 0 or (position is not None and at - position > MAX_ELIDED):
            return False
        position = at + len(part)
    return True


def test_an_elided_quote_must_match_on_both_sides_and_close_together():
    paper = "Given the presumed establishment of the preceding [a footnote] organizations in the sectors."
    assert _found("Given the presumed establishment of the preceding … organizations in the", paper)
    assert not _found("Given the presumed establishment of the preceding … organisations in the", paper)
    assert not _found("organizations in the … Given the presumed", paper), "the sides keep their order"
    assert not _found("Given … sectors.", "Given" + " x" * MAX_ELIDED + " sectors."), "not a paragraph skipped"


@pytest.mark.skipif(not PAPER.exists(), reason=f"the paper is not beside the checkout ({PAPER})")
@pytest.mark.parametrize(("where", "quote"), QUOTES, ids=[w for w, _ in QUOTES])
def test_quote_appears_word_for_word(where, quote):
    assert _found(quote, _paper()), where


def _terms(node, where=""):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "terms":
                yield from ((f"{where}.terms[{i}]", term) for i, term in enumerate(value))
            else:
                yield from _terms(value, f"{where}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _terms(value, f"{where}[{i}]")


TERMS = [(f"{path.relative_to(REPO)}{where}", term)
         for path in sorted((REPO / "rules").glob("*.yaml")) for where, term in _terms(yaml.safe_load(path.read_text()))]


def test_the_shipped_rules_carry_the_papers_own_terms():
    assert len(TERMS) > 100 and all(isinstance(term, str) and term.strip() for _, term in TERMS)


@pytest.mark.skipif(not PAPER.exists(), reason=f"the paper is not beside the checkout ({PAPER})")
@pytest.mark.parametrize(("where", "term"), TERMS, ids=[w for w, _ in TERMS])
def test_a_term_is_the_papers_own_words(where, term):
    """A term is said word for word in the paper, as a quote is (case aside: "Key West" starts a sentence)."""
    assert _normalise(term).casefold() in _paper_folded(), where
