"""Many shells on one state file: no update lost, no lock left behind by a killed process.

Real processes only: the guarantee is about the operating system's file lock
and atomic renames, which one process cannot exercise on its own.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from builders import write_facts, write_rules
from clitools import subprocess_env

SHELLS = 20
HANG = 120  # seconds: only to stop a hung test, never a measure of speed


@pytest.fixture
def setup(tmp_path, monkeypatch):
    """A rule set of twenty independent steps, no baseline facts, and a state file under tmp_path."""
    for name in ("PERIMETER_STATE", "NO_COLOR", "CLICOLOR_FORCE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg"))
    rules = write_rules(tmp_path / "rules.yaml", *(f"S{i}" for i in range(1, SHELLS + 1)), pathway="twenty",
                        title="Twenty independent steps")
    facts = write_facts(tmp_path / "facts.yaml")
    state = tmp_path / "state" / "state.yaml"
    command = [sys.executable, "-m", "perimeter", "--state", str(state), "--rules", str(rules), "--facts", str(facts)]
    return command, state


def start(command: list[str], *args: str) -> subprocess.Popen:
    return subprocess.Popen([*command, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=subprocess_env())


def finish(process: subprocess.Popen) -> tuple[int, str, str]:
    try:
        out, err = process.communicate(timeout=HANG)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        raise
    return process.returncode, out, err


def test_twenty_shells_asserting_at_once_lose_nothing(setup):
    command, state = setup
    writers = [start(command, "assert", f"S{i}", "--source", f"shell {i}") for i in range(1, SHELLS + 1)]
    readers = [start(command, "status", "--json") for _ in range(5)]
    written = [finish(p) for p in writers]
    read = [finish(p) for p in readers]

    assert [(code, err) for code, _, err in written] == [(0, "")] * SHELLS
    for code, out, err in read:  # a reader sees the old file or a new one, never half of one
        assert code == 0, err
        assert len(json.loads(out)["steps"]) == SHELLS

    code, out, err = finish(start(command, "status", "--json"))
    assert code == 0, err
    assert {s["id"]: s["state"] for s in json.loads(out)["steps"]} == {f"S{i}": "done" for i in range(1, SHELLS + 1)}
    code, out, err = finish(start(command, "history", "--json"))
    asserts = [e for e in json.loads(out)["entries"] if e["action"] == "assert"]
    assert sorted((e["fact"], e["source"]) for e in asserts) == sorted(
        (f"S{i}", f"shell {i}") for i in range(1, SHELLS + 1))
    stored = yaml.safe_load(state.read_text())
    assert sorted(f["id"] for f in stored["facts"]) == sorted(f"S{i}" for i in range(1, SHELLS + 1))
    assert sorted(p.name for p in state.parent.iterdir()) == ["state.yaml", "state.yaml.lock"]


def _waiting_on_a_lock(pid: int) -> bool:
    """Whether `pid` is queued for a file lock, as /proc/locks shows blocked requests (`->`)."""
    return any(line.split()[1] == "->" and line.split()[5] == str(pid)
               for line in Path("/proc/locks").read_text().splitlines() if len(line.split()) > 5)


def test_a_lock_held_by_a_killed_process_does_not_block(setup):
    command, state = setup
    state.parent.mkdir(parents=True)
    holder = subprocess.Popen(
        [sys.executable, "-c", "import fcntl, sys, time\n"
         "handle = open(sys.argv[1], 'a+')\n"
         "fcntl.flock(handle.fileno(), fcntl.LOCK_EX)\n"
         "print('locked', flush=True)\n"
         "time.sleep(600)\n", str(state) + ".lock"],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        waiter = start(command, "assert", "S1", "--source", "waited")
        if Path("/proc/locks").exists():  # show it really queues behind the holder
            deadline = time.monotonic() + HANG
            while not _waiting_on_a_lock(waiter.pid):
                assert waiter.poll() is None, finish(waiter)
                assert time.monotonic() < deadline, "the assert never waited for the lock"
                time.sleep(0.05)
        assert not state.exists()
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=HANG)
        holder.stdout.close()
    assert holder.returncode == -signal.SIGKILL

    assert finish(waiter)[0] == 0
    code, _, err = finish(start(command, "assert", "S2"))
    assert code == 0, err
    code, out, _ = finish(start(command, "status", "--json"))
    done = [s["id"] for s in json.loads(out)["steps"] if s["state"] == "done"]
    assert done == ["S1", "S2"]
