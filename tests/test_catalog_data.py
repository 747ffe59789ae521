"""Checks over the whole built-in catalog: every definition, every variant, every key.

These are the rules a new definition must satisfy before it lands; each test
names the offending indicators so a failure says what to fix.
"""

from __future__ import annotations

import importlib.util
import re
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

import mch_indicators as mch
from mch_indicators import units
from mch_indicators._catalog import normalize_key

CJK = re.compile(r"[\u4e00-\u9fff]")
ALL = list(mch.catalog.values())


#: The research notes (section 2) name these variant pairs (variant, the indicator it varies).
SECTION_2_VARIANTS = [
    ("perinatal_mortality_rate_22w", "perinatal_mortality_rate_cn"),
    ("stillbirth_rate_22w", "stillbirth_rate"),
    ("preterm_birth_rate_cn", "preterm_birth_rate"),
    ("early_pregnancy_registration_rate_cn", "anc_first_trimester_who"),
    ("anc_first_visit_lt4m_dhs", "anc_first_trimester_who"),
    ("low_birth_weight_prevalence_dhs", "low_birth_weight_prevalence"),
    ("two_cancer_screening_task_completion", "cervical_cancer_screening_rate"),
    ("maternal_mortality_ratio_modelled", "maternal_mortality_ratio"),
    ("maternal_mortality_per_maternities", "maternal_mortality_ratio"),
    ("under5_mortality_probability", "under5_mortality_rate"),
    ("caesarean_section_rate_facility", "caesarean_section_rate_population"),
    ("stunting_prevalence_under6_cn", "stunting_prevalence_u5"),
    ("dtp3_coverage_admin", "dtp3_coverage"),
    ("contraceptive_prevalence_any_married_cn", "contraceptive_prevalence_modern"),
]


def offenders(predicate: object) -> list[str]:
    assert callable(predicate)
    return [i.id for i in ALL if not predicate(i)]


def test_at_least_80_indicators_in_every_domain():
    assert len(mch.catalog) >= 80
    per_domain = Counter(i.domain for i in ALL)
    assert set(per_domain) == set(mch.Domain)


def test_ids_names_and_aliases_are_unique():
    seen: dict[str, str] = {}
    clashes = []
    for indicator in ALL:
        for key in {indicator.id, indicator.name.en, indicator.name.zh, *indicator.aliases}:
            owner = seen.setdefault(normalize_key(key), indicator.id)
            if owner != indicator.id:
                clashes.append((key, owner, indicator.id))
    assert clashes == []


def test_every_name_alias_and_code_finds_its_indicator():
    for indicator in ALL:
        for key in (indicator.id, indicator.name.en, indicator.name.zh, *indicator.aliases):
            assert mch.get(key) is indicator, key
        for system, code in indicator.codes.items():
            key = f"{system} {code}"
            shared = mch.catalog._shared.get(normalize_key(key))
            if shared:  # a code several concepts share names them all
                assert indicator.id in shared
                with pytest.raises(mch.UnknownIndicatorError, match="shared"):
                    mch.get(key)
            else:  # a code shared within a family finds the family's root
                assert mch.get(key).id in {indicator.id, indicator.variant_of}


def test_every_unit_parses_and_round_trips():
    for indicator in ALL:
        spec = units.spec(indicator.unit)
        assert spec.name == indicator.unit
        assert units.parse(f"1 {spec.symbol or spec.name}").magnitude == 1.0


def test_every_indicator_has_chinese_names_sources_and_definitions():
    assert offenders(lambda i: CJK.search(i.name.zh)) == []
    assert offenders(lambda i: CJK.search(i.numerator.name.zh)) == []
    assert offenders(lambda i: CJK.search(i.denominator.name.zh)) == []
    assert offenders(lambda i: i.sources and all(s.document for s in i.sources)) == []
    assert offenders(lambda i: len(i.definition.en) > 30) == []
    assert offenders(lambda i: i.definition.zh and CJK.search(i.definition.zh)) == []


def test_unverified_and_non_computable_definitions_say_why():
    assert offenders(lambda i: i.verified or (i.note and len(i.note) > 20)) == []
    assert offenders(lambda i: i.computable or (i.note and len(i.note) > 20)) == []
    assert len(mch.catalog.filter(verified=False)) >= 20  # the ⚠ items of the notes


def test_kinds_agree_with_units_and_denominators():
    # A coverage divides by an estimate or a plan, and only a coverage does.
    assert offenders(lambda i: (i.kind is mch.Kind.COVERAGE) == i.denominator.estimated) == []
    # Densities are counts per population, never percentages.
    assert offenders(lambda i: i.kind is not mch.Kind.DENSITY or i.unit in {"per_1k"}) == []
    # Mortality of children is per 1,000 live births; maternal mortality per 100,000.
    for indicator in ALL:
        if indicator.numerator.id.endswith("deaths") and indicator.denominator.id == "live_births":
            mothers = ("maternal", "pregnancy")
            expected = "per_100k" if indicator.numerator.id.startswith(mothers) else "permille"
            assert indicator.unit == expected, indicator.id
    # Proportions and coverages are shown per 100, 1,000 or 10,000 (or per 100,000 for
    # rare positives); a proportion's numerator is counted among its denominator.
    for indicator in mch.catalog.filter(kind="proportion"):
        assert indicator.numerator.id != indicator.denominator.id
        assert indicator.unit != "per_100", indicator.id


