"""Inside `perimeter shell`, help and errors name commands as they are typed there: `suppose`, not
`perimeter suppose`; "see 'help suppose'", not "see 'perimeter --help'"; and a command's help lists no
option that only the one-shot command takes (--state, --rules: given as the shell starts).

Regressions: the shell's usage lines read `Usage: perimeter suppose ...`, its errors "see 'perimeter
--help'" and "list the ids with `perimeter status`", its command list "(as `perimeter COMMAND`)", and
`help commit` was an internal error (typer builds an option's type lazily; cli/help.py read it).

The shell reads lines from a pipe here (no prompt, no intro), one process for many lines.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import typer

from clitools import subprocess_env
from perimeter.cli.main import app
from perimeter.cli.shell import session

COMMANDS = sorted(n for n in typer.main.get_command(app).commands if n != "shell")  # type: ignore[attr-defined]
OWN = sorted(typer.main.get_command(session).commands)  # type: ignore[attr-defined]
GLOBAL_OPTIONS = sorted(o for p in typer.main.get_command(app).params for o in p.opts if o.startswith("--")
                        and o not in ("--help", "--version"))
GUARD = 120  # seconds; only to turn a hang into a failure


def typed(state: Path, *lines: str) -> subprocess.CompletedProcess[str]:
    """`lines` typed into a shell on `state`, one after the other."""
    return subprocess.run([sys.executable, "-m", "perimeter", "--state", str(state), "shell"],
                          input="".join(line + "\n" for line in lines), capture_output=True, text=True,
                          env=subprocess_env({"NO_COLOR": "1"}), timeout=GUARD)


def test_the_global_options_are_what_the_shell_refuses(state):
    assert {"--state", "--rules", "--facts"} <= set(GLOBAL_OPTIONS)
    result = typed(state, *(f"{option} x status" for option in GLOBAL_OPTIONS))
    assert result.stderr.count("are given as the shell starts") == len(GLOBAL_OPTIONS), result.stderr


def test_every_commands_help_in_the_shell_is_in_the_shells_words(state):
    result = typed(state, *(f"help {name}" for name in [*COMMANDS, *OWN]))
    assert result.returncode == 0 and result.stderr == "", result.stderr
    helps = result.stdout.split("Usage: ")[1:]
    assert len(helps) == len(COMMANDS) + len(OWN), result.stdout
    for name, text in zip([*COMMANDS, *OWN], helps):
        assert text.startswith(f"{name} [OPTIONS]"), text  # not `perimeter NAME`
        assert "perimeter " not in text, text
        options = text.split("\nOptions:\n", 1)[1]
        assert not [o for o in GLOBAL_OPTIONS if o in options.split()], options
    assert 'Example: why "why can\'t Mexico join NORAD yet"' in result.stdout
    assert "--source TEXT" in helps[[*COMMANDS, *OWN].index("commit")]


def test_a_commands_own_help_option_in_the_shell_is_the_same_as_help_command(state):
    result = typed(state, "why --help", "help why")
    first, second = result.stdout.split("Usage: ")[1:]
    assert first.strip() == second.strip() and first.startswith("why [OPTIONS] TARGET...\n")


def test_usage_errors_in_the_shell_point_at_the_shells_help(state):
    result = typed(state, "suppose", "suppose --bogus A1", "frobnicate", "status --nope", "help frob")
    assert result.stderr.splitlines() == [
        "perimeter: Missing argument 'FACT...'. (see 'help suppose')",
        "perimeter: No such option: --bogus (see 'help suppose')",
        "perimeter: No such command 'frobnicate'. (see 'help')",
        "perimeter: No such option: --nope (see 'help status')",
        "perimeter: No such command 'frob'. (see 'help')",
    ]


def test_hints_in_the_shell_name_commands_without_perimeter_also_in_json(state):
    result = typed(state, "why Z9", "why --json")
    assert result.stderr.splitlines() == ["perimeter: unknown step or condition 'Z9' (list the ids with `status`)"]
    assert '"hint": "see \'help why\'"' in result.stdout


def test_the_shells_command_list_says_how_to_type_a_command(state):
    result = typed(state, "help", "help shell")
    assert result.stdout.startswith("Commands (`help COMMAND` for one):\n"), result.stdout
    assert "perimeter COMMAND" not in result.stdout
    assert result.stderr.splitlines() == ["perimeter: this is the shell already (type a command, or 'exit' to leave)"]


def test_the_one_shot_command_keeps_its_own_words(state):
    usage = subprocess.run([sys.executable, "-m", "perimeter", "suppose"], capture_output=True, text=True,
                           env=subprocess_env(), timeout=GUARD)
    assert usage.stderr.strip() == "perimeter: No such command 'suppose'. (see 'perimeter --help')"
    unknown = subprocess.run([sys.executable, "-m", "perimeter", "why", "Z9"], capture_output=True, text=True,
                             env=subprocess_env(), timeout=GUARD)
    assert "(list the ids with `perimeter status`)" in unknown.stderr
    helped = subprocess.run([sys.executable, "-m", "perimeter", "why", "--help"], capture_output=True, text=True,
                            env=subprocess_env(), timeout=GUARD)
    assert helped.stdout.startswith("Usage: perimeter why [OPTIONS] TARGET...\n")
    assert 'Example: perimeter why "why' in helped.stdout
