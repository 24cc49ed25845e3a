"""perimeter.files.sanitise: the one text sanitiser, and where it finds unsafe text in a file."""

from __future__ import annotations

import json
import shutil
import subprocess
from xml.etree import ElementTree

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from builders import rule_set, step
from perimeter.files import sanitise
from perimeter.files.read import parse, validate
from perimeter.pathway.model import FactFile, RuleFile

EVERY_CHARACTER = "".join(map(chr, range(0x110000)))
UNSAFE = ([chr(c) for c in range(0x20)] + [chr(c) for c in range(0x7F, 0xA0)]
          + list("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u2028\u2029\ufffe\uffff")
          + [chr(c) for c in range(0xD800, 0xE000)])
HOSTILE = "evil\x1b]0;PWNED\x07\x1b[2J\nB9  forged\rX \u202eabc\u2066 \\ done"


def test_every_unsafe_character_and_only_those_is_escaped():
    assert {c for c in EVERY_CHARACTER if sanitise.first_unsafe(c) is not None} == set(UNSAFE)
    for char in UNSAFE:
        shown = sanitise.for_terminal(char)
        assert shown.startswith("\\") and shown.isascii() and shown.isprintable(), repr(char)


@pytest.mark.parametrize(("text", "shown"), [
    ("a\nb", "a\\nb"), ("a\rb", "a\\rb"), ("a\tb", "a\\tb"), ("\x1b[2J", "\\x1b[2J"), ("\x07", "\\x07"),
    ("\x00", "\\x00"), ("\x7f", "\\x7f"), ("\x9b", "\\x9b"), ("\x85", "\\x85"), ("\u202e", "\\u202e"),
    ("\u2066x\u2069", "\\u2066x\\u2069"), ("\u200f", "\\u200f"), ("\u061c", "\\u061c"), ("\u2028", "\\u2028"),
    ("\ud800", "\\ud800"), ("\uffff", "\\uffff"),
    ("C:\\temp\\new", "C:\\temp\\new"),  # a backslash stays as it is, readable
    ("Québec, 東京, ☃, 🙂, \u00a0", "Québec, 東京, ☃, 🙂, \u00a0"),  # text is left alone
])
def test_for_terminal_shows_unsafe_characters_escaped(text, shown):
    assert sanitise.for_terminal(text) == shown


@given(st.text())
def test_escaped_text_is_safe_and_escaping_again_changes_nothing(text):
    shown = sanitise.for_terminal(text)
    assert sanitise.first_unsafe(shown) is None
    assert sanitise.for_terminal(shown) == shown
    assert sanitise.for_screen(shown) == shown
    assert sanitise.for_terminal(text.replace("\\", "")).count("\\") == sum(
        sanitise.first_unsafe(c) is not None for c in text.replace("\\", ""))


def test_the_screen_keeps_newlines_and_colour_codes_only():
    painted = "\x1b[32mdone\x1b[0m \x1b]0;title\x07 \x1b[2J\nnext\r"
    assert sanitise.for_screen(painted) == "\x1b[32mdone\x1b[0m \\x1b]0;title\\x07 \\x1b[2J\nnext\\r"


def test_xml_text_of_every_character_parses_and_shows_it():
    """XML 1.0 forbids most control characters: escaped first, every character survives a parse."""
    shown = sanitise.for_xml(EVERY_CHARACTER)
    root = ElementTree.fromstring(f'<svg a="{shown}"><title>{shown}</title></svg>')
    assert root.get("a") == root.findtext("title") == sanitise.for_terminal(EVERY_CHARACTER)
    assert sanitise.for_xml("<b a='1'>&amp;\"") == "&lt;b a=&apos;1&apos;&gt;&amp;amp;&quot;"


def test_mermaid_labels_escape_quotes_and_entities_with_mermaid_codes():
    assert sanitise.for_mermaid('say "hi" & <b>#1</b> `x`\x1b') == (
        "say #34;hi#34; #38; #60;b#62;#35;1#60;/b#62; #96;x#96;\\x1b")
    assert '"' not in sanitise.for_mermaid(EVERY_CHARACTER)


