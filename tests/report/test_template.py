"""The blank template an office fills in, read back by the report as it is."""

from __future__ import annotations

import contextlib
import io

import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mch_indicators as mch
from mch_indicators._cli import main
from mch_indicators._report._template import template_sets

UNITS = ["城关镇", "河口镇", "石桥镇"]


def filled(path, counts: dict[str, list[float]]) -> None:
    """Type counts into the template as a clerk would: cell by cell under each header."""
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[2]]
    for name, column in counts.items():
        position = header.index(name) + 1
        for offset, value in enumerate(column):
            sheet.cell(row=3 + offset, column=position, value=value)
    book.save(path)


def test_headers_are_the_terms_names_and_the_notes_define_each_column(tmp_path):
    path = tmp_path / "模板.xlsx"
    header = mch.template(path, indicator_set="mortality", units=UNITS, year=2025,
                          level="township")  # fmt: skip
    terms = {t.name.zh: t for t in mch.catalog.terms.values()}
    assert header[:2] == ["乡镇", "年份"] and all(h in terms for h in header[2:])
    needed = {t.id for i in template_sets()["mortality"].indicators
              for t in (mch.catalog[i].numerator, mch.catalog[i].denominator)}  # fmt: skip
    assert {terms[h].id for h in header[2:]} == needed and len(header) == len(needed) + 2
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["填报表", "说明"]
    counts = book["填报表"]
    assert counts["A1"].value == "2025年妇幼健康统计填报表"
    assert [[c.value for c in row[:2]] for row in counts.iter_rows(min_row=3, max_row=5)] == [
        [u, 2025] for u in UNITS
    ]
    rules = counts.data_validations.dataValidation
    assert {r.type for r in rules} == {"whole"} and all(r.formula1 == "0" for r in rules)
    notes = [[c.value for c in row] for row in book["说明"].iter_rows(min_row=3)]
    by_column = {row[0]: row for row in notes if row[0] in header}
    assert by_column["活产数"][1] == "live_births"
    assert (
        by_column["活产数"][2] == mch.catalog.terms["live_births"].definition.zh
        or by_column["活产数"][2] == mch.catalog.terms["live_births"].definition.en
    )
    assert "孕产妇死亡率" in by_column["活产数"][4]


def test_estimated_counts_may_have_decimals(tmp_path):
    path = tmp_path / "t.xlsx"
    header = mch.template(path, indicators=["两癌筛查覆盖率"], units=UNITS)
    rules = openpyxl.load_workbook(path).worksheets[0].data_validations.dataValidation
    kinds = {r.type: str(r.sqref) for r in rules}
    task = openpyxl.utils.get_column_letter(header.index("两癌筛查任务数") + 1)
    assert kinds["decimal"].startswith(task) and "whole" in kinds


def test_a_filled_template_reports_the_same_as_the_table_it_holds(tmp_path):
    path = tmp_path / "模板.xlsx"
    header = mch.template(path, units=UNITS, year=[2024, 2025])
    assert header[:2] == ["县区", "年份"]
    rows = len(UNITS) * 2
    counts = {name: [1000.0 + 37 * i + 11 * k for i in range(rows)]
              for k, name in enumerate(header[2:])}  # fmt: skip
    filled(path, counts)
    table = pd.DataFrame({"县区": [u for u in UNITS for _ in (2024, 2025)],
                          "年份": [2024, 2025] * len(UNITS), **counts})  # fmt: skip
    from_file, from_frame = mch.report(path), mch.report(table)
    assert list(from_file) == list(from_frame) == ["县区", "合计"]
    for name in from_file:
        pd.testing.assert_frame_equal(
            from_file[name].reset_index(drop=True), from_frame[name].reset_index(drop=True),
            check_dtype=False,
        )  # fmt: skip
    # the same findings (the consistency rules these made-up counts break), plus the
    # template's title row, skipped above the header
    keys = ["check", "unit", "period", "item", "reported", "expected"]
    found = from_file.checks[from_file.checks["check"] != "rows_above_header"][keys]
    pd.testing.assert_frame_equal(found.reset_index(drop=True), from_frame.checks[keys])
    above = from_file.checks[from_file.checks["check"] == "rows_above_header"]
    assert above["message_zh"].str.contains("填报表").all() and len(above) == 1
    expected = set(template_sets()["county_annual"].indicators)
    assert set(from_file["县区"]["indicator"]) == expected


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.integers(0, 40), min_size=6, max_size=6),
    st.lists(st.integers(1000, 20000), min_size=6, max_size=6),
)
def test_any_filled_counts_read_back_unchanged(deaths, births):
    buffer = io.BytesIO()
    mch.template(buffer, indicator_set="mortality", units=UNITS, year=[2024, 2025])
    book = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[2]]
    for row, (d, b) in enumerate(zip(deaths, births, strict=True), start=3):
        sheet.cell(row=row, column=header.index("孕产妇死亡数") + 1, value=d)
        sheet.cell(row=row, column=header.index("活产数") + 1, value=b)
    out = io.BytesIO()
    book.save(out)
    back = mch.read_table(io.BytesIO(out.getvalue()))
    assert back["孕产妇死亡数"].tolist() == deaths and back["活产数"].tolist() == births


