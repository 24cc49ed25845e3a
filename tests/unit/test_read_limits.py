"""perimeter.files.read and .sources: what is not a regular file is refused unread, and every read is bounded.

Issue 14: a FIFO given as a rule, fact or state file hung forever, and
`/dev/zero` passed the size check (its size is 0) and was read until memory
ran out.  Endless input is stood in for by a FIFO and by an endless `os.read`;
nothing here touches the real /dev.
"""

from __future__ import annotations

import os
import socket
import threading
import time

import pytest

from perimeter import LoadError
from perimeter.files import read as reading
from perimeter.files.read import read_file, read_text, size_in_words
from perimeter.files.sources import yaml_files

HANG = 30


def test_a_fifo_is_refused_before_it_is_opened_so_nothing_waits(tmp_path):
    fifo = tmp_path / "rules.yaml"
    os.mkfifo(fifo)
    started = time.monotonic()
    with pytest.raises(LoadError) as refused:
        read_text(fifo)
    assert time.monotonic() - started < HANG
    assert refused.value.message == "is a FIFO (named pipe), not a file perimeter reads"
    assert refused.value.hint == "name a regular file"


def test_a_fifo_swapped_in_after_the_check_is_refused_once_open_without_waiting(tmp_path, monkeypatch):
    """The race: stat saw a file, open finds a FIFO. Opened without waiting, refused by fstat."""
    fifo = tmp_path / "state.yaml"
    os.mkfifo(fifo)
    real_stat = os.stat
    monkeypatch.setattr(reading.os, "stat", lambda *a, **k: real_stat(tmp_path / "plain") if a[0] == fifo
                        else real_stat(*a, **k))
    (tmp_path / "plain").write_text("a: 1\n")
    done = threading.Event()
    outcome = []

    def read() -> None:
        try:
            read_text(fifo)
        except LoadError as error:
            outcome.append(error.message)
        done.set()

    threading.Thread(target=read, daemon=True).start()
    assert done.wait(HANG), "opening the FIFO waited for a writer"
    assert outcome == ["is a FIFO (named pipe), not a file perimeter reads"]


def test_a_socket_and_a_folder_are_refused(tmp_path):
    with pytest.raises(LoadError, match="is a directory, not a YAML file"):
        read_text(tmp_path)
    path = tmp_path / "s.yaml"
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(path))
    except OSError as error:
        pytest.skip(f"cannot make a socket here: {error}")
    try:
        with pytest.raises(LoadError, match="is a socket, not a file perimeter reads"):
            read_text(path)
    finally:
        server.close()


def test_endless_input_is_read_only_to_the_limit_whatever_stat_says(tmp_path, monkeypatch):
    """A file whose size says 0 (as /dev/zero's, or a /proc file's) but whose reads never end."""
    liar = tmp_path / "zero.yaml"
    liar.write_bytes(b"")
    monkeypatch.setattr(reading, "MAX_FILE_BYTES", 1000)
    real_read = os.read
    given = []

    def endless(fd, count):
        if os.fstat(fd).st_ino == liar.stat().st_ino:
            given.append(count)
            return b"\0" * count
        return real_read(fd, count)

    monkeypatch.setattr(reading.os, "read", endless)
    with pytest.raises(LoadError) as refused:
        read_text(liar)
    assert refused.value.message == "file is over the 1,000 bytes limit"
    assert sum(given) == 1001, "at most the limit and one byte more are read"


def test_a_file_over_the_limit_is_refused_by_its_size_before_it_is_read(tmp_path, monkeypatch):
    big = tmp_path / "big.yaml"
    big.write_bytes(b"#" * 3000)
    monkeypatch.setattr(reading, "MAX_FILE_BYTES", 2000)
    monkeypatch.setattr(reading.os, "read", lambda *_: pytest.fail("read a file its size already refused"))
    with pytest.raises(LoadError, match="file is 3,000 bytes, over the 2,000 bytes limit"):
        read_text(big)


def test_a_file_at_the_limit_is_read_whole(tmp_path, monkeypatch):
    exact = tmp_path / "exact.yaml"
    exact.write_bytes(b"a: 1\n" + b"#" * 995)
    monkeypatch.setattr(reading, "MAX_FILE_BYTES", 1000)
    raw, info = read_file(exact)
    assert len(raw) == 1000 and info.st_size == 1000


@pytest.mark.parametrize(("size", "words"), [(50 * 1024 * 1024, "50 MiB"), (32 * 1024 * 1024 + 1, "32.1 MiB"),
                                             (999, "999 bytes"), (int(33.25 * 1024 * 1024), "33.3 MiB")])
def test_sizes_read_so_that_over_a_limit_never_reads_as_at_it(size, words):
    assert size_in_words(size) == words


@pytest.mark.parametrize("kind", ["rules", "facts"])
def test_a_fifo_named_as_rules_or_facts_is_refused_when_the_files_are_listed(tmp_path, kind):
    fifo = tmp_path / "input.yaml"
    os.mkfifo(fifo)
    with pytest.raises(LoadError, match="is a FIFO"):
        yaml_files(fifo, kind)


def test_a_fifo_in_a_folder_of_rule_files_is_refused_not_skipped(tmp_path):
    (tmp_path / "a.yaml").write_text("steps: []\n")
    os.mkfifo(tmp_path / "b.yaml")
    (tmp_path / "sub.yaml").mkdir()  # a folder with a .yaml name is passed over, as before
    with pytest.raises(LoadError) as refused:
        yaml_files(tmp_path, "rules")
    assert refused.value.problem.file == str(tmp_path / "b.yaml")
