"""The plain Python evaluator: the oracle the durable-rules engine is tested against.

It recomputes everything from the fact set on every question, as directly as
the rules can be written, so that it is obviously right rather than fast.
"""

from __future__ import annotations

from .evaluation import Evaluation
from .facts import Fact
from .pathway import Mode, Pathway


class ReferenceEvaluator:
    """Conclusions by direct computation over the current facts."""

    def __init__(self, pathway: Pathway, mode: Mode = Mode.IMPLIED):
        self.pathway = pathway
        self.mode = mode
        self.facts: dict[str, Fact] = {}

    def assert_fact(self, fact: Fact) -> None:
        self.facts[fact.id] = fact

    def retract_fact(self, fact: Fact) -> None:
        self.facts.pop(fact.id, None)

    def close(self) -> None:
        self.facts.clear()

    def evaluation(self, steps=None) -> Evaluation:
        """Always everything: the oracle stays as plain as it can be."""
        return self._evaluate()

    def _evaluate(self) -> Evaluation:
        holds = set(self.facts)
        derived: dict[str, bool] = {}

        def derived_holds(step: str) -> bool:
            # Acyclic by compilation, so plain recursion terminates; derived
            # steps are rare, so depth stays small.
            if step not in derived:
                derived[step] = all(
                    need_holds(r.need) for r in self.pathway.preconditions(step, self.mode))
            return derived[step]

        def need_holds(need: str) -> bool:
            rule = self.pathway.steps.get(need)
            if rule is not None and rule.derived:
                return derived_holds(need)
            return need in holds

        holds |= {s for s, rule in self.pathway.steps.items() if rule.derived and derived_holds(s)}
        unmet = {}
        for step in self.pathway.steps:
            missing = frozenset(r.need for r in self.pathway.preconditions(step, self.mode) if r.need not in holds)
            if missing:
                unmet[step] = missing
        breaches = frozenset(
            (fact.id, c.attribute, fact.attributes[c.attribute].casefold())
            for fact in self.facts.values() if fact.id in self.pathway.steps
            for c in self.pathway.steps[fact.id].constraints
            if c.attribute in fact.attributes and not c.accepts(fact.attributes[c.attribute]))
        return Evaluation(frozenset(holds), unmet, breaches)
