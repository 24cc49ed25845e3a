"""YAML parser events to plain data and a map of locations, without a node tree.

`read.parse` used to compose PyYAML's node tree and walk it; a 10,000-step
rule file made a 135 MB tree for a few MB of data.  Here the parser's events
(emitted by libyaml when available) are built straight into dicts and lists,
and a location is kept for each mapping key and sequence item: where a
diagnostic points.  A value under an alias is the anchor's own object (YAML
aliases share), so a path inside a replayed alias is located at the alias.

The checks are those of the tree walk, and so is their order of precedence:
a YAML error anywhere in the file wins over an alias problem (an alias to its
own open anchor, an expansion past the node limit), which wins over the first
problem with a value (a duplicate key, a tag, the nesting or node limit).  A
problem is therefore recorded and the rest of the stream only checked (no data
built) before it is raised.
"""

from __future__ import annotations

from typing import Any

import yaml  # type: ignore[import-untyped]  # PyYAML ships no type hints (types-PyYAML is not a dependency)

Path_ = tuple[str | int, ...]
Mark = tuple[int, int]

_MAP_TAG = "tag:yaml.org,2002:map"
_SEQ_TAG = "tag:yaml.org,2002:seq"
_STR_TAG = "tag:yaml.org,2002:str"
_VALUE_TAG = "tag:yaml.org,2002:value"  # what PyYAML resolves a plain `=` to
_MERGE_TAG = "tag:yaml.org,2002:merge"
_SCALAR_TAGS = {f"tag:yaml.org,2002:{kind}" for kind in ("null", "bool", "int", "float", "timestamp")}
_KIND_NAMES = {"timestamp": "date", "int": "whole number", "float": "number", "bool": "boolean"}
_TOO_MANY = "too many values (aliases expanding without bound?)"
_ALIAS = "__alias__"  # the tag recorded for an alias (it has none of its own)


class Refused(Exception):
    """A problem with the document's values, at `mark`; `error` when PyYAML's constructor raised one."""

    def __init__(self, mark: Mark, message: str = "", hint: str = "", error: yaml.MarkedYAMLError | None = None):
        super().__init__(message)
        self.mark, self.message, self.hint, self.error = mark, message, hint, error


class _Anchor:
    """What an alias replays: the anchored value, its expanded size and height, where it starts."""

    __slots__ = ("value", "tag", "mark", "size", "height", "open", "scalar")

    def __init__(self, mark: Mark, tag: str, scalar: bool):
        self.value: Any = None
        self.tag, self.mark, self.scalar = tag, mark, scalar
        self.size, self.height, self.open = 1, 0, True


class _Frame:
    """An open mapping or sequence."""

    __slots__ = ("path", "data", "mark", "size", "height", "anchor", "is_map", "key", "key_mark", "count")

    def __init__(self, path: Path_, data: Any, mark: Mark, anchor: _Anchor | None, is_map: bool):
        self.path, self.data, self.mark, self.anchor, self.is_map = path, data, mark, anchor, is_map
        self.size, self.height, self.count = 1, 0, 0
        self.key: Any = None  # the key awaiting its value, or None when the next event is a key
        self.key_mark: Mark = (0, 0)


def short_tag(tag: str) -> str:
    """`!!python/name:os.system` as the author wrote it, not PyYAML's long form."""
    return "!!" + tag[len("tag:yaml.org,2002:"):] if tag.startswith("tag:yaml.org,2002:") else tag


def _mark(event: Any) -> Mark:
    return event.start_mark.line + 1, event.start_mark.column + 1


