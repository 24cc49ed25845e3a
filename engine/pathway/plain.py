"""Compiled values to plain JSON data and back, led by their type annotations.

The compiled cache (`perimeter.pathway.cache`) stores a `Pathway` or a
`Baseline` as JSON, which cannot run code when read, and rebuilds it without
validating it a second time.  A `Codec` is made for one root type: it walks
the annotations of that type's dataclasses and pydantic models once, and
builds for each an encoder and a decoder.  Only the types reachable from the
root's annotations can be made from a file; nothing in the data names a class.

A dataclass or model is stored as a list of its fields, in declaration order
(a model adds a last item: which fields were set, as a bit mask).  An equal,
hashable value already stored is stored again as its number among the values
of its class, so a citation repeated on 40,000 preconditions is made once
(models only: what files say repeats, compiled values do not).
Values are rebuilt as pickle rebuilds them: the instance's dictionary is
filled in, with no `__init__`, `__post_init__` or validator run.  Tuples,
frozensets and enums come back as such; dictionaries keep their order.
"""

from __future__ import annotations

import dataclasses
import hashlib
import operator
import re
import enum
import types
import typing
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from pydantic import BaseModel

T = TypeVar("T")
Encode = Callable[[Any], Any]
Decode = Callable[[Any], Any]
_PLAIN = (str, int, float, bool, type(None))
_new = object.__new__


class Unsupported(TypeError):
    """A type the codec cannot store faithfully (`Any`, a callable, a union of classes)."""


class _Kind:
    """How one class is stored: its field names and each field's encoder and decoder (None: as is)."""

    def __init__(self, cls: type, model: bool):
        self.cls, self.model = cls, model
        self.names: tuple[str, ...] = ()
        self.types: tuple[str, ...] = ()
        self.encoders: tuple[Encode | None, ...] = ()
        self.decoders: tuple[tuple[int, Decode], ...] = ()
        # What files say (a citation, a fact) repeats; a compiled value (a location, a step) does not.
        self.shared = model


