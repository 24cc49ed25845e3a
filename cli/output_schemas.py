"""The published shape of every command's `--json` output: one JSON Schema per command, as data.

`perimeter schema --output-of COMMAND` prints one (`errors`: the object any command prints in
place of its answer when it fails under `--json`).  The parts that are the library's answers
dumped as they are (an explanation, a plan item, a comparison, a history entry...) are generated
from their pydantic models, so they cannot drift from what is printed; the envelopes the
renderers build around them are written out here.  Every output carries `"format"`
(`render.FORMAT`); a command that answers several targets at once (`why A1 A7`) prints
`{"format": N, "answers": [...]}`, each answer as one target's would be (without its own format).
tests/cli/test_output_schemas.py checks real outputs of every command against these.
"""

from __future__ import annotations

import copy
from typing import Any

from perimeter import Comparison, Explanation, Leverage, Link, Mismatch, Plan, PreconditionCoverage, RelationshipAnswer
from perimeter.answers.plan import PlanItem
from perimeter.answers.ranking import Ranking
from perimeter.answers.spectrum import MeasureStatus
from perimeter.bench import BenchRun
from perimeter.state.document import Entry
from pydantic.json_schema import models_json_schema

from .render import FORMAT

_MODELS = (Explanation, RelationshipAnswer, Plan, PlanItem, Leverage, Link, Comparison, Entry, BenchRun, Mismatch,
           PreconditionCoverage, Ranking, MeasureStatus)
_, _GENERATED = models_json_schema([(m, "serialization") for m in _MODELS], ref_template="#/$defs/{model}")
DEFS: dict[str, Any] = _GENERATED["$defs"]
"""The generated parts, by model name, with the few written out below (why's flat tree, each command's answer)."""


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/$defs/{name}"}


def _array(items: dict[str, Any]) -> dict[str, Any]:
    return {"type": "array", "items": items}


def _object(required: dict[str, Any], optional: dict[str, Any] | None = None) -> dict[str, Any]:
    """An object with these properties, the first all required; others may be added in the same format."""
    return {"type": "object", "properties": {**required, **(optional or {})}, "required": list(required)}


STRING, INTEGER, BOOLEAN = {"type": "string"}, {"type": "integer"}, {"type": "boolean"}
NULLABLE_STRING, NULLABLE_INTEGER = {"type": ["string", "null"]}, {"type": ["integer", "null"]}
STRINGS = _array(STRING)
CITATION = _object({"section": STRING, "quote": STRING})
BLOCKER = _object({"id": STRING, "kind": STRING, "basis": STRING, "to_start": BOOLEAN, "citation": CITATION})
STANDING = _object({"id": STRING, "title": STRING, "state": STRING, "blockers": _array(BLOCKER)})



def _with(name: str, **fields: Any) -> dict[str, Any]:
    """A model's part with the fields a renderer adds to it (the models admit no field they do not name)."""
    part: dict[str, Any] = copy.deepcopy(DEFS[name])
    part["properties"].update(fields)
    return part


def _answer(name: str, **fields: Any) -> dict[str, Any]:
    """A model's part as an answer prints it: with its `format` (and `why --explain-match`'s `match`)."""
    return _with(name, format={"const": FORMAT}, **fields)


# why: the explanation with its tree flattened (cli/render.py why_json): `tree` and each node's `needs` are indexes
_node = copy.deepcopy(DEFS["Reason"])
_node["properties"]["needs"] = _array(INTEGER)
_why = _answer("Explanation", match={"$ref": "#/$defs/Ranking"}, nodes=_array({"$ref": "#/$defs/WhyNode"}),
               tree=_array(INTEGER))
_why["required"] = sorted({*_why.get("required", ()), "target", "state", "tree", "nodes"})
DEFS.update({"WhyNode": _node, "WhyExplanation": _why,
             "WhyRelationship": _answer("RelationshipAnswer", match={"$ref": "#/$defs/Ranking"}),
             "LeverageAnswer": _answer("Leverage"), "ComparisonAnswer": _answer("Comparison"),
             "CoveredPrecondition": _with("PreconditionCoverage", covered={"type": "boolean"})})

_CHANGE = _object({
    "changes": _array(_object({"id": STRING, "from": STRING, "to": STRING})),
    "spectrum": _array(_object({"id": STRING, "from": INTEGER, "to": INTEGER, "from_name": STRING,
                                "to_name": STRING})),
    "summary": STRING, "hypothetical": BOOLEAN})
"""assert, retract and what-if: what moved, and the change in words (a what-if's says "would")."""

_PLAN = _object({"target": STRING, "reading": STRING, "order": STRINGS, "items": _array(_ref("PlanItem")),
                 "reason": DEFS["Plan"]["properties"]["reason"]},
                {"rounds": _array(STRINGS), "size": INTEGER, "pace": STRINGS, "links": _array(_ref("Link"))})
"""A plan; with --rounds also its rounds, size, the pace-setting chain and the links that cite it."""

_RULE = _object({"id": STRING, "title": STRING, "kind": STRING, "aliases": STRINGS, "terms": STRINGS},
                {"preconditions": _array(_object({"need": STRING, "basis": STRING, "citation": CITATION,
                                                  "when": {"type": "object"}})),
                 "attributes": _array({"type": "object"}), "constraints": _array({"type": "object"})})
"""A step or condition as its rule file has it (show): only its common fields are fixed here."""

