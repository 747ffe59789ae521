"""Joinpoint intervals: empirical quantile (resampled) and parametric, NCI's verdicts, coverage.

Tolerances are stated where they are applied:

- NCI Joinpoint 5 on 36 more published series (Northern Ireland, Scotland, Wales):
  the same number of joinpoints chosen by the weighted BIC, the same joinpoint years
  and APCs equal to Joinpoint's 4 printed decimals;
- NCI's significance verdicts (its empirical quantile intervals, 10,000 resamples) on
  all 48 published series: ours agree on at least 116 of the 123 segments, and where
  they differ NCI's interval is the wider (NCI finds no significant change);
- the grid search of resampled data sets: statsmodels' WLS of every candidate, the
  smallest SSE and its coefficients to 1e-9 relative;
- coverage on simulated series with known APCs: within 3 binomial standard errors of
  the nominal 95 % (the whole period's AAPC: from 3 standard errors below to 0.975);
- the interval's ends are order statistics of the resamples, checked exactly (np.sort);
  the interval excludes 0 exactly when the resampling p-value is below 1 − confidence.

Every resampled fit uses a fixed seed; the file runs in about 15 s on a busy 2-core machine.
"""

from __future__ import annotations

import copy
import math
import pickle

import numpy as np
import pytest

import mch_indicators as mch
from mch_indicators import InvalidInputError, stats
from mch_indicators.stats import _joinpoint_grid as grid
from reference_data import load


def _published(prefix: str) -> list[tuple[str, np.ndarray, np.ndarray, dict[str, object]]]:
    """(case, years, rates, NCI's model) of each series of tests/reference/nci_joinpoint_*."""
    rows = load(f"nci_joinpoint_{prefix}_mortality")
    models = {r["case"]: r for r in load(f"nci_joinpoint_{prefix}_models")}
    out = []
    for name in dict.fromkeys(r["case"] for r in rows):
        mine = [r for r in rows if r["case"] == name]
        years = np.array([r["year"] for r in mine])
        out.append((name, years, np.array([r["rate"] for r in mine]), models[name]))
    return out


def _split(text: object, kind: type = float) -> list:
    return [] if str(text) == "nan" else [kind(v) for v in str(text).split(";")]


def _by_length(prefix: str) -> list[tuple[list[str], np.ndarray, np.ndarray, list[dict]]]:
    """The published series grouped by their year axis (one call of stats.joinpoint each)."""
    groups: dict[tuple[int, ...], list] = {}
    for name, years, rates, model in _published(prefix):
        groups.setdefault(tuple(years), []).append((name, rates, model))
    return [
        ([n for n, _, _ in members], np.array(key), np.array([r for _, r, _ in members]),
         [m for _, _, m in members])
        for key, members in groups.items()
    ]  # fmt: skip


def test_nci_uk_nations_weighted_bic_models() -> None:
    """36 series more: NCI's number of joinpoints, joinpoint years and APCs (4 decimals)."""
    checked = 0
    for names, years, rates, models in _by_length("uk_nations"):
        fit = stats.joinpoint(rates, 1.0, years, model="log-linear")
        for i, (name, model) in enumerate(zip(names, models, strict=True)):
            k = int(model["joinpoints"])
            assert int(fit.joinpoints[i]) == k, name
            assert fit.joinpoint_year[i, :k].tolist() == _split(model["joinpoint_years"]), name
            np.testing.assert_allclose(
                fit.apc[i, : k + 1], _split(model["apc"]), atol=5e-5 + 1e-9, err_msg=name
            )
            checked += 1
    assert checked == 36


def _verdicts(interval: str) -> tuple[np.ndarray, np.ndarray]:
    """Our and NCI's significance verdict of every segment of the 48 published series."""
    ours, nci = [], []
    for prefix in ("england", "uk_nations"):
        for _, years, rates, models in _by_length(prefix):
            fit = stats.joinpoint(
                rates, 1.0, years, model="log-linear", interval=interval, resamples=10000
            )
            for i, model in enumerate(models):
                k = int(model["joinpoints"])
                lower, upper = fit.apc_lower[i, : k + 1], fit.apc_upper[i, : k + 1]
                ours += ((lower > 0) | (upper < 0)).tolist()
                nci += [bool(v) for v in _split(model["significant"], int)]
    return np.array(ours), np.array(nci)


