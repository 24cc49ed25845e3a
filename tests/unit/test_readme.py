"""The README's promises: its example runs, its commands match CI, its API list is the API."""

from __future__ import annotations

import contextlib
import io
import re

import engine
from conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def _blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README, re.S)


def test_the_library_example_runs_and_prints_what_its_comments_say():
    (example,) = _blocks("python")
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        exec(compile(example, "README.md", "exec"), {})
    lines = output.getvalue().splitlines()
    assert lines == [
        "['A5', 'A6']",
        "A3 cannot be recorded as done: A1 (stated), A2 (stated)",
        "['B1', 'B2']",
        "State.VIOLATED",
        "['B1', 'B2']",
        "A7 ('A5', 'A6') ('A5', 'A6')",
        "('A5', 'A6', 'A7')",
        "vetting established: B1 and B2 are now eligible",
        "State.ELIGIBLE",
    ]


def test_ci_runs_the_readme_test_command_verbatim():
    commands = [b.strip() for b in _blocks("sh")]
    test_command = next(c for c in commands if "pytest" in c)
    run_command = next(c for c in commands if "perimeter status" in c)
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert test_command in ci.splitlines()
    assert run_command.startswith("python3 -m venv .venv") and "pip install ." in run_command


def test_the_public_names_are_exactly_those_the_readme_lists():
    table = README.split("The public names")[1].split("\n\n")[1]
    first_cells = [row.split("|")[1] for row in table.splitlines()[2:]]
    documented = {name for cell in first_cells for name in re.findall(r"`([A-Za-z_]+)[`(]", cell)}
    assert documented == set(engine.__all__) - {"__version__"}
    for name in engine.__all__:
        assert getattr(engine, name).__doc__ or name == "__version__", f"{name} needs a docstring"


def _session() -> list[tuple[list[str], list[str]]]:
    """The README's console walk-through as (arguments, expected lines) pairs."""
    import shlex

    (block,) = [b for b in re.findall(r"```console\n(.*?)```", README, re.S) if "$ perimeter status" in b]
    steps: list[tuple[list[str], list[str]]] = []
    for line in block.splitlines():
        if line.startswith("$ perimeter "):
            command = line[len("$ perimeter "):].split("  #")[0]
            steps.append((shlex.split(command), []))
        elif line.strip() and line.strip() != "...":
            steps[-1][1].append(line)
    return steps


def test_the_readme_session_prints_what_the_readme_shows(tmp_path, monkeypatch, capsys):
    from cli.main import run

    monkeypatch.setenv("PERIMETER_STATE", str(tmp_path / "state.yaml"))
    monkeypatch.delenv("NO_COLOR", raising=False)
    steps = _session()
    assert len(steps) >= 6
    for arguments, expected in steps:
        try:
            run(arguments)
        except SystemExit as exit_:
            assert exit_.code in (0, 1), (arguments, exit_.code)
        captured = capsys.readouterr()
        printed = (captured.out + captured.err).splitlines()
        position = 0
        for line in expected:
            assert line in printed[position:], f"`perimeter {' '.join(arguments)}` did not print: {line}"
            position = printed.index(line, position) + 1
