"""The bad-input corpus (tests/cases/bad/, issue 9): one line, exit 2, nothing touched.

`manifest.yaml` lists every case; one parametrized test runs each through the
real command in a process of its own.  Every case must end with exit code 2,
nothing on stdout and one line on stderr containing what the manifest expects,
never a traceback, and must leave every file under tmp_path as it was (names,
bytes, modes and times).  A write command may add the state's lock file
beside a state file that is there, nothing else.  The subprocess timeout only
catches a hang; no test here measures speed.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from builders import step_line
from clitools import subprocess_env
import perimeter.pathway.compile as compiling
from perimeter import CompileError, LoadError, load_pathway
from perimeter.files import read as load

CORPUS = Path(__file__).resolve().parents[1] / "cases" / "bad"
MANIFEST = yaml.safe_load((CORPUS / "manifest.yaml").read_text(encoding="utf-8"))
CASES = MANIFEST["cases"]
ROLES = ("rules", "facts", "state", "scenario")
HANG = 20  # seconds; only to turn a hang into a failure

ALL_ROLES = {"rules", "facts", "state"}
WITH_SCENARIOS = ALL_ROLES | {"scenario"}  # what a scenario file (`perimeter test FILE`) must be tried with too
ISSUE_ITEMS = {
    # the issue's list, with the roles each must be tried in
    "empty": WITH_SCENARIOS,
    "binary-garbage": WITH_SCENARIOS,
    "malformed-yaml": WITH_SCENARIOS,
    "duplicate-keys": WITH_SCENARIOS,
    "wrong-types": WITH_SCENARIOS,
    "unknown-fields": WITH_SCENARIOS,
    "odd-ids": ALL_ROLES,
    "huge-file": ALL_ROLES,
    "deep-nesting": ALL_ROLES,
    "billion-laughs": ALL_ROLES,
    "python-tags": ALL_ROLES,
    "state-unknown-steps": {"state"},
    "state-newer-version": {"state"},
    "state-broken-line": {"state"},
    # and what the brief for the corpus added to it
    "comment-only": ALL_ROLES,
    "non-utf8": ALL_ROLES,
    "state-wrong-shape": {"state"},
    "too-many-steps": {"rules"},
    # issue 16: scenario files are checked like rule files
    "scenario-schema": {"scenario"},
    "scenario-unknown-id": {"scenario"},
    "scenario-repeated-name": {"scenario"},
    "scenario-empty-list": {"scenario"},
    "scenario-other-rule-set": {"scenario"},
    # issue 18: questions in words
    "question-empty": {"rules"},
    "question-filler": {"rules"},
    "question-paste": {"rules"},
    "question-control": {"rules"},
    "question-script": {"rules"},
    "question-order": {"rules"},  # the step after the last, or before the first
}

# An error with a location reads `file:line:col: code: message (hint)`; one without, `perimeter: ...`.
LOCATED = re.compile(r"^.+?:\d+:\d+: [a-z][a-z-]*: ")


def roles_of(case: dict) -> list[str]:
    return case["role"] if isinstance(case["role"], list) else [case["role"]]


def runs() -> list:
    params = []
    for case in CASES:
        for role in roles_of(case):
            marks = [pytest.mark.xfail(strict=True, reason=case["xfail"])] if case.get("xfail") else []
            params.append(pytest.param(case, role, id=f"{case['name']}:{role}", marks=marks))
    return params


# ------------------------------------------------------------ generated inputs


def huge(path: Path) -> None:
    """50 MiB of comments: valid YAML, too big and nothing else."""
    line = b"# " + b"x" * 1021 + b"\n"  # 1 KiB
    with path.open("wb") as handle:
        for _ in range(50 * 1024):
            handle.write(line)


def deep_block(path: Path) -> None:
    """A block mapping nested 1,000 levels (a megabyte, so made here)."""
    with path.open("w", encoding="utf-8") as handle:
        for depth in range(1000):
            handle.write("  " * depth + f"k{depth}:\n")
        handle.write("  " * 1000 + "leaf\n")


def many_steps(path: Path) -> None:
    """One step past the rule set limit; each step trivial, the file valid otherwise."""
    with path.open("w", encoding="utf-8") as handle:
        handle.write("pathway: {id: many, title: One step too many}\nsteps:\n")
        for i in range(compiling.MAX_STEPS + 1):
            handle.write(step_line(f"s{i}", sequence=i))


GENERATORS = {"huge": huge, "deep-block": deep_block, "many-steps": many_steps}


# ------------------------------------------------------------------ helpers


def snapshot(root: Path) -> dict[str, tuple]:
    """Every file and folder under `root`: kind, size, digest, mode and modification time.

    A folder's time is left out: it changes with its entries, which are listed anyway.
    """
    found = {}
    for path in sorted(root.rglob("*")):
        info = path.lstat()
        if path.is_dir():
            found[str(path.relative_to(root))] = ("dir", info.st_mode)
        else:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            found[str(path.relative_to(root))] = ("file", info.st_size, digest, info.st_mode, info.st_mtime_ns)
    return found


def place(case: dict, role: str, tmp_path: Path) -> Path:
    """The case's file where the command will be pointed at it."""
    if role == "state":
        target = tmp_path / "state" / "state.yaml"
    else:
        target = tmp_path / "input" / (case.get("file") or f"{case['generate']}.yaml")
    target.parent.mkdir(parents=True, exist_ok=True)
    if "generate" in case:
        GENERATORS[case["generate"]](target)
    else:
        shutil.copyfile(CORPUS / case["file"], target)
    return target


