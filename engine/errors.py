"""Errors as data: every failure a user can cause says where and how to fix it.

One root, `PerimeterError`, so a caller (the CLI above all) can catch the
library's errors without catching its bugs.  One branch per phase: loading a
file, compiling a rule set, evaluating facts.  Each carries `Diagnostic`s with
file, line and a hint, so the same error renders as one line in a shell and as
structured data in JSON.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem, located as precisely as the input allows.

    Ordering sorts by file, then line and column, so reports read top to
    bottom.  `line` and `col` are 1-based; 0 means unknown.
    """

    file: str
    line: int
    col: int
    code: str
    message: str
    hint: str = ""
    severity: Severity = field(default=Severity.ERROR, compare=False)

    def render(self) -> str:
        """`file:line:col: code: message (hint)`, the form editors jump to."""
        where = self.file
        if self.line:
            where += f":{self.line}:{self.col or 1}"
        text = f"{where}: {self.code}: {self.message}"
        if self.hint:
            text += f" ({self.hint})"
        return text


class PerimeterError(Exception):
    """Root of every error the library raises on purpose."""

    code = "error"

    def __init__(self, message: str, *, hint: str = "", diagnostics: list[Diagnostic] | None = None):
        self.message = message
        self.hint = hint
        self.diagnostics = sorted(diagnostics or [])
        super().__init__(self.render())

    def render(self) -> str:
        """One line for the simple case; one line per diagnostic otherwise."""
        if self.diagnostics:
            return "\n".join(d.render() for d in self.diagnostics)
        return f"{self.message} ({self.hint})" if self.hint else self.message


class LoadError(PerimeterError):
    """A rule, fact or state file could not be read or does not fit its schema."""

    code = "load"


class CompileError(PerimeterError):
    """A rule set's entries do not fit together: duplicates, unknown ids, cycles."""

    code = "compile"


class EvaluationError(PerimeterError):
    """The rules engine failed underneath; never the user's fault."""

    code = "evaluate"


class UnknownIdError(PerimeterError):
    """An id or question matched no step or condition."""

    code = "unknown-id"

    def __init__(self, message: str, *, hint: str = "", candidates: list[str] | None = None):
        self.candidates = candidates or []
        super().__init__(message, hint=hint)


class AmbiguousTargetError(UnknownIdError):
    """A question matched several steps or conditions equally well."""

    code = "ambiguous"


class FactError(PerimeterError):
    """A fact given to the library does not fit: a malformed attribute name, a blank value or source."""

    code = "bad-fact"


class StoreError(PerimeterError):
    """The state file cannot be read or written."""

    code = "state"


class RefusedError(PerimeterError):
    """An assertion the rules do not allow: a step whose preconditions fail.

    `blockers` lists exactly what is missing, so the caller can show it or
    retry with force.
    """

    code = "refused"

    def __init__(self, message: str, *, hint: str = "", blockers: tuple = ()):
        self.blockers = blockers
        super().__init__(message, hint=hint)
