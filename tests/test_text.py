"""The one text normaliser (issue 23 item 4, issue 24 item 3): names, headers and codes.

``mch_indicators._text`` folds case, full and half width, traditional and simplified
characters, quotes, brackets and spaces; the catalog, the header matcher and the
registers' codes all call it. The character table it reads is checked here against
OpenCC, the reference it was generated from, when OpenCC is installed.
"""

from __future__ import annotations

import re
from importlib import resources

import pytest
from hypothesis import given
from hypothesis import strategies as st

import mch_indicators as mch
from mch_indicators import _text
from mch_indicators._catalog import normalize_key
from mch_indicators._errors import DefinitionError
from mch_indicators._headers import fold_header
from mch_indicators.records._schema import builtin_record_sets

CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")


@pytest.mark.parametrize(
    ("spellings", "how"),
    [
        (["孕产妇死亡率", "孕產婦死亡率", " 孕产妇死亡率 ", "「孕产妇死亡率」"], "key"),
        (["《孕产妇死亡率》", "孕产妇 死亡率"], "key"),
        (['"两癌"检查覆盖率', "“两癌”检查覆盖率", "两癌检查覆盖率", "（两癌）检查覆盖率"], "key"),
        (["0-6岁儿童孤独症筛查率", "0～6岁儿童孤独症筛查率", "0—6岁儿童孤独症筛查率"], "key"),
        (["Infant mortality rate", "INFANT_MORTALITY-RATE", "ｉｎｆａｎｔ mortality rate"], "key"),
        (["活产数", "活產數", "活产数（人）", "活产数(人)", " 活产 数 "], "header"),
        (['"两癌"检查人数', "两癌检查人数", "「两癌」检查人数"], "header"),
        (["活产数", "活产数\u200b", "\ufeff活产数", "活\u00ad产数", "活产\u2060数"], "header"),
        (["孕产妇死亡率", "\u200b孕产妇死亡率\u200b", "孕产妇\ufeff死亡率"], "key"),
        (["live", "Live", "LIVE", " live ", "ｌｉｖｅ"], "code"),
        (["活产", " 活产 ", "活產", "\u3000活产"], "code"),
    ],
)  # fmt: skip
def test_spellings_of_one_word_fold_alike(spellings, how):
    folder = {"key": normalize_key, "header": fold_header, "code": _text.fold_code}[how]
    assert len({folder(text) for text in spellings}) == 1, [folder(t) for t in spellings]


def test_context_decides_what_spaces_mean():
    assert normalize_key("SDG 3.1.1") == "sdg 3.1.1"  # a space between words stays
    assert normalize_key("5岁以下 儿童 死亡率") == "5岁以下儿童死亡率"  # Chinese has none
    assert fold_header("Live births") == fold_header("live_births") == "livebirths"
    assert _text.fold_code(" live birth ") == "live birth"  # a code keeps its inner space


def test_every_surface_calls_the_one_normaliser():
    assert mch.get("孕產婦死亡率").id == "maternal_mortality_ratio"
    assert mch.get("「嬰兒死亡率」").id == "infant_mortality_rate"
    assert mch.search("孕產婦")[0].name.zh.startswith("孕产妇")


@given(st.text(max_size=30))
def test_folding_is_idempotent(text):
    for folder in (_text.fold_key, _text.fold_code, fold_header):
        once = folder(text)
        assert folder(once) == once


@given(st.text(alphabet="活产死胎Live births 12", min_size=1, max_size=8))
def test_every_code_form_folds_back_to_the_code(code):
    folded = _text.fold_code(code)
    forms = _text.code_forms(code)
    assert folded.lower() in forms or folded in forms
    assert all(_text.fold_code(form) == folded for form in forms)
    assert len(forms) <= 256


def test_a_long_code_gets_a_bounded_number_of_forms():
    forms = _text.code_forms("社区卫生服务中心 hospital")
    assert 2 <= len(forms) <= 256
    assert "社區衛生服務中心 hospital" in forms


