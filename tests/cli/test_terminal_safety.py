"""Hostile text never reaches the terminal (issue 14): every output goes through the one sanitiser.

Text from users and files (ids, titles, aliases, notes, quotes, sources,
attribute values, history, file names, field names echoed in errors) may hold
escape sequences, carriage returns, newlines and bidi overrides.  Text output
shows them escaped (`\\x1b`, `\\n`, `\\u202e`) and keeps its lines; SVG stays
well-formed XML; Mermaid and DOT labels stay inside their quotes; JSON keeps
the exact text.  The renderers are tried on a pathway whose every text is
hostile (built in memory, so the test does not depend on whether a stage
refuses such rule files); the command in-process, in real processes and, at
the end, under a pseudo-terminal, where the raw bytes written are checked.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import select
import shutil
import subprocess
import sys
import time
from xml.etree import ElementTree

import pytest

from builders import CASES, attribute, choice, compile_rules, need, rule_set, step, write_facts, write_rules
from clitools import invoke, perimeter, subprocess_env
from perimeter import Fact, open_engine
from perimeter.cli import graph, readings, render, show
from perimeter.cli.main import run
from perimeter.cli.svg import chart_svg
from perimeter.comparison import compare
from perimeter.errors import Diagnostic
from perimeter.files.sanitise import first_unsafe, for_terminal
from perimeter.pathway.model import Citation
from perimeter.state.store import Entry

HOSTILE = "evil\x1b]0;PWNED\x07\x1b[2J\nB9  assert  forged\rX \u202eabc\u2066 \x9b2J"
SHOWN = for_terminal(HOSTILE)
CLEAN = "plain words of the same kind"
SGR = re.compile("\x1b\\[[0-9;]*m")


def assert_safe(output: str) -> None:
    """Nothing but newlines and perimeter's own colour codes among the unsafe characters."""
    bare = SGR.sub("", output).replace("\n", "")
    index = first_unsafe(bare)
    assert index is None, f"raw {bare[index]!r} in {bare[max(0, index - 40):index + 40]!r}"


# -- the renderers, on a pathway whose every text is hostile --------------------------------


def pathway_with(text: str):
    """A small pathway (a condition, a chain, a goal) with `text` in every title, alias, note and quote.

    S4 needs S3 under one alternative of a choice only; the choice's question, quotes, alternatives and
    reason, and the profile's title and note, carry `text` too (ids cannot: the loader refuses them)."""
    clean = compile_rules(rule_set(
        ("S1", []), step("S2", "S1", sequence=2, attributes=[attribute("location")]), ("S3", ["S2", "vetting"]),
        step("S4", need("S3", "implied", when={"pick": "first"}), sequence=4), conditions=["vetting"], goal=["S4"],
        choices=[choice("pick", "first", "second")], profiles={"other": {"pick": "second"}}))
    cite = Citation(section=f"§ {text}", quote=text)
    steps = {
        id_: dataclasses.replace(
            rule, title=f"{id_} {text}", aliases=(text,), citation=cite,
            note=None if rule.derived else text,
            preconditions=tuple(dataclasses.replace(r, citation=cite, note=text) for r in rule.preconditions))
        for id_, rule in clean.steps.items()}
    conditions = {id_: dataclasses.replace(rule, title=f"{id_} {text}", description=text, aliases=(text,),
                                           citation=cite) for id_, rule in clean.conditions.items()}
    choices = {id_: dataclasses.replace(
        rule, question=text, reason=text, citations=(cite,),
        alternatives=tuple(dataclasses.replace(a, summary=text, note=text) for a in rule.alternatives))
        for id_, rule in clean.readings.choices.items()}
    profiles = {id_: dataclasses.replace(rule, title=text, note=text) for id_, rule in clean.readings.profiles.items()}
    return dataclasses.replace(clean, title=text, steps=steps, conditions=conditions,
                               readings=dataclasses.replace(clean.readings, choices=choices, profiles=profiles))