def test_significance_verdicts_agree_with_nci_empirical_quantile() -> None:
    """NCI's * (empirical quantile intervals, 10,000 resamples) on 123 segments of 48 series.

    Ours agree on 116 (94 %); the 7 others are segments NCI calls not significant and
    we do, all with parametric t p-values below 0.04 (six below 0.03), two of them
    straight lines where no joinpoint moves: NCI's intervals are wider than both of
    ours there, in a way its documentation does not show. The parametric intervals
    agree on 114.
    """
    ours, nci = _verdicts("empirical")
    assert ours.size == 123
    assert int((ours == nci).sum()) >= 116
    assert not np.any(nci & ~ours)  # never significant for NCI and not for us
    parametric, _ = _verdicts("parametric")
    assert int((parametric == nci).sum()) == 114


@pytest.mark.parametrize("k", [0, 1, 2])
def test_shared_grid_search_matches_statsmodels_wls(k: int) -> None:
    """The kernel refitting resamples: best candidate, SSE and coefficients (1e-9 rel.)."""
    sm = pytest.importorskip("statsmodels.api")
    rng = np.random.default_rng(k)
    t = np.arange(2001, 2017, dtype=float)
    sets = grid.candidate_sets(t.size, k, 2, 2)
    x = grid.designs(t, float(t.mean()), sets)
    w = rng.uniform(0.5, 4.0, t.size)
    w[6] = 0.0  # a year not used
    ok = grid.feasible((w > 0)[None, :], sets, 2, 2)[0]
    z = np.log(30.0) - 0.03 * (t - 2001) + rng.normal(0, 0.05, (12, t.size))
    found = grid.grid_wls_shared(z, w, x, ok, coefficients=True)
    used = w > 0
    for d in range(z.shape[0]):
        fits = [sm.WLS(z[d, used], x[c][used], weights=w[used]).fit() for c in np.flatnonzero(ok)]
        best = int(np.argmin([f.ssr for f in fits]))
        assert found.best[d] == np.flatnonzero(ok)[best]
        assert found.sse[d] == pytest.approx(fits[best].ssr, rel=1e-9)
        np.testing.assert_allclose(found.coefficients[d], fits[best].params, rtol=1e-9)


