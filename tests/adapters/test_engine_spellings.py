"""``pool(by=...)`` on every engine folds a key's spellings as pandas does.

pandas pools ``城关镇``, ``城关镇\\u200b`` (a zero-width space), ``城关镇 `` and ``城關鎮``
as one group, written as the table first writes it (``tests/adapters/test_pool_spellings.py``);
polars, pyarrow, DuckDB, dask and Spark grouped the keys as written, so the same table
gave three groups there and one in pandas, silently. Numbers are never folded, a
missing key stays missing. DuckDB and Spark have no row order: a group is written as
its smallest spelling there.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mch_indicators as mch
from contract import promise
from strategies import ENGINES, as_engine

pd = pytest.importorskip("pandas")
pytest.importorskip("narwhals")

COUNTS = {"numerator": "deaths", "denominator": "births"}
#: Every engine installed with the dev extra (Spark: its own test, marked).
ALL_ENGINES = [*ENGINES, "dask"]
#: Engines that keep the rows' order: a group is written as its first spelling.
ORDERED = {"polars", "polars_lazy", "pyarrow", "dask"}


def spelt_table() -> pd.DataFrame:
    """Spellings of two townships over two years, a missing area, numbers beside them.

    The first spelling of each township is also its smallest (by code point), so that
    every engine, ordered or not, writes it alike.
    """
    return pd.DataFrame(
        {
            "地区": ["城关镇", "城关镇\u200b", "城關鎮 ", "石門鎮", "石门镇", None,
                   "城关镇\u3000", "城关镇"],
            "年份": [2023, 2023, 2024, 2023, 2024, 2024, 2024, 2024],
            "deaths": [1, 2, 3, 4, 5, 6, 7, 8],
            "births": [100, 200, 300, 400, 500, 600, 700, 800],
        }
    )  # fmt: skip


def _native(frame: Any) -> pd.DataFrame:
    """An engine's result as a pandas frame (a lazy one collected)."""
    for method in ("toPandas", "compute", "collect"):
        if hasattr(frame, method) and not isinstance(frame, pd.DataFrame):
            frame = getattr(frame, method)()
    for method in ("to_pandas", "df"):
        if not isinstance(frame, pd.DataFrame):
            frame = getattr(frame, method)()
    return frame


def _rows(frame: Any, keys: list[str]) -> list[tuple[Any, ...]]:
    """The pooled rows as (keys..., numerator, denominator, units), missing keys as None."""
    out = _native(frame)
    columns = [*keys, "numerator", "denominator", "units"]
    rows = [
        tuple(None if pd.isna(v) else v for v in row)
        for row in out[columns].itertuples(index=False, name=None)
    ]
    return _sorted(rows)


