"""`import perimeter` is lazy: each public name is imported on first use (engine/__init__.py)."""

from __future__ import annotations

import subprocess
import sys
import types


def test_importing_perimeter_imports_none_of_its_modules():
    code = "import sys, perimeter; print(sorted(m for m in sys.modules if m.startswith('perimeter.')))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]", result.stdout


def test_every_public_name_is_what_it_names_whatever_was_imported_first():
    # Every module imported before any name is looked up: a module named like a public name
    # ("compare") must not stand in for it.
    code = """
import importlib, pkgutil, types, perimeter
for info in pkgutil.walk_packages(perimeter.__path__, "perimeter."):
    if not info.name.startswith(("perimeter.cli", "perimeter.data", "perimeter.backends._")):
        importlib.import_module(info.name)
modules = [name for name in perimeter.__all__ if isinstance(getattr(perimeter, name), types.ModuleType)]
print(modules)
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]", result.stdout


def test_an_unknown_name_is_an_attribute_error():
    import perimeter

    assert not isinstance(perimeter.Workspace, types.ModuleType)
    try:
        perimeter.NoSuchThing  # noqa: B018
    except AttributeError as error:
        assert "NoSuchThing" in str(error)
    else:
        raise AssertionError("an unknown name was found")
