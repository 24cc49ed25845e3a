"""What running scenarios answers, as data: each scenario passed or not, each mismatch, the coverage.

No sentences here: the command line words them (`perimeter.cli.scenarios`).
"""

from __future__ import annotations

from ..answers.status import Blocker, Result
from ..pathway.compiled import Reading


class Mismatch(Result):
    """One expectation that did not hold: what was expected, and what was found.

    `what` is `state` (expected and found a step state), `blockers` (the ids,
    in any order), `holds` (a condition `holds` or is `absent`), `plan` (the
    ids in order) or `refusal` (an action expected `refused` and `recorded` or
    `withdrawn`, or the other way round).  `blockers` adds what blocks a step
    found in another state than expected, or what a refusal names.  `line` is
    where the expectation or the action is written in the scenario file.
    """

    what: str
    id: str
    expected: tuple[str, ...]
    found: tuple[str, ...]
    blockers: tuple[Blocker, ...] = ()
    line: int = 0
    action: str | None = None
    """For a refusal: `assert` or `retract`."""
    position: int = 0
    """For a refusal: the action's place among the scenario's actions, from 1."""


class ScenarioResult(Result):
    """One scenario: where it is written, how many actions it applied, and what did not hold."""

    name: str
    file: str
    line: int
    start: str
    """`baseline`, `empty`, or the name of the scenario it continues."""
    actions: int
    mismatches: tuple[Mismatch, ...] = ()

    @property
    def passed(self) -> bool:
        """Whether every expectation held."""
        return not self.mismatches


class PreconditionCoverage(Result):
    """One precondition under the reading in force, and whether the scenarios saw it met, and unmet.

    For a group (an alternative or a k of n), `holding` lists the members seen
    holding in some state, in the order written.
    """

    step: str
    id: str
    kind: str
    needs: tuple[str, ...]
    at_least: int
    basis: str
    file: str
    line: int
    met: bool
    unmet: bool
    holding: tuple[str, ...] = ()

    @property
    def covered(self) -> bool:
        """Seen both met and unmet."""
        return self.met and self.unmet


class Coverage(Result):
    """Every precondition in force, as the scenarios' states saw it; `states` counts the distinct states."""

    states: int
    preconditions: tuple[PreconditionCoverage, ...]

    @property
    def covered(self) -> int:
        """How many preconditions were seen both met and unmet."""
        return sum(p.covered for p in self.preconditions)

    @property
    def percent(self) -> float:
        """`covered` out of all preconditions, as a percentage (100 when there are none)."""
        return 100.0 * self.covered / len(self.preconditions) if self.preconditions else 100.0


class ScenarioRun(Result):
    """Scenarios run on one rule set under one reading: each result, in file order, and the coverage."""

    pathway: str
    reading: Reading
    files: tuple[str, ...]
    scenarios: tuple[ScenarioResult, ...]
    coverage: Coverage

    @property
    def passed(self) -> bool:
        """Whether every scenario passed."""
        return all(s.passed for s in self.scenarios)

    @property
    def failed(self) -> tuple[ScenarioResult, ...]:
        """The scenarios that did not pass."""
        return tuple(s for s in self.scenarios if not s.passed)
