"""Pydantic's validation errors in perimeter's words: where, by id; what was expected; what was given.

Pydantic locates a problem by list positions (`steps.2.preconditions.0`) and
words it in its own English ("List should have at least 1 item after
validation, not 0").  Here each problem becomes one Diagnostic at its line
that names the place as an author reads it ("step A4, precondition 1"), says
what was expected and what was given, and offers a "did you mean" for a
misspelt field or value.  A model may add words of its own: `field_hints`
for a field written where it does not belong (`constraints` on a condition),
and a `hint` in the context of a PydanticCustomError its validators raise.
"""

from __future__ import annotations

import datetime
import re
import types
import typing
from collections.abc import Iterable, Mapping
from typing import Annotated, Any, Protocol, Union

from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import ErrorDetails

from .. import codes
from ..errors import Diagnostic
from ..suggest import close_matches, did_you_mean



class SourceMap(Protocol):
    """What this module needs of `perimeter.files.read.SourceMap` (which imports this module): a
    diagnostic located at a path of the file."""

    def diagnostic(self, path: Iterable[str | int], code: str, message: str, hint: str = "",
                   candidates: tuple[str, ...] = ()) -> Diagnostic: ...

Loc = tuple[Union[str, int], ...]

_ENTRY_NOUNS = {
    "steps": "step", "conditions": "condition", "goals": "goal", "preconditions": "precondition",
    "constraints": "constraint", "attributes": "attribute", "lanes": "lane", "levels": "level",
    "relationships": "relationship", "effects": "effect", "involves": "involvement", "facts": "fact",
    "measures": "measure", "history": "history entry", "actors": "actor", "members": "member",
    "allowed": "allowed value", "aliases": "alias",
}
"""What one entry of a list is called; other lists drop a final `s` ("scenarios": "scenario")."""

_PLAIN_ID = re.compile(r"[A-Za-z][A-Za-z0-9_.-]{0,63}")
"""An entry is named by its id (or name) when it is a plain one; otherwise by its position."""

_README = "see the file formats in the README"
_FIELD_CUTOFF = 0.75
"""Field names are short and alike (`citation`, `precondition`): offer only a close one."""


def schema_diagnostic(model: type[BaseModel], data: Any, source: SourceMap, error: ErrorDetails) -> Diagnostic:
    """One pydantic error on `data` (validated as `model`) as a Diagnostic at its line in `source`."""
    loc: Loc = tuple(error["loc"])
    kind = error["type"]
    context = error.get("ctx") or {}
    given = error.get("input")
    if kind in ("extra_forbidden", "missing") and loc:
        where, dotted = _place(data, loc[:-1])
        prefix = f"{where}: " if where else ""
        name = ".".join([*dotted, str(loc[-1])])
        if kind == "missing":
            return source.diagnostic(loc, codes.SCHEMA, f"{prefix}`{name}` is missing", f"add `{loc[-1]}:`")
        return _unknown_field(model, loc, source, prefix, name)
    if loc and loc[-1] == "[key]":  # a mapping's key (an attribute's name) that is no id
        where, dotted = _place(data, loc[:-2])
        subject = f"{where}: a name in `{'.'.join(dotted)}`" if where else f"a name in `{'.'.join(dotted)}`"
        return source.diagnostic(loc[:-1], codes.SCHEMA, f"{subject} must be an id, given {_given(loc[-2])}",
                                 _ID_HINT)
    where, dotted = _place(data, loc)
    subject = _subject(where, dotted)
    if "hint" in context or kind in ("value_error", "assertion_error"):  # a model's own rule, in its own words
        message = str(error["msg"]).removeprefix("Value error, ").removeprefix("Assertion failed, ")
        return source.diagnostic(loc, codes.SCHEMA, f"{where}: {message}" if where else message,
                                 str(context.get("hint", _README)))
    if kind in ("too_short", "too_long"):
        actual = int(context.get("actual_length", 0))
        bound = int(context.get("min_length" if kind == "too_short" else "max_length", 0))
        listed = "is empty" if actual == 0 else f"lists {actual}"
        noun = _ENTRY_NOUNS.get(dotted[-1] if dotted else "") or (dotted[-1].removesuffix("s") if dotted else "item")
        counted = f"{bound} {noun}{'' if bound == 1 else 's'}"
        if kind == "too_short":
            return source.diagnostic(loc, codes.SCHEMA, f"{subject} {listed}: it needs at least {counted}",
                                     f"list at least {bound}")
        return source.diagnostic(loc, codes.SCHEMA, f"{subject} {listed}: it takes {counted} at most",
                                 f"list {bound} at most")
    if kind == "string_too_short":
        return source.diagnostic(loc, codes.SCHEMA, f"{subject} is empty", "write some text; it must not be empty")
    if kind == "string_too_long":
        limit = int(context.get("max_length", 0))
        length = len(given) if isinstance(given, str) else 0
        return source.diagnostic(loc, codes.SCHEMA,
                                 f"{subject} is {length:,} characters long, over the limit of {limit:,}",
                                 "shorten it")
    expected, hint = _expected(kind, context, given)
    if not expected:
        return source.diagnostic(loc, codes.SCHEMA, f"{subject}: {error['msg']}, given {_given(given)}", _README)
    if given is None:  # `id:` with nothing after it
        return source.diagnostic(loc, codes.SCHEMA, f"{subject} has no value: it must be {expected}",
                                 "write the value after the colon")
    candidates = _close_values(kind, context, given)
    return source.diagnostic(loc, codes.SCHEMA, f"{subject} must be {expected}, given {_given(given)}",
                             did_you_mean(candidates) or hint, candidates)


