"""`perimeter leverage`, `plan --rounds` and the distance line of `status`; the README's worked example."""

from __future__ import annotations

import json
import re
import shlex

import pytest

from builders import REPO, write_facts, write_rules
from clitools import answer, main, one_error_line, perimeter

WILDFIRE = REPO / "rules" / "examples" / "wildfire"
APPROVAL = REPO / "rules" / "examples" / "approval"


def _each(document):
    """Several answers in one JSON document: `{"answers": [...]}` (a plain list before that envelope)."""
    return document["answers"] if isinstance(document, dict) else document


def _example(folder, *args):
    return answer("--rules", str(folder / "rules.yaml"), "--facts", str(folder / "facts.yaml"), *args)


def test_leverage_ranks_vetting_first_and_shows_a1_with_a2_as_a_pair():
    text = answer("leverage", "goal")
    blocks = text.split("\n\n")
    assert blocks[0].startswith("Leverage toward goal: North American Security Perimeter (reading: default)")
    assert blocks[1].startswith("1. establish vetting\n   eligible at once: B1, B2\n")
    assert "why: B1 needs vetting (stated), III.B (B1):" in blocks[1]
    pair = next(b for b in blocks if "take A1 and A2 together" in b)
    assert "eligible at once: A3" in pair and "A3 needs A2 (stated)" in pair


def test_leverage_json_gives_every_figure_behind_the_order():
    document = json.loads(answer("leverage", "goal", "--json"))
    assert {"target", "reading", "actions", "ranked_by", "rounds", "size"} <= set(document)
    assert document["target"] == "goal" and document["reading"] == "default"
    first = document["actions"][0]
    assert first["ids"] == ["vetting"] and first["eligible"] == ["B1", "B2"]
    assert {"ids", "eligible", "reachable", "rounds", "size", "rounds_saved", "size_saved", "links"} <= set(first)
    link = first["links"][0]
    assert link["basis"] == "stated" and link["citation"]["quote"] and link["step"] == "B1"
    assert ["A1", "A2"] in [a["ids"] for a in document["actions"]]


def test_leverage_without_a_target_weighs_each_goal_in_turn():
    document = _each(json.loads(_example(APPROVAL, "leverage", "--json")))
    assert [d["target"] for d in document] == ["approval", "label-update"]
    assert json.loads(answer("leverage", "--json"))["target"] == "goal", "the only goal: one answer"


def test_leverage_is_under_the_reading_in_force():
    literal = json.loads(answer("--reading", "least", "leverage", "Mexico join NORAD", "--json"))
    assert literal["target"] == "A7" and literal["reading"] == "least" and literal["rounds"] == 4
    default = json.loads(answer("leverage", "A7", "--json"))
    assert default["rounds"] == 5 and [a["ids"] for a in default["actions"]][0] == ["A1", "A2"]


def test_the_wildfire_example_ranks_the_radio_certification_first():
    text = _example(WILDFIRE, "leverage")
    assert "\n1. establish radio-certification\n" in text


def test_plan_rounds_groups_the_plan_and_names_the_pace():
    text = answer("plan", "goal", "--rounds")
    assert text.startswith("Plan for goal:\n1.   establish  vetting")
    assert "  round 1: vetting, A1, A2, B3\n" in text and "  round 6: C3, goal\n" in text
    assert "The pace is set by A1 -> A3 -> A4 -> C1 -> C2 -> C3 -> goal:" in text
    assert '  A3 needs A1 (stated), III.A (A3): "Once SEDENA' in text


def test_plan_rounds_json_keeps_the_plan_keys_and_adds_the_rounds():
    plain = json.loads(answer("plan", "goal", "--json"))
    document = json.loads(answer("plan", "goal", "--rounds", "--json"))
    assert {k: document[k] for k in plain} == plain, "the plan's keys stay as they were"
    assert document["rounds"][0] == ["vetting", "A1", "A2", "B3"] and len(document["rounds"]) == 6
    assert sorted(i for r in document["rounds"] for i in r) == sorted(document["order"])
    assert document["size"] == 19 and document["pace"][-1] == "goal"
    assert len(document["links"]) == len(document["pace"]) - 1


