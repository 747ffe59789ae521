"""One register, one answer: counts and the data-quality table agree on every engine.

A differential test. Hypothesis draws small registers written as offices export them
(numbers and dates as text padded with spaces of every kind, thousands separators,
full-width digits, ``1e3``, ``.5``, ``+3``, ``-0``, ``NaN`` as text, codes in every case,
width and script, dates in every shape, values at every bound of the rules, nullable,
categorical and boolean columns, columns of nothing but nulls) and counts them on
pandas (the reference), pandas' ``string`` dtype, polars (eager and lazy), pyarrow,
DuckDB, dask and a Parquet file; the counts and the quality tables must be equal cell
for cell, and a register one engine refuses every engine refuses with the same error.
A difference is a silent wrong number for someone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import mch_indicators as mch
from strategies import as_engine

pd = pytest.importorskip("pandas")
pytest.importorskip("narwhals")

#: The engines compared with pandas (object columns, as a register is read).
ENGINES = ["pandas string", "polars", "polars_lazy", "pyarrow", "duckdb", "dask", "parquet"]

#: Spaces a register's text is padded with: the ones codes lose and the ones they keep.
SPACES = [" ", "\t", "\r\n", "\u3000", "\xa0", "\u2002", "\u200b", "\ufeff", "\x85"]
FULL_WIDTH = str.maketrans("0123456789.+-,", "０１２３４５６７８９．＋－，")

#: Values at and around every bound of the births' rules and fields' ranges.
BOUNDS: dict[str, list[float]] = {
    "gestation_weeks": [11.9, 12, 21.9, 22, 27.857, 28, 36.9, 37, 40, 45, 45.5],
    "birth_weight_g": [99, 100, 999, 1000, 1499, 1500, 2499, 2500, 4000, 7000, 7001],
    "death_age_days": [-1, 0, 6, 7, 27, 28, 366, 367],
    "mother_age": [9, 10, 15, 19.9, 20, 60, 61],
    "birth_defect_age_days": [-1, 0, 6, 7, 42, 43],
    "age_days": [-1, 0, 6, 7, 27, 28, 364, 1830, 1831],
    "live_born": [-1, 0, 1, 2, 8, 9, 1.5],
    "postpartum_visit_days": [-1, 0, 3, 7, 28, 29, 366, 367],
    "registration_weeks": [-1, 0, 11.9, 12, 12.9, 13, 45, 46],
}
CODES: dict[str, list[Any]] = {
    "outcome": ["live", "Live Birth", "活产", "活產", "1", "stillbirth", "Still", "死胎", "2",
                "9", "不详", "unknown", "alive?", "", 1, 2, 9],
    "sex": ["male", "M", "男", "f", "女", "2", "0", "9", "x", 1, 2],
    "delivery_place": ["hospital", "医院", "township", "2", "home", "途中", "9", "??", 1, 3],
    "cause_group": ["birth_defect", "先天异常", "1", "Pneumonia", "肺炎", "99", "不详", "x", 1, 4],
    "risk_grade": ["green", "绿", "1", "Yellow", "黄", "red", "4", "purple", "未评估", "9", 2, 5],
    "delivery_mode": ["vaginal", "顺产", "caesarean", "剖宫产", "3", "助产", "9", "c?", 1, 3],
}  # fmt: skip
BOOLEAN_TEXTS = ["是", "否", "yes", "No", "TRUE", "false", "1", "0", "Y", "n", "不详", "maybe"]
AREAS = ["A", "B", "甲", "乙"]


# -- cells ---------------------------------------------------------------------------------


@st.composite
def padded(draw: st.DrawFn, text: str) -> str:
    """``text`` with up to two spaces of any kind on each side."""
    pad = st.lists(st.sampled_from(SPACES), max_size=2).map("".join)
    return draw(pad) + text + draw(pad)


def _spellings(value: float) -> list[str]:
    """A number as a register might write it (each must read as ``value`` or be refused)."""
    whole = float(value).is_integer()
    plain = str(int(value)) if whole else repr(value)
    found = [plain, f"{value:e}", f"{value:.1f}", plain.translate(FULL_WIDTH)]
    if whole:
        found += [plain + ".", "+" + plain, "0" + plain, f"{int(value):,}"]
    if 0 < abs(value) < 1:
        found.append(plain.lstrip("0"))
    return found


@st.composite
def number_texts(draw: st.DrawFn, field: str) -> str | None:
    kind = draw(st.sampled_from(["number", "number", "number", "token", "none"]))
    if kind == "none":
        return None
    if kind == "token":
        text = draw(st.sampled_from(["NaN", "nan", "inf", "-inf", "", "-0", "0", ".5", "5.",
                                     "不详", "1e400", "四十", "1,0"]))  # fmt: skip
    else:
        text = draw(st.sampled_from(_spellings(draw(st.sampled_from(BOUNDS[field])))))
    return draw(padded(text))


def _date_shapes(day: dt.date) -> list[str]:
    y, m, d = day.year, day.month, day.day
    return [f"{y}-{m:02}-{d:02}", f"{y}/{m:02}/{d:02}", f"{y}.{m:02}.{d:02}", f"{y}{m:02}{d:02}",
            f"{y}-{m}-{d}", f"{y}/{m}/{d}", f"{d:02}/{m:02}/{y}",
            f"{y}-{m:02}-{d:02}T00:00", f"{y}-{m:02}-{d:02} 08:30:00",
            f"{y}-{m:02}-{d:02}".translate(FULL_WIDTH),
            str((day - dt.date(1899, 12, 30)).days)]  # fmt: skip


DAYS = [dt.date(2023, 12, 31), dt.date(2024, 1, 1), dt.date(2024, 2, 29), dt.date(2024, 12, 31),
        dt.date(2025, 1, 1), dt.date(2024, 6, 15)]  # fmt: skip


@st.composite
def date_texts(draw: st.DrawFn) -> str | None:
    kind = draw(st.sampled_from(["date", "date", "date", "token", "none"]))
    if kind == "none":
        return None
    if kind == "token":
        text = draw(st.sampled_from(["", "2023-02-29", "2024-02-30", "2024-13-01", "NaT",
                                     "nan", "0000-01-01", "99991231"]))  # fmt: skip
    else:
        text = draw(st.sampled_from(_date_shapes(draw(st.sampled_from(DAYS)))))
    return draw(padded(text))


@st.composite
def code_texts(draw: st.DrawFn, field: str) -> Any:
    code = draw(st.sampled_from([*CODES[field], None]))
    if not isinstance(code, str):
        return code
    case = draw(st.sampled_from([str, str.upper, str.lower, str.title]))
    return draw(padded(case(code)))


# -- columns -------------------------------------------------------------------------------


def _column(values: list[Any], dtype: str) -> Any:
    return pd.Series(values, dtype=dtype)


@st.composite
def number_column(draw: st.DrawFn, field: str, size: int) -> Any:
    kind = draw(st.sampled_from(["text", "float", "Float64", "Int64", "nulls"]))
    if kind == "nulls":
        return _column([None] * size, "object")
    if kind == "text":
        return _column(draw(st.lists(number_texts(field), min_size=size, max_size=size)), "object")
    bound = st.one_of(st.none(), st.sampled_from(BOUNDS[field]))
    values = draw(st.lists(bound, min_size=size, max_size=size))
    if kind == "Int64":
        values = [None if v is None else int(v) for v in values]
    return _column([np.nan if v is None and kind == "float" else v for v in values],
                   "float64" if kind == "float" else kind)  # fmt: skip


@st.composite
def code_column(draw: st.DrawFn, field: str, size: int) -> Any:
    kind = draw(st.sampled_from(["text", "text", "category", "Int64", "float", "nulls"]))
    if kind == "nulls":
        return _column([None] * size, "object")
    if kind in {"Int64", "float"}:
        numbers = [c for c in CODES[field] if isinstance(c, int)]
        values = draw(st.lists(st.one_of(st.none(), st.sampled_from(numbers)),
                               min_size=size, max_size=size))  # fmt: skip
        if kind == "float":
            return _column([np.nan if v is None else float(v) for v in values], "float64")
        return _column(values, "Int64")
    texts = [c for c in CODES[field] if isinstance(c, str)]
    values = draw(st.lists(st.one_of(st.none(), st.sampled_from(texts).flatmap(
        lambda c: padded(draw(st.sampled_from([str, str.upper, str.title]))(c)))),
        min_size=size, max_size=size))  # fmt: skip
    return _column(values, "category" if kind == "category" else "object")


@st.composite
def boolean_column(draw: st.DrawFn, size: int) -> Any:
    kind = draw(st.sampled_from(["bool", "boolean", "text", "nulls"]))
    if kind == "nulls":
        return _column([None] * size, "object")
    if kind == "bool":
        return _column(draw(st.lists(st.booleans(), min_size=size, max_size=size)), "bool")
    if kind == "boolean":
        values = st.lists(st.one_of(st.none(), st.booleans()), min_size=size, max_size=size)
        return _column(draw(values), "boolean")
    texts = st.one_of(st.none(), st.sampled_from(BOOLEAN_TEXTS).flatmap(padded))
    return _column(draw(st.lists(texts, min_size=size, max_size=size)), "object")


@st.composite
def date_column(draw: st.DrawFn, size: int) -> Any:
    kind = draw(st.sampled_from(["text", "text", "datetime", "date", "int", "float", "nulls"]))
    if kind == "nulls":
        return _column([None] * size, "object")
    if kind == "text":
        return _column(draw(st.lists(date_texts(), min_size=size, max_size=size)), "object")
    days = draw(st.lists(st.one_of(st.none(), st.sampled_from(DAYS)), min_size=size,
                         max_size=size))  # fmt: skip
    if kind == "date":  # Python dates: pandas objects, the other engines' date type
        return _column(days, "object")
    if kind == "datetime":
        times = draw(st.lists(st.sampled_from([0, 1, 23]), min_size=size, max_size=size))
        stamps = [None if d is None else pd.Timestamp(d) + pd.Timedelta(hours=h)
                  for d, h in zip(days, times, strict=True)]  # fmt: skip
        series = pd.Series(pd.to_datetime(stamps), dtype="datetime64[ns]")
        if draw(st.booleans()):  # a clock of its own: the record's date is its local date
            series = series.dt.tz_localize("Asia/Shanghai")
        return series
    numbers = [None if d is None else int(d.strftime("%Y%m%d")) for d in days]
    if kind == "int":
        if any(n is None for n in numbers):
            return _column(numbers, "Int64")
        return _column(numbers, "int64")
    return _column([np.nan if n is None else float(n) for n in numbers], "float64")


@st.composite
def area_column(draw: st.DrawFn, size: int) -> Any:
    kind = draw(st.sampled_from(["text", "category", "float"]))
    if kind == "float":
        values = st.one_of(st.just(np.nan), st.sampled_from([1.5, 2.5]))
        return _column(draw(st.lists(values, min_size=size, max_size=size)), "float64")
    values = draw(st.lists(st.one_of(st.none(), st.sampled_from(AREAS)), min_size=size,
                           max_size=size))  # fmt: skip
    return _column(values, "category" if kind == "category" else "object")


BIRTH_COLUMNS: dict[str, Callable[[int], st.SearchStrategy[Any]]] = {
    "outcome": lambda n: code_column("outcome", n),
    "gestation_weeks": lambda n: number_column("gestation_weeks", n),
    "birth_weight_g": lambda n: number_column("birth_weight_g", n),
    "death_age_days": lambda n: number_column("death_age_days", n),
    "mother_age": lambda n: number_column("mother_age", n),
    "sex": lambda n: code_column("sex", n),
    "delivery_place": lambda n: code_column("delivery_place", n),
    "birth_defect": boolean_column,
    "birth_defect_age_days": lambda n: number_column("birth_defect_age_days", n),
    "birth_date": date_column,
    "area": area_column,
}
BIRTH_TERMS = [
    "live_births", "stillbirths_28w", "total_births_22w", "perinatal_deaths_28w",
    "low_birth_weight_live_births", "neonatal_deaths", "facility_births", "male_live_births",
    "births_to_women_15_19", "births_with_defects_42d",
]  # fmt: skip


DEATH_COLUMNS: dict[str, Callable[[int], st.SearchStrategy[Any]]] = {
    "birth_date": date_column,
    "death_date": date_column,
    "gestation_weeks": BIRTH_COLUMNS["gestation_weeks"],
    "birth_weight_g": BIRTH_COLUMNS["birth_weight_g"],
    "cause_group": lambda n: code_column("cause_group", n),
    "area": area_column,
}
DEATH_TERMS = ["neonatal_deaths", "early_neonatal_deaths", "infant_deaths", "under5_deaths",
               "birth_defect_infant_deaths"]  # fmt: skip
DELIVERY_COLUMNS: dict[str, Callable[[int], st.SearchStrategy[Any]]] = {
    "gestation_weeks": BIRTH_COLUMNS["gestation_weeks"],
    "live_born": lambda n: number_column("live_born", n),
    "registration_weeks": lambda n: number_column("registration_weeks", n),
    "postpartum_visit_days": lambda n: number_column("postpartum_visit_days", n),
    "risk_grade": lambda n: code_column("risk_grade", n),
    "high_risk_managed": boolean_column,
    "delivery_mode": lambda n: code_column("delivery_mode", n),
    "delivery_place": lambda n: code_column("delivery_place", n),
    "delivery_date": date_column,
    "area": area_column,
}
DELIVERY_TERMS = ["live_births", "women_delivered", "caesarean_live_births",
                  "women_with_postpartum_visit", "managed_high_risk_women", "facility_caesareans",
                  "women_registered_card"]  # fmt: skip
REGISTERS = {
    "births": (BIRTH_COLUMNS, BIRTH_TERMS),
    "child_deaths": (DEATH_COLUMNS, DEATH_TERMS),
    "deliveries": (DELIVERY_COLUMNS, DELIVERY_TERMS),
}


@st.composite
def registers(draw: st.DrawFn, records: str) -> Any:
    """A small register of ``records``: each column in a representation of its own."""
    makers, _ = REGISTERS[records]
    size = draw(st.integers(1, 12))
    columns = {name: draw(make(size)) for name, make in makers.items()}
    return pd.DataFrame(columns)


def birth_registers() -> st.SearchStrategy[Any]:
    return registers("births")


# -- running and comparing -------------------------------------------------------------------


def _engine(frame: Any, engine: str, where: Path) -> Any:
    if engine == "pandas":
        return frame
    if engine == "pandas string":
        return frame.astype({c: "string" for c in frame.columns if frame[c].dtype == object})
    if engine == "parquet":
        path = where / "register.parquet"
        frame.to_parquet(path)
        return path
    if engine == "duckdb":
        # a TIMESTAMP WITH TIME ZONE is read on the session's clock (docs/records.md): the
        # clock of the register's own zone, as the other engines read it
        return _shanghai().from_arrow(as_engine(frame, "pyarrow"))
    return as_engine(frame, engine)


_CONNECTIONS: list[Any] = []


def _shanghai() -> Any:
    """A DuckDB connection whose TimeZone is the registers' (kept open for the session)."""
    if not _CONNECTIONS:
        connection = pytest.importorskip("duckdb").connect()
        connection.execute("SET TimeZone = 'Asia/Shanghai'")
        _CONNECTIONS.append(connection)
    return _CONNECTIONS[0]


