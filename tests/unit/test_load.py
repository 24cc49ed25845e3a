"""Loading rule files: every refusal names the file, the line and a way out.

Each test writes a small YAML file into `tmp_path`, loads it the way the CLI
does (`load_pathway`, or `read_document` + `validate` for one file) and checks
the diagnostic's file, line, code, message and hint.  Expected lines are found
in the test's own text (`line_of`), never taken from the loader.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
import yaml

from perimeter.files import read as load
from perimeter.pathway.compile import load_pathway
from perimeter.errors import Diagnostic, LoadError, PerimeterError
from perimeter.files.read import parse, read_document, validate
from perimeter.pathway.model import RuleFile

VALID = """\
    pathway: {id: demo, title: Demo pathway}
    steps:
      - id: A1
        title: First step
        actors: [Mexico]
        sector: defense
        sequence: 1
        citation: {section: "III.A", quote: "A1. First."}
      - id: A2
        title: Second step
        actors: [Mexico, United States]
        sector: defense
        sequence: 2
        preconditions:
          - requires: A1
            basis: stated
            citation: {section: "III.A", quote: "Once A1 is done"}
        citation: {section: "III.A", quote: "A2. Second."}
    """


def write(tmp_path: Path, text: str, name: str = "rules.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def line_of(text: str, needle: str, nth: int = 1) -> int:
    """1-based number of the `nth` line of `text` containing `needle`."""
    hits = [n for n, line in enumerate(textwrap.dedent(text).splitlines(), 1) if needle in line]
    assert len(hits) >= nth, f"{needle!r} occurs {len(hits)} times in the test text"
    return hits[nth - 1]


def load_error(path: Path | str) -> LoadError:
    with pytest.raises(LoadError) as caught:
        load_pathway(path)
    assert_clean(caught.value)
    return caught.value


def only(error: PerimeterError) -> Diagnostic:
    assert len(error.diagnostics) == 1, error.render()
    return error.diagnostics[0]


def assert_clean(error: PerimeterError) -> None:
    """No Python or PyYAML internals leak into what the user reads."""
    text = str(error)
    for leak in ("Traceback", 'File "', "<unicode string>", "yaml.constructor", "pydantic"):
        assert leak not in text, text
    for diagnostic in error.diagnostics:
        assert "\n" not in diagnostic.render()


def assert_one_line_naming(error: LoadError, path: Path) -> None:
    text = str(error)
    assert "\n" not in text, text
    assert str(path) in text, text


# ------------------------------------------------------------------ baseline


def test_the_valid_model_file_loads_with_both_steps(tmp_path):
    """The control for every mutation below: unmutated, the file compiles."""
    pathway = load_pathway(write(tmp_path, VALID))
    assert list(pathway.steps) == ["A1", "A2"]
    assert [r.need for r in pathway.steps["A2"].preconditions] == ["A1"]


def test_the_source_map_locates_keys_and_list_items(tmp_path):
    document = read_document(write(tmp_path, VALID))
    assert document.source.where(("steps", 1)) == (line_of(VALID, "- id: A2"), 5)
    assert document.source.where(("steps", 1, "preconditions", 0, "requires"))[0] == line_of(VALID, "requires: A1")
    # A path the file does not have falls back to its nearest located ancestor.
    assert document.source.where(("steps", 0, "aliases", 3)) == (line_of(VALID, "- id: A1"), 5)


# ------------------------------------------------------------- malformed YAML


def test_bad_indentation_is_a_parse_error_at_the_offending_line(tmp_path):
    text = """\
        steps:
          - id: A1
            title: First step
           actors: [Mexico]
            sector: defense
        """
    path = write(tmp_path, text)
    diagnostic = only(load_error(path))
    assert diagnostic.file == str(path)
    assert diagnostic.code == "parse"
    assert diagnostic.line == line_of(text, "actors:")
    assert diagnostic.message.startswith("malformed YAML: ")
    assert "fix the YAML syntax" in diagnostic.hint
    assert f"line {line_of(text, '- id: A1')}" in diagnostic.hint


def test_unclosed_bracket_points_at_where_it_was_noticed_and_where_it_opened(tmp_path):
    text = """\
        steps:
          - id: A1
            title: First step
            actors: [Mexico, United States
            sector: defense
            sequence: 1
        """
    path = write(tmp_path, text)
    diagnostic = only(load_error(path))
    assert (diagnostic.file, diagnostic.code) == (str(path), "parse")
    assert diagnostic.line == line_of(text, "sector:")
    assert "']'" in diagnostic.message
    assert f"flow sequence that starts at line {line_of(text, 'actors:')}" in diagnostic.hint


def test_unclosed_quote_hint_names_the_line_the_quote_opened(tmp_path):
    text = """\
        steps:
          - id: A1
            title: "First step
            actors: [Mexico]
        """
    diagnostic = only(load_error(write(tmp_path, text)))
    assert diagnostic.code == "parse"
    assert "end of stream" in diagnostic.message
    assert f"quoted scalar that starts at line {line_of(text, 'title:')}" in diagnostic.hint


def test_crlf_line_endings_do_not_shift_line_numbers(tmp_path):
    text = textwrap.dedent(VALID).replace("    sector: defense\n    sequence: 2", "    sector: defense\n    sequnce: 2")
    path = tmp_path / "crlf.yaml"
    path.write_bytes(text.replace("\n", "\r\n").encode())
    error = load_error(path)
    unknown = [d for d in error.diagnostics if "sequnce" in d.message]
    assert [d.line for d in unknown] == [line_of(text, "sequnce:")]


# ------------------------------------------------------------ duplicate keys


def test_duplicate_key_in_a_step_names_the_key_and_both_lines(tmp_path):
    text = """\
        steps:
          - id: A1
            title: First step
            actors: [Mexico]
            title: Second title
        """
    path = write(tmp_path, text)
    diagnostic = only(load_error(path))
    assert (diagnostic.file, diagnostic.code) == (str(path), "parse")
    assert diagnostic.line == line_of(text, "title: Second")
    assert "'title'" in diagnostic.message
    assert f"first at line {line_of(text, 'title: First')}" in diagnostic.message
    assert "remove or rename" in diagnostic.hint


def test_a_second_top_level_steps_key_is_refused_not_merged(tmp_path):
    """A plain YAML loader would silently keep only the second list."""
    text = VALID.rstrip(" ") + "    steps:\n      - id: B1\n"
    diagnostic = only(load_error(write(tmp_path, text)))
    assert diagnostic.line == line_of(text, "steps:", 2)
    assert f"duplicate key 'steps' (first at line {line_of(text, 'steps:')})" == diagnostic.message


# ------------------------------------------------------------------- schema


def test_unknown_field_in_a_step_is_a_schema_error_at_that_key(tmp_path):
    text = VALID.replace("        preconditions:", "        prerequisites:")
    path = write(tmp_path, text)
    diagnostic = only(load_error(path))
    assert diagnostic.file == str(path)
    assert diagnostic.code == "schema"
    assert diagnostic.line == line_of(text, "prerequisites:")
    assert diagnostic.col == 5
    assert diagnostic.message == "step A2: unknown field 'prerequisites'"
    assert diagnostic.hint.startswith("remove it, or use one of: id, title, actors,") and "preconditions" in diagnostic.hint


@pytest.mark.parametrize(
    ("good", "bad", "field", "in_message", "in_hint"),
    [
        ("sequence: 2", "sequence: four", "step A2: `sequence`", "must be a whole number, given text 'four'",
         "whole number"),
        ("actors: [Mexico, United States]", "actors: Mexico", "step A2: `actors`", "must be a list, given text",
         "indentation"),
        ("basis: stated", "basis: maybe", "step A2, precondition 1: `basis`",
         "must be one of 'stated' or 'implied', given text 'maybe'", "listed values"),
        ("sector: defense\n        sequence: 2", "sector: navy\n        sequence: 2", "step A2: `sector`", "'navy'",
         "listed values"),
        ("- id: A2", "- id: 2A", "step 2: `id`", "must be an id, given text '2A'", "starts with a letter"),
        ('title: Second step', 'title: ""', "step A2: `title`", "is empty", "not be empty"),
    ],
)
def test_a_value_of_the_wrong_type_is_reported_at_its_line(tmp_path, good, bad, field, in_message, in_hint):
    text = VALID.replace(good, bad)
    assert text != VALID
    path = write(tmp_path, text)
    diagnostic = only(load_error(path))
    assert (diagnostic.file, diagnostic.code) == (str(path), "schema")
    assert diagnostic.line == line_of(text, bad.split("\n")[0])
    assert diagnostic.message.startswith(f"{field} ")
    assert in_message in diagnostic.message
    assert in_hint in diagnostic.hint


def test_every_schema_problem_of_a_file_is_reported_at_once_in_line_order(tmp_path):
    text = (VALID.replace("sequence: 2", "sequence: four")
                 .replace("actors: [Mexico]", "actors: Mexico")
                 .replace("basis: stated", "basis: maybe"))
    error = load_error(write(tmp_path, text))
    assert [d.code for d in error.diagnostics] == ["schema"] * 3
    assert [d.line for d in error.diagnostics] == [
        line_of(text, "actors: Mexico"), line_of(text, "sequence: four"), line_of(text, "basis: maybe")]
    assert len(str(error).splitlines()) == 3


def test_a_missing_field_is_located_at_its_mapping(tmp_path):
    text = VALID.replace("        sequence: 2\n", "")
    diagnostic = only(load_error(write(tmp_path, text)))
    assert diagnostic.code == "schema"
    assert diagnostic.line == line_of(text, "- id: A2")
    assert diagnostic.message == "step A2: `sequence` is missing"
    assert diagnostic.hint == "add `sequence:`"


def test_a_missing_field_of_a_nested_mapping_is_located_at_its_key(tmp_path):
    text = VALID.replace('citation: {section: "III.A", quote: "Once A1 is done"}', 'citation: {section: "III.A"}')
    diagnostic = only(load_error(write(tmp_path, text)))
    assert diagnostic.line == line_of(text, 'citation: {section: "III.A"}')
    assert diagnostic.message == "step A2, precondition 1: `citation.quote` is missing"


def test_several_missing_fields_are_each_reported(tmp_path):
    text = """\
        steps:
          - id: A1
            title: First step
        """
    error = load_error(write(tmp_path, text))
    assert {d.message for d in error.diagnostics} == {
        "step A1: `actors` is missing", "step A1: `sequence` is missing", "step A1: `citation` is missing"}
    assert {d.line for d in error.diagnostics} == {line_of(text, "- id: A1")}


# --------------------------------------------------- files that are not rules


def test_an_empty_file_is_refused_with_a_one_line_message(tmp_path):
    path = write(tmp_path, "")
    error = load_error(path)
    assert_one_line_naming(error, path)
    assert "empty" in str(error)
    assert "steps" in error.hint


def test_a_file_of_only_comments_counts_as_empty(tmp_path):
    path = write(tmp_path, "# steps to come\n")
    error = load_error(path)
    assert_one_line_naming(error, path)
    assert "empty" in str(error)


@pytest.mark.parametrize(("text", "found"), [("- A1\n- A2\n", "a list"), ("just some words\n", "text")])
def test_a_top_level_that_is_no_mapping_is_refused(tmp_path, text, found):
    path = write(tmp_path, text)
    error = load_error(path)
    assert_one_line_naming(error, path)
    assert f"expected a mapping at the top, found {found}" in str(error)
    assert "pathway, conditions, steps, goal" in error.hint


@pytest.mark.parametrize("raw", [b"steps:\n  - id: \xff\xfeA1\n", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"])
def test_bytes_that_are_not_utf8_are_refused(tmp_path, raw):
    path = tmp_path / "binary.yaml"
    path.write_bytes(raw)
    error = load_error(path)
    assert_one_line_naming(error, path)
    assert "not UTF-8" in str(error)
    assert "UTF-8" in error.hint


@pytest.mark.parametrize("loader", ["libyaml", "pure-python"])
def test_control_characters_in_utf8_text_are_located_by_line(tmp_path, monkeypatch, loader):
    """Valid UTF-8 but not YAML: PyYAML's own message spans two lines and has no line.

    Both parsers are tried: without libyaml the check fails earlier, in the
    loader's constructor.
    """
    if loader == "pure-python":
        monkeypatch.setattr(load, "_Loader", yaml.SafeLoader)
    path = tmp_path / "nul.yaml"
    path.write_bytes(b"steps:\n  - id: A1\n    title: Fi\x00rst\n")
    diagnostic = only(load_error(path))
    assert (diagnostic.file, diagnostic.line, diagnostic.col) == (str(path), 3, 14)
    assert diagnostic.code == "parse"
    assert "#x0000" in diagnostic.message
    assert "binary" in diagnostic.hint


def test_a_folder_without_yaml_files_is_refused(tmp_path):
    folder = tmp_path / "rules"
    folder.mkdir()
    (folder / "notes.txt").write_text("steps: []\n")
    (folder / "nested.yaml").mkdir()
    error = load_error(folder)
    assert_one_line_naming(error, folder)
    assert "no .yaml files" in str(error)


@pytest.mark.parametrize("how", ["load_pathway", "read_document"])
def test_a_missing_path_is_refused(tmp_path, how):
    path = tmp_path / "missing.yaml"
    with pytest.raises(LoadError) as caught:
        load_pathway(path) if how == "load_pathway" else read_document(path)
    assert_one_line_naming(caught.value, path)
    assert "no such file" in str(caught.value)
    assert caught.value.hint


def test_reading_a_directory_as_a_document_is_refused(tmp_path):
    with pytest.raises(LoadError) as caught:
        read_document(tmp_path)
    assert_one_line_naming(caught.value, tmp_path)
    assert "directory" in str(caught.value)


# ---------------------------------------------------------- hostile content


@pytest.mark.parametrize("template", [
    '!!python/object/apply:os.system ["touch {marker}"]\n',
    'steps:\n  - !!python/object/apply:os.system ["touch {marker}"]\n',
    'pathway:\n  id: !!python/object/apply:os.system ["touch {marker}"]\n',
    'pathway:\n  id: !!python/object/apply:os.system "touch {marker}"\n',
])
def test_python_tags_are_refused_without_running_anything(tmp_path, template):
    marker = tmp_path / "pwned"
    text = template.format(marker=marker)
    path = tmp_path / "evil.yaml"
    path.write_text(text)
    diagnostic = only(load_error(path))
    assert not marker.exists()
    assert (diagnostic.file, diagnostic.code) == (str(path), "parse")
    assert diagnostic.line == line_of(text, "!!python")
    assert diagnostic.message == "unsupported tag !!python/object/apply:os.system"
    assert diagnostic.hint == "remove the tag"


@pytest.mark.parametrize(("value", "shown"), [
    ("!!python/name:os.system", "!!python/name:os.system"),
    ("!include other.yaml", "!include"),
    ("!!set {a, b}", "!!set"),
])
def test_other_tags_are_refused_and_named_as_written(tmp_path, value, shown):
    text = f"pathway:\n  id: demo\n  title: {value}\n"
    diagnostic = only(load_error(write(tmp_path, text)))
    assert diagnostic.line == 3
    assert diagnostic.message == f"unsupported tag {shown}"


def test_merge_keys_are_refused(tmp_path):
    text = """\
        base: &base {sector: defense}
        steps:
          - <<: *base
            id: A1
        """
    diagnostic = only(load_error(write(tmp_path, text)))
    assert diagnostic.line == line_of(text, "<<:")
    assert "merge keys" in diagnostic.message


def billion_laughs(levels: int) -> str:
    """`levels` anchors, each a list of ten aliases of the one before: 10**levels values."""
    lines = ["l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for n in range(1, levels):
        lines.append(f"l{n}: &l{n} [" + ", ".join([f"*l{n - 1}"] * 10) + "]")
    return "\n".join(lines) + "\n"


def test_an_alias_bomb_trips_the_node_limit(tmp_path, monkeypatch):
    """Refused at the limit, not expanded: a billion values would never finish (nothing here is timed)."""
    monkeypatch.setattr(load, "MAX_NODES", 10_000)
    text = billion_laughs(9)  # 10**9 values when expanded; a few hundred bytes on disk
    path = write(tmp_path, text)
    diagnostic = only(load_error(path))
    assert (diagnostic.file, diagnostic.code) == (str(path), "parse")
    assert "too many values" in diagnostic.message
    assert "10,000" in diagnostic.hint


def test_modest_aliases_stay_allowed(tmp_path, monkeypatch):
    """The guard counts values, it does not ban anchors."""
    monkeypatch.setattr(load, "MAX_NODES", 10_000)
    document = parse(billion_laughs(3), "small.yaml")
    assert len(document.data["l2"]) == 10
    assert document.data["l2"][9][9] == ["lol"] * 10


def test_a_self_referencing_alias_is_refused(tmp_path):
    diagnostic = only(load_error(write(tmp_path, "steps: &loop [*loop]\n")))
    assert diagnostic.code == "parse"
    assert diagnostic.message == "an alias refers to itself" and "anchor" in diagnostic.hint


def test_a_full_size_alias_bomb_is_refused_before_anything_is_built(tmp_path):
    # Nine levels of nine: 387 million values if expanded.  The size is
    # counted over distinct nodes, so the default limit applies as is.
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 9)]
    path = write(tmp_path, "\n".join(lines) + "\n")
    diagnostic = only(load_error(path))
    assert diagnostic.code == "parse" and "too many values" in diagnostic.message
    assert diagnostic.line <= 9 and f"{load.MAX_NODES:,}" in diagnostic.hint


def test_two_hundred_nested_lists_are_refused_for_nesting(tmp_path):
    path = write(tmp_path, "steps: " + "[" * 200 + "]" * 200 + "\n")
    diagnostic = only(load_error(path))
    assert (diagnostic.file, diagnostic.line, diagnostic.code) == (str(path), 1, "parse")
    assert "nesting" in diagnostic.message
    assert str(load.MAX_DEPTH) in diagnostic.hint


def test_two_hundred_nested_mappings_are_refused_at_the_line_past_the_limit(tmp_path):
    text = "".join("  " * depth + f"k{depth}:\n" for depth in range(200))
    path = tmp_path / "deep.yaml"
    path.write_text(text)
    diagnostic = only(load_error(path))
    assert diagnostic.code == "parse"
    assert "nesting" in diagnostic.message
    # Line n holds key k(n-1) at path length n; the value of k64 (path length 65,
    # one past the limit) is the mapping that starts on line 66 with k65.
    assert diagnostic.line == line_of(text, f"k{load.MAX_DEPTH + 1}:")


def test_parse_and_validate_can_be_used_without_files():
    document = parse(textwrap.dedent(VALID), "<memory>")
    rule_file = validate(RuleFile, document)
    assert [s.id for s in rule_file.steps] == ["A1", "A2"]
    with pytest.raises(LoadError) as caught:
        validate(RuleFile, parse("steps: 3\n", "<memory>"))
    assert only(caught.value).render().startswith("<memory>:1:1: schema: `steps` must be a list, given a number 3")


# -------------------------------------------------------------- render form


def test_diagnostic_render_is_file_line_col_code_message_hint():
    diagnostic = Diagnostic("rules/x.yaml", 12, 5, "schema", "unknown field 'x'", "remove it")
    assert diagnostic.render() == "rules/x.yaml:12:5: schema: unknown field 'x' (remove it)"


def test_diagnostic_render_without_hint_column_or_line():
    assert Diagnostic("f.yaml", 3, 7, "parse", "bad").render() == "f.yaml:3:7: parse: bad"
    assert Diagnostic("f.yaml", 3, 0, "parse", "bad", "fix").render() == "f.yaml:3:1: parse: bad (fix)"
    assert Diagnostic("f.yaml", 0, 0, "parse", "bad", "fix").render() == "f.yaml: parse: bad (fix)"


def test_a_real_error_renders_in_the_editor_form(tmp_path):
    text = VALID.replace("        preconditions:", "        prerequisites:")
    path = write(tmp_path, text)
    error = load_error(path)
    assert str(error).startswith(f"{path}:{line_of(text, 'prerequisites:')}:5: schema: step A2: unknown field "
                                 "'prerequisites' (remove it, or use one of: ")


def test_diagnostics_sort_by_file_then_line_then_column():
    late = Diagnostic("b.yaml", 1, 1, "x", "m")
    second = Diagnostic("a.yaml", 10, 2, "x", "m")
    first = Diagnostic("a.yaml", 10, 1, "x", "m")
    error = LoadError("problems", diagnostics=[late, second, first])
    assert error.diagnostics == [first, second, late]
    assert str(error).splitlines() == [first.render(), second.render(), late.render()]
