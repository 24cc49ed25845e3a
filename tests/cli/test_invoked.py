"""A one-shot command builds only the command it names (cli/invoked.py), and answers as the whole app would."""

from __future__ import annotations

import pytest
import typer
from typer.testing import CliRunner

from perimeter.cli.invoked import _VALUED, invoked
from perimeter.cli.main import app


def test_the_options_it_skips_the_value_of_are_exactly_the_global_options_that_take_one():
    group = typer.main.get_command(app)
    valued = {name for param in group.params if param.param_type_name == "option" and not getattr(param, "is_flag")
              for name in param.opts}
    assert valued == set(_VALUED)


@pytest.mark.parametrize("args, name", [
    (["why", "A7"], "why"), (["--state", "why", "plan", "goal"], "plan"), (["--rules=x", "status"], "status"),
    (["--choose", "a=b", "--json", "next"], "next"), (["what-if", "vetting"], "what-if"),
    (["assert", "A1"], "assert"), (["test"], "test")])
def test_a_named_command_is_the_only_one_built(args, name):
    one = invoked(app, args)
    assert one is not app
    assert list(typer.main.get_command(one).commands) == [name]  # type: ignore[attr-defined]


@pytest.mark.parametrize("args", [[], ["--help"], ["--version"], ["whyy", "A7"], ["--state", "x"]])
def test_help_version_a_typo_or_no_command_get_the_whole_app(args):
    assert invoked(app, args) is app


@pytest.mark.parametrize("args", [["why", "A7"], ["plan", "goal", "--json"], ["why"], ["why", "--help"],
                                  ["status"], ["show", "A4"], ["retract", "--bogus"]])
def test_the_one_command_answers_as_the_whole_app_does(args):
    alone, whole = CliRunner().invoke(invoked(app, args), args), CliRunner().invoke(app, args)
    assert (alone.exit_code, alone.output) == (whole.exit_code, whole.output)
    assert alone.output.strip()


@pytest.mark.parametrize("args, hint", [
    (["why"], "see 'perimeter why --help'"), (["plan", "--rounds"], "see 'perimeter plan --help'"),
    (["whyy", "A7"], "see 'perimeter --help'"), (["--bogus"], "see 'perimeter --help'")])
def test_a_usage_error_points_at_the_help_of_what_was_typed(capsys, args, hint):
    from perimeter.cli.main import run

    with pytest.raises(SystemExit) as stopped:
        run(args)
    error = capsys.readouterr().err
    assert stopped.value.code == 2 and error.count("\n") == 1 and error.rstrip().endswith(f"({hint})"), error
