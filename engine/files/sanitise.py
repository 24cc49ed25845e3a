"""The one text sanitiser: text from users and files made safe to show.

Rule files, fact files, the state file and the command line all carry text
perimeter shows again: ids, titles, aliases, notes, quotes, attribute values,
sources, history.  Shown as it is, such text can drive a terminal (an escape
sequence retitles the window or clears the screen, a carriage return
overwrites a line, a newline forges one), reorder what is read (bidi
overrides) or break a picture (XML 1.0 forbids most control characters).

Every unsafe character is shown *visibly escaped*, as Python writes it:
`\\n`, `\\r`, `\\t`, `\\x1b` for C0 and C1 controls and DEL, `\\u202e` for
bidi controls, line and paragraph separators, unpaired surrogates and the two
noncharacters U+FFFE and U+FFFF.  A backslash already in the text is left as
it is, so `C:\\temp` stays readable and escaping is idempotent (escaped text
holds no unsafe character, so escaping it again changes nothing).  Nothing
else changes: accents, CJK, emoji and the like are shown as they are.

One function per destination:

| function                 | for                                                                  |
| ------------------------ | -------------------------------------------------------------------- |
| `for_terminal`           | one field or one line of plain text (a newline in it is escaped)     |
| `for_screen`             | a whole output perimeter composed: its newlines and SGR colours kept |
| `for_xml`                | SVG/XML text and attribute values (escaped, then XML-escaped)        |
| `for_mermaid`, `for_dot` | labels inside Mermaid's and DOT's double quotes                      |
| `for_json`               | JSON text: the same values, unsafe characters as `\\uXXXX` escapes   |

`unsafe_text_findings` is the other side: it reports where a validated file
model holds such a character, with the line the loader kept, for `perimeter
check` (and for any stage that refuses such files).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel

from .. import codes
from ..errors import Diagnostic
from .read import SourceMap

_CONTROL = "\x00-\x1f\x7f-\x9f"
_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_SEPARATORS = "\u2028\u2029"
_SURROGATES = "\ud800-\udfff"
_NONCHARACTERS = "\ufffe\uffff"

UNSAFE = re.compile(f"[{_CONTROL}{_BIDI}{_SEPARATORS}{_SURROGATES}{_NONCHARACTERS}]")
"""One character that must not reach a terminal, a picture or a label as it is."""

_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
_SGR = "\x1b\\[[0-9;]*m"
_SCREEN = re.compile(f"({_SGR})|\n|{UNSAFE.pattern}")
# In JSON text C0 controls are escaped already (and json.dumps's newlines are its indentation's).
_JSON_UNSAFE = re.compile(f"[\x7f-\x9f{_BIDI}{_SEPARATORS}{_SURROGATES}{_NONCHARACTERS}]")

_XML = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;"})
# Mermaid's own entity codes (`#34;`), since it reads labels as HTML; `#` too, as the codes begin with it.
_MERMAID = str.maketrans({"#": "#35;", '"': "#34;", "&": "#38;", "<": "#60;", ">": "#62;", "`": "#96;"})
# DOT: `\"` inside quotes; Graphviz reads `\n`, `\l`, `\N`... and `&...;` entities in labels.
_DOT = str.maketrans({"\\": "\\\\", '"': '\\"', "&": "&amp;"})


def escape(char: str) -> str:
    """One unsafe character as it is shown: `\\n`, `\\x1b`, `\\u202e`."""
    named = _NAMED.get(char)
    if named is not None:
        return named
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _escaped(match: re.Match[str]) -> str:
    return escape(match.group())


def for_terminal(text: str) -> str:
    """One field or line, safe to print: every unsafe character visibly escaped (a newline too)."""
    return UNSAFE.sub(_escaped, text)


def _kept_on_screen(match: re.Match[str]) -> str:
    if match.group(1) is not None or match.group() == "\n":
        return match.group()
    return escape(match.group())


def for_screen(text: str) -> str:
    """A whole output perimeter composed, as the last guard before the terminal.

    Newlines and SGR colour codes (`ESC [ ... m`, what perimeter paints states
    with) are kept; every other unsafe character is escaped.  The renderers
    make each field safe themselves; this only catches what one might miss.
    """
    return _SCREEN.sub(_kept_on_screen, text)


def for_xml(text: str) -> str:
    """Text for SVG/XML content or an attribute value: escaped visibly, then XML-escaped.

    The result holds only characters XML 1.0 allows, so the document parses.
    """
    return for_terminal(text).translate(_XML)


def for_mermaid(text: str) -> str:
    """A label inside Mermaid's double quotes (`["..."]`): escaped visibly, then Mermaid's entity codes."""
    return for_terminal(text).translate(_MERMAID)


def for_dot(text: str) -> str:
    """A label inside DOT's double quotes: escaped visibly, then backslash, quote and `&` for Graphviz."""
    return for_terminal(text).translate(_DOT)


