"""Small rule and fact files for tests, and where the checkout's own files are.

Plain values and functions, never fixtures (those live in the conftest.py
files): a test module imports what it uses, `from builders import rule_set`.
pytest finds this module because tests/conftest.py sits beside it, and in its
default import mode pytest puts a conftest's folder on `sys.path`.

Rule sets are built as the documents a rule file holds:

    rule_set(("plan", []), ("build", ["plan"]))          # steps as (id, needs)
    rule_set("S1", "S2", pathway="tiny")                 # independent steps, with a header
    rule_set(step("A4", "A3", constraints=[constraint("location", "Mexico")]))
    rule_set(step("vote", attributes=[attribute("count", "number", required=True)],
                  constraints=[constraint("count", minimum=2)]))
    rule_set("A3", "A5", "A6", step("A7", need_any("A3", "A5"), need_at_least(2, "A3", "A5", "A6")))

and written with `write_rules` and `write_facts`, or compiled in memory with
`compile_rules`.  `step_line` gives one step as a single line of YAML, for
tests that count lines.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import threading
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml

from perimeter import Pathway, compile_pathway
from perimeter.files.read import SourceMap
from perimeter.pathway.model import RuleFile
from perimeter.state.document import StateDocument
from perimeter.state.store import StateFile

REPO = Path(__file__).resolve().parents[1]
"""The checkout: README.md, rules/, facts/, tests/."""
PAPER = REPO.parent / "shared" / "seed" / "000_65d1125c66a3b996.txt"
"""The paper's text, when it sits beside the checkout (the citation test is skipped otherwise)."""
CASES = Path(__file__).resolve().parent / "cases"
"""The YAML case corpora: bad/ (inputs refused in one line) and questions/ (golden answers)."""

CITE = {"section": "s", "quote": "q"}
"""A citation for rules whose text does not matter to the test."""
FLOW_CITE = "{section: s, quote: q}"
"""`CITE` as YAML flow text, for `step_line`."""

Need = str | Mapping[str, Any]
"""A precondition as `step` and `rule_set` take it: an id, or a `need(...)` mapping."""
StepSpec = str | tuple | Mapping[str, Any]
"""A step as `rule_set` takes it: an id, an `(id, needs)` pair, or a `step(...)` mapping."""


def need(id_: str, basis: str = "stated", citation: Mapping[str, str] = CITE, *,
         to_start: bool = False, when: Mapping[str, str | list[str]] | None = None) -> dict[str, Any]:
    """One precondition: the step or condition `id_`, with its `basis` (stated or implied).

    With `to_start` it is needed to take the step, not to keep it done; with
    `when` ({CHOICE: ALTERNATIVE}) it counts only under a reading that picks it.
    """
    document = _shaped({"requires": id_}, basis, citation, to_start)
    return {**document, "when": dict(when)} if when else document


def need_any(*ids: str, basis: str = "stated", citation: Mapping[str, str] = CITE,
             to_start: bool = False) -> dict[str, Any]:
    """One precondition met by any one of `ids` (`any_of`)."""
    return _shaped({"any_of": list(ids)}, basis, citation, to_start)


def need_at_least(count: int, *ids: str, basis: str = "stated", citation: Mapping[str, str] = CITE,
                  to_start: bool = False) -> dict[str, Any]:
    """One precondition met by `count` of `ids` (`at_least` with `of`)."""
    return _shaped({"at_least": count, "of": list(ids)}, basis, citation, to_start)


def _shaped(shape: dict[str, Any], basis: str, citation: Mapping[str, str], to_start: bool) -> dict[str, Any]:
    document = {**shape, "basis": basis, "citation": dict(citation)}
    if to_start:
        document["to_start"] = True
    return document


