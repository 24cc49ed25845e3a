"""The installed package: one top-level name, usable from any directory, on every supported Python.

These run the code as it was installed (`pip install .`), in fresh processes started from `/` with
no PYTHONPATH, so nothing of the checkout can stand in for what was installed.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

import perimeter
from builders import REPO


def _clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP"}}
    return {**env, **extra}


def _run(*args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(args), capture_output=True, text=True, cwd="/", env=_clean_env(**extra), timeout=300)


def _installed() -> metadata.Distribution:
    """perimeter as pip installed it, never the build leftovers of the checkout (`perimeter.egg-info`),
    which `python -m pytest` would otherwise find first: it puts the checkout on sys.path."""
    path = [p for p in sys.path if Path(p or ".").resolve() != REPO]
    return next(iter(metadata.distributions(name="perimeter", path=path)))


def _editable() -> bool:
    direct = _installed().read_text("direct_url.json")
    return bool(direct and json.loads(direct).get("dir_info", {}).get("editable"))


def test_the_distribution_installs_one_top_level_package_named_perimeter():
    if _editable():
        pytest.skip("an editable install maps the checkout instead of copying it; CI installs with `pip install .`")
    files = _installed().files or []
    top = {f.parts[0] for f in files if f.parts[0] != ".."}  # ".." entries are the console script
    assert top == {"perimeter", f"perimeter-{_installed().version}.dist-info"}, top
    installed = {f.as_posix() for f in files}
    assert "perimeter/cli/main.py" in installed and "perimeter/__main__.py" in installed
    assert "perimeter/data/rules/pathway.yaml" in installed and "perimeter/data/facts/baseline.yaml" in installed
    assert {"perimeter/scenarios/run.py", "perimeter/data/rules/scenarios/pathway.yaml",
            "perimeter/data/rules/scenarios/readings.yaml",
            "perimeter/data/rules/examples/approval/scenarios.yaml"} <= installed, "scenario tests ship"
    assert {"perimeter/data/rules/readings.yaml", "perimeter/pathway/readings.py", "perimeter/comparison.py",
            "perimeter/cli/readings.py", "perimeter/cli/show.py"} <= installed, "readings ship"
    assert not any(name.endswith(".c") for name in installed), "the shim's C source is not package data"


def test_nothing_named_engine_or_cli_is_importable_from_outside_the_checkout():
    probe = ("import importlib.util, json; "
             "print(json.dumps({n: importlib.util.find_spec(n) is not None for n in ('engine', 'cli', 'perimeter')}))")
    result = _run(sys.executable, "-c", probe)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"engine": False, "cli": False, "perimeter": True}


def test_python_dash_m_perimeter_prints_the_installed_version_from_root():
    result = _run(sys.executable, "-m", "perimeter", "--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"perimeter {_installed().version}" == f"perimeter {perimeter.__version__}"


def test_the_perimeter_script_answers_status_from_root(tmp_path):
    script = Path(sys.executable).parent / "perimeter"
    if not script.exists():
        pytest.skip(f"no console script beside {sys.executable}")
    result = _run(str(script), "status", "--json", PERIMETER_STATE=str(tmp_path / "state.yaml"))
    assert result.returncode == 0, result.stderr
    steps = {step["id"]: step["state"] for step in json.loads(result.stdout)["steps"]}
    assert steps["A1"] == "eligible" and steps["A4"] == "blocked" and len(steps) == 18


def test_the_shipped_scenarios_run_from_root_and_touch_no_state(tmp_path):
    state = tmp_path / "state.yaml"
    result = _run(sys.executable, "-m", "perimeter", "test", "--coverage", PERIMETER_STATE=str(state))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "rules/scenarios/pathway.yaml" in result.stdout  # the shipped rule set's own, wherever installed
    assert "rules/scenarios/readings.yaml" in result.stdout and "the least demanding reading in 2013" in result.stdout
    assert "0 failed" in result.stdout and "(100.0%)" in result.stdout
    assert not state.exists()


def test_the_readme_library_example_runs_from_root_and_prints_what_its_comments_say():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    (example,) = re.findall(r"```python\n(.*?)```", readme, re.S)
    assert "from perimeter import" in example
    result = _run(sys.executable, "-c", example)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "['A5', 'A6']",
        'A3 needs A1 and A2 first (stated: "Once SEDENA and SEMAR have formed their own separate humanitarian '
        'assistance/disaster relief commands")',
        "['B1', 'B2']",
        "State.VIOLATED",
        "['B1', 'B2']",
        "A7 ('A5', 'A6') ('A5', 'A6')",
        "('A5', 'A6', 'A7')",
        "vetting established: B1 and B2 are now eligible",
        "State.ELIGIBLE",
    ]


def test_the_durable_shim_is_loaded_exactly_where_durable_rules_needs_it():
    """Where durable-rules imports on its own, the shim stays unloaded; where it fails for want of
    PyEval_CallObject (Python 3.13), perimeter loads the shim and durable-rules runs."""
    plain = _run(sys.executable, "-c", "import durable.engine")
    probe = ("import perimeter, perimeter.backends.durable as adapter; "
             "maps = open('/proc/self/maps').read(); "
             "print(adapter._durable is not None, '_durable_shim' in maps); "
             "e = perimeter.open_engine(); print(e.status('A4').state.value); e.close()")
    result = _run(sys.executable, "-c", probe)
    assert result.returncode == 0, result.stderr
    imported, shim_loaded = result.stdout.split()[:2]
    assert imported == "True" and result.stdout.split()[2] == "blocked"
    if plain.returncode == 0:
        assert shim_loaded == "False"
    else:
        assert "PyEval_CallObject" in plain.stderr
        assert shim_loaded == "True"
    if sys.version_info >= (3, 13):
        assert plain.returncode != 0, "durable-rules 2.0.28 was expected to need the shim on 3.13"
