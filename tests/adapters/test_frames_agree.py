"""One table of counts, one answer: ``compute`` and ``pool`` agree on every engine.

A differential test, as ``tests/records/test_engines_agree.py`` is for registers: hypothesis
draws small tables of counts (integers, floats with NaN, nullable integers and floats,
zeros, a numerator above its denominator, a negative count; group keys as text with
missing values, categories or numbers; half of them with a total row, labelled 合计,
a breakdown 其中 or a blank area, summing the others) and computes them on pandas (the reference),
polars (eager and lazy), pyarrow, DuckDB and dask. The values, intervals, flags and
counts must be equal, and a table pandas refuses every engine refuses with the same error.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import mch_indicators as mch
from strategies import as_engine

pd = pytest.importorskip("pandas")
pytest.importorskip("narwhals")

ENGINES = ["polars", "polars_lazy", "pyarrow", "duckdb", "dask"]
#: a ratio (no bound) and a proportion (a numerator never above its denominator)
INDICATORS = ["MMR", "hospital_delivery_rate_cn"]
COLUMNS = ["numerator", "denominator", "value", "lower", "upper", "flags"]

COUNTS = [0, 1, 2, 7, 19, 20, 100, 9000, 26954]


@st.composite
def count_column(draw: st.DrawFn, size: int) -> Any:
    kind = draw(st.sampled_from(["int64", "float64", "Int64", "Float64"]))
    values = st.one_of(st.sampled_from(COUNTS), st.none()) if kind != "int64" else (
        st.sampled_from(COUNTS)
    )  # fmt: skip
    drawn = draw(st.lists(values, min_size=size, max_size=size))
    if kind == "float64":
        return pd.Series([np.nan if v is None else float(v) for v in drawn], dtype="float64")
    return pd.Series(drawn, dtype=kind)


@st.composite
def key_column(draw: st.DrawFn, size: int) -> Any:
    kind = draw(st.sampled_from(["text", "category", "float"]))
    if kind == "float":
        values = st.one_of(st.just(np.nan), st.sampled_from([1.5, 2.5]))
        return pd.Series(draw(st.lists(values, min_size=size, max_size=size)), dtype="float64")
    names = ["甲县", "乙县", "X"]
    drawn = draw(st.lists(st.one_of(st.none(), st.sampled_from(names)), min_size=size,
                          max_size=size))  # fmt: skip
    if kind == "category":  # its categories declared, as a table's are
        return pd.Series(pd.Categorical(drawn, categories=names))
    return pd.Series(drawn, dtype="object")


#: What a total row's area cell can say: a label (pandas takes it out and checks it), a
#: breakdown (其中, a part of the row above), or nothing (a total when it sums its units).
TOTAL_CELLS = ["合计", "全县", "其中：河口村", None, "", " "]


@st.composite
def count_tables(draw: st.DrawFn) -> Any:
    size = draw(st.integers(1, 8))
    table = pd.DataFrame({
        "city": draw(key_column(size)),
        "deaths": draw(count_column(size)),
        "births": draw(count_column(size)),
    })  # fmt: skip
    if draw(st.booleans()):
        return table
    return with_total(table, draw(st.sampled_from(TOTAL_CELLS)), draw(st.booleans()))


def with_total(table: Any, cell: Any, first: bool) -> Any:
    """``table`` with a row whose counts are the sums of its rows (first or last): a total.

    The area column keeps its kind: a category gains the label, a number column a
    missing value (its blank).
    """
    sums = {c: table[c].sum(min_count=1) for c in ("deaths", "births")}
    city = table["city"]
    if city.dtype == "float64":
        cell = np.nan
    elif isinstance(city.dtype, pd.CategoricalDtype) and cell is not None:
        city = city.cat.add_categories([cell]) if cell not in city.cat.categories else city
    row = pd.DataFrame({"city": pd.Series([cell], dtype=city.dtype), **{
        c: pd.Series([sums[c]], dtype=table[c].dtype) for c in sums}})  # fmt: skip
    parts = [row, table.assign(city=city)] if first else [table.assign(city=city), row]
    return pd.concat(parts, ignore_index=True)


def _pandas(table: Any) -> Any:
    if isinstance(table, pd.DataFrame):
        return table
    if hasattr(table, "compute"):
        return table.compute()
    return table.df() if hasattr(table, "df") else table.to_pandas()


def _keys(column: Any) -> list[str | None]:
    """A key column's values as text, every kind of missing value as None (2024.0 as 2024:
    a column of numbers with a missing one is a float column on some engines)."""
    shown: list[str | None] = []
    for value in column.astype(object):
        whole = isinstance(value, float) and value.is_integer()
        shown.append(None if pd.isna(value) else str(int(value) if whole else value))
    return shown


def _same(got: Any, want: Any, engine: str) -> None:
    """Equal columns, groups in the same order (dask's groups come in its partitions' order)."""
    if "units" in want.columns and "city" in want.columns:  # pooled: one row per group
        # a missing key shown one way (dask on pandas 2 gives <NA>, pandas NaN, polars None)
        def shown(c: Any) -> Any:
            return c.astype(object).where(c.notna(), "").astype(str)

        got, want = (t.sort_values("city", key=shown) for t in (got, want))
    got, want = got.reset_index(drop=True), want.reset_index(drop=True)
    assert len(got) == len(want), engine
    if "city" in want.columns:  # the key kept beside the results, a missing one missing
        assert _keys(got["city"]) == _keys(want["city"]), engine
    for column in [c for c in COLUMNS if c in want.columns]:
        if column == "flags":
            assert got[column].astype(str).tolist() == want[column].astype(str).tolist(), engine
        else:
            np.testing.assert_array_equal(
                got[column].to_numpy(dtype=float), want[column].to_numpy(dtype=float),
                err_msg=f"{engine} {column}",
            )  # fmt: skip


def _run(call: Any) -> Any:
    """The result, or the library's error (the row it names is pandas' index label on
    pandas, the group on the engines without an index: not compared)."""
    try:
        return _pandas(call())  # dask's lazy result computed here: its errors come now
    except mch.MCHIndicatorsError as error:
        return error


def _total_refused(error: Any) -> bool:
    """Whether an engine's error is the typed refusal of a total (or breakdown) row."""
    said = getattr(error, "reason_zh", "") or ""
    refusals = ("合计行", "其中行", "用于对比的行")
    return isinstance(error, mch.InvalidInputError) and any(r in said for r in refusals)


