"""Locks that never hang (issue 14): readers take none, writers wait at most PERIMETER_LOCK_TIMEOUT seconds.

Before, `assert` and even `status` waited forever, without a word, for a lock
another process held, and `assert A1 1bad=x` made the state folder and the lock
file before failing.  The lock is held here by a real process that takes it
itself (as any program could); waits are bounded by small timeouts so that a
hang fails the test instead of stalling it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from perimeter import FactChange, FactError, UnknownIdError
from perimeter.cli.main import app
from perimeter.state import store as storing
from perimeter.state.workspace import Workspace
from clitools import MALFORMED_FACT_ARGUMENTS, one_error_line, perimeter, subprocess_env
from clitools import main

HANG = 60
READERS = [["status"], ["next"], ["why", "A7"], ["why", "goal", "--json"], ["plan", "goal"], ["show", "A1"],
           ["history"], ["spectrum"], ["graph"], ["graph", "--format", "dot"], ["what-if", "vetting"], ["check"]]
HOLD = ("import fcntl, sys\n"
        "handle = open(sys.argv[1], 'a+')\n"
        "fcntl.flock(handle.fileno(), fcntl.LOCK_EX)\n"
        "print('locked', flush=True)\n"
        "sys.stdin.readline()\n")



def listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


class Holder:
    """Another process holding the exclusive lock on `lock` until released or killed."""

    def __init__(self, lock: Path):
        self.process = subprocess.Popen(
            [sys.executable, "-c", HOLD, str(lock)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert self.process.stdout.readline().strip() == "locked"
        self.pid = self.process.pid

    def release(self) -> None:
        if self.process.poll() is None:
            self.process.stdin.write("\n")
            self.process.stdin.flush()
        self.process.wait(timeout=HANG)
        self.process.stdin.close()
        self.process.stdout.close()


@pytest.fixture
def held(state):
    """A state with A1, whose lock another process holds for the test."""
    assert CliRunner().invoke(app, ["assert", "A1"]).exit_code == 0
    holder = Holder(state.with_name("state.yaml.lock"))
    yield holder
    holder.release()


def within(seconds: float, work):
    """Run `work` in a thread and fail, rather than hang, if it takes longer than `seconds`."""
    outcome: list = []
    thread = threading.Thread(target=lambda: outcome.append(work()), daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"still waiting after {seconds} s: a reader took the lock?"
    return outcome[0]


# -- readers ----------------------------------------------------------------------------------


@pytest.mark.parametrize("args", READERS, ids=" ".join)
def test_a_reader_answers_while_a_writer_holds_the_lock(held, args):
    result = within(HANG, lambda: CliRunner().invoke(app, args))
    assert result.exit_code == 0, (result.output, result.exception)


def test_readers_create_nothing_beside_a_state_no_lock_file(state):
    assert CliRunner().invoke(app, ["assert", "A1"]).exit_code == 0
    state.with_name("state.yaml.lock").unlink()
    before = {p.name: p.read_bytes() for p in state.parent.iterdir()}
    for args in READERS:
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 0, (args, result.output)
    assert {p.name: p.read_bytes() for p in state.parent.iterdir()} == before


def test_readers_with_no_state_create_no_folder(state):
    for args in READERS:
        assert CliRunner().invoke(app, args).exit_code == 0, args
    assert not state.parent.exists()


# -- writers ----------------------------------------------------------------------------------


def test_a_writer_gives_up_after_the_timeout_naming_the_lock_and_its_holder(held, state):
    before = state.read_bytes()
    line = one_error_line(perimeter("assert", "A2", env={"PERIMETER_LOCK_TIMEOUT": "0.5"}))
    who = f"process {held.pid}" if Path("/proc/locks").exists() else "another process"
    assert line == (f"perimeter: {state}.lock: the state is locked by {who}; gave up after 0.5 s "
                    "(wait for it to finish, or set PERIMETER_LOCK_TIMEOUT to wait longer)")
    assert state.read_bytes() == before


@pytest.mark.parametrize("args", [["retract", "A1"], ["reset"]], ids=" ".join)
def test_every_writer_gives_up_after_the_timeout(held, state, capsys, monkeypatch, args):
    monkeypatch.setenv("PERIMETER_LOCK_TIMEOUT", "0")
    before = sorted(os.listdir(state.parent))
    result = within(HANG, lambda: main(capsys, *args))
    assert result.returncode == 2 and "the state is locked by" in result.stderr
    assert sorted(os.listdir(state.parent)) == before, "no backup, nothing"


def _wait_until_queued(writer: subprocess.Popen[str]) -> None:
    """Until `writer` has the state's lock file open (it then waits in flock), or has ended."""
    deadline = time.monotonic() + HANG  # a guard against a hang, not a timing
    while writer.poll() is None and time.monotonic() < deadline:
        try:
            links = [os.readlink(f"/proc/{writer.pid}/fd/{fd}") for fd in os.listdir(f"/proc/{writer.pid}/fd")]
        except OSError:
            links = []
        if any(link.endswith(".yaml.lock") for link in links):
            return
        time.sleep(0.05)


