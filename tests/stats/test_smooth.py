"""Empirical Bayes smoothing: R's SpatialEpi/MASS/VGAM, an independent scipy fit, the boundary.

References (tests/reference/, provenance in each file's header):

- smooth_spatialepi.csv: SpatialEpi 1.2.8 ``eBayes``/``EBpostthresh`` and ``MASS::glm.nb``
  with tight convergence, on the Scottish lip cancer data and the example prefecture's
  2024 county IMR and U5MR. Tolerances: 1e-7 relative against the tight fit, 1e-5 relative
  against eBayes's default convergence.
- smooth_vgam_betabinomial.csv: ``VGAM::vglm(..., betabinomial)``. Tolerance 1e-6 relative
  (the mean and φ), 1e-6 absolute (the log-likelihood).

The independent fit written out here maximises the negative binomial (scipy's nbinom)
and beta-binomial (written out with log-beta functions) log-likelihoods with
Nelder–Mead on other parameters (log μ, log α; logit π, log(a + b)); the library's
maximum must be at least as high (to 1e-9) and its estimates agree to 1e-4 relative
(Nelder–Mead's own precision).
"""

from __future__ import annotations

from importlib import resources

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import optimize, special
from scipy import stats as sps

from mch_indicators import InvalidInputError, stats
from reference_data import load


def _reference(dataset: str) -> tuple[np.ndarray, np.ndarray, list[dict[str, object]]]:
    rows = [r for r in load("smooth_spatialepi") if r["dataset"] == dataset]
    y = np.array([r["y"] for r in rows], dtype=float)
    e = np.array([r["e"] for r in rows], dtype=float)
    return y, e, rows


def _column(rows: list[dict[str, object]], name: str) -> np.ndarray:
    return np.array([r[name] for r in rows], dtype=float)


NELDER_MEAD = {"xatol": 1e-10, "fatol": 1e-12, "maxiter": 20000}
DATASETS = ["scotland", "infant_mortality_rate_2024", "under5_mortality_rate_2024"]


@pytest.mark.parametrize("dataset", DATASETS)
def test_hyperparameters_match_glm_nb(dataset: str) -> None:
    y, e, rows = _reference(dataset)
    got = stats.smooth(y, e)
    assert 1.0 / float(got.dispersion) == pytest.approx(rows[0]["tight_alpha"], rel=1e-7)
    assert np.log(float(got.mean)) == pytest.approx(rows[0]["tight_beta"], rel=1e-7)
    assert float(got.loglik) == pytest.approx(rows[0]["tight_loglik"], rel=1e-9)
    assert not got.boundary


@pytest.mark.parametrize("dataset", DATASETS)
def test_posteriors_match_spatialepi_ebayes(dataset: str) -> None:
    y, e, rows = _reference(dataset)
    got = stats.smooth(y, e)
    np.testing.assert_allclose(got.value, _column(rows, "rr"), rtol=1e-5)
    np.testing.assert_allclose(got.median, _column(rows, "rr_median"), rtol=1e-5)
    # EBpostthresh at the fitted overall rate (the default benchmark) and at RR = 1
    np.testing.assert_allclose(got.exceedance, _column(rows, "exceed_mean"), rtol=1e-5,
                               atol=1e-9)  # fmt: skip
    at_one = stats.smooth(y, e, benchmark=1.0)
    np.testing.assert_allclose(at_one.exceedance, _column(rows, "exceed_1"), rtol=1e-5,
                               atol=1e-9)  # fmt: skip


def _lirat() -> tuple[np.ndarray, np.ndarray]:
    rows = load("vgam_lirat")
    return (np.array([r["R"] for r in rows], dtype=float),
            np.array([r["N"] for r in rows], dtype=float))  # fmt: skip


def _prefecture(indicator: str, year: int = 2024) -> tuple[np.ndarray, np.ndarray]:
    path = resources.files("mch_indicators.datasets") / "example_prefecture.csv"
    table = pd.read_csv(str(path))
    part = table[(table.indicator == indicator) & (table.year == year)]
    return part.numerator.to_numpy(float), part.denominator.to_numpy(float)


