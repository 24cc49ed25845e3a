"""perimeter.state.store on its own (issue 14): no reader lock, a bounded writer wait, links, copies, bounds.

What the command makes of these is in tests/cli/test_locks.py and
test_state_files.py; the round trips and formats are in test_store.py.
"""

from __future__ import annotations

import fcntl
import os
import stat
import threading

import pytest

from perimeter import StoreError
from perimeter.files import read as reading
from perimeter.state.store import (
    KEPT_BACKUPS,
    Entry,
    RuleSetRef,
    StateDocument,
    StateFile,
    StoredFact,
)
from builders import commit_state as write

TIME = "2031-05-04T03:02:01Z"
HANG = 30


def document(*ids: str, source: str | None = None) -> StateDocument:
    return StateDocument(rules=RuleSetRef(id="tiny", fingerprint="abc"),
                         facts=[StoredFact(id=i, source=source, time=TIME) for i in ids],
                         history=[Entry(time=TIME, action="assert", fact=i, source=source) for i in ids])


def test_reading_takes_no_lock_even_while_a_writer_holds_it(store):
    write(store, document("S1"))
    got = []
    with store.transaction():
        reader = threading.Thread(target=lambda: got.append(StateFile(store.path).read()), daemon=True)
        reader.start()
        reader.join(HANG)
        assert not reader.is_alive(), "the reader waited for the writer's lock"
    assert [f.id for f in got[0].facts] == ["S1"]


def test_a_writer_waits_only_as_long_as_it_is_told(store):
    write(store, document("S1"))
    with open(store.lock_path, "a+") as other:
        fcntl.flock(other.fileno(), fcntl.LOCK_EX)
        with pytest.raises(StoreError) as refused:
            write(StateFile(store.path, lock_timeout=0.2), document("S1", "S2"))
    assert refused.value.problem.code == "state-locked" and refused.value.problem.file == str(store.lock_path)
    assert "gave up after 0.2 s" in refused.value.message
    assert [f.id for f in store.read().facts] == ["S1"]


def test_a_link_as_the_state_is_resolved_for_the_lock_and_the_write(tmp_path):
    real = tmp_path / "real" / "state.yaml"
    real.parent.mkdir()
    link = tmp_path / "state.yaml"
    link.symlink_to(real)
    store = StateFile(link)
    assert store.real_path == real and store.lock_path == real.with_name("state.yaml.lock")
    write(store, document("S1"))
    assert link.is_symlink() and store.read() == document("S1")


def test_a_backup_outside_a_transaction_is_exclusive_keeps_the_mode_and_prunes(store):
    write(store, document("S1"))
    store.path.chmod(0o640)
    copies = [store.backup() for _ in range(KEPT_BACKUPS + 2)]
    kept = sorted(p for p in store.path.parent.iterdir() if p.name.endswith(".bak"))
    assert kept == copies[-KEPT_BACKUPS:]
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o640 and p.read_bytes() == store.path.read_bytes() for p in kept)


def test_a_backup_inside_a_transaction_is_made_only_when_the_write_is(store):
    write(store, document("S1"))
    with pytest.raises(RuntimeError), store.transaction() as (_current, box):
        planned = store.backup()
        box.append(document())
        raise RuntimeError("changed my mind")
    assert not planned.exists()
    with store.transaction() as (_current, box):
        planned = store.backup()
        assert not planned.exists(), "not before the commit"
        box.append(document())
    assert planned.exists() and [f.id for f in StateFile(planned).read().facts] == ["S1"]


def test_a_state_too_big_to_read_back_is_never_written(store, monkeypatch):
    write(store, document("S1"))
    before = store.path.read_bytes()
    monkeypatch.setattr(reading, "MAX_FILE_BYTES", len(before) + 100)
    with pytest.raises(StoreError) as refused:
        write(store, document("S1", "S2", "S3", source="x" * 200))
    assert refused.value.problem.code == "state-too-big" and "nothing was written" in refused.value.message
    assert store.path.read_bytes() == before
    assert sorted(os.listdir(store.path.parent)) == ["state.yaml", "state.yaml.lock"]
