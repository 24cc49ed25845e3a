"""perimeter.files.write: the one writer, behaving like a shell redirection (issue 14).

Every case works under tmp_path: devices are stood in for by a FIFO (with a
reader thread) and by an injected ENOSPC, never by the real /dev.  The tests
run as root as often as not, where permission bits do not stop a write, so a
read-only file is made refusable by its mode (and `os.access` is consulted
for everyone else).
"""

from __future__ import annotations

import errno
import os
import socket
import stat
from pathlib import Path

import pytest

from perimeter.files import write as writer
from perimeter.files.write import (
    DeviceWriteError,
    NotWritableKindError,
    ReadOnlyFileError,
    create_new,
    replace_file,
    write_hint,
    write_output,
)
from builders import FifoReader, full_device, mode, umask





def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


# -- regular files --------------------------------------------------------------------------


@pytest.mark.parametrize(("mask", "expected"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_a_new_file_follows_the_umask_not_0600(tmp_path, mask, expected):
    target = tmp_path / "picture.svg"
    with umask(mask):
        write_output(target, "<svg/>")
    assert target.read_text() == "<svg/>"
    assert mode(target) == expected
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("kept", [0o640, 0o604, 0o600, 0o666])
def test_a_regular_file_is_replaced_atomically_and_keeps_its_mode(tmp_path, kept):
    target = tmp_path / "picture.svg"
    target.write_text("old")
    target.chmod(kept)
    inode = target.stat().st_ino
    write_output(target, "new")
    assert target.read_text() == "new"
    assert mode(target) == kept
    assert target.stat().st_ino != inode, "a new file renamed into place, not the old one rewritten"
    assert leftovers(tmp_path) == []


def test_a_replaced_file_keeps_its_group(tmp_path):
    target = tmp_path / "state.yaml"
    target.write_text("old")
    other = next((g for g in os.getgroups() if g != target.stat().st_gid), None)
    if other is None:
        try:
            os.chown(target, -1, 1 if target.stat().st_gid != 1 else 2)
        except PermissionError:
            pytest.skip("this user belongs to one group and may not give a file to another")
    else:
        os.chown(target, -1, other)
    group = target.stat().st_gid
    replace_file(target, b"new")
    assert target.stat().st_gid == group and target.read_text() == "new"


@pytest.mark.parametrize("read_only", [0o444, 0o400, 0o000])
def test_a_file_nobody_may_write_is_refused_even_for_root(tmp_path, read_only):
    target = tmp_path / "kept.svg"
    target.write_text("precious")
    target.chmod(read_only)
    try:
        with pytest.raises(ReadOnlyFileError) as refused:
            write_output(target, "clobbered")
        assert refused.value.errno == errno.EACCES
        assert "read-only" in write_hint(refused.value, "other")
    finally:
        target.chmod(0o644)
    assert target.read_text() == "precious"
    assert leftovers(tmp_path) == []


def test_a_file_the_system_says_this_user_may_not_write_is_refused(tmp_path, monkeypatch):
    target = tmp_path / "theirs.svg"
    target.write_text("theirs")
    monkeypatch.setattr(writer.os, "access", lambda path, how, **_: how != os.W_OK)
    with pytest.raises(ReadOnlyFileError):
        write_output(target, "mine")
    assert target.read_text() == "theirs"


def test_a_failed_rename_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / "picture.svg"
    target.write_text("old")

    def full(*_args, **_kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(writer.os, "replace", full)
    with pytest.raises(OSError) as failed:
        write_output(target, "new")
    assert failed.value.errno == errno.ENOSPC and "the old file is intact" in write_hint(failed.value, "")
    assert target.read_text() == "old"
    assert leftovers(tmp_path) == []


def test_a_folder_is_refused(tmp_path):
    with pytest.raises(IsADirectoryError):
        write_output(tmp_path, "x")
    assert list(tmp_path.iterdir()) == []


def test_a_missing_folder_is_the_systems_error(tmp_path):
    with pytest.raises(FileNotFoundError):
        write_output(tmp_path / "nowhere" / "picture.svg", "x")
    assert list(tmp_path.iterdir()) == []


# -- symbolic links ---------------------------------------------------------------------------


def test_a_symlink_is_written_through_and_stays_a_link(tmp_path):
    (tmp_path / "real").mkdir()
    target = tmp_path / "real" / "picture.svg"
    target.write_text("old")
    target.chmod(0o640)
    link = tmp_path / "link.svg"
    link.symlink_to(target)
    write_output(link, "new")
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_text() == "new" and mode(target) == 0o640
    assert leftovers(tmp_path) == [] and leftovers(tmp_path / "real") == []


def test_a_chain_of_links_and_a_relative_link_are_followed_to_the_end(tmp_path):
    target = tmp_path / "picture.svg"
    target.write_text("old")
    (tmp_path / "one").symlink_to("picture.svg")
    (tmp_path / "two").symlink_to(tmp_path / "one")
    write_output(tmp_path / "two", "new")
    assert target.read_text() == "new"
    assert (tmp_path / "one").is_symlink() and (tmp_path / "two").is_symlink()


def test_a_link_to_nothing_creates_its_target_as_the_shell_does(tmp_path):
    link = tmp_path / "link.svg"
    link.symlink_to(tmp_path / "made.svg")
    write_output(link, "new")
    assert link.is_symlink() and (tmp_path / "made.svg").read_text() == "new"


def test_a_link_to_a_read_only_file_is_refused(tmp_path):
    target = tmp_path / "kept.svg"
    target.write_text("precious")
    target.chmod(0o444)
    (tmp_path / "link.svg").symlink_to(target)
    with pytest.raises(ReadOnlyFileError):
        write_output(tmp_path / "link.svg", "clobbered")
    assert target.read_text() == "precious"


# -- FIFOs, devices and open descriptors ----------------------------------------------------


def test_a_fifo_is_written_into_and_stays_a_fifo(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = FifoReader(fifo)
    write_output(fifo, "flowchart LR\n" * 20_000)  # more than a pipe's buffer
    assert reader.result() == b"flowchart LR\n" * 20_000
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe"]


def test_a_link_to_a_fifo_writes_into_the_fifo(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    (tmp_path / "link").symlink_to(fifo)
    reader = FifoReader(fifo)
    write_output(tmp_path / "link", "through")
    assert reader.result() == b"through"
    assert (tmp_path / "link").is_symlink()


def test_a_full_device_reports_enospc(tmp_path):
    """What /dev/full does, injected into a FIFO's write."""
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = FifoReader(fifo)
    with full_device(), pytest.raises(DeviceWriteError) as failed:
        write_output(fifo, "x" * 100)
    assert failed.value.errno == errno.ENOSPC and failed.value.filename == str(fifo)
    assert write_hint(failed.value, "other") == "the device is full"
    assert reader.result() == b""
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


@pytest.mark.parametrize(("name", "fd"), [("/dev/stdout", 1), ("/dev/stderr", 2), ("/dev/fd/1", 1),
                                          ("/proc/self/fd/2", 2)])
def test_standard_output_names_are_written_to_the_open_descriptor_without_opening_dev(capfd, monkeypatch, name,
                                                                                        fd):
    opened = []
    real_open = os.open
    monkeypatch.setattr(writer.os, "open", lambda path, *a, **k: opened.append(path) or real_open(path, *a, **k))
    write_output(Path(name), "to the terminal\n")
    monkeypatch.undo()
    out, err = capfd.readouterr()
    assert (out if fd == 1 else err) == "to the terminal\n"
    assert opened == [], "nothing under /dev or /proc was opened: the descriptor is written to, as the shell does"


def test_a_socket_is_refused(tmp_path):
    path = tmp_path / "s"
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(path))
    except OSError as error:  # a path too long for AF_UNIX on some systems
        pytest.skip(f"cannot make a socket here: {error}")
    try:
        with pytest.raises(NotWritableKindError) as refused:
            write_output(path, "x")
        assert "socket" in refused.value.strerror
    finally:
        server.close()
    assert stat.S_ISSOCK(os.lstat(path).st_mode)


# -- backups: create_new --------------------------------------------------------------------


def test_create_new_never_replaces_a_file_or_follows_a_link(tmp_path):
    victim = tmp_path / "victim"
    victim.write_text("precious")
    planted = tmp_path / "state.yaml.bak"
    planted.symlink_to(victim)
    with pytest.raises(FileExistsError):
        create_new(planted, b"copy")
    assert victim.read_text() == "precious" and planted.is_symlink()
    existing = tmp_path / "other.bak"
    existing.write_text("mine")
    with pytest.raises(FileExistsError):
        create_new(existing, b"copy")
    assert existing.read_text() == "mine"
    assert leftovers(tmp_path) == []


def test_create_new_gives_the_copy_the_states_mode(tmp_path):
    state = tmp_path / "state.yaml"
    state.write_text("facts")
    state.chmod(0o640)
    copy = tmp_path / "state.yaml.bak"
    with umask(0o000):
        create_new(copy, b"facts", state.stat())
    assert copy.read_text() == "facts" and mode(copy) == 0o640


def test_create_new_on_a_full_disk_leaves_nothing(tmp_path, monkeypatch):
    real_write = os.write
    calls = []

    def full_after_a_bit(fd, data):
        calls.append(fd)
        if len(calls) > 1:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_write(fd, bytes(data[:10]))

    monkeypatch.setattr(writer.os, "write", full_after_a_bit)
    with pytest.raises(OSError) as failed:
        create_new(tmp_path / "state.yaml.bak", b"x" * 1000)
    assert failed.value.errno == errno.ENOSPC
    assert list(tmp_path.iterdir()) == [], "no truncated copy, no temporary"


def test_create_new_without_hard_links_still_never_replaces_anything(tmp_path, monkeypatch):
    def no_links(*_args, **_kwargs):
        raise OSError(errno.EPERM, "hard links not supported")

    monkeypatch.setattr(writer.os, "link", no_links)
    state = tmp_path / "state.yaml"
    state.write_text("facts")
    state.chmod(0o600)
    create_new(tmp_path / "copy.bak", b"facts", state.stat())
    assert (tmp_path / "copy.bak").read_text() == "facts" and mode(tmp_path / "copy.bak") == 0o600
    (tmp_path / "planted.bak").symlink_to(state)
    with pytest.raises(FileExistsError):
        create_new(tmp_path / "planted.bak", b"clobbered")
    assert state.read_text() == "facts"
    assert leftovers(tmp_path) == []


def test_the_temporary_is_never_opened_through_a_planted_link(tmp_path, monkeypatch):
    """A link planted at the temporary's name is refused (O_EXCL), and another name is drawn."""
    victim = tmp_path / "victim"
    victim.write_text("precious")
    names = iter(["aaaaaaaaaaaa", "bbbbbbbbbbbb"])
    monkeypatch.setattr(writer.secrets, "token_hex", lambda _n: next(names))
    (tmp_path / ".picture.svg.aaaaaaaaaaaa.tmp").symlink_to(victim)
    write_output(tmp_path / "picture.svg", "new")
    assert victim.read_text() == "precious"
    assert (tmp_path / "picture.svg").read_text() == "new"
