"""Shared fixtures: the paper's compiled pathway, its baseline, and engines that close."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from perimeter import Engine, Mode, load_facts, load_pathway

# Two hypothesis profiles: `ci` (the default, a few minutes in all) and
# `thorough` (twenty times the examples), chosen with HYPOTHESIS_PROFILE.
# Tests state their budget with `budget(n)`, which the profile scales.
settings.register_profile("ci", deadline=None, max_examples=60,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("thorough", deadline=None, max_examples=1200,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def budget(examples: int) -> settings:
    """`examples` under the ci profile, scaled up under a more thorough one."""
    return settings(max_examples=examples * settings.default.max_examples // 60)

REPO = Path(__file__).resolve().parents[1]
PAPER = REPO.parent / "shared" / "seed" / "000_65d1125c66a3b996.txt"


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

    def make(pathway, facts=(), mode=Mode.IMPLIED, backend="durable", measures=()) -> Engine:
        engine = Engine(pathway, facts, mode=mode, backend=backend, measures=measures)
        made.append(engine)
        return engine

    yield make
    for engine in made:
        engine.close()


@pytest.fixture
def engine_2013(engines, paper, baseline):
    """An engine on the paper's rules at the 2013 baseline."""
    return engines(paper, baseline)
