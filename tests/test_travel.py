"""Public objects travel: they pickle, deep-copy and compare equal after the trip.

Process pools, dask.distributed and Spark workers move objects by pickling them;
a notebook copies them. Each public object is checked on its own, then through a
real ``multiprocessing`` pool and a ``concurrent.futures.ProcessPoolExecutor``
(with a timeout, so that a hang fails the test instead of blocking it).
"""

from __future__ import annotations

import copy
import multiprocessing
import pickle
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pytest

import mch_indicators as mch
from contract import promise
from mch_indicators import stats

TIMEOUT = 60  # seconds; a pool that hangs fails instead of blocking the suite


def _objects() -> dict[str, object]:
    mmr = mch.get("MMR")
    return {
        "indicator": mmr,
        "term": mmr.numerator,
        "catalog": mch.catalog,
        "result": mmr.compute([2, 30, np.nan], [26954, 300000, 1000], confidence=(0.95, 0.998)),
        "scalar result": mmr.compute(2, 26954),
        "suppressed result": mmr.compute([2, 30], 26954).suppress("ons"),
        "target": mch.targets_for("MMR", plan="healthy_china_2030")[0],
        "standard population": mch.standard_population("esp_2013"),
        "reliability": mch.Reliability(min_events=10),
        "read limits": mch.ReadLimits(cells=1000),
        "suppression": mch.Suppression.nchs(),
        "estimate": stats.proportion([9856, 0], [12345, 10]),
        "office report": _office_report(),
        "joinpoint": stats.joinpoint(
            [100, 90, 81, 73, 66, 66, 67, 67, 68, 69, 70], 10000, range(2013, 2024)
        ),
        "smoothed": stats.smooth(
            [2, 14, 30, 5, 9, 41, 0, 12], [800, 3100, 9800, 1200, 4100, 9000, 600, 2500]
        ),
        "decomposition": stats.decompose([0.3, 0.05], [150, 700], [0.2, 0.04], [120, 650]),
        "trend": stats.trend([95, 88, 80, 74, 66], [12000] * 5, range(2020, 2025)),
    }


def _office_report() -> mch.OfficeReport:
    import pandas as pd

    table = pd.DataFrame({"县区": ["甲县", "乙县"], "年份": [2024, 2024], "活产数": [1000, 900],
                          "孕产妇死亡数": [1, 0], "备注": ["", "迟报"]})  # fmt: skip
    return mch.report(table)


def _errors() -> list[mch.MCHIndicatorsError]:
    return [
        mch.InvalidInputError("counts cannot be negative (-1)", column="deaths", row=("A", 2024)),
        mch.UnknownIndicatorError("infant mortality", ["infant_mortality_rate"]),
        mch.UnknownIndicatorError("SDG 3.b.1", ["dtp3_coverage", "mcv2_coverage"], shared=True),
        mch.DefinitionError("mine.toml, indicator 'x': unit: unknown unit"),
        mch.UnitError("unit 'ppt' is ambiguous"),
        mch.ConfigurationError("MCH_INDICATORS_BACKEND must be auto, numpy or numba"),
    ]


def _same(a: object, b: object) -> bool:
    if isinstance(a, stats.Estimate):
        assert isinstance(b, stats.Estimate)
        return all(
            np.array_equal(getattr(a, f), getattr(b, f), equal_nan=True)
            for f in ("value", "lower", "upper", "flags")
        ) and (a.confidence, a.method) == (b.confidence, b.method)
    if isinstance(a, stats.Joinpoint):
        assert isinstance(b, stats.Joinpoint)
        return all(
            np.array_equal(getattr(a, f), getattr(b, f), equal_nan=True)
            for f in ("joinpoint_year", "apc", "apc_lower", "fitted", "covariance")
        ) and (a.model, a.selection, a.reason.tolist()) == (
            b.model,
            b.selection,
            b.reason.tolist(),
        )
    if isinstance(a, mch.OfficeReport):
        assert isinstance(b, mch.OfficeReport) and list(a) == list(b)
        return (
            all(a[k].equals(b[k]) for k in a)
            and a.checks.equals(b.checks)
            and (a.review.equals(b.review))
        )
    if isinstance(a, stats.Smoothed | stats.Decomposition | stats.Trend):
        assert type(b) is type(a)
        return all(_same_field(getattr(a, f), getattr(b, f)) for f in a.__dataclass_fields__)
    return a == b


