"""Every quote in rules/ and facts/ appears word for word in the paper."""

from __future__ import annotations

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


@pytest.mark.skipif(not PAPER.exists(), reason=f"the paper is not beside the checkout ({PAPER})")
@pytest.mark.parametrize(("where", "quote"), QUOTES, ids=[w for w, _ in QUOTES])
def test_quote_appears_word_for_word(where, quote):
    assert _normalise(quote) in _normalise(PAPER.read_text(encoding="utf-8")), where