def constraint(attribute: str, *allowed: str, basis: str = "stated", citation: Mapping[str, str] = CITE,
               minimum: str | int | None = None, maximum: str | int | None = None) -> dict[str, Any]:
    """One constraint: a done step's `attribute`, when given, must be one of `allowed`,
    or (with `minimum`/`maximum` and no `allowed`) a number or date within them."""
    document: dict[str, Any] = {"attribute": attribute}
    if allowed or (minimum is None and maximum is None):
        document["allowed"] = list(allowed)
    document.update({k: v for k, v in (("min", minimum), ("max", maximum)) if v is not None})
    return {**document, "basis": basis, "citation": dict(citation)}


def attribute(name: str, type_: str = "text", *, required: bool = False, allowed: Iterable[str] | None = None,
              citation: Mapping[str, str] | None = None) -> dict[str, Any]:
    """One declared attribute (`type_` text, number or date), for `step(..., attributes=[...])`."""
    document: dict[str, Any] = {"name": name, "type": type_}
    if required:
        document["required"] = True
    if allowed is not None:
        document["allowed"] = list(allowed)
    if citation is not None:
        document["citation"] = dict(citation)
    return document


def step(id_: str, *needs: Need, sequence: int = 1, title: str | None = None, actors: Iterable[str] = ("us",),
         sector: str = "defense", basis: str = "stated", constraints: Iterable[Mapping[str, Any]] = (),
         citation: Mapping[str, str] = CITE, attributes: Iterable[Mapping[str, Any]] = ()) -> dict[str, Any]:
    """One valid step needing `needs` (ids, taken with `basis`, or `need(...)` mappings), declaring
    `attributes` (`attribute(...)` mappings)."""
    document: dict[str, Any] = {
        "id": id_, "title": title if title is not None else f"Step {id_}", "actors": list(actors),
        "sector": sector, "sequence": sequence, "citation": dict(citation)}
    preconditions = [need(n, basis) if isinstance(n, str) else dict(n) for n in needs]
    if preconditions:
        document["preconditions"] = preconditions
    if constraints:
        document["constraints"] = [dict(c) for c in constraints]
    if attributes:
        document["attributes"] = [dict(a) for a in attributes]
    return document


def choice(id_: str, *alternatives: str, default: str | None = None) -> dict[str, Any]:
    """One choice of a reading, with `alternatives` (ids; the first is the default unless `default` says)."""
    return {"id": id_, "question": f"Which {id_}?", "citations": [dict(CITE)],
            "alternatives": [{"id": a, "summary": f"alternative {a}"} for a in alternatives],
            "default": default or alternatives[0], "reason": "the first"}


def rule_set(*steps: StepSpec, pathway: str | None = None, title: str | None = None,
             conditions: Iterable[str | Mapping[str, Any]] = (), goal: Iterable[Need] | None = None,
             basis: str = "stated", choices: Iterable[Mapping[str, Any]] = (),
             profiles: Mapping[str, Mapping[str, str]] | None = None) -> dict[str, Any]:
    """A rule file's document.

    Each of `steps` is a `step(...)` mapping, an `(id, needs)` pair, or a bare
    id (no needs); pairs and ids are numbered 1, 2, ... in the order given.
    `pathway` adds the `pathway:` header with that id (without one, a rule set
    is told apart by its content).  `conditions` are ids or mappings; `goal`
    the needs of a goal, when there is one.  `choices` are `choice(...)`
    mappings; `profiles` maps a profile's id to its picks.
    """
    built = []
    for number, spec in enumerate(steps, 1):
        if isinstance(spec, str):
            built.append(step(spec, sequence=number, basis=basis))
        elif isinstance(spec, tuple):
            id_, needs = spec
            built.append(step(id_, *needs, sequence=number, basis=basis))
        else:
            built.append(dict(spec))
    document: dict[str, Any] = {}
    if pathway is not None:
        document["pathway"] = {"id": pathway, "title": title or f"Test rule set {pathway}"}
    if conditions:
        document["conditions"] = [{"id": c, "title": f"Condition {c}"} if isinstance(c, str) else dict(c)
                                  for c in conditions]
    document["steps"] = built
    if goal is not None:
        document["goal"] = {"title": "The goal", "citation": dict(CITE),
                            "preconditions": [need(n, basis) if isinstance(n, str) else dict(n) for n in goal]}
    if choices:
        document["choices"] = [dict(c) for c in choices]
    if profiles:
        document["profiles"] = [{"id": p, "title": f"Profile {p}", "choices": dict(picks)}
                                for p, picks in profiles.items()]
    return document


