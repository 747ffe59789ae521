"""The office's own rate columns: compared with the rates recomputed from each row's counts.

The reference is independent of the library: each row's rate is its numerator over its
denominator times the unit's scale, computed here in plain Python; an office's value
agrees when it is that number rounded to the decimals it was written with (half a unit
of the last decimal, the rule a spreadsheet's ROUND follows). A total row whose rate is
the average of its units' rates (the classic error: 2.5 ‰ for 3 ‰ and 2 ‰, where the
sums give 9 / 4,000 = 2.25 ‰) is a difference.
"""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mch_indicators as mch
from chinese import english_words, run_cli
from mch_indicators._checks import checks_of


def _table(**rates: list[object]) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "县区": ["甲县", "乙县", "合计"],
            "年份": [2024] * 3,
            "活产数": [1000, 3000, 4000],
            "婴儿死亡数": [3, 6, 9],
            "孕产妇死亡数": [0, 1, 1],
        }
    )
    for header, values in rates.items():
        frame[header] = values
    return frame


def _checks(frame: pd.DataFrame, code: str) -> pd.DataFrame:
    checks = mch.checks(mch.compute(frame))
    return checks[checks["check"] == code].reset_index(drop=True)


def test_an_averaged_total_rate_is_a_difference_named_by_its_row() -> None:
    table = _table(**{"婴儿死亡率(‰)": [3.0, 2.0, 2.5]})
    differs = _checks(table, "office_rate_differs")
    assert differs[["unit", "period", "item"]].values.tolist() == [
        ["合计", "2024", "婴儿死亡率(‰)"]
    ]
    assert (differs["reported"][0], differs["expected"][0]) == (2.5, 2.25)
    assert "行 2“合计”2024" in differs["message_zh"][0]
    assert "按本行计数重算为2.25" in differs["message_zh"][0]
    assert english_words(differs["message_zh"][0]) == []
    assert "recomputed from the row's counts it is 2.25" in differs["message_en"][0]


def test_values_and_units_are_unchanged_by_a_rate_column() -> None:
    plain = mch.compute(_table())
    with_rates = mch.compute(_table(**{"婴儿死亡率(‰)": [9.0, 9.0, 9.0]}))
    pd.testing.assert_frame_equal(plain, with_rates)


def test_a_column_that_agrees_is_named_once_not_listed_as_unused() -> None:
    table = _table(**{"孕产妇死亡率（1/10万）": [0, 33.33, 25]})
    checks = mch.checks(mch.compute(table))
    assert "unmatched_column" not in set(checks["check"])
    agrees = checks[checks["check"] == "office_rate_agrees"]
    assert agrees["item"].tolist() == ["孕产妇死亡率（1/10万）"]
    assert "比较的每一行" in agrees["message_zh"].iloc[0]
    assert english_words(agrees["message_zh"].iloc[0]) == []


@pytest.mark.parametrize(
    ("header", "values"),
    [
        ("婴儿死亡率(‰)", [3.0, 2.0, 2.25]),
        ("婴儿死亡率（1/1000）", [3.0, 2.0, 2.25]),
        ("婴儿死亡率/万", [30.0, 20.0, 22.5]),  # written per 10,000: 10 × the permille
        ("婴儿死亡率（1/10万）", [300, 200, 225]),
        ("婴儿死亡率", [3, 2, 2.3]),  # no unit: the indicator's own; 2.25 rounds to 2.3
        ("infant mortality rate", [3, 2, 2]),  # 2.25 to no decimals is 2
        ("IMR", [3.0, 2.0, 2.25]),
    ],
)
def test_headers_name_the_rate_and_its_unit(header: str, values: list[float]) -> None:
    checks = mch.checks(mch.compute(_table(**{header: values})))
    assert "office_rate_differs" not in set(checks["check"]), checks["message_en"].tolist()
    assert checks[checks["check"] == "office_rate_agrees"]["item"].tolist() == [header]


