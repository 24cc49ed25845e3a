"""Compiling rule sets: ids, references, goals and cycles, each reported in place.

Rule files are written into `tmp_path` from small step snippets; expected lines
are found in the test's own text (`line_of`), never taken from the compiler.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from perimeter.pathway.compile import compile_pathway, load_pathway
from perimeter.errors import AmbiguousTargetError, CompileError, Diagnostic, LoadError
from perimeter.files.read import parse, validate
from perimeter.pathway.model import RuleFile
from perimeter.pathway.compiled import Kind

SHIPPED_STEPS = [f"A{n}" for n in range(1, 8)] + [f"B{n}" for n in range(1, 9)] + [f"C{n}" for n in range(1, 4)]


def step(step_id: str, *requires: str, sequence: int = 1) -> str:
    """One minimal valid step as a `steps:` list item, needing `requires`."""
    text = f"""\
  - id: {step_id}
    title: Step {step_id}
    actors: [Mexico]
    sector: defense
    sequence: {sequence}
    citation: {{section: "III", quote: "{step_id}."}}
"""
    if requires:
        text += "    preconditions:\n" + "".join(requirement(r) for r in requires)
    return text


def requirement(need: str) -> str:
    return f"""\
      - requires: {need}
        basis: stated
        citation: {{section: "III", quote: "after {need}"}}
"""


def goal(*requires: str) -> str:
    """A `goal:` block needing `requires`."""
    needs = "".join(textwrap.indent(textwrap.dedent(requirement(r)), "    ") for r in requires)
    return "goal:\n  title: The end\n  citation: {section: III, quote: Goal.}\n  preconditions:\n" + needs


CONDITION = """\
conditions:
  - id: vetting
    title: Vetting of personnel
