"""Notebook views: valid HTML, user text escaped, large results summarised, concise reprs."""

from __future__ import annotations

from html.parser import HTMLParser

import numpy as np
import pandas as pd

import mch_indicators as mch
from mch_indicators._views import MAX_ROWS

VOID = {"br", "input", "hr", "img", "meta", "link", "wbr"}


class _Checker(HTMLParser):
    """Every element closed, in order; records the tags and the text seen."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes {self.stack[-1:]}"
        self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)


def _parse(html: str) -> _Checker:
    checker = _Checker()
    checker.feed(html)
    checker.close()
    assert checker.stack == [], f"unclosed: {checker.stack}"
    return checker


def _evil() -> mch.Indicator:
    data = mch.get("MMR").model_dump()
    data.update(id="evil_indicator", name={"en": "<script>alert(1)</script>", "zh": "恶意<b>名称"},
                aliases=(), codes={})  # fmt: skip
    data["numerator"]["name"] = {"en": "deaths & <i>more</i>", "zh": "死亡<数>"}
    return mch.Indicator(**data)


def test_indicator_card_is_valid_and_complete() -> None:
    html = mch.get("perinatal_mortality_rate_cn")._repr_html_()
    parsed = _parse(html)
    words = " ".join(parsed.text)
    for expected in ("Perinatal mortality rate", "围产儿死亡率", "perinatal_deaths_28w",
                     "perinatal_births_28w", "lower is better", "越低越好", "Sources",
                     "Variants", "perinatal_mortality_rate_22w"):  # fmt: skip
        assert expected in words
    assert "script" not in parsed.tags


def test_indicator_card_shows_targets() -> None:
    words = " ".join(_parse(mch.get("MMR")._repr_html_()).text)
    assert "Targets" in words and "Healthy China 2030" in words


def test_user_text_is_escaped() -> None:
    evil = _evil()
    html = evil._repr_html_()
    parsed = _parse(html)
    assert "script" not in parsed.tags and "i" not in parsed.tags and "b" not in parsed.tags
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)</script>" in " ".join(parsed.text)  # shown as text
    catalog = mch.Catalog([evil])
    html = catalog._repr_html_()
    parsed = _parse(html)
    assert "script" not in parsed.tags and "&lt;script&gt;" in html
    result = evil.compute(2, 26954)
    assert "script" not in _parse(result._repr_html_()).tags


def test_a_large_result_is_summarised() -> None:
    rng = np.random.default_rng(3)
    result = mch.get("MMR").compute(rng.integers(0, 30, 10_000), rng.integers(0, 30_000, 10_000))
    html = result._repr_html_()
    parsed = _parse(html)
    assert len(html) < 12_000
    assert parsed.tags.count("tr") == 1 + MAX_ROWS // 2 + 5 + 1  # header, head, gap, tail
    words = " ".join(parsed.text)
    assert "15 of 10,000 rows shown" in words
    flagged = int(np.count_nonzero(result.has_flag(mch.Flag.UNRELIABLE)))
    assert f"UNRELIABLE</span> ({flagged:,})" in html


def test_a_small_result_shows_every_row_rounded_with_its_flags() -> None:
    result = mch.get("MMR").compute([2, 0], [26954, 0])
    words = " ".join(_parse(result._repr_html_()).text)
    assert "7.42" in words and "0.90–26.80" in words
    assert "ZERO_DENOMINATOR" in words and "The denominator is 0" in words
    scalar = mch.get("MMR").compute(2, 26954)
    assert "7.42" in " ".join(_parse(scalar._repr_html_()).text)
    grid = mch.get("MMR").compute([[2, 3], [4, 5]], 26954)
    assert "(1, 1)" in " ".join(_parse(grid._repr_html_()).text)


def test_a_result_card_names_its_interval_and_method_in_both_languages_as_the_card_does() -> None:
    from mch_indicators._labels import label

    result = mch.get("hospital_delivery_rate_cn").compute(2, 26)
    assert result.method == "wilson"
    note = _parse(result._repr_html_()).text
    words = " ".join(note)
    method = label("methods", "wilson", "zh")
    assert f"95% CI · 95%置信区间 (wilson · {method})" in words  # as the indicator card's
    assert "95% CI (wilson)" not in words
    headers = ["Numerator · 分子", "Denominator · 分母", "Value · 数值 (%)", "Flags · 标记"]
    assert all(header in note for header in headers)


def test_a_result_of_series_names_its_rows_by_their_labels() -> None:
    # The card numbered a Series' rows 0, 1 as it does a plain array's.
    deaths = pd.Series([2, 0], index=["甲县", "<b>乙县</b>"])
    result = mch.get("MMR").compute(deaths, pd.Series([0, 26954], index=deaths.index[::-1]))
    html = result._repr_html_()
    cells = _parse(html).text
    assert cells[cells.index("甲县") + 1 : cells.index("甲县") + 3] == ["2", "26,954"]
    assert "<b>乙县</b>" in cells and "b" not in _parse(html).tags  # escaped


def test_catalog_view_is_grouped_by_domain_and_searchable() -> None:
    html = mch.catalog._repr_html_()
    parsed = _parse(html)
    assert parsed.tags.count("details") == len({i.domain for i in mch.catalog.values()})
    assert parsed.tags.count("tr") == len(mch.catalog)
    assert "input" in parsed.tags and "data-search='maternal_mortality_ratio" in html
    assert "<details open" not in html  # compact: the search opens the domains it matches


def test_concise_reprs() -> None:
    mmr = mch.get("MMR")
    assert len(repr(mmr)) < 200 and str(mmr) == repr(mmr)
    target = mch.targets_for("MMR", plan="healthy_china_2030")[0]
    assert repr(target) == (
        "<Target healthy_china_2030/maternal_mortality_ratio/2030: ≤ 12 per 100,000 by 2030>"
    )
    words = " ".join(_parse(target._repr_html_()).text)
    assert "≤ 12 per 100,000 by 2030" in words and "健康中国" in words
