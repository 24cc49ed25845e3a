"""What the CLI tests import: the command as a real process and in-process, and its answers read back.

Fixtures are not here: the autouse `state` (each test's own state file) is in tests/cli/conftest.py.
Rule and fact files to run the command on come from tests/builders.py.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


def subprocess_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment for a child that runs the code under test (installed or checked out)."""
    return {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p), **(extra or {})}


def perimeter(*args: str, env: dict[str, str] | None = None, cwd=None) -> subprocess.CompletedProcess:
    """The command as a user runs it, in a separate process."""
    return subprocess.run([sys.executable, "-m", "perimeter", *args], capture_output=True, text=True,
                          cwd=cwd, env=subprocess_env(env), timeout=120)


def one_error_line(result: subprocess.CompletedProcess, code: int = 2) -> str:
    """The process failed with `code`, printed nothing on stdout and one line on stderr."""
    assert result.returncode == code, (result.returncode, result.stdout, result.stderr)
    assert result.stdout == "" and "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("perimeter: "), lines
    return lines[0]


def invoke(*args: str, env: dict[str, str] | None = None):
    """The app in-process; a command that answered must not have raised."""
    from typer.testing import CliRunner

    from perimeter.cli.main import app

    result = CliRunner().invoke(app, list(args), env=env)
    if result.exit_code == 0:
        assert result.exception is None, result.exception
    return result


def answer(*args: str) -> str:
    """What a command that must succeed printed."""
    result = invoke(*args)
    assert result.exit_code == 0, (args, result.output, result.exception)
    return result.stdout


def states(document: dict) -> dict[str, str]:
    """Step id -> state, from `status --json`."""
    return {s["id"]: s["state"] for s in document["steps"]}


def main(capsys: pytest.CaptureFixture[str], *args: str) -> subprocess.CompletedProcess[str]:
    """The console entry point in this process (faster than a process), read back like a subprocess."""
    from perimeter.cli.main import run

    capsys.readouterr()
    with pytest.raises(SystemExit) as exit_:
        run(list(args))
    captured = capsys.readouterr()
    code = exit_.value.code if isinstance(exit_.value.code, int) else 1
    return subprocess.CompletedProcess(list(args), code, captured.out, captured.err)


MALFORMED_FACT_ARGUMENTS: list[tuple[list[str], str]] = [
    (["assert", "A1", "1bad=x"], "'1bad' is not an attribute name"),
    (["assert", "A1", "lo cation=x"], "'lo cation' is not an attribute name"),
    (["assert", "A1", "k=   "], "attribute 'k' is blank"),
    (["assert", "A1", "k=" + "v" * 257], "attribute 'k' is 257 characters long"),
    (["assert", "A1", "k" * 65 + "=x"], "is not an attribute name"),
    (["assert", "A1", "--source", ""], "its source is blank"),
    (["assert", "A1", "--source", "   "], "its source is blank"),
    (["assert", "A1", "--source", "s" * 1001], "its source is 1,001 characters long"),
    (["what-if", "A1", "1bad=x"], "'1bad' is not an attribute name"),
]
"""Fact arguments the command refuses before it touches the disk, with a part of each one's error line."""
