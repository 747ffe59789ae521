"""The catalog as a reference people cite: every fact sourced, every flag honest.

These checks follow issue 13: each indicator explains why it matters, how to read
it and where its counts come from, in English and Chinese; each source can be
found again; ``verified = true`` rests on a primary text; names that mean
different indicators in different traditions never pick one silently; and every
target is read by one rule for 以上/以下, so a value exactly at a threshold is
assessed alike in every plan. Reference lists live in ``tests/reference/`` with
a header saying where they come from.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from importlib import resources
from pathlib import Path

import pytest

import mch_indicators as mch
from mch_indicators._catalog import normalize_key
from mch_indicators._errors import AmbiguousIndicatorError
from mch_indicators._targets import comparator_from_wording

REFERENCE = Path(__file__).parent / "reference"
CJK = re.compile(r"[\u3400-\u9fff]")
ALL = list(mch.catalog.values())
TEXTS = ("definition", "rationale", "limitations", "data_source")
MET = mch.TargetStatus.MET.value

# A document without a URL must still be findable: a year or date, a document number,
# an ISBN or DOI, or the repository and path it was read in.
FULL_REFERENCE = re.compile(r"(19|20)\d\d|〔\d{4}〕|ISBN|doi:|GitHub [\w.-]+/[\w.-]+")


def _rows(name: str) -> list[dict[str, str]]:
    lines = (REFERENCE / name).read_text("utf-8").splitlines()
    return list(csv.DictReader(line for line in lines if not line.startswith("#")))


def _offenders(predicate: object) -> list[str]:
    assert callable(predicate)
    return [i.id for i in ALL if not predicate(i)]


# -- reference files -----------------------------------------------------------------


def _resolve(key: str) -> tuple[str, ...]:
    """The ids a key finds: one, several (an ambiguous name), or none."""
    try:
        return (mch.get(key).id,)
    except AmbiguousIndicatorError as error:  # a merged id now split, e.g. pmtct_treatment_rate
        return error.suggestions
    except mch.UnknownIndicatorError:
        return ()


def test_every_id_of_the_research_notes_resolves():
    rows = _rows("research_note_ids.csv")
    assert len(rows) == 86
    found = {row["id"]: _resolve(row["id"]) for row in rows}
    assert [key for key, ids in found.items() if not ids] == []
    for key, ids in found.items():
        if len(ids) == 1:  # the id itself, or an alias of the indicator that replaced it
            indicator = mch.catalog[ids[0]]
            keys = {normalize_key(k) for k in (indicator.id, *indicator.aliases)}
            assert normalize_key(key) in keys, key
    assert len(found["pmtct_treatment_rate"]) == 4


# -- the new fields --------------------------------------------------------------------


@pytest.mark.parametrize("field", TEXTS)
def test_every_text_field_is_present_and_bilingual(field):
    def bilingual(indicator: mch.Indicator) -> bool:
        text = getattr(indicator, field)
        return bool(text and text.en and text.zh and CJK.search(text.zh) and len(text.en) > 20)

    assert _offenders(bilingual) == []


def test_every_indicator_has_a_frequency_and_disaggregations():
    assert _offenders(lambda i: i.reporting_frequency is not None) == []
    assert _offenders(lambda i: len(i.disaggregations) > 0) == []


# -- sources and verification -----------------------------------------------------------


def _sources() -> list[tuple[str, mch.Source]]:
    found = [(i.id, s) for i in ALL for s in i.sources]
    found += [(f"plan {t.plan.id}", s) for t in mch.targets for s in t.plan.sources]
    return found


def test_every_source_has_a_url_or_a_full_reference():
    missing = [
        (owner, s.document)
        for owner, s in _sources()
        if not (s.url or FULL_REFERENCE.search(s.document) or s.url_note)
    ]
    assert missing == []
    assert all(s.url.startswith(("https://", "http://")) for _, s in _sources() if s.url)


def test_every_built_in_source_gives_a_url_or_says_why_there_is_none():
    """Issue 24: a web address, or a note saying why none exists (print only, not online)."""
    bare = [(owner, s.document) for owner, s in _sources() if not (s.url or s.url_note)]
    assert bare == []
    both = [(owner, s.document) for owner, s in _sources() if s.url and s.url_note]
    assert both == []  # a note explains a missing address, never an address given


def test_no_source_relies_on_a_key_into_private_notes():
    assert [owner for owner, s in _sources() if s.key] == []


def test_no_shipped_file_points_outside_the_package():
    folder = resources.files("mch_indicators.definitions")
    texts = [
        entry.read_text("utf-8") for entry in folder.iterdir() if entry.name.endswith(".toml")
    ]
    catalog = folder.joinpath("catalog")
    texts += [e.read_text("utf-8") for e in catalog.iterdir() if e.name.endswith(".toml")]
    notes = "/".join(("shared", "reference"))  # spelled so as not to cite the notes itself
    assert [t for t in texts if notes in t or "../" in t] == []


def test_verified_definitions_cite_a_primary_text():
    assert _offenders(lambda i: not i.verified or any(s.primary for s in i.sources)) == []


def test_unverified_definitions_say_what_was_read():
    def explained(indicator: mch.Indicator) -> bool:
        note = (indicator.note or "").casefold()
        return indicator.verified or "read" in note or "recalled" in note

    assert _offenders(explained) == []
    # the audit of issue 13: definitions read only in secondary texts are not verified
    for key in (
        "child_systematic_management_rate_0_6",
        "premarital_medical_exam_rate",
        "two_cancer_screening_task_completion",
        "hospital_delivery_rate_cn",
        "perinatal_mortality_rate_cn",
    ):
        assert not mch.catalog[key].verified, key


def test_every_plan_names_its_document_and_unverified_targets_say_why():
    plans = {t.plan.id: t.plan for t in mch.targets}
    assert [p.id for p in plans.values() if not p.document] == []
    assert [t.id for t in mch.targets if not t.verified and not t.note] == []


# -- names -------------------------------------------------------------------------------


def test_aliases_are_unique_or_deliberately_ambiguous():
    named: dict[str, str] = {}
    for indicator in ALL:
        for key in {indicator.id, indicator.name.en, indicator.name.zh, *indicator.aliases}:
            owner = named.setdefault(normalize_key(key), indicator.id)
            assert owner == indicator.id, (key, owner, indicator.id)
    ambiguous = mch.catalog.ambiguous_names
    assert ambiguous, "the catalog declares its ambiguous names"
    for phrase, candidates in ambiguous.items():
        assert len(candidates) >= 2, phrase  # deliberately ambiguous: several claim it
        owner = named.get(phrase)
        assert owner is None or normalize_key(owner) == phrase, (phrase, owner)
        definitions = {
            (i.unit, i.numerator.id, i.denominator.id, i.parameters)
            for i in (mch.catalog[c] for c in candidates)
        }
        assert len(definitions) == len(candidates), phrase  # the candidates really differ


@pytest.mark.parametrize("row", _rows("lookups.csv"), ids=lambda row: f"{row['how']}:{row['key']}")
def test_lookups_of_the_reference_list(row):
    how, key, expected = row["how"], row["key"], row["expected"]
    if how == "get":
        assert mch.get(key).id == expected
    elif how == "ambiguous":
        with pytest.raises(AmbiguousIndicatorError) as caught:
            mch.get(key)
        assert list(caught.value.suggestions) == expected.split()
    elif how == "unknown":
        with pytest.raises(mch.UnknownIndicatorError):
            mch.get(key)
    else:
        assert expected in [i.id for i in mch.search(key, limit=3)]


def test_an_ambiguous_name_lists_the_candidates_and_their_names():
    with pytest.raises(KeyError) as caught:
        mch.get("maternal mortality rate")
    error = caught.value
    assert isinstance(error, mch.UnknownIndicatorError) and isinstance(
        error, AmbiguousIndicatorError
    )
    assert error.shared and error.key == "maternal mortality rate"
    message = str(error)
    assert "names 2 different indicators (another tradition" in message
    lines = message.splitlines()[1:]  # one line per candidate, saying how it differs
    assert lines[0].startswith("  - 'maternal_mortality_ratio': 孕产妇死亡率 / ")
    assert "活产数" in lines[0] and "per 100,000" in lines[0]
    assert lines[1].startswith("  - 'maternal_mortality_rate': 孕产妇死亡专率")
    assert "人年数" in lines[1]
    # the exact id still finds its indicator, and a search offers both
    assert mch.get("maternal_mortality_rate").denominator.id == "woman_years_15_49"
    found = [i.id for i in mch.search("maternal mortality rate", limit=2)]
    assert set(found) == {"maternal_mortality_ratio", "maternal_mortality_rate"}


def test_ambiguous_aliases_are_validated(tmp_path):
    base = mch.catalog["stillbirth_rate"].model_dump()
    claims_a_name = mch.Indicator.model_validate(
        {**base, "id": "x_rate", "aliases": [], "ambiguous_aliases": ["stillbirth_rate_28w"],
         "name": {"en": "x", "zh": "某率"}, "variant_of": None}
    )  # fmt: skip
    with pytest.raises(mch.DefinitionError, match="but a name or alias of 'stillbirth_rate'"):
        mch.catalog.merged(mch.Catalog([claims_a_name]))
    with pytest.raises(ValueError, match="listed more than once"):
        mch.Indicator.model_validate({**base, "disaggregations": ["area", "area"]})


# -- targets ---------------------------------------------------------------------------


def _chinese(plan: mch.Plan) -> bool:
    return bool(CJK.search(plan.issuer or ""))


def test_chinese_targets_give_their_wording_or_say_why_not():
    missing = [
        t.id
        for t in mch.targets
        if _chinese(t.plan) and not t.comparator.relative and not t.wording and not t.note
    ]
    assert missing == []


def test_comparators_follow_one_rule_for_yishang_and_yixia():
    for t in mch.targets:
        if not t.wording or t.comparator.relative:
            continue
        assert comparator_from_wording(t.wording) in (None, t.comparator), t.id
        if re.search(r"\d\s*(%|‰|/10万|个|名|张)?(活产)?(及)?以(上|下|内)", t.wording):
            assert t.comparator in (mch.Comparator.AT_MOST, mch.Comparator.AT_LEAST), t.id
            assert t.evaluate(float(t.threshold())).tolist() == MET, t.id  # the number counts


def test_a_value_at_the_threshold_is_assessed_alike_in_every_plan():
    statuses: dict[tuple[str, float], dict[str, str]] = defaultdict(dict)
    for t in mch.targets:
        if t.comparator.relative or t.scope:
            continue
        at_threshold = float(t.threshold())
        statuses[(t.indicator, at_threshold)][t.plan.id] = str(t.evaluate(at_threshold).tolist())
    disagreements = {
        key: by_plan for key, by_plan in statuses.items() if len(set(by_plan.values())) > 1
    }
    assert disagreements == {}
    # the cases issue 13 named: outlines, healthy children, birth defects and EMTCT criteria
    assert set(statuses[("maternal_mortality_ratio", 12.0)].values()) == {MET}
    assert len(statuses[("hiv_mtct_rate", 2.0)]) == 3
    assert set(statuses[("hiv_mtct_rate", 2.0)].values()) == {MET}
    assert set(statuses[("congenital_syphilis_incidence", 50.0)].values()) == {MET}


def test_targets_are_attributed_to_the_document_they_are_in():
    outlines = {t.indicator for t in mch.targets if t.plan.id == "cn_outlines_2030"}
    assert outlines == {
        "maternal_mortality_ratio",
        "neonatal_mortality_rate",
        "infant_mortality_rate",
        "under5_mortality_rate",
    }
    implementation = [t for t in mch.targets if t.plan.id == "nhc_outlines_implementation_2030"]
    assert {t.indicator for t in implementation} >= {
        "maternal_systematic_management_rate_cn",
        "child_systematic_management_rate_under3",
        "premarital_medical_exam_rate",
        "paediatricians_per_1000_children",
    }
    assert all(t.verified and t.wording for t in implementation)


def test_the_2022_2025_emtct_action_plan():
    action = {t.indicator: t for t in mch.targets if t.plan.id == "cn_emtct_action_2025"}
    assert set(action) == {"hiv_mtct_rate", "congenital_syphilis_incidence", "hbv_mtct_rate"}
    assert {t.year for t in action.values()} == {2025}
    assert action["hiv_mtct_rate"].rule == "≤ 2%"
    assert action["congenital_syphilis_incidence"].rule == "≤ 50 per 100,000"
    assert action["hbv_mtct_rate"].rule == "≤ 1%"
    assert "消除艾滋病、梅毒和乙肝母婴传播行动计划" in action["hiv_mtct_rate"].plan.name.zh


# -- the corrections of issue 13 -------------------------------------------------------


def test_corrected_codes_units_and_numerators():
    assert mch.catalog["neonatal_mortality_rate"].codes.gho == "WHOSIS_000003"
    positivity = mch.catalog["maternal_hiv_positivity_rate"]
    assert positivity.unit == "percent"
    assert "× 100%" in (positivity.definition.zh or "")
    assert mch.catalog["caesarean_section_rate_population"].numerator.name.zh == "剖宫产活产数"
    survey, sdg = mch.catalog["dtp3_coverage"], mch.catalog["dtp3_coverage_admin"]
    assert survey.codes.sdg is None and survey.denominator.id == "children_12_23m"
    assert sdg.codes.sdg == "3.b.1" and sdg.denominator.id == "surviving_infants"
    assert mch.catalog["maternal_anaemia_moderate_severe_cn"].name.zh == "孕产期中重度贫血率"
    managed = mch.catalog["child_systematic_management_rate_0_6"]
    assert managed.denominator.name.zh == "应管理的0～6岁儿童数"
    assert "2011" in managed.sources[0].document


def test_anc8_is_who_anc_ind_05():
    anc8 = mch.get("ANC.IND.05")
    assert anc8.id == "anc8_coverage" and anc8.verified and anc8.kind is mch.Kind.PROPORTION
    assert any(s.primary and "ANC.IND.5" in s.document for s in anc8.sources)
    assert mch.catalog["anc8_coverage_hmis"].variant_of == "anc8_coverage"


def test_the_four_treatment_criteria_replace_the_merged_indicator():
    assert "pmtct_treatment_rate" not in mch.catalog
    four = [
        "hiv_infected_women_arv_rate",
        "hiv_exposed_infant_arv_rate",
        "syphilis_infected_women_treatment_rate",
        "syphilis_exposed_infant_treatment_rate",
    ]
    for key in four:
        (criterion,) = mch.targets_for(key, plan="cn_emtct")
        assert criterion.rule == "≥ 95%"
        assert criterion.evaluate(95.0).tolist() == MET


def test_pregnant_women_have_their_own_anaemia_indicator_and_targets():
    pregnant = mch.get("孕妇贫血率")
    assert pregnant.id == "anaemia_pregnant_women"
    assert pregnant.variant_of == "anaemia_women_15_49"
    rules = [(t.year, t.rule) for t in mch.targets_for(pregnant, plan="national_nutrition_2030")]
    assert rules == [(2020, "≤ 15%"), (2030, "≤ 10%")]
    assert mch.targets_for("anaemia_women_15_49", plan="national_nutrition_2030") == ()


def test_missing_indicators_are_there():
    assert mch.catalog["stillbirth_rate_24w"].parameters.gestation_weeks_min == 24
    follow_up = [
        "newborn_metabolic_diagnosis_2w_rate",
        "newborn_metabolic_treatment_2w_rate",
        "newborn_hearing_diagnosis_3m_rate",
        "newborn_hearing_intervention_6m_rate",
    ]
    for key in follow_up:
        assert [t.rule for t in mch.targets_for(key, plan="birth_defect_2027")] == ["≥ 90%"]
    assert mch.get("6个月内母乳喂养率").id == "breastfeeding_under6m_cn"
    assert mch.catalog["obesity_prevalence_u5"].variant_of == "overweight_prevalence_u5"
    assert mch.get("孤独症筛查率").id == "autism_initial_screening_rate"
