"""FIFOs, sockets and folders given as inputs are refused before they are read (issue 14).

Before, a FIFO as `--state`, `--rules`, `--facts` or `check FILE` hung forever
(the command waited for a writer that never came).  Each case runs as a real
process, whose timeout only turns a hang into a failure; nothing here touches
the real /dev (endless reads are tested in tests/unit/test_read_limits.py).
"""

from __future__ import annotations

import os
import socket
import stat
from pathlib import Path

import pytest

from builders import write_rules
from clitools import one_error_line, perimeter


def special(path: Path, kind: str) -> Path:
    if kind == "fifo":
        os.mkfifo(path)
    else:
        server = socket.socket(socket.AF_UNIX)
        try:
            server.bind(str(path))
        except OSError as error:
            pytest.skip(f"cannot make a socket here: {error}")
        server.close()  # the socket file stays
    return path


KINDS = {"fifo": "a FIFO (named pipe)", "socket": "a socket"}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("args", [
    ["--state", "{p}", "status"], ["--state", "{p}", "assert", "A1"], ["--state", "{p}", "reset"],
    ["--rules", "{p}", "status"], ["--facts", "{p}", "status"], ["check", "{p}"],
], ids=lambda a: " ".join(a).replace("{p}", "P"))
def test_a_special_file_as_an_input_is_one_line_and_nothing_waits(tmp_path, state, kind, args):
    path = special(tmp_path / "input.yaml", kind)
    line = one_error_line(perimeter(*[a.replace("{p}", str(path)) for a in args]))
    assert f"{path}: is {KINDS[kind]}, not a file perimeter reads (name a regular file)" in line, line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["input.yaml"], "no lock file, no state folder"
    assert stat.S_IFMT(os.lstat(path).st_mode) == (stat.S_IFIFO if kind == "fifo" else stat.S_IFSOCK)


def test_a_fifo_in_a_rules_folder_is_refused(tmp_path):
    folder = tmp_path / "rules"
    folder.mkdir()
    write_rules(folder / "a.yaml", "S1", pathway="tiny")
    os.mkfifo(folder / "b.yaml")
    line = one_error_line(perimeter("--rules", str(folder), "status"))
    assert line == f"perimeter: {folder / 'b.yaml'}: is a FIFO (named pipe), not a file perimeter reads (name a regular file)"


def test_regression_a_path_the_system_cannot_look_up_is_one_line_not_a_traceback(tmp_path):
    # A name over the file system's limit once ended in OSError (ENAMETOOLONG) from Path.is_dir().
    too_long = str(tmp_path / ("a" * 300))
    for args in (["--rules", too_long, "status"], ["--facts", too_long, "status"], ["check", too_long]):
        line = one_error_line(perimeter(*args))
        assert "cannot be read: File name too long" in line, args
