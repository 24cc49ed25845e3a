"""The CLI tier's fixture: every test here runs on a state file of its own."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def state(state_file) -> Path:
    """This test's state file (PERIMETER_STATE points at it; see `state_file` in tests/conftest.py).

    Autouse, so no CLI test can read or write the user's real state; a test that needs the path
    asks for `state` by name.
    """
    return state_file
