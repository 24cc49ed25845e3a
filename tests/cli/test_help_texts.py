"""Every command's `--help` reads as words for people: one example, what to type named in words, never a
Python type (`<list[str]>`, `<str>`, `<Path>`) or a doubled bracket (`[[FILE]...]...`, `{target}...`).

Regression: typer's plain help showed `why [OPTIONS] {target}...`, `target... <list[str]>`,
`--source <str>` and `check [OPTIONS] [[FILE]...]...`.
"""

from __future__ import annotations

import re

import pytest
import typer

from perimeter.cli.help import EXAMPLES
from perimeter.cli.main import app

from clitools import invoke

COMMANDS = sorted(typer.main.get_command(app).commands)  # type: ignore[attr-defined]
PYTHON_TYPE = re.compile(r"<\s*(str|int|float|bool|path|list\[|tuple|dict|text|integer)", re.I)


@pytest.mark.parametrize("command", COMMANDS)
def test_help_has_one_example_and_no_python_types(command):
    result = invoke(command, "--help")
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert text.count("Example: ") == 1, text
    example = text.split("Example: ", 1)[1].strip()
    assert example == EXAMPLES[command] and example.startswith("perimeter ") and f" {command}" in example
    assert not PYTHON_TYPE.search(text), PYTHON_TYPE.search(text)
    usage = text.splitlines()[0]
    assert "[[" not in usage and "]]" not in usage and "{" not in usage and "...]..." not in usage, usage


def test_arguments_and_options_are_named_in_words():
    # CliRunner names the program "root"; the console script says "perimeter"
    assert invoke("why", "--help").stdout.startswith("Usage: root why [OPTIONS] TARGET...\n")
    assert invoke("check", "--help").stdout.startswith("Usage: root check [OPTIONS] [FILE]...\n")
    assistance = invoke("assert", "--help").stdout
    assert "\n  FACT...  " in assistance and "--source TEXT" in assistance
    assert "--steps N" in invoke("bench", "--help").stdout
    assert "--output-of COMMAND" in invoke("schema", "--help").stdout


def test_every_example_names_a_command_that_exists():
    assert set(EXAMPLES) == set(COMMANDS)
