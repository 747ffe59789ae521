"""Published figures as fixtures (definitions.md §4), with the counts they come from.

Where a report publishes counts, the test computes the value from them; where it
publishes a value and one count, the other count is derived (stated in each
case) and the test checks that the catalog's definition reproduces the published
rounding, kind and flags. Tolerances are the published rounding.
"""

from __future__ import annotations

import numpy as np
import pytest

import mch_indicators as mch
from mch_indicators import units

MET, NOT_MET = mch.TargetStatus.MET.value, mch.TargetStatus.NOT_MET.value


def published(result: mch.Result, places: int) -> float:
    return round(float(result.value), places)


# -- international ---------------------------------------------------------------------


def test_wilmoth_bangladesh_worked_example():
    """Bull WHO 2009;87:256, Table 1: Bangladesh 1998–2001 [S6]."""
    deaths, live_births, woman_years = 131.392, 40_788, 358_007
    ratio = mch.get("maternal_mortality_ratio").compute(deaths, live_births)
    # Published 322.2; the table's counts give 322.13 (the table rounds its inputs),
    # so the check is to the published precision of 0.1 % rather than to the digit.
    assert float(ratio.value) == pytest.approx(322.2, rel=1e-3)
    rate = mch.get("MMRate").compute(deaths, woman_years).to("per_1k")
    assert round(float(rate.value), 3) == 0.367  # published 0.367 per 1,000 woman-years
    # The ratio and the rate differ by the general fertility rate (live births per woman-year).
    gfr = live_births / woman_years
    assert float(rate.value) / 1000 == pytest.approx(float(ratio.value) / 100_000 * gfr)
    # Lifetime risk and TFR are life-table quantities: defined, not computable from counts.
    for key in ("lifetime_risk_maternal_death", "total_fertility_rate"):
        with pytest.raises(mch.InvalidInputError, match="not a quotient"):
            mch.get(key).compute(deaths, live_births)


def test_sdg_required_reduction_for_global_mmr():
    """Global MMR 216 in 2015 needs at least 7.5 % a year to be below 70 by 2030 [S28]."""
    # The UN's annual rate of reduction is log-linear: ln(r1 / r2) / (t2 - t1).
    required = np.log(216 / 70) / (2030 - 2015)
    assert required == pytest.approx(0.075, abs=5e-4)
    sdg = mch.targets_for("MMR", plan="sdg_2030")[0]
    on_track = 216 * np.exp(-0.076 * 15)
    assert sdg.evaluate([on_track, 216]).tolist() == [MET, NOT_MET]


# -- China: national series against the plans ------------------------------------------

NATIONAL_MMR = {2015: 20.1, 2016: 19.9, 2017: 19.6, 2018: 18.3, 2020: 16.9, 2021: 16.1,
                2022: 15.7, 2023: 15.1, 2024: 14.3}  # fmt: skip
NATIONAL_IMR = {2015: 8.1, 2016: 7.5, 2017: 6.8, 2018: 6.1, 2020: 5.4, 2021: 5.0, 2022: 4.9,
                2023: 4.5, 2024: 4.0}  # fmt: skip


def test_national_mmr_series_against_the_plans():
    """NHC bulletins [C17*] against the 13th FYP, Healthy China 2030 and the outlines."""
    years = np.array(list(NATIONAL_MMR))
    mmr = np.array(list(NATIONAL_MMR.values()))
    fyp = mch.targets_for("MMR", plan="health_13th_fyp")[0]  # < 18 by 2020
    assert fyp.evaluate(mmr[years == 2020]).tolist() == [MET]
    hc2030 = mch.targets_for("MMR", plan="healthy_china_2030")[0]  # <= 12 by 2030
    assert set(hc2030.evaluate(mmr).tolist()) == {NOT_MET}  # not yet met in 2024 (14.3)
    safety = mch.targets_for("MMR", plan="maternal_infant_safety_2025")[0]  # <= 14.5 by 2025
    assert safety.evaluate(NATIONAL_MMR[2024]).tolist() == MET
    # MDG 5: 2018 was 79.4 % below 1990, so the 1990 value is 18.3 / (1 - 0.794).
    mdg = mch.targets_for("MMR", plan="mdg_2015")[0]
    assert mdg.evaluate(18.3, baseline=18.3 / (1 - 0.794)).tolist() == MET


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
    """504,000 persons examined = 104.6 % of the target population [C24]."""
    examined = 504_000
    target_population = round(examined / 1.046)  # derived: 481,836
    result = mch.get("孕前优生健康检查目标人群覆盖率").compute(examined, target_population)
    assert published(result, 1) == 104.6
    assert result.has_flag(mch.Flag.ABOVE_DENOMINATOR)
    assert not result.has_flag(mch.Flag.INVALID)
    assert float(result.upper) > float(result.value) > 100  # the interval is not capped


