"""YAML parser events to plain data and a map of locations, without a node tree.

`read.parse` used to compose PyYAML's node tree and walk it; a 10,000-step
rule file made a 135 MB tree for a few MB of data.  Here the parser's events
(emitted by libyaml when available) are built straight into dicts and lists in
one tight loop, and a location is kept for each mapping key and sequence item:
where a diagnostic points.  Locations are kept compactly (`Locator`: arrays
of packed line and column, one small record per container), not as a dict
from paths.  A value under an alias is the anchor's own object (YAML aliases
share), so a path inside a replayed alias is located at the alias.

The checks are those of the tree walk, and so is their order of precedence:
a YAML error anywhere in the file wins over an alias problem (an alias to its
own open anchor, an expansion past the node limit), which wins over the first
problem with a value (a duplicate key, a tag, the nesting or node limit).  A
problem is therefore recorded and the rest of the stream only checked (no data
built) before it is raised.
"""

from __future__ import annotations

import sys
from array import array
from typing import Any

import yaml  # type: ignore[import-untyped]  # PyYAML ships no type hints (types-PyYAML is not a dependency)

Mark = tuple[int, int]

_MAP_TAG = "tag:yaml.org,2002:map"
_SEQ_TAG = "tag:yaml.org,2002:seq"
_STR_TAG = "tag:yaml.org,2002:str"
_VALUE_TAG = "tag:yaml.org,2002:value"  # what PyYAML resolves a plain `=` to
_MERGE_TAG = "tag:yaml.org,2002:merge"
_SCALAR_TAGS = {f"tag:yaml.org,2002:{kind}" for kind in ("null", "bool", "int", "float", "timestamp")}
_KIND_NAMES = {"timestamp": "date", "int": "whole number", "float": "number", "bool": "boolean"}
_TOO_MANY = "too many values (aliases expanding without bound?)"
_LOW = (1 << 32) - 1  # a position is packed as line << 32 | column, both counted from 0


def _unpack(packed: int) -> Mark:
    """A packed position as line and column counted from 1."""
    return (packed >> 32) + 1, (packed & _LOW) + 1


class Refused(Exception):
    """A problem with the document's values, at `mark`; `error` when PyYAML's constructor raised one."""

    def __init__(self, mark: Mark, message: str = "", hint: str = "", error: yaml.MarkedYAMLError | None = None):
        super().__init__(message)
        self.mark, self.message, self.hint, self.error = mark, message, hint, error


class Locator:
    """Where each key and item of one document starts, kept compactly.

    Each mapping or sequence is a container number; its direct keys or items
    are a contiguous run of entries from `starts[container]`, each two numbers
    in `entries`: its packed position and the container of its value (-1: a
    scalar or an alias).
    `shapes[container]` is a mapping's keys (one tuple shared by mappings with
    the same keys) or a sequence's length.
    """

    __slots__ = ("root", "root_mark", "starts", "shapes", "entries")

    def __init__(self) -> None:
        self.root, self.root_mark = -1, 0
        self.starts, self.entries = array("i"), array("q")  # "i": under MAX_NODES
        self.shapes: list[tuple[Any, ...] | int] = []

    def where(self, path: tuple[str | int, ...]) -> Mark:
        """Line and column of `path`, or of its nearest located ancestor."""
        found, node = self.root_mark, self.root
        shapes, starts, entries = self.shapes, self.starts, self.entries
        for part in path:
            if node < 0:
                break
            shape = shapes[node]
            if isinstance(shape, int):
                if not isinstance(part, int) or not 0 <= part < shape:
                    break
                position = part
            else:
                try:
                    position = shape.index(part)
                except ValueError:
                    break
            entry = 2 * (starts[node] + position)
            found, node = entries[entry], entries[entry + 1]
        return (found >> 32) + 1, (found & _LOW) + 1


class _Anchor:
    """What an alias replays: the anchored value, its expanded size and height, where it starts (packed)."""

    __slots__ = ("value", "tag", "mark", "size", "height", "open", "scalar")

    def __init__(self, mark: int, tag: str, scalar: bool):
        self.value: Any = None
        self.tag, self.mark, self.scalar = tag, mark, scalar
        self.size, self.height, self.open = 1, 0, True


def short_tag(tag: str) -> str:
    """`!!python/name:os.system` as the author wrote it, not PyYAML's long form."""
    return "!!" + tag[len("tag:yaml.org,2002:"):] if tag.startswith("tag:yaml.org,2002:") else tag