def _pandas(table: Any) -> Any:
    if isinstance(table, pd.DataFrame):
        return table
    return table.df() if hasattr(table, "df") else table.to_pandas()


def _tidy(table: Any) -> Any:
    """A result table in pandas, rows in one order, keys as plain Python values."""
    table = _pandas(table).copy()
    for column in table.columns:
        if column not in {"count", "unclassified", "records"}:
            table[column] = [
                None if v is None or v is pd.NA or (isinstance(v, float) and v != v) else v
                for v in table[column].astype(object)
            ]
    keys = [c for c in table.columns if c not in {"count", "unclassified"}]
    order = sorted(range(len(table)), key=lambda i: [repr(table.iloc[i][k]) for k in keys])
    return table.iloc[order].reset_index(drop=True)


def _outcome(
    source: Any, terms: list[str], by: list[str] | None, period: Any, records: str = "births"
) -> Any:
    try:
        out = mch.count_records({records: source}, terms, by=by, period=period)
    except mch.MCHIndicatorsError as error:
        return type(error).__name__
    return _tidy(out.counts), _tidy(out.quality)


def _check_all_engines(frame: Any, terms: list[str], by: list[str] | None, period: Any,
                       where: Path, records: str = "births") -> None:  # fmt: skip
    expected = _outcome(frame, terms, by, period, records)
    for engine in ENGINES:
        got = _outcome(_engine(frame, engine, where), terms, by, period, records)
        if isinstance(expected, str) or isinstance(got, str):
            assert got == expected, (engine, got, expected)
            continue
        for name, g, e in zip(("counts", "quality"), got, expected, strict=True):
            pd.testing.assert_frame_equal(g, e, check_dtype=False, obj=f"{engine} {name}")