def test_half_a_unit_of_the_last_decimal_is_the_line() -> None:
    # 7 / 3,130 × 1,000 = 2.23642...: 2.24 agrees (0.0036), 2.23 does not (0.0064)
    table = pd.DataFrame(
        {"县区": ["甲县", "乙县"], "活产数": [3130, 3130], "婴儿死亡数": [7, 7],
         "婴儿死亡率‰": [2.24, 2.23]}
    )  # fmt: skip
    differs = _checks(table, "office_rate_differs")
    assert differs["unit"].tolist() == ["乙县"]
    assert differs["expected"].tolist() == [2.2364]


def test_a_rate_of_an_indicator_not_computed_stays_a_column_not_used() -> None:
    table = _table(**{"新生儿死亡率(‰)": [1.0, 1.0, 1.0], "婴儿死亡率‰": ["3‰", "2‰", "x"]})
    checks = mch.checks(mch.compute(table))
    unused = checks[checks["check"] == "unmatched_column"]["item"].tolist()
    assert unused == ["新生儿死亡率(‰)", "婴儿死亡率‰"]  # no neonatal counts; text not numbers
    assert not checks["check"].str.startswith("office_rate").any()


def test_a_value_written_without_its_trailing_zeros_has_its_columns_decimals() -> None:
    # 2.2364 and 2.2 in a column of two decimals: 2.2 is 2.20, which 2.2364 does not round to
    table = pd.DataFrame(
        {"县区": ["甲县", "乙县", "丙县"], "活产数": [3130, 3130, 1000], "婴儿死亡数": [7, 7, 2],
         "婴儿死亡率(‰)": [2.24, 2.2, 2]}
    )  # fmt: skip
    differs = _checks(table, "office_rate_differs")
    assert differs["unit"].tolist() == ["乙县"]


def test_a_formulas_stored_result_is_compared_to_six_decimals() -> None:
    # a workbook's formula cell stores the full number; a typed one beside it its rounding
    table = pd.DataFrame(
        {"县区": ["甲县", "乙县", "丙县"], "活产数": [3130, 3130, 3130],
         "婴儿死亡数": [7, 7, 7], "婴儿死亡率(‰)": [7 / 3130 * 1000, 2.24, 7 / 3130 * 1000 + 1e-4]}
    )  # fmt: skip
    differs = _checks(table, "office_rate_differs")
    assert differs["unit"].tolist() == ["丙县"]


def test_a_row_without_a_rate_or_without_births_is_not_compared() -> None:
    table = pd.DataFrame(
        {"县区": ["甲县", "乙县", "丙县"], "活产数": [1000, 0, 2000], "婴儿死亡数": [3, 0, 4],
         "婴儿死亡率(‰)": [None, 0.0, 2.0]}
    )  # fmt: skip
    checks = mch.checks(mch.compute(table))
    assert checks["check"].tolist() == ["office_rate_agrees"]  # 甲县 blank, 乙县 no births


def test_a_workbook_percent_cell_is_compared_as_shown() -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["县区", "活产数", "早孕建册人数", "早孕建册率(%)"])
    sheet.append(["甲县", 13957, 12950, 0.9278])  # 92.785 %: shown 92.78%
    sheet.append(["乙县", 4210, 3801, 0.9000])  # 90.285 % by its counts; shown 90.00%
    for row in (2, 3):
        sheet.cell(row=row, column=4).number_format = "0.00%"
    buffer = io.BytesIO()
    book.save(buffer)
    frame = mch.read_table(io.BytesIO(buffer.getvalue()))
    differs = _checks(frame, "office_rate_differs")
    assert differs["unit"].tolist() == ["乙县"]
    assert differs["expected"].tolist() == [90.2850]


def test_the_command_line_lists_the_difference(tmp_path: pytest.TempPathFactory) -> None:
    path = tmp_path / "office.csv"  # type: ignore[operator]
    _table(**{"婴儿死亡率(‰)": [3.0, 2.0, 2.5]}).to_csv(path, index=False, encoding="gbk")
    status, _, err = run_cli("compute", "--file", str(path), "--lang", "zh")
    assert status == 0
    assert "“婴儿死亡率(‰)”列的婴儿死亡率为2.5，按本行计数重算为2.25" in err