def test_direction_of_mortality_and_coverage():
    for indicator in ALL:
        if indicator.numerator.id.endswith("deaths") and indicator.kind is not mch.Kind.RATIO:
            assert indicator.direction is mch.Direction.LOWER, indicator.id
        if indicator.kind is mch.Kind.COVERAGE:
            assert indicator.direction is mch.Direction.HIGHER, indicator.id


def test_terms_with_one_id_are_one_definition():
    terms = mch.catalog.terms
    for indicator in ALL:
        assert terms[indicator.numerator.id] == indicator.numerator
        assert terms[indicator.denominator.id] == indicator.denominator


@pytest.mark.parametrize(("variant", "root"), SECTION_2_VARIANTS)
def test_china_and_who_variants_are_linked(variant, root):
    member = mch.catalog[variant]
    assert member.variant_of == root
    family = [i.id for i in mch.catalog.variants(root)]
    assert family[0] == root and variant in family
    assert [i.id for i in mch.catalog.variants(variant)] == family
    assert member.parameters.items(), "a variant states how it differs"


def test_variants_differ_in_a_parameter_or_a_term():
    for indicator in ALL:
        if indicator.variant_of is None:
            continue
        root = mch.catalog[indicator.variant_of]
        assert root.variant_of is None, "families are flat"
        differs = (
            indicator.parameters != root.parameters
            or indicator.numerator != root.numerator
            or indicator.denominator != root.denominator
        )
        assert differs, indicator.id


def test_gestational_thresholds_of_variants_match_their_terms():
    for key, weeks in [("stillbirth_rate", 28), ("stillbirth_rate_22w", 22)]:
        indicator = mch.catalog[key]
        assert indicator.parameters.gestation_weeks_min == weeks
        assert indicator.numerator.criteria.gestation_weeks_min == weeks
        assert indicator.denominator.criteria.gestation_weeks_min == weeks
    cn, who = mch.catalog["preterm_birth_rate_cn"], mch.catalog["preterm_birth_rate"]
    assert cn.numerator.criteria.gestation_weeks_min == 28
    assert who.numerator.criteria.gestation_weeks_min is None
    assert mch.catalog["early_pregnancy_registration_rate_cn"].parameters.gestation_weeks_max == 13
    assert mch.catalog["anc_first_trimester_who"].parameters.gestation_weeks_max == 12


def test_every_computable_indicator_computes_and_the_others_refuse():
    for indicator in ALL:
        if indicator.computable:
            result = indicator.compute([0, 5, 50], [1000, 1000, 1000])
            assert np.all(result.lower <= result.value) and np.all(result.value <= result.upper)
        else:
            with pytest.raises(mch.InvalidInputError, match="not a quotient"):
                indicator.compute(1, 10)


def test_search_ranks_both_languages():
    assert mch.search("婴儿死亡率")[0].id == "infant_mortality_rate"
    died = [i.id for i in mch.search("死亡率", limit=None)]
    assert {"maternal_mortality_ratio", "neonatal_mortality_rate"} <= set(died)
    assert all("死亡" in mch.catalog[i].name.zh for i in died)
    anc = [i.id for i in mch.search("anc", limit=None)]
    assert anc[:3] == ["anc1_coverage", "anc4_coverage", "anc8_coverage"]
    assert "anc_first_trimester_who" in anc
    assert mch.search("") == [] and mch.search("zzzz qqq") == []
    assert mch.search("stillbirth", limit=1)[0].id == "stillbirth_rate"
    assert mch.search("stilbirth")[0].id.startswith("stillbirth")  # a typo still finds it


def test_a_code_shared_by_several_indicators_names_them():
    with pytest.raises(mch.UnknownIndicatorError, match="shared by several") as caught:
        mch.get("SDG 3.b.1")
    assert "dtp3_coverage_admin" in caught.value.suggestions  # SDG 3.b.1: surviving infants
    assert mch.get("SDG 3.2.1").id == "under5_mortality_rate"  # the family's root


def test_variant_links_are_validated(tmp_path):
    base = mch.catalog["stillbirth_rate"].model_dump()
    orphan = mch.Indicator.model_validate({**base, "id": "x_rate", "variant_of": "nowhere"})
    with pytest.raises(mch.DefinitionError, match="unknown indicator 'nowhere'"):
        mch.Catalog([orphan])
    chained = mch.Indicator.model_validate(
        {**base, "id": "x_rate", "aliases": [], "name": {"en": "x", "zh": "某率"},
         "variant_of": "stillbirth_rate_22w"}
    )  # fmt: skip
    with pytest.raises(mch.DefinitionError, match="itself a variant"):
        mch.Catalog([chained], roots=mch.catalog)
    with pytest.raises(ValueError, match="variant of itself"):
        mch.Indicator.model_validate({**base, "variant_of": "stillbirth_rate"})