class Codec(Generic[T]):
    """Encode values of `root` as plain data, and decode such data back into equal values."""

    def __init__(self, root: type[T]):
        self._kinds: dict[type, _Kind] = {}
        self._root = root
        self._plan = self._type(root)
        shape = [(k.cls.__module__, k.cls.__qualname__, k.names, k.types) for k in self._kinds.values()]
        self.signature = hashlib.sha256(repr(shape).encode("utf-8")).hexdigest()[:16]
        """Changes when a class reachable from `root` gains, loses or retypes a field: old data is then refused."""

    def encode(self, value: T) -> Any:
        """`value` as JSON-ready lists, dictionaries, strings and numbers."""
        memo: dict[type, dict[Any, int]] = {}
        counts: dict[type, int] = {}
        return self._encoder(self._plan, memo, counts)(value)

    def decode(self, data: Any) -> T:
        """The value `encode` gave `data` for; any exception means the data is not such a value."""
        tables: dict[type, list[Any]] = {cls: [] for cls in self._kinds}
        value = self._decoder(self._plan, tables)(data)
        if not isinstance(value, self._root):
            raise TypeError(f"not a {self._root.__name__}")
        return value

    # -- planning: one tree of type descriptions per root ----------------------------------

    def _type(self, tp: Any) -> Any:
        """A description of `tp`: None when plain JSON round-trips it, else a tuple naming what to do."""
        origin, args = typing.get_origin(tp), typing.get_args(tp)
        if origin is typing.Annotated:
            return self._type(args[0])
        if tp in _PLAIN or tp is None:
            return None
        if origin is typing.Literal:
            if all(isinstance(a, _PLAIN) for a in args):
                return None
            raise Unsupported(f"a literal of {args}")
        if isinstance(tp, type) and issubclass(tp, enum.Enum):
            return ("enum", tp, {member.value: member for member in tp})
        if isinstance(tp, type) and (dataclasses.is_dataclass(tp) or issubclass(tp, BaseModel)):
            return ("class", self._class(tp))
        if origin in (typing.Union, types.UnionType):
            described = [self._type(a) for a in args if a is not type(None)]
            if all(d is None for d in described):
                return None
            if len(described) == 1:
                return ("optional", described[0])
            raise Unsupported(f"a union of {args}")
        if origin is list:
            inner = self._type(args[0])
            return None if inner is None else ("list", inner)
        if origin is tuple:
            if len(args) == 2 and args[1] is Ellipsis:
                return ("tuple", self._type(args[0]))
            return ("fixed", tuple(self._type(a) for a in args))
        if origin in (frozenset, set):
            return (origin.__name__, self._type(args[0]))
        if origin is dict:
            key, value = self._type(args[0]), self._type(args[1])
            keys_plain = key is None and _str_like(args[0])
            if keys_plain:
                return None if value is None else ("dict", value)
            return ("pairs", key, value)
        raise Unsupported(f"the type {tp!r}")

    def _class(self, cls: type) -> _Kind:
        if cls in self._kinds:
            return self._kinds[cls]
        model = issubclass(cls, BaseModel)
        kind = _Kind(cls, model)
        self._kinds[cls] = kind  # before its fields: a class may contain itself
        if model:
            fields = {name: info.annotation for name, info in cls.model_fields.items()}  # type: ignore[attr-defined]
        else:
            hints = typing.get_type_hints(cls, include_extras=True)
            fields = {f.name: hints[f.name] for f in dataclasses.fields(cls)}
        described = [self._type(tp) for tp in fields.values()]
        kind.names = tuple(fields)
        kind.types = tuple(re.sub(r" at 0x[0-9a-f]+", "", repr(tp)) for tp in fields.values())  # no addresses
        kind.encoders = tuple(described)
        kind.decoders = tuple((i, d) for i, d in enumerate(described) if d is not None)
        return kind

    # -- encoding --------------------------------------------------------------------

    def _encoder(self, plan: Any, memo: dict[type, dict[Any, int]], counts: dict[type, int]) -> Encode:
        by_class: dict[type, Encode] = {}

        def build(plan: Any) -> Encode:
            what = plan[0]
            common = _common(plan, object_encoder, lambda _members: _value_of, encoder)
            if common is not None:
                return common
            if what == "fixed":
                parts = [encoder(p) for p in plan[1]]
                return lambda value: [v if p is None else p(v) for p, v in zip(parts, value)]
            if what == "pairs":
                key, item = encoder(plan[1]), encoder(plan[2])
                return lambda value: [[k if key is None else key(k), v if item is None else item(v)]
                                      for k, v in value.items()]
            each = encoder(plan[1])
            if what == "dict":
                return lambda value: {k: each(v) for k, v in value.items()}  # type: ignore[misc]
            return list if each is None else (lambda value: [each(v) for v in value])  # list, tuple, (frozen)set

        encoder = _memoized(build)

        def object_encoder(kind: _Kind) -> Encode:
            if kind.cls in by_class:
                return by_class[kind.cls]
            converts: list[tuple[int, Encode]] = []  # the fields that are not stored as they are
            # By value, and by identity (an int key: the object met again, as the compiler shares citations).
            seen = memo.setdefault(kind.cls, {})
            names, model, shared = kind.names, kind.model, kind.shared
            get = operator.attrgetter(*names) if len(names) > 1 else (lambda value: (getattr(value, names[0]),))

            def encode(value: Any) -> Any:
                if shared and id(value) in seen:
                    return seen[id(value)]
                values = get(value)
                key: Any = None
                if shared:
                    try:
                        key = (values, frozenset(value.model_fields_set))
                        if key in seen:
                            return seen[key]
                    except TypeError:  # unhashable (a dictionary among its fields): stored in full
                        key = None
                data = list(values)
                for i, convert in converts:
                    data[i] = convert(data[i])
                if model:
                    data.append(sum(1 << i for i, name in enumerate(names) if name in value.model_fields_set))
                if shared:  # numbered as the decoder numbers them: each stored in full, after its fields
                    number = counts.get(kind.cls, 0)
                    counts[kind.cls] = number + 1
                    if key is not None:
                        seen[key] = seen[id(value)] = number
                return data

            by_class[kind.cls] = encode
            converts.extend((i, convert) for i, p in enumerate(kind.encoders) if (convert := encoder(p)) is not None)
            return encode

        top = encoder(plan)
        return top if top is not None else (lambda value: value)

    # -- decoding --------------------------------------------------------------------

    def _decoder(self, plan: Any, tables: dict[type, list[Any]]) -> Decode:
        by_class: dict[type, Decode] = {}

        def build(plan: Any) -> Decode:
            what = plan[0]
            common = _common(plan, object_decoder, lambda members: members.__getitem__, decoder)
            if common is not None:
                return common
            return _container(what, plan, decoder(plan[1]) if what != "fixed" else None, decoder)

        decoder = _memoized(build)

        def object_decoder(kind: _Kind) -> Decode:
            if kind.cls in by_class:
                return by_class[kind.cls]
            table, cls, names, shared, model = tables[kind.cls], kind.cls, kind.names, kind.shared, kind.model
            fields: list[tuple[int, Decode]] = []

            def decode(data: Any) -> Any:
                if type(data) is int:
                    return table[data]
                for i, convert in fields:
                    item = data[i]
                    if item is not None:
                        data[i] = convert(item)
                value: Any
                if model:
                    mask = data.pop()
                    value = cls.model_construct(  # type: ignore[attr-defined]
                        {n for i, n in enumerate(names) if mask >> i & 1}, **dict(zip(names, data)))
                else:
                    value = _new(cls)
                    value.__dict__.update(zip(names, data))
                if shared:
                    table.append(value)
                return value

            by_class[kind.cls] = decode
            # After it is registered, so a class that contains itself finds its own decoder.
            fields.extend((i, typing.cast(Decode, decoder(p))) for i, p in kind.decoders)
            return decode

        top = decoder(plan)
        return top if top is not None else (lambda data: data)