BYS = st.sampled_from([None, ["area"], ["year"], ["area", "year"]])
PERIODS = st.sampled_from([None, (dt.date(2024, 1, 1), dt.date(2024, 12, 31))])


@st.composite
def counts_asked(draw: st.DrawFn, records: str) -> tuple[Any, list[str], Any, Any]:
    """A register, terms of it, a grouping and a period."""
    terms = REGISTERS[records][1]
    return (
        draw(registers(records)),
        draw(st.lists(st.sampled_from(terms), min_size=1, max_size=4, unique=True)),
        draw(BYS),
        draw(PERIODS),
    )


def _found() -> dict[str, list[tuple[Any, list[str], Any, Any]]]:
    """The registers this test found differences on (each also a test of its own below)."""
    year = (dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    nulls = pd.DataFrame({**REGISTER, "gestation_weeks": [None] * 4, "birth_date": [None] * 4})
    defects = pd.DataFrame({
        "outcome": ["live"] * 4, "gestation_weeks": [39.0, 30.0, 39.0, 39.0],
        "birth_defect": [True, False, True, True], "birth_defect_age_days": [1.0, 0, 50, 3],
        "birth_date": ["2024-01-05", "2024-02-01", "2023-12-31", "2024-05-01"],
    })  # fmt: skip
    zoned = pd.DataFrame(DEATHS).assign(
        birth_date=[d.isoformat() for d in DEATHS["birth_date"]],
        death_date=pd.to_datetime(pd.Series(DEATHS["death_date"])).astype("datetime64[ns]")
        .dt.tz_localize("Asia/Shanghai"),
    )  # fmt: skip
    return {
        "births": [(pd.DataFrame(REGISTER), ["live_births"], None, None),
                   (nulls, ["live_births"], ["year"], year),
                   (defects, ["births_with_defects_42d"], ["year"], None)],
        "child_deaths": [(pd.DataFrame(DEATHS), ["neonatal_deaths", "infant_deaths"], None, None),
                         (zoned, ["neonatal_deaths"], None, None)],
        "deliveries": [],
    }  # fmt: skip


@pytest.mark.parametrize("records", sorted(REGISTERS))
def test_every_engine_counts_a_messy_register_as_pandas_does(records, tmp_path_factory):
    where = tmp_path_factory.mktemp(records)

    @settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(asked=counts_asked(records))
    def check(asked: tuple[Any, list[str], Any, Any]) -> None:
        frame, terms, by, period = asked
        _check_all_engines(frame, terms, by, period, where, records)

    for asked in _found()[records]:
        check = example(asked=asked)(check)
    check()


# -- each difference found, as its own test --------------------------------------------------

REGISTER = {
    "outcome": ["live", "Still", "活產", None],
    "gestation_weeks": ["39", "30\u3000", "27", ""],
    "birth_weight_g": ["3000", "1800", "1200", "2400"],
    "birth_date": ["2024-01-05", "2024/02/29", "20240301", None],
}


def _counted(source: Any, **options: Any) -> Any:
    out = mch.count_records({"births": source}, ["live_births", "stillbirths_28w"], **options)
    return _tidy(out.counts), _tidy(out.quality)


def test_dask_counts_without_groups():
    """A lazy frame refuses ``with_columns()`` of nothing: dask raised narwhals' ValueError
    ("At least one expression must be passed") for a count without ``by``."""
    frame = pd.DataFrame(REGISTER)
    expected = _counted(frame)
    for got, want in zip(_counted(as_engine(frame, "dask")), expected, strict=True):
        pd.testing.assert_frame_equal(got, want, check_dtype=False)
    assert expected[0]["count"].tolist() == [1.0, 1.0]


@pytest.mark.parametrize("engine", ["polars", "pyarrow", "duckdb", "parquet"])
def test_a_column_of_nothing_but_nulls_is_missing_on_every_engine(engine, tmp_path):
    """pyarrow, polars, DuckDB (and a Parquet file) give a column of None the null type:
    a number field of it was refused ("not numeric (Unknown)") and a date field grouped
    by year raised the engine's own error (no ``year`` of null), where pandas reads every
    value as missing."""
    pa = pytest.importorskip("pyarrow")
    frame = pd.DataFrame({**REGISTER, "gestation_weeks": [None] * 4, "birth_date": [None] * 4})
    table = pa.Table.from_pandas(frame, preserve_index=False)
    assert pa.types.is_null(table.schema.field("gestation_weeks").type)
    if engine == "polars":
        source: Any = pytest.importorskip("polars").from_arrow(table)
    elif engine == "parquet":
        source = tmp_path / "nulls.parquet"
        pytest.importorskip("pyarrow.parquet").write_table(table, source)
    else:
        source = _engine(frame, engine, tmp_path)
    period = (dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    expected = _counted(frame, by=["year"], period=period)
    for got, want in zip(_counted(source, by=["year"], period=period), expected, strict=True):
        pd.testing.assert_frame_equal(got, want, check_dtype=False)
    assert {"birth_date: missing", "gestation_weeks: missing"} <= set(expected[1]["reason"])


def test_dask_reads_a_boolean_field_beside_a_date_written_as_text():
    """dask's ``assign`` with ``to_datetime`` types the frame's boolean columns as objects
    in its metadata: a boolean field was then folded as text, raising pandas'
    AttributeError (``.str`` of booleans)."""
    frame = pd.DataFrame({
        "outcome": ["live"] * 4, "gestation_weeks": [39.0, 30.0, 39.0, 39.0],
        "birth_defect": [True, False, True, True], "birth_defect_age_days": [1.0, 0.0, 50.0, 3.0],
        "birth_date": ["2024-01-05", "2024-02-01", "2023-12-31", "2024-05-01"],
    })  # fmt: skip
    terms = ["births_with_defects_42d", "total_births_22w"]
    expected = _tidy(mch.count_records(frame, terms, by=["year"]).counts)
    got = _tidy(mch.count_records(as_engine(frame, "dask"), terms, by=["year"]).counts)
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)
    assert expected["count"].tolist() == [0.0, 1.0, 2.0, 3.0]


DEATHS = {
    "birth_date": [dt.date(2024, 1, 1), dt.date(2024, 1, 1), dt.date(2024, 3, 1)],
    "death_date": [dt.date(2024, 1, 3), dt.date(2024, 2, 15), dt.date(2025, 3, 2)],
    "gestation_weeks": [39.0, 39.0, 39.0],
    "birth_weight_g": [3000.0, 3000.0, 3000.0],
}


def _deaths_counted(source: Any) -> Any:
    out = mch.count_records({"child_deaths": source}, ["neonatal_deaths", "infant_deaths"])
    return _tidy(out.counts)


def test_duckdb_derives_ages_from_date_columns():
    """A DuckDB relation's dates are DATE, and DATE - DATE is a number of days, not an
    interval: deriving the age at death from them raised DuckDB's BinderException
    (``epoch_us(BIGINT)``), where the other engines count."""
    pa = pytest.importorskip("pyarrow")
    table = pa.Table.from_pandas(pd.DataFrame(DEATHS), preserve_index=False)
    assert pa.types.is_date32(table.schema.field("birth_date").type)
    expected = _deaths_counted(pd.DataFrame(DEATHS))
    assert expected["count"].tolist() == [2.0, 1.0]  # infant, neonatal
    got = _deaths_counted(pytest.importorskip("duckdb").from_arrow(table))
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)


