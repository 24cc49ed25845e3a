"""The `perimeter` command: each command parses, calls one library function, renders.

Exit codes: 0 answered, 1 refused (a step whose preconditions fail), 2 usage
or input error.  Errors are one line on stderr (one per located problem),
never a traceback.
"""

from __future__ import annotations

import sys
from pathlib import Path
from types import ModuleType
from typing import Optional

import perimeter
import typer
from perimeter.files.read import gc_paused
from perimeter.files.sanitise import for_terminal
from perimeter.pathway.readings import parse_choose
from perimeter.state.workspace import Workspace

from . import leverage as levers
from . import render, targets
from .completion import complete_choices as _complete_choices
from .completion import complete_facts as _complete_facts
from .completion import complete_ids as _complete_ids
from .completion import complete_profiles as _complete_profiles
from .completion import complete_recorded as _complete_recorded
from .failures import report, wants_json
from .help import use_for
from .invoked import invoked
from .layout import shown_path as _shown_path
from .output import echo as _echo
from .output import write_picture as _write_picture
from .failures import with_command_hint as _with_command_hint
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
    if not isinstance(ctx.obj, Options):  # the shell passes its own, holding the session's workspace
        ctx.obj = Options(state, rules or None, facts or None, reading, choose or [])


class Options:
    """The global options, for the commands that need more than a workspace."""

    def __init__(self, state: Optional[Path], rules: Optional[list[Path]], facts: Optional[list[Path]],
                 reading: Optional[str], choose: list[str]):
        self.state, self.rules, self.facts, self.reading = state, rules, facts, reading
        self.choose = choose
        """`CHOICE=ALTERNATIVE` texts, parsed when a command runs (so a malformed one is one error line)."""
        self.kept: Workspace | None = None
        """The shell's workspace, loaded once for all its commands; None: a new one for each command."""

    def workspace(self) -> Workspace:
        if self.kept is not None:
            return self.kept
        with gc_paused(freeze=True):  # this process is the command's: what it loads is kept from the collector's scans
            return Workspace(self.state, self.rules, self.facts, self.reading, parse_choose(self.choose))


def _workspace(ctx: typer.Context) -> Workspace:
    options: Options = ctx.obj
    return options.workspace()


@app.command()
def status(ctx: typer.Context, json_: bool = JSON) -> None:
    """Every step: its state and direct blockers; every condition; each goal."""
    workspace = _workspace(ctx)
    conclusions, distances = workspace.standing()
    where = str(workspace.state_path)
    _echo(levers.status_json(render.status_json(conclusions, where), distances) if json_
          else "\n".join([render.status_text(conclusions, where), *levers.distance_lines(distances)]))


@app.command("next")
def next_(ctx: typer.Context, json_: bool = JSON) -> None:
    """The steps that can be taken now, in the rule set's sequence order."""
    conclusions = _workspace(ctx).conclusions()
    ids = conclusions.by_state(perimeter.State.ELIGIBLE)
    _echo(render.next_json(conclusions, ids) if json_ else render.next_text(conclusions, ids))


