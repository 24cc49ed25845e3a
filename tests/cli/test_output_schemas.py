"""JSON that scripts can rely on: every command's `--json` output validates against the schema the command
publishes (`perimeter schema --output-of COMMAND`), carries `"format"`, and errors under `--json` are one JSON
object on stdout with the exit code the text error has.

Validated with jsonschema (a test dependency): the schemas are JSON Schema draft 2020-12 documents, and
checking them with an independent validator is what a script's author would do.
"""

from __future__ import annotations

import json

import pytest

from perimeter.cli.output_schemas import SCHEMAS, schema_of

from builders import REPO
from clitools import main

jsonschema = pytest.importorskip("jsonschema")

RUNS: list[tuple[str, list[str]]] = [
    ("reset", ["reset"]),
    ("status", ["status"]),
    ("next", ["next"]),
    ("why", ["why", "A4"]),
    ("why", ["why", "A1", "A7", "--explain-match"]),
    ("why", ["why", "why isn't US/Mexico at combined exercises"]),
    ("why", ["why", "vetting"]),
    ("plan", ["plan", "goal"]),
    ("plan", ["plan", "A7", "--rounds"]),
    ("plan", ["plan", "A1", "A7"]),
    ("leverage", ["leverage"]),
    ("leverage", ["leverage", "A3", "A7"]),
    ("assert", ["assert", "A1", "--source", "SEDENA"]),
    ("retract", ["retract", "A1"]),
    ("what-if", ["what-if", "vetting", "A1", "A2", "A3", "A4", "location=Mexico", "leader=Mexican"]),
    ("show", ["show", "A4"]),
    ("show", ["show", "A7", "vetting"]),
    ("spectrum", ["spectrum"]),
    ("check", ["check"]),
    ("check", ["check", str(REPO / "tests/cases/bad/rules-cycle-one-wrong-edge.yaml")]),  # findings: exit 2
    ("readings", ["readings"]),
    ("compare", ["compare", "--to", "literal"]),
    ("test", ["test", "--coverage"]),
    ("test", ["test"]),
    ("history", ["history"]),
    ("bench", ["bench", "--steps", "2"]),
]
"""Each command that answers in JSON, run on the shipped rule set (in this order, on one state)."""

ERRORS: list[tuple[list[str], int]] = [
    (["why", "nonsense-that-names-nothing"], 2),
    (["show", "b_3"], 2),
    (["assert", "A4", "location=Mexico", "leader=Mexican"], 1),
    (["no-such-command"], 2),
    (["status", "--no-such-option"], 2),
    (["--rules", str(REPO / "tests/cases/bad/rules-cycle-one-wrong-edge.yaml"), "status"], 2),
    (["what-if"], 2),
    (["why", "nonsense-that-names-nothing", "--explain-match"], 2),
]
"""Command lines that fail, with the exit code they fail with as text and as JSON alike."""


def _valid(command: str, document: dict) -> None:
    schema = schema_of(command)
    jsonschema.Draft202012Validator.check_schema(schema)
    error = jsonschema.exceptions.best_match(jsonschema.Draft202012Validator(schema).iter_errors(document))
    assert error is None, f"`{command} --json` does not fit its schema at {list(error.absolute_path)}: {error.message}"
    assert document["format"] == 1


def test_every_command_with_json_publishes_a_schema_and_is_run_here():
    import typer

    from perimeter.cli.main import app

    answering = {name for name, command in typer.main.get_command(app).commands.items()
                 if any(param.name == "json_" for param in command.params)}
    assert answering | {"errors"} == set(SCHEMAS)
    assert {command for command, _ in RUNS} | {"errors"} == set(SCHEMAS)


def test_every_output_validates_against_its_published_schema(capsys):
    for command, arguments in RUNS:
        result = main(capsys, *arguments, "--json")
        assert result.returncode == (2 if "cases/bad" in arguments[-1] else 0), (arguments, result.stdout, result.stderr)
        document = json.loads(result.stdout)
        _valid(command, document)
        if arguments[0] in ("why", "plan", "leverage", "show") and len(arguments) > 2 and "--rounds" not in arguments:
            assert len(document["answers"]) == 2 and all("format" not in a for a in document["answers"])


def test_a_what_if_says_it_is_one_and_a_change_does_not(capsys):
    supposed = json.loads(main(capsys, "what-if", "vetting", "--json").stdout)
    assert supposed["hypothetical"] is True and supposed["summary"].startswith("if vetting were established")
    recorded = json.loads(main(capsys, "assert", "vetting", "--json").stdout)
    assert recorded["hypothetical"] is False and recorded["summary"].startswith("vetting established")


@pytest.mark.parametrize(("arguments", "code"), ERRORS, ids=lambda a: " ".join(a) if isinstance(a, list) else None)
def test_errors_under_json_are_one_object_on_stdout_with_the_same_exit_code(capsys, arguments, code):
    text = main(capsys, *arguments)
    assert text.returncode == code and text.stderr.startswith(("perimeter: ", str(REPO)))
    result = main(capsys, *arguments, "--json")
    assert result.returncode == code and result.stderr == ""
    document = json.loads(result.stdout)
    _valid("errors", document)
    assert document["errors"] and all(e["message"] for e in document["errors"])


def test_an_error_in_a_file_keeps_its_place_and_a_misspelling_its_candidates(capsys):
    bad = REPO / "tests/cases/bad/rules-cycle-one-wrong-edge.yaml"
    (located, *_) = json.loads(main(capsys, "--rules", str(bad), "status", "--json").stdout)["errors"]
    assert located["file"] == str(bad) and located["line"] > 0 and located["column"] > 0
    (unknown,) = json.loads(main(capsys, "show", "b_3", "--json").stdout)["errors"]
    assert unknown["code"] == "unknown-id" and unknown["candidates"][0] == "B3" and unknown["file"] is None


def test_a_refusal_under_json_names_what_to_do_with_the_command_lines_option(capsys):
    (refused,) = json.loads(main(capsys, "assert", "A4", "location=Mexico", "leader=Mexican", "--json").stdout)["errors"]
    assert refused["code"] == "refused" and refused["message"].startswith("A4 needs A3 first (stated: ")
    assert refused["hint"] == "record A3, or use --force to record A4 anyway as a violation"


def test_schema_output_of_prints_the_published_schema_and_plain_schema_the_rule_files(capsys):
    printed = json.loads(main(capsys, "schema", "--output-of", "why").stdout)
    assert printed == schema_of("why") and printed["$schema"].endswith("2020-12/schema")
    assert "format" in printed["properties"] and "format" in printed["required"]
    rule_files = json.loads(main(capsys, "schema").stdout)
    assert rule_files != printed and "steps" in json.dumps(rule_files)


def test_an_unknown_output_of_is_one_line_naming_the_nearest(capsys):
    result = main(capsys, "schema", "--output-of", "wy")
    assert result.returncode == 2 and result.stderr.strip() == (
        "perimeter: no command 'wy' answers in JSON (did you mean 'why'?)")


def test_the_shell_says_an_error_as_json_only_when_the_line_asks_for_json():
    import subprocess
    import sys

    from clitools import subprocess_env

    result = subprocess.run([sys.executable, "-m", "perimeter", "shell"], input="why nonsense --json\nwhy nonsense\n",
                            capture_output=True, text=True, env=subprocess_env({"NO_COLOR": "1"}), timeout=120)
    assert result.returncode == 0, result.stderr
    _valid("errors", json.loads(result.stdout))
    assert result.stderr.strip() == "perimeter: 'nonsense' matches no step or condition (list the ids with `status`)"
