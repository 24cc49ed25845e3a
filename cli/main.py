"""The `perimeter` command: each command parses, calls one library function, renders.

Exit codes: 0 answered, 1 refused (a step whose preconditions fail), 2 usage
or input error.  Errors are one line on stderr (one per located problem),
never a traceback.
"""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path
from typing import Optional

import perimeter
import typer
from perimeter.files.sanitise import for_screen, for_terminal
from perimeter.files.write import write_hint, write_output
from perimeter.pathway.readings import parse_choose
from perimeter.state.workspace import Workspace

from . import render, targets
from .completion import complete_choices as _complete_choices
from .completion import complete_facts as _complete_facts
from .completion import complete_ids as _complete_ids
from .completion import complete_profiles as _complete_profiles
from .hints import COMMAND_HINTS
from .show import show_json, show_text
from .facts_args import UsageError, parse_facts

app = typer.Typer(
    no_args_is_help=True, pretty_exceptions_enable=False, rich_markup_mode=None,
    help="Which steps of a policy pathway are done, open or blocked, and why. "
         "By default, Downie (2013)'s pathway to a North American Security Perimeter.",
)

JSON = typer.Option(False, "--json", help="Machine-readable output.")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"perimeter {perimeter.__version__}")
        raise typer.Exit()


@app.callback()
def main(
    ctx: typer.Context,
    state: Optional[Path] = typer.Option(
        None, "--state", envvar="PERIMETER_STATE", metavar="PATH",
        help="State file (default: $XDG_STATE_HOME/perimeter/state.yaml or ~/.local/state/perimeter/state.yaml)."),
    rules: Optional[list[Path]] = typer.Option(None, "--rules", metavar="PATH",
                                               help="Rule file or folder (default: the shipped rule set, Downie (2013)'s pathway)."),
    facts: Optional[list[Path]] = typer.Option(None, "--facts", metavar="PATH",
                                               help="Fact file or folder to start from (default: the shipped rule set's baseline)."),
    reading: Optional[str] = typer.Option(
        None, "--reading", envvar="PERIMETER_READING", metavar="PROFILE", autocompletion=_complete_profiles,
        help="The reading of the text to answer under: a profile of the rule set (default: default; "
             "see `perimeter readings`)."),
    choose: Optional[list[str]] = typer.Option(
        None, "--choose", metavar="CHOICE=ALTERNATIVE", autocompletion=_complete_choices,
        help="Pick one alternative of a choice, on top of the profile (repeatable)."),
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Show the version."),
) -> None:
    ctx.obj = Options(state, rules or None, facts or None, reading, choose or [])


class Options:
    """The global options, for the commands that need more than a workspace."""

    def __init__(self, state: Optional[Path], rules: Optional[list[Path]], facts: Optional[list[Path]],
                 reading: Optional[str], choose: list[str]):
        self.state, self.rules, self.facts, self.reading = state, rules, facts, reading
        self.choose = choose
        """`CHOICE=ALTERNATIVE` texts, parsed when a command runs (so a malformed one is one error line)."""

    def workspace(self) -> Workspace:
        return Workspace(self.state, self.rules, self.facts, self.reading, parse_choose(self.choose))


def _workspace(ctx: typer.Context) -> Workspace:
    options: Options = ctx.obj
    return options.workspace()


def _echo(text: str) -> None:
    """Print a result, keeping the colour render chose: click strips it from pipes,
    which would defeat CLICOLOR_FORCE.

    The renderers make every field safe (perimeter.files.sanitise); `for_screen`
    is the last guard, keeping only newlines and render's own colour codes."""
    typer.echo(for_screen(text), color=render.colour_enabled())


@app.command()
def status(ctx: typer.Context, json_: bool = JSON) -> None:
    """Every step: its state and direct blockers; every condition; each goal."""
    workspace = _workspace(ctx)
    conclusions = workspace.conclusions()
    where = str(workspace.state_path)
    _echo(render.status_json(conclusions, where) if json_ else render.status_text(conclusions, where))


@app.command("next")
def next_(ctx: typer.Context, json_: bool = JSON) -> None:
    """The steps that can be taken now, in the rule set's sequence order."""
    conclusions = _workspace(ctx).conclusions()
    ids = conclusions.by_state(perimeter.State.ELIGIBLE)
    _echo(render.next_json(conclusions, ids) if json_ else render.next_text(conclusions, ids))


