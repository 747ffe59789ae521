"""The condition language of record rules: typed, parsed from data, never evaluated as code.

A condition is a TOML/JSON table of one of these forms (documented in
``docs/records.md``)::

    { field = "gestation_weeks", ge = 28 }           comparisons: eq ne lt le gt ge
    { field = "gestation_weeks", ge = 28, lt = 37 }  several tests of one field (a range)
    { field = "outcome", in = ["live"] }              membership: in, not_in
    { field = "birth_weight_g", missing = true }      is the value missing?
    { all = [...] }  { any = [...] }  { not = {...} } combinations
    { use = "ge_28w_or_1000g" }                        a named condition of the rule file
    { parameter = "live_birth_definition" }           the named condition an indicator's
                                                      parameter selects

A field test may say what a missing value makes of it: ``unknown =
"unclassified"`` (the default: the record cannot be classified), ``true``,
``false``, or another condition to decide by instead (China's "28 weeks, or
1,000 g when gestation is unknown"). Logic is three-valued (Kleene): a record is
counted when its condition is true, left out when false, and reported as
unclassifiable when unknown.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Discriminator, Field, Tag

from mch_indicators._model import _Frozen

__all__ = [
    "COMPARISONS",
    "AllOf",
    "AnyOf",
    "Condition",
    "FieldTest",
    "Not",
    "Parameter",
    "Scalar",
    "Use",
    "walk",
    "with_inner",
]

Scalar = bool | int | float | dt.date | str
#: Comparison operators and their meaning, in the order they are documented.
COMPARISONS = {"eq": "==", "ne": "!=", "lt": "<", "le": "<=", "gt": ">", "ge": ">="}


class FieldTest(_Frozen):
    """Tests of one field; several tests in one table must all hold (a range)."""

    model_config = ConfigDict(populate_by_name=True)

    field: str
    eq: Scalar | None = None
    ne: Scalar | None = None
    lt: Scalar | None = None
    le: Scalar | None = None
    gt: Scalar | None = None
    ge: Scalar | None = None
    in_: tuple[Scalar, ...] | None = Field(default=None, alias="in")
    not_in: tuple[Scalar, ...] | None = None
    missing: bool | None = None
    unknown: Literal["unclassified"] | bool | Condition = "unclassified"

    def comparisons(self) -> Iterator[tuple[str, Scalar]]:
        """(operator, value) for every comparison set, in documentation order."""
        for operator in COMPARISONS:
            value = getattr(self, operator)
            if value is not None:
                yield operator, value

    def memberships(self) -> Iterator[tuple[str, tuple[Scalar, ...]]]:
        """("in" or "not_in", values) for each membership test set."""
        if self.in_ is not None:
            yield "in", self.in_
        if self.not_in is not None:
            yield "not_in", self.not_in


class AllOf(_Frozen):
    """True when every condition is (an empty list is always true)."""

    all: tuple[Condition, ...]


class AnyOf(_Frozen):
    """True when one condition is (an empty list is never true)."""

    any: tuple[Condition, ...]


class Not(_Frozen):
    """True when the condition is false (unknown stays unknown)."""

    model_config = ConfigDict(populate_by_name=True)

    not_: Condition = Field(alias="not")


class Use(_Frozen):
    """A named condition of the rule file, for the rule's record set."""

    use: str


class Parameter(_Frozen):
    """The named condition an indicator's parameter selects (its live-birth definition)."""

    parameter: Literal["live_birth_definition"]


_FORMS = ("field", "all", "any", "not", "use", "parameter")


def _form(data: Any) -> str | None:
    if isinstance(data, _Frozen):
        return {
            FieldTest: "field",
            AllOf: "all",
            AnyOf: "any",
            Not: "not",
            Use: "use",
            Parameter: "parameter",
        }.get(type(data))
    if not isinstance(data, dict):
        return None
    found = [form for form in _FORMS if form in data]
    return found[0] if len(found) == 1 else None


Condition = Annotated[
    Annotated[FieldTest, Tag("field")]
    | Annotated[AllOf, Tag("all")]
    | Annotated[AnyOf, Tag("any")]
    | Annotated[Not, Tag("not")]
    | Annotated[Use, Tag("use")]
    | Annotated[Parameter, Tag("parameter")],
    Discriminator(
        _form,
        custom_error_type="condition",
        custom_error_message="a condition is a table with exactly one of the keys field, all, "
        "any, not, use, parameter",
    ),
]


def walk(condition: Condition) -> Iterator[Condition]:
    """``condition`` and every condition inside it, depth first (names not expanded)."""
    yield condition
    if isinstance(condition, AllOf):
        children: tuple[Condition, ...] = condition.all
    elif isinstance(condition, AnyOf):
        children = condition.any
    elif isinstance(condition, Not):
        children = (condition.not_,)
    elif isinstance(condition, FieldTest) and not isinstance(condition.unknown, str | bool):
        children = (condition.unknown,)
    else:
        children = ()
    for child in children:
        yield from walk(child)


def with_inner(condition: Condition, change: Callable[[Condition], Condition]) -> Condition:
    """``condition`` with each condition directly inside it replaced by ``change(inner)``.

    The combinations' members, a negation's condition and a field test's fallback
    (``unknown``) are the conditions inside; a name or a parameter has none. A
    rewrite of a whole condition (expanding names, renaming fields) is a function
    that changes what it must and hands the rest back here.

    Examples
    --------
    >>> either = AnyOf(any=(FieldTest(field="a", eq=1), FieldTest(field="b", eq=2)))
    >>> inverted = with_inner(either, lambda inner: Not(not_=inner))
    >>> [type(inner).__name__ for inner in inverted.any]
    ['Not', 'Not']
    """
    if isinstance(condition, AllOf):
        return AllOf(all=tuple(change(inner) for inner in condition.all))
    if isinstance(condition, AnyOf):
        return AnyOf(any=tuple(change(inner) for inner in condition.any))
    if isinstance(condition, Not):
        return Not(not_=change(condition.not_))
    if isinstance(condition, FieldTest) and not isinstance(condition.unknown, str | bool):
        return condition.model_copy(update={"unknown": change(condition.unknown)})
    return condition
