"""Files as bytes: only regular files are read, and no read goes past its limit.

A FIFO, a device, a socket or a folder is refused before it is opened (a FIFO
would wait for a writer, `/dev/zero` would never end); a file is read at most
to its limit plus one byte whatever it claims its size is; text must be
UTF-8.  The limit itself is the reader's (`read.py`, MAX_FILE_BYTES).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from .. import codes
from ..errors import Diagnostic, LoadError


def file_kind(mode: int) -> str:
    """What a file of this `st_mode` is, in words: "a regular file", "a FIFO (named pipe)"..."""
    return _KINDS.get(stat.S_IFMT(mode), "not a regular file")


_KINDS = {stat.S_IFREG: "a regular file", stat.S_IFDIR: "a directory", stat.S_IFIFO: "a FIFO (named pipe)",
          stat.S_IFCHR: "a character device", stat.S_IFBLK: "a block device", stat.S_IFSOCK: "a socket"}


def read_bounded(path: Path, limit: int, name: str | None = None) -> tuple[bytes, os.stat_result]:
    """The bytes of the regular file at `path` and its status, refusing anything else.

    A FIFO, a device, a socket or a folder is refused before it is opened (a
    FIFO would wait for a writer, `/dev/zero` would never end), and the file is
    opened without waiting and checked again once open, in case it was swapped.
    At most `limit` + 1 bytes are read whatever `stat` says, so a file that
    grows, or lies about its size, is refused at the limit.  Errors name the
    file `name` (by default the path).
    """
    name = str(path) if name is None else name
    try:
        kind = os.stat(path).st_mode
    except FileNotFoundError:
        raise file_error(name, "no such file", "check the path") from None
    except OSError as error:
        raise file_error(name, f"cannot read: {error.strerror or error}", "check permissions") from None
    refuse_unless_regular(name, kind)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | getattr(os, "O_CLOEXEC", 0))
    except OSError as error:
        raise file_error(name, f"cannot read: {error.strerror or error}", "check permissions") from None
    try:
        info = os.fstat(fd)
        refuse_unless_regular(name, info.st_mode)
        if info.st_size > limit:
            raise _too_big(name, f"file is {size_in_words(info.st_size)}", limit)
        chunks: list[bytes] = []
        total = 0
        while total <= limit:
            chunk = os.read(fd, min(max(info.st_size + 1 - total, 1024 * 1024), limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > limit:
            raise file_error(name, f"file is over the {size_in_words(limit)} limit", "split it into several files")
        return b"".join(chunks), info
    except OSError as error:
        raise file_error(name, f"cannot read: {error.strerror or error}", "check permissions") from None
    finally:
        os.close(fd)


def refuse_unless_regular(name: str, mode: int) -> None:
    """Refuse, before it is opened, what is not a regular file: a FIFO would wait, a device never end."""
    if stat.S_ISDIR(mode):
        raise file_error(name, "is a directory, not a YAML file", "name a file")
    if not stat.S_ISREG(mode):
        raise file_error(name, f"is {file_kind(mode)}, not a file perimeter reads", "name a regular file")


def _too_big(name: str, what: str, limit: int) -> LoadError:
    return file_error(name, f"{what}, over the {size_in_words(limit)} limit", "split it into several files")


def size_in_words(size: int) -> str:
    """A size as people read it: in MiB to a tenth, rounded up (so over a limit never reads as at it)."""
    mib = 1024 * 1024
    if size < mib:
        return f"{size:,} bytes"
    if size % mib == 0:
        return f"{size // mib} MiB"
    tenths = -(-size * 10 // mib)
    return f"{tenths // 10}.{tenths % 10} MiB"


def decode_text(raw: bytes, name: str) -> str:
    """`raw` as UTF-8 text, or a LoadError naming the first byte that is not."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise file_error(name, f"not UTF-8 text (byte {error.start})", "save the file as UTF-8 YAML") from None


def file_error(file: str, message: str, hint: str, code: str = codes.LOAD) -> LoadError:
    """A LoadError about `file` as a whole, not one of its lines."""
    return LoadError(Diagnostic(file, 0, 0, code, message, hint))