def test_duckdb_derives_ages_from_a_zoned_nanosecond_date_and_a_text_date():
    """pandas' zoned nanosecond timestamps are DuckDB's TIMESTAMPTZ_NS, a type narwhals
    does not know: it was left as it was, and subtracting a date read from text (a
    TIMESTAMP) raised DuckDB's BinderException. It is read on the session's clock, as a
    TIMESTAMP WITH TIME ZONE is (docs/records.md)."""
    frame = pd.DataFrame(DEATHS)
    frame["birth_date"] = [d.isoformat() for d in frame["birth_date"]]
    zoned = pd.to_datetime(frame["death_date"]).astype("datetime64[ns]")
    frame["death_date"] = zoned.dt.tz_localize("Asia/Shanghai") + pd.Timedelta(hours=1)
    table = pytest.importorskip("pyarrow").Table.from_pandas(frame, preserve_index=False)
    relation = _shanghai().from_arrow(table)
    # DuckDB 1.2 reads them as microseconds (TIMESTAMP WITH TIME ZONE), later ones as they are
    zoned_types = {"TIMESTAMPTZ_NS", "TIMESTAMP WITH TIME ZONE"}
    assert str(relation.types[relation.columns.index("death_date")]) in zoned_types
    expected = _deaths_counted(frame)
    assert expected["count"].tolist() == [2.0, 1.0]  # infant, neonatal
    pd.testing.assert_frame_equal(_deaths_counted(relation), expected, check_dtype=False)


