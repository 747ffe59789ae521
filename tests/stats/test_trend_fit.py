"""Count-based trends: agreement with statsmodels' GLM, coverage, zero years, bad input.

statsmodels reference: ``GLM(x, [1, year − mean], Poisson(), offset=log n)`` and
``GLM(x / n, ..., Binomial(), var_weights=n)``, fitted to convergence (``tol=1e-12``, then
refitted from its own estimate so that its covariance uses the weights at the estimate,
as ours does), ``scale="X2", use_t=True`` for the quasi-likelihood fit. Tolerance 1e-8
relative (found: about 1e-12).
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
import statsmodels.api as sm

from mch_indicators import InvalidInputError, stats

YEARS = np.arange(2015, 2025)


def _series(seed: int, count: int = 60) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    n = rng.integers(2000, 40000, size=(count, YEARS.size)).astype(float)
    level = rng.uniform(1e-4, 3e-3, size=count)[:, None]
    slope = rng.normal(-0.03, 0.05, size=count)[:, None]
    x = rng.poisson(n * level * np.exp(slope * (YEARS - 2015))).astype(float)
    return x, n


def _statsmodels(x: np.ndarray, n: np.ndarray, family: str, quasi: bool) -> object:
    design = sm.add_constant(YEARS - YEARS.mean())
    if family == "poisson":
        model = sm.GLM(x, design, family=sm.families.Poisson(), offset=np.log(n))
    else:
        model = sm.GLM(x / n, design, family=sm.families.Binomial(), var_weights=n)
    first = model.fit(tol=1e-12)
    return model.fit(start_params=first.params, tol=1e-12, scale="X2" if quasi else None,
                     use_t=quasi)  # fmt: skip


@pytest.mark.parametrize("family", ["poisson", "binomial"])
@pytest.mark.parametrize("dispersion", ["none", "quasi"])
def test_agrees_with_statsmodels_glm(family: str, dispersion: str) -> None:
    x, n = _series(1)
    got = stats.trend(x, n, YEARS, family=family, dispersion=dispersion, min_points=3)
    for i in range(x.shape[0]):
        fit = _statsmodels(x[i], n[i], family, dispersion == "quasi")
        low, high = np.expm1(fit.conf_int()[1]) * 100  # type: ignore[attr-defined]
        assert got.slope[i] == pytest.approx(fit.params[1], rel=1e-8)  # type: ignore[attr-defined]
        assert got.intercept[i] == pytest.approx(fit.params[0], rel=1e-8)  # type: ignore[attr-defined]
        assert got.standard_error[i] == pytest.approx(fit.bse[1], rel=1e-8)  # type: ignore[attr-defined]
        assert got.p_value[i] == pytest.approx(fit.pvalues[1], rel=1e-8)  # type: ignore[attr-defined]
        assert got.apc_lower[i] == pytest.approx(low, rel=1e-8)
        assert got.apc_upper[i] == pytest.approx(high, rel=1e-8)
        if dispersion == "quasi":
            assert got.dispersion[i] == pytest.approx(fit.scale, rel=1e-8)  # type: ignore[attr-defined]


def test_zero_years_count() -> None:
    # the county: deaths 1, 0, 0, 1, 0. Log rates drop the zeros and see a rise.
    births = [9000, 8800, 8500, 8300, 8000]
    got = stats.trend([1, 0, 0, 1, 0], births, range(2020, 2025))
    fit = _statsmodels_five([1, 0, 0, 1, 0], births)
    assert got.slope[()] == pytest.approx(fit.params[1], rel=1e-8)  # type: ignore[attr-defined]
    assert got.slope < 0 and got.change == "no significant change"
    rates = np.array([1, 0, 0, 1, 0]) / np.array(births)
    assert stats.arr_series(rates, range(2020, 2025)) < 0  # the log-rate fit says "rising"


def _statsmodels_five(x: list[int], n: list[int]) -> object:
    years = np.arange(2020, 2025)
    design = sm.add_constant(years - years.mean())
    model = sm.GLM(np.array(x, float), design, family=sm.families.Poisson(),
                   offset=np.log(np.array(n, float)))  # fmt: skip
    first = model.fit(tol=1e-12)
    return model.fit(start_params=first.params, tol=1e-12, scale="X2", use_t=True)


@pytest.mark.parametrize(
    ("dispersion", "overdispersed"), [("none", False), ("quasi", False), ("quasi", True)]
)
def test_intervals_cover_the_true_change(dispersion: str, overdispersed: bool) -> None:
    rng = np.random.default_rng(20261122)
    true_slope = -0.04
    n = np.full((1000, YEARS.size), 20000.0)
    mean = n * 2.5e-3 * np.exp(true_slope * (YEARS - YEARS[0]))
    if overdispersed:  # gamma-Poisson with variance about 2.5 × the mean
        mean = rng.gamma(shape=mean / 1.5, scale=1.5)
    x = rng.poisson(mean).astype(float)
    got = stats.trend(x, n, YEARS, dispersion=dispersion)
    true_apc = np.expm1(true_slope) * 100
    covered = (got.apc_lower <= true_apc) & (true_apc <= got.apc_upper)
    assert 0.93 <= covered.mean() <= 0.97


def test_thousands_of_series_in_one_call() -> None:
    x, n = _series(3, count=3000)
    got = stats.trend(x.reshape(30, 100, -1), n.reshape(30, 100, -1), YEARS, direction="lower")
    assert got.slope.shape == (30, 100) and got.iterations < 20
    labels = set(np.unique(got.assessment)) | set(np.unique(got.change))
    assert labels <= {"better", "worse", "no significant change", "increasing", "decreasing"}


def test_labels_follow_direction() -> None:
    x = [[60, 52, 49, 41, 37], [20, 22, 25, 31, 33], [30, 31, 29, 30, 31]]
    for direction, expected in (
        ("lower", ["better", "worse", "no significant change"]),
        ("higher", ["worse", "better", "no significant change"]),
        (None, ["not assessed", "not assessed", "no significant change"]),
    ):
        got = stats.trend(x, 30000, range(2020, 2025), direction=direction)
        assert got.assessment.tolist() == expected
        assert got.change.tolist() == ["decreasing", "increasing", "no significant change"]


def test_series_that_cannot_be_calculated_get_nan_and_a_reason() -> None:
    x = [[0, 0, 0, 0, 0], [1, 0, 0, 0, 0], [1, 2, np.nan, 3, 4], [0, 0, 2, 0, 0]]
    got = stats.trend(x, 9000, range(2020, 2025))
    assert got.change.tolist()[:3] == ["cannot be calculated"] * 3
    assert np.isnan(got.slope[:3]).all() and np.isnan(got.apc_lower[:3]).all()
    assert got.reason.tolist()[:3] == [
        "no events in the years used",
        "all events (or all non-events) in the first or last year: no finite trend",
        "fewer than 5 years with counts",
    ]
    assert got.reason[3] == "" and np.isfinite(got.slope[3])  # events in a middle year: a fit
    assert got.points.tolist() == [5, 5, 4, 5]


def test_last_points_and_minimum() -> None:
    x = np.array([50, 20, 21, 22, 23, 24, 25], dtype=float)
    got = stats.trend(x, 1000, range(2018, 2025), last=5, dispersion="none")
    alone = stats.trend(x[2:], 1000, range(2020, 2025), dispersion="none")
    assert got.points == 5 and got.slope == pytest.approx(alone.slope, rel=1e-12)
    few = stats.trend([3, 4, 5], [100] * 3, [2022, 2023, 2024], min_points=3)
    assert few.points == 3 and np.isfinite(few.slope)


def test_arr_and_projection_from_the_fit() -> None:
    got = stats.trend([40, 36, 35, 30, 29, 25], [10000] * 6, range(2019, 2025),
                      dispersion="none", multiplier=1000)  # fmt: skip
    arr, low, high = got.arr()
    assert arr == pytest.approx(-got.slope * 100) and low < arr < high
    compound = got.arr(form="compound")
    assert compound[0] == pytest.approx(-np.expm1(got.slope) * 100)
    value, lower, upper = got.projection([2024, 2030])
    assert lower[1] < value[1] < upper[1] and value[1] < value[0]
    assert (upper - lower)[1] > (upper - lower)[0]  # further from the data, wider
    with pytest.raises(InvalidInputError, match="form"):
        got.arr(form="linear")


def test_binomial_trend_of_a_proportion() -> None:
    got = stats.trend([9000, 9200, 9400, 9550, 9700], [10000] * 5, range(2020, 2025),
                      family="binomial", direction="higher")  # fmt: skip
    assert got.change == "increasing" and got.assessment == "better"
    value, _, _ = got.projection(2024)
    assert 0.96 < value < 0.975


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        (([1, -1, 2, 3, 4], 100, range(5)), {}, "cannot be negative"),
        (([1, 2, 3, 4, 5], [100, 0, 100, 100, 100], range(5)), {}, "denominator of 0"),
        (([1, 2, 3], 100, range(5)), {}, "do not match"),
        (([1, 2, 3, 4, 5], 100, [1, 2, 2, 3, 4]), {}, "appears twice"),
        (([1, 2, 3, 4, 5], 3, range(5)), {"family": "binomial"}, "exceeds"),
        ((3, 100, 2020), {}, "series"),
        (([1, 2, 3, 4, 5], 100, range(5)), {"family": "gamma"}, "family"),
        (([1, 2, 3, 4, 5], 100, range(5)), {"dispersion": "auto"}, "dispersion"),
        (([1, 2, 3, 4, 5], 100, range(5)), {"min_points": 2}, "min_points"),
        ((["1", 2, 3, 4, 5], 100, range(5)), {}, "numbers"),
    ],
)
def test_bad_input(args: tuple[object, ...], kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidInputError, match=message):
        stats.trend(*args, **kwargs)  # type: ignore[arg-type]


# -- both forms of the annual rate of reduction, per publication -------------------------------


def _published() -> list[dict[str, str]]:
    path = Path(__file__).parents[1] / "reference" / "published_arr.csv"
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line[:1] != "#"]
    return list(csv.DictReader(lines))


@pytest.mark.parametrize("row", _published(), ids=lambda row: row["case"])
def test_published_arr_reproduced_by_the_form_the_publisher_used(row: dict[str, str]) -> None:
    start, end = float(row["start_value"]), float(row["end_value"])
    years = (int(row["start_year"]), int(row["end_year"]))
    published, decimals = float(row["published_arr"]), int(row["decimals"])
    if row["form"] == "not reproducible from point estimates":
        for form in ("continuous", "compound"):
            assert round(float(stats.arr(start, end, *years, form=form)), decimals) != published
        return
    got = float(stats.arr(start, end, *years, form=row["form"]))
    other = "compound" if row["form"] == "continuous" else "continuous"
    if row["rounded_inputs"] == "yes":  # within the rounding of the published values
        bounds = [
            float(stats.arr(start + a, end + b, *years, form=row["form"]))
            for a in (-0.5, 0.5) for b in (-0.5, 0.5)
        ]  # fmt: skip
        assert min(bounds) <= published <= max(bounds)
        others = [
            float(stats.arr(start + a, end + b, *years, form=other))
            for a in (-0.5, 0.5) for b in (-0.5, 0.5)
        ]  # fmt: skip
        assert not min(others) <= published <= max(others)
    else:
        assert round(got, decimals) == published


@pytest.mark.parametrize("shape", [(0,), (2, 0)])
def test_a_series_of_no_years_gets_nan_and_a_reason(shape: tuple[int, ...]) -> None:
    # An empty table (no rows after a filter) reached numpy's reshape(-1, 0), which fails.
    empty = np.zeros(shape)
    got = stats.trend(empty, empty, empty)
    assert got.slope.shape == shape[:-1] and np.isnan(got.slope).all()
    assert np.all(got.reason == "fewer than 5 years with counts")
    assert np.all(got.points == 0)
    fit = stats.joinpoint(empty, empty, empty)
    assert np.all(fit.reason == "fewer than 3 years with counts")
