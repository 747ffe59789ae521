"""mch.smooth on tables: the same numbers as stats.smooth, one fit per group, rows kept."""

from __future__ import annotations

from importlib import resources

import numpy as np
import pandas as pd
import pytest

import mch_indicators as mch
from mch_indicators import InvalidInputError, stats


def _prefecture(indicator: str) -> pd.DataFrame:
    path = resources.files("mch_indicators.datasets") / "example_prefecture.csv"
    table = mch.read_table(path)
    return table[table["indicator"] == indicator].reset_index(drop=True)


def test_one_fit_per_year_matches_the_array_function() -> None:
    imr = _prefecture("infant_mortality_rate").rename(
        columns={"numerator": "infant_deaths", "denominator": "live_births"}
    )
    out = mch.smooth(imr, "IMR", by="year")
    assert len(out) == len(imr) and list(out.index) == list(imr.index)
    for year, rows in out.groupby("year"):
        part = imr[imr.year == year]
        expected = stats.smooth(part.infant_deaths.to_numpy(float),
                                part.live_births.to_numpy(float), multiplier=1000)  # fmt: skip
        np.testing.assert_allclose(rows.smoothed, expected.value, rtol=1e-12)
        np.testing.assert_allclose(rows.smoothed_upper, expected.upper, rtol=1e-12)
        np.testing.assert_allclose(rows.exceedance, expected.exceedance, rtol=1e-12)
        assert (rows["mean"] == float(expected.mean)).all()
    crude = mch.get("IMR").compute(imr.infant_deaths, imr.live_births)
    np.testing.assert_allclose(out.crude, crude.value, rtol=1e-15)
    np.testing.assert_allclose(out.crude_upper, crude.upper, rtol=1e-15)


def test_proportions_use_the_beta_binomial_and_percent() -> None:
    table = _prefecture("hospital_delivery_rate_cn").query("year == 2024")
    table = table.rename(columns={"numerator": "facility_live_births",
                                  "denominator": "live_births"})  # fmt: skip
    out = mch.smooth(table, "hospital_delivery_rate_cn")
    assert (out.model == "beta-binomial").all()
    expected = stats.smooth(table.facility_live_births.to_numpy(float),
                            table.live_births.to_numpy(float), model="beta-binomial",
                            multiplier=100)  # fmt: skip
    np.testing.assert_allclose(out.smoothed, expected.value, rtol=1e-12)
    assert 99 < out["mean"].iloc[0] < 100


def test_benchmark_from_a_target_and_the_boundary_note() -> None:
    frame = pd.DataFrame({"county": list("ABCDEFGH"), "infant_deaths": [40] * 8,
                          "live_births": [10000] * 8})  # fmt: skip
    target = mch.targets_for("IMR", plan="healthy_china_2030")[0]  # ≤ 5 ‰
    out = mch.smooth(frame, "IMR", benchmark=target)
    assert (out.benchmark == 5.0).all()
    assert out.fit_note.str.contains("boundary").all()
    assert (out.exceedance == 0.0).all()  # every county at 4 ‰, with no spread


def test_missing_counts_are_nan_and_inputs_are_kept() -> None:
    frame = pd.DataFrame({"county": list("ABCDE"), "infant_deaths": [3, 14, np.nan, 30, 9],
                          "live_births": [900, 3000, 2000, 9000, 4000]})  # fmt: skip
    before = frame.copy()
    out = mch.smooth(frame, "IMR")
    pd.testing.assert_frame_equal(frame, before)
    assert np.isnan(out.smoothed.iloc[2]) and out.smoothed.drop(2).notna().all()


@pytest.mark.parametrize(
    ("options", "message"),
    [({"model": "normal"}, "model must be one of"),
     ({"benchmark": "high"}, "benchmark must be a number"),
     ({"by": "province"}, "province"),
     ({"benchmark": mch.targets_for("MMR")[0]}, "is a target for")],
)  # fmt: skip
def test_bad_options(options: dict[str, object], message: str) -> None:
    frame = pd.DataFrame({"infant_deaths": [3, 14, 9], "live_births": [900, 3000, 4000]})
    with pytest.raises(InvalidInputError, match=message):
        mch.smooth(frame, "IMR", **options)  # type: ignore[arg-type]


def test_negative_counts_name_the_row() -> None:
    frame = pd.DataFrame({"county": list("ABC"), "infant_deaths": [3, -1, 9],
                          "live_births": [900, 3000, 4000]})  # fmt: skip
    with pytest.raises(InvalidInputError, match="row 1"):
        mch.smooth(frame, "IMR", by="county")


def test_office_headers_and_a_total_row_are_never_an_area() -> None:
    office = pd.DataFrame({"县区": ["甲县", "乙县", "丙县", "丁县", "合计"],
                           "婴儿死亡数": [3, 14, 30, 9, 56],
                           "活产数": [900, 3000, 9000, 4000, 16900]})  # fmt: skip
    out = mch.smooth(office, "IMR")
    alone = mch.smooth(office.iloc[:4], "IMR")
    assert len(out) == 4 and "合计" not in out["县区"].tolist()
    np.testing.assert_allclose(out.smoothed, alone.smoothed, rtol=1e-12)


def test_decompose_takes_a_total_stratum_out() -> None:
    indicator = mch.get("perinatal_mortality_rate_cn")
    frame = pd.DataFrame({
        "year": [2015] * 3 + [2024] * 3,
        "出生体重": ["<2500 g", ">=2500 g", "合计"] * 2,
        indicator.numerator.id: [80, 37, 117, 52, 28, 80],
        indicator.denominator.id: [850, 9150, 10000, 770, 9230, 10000],
    })  # fmt: skip
    out = mch.decompose(frame, indicator, strata="出生体重", between="year")
    assert out["first"].iloc[-1] == pytest.approx(117 / 10000 * indicator.scale)
    assert out.effect.iloc[:2].sum() == pytest.approx(out.effect.iloc[-1], abs=1e-12)