#: Deaths at every boundary of the age rules, each age counted by hand: (birth, death, age
#: in completed days). A leap day (2024), a year not leap (1900, 2023), a year's turn.
AGES = [
    (dt.date(2024, 1, 1), dt.date(2024, 1, 1), 0),
    (dt.date(2024, 1, 1), dt.date(2024, 1, 7), 6),
    (dt.date(2024, 1, 1), dt.date(2024, 1, 8), 7),
    (dt.date(2024, 1, 1), dt.date(2024, 1, 28), 27),
    (dt.date(2024, 1, 1), dt.date(2024, 1, 29), 28),
    (dt.date(2024, 2, 2), dt.date(2024, 3, 1), 28),  # through 29 February
    (dt.date(2023, 2, 2), dt.date(2023, 3, 1), 27),
    (dt.date(1900, 2, 28), dt.date(1900, 3, 1), 1),  # 1900 is no leap year
    (dt.date(2023, 12, 31), dt.date(2024, 1, 2), 2),
    (dt.date(2024, 1, 5), dt.date(2024, 1, 4), -1),  # dated before the birth
    (dt.date(2024, 3, 1), dt.date(2025, 2, 28), 364),  # 0 completed years
    (dt.date(2024, 3, 1), dt.date(2025, 3, 1), 365),  # 1 completed year
    (None, dt.date(2024, 1, 4), None),  # no date of birth: no age
]
AGE_TERMS = ["early_neonatal_deaths", "neonatal_deaths", "infant_deaths"]