@app.command()
def why(ctx: typer.Context,
        target: list[str] = typer.Argument(..., help="A step id, condition id, 'goal', or a question in words.",
                                           autocompletion=_complete_ids),
        explain_match: bool = typer.Option(False, "--explain-match",
                                           help="Also show how the words were read: what matched, the runners-up."),
        json_: bool = JSON) -> None:
    """Why a target stands where it does: what blocks it, down to what can be done now (several ids: each)."""
    workspace = _workspace(ctx)
    asked = targets.questions(workspace, target)
    try:
        answers = [workspace.explain(q) for q in asked]
    except perimeter.UnknownIdError:
        if explain_match:  # an ambiguity or no match: how the words were read is what helps now
            _echo(targets.with_matches("", [workspace.match(q) for q in asked], False, render.dumps).lstrip())
        raise
    text = targets.each(answers, render.why_json if json_ else render.why_text, json_, render.dumps)
    if explain_match:
        text = targets.with_matches(text, [workspace.match(q) for q in asked], json_, render.dumps)
    _echo(text)


@app.command()
def plan(ctx: typer.Context,
         target: list[str] = typer.Argument(..., help="A step id, condition id, 'goal', or words.",
                                            autocompletion=_complete_ids),
         json_: bool = JSON) -> None:
    """The ordered steps and conditions still needed for a target (several ids: the plan for each)."""
    workspace = _workspace(ctx)
    plans = [workspace.plan(q) for q in targets.questions(workspace, target)]
    _echo(targets.each(plans, render.plan_json if json_ else render.plan_text, json_, render.dumps))


@app.command("assert")
def assert_(ctx: typer.Context,
            fact: list[str] = typer.Argument(..., help="Step or condition ids, each optionally followed by key=value.",
                                             autocompletion=_complete_facts),
            source: Optional[str] = typer.Option(None, "--source", help="Where this comes from (kept in history)."),
            force: bool = typer.Option(False, "--force", help="Record it even if its preconditions fail (it shows as violated)."),
            json_: bool = JSON) -> None:
    """Record steps as done or conditions as holding, left to right, all or none."""
    change = _workspace(ctx).apply(parse_facts(fact, "assert", source), force=force)
    _echo(render.change_json(change) if json_ else render.change_text(change))


@app.command()
def retract(ctx: typer.Context,
            fact: list[str] = typer.Argument(..., help="Step or condition ids.", autocompletion=_complete_facts),
            json_: bool = JSON) -> None:
    """Withdraw facts and what was concluded from them (recorded steps that needed them show as violated)."""
    change = _workspace(ctx).apply(parse_facts(fact, "retract"))
    _echo(render.change_json(change) if json_ else render.change_text(change))


@app.command("what-if")
def what_if(ctx: typer.Context,
            fact: Optional[list[str]] = typer.Argument(None, help="Hypothetical facts, each optionally with key=value.",
                                                       autocompletion=_complete_facts),
            without: Optional[list[str]] = typer.Option(None, "--without", help="A fact to suppose retracted."),
            json_: bool = JSON) -> None:
    """What hypothetical facts would change; nothing is stored."""
    changes = (parse_facts(fact, "assert") if fact else []) + (parse_facts(without, "retract") if without else [])
    if not changes:
        raise UsageError("no hypothetical fact given", hint="name a fact, or --without a fact")
    change = _workspace(ctx).what_if(changes)
    _echo(render.change_json(change) if json_ else render.change_text(change))


@app.command()
def show(ctx: typer.Context,
         target: list[str] = typer.Argument(..., metavar="TARGET...", help="Ids or words, as `why` takes them.",
                                            autocompletion=_complete_ids),
         json_: bool = JSON) -> None:
    """Steps or conditions: title, aliases, preconditions with basis and citation."""
    workspace = _workspace(ctx)
    rules = [workspace.describe(id_) for id_ in targets.ids(workspace, target)]
    _echo(targets.each(rules, show_json if json_ else lambda r: show_text(r, workspace.pathway, workspace.reading),
                       json_, render.dumps))


