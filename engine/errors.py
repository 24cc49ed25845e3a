"""Errors as data: every failure a user can cause says where and how to fix it.

One root, `PerimeterError`, so a caller (the CLI above all) can catch the
library's errors without catching its bugs.  One branch per phase: loading a
file, compiling a rule set, evaluating facts.  An error is built from a
`Diagnostic` (file, line, column, code, message, hint, candidates), its
`problem`; one that found several located problems in a file also lists them
as `diagnostics`.  So the same error renders as one line in a shell and as
structured data in JSON.  The codes are catalogued in `perimeter.codes`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import ClassVar, Protocol

from . import codes



class Obstacle(Protocol):
    """What a refusal names: one unmet precondition or broken constraint.

    In practice an `answers.status.Blocker` (with its basis and citation);
    named here by what a refusal needs of it, so errors depend on no later stage.
    """

    @property
    def id(self) -> str: ...

    @property
    def kind(self) -> str: ...

    @property
    def title(self) -> str: ...


class Severity(str, Enum):
    """Whether a diagnostic stops a rule set from loading (error) or only looks unintended (warning)."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem, located as precisely as the input allows.

    Ordering sorts by file, then line and column, so reports read top to
    bottom.  `line` and `col` are 1-based; 0 means unknown (and a problem
    that concerns no file has the file "").  `candidates` are the known names
    a mistyped one may have meant, best first; the hint offers them in words.
    """

    file: str
    line: int
    col: int
    code: str
    message: str
    hint: str = ""
    severity: Severity = field(default=Severity.ERROR, compare=False)
    candidates: tuple[str, ...] = field(default=(), compare=False)

    def render(self, *, with_code: bool = True) -> str:
        """`file:line:col: code: message (hint)`, the form editors jump to.

        Without the code, the form an error shows for its one problem.
        """
        where = self.file
        if self.line:
            where += f":{self.line}:{self.col or 1}"
        text = f"{self.code}: {self.message}" if with_code else self.message
        if where:
            text = f"{where}: {text}"
        if self.hint:
            text += f" ({self.hint})"
        return text


class PerimeterError(Exception):
    """Root of every error the library raises on purpose.

    Built from its `problem`, a Diagnostic, or from a message (and a hint
    and candidates) for a problem that concerns no file.  `code` is the
    phase the error belongs to; `problem.code` says which problem it is.
    """

    code: ClassVar[str] = codes.ERROR

    def __init__(self, problem: Diagnostic | str, *, hint: str = "", candidates: Sequence[str] | None = None,
                 diagnostics: Iterable[Diagnostic] | None = None):
        if isinstance(problem, str):
            problem = Diagnostic("", 0, 0, self.code, problem, hint, candidates=tuple(candidates or ()))
        elif hint or candidates:
            raise TypeError("an error built from a Diagnostic takes its hint and candidates from it")
        self.problem = problem
        self.message = problem.message
        self.hint = problem.hint
        self.diagnostics = sorted(diagnostics or [])
        super().__init__(self.render())

    @property
    def candidates(self) -> list[str]:
        """The known names the user may have meant, best first (empty when none is close)."""
        return list(self.problem.candidates)

    def render(self) -> str:
        """One line for the problem (`file: message (hint)`); one line per located diagnostic otherwise."""
        if self.diagnostics:
            return "\n".join(d.render() for d in self.diagnostics)
        return self.problem.render(with_code=False)


class LoadError(PerimeterError):
    """A rule, fact or state file could not be read or does not fit its schema."""

    code = codes.LOAD


class CompileError(PerimeterError):
    """A rule set's entries do not fit together: duplicates, unknown ids, cycles."""

    code = codes.COMPILE


class EvaluationError(PerimeterError):
    """The rules engine failed underneath; never the user's fault."""

    code = codes.EVALUATE


class UnknownIdError(PerimeterError):
    """An id or question matched no step or condition; `candidates` are the nearest known ids."""

    code = codes.UNKNOWN_ID


class AmbiguousTargetError(UnknownIdError):
    """A question matched several steps or conditions equally well; `candidates` lists them."""

    code = codes.AMBIGUOUS


class FactError(PerimeterError):
    """A fact given to the library does not fit: a malformed attribute name, a blank value or source,
    an attribute its step or condition does not declare, a value not of its declared type."""

    code = codes.BAD_FACT


class ReadingError(PerimeterError):
    """A reading asked for that the rule set does not have: a profile, a choice or an alternative;
    `candidates` are the nearest known ones."""

    code = codes.UNKNOWN_READING


class StoreError(PerimeterError):
    """The state file cannot be read or written."""

    code = codes.STATE


class RefusedError(PerimeterError):
    """An assertion the rules do not allow: a step whose preconditions fail.

    `blockers` lists exactly what is missing, so the caller can show it or
    retry with force.
    """

    code = codes.REFUSED

    def __init__(self, problem: Diagnostic | str, *, hint: str = "", blockers: Sequence[Obstacle] = ()):
        self.blockers: tuple[Obstacle, ...] = tuple(blockers)
        super().__init__(problem, hint=hint)
