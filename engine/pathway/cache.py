"""A cache of compiled rule sets and baselines, in the user's cache folder.

Loading a 10,000-step rule file takes seconds (parsing, validating, compiling);
reading back what that made takes a tenth of that.  An entry is kept per set
of files, in `$XDG_CACHE_HOME/perimeter` (by default `~/.cache/perimeter`),
never beside the state.  It is used only when everything the compiled form
depends on is as it was: perimeter's version, the code that reads and
compiles (its modules' sizes and times), the shape of the compiled classes,
the loader's limits, and for each file its path (as given and resolved),
size, modification and change times, device and inode, and then
the digest of its bytes (a file rewritten within one tick of the clock keeps
its times).  A baseline's entry also names the rule set it was checked
against, by content.  The compiled form does not depend on the reading: a
reading is applied when answering.

Entries are JSON (`perimeter.pathway.plain`), which cannot run code when read,
with a digest of their body: a stale, truncated or garbled entry is rebuilt
and written again, never trusted and never an error; so is one that cannot
be written (a read-only home).  The `KEPT_ENTRIES` most recently used entries
are kept, older ones removed.  `PERIMETER_CACHE=off` turns the cache off.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from pydantic_core import to_json

from .. import version
from ..errors import PerimeterError
from ..files import read as reading
from ..files.raw import read_bounded
from ..files.write import replace_file
from .plain import Codec, Unsupported

T = TypeVar("T")

MAX_ENTRY_BYTES = 512 * 1024 * 1024
"""An entry bigger than this is not read (a 50,000-step rule set makes about 25 MB)."""
FORMAT = 1
"""The layout of an entry: a header line (what it was made from, the body's digest), then the body."""
OFF = {"off", "0", "no", "false"}
KEPT_ENTRIES = 32
"""Entries kept: the most recently used; older ones are removed when a new one is written."""

_codecs: dict[type, Codec[Any]] = {}


def folder() -> Path | None:
    """Where entries are kept, looked up at each call; None when the cache is off."""
    if os.environ.get("PERIMETER_CACHE", "").strip().casefold() in OFF:
        return None
    base = os.environ.get("XDG_CACHE_HOME", "").strip()
    if base and os.path.isabs(base):  # the XDG rule: a relative path is ignored
        return Path(base) / "perimeter"
    try:
        return Path.home() / ".cache" / "perimeter"
    except (RuntimeError, KeyError):  # no home to be found: no cache, and no error
        return None


@functools.cache
def _code() -> str:
    """A stamp of the code that reads and compiles rule files (each module's name, size and modification
    time): a checkout edited without a new version number does not read entries an older compiler made."""
    here = Path(__file__).parent
    stamps = sorted((f"{p.parent.name}/{p.name}", p.stat().st_size, p.stat().st_mtime_ns)
                    for folder in (here, here.parent / "files") for p in folder.glob("*.py"))
    return hashlib.sha256(json.dumps(stamps).encode("utf-8")).hexdigest()[:16]


def remember(kind: str, root: type[T], files: Sequence[Path], build: Callable[[], T],
             depends: Sequence[object] = ()) -> T:
    """What `build()` makes from `files`, from the cache when an entry matches, else built and stored.

    `kind` names the entry ("rules", "facts"); `root` is the type of what is
    built; `depends` lists anything else the result depends on (JSON values).
    Errors from `build` pass through; nothing that fails is stored.
    """
    place = folder()
    codec = _codec(root)
    if place is None or codec is None:
        return build()
    named = [(str(f), os.path.realpath(f)) for f in files]
    entry = place / f"{kind}-{hashlib.sha256(json.dumps(named).encode('utf-8')).hexdigest()[:24]}.json"
    key = {"format": FORMAT, "version": version.__version__, "code": _code(), "shape": codec.signature,
           "depends": list(depends),
           "limits": _limits(), "files": _stats(named)}
    # The files' digest is taken before they are built from: a file changed meanwhile fails it next time.
    contents = _contents(key) if key["files"] is not None else None
    if contents is None:
        return build()
    found = _read(entry, key, contents, codec)
    if found is not None:
        _touch(entry)
        return found
    value = build()
    _write(entry, key, contents, codec, value)
    _prune(place)
    return value


def _touch(entry: Path) -> None:
    """Mark an entry as used now, so pruning keeps it."""
    try:
        os.utime(entry)
    except OSError:
        pass


def _prune(place: Path) -> None:
    """Remove the least recently used entries beyond `KEPT_ENTRIES` (rule sets no longer loaded)."""
    try:
        found = sorted(place.glob("*.json"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
        for stale in found[KEPT_ENTRIES:]:
            stale.unlink()
    except OSError:  # another process pruned it first, or the folder is read-only: no failure to load
        pass


def _codec(root: type[T]) -> Codec[T] | None:
    if root not in _codecs:
        try:
            _codecs[root] = Codec(root)
        except Unsupported:  # a field no codec can store: that value is never cached
            return None
    return _codecs[root]


def _limits() -> list[object]:
    """The loader's limits in force: a file under one limit may be refused under another."""
    return [reading.MAX_FILE_BYTES, reading.MAX_DEPTH, reading.MAX_NODES, getattr(reading._Loader, "__name__", "")]


def _stats(named: list[tuple[str, str]]) -> list[list[object]] | None:
    """Each file's path, size, times, device and inode; None when one cannot be looked up."""
    try:
        stats = [(given, real, os.stat(real)) for given, real in named]
    except OSError:
        return None
    return [[given, real, s.st_size, s.st_mtime_ns, s.st_ctime_ns, s.st_dev, s.st_ino] for given, real, s in stats]


def _contents(key: dict[str, Any]) -> str | None:
    """The digest of the files' bytes now, or None when one of them cannot be read."""
    digest = hashlib.sha256()
    try:
        for _, real, size, *_ in key["files"]:
            # The reader's own limit: a file too large to load is refused before it is read whole.
            digest.update(read_bounded(Path(real), min(max(size, 1) + 1, reading.MAX_FILE_BYTES))[0])
    except (PerimeterError, OSError):
        return None
    return digest.hexdigest()


def _read(entry: Path, key: dict[str, Any], contents: str, codec: Codec[T]) -> T | None:
    """The value stored at `entry` if its header matches `key` and its body its digest; else None."""
    try:
        data = read_bounded(entry, MAX_ENTRY_BYTES)[0]
        head, _, body = data.partition(b"\n")
        header = json.loads(head)
        if header.get("key") != key or header.get("contents") != contents:
            return None
        if header.get("body") != hashlib.sha256(body).hexdigest():
            return None
        return codec.decode(json.loads(body))
    except Exception:  # noqa: BLE001  # whatever is wrong with an entry, it is rebuilt, never an error
        return None


def _write(entry: Path, key: dict[str, Any], contents: str, codec: Codec[T], value: T) -> None:
    """Store `value` at `entry` through the one writer; a failure to store is no failure to load."""
    try:
        # pydantic-core's JSON writer: the bytes of `json.dumps(..., ensure_ascii=False, separators=(",", ":"))`,
        # in a third of the time (`constants`: an infinite bound is written as `Infinity`, as json writes it).
        body = to_json(codec.encode(value), inf_nan_mode="constants")
        header = {"key": key, "contents": contents, "body": hashlib.sha256(body).hexdigest()}
        entry.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        replace_file(entry, json.dumps(header, separators=(",", ":")).encode("utf-8") + b"\n" + body)
    except (OSError, ValueError, TypeError):
        return