@app.command()
def spectrum(ctx: typer.Context, json_: bool = JSON,
             svg: Optional[Path] = typer.Option(None, "--svg", metavar="FILE",
                                                help="Also write the chart as an SVG picture.")) -> None:
    """Where each relationship stands on Chart 1's spectrum from conflict to alliance."""
    from .svg import chart_svg

    chart = _workspace(ctx).chart()
    if svg is not None:
        _write_picture(svg, chart_svg(chart))
    _echo(render.spectrum_json(chart) if json_ else render.spectrum_text(chart))


def _write_picture(path: Path, text: str) -> None:
    """Written as `> path` would be (perimeter.files.write): a file atomically, keeping its mode;
    a link through to its target; a FIFO, a device or /dev/stdout directly; a read-only file refused."""
    try:
        write_output(path, text)
    except OSError as error:
        raise UsageError(f"{path}: cannot write the output: {error.strerror or error}",
                         hint=write_hint(error, "choose a writable path")) from None


@app.command()
def check(ctx: typer.Context,
          files: Optional[list[Path]] = typer.Argument(None, metavar="[FILE]...",
                                                       help="Rule and fact files (default: those in use)."),
          strict: bool = typer.Option(False, "--strict", help="Fail on warnings too."),
          json_: bool = JSON) -> None:
    """Validate rule and fact files without evaluating anything: every finding, sorted."""
    from perimeter.pathway.check import check as check_files
    from perimeter.pathway.check import sort_files
    from perimeter.scenarios.load import check_scenario_files

    options: Options = ctx.obj
    if files:
        # told apart by their keys, folders by their files; scenarios against the rule set given or in force
        rules, facts, scenarios = sort_files(files)
        findings = check_files(rules or options.rules, facts) if rules or facts else []
        findings = sorted(findings + check_scenario_files(scenarios, rules or options.rules))
    else:
        findings = check_files(options.rules, options.facts)
    findings = [_with_command_hint(f) for f in findings]
    _echo(render.findings_json(findings) if json_ else render.findings_text(findings))
    errors = [f for f in findings if f.severity.value == "error"]
    if errors or (strict and findings):
        raise typer.Exit(2)


@app.command()
def readings(ctx: typer.Context, json_: bool = JSON) -> None:
    """Every choice the text leaves open: its question, quotes, alternatives, default; and the profiles."""
    from . import readings as report

    workspace = _workspace(ctx)
    _echo(report.readings_json(workspace.readings(), workspace.reading) if json_
          else report.readings_text(workspace.readings(), workspace.reading))


@app.command()
def compare(ctx: typer.Context,
            targets: Optional[list[str]] = typer.Argument(None, metavar="[TARGET]...",
                                                        help="Targets whose plans to compare (default: each goal)."),
            to: Optional[str] = typer.Option(None, "--to", metavar="PROFILE",
                                             help="The reading to compare with: a profile (default: default)."),
            to_choose: Optional[list[str]] = typer.Option(None, "--to-choose", metavar="CHOICE=ALTERNATIVE",
                                                          help="Pick an alternative on top of --to (repeatable)."),
            to_rules: Optional[list[Path]] = typer.Option(None, "--to-rules", metavar="PATH",
                                                          help="Compare with another rule set (file or folder)."),
            json_: bool = JSON) -> None:
    """The current facts under the reading in force and under another (or another rule set): steps, plans,
    Chart 1, a telling order."""
    from . import readings as report

    comparison = _workspace(ctx).compare(to, parse_choose(to_choose or []), targets or (), to_rules or None)
    _echo(report.compare_json(comparison) if json_ else report.compare_text(comparison))


@app.command("test")
def scenario_test(ctx: typer.Context,
                  scenarios: Optional[list[Path]] = typer.Argument(
                      None, metavar="[SCENARIO]...",
                      help="Scenario files or folders (default: the shipped rule set's own; name them for any other)."),
                  coverage: bool = typer.Option(False, "--coverage",
                                                help="Also list each precondition the scenarios saw met and unmet."),
                  json_: bool = JSON) -> None:
    """Run scenario files on fresh engines (no state is read or written): exit 1 when an expectation fails."""
    from . import scenarios as report

    options: Options = ctx.obj
    run = perimeter.run_scenarios(scenarios or None, options.rules, options.facts, reading=options.reading or "default",
                                  choose=parse_choose(options.choose))
    _echo(report.run_json(run, coverage) if json_ else report.run_text(run, coverage))
    if not run.passed:
        raise typer.Exit(1)


