"""The state file: the facts a user has asserted, kept between calls.

Human-readable YAML.  Every write goes to a temporary file in the same
folder, is flushed to disk, then renamed over the old one, so a crash leaves
the old file or the new one, never half of one.  Writers hold an exclusive
`flock` on a lock file beside it (the operating system drops it when a
process dies, so no stale lock survives); readers hold a shared one where
they may open it, and create nothing.  A file that cannot be read is
reported and never touched.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, Literal

import yaml  # type: ignore[import-untyped]  # PyYAML ships no type hints (types-PyYAML is not a dependency)
from pydantic import Field

from .. import codes
from ..errors import Diagnostic, LoadError, StoreError
from ..files.read import Document, parse, read_text, validate
from ..files.write import write_atomically, write_hint
from ..pathway.model import Fact, Identifier, Strict, Text
from ..version import __version__

FORMAT = 2
"""The state file format this version writes; older ones are migrated, newer refused.

Format 2 added `written_by`, so a state file names the perimeter that wrote it."""

WRITER = f"perimeter {__version__}"
HEADER = "# perimeter state: the facts asserted, with their history. Edit with care.\n"


class RuleSetRef(Strict):
    """Which rule set a state belongs to."""

    id: Identifier
    fingerprint: Text


class StoredFact(Fact):
    """A fact as the state holds it: with when it was recorded."""

    time: Text


class Entry(Strict):
    """One line of history."""

    time: Text
    action: Literal["baseline", "assert", "retract", "reset"]
    fact: Identifier | None = None
    attributes: dict[Identifier, Text] = {}
    source: Text | None = None
    forced: bool = False
    """Recorded by force while its rules did not hold (so it went in violated)."""


class StateDocument(Strict):
    """The whole state file."""

    format: int = FORMAT
    written_by: Text = WRITER
    rules: RuleSetRef
    baseline: list[Text] = []
    """The fact files the state started from."""
    facts: list[StoredFact] = []
    history: list[Entry] = Field(default_factory=list)


def _from_format_1(data: dict[str, Any]) -> dict[str, Any]:
    """Format 1 did not record its writer."""
    return {**data, "format": 2, "written_by": "perimeter 0.1.0 (state format 1)"}


MIGRATIONS = {1: _from_format_1}
"""format -> the function that lifts a state of that format by one."""


def migrate(data: dict[str, Any]) -> dict[str, Any]:
    """A state file's data lifted to the current format, one format at a time."""
    while data.get("format", FORMAT) < FORMAT:
        data = MIGRATIONS[data["format"]](data)
    return data


def now() -> str:
    """UTC time, to the second, as ISO 8601."""
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def default_path() -> Path:
    """`$PERIMETER_STATE`, else `$XDG_STATE_HOME/perimeter/state.yaml`, else under ~/.local/state."""
    explicit = os.environ.get("PERIMETER_STATE")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "perimeter" / "state.yaml"