# -- the table -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[simplified]\n"产" = "产"\n', "lists itself"),
        ('[simplified]\n"产" = "產"\n"产品" = "x"\n', "one Chinese character"),
        ('[simplified]\n"产" = "產"\n"产x" = "產"\n', "one Chinese character"),
        ('[simplified]\n"产" = "產"\n"产" = "產"\n', "not valid TOML"),
        ('[simplified]\n"产" = "產"\n"生" = "產"\n', "also listed under"),
        ('[simplified]\n"产" = "生"\n"生" = "甡"\n', "a chain"),
        ('[simplified]\n"产" = 1\n', "a string of Chinese characters"),
        ("x = 1\n", "expected a [simplified] table"),
    ],
)
def test_the_table_is_validated_when_it_loads(monkeypatch, text, message):
    monkeypatch.setattr(_text, "_table_text", lambda: text)
    _text._tables.cache_clear()
    try:
        with pytest.raises(DefinitionError, match=re.escape(message)):
            _text.to_simplified("产")
    finally:
        _text._tables.cache_clear()


def _data_characters() -> set[str]:
    folder = resources.files("mch_indicators.definitions")
    found: set[str] = set()
    for path in [*folder.iterdir(), *folder.joinpath("catalog").iterdir()]:
        if path.name.endswith(".toml") and path.name != "hanzi.toml":
            found.update(CJK.findall(path.read_text("utf-8")))
    for path in folder.joinpath("records").iterdir():
        if path.name.endswith(".toml"):
            found.update(CJK.findall(path.read_text("utf-8")))
    return found


def test_the_table_covers_every_character_of_the_data():
    """Each character of the catalog, targets, labels and registers has its traditional forms.

    Fails after new Chinese text is added to the data: run scripts/make_hanzi_table.py.
    """
    opencc = pytest.importorskip("opencc")
    to_traditional = opencc.OpenCC("s2t").convert
    to_simplified = opencc.OpenCC("t2s").convert
    characters = _data_characters()
    assert len(characters) > 500
    missing = []
    for character in sorted(characters):
        simple = to_simplified(character)
        form = to_traditional(simple)
        known = form != simple and len(form) == 1 and to_simplified(form) == simple
        if known and _text.to_simplified(form) != simple:
            missing.append(f"{form}->{simple}")
    assert missing == [], "run scripts/make_hanzi_table.py"
    # every name of the catalog and every code of the registers reads back in simplified
    names = [i.name.zh for i in mch.catalog.values()]
    names += [c for s in builtin_record_sets().values() for f in s.fields.values()
              for c in map(str, f.all_codes())]  # fmt: skip
    for name in names:
        assert _text.fold(to_traditional(name)) == _text.fold(name), name


def test_has_chinese_compiles_its_pattern_once_and_keeps_no_text():
    from mch_indicators import _text

    assert _text.has_chinese("孕产妇死亡率") and not _text.has_chinese("MMR 7.42")
    assert _text.has_chinese("\uf900")  # a compatibility ideograph counts
    before = _text._compiled.cache_info().currsize
    for k in range(50):
        _text.has_chinese(f"名{k}")
    assert _text._compiled.cache_info().currsize == before  # one pattern, no texts kept
    assert not hasattr(_text.has_chinese, "cache_info")


def test_folded_headers_are_kept_only_when_short():
    """The vocabulary's names are folded once per process; a long header (a hostile
    workbook's) is folded each time, never kept."""
    from mch_indicators import _headers

    _headers._folded_header.cache_clear()
    assert _headers.fold_header("活产数（人）") == _headers.fold_header("活產數")
    kept = _headers._folded_header.cache_info().currsize
    assert kept == 2
    long = "活产数" * 1000
    assert _headers.fold_header(long) == _headers.fold_header(long)
    assert _headers._folded_header.cache_info().currsize == kept