_ANSWERS: dict[str, dict[str, Any]] = {
    "why": {"anyOf": [_ref("WhyExplanation"), _ref("WhyRelationship")]},
    "plan": _PLAN,
    "leverage": _ref("LeverageAnswer"),
    "show": _RULE,
}
"""The commands that answer each target they are given: one answer, or several in `answers`."""

_SINGLE: dict[str, dict[str, Any]] = {
    "status": _object({
        "state_file": STRING, "pathway": STRING, "reading": STRING, "steps": _array(STANDING),
        "conditions": _array(_object({"id": STRING, "holds": BOOLEAN})),
        "goal": {"anyOf": [STANDING, {"type": "null"}]}, "goals": _array(STANDING),
        "distances": _array(_object({"target": STRING, "rounds": INTEGER, "size": INTEGER, "pace": STRINGS}))}),
    "next": _object({"steps": _array(_object({"id": STRING, "title": STRING}))}),
    "assert": _CHANGE, "retract": _CHANGE, "what-if": _CHANGE,
    "spectrum": _object({"title": STRING, "reading": STRING, "scale": STRINGS, "relationships": _array(_object({
        "id": STRING, "title": STRING, "members": STRINGS, "level": INTEGER, "level_name": STRING,
        "measures": _array({"type": "object"})}))}),
    "check": _object({"findings": _array(_object({
        "file": STRING, "line": INTEGER, "col": INTEGER, "code": STRING,
        "severity": {"enum": ["error", "warning"]}, "message": STRING, "hint": STRING}))}),
    "readings": _object({
        "choices": _array(_object({"id": STRING, "question": STRING, "default": STRING, "reason": STRING,
                                   "citations": _array(CITATION),
                                   "alternatives": _array(_object({"id": STRING, "summary": STRING,
                                                                   "note": NULLABLE_STRING})),
                                   "in_force": STRING})),
        "profiles": _array(_object({"id": STRING, "title": STRING, "note": NULLABLE_STRING,
                                    "choices": {"type": "object", "additionalProperties": STRING}})),
        "in_force": NULLABLE_STRING, "reading": STRING}),
    "compare": _ref("ComparisonAnswer"),
    "test": _object({
        "pathway": STRING, "reading": STRING, "passed": BOOLEAN,
        "counts": _object({"scenarios": INTEGER, "passed": INTEGER, "failed": INTEGER}), "files": STRINGS,
        "scenarios": _array(_object({"name": STRING, "file": STRING, "line": INTEGER, "from": NULLABLE_STRING,
                                     "actions": INTEGER, "passed": BOOLEAN, "mismatches": _array(_ref("Mismatch"))})),
        "coverage": {"anyOf": [{"type": "null"}, _object({
            "states": INTEGER, "covered": INTEGER, "total": INTEGER, "percent": {"type": "number"},
            "preconditions": _array(_ref("CoveredPrecondition"))})]}}),
    "bench": _object({"runs": _array(_ref("BenchRun"))}),
    "history": _object({"entries": _array(_ref("Entry"))}),
    "reset": _object({"state_file": STRING, "backup": NULLABLE_STRING}),
    "errors": _object({"errors": _array(_object({
        "code": STRING, "message": STRING, "file": NULLABLE_STRING, "line": NULLABLE_INTEGER,
        "column": NULLABLE_INTEGER, "hint": NULLABLE_STRING, "candidates": STRINGS}))}),
}
"""The commands that give one answer, and `errors`: what any command prints instead when it fails."""

SCHEMAS = sorted([*_ANSWERS, *_SINGLE])
"""Every name `schema --output-of` knows: the commands with `--json`, and `errors`."""


def schema_of(command: str) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of `command --json`'s output; `errors`: of any command's errors."""
    from .facts_args import UsageError

    if command not in SCHEMAS:
        from perimeter.suggest import close_matches, did_you_mean

        near = close_matches(command, SCHEMAS)
        raise UsageError(f"no command '{command}' answers in JSON",
                         hint=did_you_mean(near) or "one of: " + ", ".join(SCHEMAS), candidates=list(near))
    version = {"format": {"const": FORMAT, "description": "The version of this shape (raised when a field is "
                                                         "removed or changes meaning)."}}
    if command in _ANSWERS:
        answer = _ANSWERS[command]
        body: dict[str, Any] = {
            "type": "object", "properties": version, "required": ["format"],
            "anyOf": [answer, {"type": "object", "required": ["answers"],
                               "properties": {"answers": _array(answer)}}]}
        note = f"`{command}`'s answer for one target; for several, `answers` holds one each."
    else:
        body = {"allOf": [_SINGLE[command]], "type": "object", "properties": version, "required": ["format"]}
        note = ("What a command prints on standard output in place of its answer when it fails under --json."
                if command == "errors" else f"`perimeter {command} --json`")
    used = _used(body)
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": f"perimeter {command} --json",
            "description": note, **body, **({"$defs": used} if used else {})}


def _used(schema: Any) -> dict[str, Any]:
    """The parts of DEFS a schema refers to, directly or through other parts."""
    found: dict[str, Any] = {}
    stack = [schema]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            ref = item.get("$ref", "")
            name = ref.rpartition("/")[2] if ref.startswith("#/$defs/") else ""
            if name and name not in found:
                found[name] = DEFS[name]
                stack.append(DEFS[name])
            stack.extend(v for k, v in item.items() if k != "$ref")
        elif isinstance(item, list):
            stack.extend(item)
    return dict(sorted(found.items()))
