"""Conditions compiled to dataframe expressions (narwhals), evaluated inside the engine.

A condition becomes two boolean expressions: ``true`` (the record counts) and
``unknown`` (it cannot be classified), false together when the record is left
out. Three-valued (Kleene) logic: ``all`` is false as soon as one part is false,
``any`` true as soon as one part is true. A missing value (null, NaN, or a code
listed as missing) follows its test's ``unknown`` policy; an invalid value (a
number outside the field's range, a code the field does not know) is always
unknown: it is an error to fix, not an absence.
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import narwhals as nw

from mch_indicators._errors import InvalidInputError
from mch_indicators._text import ENGINE_DOTTED_I, ENGINE_SPACES
from mch_indicators.records._conditions import AllOf, AnyOf, Condition, FieldTest, Not, Scalar
from mch_indicators.records._convert import UNPARSED
from mch_indicators.records._schema import Code, RecordField, text_forms

__all__ = ["Columns", "Compiled", "Status", "compile_condition"]

#: Why a value cannot be used: missing, below the range, above it, not a known code, a
#: fraction in an integer field, or text that is not a number or not a date (``_convert``;
#: an infinite number, ``inf`` read by a CSV reader, is not a number too).
Status = Literal[
    "missing", "below", "above", "unknown_code", "not_whole", "not_a_number", "not_a_date"
]

#: The statuses of a present value that make it unusable, in the order they are listed.
INVALID: tuple[Status, ...] = (
    "below", "above", "unknown_code", "not_whole", "not_a_number", "not_a_date",
)  # fmt: skip


@dataclass(frozen=True)
class Compiled:
    """A condition as expressions; ``unknown`` is None when it can never be unknown."""

    true: nw.Expr
    unknown: nw.Expr | None
    #: field -> the statuses of it that can make the condition unknown
    reasons: Mapping[str, frozenset[Status]] = field(default_factory=dict)


_INF = float("inf")


def _and(parts: Sequence[nw.Expr]) -> nw.Expr:
    return functools.reduce(operator.and_, parts) if parts else nw.lit(True)


def _or(parts: Sequence[nw.Expr]) -> nw.Expr:
    return functools.reduce(operator.or_, parts) if parts else nw.lit(False)


def _merge(*maps: Mapping[str, frozenset[Status]]) -> dict[str, frozenset[Status]]:
    merged: dict[str, frozenset[Status]] = {}
    for mapping in maps:
        for name, statuses in mapping.items():
            merged[name] = merged.get(name, frozenset()) | statuses
    return merged


class Columns:
    """The columns of one frame, as the fields of its record set (names, dtypes, codes)."""

    def __init__(self, fields: Mapping[str, RecordField], dtypes: Mapping[str, nw.dtypes.DType]):
        self.fields, self.dtypes = fields, dtypes
        #: status columns computed once per field (see :meth:`status_columns`)
        self.statuses: set[str] = set()
        #: fields whose column holds its text folded already (see :meth:`folded_columns`)
        self.prefolded: set[str] = set()
        #: comparison columns computed once per distinct test: name -> expression
        self.leaves: dict[str, nw.Expr] = {}
        self._leaf_names: dict[str, str] = {}

    def folded_columns(self, names: Sequence[str]) -> dict[str, nw.Expr]:
        """Each text code field's column folded, to replace the column before anything else.

        Afterwards :meth:`column` reads the folded column as it is, so an engine without
        common-subexpression elimination (pandas) folds each field once, not at each test.
        """
        folded = {name: self.column(name) for name in names if self.folds(name)}
        self.prefolded = set(folded)
        return folded

    def status_columns(self, names: Sequence[str]) -> dict[str, nw.Expr]:
        """Missing and invalid flags of each field, to add as columns before anything else.

        Afterwards :meth:`missing` and :meth:`invalid` refer to these columns, so an
        engine without common-subexpression elimination (pandas) computes each once.
        """
        columns: dict[str, nw.Expr] = {}
        for name in names:
            columns[f"{name}__missing"] = self._missing(name)
            for status, expression in self._invalid(name).items():
                columns[f"{name}__{status}"] = expression
        self.statuses = set(columns)
        return columns

    def _numeric(self, name: str) -> bool:
        return bool(self.dtypes[name].is_numeric())

    def codes(self, name: str, codes: Sequence[Code]) -> list[Code]:
        """Codes of the column's kind: numbers for a numeric column, text for a text one.

        A column of booleans, dates or nothing at all (a null type) holds no code.
        """
        if not self._holds_codes(name):
            return []
        if self._numeric(name):
            out: list[Code] = []
            for code in codes:
                if isinstance(code, bool):
                    continue
                if isinstance(code, int | float):
                    out.append(code)
                    continue
                try:
                    out.append(int(str(code)))
                except ValueError:
                    continue
            if self.dtypes[name].is_float():  # polars compares floats with floats only
                return [float(code) for code in out]
            return out
        if self.folds(name):
            return list(text_forms(codes))
        texts: list[Code] = [str(code) for code in codes if not isinstance(code, bool)]
        if self.dtypes[name] == nw.Object:  # mixed Python values: True is 1, False is 0
            numbers = [c for c in codes if isinstance(c, int | float) and not isinstance(c, bool)]
            return [*numbers, *texts]
        return texts

    def _holds_codes(self, name: str) -> bool:
        return self._numeric(name) or self._text(name) or self.dtypes[name] == nw.Object

    def _text(self, name: str) -> bool:
        dtype = self.dtypes[name]
        return bool(dtype == nw.String or dtype == nw.Categorical or dtype == nw.Enum)

    def folds(self, name: str) -> bool:
        """Whether the field's codes are text compared stripped and lower-cased."""
        return self.fields[name].type in {"category", "boolean"} and self._text(name)

    def column(self, name: str) -> nw.Expr:
        """The field's values (categorical columns read as text; codes lower-cased, stripped)."""
        dtype = self.dtypes[name]
        column = nw.col(name)
        if name in self.prefolded:
            return column
        if dtype == nw.Categorical or dtype == nw.Enum:
            # a missing value stays missing: pandas 2 casts a categorical's NaN to "nan"
            column = nw.when(~column.is_null()).then(column.cast(nw.String()))
        if self.folds(name):
            column = column.str.replace_all(*ENGINE_DOTTED_I, literal=True)
            return column.str.strip_chars(ENGINE_SPACES).str.to_lowercase()
        return column

    def is_bool(self, name: str) -> bool:
        """Whether the column holds a boolean field's values as booleans (no codes to read)."""
        return self.fields[name].type == "boolean" and self.dtypes[name] == nw.Boolean

    def missing(self, name: str) -> nw.Expr:
        """Null, NaN, or a code the schema lists as meaning "not recorded"."""
        if f"{name}__missing" in self.statuses:
            return nw.col(f"{name}__missing")
        return self._missing(name)

    def invalid(self, name: str) -> dict[Status, nw.Expr]:
        """Each way the field's present values can be invalid, as expressions."""
        if f"{name}__missing" in self.statuses:
            return {s: nw.col(f"{name}__{s}") for s in INVALID if f"{name}__{s}" in self.statuses}
        return self._invalid(name)

    def unparsed(self, name: str) -> nw.Expr | None:
        """True where the field's text was not a number or not a date (``_convert``)."""
        return nw.col(name + UNPARSED) if name + UNPARSED in self.dtypes else None

    def _missing(self, name: str) -> nw.Expr:
        column, spec = self.column(name), self.fields[name]
        parts = [column.is_null()]
        if self.dtypes[name].is_float():
            parts.append(column.is_nan().fill_null(False))
        codes = self.codes(name, spec.missing)
        if codes and not self.is_bool(name) and spec.type in {"category", "boolean"}:
            parts.append(column.is_in(codes).fill_null(False))
        unparsed = self.unparsed(name)  # text that was no number is null but not missing
        return _or(parts) if unparsed is None else _or(parts) & ~unparsed

    def _invalid(self, name: str) -> dict[Status, nw.Expr]:
        column, spec = self.column(name), self.fields[name]
        present = ~self._missing(name)
        found: dict[Status, nw.Expr] = {}
        unparsed = self.unparsed(name)
        if unparsed is not None:  # its value is null (NaN on pandas): no number to test
            present = present & ~unparsed
        infinite: nw.Expr | None = None
        if spec.type in {"number", "integer"}:
            if self.dtypes[name].is_float():  # inf, read by a CSV reader: not a number
                infinite = present & ((column == _INF) | (column == -_INF)).fill_null(False)
                present = present & ~infinite
            if spec.min is not None:
                found["below"] = present & (column < spec.min).fill_null(False)
            if spec.max is not None:
                found["above"] = present & (column > spec.max).fill_null(False)
            if spec.type == "integer" and self.dtypes[name].is_float():
                found["not_whole"] = present & (column != column.round(0)).fill_null(False)
        elif spec.type in {"category", "boolean"} and not self.is_bool(name):
            known = self.codes(name, spec.all_codes())
            found["unknown_code"] = present & ~_is_in(column, known)
        if unparsed is not None:
            found["not_a_date" if spec.type == "date" else "not_a_number"] = unparsed
        if infinite is not None:
            found["not_a_number"] = infinite if unparsed is None else infinite | unparsed
        return found

    def value(self, name: str, value: Scalar) -> Scalar | dt.datetime:
        """A comparison value in the column's kind (a datetime for a datetime column)."""
        datetime_column = self.dtypes[name] == nw.Datetime
        if datetime_column and isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return dt.datetime(value.year, value.month, value.day)
        return value

    def test(self, test: FieldTest) -> nw.Expr:
        """The comparisons of ``test`` on a present, valid value: one column per distinct test."""
        key = repr((test.field, list(test.comparisons()), list(test.memberships())))
        if key not in self._leaf_names:
            name = f"__leaf{len(self._leaf_names)}"
            self._leaf_names[key] = name
            self.leaves[name] = self._test(test).fill_null(False)
        return nw.col(self._leaf_names[key])

    def _test(self, test: FieldTest) -> nw.Expr:
        name, spec = test.field, self.fields[test.field]
        column = self.column(name)
        parts: list[nw.Expr] = []
        for op, value in test.comparisons():
            if spec.type in {"category", "boolean"}:
                matches = self.matches(name, [value])
                parts.append(matches if op == "eq" else ~matches)
                continue
            bound = self.value(name, value)
            parts.append(getattr(operator, op)(column, bound))
        for op, values in test.memberships():
            matches = self.matches(name, list(values))
            parts.append(matches if op == "in" else ~matches)
        return _and(parts)

    def matches(self, name: str, values: Sequence[Scalar]) -> nw.Expr:
        """True where the field holds one of ``values`` (value ids, written in any code)."""
        matched: nw.Expr = self.matches_in(name, self.column(name), values, nw.lit, _is_in)
        return matched

    def matches_in(
        self,
        name: str,
        column: Any,
        values: Sequence[Scalar],
        lit: Callable[[Any], Any],
        is_in: Callable[[Any, list[Any]], Any],
    ) -> Any:
        """:meth:`matches` built from an engine's own ``lit`` and ``is_in`` expressions.

        One definition of what matching a value means (boolean fields, codes of a
        category, plain values) for the narwhals path and the native ones.
        """
        spec = self.fields[name]
        if spec.type == "boolean" and self.is_bool(name):
            wanted = {bool(v) for v in values}
            if wanted == {True, False}:
                return lit(True)
            return column if True in wanted else ~column
        if spec.type in {"category", "boolean"}:
            codes = [c for v in values for c in spec.codes_of(v)]  # type: ignore[arg-type]
            return is_in(column, self.codes(name, codes))
        return is_in(column, list(values))


