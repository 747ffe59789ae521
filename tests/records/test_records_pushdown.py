"""Rules pushed down to DuckDB and polars: the counts of hand-written SQL, cell for cell.

- A births register with missing values, impossible values and unknown codes is counted
  by ``mch.count_records`` on a DuckDB relation, a Parquet file (polars) and a polars
  frame, and by a query written by hand in SQL (the same one ``benchmarks/records.py``
  times): every term's count and unclassified count, for every area and year, must be
  equal (exact integers).
- The native paths (one DuckDB query, one polars lazy query) must give the narwhals
  path's numbers, data-quality table included, on generated registers.
- Text in number and date fields (``''``, ``'四十'``, ``'2024/01/05'``, ``'2024-02-30'``)
  gives the same unclassified counts and reasons on every engine, never an engine error.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings

import mch_indicators as mch
from mch_indicators.records import _count
from strategies import BIRTH_VALUES, birth_registers

pd = pytest.importorskip("pandas")
duckdb = pytest.importorskip("duckdb")
pl = pytest.importorskip("polars")
pa = pytest.importorskip("pyarrow")

TERMS = [
    "live_births",
    "stillbirths_28w",
    "perinatal_births_28w",
    "perinatal_deaths_28w",
    "neonatal_deaths",
    "early_neonatal_deaths",
    "low_birth_weight_live_births",
    "facility_live_births",
]

#: The counts by hand: codes and ranges cleaned as the schemas say, then SQL's own
#: three-valued logic; ``<term>`` is true, false or null (cannot be classified).
HAND_SQL = """
WITH clean AS (
  SELECT area, year(birth_date) AS year,
    CASE WHEN outcome IN ('live', '活产', '1', 'live birth') THEN 'live'
         WHEN outcome IN ('stillbirth', '死胎', '死产', '2', 'still', '死胎死产') THEN 'still'
         END AS outcome,
    CASE WHEN gestation_weeks BETWEEN 12 AND 45 THEN gestation_weeks END AS ga,
    (gestation_weeks IS NULL OR isnan(gestation_weeks)) AS ga_missing,
    CASE WHEN birth_weight_g BETWEEN 100 AND 7000 THEN birth_weight_g END AS w,
    CASE WHEN death_age_days BETWEEN 0 AND 366 THEN death_age_days END AS death,
    (death_age_days IS NULL OR isnan(death_age_days)) AS death_missing,
    CASE WHEN delivery_place IN ('hospital', '县及以上医院', '1', '医院', '妇幼保健院',
                                 'township', '乡镇卫生院', '2', '社区卫生服务中心') THEN true
         WHEN delivery_place IN ('village', '村卫生室', '3', 'home', '家中', '4',
                                 'other', '其他', '5', '途中') THEN false END AS facility
  FROM births
), decided AS (
  SELECT area, year, outcome = 'live' AS alive, outcome = 'still' AS still,
    CASE WHEN ga IS NOT NULL THEN ga >= 28 WHEN ga_missing THEN w >= 1000 END AS cn,
    CASE WHEN death_missing THEN false ELSE death < 7 END AS died7,
    CASE WHEN death_missing THEN false ELSE death < 28 END AS died28,
    w < 2500 AS low, facility
  FROM clean
), terms AS (
  SELECT area, year,
    alive AND cn AS live_births,
    still AND cn AS stillbirths_28w,
    (alive OR still) AND cn AS perinatal_births_28w,
    cn AND (still OR (alive AND died7)) AS perinatal_deaths_28w,
    alive AND cn AND died28 AS neonatal_deaths,
    alive AND cn AND died7 AS early_neonatal_deaths,
    alive AND cn AND low AS low_birth_weight_live_births,
    alive AND cn AND facility AS facility_live_births
  FROM decided
)
SELECT area, year, {sums} FROM terms GROUP BY area, year
"""


def _register(size: int = 30_000, seed: int = 11) -> Any:
    """Births with 1 % missing gestations and weights, impossible weights, bad codes."""
    rng = np.random.default_rng(seed)
    ga = np.round(rng.normal(36, 5, size), 1)
    ga[rng.random(size) < 0.01] = np.nan
    weight = np.round(rng.normal(3000, 900, size))
    weight[rng.random(size) < 0.01] = np.nan
    weight[rng.random(size) < 0.002] = -1
    died = rng.random(size) < 0.02
    age = np.where(died, rng.integers(0, 60, size), np.nan)
    outcomes = np.array(["live", "活产", "stillbirth", "9", "xx"])
    places = np.array(["hospital", "township", "home", "9", "spaceship"])
    start = np.datetime64("2019-01-01")
    return pa.table({
        "area": pa.array(rng.integers(0, 30, size)).cast(pa.string()),
        "birth_date": pa.array(start + rng.integers(0, 1826, size).astype("timedelta64[D]")),
        "outcome": outcomes[rng.choice(5, size, p=[0.5, 0.42, 0.06, 0.01, 0.01])],
        "gestation_weeks": pa.array(ga, from_pandas=True),
        "birth_weight_g": pa.array(weight, from_pandas=True),
        "death_age_days": pa.array(age, from_pandas=True),
        "delivery_place": places[rng.choice(5, size, p=[0.6, 0.3, 0.07, 0.02, 0.01])],
    })  # fmt: skip


def _by_hand(table: Any) -> Any:
    connection = duckdb.connect()
    connection.register("births", table)
    sums = ", ".join(
        f"count(*) FILTER (WHERE {t}) AS {t}, count(*) FILTER (WHERE {t} IS NULL) AS {t}_u"
        for t in TERMS
    )
    return connection.sql(HAND_SQL.format(sums=sums)).df()


def _long(out: Any) -> Any:
    counts = out.counts if isinstance(out.counts, pd.DataFrame) else out.counts.to_pandas()
    counts = counts.astype({"area": str, "year": int})
    return counts.set_index(["term", "area", "year"])[["count", "unclassified"]]


@pytest.fixture(scope="module")
def table() -> Any:
    return _register()


@pytest.fixture(scope="module")
def hand(table: Any) -> Any:
    return _by_hand(table)


@pytest.mark.parametrize("engine", ["duckdb", "parquet", "polars", "pandas"])
def test_counts_equal_hand_written_sql_cell_for_cell(engine, table, hand, tmp_path):
    if engine == "duckdb":
        data: Any = duckdb.from_arrow(table)
    elif engine == "parquet":
        import pyarrow.parquet as pq

        data = tmp_path / "births.parquet"
        pq.write_table(table, data)
    elif engine == "polars":
        data = pl.from_arrow(table)
    else:
        data = table.to_pandas()
    got = _long(mch.count_records(data, TERMS, by=["area", "year"]))
    for term in TERMS:
        mine = got.loc[term].sort_index()
        theirs = hand.astype({"area": str, "year": int}).set_index(["area", "year"]).sort_index()
        assert mine.index.equals(theirs.index), term
        np.testing.assert_array_equal(mine["count"].to_numpy(), theirs[term].to_numpy(), term)
        np.testing.assert_array_equal(
            mine["unclassified"].to_numpy(), theirs[f"{term}_u"].to_numpy(), term
        )


def _quality(out: Any) -> Any:
    quality = out.quality if isinstance(out.quality, pd.DataFrame) else out.quality.to_pandas()
    columns = [c for c in quality.columns if c != "count"]
    return quality.sort_values(columns).reset_index(drop=True)


@pytest.mark.parametrize("period", [None, (dt.date(2020, 3, 1), dt.date(2021, 6, 30))])
def test_native_paths_equal_the_narwhals_path_quality_included(table, period, monkeypatch):
    by = ["area", "year"]
    frames = {
        "duckdb": duckdb.from_arrow(table),
        "polars": pl.from_arrow(table).lazy(),
    }
    native = {
        name: mch.count_records(frame, TERMS, by=by, period=period)
        for name, frame in frames.items()
    }
    monkeypatch.setattr(_count, "NATIVE", set())  # the narwhals path for the same frames
    generic = mch.count_records(pl.from_arrow(table), TERMS, by=by, period=period)
    for out in native.values():
        pd.testing.assert_frame_equal(_long(out).sort_index(), _long(generic).sort_index())
        pd.testing.assert_frame_equal(_quality(out), _quality(generic), check_dtype=False)


@settings(deadline=None, max_examples=25)
@given(records=birth_registers(max_size=40))
def test_native_paths_agree_on_generated_registers(records):
    frame = pd.DataFrame({field: [r[field] for r in records] for field in BIRTH_VALUES})
    for field in ("gestation_weeks", "birth_weight_g", "death_age_days", "mother_age"):
        frame[field] = frame[field].astype("float64")
    for field in ("outcome", "sex", "delivery_place", "delivery_mode", "area"):
        frame[field] = frame[field].astype(object)
    terms = ["live_births", "neonatal_deaths", "stillbirths_28w"]
    reference = mch.count_records(frame, terms, by=["area"])
    arrow = pa.Table.from_pandas(frame, preserve_index=False)
    for data in (duckdb.from_arrow(arrow), pl.from_arrow(arrow)):
        got = mch.count_records(data, terms, by=["area"])
        pd.testing.assert_frame_equal(
            _long_area(got), _long_area(reference), check_index_type=False, check_dtype=False
        )
        pd.testing.assert_frame_equal(
            _quality(got), _quality(reference), check_dtype=False, check_index_type=False
        )


def test_a_summed_field_on_the_native_engines_is_pandas_sum():
    """``count = "live_born"`` sums a field (on DuckDB a sum cast to a double, or null for
    a group with nothing to sum): the same numbers as pandas, a group with none counted
    is 0."""
    frame = pd.DataFrame({
        "delivery_date": pd.to_datetime(["2024-01-01"] * 5),
        "gestation_weeks": [39.0, 30.0, 20.0, None, 41.0],
        "live_born": [1, 2, 1, 3, None],
        "area": ["a", "a", "b", "b", "c"],
    })  # fmt: skip
    arrow = pa.Table.from_pandas(frame, preserve_index=False)
    reference = mch.count_records({"deliveries": frame}, ["live_births"], by="area")
    for data in (duckdb.from_arrow(arrow), pl.from_arrow(arrow)):
        got = mch.count_records({"deliveries": data}, ["live_births"], by="area")
        pd.testing.assert_frame_equal(
            _long_area(got), _long_area(reference), check_index_type=False, check_dtype=False
        )
    counts = _long_area(reference)["count"].to_dict()
    assert counts == {("live_births", "a"): 3.0, ("live_births", "b"): 0.0,
                      ("live_births", "c"): 0.0}  # fmt: skip


def _long_area(out: Any) -> Any:
    counts = out.counts if isinstance(out.counts, pd.DataFrame) else out.counts.to_pandas()
    return (
        counts.astype({"area": str})
        .set_index(["term", "area"])[["count", "unclassified"]]
        .sort_index()
    )


# -- text in number and date fields -----------------------------------------------------

TEXT = pd.DataFrame({
    "area": ["A"] * 9,
    "birth_date": ["2024-01-05", "2024/01/05", "20240105", "2024-02-30", "", None,
                   "05/01/2024", "2024.03.01", "2024-02-29"],
    "outcome": ["live"] * 9,
    "gestation_weeks": ["38", "四十", "", None, " 39 ", "25", "1e1", "abc", "40"],
    "birth_weight_g": ["3000"] * 9,
}, dtype=object)  # fmt: skip


def _engines(frame: Any) -> dict[str, Any]:
    text = frame.astype("string")
    arrow = pa.Table.from_pandas(text, preserve_index=False)
    dd = pytest.importorskip("dask.dataframe")
    return {
        "pandas": frame,
        "polars": pl.from_pandas(text),
        "pyarrow": arrow,
        "duckdb": duckdb.from_arrow(arrow),
        "dask": dd.from_pandas(frame, npartitions=2),
    }


def test_text_that_is_no_number_or_no_date_is_unclassified_with_the_reason_on_every_engine():
    period = (dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    results = {
        name: mch.count_records(data, ["live_births"], by=["area"], period=period)
        for name, data in _engines(TEXT).items()
    }
    for name, out in results.items():
        counts = _long_area(out)
        # counted: 2024-01-05/38, 20240105/'' (weight decides), 2024-02-29/40;
        # unclassified: 四十, 2024-02-30, '' date, 1e1 (below 12) with a bad date, abc
        assert counts.loc[("live_births", "A")].tolist() == [3.0, 5.0], name
        reasons = _quality(out).set_index("reason")["count"].to_dict()
        assert reasons["gestation_weeks: not a number"] == 2, name
        assert reasons["birth_date: not a date"] == 2, name
        assert reasons["birth_date: missing"] == 1, name
        pd.testing.assert_frame_equal(
            _quality(out), _quality(results["pandas"]), check_dtype=False
        )


# -- dates held as numbers or with a time zone ------------------------------------------


def _typed_engines(frame: Any) -> dict[str, Any]:
    """The frame on each engine with its column types as they are (no text cast)."""
    arrow = pa.Table.from_pandas(frame, preserve_index=False)
    return {"pandas": frame, "polars": pl.from_pandas(frame), "pyarrow": arrow,
            "duckdb": duckdb.from_arrow(arrow)}  # fmt: skip


_PERIOD = (dt.date(2024, 1, 1), dt.date(2024, 12, 31))


@pytest.mark.parametrize(
    "dates",
    [
        pd.array([20240105, 20240230, 20230301, 20241231, 20240229, 2024010], dtype="int64"),
        pd.array([20240105.0, 20240230.0, 20230301.0, 20241231.0, 20240229.0, np.nan]),
    ],
    ids=["integers", "floats with a blank"],
)
def test_a_date_field_held_as_numbers_is_read_like_its_text_on_every_engine(dates):
    """``20240105`` read by pandas from a CSV or a workbook is an integer (a float when the
    column has blanks): it is the date 2024-01-05 on every engine, as the text would be.
    (pandas, pyarrow and DuckDB raised their own errors comparing it with the period;
    polars said every record was outside it.)"""
    frame = pd.DataFrame({"area": "A", "birth_date": dates, "outcome": "1",
                          "gestation_weeks": 39.0, "birth_weight_g": 3000.0})  # fmt: skip
    for name, data in _typed_engines(frame).items():
        out = mch.count_records(data, ["live_births"], by=["area"], period=_PERIOD)
        # counted: 2024-01-05, 2024-12-31, 2024-02-29; 2024-02-30 and the last are no date
        # (7 digits) or missing (blank); 2023-03-01 is outside the period
        assert _long_area(out).loc[("live_births", "A")].tolist() == [3.0, 2.0], name
        reasons = _quality(out).set_index("reason")["count"].to_dict()
        assert reasons["birth_date: outside the period"] == 1, name
        if dates.dtype == "int64":
            assert reasons["birth_date: not a date"] == 2, name
        else:
            assert reasons["birth_date: not a date"] == 1, name
            assert reasons["birth_date: missing"] == 1, name


def test_dates_with_a_time_zone_are_compared_on_their_own_clock():
    """A birth at 07:30 on 1 January in Shanghai is in 2024 (not 23:30 on 31 December UTC);
    pandas, polars and pyarrow raised their own errors comparing it with the period.

    A DuckDB ``TIMESTAMPTZ`` holds the instant only: its clock is the session's
    ``TimeZone`` (the one DuckDB shows it in, and casts it to a date with), so the same
    records are in 2024 on a Shanghai session."""
    stamps = pd.to_datetime(["2024-01-01 07:30", "2023-12-31 23:30"]).tz_localize("Asia/Shanghai")
    frame = pd.DataFrame({"area": "A", "birth_date": stamps, "outcome": "1",
                          "gestation_weeks": 39.0, "birth_weight_g": 3000.0})  # fmt: skip
    engines = _typed_engines(frame)
    engines["duckdb"] = _duckdb_on_clock("Asia/Shanghai", pa.Table.from_pandas(frame))
    assert str(engines["duckdb"].types[1]) == "TIMESTAMP WITH TIME ZONE"
    for name, data in engines.items():
        out = mch.count_records(data, ["live_births"], by=["area"], period=_PERIOD)
        assert _long_area(out).loc[("live_births", "A")].tolist() == [1.0, 0.0], name


def test_a_duckdb_timestamptz_is_compared_on_the_sessions_clock():
    """The same instants on a UTC session read 2023-12-31 15:30 and 23:30 there, as
    ``birth_date::DATE`` shows them: both outside 2024 (the value holds no zone of its
    own); on a session at UTC+14 both are in 2024."""
    stamps = pd.to_datetime(["2024-01-01 07:30", "2023-12-31 23:30"]).tz_localize("Asia/Shanghai")
    frame = pd.DataFrame({"area": "A", "birth_date": stamps, "outcome": "1",
                          "gestation_weeks": 39.0, "birth_weight_g": 3000.0})  # fmt: skip
    for zone, counted in [("UTC", 0.0), ("Pacific/Kiritimati", 2.0)]:
        relation = _duckdb_on_clock(zone, pa.Table.from_pandas(frame))
        out = mch.count_records(relation, ["live_births"], by=["area"], period=_PERIOD)
        assert _long_area(out).loc[("live_births", "A")].tolist() == [counted, 0.0], zone
        days = relation.query(
            "r", "select count(*) from r where birth_date::DATE >= DATE '2024-01-01'"
        )
        assert days.fetchall() == [(int(counted),)], zone


#: The connections of the relations below, kept open (DuckDB 1.2 closes a connection
#: nothing refers to, and its relations with it: a relation holds no reference to it).
_OPEN_CONNECTIONS: list[Any] = []


def _duckdb_on_clock(zone: str, table: pa.Table) -> Any:
    """``table`` as a relation of a DuckDB connection whose session clock is ``zone``."""
    connection = duckdb.connect()
    connection.execute(f"SET TimeZone = '{zone}'")
    _OPEN_CONNECTIONS.append(connection)
    return connection.from_arrow(table)


def test_a_date_field_of_another_type_is_refused_by_name():
    frame = pd.DataFrame({"birth_date": [True, False], "outcome": "1",
                          "gestation_weeks": 39.0, "birth_weight_g": 3000.0})  # fmt: skip
    with pytest.raises(mch.InvalidInputError, match=r"'birth_date'.*neither dates nor text"):
        mch.count_records(frame, ["live_births"], period=_PERIOD)


@pytest.mark.parametrize("key", ["__T0", "__leaf0", "__U0", "__t0", "__key1"])
def test_a_grouping_column_named_like_the_librarys_own_is_read_as_it_is(key):
    """Records grouped by a column named as one the library adds on the way (``__T0``,
    ``__leaf0``...): pandas grouped by the library's column instead, silently."""
    frame = pd.DataFrame({key: ["x", "y", "x", "y"], "outcome": ["1", "2", "1", "1"],
                          "birth_date": "2024-03-01", "gestation_weeks": 39.0,
                          "birth_weight_g": 3000.0})  # fmt: skip
    engines = _typed_engines(frame)
    engines["dask"] = pytest.importorskip("dask.dataframe").from_pandas(frame, npartitions=2)
    for name, data in engines.items():
        out = mch.count_records(data, ["live_births", "stillbirths_28w"], by=[key])
        counts = out.counts if isinstance(out.counts, pd.DataFrame) else out.counts.to_pandas()
        got = counts.set_index(["term", key])["count"].sort_index().to_dict()
        expected = {("live_births", "x"): 2.0, ("live_births", "y"): 1.0,
                    ("stillbirths_28w", "x"): 0.0, ("stillbirths_28w", "y"): 1.0}  # fmt: skip
        assert got == expected, name


