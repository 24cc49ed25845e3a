"""`perimeter spectrum` and relationship questions through the command."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ElementTree

from typer.testing import CliRunner

from perimeter.cli.main import app
from clitools import one_error_line, perimeter

runner = CliRunner()


def test_spectrum_json_has_the_stable_shape():
    result = runner.invoke(app, ["spectrum", "--json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["scale"][0] == "Conflict" and len(document["scale"]) == 18
    relationships = {r["id"]: r for r in document["relationships"]}
    assert {k: r["level"] for k, r in relationships.items()} == {
        "canada_us": 17, "us_mexico": 8, "canada_mexico": 5, "trilateral": 5}
    assert relationships["us_mexico"]["members"] == ["United States", "Mexico"]
    assert relationships["us_mexico"]["level_name"] == "Combined operations"
    assert {"id", "members", "level", "level_name", "measures"} <= set(relationships["canada_mexico"])


def test_spectrum_text_draws_a_bar_per_relationship():
    result = runner.invoke(app, ["spectrum"])
    bars = [line for line in result.stdout.splitlines() if "█" in line]
    assert [line.split("  ")[0].strip() for line in bars] == ["Canada/US", "US/Mexico", "Canada/Mexico",
                                                              "Canada/US/Mexico"]
    assert [line.count("█") for line in bars] == [18, 9, 6, 6]


def test_spectrum_svg_is_written_and_well_formed(tmp_path):
    picture = tmp_path / "chart1.svg"
    result = runner.invoke(app, ["spectrum", "--svg", str(picture)])
    assert result.exit_code == 0
    root = ElementTree.parse(picture).getroot()
    bars = root.findall("{http://www.w3.org/2000/svg}g[@class='relationship']")
    assert [int(b.get("data-level")) for b in bars] == [17, 8, 5, 5]
    assert not list(tmp_path.glob(".*.tmp")), "no temporary file left behind"


def test_spectrum_svg_to_an_unwritable_place_is_one_line_exit_2(tmp_path):
    line = one_error_line(perimeter("spectrum", "--svg", str(tmp_path / "no" / "such" / "dir" / "c.svg")), 2)
    assert "cannot write the output" in line


def test_why_a_relationship_is_not_higher():
    result = runner.invoke(app, ["why", "why", "isn't", "US/Mexico", "at", "combined", "exercises", "--json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["target"] == "us_mexico" and document["missing"] == ["combined_exercises"]
    assert document["frontier"] == ["B5"]


def test_what_if_reports_how_the_chart_moves():
    facts = ["vetting", "A1", "A2", "A3", "A4", "location=Mexico", "leader=Mexican", "B3", "B5"]
    result = runner.invoke(app, ["what-if", *facts, "--json"])
    assert result.exit_code == 0, result.output
    moves = json.loads(result.stdout)["spectrum"]
    assert moves == [{"id": "us_mexico", "from": 8, "to": 13, "from_name": "Combined operations",
                      "to_name": "Active participation in a command in the other country"}]
    assert "US/Mexico would move from Combined operations" in json.loads(result.stdout)["summary"]
    assert json.loads(result.stdout)["hypothetical"] is True

    # A4 without where and who is violated, and puts no one in a command in the other country.
    bare = json.loads(runner.invoke(app, ["what-if", *facts[:5], *facts[7:], "--json"]).stdout)
    assert {"id": "A4", "from": "blocked", "to": "violated"} in bare["changes"]
    assert [(m["id"], m["to"]) for m in bare["spectrum"]] == [("us_mexico", 12)]


def test_regression_a_picture_aimed_at_a_folder_or_the_root_is_one_line_exit_2(tmp_path):
    # `--svg /` once ended in a traceback (Path('/') has no name to build a temporary beside).
    for target in ("/", str(tmp_path)):
        for command in (("spectrum", "--svg", target), ("graph", "--output", target)):
            line = one_error_line(perimeter(*command), 2)
            assert "that is a folder; name a file" in line
    assert list(tmp_path.iterdir()) == [], "no temporary file left in the folder"
