"""The corpus of reader questions (tests/cases/questions/corpus/): one test per question (issue 18).

Each file names a rule set (the paper's, or one under rules/) and lists questions as a reader of
its text would type them, with what each means: a target, a Chart 1 relationship (and level), an
honest ambiguity (its candidates best first), or nothing.  The resolver is asked as the engine asks
it: a relationship question first, then a target.
"""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from perimeter import AmbiguousTargetError, UnknownIdError
from perimeter.answers.resolve import resolve, resolve_relationship
from perimeter.pathway.compile import load_pathway

from builders import CASES, REPO

FOLDER = CASES / "questions" / "corpus"
KINDS = {"target", "relationship", "ambiguous", "nothing"}


def _corpus() -> list[tuple[str, str | None, dict[str, Any]]]:
    cases = []
    for path in sorted(FOLDER.glob("*.yaml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        for item in document["questions"]:
            cases.append((path.stem, document["rules"], item))
    return cases


CORPUS = _corpus()
_PATHWAYS: dict[str | None, Any] = {}


def _pathway(rules: str | None) -> Any:
    if rules not in _PATHWAYS:
        _PATHWAYS[rules] = load_pathway(REPO / "rules" / rules if rules else None)
    return _PATHWAYS[rules]


@pytest.mark.parametrize(("corpus", "rules", "item"), CORPUS, ids=[f"{c}:{i['q']}" for c, _, i in CORPUS])
def test_a_reader_question_means_what_the_reader_means(corpus, rules, item):
    pathway = _pathway(rules)
    question = item["q"]
    about = resolve_relationship(pathway, question)
    if "relationship" in item:
        assert about == (item["relationship"], item.get("level")), question
        return
    assert about is None, (question, about)
    if "target" in item:
        assert resolve(pathway, question) == item["target"]
    elif "ambiguous" in item:
        with pytest.raises(AmbiguousTargetError) as ambiguous:
            resolve(pathway, question)
        assert list(ambiguous.value.candidates) == item["ambiguous"]
    else:
        with pytest.raises(UnknownIdError) as unknown:
            resolve(pathway, question)
        assert not isinstance(unknown.value, AmbiguousTargetError)


def test_the_corpus_is_large_enough_and_well_formed():
    sizes = {corpus: sum(1 for c, _, _ in CORPUS if c == corpus) for corpus, _, _ in CORPUS}
    assert sizes["paper"] >= 80 and sizes["wildfire"] >= 20, sizes
    for _, _, item in CORPUS:
        assert set(item) - {"q", "level"} <= KINDS and len(set(item) & KINDS) == 1, item
    questions = [(c, i["q"]) for c, _, i in CORPUS]
    assert len(questions) == len(set(questions)), "a question is listed twice"


def test_every_question_quoted_in_the_issue_is_in_the_corpus():
    asked = {i["q"] for c, _, i in CORPUS if c == "paper"}
    quoted = {"what does Mexico need before it can join NORAD", "when can Mexico become part of NORAD?",
              "can the Mexican army set up an HA/DR command",
              "what's stopping the Mexican navy from creating a disaster relief command",
              "why can't Mexico form a joint HA/DR command", "what does Canada need to join the HA/DR command in Mexico",
              "Canada-US law enforcement training center", "how far are we from the goal", "perimeter", "the perimeter",
              "IBET", "law enforcement training center", "Canada Command", "CJOC", "Mexcio joins NORAD", "NORDA",
              "perimiter", "vettting", "why isn't the trilateral relationship higher", "us_mexico_working_group_1996",
              "why is US/Mexico at combined operations"}
    assert quoted <= asked, quoted - asked


def test_the_corpus_files_name_rule_sets_that_exist():
    for path in sorted(FOLDER.glob("*.yaml")):
        rules = yaml.safe_load(path.read_text(encoding="utf-8"))["rules"]
        assert rules is None or (REPO / "rules" / rules).is_file(), path