@pytest.mark.parametrize("word", ["nan", "NaN", "NA", "null", "-", "缺失"])
def test_a_csv_s_not_reported_word_is_missing_whichever_reader_read_the_file(tmp_path, word):
    """The same CSV gave two counts: polars kept ``nan`` as text (not a number: the birth
    unclassified) where DuckDB read it as NaN and pandas as NA (missing: the weight
    decides, the birth counted). A word of the cell grammar meaning "not reported" is
    missing on every reader, as a blank cell."""
    path = tmp_path / "births.csv"
    path.write_text(
        f"area,outcome,gestation_weeks,birth_weight_g\nA,live,{word},3000\nA,live,39,3200\n",
        encoding="utf-8",
    )
    readers = {
        "path (polars)": str(path),
        "polars": pl.scan_csv(path),
        "duckdb": duckdb.read_csv(str(path)),
        "pandas": pd.read_csv(path),
        "read_table": mch.read_table(path),
        "text": pd.read_csv(path, dtype=str, keep_default_na=False),
    }
    for name, data in readers.items():
        out = mch.count_records({"births": data}, ["live_births"], by=["area"])
        assert _long_area(out).loc[("live_births", "A")].tolist() == [2.0, 0.0], name


# -- fractions in integer fields, infinite numbers ----------------------------------------


