"""Every diagnostic code perimeter reports, in one catalogue.

A code names a kind of problem for programs: the JSON of `perimeter check`,
tests, and the command line's own hints (`perimeter.cli.hints`).  A code's
value never changes once published; new problems get new codes.

An error class's `code` is the phase its problems belong to (the first group
below); a diagnostic's code says which problem it is.
"""

from __future__ import annotations

# -- the error classes of perimeter.errors, one per phase ---------------------
ERROR = "error"  # PerimeterError: the root, for a problem no branch covers
LOAD = "load"  # LoadError: a rule, fact or state file that cannot be read, or is empty or of the wrong shape
COMPILE = "compile"  # CompileError: a rule set whose entries do not fit together
EVALUATE = "evaluate"  # EvaluationError: the rules engine failed underneath (never the user's fault)
UNKNOWN_ID = "unknown-id"  # UnknownIdError; and a fact or measure that names no id of the rule set
AMBIGUOUS = "ambiguous"  # AmbiguousTargetError: a question that matches several steps or conditions
BAD_FACT = "bad-fact"  # FactError: a malformed or undeclared attribute, a value not of its type, a blank value or source
STATE = "state"  # StoreError: a state file that cannot be read or written
REFUSED = "refused"  # RefusedError: an assertion the rules do not allow

# -- the command line's own errors (perimeter.cli) ----------------------------
USAGE = "usage"  # the command line itself is wrong
GRAPHVIZ = "graphviz"  # an SVG picture was asked for and Graphviz's `dot` is missing

# -- reading files (perimeter.files) ------------------------------------------
PARSE = "parse"  # not YAML perimeter accepts: bad syntax, a duplicate key, a tag, an alias bomb, deep nesting
SCHEMA = "schema"  # a value that does not fit the file's model: an unknown or missing field, a wrong type
CONTROL_CHARACTER = "control-character"  # a text holding a control or bidi character (shown escaped: \x1b, \u202e)
NO_YAML_FILES = "no-yaml-files"  # a folder named as rules or facts that holds no .yaml file
FACT_FILE = "fact-file"  # a fact file where rule files are expected (told by its top-level keys)
RULE_FILE = "rule-file"  # a rule file where fact files are expected
SCENARIO_FILE = "scenario-file"  # a scenario file where rule or fact files are expected

# -- compiling a rule set (perimeter.pathway.compile) -------------------------
NO_STEPS = "no-steps"  # a rule set without a single step
TOO_MANY_STEPS = "too-many-steps"  # a rule set over MAX_STEPS steps, reported at the first step past it
DUPLICATE_GOAL = "duplicate-goal"  # two goals with one id (`goal:` and `goals:` entries alike)
DUPLICATE_PATHWAY = "duplicate-pathway"  # a second `pathway:` header in one rule set
DUPLICATE_ID = "duplicate-id"  # an id defined twice (steps and conditions, or spectrum levels, relationships)
UNKNOWN_REFERENCE = "unknown-reference"  # a precondition, spectrum floor or effect naming nothing defined
ID_CASE = "id-case"  # (a warning) a reference spelt in another case than the id it names, which it resolves to
DUPLICATE_PRECONDITION = "duplicate-precondition"  # one step listing the same precondition twice
DUPLICATE_CONSTRAINT = "duplicate-constraint"  # one step constraining the same attribute twice (names without case)
DUPLICATE_ATTRIBUTE = "duplicate-attribute"  # a step or condition declaring one attribute twice (names without case)
UNDECLARED_ATTRIBUTE = "undeclared-attribute"  # a constraint on an attribute its step, which declares some, does not
BAD_ATTRIBUTE = "bad-attribute"  # a declared `allowed` value that does not parse as the attribute's type
BAD_CONSTRAINT = "bad-constraint"  # `min`/`max` on a text attribute, above one another, or a value not of its type
CYCLE = "cycle"  # preconditions that need each other, round a loop
DUPLICATE_SPECTRUM = "duplicate-spectrum"  # a second `spectrum:` in one rule set
DUPLICATE_LANE = "duplicate-lane"  # a lane declared twice (ids compared without case)
UNKNOWN_LANE = "unknown-lane"  # a step's `lane:` naming no declared lane (or none of the paper's three)
DUPLICATE_CHOICE = "duplicate-choice"  # a choice or reading profile declared twice (ids compared without case)
BAD_CHOICE = "bad-choice"  # a choice whose default is not among its alternatives, or lists one twice
UNKNOWN_CHOICE = "unknown-choice"  # a profile or `when:` naming no declared choice, or no alternative of it
UNKNOWN_READING = "unknown-reading"  # --reading or --choose naming no profile, choice or alternative