def _read(frame: pd.DataFrame) -> pd.DataFrame:
    return mch.read_table(io.BytesIO(frame.to_csv(index=False).encode("gbk")))


def _one_file_in_two_parts() -> tuple[pd.DataFrame, pd.DataFrame]:
    """One file read once, computed by year: its rate column agrees in 2024, differs in 2025."""
    table = pd.concat(
        [_table(**{"婴儿死亡率(‰)": [3.0, 2.0, 2.25]}),
         _table(**{"婴儿死亡率(‰)": [3.0, 2.0, 2.5]}).assign(年份=2025)],
        ignore_index=True,
    )  # fmt: skip
    read = _read(table)
    right, wrong = (mch.compute(read[read["年份"] == year]) for year in (2024, 2025))
    return right, wrong


def test_a_part_that_agrees_yields_to_a_part_of_the_same_file_that_differs() -> None:
    # one file read once, computed in parts: the column agrees in one, differs in another
    right, wrong = _one_file_in_two_parts()
    agree, differ = mch.checks(right), mch.checks(wrong)
    both = mch.checks({"a": right, "b": wrong})
    assert set(agree["check"]) >= {"office_rate_agrees"}
    assert set(differ["check"]) >= {"office_rate_differs"}
    assert "office_rate_agrees" not in set(both["check"])
    assert "office_rate_differs" in set(both["check"])


@pytest.mark.parametrize("read", [True, False])
def test_two_files_checks_added_together_keep_each_files_agreement(read: bool) -> None:
    """File A's rate column agrees; file B's column of the same name differs. Added
    together (a mapping of results, or their tables), A's agreement was dropped."""
    a = _table(**{"婴儿死亡率(‰)": [3.0, 2.0, 2.25]})
    b = _table(**{"婴儿死亡率(‰)": [3.0, 2.0, 2.5]})
    first, second = (mch.compute(_read(t) if read else t) for t in (a, b))
    for combined in (
        mch.checks({"A": first, "B": second}),
        (checks_of(first) + checks_of(second)).to_frame(),
        (checks_of(second) + checks_of(first)).to_frame(),
    ):
        assert combined[combined["check"] == "office_rate_agrees"]["item"].tolist() == [
            "婴儿死亡率(‰)"
        ]
        assert combined[combined["check"] == "office_rate_differs"]["unit"].tolist() == ["合计"]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.integers(1, 50_000), st.integers(0, 60)), min_size=1, max_size=8),
    st.integers(0, 4),
)
def test_the_recomputed_rates_rounded_always_agree(rows: list[tuple[int, int]], d: int) -> None:
    births = [b for b, _ in rows]
    deaths = [min(x, b) for b, x in rows]
    exact = [x / b * 1000 for b, x in zip(births, deaths, strict=True)]
    table = pd.DataFrame(
        {"县区": [f"县{i}" for i in range(len(rows))], "活产数": births, "婴儿死亡数": deaths,
         "婴儿死亡率(‰)": [round(v, d) for v in exact]}
    )  # fmt: skip
    assert _checks(table, "office_rate_differs").empty
    off = table.assign(**{"婴儿死亡率(‰)": [round(v, d) + 0.6 * 10.0**-d for v in exact]})
    assert len(_checks(off, "office_rate_differs")) == len(rows)


def test_another_files_agreement_is_kept_whatever_the_order_of_the_parts() -> None:
    """File A read once, computed in two parts (2024 agrees, 2025 differs), and file B
    whose same column agrees: B's agreement was dropped as a copy of A's first part's
    row, then overruled by A's second part, depending on the order they were added."""
    a1, a2 = _one_file_in_two_parts()
    b = mch.compute(_read(_table(**{"婴儿死亡率(‰)": [3.0, 2.0, 2.25]})))
    for parts in ({"A1": a1, "B": b, "A2": a2}, {"B": b, "A1": a1, "A2": a2}):
        found = mch.checks(parts)["check"].tolist()
        assert found.count("office_rate_agrees") == 1 and "office_rate_differs" in found
