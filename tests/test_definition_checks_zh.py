"""The checks of targets, standard populations, reference lists and record sets in Chinese.

Each model's validator raises a label message (``_errors.invalid``), which the
``DefinitionError`` says in Chinese too; the record sets' two load refusals are label
messages (``error_of``). English texts are unchanged.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

import mch_indicators as mch
from mch_indicators._coverage import CoverageItem
from mch_indicators._standards import StandardPopulation, standard_populations
from mch_indicators._targets import Target
from mch_indicators.records import _schema
from mch_indicators.records._schema import RecordSet, builtin_record_sets

#: The keys of the data files and their values (TOML keys, comparators, fields) may stay.
KEYS = {"baseline_year", "value", "note", "verification_note", "reason", "min", "max",
        "quantity", "date", "definition", "item", "id"}  # fmt: skip


ONE = {"en": "one", "zh": "一"}


def english_words(text: str) -> list[str]:
    found = re.findall(r"(?<![\w.'“])[a-z]{3,}(?![\w.'”])", text)
    return [word for word in found if word not in KEYS]


def _refused(model: Any, raw: dict[str, Any]) -> mch.DefinitionError:
    with pytest.raises(mch.DefinitionError) as caught:
        model.model_validate(raw, where="x")
    return caught.value


def _target(**change: Any) -> dict[str, Any]:
    target = next(t for t in mch.targets if t.comparator.value == "at_most" and t.wording is None)
    return {**target.model_dump(), **change}


@pytest.mark.parametrize(
    ("change", "english", "chinese"),
    [
        ({"comparator": "reduce_by", "baseline_year": None},
         "a reduce_by target needs a baseline_year",
         "“下降”类目标须有 baseline_year（基线年份）"),
        ({"baseline_year": 2015},
         "a at_most target takes no baseline_year",
         "“不高于”类目标不设 baseline_year（基线年份）"),
        ({"comparator": "no_increase", "baseline_year": 2015},
         "no_increase takes no value", "“不增加”类目标不设 value（目标值）"),
        ({"value": None}, "a at_most target needs a value", "“不高于”类目标须有 value（目标值）"),
        ({"comparator": "reduce_by", "baseline_year": 2015, "value": 120},
         "a reduction cannot exceed 100 %", "降幅不能超过 100%"),
        ({"verified": False, "note": None},
         "an unverified target needs a note saying what is unconfirmed",
         "未经核实的目标须有 note，说明哪些内容尚未确认"),
        ({"wording": "不低于70"},
         "the wording '不低于70' means 'at_least' (≥), not 'at_most'",
         "措辞“不低于70”的意思是“不低于”（≥），而不是“不高于”"),
        ({"unit": "nope"}, "unknown unit 'nope'", "未知的单位“nope”；已有的单位："),
    ],
)  # fmt: skip
def test_a_target_refused_is_said_in_chinese(change, english, chinese):
    error = _refused(Target, _target(**change))
    assert english in error.reason, error.reason
    assert chinese in error.reason_zh, error.reason_zh
    if "unit" not in change:
        assert english_words(error.reason_zh) == [], error.reason_zh


def _standard(**change: Any) -> dict[str, Any]:
    return {**next(iter(standard_populations().values())).model_dump(), **change}


@pytest.mark.parametrize(
    ("change", "english", "chinese"),
    [
        ({"weights": (1.0,)}, "bands but 1 weights", "个年龄组，却有 1 个权重"),
        ({"bands": ("0-4", "0 - 4"), "weights": (1.0, 1.0)},
         "two bands have the same label", "有两个年龄组的标签相同"),
        ({"bands": ("0-4",), "weights": (0.0,)}, "weights must be positive", "权重须为正数"),
        ({"verified": False, "verification_note": None},
         "an unverified standard needs a verification_note",
         "未经核实的标准人口须有 verification_note（核实说明）"),
    ],
)  # fmt: skip
def test_a_standard_population_refused_is_said_in_chinese(change, english, chinese):
    error = _refused(StandardPopulation, _standard(**change))
    assert english in error.reason and chinese in error.reason_zh, error.reason_zh
    assert english_words(error.reason_zh) == [], error.reason_zh


@pytest.mark.parametrize(
    ("change", "english", "chinese"),
    [
        ({"status": "missing", "indicators": ("mmr",), "reason": "x"},
         "a missing item names no indicator", "“缺失”条目不列出指标"),
        ({"status": "variant", "indicators": (), "reason": "x"},
         "a variant item names the catalog's indicators", "“变体”条目须列出目录中的指标"),
        ({"status": "variant", "indicators": ("mmr",), "reason": None},
         "a variant item says why (reason)", "“变体”条目须说明原因（reason）"),
    ],
)  # fmt: skip
def test_a_reference_list_item_refused_is_said_in_chinese(change, english, chinese):
    error = _refused(CoverageItem, {"list": "x", "item": "x", **change})
    assert english in error.reason and chinese in error.reason_zh, error.reason_zh
    assert english_words(error.reason_zh) == [], error.reason_zh


def _record_set(change) -> dict[str, Any]:
    raw = next(iter(builtin_record_sets().values())).model_dump(exclude_none=True)
    change(raw)
    return raw


def _field_of(raw: dict[str, Any], kind: str) -> dict[str, Any]:
    return next(f for f in raw["fields"].values() if f["type"] == kind)


@pytest.mark.parametrize(
    ("change", "english", "chinese"),
    [
        (lambda raw: _field_of(raw, "integer").update(values={"1": {"name": ONE}}),
         "a category field lists its values, and only a category field does",
         "分类字段须列出取值，且只有分类字段列出取值"),
        (lambda raw: _field_of(raw, "date").update(min=1),
         "min, max and quantity are for number and integer fields",
         "min、max 和 quantity 只用于数值和整数字段"),
        (lambda raw: _field_of(raw, "integer").update(min=5, max=1),
         "min 5", "min（5"),
        (lambda raw: raw.update(date=_field_of(raw, "integer")["id"]),
         "is not a date field of the record set", "不是该记录集的日期字段"),
    ],
)  # fmt: skip
def test_a_record_set_refused_is_said_in_chinese(change, english, chinese):
    error = _refused(RecordSet, _record_set(change))
    assert english in error.reason and chinese in error.reason_zh, error.reason_zh
    assert english_words(error.reason_zh) == [], error.reason_zh


def test_a_record_set_file_refused_on_load_is_said_in_chinese(monkeypatch):
    def broken(name):
        raise ValueError("Expected '=' after a key (at line 1, column 3)")

    monkeypatch.setattr(_schema, "package_toml", broken)
    with pytest.raises(mch.DefinitionError) as caught:
        _schema.builtin_document("births.toml")
    assert caught.value.reason_zh.startswith("births.toml：不是有效的 TOML 文件（")
    assert caught.value.reason.startswith("births.toml: not valid TOML (")
    monkeypatch.undo()
    first = next(iter(builtin_record_sets().values()))
    monkeypatch.setattr(_schema, "_load", lambda name: first.model_copy(update={"id": "other"}))
    _schema.builtin_record_sets.cache_clear()
    try:
        with pytest.raises(mch.DefinitionError) as caught:
            _schema.builtin_record_sets()
    finally:
        monkeypatch.undo()
        _schema.builtin_record_sets.cache_clear()
    assert "：id“other”与文件名不同" in caught.value.reason_zh
    assert "id 'other' differs from the file name" in caught.value.reason


@pytest.mark.parametrize(
    ("text", "place"),
    [("id = \n", "第1行第6列"), ('[a]\nx = "1\n', "第2行"), ("x = [1,\n", "")],
)
def test_a_definitions_file_that_is_no_toml_says_where_in_chinese(tmp_path, text, place):
    """The parser's English ("Invalid value (at line 1, column 6)") stood inside the
    Chinese message; the Chinese now says where the syntax is wrong, the English keeps
    the parser's words."""
    path = tmp_path / "mine.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(mch.DefinitionError) as caught:
        mch.load_definitions(path)
    said = caught.value.reason_zh
    assert english_words(said) == [], said
    assert "语法错误" in said and place in said
    assert "line" in caught.value.reason or "Invalid" in caught.value.reason
