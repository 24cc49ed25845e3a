"""The state file through the command: where it lives, what it holds, and what is refused.

Every test names its own state file under tmp_path (with --state or
PERIMETER_STATE), so nothing touches the user's real state.
"""

from __future__ import annotations

import errno
import json
import re
import tempfile
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from perimeter.cli.main import app
from perimeter.files.sources import shipped_dir
from builders import write_facts, write_rules
from clitools import one_error_line, perimeter
from clitools import main
from perimeter.state.document import FORMAT, HEADER, parsed

runner = CliRunner()
SHIPPED_FACTS = sorted(str(p) for p in shipped_dir("facts").glob("*.yaml"))  # installed, or in the checkout
TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")


def _permissions_enforced() -> bool:
    """False for root (with its capabilities), which may write into a read-only folder."""
    with tempfile.TemporaryDirectory() as folder:
        probe = Path(folder) / "read-only"
        probe.mkdir()
        probe.chmod(0o555)
        try:
            (probe / "file").touch()
        except PermissionError:
            return True
        finally:
            probe.chmod(0o755)
        return False


permissions = pytest.mark.skipif(not _permissions_enforced(),
                                 reason="permissions are not enforced for this user (root?)")


def ok(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0 and result.exception is None, (args, result.output, result.exception)
    return result.stdout



def step_states(*args: str) -> dict[str, str]:
    return {s["id"]: s["state"] for s in json.loads(ok(*args, "status", "--json"))["steps"]}


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file in `folder` with its bytes, to show nothing was written, added or removed."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


# -- where it lives ------------------------------------------------------------

def test_read_only_commands_start_from_the_baseline_and_create_nothing(tmp_path, state):
    assert step_states()["A1"] == "eligible"
    for args in (["status"], ["next"], ["why", "A7"], ["plan", "goal"], ["what-if", "vetting"], ["show", "A1"],
                 ["history"], ["next", "--json"], ["why", "goal", "--json"]):
        ok(*args)
    assert not state.parent.exists()
    assert {"id": "norad", "holds": True} in json.loads(ok("status", "--json"))["conditions"]


def test_perimeter_state_is_honoured_and_state_overrides_it(tmp_path):
    from_env, from_option = tmp_path / "env" / "s.yaml", tmp_path / "option" / "s.yaml"
    result = perimeter("assert", "A1", env={"PERIMETER_STATE": str(from_env)})
    assert result.returncode == 0, result.stderr
    assert from_env.exists()
    before = from_env.read_bytes()
    result = perimeter("--state", str(from_option), "assert", "B3", env={"PERIMETER_STATE": str(from_env)})
    assert result.returncode == 0, result.stderr
    assert from_env.read_bytes() == before
    assert "B3" in [f["id"] for f in yaml.safe_load(from_option.read_text())["facts"]]
    status = perimeter("status", "--json", env={"PERIMETER_STATE": str(from_env)})
    assert json.loads(status.stdout)["state_file"] == str(from_env)


@pytest.mark.parametrize("xdg", [True, False])
def test_the_default_place_is_shown_by_status_and_used(tmp_path, monkeypatch, xdg):
    monkeypatch.delenv("PERIMETER_STATE")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    if xdg:
        expected = tmp_path / "xdg" / "perimeter" / "state.yaml"
    else:
        monkeypatch.delenv("XDG_STATE_HOME")
        expected = tmp_path / "home" / ".local" / "state" / "perimeter" / "state.yaml"
    shown = "~/.local/state/perimeter/state.yaml" if not xdg else expected  # text shows a path under home as ~/
    assert f"state: {shown}" in ok("status").splitlines()[0]
    ok("assert", "A1")
    assert expected.exists() and "A1" in [f["id"] for f in yaml.safe_load(expected.read_text())["facts"]]


# -- what it holds -------------------------------------------------------------

def test_the_state_is_readable_yaml_with_the_time_and_source_of_every_entry(state):
    ok("assert", "A1", "A2", "--source", "SEDENA and SEMAR announcements")
    ok("retract", "A2")
    text = state.read_text()
    assert text.startswith("# perimeter state:")
    assert "!!" not in text and "\t" not in text
    document = yaml.safe_load(text)
    assert document["format"] == FORMAT and document["written_by"].startswith("perimeter ")
    assert document["rules"]["id"] == "downie-2013" and document["rules"]["fingerprint"]
    assert document["baseline"] == SHIPPED_FACTS
    assert len(document["facts"]) == 26  # the 25 baseline facts and A1
    for fact in document["facts"]:
        assert TIME.fullmatch(fact["time"]) and "source" in fact
    sources = {f["id"]: f["source"] for f in document["facts"]}
    assert sources["norad"] == "Downie (2013), baseline"
    assert sources["A1"] == "SEDENA and SEMAR announcements"
    assert [(e["action"], e["fact"], e["source"]) for e in document["history"]][1:] == [
        ("assert", "A1", "SEDENA and SEMAR announcements"), ("assert", "A2", "SEDENA and SEMAR announcements"),
        ("retract", "A2", None)]
    assert all(TIME.fullmatch(e["time"]) and "source" in e for e in document["history"])


def test_writes_leave_no_temporary_file_behind(state):
    ok("assert", "A1")
    ok("assert", "A2")
    ok("reset")
    assert sorted(p.name for p in state.parent.iterdir() if not p.name.endswith(".bak")) == [
        "state.yaml", "state.yaml.lock"]


def test_a_write_that_fails_leaves_the_old_file_whole(state, monkeypatch):
    ok("assert", "A1")
    before = snapshot(state.parent)

    def no_space(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("perimeter.state.store.os.replace", no_space)
    result = runner.invoke(app, ["assert", "A2"])
    assert result.exit_code != 0
    assert "cannot write the state: No space left on device" in str(result.exception)
    assert "the disk is full" in str(result.exception)
    assert snapshot(state.parent) == before


def test_reset_keeps_a_usable_backup_and_history_shows_it(state):
    ok("assert", "A1", "A2", "--source", "before the reset")
    old = state.read_bytes()
    ok("reset")
    (backup,) = state.parent.glob("state.yaml.*.bak")
    assert backup.read_bytes() == old
    assert step_states("--state", str(backup))["A1"] == "done"
    assert step_states()["A1"] == "eligible"
    entries = json.loads(ok("history", "--json"))["entries"]
    assert [e["action"] for e in entries] == ["reset", "baseline"]
    assert entries[0]["source"] == f"previous state kept at {backup}"
    assert "previous state kept at" in ok("history")


def test_a_fact_file_starts_the_state_and_may_be_named_from_anywhere(tmp_path, state):
    (tmp_path / "here").mkdir()
    (tmp_path / "there").mkdir()
    facts = tmp_path / "here" / "facts.yaml"
    write_facts(facts, "A1", {"id": "vetting", "source": "a memo"})
    result = perimeter("--facts", "facts.yaml", "assert", "A2", cwd=tmp_path / "here")
    assert result.returncode == 0, result.stderr
    assert yaml.safe_load(state.read_text())["baseline"] == [str(facts)]
    # The same file named another way is the same baseline.
    result = perimeter("--facts", "../here/facts.yaml", "status", "--json", cwd=tmp_path / "there")
    assert result.returncode == 0, result.stderr
    assert {s["id"]: s["state"] for s in json.loads(result.stdout)["steps"]}["A3"] == "eligible"


def test_a_state_started_from_other_facts_is_refused(tmp_path, state):
    first, second = tmp_path / "first.yaml", tmp_path / "second.yaml"
    write_facts(first, "A1")
    write_facts(second)
    ok("--facts", str(first), "assert", "A2")
    before = snapshot(state.parent)
    line = one_error_line(perimeter("--facts", str(second), "assert", "B3"))
    assert f"this state started from {first}" in line and "reset" in line
    assert snapshot(state.parent) == before


def test_an_empty_fact_file_starts_from_nothing(tmp_path):
    empty = tmp_path / "none.yaml"
    write_facts(empty)
    conditions = json.loads(ok("--facts", str(empty), "status", "--json"))["conditions"]
    assert not any(c["holds"] for c in conditions)


# -- what is refused, leaving the file untouched ----------------------------------

def test_a_state_of_another_rule_set_is_refused(tmp_path, state, capsys):
    rules = write_rules(tmp_path / "rules.yaml", "S1", "S2", pathway="tiny")
    ok("--rules", str(rules), "assert", "S1")
    before = snapshot(state.parent)
    for result in (perimeter("assert", "A1"), main(capsys, "status"), main(capsys, "history")):
        line = one_error_line(result)
        assert line.startswith(f"perimeter: {state}: this state belongs to rule set 'tiny', not 'downie-2013'")
    assert snapshot(state.parent) == before
    assert ok("--rules", str(rules), "status", "--json")  # still fine with its own rules


def test_the_papers_state_is_refused_by_another_rule_set(tmp_path, state):
    ok("assert", "A1")
    before = snapshot(state.parent)
    rules = write_rules(tmp_path / "rules.yaml", "S1", pathway="tiny")
    line = one_error_line(perimeter("--rules", str(rules), "assert", "S1"))
    assert "belongs to rule set 'downie-2013', not 'tiny'" in line
    assert snapshot(state.parent) == before


@pytest.mark.parametrize("id_", [
    "Z9",        # an id the rules do not have
    "a1",        # not written as the rules write it
    "goal",      # derived, so never a fact
])
def test_a_state_naming_an_id_the_rules_do_not_have_is_refused(state, capsys, id_):
    ok("assert", "A1")
    state.write_text(state.read_text().replace('{"id": "A1"', f'{{"id": "{id_}"', 1))
    before = snapshot(state.parent)
    for result in (perimeter("assert", "A2"), main(capsys, "status")):
        line = one_error_line(result)
        assert f"the state names {id_}, which the rule set does not have" in line
    assert snapshot(state.parent) == before


BROKEN = {
    "malformed": b"format: 1\nrules: [\n",
    "binary": b"\x00\x01\x02\xff garbage",
    "latin-1": "facts: caf\xe9\n".encode("latin-1"),
    "not a mapping": b"- just\n- a list\n",
    "empty": b"",
    "wrong shape": b"format: 1\nrules: {id: downie-2013, fingerprint: x}\nfacts: 3\n",
    "unknown field": b"format: 1\nrules: {id: downie-2013, fingerprint: x}\nextra: 1\n",
}


@pytest.mark.parametrize("name", BROKEN)
def test_an_unreadable_state_is_reported_in_one_line_and_left_untouched(state, capsys, name):
    state.parent.mkdir(parents=True)
    state.write_bytes(BROKEN[name])
    before = snapshot(state.parent)
    for result in (perimeter("assert", "A1"), main(capsys, "status"), main(capsys, "reset")):
        line = one_error_line(result)
        assert line.startswith("perimeter: cannot read the state file (left untouched): ") and str(state) in line
        assert line.count("left untouched") == 1
    assert snapshot(state.parent) == {**before, "state.yaml.lock": b""}


def test_a_state_from_a_newer_perimeter_is_refused(state, capsys):
    state.parent.mkdir(parents=True)
    state.write_text(f"format: {FORMAT + 1}\nrules: {{id: downie-2013, fingerprint: x}}\nsomething_new: [1, 2]\n")
    before = snapshot(state.parent)
    for result in (perimeter("assert", "A1"), main(capsys, "status"), main(capsys, "reset")):
        line = one_error_line(result)
        assert f"written by a newer perimeter (state format {FORMAT + 1}; this perimeter reads formats up to {FORMAT})" in line
    assert snapshot(state.parent) == {**before, "state.yaml.lock": b""}


def test_a_directory_as_the_state_is_refused(tmp_path, capsys):
    folder = tmp_path / "a-folder"
    folder.mkdir()
    for result in (perimeter("--state", str(folder), "assert", "A1"), main(capsys, "--state", str(folder), "status"),
                   main(capsys, "--state", str(folder), "reset")):
        line = one_error_line(result)
        assert line == f"perimeter: {folder}: is a directory, not a state file (give --state the path of a file)"
    assert list(folder.iterdir()) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-folder"]


def test_a_state_under_a_file_cannot_be_written(tmp_path):
    blocker = tmp_path / "plain-file"
    blocker.write_text("not a folder")
    line = one_error_line(perimeter("--state", str(blocker / "state.yaml"), "assert", "A1"))
    assert line.startswith(f"perimeter: {blocker / 'state.yaml'}: cannot lock the state: ")
    assert blocker.read_text() == "not a folder"


@permissions
def test_a_read_only_folder_is_reported_and_nothing_changes(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    state = folder / "state.yaml"
    assert perimeter("--state", str(state), "assert", "A1").returncode == 0
    before = snapshot(folder)
    folder.chmod(0o555)
    try:
        line = one_error_line(perimeter("--state", str(state), "assert", "A2"))
        assert "cannot write the state: Permission denied" in line and "not writable" in line
        line = one_error_line(perimeter("--state", str(state), "reset"))
        assert "Permission denied" in line
        assert snapshot(folder) == before
        (folder / "state.yaml.lock").chmod(0o444)
        status = perimeter("--state", str(state), "status", "--json")  # reading needs no write access
        assert status.returncode == 0, status.stderr
        assert {s["id"]: s["state"] for s in json.loads(status.stdout)["steps"]}["A1"] == "done"
    finally:
        folder.chmod(0o755)


@permissions
def test_a_read_only_folder_with_no_state_yet(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir(mode=0o555)
    state = folder / "state.yaml"
    try:
        status = perimeter("--state", str(state), "status", "--json")
        assert status.returncode == 0, status.stderr
        line = one_error_line(perimeter("--state", str(state), "assert", "A1"))
        assert line == (f"perimeter: {state}: cannot lock the state: Permission denied (the folder is not "
                        "writable; choose another place for the state file)")
        assert list(folder.iterdir()) == []
    finally:
        folder.chmod(0o755)


@permissions
def test_a_state_file_that_cannot_be_read_is_reported(state):
    ok("assert", "A1")
    state.chmod(0o000)
    try:
        for args in (["status"], ["assert", "A2"]):
            line = one_error_line(perimeter(*args))
            assert str(state) in line and ("not readable" in line or "Permission denied" in line)
    finally:
        state.chmod(0o644)
    assert [f["id"] for f in yaml.safe_load(state.read_text())["facts"]][-1] == "A1"


FORMAT_1 = """\
# perimeter state: the facts asserted, with their history. Edit with care.
format: 1
rules:
  id: downie-2013
  fingerprint: '0000000000000000'
baseline: []
facts:
- id: A1
  attributes: {}
  source: an older perimeter
  time: '2026-11-01T10:00:00Z'
history:
- time: '2026-11-01T10:00:00Z'
  action: assert
  fact: A1
  attributes: {}
  source: an older perimeter
  forced: false
"""


def test_a_format_3_state_in_block_style_is_migrated_with_a_backup_and_rewritten_a_fact_a_line(state, capsys):
    """Format 4 holds what format 3 held, a fact or an entry a line; the format 3 file is kept as it was."""
    state.parent.mkdir(parents=True)
    assert main(capsys, "assert", "A1", "--source", "a memo").returncode == 0
    written = yaml.safe_load(state.read_text())
    old = HEADER + yaml.safe_dump({**written, "format": 3}, sort_keys=False)  # as perimeter wrote format 3
    state.write_text(old)
    assert main(capsys, "status").returncode == 0 and state.read_text() == old, "reading never rewrites"
    assert main(capsys, "assert", "A2").returncode == 0
    assert state.with_name("state.yaml.format3.bak").read_text() == old
    text = state.read_text()
    assert parsed(text, str(state)) is not None, "written in format 4's layout"
    migrated = yaml.safe_load(text)
    assert migrated["format"] == FORMAT == 4
    assert migrated["facts"][:-1] == written["facts"] and migrated["history"][:-1] == written["history"]
    facts = [line for line in text.splitlines() if line.startswith('- {"id": ')]
    assert [yaml.safe_load(line)[0]["id"] for line in facts] == [f["id"] for f in migrated["facts"]]


def test_a_format_2_state_is_migrated_with_a_backup_and_its_forced_steps_keep_their_state(state, capsys):
    """Format 2 did not record what a forced step was started without: such a step stays as it was shown."""
    state.parent.mkdir(parents=True)
    assert main(capsys, "assert", "A1").returncode == 0
    written = yaml.safe_load(state.read_text())
    written["format"] = 2
    for fact in written["facts"]:
        del fact["started_without"]
    old = yaml.safe_dump(written, sort_keys=False)
    state.write_text(old)
    assert main(capsys, "assert", "A2").returncode == 0
    assert state.with_name("state.yaml.format2.bak").read_text() == old
    migrated = yaml.safe_load(state.read_text())
    assert migrated["format"] == FORMAT == 4
    assert [(f["id"], f["started_without"]) for f in migrated["facts"] if f["id"] in ("A1", "A2")] == [
        ("A1", []), ("A2", [])]


def test_a_format_1_state_is_read_as_is_and_migrated_on_the_next_write_with_a_backup(state, capsys):
    state.parent.mkdir(parents=True)
    state.write_text(FORMAT_1)
    document = json.loads(main(capsys, "status", "--json").stdout)
    assert {s["id"]: s["state"] for s in document["steps"]}["A1"] == "done"
    assert state.read_text() == FORMAT_1, "reading never rewrites the file"
    assert main(capsys, "assert", "A2").returncode == 0
    backup = state.with_name("state.yaml.format1.bak")
    assert backup.read_text() == FORMAT_1
    migrated = yaml.safe_load(state.read_text())
    assert migrated["format"] == FORMAT and migrated["written_by"].startswith("perimeter ")
    assert [f["id"] for f in migrated["facts"]] == ["A1", "A2"]
    assert [e["fact"] for e in migrated["history"] if e["action"] == "assert"] == ["A1", "A2"]


def test_a_newer_state_names_the_perimeter_that_wrote_it(state, capsys):
    state.parent.mkdir(parents=True)
    state.write_text("format: 9\nwritten_by: perimeter 4.2.0\nrules: {id: downie-2013, fingerprint: x}\n")
    line = one_error_line(main(capsys, "status"))
    assert "written by perimeter 4.2.0 (state format 9;" in line and "upgrade perimeter" in line
