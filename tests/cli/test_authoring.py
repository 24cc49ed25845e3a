"""Rule authoring: `check` (every finding kind), `graph` and `schema`."""

from __future__ import annotations

import json
import re
import shutil
import textwrap
import xml.etree.ElementTree as ElementTree

import pytest
from typer.testing import CliRunner

from perimeter.cli.main import app
from perimeter.pathway.check import check

from builders import FLOW_CITE, step_line

runner = CliRunner()


def write(tmp_path, text, name="rules.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return path


def findings(*paths):
    result = runner.invoke(app, ["check", *map(str, paths), "--json"])
    return result.exit_code, json.loads(result.stdout)["findings"]


@pytest.mark.parametrize(("text", "code", "line"), [
    ("steps: [\n", "parse", 2),
    ("steps:\n  - id: a\n    id: b\n", "parse", 3),
    ("steps:\n" + step_line("a").replace("sequence: 1", "sequence: 1, colour: red"), "schema", 2),
    ("steps:\n" + step_line("a").replace("sequence: 1", "sequence: one"), "schema", 2),
    ("steps:\n" + step_line("a") + step_line("a"), "duplicate-id", 3),
    ("steps:\n" + step_line("a", "zz"), "unknown-reference", 2),
    ("steps:\n" + step_line("a", "b") + step_line("b", "a"), "cycle", 3),
])
def test_every_error_kind_is_located_and_exits_2(tmp_path, text, code, line):
    path = write(tmp_path, text)
    status, found = findings(path)
    assert status == 2
    assert [(f["code"], f["line"], f["severity"]) for f in found if f["severity"] == "error"][0] == (code, line, "error")
    assert all(f["file"] == str(path) and f["hint"] for f in found)


def test_warnings_pass_unless_strict(tmp_path):
    rules = write(tmp_path, "conditions:\n  - {id: cert, title: Cert}\n  - {id: spare, title: Spare}\n"
                            "steps:\n" + step_line("a", "cert") + step_line("b", "a", sequence=2)
                  + step_line("lonely", sequence=3)
                  + step_line("early", "late", sequence=1, basis="implied") + step_line("late", sequence=5)
                  + f"goal: {{title: G, citation: {FLOW_CITE}, preconditions: [{{requires: b, basis: stated, "
                    f"citation: {FLOW_CITE}}}]}}\n")
    status, found = findings(rules)
    assert status == 0
    codes = {(f["code"], f["message"].split(":")[0]) for f in found}
    assert ("unreachable", "a (and 2 steps after them) cannot be reached from the baseline by steps alone") in codes
    messages = " | ".join(f["message"] for f in found)
    for expected in ("the goal never needs step lonely", "no step needs condition spare",
                     "early (number 1) is read to need late (number 5)"):
        assert expected in messages
    assert {f["severity"] for f in found} == {"warning"}
    assert runner.invoke(app, ["check", str(rules), "--strict"]).exit_code == 2


def test_a_fact_file_is_checked_against_the_rules(tmp_path):
    rules = write(tmp_path, "conditions:\n  - {id: cert, title: Cert}\nsteps:\n" + step_line("a", "cert"))
    facts = write(tmp_path, "facts:\n  - id: cret\n", "facts.yaml")
    status, found = findings(rules, facts)
    assert status == 2
    (error,) = [f for f in found if f["severity"] == "error"]
    assert (error["file"], error["line"], error["code"]) == (str(facts), 2, "unknown-id")
    assert "did you mean 'cert'" in error["hint"]
    ok = write(tmp_path, "facts:\n  - id: cert\n", "good-facts.yaml")
    status, found = findings(rules, ok)
    assert status == 0 and not [f for f in found if f["code"] == "unreachable"], "the baseline holds cert"


def test_all_findings_at_once_sorted_by_line(tmp_path):
    path = write(tmp_path, "steps:\n" + step_line("a", "x1") + step_line("b", "x2") + step_line("a"))
    _, found = findings(path)
    assert [f["line"] for f in found] == sorted(f["line"] for f in found)
    assert [f["code"] for f in found] == ["unknown-reference", "unknown-reference", "duplicate-id"]


def test_the_shipped_files_pass_and_text_output_is_file_line_col(tmp_path):
    result = runner.invoke(app, ["check"])
    assert result.exit_code == 0, result.stdout
    lines = result.stdout.splitlines()
    assert all(re.match(r"^\S+:\d+:\d+: [a-z-]+: ", line) for line in lines[:-1])
    assert re.match(r"^0 errors, \d+ warnings?$", lines[-1])
    assert not [d for d in check() if d.severity.value == "error"]


# -- graph ------------------------------------------------------------------------

def test_mermaid_declares_every_node_once_and_edges_only_between_declared_nodes():
    result = runner.invoke(app, ["graph"])
    assert result.exit_code == 0
    text = result.stdout
    assert text.startswith("flowchart LR")
    declared = re.findall(r"^\s+(n\d+)(?:\[|\{\{|\(\[)", text, re.M)
    assert len(declared) == len(set(declared)) == 22, "18 steps, the goal, and the 3 conditions they need"
    edges = re.findall(r"^\s+(n\d+) (-->|-\.->) (n\d+)$", text, re.M)
    assert edges and all(a in declared and b in declared for a, _, b in edges)
    assert {kind for _, kind, _ in edges} == {"-->", "-.->"}, "stated solid, implied dashed"
    for shown in ("eligible", "blocked", "absent", "holds"):
        assert f"classDef {shown} " in text and f":::{shown}" in text
    assert (text.index('subgraph lane0 ["Defense sector"]') < text.index('subgraph lane1 ["Across both sectors"]')
            < text.index('subgraph lane2 ["Security sector"]')), "the paper's lanes, top to bottom"


def test_dot_output_and_file_output(tmp_path):
    target = tmp_path / "pathway.dot"
    assert runner.invoke(app, ["graph", "--format", "dot", "--output", str(target)]).exit_code == 0
    text = target.read_text()
    assert text.startswith("digraph pathway {") and text.rstrip().endswith("}")
    assert text.count("[style=dashed]") == sum(
        1 for line in text.splitlines() if "->" in line and "dashed" in line)
    assert 'cluster_lane0 { label="Defense sector"' in text and 'cluster_lane2 { label="Security sector"' in text


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz is not installed (.ci/run installs it)")
def test_svg_through_graphviz_is_well_formed(tmp_path):
    target = tmp_path / "pathway.svg"
    assert runner.invoke(app, ["graph", "--format", "svg", "--output", str(target)]).exit_code == 0
    root = ElementTree.parse(target).getroot()
    assert root.tag.endswith("svg")
    assert "A7: Mexico joins NORAD" in target.read_text()


def test_svg_without_graphviz_says_how_to_install_it(monkeypatch):
    from perimeter.cli import graph

    monkeypatch.setattr(graph.shutil, "which", lambda name: None)
    with pytest.raises(graph.GraphvizMissing) as missing:
        graph.svg(None, None)
    assert "apt-get install graphviz" in missing.value.hint and "mermaid" in missing.value.hint


def test_an_unknown_format_is_a_usage_error():
    result = runner.invoke(app, ["graph", "--format", "png"])
    assert result.exit_code != 0 and "unknown format" in str(result.exception)


# -- schema -----------------------------------------------------------------------

def test_the_schema_is_one_json_document_accepting_rule_and_fact_files():
    result = runner.invoke(app, ["schema"])
    document = json.loads(result.stdout)
    assert document["$schema"].startswith("https://json-schema.org/")
    titles = {option["$ref"].rsplit("/", 1)[-1] for option in document["anyOf"]}
    assert titles == {"RuleFile", "FactFile"}
    step = document["$defs"]["Step"]
    assert step["additionalProperties"] is False
    assert {"id", "title", "actors", "sequence", "citation"} <= set(step["required"])
    assert {"sector", "lane"} <= set(step["properties"]) and not {"sector", "lane"} & set(step["required"])
    rule_file = document["$defs"]["RuleFile"]["properties"]
    assert {"goal", "goals", "lanes"} <= set(rule_file) and document["$defs"]["Lane"]["required"] == ["id", "title"]
