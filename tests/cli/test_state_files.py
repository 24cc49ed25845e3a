"""The state file's neighbours, links, modes, backups, size and hand edits (issue 14).

Before: a `--state` that was a symlink was replaced by a regular file (the
real file never got the fact); every write reset the mode to 0600 and the
group to the writer's; a planted `state.yaml.format1.bak -> victim` was
followed and the victim overwritten; a full disk during `reset` left a
truncated, world-readable backup; backups were never pruned; 22 asserts could
write a state every command then refused as too big; `format: "3"` was
accepted and then rewritten as 3; and `written_by` never changed.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import subprocess
from pathlib import Path

import pytest
import yaml

from builders import write_facts, write_rules
from perimeter.files import read as reading
from perimeter.files import write as writer
from perimeter.state.store import KEPT_BACKUPS, WRITER
from clitools import main
from builders import mode, umask
from perimeter.state.document import FORMAT, HEADER

STAMPED = re.compile(r"state\.yaml\.\d{8}T\d{12}Z\.bak")



def ok(capsys, *args: str) -> str:
    result = main(capsys, *args)
    assert result.returncode == 0, result.stderr
    return result.stdout


def one_line(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 2 and result.stdout == "", result
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("perimeter: ") and "Traceback" not in result.stderr, lines
    return lines[0]




def snapshot(folder: Path) -> dict[str, tuple[int, bytes]]:
    return {p.name: (p.lstat().st_mode, p.read_bytes() if p.is_file() and not p.is_symlink() else b"")
            for p in sorted(folder.iterdir())}


def facts_in(path: Path) -> list[str]:
    return [f["id"] for f in yaml.safe_load(path.read_text())["facts"]]


# -- links ----------------------------------------------------------------------------------


def test_a_state_given_as_a_link_updates_the_real_file_and_the_link_stays(tmp_path, state, capsys):
    real = tmp_path / "real" / "state.yaml"
    real.parent.mkdir()
    state.parent.mkdir(parents=True)
    state.symlink_to(real)
    ok(capsys, "assert", "A1")
    ok(capsys, "assert", "A2")
    assert state.is_symlink() and os.readlink(state) == str(real)
    assert facts_in(real)[-2:] == ["A1", "A2"]
    assert sorted(os.listdir(real.parent)) == ["state.yaml", "state.yaml.lock"], "the real file's lock"
    assert sorted(os.listdir(state.parent)) == ["state.yaml"]
    backup_line = ok(capsys, "reset")
    (backup,) = real.parent.glob("state.yaml.*.bak")
    assert str(backup) in backup_line and state.is_symlink() and facts_in(backup)[-1] == "A2"


def test_a_relative_link_to_a_link_is_followed_to_the_file(tmp_path, state, capsys):
    state.parent.mkdir(parents=True)
    (state.parent / "middle.yaml").symlink_to("actual.yaml")  # to nothing yet: the first write makes it
    state.symlink_to("middle.yaml")
    ok(capsys, "assert", "A1")
    assert state.is_symlink() and (state.parent / "middle.yaml").is_symlink()
    assert "A1" in facts_in(state.parent / "actual.yaml")
    assert sorted(os.listdir(state.parent)) == ["actual.yaml", "actual.yaml.lock", "middle.yaml", "state.yaml"]


def test_a_planted_migration_backup_link_is_not_followed(state, capsys):
    state.parent.mkdir(parents=True)
    old = ("format: 1\nrules: {id: downie-2013, fingerprint: '0'}\nbaseline: []\n"
           "facts:\n- {id: A1, attributes: {}, source: old, time: '2026-11-01T10:00:00Z'}\nhistory: []\n")
    state.write_text(old)
    victim = state.parent / "victim"
    victim.write_text("precious")
    planted = state.with_name("state.yaml.format1.bak")
    planted.symlink_to(victim)
    ok(capsys, "assert", "A2")
    assert victim.read_text() == "precious" and planted.is_symlink()
    (kept,) = state.parent.glob("state.yaml.*.format1.bak")
    assert kept.read_text() == old, "the copy is kept under another name, not lost"
    migrated = yaml.safe_load(state.read_text())
    assert migrated["format"] == FORMAT and migrated["written_by"] == WRITER


# -- modes and groups -------------------------------------------------------------------------


@pytest.mark.parametrize(("mask", "expected"), [(0o022, 0o644), (0o077, 0o600)])
def test_a_new_state_follows_the_umask(state, capsys, mask, expected):
    with umask(mask):
        ok(capsys, "assert", "A1")
    assert mode(state) == expected


def test_a_state_keeps_its_mode_and_group_across_writes(state, capsys):
    ok(capsys, "assert", "A1")
    state.chmod(0o640)
    with contextlib.suppress(PermissionError):  # not root and in one group: the mode is still checked
        os.chown(state, -1, next(g for g in (*os.getgroups(), 1, 2) if g != state.stat().st_gid))
    group = state.stat().st_gid
    for args in (["assert", "A2"], ["retract", "A2"], ["reset"]):
        ok(capsys, *args)
        assert mode(state) == 0o640 and state.stat().st_gid == group, args


def test_a_read_only_state_is_refused_even_for_root(state, capsys):
    ok(capsys, "assert", "A1")
    state.chmod(0o444)
    before = state.read_bytes()
    line = one_line(main(capsys, "assert", "A2"))
    assert line.startswith(f"perimeter: {state}: cannot write the state: Permission denied (the file is read-only")
    assert state.read_bytes() == before and mode(state) == 0o444
    assert ok(capsys, "status")  # reading it is fine


# -- backups ----------------------------------------------------------------------------------


def test_reset_keeps_only_the_five_newest_backups_each_with_the_states_mode(state, capsys):
    ok(capsys, "assert", "A1")
    state.chmod(0o640)
    made = []
    for i in range(KEPT_BACKUPS + 2):
        ok(capsys, "assert", "B3", "--source", f"round {i}")
        line = ok(capsys, "reset")
        made.append(Path(re.search(r"previous state kept at (.+)\)$", line.strip()).group(1)))
    kept = sorted(p for p in state.parent.iterdir() if STAMPED.fullmatch(p.name))
    assert KEPT_BACKUPS == 5 and kept == made[-5:]
    assert all(mode(p) == 0o640 for p in kept)
    assert yaml.safe_load(kept[-1].read_text())["facts"][-1]["source"] == f"round {KEPT_BACKUPS + 1}"


def test_pruning_leaves_other_files_alone(state, capsys):
    ok(capsys, "assert", "A1")
    keep = [state.with_name("state.yaml.format1.bak"), state.with_name("state.yaml.mine.bak"),
            state.with_name("state.yaml.20000101T000000000000Z.bak.txt")]
    for path in keep:
        path.write_text("mine")
    for _ in range(KEPT_BACKUPS + 1):
        ok(capsys, "reset")
    assert all(p.read_text() == "mine" for p in keep)


def fill_the_disk(monkeypatch) -> None:
    """From now on, writes into temporary files (where copies and states are written first) fail with
    ENOSPC after a few bytes, as on a disk that fills up."""
    temporaries: set[int] = set()
    create = writer._create_temporary

    def recorded(path, mode_):
        fd, temporary = create(path, mode_)
        temporaries.add(fd)
        return fd, temporary

    real_write = os.write

    def filling(fd, data):
        if fd in temporaries:
            real_write(fd, bytes(data[:16]))
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_write(fd, data)

    monkeypatch.setattr(writer, "_create_temporary", recorded)
    monkeypatch.setattr(writer.os, "write", filling)


def test_a_full_disk_during_reset_leaves_no_backup_and_the_state_untouched(state, capsys, monkeypatch):
    ok(capsys, "assert", "A1")
    state.chmod(0o600)
    before = snapshot(state.parent)
    fill_the_disk(monkeypatch)
    line = one_line(main(capsys, "reset"))
    monkeypatch.undo()
    assert "cannot keep a backup of the state: No space left on device" in line
    assert snapshot(state.parent) == before, "no truncated backup, no temporary, the state as it was"


def test_a_full_disk_after_the_backup_removes_the_backup_again(state, capsys, monkeypatch):
    ok(capsys, "assert", "A1")
    before = snapshot(state.parent)

    def full(*_args, **_kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(writer.os, "replace", full)
    line = one_line(main(capsys, "reset"))
    monkeypatch.undo()
    assert "cannot write the state: No space left on device" in line
    assert snapshot(state.parent) == before


# -- bounds on both sides ---------------------------------------------------------------------


@pytest.fixture
def tiny(tmp_path) -> list[str]:
    """Options for a two-step rule set with no baseline: files far smaller than the limits set below."""
    rules = write_rules(tmp_path / "rules.yaml", "S1", "S2", pathway="tiny")
    facts = write_facts(tmp_path / "facts.yaml")
    return ["--rules", str(rules), "--facts", str(facts)]


def test_a_change_that_would_make_the_state_too_big_to_read_is_refused_before_anything_is_written(
        state, capsys, monkeypatch, tiny):
    ok(capsys, *tiny, "assert", "S1")
    limit = state.stat().st_size + 3000
    monkeypatch.setattr(reading, "MAX_FILE_BYTES", limit)
    refused = None
    for i in range(20):
        before = snapshot(state.parent)
        result = main(capsys, *tiny, "assert", "S2", "--source", f"{i} " + "long source " * 80)
        if result.returncode != 0:
            refused = result
            break
        assert state.stat().st_size <= limit, "never a state the reader refuses"
    assert refused is not None, "the limit was never met"
    line = one_line(refused)
    assert re.fullmatch(
        rf"perimeter: {re.escape(str(state))}: the new state would be [\d,]+ bytes, over the {limit:,} bytes limit "
        r"of a state file perimeter reads; nothing was written \(retract facts with long attributes or sources, "
        r"or reset the state to start it over\)", line), line
    assert snapshot(state.parent) == before
    for args in (["status"], ["history"], ["retract", "S2"], ["reset"]):
        ok(capsys, *tiny, *args)


def test_reset_of_a_state_at_the_limit_works(state, capsys, monkeypatch, tiny):
    ok(capsys, *tiny, "assert", "S1", "--source", "x" * 900)
    monkeypatch.setattr(reading, "MAX_FILE_BYTES", state.stat().st_size)
    ok(capsys, *tiny, "status")
    ok(capsys, *tiny, "reset")
    (backup,) = state.parent.glob("state.yaml.*.bak")
    assert backup.stat().st_size <= reading.MAX_FILE_BYTES
    ok(capsys, *tiny, "--state", str(backup), "status")


# -- hand edits ---------------------------------------------------------------------------------


def block_style(text: str) -> str:
    """The state as a hand edit in YAML's block style (not the layout perimeter writes) would leave it."""
    return HEADER + yaml.safe_dump(yaml.safe_load(text), sort_keys=False, allow_unicode=True)


