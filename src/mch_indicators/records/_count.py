"""Counting terms on records inside the engine that holds them.

Every term asked for becomes three kinds of sums over the records: the records
counted, the records that cannot be classified, and those dated outside the
period, plus one sum per (field, reason) that made records unclassifiable.
All of them are computed in **one** grouped aggregation per record set, by the
engine that holds the records; only the small table of sums comes back to Python.

On DuckDB and polars the rules become one native query with the engines' own
three-valued logic (``_native``); on the other engines (pandas, pyarrow, dask,
PySpark) narwhals expressions with a (true, unknown) pair per condition (``_expr``).
Fields are found and text in number and date fields is read (``_convert``) the same
way for both.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import warnings
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from os import PathLike, fspath
from pathlib import Path
from typing import Any, cast

import narwhals as nw
import numpy as np
import numpy.typing as npt

from mch_indicators._adapters._native_tables import order
from mch_indicators._errors import InvalidInputError
from mch_indicators._headers import header_parts, match_headers
from mch_indicators.records._conditions import AllOf, FieldTest, walk, with_inner
from mch_indicators.records._convert import UNPARSED, read_date, read_date_number, read_number
from mch_indicators.records._expr import Columns, Compiled, Status, compile_condition
from mch_indicators.records._native import NATIVE, Query, run_native
from mch_indicators.records._rules import Rule, RuleBook
from mch_indicators.records._schema import RecordField, RecordSet, builtin_record_sets

__all__ = ["Tally", "Target", "builtin_schema", "load_frame", "tally"]

#: what a counter is: (term id, live-birth definition or None)
Target = tuple[str, str | None]
Period = tuple[dt.date, dt.date]

#: engines whose sum() refuses booleans (the others count True as 1)
_NO_BOOLEAN_SUM = {
    nw.Implementation.PYSPARK,
    nw.Implementation.PYSPARK_CONNECT,
    nw.Implementation.SQLFRAME,
}
_REASON_TEXT: dict[Status, str] = {
    "missing": "{field}: missing",
    "below": "{field}: below {min:g}",
    "above": "{field}: above {max:g}",
    "unknown_code": "{field}: unrecognised code",
    "not_whole": "{field}: not a whole number",
    "not_a_number": "{field}: not a number",
    "not_a_date": "{field}: not a date",
}


@dataclass(frozen=True)
class Tally:
    """The sums of one record set, one row per group (keys in sorted order)."""

    records: str
    #: the key columns (object arrays), rows sorted by them
    keys: list[npt.NDArray[np.object_]]
    counts: dict[Target, npt.NDArray[np.float64]]
    unclassified: dict[Target, npt.NDArray[np.float64]]
    #: (target, reason text) -> records per group
    reasons: dict[tuple[Target, str], npt.NDArray[np.float64]]
    rules: dict[Target, Rule]


def load_frame(source: object) -> Any:
    """A lazy scan of a file path (polars, else DuckDB), or ``source`` as it is.

    polars' streaming engine is the default because it runs the library's
    expressions within 1.2 times of hand-written queries in bounded memory
    (benchmarks/records.py); DuckDB, when polars is not installed, streams too but
    evaluates the library's staged expressions more slowly than hand-written SQL.
    """
    if not isinstance(source, str | PathLike):
        return source
    path = Path(fspath(source))
    suffix = path.suffix.lower()
    if suffix not in {".parquet", ".csv"} and not path.is_dir():
        raise InvalidInputError(f"{path}: records are read from Parquet or CSV files")
    pattern = str(path / "**" / "*.parquet") if path.is_dir() else str(path)
    if importlib.util.find_spec("polars") is not None:
        import polars as pl

        if suffix == ".csv":
            return pl.scan_csv(pattern)
        return pl.scan_parquet(pattern, hive_partitioning=path.is_dir())
    if importlib.util.find_spec("duckdb") is not None:
        import duckdb

        # the default connection: DuckDB before 1.5 closes a connection nobody holds,
        # and the relation returned would die with it
        if suffix == ".csv":
            return duckdb.read_csv(pattern)
        return duckdb.read_parquet(pattern, hive_partitioning=path.is_dir())
    raise ImportError(
        "reading record files needs polars or DuckDB: pip install 'mch-indicators[records]'"
    )


def _native_frame(data: object) -> nw.DataFrame[Any] | nw.LazyFrame[Any]:
    try:
        with warnings.catch_warnings():
            # narwhals announces that dask support moves to a plugin package that is not
            # published yet; dask frames work as they are.
            warnings.filterwarnings("ignore", "Dask support is moving", FutureWarning)
            frame = nw.from_native(cast(Any, data))
    except TypeError:
        raise InvalidInputError(
            f"records must be a dataframe (pandas, polars, pyarrow, DuckDB, dask, PySpark) or "
            f"a Parquet/CSV path, got {type(data).__name__}"
        ) from None
    if not isinstance(frame, nw.DataFrame | nw.LazyFrame):
        raise InvalidInputError(f"records must be a dataframe, got {type(data).__name__}")
    return frame


def _prepare(
    frame: nw.DataFrame[Any] | nw.LazyFrame[Any],
    schema: RecordSet,
    needed: set[str],
    explicit: Mapping[str, Hashable] | None,
    parts: object = None,
) -> tuple[nw.DataFrame[Any] | nw.LazyFrame[Any], dict[str, str]]:
    """The frame with its fields under their ids (derived ones added), and field -> column.

    ``parts``: the records as given, whose headers joined from two rows (a table read
    by ``read_table``) match in either order of their rows, as an office table's do.
    """
    names = frame.collect_schema().names()
    spellings = header_parts(parts).spellings()
    matched = match_headers(names, schema.vocabulary(), explicit, spellings)
    found = {field: str(column) for field, column in matched.columns.items()}
    for field in needed - set(found):  # a derived field needs its sources
        derivation = schema.fields[field].derive
        needed = needed | set(derivation.source if derivation else ())
    renames = [
        nw.col(column).alias(f"__field_{field}")
        for field, column in found.items()
        if field in needed
    ]
    frame = frame.with_columns(*renames) if renames else frame
    converted = _conversions(frame, schema, needed & set(found), found)
    if converted:
        types = frame.collect_schema()
        frame = _kept_types(frame.with_columns(*converted), types)
    derived = []
    for field in sorted(needed - set(found)):
        spec = schema.fields[field]
        sources = spec.derive.source if spec.derive else ()
        if spec.derive is None or not all(s in found for s in sources):
            wanted = " or ".join(
                [repr(spec.name.zh), repr(spec.name.en)]
                + ([f"the dates {' and '.join(sources)}"] if sources else [])
            )
            raise InvalidInputError(
                f"the records have no column for field {field!r} of {schema.id!r} "
                f"({wanted}; columns: {', '.join(map(str, names))}); name it with "
                f"columns={{{field!r}: ...}}"
            )
        start, end = (nw.col(f"__field_{s}") for s in sources)
        if spec.derive.kind == "days_between":
            value = _days_between(start, end)
        else:
            before = (end.dt.month() < start.dt.month()) | (
                (end.dt.month() == start.dt.month()) & (end.dt.day() < start.dt.day())
            )
            value = end.dt.year() - start.dt.year() - before.cast(nw.Int64())
        derived.append(value.alias(f"__field_{field}"))
        found[field] = f"(derived from {' and '.join(sources)})"
    frame = frame.with_columns(*derived) if derived else frame
    return frame, found


def _int(value: int) -> nw.Expr:
    """An integer literal as a 64-bit integer (polars 1.25 panicked dividing Int64 by Int32)."""
    return nw.lit(value, nw.Int64())


#: seconds in a day; years shifted by 4000 (ten 400-year cycles of the calendar), and
#: differences by 4 million days (more than any two dates apart), so that every division
#: below is of numbers not below zero (engines round a negative quotient apart)
_DAY = 86_400
_YEARS = 4_000
_DAYS = 4_000_000


def _seconds(moment: nw.Expr) -> nw.Expr:
    """Seconds from a fixed origin to a date and time, by integer arithmetic on its parts.

    No subtraction of dates or times: engines give it different types (DuckDB's DATE -
    DATE is a number of days, TIMESTAMP - TIMESTAMP an interval), and narwhals 2.9 read
    a DuckDB interval's minutes part as its total (45 days gave 0 minutes). The days are
    counted from a 1 March (March first, so that a leap day ends its year). A missing
    moment's parts are 0 here: see ``_days_between``.
    """
    part: dict[str, nw.Expr] = {
        # through a float: pandas 2 has NaN for a missing part, and polars 1.25's streaming
        # engine panics filling an Int8 month with an Int32 literal
        name: getattr(moment.dt, name)().cast(nw.Float64()).fill_null(0.0).cast(nw.Int64())
        for name in ("year", "month", "day", "hour", "minute", "second")
    }
    early = (part["month"] <= _int(2)).cast(nw.Int64())  # January and February: last year's
    year = part["year"] - early + _int(_YEARS)
    month = part["month"] + early * _int(12) - _int(3)  # March 0 ... February 11
    days = (
        year * _int(365)
        + year // _int(4)
        - year // _int(100)
        + year // _int(400)
        + (month * _int(153) + _int(2)) // _int(5)
        + part["day"]
    )
    return (
        days * _int(_DAY) + part["hour"] * _int(3600) + part["minute"] * _int(60) + part["second"]
    )


def _days_between(start: nw.Expr, end: nw.Expr) -> nw.Expr:
    """Completed days from ``start`` to ``end`` (negative, rounded down, when ``end`` is first).

    To the second, by integer arithmetic on each engine alike (``_seconds``); missing
    where either date is.
    """
    shifted = _seconds(end) - _seconds(start) + _int(_DAYS * _DAY)
    days = shifted // _int(_DAY) - _int(_DAYS)
    return nw.when(~(start.is_null() | end.is_null())).then(days)


def _conversions(
    frame: nw.DataFrame[Any] | nw.LazyFrame[Any],
    schema: RecordSet,
    fields: set[str],
    found: Mapping[str, str],
) -> list[nw.Expr]:
    """Number and date fields held as text (or dates as numbers), read by one grammar.

    Each converted field gets a flag column marking text that is not a number or
    not a date (``_convert``); such values are unclassifiable, with that reason. A
    column of the null type (every value missing) is read as missing values of the
    field's type.
    """
    dtypes = frame.collect_schema()
    names = [f"__field_{field}" for field in sorted(fields)]
    unknown = [name for name in names if dtypes[name] == nw.Unknown]
    nulls = _null_columns(frame, unknown) if unknown else set()
    converted = []
    for field, name in zip(sorted(fields), names, strict=True):
        spec = schema.fields[field]
        if name in nulls:
            converted.append(nw.col(name).cast(_NULL_READ_AS[spec.type]).alias(name))
            continue
        converted += _conversion(spec, name, dtypes[name], found[field])
    return converted


#: What a field's column of the null type is read as: missing values of the field's type.
_NULL_READ_AS: dict[str, nw.dtypes.DType] = {
    "number": nw.Float64(),
    "integer": nw.Float64(),
    "date": nw.Datetime(),
    "category": nw.String(),
    "boolean": nw.String(),
    "text": nw.String(),
}


def _null_columns(frame: nw.DataFrame[Any] | nw.LazyFrame[Any], names: list[str]) -> set[str]:
    """Those of ``names`` typed as holding nothing (every value missing).

    pyarrow, polars, DuckDB and Spark give a column of None the null type, which
    narwhals calls ``Unknown`` as it calls types it does not know (DuckDB's UUID): the
    engine's own schema tells them apart. pandas and dask hold such a column as objects.
    """
    native = frame.to_native()
    kind = frame.implementation
    types: dict[str, str] = {}
    if kind is nw.Implementation.PYARROW:
        types = {field.name: str(field.type) for field in native.schema}
    elif kind is nw.Implementation.POLARS:
        types = {name: str(dtype) for name, dtype in native.collect_schema().items()}
    elif kind is nw.Implementation.DUCKDB:
        pairs = zip(native.columns, native.types, strict=True)
        types = {name: str(dtype) for name, dtype in pairs}
    elif kind in {nw.Implementation.PYSPARK, nw.Implementation.PYSPARK_CONNECT}:
        types = {field.name: field.dataType.typeName() for field in native.schema.fields}
    return {name for name in names if types.get(name, "").strip('"').lower() in {"null", "void"}}


def _kept_types(
    frame: nw.DataFrame[Any] | nw.LazyFrame[Any], before: nw.Schema
) -> nw.DataFrame[Any] | nw.LazyFrame[Any]:
    """``frame`` with each column the conversions did not touch typed as it was before.

    dask's ``assign`` with ``to_datetime`` (a date written as text) types the frame's
    boolean columns as objects in its metadata: a boolean field was then read as text
    and its folding raised pandas' AttributeError (``.str`` of booleans).
    """
    after = frame.collect_schema()
    changed = [
        nw.col(name).cast(dtype)
        for name, dtype in before.items()
        if after[name] != dtype and dtype == nw.Boolean
    ]
    return frame.with_columns(*changed) if changed else frame


def _conversion(
    spec: RecordField, name: str, dtype: nw.dtypes.DType, column: str
) -> list[nw.Expr]:
    """The columns reading one field's values; none when they are read as they are."""
    text = dtype in {nw.String, nw.Object}
    if spec.type == "date":
        if text:
            value, unparsed = read_date(name)
        elif dtype.is_numeric():
            value, unparsed = read_date_number(name, whole=dtype.is_integer())
        elif isinstance(dtype, nw.Datetime) and dtype.time_zone:
            # the time of day where it was recorded: comparable with the period's dates (a
            # DuckDB TIMESTAMPTZ holds no zone: narwhals gives it the session's TimeZone,
            # and the cast reads it on that clock, as DuckDB shows it)
            return [nw.col(name).dt.replace_time_zone(None).alias(name)]
        elif dtype == nw.Datetime:
            return []
        elif dtype == nw.Date or dtype == nw.Unknown:
            # a date and a time of day alike on every engine, so that two of them subtract
            # (DuckDB's DATE - DATE is a number of days, not an interval); a type narwhals
            # does not know (DuckDB's TIMESTAMPTZ_NS) is read on the session's clock, as
            # a TIMESTAMP WITH TIME ZONE is
            return [nw.col(name).cast(nw.Datetime()).alias(name)]
        else:
            raise _unread(column, spec, dtype, "neither dates nor text")
    elif spec.type in {"number", "integer"}:
        if text:
            value, unparsed = read_number(name)
        elif dtype.is_numeric():
            return []
        else:
            raise _unread(column, spec, dtype, "not numeric")
    else:
        return []
    return [value.alias(name), unparsed.alias(name + UNPARSED)]


def _unread(
    column: str, spec: RecordField, dtype: nw.dtypes.DType, what: str
) -> InvalidInputError:
    return InvalidInputError(
        f"column {column!r} holds {spec.name.en} ({spec.id}) but is {what} ({dtype}); "
        "convert it first"
    )


def _renamed(condition: Any) -> Any:
    """A condition whose field names are the frame's internal column names."""
    renamed = with_inner(condition, _renamed)
    if isinstance(renamed, FieldTest):
        return renamed.model_copy(update={"field": f"__field_{renamed.field}"})
    return renamed


def _fields_of(condition: Any) -> set[str]:
    return {node.field for node in walk(condition) if isinstance(node, FieldTest)}


def _key_expressions(
    by: Sequence[str], schema: RecordSet, frame: nw.DataFrame[Any] | nw.LazyFrame[Any]
) -> tuple[list[nw.Expr], set[str]]:
    """Grouping expressions named as ``by`` says, and the fields they need."""
    names = set(frame.collect_schema().names())
    expressions, needed = [], set()
    for key in by:
        if key in schema.fields:
            expressions.append(nw.col(f"__field_{key}").alias(key))
            needed.add(key)
        elif key in names:
            expressions.append(nw.col(key))
        elif key == "year" and schema.date is not None:
            expressions.append(nw.col(f"__field_{schema.date}").dt.year().alias("year"))
            needed.add(schema.date)
        else:
            raise InvalidInputError(
                f"cannot group {schema.id!r} records by {key!r}: it is neither a field, a "
                "column nor 'year' (the year of the record's date)"
            )
    return expressions, needed


def _key_fields(by: Sequence[str], schema: RecordSet, columns: Iterable[str]) -> set[str]:
    names = set(columns)
    needed = set()
    for key in by:
        if key in schema.fields:
            needed.add(key)
        elif key == "year" and key not in names and schema.date is not None:
            needed.add(schema.date)
    return needed


Labels = dict[str, tuple[str, Target, str]]


def tally(
    data: object,
    schema: RecordSet,
    rules: Mapping[Target, Rule],
    book: RuleBook,
    *,
    by: Sequence[str],
    period: Period | None,
    columns: Mapping[str, Hashable] | None,
    quality: bool = True,
) -> Tally:
    """Count ``rules`` on one record set in one grouped aggregation.

    Three stages of columns come first, so that an engine that evaluates eagerly
    (pandas) computes each once: every field's status (missing, invalid), every
    distinct comparison, then each target's decision (true, unknown, outside the
    period). The sums of the decisions, by group, are the one aggregation.
    """
    frame = _native_frame(load_frame(data))
    conditions = _conditions(rules, book)
    needed = set().union(*(_fields_of(c) for c in conditions.values()))
    needed |= _key_fields(by, schema, frame.collect_schema().names())
    period_test = _period_test(schema, period)
    if period_test is not None:
        needed.add(period_test.field)
    frame, _ = _prepare(frame, schema, needed, columns, parts=data)
    keys, _ = _key_expressions(by, schema, frame)
    if frame.implementation in NATIVE:
        frame = frame.lazy()
        replayable = isinstance(data, str | PathLike) or _in_memory(data)
        native = _NativeCall(
            schema, rules, conditions, period_test, needed, by, quality, replayable
        )
        return _tally_native(frame, keys, native)
    # the keys first, under names of their own: a column of the records named as one of
    # the library's (__T0, __leaf0...) is read before that column is added
    key_names = [f"__key{i}" for i in range(len(keys))]
    if keys:  # a lazy frame (dask, Spark) refuses with_columns() of nothing
        frame = frame.with_columns(*(k.alias(n) for k, n in zip(keys, key_names, strict=True)))
    dtypes = frame.collect_schema()
    fields = {f"__field_{name}": spec for name, spec in schema.fields.items()}
    cols = Columns(fields, {name: dtypes[name] for name in dtypes.names()})
    names = sorted(f"__field_{n}" for n in needed)
    folded = cols.folded_columns(names)  # each code field folded once
    frame = frame.with_columns(**folded) if folded else frame
    frame = frame.with_columns(**cols.status_columns(names))
    within = compile_condition(_renamed(period_test), cols) if period_test else None
    compiled = {
        target: compile_condition(_renamed(condition), cols)
        for target, condition in conditions.items()
    }
    frame = frame.with_columns(**cols.leaves)  # each distinct comparison once
    decided, compiled = _decisions(compiled, within)
    frame = frame.with_columns(**decided)
    sums, labels = _sums(compiled, rules, cols, schema, within is not None, quality)
    result = _aggregate(frame.select(*key_names, **sums), key_names, list(sums))
    found: dict[str, Any] = {key: result[key].to_list() for key in key_names}
    found |= {name: result[name].to_numpy() for name in sums}
    return _to_tally(schema.id, found, key_names, labels, rules)


def _in_memory(data: object) -> bool:
    """A polars DataFrame (not a lazy query, which a second read would run again)."""
    kind = type(data)
    return kind.__module__.split(".")[0] == "polars" and kind.__name__ == "DataFrame"


@dataclass(frozen=True)
class _NativeCall:
    """What :func:`tally` hands to the native query (``_native``)."""

    schema: RecordSet
    rules: Mapping[Target, Rule]
    conditions: Mapping[Target, Any]
    period_test: FieldTest | None
    needed: set[str]
    by: Sequence[str]
    quality: bool
    #: a file or data in memory: read twice cheaply and alike (``_native.Query``)
    replayable: bool


def _tally_native(frame: nw.LazyFrame[Any], keys: list[nw.Expr], call: _NativeCall) -> Tally:
    """The sums of a DuckDB or polars frame in one native query (``_native``)."""
    key_names = [f"__key{i}" for i in range(len(keys))]
    names = sorted(f"__field_{n}" for n in call.needed)
    present = set(frame.collect_schema().names())
    flags = [name + UNPARSED for name in names if name + UNPARSED in present]
    frame = frame.select(
        *(key.alias(name) for key, name in zip(keys, key_names, strict=True)),
        *(nw.col(name) for name in names + flags),
    )
    dtypes = frame.collect_schema()
    fields = {f"__field_{name}": spec for name, spec in call.schema.fields.items()}
    cols = Columns(fields, {name: dtypes[name] for name in dtypes.names()})
    conditions = {target: _renamed(c) for target, c in call.conditions.items()}
    within = _renamed(call.period_test) if call.period_test else None
    compiled = {target: compile_condition(c, cols) for target, c in conditions.items()}
    within_compiled = compile_condition(within, cols) if within is not None else None
    _, counted = _decisions(compiled, within_compiled)
    counts = {t: (f"__field_{r.count}" if r.count else None) for t, r in call.rules.items()}
    query = Query(
        conditions, counted, within, counts, names, key_names, call.quality, call.schema.date,
        replayable=call.replayable,
    )  # fmt: skip
    found = run_native(frame, query, cols)
    _, labels = _sums(counted, call.rules, cols, call.schema, within is not None, call.quality)
    return _to_tally(call.schema.id, found, key_names, labels, call.rules)


def _conditions(rules: Mapping[Target, Rule], book: RuleBook) -> dict[Target, Any]:
    """Each target's condition, expanded; a rule that sums a field needs that field."""
    conditions = {}
    for target, rule in rules.items():
        condition = book.expand(rule, target[1])
        extra = [FieldTest(field=rule.count, ge=0)] if rule.count else []
        conditions[target] = AllOf(all=(condition, *extra)) if extra else condition
    return conditions


def _period_test(schema: RecordSet, period: Period | None) -> FieldTest | None:
    if period is None:
        return None
    if schema.date is None:
        raise InvalidInputError(
            f"record set {schema.id!r} has no date to place records in a period; group by "
            "its year instead"
        )
    start, end = period
    return FieldTest(field=schema.date, ge=start, lt=end + dt.timedelta(days=1))


def _decisions(
    compiled: Mapping[Target, Compiled], within: Compiled | None
) -> tuple[dict[str, nw.Expr], dict[Target, Compiled]]:
    """Columns ``__T{i}``, ``__U{i}``, ``__O{i}`` (true, unknown, outside the period)."""
    decided: dict[str, nw.Expr] = {}
    counted_all: dict[Target, Compiled] = {}
    for i, (target, each) in enumerate(compiled.items()):
        counted = each if within is None else _both(each, within)
        decided[f"__T{i}"] = counted.true
        if counted.unknown is not None:
            decided[f"__U{i}"] = counted.unknown
        if within is not None:
            seen = each.true if each.unknown is None else each.true | each.unknown
            outside = seen & ~within.true
            if within.unknown is not None:
                outside = outside & ~within.unknown
            decided[f"__O{i}"] = outside
        counted_all[target] = counted
    return decided, counted_all


def _sums(
    compiled: Mapping[Target, Compiled],
    rules: Mapping[Target, Rule],
    cols: Columns,
    schema: RecordSet,
    period: bool,
    quality: bool,
) -> tuple[dict[str, nw.Expr], Labels]:
    """What to sum per group, and what each sum means (count, unclassified, reason)."""
    sums: dict[str, nw.Expr] = {}
    labels: Labels = {}
    for i, (target, counted) in enumerate(compiled.items()):
        true, count = nw.col(f"__T{i}"), rules[target].count
        if count:
            value = nw.when(true).then(nw.col(f"__field_{count}")).otherwise(0)
            sums[f"__t{i}"] = value.cast(nw.Float64())
        else:
            sums[f"__t{i}"] = true
        labels[f"__t{i}"] = ("count", target, "")
        if period:
            sums[f"__o{i}"] = nw.col(f"__O{i}")
            labels[f"__o{i}"] = ("reason", target, f"{schema.date}: outside the period")
        if counted.unknown is None:
            continue
        sums[f"__u{i}"] = nw.col(f"__U{i}")
        labels[f"__u{i}"] = ("unclassified", target, "")
        if quality:
            _reason_sums(i, target, counted, cols, schema, sums, labels)
    return sums, labels


def _reason_sums(
    i: int,
    target: Target,
    counted: Compiled,
    cols: Columns,
    schema: RecordSet,
    sums: dict[str, nw.Expr],
    labels: Labels,
) -> None:
    """One sum per field and reason among the records the target could not classify."""
    unknown = nw.col(f"__U{i}")
    for column, statuses in sorted(counted.reasons.items()):
        field = column.removeprefix("__field_")
        spec = schema.fields[field]
        invalid = cols.invalid(column)
        for status in sorted(statuses):
            state = cols.missing(column) if status == "missing" else invalid.get(status)
            if state is None:
                continue
            name = f"__r{i}_{field}_{status}"
            sums[name] = unknown & state
            text = _REASON_TEXT[status].format(field=field, min=spec.min or 0, max=spec.max or 0)
            labels[name] = ("reason", target, text)


def _aggregate(
    selected: nw.DataFrame[Any] | nw.LazyFrame[Any], keys: list[str], names: list[str]
) -> nw.DataFrame[Any]:
    """The sums by group, collected: the only data that leaves the engine."""
    with warnings.catch_warnings():
        # pandas calls the small table of sums "fragmented" when it has many columns
        warnings.filterwarnings("ignore", "DataFrame is highly fragmented")
        spark = selected.implementation in _NO_BOOLEAN_SUM
        sums = [
            (nw.col(name).cast(nw.Float64()) if spark else nw.col(name)).sum() for name in names
        ]
        if keys:
            grouped = selected.group_by(*keys, drop_null_keys=False).agg(*sums)
        else:
            grouped = selected.select(*sums)
        return _collect(grouped)


def _both(first: Compiled, second: Compiled) -> Compiled:
    """Kleene AND of two compiled conditions."""
    true = first.true & second.true
    unknowns = [u for u in (first.unknown, second.unknown) if u is not None]
    if not unknowns:
        return Compiled(true, None, first.reasons)
    undecided = [c.true if c.unknown is None else c.true | c.unknown for c in (first, second)]
    unknown = unknowns[0] if len(unknowns) == 1 else unknowns[0] | unknowns[1]
    return Compiled(
        true, unknown & undecided[0] & undecided[1], {**second.reasons, **first.reasons}
    )


def _collect(frame: nw.DataFrame[Any] | nw.LazyFrame[Any]) -> nw.DataFrame[Any]:
    if isinstance(frame, nw.DataFrame):
        return frame
    if frame.implementation is nw.Implementation.POLARS:
        return frame.collect(engine="streaming")
    return frame.collect()


def _python(values: list[Any]) -> npt.NDArray[np.object_]:
    """Key values as an object array, missing ones (NaN, NaT) as None."""
    out = np.empty(len(values), dtype=object)
    out[:] = [None if v is None or (isinstance(v, float) and v != v) else v for v in values]
    return out


def _to_tally(
    records: str,
    result: Mapping[str, Any],
    key_names: list[str],
    labels: Mapping[str, tuple[str, Target, str]],
    rules: Mapping[Target, Rule],
) -> Tally:
    """The tally of the sums by group.

    ``result`` holds each key's values (a list, under ``key_names``, the library's
    names for them) and each sum's (an array), by name.
    """
    columns = [_python(result[k]) for k in key_names]
    rows = len(next(iter(result.values()))) if result else 0
    rank = order(columns) if key_names else np.arange(rows)
    columns = [column[rank] for column in columns]
    counts: dict[Target, npt.NDArray[np.float64]] = {}
    unclassified: dict[Target, npt.NDArray[np.float64]] = {}
    reasons: dict[tuple[Target, str], npt.NDArray[np.float64]] = {}
    for name, (kind, target, text) in labels.items():
        values = np.asarray(result[name], dtype=np.float64)[rank]
        values = np.nan_to_num(values, nan=0.0)
        if kind == "count":
            counts[target] = values
        elif kind == "unclassified":
            unclassified[target] = values
        else:
            reasons[(target, text)] = reasons.get((target, text), 0) + values
    for target in counts:
        unclassified.setdefault(target, np.zeros(rows))
    return Tally(records, columns, counts, unclassified, reasons, dict(rules))


def builtin_schema(records: str) -> RecordSet:
    """The built-in schema of a record set (an error naming the record sets otherwise)."""
    sets = builtin_record_sets()
    if records not in sets:
        raise InvalidInputError(
            f"no record set {records!r}; the record sets are {', '.join(sets)}"
        )
    return sets[records]
