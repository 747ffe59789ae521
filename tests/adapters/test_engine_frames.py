"""Count columns of polars, pyarrow and DuckDB frames follow pandas' rules (docs/bad-input.md).

Booleans are refused (an engine would add True/False as 1 and 0), text, dates and
other non-numbers are refused naming the column, and integers above 2**53 are
refused exactly (before a float could round 2**53 + 1 down to 2**53), on
``compute`` and ``pool`` alike; pooled sums are never wrapped around by an
integer overflow.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pytest

import mch_indicators as mch
from contract import promise
from strategies import ENGINES, as_engine

pd = pytest.importorskip("pandas")
pytest.importorskip("narwhals")

CALLS = {
    "compute": lambda frame: mch.compute(frame, "MMR"),
    "pool": lambda frame: mch.pool(frame, "MMR", by="county"),
}


def frame_with(deaths: list[Any], births: list[Any] | None = None) -> pd.DataFrame:
    size = len(deaths)
    return pd.DataFrame(
        {
            "county": ["A", "B", "C", "D"][:size],
            "maternal_deaths": deaths,
            "live_births": births if births is not None else [26954] * size,
        }
    )


def refusal(engine: str, call: str, frame: pd.DataFrame) -> mch.InvalidInputError:
    with pytest.raises(mch.InvalidInputError) as caught:
        CALLS[call](as_engine(frame, engine))
    return caught.value


@promise("not-numbers", "engines")
@pytest.mark.parametrize("call", sorted(CALLS))
@pytest.mark.parametrize("engine", ["pandas", *ENGINES])
def test_boolean_count_columns_are_refused_not_counted_as_1_and_0(engine, call):
    error = refusal(engine, call, frame_with([True, False, False]))
    assert error.column == "maternal_deaths"
    assert "True/False" in str(error)


@promise("not-numbers", "engines")
@pytest.mark.parametrize("call", sorted(CALLS))
@pytest.mark.parametrize("engine", ENGINES)
def test_text_count_columns_are_a_typed_error_naming_the_column(engine, call):
    error = refusal(engine, call, frame_with(["2", "x", "3"]))
    assert error.column == "maternal_deaths"
    assert "text" in str(error)


@promise("not-numbers", "engines")
@pytest.mark.parametrize("call", sorted(CALLS))
@pytest.mark.parametrize("engine", ENGINES)
def test_date_count_columns_are_refused(engine, call):
    error = refusal(engine, call, frame_with([dt.date(2024, 1, d) for d in (1, 2, 3)]))
    assert error.column == "maternal_deaths"


@promise("huge", "engines", "tables")
@pytest.mark.parametrize("call", sorted(CALLS))
@pytest.mark.parametrize("engine", ["pandas", *ENGINES])
@pytest.mark.parametrize("births", [2**53 + 1, 2**62])
def test_integers_above_2_53_are_refused_exactly(engine, call, births):
    error = refusal(engine, call, frame_with([1, 2, 3], [1000, births, 1000]))
    assert error.column == "live_births"
    assert "2**53" in str(error)
    # pandas names the row by its index label; an engine, which has none, by its position
    # (compute) or by its group (pool, which sums inside the engine)
    assert error.row == ("B" if call == "pool" and engine != "pandas" else 1)


@promise("huge", "engines")
@pytest.mark.parametrize("engine", ["polars", "pyarrow", "duckdb"])
def test_nullable_integers_above_2_53_are_refused_though_a_null_makes_them_floats(engine):
    native = {
        "polars": lambda: __import__("polars").DataFrame(
            {"maternal_deaths": [1, None], "live_births": [2**53 + 1, 10]}
        ),
        "pyarrow": lambda: __import__("pyarrow").table(
            {"maternal_deaths": [1, None], "live_births": [2**53 + 1, 10]}
        ),
        "duckdb": lambda: __import__("duckdb").from_arrow(
            __import__("pyarrow").table(
                {"maternal_deaths": [1, None], "live_births": [2**53 + 1, 10]}
            )
        ),
    }[engine]()
    for call in (lambda f: mch.compute(f, "MMR"), lambda f: mch.pool(f, "MMR")):
        with pytest.raises(mch.InvalidInputError, match=r"2\*\*53") as caught:
            call(native)
        assert caught.value.column == "live_births"


@pytest.mark.parametrize("engine", ["pandas", *ENGINES])
def test_counts_of_exactly_2_53_are_counts(engine):
    out = mch.compute(as_engine(frame_with([1, 2], [2**53, 1000]), engine), "MMR")
    values = out["value"] if isinstance(out, pd.DataFrame) else out.to_pandas()["value"]
    assert np.isfinite(values).all()


@promise("huge", "engines")
@pytest.mark.parametrize("engine", ENGINES)
def test_pooled_integer_sums_never_wrap_around(engine):
    rows = 1100  # 1,100 x 2**53 is beyond int64: an engine's integer sum wraps to a negative
    frame = pd.DataFrame(
        {"county": ["A"] * rows, "maternal_deaths": [1] * rows, "live_births": [2**53] * rows}
    )
    with pytest.raises(mch.InvalidInputError, match=r"2\*\*53"):
        mch.pool(as_engine(frame, engine), "MMR", by="county")


@pytest.mark.parametrize("engine", ENGINES)
def test_valid_integer_and_decimal_counts_pool_like_pandas(engine):
    frame = frame_with([1, 2, 3], [26954, 30211, 40000]).assign(county=["A", "A", "B"])
    expected = mch.pool(frame, "MMR", by="county")
    pooled = mch.pool(as_engine(frame, engine), "MMR", by="county")
    pooled = pooled if isinstance(pooled, pd.DataFrame) else pooled.to_pandas()
    np.testing.assert_array_equal(pooled["value"].to_numpy(), expected["value"].to_numpy())
    np.testing.assert_array_equal(pooled["denominator"].to_numpy(), [57165.0, 40000.0])


@promise("negative", "engines", "tables")
@pytest.mark.parametrize("engine", ["pandas", *ENGINES])
def test_a_negative_row_is_refused_before_a_sum_could_hide_it(engine):
    frame = frame_with([5, -1, 3]).assign(county=["A", "A", "B"])  # 5 and -1 are not 4
    with pytest.raises(mch.InvalidInputError, match="negative") as caught:
        mch.pool(as_engine(frame, engine), "MMR", by="county")
    assert caught.value.column == "maternal_deaths"
    assert caught.value.row == (1 if engine == "pandas" else "A")


@promise("non-whole-counts", "engines")
@pytest.mark.parametrize("engine", ["pandas", *ENGINES])
def test_a_count_that_is_not_whole_is_refused_naming_its_row_or_group(engine):
    frame = frame_with([1.5, 0.5, 3.0]).assign(county=["A", "A", "B"])  # 1.5 and 0.5 are not 2
    for call, row in (("compute", 0), ("pool", "A")):
        with pytest.raises(mch.InvalidInputError, match="not a whole number") as caught:
            CALLS[call](as_engine(frame, engine))
        assert "maternal_deaths" in f"{caught.value.column} {caught.value}"
        assert caught.value.row == (0 if engine == "pandas" else row)


@promise("text-numbers", "tables")
def test_pandas_pools_text_counts_read_with_the_cell_grammar_as_compute_does():
    frame = pd.DataFrame({"city": ["X", "X"], "maternal_deaths": ["5", "1"],
                          "live_births": ["26,954", "3,046"]})  # fmt: skip
    pooled = mch.pool(frame, "MMR", by="city")
    assert pooled[["numerator", "denominator"]].values.tolist() == [[6.0, 30000.0]]
    with pytest.raises(mch.InvalidInputError, match="9,5") as caught:
        mch.pool(frame.assign(live_births=["26,954", "9,5"]), "MMR", by="city")
    assert caught.value.row == 1


@promise("missing", "engines")
@pytest.mark.parametrize("reader", ["polars", "polars_lazy", "pyarrow", "duckdb"])
def test_a_csv_s_nan_count_is_missing_when_pooled_as_when_computed(tmp_path, reader):
    """Each engine's CSV reader reads the text ``NaN`` as a float's NaN, not a null:
    ``pool`` refused it as "negative, infinite or above 2**53" (engines order NaN above
    every number), and would have counted it as a numerator above its denominator, where
    ``compute`` and pandas read it as missing."""
    path = tmp_path / "counts.csv"
    path.write_text(
        "county,maternal_deaths,live_births\nA,1,1000\nB,NaN,2000\nC,2,3000\n", encoding="utf-8"
    )
    pl = pytest.importorskip("polars")
    if reader == "pyarrow":
        import pyarrow.csv as pacsv

        frame: Any = pacsv.read_csv(path)
    elif reader == "duckdb":
        frame = pytest.importorskip("duckdb").read_csv(str(path))
    else:
        frame = pl.read_csv(path) if reader == "polars" else pl.scan_csv(path)
    expected = mch.pool(pd.read_csv(path), "MMR", by="county")
    for call, out in (("pool", mch.pool(frame, "MMR", by="county")),
                      ("compute", mch.compute(frame, "MMR"))):  # fmt: skip
        got = pl.from_arrow(out) if not isinstance(out, pl.DataFrame) else out
        assert got["flags"].to_list() == ["UNRELIABLE", "MISSING", "UNRELIABLE"], call
        assert got["denominator"].to_list() == expected["denominator"].tolist(), call
    total = mch.pool(frame, "MMR")
    total = pl.from_arrow(total) if not isinstance(total, pl.DataFrame) else total
    assert total["flags"].to_list() == ["MISSING"]
    assert total["denominator"].to_list() == [6000.0]
