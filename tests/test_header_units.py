"""A header's unit in brackets is read off after invisible characters are dropped.

``活产数（人）`` is live births: the unit names what the header counts already. With a
zero-width space (or a byte-order mark) beside or inside the brackets, the unit was
kept (``活产数人``) and the column matched nothing. ``第4次产前检查人次（人次）`` says its
unit of visits twice; it is the catalog's ``第4次产前检查人次`` (fourth ANC visits), as
before visits kept their unit, while ``产前检查数（人次）`` still matches no count of women.
"""

from __future__ import annotations

import io

import pytest

import mch_indicators as mch


def _read(text: str) -> object:
    return mch.read_table(io.BytesIO(text.encode("utf-8")))


@pytest.mark.parametrize(
    "header",
    ["活产数\u200b（人）", "活产数（人）\u200b", "活产数（\u200b人）", "活产数(人\ufeff)"],
)
def test_a_count_unit_beside_an_invisible_character_is_read_off(header: str) -> None:
    table = _read(f"县区,年份,{header},孕产妇死亡数\n甲县,2024,1000,1\n乙县,2024,3000,0\n")
    out = mch.compute(table, "MMR")
    assert out["denominator"].tolist() == [1000.0, 3000.0]


def test_a_unit_of_visits_said_twice_matches_its_term() -> None:
    table = _read("县区,年份,第4次产前检查人次（人次）,预计孕妇数\n甲县,2024,900,1000\n")
    out = mch.compute(table, "anc4_coverage_hmis")
    assert out[["numerator", "denominator"]].values.tolist() == [[900.0, 1000.0]]
    assert mch.match_columns(table).terms == {
        "anc4_visits": "第4次产前检查人次（人次）",
        "expected_pregnancies": "预计孕妇数",
    }


def test_a_unit_of_visits_after_another_name_is_still_kept() -> None:
    table = _read("县区,年份,产前检查数（人次）,活产数\n甲县,2024,900,1000\n")
    assert "产前检查数（人次）" not in mch.match_columns(table).terms.values()
