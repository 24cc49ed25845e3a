"""Fixtures of the unit tier."""

from __future__ import annotations

from pathlib import Path

import pytest

from perimeter.state.store import StateFile


@pytest.fixture
def store(tmp_path: Path) -> StateFile:
    """A state file in the test's own folder (not there until written)."""
    return StateFile(tmp_path / "state" / "state.yaml")