def comparison_with(text: str, pathway):
    """The default and `other` readings compared on no facts, with `text` in every name the answer holds."""
    found = compare(pathway, [], pathway.readings.reading(), pathway.readings.reading("other"))
    assert found.steps and found.plans and found.telling is not None, "something to show on every line"
    return found.model_copy(update={
        "pathway": text, "readings": (f"default {text}", f"other {text}"),
        "steps": tuple(d.model_copy(update={"id": f"{d.id} {text}", "blockers": ((text,), (text,))})
                       for d in found.steps),
        "plans": tuple(d.model_copy(update={"target": text, "orders": ((text,), (text,))}) for d in found.plans),
        "only": ((text,), (text,)),
        "telling": found.telling.model_copy(update={"asserts": (text, text)})})


def outputs(text: str, engines) -> dict[str, str]:
    """Every text renderer's output for a pathway, facts and history carrying `text`."""
    pathway = pathway_with(text)
    engine = engines(pathway, [Fact(id="S1", source=text)])
    change = engine.assert_fact("S2", {"location": text}, source=text)
    moved = change.transitions[0]
    change = change.model_copy(update={"transitions": (moved.model_copy(update={"id": text}), *change.transitions)})
    conclusions = engine.conclusions()
    entry = Entry(time="2026-01-01T00:00:00Z", action="assert", fact="S1", attributes={"location": text},
                  source=text)
    chart = open_engine().chart()
    chart = chart.model_copy(update={
        "title": text, "scale": tuple(f"{name} {text}" for name in chart.scale),
        "relationships": tuple(s.model_copy(update={"title": text, "level_name": text})
                               for s in chart.relationships)})
    finding = Diagnostic(f"rules {text}.yaml", 3, 5, "control-character", f"the title holds {text}", text)
    reading = pathway.readings.reading()
    return {
        "status": render.status_text(conclusions, f"/tmp/{text}/state.yaml"),
        "next": render.next_text(conclusions, ["S3"]),
        "why blocked": render.why_text(engine.explain("S4")),
        "why eligible": render.why_text(engine.explain("S3")),
        "why condition": render.why_text(engine.explain("vetting")),
        "plan": render.plan_text(engine.plan("S4")),
        "change": render.change_text(change),
        "history": render.history_text([entry, entry]),
        "why under a choice": render.why_text(engine.explain("S4")),
        "show step": show.show_text(pathway.steps["S3"]),
        "show condition": show.show_text(pathway.conditions["vetting"]),
        "show step under a reading": show.show_text(pathway.steps["S3"], pathway, reading),
        "show step under a choice": show.show_text(pathway.steps["S4"], pathway, reading),
        "show condition under a reading": show.show_text(pathway.conditions["vetting"], pathway, reading),
        "readings": readings.readings_text(pathway.readings, reading),
        "readings under another profile": readings.readings_text(pathway.readings, pathway.readings.reading("other")),
        "compare": readings.compare_text(comparison_with(text, pathway)),
        "spectrum": render.spectrum_text(chart),
        "check": render.findings_text([finding, finding]),
    }


@pytest.fixture(params=[False, True], ids=["plain", "coloured"])
def colour(request, monkeypatch):
    if request.param:
        monkeypatch.setenv("CLICOLOR_FORCE", "1")
    return request.param


def test_every_text_output_shows_hostile_text_escaped_and_keeps_its_lines(engines, colour):
    hostile, clean = outputs(HOSTILE, engines), outputs(CLEAN, engines)
    for name, output in hostile.items():
        assert_safe(output)
        assert "\\x1b]0;PWNED\\x07\\x1b[2J\\nB9" in output, name
        assert "\\u202eabc\\u2066 \\x9b2J" in output, name
        assert len(output.splitlines()) == len(clean[name].splitlines()), f"{name}: a newline made a line"
    assert SGR.search(hostile["status"]) if colour else not SGR.search(hostile["status"])


def test_history_shows_one_row_per_entry_whatever_the_source_holds():
    entry = Entry(time="t", action="assert", fact="A1", source="evil\nt  assert  A9  forged\rX")
    lines = render.history_text([entry]).splitlines()
    assert len(lines) == 2 and lines[1].endswith("evil\\nt  assert  A9  forged\\rX")


