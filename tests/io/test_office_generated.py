"""Generated office tables: however a county office lays out its sheet, the units are its units.

Each example is a township table as offices save it, drawn from the parts their
exports really have: title rows and 填报单位/单位 rows above the header, the headers'
usual wordings, counts with thousands separators or full-width digits, years written
``2024年``, blank rows, a 合计/全县 row (its figures right, or not) at the top or the
bottom, notes and signature rows under the table; saved as GBK, UTF-8 (with or without
a byte-order mark) CSV with any line end, or as ``.xlsx``. Whatever the layout:

* ``compute`` gives one row per township, with the drawn counts and the rate they make;
  a total row is never one of them;
* the total row is named in the checks, and a total that is not the sum of its units is
  named as a mismatch;
* pooling the table gives the sum of the townships' counts, never twice it.
"""

from __future__ import annotations

import csv
import dataclasses
import io
from dataclasses import dataclass

import numpy as np
import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mch_indicators as mch

TOWNSHIPS = (
    "城关镇",
    "东乡",
    "西乡",
    "南湖乡",
    "北山乡",
    "河阳镇",
    "石门乡",
    "青山镇",
    "白沙乡",
    "新华街道",
    "红旗乡",
    "长安镇",
)
UNIT_HEADERS = ("乡镇", "乡镇名称", "乡镇（街道）", "乡镇(街道)")
BIRTH_HEADERS = ("活产数", "活产婴儿数")
DEATH_HEADERS = ("孕产妇死亡数", "孕产妇死亡人数")
TOTAL_LABELS = ("合计", "总计", "全县", "全县合计", "合 计")
ABOVE = ("{county}{year}年妇幼卫生统计表", "填报单位：{county}妇幼保健院", "单位：人")
BELOW = ("注：数据为初步统计", "填表人：张三", "审核人：李四", "填报日期：2025年1月10日")
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


@dataclass(frozen=True)
class Layout:
    """A drawn table: its units' counts and how the office wrote them."""

    units: tuple[str, ...]
    births: tuple[int, ...]
    deaths: tuple[int, ...]
    year: int
    year_text: str  # "{year}" or "{year}年"
    headers: tuple[str, str, str]
    above: tuple[str, ...]
    below: tuple[str, ...]
    total: tuple[str, str, int, int] | None  # label, "top"/"bottom", births, deaths
    blank_after: int | None  # a blank row after this unit row
    styles: tuple[str, ...]  # per unit: "plain", "thousands" or "full-width" births

    def cells(self) -> list[list[str]]:
        """The sheet as rows of text cells, four columns wide."""
        width = 4
        rows = [
            [line.format(county="河阳县", year=self.year)] + [""] * (width - 1)
            for line in self.above
        ]
        rows.append([self.headers[0], "年份", self.headers[1], self.headers[2]])
        body = []
        for i, unit in enumerate(self.units):
            body.append(
                [
                    unit,
                    self.year_text.format(year=self.year),
                    _written(self.births[i], self.styles[i]),
                    str(self.deaths[i]),
                ]
            )
            if self.blank_after == i:
                body.append([""] * width)
        if self.total is not None:
            label, where, births, deaths = self.total
            total = [label, self.year_text.format(year=self.year), f"{births:,}", str(deaths)]
            body = [total, *body] if where == "top" else [*body, total]
        rows += body
        rows += [[line] + [""] * (width - 1) for line in self.below]
        return rows


def _written(count: int, style: str) -> str:
    if style == "thousands":
        return f"{count:,}"
    if style == "full-width":
        return str(count).translate(FULL_WIDTH)
    return str(count)


@st.composite
def layouts(draw: st.DrawFn) -> Layout:
    units = tuple(draw(st.lists(st.sampled_from(TOWNSHIPS), min_size=2, max_size=8, unique=True)))
    n = len(units)
    births = tuple(draw(st.lists(st.integers(200, 30_000), min_size=n, max_size=n)))
    deaths = tuple(draw(st.lists(st.integers(0, 4), min_size=n, max_size=n)))
    total = None
    if draw(st.booleans()):
        right = draw(st.booleans())
        total = (
            draw(st.sampled_from(TOTAL_LABELS)),
            draw(st.sampled_from(("top", "bottom"))),
            sum(births) + (0 if right else draw(st.integers(1, 500))),
            sum(deaths),
        )
    return Layout(
        units=units,
        births=births,
        deaths=deaths,
        year=draw(st.integers(2015, 2025)),
        year_text=draw(st.sampled_from(("{year}", "{year}年"))),
        headers=(
            draw(st.sampled_from(UNIT_HEADERS)),
            draw(st.sampled_from(BIRTH_HEADERS)),
            draw(st.sampled_from(DEATH_HEADERS)),
        ),
        above=tuple(draw(st.lists(st.sampled_from(ABOVE), max_size=3, unique=True))),
        below=tuple(draw(st.lists(st.sampled_from(BELOW), max_size=4, unique=True))),
        total=total,
        blank_after=draw(st.none() | st.integers(0, n - 2)),
        styles=tuple(
            draw(
                st.lists(
                    st.sampled_from(("plain", "thousands", "full-width")), min_size=n, max_size=n
                )
            )
        ),
    )


