"""Pictures written as a shell redirection writes them (issue 14): `graph --output P`, `spectrum --svg P`.

Before, P was replaced by a renamed temporary whatever it was: a device became
a regular file, a link was replaced, a read-only file overwritten, every
picture was mode 0600, and /dev/full reported success.  Devices are stood in
for by a FIFO with a reader thread and an injected ENOSPC; nothing here
touches the real /dev.  The writer itself is tested in tests/unit/test_write.py.
"""

from __future__ import annotations

import os
import stat

import pytest

from perimeter.cli.main import run
from perimeter.files import write as writer
from clitools import one_error_line, perimeter
from clitools import main
from builders import mode, umask
from builders import FifoReader, full_device






@pytest.mark.parametrize("args", [("graph", "--output"), ("spectrum", "--svg")], ids=["graph", "spectrum"])
def test_a_new_picture_follows_the_umask_not_0600(tmp_path, capsys, args):
    picture = tmp_path / "picture"
    with umask(0o022):
        assert main(capsys, *args, str(picture)).returncode == 0
    assert mode(picture) == 0o644 and picture.stat().st_size > 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["picture"]


@pytest.mark.parametrize("args", [("graph", "--output"), ("spectrum", "--svg")], ids=["graph", "spectrum"])
def test_a_picture_written_over_keeps_its_mode(tmp_path, capsys, args):
    picture = tmp_path / "picture"
    picture.write_text("old")
    picture.chmod(0o640)
    assert main(capsys, *args, str(picture)).returncode == 0
    assert mode(picture) == 0o640 and picture.read_text() != "old"


def test_a_link_is_written_through_and_stays_a_link(tmp_path, capsys):
    target = tmp_path / "real.mmd"
    target.write_text("old")
    link = tmp_path / "link.mmd"
    link.symlink_to(target)
    assert main(capsys, "graph", "--output", str(link)).returncode == 0
    assert link.is_symlink() and target.read_text().startswith("flowchart")


@pytest.mark.parametrize("args", [("graph", "--output"), ("spectrum", "--svg")], ids=["graph", "spectrum"])
def test_a_read_only_picture_is_refused_in_one_line_and_kept(tmp_path, args):
    picture = tmp_path / "kept.svg"
    picture.write_text("precious")
    picture.chmod(0o444)
    line = one_error_line(perimeter(*args, str(picture)))
    assert line == (f"perimeter: {picture}: cannot write the output: Permission denied (the file is read-only; "
                    "make it writable (chmod u+w), or choose another place)")
    assert picture.read_text() == "precious" and mode(picture) == 0o444
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kept.svg"]


def test_a_fifo_is_written_into_and_stays_a_fifo(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = FifoReader(fifo)
    result = perimeter("graph", "--output", str(fifo))
    assert result.returncode == 0 and result.stdout == "" and result.stderr == "", result.stderr
    assert reader.result().startswith(b"flowchart LR")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_a_full_device_is_one_line_exit_2(tmp_path, capsys):
    """/dev/full, stood in for by a FIFO whose writes fail with ENOSPC."""
    fifo = tmp_path / "full"
    os.mkfifo(fifo)
    reader = FifoReader(fifo)
    with full_device():
        result = main(capsys, "spectrum", "--svg", str(fifo))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [
        f"perimeter: {fifo}: cannot write the output: No space left on device (the device is full)"]
    assert reader.result() == b"" and stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_standard_output_by_name_gets_the_picture(capfd, monkeypatch):
    """`--output /dev/stdout` writes to descriptor 1 as the shell does; nothing under /dev is opened."""
    opened: list[str] = []
    real_open = os.open
    monkeypatch.setattr(writer.os, "open", lambda path, *a, **k: opened.append(str(path)) or real_open(path, *a, **k))
    with pytest.raises(SystemExit) as exit_:
        run(["graph", "--output", "/dev/stdout"])
    monkeypatch.undo()
    assert exit_.value.code == 0
    assert capfd.readouterr().out.startswith("flowchart LR")
    assert not [p for p in opened if p.startswith(("/dev", "/proc"))]


def test_a_folder_is_one_line_exit_2(tmp_path):
    line = one_error_line(perimeter("graph", "--output", str(tmp_path)))
    assert line == f"perimeter: {tmp_path}: cannot write the output: Is a directory (that is a folder; name a file)"
    assert list(tmp_path.iterdir()) == []