def _is_in(column: nw.Expr, values: list[Any]) -> nw.Expr:
    """Membership, false (not unknown) where the value is missing or there is nothing to hold."""
    return column.is_in(values).fill_null(False) if values else nw.lit(False)


def _field_test(test: FieldTest, columns: Columns) -> Compiled:
    name = test.field
    missing = columns.missing(name)
    invalid = columns.invalid(name)
    bad = _or(list(invalid.values())) if invalid else None
    usable = ~missing & ~bad if bad is not None else ~missing
    statuses: frozenset[Status] = frozenset(invalid)
    if test.missing is not None:
        true = missing if test.missing else usable
        return Compiled(true, bad, {name: statuses} if statuses else {})
    value_true = usable & columns.test(test)
    policy = test.unknown
    if policy == "unclassified":
        unknown = missing if bad is None else missing | bad
        return Compiled(value_true, unknown, {name: statuses | {"missing"}})
    if isinstance(policy, bool):
        true = value_true | missing if policy else value_true
        return Compiled(true, bad, {name: statuses} if statuses else {})
    fallback = compile_condition(policy, columns)
    true = value_true | (missing & fallback.true)
    parts = [
        p
        for p in (bad, None if fallback.unknown is None else missing & fallback.unknown)
        if p is not None
    ]
    reasons = _merge(
        {name: statuses | {"missing"}} if fallback.unknown is not None else {name: statuses},
        fallback.reasons,
    )
    return Compiled(true, _or(parts) if parts else None, reasons)


