"""The one writer: every file perimeter writes goes through here.

(The one exception holds no data: the state's empty lock file, and the folder
it needs, are created by `state/lock.py`, which must open the lock without
following links and keep it open to hold the `flock`.)

An output named by the user (`graph --output P`, `spectrum --svg P`) is
written as a shell redirection `> P` would write it, except that a regular
file is never left half written:

| what is at P                           | what happens                                                  |
| -------------------------------------- | ------------------------------------------------------------- |
| nothing                                | created atomically; its mode follows the umask (0666 & ~umask) |
| a regular file                         | replaced atomically; it keeps its mode, owner and group        |
| a regular file no one may write (444)  | refused (even for root, which permissions do not stop)        |
| a symbolic link                        | written through to the file it names; the link stays a link   |
| a FIFO or a character device           | opened and written into directly (errors such as ENOSPC told) |
| `/dev/stdout`, `/dev/stderr`, `/dev/fd/N`, `/proc/self/fd/N` | written to that open descriptor, as the shell does |
| a folder, a block device, a socket     | refused                                                       |

"Atomically" means: a temporary file beside the target (created exclusively,
never through a link), written, flushed to disk, then renamed over the
target, and the folder flushed too.  A crash leaves the old file or the new
one.  A file with several hard links is replaced, so its other names keep the
old content.

The state store uses `replace_file` (the state and its writable check) and
`create_new` (backups: never over anything already there, with the state's
mode); the shell's history uses `keep_lines`.  Every function raises
OSError as the system reports it (or one of the subclasses below for what
perimeter itself refuses); callers turn it into their own error with
`write_hint`.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
import stat
from collections.abc import Iterator, Sequence
from pathlib import Path

from ..errors import LoadError
from .raw import file_kind, read_bounded

_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_DESCRIPTOR = re.compile(r"^/(?:dev/(?P<name>stdout|stderr)|dev/fd/(?P<fd>\d+)|proc/self/fd/(?P<proc>\d+))$")
_STANDARD = {"stdout": 1, "stderr": 2}


class ReadOnlyFileError(PermissionError):
    """The target is a file its permissions forbid writing (refused even for root)."""


class DeviceWriteError(OSError):
    """Writing into a device, FIFO or open descriptor failed (ENOSPC on a full device, EPIPE...)."""


class NotWritableKindError(OSError):
    """The target is a kind of file perimeter does not write into: a block device or a socket."""


def write_output(path: Path | str, data: str | bytes) -> None:
    """Write `data` at `path` as `> path` would in a shell, atomically where it is a file (see the table above)."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    name = os.fspath(path)
    descriptor = _descriptor(name)
    if descriptor is not None:
        _write_all(descriptor, payload, name)
        return
    try:
        info: os.stat_result | None = os.stat(name)  # through any links: what the shell would write into
    except FileNotFoundError:
        info = None
    if info is None or stat.S_ISREG(info.st_mode):
        # A link (even one to nothing yet) is written through: the file it names is what changes.
        replace_file(Path(os.path.realpath(name)), payload)
    elif stat.S_ISFIFO(info.st_mode) or stat.S_ISCHR(info.st_mode):
        _write_into(name, payload)
    elif stat.S_ISDIR(info.st_mode):
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), name)
    else:
        raise NotWritableKindError(errno.EINVAL, f"is {file_kind(info.st_mode)}", name)


def replace_file(path: Path, data: bytes) -> None:
    """Put `data` at `path` atomically: a new file follows the umask, an existing one keeps its mode and group.

    `path` is used as it is (a caller resolves links first): if it is a link,
    the link itself is replaced.  A file no one may write is refused; so is
    anything that is not a regular file.
    """
    if not path.name:
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
    try:
        info: os.stat_result | None = os.lstat(path)
    except FileNotFoundError:
        info = None
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
    if info is not None and stat.S_ISREG(info.st_mode):
        refuse_read_only(path, info)
    elif info is not None and not stat.S_ISLNK(info.st_mode):
        raise NotWritableKindError(errno.EINVAL, "is not a regular file", str(path))
    like = info if info is not None and stat.S_ISREG(info.st_mode) else None
    with _temporary_beside(path, like, data) as temporary:
        os.replace(temporary, path)
    _fsync_folder(path.parent)


def create_new(path: Path, data: bytes, like: os.stat_result | None = None) -> None:
    """Create `path` holding `data`, atomically, never over anything already there (a link included).

    The file gets the mode, owner and group of `like` (the state a backup is
    kept of), or the umask's.  FileExistsError when something is at `path`.
    A failure (a full disk) leaves nothing at `path`.
    """
    with _temporary_beside(path, like, data) as temporary:
        try:
            os.link(temporary, path)  # fails if anything is at `path`, a link included; never follows it
        except OSError as error:
            if error.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK):
                raise
            _create_directly(path, data, like)  # a file system without hard links
    _fsync_folder(path.parent)


def refuse_read_only(path: Path, info: os.stat_result) -> None:
    """Refuse a file its permissions forbid writing, as the shell refuses `> file`.

    `os.access` answers for ordinary users; root passes it whatever the mode,
    so a file with no write permission for anyone (mode 444) is refused too.
    """
    if not os.access(path, os.W_OK) or not info.st_mode & 0o222:
        raise ReadOnlyFileError(errno.EACCES, os.strerror(errno.EACCES), str(path))


