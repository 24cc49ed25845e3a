"""Several targets on one command line (`why A1 A7`, `plan A1 A7`, `show A1 norad`): each answered in turn.

Arguments are several targets when each is an id, or a title or alias as written
(perimeter.answers.resolve.several); otherwise they are the words of one question.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from perimeter.answers.ranking import Ranking
from perimeter.answers.resolve import resolve, several
from perimeter.files.sanitise import for_terminal as safe
from perimeter.state.workspace import Workspace

from .layout import fit

A = TypeVar("A")


def questions(workspace: Workspace, arguments: Sequence[str]) -> tuple[str, ...]:
    """The questions the arguments ask: one target each, or all of them as one question in words."""
    return several(workspace.pathway, arguments) or (" ".join(arguments),)


def ids(workspace: Workspace, arguments: Sequence[str]) -> tuple[str, ...]:
    """The step or condition ids the arguments name (`show`): each resolved as `why` resolves it."""
    return tuple(resolve(workspace.pathway, q) for q in questions(workspace, arguments))


def with_matches(text: str, rankings: Sequence[Ranking], json_: bool, dumps: Callable[[object], str]) -> str:
    """The answer, then how each question was read: JSON gains `"match"` (one reading, or a list), text a
    section naming the words that matched each candidate, best first, and the words that named nothing."""
    if json_:
        import json

        document = json.loads(text)
        matches = [r.model_dump(mode="json") for r in rankings]
        if "answers" in document:
            answers = [{**d, "match": m} for d, m in zip(document["answers"], matches)]
            return dumps({**document, "answers": answers})
        return dumps({**document, "match": matches[0]})
    lines = [text, ""]
    for ranking in rankings:
        lines.append(f"How \"{safe(ranking.question)}\" was read" + (" (an exact id, title or alias)" if ranking.exact
                                                                       else "") + ":")
        for candidate in ranking.candidates[:6]:
            words = ", ".join(f"{safe(said)} -> {safe(meant)}" for said, meant in candidate.matched.items())
            lines.append(f"  {safe(candidate.id)}  score {candidate.score:.2f}, covers {candidate.coverage:.0%}"
                         + (f": {words}" if words else ""))
        if not ranking.candidates:
            lines.append("  no target matched")
        if ranking.defined is not None:
            lines.append(f"  asks what a target is, by its name: {safe(ranking.defined)}")
        if ranking.counted is not None:
            lines.append(f"  counts the steps of a lane it names: {safe(ranking.counted)}")
        if ranking.asker:
            lines.append(f"  who asks, left out: {safe(ranking.asker)}")
        if ranking.placed:
            lines.append("  asks for the step after or just before one it names: "
                         + ", ".join(safe(s) for s in ranking.placed))
        if ranking.spelled:
            lines.append("  read as: " + ", ".join(f"{safe(w)} -> {safe(n)}" for w, n in ranking.spelled.items()))
        if ranking.unknown:
            lines.append("  words that name nothing: " + ", ".join(safe(w) for w in ranking.unknown))
            weighed = [("everyday English, not counted", ranking.everyday),
                       ("in no text of the rule set, counted whole", ranking.foreign)]
            lines.extend(f"    {label}: " + ", ".join(safe(w) for w in said) for label, said in weighed if said)
    return "\n".join([text, fit("\n".join(lines[1:]))])


def each(answers: Sequence[A], render: Callable[[A], str], json_: bool, dumps: Callable[[object], str]) -> str:
    """One answer rendered as before; several one after another (text), or in JSON as
    `{"format": N, "answers": [...]}`, each answer without a format of its own.  A JSON answer always
    carries `"format"` (`cli.render.FORMAT`), first."""
    if not json_:
        return "\n\n".join(render(a) for a in answers)
    import json

    from .render import FORMAT

    documents = [json.loads(render(a)) for a in answers]
    for d in documents:
        d.pop("format", None)
    if len(documents) == 1:
        return dumps({"format": FORMAT, **documents[0]})
    return dumps({"format": FORMAT, "answers": documents})