def test_json_keeps_the_exact_text_and_writes_no_unsafe_character_raw(engines):
    pathway = pathway_with(HOSTILE)
    engine = engines(pathway, [Fact(id="S1", source=HOSTILE)])
    text = render.why_json(engine.explain("S4"))
    assert_safe(text)
    document = json.loads(text)
    assert document["title"] == f"S4 {HOSTILE}"
    assert {node["citation"]["quote"] for node in document["nodes"]} == {HOSTILE}
    shown = show.show_json(pathway.steps["S3"])
    assert_safe(shown) and json.loads(shown)["aliases"] == [HOSTILE]
    listed = readings.readings_json(pathway.readings, pathway.readings.reading())
    assert_safe(listed)
    (pick,) = json.loads(listed)["choices"]
    assert pick["question"] == pick["reason"] == pick["citations"][0]["quote"] == HOSTILE
    assert {a["summary"] for a in pick["alternatives"]} == {HOSTILE}
    compared = readings.compare_json(comparison_with(HOSTILE, pathway))
    assert_safe(compared) and json.loads(compared)["pathway"] == HOSTILE


def test_mermaid_labels_stay_inside_their_quotes_and_show_escapes(engines):
    pathway = pathway_with(HOSTILE + ' "quoted" #35; <b>&amp;')
    text = graph.mermaid(pathway, engines(pathway).conclusions())
    assert_safe(text)
    labels = re.findall(r'^\s+n\d+(?:\[|\{\{|\(\[)"([^"]*)"(?:\]|\}\}|\]\)):::\w+$', text, re.M)
    assert len(labels) == 6  # four steps, the goal, the condition
    assert all("\\x1b]0;PWNED" in label and "#34;quoted#34;" in label and "#35;35;" in label for label in labels)
    assert "<b>" not in text and "&amp;" not in text


def test_dot_labels_stay_inside_their_quotes_and_show_escapes(engines):
    pathway = pathway_with(HOSTILE + ' "quoted" \\N &#27;')
    text = graph.dot(pathway, engines(pathway).conclusions())
    assert_safe(text)
    labels = re.findall(r'\[label="((?:[^"\\]|\\.)*)"', text)
    assert len(labels) == 6 and all('\\\\x1b]0;PWNED' in label and '\\"quoted\\"' in label
                                    and "\\\\N &amp;#27;" in label for label in labels)


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz is not installed (.ci/run installs it)")
def test_svg_from_graphviz_is_well_formed_and_shows_the_text_escaped(engines):
    pathway = pathway_with(HOSTILE + " &#27; &amp;")
    drawn = graph.svg(pathway, engines(pathway).conclusions())
    assert_safe(drawn)
    texts = ["".join(t.itertext()).replace("\xa0", " ")  # Graphviz keeps runs of spaces as no-break ones
             for t in ElementTree.fromstring(drawn).iter("{http://www.w3.org/2000/svg}text")]
    assert f"S3: S3 {SHOWN} &#27; &amp;" in texts