def _csv_bytes(layout: Layout, encoding: str, newline: str) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator=newline).writerows(layout.cells())
    return buffer.getvalue().encode(encoding)


def _xlsx_bytes(layout: Layout) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in layout.cells():
        sheet.append([_cell_value(text) for text in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _cell_value(text: str) -> str | int | None:
    """As Excel stores what an office typed: plain whole numbers as numbers."""
    if not text:
        return None
    return int(text) if text.isascii() and text.isdigit() else text


def _check_read(layout: Layout, table: object) -> None:
    result = mch.compute(table, "MMR")
    unit_column = result.columns[0]
    assert result[unit_column].tolist() == list(layout.units)  # no total row among them
    assert result["numerator"].tolist() == list(layout.deaths)
    assert result["denominator"].tolist() == list(layout.births)
    expected = np.array(layout.deaths) / np.array(layout.births) * 100_000
    np.testing.assert_allclose(result["value"].to_numpy(float), expected, rtol=1e-12)
    found = mch.checks(result)
    codes = set(found["check"])
    assert ("total_row" in codes) == (layout.total is not None)
    wrong = layout.total is not None and layout.total[2] != sum(layout.births)
    assert ("total_mismatch" in codes) == wrong
    pooled = mch.pool(table, "MMR")
    assert pooled["numerator"].tolist() == [sum(layout.deaths)]
    assert pooled["denominator"].tolist() == [sum(layout.births)]


@settings(max_examples=40, deadline=None)
@given(
    layouts(),
    st.sampled_from(("gbk", "utf-8", "utf-8-sig")),
    st.sampled_from(("\n", "\r\n", "\r")),
)
def test_a_csv_as_an_office_saves_it_gives_its_townships(layout, encoding, newline):
    table = mch.read_table(io.BytesIO(_csv_bytes(layout, encoding, newline)))
    _check_read(layout, table)


@settings(max_examples=15, deadline=None)
@given(layouts())
def test_an_xlsx_as_an_office_saves_it_gives_its_townships(layout):
    table = mch.read_table(io.BytesIO(_xlsx_bytes(layout)))
    _check_read(layout, table)


#: Two townships of 2024, plainly written: the examples below change what they test.
PLAIN = Layout(
    units=("东乡", "西乡"),
    births=(100, 200),
    deaths=(0, 1),
    year=2024,
    year_text="{year}",
    headers=("乡镇", "活产数", "孕产妇死亡数"),
    above=(),
    below=(),
    total=None,
    blank_after=None,
    styles=("plain", "plain"),
)


def test_the_layouts_cover_what_offices_write():
    # the strategy itself: a table with every part, written as the office would
    layout = dataclasses.replace(
        PLAIN,
        births=(5200, 5355),
        deaths=(1, 0),
        year_text="{year}年",
        headers=("乡镇名称", "活产数", "孕产妇死亡数"),
        above=ABOVE,
        below=BELOW,
        total=("全县", "bottom", 10555, 1),
        blank_after=0,
        styles=("thousands", "full-width"),
    )
    text = _csv_bytes(layout, "utf-8", "\n").decode()
    assert text.splitlines()[3:8] == [
        "乡镇名称,年份,活产数,孕产妇死亡数",
        '东乡,2024年,"5,200",1',
        ",,,",
        "西乡,2024年,５３５５,0",
        '全县,2024年,"10,555",1',
    ]
    _check_read(layout, mch.read_table(io.BytesIO(text.encode())))


@pytest.mark.parametrize("label", TOTAL_LABELS)
def test_every_total_label_drawn_is_one_the_library_knows(label):
    layout = dataclasses.replace(PLAIN, total=(label, "bottom", 300, 1))
    _check_read(layout, mch.read_table(io.BytesIO(_csv_bytes(layout, "utf-8", "\n"))))
