"""Where values sit, as the YAML reader keeps it compactly (`perimeter.files.events.Locator`, issue 19).

The reader used to keep a dict from every path to its line and column (some
60 MB at 10,000 steps); it now keeps packed positions per container.  What a
path is located at must not change: a key where the key starts, an item where
its node starts (an alias item where its anchor starts), a path inside an
alias at the alias, and an unknown path at its nearest located ancestor.
"""

from __future__ import annotations

import pytest

from perimeter.bench import generate
from perimeter.files.read import parse

TEXT = """\
cite: &c
  section: s1
  quote: q
steps:
  - id: a
    citation: *c
  - &b {id: b, n: 1}
  - *b
list: [x, y]
"""


@pytest.mark.parametrize(("path", "where"), [
    ((), (1, 1)),
    (("cite",), (1, 1)),
    (("cite", "quote"), (3, 3)),
    (("steps",), (4, 1)),
    (("steps", 0), (5, 5)),
    (("steps", 0, "citation"), (6, 5)),
    (("steps", 0, "citation", "quote"), (6, 5)),  # inside an alias: at the alias
    (("steps", 1, "n"), (7, 16)),
    (("steps", 2), (7, 5)),  # an alias item: where its anchor starts
    (("steps", 2, "n"), (7, 5)),
    (("steps", 9), (4, 1)),  # no such item: its list
    (("list", 1), (9, 11)),
    (("list", "x"), (9, 1)),  # a key into a list: the list's key
    (("nothing", "deeper"), (1, 1)),
])
def test_each_path_is_located_where_it_starts_or_at_its_nearest_located_ancestor(path, where):
    assert parse(TEXT, "f.yaml").source.where(path) == where


def test_a_scalar_document_is_located_at_its_start():
    assert parse("\n\n  just text\n", "f.yaml").source.where(("any", 0)) == (3, 3)


def test_equal_citations_are_one_object_once_compiled(tmp_path):
    """A generated rule set quotes one citation 40,000 times (YAML aliases): compiled, it is kept once."""
    import yaml

    from perimeter import load_pathway

    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump(generate(30, seed=3), sort_keys=False))
    pathway = load_pathway(path)
    citations = {id(r.citation) for step in pathway.steps.values() for r in step.preconditions}
    citations |= {id(step.citation) for step in pathway.steps.values()}
    assert len(citations) == 1
