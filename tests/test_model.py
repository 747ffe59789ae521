from __future__ import annotations

import copy

import pytest
from pydantic import ValidationError

import mch_indicators as mch
from strategies import make_indicator


def _fields(**changes):
    indicator = make_indicator("proportion", "percent")
    data = indicator.model_dump()
    data.update(changes)
    return data


def test_a_user_indicator_computes_like_a_builtin():
    mine = make_indicator("ratio", "per_100k").model_copy(
        update={"denominator": mch.catalog.terms["live_births"]}
    )
    ours = mch.get("maternal_mortality_ratio")
    a, b = mine.compute([2, 0, 9], 26954), ours.compute([2, 0, 9], 26954)
    assert a.value.tolist() == b.value.tolist()
    assert a.lower.tolist() == b.lower.tolist()
    assert a.upper.tolist() == b.upper.tolist()


def test_indicators_are_frozen():
    indicator = mch.get("MMR")
    with pytest.raises(ValidationError):
        indicator.unit = "percent"  # type: ignore[misc]
    assert hash(indicator.name) == hash(copy.deepcopy(indicator.name))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"id": "Bad-Id"}, "String should match pattern"),
        ({"id": "1mmr"}, "String should match pattern"),
        ({"name": {"en": "x"}}, "name.zh"),
        ({"name": {"en": "x", "zh": "mmr"}}, "contains no Chinese characters"),
        ({"name": {"en": "", "zh": "孕产妇"}}, "name.en"),
        ({"unit": "furlongs"}, "unknown unit 'furlongs'"),
        ({"unit": "ppt"}, "ambiguous"),
        ({"kind": "percentage"}, "kind"),
        ({"direction": "up"}, "direction"),
        ({"domain": "cardiology"}, "domain"),
        ({"sources": []}, "sources"),
        ({"verified": False}, "unverified definition needs a note"),
        ({"method": "exact"}, "does not fit a proportion"),
        ({"decimals": 9}, "decimals"),
        ({"colour": "red"}, "Extra inputs are not permitted"),
        ({"note": None, "note_zh": "仅核对了二手资料"}, "note_zh without a note"),
        ({"note": "x", "note_zh": "read in a textbook"}, "note_zh .* no Chinese characters"),
        ({"note": "x", "note_zh": "  "}, "note_zh"),
    ],
)
def test_definition_errors_are_clear(changes, message):
    with pytest.raises(mch.DefinitionError, match=message):
        mch.Indicator.model_validate(_fields(**changes))


def test_unit_spellings_are_normalised():
    assert make_indicator("ratio", "/10万").unit == "per_100k"
    assert make_indicator("proportion", "%").unit == "percent"


def test_codes_marked_unverified_must_exist():
    with pytest.raises(mch.DefinitionError, match="has no code"):
        mch.Codes(sdg="3.1.1", unverified=("gho",))


def test_kind_decides_interval_family():
    assert mch.Kind.PROPORTION.default_method == "wilson"
    assert {k.default_method for k in mch.Kind if k is not mch.Kind.PROPORTION} == {"exact"}


def test_indicator_method_overrides_the_kind_default():
    indicator = make_indicator("proportion", "percent", method="clopper_pearson")
    assert indicator.compute(1, 10).method == "clopper_pearson"