@app.command()
def why(ctx: typer.Context,
        target: list[str] = typer.Argument(..., metavar="TARGET...", help="A step id, condition id, 'goal', or a question in words.",
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
        if explain_match and not json_:  # an ambiguity or no match: how the words were read is what helps now
            _echo(targets.with_matches("", [workspace.match(q) for q in asked], False, render.dumps).lstrip())
        raise
    text = targets.each(answers, render.why_json if json_ else render.why_text, json_, render.dumps)
    if explain_match:
        text = targets.with_matches(text, [workspace.match(q) for q in asked], json_, render.dumps)
    _echo(text)


@app.command()
def plan(ctx: typer.Context,
         target: list[str] = typer.Argument(..., metavar="TARGET...", help="A step id, condition id, 'goal', or words.",
                                            autocompletion=_complete_ids),
         rounds: bool = typer.Option(False, "--rounds", help="Also group it into the fewest rounds of decisions, "
                                                              "and name the chain that sets the pace."),
         json_: bool = JSON) -> None:
    """The ordered steps and conditions still needed for a target (several ids: the plan for each)."""
    workspace = _workspace(ctx)
    if rounds:
        distances = workspace.distances(targets.questions(workspace, target))
        return _echo(targets.each(distances, levers.rounds_json if json_ else levers.rounds_text, json_, render.dumps))
    plans = [workspace.plan(q) for q in targets.questions(workspace, target)]
    _echo(targets.each(plans, render.plan_json if json_ else render.plan_text, json_, render.dumps))


app.command("leverage")(levers.leverage)


@app.command("assert")
def assert_(ctx: typer.Context,
            fact: list[str] = typer.Argument(..., help="Step or condition ids, each optionally followed by key=value.",
                                             autocompletion=_complete_facts),
            source: Optional[str] = typer.Option(None, "--source", metavar="TEXT",
                                                 help="Where this comes from (kept in history)."),
            force: bool = typer.Option(False, "--force", help="Record it even if its preconditions fail (it shows as violated)."),
            json_: bool = JSON) -> None:
    """Record steps as done or conditions as holding, left to right, all or none."""
    change = _workspace(ctx).apply(parse_facts(fact, "assert", source), force=force)
    _echo(render.change_json(change) if json_ else render.change_text(change))


@app.command()
def retract(ctx: typer.Context,
            fact: list[str] = typer.Argument(..., help="Step or condition ids.", autocompletion=_complete_recorded),
            json_: bool = JSON) -> None:
    """Withdraw facts and what was concluded from them (recorded steps that needed them show as violated)."""
    change = _workspace(ctx).apply(parse_facts(fact, "retract"))
    _echo(render.change_json(change) if json_ else render.change_text(change))


@app.command("what-if")
def what_if(ctx: typer.Context,
            fact: Optional[list[str]] = typer.Argument(None, help="Hypothetical facts, each optionally with key=value.",
                                                       autocompletion=_complete_facts),
            without: Optional[list[str]] = typer.Option(None, "--without", metavar="FACT",
                                                        help="A fact to suppose retracted (repeatable)."),
            json_: bool = JSON) -> None:
    """What hypothetical facts would change; nothing is stored."""
    changes = (parse_facts(fact, "assert") if fact else []) + (parse_facts(without, "retract") if without else [])
    if not changes:
        raise UsageError("no hypothetical fact given", hint="name a fact, or --without a fact")
    change = _workspace(ctx).what_if(changes)
    _echo(render.change_json(change, hypothetical=True) if json_ else render.change_text(change, hypothetical=True))


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
          format_: str = typer.Option("mermaid", "--format", metavar="FORMAT",
                                      help="mermaid, dot or svg (svg needs Graphviz)."),
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
def schema(output_of: Optional[str] = typer.Option(
        None, "--output-of", metavar="COMMAND", autocompletion=lambda: list(_outputs().SCHEMAS),
        help="The JSON Schema of a command's --json output instead (or of 'errors', any command's errors).")) -> None:
    """The JSON Schema of rule and fact files, for editors; or of a command's JSON output."""
    _echo(render.dumps(_outputs().schema_of(output_of) if output_of else perimeter.json_schema()))


def _outputs() -> ModuleType:
    from . import output_schemas  # only `schema` needs it: other commands do not pay for importing it

    return output_schemas


@app.command()
def bench(steps: Optional[list[int]] = typer.Option(None, "--steps", metavar="N",
                                                   help="Pathway size; repeat for several (default: 100, 1000, 10000)."),
          compare: bool = typer.Option(False, "--compare", help="Also time clingo on each pathway (if installed)."),
          json_: bool = JSON) -> None:
    """Time generated pathways through loading, evaluation, changes, why and plan."""
    from perimeter import bench as benchmark

    sizes = tuple(steps) if steps else benchmark.SIZES
    if any(n < 2 for n in sizes):
        raise UsageError("--steps must be at least 2", hint="e.g. --steps 1000")
    runs = benchmark.run(sizes, compare=compare)
    _echo(render.versioned(render.bench_json(runs)) if json_ else render.bench_text(runs))


@app.command()
def history(ctx: typer.Context, json_: bool = JSON) -> None:
    """What was asserted and retracted, when, with its source."""
    entries = _workspace(ctx).history()
    _echo(render.history_json(entries) if json_ else render.history_text(entries))


@app.command()
def shell(ctx: typer.Context) -> None:
    """An interactive session: commands without `perimeter`, completion, history, suppositions."""
    from perimeter.state.suppose import Supposing

    from .shell import Shell

    options: Options = ctx.obj
    if options.kept is not None:
        raise UsageError("this is the shell already", hint="type a command, or 'exit' to leave")
    with gc_paused(freeze=True):
        options.kept = Supposing(options.state, options.rules, options.facts, options.reading, parse_choose(options.choose))
    Shell(typer.main.get_command(app), options).run()


@app.command()
def reset(ctx: typer.Context, json_: bool = JSON) -> None:
    """Back to the baseline; the old state is kept as a backup."""
    workspace = _workspace(ctx)
    backup = workspace.reset()
    if json_:
        return _echo(render.document({"state_file": str(workspace.state_path), "backup": backup and str(backup)}))
    _echo(f"State reset to the baseline: {for_terminal(_shown_path(str(workspace.state_path)))}"
          + (f" (previous state kept at {for_terminal(_shown_path(str(backup)))})" if backup else ""))


use_for(app)  # every command's help: words for what to type, and an example (cli/help.py)


def run(argv: list[str] | None = None) -> None:
    """Console entry point: errors become one line on stderr and an exit code (cli/failures.py)."""
    args = sys.argv[1:] if argv is None else argv
    try:
        result = invoked(app, args)(args=args, prog_name="perimeter", standalone_mode=False)
    except Exception as error:
        code = report(error, wants_json(sys.argv[1:] if argv is None else argv))
        if code is None:
            raise
        raise SystemExit(code) from None
    raise SystemExit(result if isinstance(result, int) else 0)


if __name__ == "__main__":
    run(sys.argv[1:])
