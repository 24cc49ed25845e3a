"""Stage 7, scenario tests: scenario files read and checked, run on fresh engines in memory, coverage kept."""