def _numbers_engines(frame: Any, path: Any) -> dict[str, Any]:
    """The frame on every engine, and written as CSV, read by path (polars' native query)."""
    arrow = pa.Table.from_pandas(frame, preserve_index=False)
    dd = pytest.importorskip("dask.dataframe")
    frame.to_csv(path, index=False)
    return {
        "pandas": frame,
        "polars": pl.from_arrow(arrow),
        "polars_lazy": pl.from_arrow(arrow).lazy(),
        "path": str(path),
        "pyarrow": arrow,
        "duckdb": duckdb.from_arrow(arrow),
        "dask": dd.from_pandas(frame, npartitions=2),
    }


@pytest.mark.parametrize("text", [False, True], ids=["numbers", "text"])
def test_a_fraction_in_an_integer_field_and_infinity_are_unclassified_on_every_engine(
    text, tmp_path
):
    """``live_born`` of 1.5 was summed (2.5 live births) on every engine; ``inf`` read by
    a CSV reader was "above 45" where the text ``Infinity`` was "not a number". A
    fraction in an integer field is "not a whole number", an infinite number is "not a
    number", the grammar's word for ``Infinity``, on every engine and from any reader."""
    frame = pd.DataFrame({
        "delivery_date": ["2024-01-01"] * 5,
        "gestation_weeks": [39.0, 39.0, float("inf"), 39.0, 39.0],
        "live_born": [1.0, 1.5, 1.0, float("-inf"), 2.0],
        "area": ["a"] * 5,
    })  # fmt: skip
    if text:
        frame = frame.assign(
            gestation_weeks=["39", "39", "Infinity", "39", "1e400"],
            live_born=["1", "1.5", "1", "-inf", "2"],
        ).astype("string")
    expected_reasons = {
        ("live_births", "live_born: not a whole number"): 1.0,
        ("live_births", "live_born: not a number"): 1.0,
        ("live_births", "gestation_weeks: not a number"): 2.0 if text else 1.0,
        ("women_delivered", "gestation_weeks: not a number"): 2.0 if text else 1.0,
    }
    for name, data in _numbers_engines(frame, tmp_path / "deliveries.csv").items():
        out = mch.count_records({"deliveries": data}, ["live_births", "women_delivered"])
        counts = out.counts if isinstance(out.counts, pd.DataFrame) else out.counts.to_pandas()
        got = counts.set_index("term")[["count", "unclassified"]].to_dict("index")
        # counted: 1, and 2 from numbers (``1e400`` is no number: beyond any float)
        births, unclassified = (1.0, 4.0) if text else (3.0, 3.0)
        assert got["live_births"] == {"count": births, "unclassified": unclassified}, name
        quality = _quality(out)
        reasons = {(t, r): c for t, r, c in quality[["term", "reason", "count"]].values}
        assert reasons == expected_reasons, name