def _respelled(path, brackets: str) -> None:
    """The template's headers with their brackets in one width: "()" as older ones, "（）"."""
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    for cell in sheet[2]:
        if isinstance(cell.value, str):
            cell.value = cell.value.translate(str.maketrans("()（）", brackets * 2))
    book.save(path)


def test_a_template_reads_back_with_its_headers_brackets_in_either_width(tmp_path):
    ids = ["perinatal_mortality_rate_22w", "preterm_birth_rate"]
    path = tmp_path / "模板.xlsx"
    header = mch.template(path, indicators=ids, units=UNITS, year=2025)
    assert "围产儿死亡数（满22周起）" in header  # a Chinese header's brackets are full-width
    counts = {name: [float(10 + 7 * i + k) for i in range(len(UNITS))]
              for k, name in enumerate(header[2:])}  # fmt: skip
    filled(path, counts)
    results = []
    for brackets in ("（）", "()"):  # as written now, and as templates of 0.1.0 were
        _respelled(path, brackets)
        assert any(brackets[0] in str(c.value) for c in openpyxl.load_workbook(path).active[2])
        out = mch.report(path)["县区"]
        results.append(out[out["indicator"].isin(ids)].reset_index(drop=True))
    assert len(results[0]) == len(UNITS) * len(ids)
    assert results[0]["numerator"].notna().all()
    pd.testing.assert_frame_equal(results[0], results[1])


def test_english_template(tmp_path):
    header = mch.template(tmp_path / "t.xlsx", lang="en", indicator_set="mortality")
    assert header[:3] == ["county", "year", "maternal deaths"]
    assert openpyxl.load_workbook(tmp_path / "t.xlsx").sheetnames == ["Counts", "Notes"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"indicator_set": "nope"}, "unknown template set 'nope'"),
        ({"units": ["甲镇", "甲镇 "]}, "units must be distinct"),
        ({"units": ["甲镇", ""]}, "units must be distinct"),
        ({"year": 25}, "year must be a year from 1900 to 2099"),
        ({"year": [2024, 2024]}, "names a year twice"),
        ({"year": [2024, "2024年"]}, "names a year twice"),
        ({"year": True}, "year must be a year from 1900 to 2099"),
        ({"year": 2024.5}, "year must be a year from 1900 to 2099"),
        ({"level": "village"}, "level must be one of"),
        ({"indicators": ["TFR"]}, "not computed from counts"),
        ({"lang": "fr"}, "lang must be 'en' or 'zh'"),
    ],
)
def test_bad_requests_are_typed_errors(kwargs, message):
    with pytest.raises(mch.InvalidInputError, match=message):
        mch.template(io.BytesIO(), **kwargs)


@pytest.mark.parametrize(
    ("year", "written"),
    [(2100, None), (1899, None), ("2100年", None), (2099, 2099), (1900, 1900),
     ("2024年", 2024), ("二〇二五", 2025), ("２０２５", 2025)],
)  # fmt: skip
def test_the_library_and_the_command_line_take_the_same_years(tmp_path, year, written):
    # template(year=2100) wrote a workbook that `template --year 2100` refused (1900–2099);
    # template(year="2024年") refused its characters one by one ("got '2'").
    out = tmp_path / "t.xlsx"
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        status = main(["template", "--out", str(out), "--units", "甲镇", "--year", str(year)])
    assert status == (0 if written else 1)
    if written is None:
        with pytest.raises(mch.InvalidInputError, match="a year from 1900 to 2099") as refused:
            mch.template(io.BytesIO(), units=["甲镇"], year=year)
        assert "1900 至 2099 年间" in refused.value.reason_zh
        return
    mch.template(out, units=["甲镇"], year=year)
    row = next(openpyxl.load_workbook(out).worksheets[0].iter_rows(min_row=3, values_only=True))
    assert row[:2] == ("甲镇", written)


def test_template_sets_name_only_catalog_indicators():
    for found in template_sets().values():
        assert found.en and found.zh
        assert all(key in mch.catalog for key in found.indicators)
