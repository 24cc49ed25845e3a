"""The state file: the facts a user has asserted, kept between calls.

Human-readable YAML (its models and format: `document.py`; its layout, a fact
or history entry a line: `lines.py`), written by the one writer
(`perimeter.files.write`): a temporary file in the same folder, flushed to
disk, renamed over the old one, so a crash leaves the old file or the new one,
never half of one.  A transaction keeps the lines it read, and its write
copies those of the facts and entries left unchanged instead of encoding them
again: a change costs what changed, plus copying the bytes.  The state keeps its mode, owner and group across
writes; a new one follows the umask.

Readers take no lock and create nothing: renames are atomic, so a reader
always reads a whole file.  Writers hold an exclusive lock beside the state,
waiting for it a bounded time (`lock.py`).  A state named through a symbolic
link is resolved once per write: the real file is locked, replaced and backed
up beside, and the link stays.  Files made beside the state (lock,
temporaries, backups) are never opened through a link, and temporaries and
backups never replace anything already there.

Bounds hold on both sides: a state that would be over the size limit the
reader applies is refused before anything is written.  A file that cannot be
read is reported and never touched.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .. import codes
from ..errors import Diagnostic, LoadError, StoreError
from ..files import read as reading
from ..files.raw import decode_text, file_kind, size_in_words
from ..files.read import Document, SourceMap, gc_paused, parse, read_file, validate
from ..files.write import create_new, replace_file, write_hint
# A name imported `as` itself is re-exported: callers (the tests among them) name it from here.
from .document import (
    FORMAT,
    HEADER as HEADER,
    Known,
    MIGRATIONS,
    WRITER,
    Entry as Entry,
    RuleSetRef as RuleSetRef,
    StateDocument,
    StoredFact as StoredFact,
    migrate,
    known_lines,
    now as now,
    parsed,
    refuse_repeated_facts,
    serialised,
    whole_number,
)
from .lock import (
    _flock_within as _flock_within,
    lock_file,
    lock_timeout,
    write_lock,
)

KEPT_BACKUPS = 5
"""How many of the copies `reset` keeps (`NAME.<time>.bak`) stay; older ones are removed."""


def default_path() -> Path:
    """`$PERIMETER_STATE`, else `$XDG_STATE_HOME/perimeter/state.yaml`, else under ~/.local/state."""
    explicit = os.environ.get("PERIMETER_STATE")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "perimeter" / "state.yaml"


class StateFile:
    """One state file on disk, with its lock and its backups."""

    def __init__(self, path: Path | str, *, lock_timeout: float | None = None):
        self.path = Path(path)
        self.lock_timeout = lock_timeout
        """Seconds a writer waits for the lock; None: `lock_timeout()`, read at each write."""
        self.source: SourceMap | None = None
        """Where each value of the state last read sits in its file (for located errors)."""
        self._read_format = FORMAT
        """The format the file had when last read (older ones are migrated in memory)."""
        self._read_bytes: bytes | None = None
        self._read_info: os.stat_result | None = None
        self._writing: Path | None = None
        """The real file while a transaction holds its lock."""
        self._planned_backup: Path | None = None
        self._known: Known = {}
        """The lines of the facts and entries a transaction read, for its write."""

    @property
    def real_path(self) -> Path:
        """The file the state path names: through symbolic links, so a write updates it and the link stays."""
        return _through_links(self.path)

    @property
    def lock_path(self) -> Path:
        """The lock file writers hold, beside the real state file."""
        return lock_file(self.real_path)

    def exists(self) -> bool:
        """Whether the state file is there; a folder in its place is an error."""
        if self.path.is_dir():
            raise self._folder_error()
        return self.path.exists()

    def read(self) -> StateDocument | None:
        """The stored state, or None when there is none yet.

        Takes no lock and creates nothing: writes are atomic renames, so the
        file read is always a whole one, and no folder or lock file appears
        until something is written.
        """
        return self._load(self.path)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[tuple[StateDocument | None, list[StateDocument]]]:
        """Hold the write lock; yield the current state and a box for the new one.

        Whatever the caller puts in the box is written atomically on a clean
        exit; on an exception nothing is written.  The lock timeout is checked
        before anything is created.  Writing over a file of an older format
        first keeps a copy of it beside the new one, as does a `backup()` asked
        for inside the transaction; a new state too big to be read back is
        refused before either is made.
        """
        timeout = self.lock_timeout if self.lock_timeout is not None else lock_timeout()
        real = self.real_path
        self._refuse_unless_file(real)
        with write_lock(real, timeout, self._lock_error):
            self._writing, self._planned_backup = real, None
            try:
                box: list[StateDocument] = []
                current = self._load(real, writing=True)
                yield current, box
                if box:
                    self._commit(real, box[-1])
            finally:
                self._writing = self._planned_backup = None
                self._known = {}

    def backup(self) -> Path | None:
        """Keep a copy of the current file beside it (before a reset); the copy's path, or None.

        Inside a transaction the copy is made as the transaction commits, from
        the file read under the lock, and removed again if the new state cannot
        be written: a refused or failed reset leaves no copy.  Outside one it
        is made now.  Either way it is written atomically, never over anything
        already there, with the state's mode; only the newest KEPT_BACKUPS stay.
        """
        if self._writing is not None:
            if self._read_bytes is None:
                return None
            self._planned_backup = _stamped(self._writing, "bak")
            return self._planned_backup
        if not self.exists():
            return None
        real = self.real_path
        try:
            raw, info = read_file(real, name=str(self.path))
        except LoadError as error:
            raise _unreadable(error.render()) from None
        target = _stamped(real, "bak")
        self._keep(target, raw, info)
        self._prune_backups(real)
        return target

    # -- reading ------------------------------------------------------------------

    def _load(self, path: Path, writing: bool = False) -> StateDocument | None:
        """The state in the file at `path` (the state path, or the real file it names), or None if none.

        `writing`: for a transaction, which keeps the lines read for the write (`document.serialised`).
        """
        self._read_bytes = self._read_info = None
        self._known = {}
        name = str(self.path)
        try:
            kind = os.stat(path).st_mode
        except (FileNotFoundError, NotADirectoryError):
            return None
        except OSError:
            kind = stat.S_IFREG  # let the read report it
        if stat.S_ISDIR(kind):
            raise self._folder_error()
        try:
            raw, info = read_file(path, name=name)
            text = decode_text(raw, name)
            with gc_paused():
                fast = parsed(text, name)
                try:
                    read = self._validated(fast.document) if fast is not None else None
                except LoadError:
                    read = None  # said again below by the YAML reader, with its line and column
                state, version, document = read or self._validated(parse(text, name))
                refuse_repeated_facts(state, document.source)
                if writing and fast is not None and read is not None and version == FORMAT:
                    self._known = known_lines(state, fast)
        except LoadError as error:
            first = error.diagnostics[0].render() if error.diagnostics else error.render()
            raise _unreadable(first) from None
        self._read_format, self._read_bytes, self._read_info = version, raw, info
        self.source = document.source
        return state

    def _validated(self, document: Document) -> tuple[StateDocument, int, Document]:
        """The state `document` holds, lifted to the current format; the format it had; its source."""
        version = FORMAT
        if isinstance(document.data, dict):
            version = self._format_of(document.data)
            if version < FORMAT:
                document = Document(migrate(document.data), document.source)
        return validate(StateDocument, document), version, document

    def _format_of(self, data: dict[str, Any]) -> int:
        """The file's format if it is a whole number perimeter reads; other types are left to the schema."""
        version = data.get("format", FORMAT)
        if isinstance(version, bool) or (whole_number(version) and version < min(MIGRATIONS)):
            raise self._error(codes.STATE, f"state format {version!r} is not one perimeter ever wrote",
                              f"formats run from {min(MIGRATIONS)} to {FORMAT}; fix or move the file")
        if not whole_number(version):
            return FORMAT  # "2", 2.0: refused by the schema, with the line
        if version > FORMAT:
            writer = data.get("written_by") or "a newer perimeter"
            raise self._error(codes.STATE_TOO_NEW, f"written by {writer} (state format {version}; this "
                              f"perimeter reads formats up to {FORMAT})", "upgrade perimeter, or use another state file")
        return int(version)

    def _refuse_unless_file(self, real: Path) -> None:
        """Before a writer creates anything: a folder, a FIFO or a device in the state's place is refused."""
        try:
            kind = os.stat(real).st_mode
        except OSError:
            return  # nothing there yet (or the read will say what is wrong)
        if stat.S_ISDIR(kind):
            raise self._folder_error()
        if not stat.S_ISREG(kind):
            raise _unreadable(f"{self.path}: is {file_kind(kind)}, not a file perimeter reads",
                              hint="name a regular file")

    # -- writing ------------------------------------------------------------------

    def _commit(self, real: Path, state: StateDocument) -> None:
        """Write `state` over the real file, after the copies it must keep; all or nothing."""
        data = serialised(state.model_copy(update={"format": FORMAT, "written_by": WRITER}), self._known)
        limit = reading.MAX_FILE_BYTES
        if len(data) > limit:
            raise self._error(codes.STATE_TOO_BIG,
                              f"the new state would be {size_in_words(len(data))}, over the {size_in_words(limit)} "
                              "limit of a state file perimeter reads; nothing was written",
                              "retract facts with long attributes or sources, or reset the state to start it over")
        made: list[Path] = []
        try:
            if self._read_bytes is not None and self._read_format < FORMAT:
                made.append(self._keep_migrated(real))
            if self._planned_backup is not None and self._read_bytes is not None:
                made.append(self._keep(self._planned_backup, self._read_bytes, self._read_info))
            try:
                replace_file(real, data)
            except OSError as error:
                raise self._error(codes.STATE_UNWRITABLE, f"cannot write the state: {error.strerror or error}",
                                  _write_hint(error)) from None
        except BaseException:
            for copy in made:  # ours: made exclusively a moment ago
                with contextlib.suppress(OSError):
                    copy.unlink()
            raise
        if self._planned_backup is not None:
            self._prune_backups(real)
        self._sweep_leftovers(real)

    def _keep_migrated(self, real: Path) -> Path:
        """The copy of a state of an older format: `NAME.formatN.bak`, or a dated name if that is taken."""
        assert self._read_bytes is not None
        suffix = f"format{self._read_format}"
        try:
            return self._keep(real.with_name(f"{real.name}.{suffix}.bak"), self._read_bytes, self._read_info,
                              taken_ok=True)
        except FileExistsError:
            return self._keep(_stamped(real, f"{suffix}.bak"), self._read_bytes, self._read_info)

    def _keep(self, target: Path, raw: bytes, info: os.stat_result | None, taken_ok: bool = False) -> Path:
        """Write a copy at `target` (atomically, never over anything, with the state's mode)."""
        try:
            create_new(target, raw, info)
        except FileExistsError:
            if taken_ok:
                raise
            raise self._copy_error(target, "something is already there", "move it away") from None
        except OSError as error:
            raise self._copy_error(target, error.strerror or str(error), _write_hint(error)) from None
        return target

    def _prune_backups(self, real: Path) -> None:
        """Keep the newest KEPT_BACKUPS copies `reset` made; remove older ones (only regular files of that name)."""
        pattern = re.compile(re.escape(real.name) + r"\.\d{8}T\d{12}Z\.bak")
        with contextlib.suppress(OSError):
            copies = sorted(p for p in real.parent.iterdir()
                            if pattern.fullmatch(p.name) and stat.S_ISREG(p.lstat().st_mode))
            for old in copies[:-KEPT_BACKUPS]:
                with contextlib.suppress(OSError):
                    old.unlink()

    def _sweep_leftovers(self, real: Path) -> None:
        """Delete temporary files of writers that were killed mid-write (of the state or of a copy of it).

        Only a writer holding the exclusive lock calls this, so no live writer
        owns any of them.
        """
        for leftover in real.parent.glob(f".{real.name}.*.tmp"):
            with contextlib.suppress(OSError):
                leftover.unlink()

    def _lock_error(self, error: OSError) -> StoreError:
        return self._error(codes.STATE_UNWRITABLE, f"cannot lock the state: {error.strerror or error}",
                           _write_hint(error))

    def _error(self, code: str, message: str, hint: str) -> StoreError:
        """A StoreError about this state file."""
        return StoreError(Diagnostic(str(self.path), 0, 0, code, message, hint))

    def _folder_error(self) -> StoreError:
        return self._error(codes.STATE_IS_FOLDER, "is a directory, not a state file", "name a file, not a folder")

    def _copy_error(self, target: Path, why: str, hint: str) -> StoreError:
        return StoreError(Diagnostic(str(target), 0, 0, codes.STATE_UNWRITABLE,
                                     f"cannot keep a backup of the state: {why}", hint))


def _stamped(real: Path, suffix: str) -> Path:
    """`NAME.<UTC time to the microsecond>.suffix` beside `real`."""
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    return real.with_name(f"{real.name}.{stamp}.{suffix}")


def _through_links(path: Path) -> Path:
    """`path` with its last component followed through symbolic links (the folders are left as named)."""
    for _ in range(40):
        try:
            if not stat.S_ISLNK(os.lstat(path).st_mode):
                return path
        except OSError:
            return path
        target = Path(os.readlink(path))
        path = target if target.is_absolute() else path.parent / target
    raise StoreError(Diagnostic(str(path), 0, 0, codes.STATE_UNWRITABLE, "too many levels of symbolic links",
                                "point --state at the file itself"))


def _write_hint(error: OSError) -> str:
    return write_hint(error, "check the state file's path", "choose another place for the state file")


def _unreadable(problem: str, hint: str = "") -> StoreError:
    """A state file that cannot be read: said once, and the file is never touched."""
    return StoreError(f"cannot read the state file (left untouched): {problem}", hint=hint)
