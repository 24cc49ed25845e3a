"""perimeter.state.store: the state file on its own, below the Workspace and the command.

Round trips, format migration (format 1 read as is, migrated on the next
write with a backup), newer formats refused, and the transaction: what is put
in the box is written on a clean exit, nothing on an exception, under an
exclusive lock.  What the command says about these files is in
tests/cli/test_state.py; killed writers and racing shells in
tests/cli/test_crash_safety.py and test_concurrency.py.
"""

from __future__ import annotations

import fcntl
import re

import pytest
import yaml

from perimeter import StoreError
from perimeter.state.store import (
    FORMAT,
    HEADER,
    MIGRATIONS,
    WRITER,
    Entry,
    RuleSetRef,
    StateDocument,
    StateFile,
    StoredFact,
    default_path,
    migrate,
    now,
)
from builders import commit_state as write

TIME = "2031-05-04T03:02:01Z"
RULES = RuleSetRef(id="tiny", fingerprint="abc123")

FORMAT_1 = """\
format: 1
rules: {id: tiny, fingerprint: abc123}
baseline: []
facts:
- id: S1
  attributes: {place: here}
  source: a memo
  time: '2013-03-01T00:00:00Z'
history:
- time: '2013-03-01T00:00:00Z'
  action: assert
  fact: S1
  attributes: {place: here}
  source: a memo
"""


def document(*ids: str, source: str | None = None) -> StateDocument:
    """A state holding `ids` as facts, each with its history entry."""
    return StateDocument(
        rules=RULES, baseline=["facts.yaml"],
        facts=[StoredFact(id=i, attributes={"place": "here"}, source=source, time=TIME) for i in ids],
        history=[Entry(time=TIME, action="assert", fact=i, attributes={"place": "here"}, source=source)
                 for i in ids])


# -- reading and writing ------------------------------------------------------------

def test_with_no_file_there_is_no_state_and_asking_creates_nothing(store, tmp_path):
    assert not store.exists()
    assert store.read() is None
    assert list(tmp_path.iterdir()) == [], "no folder, no lock file"


def test_what_is_written_is_read_back(store):
    state = document("S1", "S2", source="a memo")
    write(store, state)
    assert store.exists()
    assert store.read() == state
    assert StateFile(store.path).read() == state, "a fresh handle on the file reads the same"


def test_the_file_is_readable_yaml_with_a_header_its_format_and_its_writer(store):
    write(store, document("S1", source="a memo"))
    text = store.path.read_text(encoding="utf-8")
    assert text.startswith(HEADER)
    stored = yaml.safe_load(text)
    assert stored["format"] == FORMAT and stored["written_by"] == WRITER
    assert stored["rules"] == {"id": "tiny", "fingerprint": "abc123"}
    (fact,) = stored["facts"]
    assert {k: fact[k] for k in ("id", "attributes", "source", "time")} == {
        "id": "S1", "attributes": {"place": "here"}, "source": "a memo", "time": TIME}
    assert [e["action"] for e in stored["history"]] == ["assert"]


def test_a_write_leaves_the_file_and_its_lock_and_sweeps_up_a_killed_writers_temporary_file(store):
    write(store, document("S1"))
    leftover = store.path.parent / f".{store.path.name}.killed.tmp"
    leftover.write_text("half a state")
    write(store, document("S1", "S2"))
    assert sorted(p.name for p in store.path.parent.iterdir()) == ["state.yaml", "state.yaml.lock"]


# -- the transaction ------------------------------------------------------------------

def test_a_transaction_yields_the_current_state_and_writes_the_last_one_boxed(store):
    with store.transaction() as (current, box):
        assert current is None
        box.append(document("S1"))
        box.append(document("S1", "S2"))
    with store.transaction() as (current, box):
        assert [f.id for f in current.facts] == ["S1", "S2"]
    assert [f.id for f in store.read().facts] == ["S1", "S2"]


def test_a_transaction_with_an_empty_box_writes_nothing(store):
    with store.transaction() as (_current, box):
        assert box == []
    assert not store.path.exists()
    write(store, document("S1"))
    before = store.path.read_bytes()
    with store.transaction():
        pass
    assert store.path.read_bytes() == before


def test_a_transaction_that_raises_writes_nothing(store):
    write(store, document("S1"))
    before = store.path.read_bytes()
    with pytest.raises(RuntimeError, match="refused half way"):
        with store.transaction() as (_current, box):
            box.append(document("S1", "S2"))
            raise RuntimeError("refused half way")
    assert store.path.read_bytes() == before
    assert [f.id for f in store.read().facts] == ["S1"]


