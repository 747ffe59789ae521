"""Joinpoint regression (stats.joinpoint): NCI's output, an independent GLM, simulations.

Tolerances are stated where they are applied:

- NCI Joinpoint 5 on twelve published series: the same joinpoint years, the same
  number of joinpoints chosen by the weighted BIC, APCs equal to Joinpoint's 4
  printed decimals and fitted values to its 2;
- statsmodels' GLM at fixed joinpoints: coefficients and standard errors to 1e-7
  relative;
- the grid search: the smallest deviance of all candidates fitted one by one;
- simulations: known joinpoints recovered, and the permutation test's size at 0.05
  within 3 binomial standard errors.
"""

from __future__ import annotations

import copy
import math
import pickle
from itertools import combinations

import numpy as np
import pytest

from mch_indicators import InvalidInputError, stats
from reference_data import load

YEARS = np.arange(2002, 2019)


def _nci_series() -> tuple[list[str], np.ndarray, np.ndarray]:
    rows = load("nci_joinpoint_england_mortality")
    names = list(dict.fromkeys(r["case"] for r in rows))
    rates = np.array([[r["rate"] for r in rows if r["case"] == n] for n in names])
    fitted = np.array([[r["nci_fitted"] for r in rows if r["case"] == n] for n in names])
    return names, rates, fitted


def _nci_models() -> dict[str, dict[str, list[float]]]:
    out = {}
    for r in load("nci_joinpoint_england_models"):
        years = str(r["joinpoint_years"])
        out[r["case"]] = {
            "k": r["joinpoints"],
            "years": [] if years == "nan" else [float(v) for v in years.split(";")],
            "apc": [float(v) for v in str(r["apc"]).split(";")],
        }
    return out


def test_nci_joinpoint_weighted_bic_chooses_the_same_models() -> None:
    names, rates, _ = _nci_series()
    models = _nci_models()
    fit = stats.joinpoint(rates, 1.0, YEARS, model="log-linear", max_joinpoints=3)
    assert fit.joinpoints.tolist() == [models[n]["k"] for n in names]
    for i, name in enumerate(names):
        k = models[name]["k"]
        assert fit.joinpoint_year[i, :k].tolist() == models[name]["years"], name
        # APC to Joinpoint's 4 printed decimals
        np.testing.assert_allclose(fit.apc[i, : k + 1], models[name]["apc"], atol=5e-5 + 1e-9)


@pytest.mark.parametrize("index", range(12))
def test_nci_joinpoint_grid_search_and_fit_at_its_number_of_joinpoints(index: int) -> None:
    names, rates, fitted = _nci_series()
    model = _nci_models()[names[index]]
    k = int(model["k"])
    fit = stats.joinpoint(
        rates[index], 1.0, YEARS, model="log-linear", min_joinpoints=k, max_joinpoints=k
    )
    assert fit.joinpoint_year[:k].tolist() == model["years"]
    np.testing.assert_allclose(fit.apc[: k + 1], model["apc"], atol=5e-5 + 1e-9)
    # fitted values printed to 2 decimals
    np.testing.assert_allclose(fit.fitted, fitted[index], atol=0.005 + 1e-9)


def _hinges(years: np.ndarray, joinpoints: list[float]) -> np.ndarray:
    t = years.astype(float)
    columns = [np.ones_like(t), t - t.mean()] + [np.maximum(t - j, 0.0) for j in joinpoints]
    return np.column_stack(columns)


COUNTS = np.array([212, 198, 190, 171, 160, 150, 155, 149, 152, 160, 158, 167, 171, 169, 180])
BIRTHS = np.array([21000, 20800, 20500, 20700, 20100, 19800, 19900, 19500, 19000, 18800,
                   18500, 18600, 18200, 17900, 17800])  # fmt: skip
SPAN = np.arange(2009, 2024)


@pytest.mark.parametrize("model", ["poisson", "binomial"])
def test_fixed_joinpoints_match_statsmodels_glm(model: str) -> None:
    sm = pytest.importorskip("statsmodels.api")
    fit = stats.joinpoint(
        COUNTS, BIRTHS, SPAN, model=model, min_joinpoints=2, max_joinpoints=2,
        dispersion="none",
    )  # fmt: skip
    x = _hinges(SPAN, fit.joinpoint_year.tolist())
    if model == "poisson":
        glm = sm.GLM(COUNTS, x, family=sm.families.Poisson(), offset=np.log(BIRTHS))
        reference = glm.fit(tol=1e-13)
    else:
        pair = np.column_stack([COUNTS, BIRTHS - COUNTS])
        reference = sm.GLM(pair, x, family=sm.families.Binomial()).fit(tol=1e-13)
    np.testing.assert_allclose(fit.coefficients, reference.params, rtol=1e-7)
    np.testing.assert_allclose(np.sqrt(np.diag(fit.covariance)), reference.bse, rtol=1e-7)
    segments = np.array([[0, 1, 0, 0], [0, 1, 1, 0], [0, 1, 1, 1]], dtype=float)
    slopes = segments @ reference.params
    np.testing.assert_allclose(fit.apc, np.expm1(slopes) * 100.0, rtol=1e-7)
    se = np.sqrt(np.einsum("ip,pq,iq->i", segments, reference.cov_params(), segments))
    np.testing.assert_allclose(fit.slope_se, se, rtol=1e-7)


