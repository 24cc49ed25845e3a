"""Fixtures every tier shares: the paper's pathway and baseline, engines that close, a state file of
the test's own; and the hypothesis profiles.

Fixtures only: helpers a test imports by name live in builders.py (and, per tier, in
cli/clitools.py and property/strategies.py).  A test module never imports from a conftest.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from perimeter import DEFAULT_READING, Engine, load_facts, load_pathway

# Two hypothesis profiles: `ci` (the default, a few minutes in all) and
# `thorough` (twenty times the examples), chosen with HYPOTHESIS_PROFILE.
# Tests state their budget with `budget(n)` (property/strategies.py), which
# scales it by the profile's examples over ci's.
settings.register_profile("ci", deadline=None, max_examples=60,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("thorough", deadline=None, max_examples=1200,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(scope="session", autouse=True)
def compiled_cache(tmp_path_factory) -> Iterator[Path]:
    """The compiled cache's folder: one for the session, never the user's (XDG_CACHE_HOME points at it).

    Session-wide and set before any other fixture loads a rule set, so the cached path is the one most
    tests run; a test of the cache itself takes a folder of its own.
    """
    folder = tmp_path_factory.mktemp("cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(folder))
        patch.delenv("PERIMETER_CACHE", raising=False)
        yield folder / "perimeter"


@pytest.fixture(scope="session")
def paper():
    """The paper's pathway as shipped."""
    return load_pathway()


@pytest.fixture(scope="session")
def baseline(paper):
    """The 2013 baseline facts as shipped."""
    return load_facts(paper)


@pytest.fixture
def engines():
    """Make engines that are closed after the test, whatever happens."""
    made: list[Engine] = []

    def make(pathway, facts=(), reading=DEFAULT_READING, backend="durable", measures=()) -> Engine:
        engine = Engine(pathway, facts, reading=reading, backend=backend, measures=measures)
        made.append(engine)
        return engine

    yield make
    for engine in made:
        engine.close()


@pytest.fixture
def engine_2013(engines, paper, baseline):
    """An engine on the paper's rules at the 2013 baseline."""
    return engines(paper, baseline)


@pytest.fixture
def state_file(tmp_path, monkeypatch) -> Path:
    """The test's own state file (through PERIMETER_STATE); no XDG or colour settings from outside.

    Every CLI test gets it (tests/cli/conftest.py makes it autouse as `state`); any other test that
    runs the command in-process asks for it, so no test reads or writes the user's real state.
    """
    path = tmp_path / "state" / "state.yaml"
    monkeypatch.setenv("PERIMETER_STATE", str(path))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg"))
    for name in ("NO_COLOR", "CLICOLOR_FORCE"):
        monkeypatch.delenv(name, raising=False)
    return path
