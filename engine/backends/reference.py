"""The plain Python evaluator: the oracle the durable-rules engine is tested against.

It recomputes everything from the fact set on every question, as directly as
the rules can be written, so that it is obviously right rather than fast.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..backends.protocol import Before, Evaluation, Journal
from ..pathway.compiled import DEFAULT_READING, Pathway, Reading
from ..pathway.model import Fact


class ReferenceEvaluator:
    """Conclusions by direct computation over the current facts."""

    def __init__(self, pathway: Pathway, reading: Reading = DEFAULT_READING):
        self.pathway = pathway
        self.reading = reading
        self.facts: dict[str, Fact] = {}
        self._start: Evaluation | None = None

    def assert_fact(self, fact: Fact) -> None:
        """Hold `fact`; nothing is computed until asked."""
        self.facts[fact.id] = fact

    def retract_fact(self, fact: Fact) -> None:
        """Drop `fact`; nothing is computed until asked."""
        self.facts.pop(fact.id, None)

    def close(self) -> None:
        """Forget every fact."""
        self.facts.clear()

    def evaluation(self, steps: Iterable[str] | None = None) -> Evaluation:
        """Always everything: the oracle stays as plain as it can be."""
        return self._evaluate()

    def journal_start(self) -> None:
        """Remember everything as it stands now."""
        self._start = self._evaluate()

    def journal_stop(self) -> Journal:
        """Every step, as it stood at `journal_start`: plain, not fast."""
        start, self._start = self._start or self._evaluate(), None
        return {step: Before(start.unmet.get(step, frozenset()), rule.derived and step in start.holds,
                             frozenset(b for b in start.breaches if b[0] == step))
                for step, rule in self.pathway.steps.items()}

    def _evaluate(self) -> Evaluation:
        holds = set(self.facts)
        derived: dict[str, bool] = {}

        def derived_holds(step: str) -> bool:
            # Acyclic by compilation, so plain recursion terminates; derived
            # steps are rare, so depth stays small.
            if step not in derived:
                derived[step] = all(
                    sum(1 for n in r.needs if need_holds(n)) >= r.at_least
                    for r in self.pathway.preconditions(step, self.reading))
            return derived[step]

        def need_holds(need: str) -> bool:
            rule = self.pathway.steps.get(need)
            if rule is not None and rule.derived:
                return derived_holds(need)
            return need in holds

        holds |= {s for s, rule in self.pathway.steps.items() if rule.derived and derived_holds(s)}
        unmet = {}
        for step in self.pathway.steps:
            missing = frozenset(r.id for r in self.pathway.preconditions(step, self.reading) if not r.met_by(holds))
            if missing:
                unmet[step] = missing
        breaches = frozenset(
            (fact.id, c.attribute, c.key(fact.attributes[c.attribute]))
            for fact in self.facts.values() if fact.id in self.pathway.steps
            for c in self.pathway.constraints(fact.id, self.reading)
            if c.attribute in fact.attributes and not c.accepts(fact.attributes[c.attribute]))
        return Evaluation(frozenset(holds), unmet, breaches)
