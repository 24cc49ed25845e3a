"""Writing a file so that a crash leaves the old one or the new one, never half of either.

Shared by the state store and the pictures the shell writes.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from pathlib import Path


def write_atomically(path: Path, text: str) -> None:
    """Write `text` to a temporary file beside `path`, flush it to disk, rename it over `path`.

    Raises OSError as the system reports it; a folder (or `/`) as the target
    is refused before anything is written.
    """
    if not path.name or path.is_dir():
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
    folder = path.parent
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    _fsync_folder(folder)


def write_hint(error: OSError, other: str, elsewhere: str = "choose another place") -> str:
    """What to do about a failed write; `other` when the cause is none of the usual."""
    if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"the folder is not writable; {elsewhere}"
    if error.errno == errno.ENOSPC:
        return "the disk is full; free some space (the old file is intact)"
    if error.errno == errno.EISDIR:
        return "that is a folder; name a file"
    return other


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