def _one_change(
    seed: int, series: int, years: np.ndarray, births: float
) -> tuple[np.ndarray, float, np.ndarray, float]:
    """Poisson counts falling 4 %/yr (log scale) to mid-period, then rising 1 %/yr."""
    rng = np.random.default_rng(seed)
    change = float(years[0] + years.size // 2)
    slopes = np.array([-0.04, 0.01])
    eta = (
        np.log(0.01)
        + slopes[0] * (years - years[0])
        + np.diff(slopes)[0] * np.maximum(years - change, 0.0)
    )
    counts = rng.poisson(births * np.exp(eta), size=(series, years.size)).astype(float)
    mean_slope = (slopes[0] * (change - years[0]) + slopes[1] * (years[-1] - change)) / (
        years[-1] - years[0]
    )
    return counts, births, np.expm1(slopes) * 100, math.expm1(mean_slope) * 100


def _covered(lower: np.ndarray, upper: np.ndarray, truth: np.ndarray | float) -> np.ndarray:
    return np.asarray(((lower <= truth) & (upper >= truth)).mean(axis=0))


def test_empirical_intervals_cover_known_apcs() -> None:
    """1,000 series of 25 years, one change of trend (Poisson, 3,000 births a year).

    The joinpoint year is poorly determined (found exactly in about 1 series in 10):
    the empirical 95 % intervals of both APCs cover the truth within 3 binomial
    standard errors of 0.95 (0.929 to 0.971), while the parametric ones, which hold
    the joinpoint fixed, cover less than 85 %. The AAPC over the whole period (the
    change of the joined line from end to end, better determined than either APC)
    is slightly conservative: 0.958 to 0.971 on four seeds of 1,000 series, so its
    bound is 0.929 to 0.975.
    """
    years = np.arange(1999, 2024, dtype=float)
    counts, births, apc, aapc = _one_change(2025, 1000, years, 3000.0)
    options = {"min_joinpoints": 1, "max_joinpoints": 1}
    empirical = stats.joinpoint(counts, births, years, interval="empirical", resamples=499,
                                **options)  # fmt: skip
    parametric = stats.joinpoint(counts, births, years, **options)
    band = 3 * math.sqrt(0.95 * 0.05 / 1000)
    covered = _covered(empirical.apc_lower, empirical.apc_upper, apc)
    np.testing.assert_allclose(covered, 0.95, atol=band)
    _, lower, upper = empirical.aapc()
    assert 0.95 - band <= float(_covered(lower, upper, aapc)) <= 0.975
    assert np.all(_covered(parametric.apc_lower, parametric.apc_upper, apc) < 0.85)
    assert float((empirical.joinpoint_year[:, 0] == 2011).mean()) < 0.2


def test_parametric_intervals_are_exact_on_short_straight_lines() -> None:
    """1,000 straight lines of 5 years (log-linear, normal errors): why parametric is the default.

    The t interval covers within 3 binomial standard errors of 0.95; the resampled one,
    from 5 residuals and quantiles instead of t quantiles, covers less than 88 %.
    """
    rng = np.random.default_rng(5)
    years = np.arange(2020, 2025, dtype=float)
    truth = math.expm1(-0.03) * 100
    rates = np.exp(np.log(0.01) - 0.03 * (years - 2020) + rng.normal(0, 0.05, (1000, 5)))
    options = {"model": "log-linear", "max_joinpoints": 0}
    parametric = stats.joinpoint(rates, 1.0, years, **options)
    empirical = stats.joinpoint(rates, 1.0, years, interval="empirical", resamples=199,
                                **options)  # fmt: skip
    band = 3 * math.sqrt(0.95 * 0.05 / 1000)
    assert float(_covered(parametric.apc_lower, parametric.apc_upper, truth)[0]) == (
        pytest.approx(0.95, abs=band)
    )
    assert float(_covered(empirical.apc_lower, empirical.apc_upper, truth)[0]) < 0.88


COUNTS = np.array([212, 198, 190, 171, 160, 150, 155, 149, 152, 160, 158, 167, 171, 169, 180])
BIRTHS = np.full(15, 20000.0)
SPAN = np.arange(2009, 2024, dtype=float)


def _empirical(**kwargs: object) -> stats.Joinpoint:
    options: dict[str, object] = {"max_joinpoints": 2, "interval": "empirical", "resamples": 999}
    options.update(kwargs)
    return stats.joinpoint(COUNTS, BIRTHS, SPAN, **options)  # type: ignore[arg-type]


def test_empirical_summaries_are_quantiles_of_the_resamples() -> None:
    fit = _empirical()
    k = int(fit.joinpoints)
    assert fit.interval == "empirical" and fit.resamples == 999
    assert fit.resample_coefficients.shape == (999, 4)
    slopes = np.cumsum(fit.resample_coefficients[:, 1:], axis=1)[:, : k + 1]
    # the ends: the 24th smallest and 24th largest of 999, (999 + 1)·0.025 − 1 = 24
    ordered = np.sort(slopes, axis=0)
    lower, upper = ordered[23], ordered[999 - 24]
    np.testing.assert_allclose(fit.apc_lower[: k + 1], np.expm1(lower) * 100, rtol=1e-12)
    np.testing.assert_allclose(fit.apc_upper[: k + 1], np.expm1(upper) * 100, rtol=1e-12)
    # the p-value: twice the smaller share of resamples on either side of 0
    side = np.minimum((slopes <= 0).sum(axis=0), (slopes >= 0).sum(axis=0))
    np.testing.assert_allclose(fit.apc_p_value[: k + 1], np.minimum(1, 2 * (side + 1) / 1000))
    # joinpoints: refitted years, their interval on the grid of years
    years = fit.resample_joinpoint_year[:, :k]
    assert np.isin(years, SPAN).all()
    np.testing.assert_array_equal(fit.joinpoint_lower[:k], np.sort(years, axis=0)[23])
    np.testing.assert_array_equal(fit.joinpoint_upper[:k], np.sort(years, axis=0)[975])
    assert np.all(fit.joinpoint_lower[:k] <= fit.joinpoint_year[:k])
    assert np.all(fit.joinpoint_year[:k] <= fit.joinpoint_upper[:k])


def test_empirical_aapc_refits_each_resample_with_its_own_joinpoints() -> None:
    fit = _empirical(min_joinpoints=2)
    a, b = 2011.0, 2021.0
    value, lower, upper = fit.aapc(a, b)
    # by the AAPC formula, resample by resample: segment slopes weighted by years in [a, b]
    k = int(fit.joinpoints)
    assert k == 2
    slopes = np.cumsum(fit.resample_coefficients[:, 1:], axis=1)
    edges = np.column_stack([
        np.full(999, -np.inf), fit.resample_joinpoint_year, np.full(999, np.inf)
    ])  # fmt: skip
    inside = np.clip(np.minimum(edges[:, 1:], b) - np.maximum(edges[:, :-1], a), 0, None)
    mean = np.sort((inside * slopes).sum(axis=1) / (b - a))
    expected = np.expm1(mean[[23, 975]]) * 100
    np.testing.assert_allclose([float(lower), float(upper)], expected, rtol=1e-10)
    parametric = stats.joinpoint(COUNTS, BIRTHS, SPAN, min_joinpoints=2, max_joinpoints=2)
    assert float(value) == pytest.approx(float(parametric.aapc(a, b)[0]), rel=1e-12)
    # at another level, other quantiles of the same resamples
    _, narrow_low, narrow_high = fit.aapc(a, b, confidence=0.8)
    assert lower < narrow_low < narrow_high < upper


@pytest.mark.parametrize(("resamples", "confidence"), [(199, 0.95), (150, 0.95), (150, 0.8)])
def test_interval_excludes_zero_exactly_when_p_is_small(resamples: int, confidence: float) -> None:
    """The order statistics and the p-value agree, whether (R + 1)(1 − c)/2 is whole or not."""
    rng = np.random.default_rng(8)
    counts = rng.poisson(np.linspace(60, 50, 15) * rng.uniform(0.9, 1.1, (60, 1))).astype(float)
    fit = stats.joinpoint(counts, 10000.0, SPAN, interval="empirical", resamples=resamples,
                          confidence=confidence)  # fmt: skip
    present = np.isfinite(fit.apc_p_value)
    excludes = ((fit.apc_lower > 0) | (fit.apc_upper < 0))[present]
    small = (fit.apc_p_value < round(1 - confidence, 12))[present]  # 1 − 0.95 is 0.05
    assert 0 < small.sum() < small.size  # both verdicts occur: the check can fail
    np.testing.assert_array_equal(excludes, small)


def test_too_few_resamples_for_the_level() -> None:
    with pytest.raises(InvalidInputError, match="at least 200 are needed"):
        stats.joinpoint(COUNTS, BIRTHS, SPAN, interval="empirical", resamples=150,
                        confidence=0.99)  # fmt: skip
    # parametric fits ignore resamples=
    assert stats.joinpoint(COUNTS, BIRTHS, SPAN, resamples=150, confidence=0.99).resamples == 0
    fit = _empirical(resamples=199)
    assert np.isfinite(fit.aapc(confidence=0.98)[1])
    with pytest.raises(InvalidInputError, match="at least 2000 are needed"):
        fit.aapc(confidence=0.999)


def test_resamples_are_reproducible_and_per_series() -> None:
    a, b = _empirical(seed=3), _empirical(seed=3)
    np.testing.assert_array_equal(a.resample_coefficients, b.resample_coefficients)
    c = _empirical(seed=4)
    assert not np.array_equal(a.resample_coefficients, c.resample_coefficients)
    # a series' intervals do not depend on the other series of the call
    other = COUNTS[::-1].astype(float)
    both = stats.joinpoint(np.stack([COUNTS, other]), BIRTHS, SPAN, max_joinpoints=2,
                           interval="empirical", resamples=999)  # fmt: skip
    changed = stats.joinpoint(np.stack([COUNTS, other * 1.3]), BIRTHS, SPAN, max_joinpoints=2,
                              interval="empirical", resamples=999)  # fmt: skip
    np.testing.assert_array_equal(both.apc_lower[0], changed.apc_lower[0])


def test_straight_line_aapc_equals_its_apc_and_years_may_be_missing() -> None:
    counts = COUNTS.astype(float).copy()
    counts[4] = np.nan
    fit = stats.joinpoint(counts, BIRTHS, SPAN, max_joinpoints=0, interval="empirical",
                          resamples=299)  # fmt: skip
    _, lower, upper = fit.aapc()
    assert float(lower) == pytest.approx(float(fit.apc_lower[0]), rel=1e-12)
    assert float(upper) == pytest.approx(float(fit.apc_upper[0]), rel=1e-12)
    one = stats.joinpoint(counts, BIRTHS, SPAN, max_joinpoints=1, min_joinpoints=1,
                          interval="empirical", resamples=299)  # fmt: skip
    assert not np.isin(one.resample_joinpoint_year, [SPAN[4]]).any()


@pytest.mark.parametrize("model", ["binomial", "log-linear"])
def test_other_models_and_series_without_a_model(model: str) -> None:
    counts = np.stack([COUNTS, np.zeros(15)]).astype(float)
    fit = stats.joinpoint(counts, BIRTHS, SPAN, model=model, max_joinpoints=1,
                          interval="empirical", resamples=199)  # fmt: skip
    assert fit.reason[1] != "" and np.isnan(fit.apc_lower[1]).all()
    assert np.isnan(fit.resample_coefficients[1]).all()
    assert np.isfinite(fit.apc_lower[0, : int(fit.joinpoints[0]) + 1]).all()


def test_parametric_fits_keep_no_resamples() -> None:
    fit = stats.joinpoint(COUNTS, BIRTHS, SPAN, max_joinpoints=2)
    assert fit.interval == "parametric" and fit.resamples == 0
    assert fit.resample_coefficients.shape == (0, 4)


def test_empirical_fit_travels_and_is_read_only() -> None:
    fit = _empirical(resamples=199)
    for other in (pickle.loads(pickle.dumps(fit)), copy.deepcopy(fit)):
        np.testing.assert_array_equal(other.resample_joinpoint_year, fit.resample_joinpoint_year)
        assert other.aapc()[1] == fit.aapc()[1]
    with pytest.raises(ValueError, match="read-only"):
        fit.resample_coefficients[0, 0] = 1.0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"interval": "bootstrap"}, "interval must be one of"), ({"resamples": 50}, "resamples")],
)
def test_bad_interval_options(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidInputError, match=message):
        stats.joinpoint(COUNTS, BIRTHS, SPAN, **kwargs)  # type: ignore[arg-type]


def test_tables_take_the_interval() -> None:
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"year": SPAN.astype(int), "live_births": BIRTHS.astype(int),
                          "infant_deaths": COUNTS})  # fmt: skip
    table = mch.joinpoint(frame, "IMR", max_joinpoints=2, interval="empirical", resamples=299)
    assert table.result.interval == "empirical"
    segments = table.segments
    lower, upper = segments["apc_lower"].to_numpy(), segments["apc_upper"].to_numpy()
    expected = np.select([lower > 0, upper < 0], ["increasing", "decreasing"], "no change")
    assert segments["change"].tolist() == expected.tolist()
    whole = table.aapc()
    np.testing.assert_allclose(whole["aapc_lower"], table.models["aapc_lower"])
