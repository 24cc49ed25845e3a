"""The garbage collector is paused while rule sets load and the engine works, and left as it was found."""

from __future__ import annotations

import gc

import pytest
import yaml

from perimeter import Engine, load_pathway
from perimeter.bench import generate
from perimeter.files import read


@pytest.fixture
def rules(tmp_path):
    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump(generate(60, seed=7), sort_keys=False))
    return path


@pytest.fixture
def collector():
    """The collector as this test found it, restored after (frozen objects thawed)."""
    was = gc.isenabled()
    yield
    gc.unfreeze()
    if was:
        gc.enable()
    else:
        gc.disable()


@pytest.mark.parametrize("enabled", [True, False])
def test_loading_and_answering_leave_the_collector_as_they_found_it(collector, rules, enabled):
    gc.enable() if enabled else gc.disable()
    pathway = load_pathway(rules)
    assert gc.isenabled() is enabled
    with Engine(pathway) as engine:
        assert gc.isenabled() is enabled
        engine.explain("s59")
        engine.plan("goal")
        assert gc.isenabled() is enabled


def test_the_collector_is_paused_inside_an_answer(collector, monkeypatch, paper):
    import perimeter.engine as module

    seen = []
    real_evaluator, real_explain = Engine._new_evaluator, module.explain
    monkeypatch.setattr(Engine, "_new_evaluator",
                        lambda self, facts: seen.append(("evaluate", gc.isenabled())) or real_evaluator(self, facts))
    monkeypatch.setattr(module, "explain", lambda *a: seen.append(("why", gc.isenabled())) or real_explain(*a))
    with Engine(paper) as engine:
        engine.explain("A7")
    assert seen == [("evaluate", False), ("why", False)] and gc.isenabled()


def test_a_large_load_is_frozen_out_of_the_collectors_sight_a_small_one_is_not(collector, rules, monkeypatch):
    """The freeze is the application's (the CLI's, the benchmark's): the library never freezes its host's objects."""
    gc.unfreeze()
    monkeypatch.setattr(read, "FREEZE_ABOVE", 100)
    monkeypatch.setenv("PERIMETER_CACHE", "off")
    load_pathway(rules)
    assert gc.get_freeze_count() == 0, "the library alone froze the host's objects"
    monkeypatch.setattr(read, "FREEZE_ABOVE", 100_000)
    with read.gc_paused(freeze=True):
        load_pathway(rules)
    assert gc.get_freeze_count() == 0, "60 steps: too few objects to freeze"
    monkeypatch.setattr(read, "FREEZE_ABOVE", 100)
    with read.gc_paused(freeze=True):
        load_pathway(rules)
    assert gc.get_freeze_count() > 0 and gc.isenabled()