_ID_HINT = "an id starts with a letter, then letters, digits, _ . or -, 64 characters at most"


def _expected(kind: str, context: Mapping[str, Any], given: object) -> tuple[str, str]:
    """What was expected, in words, and how to write it; ("", "") for a kind not worded here."""
    shaped = isinstance(given, (dict, list))
    if kind == "string_type":
        return "text", "write one value, not a list or a mapping" if shaped else "quote it if it is meant as text"
    if kind == "string_pattern_mismatch":
        return "an id", _ID_HINT
    if kind in ("int_type", "int_parsing", "int_from_float", "int_parsing_size"):
        return "a whole number", "write a whole number, such as 4"
    if kind in ("float_type", "float_parsing", "finite_number"):
        return "a number", "write a number, such as 4.5"
    if kind in ("bool_type", "bool_parsing"):
        return "true or false", "write true or false"
    if kind.startswith(("date", "datetime")):
        return "a date", "write a date as YYYY-MM-DD, such as 2013-03-01"
    if kind in ("enum", "literal_error"):
        return f"one of {context.get('expected', '')}", "use one of the listed values"
    if kind in ("list_type", "tuple_type", "set_type"):
        return "a list", "write a list, as [a, b] or one `- ` item a line, and check the indentation"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return "a mapping of `key: value` lines", "check the indentation and the expected shape"
    bounds = {"greater_than_equal": ("ge", "{} or more"), "greater_than": ("gt", "more than {}"),
              "less_than_equal": ("le", "{} or less"), "less_than": ("lt", "less than {}")}
    if kind in bounds:
        key, words = bounds[kind]
        return words.format(context.get(key)), "change the number"
    return "", ""


def _close_values(kind: str, context: Mapping[str, Any], given: object) -> tuple[str, ...]:
    """For a value not among the listed ones: the listed values nearest to it."""
    if kind not in ("enum", "literal_error") or not isinstance(given, str):
        return ()
    return close_matches(given, re.findall(r"'([^']*)'", str(context.get("expected", ""))))


def _unknown_field(model: type[BaseModel], loc: Loc, source: SourceMap, prefix: str, name: str) -> Diagnostic:
    """An unknown field: the model's own words for it where it has them, else a "did you mean"."""
    owner = _model_at(model, loc[:-1])
    field = str(loc[-1])
    hints: Mapping[str, tuple[str, str]] = getattr(owner, "field_hints", {}) if owner else {}
    if field in hints:
        message, hint = hints[field]
        return source.diagnostic(loc, codes.SCHEMA, f"{prefix}{message}", hint)
    known = list(_fields(owner)) if owner else []
    candidates = close_matches(field, known, cutoff=_FIELD_CUTOFF)
    hint = did_you_mean(candidates) or (f"remove it, or use one of: {', '.join(known)}" if known else "remove it")
    return source.diagnostic(loc, codes.SCHEMA, f"{prefix}unknown field '{name}'", hint, candidates)


