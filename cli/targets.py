"""Several targets on one command line (`why A1 A7`, `plan A1 A7`, `show A1 norad`): each answered in turn.

Arguments are several targets when each is an id, or a title or alias as written
(perimeter.answers.resolve.several); otherwise they are the words of one question.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from perimeter.answers.resolve import resolve, several
from perimeter.state.workspace import Workspace

A = TypeVar("A")


def questions(workspace: Workspace, arguments: Sequence[str]) -> tuple[str, ...]:
    """The questions the arguments ask: one target each, or all of them as one question in words."""
    return several(workspace.pathway, arguments) or (" ".join(arguments),)


def ids(workspace: Workspace, arguments: Sequence[str]) -> tuple[str, ...]:
    """The step or condition ids the arguments name (`show`): each resolved as `why` resolves it."""
    return tuple(resolve(workspace.pathway, q) for q in questions(workspace, arguments))


def each(answers: Sequence[A], render: Callable[[A], str], json_: bool, dumps: Callable[[object], str]) -> str:
    """One answer rendered as before; several one after another (text) or as a list (JSON)."""
    if len(answers) == 1:
        return render(answers[0])
    if json_:
        import json

        return dumps([json.loads(render(a)) for a in answers])
    return "\n\n".join(render(a) for a in answers)