def test_chart_svg_is_well_formed_and_shows_the_text_escaped():
    chart = open_engine().chart()
    chart = chart.model_copy(update={"title": HOSTILE, "relationships": tuple(
        s.model_copy(update={"title": HOSTILE + " <&>'\"", "level_name": HOSTILE}) for s in chart.relationships)})
    picture = chart_svg(chart)
    assert_safe(picture)
    root = ElementTree.fromstring(picture)
    texts = ["".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert SHOWN in texts and f"{SHOWN} <&>'\"" in texts
    assert root.findtext("{http://www.w3.org/2000/svg}title") == SHOWN


# -- the command ---------------------------------------------------------------------------


def fails(capsys, *args: str) -> tuple[int, str, str]:
    """The command in-process through its entry point (errors as one line); exit code, stdout, stderr."""
    with pytest.raises(SystemExit) as exit_:
        run(list(args))
    captured = capsys.readouterr()
    return exit_.value.code, captured.out, captured.err


def test_a_newline_in_a_source_forges_no_history_row_and_json_keeps_it():
    assert invoke("assert", "A1", "--source", HOSTILE).exit_code == 0
    out = invoke("history").stdout
    assert_safe(out)
    rows = out.splitlines()
    assert len(rows) == 3 and rows[-1].endswith(SHOWN), rows  # the header, the baseline, A1
    assert json.loads(invoke("history", "--json").stdout)["entries"][-1]["source"] == HOSTILE


def test_an_attribute_value_is_shown_escaped_when_refused_and_when_forced(capsys):
    assert invoke("assert", "A1", "A2", "A3").exit_code == 0
    code, out, err = fails(capsys, "assert", "A4", "location=\x1b[31mUS\u202e")
    assert (code, out) == (1, "") and len(err.splitlines()) == 1
    assert_safe(err) and "location is '\\x1b[31mUS\\u202e'" in err
    assert invoke("assert", "A4", "location=\x1b[31mUS\u202e", "--force").exit_code == 0
    for args in (["status"], ["why", "A4"], ["history"]):
        out = invoke(*args).stdout
        assert_safe(out)
        assert "\\x1b[31mUS\\u202e" in out, args


@pytest.mark.parametrize("args", [["show", HOSTILE], ["why", HOSTILE], ["plan", HOSTILE], ["retract", HOSTILE],
                                  ["assert", f"A1{HOSTILE}"], ["--reading", HOSTILE, "status"],
                                  ["--choose", f"{HOSTILE}=least", "status"],
                                  ["--choose", f"a7-needs={HOSTILE}", "status"], ["--choose", HOSTILE, "status"],
                                  ["compare", "--to", HOSTILE]],
                         ids=["show", "why", "plan", "retract", "assert", "reading", "choice", "alternative",
                              "choose", "compare"])
def test_an_unknown_id_is_echoed_escaped_on_one_line(capsys, args):
    code, out, err = fails(capsys, *args)
    assert code == 2 and out == ""
    assert len(err.splitlines()) == 1 and err.startswith("perimeter: ")
    assert_safe(err)
    assert "\\x1b]0;PWNED" in err


def test_an_unknown_field_name_is_echoed_escaped_on_one_line(tmp_path, capsys):
    rules = CASES / "bad" / "rules-unknown-field-escape.yaml"
    code, out, err = fails(capsys, "--rules", str(rules), "status")
    assert code == 2 and out == "" and len(err.splitlines()) == 1
    assert_safe(err) and "unknown field 'col\\x1b[31mour'" in err


def test_a_hostile_file_name_is_escaped_in_errors(tmp_path, capsys):
    folder = tmp_path / "a\x1b]0;x\x07\nb"
    folder.mkdir()
    (folder / "rules.yaml").write_text("steps: [\n", encoding="utf-8")
    code, out, err = fails(capsys, "--rules", str(folder / "rules.yaml"), "status")
    assert code == 2 and len(err.splitlines()) == 1
    assert_safe(err) and "a\\x1b]0;x\\x07\\nb" in err


@pytest.mark.parametrize(("case", "line", "shown"), [
    ("rules-control-title.yaml", 8, "\\x1b"),
    ("rules-bidi-alias.yaml", 9, "\\u202e"),
    ("rules-control-quote.yaml", 21, "\\r"),
])
def test_check_reports_control_and_bidi_characters_with_their_line(case, line, shown):
    result = invoke("check", str(CASES / "bad" / case))
    assert result.exit_code == 2
    assert_safe(result.stdout)
    (error,) = [f for f in json.loads(invoke("check", "--json", str(CASES / "bad" / case)).stdout)["findings"]
                if f["severity"] == "error"]
    assert (error["code"], error["line"]) == ("control-character", line)
    assert shown in error["message"]
    assert re.search(rf":{line}:\d+: control-character: .*{re.escape(shown)}", result.stdout)


def test_check_reports_them_in_fact_files_too_and_still_compiles_the_rules(tmp_path):
    rules = write_rules(tmp_path / "rules.yaml", ("S1", []), ("S2", ["S1"]), pathway="p")
    facts = write_facts(tmp_path / "facts.yaml", {"id": "S1", "source": "memo\x1b[2J"})
    found = json.loads(invoke("check", "--json", str(rules), str(facts)).stdout)["findings"]
    assert [(f["code"], f["line"]) for f in found if f["severity"] == "error"] == [("control-character", 3)]


def test_graph_of_a_hostile_rule_file_is_safe_or_refused(tmp_path):
    """Whether a stage refuses such a file or not, nothing unsafe is written anywhere."""
    rules = CASES / "bad" / "rules-control-title.yaml"
    for fmt in ("mermaid", "dot"):
        result = perimeter("--rules", str(rules), "graph", "--format", fmt)
        assert_safe(result.stdout + result.stderr)
        assert "\\x1b" in result.stdout + result.stderr


# -- under a pseudo-terminal: the raw bytes --------------------------------------------------

# The UTF-8 bytes of what must never reach a terminal raw: bidi controls, separators, C1 controls.
BIDI_OR_C1 = [c.encode() for c in "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
              "\u2028\u2029"] + [chr(c).encode() for c in range(0x80, 0xA0)]


def on_a_terminal(*args: str, env: dict[str, str]) -> tuple[int, bytes]:
    """Run the command with a pseudo-terminal as its stdin, stdout and stderr; its exit code and every byte it wrote."""
    master, slave = os.openpty()
    try:
        process = subprocess.Popen([sys.executable, "-m", "perimeter", *args], stdin=slave, stdout=slave,
                                   stderr=slave, env=subprocess_env(env), start_new_session=True)
    finally:
        os.close(slave)
    written = bytearray()
    deadline = time.monotonic() + 60
    try:
        while True:
            ready, _, _ = select.select([master], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                process.kill()
                pytest.fail(f"perimeter {args} wrote nothing for a minute: a hang")
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: every copy of the terminal's other side is closed
                break
            if not chunk:
                break
            written += chunk
    finally:
        os.close(master)
    return process.wait(timeout=60), bytes(written)


def assert_terminal_safe(raw: bytes) -> None:
    bare = re.sub(rb"\x1b\[[0-9;]*m", b"", raw)
    assert b"\x1b" not in bare, raw
    assert b"\x07" not in bare, raw
    assert re.search(rb"\r(?!\n)", bare) is None, raw  # the terminal itself writes \r\n for \n
    assert not [b for b in BIDI_OR_C1 if b in bare], raw
    assert first_unsafe(bare.decode("utf-8").replace("\r\n", "")) is None, raw


def test_under_a_terminal_no_hostile_byte_is_written(tmp_path):
    env = {"PERIMETER_STATE": str(tmp_path / "state" / "state.yaml"), "XDG_STATE_HOME": str(tmp_path / "xdg"),
           "NO_COLOR": "", "CLICOLOR_FORCE": "", "FORCE_COLOR": "", "TERM": "xterm",
           "COLUMNS": "400"}  # wide: one row per entry, so a forged row would show as a row of its own
    hostile_rules = tmp_path / "hostile.yaml"
    shutil.copyfile(CASES / "bad" / "rules-control-title.yaml", hostile_rules)

    code, raw = on_a_terminal("assert", "A1", "--source", "evil\x1b]0;PWNED\x07\x1b[2J\u202e\r\nforged", env=env)
    assert code == 0, raw
    assert_terminal_safe(raw)

    code, history = on_a_terminal("history", env=env)
    assert code == 0
    assert_terminal_safe(history)
    assert b"evil\\x1b]0;PWNED\\x07\\x1b[2J\\u202e\\r\\nforged" in history
    assert len(history.splitlines()) == 3  # the header, the baseline, A1: no forged row

    code, status = on_a_terminal("status", env=env)
    assert code == 0 and re.search(rb"\x1b\[[0-9;]*m(done|eligible)", status), "colour on a terminal"
    assert_terminal_safe(status)

    for args in (["readings"], ["compare", "--to", "least"], ["show", "A7"], ["--reading", "least", "why", "A7"]):
        code, answered = on_a_terminal(*args, env=env)
        assert code == 0, (args, answered)
        assert_terminal_safe(answered)

    code, shown = on_a_terminal("--state", str(tmp_path / "other.yaml"), "--rules", str(hostile_rules),
                                "show", "S1", env=env)
    assert_terminal_safe(shown)
    assert b"\\x1b" in shown  # shown escaped, or named escaped in the one error line refusing the file

    code, error = on_a_terminal("show", "A\x1b]0;PWNED\x07\u202eB", env=env)
    assert code == 2
    assert_terminal_safe(error)
    assert error.count(b"\n") == 1 and b"'A\\x1b]0;PWNED\\x07\\u202eB'" in error