def test_dot_labels_escape_backslash_quote_and_entities():
    assert sanitise.for_dot('a "b" \\N &#27; \x1b') == 'a \\"b\\" \\\\N &amp;#27; \\\\x1b'


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz is not installed (.ci/run installs it)")
def test_graphviz_draws_a_dot_label_as_the_text_shows_it():
    """Graphviz reads `\\N`, `\\n` and `&#27;` in labels: escaped, each is drawn as written, in well-formed XML."""
    text = 'A1: "quoted" \\N \\l &#27; &#x202e; &amp; \x1b]0;t\x07 \u202eend\\'
    result = subprocess.run(["dot", "-Tsvg"], input=f'digraph {{ a [label="{sanitise.for_dot(text)}"]; }}',
                            capture_output=True, text=True, timeout=60, check=True)
    drawn = ElementTree.fromstring(result.stdout).find(".//{http://www.w3.org/2000/svg}text")
    assert drawn is not None and drawn.text == sanitise.for_terminal(text)


@given(st.text())
def test_json_keeps_the_exact_text_and_no_unsafe_character_raw(text):
    dumped = sanitise.for_json(json.dumps({"k": [text]}, indent=2, ensure_ascii=False))
    assert json.loads(dumped) == {"k": [text]}
    assert all(sanitise.first_unsafe(c) is None for c in dumped.replace("\n", ""))


def test_kinds_in_words():
    assert [sanitise.kind_of(c) for c in "\x1b\u202e\u2028\ud800\ufffe\x9b"] == [
        "a control character", "a bidi control character", "a line or paragraph separator",
        "an unpaired surrogate", "a noncharacter", "a control character"]


# -- finding unsafe text in a file ---------------------------------------------------


def findings(text: str, model=RuleFile):
    document = parse(text, "rules.yaml")
    return sanitise.unsafe_text_findings(validate(model, document), document.source)


def test_a_clean_file_has_no_finding():
    assert findings(json.dumps(rule_set(step("A1", title="Québec \\ 東京")))) == []


def test_each_text_with_an_unsafe_character_is_one_error_at_its_line():
    text = """\
pathway: {id: p, title: "Header \\e]0;x\\a"}
conditions:
  - id: vetting
    title: Vetting
    description: "two\\nlines"
steps:
  - id: A1
    title: "The first \\e[2J step"
    aliases: [plain, "abc\\u202edcba"]
    actors: [us]
    sector: defense
    sequence: 1
    citation: {section: "1", quote: "a \\x9b quote"}
    preconditions:
      - requires: vetting
        basis: stated
        citation: {section: "2", quote: "fine"}
        note: "a\\rnote"
"""
    found = findings(text)
    assert {f.code for f in found} == {"control-character"}
    assert {f.severity.value for f in found} == {"error"}
    assert [(f.line, f.message) for f in sorted(found)] == [
        (1, "the title of p holds a control character, \\x1b, at character 8 (and 1 more)"),
        (5, "the description of vetting holds a control character, \\n, at character 4"),
        (8, "the title of A1 holds a control character, \\x1b, at character 11"),
        (9, "the aliases[1] of A1 holds a bidi control character, \\u202e, at character 4"),
        (13, "the citation.quote of A1 holds a control character, \\x9b, at character 3"),
        (18, "the preconditions[0].note of A1 holds a control character, \\r, at character 2"),
    ]
    assert all(f.file == "rules.yaml" and f.hint for f in found)


def test_fact_files_too_sources_and_attribute_values():
    text = 'facts:\n  - id: A1\n    source: "memo\\u2066"\n    attributes: {location: "\\e[31mUS"}\n'
    assert [(f.line, f.message) for f in sorted(findings(text, FactFile))] == [
        (3, "the source of A1 holds a bidi control character, \\u2066, at character 5"),
        (4, "the attributes.location of A1 holds a control character, \\x1b, at character 1"),
    ]


@given(st.text(min_size=1))
def test_a_title_is_reported_exactly_when_it_holds_an_unsafe_character(title):
    """The cheap first look over the model's JSON never misses one."""
    assume(title.strip())
    rule_file = RuleFile.model_validate(rule_set(step("A1", title=title)))
    found = sanitise.unsafe_text_findings(rule_file, parse("{}", "r.yaml").source)
    assert bool(found) == (sanitise.first_unsafe(rule_file.steps[0].title) is not None)


def test_a_long_rule_file_is_walked_without_recursion():
    steps = [step(f"s{i}", *([f"s{i - 1}"] if i else []), sequence=i) for i in range(2000)]
    steps[-1]["title"] = "last\x1b"
    (finding,) = sanitise.unsafe_text_findings(RuleFile.model_validate(rule_set(*steps)),
                                               parse("{}", "r.yaml").source)
    assert finding.message.startswith("the title of s1999 holds")
