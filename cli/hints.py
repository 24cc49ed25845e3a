"""What the command line adds to a library hint: the command or option that does it.

The library's hints speak of rule sets, state files and facts; only here do
they name `perimeter` commands, options and environment variables.  Keyed by
the code of an error's problem (`error.problem.code`) or of a diagnostic
(`perimeter.codes`), each value is the hint the command line gives in place of the library's.
"""

from __future__ import annotations

from perimeter import codes

COMMAND_HINTS: dict[str, str] = {
    codes.UNKNOWN_ID: "list the ids with `perimeter status`",
    codes.STATE_IS_FOLDER: "give --state the path of a file",
    codes.STATE_TOO_NEW: "upgrade perimeter, or use another --state",
    codes.STATE_OTHER_RULES: "use another --state for these rules, or `perimeter reset` to start this one over",
    codes.STATE_UNKNOWN_IDS: "edit those entries out, or `perimeter reset`",
    codes.STATE_OTHER_BASELINE: "`perimeter reset` with --facts to start over from these facts",
    codes.BENCH_FAILED: "run `python -m perimeter.bench N` to see it",
    codes.NO_SCENARIO_FILES: "name them: `perimeter test FILE...` (only the shipped rule set has its own)",
    codes.FACT_FILE: "pass it with --facts",
    codes.RULE_FILE: "pass it with --rules",
    codes.SCENARIO_FILE: "run it with `perimeter test`",
}
"""Error or diagnostic code -> the hint the command line gives instead of the library's."""