def _place(data: Any, loc: Loc) -> tuple[str, list[str]]:
    """Where `loc` is, as an author reads it: the entries leading to it ("step A4, precondition 1"),
    and the field within the last of them, as its parts (`citation`, `quote`; a list position as "item 2").

    Parts that are not in the data (pydantic's names for the branches of a union) are passed over.
    """
    entries: list[str] = []
    field: list[str] = []
    node, key = data, ""
    for i, part in enumerate(loc):
        last = i == len(loc) - 1
        if isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            item = node[part]
            if isinstance(item, dict):
                entries.append(f"{_ENTRY_NOUNS.get(key) or key.removesuffix('s')} {_name_of(item, part)}")
                field = []
            else:
                field.append(f"item {part + 1}")
            node = item
        elif isinstance(node, dict) and part in node:
            child = node[part]
            if node is data and part in _ENTRY_NOUNS.values() and isinstance(child, dict) \
                    and isinstance(child.get("id"), str) and _PLAIN_ID.fullmatch(child["id"]):
                entries.append(f"{part} {child['id']}")  # an entry on its own, with an id: `goal: {id: approval}`
                field = []
            elif not isinstance(child, list) or last or not isinstance(loc[i + 1], int) \
                    or not isinstance(_at(child, loc[i + 1]), dict):
                field.append(str(part))
            node, key = child, str(part)
        elif last and isinstance(node, dict):
            field.append(str(part))
    return ", ".join(entries), field


def _at(items: list[Any], index: str | int) -> Any:
    return items[index] if isinstance(index, int) and 0 <= index < len(items) else None


def _name_of(entry: dict[Any, Any], position: int) -> str:
    """An entry's id or name, when it is a plain one; else its position in its list, from 1."""
    for key in ("id", "name"):
        value = entry.get(key)
        if isinstance(value, str) and _PLAIN_ID.fullmatch(value):
            return value
    return str(position + 1)


def _subject(where: str, field: list[str]) -> str:
    """The place and the field in one phrase: "step A4: `sequence`", "`actors` item 2", "step 3"."""
    if not field:
        return where or "the file"
    words = " ".join(f"`{part}`" if not part.startswith("item ") else part for part in _joined(field))
    return f"{where}: {words}" if where else words


def _joined(field: list[str]) -> list[str]:
    """Consecutive names joined by dots (`citation.quote`); list positions stay words of their own."""
    out: list[str] = []
    for part in field:
        if out and not part.startswith("item ") and not out[-1].startswith("item "):
            out[-1] += "." + part
        else:
            out.append(part)
    return out


def _model_at(annotation: Any, loc: Loc) -> type[BaseModel] | None:
    """The model whose fields sit at `loc` under `annotation` (a model, a list of them...), if any."""
    while typing.get_origin(annotation) is Annotated:
        annotation = typing.get_args(annotation)[0]
    origin = typing.get_origin(annotation)
    if origin is Union or origin is types.UnionType:
        for branch in typing.get_args(annotation):
            found = _model_at(branch, loc)
            if found is not None:
                return found
        return None
    is_model = isinstance(annotation, type) and issubclass(annotation, BaseModel)
    if not loc:
        return annotation if is_model else None
    part, rest = loc[0], loc[1:]
    if is_model:
        field = _fields(annotation).get(str(part))
        return _model_at(field.annotation, rest) if field is not None else None
    args = typing.get_args(annotation)
    if origin in (list, tuple, set, frozenset) and isinstance(part, int) and args:
        return _model_at(args[0], rest)
    if origin is dict and len(args) == 2:
        return _model_at(args[1], rest)
    return None


def _fields(model: type[BaseModel]) -> dict[str, FieldInfo]:
    """A model's fields by the names a file writes them with (an alias where one is set)."""
    return {field.alias or name: field for name, field in model.model_fields.items()}


def _given(value: object) -> str:
    """What was given, in words: "text 'one'", "a number 5", "a list", "nothing"."""
    if isinstance(value, (dict, list, type(None))):
        return a_kind(value)
    shown = f"{a_kind(value)} {value!r}" if isinstance(value, (str, int, float)) else f"{a_kind(value)} {value}"
    if len(shown) > 60:
        shown = shown[:57] + (f"... ({len(value):,} characters)" if isinstance(value, str) else "...")
    return shown


def a_kind(value: object) -> str:
    """What a YAML value is, in words: "a mapping", "a list", "text", "a number", "nothing"."""
    if value is None:
        return "nothing"
    return {dict: "a mapping", list: "a list", str: "text", bool: "a boolean", int: "a number",
            float: "a number", datetime.date: "a date", datetime.datetime: "a date and time"}.get(
        type(value), type(value).__name__)
