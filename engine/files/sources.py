"""Where rule and fact files are found: given paths, or the ones shipped.

The shipped `rules/` and `facts/` folders sit at the top of a source checkout
and are installed as `perimeter/data/rules` and `perimeter/data/facts` (see
pyproject.toml), so the default pathway is found after a plain `pip install .`
from any directory.
"""

from __future__ import annotations

import stat
from collections.abc import Iterable
from pathlib import Path

from .. import codes
from ..errors import LoadError
from ..files.raw import file_error, refuse_unless_regular

_HERE = Path(__file__).resolve().parent


def shipped_dir(kind: str) -> Path:
    """The shipped folder `kind` ("rules" or "facts"), installed or in a checkout."""
    for candidate in (_HERE.parent / "data" / kind, _HERE.parent.parent / kind):
        if candidate.is_dir() and any(candidate.glob("*.yaml")):
            return candidate
    raise LoadError(f"the shipped {kind}/ folder is missing", hint="reinstall perimeter")


def yaml_files(paths: str | Path | Iterable[str | Path] | None, kind: str) -> list[Path]:
    """The YAML files named by `paths`: files as given, folders by their top-level *.yaml.

    Sub-folders are not searched, so `rules/examples/` never leaks into the
    paper's rule set.
    """
    if paths is None:
        paths = [shipped_dir(kind)]
    elif isinstance(paths, (str, Path)):
        paths = [paths]
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        try:
            mode = path.stat().st_mode  # once, and every way it can fail is the user's path
            files = _folder_files(path) if stat.S_ISDIR(mode) else None
        except (FileNotFoundError, NotADirectoryError):
            raise file_error(str(path), "no such file or folder", f"check the {kind} path") from None
        except OSError as error:
            raise file_error(str(path), f"cannot be read: {error.strerror or error}",
                             f"check the {kind} path") from None
        if files is None:
            refuse_unless_regular(str(path), mode)
            found.append(path)
        elif not files:
            raise file_error(str(path), "no .yaml files in this folder",
                             f"name a {kind} file, or a folder with .yaml files in it", codes.NO_YAML_FILES)
        else:
            found.extend(files)
    return found


def _folder_files(folder: Path) -> list[Path]:
    """The *.yaml files directly in `folder`; one that is a FIFO, a device or a socket is refused.

    Sub-folders (and links to nothing) are passed over, as before.
    """
    files = []
    for path in sorted(folder.iterdir()):
        if path.suffix not in {".yaml", ".yml"}:
            continue
        try:
            mode = path.stat().st_mode
        except OSError:
            continue
        if stat.S_ISDIR(mode):
            continue
        refuse_unless_regular(str(path), mode)
        files.append(path)
    return files