def compile_condition(condition: Condition, columns: Columns) -> Compiled:
    """``condition`` (expanded: no ``use`` or ``parameter`` left) as expressions."""
    if isinstance(condition, FieldTest):
        return _field_test(condition, columns)
    if isinstance(condition, Not):
        inner = compile_condition(condition.not_, columns)
        if inner.unknown is None:
            return Compiled(~inner.true, None, inner.reasons)
        return Compiled(~(inner.true | inner.unknown), inner.unknown, inner.reasons)
    if isinstance(condition, AllOf | AnyOf):
        parts = [
            compile_condition(c, columns)
            for c in (condition.all if isinstance(condition, AllOf) else condition.any)
        ]
        reasons = _merge(*(p.reasons for p in parts))
        unknowns = [p.unknown for p in parts if p.unknown is not None]
        if isinstance(condition, AllOf):
            true = _and([p.true for p in parts])
            if not unknowns:
                return Compiled(true, None, reasons)
            # unknown: some part unknown and none false (each part true or unknown)
            undecided = [p.true if p.unknown is None else p.true | p.unknown for p in parts]
            return Compiled(true, _or(unknowns) & _and(undecided), reasons)
        true = _or([p.true for p in parts])
        if not unknowns:
            return Compiled(true, None, reasons)
        return Compiled(true, _or(unknowns) & ~true, reasons)
    raise InvalidInputError(f"cannot compile {condition!r}: expand named conditions first")
