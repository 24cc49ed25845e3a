"""Stage 7, the state file: its format and migration, the lock, history, and the shell's `Workspace`."""
