"""Rules for the terms the built-in registers can count (issue 24 item 5).

Birth defects on the births register (hospital-based: diagnosed in the first 7 days;
population-based: to 42 days), newborn screening and vaccination at birth, anaemia and
obstetric care on the maternal-care register, facility deaths and reviews on the
maternal deaths register, doses on the children's register: each rule at its boundary,
and every indicator whose two terms a register holds computes from records.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import mch_indicators as mch
from mch_indicators.records import builtin_record_sets, builtin_rules

pd = pytest.importorskip("pandas")
pytest.importorskip("narwhals")

LIVE = {"outcome": "live", "gestation_weeks": 39.0, "birth_weight_g": 3200.0,
        "delivery_place": "hospital"}  # fmt: skip
DELIVERED = {"gestation_weeks": 39.0, "delivery_place": "hospital"}
HOSPITAL, POPULATION = "perinatal_infants_with_birth_defects", "births_with_defects_42d"
MATERNAL_DEATH = {"timing": "postpartum", "days_after_end": 3.0, "cause_class": "direct"}


def _one(term: str, record: dict[str, Any], records: str) -> tuple[float, float]:
    out = mch.count_records({records: pd.DataFrame([record])}, term)
    row = out.counts.iloc[0]
    return row["count"], row["unclassified"]


@pytest.mark.parametrize(
    ("term", "record", "expected"),
    [
        (HOSPITAL, {"birth_defect": True, "birth_defect_age_days": 6.0}, (1, 0)),
        (HOSPITAL, {"birth_defect": True, "birth_defect_age_days": 7.0}, (0, 0)),
        (HOSPITAL, {"birth_defect": True, "birth_defect_age_days": None}, (0, 1)),
        (HOSPITAL, {"birth_defect": False, "birth_defect_age_days": None}, (0, 0)),
        (POPULATION, {"birth_defect": True, "birth_defect_age_days": 42.0}, (1, 0)),
        (POPULATION, {"birth_defect": True, "birth_defect_age_days": 43.0}, (0, 0)),
        ("macrosomic_live_births", {"birth_weight_g": 4000.0}, (1, 0)),
        ("macrosomic_live_births", {"birth_weight_g": 3999.0}, (0, 0)),
        ("very_low_birth_weight_live_births", {"birth_weight_g": 1499.0}, (1, 0)),
        ("very_low_birth_weight_live_births", {"birth_weight_g": 1500.0}, (0, 0)),
        ("newborns_hepb1_24h", {"hepb1_hours": 24.0}, (1, 0)),
        ("newborns_hepb1_24h", {"hepb1_hours": 24.5}, (0, 0)),
        ("newborns_hepb1_24h", {"hepb1_hours": None}, (0, 0)),  # empty: not given
        ("newborns_screened", {"pku_screened": False, "ch_screened": True}, (1, 0)),
        ("newborns_pku_screened", {"pku_screened": "是"}, (1, 0)),
        ("newborns_ch_screened", {"ch_screened": "否"}, (0, 0)),
        ("newborns_chd_screened", {"chd_screened": True}, (1, 0)),
        ("newborns_deafness_gene_screened", {"deafness_gene_screened": True}, (1, 0)),
        ("newborns_hearing_screened", {"hearing_screened": True}, (1, 0)),
        ("children_bcg", {"bcg_given": True}, (1, 0)),
        ("newborns_kmc", {"kmc": True, "delivery_place": "home"}, (0, 0)),
        ("newborns_kmc", {"kmc": True}, (1, 0)),
    ],
)  # fmt: skip
def test_births_register_rules_at_their_bounds(term, record, expected):
    assert _one(term, {**LIVE, **record}, "births") == expected


@pytest.mark.parametrize(
    ("term", "record", "expected"),
    [
        ("women_hb_tested", {"haemoglobin_g_l": 125.0}, (1, 0)),
        ("women_hb_tested", {"haemoglobin_g_l": None}, (0, 0)),
        ("women_anaemic_pregnancy", {"haemoglobin_g_l": 109.0}, (1, 0)),
        ("women_anaemic_pregnancy", {"haemoglobin_g_l": 110.0}, (0, 0)),
        ("women_anaemia_moderate_severe", {"haemoglobin_g_l": 99.0}, (1, 0)),
        ("women_anaemia_moderate_severe", {"haemoglobin_g_l": 100.0}, (0, 0)),
        ("women_anc5", {"prenatal_visits": 5}, (1, 0)),
        ("women_anc5", {"prenatal_visits": 4}, (0, 0)),
        ("women_registered_card", {"registration_weeks": 30.0}, (1, 0)),
        ("women_registered_card", {"registration_weeks": None}, (0, 0)),
        ("women_hbsag_positive", {"hbv_result": "阳性"}, (1, 0)),
        ("women_folic_acid_adherent", {"folic_acid": True, "folic_acid_adherent": True}, (1, 0)),
        ("women_uterotonic_pph", {"uterotonic": True}, (1, 0)),
        ("women_uterotonic_pph", {"uterotonic": True, "delivery_place": "home"}, (0, 0)),
        ("women_pph", {"pph": True}, (1, 0)),
        ("women_hdp", {"hdp": "是"}, (1, 0)),
        ("prenatal_serum_screened_women", {"prenatal_serum_screened": True}, (1, 0)),
    ],
)  # fmt: skip
def test_maternal_care_register_rules_at_their_bounds(term, record, expected):
    assert _one(term, {**DELIVERED, **record}, "deliveries") == expected


def test_maternal_deaths_in_facilities_and_reviews():
    facility = {**MATERNAL_DEATH, "death_place": "医院", "reviewed": True}
    assert _one("facility_maternal_deaths", facility, "maternal_deaths") == (1, 0)
    assert _one("facility_maternal_deaths", {**facility, "death_place": "2"},
                "maternal_deaths") == (0, 0)  # fmt: skip
    assert _one("maternal_deaths_reviewed", facility, "maternal_deaths") == (1, 0)
    incidental = {**facility, "cause_class": "incidental"}
    assert _one("maternal_deaths_reviewed", incidental, "maternal_deaths") == (0, 0)


def test_doses_count_children_aged_12_to_23_months():
    child = {"age_years": 1.0, "dtp_doses": 3, "polio_doses": 3, "mcv_doses": 1, "bcg": True}
    assert _one("children_12_23m", child, "child_health") == (1, 0)
    assert _one("children_dtp3", child, "child_health") == (1, 0)
    assert _one("children_dtp3", {**child, "dtp_doses": 2}, "child_health") == (0, 0)
    assert _one("children_dtp3", {**child, "age_years": 2.0}, "child_health") == (0, 0)
    assert _one("children_basic_vaccinations", child, "child_health") == (1, 0)
    assert _one("children_basic_vaccinations", {**child, "bcg": False}, "child_health") == (0, 0)


def _computable_from_one_register() -> list[tuple[str, str]]:
    """(indicator, register) for each indicator whose terms both have a rule on a register."""
    by_set: dict[str, set[str]] = {}
    for rule in builtin_rules().rules:
        by_set.setdefault(rule.records, set()).add(rule.term)
    found = []
    for indicator in mch.catalog.values():
        for records, terms in sorted(by_set.items()):
            if {indicator.numerator.id, indicator.denominator.id} <= terms:
                found.append((indicator.id, records))
                break
    return found


NEW_FROM_RECORDS = {
    "birth_defect_incidence_perinatal", "birth_defect_incidence_population", "macrosomia_rate",
    "very_low_birth_weight_prevalence", "pku_screening_rate",
    "congenital_hypothyroidism_screening_rate", "newborn_chd_screening_rate",
    "deafness_gene_screening_rate", "newborn_hearing_screening_rate",
    "newborn_disease_screening_rate", "hepb_birth_dose_timely_rate_cn",
    "kangaroo_mother_care_rate", "antenatal_card_rate_cn", "anc5_rate_cn",
    "maternal_anaemia_prevalence_cn", "maternal_anaemia_moderate_severe_cn",
    "maternal_hbsag_positivity_rate", "folic_acid_adherence_rate",
    "prenatal_serum_screening_rate", "uterotonic_pph_prevention_rate",
    "postpartum_haemorrhage_incidence", "hypertensive_disorder_pregnancy_incidence",
    "dtp3_coverage", "mcv1_coverage", "basic_vaccination_coverage_dhs",
}  # fmt: skip


def test_the_indicators_the_registers_hold_compute_from_records():
    computable = dict(_computable_from_one_register())
    assert set(computable) >= NEW_FROM_RECORDS
    # one call per register computes all of them, from a register with every field
    registers = {
        "births": {**LIVE, "birth_date": "2024-03-01", "birth_defect": True,
                   "birth_defect_age_days": 3.0, "pku_screened": True, "ch_screened": True,
                   "hearing_screened": True, "chd_screened": False,
                   "deafness_gene_screened": True, "hepb1_hours": 2.0, "bcg_given": True,
                   "kmc": False},
        "deliveries": {**DELIVERED, "delivery_date": "2024-03-01", "live_born": 1,
                       "registration_weeks": 10.0, "prenatal_visits": 6,
                       "haemoglobin_g_l": 95.0, "hbv_result": "negative", "folic_acid": True,
                       "folic_acid_adherent": False, "prenatal_serum_screened": True,
                       "uterotonic": True, "pph": False, "hdp": False},
        "child_health": {"age_years": 1.0, "year": 2024, "dtp_doses": 3, "polio_doses": 3,
                         "mcv_doses": 1, "bcg": True},
    }  # fmt: skip
    for records, record in registers.items():
        wanted = sorted(i for i, r in computable.items() if r == records and i in NEW_FROM_RECORDS)
        out = mch.compute_records({records: pd.DataFrame([record] * 4)}, wanted)
        assert sorted(out.results["indicator"]) == wanted, records


def test_every_new_field_is_documented():
    page = (Path(__file__).parents[2] / "docs" / "records.md").read_text(encoding="utf-8")
    new = ["birth_defect_age_days", "pku_screened", "ch_screened", "hearing_screened",
           "chd_screened", "deafness_gene_screened", "hepb1_hours", "bcg_given", "kmc",
           "haemoglobin_g_l", "folic_acid", "uterotonic", "pph", "hdp", "death_place",
           "reviewed", "dtp_doses", "polio_doses", "hepb_doses", "mcv_doses"]  # fmt: skip
    sets = builtin_record_sets()
    for field in new:
        assert any(field in s.fields for s in sets.values()), field
        assert f"`{field}`" in page, field
