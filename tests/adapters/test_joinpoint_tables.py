"""mch.joinpoint on tables: the same numbers as stats.joinpoint, laid out per area."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import mch_indicators as mch
from mch_indicators import stats

DEATHS = [100, 90, 81, 73, 66, 66, 67, 67, 68, 69, 70]


def _frame() -> pd.DataFrame:
    years = list(range(2013, 2024))
    return pd.DataFrame({
        "county": ["乙县"] * 11 + ["甲县"] * 11,
        "year": years * 2,
        "infant_deaths": DEATHS + DEATHS[::-1],
        "live_births": [10000] * 22,
    }).sample(frac=1.0, random_state=3)  # fmt: skip


def test_tables_match_the_array_fit_area_by_area() -> None:
    table = mch.joinpoint(_frame(), "IMR", by="county", max_joinpoints=1)
    assert table.models["county"].tolist() == ["乙县", "甲县"]
    for area, deaths in (("乙县", DEATHS), ("甲县", DEATHS[::-1])):
        fit = stats.joinpoint(deaths, 10000, range(2013, 2024), max_joinpoints=1,
                              multiplier=1000)  # fmt: skip
        segments = table.segments[table.segments["county"] == area]
        np.testing.assert_allclose(segments["apc"], fit.apc, rtol=1e-12)
        np.testing.assert_allclose(segments["p_value"], fit.apc_p_value, rtol=1e-12)
        points = table.joinpoints[table.joinpoints["county"] == area]
        assert points["year"].tolist() == fit.joinpoint_year.tolist()
        fitted = table.fitted[table.fitted["county"] == area]
        np.testing.assert_allclose(fitted["fitted"], fit.fitted, rtol=1e-12)
        np.testing.assert_allclose(fitted["observed"], np.array(deaths) / 10, rtol=1e-12)
        model = table.models[table.models["county"] == area].iloc[0]
        assert model["aapc"] == pytest.approx(float(fit.aapc()[0]), rel=1e-12)


def test_labels_in_chinese_and_aapc_over_a_range() -> None:
    table = mch.joinpoint(_frame(), "IMR", by="county", max_joinpoints=1, lang="zh")
    assert set(table.segments["change"]) <= {"上升", "下降", "无显著变化"}
    out = table.aapc(2015, 2020)
    assert out.columns.tolist() == ["county", "start", "end", "aapc", "aapc_lower", "aapc_upper"]
    np.testing.assert_allclose(out["aapc"], table.result.aapc(2015, 2020)[0], rtol=1e-12)


def test_two_rows_for_one_area_and_year_are_refused() -> None:
    frame = pd.concat([_frame(), _frame().iloc[:1]])
    with pytest.raises(mch.InvalidInputError, match="two rows"):
        mch.joinpoint(frame, "IMR", by="county")


def test_the_model_follows_the_indicator_unless_given() -> None:
    assert mch.joinpoint(_frame(), "IMR", by="county").result.model == "poisson"
    table = mch.joinpoint(_frame(), "IMR", by="county", model="binomial")
    assert table.result.model == "binomial"
    assert (table.models["joinpoints"] >= 0).all()