@pytest.mark.parametrize(
    "dataset", ["lirat", "hospital_delivery_rate_cn_2024",
                "high_risk_pregnancy_management_rate_cn_2024"],
)  # fmt: skip
def test_beta_binomial_matches_vgam(dataset: str) -> None:
    ref = next(r for r in load("smooth_vgam_betabinomial") if r["dataset"] == dataset)
    y, n = _lirat() if dataset == "lirat" else _prefecture(dataset.removesuffix("_2024"))
    got = stats.smooth(y, n, model="beta-binomial")
    rho = float(ref["rho"])  # type: ignore[arg-type]
    assert float(got.mean) == pytest.approx(ref["mu"], rel=1e-6)
    assert float(got.dispersion) == pytest.approx(rho / (1.0 - rho), rel=1e-6)
    assert float(got.loglik) == pytest.approx(ref["loglik"], abs=1e-6)


# -- an independent maximum-likelihood fit, written out with scipy ------------------------------


def _scipy_negative_binomial(y: np.ndarray, e: np.ndarray) -> tuple[float, float, float]:
    """(μ, φ, log-likelihood) maximising scipy's nbinom over (log μ, log α)."""

    def minus(params: np.ndarray) -> float:
        mu, alpha = np.exp(params)
        m = e * mu
        return -float(sps.nbinom.logpmf(y, alpha, alpha / (alpha + m)).sum())

    start = np.array([np.log(y.sum() / e.sum()), 0.0])
    fit = optimize.minimize(minus, start, method="Nelder-Mead", options=NELDER_MEAD)
    mu, alpha = np.exp(fit.x)
    return float(mu), float(1.0 / alpha), -float(fit.fun)


def _scipy_beta_binomial(y: np.ndarray, n: np.ndarray) -> tuple[float, float, float]:
    """(π, φ, log-likelihood) maximising the beta-binomial over (logit π, log(a + b))."""

    def minus(params: np.ndarray) -> float:
        p = 1.0 / (1.0 + np.exp(-params[0]))
        total = np.exp(params[1])
        a, b = p * total, (1 - p) * total
        # the beta-binomial log-likelihood written out (scipy's betabinom is slow for large n)
        log_pmf = (special.gammaln(n + 1) - special.gammaln(y + 1) - special.gammaln(n - y + 1)
                   + special.betaln(y + a, n - y + b) - special.betaln(a, b))  # fmt: skip
        return -float(log_pmf.sum())

    p0 = y.sum() / n.sum()
    start = np.array([np.log(p0 / (1 - p0)), np.log(10.0)])
    fit = optimize.minimize(minus, start, method="Nelder-Mead", options=NELDER_MEAD)
    p = 1.0 / (1.0 + np.exp(-fit.x[0]))
    return float(p), float(np.exp(-fit.x[1])), -float(fit.fun)


def _overdispersed(seed: int, areas: int, model: str) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    n = rng.integers(300, 20000, size=areas).astype(float)
    if model == "poisson-gamma":
        theta = rng.gamma(4.0, 0.004 / 4.0, size=areas)
        return rng.poisson(n * theta).astype(float), n
    p = rng.beta(6.0, 300.0, size=areas)
    return rng.binomial(n.astype(np.int64), p).astype(float), n


@pytest.mark.parametrize("seed", range(3))
def test_negative_binomial_agrees_with_an_independent_scipy_fit(seed: int) -> None:
    y, e = _overdispersed(seed, 40, "poisson-gamma")
    mu, phi, loglik = _scipy_negative_binomial(y, e)
    got = stats.smooth(y, e)
    assert float(got.loglik) >= loglik - 1e-9
    assert float(got.mean) == pytest.approx(mu, rel=1e-4)
    assert float(got.dispersion) == pytest.approx(phi, rel=1e-4)


@pytest.mark.parametrize("seed", range(3))
def test_beta_binomial_agrees_with_an_independent_scipy_fit(seed: int) -> None:
    y, n = _overdispersed(seed, 40, "beta-binomial")
    p, phi, loglik = _scipy_beta_binomial(y, n)
    got = stats.smooth(y, n, model="beta-binomial")
    assert float(got.loglik) >= loglik - 1e-9
    assert float(got.mean) == pytest.approx(p, rel=1e-4)
    assert float(got.dispersion) == pytest.approx(phi, rel=1e-4)