# -- fact files (perimeter.pathway.facts) -------------------------------------
DUPLICATE_FACT = "duplicate-fact"  # one id stated twice across the fact files
NO_SPECTRUM = "no-spectrum"  # measures given for a rule set that has no spectrum

# -- warnings of `check` (perimeter.pathway.check) ----------------------------
UNREACHABLE = "unreachable"  # steps that need a condition no step provides and the baseline lacks
NOT_NEEDED = "not-needed"  # a step the goal never needs, or a condition nothing needs or records
AGAINST_SEQUENCE = "against-sequence"  # an implied precondition on a later-numbered step of the same series
NO_LANE = "no-lane"  # a step with a `sector:` but no `lane:` in a rule set that declares its own lanes
CONTEXT_NEEDED = "context-needed"  # a condition declared `context: true` that a step or goal needs

# -- the state file (perimeter.state) -----------------------------------------
STATE_IS_FOLDER = "state-is-folder"  # the state path names a folder, not a file
STATE_TOO_NEW = "state-too-new"  # a state file of a newer format than this perimeter reads
STATE_UNWRITABLE = "state-unwritable"  # the state, its lock or its backup copy cannot be written
STATE_OTHER_RULES = "state-other-rules"  # a state file that belongs to another rule set
STATE_UNKNOWN_IDS = "state-unknown-ids"  # a state file naming ids the rule set does not have
STATE_OTHER_BASELINE = "state-other-baseline"  # a state file started from other fact files than those given

# -- scenario files (perimeter.scenarios) -------------------------------------
NO_SCENARIOS = "no-scenarios"  # a scenario file that lists no scenario
DUPLICATE_SCENARIO = "duplicate-scenario"  # two scenarios of one file with one name (compared without case)
SCENARIO_OTHER_RULES = "scenario-other-rules"  # a scenario file written for another rule set than the one in force
BAD_SCENARIO = "bad-scenario"  # an action or expectation that does not fit the rule set (a condition given a
# step state, an id expected in two states, `from` naming no earlier scenario, a goal retracted)
NO_SCENARIO_FILES = "no-scenario-files"  # scenarios asked for with no file, for a rule set that ships none

# -- the benchmark (perimeter.bench) ------------------------------------------
BENCH_FAILED = "bench-failed"  # a benchmark run in its own process failed

# -- the state file, issue 14 (perimeter.state.store) --------------------------
STATE_TOO_BIG = "state-too-big"  # a change whose new state would be over the size limit a state is read with
STATE_LOCKED = "state-locked"  # a writer gave up waiting for the state's lock (PERIMETER_LOCK_TIMEOUT)
STATE_LOCK_TIMEOUT = "state-lock-timeout"  # PERIMETER_LOCK_TIMEOUT is not a number of seconds from 0 to a day
STATE_LOCK_FILE = "state-lock-file"  # the lock file is a symbolic link, a FIFO or another kind of non-file
STATE_DUPLICATE_FACT = "state-duplicate-fact"  # a hand-edited state listing one fact twice
BAD_PRECONDITION = "bad-precondition"
"""An alternative or a k of n that names no id, names one twice, or asks for too few or too many;
`to_start` on a goal."""
