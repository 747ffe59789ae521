"""Targets as data: loading, lookup and vectorised evaluation."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import mch_indicators as mch
from mch_indicators import units
from mch_indicators._targets import _load_targets

MET, NOT_MET, UNKNOWN = (s.value for s in mch.TargetStatus)


def target(plan: str, indicator: str, year: int | None = None) -> mch.Target:
    found = [t for t in mch.targets_for(indicator, plan=plan) if year in (None, t.year)]
    assert len(found) == 1, found
    return found[0]


def test_every_target_is_sourced_and_points_at_the_catalog():
    assert len(mch.targets) >= 60
    ids = [t.id for t in mch.targets]
    assert len(ids) == len(set(ids))
    for t in mch.targets:
        assert t.indicator in mch.catalog
        assert t.plan.sources and t.plan.name.zh
        assert units.scale(t.unit) == mch.catalog[t.indicator].scale
        assert t.verified or t.note


@pytest.mark.parametrize(
    ("plan", "indicator", "year", "rule"),
    [
        ("sdg_2030", "maternal_mortality_ratio", 2030, "< 70 per 100,000"),
        ("sdg_2030", "neonatal_mortality_rate", 2030, "≤ 12‰"),
        ("sdg_2030", "under5_mortality_rate", 2030, "≤ 25‰"),
        ("enap_2030", "stillbirth_rate", 2030, "≤ 12 per 1,000"),
        ("global_nutrition_2025", "stunting_prevalence_u5", 2025, "down 40 % on 2012"),
        ("global_nutrition_2025", "overweight_prevalence_u5", 2025, "no increase on 2012"),
        ("global_nutrition_2030", "exclusive_breastfeeding_under6m", 2030, "≥ 60%"),
        ("who_cervical_elimination", "hpv_vaccination_coverage_girls", 2030, "≥ 90%"),
        ("healthy_china_2030", "maternal_mortality_ratio", 2030, "≤ 12 per 100,000"),
        ("healthy_china_2030", "under5_mortality_rate", 2030, "≤ 6‰"),
        ("cn_outlines_2030", "neonatal_mortality_rate", 2030, "≤ 3‰"),
        (
            "nhc_outlines_implementation_2030",
            "paediatric_beds_per_1000_children",
            2030,
            "≥ 3.17 per 1,000",
        ),
        ("maternal_infant_safety_2025", "maternal_mortality_ratio", 2025, "≤ 14.5 per 100,000"),
        ("healthy_children_2025", "under5_mortality_rate", 2025, "≤ 6.6‰"),
        ("birth_defect_2027", "birth_defect_infant_mortality_rate", 2027, "≤ 1‰"),
        ("birth_defect_2027", "newborn_hearing_intervention_6m_rate", 2027, "≥ 90%"),
        ("cn_emtct", "syphilis_exposed_infant_treatment_rate", None, "≥ 95%"),
        ("cn_emtct_action_2025", "congenital_syphilis_incidence", 2025, "≤ 50 per 100,000"),
        ("national_nutrition_2030", "anaemia_pregnant_women", 2030, "≤ 10%"),
        ("cn_emtct", "congenital_syphilis_incidence", None, "≤ 50 per 100,000"),
        ("cn_cervical_2030", "cervical_cancer_screening_rate", 2025, "≥ 50%"),
        ("childcare_14th_fyp", "childcare_places_per_1000", 2025, "≥ 4.5 per 1,000"),
    ],
)
def test_targets_of_the_reference_notes(plan, indicator, year, rule):
    assert target(plan, indicator, year).rule == rule


def test_evaluate_each_comparator_at_its_boundary():
    below = target("sdg_2030", "maternal_mortality_ratio")  # "less than 70"
    assert below.evaluate([69.99, 70.0, 70.01]).tolist() == [MET, NOT_MET, NOT_MET]
    at_most = target("cn_outlines_2030", "maternal_mortality_ratio")  # "12/10万以下": <= 12
    assert at_most.evaluate([11.99, 12.0, 12.01]).tolist() == [MET, MET, NOT_MET]
    at_least = target("nhc_outlines_implementation_2030", "maternal_systematic_management_rate_cn")
    assert at_least.evaluate([89.99, 90.0, 95]).tolist() == [NOT_MET, MET, MET]  # "90%以上"
    plan = mch.Plan(
        id="p", name=mch.Names(en="Plan", zh="规划"), sources=[mch.Source(document="A")]
    )
    above = mch.Target(plan=plan, indicator="x", comparator="above", value=90, unit="%")
    assert above.evaluate([90.0, 90.01]).tolist() == [NOT_MET, MET]


def test_wording_fixes_the_comparator():
    plan = {"name": {"en": "Plan", "zh": "规划"}, "sources": [{"document": "A plan, 2024"}]}
    body = {"plan": "p", "indicator": "maternal_mortality_ratio", "value": 12, "year": 2030}
    worded = {**body, "comparator": "at_most", "wording": "孕产妇死亡率下降到12/10万以下"}
    (loaded,) = _load_targets({"plans": {"p": plan}, "target": [worded]}, mch.catalog)
    assert loaded.evaluate(12.0).tolist() == MET
    wrong = {**worded, "comparator": "below"}
    with pytest.raises(mch.DefinitionError, match="means 'at_most'"):
        _load_targets({"plans": {"p": plan}, "target": [wrong]}, mch.catalog)
    age_band = {
        **body,
        "comparator": "at_least",
        "value": 90,
        "wording": "3岁以下儿童系统管理率保持在90%以上",  # 以下 in an age band is no comparison
    }
    assert _load_targets({"plans": {"p": plan}, "target": [age_band]}, mch.catalog)


def test_relative_targets_need_the_baseline():
    stunting = target("global_nutrition_2025", "stunting_prevalence_u5")  # down 40 % on 2012
    assert stunting.evaluate([5.9, 6.0, 6.1], baseline=10).tolist() == [MET, MET, NOT_MET]
    assert stunting.threshold(baseline=[10.0, 20.0]).tolist() == [6.0, 12.0]
    overweight = target("global_nutrition_2025", "overweight_prevalence_u5")  # no increase
    assert overweight.evaluate([5.0, 5.1], baseline=[5.0, 5.0]).tolist() == [MET, NOT_MET]
    ebf = target("national_nutrition_2030", "exclusive_breastfeeding_under6m", 2030)  # up 10 %
    assert ebf.evaluate([55.0, 54.9], baseline=50).tolist() == [MET, NOT_MET]
    message = r"^global_nutrition_2025/stunting_prevalence_u5/2025 is relative to 2012: pass"
    with pytest.raises(mch.InvalidInputError, match=message):
        stunting.evaluate([5.0])
    with pytest.raises(mch.InvalidInputError, match="do not broadcast"):
        stunting.evaluate([5.0, 6.0], baseline=[10.0, 10.0, 10.0])
    with pytest.raises(mch.InvalidInputError, match="drop baseline="):
        target("sdg_2030", "maternal_mortality_ratio").evaluate([5.0], baseline=[1.0])


def test_missing_values_and_baselines_are_not_evaluable():
    stunting = target("global_nutrition_2025", "stunting_prevalence_u5")
    status = stunting.evaluate([5.0, np.nan, 5.0], baseline=[10.0, 10.0, np.nan])
    assert status.tolist() == [MET, UNKNOWN, UNKNOWN]
    assert (status == mch.TargetStatus.NOT_EVALUABLE).sum() == 2


def test_values_in_another_unit_are_converted_exactly():
    enap = target("enap_2030", "stillbirth_rate")  # <= 12 per 1,000 total births
    # DHIS2 reports facility stillbirths in percent: 1.2 % is 12 per 1,000.
    assert enap.evaluate([1.2, 1.21], unit="%").tolist() == [MET, NOT_MET]
    assert float(enap.threshold("%")) == pytest.approx(1.2, rel=1e-15)
    mmr = target("sdg_2030", "maternal_mortality_ratio")
    assert mmr.evaluate(0.69, unit="permille").tolist() == MET  # 69 per 100,000


def test_evaluate_a_result_keeps_its_shape_and_checks_the_indicator():
    mmr = mch.get("MMR").compute([[2, 40], [1, 3]], [[26954, 26954], [13477, 100000]])
    status = target("healthy_china_2030", "maternal_mortality_ratio").evaluate(mmr)
    assert status.shape == (2, 2)
    assert status.tolist() == [[MET, NOT_MET], [MET, MET]]  # 7.42, 148.4, 7.42, 3
    in_permille = mmr.to("permille")
    again = target("healthy_china_2030", "maternal_mortality_ratio").evaluate(in_permille)
    assert again.tolist() == status.tolist()
    with pytest.raises(mch.InvalidInputError, match="not for infant_mortality_rate"):
        target("sdg_2030", "maternal_mortality_ratio").evaluate(mch.get("IMR").compute(1, 100))
    with pytest.raises(mch.InvalidInputError, match="carries its unit"):
        target("healthy_china_2030", "maternal_mortality_ratio").evaluate(mmr, unit="%")


@pytest.mark.parametrize("bad", [["a"], [True, False], [np.inf]])
def test_bad_values_are_refused(bad):
    with pytest.raises(mch.InvalidInputError):
        target("sdg_2030", "maternal_mortality_ratio").evaluate(bad)


def test_evaluate_does_not_modify_its_inputs():
    values, baseline = np.array([5.0, 7.0]), np.array([10.0, 10.0])
    target("global_nutrition_2025", "stunting_prevalence_u5").evaluate(values, baseline=baseline)
    assert values.tolist() == [5.0, 7.0] and baseline.tolist() == [10.0, 10.0]


def test_targets_for_filters_by_plan_and_family():
    imr = mch.targets_for("婴儿死亡率")
    assert {t.indicator for t in imr} == {"infant_mortality_rate"}
    assert [t.year for t in mch.targets_for("IMR", plan="healthy_china_2030")] == [2030]
    assert mch.targets_for("stillbirth_rate_22w") == ()
    family = mch.targets_for("stillbirth_rate_22w", variants=True)
    assert [t.plan.id for t in family] == ["enap_2030"]
    with pytest.raises(mch.InvalidInputError, match="unknown plan 'sdg'"):
        mch.targets_for("MMR", plan="sdg")
    with pytest.raises(mch.UnknownIndicatorError):
        mch.targets_for("no such indicator")


@given(
    value=st.floats(0, 1000, allow_nan=False),
    other=st.floats(0, 1000, allow_nan=False),
)
def test_lower_is_better_targets_are_monotone(value, other):
    for t in mch.targets_for("MMR"):
        if t.comparator.relative:
            continue
        low, high = sorted((value, other))
        status = t.evaluate([low, high]).tolist()
        assert status != [NOT_MET, MET]  # a lower MMR never fails where a higher one meets


@given(st.floats(0.01, 100, allow_nan=False))
def test_reduce_by_is_a_fraction_of_the_baseline(baseline):
    t = target("global_nutrition_2025", "low_birth_weight_prevalence")  # down 30 %
    assert float(t.threshold(baseline=baseline)) == pytest.approx(baseline * 0.7, rel=1e-12)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"indicator": "nowhere"}, "unknown indicator 'nowhere'"),
        ({"plan": "nowhere"}, "unknown plan 'nowhere'"),
        ({"comparator": "reduce_by"}, "needs a baseline_year"),
        ({"baseline_year": 2012}, "takes no baseline_year"),
        ({"comparator": "no_increase", "baseline_year": 2012}, "no_increase takes no value"),
        ({"value": None}, "needs a value"),
        ({"unit": "ppb"}, "ambiguous"),
        ({"verified": False}, "needs a note"),
    ],
)
def test_target_definitions_are_validated(change, message):
    plan = {"name": {"en": "Plan", "zh": "规划"}, "sources": [{"document": "A plan"}]}
    body = {
        "plan": "p",
        "indicator": "maternal_mortality_ratio",
        "comparator": "below",
        "value": 70,
        "year": 2030,
        **change,
    }
    body = {k: v for k, v in body.items() if v is not None}
    with pytest.raises(mch.DefinitionError, match=message):
        _load_targets({"plans": {"p": plan}, "target": [body]}, mch.catalog)