@app.command()
def graph(ctx: typer.Context,
          format_: str = typer.Option("mermaid", "--format", help="mermaid, dot or svg (svg needs Graphviz)."),
          output: Optional[Path] = typer.Option(None, "--output", metavar="FILE",
                                                help="Write here instead of standard output.")) -> None:
    """The pathway as a picture: lanes in bands, time left to right, nodes coloured by state."""
    from . import graph as drawing

    renderers = {"mermaid": drawing.mermaid, "dot": drawing.dot, "svg": drawing.svg}
    if format_ not in renderers:
        raise UsageError(f"unknown format '{format_}'", hint="use mermaid, dot or svg")
    workspace = _workspace(ctx)
    text = renderers[format_](workspace.pathway, workspace.conclusions())
    if output is None:
        _echo(text.rstrip("\n"))
    else:
        _write_picture(output, text)


@app.command()
def schema() -> None:
    """The JSON Schema of rule and fact files, for editors."""
    _echo(render.dumps(perimeter.json_schema()))


@app.command()
def bench(steps: Optional[list[int]] = typer.Option(None, "--steps", metavar="N",
                                                   help="Pathway size; repeat for several (default: 100, 1000, 10000)."),
          json_: bool = JSON) -> None:
    """Time generated pathways through loading, evaluation, changes, why and plan."""
    from perimeter import bench as benchmark

    sizes = tuple(steps) if steps else benchmark.SIZES
    if any(n < 2 for n in sizes):
        raise UsageError("--steps must be at least 2", hint="e.g. --steps 1000")
    runs = benchmark.run(sizes)
    _echo(render.bench_json(runs) if json_ else render.bench_text(runs))


@app.command()
def history(ctx: typer.Context, json_: bool = JSON) -> None:
    """What was asserted and retracted, when, with its source."""
    entries = _workspace(ctx).history()
    _echo(render.history_json(entries) if json_ else render.history_text(entries))


@app.command()
def reset(ctx: typer.Context) -> None:
    """Back to the baseline; the old state is kept as a backup."""
    workspace = _workspace(ctx)
    backup = workspace.reset()
    _echo(f"State reset to the baseline: {for_terminal(str(workspace.state_path))}"
          + (f" (previous state kept at {for_terminal(str(backup))})" if backup else ""))


def run(argv: list[str] | None = None) -> None:
    """Console entry point: errors become one line on stderr and an exit code."""
    try:
        result = app(args=argv, prog_name="perimeter", standalone_mode=False)
    except perimeter.PerimeterError as error:
        _fail(error)
    except typer.Abort:
        typer.echo("perimeter: aborted", err=True)
        raise SystemExit(1) from None
    except Exception as error:  # click's usage errors arrive as its own exception types
        if type(error).__name__ == "NoArgsIsHelpError":  # no command: the help itself, not an error line
            error.show()  # type: ignore[attr-defined]
            raise SystemExit(2) from None
        if hasattr(error, "format_message") and hasattr(error, "exit_code"):
            typer.echo(f"perimeter: {for_terminal(error.format_message())} (see 'perimeter --help')", err=True)
            raise SystemExit(2) from None
        raise
    raise SystemExit(result if isinstance(result, int) else 0)


def _fail(error: perimeter.PerimeterError) -> None:
    # Located problems print as `file:line:col: ...` so editors can jump to them.  Each is one
    # line whatever its message holds: a newline, an escape sequence or a bidi override in a
    # file name, an id or an echoed field name is shown escaped (perimeter.files.sanitise).
    if error.diagnostics:
        text = "\n".join(for_terminal(d.render()) for d in error.diagnostics)
    else:
        text = "perimeter: " + for_terminal(_with_command_hint(error.problem).render(with_code=False))
    typer.echo(text, err=True)
    raise SystemExit(1 if isinstance(error, perimeter.RefusedError) else 2)


def _with_command_hint(problem: perimeter.Diagnostic) -> perimeter.Diagnostic:
    """The problem with its hint in command-line terms: the command or option that acts on it."""
    hint = COMMAND_HINTS.get(problem.code)
    if hint is None or problem.candidates:  # a "did you mean" is hint enough
        return problem
    return dataclasses.replace(problem, hint=hint)


if __name__ == "__main__":
    run(sys.argv[1:])