def write_hint(error: OSError, other: str, elsewhere: str = "choose another place") -> str:
    """What to do about a failed write; `other` when the cause is none of the usual."""
    if isinstance(error, ReadOnlyFileError):
        return f"the file is read-only; make it writable (chmod u+w), or {elsewhere}"
    if isinstance(error, DeviceWriteError):
        if error.errno == errno.ENOSPC:
            return "the device is full"
        if error.errno == errno.EPIPE:
            return "nothing reads from it any more"
        return other
    if isinstance(error, NotWritableKindError):
        return "name a file, a FIFO or a character device"
    if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"the folder is not writable; {elsewhere}"
    if error.errno == errno.ENOSPC:
        return "the disk is full; free some space (the old file is intact)"
    if error.errno == errno.EISDIR:
        return "that is a folder; name a file"
    if error.errno == errno.ELOOP:
        return "a symbolic link is in the way; remove it"
    if error.errno == errno.EEXIST:
        return "something is already there; move it away"
    return other


def keep_lines(path: Path, lines: Sequence[str], limit: int, most_bytes: int = 1024 * 1024) -> None:
    """Add `lines` after those of the text file at `path`, keeping only the last `limit` (a shell's history:
    sessions ending one after another each add theirs).  Made, with its folder, if need be, and replaced
    atomically; a file that is not a regular one of at most `most_bytes` is started over."""
    try:
        old = read_bounded(path, most_bytes)[0].decode("utf-8", "replace").splitlines()
    except LoadError:  # none yet, or not one to keep
        old = []
    path.parent.mkdir(parents=True, exist_ok=True)
    kept = [*old, *lines][-limit:] if limit > 0 else []
    replace_file(path, "".join(f"{line}\n" for line in kept).encode("utf-8"))


# -- internals ----------------------------------------------------------------------


@contextlib.contextmanager
def _temporary_beside(path: Path, like: os.stat_result | None, data: bytes) -> Iterator[Path]:
    """A temporary file beside `path` holding `data`, flushed to disk and closed; removed at the end
    unless it was renamed away.  It has `like`'s mode, owner and group, or the umask's mode."""
    fd, temporary = _create_temporary(path, 0o600 if like is not None else 0o666)
    try:
        try:
            if like is not None:
                _take_on(fd, like)
            _write_fully(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        yield temporary
    finally:
        with contextlib.suppress(OSError):
            os.unlink(temporary)


def _create_temporary(path: Path, mode: int) -> tuple[int, Path]:
    """Create `.NAME.XXXXXXXXXXXX.tmp` beside `path`: exclusively, never through a link; the umask applies."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC
    for _ in range(100):
        temporary = path.with_name(f".{path.name[:200]}.{secrets.token_hex(6)}.tmp")
        try:
            return os.open(temporary, flags, mode), temporary
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no free temporary name", str(path))


def _take_on(fd: int, like: os.stat_result) -> None:
    """Give the open file `like`'s owner and group where the system allows, then its mode."""
    try:
        os.fchown(fd, like.st_uid, like.st_gid)
    except OSError:
        with contextlib.suppress(OSError):  # not root: keep the group at least, if we belong to it
            os.fchown(fd, -1, like.st_gid)
    os.fchmod(fd, stat.S_IMODE(like.st_mode))  # after chown, which may clear set-id bits


def _create_directly(path: Path, data: bytes, like: os.stat_result | None) -> None:
    """Where hard links are not supported: create `path` exclusively and write it; remove it on failure."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC,
                 0o600 if like is not None else 0o666)
    try:
        if like is not None:
            _take_on(fd, like)
        _write_fully(fd, data)
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(path)
        raise
    os.close(fd)


def _descriptor(name: str) -> int | None:
    """The open descriptor `/dev/stdout`, `/dev/fd/N` or `/proc/self/fd/N` names, if `name` is one of them."""
    found = _DESCRIPTOR.match(name)
    if found is None:
        return None
    if found.group("name"):
        return _STANDARD[found.group("name")]
    return int(found.group("fd") or found.group("proc"))


def _write_fully(fd: int, data: bytes) -> None:
    """All of `data`, however many writes it takes (a pipe takes a buffer's worth at a time)."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _write_all(fd: int, data: bytes, name: str) -> None:
    """All of `data` into a device, FIFO or descriptor; its failure named after `name`."""
    try:
        _write_fully(fd, data)
    except OSError as error:
        raise DeviceWriteError(error.errno, error.strerror, name) from None


def _write_into(name: str, data: bytes) -> None:
    """Write into a FIFO or a character device, as the shell does (waiting for a FIFO's reader).

    Opened without O_CREAT or O_TRUNC and checked once open: if something
    else took its place meanwhile, nothing is written.
    """
    fd = os.open(name, os.O_WRONLY | os.O_NOCTTY | _CLOEXEC)
    try:
        mode = os.fstat(fd).st_mode
        if not (stat.S_ISFIFO(mode) or stat.S_ISCHR(mode)):
            raise NotWritableKindError(errno.EINVAL, "changed while it was opened", name)
        _write_all(fd, data, name)
    finally:
        os.close(fd)


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
