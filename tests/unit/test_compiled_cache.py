"""The compiled cache: an entry per rule set, used only while it matches, rebuilt when it does not."""

from __future__ import annotations

import json
import os

import pytest
import yaml

from perimeter import CompileError, load_baseline, load_pathway
from perimeter.bench import generate
from perimeter.pathway import cache
from perimeter.pathway.compiled import Pathway
from perimeter.pathway.facts import Baseline
from perimeter.pathway.plain import Codec

FIELDS = ("id", "title", "source", "steps", "conditions", "goals", "files", "fingerprint", "spectrum", "lanes",
          "readings", "vocabulary")


@pytest.fixture
def folder(tmp_path, monkeypatch):
    """A cache folder of this test's own."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    return tmp_path / "xdg" / "perimeter"


@pytest.fixture
def rules(tmp_path):
    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump(generate(40, seed=3), sort_keys=False))
    return path


def same(one: Pathway, other: Pathway) -> bool:
    return all(getattr(one, f) == getattr(other, f) for f in FIELDS) and one.canonical("S3") == other.canonical("S3")


def entries(folder):
    return sorted(folder.glob("rules-*.json"))


def test_the_paper_and_its_baseline_come_back_equal_from_plain_data(paper, baseline):
    codec = Codec(Pathway)
    again = codec.decode(json.loads(json.dumps(codec.encode(paper))))
    assert again is not paper and same(again, paper)
    assert again.order_key("A7") == paper.order_key("A7")
    kept = load_baseline(paper)
    back = Codec(Baseline).decode(json.loads(json.dumps(Codec(Baseline).encode(kept))))
    assert back == kept and [f.model_fields_set for f in back.facts] == [f.model_fields_set for f in kept.facts]


def test_a_second_load_reads_the_entry_and_gives_the_same_pathway(folder, rules, monkeypatch):
    first = load_pathway(rules)
    assert len(entries(folder)) == 1
    monkeypatch.setattr("perimeter.pathway.compile.compile_pathway",
                        lambda *a, **k: pytest.fail("compiled again although the entry matches"))
    second = load_pathway(rules)
    assert second is not first and same(second, first)


def test_the_entry_is_json_in_the_cache_folder_not_beside_the_rules(folder, rules):
    load_pathway(rules)
    (entry,) = entries(folder)
    header, body = entry.read_bytes().split(b"\n", 1)
    assert json.loads(header)["key"]["files"][0][0] == str(rules)
    assert isinstance(json.loads(body), list)
    assert not list(rules.parent.glob("*.json"))


@pytest.mark.parametrize("damage", [
    lambda data: data[: len(data) // 2],  # cut short
    lambda data: data.replace(b'"Step 1', b'"Step X', 1),  # a body that no longer fits its digest
    lambda data: b"\x00garbage" + data[8:],  # a header that is not JSON
    lambda data: b"",  # empty
])
def test_a_damaged_entry_is_rebuilt_never_trusted_never_an_error(folder, rules, damage):
    original = load_pathway(rules)
    (entry,) = entries(folder)
    entry.write_bytes(damage(entry.read_bytes()))
    again = load_pathway(rules)
    assert same(again, original) and again.steps["s1"].title == "Step 1"
    assert entry.read_bytes().split(b"\n", 1)[1], "rewritten whole"


def test_a_changed_rule_file_is_read_again(folder, rules):
    load_pathway(rules)
    text = rules.read_text().replace("Step 7", "Step Z")  # same size, and the times may not move
    stat = rules.stat()
    rules.write_text(text)
    os.utime(rules, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert load_pathway(rules).steps["s7"].title == "Step Z"


def test_a_rule_file_that_became_wrong_is_an_error_again(folder, rules):
    load_pathway(rules)
    rules.write_text(rules.read_text().replace("requires: s0", "requires: nowhere", 1))
    with pytest.raises(CompileError):
        load_pathway(rules)


def test_another_limit_in_force_is_another_entry(folder, rules, monkeypatch):
    load_pathway(rules)
    monkeypatch.setattr("perimeter.pathway.compile.MAX_STEPS", 3)
    with pytest.raises(CompileError):
        load_pathway(rules)


def test_an_entry_another_compiler_made_is_not_read(folder, rules, monkeypatch):
    load_pathway(rules)
    monkeypatch.setattr(cache, "_code", lambda: "an edited compiler")  # a checkout edited, same version
    import perimeter.pathway.compile as compiling

    built, original = [], compiling.compile_pathway
    monkeypatch.setattr(compiling, "compile_pathway", lambda *a, **k: built.append(1) or original(*a, **k))
    assert same(load_pathway(rules), load_pathway(rules)) and built == [1]  # built once, then read back


def test_only_the_most_recently_used_entries_are_kept(folder, tmp_path, monkeypatch):
    monkeypatch.setattr(cache, "KEPT_ENTRIES", 2)
    files = []
    for n in range(4):
        path = tmp_path / f"rules{n}.yaml"
        path.write_text(yaml.safe_dump(generate(5 + n, seed=n), sort_keys=False))
        files.append(path)
    load_pathway(files[0])
    load_pathway(files[1])
    os.utime(entries(folder)[0], ns=(1, 1))
    os.utime(entries(folder)[1], ns=(1, 1))
    load_pathway(files[0])  # used again: now the most recent
    load_pathway(files[2])  # a third entry: the least recently used one goes
    load_pathway(files[3])
    kept = entries(folder)
    assert len(kept) == 2
    import perimeter.pathway.compile as compiling

    monkeypatch.setattr(compiling, "compile_pathway", lambda *a, **k: pytest.fail("its entry was pruned"))
    load_pathway(files[3])


def test_a_cache_folder_that_cannot_be_written_is_no_error(tmp_path, rules, monkeypatch):
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the folder would go")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    assert len(load_pathway(rules).steps) == 41


def test_the_cache_can_be_turned_off(folder, rules, monkeypatch):
    monkeypatch.setenv("PERIMETER_CACHE", "off")
    load_pathway(rules)
    assert not folder.exists()
    assert cache.folder() is None


def test_the_folder_follows_xdg_and_defaults_to_the_home_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache.folder() == tmp_path / "perimeter"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/ignored")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache.folder() == tmp_path / "home" / ".cache" / "perimeter"
    monkeypatch.setattr(cache.Path, "home", lambda: (_ for _ in ()).throw(RuntimeError("no home")))
    assert cache.folder() is None, "no home: no cache, and no error"


def test_a_baseline_is_kept_per_rule_set(folder, paper, monkeypatch):
    first = load_baseline(paper)
    assert len(list(folder.glob("facts-*.json"))) == 1
    assert load_baseline(paper) == first
    monkeypatch.setenv("PERIMETER_CACHE", "off")
    assert load_baseline(paper) == first, "the same as read without the cache"


def test_a_file_rewritten_within_one_tick_of_the_clock_is_told_by_its_bytes(folder, rules, monkeypatch):
    """Same path, size and times (a rewrite within the clock's tick keeps them): the digest of the bytes tells."""
    real = cache._stats
    monkeypatch.setattr(cache, "_stats", lambda named: [[*s[:3], 0, 0, *s[5:]] for s in real(named)])
    load_pathway(rules)
    rules.write_text(rules.read_text().replace("Step 7", "Step Z"))
    assert load_pathway(rules).steps["s7"].title == "Step Z"


def test_regression_a_rule_file_over_the_readers_limit_is_never_read_whole_for_the_cache(folder, rules, monkeypatch):
    from perimeter import LoadError
    from perimeter.files import read as reading

    asked: list[int] = []
    real = cache.read_bounded
    monkeypatch.setattr(cache, "read_bounded", lambda path, limit, *a: asked.append(limit) or real(path, limit, *a))
    monkeypatch.setattr(reading, "MAX_FILE_BYTES", 1024)  # the rules file is larger than this
    with pytest.raises(LoadError):
        load_pathway(rules)
    assert asked and max(asked) <= 1024, "the cache reads no more than the reader would"
