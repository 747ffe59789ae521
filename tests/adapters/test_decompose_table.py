"""mch.decompose on tables of strata: the numbers of stats.decompose, two populations named."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import mch_indicators as mch
from mch_indicators import InvalidInputError, stats


def _births() -> pd.DataFrame:
    return pd.DataFrame({
        "year": [2015] * 3 + [2024] * 3,
        "birth_weight": ["<1500 g", "1500-2499 g", ">=2500 g"] * 2,
        "perinatal_deaths": [45, 35, 37, 26, 26, 28],
        "births": [150, 700, 9150, 120, 650, 9230],
    })  # fmt: skip


def test_matches_the_array_function_and_adds_up() -> None:
    out = mch.decompose(_births(), strata="birth_weight", between="year",
                        numerator="perinatal_deaths", denominator="births",
                        multiplier=1000)  # fmt: skip
    b = _births()
    r1 = (b.perinatal_deaths / b.births)[:3].to_numpy()
    r2 = (b.perinatal_deaths / b.births)[3:].to_numpy()
    expected = stats.decompose(r1, b.births[:3], r2, b.births[3:], multiplier=1000)
    np.testing.assert_allclose(out.effect[:2], expected.effects, rtol=1e-12)
    assert out.effect[:2].sum() == pytest.approx(out.effect.iloc[-1], abs=1e-12)
    assert out.factor.tolist() == ["birth_weight", "rate", "crude"]
    assert out.attrs == {"between": "year", "first": 2015, "second": 2024}


def test_strata_are_matched_by_label_whatever_the_row_order() -> None:
    shuffled = _births().iloc[[5, 0, 3, 2, 4, 1]]
    options = {"strata": "birth_weight", "between": "year", "numerator": "perinatal_deaths",
               "denominator": "births"}  # fmt: skip
    pd.testing.assert_frame_equal(mch.decompose(shuffled, **options),
                                  mch.decompose(_births(), **options))  # fmt: skip


def test_indicator_gives_the_columns_and_the_multiplier() -> None:
    frame = _births().rename(columns={"perinatal_deaths": "perinatal_deaths_28w",
                                      "births": "births_28w"})  # fmt: skip
    indicator = mch.get("perinatal_mortality_rate_cn")
    frame = frame.rename(columns={"perinatal_deaths_28w": indicator.numerator.id,
                                  "births_28w": indicator.denominator.id})  # fmt: skip
    out = mch.decompose(frame, indicator, strata="birth_weight", between="year")
    assert out["first"].iloc[-1] == pytest.approx(117 / 10000 * indicator.scale)


def test_cross_classified_strata_and_chosen_populations() -> None:
    rows = [{"county": c, "weight": w, "weeks": g, "deaths": d, "births": n}
            for c, w, g, d, n in [("A", "low", "<37", 20, 300), ("A", "low", "37+", 5, 200),
                                  ("A", "normal", "<37", 6, 700), ("A", "normal", "37+", 30,
                                                                    9000),
                                  ("B", "low", "<37", 15, 250), ("B", "low", "37+", 3, 150),
                                  ("B", "normal", "<37", 4, 500), ("B", "normal", "37+", 25,
                                                                    9500),
                                  ("C", "low", "<37", 1, 10), ("C", "low", "37+", 1, 10),
                                  ("C", "normal", "<37", 1, 10), ("C", "normal", "37+", 1,
                                                                   10)]]  # fmt: skip
    frame = pd.DataFrame(rows)
    out = mch.decompose(frame, strata=["weight", "weeks"], between="county", first="A",
                        second="B", numerator="deaths", denominator="births")  # fmt: skip
    assert out.factor.tolist() == ["weight", "weeks", "rate", "crude"]
    assert out.effect[:3].sum() == pytest.approx(out.effect.iloc[-1], abs=1e-14)
    with pytest.raises(InvalidInputError, match="holds 3 values"):
        mch.decompose(frame, strata=["weight", "weeks"], between="county",
                      numerator="deaths", denominator="births")  # fmt: skip


def test_a_stratum_missing_in_one_population() -> None:
    frame = _births().drop(index=3)  # no <1500 g row in 2024: no births there
    with pytest.raises(InvalidInputError, match="needs its rate in both"):
        mch.decompose(frame, strata="birth_weight", between="year",
                      numerator="perinatal_deaths", denominator="births")  # fmt: skip


@pytest.mark.parametrize(
    ("change", "message"),
    [({"strata": ["a", "b", "c"]}, "two \\(cross-classified\\)"),
     ({"first": 2016, "second": 2024}, "first=2016 is not a value"),
     ({"between": "area"}, "area")],
)  # fmt: skip
def test_bad_options(change: dict[str, object], message: str) -> None:
    options = {"strata": "birth_weight", "between": "year", "numerator": "perinatal_deaths",
               "denominator": "births", **change}  # fmt: skip
    with pytest.raises(InvalidInputError, match=message):
        mch.decompose(_births(), **options)  # type: ignore[arg-type]


def test_two_rows_for_a_stratum_name_it() -> None:
    frame = pd.concat([_births(), _births().iloc[[0]]])
    with pytest.raises(InvalidInputError, match=r"two rows for .*<1500 g"):
        mch.decompose(frame, strata="birth_weight", between="year",
                      numerator="perinatal_deaths", denominator="births")  # fmt: skip
