"""`perimeter.pathway.cycles`: each loop of preconditions once, at the precondition most likely wrong.

Issue 16's reproduction: one wrong edge (a step early in a drug pathway made
to require the final approval) was reported as three cycles, at three other
lines, each hint suggesting that a legitimate precondition be removed.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from builders import REPO, need, rule_set, step, write_rules
from perimeter import CompileError, load_pathway
from perimeter.pathway.compiled import Location
from perimeter.pathway.cycles import Edge, Place, find_cycles

APPROVAL = REPO / "rules" / "examples" / "approval" / "rules.yaml"


def cycles(paths) -> list:
    with pytest.raises(CompileError) as caught:
        load_pathway(paths)
    found = caught.value.diagnostics
    assert {d.code for d in found} == {"cycle"}, [d.render() for d in found]
    return found


def loop_of(message: str) -> list[str]:
    return re.match(r"precondition cycle: (.+?) \(", message).group(1).split(" -> ")


def line_of(path: Path, needle: str, after: str = "") -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    start = next(n for n, line in enumerate(lines) if after in line) if after else 0
    return next(n for n, line in enumerate(lines[start:], start + 1) if needle in line)


def test_an_early_step_requiring_the_final_approval_is_one_cycle_at_its_own_line(tmp_path):
    text = APPROVAL.read_text(encoding="utf-8")
    wrong = "      - {requires: approval, basis: stated, citation: {section: \"1\", quote: \"x\"}}\n"
    text = text.replace("    preconditions:\n      - {requires: no-clinical-hold", "    preconditions:\n" + wrong
                        + "      - {requires: no-clinical-hold", 1)
    rules = tmp_path / "rules.yaml"
    rules.write_text(text, encoding="utf-8")

    (found,) = cycles(rules)  # it closed a loop through each of the three trials: three reports before

    assert found.line == line_of(rules, "requires: approval")
    assert loop_of(found.message)[:2] == ["ind", "approval"] and loop_of(found.message)[-1] == "ind"
    assert "the likely mistake is ind needing approval, a goal" in found.hint


def test_the_paper_with_a1_requiring_c3_names_that_edge_not_a_legitimate_one(tmp_path):
    text = (REPO / "rules" / "pathway.yaml").read_text(encoding="utf-8")
    start = text.index("  - id: A1")
    cut = text.index("    preconditions: []", start)
    text = (text[:cut] + "    preconditions:\n      - {requires: C3, basis: implied, citation: {section: s, quote: q}}"
            + text[cut + len("    preconditions: []"):])
    rules = tmp_path / "pathway.yaml"
    rules.write_text(text, encoding="utf-8")

    (found,) = cycles([rules, REPO / "rules" / "institutions.yaml", REPO / "rules" / "readings.yaml"])  # was at A3 needing A1

    assert found.line == line_of(rules, "requires: C3")
    loop = loop_of(found.message)
    assert loop[:2] == ["A1", "C3"] and loop[-1] == "A1"
    for a, b in zip(loop, loop[1:]):  # every precondition on the loop, with its line
        assert f"{a} needs {b} at line {line_of(rules, f'requires: {b}', after=f'- id: {a}')}" in found.message
    assert found.hint.startswith("the likely mistake is A1 (number 1) needing C3 (number 3)")


def test_two_independent_mistakes_are_two_reports_each_at_its_own_edge(tmp_path):
    rules = write_rules(tmp_path, rule_set(
        ("a1", ["a3"]), ("a2", ["a1"]), ("a3", ["a2"]),  # a1 (1) needing a3 (3) is the mistake
        ("b1", ["b2"]), ("b2", ["b1"])))  # b1 (4) needing b2 (5) is the mistake
    found = cycles(rules)
    assert sorted(loop_of(d.message)[0] + "->" + loop_of(d.message)[1] for d in found) == ["a1->a3", "b1->b2"]


def test_against_the_order_of_its_own_lane_comes_before_a_larger_gap_across_lanes(tmp_path):
    # one loop: y1 -> x5 -> x2 -> x4 -> y1.  y1 (1) needing x5 (5) crosses lanes, like C1 needing A4;
    # x2 (2) needing x4 (4) runs back within its own lane.
    rules = write_rules(tmp_path, rule_set(
        step("y1", "x5", sequence=1, sector="security"), step("x2", "x4", sequence=2),
        step("x4", "y1", sequence=4), step("x5", "x2", sequence=5)))
    (found,) = cycles(rules)
    assert loop_of(found.message)[:2] == ["x2", "x4"]
    assert "which comes later in the same lane" in found.hint


def test_a_loop_with_nothing_against_the_order_is_located_at_the_precondition_written_last(tmp_path):
    rules = write_rules(tmp_path, rule_set(step("a", "b"), step("b", "a")))  # both number 1
    (found,) = cycles(rules)
    assert loop_of(found.message) == ["b", "a", "b"]
    assert found.hint.startswith("remove one of these preconditions")


def test_a_step_needing_itself_beside_another_loop(tmp_path):
    rules = write_rules(tmp_path, rule_set(step("a", "a", "b"), step("b", "a", sequence=2)))
    found = cycles(rules)
    assert sorted(tuple(loop_of(d.message)) for d in found) == [("a", "a"), ("a", "b", "a")]
    assert any(d.hint == "a cannot need itself: remove that precondition" for d in found)


def test_references_in_another_case_close_loops_too(tmp_path):
    rules = write_rules(tmp_path, rule_set(step("A1", need("a2")), step("A2", "A1", sequence=2)))
    (found,) = cycles(rules)
    assert loop_of(found.message) == ["A1", "A2", "A1"]


def test_a_long_ring_is_one_report_without_recursion():
    count = 20_000
    edges = [Edge(f"s{i}", f"s{(i + 1) % count}", Location("f", i + 1)) for i in range(count)]
    places = {f"s{i}": Place("lane", i) for i in range(count)}
    (found,) = find_cycles(edges, places)
    assert found.message.startswith(f"precondition cycle: s{count - 2} -> s{count - 1} -> ")  # the largest step forward


def test_many_separate_loops_are_reported_up_to_the_limit():
    edges = [Edge(f"{kind}{i}", f"{other}{i}", Location("f", n)) for i in range(150)
             for n, (kind, other) in enumerate((("a", "b"), ("b", "a")), 2 * i + 1)]
    places = {f"{kind}{i}": Place(None, 1 if kind == "a" else 2) for i in range(150) for kind in "ab"}
    found = find_cycles(edges, places)
    assert len(found) == 100 and all(loop_of(d.message)[0].startswith("a") for d in found)