def test_quasi_dispersion_counts_the_joinpoints_as_parameters() -> None:
    sm = pytest.importorskip("statsmodels.api")
    fit = stats.joinpoint(COUNTS, BIRTHS, SPAN, min_joinpoints=1, max_joinpoints=1)
    x = _hinges(SPAN, fit.joinpoint_year.tolist())
    reference = sm.GLM(COUNTS, x, family=sm.families.Poisson(), offset=np.log(BIRTHS)).fit(
        tol=1e-13
    )
    phi = reference.pearson_chi2 / (SPAN.size - 4)  # n − (2k + 2), k = 1
    assert float(fit.dispersion) == pytest.approx(phi, rel=1e-7)
    assert int(fit.df) == SPAN.size - 4
    from scipy.stats import t

    slope = reference.params[1]
    se = math.sqrt(phi * reference.cov_params()[1, 1])
    q = t.ppf(0.975, SPAN.size - 4)
    assert fit.apc_lower[0] == pytest.approx(math.expm1(slope - q * se) * 100, rel=1e-7)
    assert fit.apc_upper[0] == pytest.approx(math.expm1(slope + q * se) * 100, rel=1e-7)


def test_grid_search_finds_the_smallest_deviance_of_all_candidates() -> None:
    sm = pytest.importorskip("statsmodels.api")
    fit = stats.joinpoint(COUNTS, BIRTHS, SPAN, min_joinpoints=2, max_joinpoints=2)
    best = (math.inf, ())
    for pair in combinations(range(2, SPAN.size - 2), 2):
        if pair[1] - pair[0] - 1 < 2:
            continue
        x = _hinges(SPAN, [float(SPAN[i]) for i in pair])
        glm = sm.GLM(COUNTS, x, family=sm.families.Poisson(), offset=np.log(BIRTHS))
        deviance = glm.fit(tol=1e-13).deviance
        best = min(best, (deviance, tuple(float(SPAN[i]) for i in pair)))
    assert tuple(fit.joinpoint_year.tolist()) == best[1]
    assert fit.criterion[2] == pytest.approx(best[0], rel=1e-8)


def test_aapc_is_the_segment_length_weighted_mean_of_the_slopes() -> None:
    fit = stats.joinpoint(COUNTS, BIRTHS, SPAN, min_joinpoints=2, max_joinpoints=2)
    start, end = fit.segment_start, fit.segment_end
    slope = fit.slope

    def by_formula(a: float, b: float) -> float:
        lengths = np.clip(np.minimum(end, b) - np.maximum(start, a), 0.0, None)
        return math.expm1(float((lengths * slope).sum() / lengths.sum())) * 100.0

    for a, b in [(2009, 2023), (2011, 2020), (2015, 2023)]:
        assert float(fit.aapc(a, b)[0]) == pytest.approx(by_formula(a, b), rel=1e-12)
    # inside one segment the AAPC is that segment's APC, interval included
    a, b = float(start[1]) + 0.5, float(end[1]) - 0.5
    aapc = fit.aapc(a, b)
    np.testing.assert_allclose(
        [float(v) for v in aapc],
        [fit.apc[1], fit.apc_lower[1], fit.apc_upper[1]],
        rtol=1e-10,
    )


def test_aapc_interval_is_parametric_from_the_covariance() -> None:
    from scipy.stats import t

    fit = stats.joinpoint(COUNTS, BIRTHS, SPAN, min_joinpoints=2, max_joinpoints=2)
    value, lower, upper = fit.aapc()
    lengths = fit.segment_end - fit.segment_start
    weights = lengths / lengths.sum()
    segments = np.array([[0, 1, 0, 0], [0, 1, 1, 0], [0, 1, 1, 1]], dtype=float)
    gradient = weights @ segments
    se = math.sqrt(gradient @ fit.covariance @ gradient)
    centre = math.log1p(float(value) / 100)
    q = t.ppf(0.975, int(fit.df))
    assert float(lower) == pytest.approx(math.expm1(centre - q * se) * 100, rel=1e-10)
    assert float(upper) == pytest.approx(math.expm1(centre + q * se) * 100, rel=1e-10)


