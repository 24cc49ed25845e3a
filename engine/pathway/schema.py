"""The JSON Schema of rule and fact files, so editors can check them as they are typed."""

from __future__ import annotations

from typing import Any, Union

from pydantic import TypeAdapter

from ..pathway.model import FactFile, RuleFile


def json_schema() -> dict[str, Any]:
    """One schema accepting a rule file or a fact file."""
    schema = TypeAdapter(Union[RuleFile, FactFile]).json_schema()
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "title": "perimeter rule or fact file", **schema}