def _saw_total(result: Any) -> bool:
    """Whether pandas found a total or breakdown row (taken out, or a total over nothing)."""
    found = mch.checks(result)
    names = found["check"].astype(str).tolist() if len(found) else []
    return any(name.startswith(("total_", "breakdown_")) for name in names)


OPERATIONS = {
    "compute": lambda frame, indicator, flag: mch.compute(
        frame, indicator, numerator="deaths", denominator="births", **flag
    ),
    "pool by city": lambda frame, indicator, flag: mch.pool(
        frame, indicator, numerator="deaths", denominator="births", by="city", **flag
    ),
    "pool": lambda frame, indicator, flag: mch.pool(
        frame, indicator, numerator="deaths", denominator="births", **flag
    ),
}


#: found by this test: a group whose only row is left out (polars, pyarrow, DuckDB: 0 of 0)
LEFT_OUT = pd.DataFrame({"city": ["甲县"], "deaths": [9000], "births": [2]})
#: a blank-area row summing its two units: pandas takes it out (4/40), the engines summed it
BLANK_TOTAL = pd.DataFrame({"city": ["甲县", "乙县", None], "deaths": [1, 3, 4],
                            "births": [10, 30, 40]})  # fmt: skip


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@example(LEFT_OUT, "hospital_delivery_rate_cn", "pool", {"on_invalid": "flag"})
@example(LEFT_OUT, "hospital_delivery_rate_cn", "pool by city", {"on_invalid": "flag"})
@example(BLANK_TOTAL, "MMR", "pool", {})
@example(BLANK_TOTAL.assign(city=["甲县", "乙县", "合计"]), "MMR", "pool by city", {})
@given(
    frame=count_tables(),
    indicator=st.sampled_from(INDICATORS),
    operation=st.sampled_from(sorted(OPERATIONS)),
    flag=st.sampled_from([{}, {"on_invalid": "flag"}]),
)
def test_every_engine_computes_a_table_of_counts_as_pandas_does(frame, indicator, operation, flag):
    """pandas reads the table as an office's (its default ``totals="check"``): a row
    labelled as a total, a breakdown (其中) or a blank area summing its units is taken
    out. Each engine gives pandas' numbers, or refuses a table in which pandas found a
    total row with the typed error: never other numbers."""
    run = OPERATIONS[operation]
    expected = _run(lambda: run(frame, indicator, flag))
    for engine in ENGINES:
        if engine == "dask" and operation == "pool":
            continue  # pooling a dask frame needs by= (docs/scale.md): refused, with the reason
        got = _run(lambda: run(as_engine(frame, engine), indicator, flag))  # noqa: B023
        if isinstance(got, Exception) and _total_refused(got):
            assert isinstance(expected, Exception) or _saw_total(expected), (engine, operation)
            continue
        if isinstance(expected, Exception) or isinstance(got, Exception):
            assert type(got).__name__ == type(expected).__name__, (engine, operation, got)
            continue
        _same(got, expected, engine)


