"""Published figures as fixtures, with the counts they come from.

The figures are tables in ``tests/reference/``: ``published_figures.csv`` (single
figures with their counts) and ``published_cn_national_mmr_imr.csv`` (China's national
MMR and IMR series); each file's header gives the sources. Where a report publishes
counts, the test computes the value from them; where it publishes a value and one count,
the other count is derived (the file's ``derived`` column says how) and the test checks
that the catalog's definition reproduces the published rounding, kind and flags.
Tolerances are the published rounding.
"""

from __future__ import annotations

import numpy as np
import pytest

import mch_indicators as mch
from mch_indicators import units
from reference_data import Row, case, load, missing

MET, NOT_MET = mch.TargetStatus.MET.value, mch.TargetStatus.NOT_MET.value


def published(result: mch.Result, places: int) -> float:
    return round(float(result.value), places)


def figure(case_id: str, **options: object) -> tuple[Row, mch.Result]:
    """A published figure's row and the result of its counts under its indicator."""
    row = case("published_figures", case_id)
    if not missing(row["method"]):
        options["method"] = row["method"]
    result = mch.get(row["indicator"]).compute(row["numerator"], row["denominator"], **options)
    return row, result if missing(row["unit"]) else result.to(row["unit"])


def reproduces(case_id: str) -> mch.Result:
    """The result of a figure's counts, checked against the published rounding."""
    row, result = figure(case_id)
    assert published(result, row["places"]) == row["published"]
    return result


# -- international ---------------------------------------------------------------------


def test_wilmoth_bangladesh_worked_example():
    """Bull WHO 2009;87:256, Table 1: Bangladesh 1998–2001."""
    row, ratio = figure("wilmoth_bangladesh_mmratio")
    # Published 322.2; the table's counts give 322.13 (the table rounds its inputs),
    # so the check is to the published precision of 0.1 % rather than to the digit.
    assert float(ratio.value) == pytest.approx(row["published"], rel=1e-3)
    rate = reproduces("wilmoth_bangladesh_mmrate")  # 0.367 per 1,000 woman-years
    # The ratio and the rate differ by the general fertility rate (live births per woman-year).
    woman_years = case("published_figures", "wilmoth_bangladesh_mmrate")["denominator"]
    gfr = row["denominator"] / woman_years
    assert float(rate.value) / 1000 == pytest.approx(float(ratio.value) / 100_000 * gfr)
    # Lifetime risk and TFR are life-table quantities: defined, not computable from counts.
    for key in ("lifetime_risk_maternal_death", "total_fertility_rate"):
        with pytest.raises(mch.InvalidInputError, match="not a quotient"):
            mch.get(key).compute(row["numerator"], row["denominator"])


def test_sdg_required_reduction_for_global_mmr():
    """Global MMR 216 in 2015 needs at least 7.5 % a year to be below 70 by 2030.

    World Health Statistics 2018, Part 2 (WHO).
    """
    # The UN's annual rate of reduction is log-linear: ln(r1 / r2) / (t2 - t1).
    required = np.log(216 / 70) / (2030 - 2015)
    assert required == pytest.approx(0.075, abs=5e-4)
    sdg = mch.targets_for("MMR", plan="sdg_2030")[0]
    on_track = 216 * np.exp(-0.076 * 15)
    assert sdg.evaluate([on_track, 216]).tolist() == [MET, NOT_MET]


# -- China: national series against the plans ------------------------------------------

NATIONAL = load("published_cn_national_mmr_imr")
NATIONAL_MMR = {row["year"]: row["mmr"] for row in NATIONAL}
NATIONAL_IMR = {row["year"]: row["imr"] for row in NATIONAL}


def test_national_mmr_series_against_the_plans():
    """NHC bulletins against the 13th FYP, Healthy China 2030 and the outlines."""
    years = np.array(list(NATIONAL_MMR))
    mmr = np.array(list(NATIONAL_MMR.values()))
    fyp = mch.targets_for("MMR", plan="health_13th_fyp")[0]  # < 18 by 2020
    assert fyp.evaluate(mmr[years == 2020]).tolist() == [MET]
    hc2030 = mch.targets_for("MMR", plan="healthy_china_2030")[0]  # <= 12 by 2030
    assert set(hc2030.evaluate(mmr).tolist()) == {NOT_MET}  # not yet met in 2024 (14.3)
    safety = mch.targets_for("MMR", plan="maternal_infant_safety_2025")[0]  # <= 14.5 by 2025
    assert safety.evaluate(NATIONAL_MMR[2024]).tolist() == MET
    # MDG 5: 2018 was 79.4 % below 1990 (中国妇幼健康事业发展报告 2019), so the 1990
    # value is the 2018 one / (1 - 0.794).
    mdg = mch.targets_for("MMR", plan="mdg_2015")[0]
    mmr_2018 = NATIONAL_MMR[2018]
    assert mdg.evaluate(mmr_2018, baseline=mmr_2018 / (1 - 0.794)).tolist() == MET