def _json_escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def for_json(dumped: str) -> str:
    """JSON text (from `json.dumps(..., ensure_ascii=False)`) with no unsafe character left raw.

    json.dumps escapes C0 controls but leaves DEL, C1 controls, bidi controls
    and unpaired surrogates as they are; these become `\\uXXXX` escapes, so
    every value parses back exactly as it was.
    """
    return _JSON_UNSAFE.sub(_json_escape, dumped)


def first_unsafe(text: str) -> int | None:
    """The index of the first unsafe character of `text`, or None when there is none."""
    match = UNSAFE.search(text)
    return None if match is None else match.start()


def kind_of(char: str) -> str:
    """What an unsafe character is, in words: "a control character", "a bidi control character", ..."""
    if re.fullmatch(f"[{_BIDI}]", char):
        return "a bidi control character"
    if char in _SEPARATORS:
        return "a line or paragraph separator"
    if re.fullmatch(f"[{_SURROGATES}]", char):
        return "an unpaired surrogate"
    if char in _NONCHARACTERS:
        return "a noncharacter"
    return "a control character"


# -- finding unsafe text in a file's models -------------------------------------

_Path = tuple[str | int, ...]


def unsafe_text_findings(model: BaseModel, source: SourceMap) -> list[Diagnostic]:
    """One error (code `control-character`) for each text of `model` that holds an unsafe character.

    Located with the lines `source` kept for `model`'s file; the message names
    the field and the id of the entry it belongs to, and shows the character
    escaped.  Cheap when there is nothing to find: the model's JSON is
    searched first, and the model walked only when it may hold one.
    """
    if not _may_hold_unsafe(model):
        return []
    findings = []
    for path, owner, text in _texts(model):
        index = first_unsafe(text)
        if index is None:
            continue
        char = text[index]
        others = len(UNSAFE.findall(text)) - 1
        field = _field_name(path[len(owner[0]):]) if owner else _field_name(path)
        where = f"the {field} of {owner[1]}" if owner and field else f"the {field or 'value'}"
        more = f" (and {others} more)" if others else ""
        findings.append(source.diagnostic(
            path, codes.CONTROL_CHARACTER,
            f"{where} holds {kind_of(char)}, {escape(char)}, at character {index + 1}{more}",
            "remove it: rule and fact texts may not hold control or bidi characters"))
    return findings


def _may_hold_unsafe(model: BaseModel) -> bool:
    """A cheap first look (a tenth of a second for 50,000 steps): the model's JSON holds a backslash
    (how JSON writes C0 controls, among others) or a raw unsafe character."""
    try:
        dumped = model.__pydantic_serializer__.to_json(model).decode("utf-8")
    except ValueError:  # an unpaired surrogate cannot be serialised: look closer
        return True
    if "\\" in dumped:
        return True
    if dumped.isascii() and "\x7f" not in dumped:  # every other unsafe character is past ASCII
        return False
    return _JSON_UNSAFE.search(dumped) is not None


def _texts(model: BaseModel) -> Iterator[tuple[_Path, tuple[_Path, str] | None, str]]:
    """Every string under `model`: its path, the nearest entry with an id above it (path, id), the text.

    Without recursion: a model is walked with an explicit stack, in document order.
    """
    stack: list[tuple[Any, _Path, tuple[_Path, str] | None]] = [(model, (), None)]
    while stack:
        value, path, owner = stack.pop()
        if isinstance(value, str):
            yield path, owner, value
        elif isinstance(value, BaseModel):
            identifier = getattr(value, "id", None)
            if isinstance(identifier, str):
                owner = (path, identifier)
            items = [(name, getattr(value, name)) for name in type(value).model_fields]
            stack.extend((child, path + (name,), owner) for name, child in reversed(items))
        elif isinstance(value, (list, tuple)):
            stack.extend((child, path + (i,), owner) for i, child in reversed(list(enumerate(value))))
        elif isinstance(value, dict):
            stack.extend((child, path + (key,), owner) for key, child in reversed(list(value.items())))


def _field_name(path: _Path) -> str:
    """`("citation", "quote")` as `citation.quote`, `("aliases", 1)` as `aliases[1]`."""
    name = ""
    for part in path:
        name += f"[{part}]" if isinstance(part, int) else (f".{part}" if name else part)
    return name