def _sorted(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Rows in one order whatever the engine's: by their cells as text, missing last."""
    return sorted(rows, key=lambda row: [(v is None, str(v)) for v in row])


@promise("total-rows", "engines")
@pytest.mark.parametrize("engine", ALL_ENGINES)
@pytest.mark.parametrize("by", [["地区"], ["地区", "年份"], ["年份", "地区"]])
def test_an_engine_pools_a_keys_spellings_as_pandas(engine, by):
    table = spelt_table()
    expected = _rows(mch.pool(table, "MMR", by=by, **COUNTS), by)
    assert len(expected) == {1: 3, 2: 5}[len(by)]  # 城关镇, 石門鎮, a missing area (by year)
    assert _rows(mch.pool(as_engine(table, engine), "MMR", by=by, **COUNTS), by) == expected


def test_pandas_groups_as_the_engines_are_checked_against():
    """The reference itself: one group per township, named as first written."""
    rows = _rows(mch.pool(spelt_table(), "MMR", by="地区", **COUNTS), ["地区"])
    assert rows == [
        ("城关镇", 21.0, 2100.0, 5),
        ("石門鎮", 9.0, 900.0, 2),
        (None, 6.0, 600.0, 1),
    ]


@pytest.mark.parametrize("engine", ALL_ENGINES)
def test_the_first_spelling_names_the_group_where_the_engine_has_an_order(engine):
    """Reversed, the table first writes 城关镇 as 城关镇 (row 8): pandas and the ordered
    engines keep the first spelling; DuckDB (no row order) the smallest."""
    table = spelt_table().iloc[[2, 0, 1, 3, 4, 5, 6, 7]].reset_index(drop=True)
    pandas_rows = _rows(mch.pool(table, "MMR", by="地区", **COUNTS), ["地区"])
    assert [row[0] for row in pandas_rows] == ["城關鎮 ", "石門鎮", None]
    rows = _rows(mch.pool(as_engine(table, engine), "MMR", by="地区", **COUNTS), ["地区"])
    smallest = [("城关镇", *pandas_rows[0][1:]), *pandas_rows[1:]]
    assert rows == (pandas_rows if engine in ORDERED else _sorted(smallest))


@pytest.mark.parametrize("partitions", [1, 3, 8])
def test_dask_writes_the_first_spelling_across_partitions(partitions):
    """The distinct keys meet in dask's tree in the frame's order, however partitioned."""
    dd = pytest.importorskip("dask.dataframe")
    table = spelt_table().iloc[[5, 4, 2, 0, 1, 3, 6, 7]].reset_index(drop=True)
    expected = _rows(mch.pool(table, "MMR", by="地区", **COUNTS), ["地区"])
    assert [row[0] for row in expected] == ["城關鎮 ", "石门镇", None]
    lazy = mch.pool(dd.from_pandas(table, npartitions=partitions), "MMR", by="地区", **COUNTS)
    assert _rows(lazy, ["地区"]) == expected


@pytest.mark.parametrize("engine", ALL_ENGINES)
def test_text_codes_fold_numbers_never(engine):
    """``"110101"`` and ``"110101 "`` are one text code; a number column is left as it is."""
    table = pd.DataFrame(
        {"code": ["110101", "110101 ", "110102", None], "year": [2024, 2024, 2024, 2024],
         "deaths": [1, 2, 3, 4], "births": [10, 20, 30, 40]}
    )  # fmt: skip
    expected = _rows(mch.pool(table, "MMR", by=["code", "year"], **COUNTS), ["code", "year"])
    assert expected == [("110101", 2024, 3.0, 30.0, 2), ("110102", 2024, 3.0, 30.0, 1),
                        (None, 2024, 4.0, 40.0, 1)]  # fmt: skip
    engine_table = as_engine(table, engine)
    rows = _rows(mch.pool(engine_table, "MMR", by=["code", "year"], **COUNTS), ["code", "year"])
    assert rows == expected


@pytest.mark.parametrize("engine", ["polars", "polars_lazy", "pyarrow", "duckdb"])
def test_clean_keys_leave_the_frame_as_it_is(engine):
    """No spelling folds: the frame is handed on unchanged (nothing added to the plan)."""
    import narwhals as nw

    from mch_indicators._adapters._narwhals import folded_keys

    table = spelt_table().drop(index=[1, 2, 4, 6])
    frame = nw.from_native(as_engine(table, engine))
    assert folded_keys(frame, ["地区", "年份"]) is frame
    folded = folded_keys(nw.from_native(as_engine(spelt_table(), engine)), ["地区"])
    assert folded is not frame


def test_pandas_and_dask_partitions_write_spellings_with_one_function():
    from mch_indicators._adapters._pandas._units import first_spellings, respelt

    table = spelt_table()
    assert respelt(table, {"地区": {}}) is table
    assert first_spellings(table.drop(index=[1, 2, 4, 6]), ["地区"]).equals(
        table.drop(index=[1, 2, 4, 6])
    )
    categorical = table.astype({"地区": "category"})
    written = first_spellings(categorical, ["地区"])
    assert written["地区"].dtype == "category"
    assert written["地区"].tolist()[:5] == ["城关镇", "城关镇", "城关镇", "石門鎮", "石門鎮"]


#: Spellings of two townships (zero-width, trailing and inner spaces, traditional, width).
SPELLINGS = {
    "城关镇": ["城关镇", "城关镇\u200b", "城关镇 ", "城關鎮", "城关 镇"],
    "石门镇": ["石门镇", "石門鎮", "石门镇\u3000", "\ufeff石门镇"],
}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(
            st.sampled_from([s for spellings in SPELLINGS.values() for s in spellings] + [None]),
            st.integers(0, 5),
        ),
        min_size=1,
        max_size=12,
    )
)
def test_every_ordered_engine_pools_any_spellings_as_pandas(rows):
    """Any rows of any spellings: polars (eager and lazy), pyarrow and dask give pandas'
    groups, labels and numbers; DuckDB the same numbers, each group's smallest spelling."""
    table = pd.DataFrame(
        {"地区": pd.Series([r[0] for r in rows], dtype=object),
         "deaths": [r[1] for r in rows], "births": [10 + r[1] for r in rows]}
    )  # fmt: skip
    expected = _rows(mch.pool(table, "MMR", by="地区", **COUNTS), ["地区"])
    assert len(expected) == len({_base(r[0]) for r in rows})
    for engine in ALL_ENGINES:
        rows_out = _rows(mch.pool(as_engine(table, engine), "MMR", by="地区", **COUNTS), ["地区"])
        if engine in ORDERED:
            assert rows_out == expected, engine
        else:  # no row order: the same groups and numbers, each its smallest spelling
            smallest = {_base(s): s and min(spellings) for s, spellings in _seen(rows)}
            assert rows_out == _sorted([(smallest[_base(r[0])], *r[1:]) for r in expected])


def _base(spelling: str | None) -> str | None:
    if spelling is None:
        return None
    return next(base for base, spellings in SPELLINGS.items() if spelling in spellings)


def _seen(rows: list[tuple[Any, int]]) -> list[tuple[Any, list[Any]]]:
    """Each group's spellings found in ``rows`` (a missing key: its own group)."""
    groups: dict[str | None, list[Any]] = {}
    for spelling, _ in rows:
        groups.setdefault(_base(spelling), []).append(spelling)
    return [(spellings[0], spellings) for spellings in groups.values()]


# -- Spark ------------------------------------------------------------------------------

SPARK_WARNINGS = (
    "ignore:PySpark does not yet fully support pandas:FutureWarning",
    "ignore:The copy keyword is deprecated:DeprecationWarning",
)


@pytest.mark.spark
@pytest.mark.filterwarnings(*SPARK_WARNINGS)
def test_spark_pools_a_keys_spellings_as_pandas(spark):
    """Spark has no row order: a group is its smallest spelling (here also the first)."""
    table = spelt_table()
    sdf = spark.createDataFrame(table.astype({"地区": object}))
    for by in (["地区"], ["地区", "年份"]):
        expected = _rows(mch.pool(table, "MMR", by=by, **COUNTS), by)
        assert _rows(mch.pool(sdf, "MMR", by=by, **COUNTS), by) == expected
    clean = spark.createDataFrame(table.drop(index=[1, 2, 4, 6]).astype({"地区": object}))
    from mch_indicators._adapters._spark import _folded_keys

    assert _folded_keys(clean, ["地区"]) is clean
