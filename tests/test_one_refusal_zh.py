"""A proportion's numerator above its denominator: one refusal on every surface, in both languages.

The statistics, ``compute`` and ``pool`` on pandas, a table ``read_table`` read, dask, the
narwhals engines (polars, pyarrow, DuckDB) and the command line all say it with the same
words of the label table (``numerator_above_denominator``), naming the row by its label
(a county and year, the file's line) or the engine's group, each with its own hint.
"""

from __future__ import annotations

import io

import pandas as pd
import pytest

import mch_indicators as mch
from chinese import english_words, run_cli
from mch_indicators._cli._words import describe_error
from mch_indicators._errors import ON_INVALID_FLAG, ON_INVALID_LEAVE_OUT, FileLine

INDICATOR = "hospital_delivery_rate_cn"
COUNTS = {"numerator": "hospital_births", "denominator": "live_births"}
REASON = f"numerator of {INDICATOR}: exceeds its denominator, impossible for a proportion"
REASON_ZH = "住院分娩率的分子：大于分母，构成比不可能如此"


def _labelled() -> pd.DataFrame:
    return pd.DataFrame(
        {"county": ["甲县", "乙县", "丙县"], "year": [2023, 2023, 2023],
         "hospital_births": [90, 120, 130], "live_births": [100, 100, 100]}
    ).set_index(["county", "year"])  # fmt: skip


def _refusal(call) -> mch.InvalidInputError:
    with pytest.raises(mch.InvalidInputError) as caught:
        call()
    return caught.value


@pytest.mark.parametrize(
    ("operation", "hint"), [(mch.compute, ON_INVALID_FLAG), (mch.pool, ON_INVALID_LEAVE_OUT)]
)
def test_a_labelled_row_is_named_by_its_county_and_year_in_both_languages(operation, hint):
    error = _refusal(lambda: operation(_labelled(), INDICATOR, **COUNTS))
    assert error.hint == hint
    # the county and year named: as the row's label, or as its place before the reason
    assert error.row == ("乙县", 2023) or error.reason.startswith("乙县/2023: ")
    assert error.reason.endswith(f"{REASON} (120 > 100, and 1 more row)")
    assert error.reason_zh.endswith(f"{REASON_ZH}（120 > 100，另有 1 行）")
    assert str(error).endswith("; " + hint.python())
    said = describe_error(error, None, "zh")
    assert "乙县" in said and "2023" in said
    assert f"{REASON_ZH}（120 > 100，另有 1 行）；加上 --on" in said
    assert english_words(said, "on-invalid", "flag") == []


@pytest.mark.parametrize("operation", [mch.compute, mch.pool])
def test_a_row_of_a_file_read_is_named_by_its_line_in_both_languages(operation):
    text = "county,hospital_births,live_births\n甲县,90,100\n乙县,120,100\n"
    table = mch.read_table(io.BytesIO(text.encode("utf-8")))
    error = _refusal(lambda: operation(table, INDICATOR, **COUNTS))
    assert error.row == 3 and isinstance(error.row, FileLine)
    assert error.reason == f"乙县: {REASON} (120 > 100)"  # its place in front, as every refusal
    assert error.reason_zh == f"乙县：{REASON_ZH}（120 > 100）"
    assert describe_error(error, "counts.csv", "en").startswith(f"counts.csv:3: 乙县: {REASON}")
    zh = describe_error(error, "counts.csv", "zh")
    assert zh.startswith(f"counts.csv 第3行：乙县：{REASON_ZH}")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_command_line_says_the_one_refusal_in_its_language(tmp_path, lang):
    path = tmp_path / "counts.csv"
    path.write_text(
        f"county,indicator,numerator,denominator\n甲县,{INDICATOR},90,100\n"
        f"乙县,{INDICATOR},120,100\n",
        encoding="utf-8",
    )
    status, _, err = run_cli("compute", "--file", str(path), "--lang", lang)
    assert status == 1
    if lang == "en":
        assert f"counts.csv:3: 乙县: {REASON} (120 > 100); use --on-invalid flag" in err
    else:
        assert f"counts.csv 第3行：乙县：{REASON_ZH}（120 > 100）；加上 --on-invalid flag" in err
        assert english_words(err.partition("：错误：")[2], str(path), "on-invalid", "flag") == []


@pytest.mark.parametrize("operation", ["compute", "pool"])
def test_dask_says_the_one_refusal_naming_the_row(operation):
    dd = pytest.importorskip("dask.dataframe")
    frame = dd.from_pandas(_labelled().reset_index(), npartitions=1)
    by = {"by": "county"} if operation == "pool" else {}
    lazy = getattr(mch, operation)(frame, INDICATOR, **by, **COUNTS)
    error = _refusal(lazy.compute)
    assert error.row == 1 and error.reason == f"乙县/2023: {REASON} (120 > 100, and 1 more row)"
    assert error.reason_zh == f"乙县/2023：{REASON_ZH}（120 > 100，另有 1 行）"


@pytest.mark.parametrize("engine", ["polars", "pyarrow", "duckdb"])
def test_the_engines_say_the_one_refusal_naming_the_group(engine):
    frame = _labelled().reset_index().iloc[:2]  # one row refused: the engines sort groups
    if engine == "polars":
        table = pytest.importorskip("polars").from_pandas(frame)
    elif engine == "pyarrow":
        table = pytest.importorskip("pyarrow").Table.from_pandas(frame)
    else:
        duckdb = pytest.importorskip("duckdb")
        table = duckdb.sql("select * from frame")
    error = _refusal(lambda: mch.pool(table, INDICATOR, by="county", **COUNTS))
    assert error.row == "乙县" and error.hint == ON_INVALID_LEAVE_OUT
    assert error.reason == f"{REASON} (in 1 row(s) of group '乙县')"
    assert error.reason_zh == f"{REASON_ZH}（分组“乙县”中有 1 行）"
