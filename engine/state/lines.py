"""The state file's layout (format 4): YAML with one fact, or one history entry, a line, written in JSON's syntax.

A state of 10,000 facts and 2,000 history entries is 2 MB of YAML: PyYAML's
emitter took about a second to write it in block style and its parser about
0.6 s to read it back, so every change cost what had accumulated.  Written
this way the file is still YAML (a flow mapping in JSON's syntax is one),
readable and greppable a fact a line, and perimeter writes and reads it with
the json module, twenty times faster:

    format: 4
    written_by: "perimeter 0.3.0"
    rules: {"id": "north-american-perimeter", "fingerprint": "47949fcc59e6e82b"}
    baseline: []
    facts:
    - {"id": "A1", "attributes": {}, "source": "DoD press release", "citation": null, ...}
    history:
    - {"time": "2026-11-30T19:00:00Z", "action": "baseline", ...}

`loads` takes a line only if writing its value back gives that very line, so
it reads nothing the YAML reader would read otherwise (a duplicate key, `1e5`,
a raw line separator, a comment, block style...).  Any other file, a hand edit
among them, goes to the YAML reader with its limits and its located errors,
and the next write puts it back in this layout.
"""

from __future__ import annotations

import json
import re
from typing import Any, NamedTuple

from ..files.read import MAX_NODES, Document, Path_, SourceMap

LISTS = ("facts", "history")
"""The top-level keys written one item a line."""

_UNSAFE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]")  # named, not negated: compiles in a tenth of the time
"""What JSON writes as it is but YAML does not read as it is: control and non-characters (YAML refuses them),
NEL, the line and paragraph separators (line breaks to YAML), the byte-order mark, lone surrogates."""
_encode = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode


def _refuse(text: str) -> Any:
    raise ValueError(f"{text} is read otherwise by YAML")


_decode = json.JSONDecoder(parse_float=_refuse, parse_constant=_refuse).decode
"""No floats (perimeter writes none; YAML 1.1 reads `1e+16` as text) and no NaN or Infinity (text to YAML)."""


def _escaped(found: re.Match[str]) -> str:
    return f"\\u{ord(found.group()):04x}"


def dumps(header: str, data: dict[str, Any]) -> str:
    """`data`'s text under the comment `header`: a line per top-level key, and one per item of `LISTS`.

    The values of `LISTS` are given as the text of each item (`line`, or the text read).
    """
    out = [header]
    for key, value in data.items():
        if key in LISTS and value:
            out.append(f"{key}:\n- ")
            out.append("\n- ".join(value))
            out.append("\n")
        else:
            out.append(f"{key}: {line([] if key in LISTS else value)}\n")
    return "".join(out)


def lines(values: list[Any]) -> list[str]:
    """Each of `values` as `line` would write it: in one call to the encoder where it can."""
    if not values:
        return []
    whole = line(values)
    # Between two mappings that are not empty stands `}, {"`; anywhere else (a mapping in a list inside a value,
    # a text ending in `}, {`) it only adds pieces: so as many pieces as values means each piece is one value.
    inner = whole[2:-2].split('}, {"')
    if len(inner) == len(values) and all(isinstance(value, dict) and value for value in values):
        return ["{" + inner[0] + "}", *('{"' + text + "}" for text in inner[1:])]
    return [line(value) for value in values]


def _values_at_most(text: str) -> int:
    """At most how many keys and values `text` holds in JSON's syntax: each follows a `[`, a `{`, a `,` or a `:`,
    or starts a line (the characters in text are counted too, so this is a bound, not a count)."""
    return sum(text.count(mark) for mark in "[{,:\n")


def line(value: Any) -> str:
    """One value as the file holds it: JSON, with what YAML would not read as it is escaped."""
    text = _encode(value)
    return _UNSAFE.sub(_escaped, text) if _UNSAFE.search(text) else text


class Read(NamedTuple):
    """A file read as `dumps` writes it."""

    document: Document
    """Its values and the line of each key and item."""
    texts: dict[str, list[str]]
    """For each of `LISTS`, the text of each item as it is in the file."""


def loads(header: str, text: str, file: str) -> Read | None:
    """`text` read as `dumps` writes it; None if it is not exactly that (then it is for the YAML reader)."""
    if not text.startswith(header) or not text.endswith("\n") or _values_at_most(text) > MAX_NODES:
        return None  # the YAML reader refuses a document of too many values before building it: so do we
    data: dict[str, Any] = {}
    texts: dict[str, list[str]] = {}
    marks: dict[Path_, tuple[int, int]] = {(): (1, 1)}
    items: list[str] | None = None
    key, number = "", header.count("\n")
    try:
        for raw in text[len(header):-1].split("\n"):
            number += 1
            if raw.startswith("- ") and items is not None:
                marks[(key, len(items))] = (number, 3)
                items.append(raw[2:])
                continue
            key, colon, rest = raw.partition(":")
            if not colon or key in data or not key.isidentifier():
                return None
            marks[(key,)] = (number, 1)
            if rest:
                if rest[:1] != " " or line(value := _decode(rest[1:])) != rest[1:]:
                    return None
                data[key], items = value, None
            elif key in LISTS:
                data[key], texts[key] = [], (items := [])
            else:
                return None
        for name, found in texts.items():  # each list decoded at once, and written back item by item to compare
            values = _decode("[" + ", ".join(found) + "]")
            if lines(values) != found:  # so no line holds two items, or part of one
                return None
            data[name] = values
    except (ValueError, RecursionError):  # not JSON (json.JSONDecodeError is a ValueError), or nested too deep
        return None
    return Read(Document(data, SourceMap(file, marks)), texts)