def test_your_own_variant_of_a_built_in_indicator(tmp_path):
    text = """
[[indicator]]
id = "stillbirth_rate_24w_local"
variant_of = "stillbirth_rate"
parameters = { gestation_weeks_min = 24 }
name = { en = "Stillbirth rate from 24 weeks (local)", zh = "本地死胎死产率(满24周)" }
domain = "mortality"
kind = "proportion"
unit = "per_1k"
direction = "lower"
numerator = "stillbirths_22w"
denominator = "total_births_22w"
definition = { en = "A local definition counting stillbirths from 24 weeks." }
sources = [{ document = "Local protocol" }]
"""
    path = tmp_path / "local.toml"
    path.write_text(text, encoding="utf-8")
    mine = mch.load_definitions(path)
    assert [i.id for i in mine.variants("stillbirth_rate_24w_local")] == [
        "stillbirth_rate",
        "stillbirth_rate_24w_local",
    ]
    merged = mch.catalog.merged(mine)
    assert len(merged.variants("stillbirth_rate")) == 4  # 28, 22 and 24 weeks, and yours
    path.write_text(text.replace('variant_of = "stillbirth_rate"', 'variant_of = "stilbirth"'))
    with pytest.raises(mch.DefinitionError, match="unknown indicator 'stilbirth'"):
        mch.load_definitions(path)


def test_coverage_needs_an_estimated_denominator():
    base = mch.catalog["preconception_check_target_coverage"].model_dump()
    with pytest.raises(ValueError, match="mark the term"):
        mch.Indicator.model_validate(
            {**base, "denominator": {**base["denominator"], "estimated": False}}
        )
    with pytest.raises(ValueError, match="use kind = 'coverage'"):
        mch.Indicator.model_validate({**base, "kind": "proportion"})


def test_every_computable_indicator_computes_from_a_table_with_the_form_headers():
    """Issue 24: an office's export, headed by the form's own words, needs no columns=."""
    pd = pytest.importorskip("pandas")
    for indicator in ALL:
        if not indicator.computable:
            continue
        numerator, denominator = indicator.numerator, indicator.denominator
        for header in {numerator.name.zh, *numerator.aliases}:
            frame = pd.DataFrame({"县区": ["甲", "乙"], header: [5, 7],
                                  denominator.name.zh: [100, 120]})  # fmt: skip
            result = mch.compute(frame, indicator.id)
            assert len(result) == 2, (indicator.id, header)


# -- Chinese text takes full-width brackets ------------------------------------------------

ROOT = Path(__file__).resolve().parents[1]


def _bracket_script():
    """``scripts/full_width_brackets.py``: the one rule of Chinese brackets, and its fixer."""
    spec = importlib.util.spec_from_file_location(
        "full_width_brackets", ROOT / "scripts" / "full_width_brackets.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_chinese_text_of_the_data_files_takes_full_width_brackets():
    """An ASCII bracket in Chinese text is refused (``scripts/full_width_brackets.py``,
    which this asks, fixes it): the catalog, targets, coverage lists and record sets."""
    script = _bracket_script()
    wrong = [
        f"{path.name}:{number}: {before}"
        for path in script.FILES
        for number, before, _ in script.convert_file(path)[1]
    ]
    assert not wrong, wrong[:20]
    assert len(script.FILES) >= 15


@pytest.mark.parametrize(
    ("text", "refused"),
    [
        ("孕产妇死亡率(模型估计)", True),
        ("以每千活产计(‰)。", True),
        ("新生儿破伤风发病率 (/万)", True),
        ("孕产妇死亡率（模型估计）", False),
        ("可用 .to('per_100k') 换算；为可持续发展目标2.2.2(a)。", False),
        ("Live births (WHO)", False),
    ],
)
def test_the_bracket_check_refuses_chinese_text_and_spares_code(text, refused):
    assert (_bracket_script().convert_text(text, "chinese") != text) is refused


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "孕产妇死亡率(模型估计)",
            "孕产妇死亡率（模型估计）",
            "maternal_mortality_ratio_modelled",
        ),
        ("围产儿死亡率(满22周起)", "围产儿死亡率（满22周起）", "perinatal_mortality_rate_22w"),
        ("艾滋病母婴传播率(%)", "艾滋病母婴传播率（%）", "hiv_mtct_rate"),
    ],
)
def test_a_name_is_found_with_its_brackets_in_either_width(old, new, expected):
    assert new in {mch.get(expected).name.zh, *mch.get(expected).aliases}
    assert mch.get(old).id == mch.get(new).id == expected
    assert normalize_key(old) == normalize_key(new)
