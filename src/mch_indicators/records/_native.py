"""Rules pushed down: one native query on DuckDB (its expression API) and on polars.

On these two engines a rule needs no pair of boolean columns (true, unknown): a
nullable boolean *is* three-valued, and SQL's and polars' ``AND``, ``OR`` and
``NOT`` are Kleene's, so each target is one expression whose null means "cannot
be classified", as a hand-written query would say it. The query has three levels:

1. each tested field's cleaned value (null where missing or invalid), and whether
   it is missing where a test falls back on a missing value;
2. each target's value (true, false or null), and whether it is outside the period;
3. one grouped aggregation: per target the records counted (or the field summed),
   the records unclassifiable, outside the period, and, for the data-quality
   table, the unclassifiable records by field and reason (each way a field is
   invalid computed for those records only).

Values and names reach the engine as expression objects (DuckDB's
``ColumnExpression``/``ConstantExpression``, polars' ``col``/``lit``), never as text
spliced into SQL. The reasons a target can be unknown come from the narwhals
compiler (``_expr``), so both paths report the same reasons; the counts are tested
cell for cell against hand-written SQL and against the narwhals path.
"""

from __future__ import annotations

import functools
import operator
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

import narwhals as nw

from mch_indicators._adapters._native_tables import float_values, int_values, list_values
from mch_indicators._text import ENGINE_DOTTED_I, ENGINE_SPACES, fold_code
from mch_indicators.records._conditions import AllOf, AnyOf, Condition, FieldTest, Not
from mch_indicators.records._convert import UNPARSED
from mch_indicators.records._expr import Columns, Compiled, Status

__all__ = ["NATIVE", "Found", "Query", "run_native"]

#: The engines whose frames are counted by one native query.
NATIVE = {nw.Implementation.DUCKDB, nw.Implementation.POLARS}


class _Kit:
    """The few expression operations the query needs, on one engine.

    ``is_nan``, ``is_infinite`` and ``is_in`` of a null are null (so is every comparison):
    a field's test on its cleaned value (:meth:`_Fields.clean`, null when the value is
    missing or invalid) is null, "cannot be classified", by the engine's own logic.
    """

    def col(self, name: str) -> Any:
        raise NotImplementedError

    def lit(self, value: Any) -> Any:
        raise NotImplementedError

    def case(self, branches: Sequence[tuple[Any, Any]], otherwise: Any) -> Any:
        raise NotImplementedError

    def is_null(self, expression: Any) -> Any:
        raise NotImplementedError

    def is_nan(self, expression: Any) -> Any:
        raise NotImplementedError

    def is_in(self, expression: Any, values: Sequence[Any]) -> Any:
        raise NotImplementedError

    def is_infinite(self, expression: Any) -> Any:
        raise NotImplementedError

    def nothing_in(self, expression: Any) -> Any:
        """``expression`` is in an empty list: false, or null where it is null."""
        return self.case([(self.is_null(expression), self.null())], self.lit(False))

    def numbers_in(self, expression: Any, numbers: Sequence[int]) -> Any:
        """Whether a code's number (:meth:`canonical`) is one of ``numbers``."""
        return self.is_in(expression, numbers)

    def null(self) -> Any:
        """An unknown boolean."""
        raise NotImplementedError

    def only_where(self, test: Any, value: Any) -> Any:
        """``value`` where ``test`` is true, else null (of ``value``'s type)."""
        raise NotImplementedError

    def rounded(self, expression: Any) -> Any:
        """A number rounded to a whole number (a fraction's test)."""
        raise NotImplementedError

    def text(self, expression: Any) -> Any:
        """The values as text (a category column's labels)."""
        raise NotImplementedError

    def folded(self, expression: Any) -> Any:
        """Text stripped of spaces (``ENGINE_SPACES``) and lower-cased, as ``Columns.column``."""
        raise NotImplementedError

    #: Whether a folded field's column holds each record's code as a number
    #: (:meth:`canonical`) rather than its text, so that every test compares integers.
    canonical_codes = False

    def canonical(
        self, column: Any, numbers: Mapping[str, int], spellings: Mapping[str, str]
    ) -> Any:
        """``column``'s code as its number (``numbers[spellings[s]]``), 0 for no code."""
        raise NotImplementedError

    def bit(self, test: Any, k: int) -> Any:
        """2**k where ``test`` is true, else 0 (null too)."""
        return self.case([(test, self.lit(2**k))], self.lit(0))

    def is_not_false(self, expression: Any) -> Any:
        """True or unknown."""
        return self.case([(self.is_null(expression), self.lit(True))], expression)


