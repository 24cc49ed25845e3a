"""Scenario files to scripts: read, validated, and checked against the rule set they run on.

Like rule files, a scenario file is read with its lines kept (`perimeter.files.read`)
and every problem is reported at once, each at its line: the schema, an empty
list, a name given twice, a file written for another rule set, and every id
an action or expectation names that the rule set does not have (with a
"did you mean").  `check_scenario_file` gives the same findings as data, for
`perimeter check`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from .. import codes
from ..errors import Diagnostic, LoadError, PerimeterError, ReadingError
from ..files.read import SourceMap, read_document, validate
from ..files.sanitise import unsafe_text_findings
from ..files.sources import shipped_dir, yaml_files
from ..pathway.compile import load_pathway
from ..pathway.compiled import Pathway
from ..pathway.readings import Reading
from ..pathway.facts import known_id, make_fact
from ..pathway.kinds import expect_kind, kind_of
from ..suggest import close_matches, did_you_mean
from .model import STARTS, STATES, Action, Expectations, Expected, Scenario, ScenarioFile, Script, ScriptAction

Path_ = tuple[str | int, ...]


def shipped_scenarios() -> list[Path]:
    """The scenario files shipped for the shipped rule set (`rules/scenarios/*.yaml`)."""
    return yaml_files(shipped_dir("rules") / "scenarios", "scenarios")


def is_scenario_file(path: str | Path) -> bool:
    """Whether the file at `path` reads as a scenario file (`scenarios:` at the top); False when unreadable."""
    try:
        data = read_document(path).data
    except PerimeterError:
        return False
    return kind_of(data) == "scenarios"


def load_scripts(pathway: Pathway, paths: Iterable[str | Path]) -> tuple[Script, ...]:
    """The scenarios of the files `paths` (files, or folders of them), checked against `pathway`.

    Every problem across the files is raised at once, as one `LoadError`
    listing each with its file and line.
    """
    scripts: list[Script] = []
    diagnostics: list[Diagnostic] = []
    for path in yaml_files(list(paths), "scenarios"):
        try:
            found, problems = _load(pathway, path)
        except PerimeterError as error:
            if not error.diagnostics:
                raise  # a file that cannot be read at all (missing, too big, not text): its one line
            found, problems = [], list(error.diagnostics)
        scripts += found
        diagnostics += problems
    if diagnostics:
        raise LoadError("the scenario files do not fit the rule set", diagnostics=diagnostics)
    return tuple(scripts)


def check_scenario_file(path: str | Path, pathway: Pathway) -> list[Diagnostic]:
    """Every problem with the scenario file at `path` for `pathway`, sorted; [] when it is fine."""
    try:
        return sorted(_load(pathway, Path(path))[1])
    except PerimeterError as error:
        problem = error.problem if error.problem.file else replace(error.problem, file=str(path))
        return sorted(error.diagnostics) or [problem]


def _load(pathway: Pathway, path: Path) -> tuple[list[Script], list[Diagnostic]]:
    """The file's scripts and its problems with the rule set; raises when it cannot be read or validated."""
    document = read_document(path)
    expect_kind(document, "scenarios")  # a rule or fact file given by mistake: one line saying so
    scenario_file = validate(ScenarioFile, document)
    unsafe = unsafe_text_findings(scenario_file, document.source)
    if unsafe:
        return [], unsafe
    checker = _Checker(pathway, document.source)
    return checker.file(scenario_file), checker.problems


