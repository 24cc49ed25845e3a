"""Crashes and concurrency lose nothing: killed writers, racing writers, readers mid-write.

Real processes and real SIGKILLs: the guarantees rest on the operating
system's file lock and atomic rename, which one process cannot exercise.
Timeouts here only stop a hung test; nothing is timed.
"""

from __future__ import annotations

import errno
import random
import signal
import subprocess
import sys
import time

import pytest
import yaml

from builders import write_facts, write_rules
from clitools import subprocess_env
from perimeter.state.store import StoreError
from perimeter.state.workspace import Workspace
from perimeter.state.document import FORMAT

HANG = 120


@pytest.fixture
def world(tmp_path):
    """Forty independent steps, no baseline, and a state file of their own."""
    rules = write_rules(tmp_path / "rules.yaml", *(f"S{i}" for i in range(1, 41)), pathway="forty",
                        title="Forty independent steps")
    facts = write_facts(tmp_path / "facts.yaml")
    path = tmp_path / "shared" / "state.yaml"
    command = [sys.executable, "-m", "perimeter", "--state", str(path), "--rules", str(rules), "--facts", str(facts)]
    return command, path, rules, facts


def _start(command, *args):
    return subprocess.Popen([*command, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=subprocess_env())


def _done(path, rules, facts) -> set[str]:
    conclusions = Workspace(path, rules, facts).conclusions()
    return {s.id for s in conclusions.steps if s.state.value == "done"}


def test_killing_asserts_at_random_moments_never_breaks_the_state_or_loses_an_acknowledged_fact(world):
    command, path, rules, facts = world
    # Kill within the span of a real run on this machine, whatever its load;
    # every fourth run is left alone, so some writes surely finish.
    started = time.perf_counter()
    _start(command, "assert", "S40").communicate(timeout=HANG)
    typical = time.perf_counter() - started
    rng = random.Random(2013)
    acknowledged: set[str] = {"S40"}
    killed = 0
    for i in range(1, 40):
        process = _start(command, "assert", f"S{i}")
        try:
            process.wait(timeout=HANG if i % 4 == 0 else rng.uniform(0.05, typical))
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGKILL)
            killed += 1
        process.communicate(timeout=HANG)
        if process.returncode == 0:
            acknowledged.add(f"S{i}")
        done = _done(path, rules, facts)  # raises if the file were broken
        assert acknowledged <= done, f"lost {acknowledged - done}"
        assert not list(path.parent.glob(".state.yaml.*.tmp")) or process.returncode != 0
    assert killed and acknowledged, "the kills must land both before and after some writes finished"
    subprocess.run([*command, "assert", "S39"], capture_output=True, timeout=HANG, env=subprocess_env())
    assert not list(path.parent.glob(".state.yaml.*.tmp")), "the next write sweeps up killed writers' leftovers"
    assert yaml.safe_load(path.read_text())["format"] == FORMAT


def test_writers_asserting_and_retracting_at_once_lose_no_update_and_readers_never_see_half_a_file(world):
    command, path, rules, facts = world
    seed = Workspace(path, rules, facts)
    from perimeter import FactChange

    seed.apply([FactChange("assert", f"S{i}") for i in range(21, 31)])
    writers = [_start(command, "assert", f"S{i}") for i in range(1, 11)]
    writers += [_start(command, "retract", f"S{i}") for i in range(21, 31)]
    reads = 0
    while any(w.poll() is None for w in writers):
        text = path.read_bytes()  # the whole file, as a reader sees it
        document = yaml.safe_load(text)
        assert document["format"] == FORMAT and isinstance(document["facts"], list)
        reads += 1
        time.sleep(0.01)
    for writer in writers:
        out, err = writer.communicate(timeout=HANG)
        assert writer.returncode == 0, err
    assert reads > 0
    assert _done(path, rules, facts) == {f"S{i}" for i in range(1, 11)}
    history = Workspace(path, rules, facts).history()
    assert sorted(e.fact for e in history if e.action == "retract") == sorted(f"S{i}" for i in range(21, 31))


def test_right_after_a_writer_is_killed_the_next_command_works(world):
    command, path, rules, facts = world
    Workspace(path, rules, facts).conclusions()
    victim = _start(command, "assert", "S1")
    time.sleep(0.2)
    victim.send_signal(signal.SIGKILL)
    victim.communicate(timeout=HANG)
    follower = subprocess.run([*command, "assert", "S2"], capture_output=True, text=True, timeout=HANG,
                              env=subprocess_env())
    assert follower.returncode == 0, follower.stderr
    assert "S2" in _done(path, rules, facts)


@pytest.mark.parametrize(("failing", "code", "hint"), [
    ("_create_temporary", errno.EACCES, "not writable"),
    ("_create_temporary", errno.EROFS, "not writable"),
    ("replace", errno.ENOSPC, "disk is full"),
])
def test_a_state_folder_that_cannot_be_written_is_a_clear_error_and_nothing_changes(world, monkeypatch, failing,
                                                                                      code, hint):
    # As root, permissions do not stop writes; the operating system's refusal
    # is simulated at the call that meets it (tests/cli/test_state.py covers
    # real read-only folders when run as another user).
    import os

    from perimeter import FactChange
    from perimeter.files import write as writer

    _, path, rules, facts = world
    Workspace(path, rules, facts).apply([FactChange("assert", "S1")])
    before = path.read_bytes()

    def refuse(*_args, **_kwargs):
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(writer if failing == "_create_temporary" else os, failing, refuse)
    with pytest.raises(StoreError) as error:
        Workspace(path, rules, facts).apply([FactChange("assert", "S2")])
    assert hint in error.value.hint and "cannot write the state" in error.value.message
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".tmp")]