class _Polars(_Kit):
    def __init__(self) -> None:
        import polars as pl

        self.pl = pl

    def col(self, name: str) -> Any:
        return self.pl.col(name)

    def lit(self, value: Any) -> Any:
        return self.pl.lit(value)

    def case(self, branches: Sequence[tuple[Any, Any]], otherwise: Any) -> Any:
        (first, value), *rest = branches
        chain: Any = self.pl.when(first).then(value)
        for condition, then in rest:
            chain = chain.when(condition).then(then)
        return chain.otherwise(otherwise)

    def is_null(self, expression: Any) -> Any:
        return expression.is_null()

    def is_nan(self, expression: Any) -> Any:
        return expression.is_nan()

    def is_in(self, expression: Any, values: Sequence[Any]) -> Any:
        if not values:  # polars 1.25 types an empty list as null, refused beside text
            return self.nothing_in(expression)
        return expression.is_in(list(values))

    def is_infinite(self, expression: Any) -> Any:
        return expression.is_infinite()

    def null(self) -> Any:
        return self.pl.lit(None, dtype=self.pl.Boolean)

    def only_where(self, test: Any, value: Any) -> Any:
        return self.pl.when(test).then(value)

    def rounded(self, expression: Any) -> Any:
        return expression.round(0)

    def text(self, expression: Any) -> Any:
        return expression.cast(self.pl.String)

    def folded(self, expression: Any) -> Any:
        return self.text(expression).str.strip_chars(ENGINE_SPACES).str.to_lowercase()

    def bit(self, test: Any, k: int) -> Any:
        return test.fill_null(False).cast(self.pl.Int64) * 2**k

    def is_not_false(self, expression: Any) -> Any:
        return expression.fill_null(True)


class _DuckDB(_Kit):
    def __init__(self) -> None:
        import duckdb

        self.duckdb = duckdb

    def col(self, name: str) -> Any:
        return self.duckdb.ColumnExpression(name)

    def lit(self, value: Any) -> Any:
        return self.duckdb.ConstantExpression(value)

    def case(self, branches: Sequence[tuple[Any, Any]], otherwise: Any) -> Any:
        (first, value), *rest = branches
        chain = self.duckdb.CaseExpression(first, value)
        for condition, then in rest:
            chain = chain.when(condition, then)
        return chain.otherwise(otherwise)

    def is_null(self, expression: Any) -> Any:
        return expression.isnull()

    def is_nan(self, expression: Any) -> Any:
        return self.duckdb.FunctionExpression("isnan", expression)

    def is_in(self, expression: Any, values: Sequence[Any]) -> Any:
        if not values:
            return self.nothing_in(expression)
        return expression.isin(*(self.lit(v) for v in values))

    def is_infinite(self, expression: Any) -> Any:
        return self.duckdb.FunctionExpression("isinf", expression)

    def numbers_in(self, expression: Any, numbers: Sequence[int]) -> Any:
        """A bit test, ``(mask >> number) & 1 = 1``, where every number is below 63.

        DuckDB rewrites an ``IN`` of many constants at the top of a projection into a
        join with a table of them (two hash joins cost a cleaned register's query a
        third more than hand-written SQL), and compares them one by one elsewhere;
        the bit test is two integer operations. Null stays null; 0 (no code) is false.
        """
        if not numbers or max(numbers) >= _WORD or min(numbers) < 0:
            return self.is_in(expression, numbers)
        function = self.duckdb.FunctionExpression
        mask = self.lit(sum(1 << k for k in set(numbers))).cast(self.duckdb.sqltype("BIGINT"))
        return function("&", function(">>", mask, expression), self.lit(1)) == self.lit(1)

    #: DuckDB compares a value with each constant of an ``IN`` list in turn, and a code's
    #: spellings are many (``unknown`` has 128 in half and full width): testing them at
    #: every test of a field made ``count_records`` on a relation ~5x slower than
    #: hand-written SQL. Each record's code is found once instead, as a small number.
    canonical_codes = True

    def canonical(
        self, column: Any, numbers: Mapping[str, int], spellings: Mapping[str, str]
    ) -> Any:
        """Each record's code as its number (``numbers``: 1, 2, ... in the codes' order).

        NULL stays NULL; text that spells no code is 0. A value written exactly as its
        code (most values of a register) is found by ``list_position``, one lookup; any
        other is folded (:meth:`folded`) and matched against the ``spellings`` of its
        length (every spelling of a code has the code's length), one ``IN`` per code.
        """
        text = self.text(column)
        no_code = self.lit(0)
        if not numbers:  # no codes to find (an empty list literal has no type)
            return self.case([(text.isnull(), self.null())], no_code)
        folded = self.folded(column)
        by_length: dict[int, dict[str, list[str]]] = {}
        for spelling, code in spellings.items():
            by_length.setdefault(len(spelling), {}).setdefault(code, []).append(spelling)
        length = self.duckdb.FunctionExpression("length", folded)
        branches = [
            (length == self.lit(size), self.case(
                [(self.is_in(folded, sorted(same)), self.lit(numbers[code]))
                 for code, same in sorted(codes.items())],
                no_code,
            ))
            for size, codes in sorted(by_length.items())
        ]  # fmt: skip
        anything = self.case(branches, no_code) if branches else no_code
        codes = sorted(numbers, key=numbers.__getitem__)
        assert [numbers[code] for code in codes] == list(range(1, len(codes) + 1))
        written = self.duckdb.FunctionExpression("list_position", self.lit(codes), text)
        return self.case([(written.isnotnull(), written), (text.isnull(), self.null())], anything)

    def null(self) -> Any:
        return self.duckdb.ConstantExpression(None)

    def only_where(self, test: Any, value: Any) -> Any:
        return self.duckdb.CaseExpression(test, value)

    def rounded(self, expression: Any) -> Any:
        return self.duckdb.FunctionExpression("round", expression)

    def text(self, expression: Any) -> Any:
        return expression.cast(self.duckdb.sqltype("VARCHAR"))

    def folded(self, expression: Any) -> Any:
        dotted, lowered = (self.lit(text) for text in ENGINE_DOTTED_I)
        text = self.duckdb.FunctionExpression("replace", self.text(expression), dotted, lowered)
        trimmed = self.duckdb.FunctionExpression("trim", text, self.lit(ENGINE_SPACES))
        return self.duckdb.FunctionExpression("lower", trimmed)


