"""Golden questions (tests/cases/questions/): one YAML file per case, one test per file.

Each case gives the rules and facts to start from (the paper's and its 2013
baseline unless it says otherwise), the facts to apply first, a question, and
the answer's fields it expects; its `about` says why, from the rules.  The
README in that folder describes the format.  `answer()` is the one place
that knows how each kind of question is asked: the library for `why`, `plan`
and `status`, the command (`perimeter why ... --json`, in-process) for
questions about a relationship on the spectrum.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from perimeter import Engine, FactChange, open_engine
from perimeter.cli.main import app

from builders import CASES

FOLDER = CASES / "questions"
FILES = sorted(FOLDER.glob("*.yaml"))
KEYS = {"about", "rules", "facts", "reading", "given", "ask", "question", "expect"}
FIELDS = {  # what each kind of question may expect
    "why": {"target", "state", "missing", "frontier", "support", "violations"},
    "plan": {"target", "order", "actions", "reason"},
    "status": {"target", "state", "blockers"},
    "relationship": {"target", "state", "level", "level_name", "asked", "asked_name", "missing", "frontier"},
}


def load(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


# -- asking ----------------------------------------------------------------------------

def answer(case: dict[str, Any], tmp_path: Path) -> dict[str, Any]:
    """The answer to the case's question, as the plain fields a case may expect."""
    rules, facts = _files(case, tmp_path)
    if case["ask"] == "relationship":
        return _through_the_command(case, rules, facts)
    with open_engine(rules, facts, reading=case.get("reading", "default")) as engine:
        for batch in case.get("given", []):
            _apply(engine, batch)
        return ASK[case["ask"]](engine, case["question"])


def _why(engine: Engine, question: str) -> dict[str, Any]:
    found = engine.explain(question)
    return {"target": found.target, "state": found.state, "missing": list(found.missing),
            "frontier": list(found.frontier), "support": [s.id for s in found.support],
            "violations": [v.id for v in found.violations]}


def _plan(engine: Engine, question: str) -> dict[str, Any]:
    found = engine.plan(question)
    return {"target": found.target, "order": list(found.order), "actions": [i.action for i in found.items],
            "reason": found.reason}


def _status(engine: Engine, question: str) -> dict[str, Any]:
    found = engine.status(question)
    return {"target": found.id, "state": found.state.value, "blockers": [b.id for b in found.blockers]}


ASK = {"why": _why, "plan": _plan, "status": _status}


def _through_the_command(case: dict[str, Any], rules: Path | None, facts: Path | None) -> dict[str, Any]:
    """`perimeter why QUESTION --json` after `perimeter assert`/`retract` of the given facts."""
    options = [*(["--rules", str(rules)] if rules else []), *(["--facts", str(facts)] if facts else []),
               *(["--reading", case["reading"]] if "reading" in case else [])]
    runner = CliRunner()
    for batch in case.get("given", []):
        for action in ("assert", "retract"):
            if batch.get(action):
                words = [w for item in batch[action] for w in _fact_words(item)]
                result = runner.invoke(app, [*options, action, *words, *(["--force"] if batch.get("force") else [])])
                assert result.exit_code == 0, (action, words, result.output)
    result = runner.invoke(app, [*options, "why", case["question"], "--json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    return {key: document[key] for key in FIELDS["relationship"]}


def _files(case: dict[str, Any], tmp_path: Path) -> tuple[Path | None, Path | None]:
    """The case's own rules and facts, written where the engine or the command can read them."""
    written = []
    for key in ("rules", "facts"):
        if key in case:
            path = tmp_path / f"{key}.yaml"
            path.write_text(yaml.safe_dump(case[key], sort_keys=False), encoding="utf-8")
            written.append(path)
        else:
            written.append(None)
    return written[0], written[1]


def _apply(engine: Engine, batch: dict[str, Any]) -> None:
    changes = [FactChange(action, *_fact(item)) for action in ("assert", "retract") for item in batch.get(action, [])]
    engine.apply(changes, force=batch.get("force", False))


def _fact(item: str | dict[str, Any]) -> tuple[str, dict[str, str] | None]:
    if isinstance(item, str):
        return item, None
    return item["id"], item.get("attributes")


def _fact_words(item: str | dict[str, Any]) -> list[str]:
    id_, attributes = _fact(item)
    return [id_, *(f"{k}={v}" for k, v in (attributes or {}).items())]


# -- the tests ---------------------------------------------------------------------------

@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_the_question_gets_the_expected_answer(path, tmp_path, state_file):
    case = load(path)
    got = answer(case, tmp_path)
    assert {key: got[key] for key in case["expect"]} == case["expect"]


def test_there_are_cases_of_every_kind():
    kinds = {load(path)["ask"] for path in FILES}
    assert kinds == set(FIELDS), f"no case asks {set(FIELDS) - kinds}"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_a_case_is_well_formed(path):
    case = load(path)
    assert set(case) <= KEYS, f"unknown keys {set(case) - KEYS}"
    assert case["ask"] in FIELDS and case["question"] and case["about"].strip()
    assert case["expect"] and set(case["expect"]) <= FIELDS[case["ask"]], set(case["expect"]) - FIELDS[case["ask"]]
    assert isinstance(case.get("reading", "default"), str)
    for batch in case.get("given", []):
        assert set(batch) <= {"assert", "retract", "force"} and (batch.get("assert") or batch.get("retract")), batch
