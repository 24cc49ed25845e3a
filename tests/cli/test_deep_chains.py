"""Deep rule sets (issue 14): a chain of steps answers why, why --json, plan and graph without recursion.

A chain `s0 <- s1 <- ... <- s(N-1)`, whose first step needs a condition that
does not hold, is as deep as a rule set gets: the why-not tree of its last
step is N levels deep.  `why --json` gives that tree as a flat list of nodes
(`tree` and `nodes`); `why` indents the first levels and numbers the deeper
ones.  Chains of 5,000 steps run in the suite; 50,000 (the step limit) are
marked slow (`pytest -m slow`): each command loads the rule set again, about
ten seconds a time.
"""

from __future__ import annotations

import json
import re
import sys

import pytest

from builders import step_line, write_facts
from clitools import invoke
from perimeter.cli import render

DEEP = 5_000
DEEPEST = 50_000  # the step limit (perimeter.pathway.compile.MAX_STEPS)


def write_chain(where, length: int) -> list[str]:
    """A chain of `length` steps on an absent condition, and no facts; the global options for it."""
    rules = where / f"chain-{length}.yaml"
    with rules.open("w", encoding="utf-8") as handle:
        handle.write(f"pathway: {{id: chain-{length}, title: A chain of {length} steps}}\n")
        handle.write("conditions:\n  - {id: start, title: The start}\nsteps:\n")
        handle.write(step_line("s0", "start", sequence=0))
        for i in range(1, length):
            handle.write(step_line(f"s{i}", f"s{i - 1}", sequence=i))
    facts = write_facts(where / "facts.yaml")
    return ["--rules", str(rules), "--facts", str(facts)]


def run(options: list[str], *args: str) -> str:
    result = invoke(*options, *args)
    assert result.exit_code == 0, (args, result.output[-500:], result.exception)
    return result.stdout


@pytest.fixture
def shallow_stack():
    """Python's default recursion limit, whatever the test runner set: a recursive walk fails here."""
    before = sys.getrecursionlimit()
    sys.setrecursionlimit(1000)
    yield
    sys.setrecursionlimit(before)


def check_why_json(text: str, length: int) -> None:
    document = json.loads(text)
    last = f"s{length - 1}"
    assert (document["target"], document["state"], document["reading"]) == (last, "blocked", "default")
    assert document["missing"] == [f"s{length - 2}"] and document["frontier"] == ["start"]
    nodes = document["nodes"]
    assert len(nodes) == length  # s(N-2) down to s0, and the condition
    assert [nodes[i]["id"] for i in document["tree"]] == [f"s{length - 2}"]
    # Depth first: each node needs the next one, down to the condition, which needs nothing.
    assert all(node["needs"] == [n + 1] for n, node in enumerate(nodes[:-1]))
    assert nodes[-1] == {"id": "start", "kind": "condition", "title": "The start", "state": "absent",
                         "basis": "stated", "citation": {"section": "s", "quote": "q"}, "actionable": True,
                         "shared": False, "under": [], "needs": []}  # under no choice: the rule set has none
    assert nodes[0]["state"] == "blocked" and not nodes[0]["actionable"]


def check_why_text(text: str, length: int) -> None:
    lines = text.splitlines()
    assert lines[0] == f"s{length - 1}: Step s{length - 1} (blocked)"
    assert "Can be done now toward it: start." in lines
    tree = lines[lines.index("What it needs, down to what can be done now (* = can be done now):") + 1:]
    assert len(tree) == 2 * length  # s(N-2) down to s0, and the condition: two lines each
    assert tree[0] == f"- s{length - 2} blocked: Step s{length - 2}"
    levels = render.INDENT_LEVELS
    assert tree[2 * levels] == "    " * levels + f"- s{length - 2 - levels} blocked: Step s{length - 2 - levels}"
    # Deeper levels keep the last indentation and say their depth.
    assert tree[-2] == "    " * levels + f"[{length}] * start absent: The start"
    assert max(len(line) for line in tree) < 120


def check_plan(text: str, length: int) -> None:
    lines = text.splitlines()
    assert lines[0] == f"Plan for s{length - 1}:"
    assert re.match(r"^1\.\s+establish\s+start\s+The start$", lines[1])
    assert re.match(rf"^{length + 1}\.\s+take\s+s{length - 1}\s+Step s{length - 1}$", lines[-1])
    assert len(lines) == length + 2


def check_mermaid(text: str, length: int) -> None:
    assert text.startswith("flowchart LR")
    assert len(re.findall(r"^\s+n\d+\[", text, re.M)) == length
    assert len(re.findall(r"^\s+n\d+ --> n\d+$", text, re.M)) == length  # the condition's edge too


def check_dot(text: str, length: int) -> None:
    assert text.startswith("digraph pathway {") and text.rstrip().endswith("}")
    assert len(re.findall(r"^\s+n\d+ -> n\d+;$", text, re.M)) == length


CHECKS = {
    "why": (["why"], check_why_text),
    "why --json": (["why", "--json"], check_why_json),
    "plan": (["plan"], check_plan),
    "graph mermaid": (["graph", "--format", "mermaid"], check_mermaid),
    "graph dot": (["graph", "--format", "dot"], check_dot),
}


def answer(tmp_path, length: int, name: str) -> None:
    options = write_chain(tmp_path, length)
    args, check = CHECKS[name]
    if args[0] in ("why", "plan"):
        args = [args[0], f"s{length - 1}", *args[1:]]
    check(run(options, *args), length)


@pytest.mark.parametrize("name", CHECKS)
def test_a_chain_of_5000_steps_answers(name, tmp_path, shallow_stack):
    answer(tmp_path, DEEP, name)


@pytest.mark.slow
@pytest.mark.parametrize("name", CHECKS)
def test_a_chain_of_50000_steps_answers(name, tmp_path, shallow_stack):
    answer(tmp_path, DEEPEST, name)


def test_why_json_keeps_a_shared_subtree_once_and_points_to_it(tmp_path):
    """A diamond: two needs share one step; the second occurrence is `shared` and names no children."""
    rules = tmp_path / "diamond.yaml"
    rules.write_text("pathway: {id: diamond, title: A diamond}\nconditions:\n  - {id: start, title: The start}\n"
                     "steps:\n" + step_line("base", "start") + step_line("left", "base")
                     + step_line("right", "base") + step_line("top", "left", "right"), encoding="utf-8")
    options = ["--rules", str(rules), "--facts", str(write_facts(tmp_path / "facts.yaml"))]
    document = json.loads(run(options, "why", "top", "--json"))
    nodes = document["nodes"]
    assert [nodes[i]["id"] for i in document["tree"]] == ["left", "right"]
    assert [(n["id"], n["shared"], [nodes[c]["id"] for c in n["needs"]]) for n in nodes] == [
        ("left", False, ["base"]), ("base", False, ["start"]), ("start", False, []),
        ("right", False, ["base"]), ("base", True, [])]
    assert "Reason" not in json.dumps(document) and all("needs" in n for n in nodes)
