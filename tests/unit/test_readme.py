"""The README's promises: its commands match CI, its API list is the API (its example: test_package.py)."""

from __future__ import annotations

import re

import perimeter
from builders import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def _blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README, re.S)


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
    assert documented == set(perimeter.__all__) - {"__version__"}
    for name in perimeter.__all__:
        assert getattr(perimeter, name).__doc__ or name == "__version__", f"{name} needs a docstring"


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
    from perimeter.cli.main import run

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


def _architecture() -> set[str]:
    """The paths the README's architecture listing names under engine/ and cli/."""
    block = README.split("## Architecture")[1].split("```text\n")[1].split("```")[0]
    named: set[str] = set()
    parents: list[str] = []
    for line in block.splitlines():
        depth = (len(line) - len(line.lstrip(" "))) // 2
        name = line.split()[0]
        parents = parents[:depth] + [name]
        if parents[0] in ("engine/", "cli/"):
            named.add("".join(parents).rstrip("/"))
    return named


def test_the_architecture_section_lists_exactly_the_modules_and_folders_of_the_tree():
    actual: set[str] = set()
    for top in ("engine", "cli"):
        for path in (REPO / top).rglob("*"):
            if "__pycache__" in path.parts or path.suffix in {".so", ".pyc"}:
                continue
            if path.is_dir() or path.suffix in {".py", ".c"} or path.name == "py.typed":
                actual.add(path.relative_to(REPO).as_posix())
        actual.add(top)
    # A package's own __init__.py is implied by its folder; the facade's is listed.
    actual -= {p for p in actual if p.endswith("/__init__.py") and p != "engine/__init__.py"}
    assert _architecture() == actual


def _labels_table(pathway) -> list[str]:
    """The table of labels as the rule files have them: each step's preconditions, with their basis, the
    choices they depend on and the quote; those of one step alike but for the need on one row."""
    rows: dict[tuple[str, str, str, str], list[str]] = {}
    for step, rule in pathway.steps.items():
        for r in rule.preconditions:
            under = ", ".join(f"{c}={'/'.join(sorted(a))}" for c, a, _ in r.when)
            need = (" or ".join(r.needs) if r.at_least == 1 else f"{r.at_least} of " + ", ".join(r.needs)) \
                if r.grouped else r.need
            quote = f'{r.citation.section}: "{r.citation.quote}"'
            rows.setdefault((step, r.basis.value, under, quote), []).append(need)
    return ["| step | needs | basis | under | quote |", "| --- | --- | --- | --- | --- |",
            *(f"| {step} | {', '.join(needs)} | {basis} | {under} | {quote} |"
              for (step, basis, under, quote), needs in rows.items())]


def test_the_readme_table_of_labels_is_the_rule_files():
    expected = _labels_table(perimeter.load_pathway())
    start = README.index(expected[0])
    assert README[start:].splitlines()[:len(expected)] == expected
    assert len(expected) > 20