def _simulate(
    rng: np.random.Generator, series: int, years: np.ndarray, joinpoint: float,
    slopes: tuple[float, float], births: float,
) -> np.ndarray:  # fmt: skip
    t = years - years[0]
    eta = np.log(0.01) + slopes[0] * t + (slopes[1] - slopes[0]) * np.maximum(years - joinpoint, 0)
    return rng.poisson(births * np.exp(eta), size=(series, years.size)).astype(float)


def test_known_joinpoints_are_recovered() -> None:
    """200 simulated series, −6 %/yr to +3 %/yr from 2012, about 10,000 → 5,000 events a year.

    Tolerance: the joinpoint found at 2012 exactly in at least 97 % of series, one
    joinpoint chosen by the weighted BIC (of 0 to 3) in at least 90 %, and the mean
    APCs within 0.1 points of the truth (−5.82 and 3.05).
    """
    rng = np.random.default_rng(2024)
    years = np.arange(2000, 2024)
    counts = _simulate(rng, 200, years, 2012.0, (-0.06, 0.03), 1e6)
    exact = stats.joinpoint(counts, 1e6, years, min_joinpoints=1, max_joinpoints=1)
    assert (exact.joinpoint_year[:, 0] == 2012).mean() >= 0.97
    chosen = stats.joinpoint(counts, 1e6, years, max_joinpoints=3)
    assert (chosen.joinpoints == 1).mean() >= 0.90
    one = chosen.joinpoints == 1
    apc = chosen.apc[one][:, :2].mean(axis=0)
    np.testing.assert_allclose(apc, np.expm1([-0.06, 0.03]) * 100, atol=0.1)


def test_permutation_test_size_at_five_percent() -> None:
    """400 straight-line series (no joinpoint), one test of 0 against 1 joinpoint each.

    Log-linear model with normal errors on the log rate, 99 permutations per test.
    Tolerance: the share of series given a joinpoint within 3 binomial standard
    errors of 0.05 (0.017 to 0.083).
    """
    rng = np.random.default_rng(7)
    years = np.arange(2010, 2022)
    log_rate = np.log(50.0) - 0.02 * (years - 2010) + rng.normal(0, 0.05, (400, years.size))
    fit = stats.joinpoint(
        np.exp(log_rate), 1.0, years, model="log-linear", selection="permutation",
        max_joinpoints=1, permutations=99,
    )  # fmt: skip
    assert (fit.test_null[:, 0] == 0).all() and (fit.test_alternative[:, 0] == 1).all()
    share = float((fit.joinpoints == 1).mean())
    se = math.sqrt(0.05 * 0.95 / 400)
    assert abs(share - 0.05) <= 3 * se
    # the p-values of a permutation test are uniform on its grid under H0
    assert 0.40 <= float(np.mean(fit.test_p_value[:, 0] <= 0.5)) <= 0.60


def test_permutation_sequence_and_levels() -> None:
    counts = _simulate(np.random.default_rng(3), 1, np.arange(2000, 2020), 2009.0,
                       (-0.08, 0.04), 50000.0)[0]  # fmt: skip
    fit = stats.joinpoint(counts, 50000.0, np.arange(2000, 2020), selection="permutation",
                          max_joinpoints=2, permutations=199)  # fmt: skip
    # H0: 0 vs H1: 2 at 0.05/2 is rejected; then H0: 1 vs H1: 2 at 0.05/1
    assert fit.test_null.tolist() == [0, 1]
    assert fit.test_alternative.tolist() == [2, 2]
    assert fit.test_level.tolist() == [0.025, 0.05]
    assert fit.test_p_value[0] == pytest.approx(1 / 200)
    assert int(fit.joinpoints) == 1 and fit.joinpoint_year[0] == 2009


def test_series_shape_missing_years_and_reasons() -> None:
    counts = np.array([[[50, 45, 41, 37, 34, 34, 35, 35, 36, 37]] * 2] * 3, dtype=float)
    counts[0, 1, 4] = np.nan  # a year missing in one series
    counts[1, 0] = 0.0  # no events at all
    fit = stats.joinpoint(counts, 5000.0, np.arange(2014, 2024), max_joinpoints=1)
    assert fit.joinpoints.shape == (3, 2) and fit.apc.shape == (3, 2, 2)
    assert fit.points[0, 1] == 9 and fit.points[0, 0] == 10
    assert fit.reason[1, 0] == "no events in the years used" and fit.joinpoints[1, 0] == -1
    assert np.isnan(fit.apc[1, 0]).all()
    # a joinpoint is never put on the missing year
    assert fit.joinpoint_year[0, 1, 0] != 2018