@pytest.mark.parametrize("engine", ["polars", "polars_lazy", "pyarrow", "duckdb"])
def test_a_group_whose_every_row_is_left_out_is_missing_on_every_engine(engine):
    """With ``on_invalid="flag"`` a proportion's row whose numerator exceeds its
    denominator is left out of the sums. A group left with no row summed had counts of
    nothing: pandas (and dask, Spark: the one ``finish``) calls them missing; polars,
    pyarrow and DuckDB summed them to 0 of 0 and flagged a ZERO_DENOMINATOR that is not
    there."""
    counts = pd.DataFrame({"city": ["甲县", "乙县", "乙县"], "deaths": [9000, 5, 3],
                           "births": [2, 10, 10]})  # fmt: skip
    options = {"numerator": "deaths", "denominator": "births", "by": "city", "on_invalid": "flag"}
    expected = mch.pool(counts, "hospital_delivery_rate_cn", **options)
    got = _pandas(mch.pool(as_engine(counts, engine), "hospital_delivery_rate_cn", **options))
    _same(got, expected, engine)
    left_out = got.set_index("city").loc["甲县"]
    assert np.isnan(left_out["denominator"]) and left_out["flags"] == "MISSING|INCOMPLETE"


@pytest.mark.parametrize("engine", ["polars", "pyarrow", "duckdb"])
@pytest.mark.parametrize(
    "city",
    [
        pd.Series([None, None], dtype="category"),  # no categories: numpy's IndexError
        pd.Series(["甲县", None], dtype="category"),  # a missing area: came out as 甲县
        pd.Series([2024, None], dtype="category"),  # categories that are numbers stay numbers
    ],
    ids=["no categories", "text", "numbers"],
)
def test_a_categorical_column_is_kept_beside_the_results_with_its_missing_values(engine, city):
    """pyarrow turned a dictionary column into numpy by taking its categories at the
    indices, a missing value included: the first category stood in for it (a DuckDB ENUM
    arrives as one too), and a dictionary with no categories raised numpy's IndexError."""
    pa = pytest.importorskip("pyarrow")
    frame = pd.DataFrame({"city": city, "deaths": [0, 1], "births": [10, 20]})
    table = pa.Table.from_pandas(frame, preserve_index=False)
    source = {
        "polars": lambda: pytest.importorskip("polars").from_arrow(table),
        "pyarrow": lambda: table,
        "duckdb": lambda: pytest.importorskip("duckdb").from_arrow(table),
    }[engine]()
    got = _pandas(mch.compute(source, "MMR", numerator="deaths", denominator="births"))
    expected = mch.compute(frame, "MMR", numerator="deaths", denominator="births")
    _same(got, expected, engine)
    assert got["city"].isna().tolist() == [city.isna().iloc[0], True]
    if engine == "pyarrow" and city.cat.categories.dtype.kind == "i":
        assert got["city"].dtype.kind == "f"  # 2024.0 and NaN, not the text '2024'


def test_a_duckdb_enum_with_a_missing_value_is_kept_missing():
    """A DuckDB ENUM comes out of the relation as a pyarrow dictionary: its NULL came out
    as the first of the ENUM's values in use."""
    duckdb = pytest.importorskip("duckdb")
    connection = duckdb.connect()
    connection.execute("CREATE TYPE area AS ENUM ('甲县', '乙县')")
    relation = connection.sql(
        "SELECT * FROM (VALUES ('乙县'::area, 0, 10), (NULL::area, 1, 20)) t(city, deaths, births)"
    )
    got = _pandas(mch.compute(relation, "MMR", numerator="deaths", denominator="births"))
    assert _keys(got["city"]) == ["乙县", None]
