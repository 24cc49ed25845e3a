"""`perimeter shell` through a pseudo-terminal (pexpect): typing, completion, suppositions, Ctrl-C,
another process writing meanwhile, a corrupt state, the history; and the supposing workspace
underneath (perimeter.state.suppose) in-process.

Timeouts are only guards against a hang; nothing here asserts how long anything takes.
"""

from __future__ import annotations

import json
import re
import shlex
import sys
import time
from pathlib import Path

import pytest

from perimeter import FactChange, RefusedError
from perimeter.files.write import keep_lines
from perimeter.state.suppose import Supposing

from builders import REPO
from clitools import perimeter, subprocess_env

pexpect = pytest.importorskip("pexpect")

PROMPT = "perimeter> "
GUARD = 60
"""Seconds to wait for any one thing the shell should print: a guard against a hang only."""


@pytest.fixture
def shell(state):
    """A shell on this test's state, through a terminal 200 columns wide, without colour."""
    child = pexpect.spawn(sys.executable, ["-m", "perimeter", "shell"], encoding="utf-8", timeout=GUARD,
                          env=subprocess_env({"NO_COLOR": "1", "TERM": "dumb"}), dimensions=(24, 200))
    child.expect_exact(PROMPT)
    yield child
    if child.isalive():
        child.terminate(force=True)


def ask(child, line: str, prompt: str = PROMPT) -> str:
    """Type `line` and Enter; what the shell printed before its next prompt (the line's echo left out)."""
    child.sendline(line)
    child.expect_exact(prompt)
    return child.before.replace("\r\n", "\n").split("\n", 1)[-1]


