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
        texts = _codes_drawn(data, codes, data.draw(st.integers(1, 12)), "liveun9不详活产 ")
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


#: What a register's code field holds besides codes: letters of codes, a dotted capital I,
#: a capital sigma (folded differently by engines that lower-case one character for one)
OTHER_TEXT = "liveun9不详活产 hosptaIİΣ"


def _births_of(outcomes: list[str | None], places: list[str | None]) -> Any:
    return pd.DataFrame(
        [
            {**BASE, "outcome": o, "delivery_place": p, "area": f"a{k % 3}"}
            for k, (o, p) in enumerate(zip(outcomes, places, strict=True))
        ]
    )


def _counted(data: Any) -> tuple[Any, Any]:
    terms = ["live_births", "stillbirths_28w", "facility_live_births"]
    out = mch.count_records({"births": data}, terms, by="area")
    counts = _pandas(out.counts).sort_values(["term", "area"]).reset_index(drop=True)
    quality = _pandas(out.quality)
    quality = quality.sort_values([c for c in quality.columns if c != "count"])
    return counts, quality.reset_index(drop=True)


def _codes_drawn(data: Any, codes: list[str], size: int, other: str) -> list[str | None]:
    """``size`` texts: codes as written (folded), respelled, other text from ``other``, none."""
    from hypothesis import strategies as st

    texts: list[str | None] = []
    for _ in range(size):
        kind = data.draw(st.sampled_from(["as is", "respelled", "other", "none"]))
        code = data.draw(st.sampled_from(codes))
        if kind == "as is":
            texts.append(code)
        elif kind == "respelled":
            texts.append(_respelled(code, data))
        elif kind == "other":
            texts.append(data.draw(st.text(alphabet=other, max_size=6)))
        else:
            texts.append(None)
    return texts