@pytest.mark.parametrize("model", ["poisson-gamma", "beta-binomial"])
def test_posterior_quantities_are_scipys_distributions(model: str) -> None:
    y, n = _overdispersed(11, 25, model)
    got = stats.smooth(y, n, model=model, confidence=0.9, benchmark=5.0, multiplier=1000)
    centre, phi = float(got.mean) / 1000, float(got.dispersion)
    if model == "poisson-gamma":
        posterior = sps.gamma(1 / phi + y, scale=1 / (1 / (phi * centre) + n))
    else:
        posterior = sps.beta(centre / phi + y, (1 - centre) / phi + n - y)
    np.testing.assert_allclose(got.value, posterior.mean() * 1000, rtol=1e-10)
    np.testing.assert_allclose(got.lower, posterior.ppf(0.05) * 1000, rtol=1e-8)
    np.testing.assert_allclose(got.upper, posterior.ppf(0.95) * 1000, rtol=1e-8)
    np.testing.assert_allclose(got.median, posterior.median() * 1000, rtol=1e-8)
    np.testing.assert_allclose(got.exceedance, posterior.sf(0.005), rtol=1e-8, atol=1e-14)
    np.testing.assert_allclose(got.crude, y / n * 1000, rtol=1e-15)


# -- where the model does not fit ----------------------------------------------------------------


def test_no_extra_poisson_variation_is_the_boundary_and_says_so() -> None:
    births = np.full(30, 10000.0)
    deaths = np.full(30, 40.0)  # every county exactly at 4 ‰: less variation than Poisson's
    got = stats.smooth(deaths, births, multiplier=1000)
    assert bool(got.boundary) and float(got.dispersion) == 0.0
    assert "beyond chance" in str(got.reason) and "boundary" in str(got.reason)
    assert float(got.lr_statistic) == 0.0 and float(got.p_value) == 1.0
    np.testing.assert_array_equal(got.weight, 0.0)
    np.testing.assert_allclose(got.value, 4.0)
    np.testing.assert_array_equal(got.lower, got.upper)  # no width: the model's own answer


def test_the_boundary_matches_the_score_test() -> None:
    # the MLE of φ is 0 exactly when Σ[(y − m)² − y] ≤ 0 at the Poisson fit (Dean 1992)
    rng = np.random.default_rng(3)
    seen = set()
    for _ in range(40):
        e = rng.uniform(50, 400, size=15)
        y = rng.poisson(e * 0.02).astype(float)
        m = e * y.sum() / e.sum()
        score = float(((y - m) ** 2 - y).sum())
        got = stats.smooth(y, e)
        assert bool(got.boundary) == (score <= 0)
        seen.add(bool(got.boundary))
    assert seen == {True, False}


def test_clear_over_dispersion_has_a_small_p_value() -> None:
    y, e = _overdispersed(5, 60, "poisson-gamma")
    got = stats.smooth(y, e)
    statistic = 2 * (float(got.loglik) - float(got.loglik_null))
    assert float(got.lr_statistic) == pytest.approx(statistic)
    assert float(got.p_value) == pytest.approx(0.5 * sps.chi2.sf(statistic, 1))
    assert float(got.p_value) < 1e-6 and str(got.reason) == ""


@pytest.mark.parametrize(
    ("counts", "base", "reason"),
    [([1.0, 2.0], [100.0, 200.0], "fewer than 3 areas"),
     ([0.0, 0.0, 0.0, 0.0], [100.0, 200.0, 300.0, 400.0], "no events"),
     ([1.0, np.nan, 2.0, np.nan], [100.0, 200.0, 300.0, 400.0], "fewer than 3 areas")],
)  # fmt: skip
def test_groups_that_cannot_be_smoothed_get_nan_and_a_reason(
    counts: list[float], base: list[float], reason: str
) -> None:
    got = stats.smooth(counts, base)
    assert reason in str(got.reason)
    assert np.isnan(got.value).all() and np.isnan(got.mean)


def test_missing_areas_are_left_out_of_the_fit() -> None:
    y, e = _overdispersed(2, 20, "poisson-gamma")
    with_gap = y.copy()
    with_gap[[3, 7]] = np.nan
    got = stats.smooth(with_gap, e)
    alone = stats.smooth(np.delete(y, [3, 7]), np.delete(e, [3, 7]))
    assert np.isnan(got.value[[3, 7]]).all() and int(got.areas) == 18
    np.testing.assert_allclose(np.delete(got.value, [3, 7]), alone.value, rtol=1e-12)