@dataclass(frozen=True)
class _Sum:
    """A sum of the aggregation: the records where a column is true, or is null.

    ``value`` names the column to add up instead of counting records.
    """

    column: str
    is_true: bool = True
    value: str | None = None


_INTERNAL = re.compile(r"__[a-zA-Z]+[0-9]*")


def _quoted(name: str) -> str:
    """An internal column name as a SQL identifier (refusing anything else)."""
    if not _INTERNAL.fullmatch(name):
        raise ValueError(f"not an internal column name: {name!r}")
    return f'"{name}"'


def _duckdb_sum(name: str, total: _Sum) -> str:
    """One sum as ``count(*) FILTER (WHERE "__T0" IS NULL) AS "__s7"``.

    FILTER is DuckDB's cheapest form; every column is one of the library's. A summed
    field comes back as a double (a sum of whole numbers would be a 128-bit integer,
    which Arrow holds as a decimal, read into numpy only through pandas).
    """
    test = _quoted(total.column) + ("" if total.is_true else " IS NULL")
    if total.value is None:
        return f"count(*) FILTER (WHERE {test}) AS {_quoted(name)}"
    summed = f"sum({_quoted(total.value)}) FILTER (WHERE {test})"
    return f"CAST({summed} AS DOUBLE) AS {_quoted(name)}"


def _polars_sum(pl: Any, total: _Sum) -> Any:
    column = pl.col(total.column)
    test = column if total.is_true else column.is_null()
    if total.value is None:
        return test.sum()  # a boolean's sum counts its true values; nulls are skipped
    return pl.when(test).then(pl.col(total.value)).otherwise(0).sum()


