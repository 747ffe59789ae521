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
    and full width; testing them at every test made a relation ~5x slower than hand SQL)
    and keeps the code as a small number: a value written as its code is matched as it
    is, any other folded and matched by length; every other test compares integers."""
    duckdb = pytest.importorskip("duckdb")
    from mch_indicators._text import code_forms, fold_code
    from mch_indicators.records import _native

    codes = ["unknown", "不详", "9", "Live"]
    spellings = {form: fold_code(form) for code in codes for form in code_forms(code)}
    numbers = {code: k for k, code in enumerate(sorted(set(spellings.values())), start=1)}
    texts = [None, "unknown", "ｕnknown", "unknow", "9", "不詳", "不详x", "", "ｌive", "x",
             " LIVE ", "\u30009", "Live", "live"]  # fmt: skip
    relation = duckdb.from_arrow(pytest.importorskip("pyarrow").table({"t": texts}))
    read = _native._DuckDB().canonical(duckdb.ColumnExpression("t"), numbers, spellings)
    assert "length" in str(read)  # the branches are there
    got = [row[0] for row in relation.project(read).fetchall()]
    expected = [None if t is None else numbers.get(fold_code(t), 0) for t in texts]
    assert got == expected
    live, unknown = numbers["live"], numbers["unknown"]
    assert got[:3] == [None, unknown, unknown] and got[8] == got[10] == got[12] == live
    assert got[3] == got[6] == got[7] == got[9] == 0


def _respelled(code: str, data: Any) -> str:
    """``code`` written another way a register might: case, width, surrounding spaces."""
    from hypothesis import strategies as st

    from mch_indicators._text import code_forms

    form = data.draw(st.sampled_from(sorted(code_forms(code))))
    if data.draw(st.booleans()):
        form = form.upper()
    pad = st.text(alphabet=" \t\u3000", max_size=2)
    return data.draw(pad) + form + data.draw(pad)


def test_a_code_read_by_duckdb_is_the_code_python_reads():
    """DuckDB's one pass from text to a code's number gives what ``fold_code`` and a
    dictionary give, for codes written as they are, written otherwise, and no code.
    (polars tests the folded text against every spelling: a hash lookup, as fast.)"""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from mch_indicators._text import code_forms, fold_code
    from mch_indicators.records import _native

    duckdb = pytest.importorskip("duckdb")
    pa = pytest.importorskip("pyarrow")
    codes = ["unknown", "不详", "9", "live", "live birth", "活产", "死胎死产"]
    spellings = {form: fold_code(form) for code in codes for form in code_forms(code)}
    numbers = {code: k for k, code in enumerate(sorted(set(spellings.values())), start=1)}
    read = _native._DuckDB().canonical(duckdb.ColumnExpression("t"), numbers, spellings)

    @settings(max_examples=60, deadline=None)
    @given(st.data())
    def check(data: Any) -> None:
        size = data.draw(st.integers(1, 12))
        texts: list[str | None] = []
        for _ in range(size):
            kind = data.draw(st.sampled_from(["as is", "respelled", "other", "none"]))
            code = data.draw(st.sampled_from(codes))
            if kind == "as is":
                texts.append(fold_code(code))
            elif kind == "respelled":
                texts.append(_respelled(code, data))
            elif kind == "other":
                texts.append(data.draw(st.text(alphabet="liveun9不详活产 ", max_size=6)))
            else:
                texts.append(None)
        table = pa.table({"t": pa.array(texts, pa.string())})
        got = [row[0] for row in duckdb.from_arrow(table).project(read).fetchall()]
        expected = [None if t is None else numbers.get(fold_code(t), 0) for t in texts]
        assert got == expected, texts

    check()


def test_a_field_without_codes_reads_every_text_as_no_code():
    duckdb = pytest.importorskip("duckdb")
    pa = pytest.importorskip("pyarrow")
    from mch_indicators.records import _native

    read = _native._DuckDB().canonical(duckdb.ColumnExpression("t"), {}, {})
    relation = duckdb.from_arrow(pa.table({"t": pa.array([None, "x", ""], pa.string())}))
    assert [row[0] for row in relation.project(read).fetchall()] == [None, 0, 0]


@pytest.mark.parametrize("engine", ["pandas", "polars", "pyarrow", "duckdb"])
@pytest.mark.parametrize(
    ("values", "reason"),
    [
        ([True, False, True], "outcome: unrecognised code"),
        ([pd.Timestamp("2024-01-01")] * 3, "outcome: unrecognised code"),
        ([None, None, None], "outcome: missing"),
    ],
    ids=["booleans", "dates", "nothing"],
)
def test_a_code_field_held_as_booleans_dates_or_nothing_is_unclassified(engine, values, reason):
    """A category field's column of booleans or dates holds no code: every record is
    unclassified as an unrecognised code on every engine (pandas had counted booleans as
    neither live nor stillborn, silently; the others raised their own errors), and an
    all-null column (pyarrow's null type) is missing."""
    frame = _frame([None] * 3).assign(outcome=pd.Series(values, dtype=None))
    out = mch.count_records({"births": _engine(frame, engine)}, ["live_births"])
    counts = _pandas(out.counts)
    assert counts[["count", "unclassified"]].values.tolist() == [[0, 3]]
    assert _pandas(out.quality)["reason"].tolist() == [reason]