@dataclass
class _Checker:
    """Resolves one file's scenarios against a rule set, collecting every problem on the way."""

    pathway: Pathway
    source: SourceMap
    problems: list[Diagnostic] = field(default_factory=list)
    _blockers: dict[str, str] | None = None

    def file(self, scenario_file: ScenarioFile) -> list[Script]:
        written_for = scenario_file.rule_set
        if written_for is not None and written_for.casefold() != self.pathway.id.casefold():
            self._problem(("rule_set",), codes.SCENARIO_OTHER_RULES,
                          f"these scenarios are written for rule set '{written_for}', "
                          f"and the rule set in force is '{self.pathway.id}'",
                          f"run them against rule set '{written_for}'")
            return []
        if not scenario_file.scenarios:
            self._problem(("scenarios",), codes.NO_SCENARIOS, "the file lists no scenarios",
                          "add one under `scenarios:`, with a `name`, what it does (`do:`) and what must hold "
                          "after it (`expect:`)")
            return []
        scripts: list[Script] = []
        first_line: dict[str, int] = {}
        for i, scenario in enumerate(scenario_file.scenarios):
            here: Path_ = ("scenarios", i)
            folded = scenario.name.casefold()
            if folded in STARTS:
                self._problem(here + ("name",), codes.BAD_SCENARIO,
                              f"a scenario cannot be named '{scenario.name}': `from: {folded}` means "
                              f"{'the baseline in force' if folded == 'baseline' else 'no facts'}",
                              "give it another name")
            elif folded in first_line:
                self._problem(here + ("name",), codes.DUPLICATE_SCENARIO,
                              f"scenario '{scenario.name}' is named twice (first at line {first_line[folded]})",
                              "give each scenario a name of its own")
            else:
                first_line[folded] = self._line(here + ("name",))
            start = self._start(scenario, here, [s.name for s in scripts])
            actions = [self._action(action, here + ("do", j)) for j, action in enumerate(scenario.do)]
            expected = self._expectations(scenario.expect, here + ("expect",))
            scripts.append(Script(name=scenario.name, file=self.source.file, line=self._line(here), start=start,
                                  actions=tuple(a for a in actions if a is not None), expected=tuple(expected),
                                  reading=self._reading(scenario, here)))
        return scripts

    def _start(self, scenario: Scenario, here: Path_, earlier: Sequence[str]) -> str:
        folded = scenario.start.casefold()
        if folded in STARTS:
            return folded
        named = next((name for name in earlier if name.casefold() == folded), None)
        if named is None:
            matches = close_matches(scenario.start, [*STARTS, *earlier])
            self._problem(here + ("from",), codes.BAD_SCENARIO,
                          f"`from: {scenario.start}` names no earlier scenario of this file",
                          did_you_mean(matches) or "start from `baseline`, `empty`, or a scenario above this one",
                          matches)
            return "baseline"
        return named

    def _action(self, action: Action, here: Path_) -> ScriptAction | None:
        where = here + (action.kind,)
        try:
            if action.kind == "assert":
                fact = make_fact(self.pathway, action.id, action.attributes, action.source)
                canonical, attributes = fact.id, tuple(fact.attributes.items())
            else:
                canonical, attributes = known_id(self.pathway, action.id), ()
                if not self.pathway.assertable(canonical):
                    self._problem(where, codes.BAD_SCENARIO,
                                  f"'{canonical}' is derived from its preconditions, never recorded, "
                                  "so it cannot be retracted", "retract the steps it needs instead")
                    return None
        except PerimeterError as error:
            code = error.problem.code if error.problem.code != codes.ERROR else codes.BAD_FACT
            at = here + ("attributes",) if code == codes.BAD_FACT and action.attributes else where
            self._problem(at, code, error.message, error.hint, error.problem.candidates)
            return None
        return ScriptAction(kind=action.kind, id=canonical, attributes=attributes, source=action.source,
                            force=action.force, refused=action.refused, line=self._line(here))

    def _expectations(self, expect: Expectations, here: Path_) -> list[Expected]:
        found: list[Expected] = []
        stated: dict[str, str] = {}  # id -> the state or word it is expected in, to catch contradictions
        for state in STATES:
            for j, text in enumerate(getattr(expect, state)):
                id_ = self._id(text, here + (state, j), steps=True)
                if id_ is not None and self._once(id_, state, stated, here + (state, j)):
                    found.append(Expected("state", id_, (state,), self._line(here + (state, j))))
        for word in ("holds", "absent"):
            for j, text in enumerate(getattr(expect, word)):
                id_ = self._id(text, here + (word, j), conditions=True)
                if id_ is not None and self._once(id_, word, stated, here + (word, j)):
                    found.append(Expected("holds", id_, (word,), self._line(here + (word, j))))
        for text, blockers in expect.blockers.items():
            id_ = self._id(text, here + ("blockers", text), steps=True)
            named = [self._blocker(b, here + ("blockers", text, k)) for k, b in enumerate(blockers)]
            if id_ is not None and None not in named:
                found.append(Expected("blockers", id_, tuple(n for n in named if n is not None),
                                      self._line(here + ("blockers", text))))
        for text, order in expect.plan.items():
            id_ = self._id(text, here + ("plan", text), steps=True, conditions=True)
            items = [self._id(item, here + ("plan", text, k), steps=True, conditions=True)
                     for k, item in enumerate(order)]
            if id_ is not None and None not in items:
                found.append(Expected("plan", id_, tuple(i for i in items if i is not None),
                                      self._line(here + ("plan", text))))
        return sorted(found, key=lambda e: e.line)

    def _once(self, id_: str, word: str, stated: dict[str, str], where: Path_) -> bool:
        """Whether `id_` is expected in no other state (or word) yet; a problem if it is."""
        if id_ in stated and stated[id_] != word:
            self._problem(where, codes.BAD_SCENARIO, f"{id_} is expected both {stated[id_]} and {word}",
                          "keep the one that must hold")
            return False
        stated[id_] = word
        return True

    def _id(self, text: str, where: Path_, *, steps: bool = False, conditions: bool = False) -> str | None:
        """The id `text` names, if it is of a kind allowed here; None (and a problem) otherwise."""
        try:
            id_ = known_id(self.pathway, text)
        except PerimeterError as error:  # an unknown id, or `goal` where there are several
            self._problem(where, error.problem.code, error.message, error.hint, error.problem.candidates)
            return None
        if id_ in self.pathway.steps and not steps:
            self._problem(where, codes.BAD_SCENARIO, f"{id_} is a step, not a condition",
                          "expect a step's state under done, eligible, blocked or violated")
            return None
        if id_ in self.pathway.conditions and not conditions:
            self._problem(where, codes.BAD_SCENARIO, f"{id_} is a condition, not a step",
                          "expect a condition under holds or absent")
            return None
        return id_

    def _blocker(self, text: str, where: Path_) -> str | None:
        """A blocker id as the rule set names it (any case), or None (and a problem with a did-you-mean)."""
        if self._blockers is None:
            self._blockers = _blocker_ids(self.pathway)
        known = self._blockers
        canonical = known.get(text.casefold())
        if canonical is None:
            matches = close_matches(text, known.values())
            self._problem(where, codes.UNKNOWN_ID, f"'{text}' names no precondition, attribute or constraint",
                          did_you_mean(matches) or "name a blocker as `status --json` does: an id, a group "
                          "such as 'A3|A5' or '2 of T1|T2|T3', or STEP.attribute", matches)
        return canonical

    def _line(self, path: Path_) -> int:
        return self.source.where(path)[0]

    def _reading(self, scenario: Scenario, here: Path_) -> Reading | None:
        if scenario.reading is None and not scenario.choose:
            return None
        try:
            return self.pathway.readings.reading(scenario.reading, scenario.choose)
        except ReadingError as error:
            self._problem(here + ("reading" if scenario.reading is not None else "choose",), codes.UNKNOWN_READING,
                          error.message, error.hint, error.problem.candidates)
            return None

    def _problem(self, path: Path_, code: str, message: str, hint: str, candidates: Sequence[str] = ()) -> None:
        self.problems.append(self.source.diagnostic(path, code, message, hint, tuple(candidates)))


def _blocker_ids(pathway: Pathway) -> dict[str, str]:
    """Every id a blocker may have, by its folded form: steps, conditions, groups, `STEP.attribute`."""
    known = {i.casefold(): i for i in (*pathway.steps, *pathway.conditions)}
    known.update({r.id.casefold(): r.id for rule in pathway.steps.values() for r in rule.preconditions})
    for step, rule in pathway.steps.items():
        for name in {*(a.name for a in rule.attributes), *(c.attribute for c in rule.constraints)}:
            known[f"{step}.{name}".casefold()] = f"{step}.{name}"
    return known


def check_scenario_files(paths: Sequence[str | Path], rules: str | Path | Iterable[str | Path] | None = None
                         ) -> list[Diagnostic]:
    """Every problem with the scenario files `paths` for the rule set `rules` (the shipped one by default), sorted.

    The rule set must load (its own problems raise, as `load_pathway`'s do).
    """
    if not paths:
        return []
    pathway = load_pathway(rules)
    return sorted(d for path in paths for d in check_scenario_file(path, pathway))
