"""A register's codes are folded like every name: case, width, script and surrounding spaces.

Issue 23 item 4: ``Live``, ``LIVE``, `` 活产 `` and ``活產`` are all the live-birth code,
on every engine, while an unknown code stays unclassified with its reason.
"""

from __future__ import annotations

from typing import Any

import pytest

import mch_indicators as mch

pd = pytest.importorskip("pandas")
pytest.importorskip("narwhals")

SPELLINGS = ["live", "Live", "LIVE", " 活产 ", "活產", "ｌｉｖｅ", "Ｌive", "\u3000活产", "1"]
BASE = {"gestation_weeks": 39.0, "birth_weight_g": 3200.0, "birth_date": "2024-03-01"}


def _frame(outcomes: list[Any]) -> Any:
    return pd.DataFrame([{**BASE, "outcome": outcome} for outcome in outcomes])


def _engine(frame: Any, engine: str) -> Any:
    if engine == "pandas":
        return frame
    if engine == "polars":
        return pytest.importorskip("polars").from_pandas(frame).lazy()
    if engine == "pyarrow":
        return pytest.importorskip("pyarrow").Table.from_pandas(frame, preserve_index=False)
    duckdb = pytest.importorskip("duckdb")
    table = pytest.importorskip("pyarrow").Table.from_pandas(frame, preserve_index=False)
    # DuckDB's default connection: before 1.5 a connection nobody holds closes when collected
    return duckdb.from_arrow(table)


def _pandas(frame: Any) -> Any:
    return frame if isinstance(frame, pd.DataFrame) else frame.to_pandas()


@pytest.mark.parametrize("engine", ["pandas", "polars", "pyarrow", "duckdb"])
def test_every_spelling_of_a_code_counts(engine):
    frame = _engine(
        _frame([*SPELLINGS, "Still", "死產", "unknown", "ＵＮＫnown", "alive?"]), engine
    )
    out = mch.count_records({"births": frame}, ["live_births", "stillbirths_28w"])
    counts = _pandas(out.counts).set_index("term")
    assert counts.loc["live_births", "count"] == len(SPELLINGS)
    assert counts.loc["stillbirths_28w", "count"] == 2
    # "unknown" is a missing code, "alive?" no code at all: unclassified, one reason each
    assert counts.loc["live_births", "unclassified"] == 3
    reasons = set(_pandas(out.quality)["reason"])
    assert {"outcome: missing", "outcome: unrecognised code"} <= reasons


def test_boolean_codes_fold_too():
    frame = pd.DataFrame(
        [
            {"hiv_result": "阳性", "hiv_treated": treated, "delivery_date": "2024-01-01",
             "gestation_weeks": 39.0}
            for treated in ["YES", " 是 ", "True", "否", "No"]
        ]
    )  # fmt: skip
    out = mch.count_records({"deliveries": frame}, ["hiv_infected_women_on_arv"])
    assert out.counts["count"].tolist() == [3]


def test_duckdb_reads_each_spelling_as_its_code_in_one_pass():
    """DuckDB matches a code's many spellings once per record (``unknown`` has 128 in half
    and full width; testing them at every test made a relation ~5x slower than hand SQL),
    one branch per length; every other test then compares a few codes."""
    duckdb = pytest.importorskip("duckdb")
    from mch_indicators._text import code_forms, fold_code
    from mch_indicators.records import _native

    codes = ["unknown", "不详", "9", "Live"]
    spellings = {form: fold_code(form) for code in codes for form in code_forms(code)}
    texts = [None, "unknown", "ｕnknown", "unknow", "9", "不詳", "不详x", "", "ｌive", "x"]
    relation = duckdb.from_arrow(pytest.importorskip("pyarrow").table({"t": texts}))
    read = _native._DuckDB().canonical(duckdb.ColumnExpression("t"), spellings)
    assert "length" in str(read)  # the branches are there
    got = [row[0] for row in relation.project(read).fetchall()]
    expected = [None if t is None else spellings.get(t, t) for t in texts]
    assert got == expected
    assert got[:3] == [None, "unknown", "unknown"] and got[8] == "live"