def stored(state: Path) -> dict:
    """`status --json` from another process: what the state file holds, suppositions aside."""
    result = perimeter("--state", str(state), "status", "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def holds(document: dict, condition: str) -> bool:
    return next(c["holds"] for c in document["conditions"] if c["id"] == condition)


def step_state(document: dict, step: str) -> str:
    return next(s["state"] for s in document["steps"] if s["id"] == step)


def _readme_session() -> list[tuple[str, str, list[str], str | None]]:
    """The README's shell session as (prompt, line typed, lines expected after it, command another
    terminal runs first) rows; the last row's line is `exit`."""
    block = next(b for b in re.findall(r"```console\n(.*?)```", (REPO / "README.md").read_text(), re.S)
                 if "$ perimeter shell" in b)
    rows: list[tuple[str, str, list[str], str | None]] = []
    for line in block.splitlines():
        typed = re.match(r"(perimeter(?: \(supposing [^)]*\))?> )(.*)", line)
        if typed:
            text, _, comment = typed.group(2).partition("  #")
            other = comment.partition("another terminal ran: perimeter ")[2] or None
            rows.append((typed.group(1), text.strip(), [], other))
        elif rows and line.strip() and line.strip() != "...":
            rows[-1][2].append(line)
    return rows


def test_the_readme_shell_session_prints_what_the_readme_shows(shell, state):
    rows = _readme_session()
    assert len(rows) >= 6 and rows[-1][1] == "exit"
    for (_, typed, expected, other), following in zip(rows, [r[0] for r in rows[1:]]):
        if other is not None:
            assert perimeter("--state", str(state), *shlex.split(other)).returncode == 0
        printed = ask(shell, typed, following).splitlines()
        position = 0
        for line in expected:
            assert line in printed[position:], f"`{typed}` did not print: {line}"
            position = printed.index(line, position) + 1
    shell.sendline("exit")
    shell.expect(pexpect.EOF)


def abandon(child, prompt: str = PROMPT) -> None:
    """Ctrl-C: the line typed so far is dropped, and a fresh prompt comes."""
    child.sendcontrol("c")
    child.expect_exact("^C")
    child.expect_exact(prompt)


def test_a_session_walks_the_readme_with_completion_a_supposition_and_another_writer(shell, state):
    assert "A7: Mexico joins NORAD (blocked)" in ask(shell, "why can't Mexico join NORAD yet")

    shell.send("ass\t")  # one command starts so: completed, with its space
    shell.expect_exact("assert ")
    shell.send("A1 A2 --so\t")
    shell.expect_exact("--source ")
    answer = ask(shell, '"SEDENA and SEMAR announcements"')
    assert "A1 recorded, A2 recorded: A3 is now eligible" in answer

    refused = ask(shell, "assert A4").strip().splitlines()  # refused: the command's one line, and the shell goes on
    assert len(refused) == 1 and refused[0].startswith("perimeter: ") and "A3" in refused[0]
    assert "A3 recorded" in ask(shell, "assert A3")

    supposing = "perimeter (supposing vetting)> "
    assert "if vetting were established, B1 and B2 would become eligible" in ask(shell, "suppose vetting", supposing)
    assert re.search(r"^B1 ", ask(shell, "next", supposing), re.M)  # answers reflect the supposition
    assert not holds(stored(state), "vetting")  # ... which is not stored

    elsewhere = perimeter("--state", str(state), "assert", "B3", "--source", "another shell")
    assert elsewhere.returncode == 0, elsewhere.stderr
    answer = ask(shell, "next", supposing)
    assert "Meanwhile, elsewhere: B3 recorded: B5 is now eligible" in answer
    assert re.search(r"^B5 ", answer, re.M)
    assert "Meanwhile" not in ask(shell, "next", supposing)  # told once

    shell.send("retract A\t\t")  # only what is recorded: A1 to A3, not A4 or A5
    shell.expect_exact("retract A")  # the echo; then the list, and the line again
    shell.expect_exact(supposing + "retract A")
    offered = shell.before
    assert {"A1", "A2", "A3"} <= set(offered.split()) and "A4" not in offered.split()
    abandon(shell, supposing)

    assert "vetting established" in ask(shell, 'commit --source "a hypothesis confirmed"')
    document = stored(state)
    assert holds(document, "vetting") and step_state(document, "B3") == "done"  # the other writer's fact kept
    assert "Plan for goal" in ask(shell, "plan goal")

    shell.sendeof()
    shell.expect(pexpect.EOF)
    shell.close()
    assert shell.exitstatus == 0
    history = (state.parent / "state.yaml.history").read_text().splitlines()
    assert history[0] == "why can't Mexico join NORAD yet" and history[-1] == "plan goal"


@pytest.mark.parametrize(("typed", "completed"), [
    ("why Mexico-C", "Mexico-Canada "),  # a relationship's alias
    ("show Perm", '"Permanent Joint Board on Defen'),  # aliases, quoted: several words, one target
    ("compare --to le", "least "),  # a reading profile
    ("assert A4 lo", "location="),  # an attribute of the fact before it
    ("graph --format s", "svg "),
])
def test_tab_completes_names_profiles_attributes_and_values(shell, typed, completed):
    shell.send(typed + "\t")
    shell.expect_exact(completed)
    abandon(shell)
    assert re.search(r"^A1 ", ask(shell, "next"), re.M)  # the completed line was never run


def test_ctrl_c_abandons_a_line_and_a_long_answer_without_leaving(shell, state):
    shell.send("assert A1")  # not entered
    shell.expect_exact("assert A1")  # echoed: the line editor has it (a Ctrl-C before that reaches no line)
    abandon(shell)
    shell.sendline("bench --steps 200000")  # long: it is interrupted well before it ends
    shell.expect_exact("bench --steps 200000")  # the line taken (echoed), so Ctrl-C reaches the answer, not the prompt
    time.sleep(1)
    shell.sendcontrol("c")
    shell.expect_exact("perimeter: interrupted")
    shell.expect_exact(PROMPT)
    assert re.search(r"^A1 ", ask(shell, "next"), re.M)  # alive, and the abandoned line did nothing
    assert step_state(stored(state), "A1") == "eligible"
    shell.sendline("exit")
    shell.expect(pexpect.EOF)


def test_a_corrupt_state_is_one_line_and_the_shell_stays_alive(shell, state):
    assert "A1 recorded" in ask(shell, "assert A1")
    state.write_text("facts: [unclosed\n")
    lines = ask(shell, "status").strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("perimeter: cannot read the state file"), lines
    assert "Traceback" not in shell.before
    assert "SEDENA creates an HA/DR command" in ask(shell, "show A1")  # what needs no state still answers
    state.unlink()
    assert re.search(r"^A1 ", ask(shell, "next"), re.M)  # back to the baseline: A1 eligible again


def test_errors_are_the_commands_own_lines(shell, state):
    for line in (["why", "Z9"], ["assert", "A1", "1bad=x"], ["graph", "--format", "png"]):
        command = perimeter("--state", str(state), *line)
        assert command.returncode == 2
        # the same line, with commands named as typed in the shell (`status`, not `perimeter status`)
        assert ask(shell, " ".join(line)).strip() == command.stderr.strip().replace("`perimeter ", "`")
    assert "nothing is supposed" in ask(shell, "unsuppose")
    assert "this is the shell already" in ask(shell, "shell")
    assert "given as the shell starts" in ask(shell, "--state elsewhere.yaml status")


def test_suppositions_stack_show_in_the_prompt_and_commit_all_or_none(shell, state):
    ask(shell, "suppose A1", "perimeter (supposing A1)> ")
    ask(shell, "suppose A2 vetting", "perimeter (supposing A1, A2, vetting)> ")
    assert "No longer supposed: vetting" in ask(shell, "unsuppose", "perimeter (supposing A1, A2)> ")
    ask(shell, "suppose A4", "perimeter (supposing A1, A2, A4)> ")  # out of order: supposed as violated
    refused = ask(shell, "commit", "perimeter (supposing A1, A2, A4)> ").strip().splitlines()
    assert len(refused) == 1 and refused[0].startswith("perimeter: ")  # A4 is refused, so nothing is recorded
    assert step_state(stored(state), "A1") == "eligible"
    assert "No longer supposed: A1, A2, A4" in ask(shell, "unsuppose all")
    assert "nothing to commit" in ask(shell, "commit")


def test_the_history_of_an_earlier_session_is_recalled(state):
    keep_lines(state.parent / "state.yaml.history", ["why A7"], 1000)
    child = pexpect.spawn(sys.executable, ["-m", "perimeter", "shell"], encoding="utf-8", timeout=GUARD,
                          env=subprocess_env({"NO_COLOR": "1", "TERM": "dumb"}), dimensions=(24, 200))
    child.expect_exact(PROMPT)
    child.sendcontrol("p")  # the previous line: the earlier session's
    child.sendline("")
    child.expect_exact("A7: Mexico joins NORAD (blocked)")
    child.expect_exact(PROMPT)
    child.sendeof()
    child.expect(pexpect.EOF)
    assert (state.parent / "state.yaml.history").read_text() == "why A7\nwhy A7\n"


def test_the_history_file_keeps_the_newest_lines_only(tmp_path):
    history = tmp_path / "folder" / "state.yaml.history"
    keep_lines(history, [f"line {i}" for i in range(8)], 5)
    keep_lines(history, ["newest"], 5)
    assert history.read_text().splitlines() == ["line 4", "line 5", "line 6", "line 7", "newest"]


def test_a_supposing_workspace_answers_with_its_suppositions_and_commits_all_or_none(state):
    session = Supposing(state)
    session.suppose([FactChange("assert", "A1"), FactChange("assert", "A2")])
    assert session.conclusions().steps[2].state.value == "eligible"  # A3, once A1 and A2 are supposed
    session.suppose([FactChange("assert", "A4")])  # out of order: supposed, as violated
    assert not state.exists()  # nothing stored
    with pytest.raises(RefusedError):  # A4 needs A3: none is recorded, and the suppositions stay
        session.commit("test")
    assert not state.exists() and [c.id for c in session.supposed] == ["A1", "A2", "A4"]
    assert [c.id for c in session.unsuppose()] == ["A4"]
    session.commit("test")
    assert session.supposed == () and [f.id for f in Supposing(state).recorded()][-2:] == ["A1", "A2"]


def test_news_tells_what_another_writer_changed_but_not_its_own_writes(state):
    session, other = Supposing(state), Supposing(state)
    assert session.news() == ()
    session.apply([FactChange("assert", "A1")])
    assert session.news() == ()
    other.apply([FactChange("assert", "vetting")])
    (change,) = session.news()
    assert change.summary() == "vetting established: B1 and B2 are now eligible"
    assert session.news() == ()