class Builder:
    """Plain data and locations from `loader`'s events (see the module's docstring)."""

    def __init__(self, loader: Any, max_depth: int, max_nodes: int, aliases: bool):
        self.loader, self.max_depth, self.max_nodes = loader, max_depth, max_nodes
        self.aliases = aliases  # the expansion checks run only when the text has a '*', as the tree walk's did
        self.c_composer = type(loader).__module__ == "yaml.cyaml"  # libyaml words its composer errors differently
        self.marks: dict[Path_, Mark] = {}
        self.anchors: dict[str, _Anchor] = {}
        self.stack: list[_Frame] = []
        self.values = 0
        self.problem: Refused | None = None  # the first problem with a value
        self.expansion: Refused | None = None  # the first alias problem: outranks `problem`
        self.root: Any = None

    def build(self) -> tuple[Any, dict[Path_, Mark]] | None:
        """The document's data and marks, None for a file without a document."""
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
        return self.root, self.marks

    def _fail(self, mark: Mark, message: str, hint: str) -> None:
        if self.problem is None and self.expansion is None:
            self.problem = Refused(mark, message, hint)

    @property
    def _building(self) -> bool:
        return self.problem is None and self.expansion is None

    def _events(self) -> Any:
        """Read one node's events (the document's root); the start mark of the root."""
        get, stack = self.loader.get_event, self.stack
        root_mark = None
        while True:
            event = get()
            if root_mark is None:
                root_mark = event.start_mark
            kind = type(event)
            if kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
                frame = stack.pop()
                if frame.anchor is not None:
                    frame.anchor.value, frame.anchor.size, frame.anchor.height = frame.data, frame.size, frame.height
                    frame.anchor.open = False
                if self.aliases and frame.size > self.max_nodes and self.expansion is None:
                    self.expansion = Refused(frame.mark, _TOO_MANY, f"keep documents under {self.max_nodes:,} values")
                if self._place(frame.data, frame.size, frame.height, frame.mark, ""):
                    return root_mark
                continue
            if kind is yaml.AliasEvent:
                done = self._alias(event)
            elif kind is yaml.ScalarEvent:
                done = self._scalar(event)
            else:
                self._open(event, kind is yaml.MappingStartEvent)
                continue
            if done:
                return root_mark

    def _path(self, mark: Mark) -> Path_ | None:
        """The path of the value starting now (None for a key), counting it and checking its depth."""
        stack = self.stack
        if not stack:
            path: Path_ = ()
        else:
            top = stack[-1]
            if top.is_map:
                if top.key is None:
                    return None
                path = top.path + (top.key,)
            else:
                path = top.path + (top.count,)
                if self._building:
                    self.marks[path] = mark
        self.values += 1
        if self.values > self.max_nodes:
            self._fail(mark, _TOO_MANY, f"keep documents under {self.max_nodes:,} values")
        if len(path) > self.max_depth:
            self._fail(mark, "nesting too deep", f"keep nesting under {self.max_depth} levels")
        return path

    def _register(self, event: Any, mark: Mark, tag: str, scalar: bool) -> _Anchor | None:
        name = event.anchor
        if name is None:
            return None
        if name in self.anchors:
            first = self.anchors[name].mark
            context = "found duplicate anchor; first occurrence" if self.c_composer \
                else f"found duplicate anchor {name!r}; first occurrence"
            raise yaml.composer.ComposerError(context, yaml.Mark("", 0, first[0] - 1, first[1] - 1, None, None),
                                              "second occurrence", event.start_mark)
        anchor = self.anchors[name] = _Anchor(mark, tag, scalar)
        return anchor

    def _open(self, event: Any, is_map: bool) -> None:
        mark = _mark(event)
        tag = event.tag
        if tag is None or tag == "!":
            tag = _MAP_TAG if is_map else _SEQ_TAG
        anchor = self._register(event, mark, tag, False)
        path = self._path(mark)
        if path is None:
            self._fail(mark, "a key must be a plain value", "use a word as the key")
            path = ()
        elif path == ():
            self.marks.setdefault((), mark)
        if tag != (_MAP_TAG if is_map else _SEQ_TAG):
            self._fail(mark, f"unsupported tag {short_tag(tag)}", "remove the tag")
        data: Any = ({} if is_map else []) if self._building else None
        self.stack.append(_Frame(path, data, mark, anchor, is_map))

    def _scalar(self, event: Any) -> bool:
        mark = _mark(event)
        tag = event.tag
        if tag is None or tag == "!":
            tag = self.loader.resolve(yaml.ScalarNode, event.value, event.implicit)
        anchor = self._register(event, mark, tag, True)
        key = self._key_position()
        if key and tag == _MERGE_TAG:
            self._fail(mark, "merge keys (<<) are not supported", "write the keys out")
        elif not key:
            self._path(mark)
        value = self._construct(tag, event, mark)
        if anchor is not None:
            anchor.value, anchor.open = value, False
        return self._place(value, 1, 0, mark, tag)

    def _alias(self, event: Any) -> bool:
        mark = _mark(event)
        anchor = self.anchors.get(event.anchor)
        if anchor is None:
            problem = "found undefined alias" if self.c_composer else f"found undefined alias {event.anchor!r}"
            raise yaml.composer.ComposerError(None, None, problem, event.start_mark)
        if anchor.open:
            if self.expansion is None:
                self.expansion = Refused(anchor.mark, "an alias refers to itself",
                                         "remove the alias that points into its own anchor")
            return self._place(None, 1, 0, mark, _ALIAS)
        key = self._key_position()
        if key:
            if anchor.tag == _MERGE_TAG:
                self._fail(anchor.mark, "merge keys (<<) are not supported", "write the keys out")
            elif not anchor.scalar:
                self._fail(anchor.mark, "a key must be a plain value", "use a word as the key")
        else:
            path = self._path(anchor.mark)
            if path is not None and self._building and self.stack and not self.stack[-1].is_map:
                self.marks[path] = anchor.mark  # as the tree walk did: an item is where its node starts
            if path is not None and len(path) + anchor.height > self.max_depth:
                self._fail(mark, "nesting too deep", f"keep nesting under {self.max_depth} levels")
        return self._place(anchor.value, anchor.size, anchor.height, anchor.mark if key else mark, _ALIAS)

    def _key_position(self) -> bool:
        return bool(self.stack) and self.stack[-1].is_map and self.stack[-1].key is None

    def _construct(self, tag: str, event: Any, mark: Mark) -> Any:
        """Plain text as is; other scalars (numbers, booleans, dates) through PyYAML's constructor.

        Other tags (`!!binary`, `!!set` on a scalar...) are refused, and a value
        the constructor chokes on (`2020-13-45` read as a date) is located.
        """
        if tag in (_STR_TAG, _VALUE_TAG):
            return event.value
        if tag not in _SCALAR_TAGS:
            self._fail(mark, f"unsupported tag {short_tag(tag)}", "remove the tag")
            return None
        if not self._building:
            return None
        node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
        try:
            return self.loader.yaml_constructors[tag](self.loader, node)
        except yaml.MarkedYAMLError as error:
            if self._building:
                self.problem = Refused(mark, error=error)
        except (ValueError, TypeError, KeyError, AttributeError, OverflowError) as error:
            kind = short_tag(tag)[2:]
            detail = f": {error}" if kind == "timestamp" and isinstance(error, ValueError) else ""
            self._fail(mark, f"'{event.value}' is not a valid {_KIND_NAMES.get(kind, kind)}{detail}",
                       "quote it if it is meant as text")
        return None

    def _place(self, value: Any, size: int, height: int, mark: Mark, tag: str) -> bool:
        """Put a finished value where it belongs; True when it was the document's root."""
        stack = self.stack
        if not stack:
            self.root = value
            if tag:  # a scalar or alias root; a container root was marked when it opened
                self.marks.setdefault((), mark)
            return True
        top = stack[-1]
        top.size += size
        if not top.is_map:
            top.height = max(top.height, height + 1)
            if self._building:
                top.data.append(value)
            top.count += 1
            return False
        if top.key is None:  # a key: it waits for its value
            key = value if isinstance(value, (str, int)) else str(value)
            if self._building and key in top.data:
                first = self.marks.get(top.path + (key,), (0, 0))[0]
                self._fail(mark, f"duplicate key '{key}' (first at line {first})", "remove or rename one of them")
            if self._building:
                self.marks[top.path + (key,)] = mark
            top.key, top.key_mark = key, mark
            return False
        top.height = max(top.height, height + 1)
        if self._building:
            top.data[top.key] = value
        top.key = None
        top.count += 1
        return False
