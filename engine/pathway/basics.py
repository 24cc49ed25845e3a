"""The building blocks every file model shares: ids, texts, values, the strict base model, basis and citation.

`perimeter.pathway.model` (rule and fact files), `perimeter.pathway.readings`
(choices and profiles) and the state and scenario models build on them.
"""

from __future__ import annotations

import datetime
from enum import Enum
from typing import Annotated, ClassVar, Union

from pydantic import BaseModel, BeforeValidator, ConfigDict, Discriminator, StringConstraints, Tag

IDENTIFIER_PATTERN = r"^[A-Za-z][A-Za-z0-9_.-]{0,63}$"

Identifier = Annotated[str, StringConstraints(pattern=IDENTIFIER_PATTERN)]
"""An id a user can type in a shell: a letter, then letters, digits, `_ . -`."""

Text = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]

MAX_VALUE = 256
"""The longest attribute value a fact may carry (a place, a leader, a count, a date)."""
MAX_SOURCE = 1000
"""The longest source a fact may name (a sentence or two, with a reference)."""


def _scalar_text(value: object) -> object:
    """A number or a date YAML read unquoted, as the text it was written as (booleans stay refused)."""
    if isinstance(value, (int, float, datetime.date)) and not isinstance(value, bool):
        return str(value)
    return value


Value = Annotated[str, StringConstraints(min_length=1, max_length=MAX_VALUE, strip_whitespace=True),
                  BeforeValidator(_scalar_text, json_schema_input_type=Union[str, float])]
"""An attribute value: text, or a number or date YAML read unquoted (kept as the text written)."""
Source = Annotated[str, StringConstraints(min_length=1, max_length=MAX_SOURCE, strip_whitespace=True)]


class Strict(BaseModel):
    """Base for every file model: unknown keys are errors, values are frozen."""

    # validators are built on first use: a command builds only those it uses
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    field_hints: ClassVar[dict[str, tuple[str, str]]] = {}
    """A field written where it does not belong (`constraints` on a condition) -> the message and the
    hint that say so, in place of "unknown field" (used by `perimeter.files.schema_words`)."""


class Basis(str, Enum):
    """How firmly the rule set's source text supports a rule.

    `stated` when the text says it in so many words (by step number or by
    naming what the earlier step produced); `implied` when only its wording
    suggests it.  Sequence numbers alone never make a precondition.
    """

    STATED = "stated"
    IMPLIED = "implied"


class Sector(str, Enum):
    """One of the three lanes of a rule set that declares none (the sectors of the paper's charts)."""

    DEFENSE = "defense"
    SECURITY = "security"
    CROSS_SECTOR = "cross-sector"


class Lane(Strict):
    """A band of the pathway's chart that steps are drawn in (a rule set's own, or the three default ones)."""

    id: Identifier
    title: Text


class Citation(Strict):
    """Where the rule set's source says it: the section, and a short word-for-word quote."""

    section: Text
    quote: Text


When = dict[Identifier, Annotated[
    Union[Annotated[Identifier, Tag("one")], Annotated[list[Identifier], Tag("many")]],
    Discriminator(lambda value: "many" if isinstance(value, list) else "one")]]  # one error, not one per branch
"""`when: {CHOICE: ALTERNATIVE}` (or a list of alternatives): counts only under a reading that picks one."""