def test_log_linear_refuses_zero_years_with_a_reason() -> None:
    fit = stats.joinpoint([3, 0, 2, 4, 1, 2, 3], [1000] * 7, range(2017, 2024), model="log-linear")
    assert "log-linear" in str(fit.reason) and int(fit.joinpoints) == -1
    fit = stats.joinpoint([3, 0, 2, 4, 1, 2, 3], [1000] * 7, range(2017, 2024))
    assert str(fit.reason) == "" and int(fit.joinpoints) == 0


def test_default_maximum_follows_nci_and_the_room_left() -> None:
    assert stats.default_max_joinpoints([5, 7, 11, 12, 16, 17, 21, 22, 26, 27]).tolist() == [
        0, 1, 1, 2, 2, 3, 3, 4, 4, 5
    ]  # fmt: skip
    fit = stats.joinpoint(np.arange(1, 10) * 10.0, 1000.0, range(2015, 2024))
    assert int(fit.max_joinpoints) == 1
    fit = stats.joinpoint(np.arange(1, 10) * 10.0, 1000.0, range(2015, 2024), min_end=5)
    assert int(fit.max_joinpoints) == 0


def test_binomial_proportions_near_one() -> None:
    births = np.full(12, 4000.0)
    share = np.r_[np.linspace(0.90, 0.97, 6), np.full(6, 0.975)]
    fit = stats.joinpoint(np.round(share * births), births, range(2012, 2024), model="binomial",
                          max_joinpoints=1)  # fmt: skip
    assert int(fit.joinpoints) == 1
    assert np.all(fit.fitted < 1.0)


def test_result_travels_and_is_read_only() -> None:
    fit = stats.joinpoint(COUNTS, BIRTHS, SPAN, max_joinpoints=2)
    for other in (pickle.loads(pickle.dumps(fit)), copy.deepcopy(fit)):
        np.testing.assert_array_equal(other.apc, fit.apc)
        assert other.aapc()[0] == fit.aapc()[0]
    with pytest.raises(ValueError, match="read-only"):
        fit.apc[0] = 1.0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"model": "linear"}, "model must be one of"),
        ({"selection": "aic"}, "selection must be one of"),
        ({"max_joinpoints": -1}, "max_joinpoints"),
        ({"max_joinpoints": 1.5}, "max_joinpoints"),
        ({"alpha": 5}, "alpha"),
        ({"permutations": 5}, "permutations"),
        ({"variance": "gamma"}, "variance"),
        ({"dispersion": "x"}, "dispersion"),
    ],
)
def test_bad_options(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidInputError, match=message):
        stats.joinpoint(COUNTS, BIRTHS, SPAN, **kwargs)  # type: ignore[arg-type]


def test_bad_input() -> None:
    with pytest.raises(InvalidInputError, match="negative"):
        stats.joinpoint([-1, 2, 3, 4, 5], [10] * 5, range(5))
    with pytest.raises(InvalidInputError, match="one axis of years"):
        stats.joinpoint([[1, 2, 3, 4, 5]] * 2, [10] * 5, [range(5), range(1, 6)])
    with pytest.raises(InvalidInputError, match="twice"):
        stats.joinpoint([1, 2, 3, 4, 5], [10] * 5, [1, 2, 2, 3, 4])
    with pytest.raises(InvalidInputError, match="exceeds"):
        stats.joinpoint([1, 20, 3, 4, 5], [10] * 5, range(5), model="binomial")
    fit = stats.joinpoint(COUNTS, BIRTHS, SPAN)
    with pytest.raises(InvalidInputError, match="after start"):
        fit.aapc(2015, 2012)


def test_inputs_are_not_modified() -> None:
    counts, births = COUNTS.copy(), BIRTHS.copy()
    stats.joinpoint(counts, births, SPAN[::-1].copy(), max_joinpoints=1)
    np.testing.assert_array_equal(counts, COUNTS)
    np.testing.assert_array_equal(births, BIRTHS)


def test_years_in_any_order() -> None:
    order = np.random.default_rng(1).permutation(SPAN.size)
    a = stats.joinpoint(COUNTS, BIRTHS, SPAN, max_joinpoints=2)
    b = stats.joinpoint(COUNTS[order], BIRTHS[order], SPAN[order], max_joinpoints=2)
    np.testing.assert_allclose(a.apc, b.apc, rtol=1e-12, equal_nan=True)
    np.testing.assert_array_equal(a.years, b.years)