class Builder:
    """Plain data and locations from `loader`'s events (see the module's docstring)."""

    def __init__(self, loader: Any, max_depth: int, max_nodes: int, aliases: bool):
        self.loader, self.max_depth, self.max_nodes = loader, max_depth, max_nodes
        self.aliases = aliases  # the expansion checks run only when the text has a '*', as the tree walk's did
        self.c_composer = type(loader).__module__ == "yaml.cyaml"  # libyaml words its composer errors differently
        self.located = Locator()
        self.anchors: dict[str, _Anchor] = {}
        self.problem: Refused | None = None  # the first problem with a value
        self.expansion: Refused | None = None  # the first alias problem: outranks `problem`
        self.root: Any = None

    def build(self) -> tuple[Any, Locator] | None:
        """The document's data and locations, None for a file without a document."""
        loader = self.loader
        loader.get_event()  # stream start
        if loader.check_event(yaml.StreamEndEvent):
            loader.get_event()
            return None
        loader.get_event()  # document start
        root_mark = self._events()
        loader.get_event()  # document end
        if not loader.check_event(yaml.StreamEndEvent):
            event = loader.get_event()
            raise yaml.composer.ComposerError("expected a single document in the stream", root_mark,
                                              "but found another document", event.start_mark)
        loader.get_event()
        if self.expansion is not None:
            raise self.expansion
        if self.problem is not None:
            raise self.problem
        return self.root, self.located

    def _fail(self, mark: int, message: str, hint: str) -> None:
        """Record the first problem with a value (at packed `mark`), unless one is recorded already."""
        if self.problem is None and self.expansion is None:
            self.problem = Refused(_unpack(mark), message, hint)

    def _expand(self, mark: int, message: str, hint: str) -> None:
        """Record the first alias problem (at packed `mark`)."""
        if self.expansion is None:
            self.expansion = Refused(_unpack(mark), message, hint)

    def _events(self) -> Any:
        """Read the root node's events, building its data and locations; the root's start mark.

        The open container's state is kept in local variables (pushed on
        `stack` when a nested one opens): per-event method calls and attribute
        lookups were most of the load time.
        """
        get, loader, anchors, located = self.loader.get_event, self.loader, self.anchors, self.located
        max_depth, max_nodes, intern = self.max_depth, self.max_nodes, sys.intern
        too_many, too_deep = f"keep documents under {max_nodes:,} values", f"keep nesting under {max_depth} levels"
        scalar_event, alias_event, map_start = yaml.ScalarEvent, yaml.AliasEvent, yaml.MappingStartEvent
        seq_start, seq_end, map_end = yaml.SequenceStartEvent, yaml.SequenceEndEvent, yaml.MappingEndEvent
        resolve, scalar_node = loader.resolve, yaml.ScalarNode
        # Plain text needs no resolver unless its first character may start a number, a boolean, a null...
        resolvers = loader.yaml_implicit_resolvers
        quick = not loader.yaml_path_resolvers and None not in resolvers
        shared: dict[tuple[Any, ...], tuple[Any, ...]] = {}
        starts, shapes, all_entries = located.starts, located.shapes, located.entries
        stack: list[tuple[Any, ...]] = []
        building = True
        values = 0
        first_mark = loader.peek_event().start_mark
        located.root_mark = first_mark.line << 32 | first_mark.column
        # The open container: its data, kind, pending key, size, height, depth, anchor, start, entries.
        data: Any = None
        is_map, key, size, height, depth, anchor, start = False, None, 0, 0, -1, None, 0
        entries: list[int] = []  # its keys' or items' positions, each followed by its value's container
        while True:
            event = get()
            kind = type(event)
            position = event.start_mark
            mark = position.line << 32 | position.column
            kid = -1
            if kind is scalar_event:
                tag = event.tag
                text = event.value
                if tag is None or tag == "!":
                    implicit = event.implicit
                    if quick and (not implicit[0] or (text and text[0] not in resolvers)):
                        tag = _STR_TAG
                    else:
                        tag = resolve(scalar_node, text, implicit)
                item = placed = mark
                new = self._register(event, mark, tag, True) if event.anchor is not None else None
                if is_map and key is None:
                    if tag == _MERGE_TAG:
                        self._fail(mark, "merge keys (<<) are not supported", "write the keys out")
                        building = False
                else:
                    values += 1
                    if values > max_nodes:
                        self._fail(mark, _TOO_MANY, too_many)
                        building = False
                    if depth + 1 > max_depth:
                        self._fail(mark, "nesting too deep", too_deep)
                        building = False
                if tag is _STR_TAG or tag == _STR_TAG or tag == _VALUE_TAG:
                    value = text
                else:
                    value = self._construct(tag, event, mark, building)
                    building = self.problem is None and self.expansion is None
                if new is not None:
                    new.value, new.open = value, False
                grown, high = 1, 0
            elif kind is alias_event:
                replayed = anchors.get(event.anchor)
                if replayed is None:
                    problem = "found undefined alias" if self.c_composer else f"found undefined alias {event.anchor!r}"
                    raise yaml.composer.ComposerError(None, None, problem, position)
                if replayed.open:
                    self._expand(replayed.mark, "an alias refers to itself",
                                 "remove the alias that points into its own anchor")
                    building = False
                    value, grown, high, item = None, 1, 0, mark
                else:
                    if is_map and key is None:
                        if replayed.tag == _MERGE_TAG:
                            self._fail(replayed.mark, "merge keys (<<) are not supported", "write the keys out")
                            building = False
                        elif not replayed.scalar:
                            self._fail(replayed.mark, "a key must be a plain value", "use a word as the key")
                            building = False
                        mark = replayed.mark
                    else:
                        values += 1
                        if values > max_nodes:
                            self._fail(replayed.mark, _TOO_MANY, too_many)
                            building = False
                        if depth + 1 > max_depth:
                            self._fail(replayed.mark, "nesting too deep", too_deep)
                            building = False
                        if depth + 1 + replayed.height > max_depth:
                            self._fail(mark, "nesting too deep", too_deep)
                            building = False
                    value, grown, high, item = replayed.value, replayed.size, replayed.height, replayed.mark
                placed = mark
            elif kind is map_start or kind is seq_start:
                opens_map = kind is map_start
                tag = event.tag
                if tag is None or tag == "!":
                    tag = _MAP_TAG if opens_map else _SEQ_TAG
                new = self._register(event, mark, tag, False) if event.anchor is not None else None
                if is_map and key is None:
                    self._fail(mark, "a key must be a plain value", "use a word as the key")
                    building, inner = False, 0
                else:
                    values += 1
                    inner = depth + 1
                    if values > max_nodes:
                        self._fail(mark, _TOO_MANY, too_many)
                        building = False
                    if inner > max_depth:
                        self._fail(mark, "nesting too deep", too_deep)
                        building = False
                if tag != (_MAP_TAG if opens_map else _SEQ_TAG):
                    self._fail(mark, f"unsupported tag {short_tag(tag)}", "remove the tag")
                    building = False
                stack.append((data, is_map, key, size, height, depth, anchor, start, entries))
                data = ({} if opens_map else []) if building else None
                is_map, key, size, height, depth, anchor, start = opens_map, None, 1, 0, inner, new, mark
                entries = []
                continue
            elif kind is map_end or kind is seq_end:
                value, grown, high, item = data, size, height, start
                if anchor is not None:
                    anchor.value, anchor.size, anchor.height, anchor.open = data, size, height, False
                if self.aliases and size > max_nodes:
                    self._expand(start, _TOO_MANY, too_many)
                    building = False
                if building:
                    kid = len(shapes)
                    starts.append(len(all_entries) // 2)
                    all_entries.extend(entries)
                    if is_map:
                        keys = tuple(data)
                        shapes.append(shared.setdefault(keys, keys))
                    else:
                        shapes.append(len(data))
                placed = start
                data, is_map, key, size, height, depth, anchor, start, entries = stack.pop()
            else:
                raise yaml.composer.ComposerError(None, None, f"unexpected {kind.__name__}", position)
            # The finished value goes where it belongs: the root, an item, a key or a key's value.
            if depth < 0:
                self.root = value
                located.root = kid
                return first_mark
            size += grown
            if not is_map:
                if high >= height:
                    height = high + 1
                if building:
                    data.append(value)
                    entries += (item, kid)
            elif key is None:  # a key: it waits for its value
                if type(value) is str:
                    key = intern(value)
                else:
                    key = value if isinstance(value, (str, int)) else str(value)
                if building:
                    if key in data:
                        first = _unpack(entries[2 * list(data).index(key)])[0]
                        self._fail(placed, f"duplicate key '{key}' (first at line {first})",
                                   "remove or rename one of them")
                        building = False
                    else:
                        entries += (placed, -1)
            else:
                if high >= height:
                    height = high + 1
                if building:
                    data[key] = value
                    if kid >= 0:
                        entries[-1] = kid
                key = None

    def _register(self, event: Any, mark: int, tag: str, scalar: bool) -> _Anchor:
        name = event.anchor
        if name in self.anchors:
            first = self.anchors[name].mark
            context = "found duplicate anchor; first occurrence" if self.c_composer \
                else f"found duplicate anchor {name!r}; first occurrence"
            raise yaml.composer.ComposerError(context, yaml.Mark("", 0, first >> 32, first & _LOW, None, None),
                                              "second occurrence", event.start_mark)
        anchor = self.anchors[name] = _Anchor(mark, tag, scalar)
        return anchor

    def _construct(self, tag: str, event: Any, mark: int, building: bool) -> Any:
        """Scalars other than text (numbers, booleans, dates) through PyYAML's constructor.

        Other tags (`!!binary`, `!!set` on a scalar...) are refused, and a value
        the constructor chokes on (`2020-13-45` read as a date) is located.
        """
        if tag not in _SCALAR_TAGS:
            self._fail(mark, f"unsupported tag {short_tag(tag)}", "remove the tag")
            return None
        if not building:
            return None
        node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
        try:
            return self.loader.yaml_constructors[tag](self.loader, node)
        except yaml.MarkedYAMLError as error:
            self.problem = Refused(_unpack(mark), error=error)
        except (ValueError, TypeError, KeyError, AttributeError, OverflowError) as error:
            kind = short_tag(tag)[2:]
            detail = f": {error}" if kind == "timestamp" and isinstance(error, ValueError) else ""
            self._fail(mark, f"'{event.value}' is not a valid {_KIND_NAMES.get(kind, kind)}{detail}",
                       "quote it if it is meant as text")
        return None