@dataclass(frozen=True)
class _Reasons:
    """The data-quality sums: the unclassified records of a target, by field state.

    A sum per (target, field, reason) pair over every record costs about as much as
    the counts themselves, so each record gets a code whose bits say which targets
    it cannot classify and which field states it has, and only the records some
    target cannot classify (a small part of a register) are kept: on DuckDB the
    aggregation keeps one list per group of their codes; on polars a second query
    counts them by group and code (:func:`_run_polars`). Each pair's sum is the
    number of a group's records whose code has both bits set (:meth:`decode`). A
    code is one or more 62-bit words (``__rc0``, ``__rc1``...), as many as the
    targets and field states need. A field state is an expression (``states``), only
    ever computed on those records (after DuckDB's ``CASE WHEN "__ru"``, after polars'
    filter).
    """

    wanted: Mapping[str, tuple[str, str]]  # sum name -> (target column, state's key)
    states: Mapping[str, Any] = field(default_factory=dict)  # state's key -> expression

    def bits(self) -> dict[str, tuple[int, int]]:
        """Each column's word and bit in the code."""
        columns = dict.fromkeys(c for pair in self.wanted.values() for c in pair)
        return {column: divmod(k, _WORD) for k, column in enumerate(columns)}

    def words(self) -> int:
        return -(-len(self.bits()) // _WORD)

    def levels(self, kit: _Kit) -> list[dict[str, Any]]:
        """``__ru``, whether any target is unknown; then ``__rc0``..., the record's code there."""
        unknown = kit.col("__ru")
        codes = {
            name: kit.case([(unknown, code)], kit.lit(0)) for name, code in self.codes(kit).items()
        }
        return [self.unknown(kit), codes]

    def unknown(self, kit: _Kit) -> dict[str, Any]:
        """``__ru``: whether some target cannot classify the record."""
        return {"__ru": _or([kit.is_null(kit.col(c)) for c in self.bits() if c.startswith("__T")])}

    def codes(self, kit: _Kit) -> dict[str, Any]:
        """``__rc0``...: the code of a record some target cannot classify."""
        parts: list[list[Any]] = [[] for _ in range(self.words())]
        for column, (word, k) in self.bits().items():
            target = column.startswith("__T")
            test = kit.is_null(kit.col(column)) if target else self.states[column]
            parts[word].append(kit.bit(test, k))
        return {f"__rc{word}": functools.reduce(operator.add, terms)
                for word, terms in enumerate(parts)}  # fmt: skip

    def decode(self, codes: Any, groups: Any, size: int, weights: Any = None) -> dict[str, Any]:
        """Each reason's count per group, from the codes (one column per word) and groups.

        ``weights``: the records each code stands for (one each if not given).
        """
        import numpy as np

        bits = self.bits()
        out = {}
        for name, (target, state) in self.wanted.items():
            (word_t, bit_t), (word_s, bit_s) = bits[target], bits[state]
            hits = ((codes[:, word_t] >> bit_t) & 1).astype(bool)
            hits &= ((codes[:, word_s] >> bit_s) & 1).astype(bool)
            weight = None if weights is None else weights[hits]
            out[name] = np.bincount(groups[hits], weight, minlength=size).astype(np.float64)
        return out


#: Bits of one word of a record's code (an int64 holds 2**62 exactly, and the sum stays positive).
_WORD = 62


def _and(parts: Sequence[Any]) -> Any:
    return functools.reduce(operator.and_, parts)


def _or(parts: Sequence[Any]) -> Any:
    return functools.reduce(operator.or_, parts)


@dataclass
class _Fields:
    """Each field's columns of the first levels (see :meth:`levels`), as a hand query has them.

    ``<field>__k``: the field's *cleaned* value, null where it is missing or invalid,
    so that a test of it is null ("cannot be classified") by the engine's own Kleene
    logic; ``<field>__m``: missing (null, NaN, a missing code), only where a test
    tells missing from invalid (a fallback, a test of being missing). Each way a
    field is invalid, for the data-quality table, is an expression of its own
    (:meth:`state`), computed on the records some target cannot classify only.
    """

    kit: _Kit
    cols: Columns
    names: Sequence[str]
    #: one column per distinct field test (see :func:`compile3`)
    leaves: dict[str, Any] = field(default_factory=dict)
    leaf_names: dict[str, str] = field(default_factory=dict)
    #: (field, what) -> the neutral name of its column, __v0, __v1...
    internal: dict[tuple[str, str], str] = field(default_factory=dict)
    #: field column -> its codes' numbers (see :meth:`_numbers`)
    numbered: dict[str, dict[str, int]] = field(default_factory=dict)
    #: field column -> each distinct text it holds -> that text folded (read first, see
    #: :func:`_texts_read_first`): its tests compare the texts as written, unfolded
    texts: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    def name(self, column: str, what: str) -> str:
        """The column holding ``what`` (f, k or m) of field column ``column``."""
        return self.internal.setdefault((column, what), f"__v{len(self.internal)}")

    def column(self, name: str) -> Any:
        """The field's values; text codes folded as the narwhals path folds them.

        A folded field is folded once, in a column of the level before the others.
        """
        if not self.cols.folds(name):
            return self.kit.col(name)
        if name in self.names:
            return self.kit.col(self.name(name, "f"))
        return self.kit.folded(self.kit.col(name))

    def clean(self, name: str) -> Any:
        """The field's value where it is present and valid, else null (a column)."""
        return self.kit.col(self.name(name, "k"))

    def is_in(self, name: str, column: Any, codes: Sequence[Any]) -> Any:
        """Whether field ``name``'s ``column`` holds one of ``codes`` (``cols.codes``'s).

        Where the field's folded column holds codes as numbers (``kit.canonical_codes``),
        the spellings become their codes' numbers: a few integers to compare. Where its
        texts were read first, they become the texts as written that fold to them.
        Null where ``column`` is null.
        """
        if name in self.texts:
            wanted = set(codes)
            return self.kit.is_in(column, [t for t, f in self.texts[name].items() if f in wanted])
        if self._canonical(name):
            return self.kit.numbers_in(column, self._numbers_of(name, codes))
        return self.kit.is_in(column, codes)

    def _numbers_of(self, name: str, codes: Sequence[Any]) -> list[int]:
        numbers = self._numbers(name)
        folded = {fold_code(c) for c in codes}
        return sorted(numbers[code] for code in folded if code in numbers)

    def _canonical(self, name: str) -> bool:
        return self.kit.canonical_codes and self.cols.folds(name) and name in self.names

    def _spellings(self, name: str) -> dict[str, str]:
        """Every spelling of the field's codes (missing ones included) -> its code."""
        spec = self.cols.fields[name]
        spellings = self.cols.codes(name, [*spec.all_codes(), *spec.missing])
        return {s: fold_code(s) for s in map(str, spellings)}

    def _numbers(self, name: str) -> dict[str, int]:
        """The field's codes (folded) -> the numbers its canonical column holds."""
        if name not in self.numbered:
            codes = sorted(set(self._spellings(name).values()))
            self.numbered[name] = {code: k for k, code in enumerate(codes, start=1)}
        return self.numbered[name]

    def _folded(self, name: str) -> Any:
        """The field's text folded; where the engine wants it, each code as its number.

        A field whose texts were read first is left as written (as text).
        """
        if name in self.texts:
            return self.kit.text(self.kit.col(name))
        if not self._canonical(name):
            return self.kit.folded(self.kit.col(name))
        return self.kit.canonical(self.kit.col(name), self._numbers(name), self._spellings(name))

    def missing(self, name: str) -> Any:
        return self.kit.col(self.name(name, "m"))

    def can_be_invalid(self, name: str) -> bool:
        return bool(self._statuses(name))

    def unusable(self, name: str) -> Any:
        """Missing or invalid: no test of its value can say."""
        return self.kit.is_null(self.clean(name))

    def state(self, name: str, status: Status) -> Any | None:
        """True where the field is missing or invalid as ``status`` says (an expression)."""
        if status == "missing":
            return self._missing(name)
        if status in self._statuses(name):
            return self._invalid(name)[status]
        return None

    def levels(self) -> list[dict[str, Any]]:
        """The columns of each level: folded codes; each field's cleaned value and missing flag.

        A level refers only to the columns of the levels before it; a field's cleaned
        value or missing flag is a column only where some test reads it (call after
        the targets are compiled).
        """
        folded = {
            self.name(name, "f"): self._folded(name)
            for name in self.names
            if self.cols.folds(name)
        }
        first: dict[str, Any] = {}
        for name in self.names:
            if (name, "k") in self.internal:
                first[self.name(name, "k")] = self._clean(name)
            if (name, "m") in self.internal:
                first[self.name(name, "m")] = self._missing(name)
        return [folded, first]

    def _clean(self, name: str) -> Any:
        valid = self._valid(name)
        column = self.column(name)
        return column if valid is None else self.kit.only_where(valid, column)

    def _valid(self, name: str) -> Any | None:
        """True where the value is present and valid; false or null elsewhere.

        The same records as "neither missing nor any of :meth:`_invalid`", written as a
        hand query writes them: a number's bounds (both engines order NaN above every
        number, so ``x <= max`` is false for NaN and infinity, ``x >= min`` for minus
        infinity), a code's membership of the codes that are not missing ones. A null
        value is null here. ``None``: every value that is not null is valid (the
        cleaned value is the value itself); text that is no number or no date was
        read as null.
        """
        kit, spec, column = self.kit, self.cols.fields[name], self.column(name)
        floats = self.cols.dtypes[name].is_float()
        parts: list[Any] = []
        if spec.type in {"number", "integer"}:
            if spec.min is not None:
                parts.append(column >= kit.lit(spec.min))
            if spec.max is not None:
                parts.append(column <= kit.lit(spec.max))
            if floats and spec.max is None:
                parts.append(~kit.is_nan(column))
            if floats and (spec.min is None or spec.max is None):
                parts.append(~kit.is_infinite(column))
            if spec.type == "integer" and floats:
                parts.append(column == kit.rounded(column))
        elif spec.type in {"category", "boolean"} and not self.cols.is_bool(name):
            parts.append(self._codes_in(name, column))
        elif floats:  # another kind of field held as floats: NaN is missing
            parts.append(~kit.is_nan(column))
        unparsed = self._unparsed(name)
        if unparsed is not None:
            parts.append(~unparsed)
        return _and(parts) if parts else None

    def _codes_in(self, name: str, column: Any) -> Any:
        """Whether the field holds one of its codes that is not a missing one."""
        spec = self.cols.fields[name]
        codes = self.cols.codes(name, spec.all_codes())
        missing = self.cols.codes(name, spec.missing)
        if name in self.texts:
            wanted = {*codes} - {*missing}
            return self.kit.is_in(column, [t for t, f in self.texts[name].items() if f in wanted])
        if self._canonical(name):
            dropped = set(self._numbers_of(name, missing))
            kept_numbers = [n for n in self._numbers_of(name, codes) if n not in dropped]
            return self.kit.numbers_in(column, kept_numbers)
        return self.kit.is_in(column, [c for c in codes if c not in set(missing)])

    def _unparsed(self, name: str) -> Any | None:
        return self.kit.col(name + UNPARSED) if self.cols.unparsed(name) is not None else None

    def _missing(self, name: str) -> Any:
        kit, spec = self.kit, self.cols.fields[name]
        column = self.column(name)
        parts = [kit.is_null(column)]
        if self.cols.dtypes[name].is_float():
            parts.append(kit.is_nan(column))
        codes = self.cols.codes(name, spec.missing)
        if codes and not self.cols.is_bool(name) and spec.type in {"category", "boolean"}:
            parts.append(self.is_in(name, column, codes))
        missing = _or(parts)
        unparsed = self._unparsed(name)
        return missing if unparsed is None else missing & ~unparsed

    def _statuses(self, name: str) -> list[Status]:
        spec = self.cols.fields[name]
        found: list[Status] = []
        floats = self.cols.dtypes[name].is_float()
        if spec.type in {"number", "integer"}:
            bounds: tuple[tuple[Status, float | None], ...] = (
                ("below", spec.min), ("above", spec.max),
            )  # fmt: skip
            found += [status for status, bound in bounds if bound is not None]
            if spec.type == "integer" and floats:
                found.append("not_whole")
        elif spec.type in {"category", "boolean"} and not self.cols.is_bool(name):
            found.append("unknown_code")
        if self.cols.unparsed(name) is not None:
            found.append("not_a_date" if spec.type == "date" else "not_a_number")
        elif spec.type in {"number", "integer"} and floats:
            found.append("not_a_number")  # an infinite number (as ``Columns``)
        return found

    def _invalid(self, name: str) -> dict[Status, Any]:
        """Each way the field is invalid (expressions; the data-quality table's reasons).

        True where the field is present (not missing, no unparsed text: its value is
        then null) and invalid that way; false, or null, elsewhere (``kit.bit`` reads a
        null as false). A number's tests are written short, each as few operations as it
        can (DuckDB evaluates each operation of the reasons' expression once per chunk of
        records, however few of them are unclassified): a null value makes each null;
        both engines order NaN above every number, so ``x < min`` is false for NaN and
        ``x > max`` true, which ``x < inf`` rules out with infinity (not a number).
        """
        kit, spec, column = self.kit, self.cols.fields[name], self.column(name)
        unparsed = self._unparsed(name)
        absent = self._missing(name) if unparsed is None else self._missing(name) | unparsed
        present = ~absent
        inf = kit.lit(float("inf"))
        floats = spec.type in {"number", "integer"} and self.cols.dtypes[name].is_float()
        infinite = kit.is_infinite(column) if floats else None  # inf: not a number

        def below() -> Any:
            below = column < kit.lit(spec.min)
            return below & (column > -inf) if floats else below

        def above() -> Any:
            above = column > kit.lit(spec.max)
            return above & (column < inf) if floats else above

        if infinite is None or unparsed is None:
            not_a_number = unparsed if infinite is None else infinite
        else:
            not_a_number = infinite | unparsed
        tests: dict[Status, Any] = {
            "below": below,
            "above": above,
            "not_whole": lambda: column != kit.rounded(column),  # false for NaN and infinity
            "unknown_code": lambda: (
                present & ~self.is_in(name, column, self.cols.codes(name, spec.all_codes()))
            ),
            "not_a_number": lambda: not_a_number,
            "not_a_date": lambda: unparsed,
        }
        return {status: tests[status]() for status in self._statuses(name)}


def _matches(fields: _Fields, name: str, values: Sequence[Any]) -> Any:
    """True where the field's cleaned value is one of ``values`` (as ``Columns.matches``).

    Null where it is null (missing or invalid).
    """
    kit, column = fields.kit, fields.clean(name)

    def is_in(column: Any, codes: Sequence[Any]) -> Any:
        return fields.is_in(name, column, codes)

    def constant(value: Any) -> Any:  # either value of a boolean field: any value there is
        return kit.case([(kit.is_null(column), kit.null())], kit.lit(value))

    return fields.cols.matches_in(name, column, values, constant, is_in)


def _value_test(fields: _Fields, test: FieldTest) -> Any:
    """The comparisons of ``test`` on the field's cleaned value (as ``Columns.test``).

    Null where the value is missing or invalid: every part is a comparison or a
    membership of the cleaned value, null where it is null.
    """
    kit, cols, name = fields.kit, fields.cols, test.field
    spec, column = cols.fields[name], fields.clean(name)
    parts: list[Any] = []
    for op, value in test.comparisons():
        if spec.type in {"category", "boolean"}:
            matches = _matches(fields, name, [value])
            parts.append(matches if op == "eq" else ~matches)
        else:
            parts.append(getattr(operator, op)(column, kit.lit(cols.value(name, value))))
    for op, values in test.memberships():
        matches = _matches(fields, name, list(values))
        parts.append(matches if op == "in" else ~matches)
    if not parts:
        return kit.case([(fields.unusable(name), kit.null())], kit.lit(True))
    return _and(parts)


def compile3(condition: Condition, fields: _Fields, *, shared: bool = True) -> Any:
    """``condition`` as one nullable boolean: true, false, or null (cannot be classified).

    Each distinct field test becomes a column of its own (``fields.leaves``), which
    every target that uses it reads: a hand-written query computes "born alive" once
    for all its terms, and so does this one. (A test's fallback condition is written
    into its test, ``shared=False``.)
    """
    if isinstance(condition, Not):
        return ~compile3(condition.not_, fields, shared=shared)
    if isinstance(condition, AllOf):
        return _and([compile3(c, fields, shared=shared) for c in condition.all])
    if isinstance(condition, AnyOf):
        return _or([compile3(c, fields, shared=shared) for c in condition.any])
    assert isinstance(condition, FieldTest)
    if not shared:
        return _field_test(condition, fields)
    key = repr(condition)
    if key not in fields.leaf_names:
        fields.leaf_names[key] = name = f"__c{len(fields.leaf_names)}"
        fields.leaves[name] = _field_test(condition, fields)
    return fields.kit.col(fields.leaf_names[key])


def _field_test(condition: FieldTest, fields: _Fields) -> Any:
    """One field's test as a nullable boolean (its fallback written in).

    As a hand query writes it: the test of the cleaned value is null where the value
    is missing or invalid; a fallback replaces it where the value is missing.
    """
    kit, name = fields.kit, condition.field
    if condition.missing is not None:
        missing = fields.missing(name)
        if not fields.can_be_invalid(name):
            return missing if condition.missing else ~missing
        when_missing, otherwise = kit.lit(condition.missing), kit.lit(not condition.missing)
        return kit.case([(missing, when_missing), (fields.unusable(name), kit.null())], otherwise)
    value = _value_test(fields, condition)
    policy = condition.unknown
    if policy == "unclassified":  # missing and invalid both leave it unknown: null
        return value
    if isinstance(policy, bool):
        fallback = kit.lit(policy)
    else:
        fallback = compile3(policy, fields, shared=False)
    return kit.case([(fields.missing(name), fallback)], value)


@dataclass(frozen=True)
class Query:
    """What to count: targets' conditions, the period test, the sums and their labels."""

    conditions: Mapping[Any, Condition]
    compiled: Mapping[Any, Compiled]  # from the narwhals compiler: its reasons
    within: Condition | None
    counts: Mapping[Any, str | None]  # target -> the field it sums, if any
    fields: Sequence[str]
    keys: Sequence[str]
    quality: bool
    date: str | None
    #: whether the frame can be read twice cheaply and alike (a file, data in memory):
    #: then on polars the folded fields' distinct texts are read first (``_texts_read_first``)
    replayable: bool = False


def _values_and_sums(
    query: Query, fields: _Fields
) -> tuple[dict[str, Any], dict[str, _Sum], _Reasons]:
    """Each target's value, outside-the-period flag and summed field; the sums over them."""
    kit = fields.kit
    values: dict[str, Any] = {}
    sums: dict[str, _Sum] = {}
    reasons: dict[str, tuple[str, str]] = {}
    states: dict[str, Any] = {}
    within = compile3(query.within, fields) if query.within is not None else None
    for i, (target, condition) in enumerate(query.conditions.items()):
        each = compile3(condition, fields)
        values[f"__T{i}"] = each if within is None else each & within
        counted = query.counts[target]
        if counted:
            values[f"__n{i}"] = kit.col(counted)
        sums[f"__t{i}"] = _Sum(f"__T{i}", value=f"__n{i}" if counted else None)
        if within is not None:
            values[f"__O{i}"] = kit.is_not_false(each) & ~kit.is_not_false(within)
            sums[f"__o{i}"] = _Sum(f"__O{i}")
        if query.compiled[target].unknown is None:
            continue
        sums[f"__u{i}"] = _Sum(f"__T{i}", is_true=False)
        if query.quality:
            reasons.update(_reason_pairs(i, query.compiled[target], fields, states))
    return values, sums, _Reasons(reasons, states)


def _reason_pairs(
    i: int, compiled: Compiled, fields: _Fields, states: dict[str, Any]
) -> dict[str, tuple[str, str]]:
    """The (field, reason) sums of target ``i`` (named as ``_count._reason_sums`` names them).

    ``states`` gets each field state's expression, under a key of its own.
    """
    pairs = {}
    for column, statuses in sorted(compiled.reasons.items()):
        name = column.removeprefix("__field_")
        for status in sorted(statuses):
            key = f"{column}:{status}"
            if key not in states:
                state = fields.state(column, status)
                if state is None:
                    continue
                states[key] = state
            pairs[f"__r{i}_{name}_{status}"] = (f"__T{i}", key)
    return pairs


#: What the native query returns: each column of the sums by group (keys as lists of
#: Python values, sums as float arrays), by name.
Found = dict[str, Any]


def run_native(frame: nw.LazyFrame[Any], query: Query, cols: Columns) -> Found:
    """The sums by group, in one query of the frame's own engine (polars or DuckDB).

    ``frame`` holds the keys (``__key0``...), the prepared fields (``__field_*``) and
    their text flags; the result has the keys and the sums named as ``_count``'s.
    """
    native = nw.to_native(frame)
    duck = frame.implementation is nw.Implementation.DUCKDB
    kit: _Kit = _DuckDB() if duck else _Polars()
    texts: dict[str, dict[str, str]] = {}
    if not duck and query.replayable:
        folded = [name for name in query.fields if cols.folds(name)]
        texts = _texts_read_first(native, cast(_Polars, kit), folded)
    fields = _Fields(kit, cols, query.fields, texts=texts)
    values, sums, reasons = _values_and_sums(query, fields)
    levels = [*fields.levels(), fields.leaves, values]
    coded = reasons.levels(kit) if reasons.wanted else []
    if not duck:
        found = _run_polars(native, kit, query.keys, levels, sums, coded)
        return _polars_columns(found, query.keys, reasons)
    levels += coded
    table = _run_duckdb(native, kit, query.keys, levels, sums, reasons.words())
    return _arrow_columns(table, query.keys, reasons)


#: A text field with more distinct values than this is folded record by record.
MOST_TEXTS_READ_FIRST = 10_000


def _texts_read_first(
    native: Any, kit: _Polars, names: Sequence[str]
) -> dict[str, dict[str, str]]:
    """Each field's distinct texts -> their folded form, read in one pass (polars).

    Folding every record's text (strip, lower-case) was a third of a polars count
    on 20 M births; a register holds a few distinct texts per code field, so they
    are read first and folded once each, with the engine's own expression (so the
    folded forms are those the record-by-record fold would give), and the tests
    then compare the texts as written. A field with more than
    :data:`MOST_TEXTS_READ_FIRST` distinct texts is left out (folded per record).
    """
    if not names:
        return {}
    pl = kit.pl
    distinct = native.lazy().select(
        kit.text(pl.col(name)).unique().head(MOST_TEXTS_READ_FIRST + 1).implode().alias(name)
        for name in names
    )
    row = distinct.collect(engine="streaming").row(0, named=True)
    texts: dict[str, dict[str, str]] = {}
    for name in names:
        if len(row[name]) > MOST_TEXTS_READ_FIRST:  # (null included) maybe more than read
            continue
        values = [v for v in row[name] if v is not None]
        table = pl.DataFrame({"text": values}, schema={"text": pl.String})
        table = table.with_columns(folded=kit.folded(pl.col("text")))
        texts[name] = dict(zip(table["text"].to_list(), table["folded"].to_list(), strict=True))
    return texts


def _polars_columns(found: Any, keys: Sequence[str], reasons: _Reasons) -> Found:
    """The columns of polars' result, each reason's counts in place of the codes.

    With reasons wanted, ``found`` has the counts' rows and, below them, one row per
    group and code of its unclassified records (``__rc0``..., with their number
    ``__rn``): each reason counts the records whose code has both its bits.
    """
    import numpy as np

    if reasons.wanted:
        found, codes, weights, groups = _by_group(found, keys, reasons.words())
    columns: Found = {
        name: found[name].to_list() if name in keys else np.asarray(found[name], np.float64)
        for name in found.columns
    }
    if reasons.wanted:
        columns.update(reasons.decode(codes, groups, found.height, weights))
    return columns


def _by_group(found: Any, keys: Sequence[str], words: int) -> tuple[Any, Any, Any, Any]:
    """The sums by group; the reasons' rows' codes, numbers of records and group numbers.

    ``found`` has the counts' rows, then the reasons' rows (no sums): grouped by the
    keys in order of appearance, each reasons' row joins its group's counts' row by
    polars' own equality of keys (a null key is one group, as NaN is).
    """
    import numpy as np
    import polars as pl

    listed = [*(f"__rc{w}" for w in range(words)), "__rn"]
    sums = pl.col([name for name in found.columns if name not in {*keys, *listed}]).sum()
    if keys:
        folded = found.group_by(list(keys), maintain_order=True).agg(sums, *listed)
    else:
        folded = found.select(sums, pl.col(listed).implode())
    sizes = folded["__rn"].list.len().to_numpy().astype(np.intp)
    groups = np.repeat(np.arange(folded.height), sizes)
    flat = {name: folded[name].explode().to_numpy() for name in listed}
    codes = np.column_stack([flat[name].astype(np.int64) for name in listed[:-1]])
    return folded.drop(listed), codes, flat["__rn"].astype(np.float64), groups


def _arrow_columns(table: Any, keys: Sequence[str], reasons: _Reasons) -> Found:
    """The columns of DuckDB's Arrow table, each reason's counts in place of ``__rl``.

    ``__rl`` holds, per group, the codes of its records some target cannot classify:
    numbers, or lists of one number per word when the code needs several words.
    """
    import numpy as np

    found: Found = {}
    for name in table.column_names:
        if name in keys:
            found[name] = table.column(name).to_pylist()
        elif name != "__rl":
            found[name] = float_values(table.column(name).combine_chunks())
    if not reasons.wanted:
        return found
    listed = table.column("__rl").combine_chunks()
    sizes = np.diff(int_values(listed.offsets)).astype(np.intp)  # a null list has none
    flat = list_values(listed)
    if reasons.words() > 1:
        flat = list_values(flat)
    codes = int_values(flat).reshape(-1, reasons.words())
    groups = np.repeat(np.arange(len(sizes)), sizes)
    found.update(reasons.decode(codes, groups, len(sizes)))
    return found


def _run_polars(
    native: Any, kit: _Kit, keys: Sequence[str], levels: Sequence[Mapping[str, Any]],
    sums: Mapping[str, _Sum], coded: Sequence[Mapping[str, Any]],
) -> Any:  # fmt: skip
    """The sums by group; with ``coded`` (the reasons' levels), the reasons' rows below them.

    The unclassified records (a small part of a register) are counted by group and code
    in a second query over the same prepared records; ``collect_all`` runs both, reading
    the source once. A sum per (target, field state) pair in the counts' aggregation
    cost a pass over every record each; grouping every record by its code as well cost
    more than the filter. The counts' rows get code 0 and no records (``__rn``), the
    reasons' rows no sums (see :func:`_by_group`).
    """
    pl = cast(_Polars, kit).pl
    lazy = native.lazy()
    for level in levels:
        lazy = lazy.with_columns(**level)
    aggregations = [_polars_sum(pl, total).alias(name) for name, total in sums.items()]
    counts = lazy.group_by(list(keys)).agg(aggregations) if keys else lazy.select(aggregations)
    if not coded:
        return counts.collect(engine="streaming")
    unknown, codes = coded
    reasons = lazy.with_columns(**unknown).filter(pl.col("__ru")).with_columns(**codes)
    reasons = reasons.group_by([*keys, *codes]).agg(pl.len().alias("__rn"))
    counted, listed = pl.collect_all([counts, reasons], engine="streaming")
    none = [pl.lit(0, listed.schema[name]).alias(name) for name in (*codes, "__rn")]
    return pl.concat([counted.with_columns(none), listed], how="diagonal")


def _run_duckdb(
    native: Any, kit: _Kit, keys: Sequence[str], levels: Sequence[Mapping[str, Any]],
    sums: Mapping[str, _Sum], words: int,
) -> Any:  # fmt: skip
    relation = native
    for level in levels:
        kept = [kit.col(name) for name in relation.columns]
        relation = relation.project(*kept, *(e.alias(n) for n, e in level.items()))
    # the aggregation names only the library's own columns (__key0, __T0, __rc, __s7...):
    # every value and every user column name went in above as an expression object
    neutral = {f"__s{k}": name for k, name in enumerate(sums)}
    listed = [_quoted(key) for key in keys]
    listed += [_duckdb_sum(alias, sums[name]) for alias, name in neutral.items()]
    if words:  # one list per group of its unclassified records' codes (a word, or their list)
        names = [_quoted(f"__rc{w}") for w in range(words)]
        code = names[0] if words == 1 else f"[{', '.join(names)}]"
        listed.append(f'list({code}) FILTER (WHERE "__ru") AS "__rl"')
    grouped = relation.aggregate(", ".join(listed), ", ".join(_quoted(k) for k in keys))
    table = grouped.to_arrow_table()
    return table.rename_columns([neutral.get(name, name) for name in table.column_names])
