"""What TAB offers in `perimeter shell`: commands, options, ids, aliases, relationships, reading profiles,
choices, attribute names and, for `retract`, only the facts recorded.

Everything comes from the rule set the shell has loaded (cli/completion.py's functions of a pathway), so
a TAB costs no loading.  Completion never fails loudly: whatever goes wrong offers nothing.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Callable, Mapping, Sequence

from perimeter.state.suppose import Supposing
from typer.core import TyperCommand, TyperOption

from .completion import choices_starting, ids_starting, profiles_starting, starting

FILE_METAVARS = frozenset({"FILE", "PATH", "[FILE]...", "[SCENARIO]..."})
"""Options and arguments that name files: completed from the file system."""

VALUES: dict[str, tuple[str, ...]] = {"--format": ("mermaid", "dot", "svg")}
"""Options whose values are a fixed list."""


class Completer:
    """The candidates for the word being typed, given the line so far."""

    def __init__(self, commands: Mapping[str, TyperCommand],
                 shell_words: Sequence[str], workspace: Supposing, split: Callable[[str], list[str]]):
        self.commands = commands
        """Every command the shell runs, by name (the app's and the shell's own)."""
        self.shell_words = tuple(shell_words)
        """What the shell itself understands besides commands (help, exit)."""
        self.workspace = workspace
        self.split = split

    def __call__(self, line: str, begidx: int, text: str) -> list[str]:
        """Candidates for `text`, the word starting at `begidx` of `line`, sorted; [] when in doubt."""
        try:
            return sorted(dict.fromkeys(self._candidates(self.split(line[:begidx]), text)))
        except Exception:  # noqa: BLE001 - completion must never fail loudly
            return []

    def _candidates(self, before: list[str], text: str) -> list[str]:
        names = [*self.commands, *self.shell_words]
        if not before or before == ["help"]:
            return starting(names, text)
        command = self.commands.get(before[0])
        if command is None:
            return []
        options = {o: p for p in command.params if isinstance(p, TyperOption) for o in (*p.opts, *p.secondary_opts)}
        given = options.get(before[-1]) if len(before) > 1 else None
        if given is not None and not given.is_flag:
            return self._value(before[-1], given.metavar, text)
        if text.startswith("-"):
            return starting([*options, "--help"], text)
        return self._argument(before, text, command.params[0].metavar if command.params else None)

    def _value(self, option: str, metavar: str | None, text: str) -> list[str]:
        pathway = self.workspace.pathway
        if option in VALUES:
            return starting(list(VALUES[option]), text)
        if metavar == "PROFILE":
            return profiles_starting(pathway.readings, text)
        if metavar == "CHOICE=ALTERNATIVE":
            return choices_starting(pathway.readings, text)
        if option == "--without":
            return ids_starting(pathway, text, facts_only=True)
        if metavar in FILE_METAVARS:
            return _files(text)
        return []

    def _argument(self, before: list[str], text: str, metavar: str | None) -> list[str]:
        name, pathway = before[0], self.workspace.pathway
        if name == "retract":
            return starting([f.id for f in self.workspace.recorded() if f.id not in before], text)
        if name == "unsuppose":
            return starting(["all"], text) if len(before) == 1 else []
        if name in ("assert", "what-if", "suppose"):
            return self._attributes(before[-1], text) + ids_starting(pathway, text, facts_only=True)
        if name in ("why", "plan", "show", "compare", "leverage"):
            return ids_starting(pathway, text) + self._names(text, relationships=name == "why")
        if metavar in FILE_METAVARS:
            return _files(text)
        return []

    def _attributes(self, previous: str, text: str) -> list[str]:
        """`key=` for each attribute the fact just named may carry."""
        pathway = self.workspace.pathway
        id_ = pathway.canonical(previous.partition("=")[0]) if "=" not in previous else None
        rule = pathway.steps.get(id_ or "") or pathway.conditions.get(id_ or "")
        return starting([f"{a.name}=" for a in rule.attributes], text) if rule is not None and text else []

    def _names(self, text: str, relationships: bool) -> list[str]:
        """Titles' aliases (and relationships' titles and aliases), once something is typed: quoted when
        they have several words, so each stays one target."""
        if not text.strip("\"'"):
            return []
        pathway = self.workspace.pathway
        names = [a for step in pathway.steps.values() for a in step.aliases]
        names += [a for condition in pathway.conditions.values() for a in condition.aliases]
        if relationships and pathway.spectrum is not None:
            names += [n for r in pathway.spectrum.relationships.values() for n in (r.title, *r.aliases)]
        quoted = [f'"{n}"' if " " in n else n for n in names]
        bare = text.lstrip("\"'")
        return [q for q, n in zip(quoted, names) if n.casefold().startswith(bare.casefold())]


def _files(text: str) -> list[str]:
    """Paths starting with `text`; folders end with `/` so TAB goes on into them."""
    found = glob.glob(glob.escape(os.path.expanduser(text)) + "*")
    return [f + "/" if os.path.isdir(f) else f for f in found][:200]