def _memoized(build: Callable[[Any], Encode]) -> Callable[[Any], Encode | None]:
    """`build` for each plan, once (plans are shared, and a class may contain itself); None for a plain one."""
    made: dict[int, Encode] = {}

    def get(plan: Any) -> Encode | None:
        if plan is None:
            return None
        if id(plan) not in made:
            made[id(plan)] = build(plan)
        return made[id(plan)]

    return get


def _common(plan: Any, of_class: Callable[[_Kind], Encode], of_enum: Callable[[dict[Any, Any]], Encode],
            recurse: Callable[[Any], Encode | None]) -> Encode | None:
    """The encoder or decoder of a class, an enum or an optional value; None for a container."""
    what = plan[0]
    if what == "class":
        return of_class(plan[1])
    if what == "enum":
        return of_enum(plan[2])
    if what == "optional":
        return _or_none(typing.cast(Encode, recurse(plan[1])))
    return None


def _or_none(convert: Encode) -> Encode:
    return lambda value: None if value is None else convert(value)


_value_of: Callable[[enum.Enum], Any] = operator.attrgetter("_value_")
"""A member's value (`.value`, without the property's cost)."""


def _container(what: str, plan: Any, inner: Decode | None, decoder: Callable[[Any], Decode | None]) -> Decode:
    """The decoder of a list, tuple, set, frozenset or dictionary whose items need decoding (`inner`)."""
    if what == "fixed":
        parts = [decoder(p) for p in plan[1]]
        return lambda data: tuple(v if p is None else p(v) for p, v in zip(parts, data, strict=True))
    if what == "pairs":
        key, value = decoder(plan[1]), decoder(plan[2])
        return lambda data: {(k if key is None else key(k)): (v if value is None else value(v)) for k, v in data}
    if inner is None:
        return {"tuple": tuple, "frozenset": frozenset, "set": set}[what]
    if what == "dict":
        return lambda data: {k: inner(v) for k, v in data.items()}
    build: Callable[[Any], Any] = {"tuple": tuple, "frozenset": frozenset, "set": set, "list": list}[what]
    return lambda data: build([inner(v) for v in data])


def _str_like(tp: Any) -> bool:
    """Whether dictionary keys of type `tp` are strings as JSON keeps them."""
    while typing.get_origin(tp) is typing.Annotated:
        tp = typing.get_args(tp)[0]
    return tp is str