# -- the query itself: each field cleaned once, as a hand-written query cleans it ----------

EDGE_TERMS = [
    "live_births", "stillbirths_28w", "perinatal_deaths_28w", "neonatal_deaths",
    "early_neonatal_deaths", "low_birth_weight_live_births", "weighed_live_births",
    "preterm_live_births_28w", "facility_live_births", "male_live_births",
    "births_to_women_15_19",
]  # fmt: skip
INF = float("inf")
NAN = float("nan")
#: each field's values at and beside its bounds, missing, invalid in every way, codes
#: written in every way: the cleaned values (null where missing or invalid) must give
#: the counts and reasons of the narwhals path, which tests each state apart
EDGES = {
    "outcome": [" Live ", "ＬＩＶＥ", "活產", "live birth", "9", "unknown", "xx", None,
                "stillbirth", "2", "1", "死胎", ""],
    "gestation_weeks": [NAN, None, INF, -INF, 11.9, 12.0, 27.9, 28.0, 36.9, 37.0, 45.0, 45.1],
    "birth_weight_g": [NAN, None, INF, -INF, -1.0, 99.0, 100.0, 999.0, 1000.0, 2499.0, 2500.0,
                       7000.0, 7001.0],
    "death_age_days": [NAN, None, INF, -1.0, 0.0, 6.5, 7.0, 27.0, 28.0, 366.0, 366.5, 367.0],
    "delivery_place": ["hospital", "2", "３", "home", "9", "不详", "spaceship", None, "Township"],
    "sex": ["m", "F", "0", "9", "x", None, "１", "2"],
    "mother_age": [NAN, None, INF, 9.9, 10.0, 14.9, 15.0, 19.99, 20.0, 60.0, 60.1],
}  # fmt: skip


