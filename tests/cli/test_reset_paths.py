"""`perimeter reset` shows its paths short, as the other commands do (cli/layout.py's `shown_path`):
relative to the working folder, or under `~`; its JSON keeps them whole, for scripts.

Regression: reset printed whole paths (`/home/me/work/state.yaml`) where status says `state.yaml`.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from clitools import subprocess_env

GUARD = 120  # seconds; only to turn a hang into a failure


def run(state: Path, cwd: Path, home: Path, *args: str) -> str:
    """The command on `state`, run in `cwd` with HOME at `home`; what it printed (it must succeed)."""
    result = subprocess.run([sys.executable, "-m", "perimeter", "--state", str(state), *args], cwd=cwd,
                            capture_output=True, text=True, env=subprocess_env({"HOME": str(home)}), timeout=GUARD)
    assert result.returncode == 0 and result.stderr == "", result.stderr
    return result.stdout


def test_reset_shows_the_state_and_its_backup_relative_to_the_working_folder(tmp_path):
    work = tmp_path / "work"
    state = work / "states" / "state.yaml"
    work.mkdir()
    run(state, work, tmp_path / "home", "assert", "A1")
    said = run(state, work, tmp_path / "home", "reset").strip()
    (backup,) = state.parent.glob("state.yaml.*.bak")
    assert said == f"State reset to the baseline: states/state.yaml (previous state kept at states/{backup.name})"
    assert re.fullmatch(r"state\.yaml\.\d{8}T\d+Z\.bak", backup.name), backup.name


def test_reset_shows_a_state_under_home_with_a_tilde_and_json_keeps_the_whole_path(tmp_path):
    home, elsewhere = tmp_path / "home", tmp_path / "elsewhere"
    elsewhere.mkdir()
    state = home / "state.yaml"
    assert run(state, elsewhere, home, "reset").strip() == "State reset to the baseline: ~/state.yaml"
    document = json.loads(run(state, elsewhere, home, "reset", "--json"))
    (backup,) = home.glob("state.yaml.*.bak")  # the first reset wrote the baseline; the second kept it
    assert document == {"format": 1, "state_file": str(state), "backup": str(backup)}
