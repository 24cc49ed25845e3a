"""perimeter.state.lines: the state file's layout (format 4), a fact or a history entry a line.

The layout must stay YAML that any YAML reader reads as perimeter's own fast
reader does; the fast reader must take nothing YAML would read otherwise (it
hands such a file to the YAML reader); and a write that reuses the lines it
read must give the very bytes a write from scratch gives.
"""

from __future__ import annotations

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from perimeter import StoreError
from perimeter.files.read import parse
from perimeter.state import lines
from perimeter.state.document import HEADER, StateDocument, parsed, serialised
from perimeter.state.store import Entry, RuleSetRef, StateFile, StoredFact
from builders import commit_state as write

TIME = "2031-05-04T03:02:01Z"
AWKWARD = ["Cancún", "a: colon", "- dash", "'quoted'", '"double"', "back\\slash", "x" * 1000, "yes", "null", "2013-03-01",
           "#hash", "tab\tin", "new\nline", "nel\x85", "line\u2028sep", "para\u2029sep", "bom\ufeff", "del\x7f",
           "c1\x9b[31m", "esc\x1b[2J", "nul\x00", "}, {\"id\": \"S9\"}", "ends }, {", "emoji \U0001f600", "non\ufffe", "right\u202e"]


def state_of(texts: list[str]) -> StateDocument:
    facts = [StoredFact(id=f"S{i}", attributes={"place": text[:256]}, source=text, time=TIME)
             for i, text in enumerate(texts)]
    history = [Entry(time=TIME, action="assert", fact=f"S{i}", attributes={"place": text[:256]}, source=text)
               for i, text in enumerate(texts)]
    return StateDocument(rules=RuleSetRef(id="p", fingerprint="f"), facts=facts, history=history)


def read_three_ways(text: str) -> tuple[object, object, object]:
    """The values perimeter's fast reader, perimeter's YAML reader and PyYAML's own read in `text`."""
    fast = parsed(text, "state.yaml")
    assert fast is not None, "perimeter's own layout is read by the fast reader"
    return fast.document.data, parse(text, "state.yaml").data, yaml.safe_load(text)


def test_awkward_text_is_written_one_item_a_line_and_read_alike_by_every_reader():
    state = state_of(AWKWARD)
    text = serialised(state).decode("utf-8")
    fast, located, plain = read_three_ways(text)
    assert fast == located == plain == state.model_dump(mode="json")
    body = text[len(HEADER):].splitlines()
    assert body[:4] == ['format: 4', f'written_by: "{state.written_by}"', 'rules: {"id": "p", "fingerprint": "f"}',
                        'baseline: []']
    assert len(body) == 4 + 2 + 2 * len(AWKWARD), "facts:, history: and one line per fact and entry"
    assert "\\u2028" in text and "\u2028" not in text and "\x85" not in text, "YAML would break the line there"


@given(st.lists(st.text(max_size=300), max_size=5),
       st.dictionaries(st.text(max_size=64), st.one_of(st.none(), st.booleans(), st.integers(), st.text()),
                       max_size=4))
def test_any_text_is_read_back_by_every_reader_as_written(texts, mapping):
    data = {"format": 4, "facts": [{"text": t, "mapping": mapping} for t in texts], "history": [], "top": mapping}
    text = lines.dumps(HEADER, {key: lines.lines(value) if key in lines.LISTS else value
                                for key, value in data.items()})
    fast, located, plain = read_three_ways(text)
    assert fast == located == plain == data


@pytest.mark.parametrize("body", [
    'format: 4\nfacts:\n- {"id": "S1", "id": "S2"}\n',               # a duplicate key: json keeps the last
    'format: 4\nfacts:\n- {"id": "S1", "n": 1e5}\n',                  # YAML 1.1 reads 1e5 as text
    'format: 4\nfacts:\n- {"id": "S1", "n": 1.5}\n',                  # no floats at all
    'format: 4\nfacts:\n- {"id": "S1", "n": NaN}\n',                  # text to YAML
    'format: 4\nfacts:\n- {"id": "S1"}, {"id": "S2"}\n',              # two items on one line
    'format: 4\nfacts:\n- {"a": {"b": "1"\n- "c": "2"}}\n- {"d": "1"}, {"e": "2"}\n',  # ... and one on two
    'format: 4\nfacts:\n- {"id":"S1"}\n',                             # not as perimeter spaces it
    'format: 4\nfacts:\n- {"id": "S1"}  # a comment\n',
    'format: 4\nfacts:\n- id: S1\n',                                  # block style
    'format: 4\n# a comment\nfacts: []\n',
    'format: 4\r\nfacts: []\r\n',
    'format: 4\nformat: 4\n',
    'format: 4\nfacts: []',                                           # no newline at the end: cut short?
    'format: 4\nbaseline:\n- "a"\n',                                  # only facts and history go a line an item
    'format: 4\nfacts:\n- {"id": "S1", "s": "a\u2028b"}\n',         # a raw line separator
    'format: 4\nwritten_by: perimeter\n',
])
def test_anything_but_the_exact_layout_goes_to_the_yaml_reader(body):
    assert parsed(HEADER + body, "state.yaml") is None
    assert parsed(body, "state.yaml") is None, "nor without the header"


