"""Attribute values as their declared type reads them: parsed, folded and ordered.

A fact stores each value as given (trimmed); rules compare the value's *key*:
text folded (Unicode NFKD, combining marks dropped, then casefolded, so
"Cancún" matches "CANCUN"), a number written in its shortest form ("04.50" is
"4.5"), a date as ISO `YYYY-MM-DD`.  Numbers and dates are ordered by value
for `min`/`max`.  Every function here is total on text a fact may hold: a value
that does not parse keys as folded text and orders as nothing, so a
hand-edited state can never crash an evaluator.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from decimal import Decimal
from typing import Union

from ..pathway.model import AttributeType

Ordered = Union[Decimal, datetime.date]
"""What a number or a date is compared as."""

_NUMBER = re.compile(r"([+-]?)(\d+)(?:\.(\d+))?")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

EXPECTED = {
    AttributeType.TEXT: "text",
    AttributeType.NUMBER: "a number such as 12 or 3.5",
    AttributeType.DATE: "a date as YYYY-MM-DD, such as 2013-03-01",
}
"""What a value of each type looks like, for messages."""


def fold(text: str) -> str:
    """`text` compared without case or accents: NFKD, combining marks dropped, casefolded."""
    decomposed = unicodedata.normalize("NFKD", text.strip())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def problem(kind: AttributeType, text: str) -> str | None:
    """Why `text` is not a value of `kind` (a phrase), or None when it is."""
    value = text.strip()
    if kind is AttributeType.NUMBER and _NUMBER.fullmatch(value) is None:
        return f"'{value}' is not a number"
    if kind is AttributeType.DATE:
        if _DATE.fullmatch(value) is None:
            return f"'{value}' is not a date as YYYY-MM-DD"
        try:
            datetime.date.fromisoformat(value)
        except ValueError as error:
            return f"'{value}' is not a date: {error}"
    return None


def key(kind: AttributeType, text: str) -> str:
    """What `text` is compared as for equality: see the module's docstring."""
    value = text.strip()
    if kind is AttributeType.NUMBER:
        match = _NUMBER.fullmatch(value)
        if match is not None:
            sign, whole, fraction = match.groups()
            fraction = (fraction or "").rstrip("0")
            shortest = (whole.lstrip("0") or "0") + ("." + fraction if fraction else "")
            return "-" + shortest if sign == "-" and shortest != "0" else shortest
    if kind is AttributeType.DATE and problem(kind, value) is None:
        return value
    return fold(value)


def ordered(kind: AttributeType, text: str) -> Ordered | None:
    """`text` as a number or a date, for `min`/`max`; None for text or a value that does not parse."""
    if kind is AttributeType.TEXT or problem(kind, text) is not None:
        return None
    value = text.strip()
    return Decimal(value) if kind is AttributeType.NUMBER else datetime.date.fromisoformat(value)