def test_groups_on_leading_axes_are_fitted_separately() -> None:
    a, ea = _overdispersed(7, 15, "poisson-gamma")
    b, eb = _overdispersed(8, 15, "poisson-gamma")
    both = stats.smooth(np.stack([a, b]), np.stack([ea, eb]), multiplier=1000)
    assert both.value.shape == (2, 15) and both.mean.shape == (2,)
    for i, (y, e) in enumerate(((a, ea), (b, eb))):
        one = stats.smooth(y, e, multiplier=1000)
        np.testing.assert_allclose(both.value[i], one.value, rtol=1e-12)
        assert both.dispersion[i] == pytest.approx(float(one.dispersion), rel=1e-12)


@pytest.mark.parametrize(
    ("counts", "base", "model", "message"),
    [([1.5, 2, 3], [100, 100, 100], "poisson-gamma", "whole counts"),
     ([1, 2, -3], [100, 100, 100], "poisson-gamma", "negative"),
     ([1, 2, 3], [100, 0, 100], "poisson-gamma", "denominator of 0"),
     ([1, 200, 3], [100, 100, 100], "beta-binomial", "exceeds its denominator"),
     ([1, 2, 3], [100.5, 100, 100], "beta-binomial", "whole counts"),
     ([1, 2, 3], [100, 100, 100], "gamma", "model must be one of"),
     (3, 100, "poisson-gamma", "the areas")],
)  # fmt: skip
def test_bad_input_is_refused(counts: object, base: object, model: str, message: str) -> None:
    with pytest.raises(InvalidInputError, match=message):
        stats.smooth(counts, base, model=model)  # type: ignore[arg-type]


def test_inputs_are_not_modified_and_results_are_read_only() -> None:
    y, e = _overdispersed(4, 10, "poisson-gamma")
    before = (y.copy(), e.copy())
    got = stats.smooth(y, e)
    np.testing.assert_array_equal(y, before[0])
    np.testing.assert_array_equal(e, before[1])
    with pytest.raises(ValueError, match="read-only"):
        got.value[0] = 1.0


def test_pandas_series_are_aligned_by_label() -> None:
    y, e = _overdispersed(9, 8, "poisson-gamma")
    labels = list("abcdefgh")
    counts = pd.Series(y, index=labels)
    base = pd.Series(e, index=labels)[::-1]
    got = stats.smooth(counts, base)
    np.testing.assert_allclose(got.value, stats.smooth(y, e).value, rtol=1e-12)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.integers(0, 60), min_size=3, max_size=25),
    st.integers(0, 2**31 - 1),
    st.sampled_from(["poisson-gamma", "beta-binomial"]),
)
def test_smoothed_rates_lie_between_crude_and_overall(
    deaths: list[int], seed: int, model: str
) -> None:
    rng = np.random.default_rng(seed)
    y = np.array(deaths, dtype=float)
    n = y + rng.integers(1, 5000, size=y.size)
    got = stats.smooth(y, n, model=model)
    if str(got.reason) and not bool(got.boundary):
        return  # no events at all: nothing to smooth
    centre = float(got.mean)
    low = np.minimum(got.crude, centre) - 1e-12
    high = np.maximum(got.crude, centre) + 1e-12
    assert ((got.value >= low) & (got.value <= high)).all()
    assert ((got.weight >= 0) & (got.weight <= 1)).all()
    assert ((got.lower <= got.value + 1e-12) & (got.value <= got.upper + 1e-12)).all()
    assert float(got.lr_statistic) >= 0


@pytest.mark.parametrize("shape", [(0,), (2, 0)])
def test_a_group_of_no_areas_gets_nan_and_a_reason(shape: tuple[int, ...]) -> None:
    # No areas at all reached numpy's reshape(-1, 0), which fails.
    got = stats.smooth(np.zeros(shape), np.zeros(shape))
    assert got.value.shape == shape and np.isnan(got.mean).all()
    assert np.all(np.char.find(got.reason.astype(str), "fewer than 3 areas") >= 0)