"""


def write(folder: Path, text: str, name: str = "rules.yaml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def line_of(text: str, needle: str, nth: int = 1) -> int:
    """1-based number of the `nth` line of `text` containing `needle`."""
    hits = [n for n, line in enumerate(text.splitlines(), 1) if needle in line]
    assert len(hits) >= nth, f"{needle!r} occurs {len(hits)} times in the test text"
    return hits[nth - 1]


def compile_error(paths) -> CompileError:
    with pytest.raises(CompileError) as caught:
        load_pathway(paths)
    text = str(caught.value)
    assert "Traceback" not in text and 'File "' not in text, text
    return caught.value


def only(error: CompileError) -> Diagnostic:
    assert len(error.diagnostics) == 1, error.render()
    return error.diagnostics[0]


# ------------------------------------------------------------------ baseline


def test_the_snippets_compile_into_a_pathway(tmp_path):
    """The control for every broken rule set below."""
    text = CONDITION + "steps:\n" + step("A1") + step("A2", "A1", "vetting") + goal("A2")
    pathway = load_pathway(write(tmp_path, text))
    assert list(pathway.steps) == ["A1", "A2", "goal"]
    assert pathway.goal == "goal"
    needs = pathway.steps["A2"].preconditions
    assert [(r.need, r.kind) for r in needs] == [("A1", Kind.STEP), ("vetting", Kind.CONDITION)]
    assert needs[1].location.line == line_of(text, "- requires: vetting")


# ------------------------------------------------------------- duplicate ids


@pytest.mark.parametrize("second", ["A1", "a1"])
def test_a_duplicate_id_is_reported_at_the_second_with_the_first_in_the_hint(tmp_path, second):
    text = "steps:\n" + step("A1") + step("B1") + step(second)
    path = write(tmp_path, text)
    diagnostic = only(compile_error(path))
    assert (diagnostic.file, diagnostic.code) == (str(path), "duplicate-id")
    assert diagnostic.line == line_of(text, f"- id: {second}", 2 if second == "A1" else 1)
    assert diagnostic.message == f"duplicate id '{second}'"
    assert f"first defined at {path}:{line_of(text, '- id: A1')}" in diagnostic.hint


def test_the_later_entry_is_the_duplicate_even_when_steps_come_before_conditions(tmp_path):
    text = "steps:\n" + step("vetting") + CONDITION
    path = write(tmp_path, text)
    diagnostic = only(compile_error(path))
    assert diagnostic.code == "duplicate-id"
    assert diagnostic.line == line_of(text, "- id: vetting", 2)
    assert f"first defined at {path}:{line_of(text, '- id: vetting')}" in diagnostic.hint


# -------------------------------------------------------- unknown references


def test_an_unknown_reference_is_reported_at_its_requires_with_did_you_mean(tmp_path):
    text = "steps:\n" + step("A3") + step("B1") + step("C2", "B1", "A9")
    path = write(tmp_path, text)
    diagnostic = only(compile_error(path))
    assert (diagnostic.file, diagnostic.code) == (str(path), "unknown-reference")
    assert diagnostic.line == line_of(text, "requires: A9")
    assert "C2" in diagnostic.message and "'A9'" in diagnostic.message
    assert diagnostic.hint == "did you mean 'A3'?"


def test_a_misspelt_condition_is_matched_without_regard_to_case(tmp_path):
    text = CONDITION + "steps:\n" + step("A1", "VETINGG")
    diagnostic = only(compile_error(write(tmp_path, text)))
    assert diagnostic.code == "unknown-reference"
    assert diagnostic.hint == "did you mean 'vetting'?"


def test_a_reference_like_nothing_known_gets_a_plain_hint(tmp_path):
    text = "steps:\n" + step("A1", "zzzz")
    diagnostic = only(compile_error(write(tmp_path, text)))
    assert diagnostic.code == "unknown-reference"
    assert "did you mean" not in diagnostic.hint
    assert diagnostic.hint == "define it, or fix the id"


def test_a_reference_in_the_wrong_case_resolves_and_is_a_warning_asking_for_the_defined_spelling(tmp_path):
    """Issue 15: ids match without case in rule files too; `check` may still say where the case differs."""
    text = "steps:\n" + step("A1") + step("A2", "a1")
    document = parse(text, str(write(tmp_path, text)))
    warnings: list[Diagnostic] = []
    pathway = compile_pathway([(validate(RuleFile, document), document.source)], warnings=warnings)
    assert [r.need for r in pathway.steps["A2"].preconditions] == ["A1"], "the compiled pathway uses the id as defined"
    (diagnostic,) = warnings
    assert (diagnostic.code, diagnostic.severity.value) == ("id-case", "warning")
    assert diagnostic.line == line_of(text, "requires: a1")
    assert diagnostic.hint == "write 'A1'"
    assert load_pathway(tmp_path / "rules.yaml").steps["A2"].preconditions[0].need == "A1"


def test_a_precondition_listed_twice_is_reported(tmp_path):
    text = "steps:\n" + step("A1") + step("A2", "A1", "A1")
    diagnostic = only(compile_error(write(tmp_path, text)))
    assert diagnostic.code == "duplicate-precondition"
    assert diagnostic.line == line_of(text, "requires: A1", 2)
    assert diagnostic.message == "A2 lists 'A1' twice"


def test_a_constraint_on_the_same_attribute_twice_is_reported(tmp_path):
    constraint = """\
      - attribute: mode
        allowed: [joint]
        basis: implied
        citation: {section: III, quote: jointly}