def _ages_frame(kind: str) -> Any:
    births, deaths = ([row[i] for row in AGES] for i in (0, 1))
    frame = pd.DataFrame({"birth_date": births, "death_date": deaths})
    if kind == "times":  # at midnight, and two deaths within a day of a time of day
        frame = pd.concat([frame, pd.DataFrame({
            "birth_date": [dt.datetime(2024, 1, 1, 23), dt.datetime(2024, 1, 2, 10)],
            "death_date": [dt.datetime(2024, 1, 8, 1), dt.datetime(2024, 1, 2, 9)],
        })]).astype("datetime64[ns]")  # fmt: skip
    return frame.assign(gestation_weeks=39.0, birth_weight_g=3000.0).reset_index(drop=True)


@pytest.mark.parametrize("kind", ["dates", "times"])
@pytest.mark.parametrize("engine", ["pandas", *ENGINES])
def test_ages_derived_from_dates_are_counted_exactly_on_every_engine(engine, kind, tmp_path):
    """Ages at death from the dates of birth and death, counted by hand: DuckDB with
    narwhals 2.9 read an interval's minutes part as its whole (every age 0: three
    neonatal deaths of [DEATHS] where there is one); polars 1.25 panicked dividing its
    Int64 minutes by an Int32. With times of day an age is in completed days: 6 days and
    2 hours is day 6; an hour before the birth is day -1 (below 0), not day 0."""
    frame = _ages_frame(kind)
    out = mch.count_records({"child_deaths": _engine(frame, engine, tmp_path)}, AGE_TERMS)
    counts = _tidy(out.counts).set_index("term")
    quality = _tidy(out.quality)
    # by hand: days 0, 6, 1, 2 (and 6 with times); 0, 6, 7, 27, 27, 1, 2 (and 6); 10 under
    # a year (and both timed deaths: 0 completed years, the years count calendar dates)
    timed = kind == "times"
    assert counts["count"].to_dict() == {
        "early_neonatal_deaths": 4 + timed, "neonatal_deaths": 7 + timed,
        "infant_deaths": 10 + 2 * timed,
    }, engine  # fmt: skip
    # the death dated before the birth (and, by days, the one an hour before it); the
    # death without a date of birth
    assert counts["unclassified"].to_dict() == {
        "early_neonatal_deaths": 2 + timed, "neonatal_deaths": 2 + timed, "infant_deaths": 2,
    }, engine  # fmt: skip
    whys = ("below 0", "missing")
    reasons = {f"{age}: {why}" for age in ("age_days", "age_years") for why in whys}
    assert set(quality["reason"]) == reasons, engine


@pytest.mark.parametrize("engine", ["pandas", *ENGINES])
def test_a_missing_value_of_a_categorical_code_column_is_missing(engine, tmp_path):
    """A missing value is missing (docs/records.md: "empty, NaN..."), in a categorical
    column too: pandas 2 turns a categorical's NaN into the text "nan" when it is cast to
    text, so pandas and dask (at the pandas floor, 2.2) reported an unrecognised code
    where polars, pyarrow and DuckDB reported a missing outcome."""
    frame = pd.DataFrame({
        "outcome": pd.Series([None, " 活产", None, "Stillbirth"], dtype="category"),
        "gestation_weeks": [39.0] * 4, "birth_weight_g": [3000.0] * 4,
    })  # fmt: skip
    out = mch.count_records({"births": _engine(frame, engine, tmp_path)}, ["live_births"])
    assert _tidy(out.counts)["count"].tolist() == [1], engine
    quality = _tidy(out.quality)
    assert quality[["reason", "count"]].values.tolist() == [["outcome: missing", 2]], engine