def test_the_bulk_encoder_falls_back_item_by_item_where_a_mapping_holds_mappings():
    values = [{"a": [{"b": 1}, {"c": 2}]}, {}, {"d": "}, {\"e\": 1}"}]
    assert lines.lines(values) == [lines.line(v) for v in values]
    assert lines.lines([1, "two"]) == ["1", '"two"']


def test_a_write_after_a_read_reuses_the_lines_read_and_gives_the_bytes_a_fresh_write_gives(store):
    write(store, state_of(AWKWARD))
    with store.transaction() as (current, box):
        facts = list(current.facts)
        facts[3] = facts[3].model_copy(update={"source": "changed"})
        box.append(current.model_copy(update={"facts": facts, "history": [*current.history, Entry(
            time=TIME, action="assert", fact="S3", source="changed")]}))
    written = store.path.read_bytes()
    assert written == serialised(StateFile(store.path).read())
    assert written.count(b'"changed"') == 2


def test_a_write_after_a_read_encodes_only_the_facts_and_entries_that_changed(store, monkeypatch):
    write(store, state_of(AWKWARD))
    encoded: list[object] = []
    real = lines.lines
    with store.transaction() as (current, box):
        monkeypatch.setattr(lines, "lines", lambda values: encoded.extend(values) or real(values))  # read: done
        facts = [*current.facts[:-1], current.facts[-1].model_copy(update={"source": "changed"})]
        box.append(current.model_copy(update={"facts": facts, "history": [*current.history, Entry(
            time=TIME, action="assert", fact=facts[-1].id, source="changed")]}))
    assert [item["source"] for item in encoded] == ["changed", "changed"], "one fact and one entry, no more"
    assert StateFile(store.path).read().facts[-1].source == "changed"


def test_a_hand_edit_in_the_layout_that_validation_changes_is_written_as_validated(store):
    """Spaces around a value are trimmed when read: the line read is not reused as it was."""
    write(store, state_of(["a memo"]))
    text = store.path.read_text(encoding="utf-8")
    store.path.write_text(text.replace('"source": "a memo"', '"source": "  a memo  "', 1), encoding="utf-8")
    assert parsed(store.path.read_text(encoding="utf-8"), "state.yaml") is not None, "still the exact layout"
    with store.transaction() as (current, box):
        box.append(current)
    assert store.path.read_text(encoding="utf-8") == text


def test_a_hand_edit_in_block_style_is_read_and_the_next_write_puts_the_layout_back(store):
    write(store, state_of(["a memo", "another"]))
    text = store.path.read_text(encoding="utf-8")
    store.path.write_text(HEADER + yaml.safe_dump(yaml.safe_load(text), sort_keys=False), encoding="utf-8")
    assert store.read() == StateFile(store.path).read() == state_of(["a memo", "another"]).model_copy(
        update={"written_by": yaml.safe_load(text)["written_by"]})
    with store.transaction() as (current, box):
        box.append(current)
    assert store.path.read_text(encoding="utf-8") == text


def test_a_schema_error_on_a_line_of_the_layout_names_that_line(store):
    write(store, state_of(["a", "b", "c"]))
    text = store.path.read_text(encoding="utf-8").splitlines(keepends=True)
    number = [i for i, line in enumerate(text, 1) if '"action": "assert"' in line][1]
    text[number - 1] = text[number - 1].replace('"action": "assert"', '"action": "asert"')
    store.path.write_text("".join(text), encoding="utf-8")
    with pytest.raises(StoreError) as refused:
        store.read()
    assert f"state.yaml:{number}:" in refused.value.message and "asert" in refused.value.message


def test_a_file_of_more_values_than_the_yaml_reader_takes_is_left_to_it(monkeypatch):
    """The YAML reader refuses a document of too many values before building it; the fast one must not build it."""
    text = HEADER + 'format: 4\nfacts:\n- {"id": "S1", "attributes": {"a": "1", "b": "2"}}\n'
    assert parsed(text, "state.yaml") is not None
    monkeypatch.setattr(lines, "MAX_NODES", 9)
    assert parsed(text, "state.yaml") is None