"""
    text = "steps:\n" + step("A1") + "    constraints:\n" + constraint + constraint
    diagnostic = only(compile_error(write(tmp_path, text)))
    assert diagnostic.code == "duplicate-constraint"
    assert diagnostic.line == line_of(text, "- attribute: mode", 2)
    assert "'mode'" in diagnostic.message


# -------------------------------------------------------------------- cycles


def cycle_of(diagnostic: Diagnostic) -> list[str]:
    """The loop a cycle diagnostic names, and (checked here) the line it gives for each of its edges."""
    match = re.fullmatch(r"precondition cycle: (.+?) \((.+)\)", diagnostic.message)
    assert match, diagnostic.message
    cycle = match.group(1).split(" -> ")
    edges = [f"{a} needs {b} at line " for a, b in zip(cycle, cycle[1:])]
    assert [re.sub(r"\d+$", "", part) for part in match.group(2).split(", ")] == edges, diagnostic.message
    return cycle


def test_a_three_step_cycle_shows_its_path(tmp_path):
    text = "steps:\n" + step("A", "B") + step("B", "C") + step("C", "A") + step("D")
    path = write(tmp_path, text)
    diagnostic = only(compile_error(path))
    assert (diagnostic.file, diagnostic.code) == (str(path), "cycle")
    assert " -> " in diagnostic.message
    cycle = cycle_of(diagnostic)
    assert len(cycle) == 4 and cycle[0] == cycle[-1]
    assert sorted(cycle[:-1]) == ["A", "B", "C"]
    # each arrow follows a `requires` edge: A needs B, B needs C, C needs A
    needs = {"A": "B", "B": "C", "C": "A"}
    assert all(needs[a] == b for a, b in zip(cycle, cycle[1:]))
    # no edge runs against the sequence (all are number 1): located at the one written last, C needing A
    assert cycle[0] == "C" and diagnostic.line == line_of(text, "requires: A")
    assert "remove one of these preconditions" in diagnostic.hint
    lines = dict(re.findall(r"(\w) needs \w at line (\d+)", diagnostic.message))
    assert lines == {a: str(line_of(text, f"requires: {b}")) for a, b in needs.items()}


def test_a_step_that_needs_itself_is_a_cycle(tmp_path):
    text = "steps:\n" + step("A1") + step("A2", "A1", "A2")
    diagnostic = only(compile_error(write(tmp_path, text)))
    assert diagnostic.code == "cycle"
    assert cycle_of(diagnostic) == ["A2", "A2"]
    assert diagnostic.line == line_of(text, "requires: A2")


def test_a_cycle_through_the_goal_is_found(tmp_path):
    text = "steps:\n" + step("A1", "goal") + goal("A1")
    diagnostic = only(compile_error(write(tmp_path, text)))
    assert diagnostic.code == "cycle"
    assert sorted(cycle_of(diagnostic)[:-1]) == ["A1", "goal"]


def test_a_diamond_is_no_cycle(tmp_path):
    text = "steps:\n" + step("A") + step("B", "A") + step("C", "A") + step("D", "B", "C")
    pathway = load_pathway(write(tmp_path, text))
    assert [r.need for r in pathway.steps["D"].preconditions] == ["B", "C"]


def test_a_long_chain_compiles_without_recursion_limits(tmp_path):
    text = "steps:\n" + step("S0") + "".join(step(f"S{n}", f"S{n - 1}") for n in range(1, 3000))
    pathway = load_pathway(write(tmp_path, text))
    assert len(pathway.steps) == 3000


# ------------------------------------------------------- all problems at once


def test_every_problem_is_reported_at_once_sorted_by_line(tmp_path):
    text = "steps:\n" + step("A1", "A9") + step("A2") + step("a1") + step("B1", "B7")
    path = write(tmp_path, text)
    error = compile_error(path)
    assert error.message == "3 problems in the rule set"
    assert [(d.line, d.code) for d in error.diagnostics] == [
        (line_of(text, "requires: A9"), "unknown-reference"),
        (line_of(text, "- id: a1"), "duplicate-id"),
        (line_of(text, "requires: B7"), "unknown-reference"),
    ]
    assert {d.file for d in error.diagnostics} == {str(path)}
    assert str(error).splitlines() == [d.render() for d in error.diagnostics]


def test_a_rule_set_without_steps_is_refused(tmp_path):
    path = write(tmp_path, CONDITION)
    diagnostic = only(compile_error(path))
    assert (diagnostic.file, diagnostic.code) == (str(path), "no-steps")
    assert "steps:" in diagnostic.hint


# -------------------------------------------------------------- many files


def test_rules_spread_over_a_folder_compile_into_one_pathway(tmp_path):
    first = write(tmp_path, "pathway: {id: split, title: Split}\n" + CONDITION + "steps:\n" + step("A1"), "a.yaml")
    second_text = "steps:\n" + step("B1", "A1", "vetting") + goal("B1")
    second = write(tmp_path, second_text, "b.yaml")
    (tmp_path / "notes.txt").write_text("not rules")
    pathway = load_pathway(tmp_path)
    assert pathway.id == "split"
    assert pathway.files == (str(first), str(second))
    assert list(pathway.steps) == ["A1", "B1", "goal"]
    assert pathway.steps["B1"].location.file == str(second)
    assert pathway.steps["B1"].preconditions[0].location.line == line_of(second_text, "- requires: A1")


def test_several_files_named_one_by_one_compile_together(tmp_path):
    first = write(tmp_path, "steps:\n" + step("A1"), "one.yaml")
    second = write(tmp_path, "steps:\n" + step("A2", "A1"), "two.yml")
    assert list(load_pathway([first, second]).steps) == ["A1", "A2"]


def test_a_duplicate_id_across_files_names_both_files(tmp_path):
    first_text = "steps:\n" + step("A0") + step("A1")
    first = write(tmp_path, first_text, "a.yaml")
    second_text = "steps:\n" + step("B1") + step("A1")
    second = write(tmp_path, second_text, "b.yaml")
    diagnostic = only(compile_error(tmp_path))
    assert (diagnostic.file, diagnostic.code) == (str(second), "duplicate-id")
    assert diagnostic.line == line_of(second_text, "- id: A1")
    assert f"{first}:{line_of(first_text, '- id: A1')}" in diagnostic.hint


def test_a_second_goal_in_another_file_is_a_duplicate_goal(tmp_path):
    first_text = "steps:\n" + step("A1") + goal("A1")
    first = write(tmp_path, first_text, "a.yaml")
    second_text = "steps:\n" + step("B1") + goal("B1")
    second = write(tmp_path, second_text, "b.yaml")
    diagnostic = only(compile_error(tmp_path))
    assert (diagnostic.file, diagnostic.code) == (str(second), "duplicate-goal")
    assert diagnostic.line == line_of(second_text, "goal:")
    assert f"{first}:{line_of(first_text, 'goal:')}" in diagnostic.hint


def test_a_second_pathway_header_is_reported(tmp_path):
    first = write(tmp_path, "pathway: {id: one, title: One}\nsteps:\n" + step("A1"), "a.yaml")
    second = write(tmp_path, "pathway: {id: two, title: Two}\n", "b.yaml")
    diagnostic = only(compile_error(tmp_path))
    assert (diagnostic.file, diagnostic.line, diagnostic.code) == (str(second), 1, "duplicate-pathway")
    assert str(first) in diagnostic.hint


def test_a_load_error_in_one_file_stops_before_compiling(tmp_path):
    write(tmp_path, "steps:\n" + step("A1"), "a.yaml")
    broken = write(tmp_path, "steps: [\n", "b.yaml")
    with pytest.raises(LoadError) as caught:
        load_pathway(tmp_path)
    assert [d.file for d in caught.value.diagnostics] == [str(broken)]


def test_compile_pathway_takes_validated_documents():
    document = parse("steps:\n" + step("A1") + step("A2", "A1"), "<memory>")
    pathway = compile_pathway([(validate(RuleFile, document), document.source)])
    assert pathway.steps["A2"].preconditions[0].location.file == "<memory>"


# -------------------------------------------------------- several goals (issue 15)


def goals(*entries: tuple[str, str]) -> str:
    """A `goals:` list; each entry an (id, need) pair."""
    text = "goals:\n"
    for id_, need in entries:
        text += f"  - id: {id_}\n    title: Goal {id_}\n    citation: {{section: III, quote: Goal.}}\n"
        text += "    preconditions:\n" + textwrap.indent(textwrap.dedent(requirement(need)), "      ")
    return text


def test_a_rule_file_may_give_several_goals_and_goal_names_none_of_them_alone(tmp_path):
    text = "steps:\n" + step("A1") + step("A2") + goals(("first", "A1"), ("second", "first"))
    pathway = load_pathway(write(tmp_path, text))
    assert pathway.goals == ("first", "second") and pathway.goal is None
    assert list(pathway.steps)[-2:] == ["first", "second"]
    assert all(pathway.steps[g].kind is Kind.GOAL and pathway.steps[g].derived for g in pathway.goals)
    assert pathway.steps["second"].preconditions[0].kind is Kind.GOAL, "a goal may need another"
    assert pathway.canonical("SECOND") == "second"
    with pytest.raises(AmbiguousTargetError) as ambiguous:
        pathway.canonical("goal")
    assert ambiguous.value.candidates == ["first", "second"]
    assert "first (Goal first), second (Goal second)" in ambiguous.value.message


def test_goal_and_goals_together_give_every_goal_goal_first(tmp_path):
    pathway = load_pathway(write(tmp_path, "steps:\n" + step("A1") + goal("A1") + goals(("later", "A1"))))
    assert pathway.goals == ("goal", "later")
    assert pathway.canonical("goal") == "goal", "an id `goal` is named by the word itself"


def test_one_goal_is_named_by_the_word_goal_whatever_its_id(tmp_path):
    pathway = load_pathway(write(tmp_path, "steps:\n" + step("A1") + goals(("accession", "A1"))))
    assert pathway.goals == ("accession",) and pathway.goal == "accession"
    assert pathway.canonical("Goal") == "accession"


def test_two_goals_with_one_id_are_a_duplicate_goal(tmp_path):
    text = "steps:\n" + step("A1") + step("A2") + goals(("member", "A1"), ("Member", "A2"))
    path = write(tmp_path, text)
    diagnostic = only(compile_error(path))
    assert (diagnostic.code, diagnostic.line) == ("duplicate-goal", line_of(text, "- id: Member"))
    assert diagnostic.message == "a second goal with the id 'Member'"
    assert f"{path}:{line_of(text, '- id: member')}" in diagnostic.hint and "`id:` of its own" in diagnostic.hint


@pytest.mark.parametrize(("more", "code", "needle"), [
    (goal("A1") + goals(("goal", "A1")), "duplicate-goal", "- id: goal"),  # `goal:` and `goals:` alike
    (goals(("a1", "A1")), "duplicate-id", "- id: a1"),  # a goal and a step
])
def test_a_goal_sharing_an_id_is_reported_there(tmp_path, more, code, needle):
    text = "steps:\n" + step("A1") + more
    diagnostic = only(compile_error(write(tmp_path, text)))
    assert (diagnostic.code, diagnostic.line) == (code, line_of(text, needle))


# ---------------------------------------------------------------- shipped


def test_the_shipped_rules_compile_with_the_papers_eighteen_steps_and_goal():
    pathway = load_pathway()
    assert sorted(pathway.steps) == sorted([*SHIPPED_STEPS, "goal"])
    assert pathway.goal == "goal"
    assert pathway.steps["goal"].kind is Kind.GOAL
    assert all(pathway.steps[s].kind is Kind.STEP for s in SHIPPED_STEPS)
    assert "vetting" in pathway.conditions
    assert [Path(f).name for f in pathway.files] == ["institutions.yaml", "pathway.yaml", "readings.yaml", "spectrum.yaml"]
    assert [r.need for r in pathway.steps["A3"].preconditions] == ["A1", "A2"]