def write_rules(where: Path, *steps: StepSpec, **options: Any) -> Path:
    """`rule_set(*steps, **options)` written to `where` (a file, or `rules.yaml` in a folder); its path.

    A single mapping with a `steps` key is taken as a whole document.
    """
    if len(steps) == 1 and isinstance(steps[0], Mapping) and "steps" in steps[0] and not options:
        document = dict(steps[0])
    else:
        document = rule_set(*steps, **options)
    path = where / "rules.yaml" if where.is_dir() else where
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return path


def write_facts(path: Path, *facts: str | Mapping[str, Any]) -> Path:
    """A fact file holding `facts` (ids, or mappings such as `{"id": "vetting", "source": "a memo"}`); its path.

    With no facts it is `facts: []`, which starts a state from nothing.
    """
    document = {"facts": [{"id": f} if isinstance(f, str) else dict(f) for f in facts]}
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return path


def compile_rules(document: Mapping[str, Any], source: str = "<test>") -> Pathway:
    """The compiled `Pathway` of a rule file's document, without writing it anywhere."""
    return compile_pathway([(RuleFile.model_validate(dict(document)), SourceMap(source, {}))])


def step_line(id_: str, *needs: str, sequence: int = 1, sector: str = "defense", basis: str = "stated") -> str:
    """One valid step as a single line of a `steps:` list, needing `needs`."""
    pre = ", ".join(f"{{requires: {n}, basis: {basis}, citation: {FLOW_CITE}}}" for n in needs)
    return (f"  - {{id: {id_}, title: Step {id_}, actors: [x], sector: {sector}, sequence: {sequence}, "
            f"citation: {FLOW_CITE}, preconditions: [{pre}]}}\n")


@contextlib.contextmanager
def umask(mask: int) -> Iterator[None]:
    """Run the block under the file-creation mask `mask`."""
    old = os.umask(mask)
    try:
        yield
    finally:
        os.umask(old)


def mode(path: Path) -> int:
    """The permission bits of `path` itself (a link's own, not its target's)."""
    return stat.S_IMODE(os.lstat(path).st_mode)


def commit_state(store: StateFile, state: StateDocument) -> None:
    """Write `state` through `store`'s own transaction, as a command does."""
    with store.transaction() as (_current, box):
        box.append(state)


HANG = 60
"""Seconds a helper thread may take before a test calls it hung: a guard, never a timing."""


class FifoReader:
    """A thread reading a FIFO to its end, as the other side of a pipe would."""

    def __init__(self, fifo: Path):
        self.data = b""
        self.thread = threading.Thread(target=self._read, args=(fifo,), daemon=True)
        self.thread.start()

    def _read(self, fifo: Path) -> None:
        with open(fifo, "rb") as pipe:
            self.data = pipe.read()

    def result(self) -> bytes:
        """What was read, once the writer closed its end."""
        self.thread.join(HANG)
        assert not self.thread.is_alive(), "the reader never saw the end of the data"
        return self.data


@contextlib.contextmanager
def full_device() -> Iterator[None]:
    """Writes into any FIFO fail with ENOSPC, as /dev/full's do (the real /dev is never touched)."""
    real_write = os.write

    def full(fd: int, data: bytes) -> int:
        if stat.S_ISFIFO(os.fstat(fd).st_mode):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_write(fd, data)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(os, "write", full)
        yield