class StateFile:
    """One state file on disk, with its lock."""

    def __init__(self, path: Path | str):
        self.path = Path(path)
        self.lock_path = self.path.with_name(self.path.name + ".lock")
        self._read_format = FORMAT
        """The format the file had when last read (older ones are migrated in memory)."""

    def exists(self) -> bool:
        """Whether the state file is there; a folder in its place is an error."""
        if self.path.is_dir():
            raise self._error(codes.STATE_IS_FOLDER, "is a directory, not a state file", "name a file, not a folder")
        return self.path.exists()

    def read(self) -> StateDocument | None:
        """The stored state, or None when there is none yet.

        Asking creates nothing: with no state file there is nothing to lock,
        so no folder or lock file appears until something is asserted.
        """
        if not self.exists():
            return None
        with self._locked(shared=True):
            return self._read()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[tuple[StateDocument | None, list[StateDocument]]]:
        """Hold the write lock; yield the current state and a box for the new one.

        Whatever the caller puts in the box is written atomically on a clean
        exit; on an exception nothing is written.  Writing over a file of an
        older format first keeps a copy of it beside the new one.
        """
        with self._locked(shared=False):
            box: list[StateDocument] = []
            current = self._read()
            yield current, box
            if box:
                if current is not None and self._read_format < FORMAT:
                    self._copy_aside(f"format{self._read_format}.bak")
                self._write(box[-1])
                self._sweep_leftovers()

    def backup(self) -> Path | None:
        """Copy the current file aside (before a reset); the copy's path, or None."""
        if not self.exists():
            return None
        stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
        return self._copy_aside(f"{stamp}.bak")

    def _sweep_leftovers(self) -> None:
        """Delete temporary files of writers that were killed mid-write.

        Only a writer holding the exclusive lock calls this, so no live writer
        owns any of them.
        """
        for leftover in self.path.parent.glob(f".{self.path.name}.*.tmp"):
            with contextlib.suppress(OSError):
                leftover.unlink()

    def _copy_aside(self, suffix: str) -> Path:
        target = self.path.with_name(f"{self.path.name}.{suffix}")
        try:
            shutil.copy2(self.path, target)
        except OSError as error:
            raise StoreError(Diagnostic(str(target), 0, 0, codes.STATE_UNWRITABLE,
                                        f"cannot keep a backup of the state: {error.strerror or error}",
                                        _write_hint(error))) from None
        return target

    def _read(self) -> StateDocument | None:
        if not self.exists():
            return None
        try:
            document = parse(read_text(self.path), str(self.path))
            if isinstance(document.data, dict):
                version = document.data.get("format")
                if isinstance(version, bool) or (isinstance(version, int) and version < min(MIGRATIONS)):
                    raise self._error(codes.STATE, f"state format {version!r} is not one perimeter ever wrote",
                                      f"formats run from {min(MIGRATIONS)} to {FORMAT}; fix or move the file")
                if isinstance(version, int) and version > FORMAT:
                    writer = document.data.get("written_by") or "a newer perimeter"
                    raise self._error(codes.STATE_TOO_NEW, f"written by {writer} (state format {version}; this "
                                      f"perimeter reads formats up to {FORMAT})",
                                      "upgrade perimeter, or use another state file")
                if isinstance(version, int) and version < FORMAT:
                    document = Document(migrate(document.data), document.source)
                self._read_format = version if isinstance(version, int) else FORMAT
            return validate(StateDocument, document)
        except LoadError as error:
            first = error.diagnostics[0].render() if error.diagnostics else error.render()
            raise StoreError(f"cannot read the state file (left untouched): {first}") from None

    def _write(self, state: StateDocument) -> None:
        text = yaml.safe_dump(state.model_dump(mode="json", exclude_defaults=False), sort_keys=False,
                              allow_unicode=True, width=100)
        try:
            write_atomically(self.path, HEADER + text)
        except OSError as error:
            raise self._error(codes.STATE_UNWRITABLE, f"cannot write the state: {error.strerror or error}",
                              _write_hint(error)) from None

    @contextlib.contextmanager
    def _locked(self, shared: bool) -> Iterator[None]:
        if self.path.is_dir():
            raise self._error(codes.STATE_IS_FOLDER, "is a directory, not a state file", "name a file, not a folder")
        handle = self._open_lock(shared)
        if handle is None:
            yield  # a reader where it may not lock: writes are atomic renames, so the file is whole anyway
            return
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_SH if shared else fcntl.LOCK_EX)
            yield
        finally:
            handle.close()  # closing releases the lock

    def _open_lock(self, shared: bool) -> IO[str] | None:
        """The lock file, opened (and its folder made, for a writer).

        None for a reader that cannot open it (a read-only folder or lock file):
        reading a state must not need write access.
        """
        try:
            if not shared:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            return open(self.lock_path, "a+")  # noqa: SIM115 - held for the whole block
        except OSError as error:
            if shared:
                return None
            raise self._error(codes.STATE_UNWRITABLE, f"cannot lock the state: {error.strerror or error}",
                              _write_hint(error)) from None

    def _error(self, code: str, message: str, hint: str) -> StoreError:
        """A StoreError about this state file."""
        return StoreError(Diagnostic(str(self.path), 0, 0, code, message, hint))


def _write_hint(error: OSError) -> str:
    return write_hint(error, "check the state file's path", "choose another place for the state file")