def fact_lines(text: str, id_: str) -> str:
    """The lines of the fact `id_`: one in the layout perimeter writes, several in block style."""
    return re.search(rf'^- \{{"id": "{id_}".*\n|^- id: {id_}\n(?:  .*\n)+', text, re.MULTILINE).group(0)


@pytest.mark.parametrize("layout", ["as written", "block style"])
def test_an_unknown_id_in_a_hand_edited_state_is_named_with_its_line(state, capsys, layout):
    ok(capsys, "assert", "A1")
    text = state.read_text() if layout == "as written" else block_style(state.read_text())
    entry = fact_lines(text, "A1")
    number = text[:text.index(entry)].count("\n") + 1
    state.write_text(text.replace(entry, entry.replace("A1", "Z9", 1)))
    for args in (["status"], ["assert", "A2"]):
        line = one_line(main(capsys, *args))
        assert line.startswith(f"perimeter: {state}:{number}:3: the state names Z9, which the rule set does not "
                               "have"), line


@pytest.mark.parametrize("layout", ["as written", "block style"])
def test_a_duplicated_fact_is_one_line_with_both_lines_and_no_bug_report(state, capsys, layout):
    ok(capsys, "assert", "A1")
    text = state.read_text() if layout == "as written" else block_style(state.read_text())
    entry = fact_lines(text, "A1")
    first = text[:text.index(entry)].count("\n") + 1
    state.write_text(text.replace(entry, entry + entry))
    second = first + entry.count("\n")
    for args in (["status"], ["assert", "A2"], ["reset"], ["history"]):
        line = one_line(main(capsys, *args))
        assert line == (f"perimeter: cannot read the state file (left untouched): {state}:{second}:3: "
                        f"state-duplicate-fact: 'A1' is listed twice (first at line {first}) (keep one of them)")
        assert "bug" not in line