def _edges(size: int = 3_000, seed: int = 7) -> Any:
    rng = np.random.default_rng(seed)
    columns = {name: [values[k] for k in rng.integers(0, len(values), size)]
               for name, values in EDGES.items()}  # fmt: skip
    start = np.datetime64("2023-12-01")
    return pa.table({
        "area": pa.array(rng.integers(0, 4, size)).cast(pa.string()),
        "birth_date": pa.array(start + rng.integers(0, 90, size).astype("timedelta64[D]")),
        **{name: pa.array(values, pa.string()) for name, values in columns.items()
           if isinstance(EDGES[name][0], str)},
        **{name: pa.array(values, pa.float64()) for name, values in columns.items()
           if not isinstance(EDGES[name][0], str)},
    })  # fmt: skip


@pytest.mark.parametrize("period", [None, (dt.date(2024, 1, 1), dt.date(2024, 1, 31))])
def test_cleaned_values_count_every_edge_as_the_narwhals_path(period, monkeypatch, tmp_path):
    """NaN, infinity, values at and beside each bound, missing and unknown codes in any
    spelling: one native query that tests each field's cleaned value (null where missing
    or invalid) gives the counts, unclassified counts and reasons of the narwhals path,
    which tells every state apart, on DuckDB and on polars (in memory and a file)."""
    import pyarrow.parquet as pq

    table = _edges()
    path = tmp_path / "births.parquet"
    pq.write_table(table, path)
    frames = {
        "duckdb": duckdb.from_arrow(table),
        "polars": pl.from_arrow(table),
        "polars lazy": pl.from_arrow(table).lazy(),
        "parquet": path,
    }
    native = {
        name: mch.count_records(frame, EDGE_TERMS, by="area", period=period)
        for name, frame in frames.items()
    }
    monkeypatch.setattr(_count, "NATIVE", set())
    generic = mch.count_records(pl.from_arrow(table), EDGE_TERMS, by="area", period=period)
    assert _quality(generic)["count"].sum() > 0
    for name, out in native.items():
        pd.testing.assert_frame_equal(_long_area(out), _long_area(generic), obj=name)
        pd.testing.assert_frame_equal(_quality(out), _quality(generic), check_dtype=False,
                                      obj=name)  # fmt: skip


