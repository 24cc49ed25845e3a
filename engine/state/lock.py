"""The writer's lock on a state file: an exclusive `flock`, waited for at most a bounded time.

Writers hold an exclusive `flock` on `NAME.lock` beside the state (the
operating system drops it when a process dies, so no stale lock survives),
waiting for it at most `lock_timeout()` seconds; past that they give up naming
the lock file and the process holding it (read from `/proc/locks` where the
system has it).  The lock file is never opened through a symbolic link.
Readers take no lock.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import math
import os
import stat
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

from .. import codes
from ..errors import Diagnostic, StoreError
from ..files.raw import file_kind

LOCK_TIMEOUT = 10.0
"""Seconds a writer waits for the lock by default."""
LOCK_TIMEOUT_VARIABLE = "PERIMETER_LOCK_TIMEOUT"
"""The environment variable that sets how long writers wait, in seconds."""
MAX_LOCK_TIMEOUT = 86_400


def lock_timeout() -> float:
    """How long a writer waits for the lock: `$PERIMETER_LOCK_TIMEOUT` seconds, else 10.

    A value that is not a number of seconds from 0 to a day is refused (0
    means: try once, do not wait).
    """
    raw = os.environ.get(LOCK_TIMEOUT_VARIABLE, "")
    if not raw.strip():
        return LOCK_TIMEOUT
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not 0 <= value <= MAX_LOCK_TIMEOUT:  # NaN included
        shown = repr(raw) if len(raw) <= 40 else repr(raw[:37]) + "..."
        raise StoreError(Diagnostic(
            "", 0, 0, codes.STATE_LOCK_TIMEOUT,
            f"{LOCK_TIMEOUT_VARIABLE} must be a number of seconds from 0 to {MAX_LOCK_TIMEOUT:,}, given {shown}",
            f"unset it to wait the default {LOCK_TIMEOUT:g} seconds"))
    return value


def lock_file(real: Path) -> Path:
    """The lock file writers hold, beside the real state file `real`."""
    return real.with_name(real.name + ".lock")


@contextlib.contextmanager
def write_lock(real: Path, timeout: float, unwritable: Callable[[OSError], StoreError]) -> Iterator[None]:
    """Hold the exclusive lock on the lock file beside `real`, waiting at most `timeout` seconds.

    The lock file is opened without following a symbolic link and must be
    a regular file; its folder is made if need be (this is the first thing
    a writer creates).  A folder or lock file that cannot be made or opened
    is reported as `unwritable(error)` says.
    """
    lock = lock_file(real)
    try:
        real.parent.mkdir(parents=True, exist_ok=True)
        fd = _open_lock_file(lock)
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise StoreError(Diagnostic(str(lock), 0, 0, codes.STATE_LOCK_FILE,
                                        "is a symbolic link; perimeter does not follow one there",
                                        "remove it: perimeter makes its own lock file")) from None
        raise unwritable(error) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise StoreError(Diagnostic(str(lock), 0, 0, codes.STATE_LOCK_FILE,
                                        f"is {file_kind(info.st_mode)}, not a lock file",
                                        "remove it: perimeter makes its own lock file"))
        if not _flock_within(fd, timeout):
            holders = _lock_holders(info)
            who = ("process " + ", ".join(str(p) for p in holders)) if holders else "another process"
            raise StoreError(Diagnostic(
                str(lock), 0, 0, codes.STATE_LOCKED,
                f"the state is locked by {who}; gave up after {timeout:g} s",
                f"wait for it to finish, or set {LOCK_TIMEOUT_VARIABLE} to wait longer"))
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _open_lock_file(lock: Path) -> int:
    """The lock file, opened (made if need be) never through a link and without waiting on a FIFO."""
    flags = os.O_CREAT | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        return os.open(lock, os.O_RDWR | flags, 0o666)
    except PermissionError:
        return os.open(lock, os.O_RDONLY | flags, 0o666)  # someone else's lock file: flock needs no write access


def _flock_within(fd: int, timeout: float) -> bool:
    """Take the exclusive flock on `fd`, waiting at most `timeout` seconds; whether it was taken.

    flock has no timeout of its own, and SIGALRM belongs to the program that
    embeds perimeter.  So a helper thread waits in the kernel's queue on a
    duplicate of the descriptor (the lock belongs to the open file, shared by
    both), while this thread waits at most `timeout`.  If it gives up first,
    the helper lets go of the lock as soon as it gets it.
    """
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        if timeout <= 0:
            return False
    helper = os.dup(fd)
    guard = threading.Lock()
    outcome: dict[str, object] = {}
    done = threading.Event()

    def wait() -> None:
        try:
            fcntl.flock(helper, fcntl.LOCK_EX)
        except OSError as error:
            with guard:
                outcome["error"] = error
        else:
            with guard:
                if outcome.get("abandoned"):
                    fcntl.flock(helper, fcntl.LOCK_UN)
                else:
                    outcome["taken"] = True
        finally:
            os.close(helper)
            done.set()

    threading.Thread(target=wait, name="perimeter-lock-wait", daemon=True).start()
    done.wait(timeout)
    with guard:
        if outcome.get("taken"):
            return True
        error = outcome.get("error")
        if isinstance(error, OSError):
            raise error
        outcome["abandoned"] = True
        return False


def _lock_holders(info: os.stat_result) -> list[int]:
    """The processes holding a lock on the file `info` describes, from /proc/locks (Linux); [] where unknown."""
    try:
        with open("/proc/locks", encoding="ascii", errors="replace") as table:
            lines = table.read().splitlines()
    except OSError:
        return []
    where = f"{os.major(info.st_dev):02x}:{os.minor(info.st_dev):02x}:{info.st_ino}"
    holders = set()
    for line in lines:  # "1: FLOCK  ADVISORY  WRITE 1234 fe:00:56789 0 EOF"; waiters have "->" after the number
        parts = line.split()
        if len(parts) > 5 and parts[1] != "->" and parts[5] == where and parts[4].isdigit() and int(parts[4]) > 0:
            holders.add(int(parts[4]))
    return sorted(holders)