def test_plan_rounds_for_several_targets_and_for_what_holds():
    document = _each(json.loads(answer("plan", "A3", "B5", "--rounds", "--json")))
    assert [d["rounds"] for d in document] == [[["A1", "A2"], ["A3"]], [["B3"], ["B5"]]]
    assert answer("plan", "norad", "--rounds").strip() == "norad: nothing to do (norad already holds)."


def test_status_shows_each_goals_distance_in_one_line():
    last = answer("status").rstrip("\n").splitlines()[-1]
    assert last == "distance to goal: 6 rounds of decisions, 19 steps and conditions; " \
                   "paced by A1 -> A3 -> A4 -> C1 -> C2 -> C3 -> goal"
    distances = json.loads(answer("status", "--json"))["distances"]
    assert distances == [{"target": "goal", "rounds": 6, "size": 19,
                          "pace": ["A1", "A3", "A4", "C1", "C2", "C3", "goal"]}]
    lines = _example(APPROVAL, "status").splitlines()
    assert [line.split(":")[0] for line in lines[-2:]] == ["distance to approval", "distance to label-update"]


def test_a_long_pace_shows_its_ends_in_the_status_line(tmp_path):
    chain = [(f"S{i}", [f"S{i - 1}"] if i else []) for i in range(12)]
    rules = write_rules(tmp_path / "rules.yaml", *chain, pathway="chain", goal=["S11"])
    line = answer("--rules", str(rules), "status").rstrip("\n").splitlines()[-1]
    assert line == "distance to goal: 12 rounds of decisions, 12 steps and conditions; " \
                   "paced by S0 -> S1 -> S2 -> ... -> S10 -> S11 -> goal"
    done = write_facts(tmp_path / "facts.yaml", *(f"S{i}" for i in range(12)))
    held = answer("--rules", str(rules), "--facts", str(done), "--state", str(tmp_path / "s.yaml"), "status")
    assert held.rstrip("\n").splitlines()[-1] == "distance to goal: none, it holds"


def test_leverage_on_a_rule_set_without_a_goal_is_one_line_exit_2(tmp_path):
    rules = write_rules(tmp_path / "rules.yaml", "S1", ("S2", ["S1"]), pathway="no-goal")
    line = one_error_line(perimeter("--rules", str(rules), "leverage"))
    assert "has no goal to weigh actions against" in line and "leverage TARGET" in line
    assert '"target": "S2"' in answer("--rules", str(rules), "leverage", "S2", "--json")


def test_leverage_of_an_unknown_target_exits_2(capsys):
    result = main(capsys, "leverage", "Z9")
    assert result.returncode == 2 and result.stdout == "" and "Z9" in result.stderr


def test_a_target_that_holds_has_nothing_to_weigh():
    assert answer("leverage", "norad").splitlines()[-1] == "norad already holds: nothing to weigh."


def _worked_example() -> list[tuple[list[str], list[str]]]:
    """The README's `leverage` and `plan --rounds` session as (arguments, expected lines) pairs."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    (block,) = [b for b in re.findall(r"```console\n(.*?)```", readme, re.S) if "$ perimeter leverage goal" in b]
    steps: list[tuple[list[str], list[str]]] = []
    for line in block.splitlines():
        if line.startswith("$ perimeter "):
            steps.append((shlex.split(line[len("$ perimeter "):].split("  #")[0]), []))
        elif line.strip() and line.strip() != "...":
            steps[-1][1].append(line)
    return steps


EXAMPLE = _worked_example()


@pytest.mark.parametrize("arguments, expected", EXAMPLE, ids=[" ".join(arguments) for arguments, _ in EXAMPLE])
def test_the_readme_worked_example_prints_what_the_readme_shows(arguments, expected):
    printed = answer(*arguments).splitlines()
    assert expected
    position = 0
    for line in expected:
        assert line in printed[position:], f"`perimeter {' '.join(arguments)}` did not print: {line}"
        position = printed.index(line, position) + 1