def _same_field(a: object, b: object) -> bool:
    x, y = np.asarray(a), np.asarray(b)
    numeric = x.dtype.kind in "fc"
    return x.shape == y.shape and bool(np.array_equal(x, y, equal_nan=numeric))


@promise("travel", "arrays", "text")
@pytest.mark.parametrize("name", list(_objects()))
def test_public_objects_pickle_and_deep_copy(name):
    original = _objects()[name]
    for copied in (pickle.loads(pickle.dumps(original)), copy.deepcopy(original)):
        assert type(copied) is type(original)
        assert _same(copied, original)


def test_an_office_report_equals_itself_only():
    """`==` compared the frames and raised pandas' ambiguous truth value."""
    report = _office_report()
    same = report
    assert report == same and (report != same) is False
    for other in (pickle.loads(pickle.dumps(report)), copy.deepcopy(report), copy.copy(report),
                  dict(report), {}, None):  # fmt: skip
        assert report != other and (report == other) is False and (other == report) is False
    assert _same(copy.deepcopy(report), report)
    assert _same(pickle.loads(pickle.dumps(report)), report)
    assert report in [report] and report not in [_office_report()]


def test_a_result_stays_immutable_after_the_trip():
    result = pickle.loads(pickle.dumps(mch.get("IMR").compute([60, 6], 26906)))
    with pytest.raises(ValueError, match="read-only"):
        result.value[0] = 0.0
    with pytest.raises(AttributeError, match="immutable"):
        result.unit = "percent"  # type: ignore[misc]


def test_results_differ_when_a_number_differs():
    a = mch.get("IMR").compute([60, 6], 26906)
    assert a == mch.get("IMR").compute([60, 6], 26906)
    assert a != mch.get("IMR").compute([60, 7], 26906)
    assert a != a.to("percent")


@pytest.mark.parametrize("error", _errors(), ids=lambda e: type(e).__name__)
def test_errors_pickle_with_their_attributes(error):
    copied = pickle.loads(pickle.dumps(error))
    assert type(copied) is type(error)
    assert str(copied) == str(error)
    assert (copied.reason, copied.column, copied.row) == (error.reason, error.column, error.row)
    if isinstance(error, mch.UnknownIndicatorError):
        assert (copied.key, copied.suggestions, copied.shared) == (
            error.key,
            error.suggestions,
            error.shared,
        )


def _compute_in_worker(deaths: int) -> mch.Result:
    return mch.get("MMR").compute(deaths, 26954)


def _round_trip(obj: object) -> object:
    return obj


@pytest.mark.slow
def test_results_come_back_from_a_multiprocessing_pool():
    context = multiprocessing.get_context("spawn")
    with context.Pool(2) as pool:
        results = pool.map_async(_compute_in_worker, [2, 30]).get(timeout=TIMEOUT)
    assert results == [_compute_in_worker(2), _compute_in_worker(30)]


@pytest.mark.slow
def test_objects_and_errors_cross_a_process_pool_executor():
    objects = _objects()
    errors = _errors()
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=2, mp_context=context) as pool:
        back = list(pool.map(_round_trip, [*objects.values(), *errors], timeout=TIMEOUT))
    for original, copied in zip(objects.values(), back, strict=False):
        assert _same(copied, original)
    for original, copied in zip(errors, back[len(objects) :], strict=True):
        assert type(copied) is type(original) and str(copied) == str(original)
