"""The compile pass for declared attributes and the constraints that judge them.

A step or condition lists the attributes its fact may carry (`attributes:`,
each a `name`, a `type` of text, number or date, `required`, `allowed`); a
step's constraints compare them (`allowed`, or `min`/`max` for numbers and
dates).  This pass reports, all at once and with their lines: an attribute
declared twice, a declared or constrained value that is not of its type, a
constraint on an attribute the step does not declare, `min`/`max` on text or
the wrong way round, and one attribute constrained twice.  Names are compared
without case throughout, and compiled in the spelling they are declared in.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Union

from .. import codes
from ..errors import Diagnostic
from ..files.read import SourceMap
from ..pathway import values
from ..pathway.compiled import AttributeRule, ConstraintRule, Location
from ..pathway.readings import Readings
from ..pathway.model import AttributeType, Condition, Constraint, Step
from ..suggest import close_matches, did_you_mean

Path_ = tuple[Union[str, int], ...]
Where = Callable[..., Location]
"""An entry's `location(*path)`: where a part of it is written."""


def check_attributes(node: Step | Condition, source: SourceMap, path: Path_, diagnostics: list[Diagnostic]) -> None:
    """Every problem with `node`'s declarations and constraints, added to `diagnostics`."""
    declared: dict[str, int] = {}
    for j, attribute in enumerate(node.attributes):
        at = path + ("attributes", j)
        folded = attribute.name.casefold()
        if folded in declared:
            line = source.where(path + ("attributes", declared[folded]))[0]
            diagnostics.append(source.diagnostic(
                at + ("name",), codes.DUPLICATE_ATTRIBUTE, f"{node.id} declares the attribute '{attribute.name}' twice",
                f"names match without case; the first is at line {line}; keep one"))
            continue
        declared[folded] = j
        for k, value in enumerate(attribute.allowed or ()):
            trouble = values.problem(attribute.type, value)
            if trouble:
                diagnostics.append(source.diagnostic(
                    at + ("allowed", k), codes.BAD_ATTRIBUTE,
                    f"{node.id}: {attribute.name} is a {attribute.type.value} attribute, and {trouble}",
                    f"write {values.EXPECTED[attribute.type]}"))
    if not isinstance(node, Step):
        return
    constrained: set[str] = set()
    for i, constraint in enumerate(node.constraints):
        at = path + ("constraints", i)
        folded = constraint.attribute.casefold()
        if folded in constrained:
            diagnostics.append(source.diagnostic(
                at, codes.DUPLICATE_CONSTRAINT, f"{node.id} constrains '{constraint.attribute}' twice", "merge them"))
        constrained.add(folded)
        if node.attributes and folded not in declared:
            names = [a.name for a in node.attributes]
            matches = close_matches(constraint.attribute, names)
            diagnostics.append(source.diagnostic(
                at + ("attribute",), codes.UNDECLARED_ATTRIBUTE,
                f"{node.id} constrains '{constraint.attribute}', which it does not declare",
                did_you_mean(matches) or f"declare it under `attributes:`, or constrain one of {', '.join(names)}",
                matches))
            continue
        kind = node.attributes[declared[folded]].type if folded in declared else AttributeType.TEXT
        _check_constraint(node.id, constraint, kind, source, at, diagnostics)


def _check_constraint(step: str, constraint: Constraint, kind: AttributeType, source: SourceMap, at: Path_,
                      diagnostics: list[Diagnostic]) -> None:
    """Its values parse as the attribute's type; bounds only on numbers and dates, and in order."""
    name = constraint.attribute
    bounds = [(field, value) for field, value in (("min", constraint.min), ("max", constraint.max))
              if value is not None]
    if bounds and kind is AttributeType.TEXT:
        diagnostics.append(source.diagnostic(
            at + (bounds[0][0],), codes.BAD_CONSTRAINT,
            f"{step}: `{bounds[0][0]}` on '{name}', a text attribute", "declare it with `type: number` or "
            "`type: date`, or list the `allowed` values"))
        return
    written: list[tuple[Path_, str]] = [(("allowed", k), value) for k, value in enumerate(constraint.allowed or ())]
    written += [((field,), value) for field, value in bounds]
    broken = False
    for where, value in written:
        trouble = values.problem(kind, value)
        if trouble:
            broken = True
            diagnostics.append(source.diagnostic(
                at + where, codes.BAD_CONSTRAINT, f"{step}: '{name}' is a {kind.value} attribute, and {trouble}",
                f"write {values.EXPECTED[kind]}"))
    if broken or constraint.min is None or constraint.max is None:
        return
    low, high = values.ordered(kind, constraint.min), values.ordered(kind, constraint.max)
    if low is not None and high is not None and high < low:  # type: ignore[operator]  # both of `kind`
        diagnostics.append(source.diagnostic(
            at + ("min",), codes.BAD_CONSTRAINT, f"{step}: the `min` of '{name}', {constraint.min}, is above its "
            f"`max`, {constraint.max}", "swap them"))


def attribute_rules(node: Step | Condition, where: Where) -> tuple[AttributeRule, ...]:
    """What `node`'s fact may carry: its declarations, or (for a step declaring none) what its constraints name."""
    if node.attributes:
        return tuple(AttributeRule(a.name, a.type, a.required, tuple(a.allowed or ()), a.citation, a.note,
                                   where("attributes", j)) for j, a in enumerate(node.attributes))
    implied: dict[str, AttributeRule] = {}
    for i, constraint in enumerate(node.constraints if isinstance(node, Step) else ()):
        implied.setdefault(constraint.attribute.casefold(), AttributeRule(
            constraint.attribute, AttributeType.TEXT, False, (), None, None, where("constraints", i)))
    return tuple(implied.values())


def constraint_rules(step: Step, attributes: tuple[AttributeRule, ...], where: Where,
                     readings: Readings) -> tuple[ConstraintRule, ...]:
    """`step`'s constraints, compiled against its attributes (names in their declared spelling)."""
    by_name = {a.name.casefold(): a for a in attributes}
    return tuple(
        ConstraintRule(step.id, declared.name, tuple(c.allowed or ()), c.basis, c.citation, c.note,
                       where("constraints", i), type=declared.type, minimum=c.min, maximum=c.max,
                       when=readings.compiled(c.when))
        for i, c in enumerate(step.constraints) for declared in [by_name[c.attribute.casefold()]])
