"""YAML to models, keeping the line of every value.

PyYAML's own constructors forget where values came from and let a duplicate
key silently overwrite the first.  We read the parser's events (from libyaml
when available) and build plain data ourselves (`events.py`), with a map from
each key's and list item's path to its line, and hand the data to pydantic.
Validation errors are then mapped back onto lines, so every complaint reads
`file:line: ...`, and put in perimeter's words (`schema_words.py`).

Limits guard against hostile files: files are read through `raw.py`, so only
regular files are read (a FIFO or a device is refused before it is opened) and
no read goes past the size cap whatever the file claims its size is; and there
are a nesting cap and a cap on the nodes an alias may expand to ("billion
laughs").
"""

from __future__ import annotations

import contextlib
import gc
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import yaml  # type: ignore[import-untyped]  # PyYAML ships no type hints (types-PyYAML is not a dependency)
from pydantic import BaseModel, ValidationError

from .. import codes
from ..errors import Diagnostic, LoadError
from .events import Builder, Locator, Refused
from .events import short_tag as _short_tag
from .raw import decode_text, file_error, read_bounded
from .raw import size_in_words as size_in_words  # re-exported: callers name it from here
from .schema_words import a_kind, schema_diagnostic

MAX_FILE_BYTES = 32 * 1024 * 1024
MAX_DEPTH = 64
MAX_NODES = 5_000_000  # a realistic 50,000-step file (the step limit) holds ~3.5 million values

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

Path_ = tuple[str | int, ...]
"""Where a value sits in a document: the keys and list positions leading to it."""
Model = TypeVar("Model", bound=BaseModel)


@dataclass(frozen=True)
class SourceMap:
    """Where each value of one document sits in its file: in `marks` by path, or in a compact `located`."""

    file: str
    marks: dict[Path_, tuple[int, int]]
    located: Locator | None = None
    """The parser's locations (`events.Locator`); `marks` is then not used."""

    def where(self, path: Iterable[str | int]) -> tuple[int, int]:
        """Line and column of `path`, or of its nearest located ancestor."""
        path = tuple(path)
        if self.located is not None:
            return self.located.where(path)
        while path:
            if path in self.marks:
                return self.marks[path]
            path = path[:-1]
        return self.marks.get((), (1, 1))

    def diagnostic(self, path: Iterable[str | int], code: str, message: str, hint: str = "",
                   candidates: tuple[str, ...] = ()) -> Diagnostic:
        """A diagnostic at `path` (or its nearest located ancestor) in this file."""
        line, col = self.where(path)
        return Diagnostic(self.file, line, col, code, message, hint, candidates=candidates)


@dataclass(frozen=True)
class Document:
    """A parsed YAML file: its plain data and where each part came from."""

    data: Any
    source: SourceMap


def read_file(path: Path, limit: int | None = None, name: str | None = None) -> tuple[bytes, os.stat_result]:
    """The bytes of the regular file at `path` and its status, refusing anything else (see `raw.read_bounded`).

    A file over `limit` bytes is refused; by default the limit is
    MAX_FILE_BYTES, looked up at each call.  Errors name the file `name` (by
    default the path).
    """
    return read_bounded(path, MAX_FILE_BYTES if limit is None else limit, name)


def read_text(path: Path) -> str:
    """The file's text, refusing what is not a readable UTF-8 regular file of sane size."""
    return decode_text(read_file(path)[0], str(path))


def parse(text: str, file: str) -> Document:
    """Build plain data with a source map from `text`'s parser events; errors carry lines."""
    try:
        loader = _Loader(text)  # the pure-Python reader checks characters here, libyaml later
    except yaml.reader.ReaderError as error:
        raise _reader_error(error, text, file) from None
    try:
        built = Builder(loader, MAX_DEPTH, MAX_NODES, "*" in text).build()
    except Refused as refused:
        if refused.error is not None:
            raise _yaml_error(refused.error, file) from None
        raise _parse_error(file, *refused.mark, refused.message, refused.hint) from None
    except yaml.MarkedYAMLError as error:
        raise _yaml_error(error, file, text) from None
    except yaml.reader.ReaderError as error:
        raise _reader_error(error, text, file) from None
    except yaml.YAMLError as error:
        raise file_error(file, f"malformed YAML: {error}", "fix the YAML syntax") from None
    except RecursionError:
        raise file_error(file, "nesting too deep", f"keep nesting under {MAX_DEPTH} levels") from None
    finally:
        loader.dispose()
    if built is None:
        return Document(None, SourceMap(file, {(): (1, 1)}))
    data, located = built
    return Document(data, SourceMap(file, {}, located))


