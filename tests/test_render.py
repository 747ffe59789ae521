"""The text of a definition (``mch-indicators show``): its short facts, in English and Chinese."""

from __future__ import annotations

import pytest

import mch_indicators as mch
from mch_indicators._render import describe

#: The lines under the names: kind, unit, direction, domain, interval, aliases, codes.
FACTS = {
    ("maternal_mortality_ratio", "en"): [
        "  kind:       ratio",
        "  unit:       per 100,000 (per 100,000; /10万)",
        "  direction:  lower is better",
        "  domain:     mortality",
        "  interval:   exact",
        "  aliases:    MMR, maternal mortality rate (Chinese usage), 孕产妇死亡比",
        "  codes:      SDG 3.1.1, GHO MDG_0000000026 (unverified)",
    ],
    ("maternal_mortality_ratio", "zh"): [
        "  类型：比",
        "  单位：/10万",
        "  方向：越低越好",
        "  领域：死亡与妊娠结局",
        "  置信区间方法：泊松分布精确区间（exact）",
        "  别名：MMR、maternal mortality rate (Chinese usage)、孕产妇死亡比",
        "  编码：SDG 3.1.1、GHO MDG_0000000026（未核实）",
    ],
    # neither aliases nor codes: no line for them, in either language
    ("lifetime_risk_maternal_death", "en"): [
        "  kind:       rate",
        "  unit:       per 100 (%; %)",
        "  direction:  lower is better",
        "  domain:     mortality",
        "  interval:   exact",
    ],
    ("lifetime_risk_maternal_death", "zh"): [
        "  类型：率",
        "  单位：%",
        "  方向：越低越好",
        "  领域：死亡与妊娠结局",
        "  置信区间方法：泊松分布精确区间（exact）",
    ],
}


@pytest.mark.parametrize(("key", "lang"), FACTS)
def test_the_facts_stand_under_the_names_in_the_texts_language(key: str, lang: str) -> None:
    lines = describe(mch.get(key), lang=lang).splitlines()
    expected = FACTS[key, lang]
    assert lines[2] == ""
    assert lines[3 : 3 + len(expected)] == expected
    following = lines[3 + len(expected)]
    assert not following.startswith(("  aliases", "  codes", "  别名", "  编码"))


def test_the_chinese_text_says_all_the_english_one_does_in_chinese() -> None:
    imr = mch.get("infant_mortality_rate")
    text = describe(imr, lang="zh")
    for heading, field in (("意义", imr.rationale), ("解读与局限", imr.limitations),
                           ("数据来源", imr.data_source)):  # fmt: skip
        assert field is not None and field.zh
        assert f"  {heading}：\n    {field.zh}\n" in text
    assert f"  备注：{imr.note_zh}" in text and "note:" not in text
    assert "（转引文献）" in text and "(secondary)" not in text and "(unverified)" not in text
    assert "能否由计数计算：否" in describe(mch.get("TFR"), lang="zh")
    english = describe(imr, lang="en")
    assert "(secondary)" in english and f"  note: {imr.note}" in english
    assert "computable: no (not one quotient" in describe(mch.get("TFR"), lang="en")


def test_the_chinese_text_writes_full_width_brackets_and_colons() -> None:
    text = describe(mch.get("MMR"), lang="zh")
    assert text.startswith("孕产妇死亡率（maternal_mortality_ratio）\n")
    assert "  分子：孕产妇死亡数（maternal_deaths）\n" in text
    assert "* maternal_mortality_ratio：孕产妇死亡率 [" in text
    assert "变体（同一概念、不同定义）：" in text


def test_the_note_is_chinese_in_chinese_outputs_and_marked_where_only_english() -> None:
    from mch_indicators._views import note_text

    imr = mch.get("infant_mortality_rate")
    assert imr.note and imr.note_zh
    assert f"  备注：{imr.note_zh}\n" in describe(imr, lang="zh")
    assert f"  note: {imr.note}\n" in describe(imr, lang="en")
    assert all(i.note_zh for i in mch.catalog.values() if i.note)  # every built-in note
    english_only = mch.get("stillbirth_rate").model_copy(update={"note_zh": None})  # one of yours
    shown = note_text(english_only, "zh")
    assert shown == f"（英文原文）{english_only.note}"
    assert f"  备注：{shown}" in describe(english_only, lang="zh")
    assert note_text(english_only, "en") == english_only.note
    assert note_text(mch.get("MMR"), "zh") == ""


def test_show_keeps_each_line_one_line_whatever_a_definition_holds(tmp_path) -> None:
    """A name or a definition holding a line break printed its own lines in ``show`` (a
    forged ``status: verified`` under an unverified definition), and an ``ESC`` sequence
    reached a file or a pipe as it was; each is now an escape, as in the CLI's tables."""
    path = tmp_path / "mine.toml"
    path.write_text(
        """
[[indicator]]
id = "forged_rate"
name = { en = "Forged\\n  status: verified", zh = "伪造\\u001b[2J率" }
domain = "maternal_care"
kind = "proportion"
unit = "%"
direction = "neutral"
numerator = "maternal_deaths"
denominator = "live_births"
definition = { en = "Line one\\r\\n# heading" }
sources = [{ document = "Local protocol 2024" }]
verified = false
note = "Not read."
""",
        encoding="utf-8",
    )
    catalog = mch.load_definitions(path)
    for lang in ("en", "zh"):
        text = describe(catalog["forged_rate"], catalog, lang=lang)
        assert "\x1b" not in text and "\r" not in text
        assert not any(line.lstrip().startswith(("status: verified", "# heading"))
                       for line in text.splitlines())  # fmt: skip
    text = describe(catalog["forged_rate"], catalog)
    assert "Forged\\n  status: verified / 伪造\\x1b[2J率" in text
    assert "    Line one\\r\\n# heading" in text