def test_a_waiting_writer_goes_on_as_soon_as_the_lock_is_free(held, state):
    writer = subprocess.Popen([sys.executable, "-m", "perimeter", "assert", "A2"], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True,
                              env=subprocess_env({"PERIMETER_LOCK_TIMEOUT": str(HANG)}))
    _wait_until_queued(writer)  # the writer is waiting for the lock, not merely slow to start
    assert writer.poll() is None, writer.communicate()
    held.release()
    out, err = writer.communicate(timeout=HANG)
    assert writer.returncode == 0, err
    assert "A2 recorded" in out


def test_the_default_wait_is_ten_seconds_and_the_variable_sets_it(monkeypatch):
    monkeypatch.delenv("PERIMETER_LOCK_TIMEOUT", raising=False)
    assert storing.lock_timeout() == 10.0
    for given, seconds in [("2.5", 2.5), ("0", 0.0), (" 30 ", 30.0), ("", 10.0), ("86400", 86400.0)]:
        monkeypatch.setenv("PERIMETER_LOCK_TIMEOUT", given)
        assert storing.lock_timeout() == seconds


@pytest.mark.parametrize("given", ["abc", "-1", "nan", "inf", "86401", "1e400", "10s"])
def test_a_bad_lock_timeout_is_one_line_before_anything_is_created(state, capsys, monkeypatch, given):
    monkeypatch.setenv("PERIMETER_LOCK_TIMEOUT", given)
    result = main(capsys, "assert", "A1")
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.splitlines() == [
        (f"perimeter: PERIMETER_LOCK_TIMEOUT must be a number of seconds from 0 to 86,400, given '{given}' "
         "(unset it to wait the default 10 seconds)")]
    assert not state.parent.exists()
    assert main(capsys, "status").returncode == 0, "a reader takes no lock, so it does not care"


def test_the_abandoned_wait_lets_go_of_the_lock_once_it_gets_it(tmp_path):
    """In a long-lived program, a writer that gave up must not keep the lock when it frees up later."""
    import fcntl

    lock = tmp_path / "state.yaml.lock"
    lock.touch()
    with open(lock, "a+") as holder:  # another open file: flock sees another owner
        fcntl.flock(holder.fileno(), fcntl.LOCK_EX)
        fd = os.open(lock, os.O_RDWR)
        try:
            assert storing._flock_within(fd, 0.2) is False
        finally:
            os.close(fd)
    deadline = time.monotonic() + HANG
    with open(lock, "a+") as again:
        while True:
            try:
                fcntl.flock(again.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                assert time.monotonic() < deadline, "the abandoned wait kept the lock"
                time.sleep(0.01)


# -- input checked before anything is created ------------------------------------------------


@pytest.mark.parametrize("args", [
    *(args for args, _ in MALFORMED_FACT_ARGUMENTS),
    ["assert", "ZZ"], ["assert", "goal"], ["retract", "ZZ"], ["assert", "A1", "B3", "Z9"],
], ids=lambda args: " ".join(args)[:60])
def test_a_bad_change_is_one_line_and_creates_no_folder_and_no_lock(state, capsys, args):
    result = main(capsys, *args)
    assert result.returncode == 2, result
    assert result.stdout == "" and len(result.stderr.splitlines()) == 1 and "Traceback" not in result.stderr
    assert not state.parent.exists()


@pytest.mark.parametrize(("change", "error"), [
    (FactChange("assert", "A1", {"1bad": "x"}), FactError),
    (FactChange("assert", "A1", source="  "), FactError),
    (FactChange("assert", "ZZ"), UnknownIdError),
    (FactChange("retract", "ZZ"), UnknownIdError),
])
def test_the_workspace_checks_every_change_before_it_opens_the_state(tmp_path, change, error):
    state = tmp_path / "folder" / "state.yaml"
    with pytest.raises(error):
        Workspace(state).apply([FactChange("assert", "A1"), change])
    assert list(tmp_path.iterdir()) == []


def test_a_lock_file_planted_as_a_link_is_not_followed(state):
    assert CliRunner().invoke(app, ["assert", "A1"]).exit_code == 0
    before = state.read_bytes()
    lock = state.with_name("state.yaml.lock")
    lock.unlink()
    victim = state.parent / "victim"
    victim.write_text("precious")
    lock.symlink_to(victim)
    line = one_error_line(perimeter("assert", "A2"))
    assert line == (f"perimeter: {lock}: is a symbolic link; perimeter does not follow one there "
                    "(remove it: perimeter makes its own lock file)")
    assert victim.read_text() == "precious" and lock.is_symlink() and state.read_bytes() == before


def test_a_lock_file_that_is_a_fifo_is_refused_without_waiting(state):
    state.parent.mkdir(parents=True)
    os.mkfifo(state.with_name("state.yaml.lock"))
    line = one_error_line(perimeter("assert", "A1"))
    assert line.endswith("state.yaml.lock: is a FIFO (named pipe), not a lock file "
                         "(remove it: perimeter makes its own lock file)")
    assert listing(state.parent) == ["state.yaml.lock"]