def test_polars_texts_read_first_count_as_texts_folded_per_record(monkeypatch):
    """A polars DataFrame (read twice alike) has its code fields' distinct texts read and
    folded first, and compares texts as written; a LazyFrame folds every record. Both
    count alike, quality table included, whatever the spellings; so does a field with
    more distinct texts than are read first (folded per record)."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    pl = pytest.importorskip("polars")
    from mch_indicators.records import _native

    outcome_codes = ["live", "活产", "stillbirth", "死胎死产", "unknown", "9", "1"]
    place_codes = ["hospital", "医院", "home", "家中", "township", "9", "unknown"]
    read_first: list[dict[str, Any]] = []
    original = _native._texts_read_first

    def spy(native: Any, kit: Any, names: Any) -> Any:
        read_first.append(original(native, kit, names))
        return read_first[-1]

    monkeypatch.setattr(_native, "_texts_read_first", spy)

    @settings(max_examples=40, deadline=None)
    @given(st.data(), st.integers(0, 3))
    def check(data: Any, most: int) -> None:
        size = data.draw(st.integers(1, 14))
        frame = _births_of(
            _codes_drawn(data, outcome_codes, size, OTHER_TEXT),
            _codes_drawn(data, place_codes, size, OTHER_TEXT),
        )
        monkeypatch.setattr(_native, "MOST_TEXTS_READ_FIRST", [10_000, 0, 1, 3][most])
        read_first.clear()
        eager = _counted(pl.from_pandas(frame))
        assert len(read_first) == 1 and set(read_first[0]) <= {
            "__field_outcome",
            "__field_delivery_place",
        }
        lazy = _counted(pl.from_pandas(frame).lazy())
        assert len(read_first) == 1  # a LazyFrame folds per record
        pd.testing.assert_frame_equal(eager[0], lazy[0])
        pd.testing.assert_frame_equal(eager[1], lazy[1])
        pd.testing.assert_frame_equal(eager[0], _counted(frame)[0], check_dtype=False)

    check()


def test_a_parquet_file_is_read_first_for_its_texts(tmp_path, monkeypatch):
    pl = pytest.importorskip("polars")
    from mch_indicators.records import _native

    frame = _births_of(["Live", " 活產", None, "xx"], ["医院", "HOME", "9", "spaceship"])
    path = tmp_path / "births.parquet"
    pl.from_pandas(frame).write_parquet(path)
    calls: list[Any] = []
    original = _native._texts_read_first
    monkeypatch.setattr(_native, "_texts_read_first", lambda *a: calls.append(a) or original(*a))
    from_file = _counted(path)
    assert len(calls) == 1
    pd.testing.assert_frame_equal(from_file[0], _counted(frame)[0], check_dtype=False)
    pd.testing.assert_frame_equal(from_file[1], _counted(frame)[1], check_dtype=False)


@pytest.mark.parametrize("engine", ["pandas objects", "pandas", "polars", "pyarrow", "duckdb"])
def test_a_dotted_capital_i_reads_alike_on_every_engine(engine):
    """``LİVE BIRTH`` lower-cases to ``li̇ve birth`` in Python, polars and Java, which is no
    code (``fold_code`` says so); pyarrow and DuckDB lower-case one character for one and
    had read ``live birth``, a live birth, where polars read an unrecognised code."""
    frame = _frame(["LİVE BIRTH", "live birth", "1"])
    if engine == "pandas objects":
        frame = frame.astype({"outcome": object})
    data = _engine(frame, engine.split()[0])
    counts = _pandas(mch.count_records({"births": data}, ["live_births"]).counts)
    assert counts[["count", "unclassified"]].values.tolist() == [[2, 1]]


def test_a_final_sigma_is_a_spelling_of_sigma():
    """Python and polars lower-case a word's last ``Σ`` to ``ς``, pyarrow and DuckDB to
    ``σ``: both are spellings of a code with a sigma, as case folding reads them."""
    pa = pytest.importorskip("pyarrow")
    duckdb = pytest.importorskip("duckdb")
    pl = pytest.importorskip("polars")
    import pyarrow.compute as pc

    from mch_indicators._text import code_forms, fold_code

    written = "ΑΣ"
    lowered = {
        written.lower(),
        pc.utf8_lower(pa.array([written]))[0].as_py(),
        pl.Series([written]).str.to_lowercase()[0],
        duckdb.sql("SELECT lower(?)", params=[written]).fetchall()[0][0],
    }
    assert lowered == {"ας", "ασ"}
    assert lowered <= code_forms("ασ")
    assert {fold_code(form) for form in code_forms("ασ")} == {fold_code("ασ")}


SPACES = ["38\u3000", "\u00a039", " 40\t", "37\r\n", "\u300041\u3000"]


@pytest.mark.parametrize("engine", ["pandas objects", "pandas", "polars", "pyarrow", "duckdb"])
def test_numbers_and_dates_written_as_text_lose_the_same_spaces_on_every_engine(engine):
    """A register exported as text pads its numbers and dates with the spaces codes lose
    (``ENGINE_SPACES``: the ideographic and no-break spaces too): each engine reads them
    alike, so one register gives one count (DuckDB and pyarrow trimmed only ASCII spaces,
    leaving ``38\u3000`` unclassified where pandas and polars read 38)."""
    frame = pd.DataFrame(
        {
            "outcome": ["live"] * len(SPACES),
            "gestation_weeks": SPACES,
            "birth_weight_g": ["3000", "2400\u3000", "\u00a03300", "3100 ", "2450\u00a0"],
            "birth_date": ["2024-01-05\u3000", " 2024-02-01", "2024-03-01\u00a0", "2024-04-01",
                           "\u30002024-05-01"],
        }
    )  # fmt: skip
    if engine == "pandas":
        frame = frame.astype("string")
    source = frame if engine.startswith("pandas") else _engine(frame, engine)
    out = mch.count_records({"births": source}, ["live_births", "low_birth_weight_live_births"])
    counts = _pandas(out.counts).set_index("term")
    assert counts["count"].tolist() == [5, 2]
    assert counts["unclassified"].tolist() == [0, 0]