def test_jiangsu_2018_prenatal_screening():
    """717,400 women screened = 92.88 % [C24]; the denominator is derived."""
    screened = 717_400
    delivered = round(screened / 0.9288)
    result = mch.get("产前筛查率").compute(screened, delivered)
    assert published(result, 2) == 92.88
    assert not result.flags.any()


def test_liixian_2018_two_cancer_task_above_100_percent():
    """礼县 2018: 20,762 women screened = 103.81 % of the task [C27]."""
    result = mch.get("两癌筛查覆盖率").compute(20_762, 20_000)
    assert published(result, 2) == 103.81
    assert result.has_flag(mch.Flag.ABOVE_DENOMINATOR)


def test_two_cancer_city_figure_and_the_proportion_it_is_not():
    """The brief's 109.64 % computes as a coverage; as a proportion it is refused."""
    assert published(
        mch.get("two_cancer_screening_task_completion").compute(21_928, 20_000), 2
    ) == (109.64)
    with pytest.raises(mch.InvalidInputError, match="exceeds"):
        mch.get("cervical_cancer_screening_rate").compute(21_928, 20_000)


def test_changzhou_2018_pmtct():
    """42,778 women; 41,950 tested (98.06 %); HIV positivity 2.38/10万 [C29]."""
    tested = mch.get("孕产妇艾滋病检测率").compute(41_950, 42_778)
    assert published(tested, 2) == 98.06
    positivity = mch.get("maternal_hiv_positivity_rate").compute(1, 41_950)  # derived: 1 positive
    assert positivity.unit == "percent"  # the formula sheet's × 100 %; reports quote per 10万
    assert published(positivity.to("per_100k"), 2) == 2.38
    assert positivity.has_flag(mch.Flag.UNRELIABLE)
    assert float(positivity.value) == pytest.approx(0.00238, rel=2e-3)


def test_beijing_dongcheng_2017_2021_pooled():
    """1 maternal death → MMR 4.17/10万; 104 perinatal deaths → PMR 2.51‰ [C18]."""
    live_births = round(1 / 4.17e-5)  # derived: 23,981
    mmr = mch.get("MMR").compute(1, live_births)
    assert published(mmr, 2) == 4.17
    assert float(mmr.lower) < 0.2 and float(mmr.upper) > 20  # one death: a wide interval
    perinatal_births = round(104 / 2.51e-3)  # derived: 41,434
    assert published(mch.get("围产儿死亡率").compute(104, perinatal_births), 2) == 2.51


def test_anqing_2022_low_income_screening_task():
    """Task of 1,326 women (quoted as 33 % of 3,973 eligible); 1,326 screened = 100 % [C27]."""
    result = mch.get("two_cancer_screening_task_completion").compute(1_326, 1_326)
    assert float(result.value) == 100.0 and not result.has_flag(mch.Flag.ABOVE_DENOMINATOR)


def test_brief_city_figures():
    """The figures quoted in the brief, with the counts §4.4 derives for them."""
    assert str(mch.get("MMR").compute(2, 26_954)) == (
        "7.42 per 100,000 live births (95% CI 0.90–26.80) [UNRELIABLE]"
    )
    assert published(mch.get("IMR").compute(60, 26_906), 2) == 2.23
    early = mch.get("早孕建册率").compute(9_799, 10_000, method="clopper_pearson")
    assert (published(early, 2), round(float(early.lower), 2), round(float(early.upper), 2)) == (
        97.99,
        97.70,
        98.26,
    )


def test_pooling_counts_not_rates():
    """Area A 1/100 and area B 50/10,000: pooled 0.505 %, not the 0.75 % mean of rates."""
    low_birth_weight = mch.get("LBW")
    areas = low_birth_weight.compute([1, 50], [100, 10_000])
    assert float(np.mean(areas.value)) == pytest.approx(0.75)
    pooled = low_birth_weight.compute(1 + 50, 100 + 10_000)
    assert float(pooled.value) == pytest.approx(0.50495, abs=1e-5)


def test_dhis2_stillbirth_percent_is_per_1000_times_ten():
    """DHIS2 RMNCAH_SB = 1.2 % is 12 per 1,000 total births [S17]."""
    assert float(units.convert(1.2, "%", "per_1k")) == pytest.approx(12.0, rel=1e-15)
    enap = mch.targets_for("stillbirth_rate", plan="enap_2030")[0]
    assert enap.evaluate(1.2, unit="%").tolist() == MET


def test_sex_ratio_at_birth_2020_census():
    """111.3 male per 100 female live births (2020 census) [C22b]."""
    result = mch.get("SRB").compute(1_113_000, 1_000_000)
    assert result.format().startswith("111.3 per 100 female live births")