@pytest.mark.parametrize("written", ['"2"', "2.0", '"1"', "'3'", "3.0", "null", "true"])
def test_a_format_that_is_not_a_whole_number_is_refused_with_its_line(state, capsys, written):
    ok(capsys, "assert", "A1")
    state.write_text(re.sub(rf"^format: {FORMAT}$", f"format: {written}", state.read_text(), flags=re.MULTILINE))
    before = snapshot(state.parent)
    line = one_line(main(capsys, "assert", "A2"))
    assert f"{state}:2:1:" in line or "is not one perimeter ever wrote" in line, line
    assert snapshot(state.parent) == before, "no migration, no backup, nothing rewritten"


def test_written_by_names_the_perimeter_that_last_wrote_the_file(state, capsys):
    ok(capsys, "assert", "A1")
    state.write_text(state.read_text().replace(f'written_by: "{WRITER}"', "written_by: a hand edit"))
    ok(capsys, "status")
    assert "written_by: a hand edit" in state.read_text(), "reading never rewrites"
    ok(capsys, "retract", "A1")
    assert yaml.safe_load(state.read_text())["written_by"] == WRITER


# -- what is judged is what is stored -------------------------------------------------------


def test_re_asserting_with_a_new_source_or_attributes_records_them(state, capsys):
    ok(capsys, "assert", "A1", "A2", "A3")
    ok(capsys, "assert", "A4", "location=Mexico", "leader=Mexico", "--source", "first word")
    ok(capsys, "assert", "A4", "location= Mexico ", "leader=Mexican", "--source", " second word ")
    stored = yaml.safe_load(state.read_text())
    (a4,) = [f for f in stored["facts"] if f["id"] == "A4"]
    assert (a4["attributes"], a4["source"]) == ({"location": "Mexico", "leader": "Mexican"}, "second word")
    last = stored["history"][-1]
    assert (last["action"], last["fact"], last["attributes"], last["source"]) == (
        "assert", "A4", {"location": "Mexico", "leader": "Mexican"}, "second word")
    steps = {s["id"]: s["state"] for s in json.loads(ok(capsys, "status", "--json"))["steps"]}
    assert steps["A4"] == "done"


def test_a_fact_asserted_again_unchanged_keeps_its_time_and_the_history_notes_the_command(state, capsys):
    ok(capsys, "assert", "A1", "--source", "a memo")
    text = state.read_text()
    entry = fact_lines(text, "A1")
    state.write_text(text.replace(entry, re.sub(r'"time": "[^"]*"', '"time": "2020-01-01T00:00:00Z"', entry)))
    ok(capsys, "assert", "A1", "--source", "a memo")
    stored = yaml.safe_load(state.read_text())
    assert stored["facts"][-1]["time"] == "2020-01-01T00:00:00Z", "nothing about it changed"
    assert [(e["fact"], e["source"]) for e in stored["history"][-2:]] == [("A1", "a memo"), ("A1", "a memo")]
    ok(capsys, "assert", "A1", "--source", "another memo")
    assert yaml.safe_load(state.read_text())["facts"][-1]["time"] != "2020-01-01T00:00:00Z"
