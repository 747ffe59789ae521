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


def test_duckdb_membership_by_length_is_plain_membership():
    """DuckDB tests a long list of spellings one branch per length: same answer as IN."""
    duckdb = pytest.importorskip("duckdb")
    from mch_indicators._text import code_forms
    from mch_indicators.records import _native

    forms = sorted(code_forms("unknown") | code_forms("不详") | {"9"})
    texts = [None, "unknown", "ｕnknown", "UNKNOWN", "unknow", "9", "不詳", "不详x", "", "x"]
    relation = duckdb.from_arrow(pytest.importorskip("pyarrow").table({"t": texts}))
    tested = _native._DuckDB().is_in(duckdb.ColumnExpression("t"), forms)
    assert "length" in str(tested)  # the branches are there
    got = [row[0] for row in relation.project(tested).fetchall()]
    expected = [None if text is None else text in forms for text in texts]
    assert got == expected
