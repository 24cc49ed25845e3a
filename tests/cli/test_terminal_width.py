"""Output that fits the terminal (issue 20, part 2): no line wider than COLUMNS, titles shortened in
tables and whole in `show`, paths shown relative to home, the working folder or the package, and colour
as NO_COLOR, FORCE_COLOR, TERM=dumb and a non-terminal stdout say.

One-line errors and `graph` output are exempt from the width (the issue says so).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from builders import step, write_rules
from clitools import invoke
from perimeter.cli import layout, render
from perimeter.files.sanitise import first_unsafe

SGR = re.compile("\x1b\\[[0-9;]*m")
COMMANDS = [
    ["status"], ["next"], ["history"], ["readings"], ["spectrum"],
    ["why", "A7"], ["why", "goal"], ["why", "vetting"], ["why", "A4", "C1"], ["why", "us_mexico"],
    ["plan", "A7"], ["plan", "goal"], ["plan", "goal", "--rounds"],
    ["show", "A7"], ["show", "goal"], ["show", "vetting"], ["show", "A4"],
]


def run(*args: str, columns: int | None = None, **env: str) -> str:
    """What a command that must succeed printed, at `columns` (COLUMNS unset when None)."""
    result = invoke(*args, env={"COLUMNS": str(columns) if columns else None, **env})  # type: ignore[dict-item]
    assert result.exit_code == 0, (args, result.output, result.exception)
    return result.stdout


@pytest.fixture
def asserted() -> None:
    """Some facts recorded (history has rows beyond the baseline; the tree and plans are partly done)."""
    for args in (["assert", "A1", "A2", "--source", "minutes of the 2013 meeting, page 4"], ["retract", "A2"]):
        run(*args)


@pytest.mark.parametrize("columns", [60, 80, 200])
@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_no_line_is_wider_than_the_terminal(asserted, args, columns):
    out = run(*args, columns=columns)
    wide = [line for line in out.splitlines() if layout.visible(line) > columns]
    assert not wide, wide
    assert out.strip()


def test_at_200_columns_the_status_table_is_not_wrapped_or_shortened(asserted):
    """Wide enough, every step is one row with its title whole (the paper's longest title fits)."""
    out = run("status", columns=200)
    titles = [s["title"] for s in json.loads(run("status", "--json"))["steps"]]
    assert "…" not in out
    assert all(any(title in line for line in out.splitlines()) for title in titles)


def long_title() -> tuple[str, str]:
    steps = json.loads(run("status", "--json"))["steps"]
    longest = max(steps, key=lambda s: len(s["title"]))
    assert len(longest["title"]) > 40, longest
    return longest["id"], longest["title"]


def test_a_long_title_is_shortened_with_an_ellipsis_in_the_table_and_whole_in_show():
    id_, title = long_title()
    row = next(line for line in run("status", columns=60).splitlines() if line.startswith(id_ + " "))
    shown = row.split("  ")  # columns are two spaces apart
    cut = next(cell for cell in shown if cell.endswith("…"))
    assert title.startswith(cut[:-1].strip()) and len(cut) < len(title)
    words = " ".join(run("show", id_, columns=60).split())
    assert title in words


def test_next_shortens_titles_and_why_wraps_under_its_own_indent():
    out = run("next", columns=40)
    assert all(layout.visible(line) <= 40 for line in out.splitlines())
    tree = run("why", "goal", columns=60).splitlines()
    continued = [line for line in tree if line.startswith("        ") and not line.lstrip().startswith(("*", "-"))]
    assert continued, "a long line of the tree wraps, and its rest is indented under it"


def test_a_pipe_without_columns_wraps_nothing(asserted):
    """Not a terminal and COLUMNS unset: one record per line (for grep), whatever its length."""
    out = run("status")
    assert max(len(line) for line in out.splitlines()) > 100
    assert "…" not in out


def test_the_width_comes_from_columns_then_the_terminal_then_no_limit(monkeypatch):
    monkeypatch.setenv("COLUMNS", "72")
    assert layout.width() == 72
    monkeypatch.setenv("COLUMNS", "5")
    assert layout.width() == layout.NARROWEST
    monkeypatch.delenv("COLUMNS")
    monkeypatch.setattr("sys.stdout.isatty", lambda: False, raising=False)
    assert layout.width() == layout.UNBOUNDED
    monkeypatch.setattr("sys.stdout.isatty", lambda: True, raising=False)
    monkeypatch.setattr("shutil.get_terminal_size", lambda fallback=(80, 24): __import__("os").terminal_size((91, 30)))
    assert layout.width() == 91


def test_wrapping_keeps_every_word_and_colour_codes_whole():
    painted = "\x1b[32mdone\x1b[0m"
    text = f"alpha beta {painted} gamma " + "x" * 50
    lines = layout.wrap(text, 20)
    assert all(layout.visible(line) <= 20 for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    assert any(painted in line for line in lines)
    assert layout.shorten("abcdefghij", 5) == "abcd…" and layout.shorten("abc", 5) == "abc"


# -- paths -------------------------------------------------------------------


def test_the_baseline_row_names_the_shipped_facts_not_their_folder(asserted):
    out = run("history", columns=200)
    baseline = next(line for line in out.splitlines() if " baseline " in line)
    assert "perimeter:facts/baseline.yaml" in baseline
    assert "site-packages" not in out and "/facts/" not in baseline
    source = json.loads(run("history", "--json"))["entries"][0]["source"]
    assert "/" in source.split("from ", 1)[1], "JSON keeps the paths whole"


def test_paths_are_shown_under_home_or_the_working_folder(monkeypatch, tmp_path):
    home = tmp_path / "home"
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(work)
    assert layout.shown_path(str(home / ".local/state/perimeter/state.yaml")) == "~/.local/state/perimeter/state.yaml"
    assert layout.shown_path(str(work / "state.yaml")) == "state.yaml"
    assert layout.shown_path("/elsewhere/state.yaml") == "/elsewhere/state.yaml"
    assert layout.shown_paths(f"2 facts from {work / 'a.yaml'}, {home / 'b.yaml'}") == "2 facts from a.yaml, ~/b.yaml"


def test_status_shows_the_state_file_relative_to_home(monkeypatch, tmp_path):
    home = tmp_path / "home"
    state = home / ".local" / "state" / "perimeter" / "state.yaml"
    monkeypatch.setenv("HOME", str(home))
    out = run("status", columns=80, PERIMETER_STATE=str(state))
    assert out.splitlines()[0].endswith("state: ~/.local/state/perimeter/state.yaml")
    assert json.loads(run("status", "--json", PERIMETER_STATE=str(state)))["state_file"] == str(state)


# -- text from rules is still made safe, and never read as markup ------------------------------


def test_hostile_and_markup_like_text_stays_inert_when_laid_out(tmp_path):
    """A source with escapes, cut across lines at 40 columns, still writes no raw control character."""
    run("assert", "A1", "--source", "evil\x1b]0;PWNED\x07\x1b[2J\u202e\r\nforged " * 3)
    out = run("history", columns=40)
    assert first_unsafe(SGR.sub("", out).replace("\n", "")) is None
    assert "PWNED" in out and all(layout.visible(line) <= 40 for line in out.splitlines())
    rules = write_rules(tmp_path, step("S1", title="[bold red]shout[/bold red] and <b>more</b> " + "words " * 12))
    out = run("--rules", str(rules), "--facts", str(no_facts(tmp_path)), "show", "S1", columns=40)
    assert "[bold red]shout[/bold red]" in out and "<b>more</b>" in out


def no_facts(where: Path) -> Path:
    path = where / "facts.yaml"
    path.write_text("facts: []\n")
    return path


# -- colour --------------------------------------------------------------------


@pytest.mark.parametrize(("env", "terminal", "coloured"), [
    ({}, True, True),
    ({}, False, False),
    ({"NO_COLOR": "1"}, True, False),
    ({"NO_COLOR": "1", "FORCE_COLOR": "1"}, True, False),
    ({"FORCE_COLOR": "1"}, False, True),
    ({"CLICOLOR_FORCE": "1"}, False, True),
    ({"CLICOLOR_FORCE": "0"}, False, False),
    ({"TERM": "dumb"}, True, False),
    ({"TERM": "dumb", "FORCE_COLOR": "1"}, True, True),
], ids=str)
def test_colour_follows_the_conventions(monkeypatch, env, terminal, coloured):
    for name in ("NO_COLOR", "FORCE_COLOR", "CLICOLOR_FORCE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr("sys.stdout.isatty", lambda: terminal, raising=False)
    assert render.colour_enabled() is coloured


@pytest.mark.parametrize(("env", "coloured"), [
    ({"FORCE_COLOR": "1"}, True), ({}, False), ({"TERM": "dumb"}, False), ({"FORCE_COLOR": "1", "NO_COLOR": "1"}, False),
])
def test_a_piped_command_is_coloured_only_when_forced(env, coloured):
    base = {"NO_COLOR": None, "FORCE_COLOR": None, "CLICOLOR_FORCE": None}
    out = run("status", columns=60, **{**base, **env})  # type: ignore[arg-type]
    assert bool(SGR.search(out)) is coloured
    assert all(layout.visible(line) <= 60 for line in out.splitlines()), "colour codes take no width"