def _parse_error(file: str, line: int, col: int, message: str, hint: str) -> LoadError:
    """A LoadError for one located problem with the YAML itself."""
    problem = Diagnostic(file, line, col, codes.PARSE, message, hint)
    return LoadError(problem, diagnostics=[problem])


FREEZE_ABOVE = 100_000
"""Objects a pause must leave behind for `gc_paused(freeze=True)` to freeze them (a 1,000-step rule set)."""


@contextlib.contextmanager
def gc_paused(freeze: bool = False) -> Iterator[None]:
    """Pause the cyclic garbage collector while loading, evaluating or answering; its state is restored.

    A 10,000-step file makes hundreds of thousands of small objects, and the
    collector would scan them again and again (a third of the load time);
    loading makes no reference cycles, so nothing is lost by waiting.  With
    `freeze`, when the pause leaves more than FREEZE_ABOVE new objects (a
    large rule set just loaded), they are moved out of the collector's sight
    (`gc.freeze`): later collections, inside `why` or `plan`, do not scan them
    again.  `gc.unfreeze()` undoes it.  Freezing acts on the whole process,
    so it is for an application (the CLI, the benchmark) around its own load,
    never for the library: `with gc_paused(freeze=True): load_pathway(...)`.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if freeze and gc.get_count()[0] > FREEZE_ABOVE:
            gc.freeze()
        if was_enabled:
            gc.enable()


def read_document(path: Path | str) -> Document:
    """Read and parse one YAML file."""
    path = Path(path)
    return parse(read_text(path), str(path))


def validate(model: type[Model], document: Document) -> Model:
    """`document` as `model`, or a LoadError listing every schema problem with its line."""
    data = document.data
    file = document.source.file
    if data is None:
        raise file_error(file, "the file is empty",
                         f"write a YAML mapping with the keys {', '.join(model.model_fields)}")
    if not isinstance(data, dict):
        raise LoadError(Diagnostic(file, 1, 1, codes.LOAD, f"expected a mapping at the top, found {a_kind(data)}",
                                   f"start the file with one of the keys {', '.join(model.model_fields)}"))
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise LoadError(Diagnostic(file, 0, 0, codes.SCHEMA, "does not fit the schema"),
                        diagnostics=[schema_diagnostic(model, data, document.source, e) for e in error.errors()]) from None


def _yaml_error(error: yaml.MarkedYAMLError, file: str, text: str = "") -> LoadError:
    mark = error.problem_mark or error.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
    problem = error.problem or error.context or "malformed YAML"
    if "maximum nesting depth" in problem:  # libyaml's own cap (1,000 levels), well past ours
        return _parse_error(file, line, col, "nesting too deep", f"keep nesting under {MAX_DEPTH} levels")
    if "could not determine a constructor" in str(error):
        tag = problem.rsplit(" ", 1)[-1].strip("'")  # "... for the tag 'tag:yaml.org,2002:...'"
        return _parse_error(file, line, col, f"unsupported tag {_short_tag(tag)}", "remove the tag")
    return _parse_error(file, line, col, f"malformed YAML: {problem}", _syntax_hint(error, line, text))


def _syntax_hint(error: yaml.MarkedYAMLError, line: int, text: str = "") -> str:
    """Point also at where the broken construct began: an unclosed bracket or quote
    is only noticed lines later, so the reported line alone misleads."""
    mark = error.problem_mark
    lines = text.split("\n", mark.line + 1) if mark else []
    if mark and mark.line < len(lines) and "\t" in lines[mark.line][:mark.column + 1]:
        return "indent with spaces; YAML does not allow tabs for indentation"
    if error.context and "single document" in error.context:
        return "a file holds one YAML document; remove the '---' line and what follows, or merge them"
    start = error.context_mark
    if not (error.context and error.context.startswith("while") and start and start.line + 1 != line):
        return "fix the YAML syntax"
    construct = re.sub(r"^while \w+ (an? )?", "", error.context)
    return f"fix the YAML syntax; check the {construct} that starts at line {start.line + 1}"


def _reader_error(error: yaml.reader.ReaderError, text: str, file: str) -> LoadError:
    """A character YAML forbids (NUL, other controls: a binary file?), located by line.

    PyYAML's own text spans two lines and gives an offset that is in characters
    or bytes depending on the parser, so we find the character ourselves.
    """
    found = yaml.reader.Reader.NON_PRINTABLE.search(text)
    offset = found.start() if found else 0
    line = text.count("\n", 0, offset) + 1
    col = offset - text.rfind("\n", 0, offset)
    character = f"#x{ord(found.group()):04x}" if found else "?"
    return _parse_error(file, line, col, f"unacceptable character {character}: control characters are not allowed",
                        "remove it; is this a binary file rather than YAML?")