def test_national_imr_series_against_the_plans():
    imr = np.array(list(NATIONAL_IMR.values()))
    hc2030 = mch.targets_for("IMR", plan="healthy_china_2030")[0]  # <= 5.0‰
    met = hc2030.evaluate(imr)
    first = list(NATIONAL_IMR)[int(np.argmax(met == MET))]
    assert first == 2021  # 5.0‰ in 2021 meets "at most 5.0"
    # "降至5.0‰以下": 以下 includes the number (docs/targets.md), so 5.0‰ in 2021 meets it
    outlines = mch.targets_for("IMR", plan="cn_outlines_2030")[0]  # <= 5.0‰
    assert outlines.evaluate(NATIONAL_IMR[2020]).tolist() == NOT_MET
    assert outlines.evaluate(NATIONAL_IMR[2021]).tolist() == MET


# -- China: provinces, cities, counties ------------------------------------------------


def test_jiangsu_2018_preconception_coverage_above_100_percent():
    """504,000 persons examined = 104.6 % of the target population (新华日报, Jiangsu 2018)."""
    result = reproduces("jiangsu_2018_preconception")
    assert result.has_flag(mch.Flag.ABOVE_DENOMINATOR)
    assert not result.has_flag(mch.Flag.INVALID)
    assert float(result.upper) > float(result.value) > 100  # the interval is not capped


def test_jiangsu_2018_prenatal_screening():
    """717,400 women screened = 92.88 % (新华日报, Jiangsu 2018); the denominator is derived."""
    result = reproduces("jiangsu_2018_prenatal_screening")
    assert not result.flags.any()


def test_liixian_2018_two_cancer_task_above_100_percent():
    """礼县 2018: 20,762 women screened = 103.81 % of the task (programme report)."""
    result = reproduces("lixian_2018_two_cancer")
    assert result.has_flag(mch.Flag.ABOVE_DENOMINATOR)


def test_two_cancer_city_figure_and_the_proportion_it_is_not():
    """The brief's 109.64 % computes as a coverage; as a proportion it is refused."""
    row, _ = figure("city_two_cancer_task")
    reproduces("city_two_cancer_task")
    with pytest.raises(mch.InvalidInputError, match="exceeds"):
        mch.get("cervical_cancer_screening_rate").compute(row["numerator"], row["denominator"])


def test_changzhou_2018_pmtct():
    """42,778 women; 41,950 tested (98.06 %); HIV positivity 2.38/10万 (常州 2018)."""
    reproduces("changzhou_2018_hiv_testing")
    # the formula sheet computes it × 100 %; the report quotes it per 10万
    assert mch.get("maternal_hiv_positivity_rate").unit == "percent"
    row, positivity = figure("changzhou_2018_hiv_positivity")  # derived: 1 positive
    assert published(positivity, row["places"]) == row["published"]
    assert positivity.has_flag(mch.Flag.UNRELIABLE)
    per_100k_in_percent = row["published"] / 1000
    assert float(positivity.to("%").value) == pytest.approx(per_100k_in_percent, rel=2e-3)


def test_beijing_dongcheng_2017_2021_pooled():
    """1 maternal death → MMR 4.17/10万; 104 perinatal deaths → PMR 2.51‰ (东城区)."""
    mmr = reproduces("dongcheng_2017_2021_mmr")  # live births derived: 23,981
    assert float(mmr.lower) < 0.2 and float(mmr.upper) > 20  # one death: a wide interval
    reproduces("dongcheng_2017_2021_pmr")  # perinatal births derived: 41,434


def test_anqing_2022_low_income_screening_task():
    """Task of 1,326 women (quoted as 33 % of 3,973 eligible); 1,326 screened = 100 %."""
    row, result = figure("anqing_2022_two_cancer_task")
    assert float(result.value) == row["published"]
    assert not result.has_flag(mch.Flag.ABOVE_DENOMINATOR)


def test_brief_city_figures():
    """The figures quoted in the brief, with illustrative counts derived for them."""
    _, mmr = figure("city_mmr")
    assert str(mmr) == "7.42 per 100,000 live births (95% CI 0.90–26.80) [UNRELIABLE]"
    reproduces("city_imr")
    row, early = figure("city_early_registration")  # Clopper–Pearson
    places = row["places"]
    assert (
        published(early, places),
        round(float(early.lower), places),
        round(float(early.upper), places),
    ) == (row["published"], row["published_lower"], row["published_upper"])


def test_pooling_counts_not_rates():
    """Area A 1/100 and area B 50/10,000: pooled 0.505 %, not the 0.75 % mean of rates."""
    low_birth_weight = mch.get("LBW")
    areas = low_birth_weight.compute([1, 50], [100, 10_000])
    assert float(np.mean(areas.value)) == pytest.approx(0.75)
    pooled = low_birth_weight.compute(1 + 50, 100 + 10_000)
    assert float(pooled.value) == pytest.approx(0.50495, abs=1e-5)


def test_dhis2_stillbirth_percent_is_per_1000_times_ten():
    """DHIS2 RMNCAH_SB = 1.2 % is 12 per 1,000 total births.

    DHIS2 RMNCAH metadata package (GitHub dhis2/metadata-package-development).
    """
    assert float(units.convert(1.2, "%", "per_1k")) == pytest.approx(12.0, rel=1e-15)
    enap = mch.targets_for("stillbirth_rate", plan="enap_2030")[0]
    assert enap.evaluate(1.2, unit="%").tolist() == MET


def test_sex_ratio_at_birth_2020_census():
    """111.3 male per 100 female live births (2020 census; Xinhua 2021-05-11)."""
    _, result = figure("census_2020_srb")  # counts chosen to give the published ratio
    assert result.format().startswith("111.3 per 100 female live births")
