"""Facts given on the command line are checked before anything reaches the disk (issue 14).

Each once ended in a traceback with exit code 1 (read by scripts as "refused"), after the state
folder and the lock file had been created.
"""

from __future__ import annotations

import json

import pytest
from clitools import MALFORMED_FACT_ARGUMENTS, one_error_line, perimeter


@pytest.mark.parametrize(("arguments", "needle"), MALFORMED_FACT_ARGUMENTS)
def test_a_malformed_fact_argument_is_one_line_and_creates_nothing(tmp_path, arguments, needle):
    folder = tmp_path / "state-folder"
    result = perimeter(*arguments, env={"PERIMETER_STATE": str(folder / "state.yaml")})
    assert needle in one_error_line(result, 2)
    assert not folder.exists(), "nothing is created before the input is checked"


def test_values_are_stored_trimmed_and_judged_as_stored(tmp_path):
    env = {"PERIMETER_STATE": str(tmp_path / "state.yaml")}
    for step in ("A1", "A2", "A3"):
        assert perimeter("assert", step, env=env).returncode == 0
    # Once refused for 'Mexico ' and then shown done after a forced write had trimmed it.
    assert perimeter("assert", "A4", "location=Mexico ", "leader= Mexican", env=env).returncode == 0
    status = perimeter("status", "--json", env=env)
    (a4,) = [s for s in json.loads(status.stdout)["steps"] if s["id"] == "A4"]
    assert a4["state"] == "done"
    assert '"location": "Mexico"' in (tmp_path / "state.yaml").read_text(encoding="utf-8")


def test_reasserting_with_a_new_source_says_so(tmp_path):
    env = {"PERIMETER_STATE": str(tmp_path / "state.yaml")}
    assert perimeter("assert", "A1", "--source", "first", env=env).returncode == 0
    again = perimeter("assert", "A1", "--source", "second", env=env)
    assert again.returncode == 0 and "A1 updated (source)" in again.stdout
    assert "no fact changed" not in again.stdout
    assert '"source": "second"' in (tmp_path / "state.yaml").read_text(encoding="utf-8")
