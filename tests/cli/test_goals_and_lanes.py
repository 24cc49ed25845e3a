"""Several goals, goals that say how they were reached, lanes, ids without case: the command (issue 15)."""

from __future__ import annotations

import json
import re

from builders import CITE, need, rule_set, step, write_facts, write_rules
from clitools import answer, main


def bridge(tmp_path, **lanes):
    """plan -> build; goals `opened` (needs build) and `certified` (needs opened)."""
    document = rule_set(("plan", []), ("build", ["plan"]), pathway="bridge")
    document["goals"] = [
        {"id": "opened", "title": "The bridge is open", "citation": dict(CITE), "preconditions": [need("build")]},
        {"id": "certified", "title": "The bridge is certified", "citation": dict(CITE),
         "preconditions": [need("opened")]}]
    document.update(lanes)
    return str(write_rules(tmp_path / "rules.yaml", document))


def test_a_rule_file_with_two_goals_loads_and_status_shows_both(tmp_path):
    rules = bridge(tmp_path)
    text = answer("--rules", rules, "status")
    assert re.search(r"^opened\s+blocked\s+The bridge is open\s+build$", text, re.M)
    assert re.search(r"^certified\s+blocked\s+The bridge is certified\s+opened$", text, re.M)
    document = json.loads(answer("--rules", rules, "status", "--json"))
    assert document["goal"] is None, "`goal` is the only goal; there are two"
    assert [(g["id"], g["title"], g["state"]) for g in document["goals"]] == [
        ("opened", "The bridge is open", "blocked"), ("certified", "The bridge is certified", "blocked")]
    assert [b["id"] for b in document["goals"][1]["blockers"]] == ["opened"]


def test_goal_is_an_ambiguity_listing_the_goals_and_each_goal_answers_by_its_id(tmp_path, capsys):
    rules = bridge(tmp_path)
    for command in ("why", "plan", "show"):
        result = main(capsys, "--rules", rules, command, "goal")
        assert result.returncode == 2 and result.stdout == "", (command, result)
        assert result.stderr == ("perimeter: 'goal' could mean opened (The bridge is open), certified "
                                 "(The bridge is certified) (name the goal by its id)\n")
    assert answer("--rules", rules, "why", "certified").startswith("certified: The bridge is certified (blocked)")
    assert json.loads(answer("--rules", rules, "why", "OPENED", "--json"))["target"] == "opened"
    assert answer("--rules", rules, "plan", "certified").splitlines()[-1].split()[1:3] == ["reached", "certified"]


def test_graph_draws_each_goal(tmp_path):
    rules = bridge(tmp_path)
    mermaid = answer("--rules", rules, "graph")
    assert re.search(r'^  n\d+\(\["opened: The bridge is open"\]\):::blocked$', mermaid, re.M)
    assert re.search(r'^  n\d+\(\["certified: The bridge is certified"\]\):::blocked$', mermaid, re.M)
    assert answer("--rules", rules, "graph", "--format", "dot").count("shape=doubleoctagon") == 2


def test_regression_assert_c3_forced_left_the_goal_done(capsys):
    """Issue 15: on the paper, `assert C3 --force` printed "goal recorded", `status` showed the goal done,
    and `why goal` said "C3 holds"."""
    assert answer("assert", "C3", "--force") == (
        "C3 recorded but violated, goal reached but violated: nothing else moved\n")
    goal = json.loads(answer("status", "--json"))["goal"]
    assert goal["state"] == "violated" and [(b["id"], b["kind"]) for b in goal["blockers"]] == [
        ("C3", "violated-step")]
    assert re.search(r"^goal\s+violated\s+North American Security Perimeter\s+C3$", answer("status"), re.M)
    why = answer("why", "goal")
    assert why.startswith("goal: North American Security Perimeter (violated)")
    assert "is reached, but not as the rules allow: it stands on C3, which is violated (it breaks A7, B8, C2)" in why
    assert "C3 holds" not in why
    document = json.loads(answer("why", "goal", "--json"))
    assert document["state"] == "violated" and [v["id"] for v in document["violations"]] == ["C3"]


def test_a_reference_in_another_case_loads_and_check_warns_where_it_is_written(tmp_path, capsys):
    rules = write_rules(tmp_path / "rules.yaml", rule_set(("Start", []), ("finish", ["start"]), pathway="cased"))
    document = json.loads(answer("--rules", str(rules), "status", "--json"))
    assert [(s["id"], s["state"]) for s in document["steps"]] == [("Start", "eligible"), ("finish", "blocked")]
    assert document["steps"][1]["blockers"][0]["id"] == "Start", "the id as defined"
    facts = write_facts(tmp_path / "facts.yaml", "START")
    found = json.loads(answer("check", str(rules), str(facts), "--json"))["findings"]
    assert [(f["file"], f["code"], f["severity"], f["message"]) for f in found] == [
        (str(facts), "id-case", "warning", "'START' is written 'Start' where it is defined"),
        (str(rules), "id-case", "warning", "'start' is written 'Start' where it is defined")]
    assert main(capsys, "check", str(rules), str(facts)).returncode == 0
    assert main(capsys, "check", "--strict", str(rules), str(facts)).returncode == 2


def laned(id_, lane, *needs, sequence=1):
    document = step(id_, *needs, sequence=sequence)
    del document["sector"]
    document["lane"] = lane
    return document


def test_graph_draws_each_declared_lane_by_its_title_and_show_names_the_lane(tmp_path):
    document = rule_set(laned("a", "talks"), laned("b", "Vote", "a", sequence=2), pathway="laned")
    document["lanes"] = [{"id": "talks", "title": 'Negotiation "rounds"'}, {"id": "vote", "title": "Ratification"}]
    rules = str(write_rules(tmp_path / "rules.yaml", document))
    mermaid = answer("--rules", rules, "graph")
    assert 'subgraph lane0 ["Negotiation #34;rounds#34;"]' in mermaid, "a title is escaped as a label is"
    assert mermaid.index('subgraph lane1 ["Ratification"]') < mermaid.index('n1["b: Step b"]')
    assert "Defense sector" not in mermaid
    dot = answer("--rules", rules, "graph", "--format", "dot")
    assert 'subgraph cluster_lane0 { label="Negotiation \\"rounds\\""' in dot
    assert "lane: vote" in answer("--rules", rules, "show", "b")
    assert json.loads(answer("--rules", rules, "show", "b", "--json"))["lane"] == "vote"


def test_a_sector_among_declared_lanes_is_drawn_in_no_lane_and_check_warns(tmp_path):
    document = rule_set(step("a"), laned("b", "talks", "a", sequence=2), pathway="mixed")
    document["lanes"] = [{"id": "talks", "title": "Negotiation"}]
    rules = str(write_rules(tmp_path / "rules.yaml", document))
    mermaid = answer("--rules", rules, "graph")
    assert re.search(r'^  n0\["a: Step a"\]:::eligible$', mermaid, re.M), "drawn outside every band"
    assert "actors: us; sector: defense; sequence: 1" in answer("--rules", rules, "show", "a")
    found = json.loads(answer("check", rules, "--json"))["findings"]
    assert [(f["code"], f["severity"]) for f in found] == [("no-lane", "warning")]