def test_a_transaction_holds_the_exclusive_lock_until_it_ends(store):
    write(store, document("S1"))
    with store.transaction():
        with open(store.lock_path, "a+") as other:  # another open file: flock sees another owner
            with pytest.raises(BlockingIOError):
                fcntl.flock(other.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    with open(store.lock_path, "a+") as other:
        fcntl.flock(other.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)  # free again


# -- formats ------------------------------------------------------------------------------

def test_every_older_format_has_a_migration_up_to_this_one():
    assert sorted(MIGRATIONS) == list(range(1, FORMAT))


def test_migrate_lifts_format_1_and_leaves_the_current_format_alone():
    lifted = migrate(yaml.safe_load(FORMAT_1))
    assert lifted["format"] == FORMAT
    assert lifted["written_by"] == "perimeter 0.1.0 (state format 1)"
    assert lifted["facts"] == yaml.safe_load(FORMAT_1)["facts"]
    current = {"format": FORMAT, "written_by": WRITER}
    assert migrate(current) == current


def test_a_format_1_file_is_read_as_is_and_never_rewritten_by_reading(store):
    store.path.parent.mkdir(parents=True)
    store.path.write_text(FORMAT_1, encoding="utf-8")
    state = store.read()
    assert state.format == FORMAT and state.written_by.endswith("(state format 1)")
    assert [(f.id, f.attributes, f.source) for f in state.facts] == [("S1", {"place": "here"}, "a memo")]
    assert store.path.read_text(encoding="utf-8") == FORMAT_1
    assert not list(store.path.parent.glob("*.bak"))


def test_the_first_write_over_format_1_keeps_a_backup_of_it_and_later_writes_keep_that_one(store):
    store.path.parent.mkdir(parents=True)
    store.path.write_text(FORMAT_1, encoding="utf-8")
    with store.transaction() as (current, box):
        box.append(current.model_copy(update={"facts": [*current.facts, StoredFact(id="S2", time=TIME)]}))
    backup = store.path.with_name("state.yaml.format1.bak")
    assert backup.read_text(encoding="utf-8") == FORMAT_1
    migrated = yaml.safe_load(store.path.read_text(encoding="utf-8"))
    assert migrated["format"] == FORMAT and migrated["written_by"] == WRITER, "the writer names itself (issue 14)"
    assert [f["id"] for f in migrated["facts"]] == ["S1", "S2"]
    write(store, document("S3"))
    assert [p.name for p in store.path.parent.glob("*.bak")] == ["state.yaml.format1.bak"]
    assert backup.read_text(encoding="utf-8") == FORMAT_1


def test_a_newer_format_is_refused_naming_its_writer_and_left_untouched(store):
    store.path.parent.mkdir(parents=True)
    newer = "format: 99\nwritten_by: perimeter 9.9.9\nrules: {id: tiny, fingerprint: abc123}\nnew_field: [1]\n"
    store.path.write_text(newer, encoding="utf-8")
    with pytest.raises(StoreError) as refused:
        store.read()
    assert "written by perimeter 9.9.9" in refused.value.message and "format 99" in refused.value.message
    assert "upgrade perimeter" in refused.value.hint
    with pytest.raises(StoreError):
        write(store, document("S1"))
    assert store.path.read_text(encoding="utf-8") == newer
    assert not list(store.path.parent.glob("*.bak"))


@pytest.mark.parametrize("version", ["0", "-1", "true"])
def test_a_format_perimeter_never_wrote_is_refused(store, version):
    store.path.parent.mkdir(parents=True)
    text = f"format: {version}\nrules: {{id: tiny, fingerprint: abc123}}\n"
    store.path.write_text(text, encoding="utf-8")
    with pytest.raises(StoreError, match="is not one perimeter ever wrote"):
        store.read()
    assert store.path.read_text(encoding="utf-8") == text


def test_a_file_that_is_not_a_state_is_refused_and_left_untouched(store):
    store.path.parent.mkdir(parents=True)
    store.path.write_text("facts: [\n", encoding="utf-8")
    with pytest.raises(StoreError, match="cannot read the state file"):
        store.read()
    with pytest.raises(StoreError):
        write(store, document("S1"))
    assert store.path.read_text(encoding="utf-8") == "facts: [\n"


def test_a_folder_in_the_place_of_the_state_is_refused(tmp_path):
    with pytest.raises(StoreError, match="is a directory"):
        StateFile(tmp_path).read()
    with pytest.raises(StoreError, match="is a directory"):
        write(StateFile(tmp_path), document("S1"))


# -- backups, the default place and the clock --------------------------------------------

def test_a_backup_is_a_copy_beside_the_state_and_there_is_none_without_one(store):
    assert store.backup() is None
    write(store, document("S1"))
    copy = store.backup()
    assert copy.parent == store.path.parent and copy.name.startswith("state.yaml.") and copy.suffix == ".bak"
    assert copy.read_bytes() == store.path.read_bytes()


def test_the_default_place_is_perimeter_state_then_xdg_then_home(tmp_path, monkeypatch):
    monkeypatch.setenv("PERIMETER_STATE", str(tmp_path / "given.yaml"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_path() == tmp_path / "given.yaml"
    monkeypatch.delenv("PERIMETER_STATE")
    assert default_path() == tmp_path / "xdg" / "perimeter" / "state.yaml"
    monkeypatch.delenv("XDG_STATE_HOME")
    assert default_path() == tmp_path / "home" / ".local" / "state" / "perimeter" / "state.yaml"


def test_times_are_utc_to_the_second():
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", now())

