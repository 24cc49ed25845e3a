"""Loader robustness: random and mutated documents raise only the library's own errors."""

from __future__ import annotations

import tempfile
from pathlib import Path

import yaml
from hypothesis import given
from hypothesis import strategies as st

from perimeter import PerimeterError, load_facts, load_pathway
from perimeter.pathway.compile import compile_pathway
from perimeter.files.read import parse, validate
from perimeter.pathway.model import RuleFile

from builders import REPO
from strategies import budget

SHIPPED = [(REPO / "rules" / "pathway.yaml").read_text(encoding="utf-8"),
           (REPO / "facts" / "baseline.yaml").read_text(encoding="utf-8")]
KEYS = ["pathway", "steps", "conditions", "goal", "facts", "id", "title", "actors", "sector", "sequence",
        "preconditions", "requires", "basis", "citation", "section", "quote", "constraints", "attribute",
        "allowed", "aliases", "note", "attributes", "source", "involves", "text"]
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-5, 30), st.floats(allow_nan=False),
                    st.sampled_from(["A1", "A3", "vetting", "stated", "implied", "defense", "goal", "", "x" * 70]),
                    st.text(max_size=20))
DOCUMENTS = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.sampled_from(KEYS), inner, max_size=5)), max_leaves=30)


@st.composite
def mutated(draw):
    """A shipped file with a slice cut, repeated or replaced by noise."""
    text = draw(st.sampled_from(SHIPPED))
    start = draw(st.integers(0, len(text)))
    end = draw(st.integers(start, min(len(text), start + 400)))
    noise = draw(st.one_of(st.just(""), st.text(max_size=12), st.sampled_from(
        ["\n", "  ", ":", "- ", "&a ", "*a", "!!python/object:os.system ", "{", "[", '"', "\t", "\x00"])))
    operation = draw(st.sampled_from(["cut", "repeat", "replace"]))
    if operation == "cut":
        return text[:start] + text[end:]
    if operation == "repeat":
        return text[:end] + text[start:end] + text[end:]
    return text[:start] + noise + text[end:]


def _load_everything(text: str, paper) -> None:
    """Every way a document reaches the library: as rules, and as facts."""
    try:
        document = parse(text, "fuzzed.yaml")
        compile_pathway([(validate(RuleFile, document), document.source)])
    except PerimeterError as error:
        assert error.render() and "Traceback" not in error.render()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzzed.yaml"
        path.write_text(text, encoding="utf-8")
        for load in (lambda: load_pathway(path), lambda: load_facts(paper, path)):
            try:
                load()
            except PerimeterError as error:
                assert error.render()


@budget(200)
@given(text=st.text(max_size=300))
def test_random_text_raises_only_library_errors(text, paper):
    _load_everything(text, paper)


@budget(200)
@given(document=DOCUMENTS)
def test_random_documents_shaped_like_rules_raise_only_library_errors(document, paper):
    _load_everything(yaml.safe_dump(document, allow_unicode=True), paper)


@budget(200)
@given(text=mutated())
def test_mutated_shipped_files_raise_only_library_errors(text, paper):
    _load_everything(text, paper)