def test_a_duckdb_query_cleans_each_field_once_and_states_reasons_only_where_unclassified(
    monkeypatch,
):
    """The query computes per record what a hand-written query does: each tested field's
    cleaned value and, where a test falls back on a missing value, whether it is missing
    (before: every way each field can be invalid, 24 columns for these 4 terms); the
    reasons of the data-quality table only inside ``CASE WHEN "__ru"`` (the records some
    target cannot classify)."""
    from mch_indicators.records import _native

    captured: list[Any] = []
    original = _native._run_duckdb

    def spy(native: Any, kit: Any, keys: Any, levels: Any, *rest: Any) -> Any:
        captured.append(levels)
        return original(native, kit, keys, levels, *rest)

    monkeypatch.setattr(_native, "_run_duckdb", spy)
    terms = ["live_births", "stillbirths_28w", "neonatal_deaths", "low_birth_weight_live_births"]
    mch.count_records(duckdb.from_arrow(_register(100)), terms, by="area")
    (levels,) = captured
    per_record = {name for level in levels for name in level if name.startswith("__v")}
    # outcome folded to its code's number; outcome, gestation, weight, age at death
    # cleaned; gestation (falls back on weight) and age at death (missing: not dead) missing
    assert len(per_record) == 1 + 4 + 2
    assert list(levels[-1]) == ["__rc0"]
    printed = str(levels[-1]["__rc0"])  # (DuckDB 1.2 and 2.0 print parentheses, quotes apart)
    reasons = " ".join(printed.replace("(", " ").replace(")", " ").replace('"', "").split())
    assert reasons.startswith("CASE WHEN __ru THEN ")