def command_line(case: dict, role: str, fed: Path, tmp_path: Path) -> list[str]:
    args = ["--state", str(fed if role == "state" else tmp_path / "state" / "state.yaml")]
    if role == "rules":
        args += ["--rules", str(fed)]
    elif MANIFEST["against"][role]:
        rules = tmp_path / "input" / MANIFEST["against"][role]
        rules.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(CORPUS / MANIFEST["against"][role], rules)
        args += ["--rules", str(rules)]
    if role == "facts":
        args += ["--facts", str(fed)]
    if role == "scenario":
        return args + ["test", str(fed)]
    return args + [str(word) for word in case["command"]]


def perimeter(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    """The command as a user runs it (as clitools.perimeter), with a timeout that only catches hangs."""
    try:
        return subprocess.run([sys.executable, "-m", "perimeter", *args], capture_output=True, text=True,
                              cwd=cwd, env=subprocess_env(), timeout=HANG)
    except subprocess.TimeoutExpired:
        pytest.fail(f"perimeter {' '.join(args)} did not finish within {HANG} s: a hang")


# -------------------------------------------------------------------- tests


@pytest.mark.parametrize(("case", "role"), runs())
def test_a_bad_input_ends_in_one_line_and_touches_nothing(case, role, tmp_path):
    fed = place(case, role, tmp_path)
    args = command_line(case, role, fed, tmp_path)
    before = snapshot(tmp_path)

    result = perimeter(args, cwd=tmp_path)  # a file created by executed YAML would land here

    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, lines
    (line,) = lines
    assert line.startswith("perimeter: ") or LOCATED.match(line), line
    assert case["expect"] in line, line
    if "code" in case or "line" in case:
        located = re.search(re.escape(str(fed)) + r":(\d+):(\d+): ([a-z][a-z-]*): ", line)
        assert located, f"no location in {fed.name}: {line}"
        if "code" in case:
            assert located.group(3) == case["code"], line
        if "line" in case:
            assert int(located.group(1)) == case["line"], line

    after = snapshot(tmp_path)
    lock = str((fed.parent / (fed.name + ".lock")).relative_to(tmp_path))
    if role == "state" and lock in after and lock not in before:
        assert after[lock][1] == 0, "the lock file has content"
        del after[lock]
    assert after == before, "a file was created, changed or removed"
    if case.get("marker"):
        assert not (tmp_path / case["marker"]).exists()


def test_the_corpus_covers_every_item_of_the_issue():
    tried: dict[str, set[str]] = {}
    for case in CASES:
        if case.get("xfail"):
            continue  # a known failure covers nothing
        for item in case["covers"]:
            tried.setdefault(item, set()).update(roles_of(case))
    missing = {item: sorted(roles - tried.get(item, set())) for item, roles in ISSUE_ITEMS.items()
               if roles - tried.get(item, set())}
    assert not missing, f"items of the issue no case tries (item: roles): {missing}"


def test_the_manifest_is_well_formed_and_names_every_file():
    names = [case["name"] for case in CASES]
    assert len(names) == len(set(names)), "case names repeat"
    used = {MANIFEST["against"][role] for role in ("facts", "state")} - {None}
    for case in CASES:
        assert ("file" in case) != ("generate" in case), case["name"]
        assert "file" not in case or (CORPUS / case["file"]).is_file(), case["name"]
        assert case.get("generate", "huge") in GENERATORS, case["name"]
        assert set(roles_of(case)) <= set(ROLES) and case["command"] and case["expect"], case["name"]
        assert case["covers"], case["name"]
        used |= {case.get("file"), case.get("derived_from")} - {None}
    files = {p.name for p in CORPUS.iterdir() if p.is_file()} - {"manifest.yaml"}
    assert files == used, f"files no case uses: {sorted(files - used)}"


@pytest.mark.parametrize("base", sorted({c["derived_from"] for c in CASES if c.get("derived_from")}))
def test_the_files_the_bad_states_come_from_are_good(tmp_path, base):
    """The corpus's base files load, so each case fails for its own defect."""
    rules = tmp_path / "rules.yaml"
    shutil.copyfile(CORPUS / MANIFEST["against"]["state"], rules)
    written = tmp_path / "state.yaml"
    shutil.copyfile(CORPUS / base, written)
    result = perimeter(["--rules", str(rules), "--state", str(written), "status"], cwd=tmp_path)
    assert result.returncode == 0 and result.stderr == "", result.stderr
    assert re.search(r"S1\s+done", result.stdout) and re.search(r"S2\s+eligible", result.stdout)


@pytest.mark.parametrize("case", [c for c in CASES if c.get("derived_from")], ids=lambda c: c["name"])
def test_a_derived_state_differs_from_the_written_one_only_where_it_says(case):
    base = (CORPUS / case["derived_from"]).read_text(encoding="utf-8").splitlines()
    edited = (CORPUS / case["file"]).read_text(encoding="utf-8").splitlines()
    assert len(edited) == len(base)
    changed = [i + 1 for i, (a, b) in enumerate(zip(base, edited)) if a != b]
    assert len(changed) == case.get("lines_changed", 1), changed


@pytest.mark.parametrize("case", [c for c in CASES if c.get("marker")], ids=lambda c: c["name"])
def test_the_python_tag_files_would_run_their_command_if_executed(case, tmp_path, monkeypatch):
    """The control: PyYAML's unsafe loader does create the marker, so its absence above means something."""
    monkeypatch.chdir(tmp_path)
    yaml.unsafe_load((CORPUS / case["file"]).read_text(encoding="utf-8"))
    assert (tmp_path / case["marker"]).exists()


def test_a_rule_set_over_the_step_limit_names_the_step_past_it(tmp_path, monkeypatch):
    """The limit counts steps over all the files of a rule set; exactly at it is fine."""
    monkeypatch.setattr(compiling, "MAX_STEPS", 3)
    first, second = tmp_path / "a.yaml", tmp_path / "b.yaml"
    first.write_text("pathway: {id: p, title: t}\nsteps:\n" + step_line("s1") + step_line("s2"))
    second.write_text("steps:\n" + step_line("s3"))
    assert len(load_pathway([first, second]).steps) == 3
    second.write_text("steps:\n" + step_line("s3") + step_line("s4"))
    with pytest.raises(CompileError) as caught:
        load_pathway([first, second])
    (diagnostic,) = caught.value.diagnostics
    assert (diagnostic.file, diagnostic.line, diagnostic.code) == (str(second), 3, "too-many-steps")
    assert diagnostic.message == "4 steps, over the 3-step limit"


def test_the_limits_are_the_documented_ones():
    assert (load.MAX_FILE_BYTES, load.MAX_DEPTH, load.MAX_NODES, compiling.MAX_STEPS) == (
        32 * 1024 * 1024, 64, 5_000_000, 50_000)


@pytest.mark.parametrize(("text", "value"), [("=", "="), ("'2013-13-45'", "2013-13-45"), ("2013-12-31", None)])
def test_plain_values_next_to_the_refused_ones_still_load(text, value):
    """`=` is text (PyYAML tags it !!value), a quoted date is text, a real date is a date."""
    data = load.parse(f"key: {text}\n", "<memory>").data
    assert data["key"] == value if value else str(data["key"]) == text


@pytest.mark.parametrize(("text", "expect"), [
    ("!!bool maybe", "'maybe' is not a valid boolean"),
    ("!!float abc", "'abc' is not a valid number"),
    ("!!timestamp nope", "'nope' is not a valid date"),
    ("2013-02-30", "'2013-02-30' is not a valid date: day is out of range for month"),
    ("!!omap x", "unsupported tag !!omap"),
    ("!!map x", "unsupported tag !!map"),
    ("!!set x", "unsupported tag !!set"),
])
def test_a_scalar_its_constructor_refuses_is_one_located_error(text, expect):
    """These raised ValueError, KeyError or AttributeError (a traceback), or loaded as an empty value."""
    with pytest.raises(LoadError) as caught:
        load.parse(f"pathway:\n  title: {text}\n", "<memory>")
    (diagnostic,) = caught.value.diagnostics
    assert (diagnostic.line, diagnostic.code) == (2, "parse") and expect in diagnostic.message
