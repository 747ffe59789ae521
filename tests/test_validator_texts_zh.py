"""A definition's field refused by its validator or by its type is said in Chinese too.

The English text stays pydantic's (``Input should be a valid string``, ``Value error,``
dropped); in Chinese, each validator's refusal (raised by ``_errors.invalid``) and the
common kinds of pydantic's own errors are label messages.
"""

from __future__ import annotations

import re

import pytest

import mch_indicators as mch
from chinese import INDICATOR

CJK = re.compile(r"[\u4e00-\u9fff]")


def _refused(tmp_path, text: str) -> mch.DefinitionError:
    path = tmp_path / "mine.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(mch.DefinitionError) as caught:
        mch.load_definitions(path)
    return caught.value


@pytest.mark.parametrize(
    ("change", "english", "chinese"),
    [
        (
            ('numerator = "maternal_deaths"', 'numerator = "live_births"'),
            "definition: numerator and denominator are the same term",
            "定义：分子和分母是同一个计数项",
        ),
        (
            ('zh = "我的率"', 'zh = "my rate"'),
            "name.zh: the Chinese name 'my rate' contains no Chinese characters",
            "name.zh：中文名“my rate”中没有中文字符",
        ),
        (
            ('url = "https://example.org"', 'url = "example.org"'),
            "sources.0.url: url 'example.org' is not an http(s) address",
            "sources.0.url：url“example.org”不是以 http:// 或 https:// 开头的网址",
        ),
        (
            ('unit = "percent"', "unit = 3"),
            "unit: Input should be a valid string",
            "unit：应为文字",
        ),
        (
            ('kind = "proportion"', 'kind = "proportio"'),
            "kind: Input should be 'proportion', ",
            "kind：应为以下之一：'proportion'、",
        ),
    ],
)
def test_a_field_refused_is_said_in_chinese_and_english_stays_pydantics(
    tmp_path, change, english, chinese
):
    error = _refused(tmp_path, INDICATOR.replace(*change))
    assert error.reason.startswith("mine.toml, indicator 'my_rate': ")
    assert english in error.reason, error.reason
    assert error.reason_zh.startswith("mine.toml，指标 my_rate：")
    assert chinese in error.reason_zh, error.reason_zh
    assert "Input should" not in error.reason_zh and "Value error" not in error.reason_zh
