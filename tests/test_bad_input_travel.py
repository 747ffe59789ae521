"""Public objects travel: a process pool and a dask.distributed worker return them.

docs/bad-input.md, "travel": results, estimates, errors and unit Quantities pickle
and deep-copy; a ``multiprocessing.Pool.map`` and a distributed worker hand
them back (each with a timeout, so that a hang fails instead of stalling CI).
"""

from __future__ import annotations

import copy
import functools
import multiprocessing
import pickle

import numpy as np
import pytest

import mch_indicators as mch
from mch_indicators import stats, units

COVERS = {"travel"}

TIMEOUT = 120  # seconds: a hang fails the test instead of stalling the suite


def objects() -> list[object]:
    mmr = mch.get("MMR")
    return [
        mmr.compute([2, 30], [26954, 300000], confidence=(0.95, 0.998)).suppress("ons"),
        stats.proportion([9856, 0], [12345, 0]),
        stats.isr([12, 3], [14, 0]),
        units.parse("7.42/10万"),
        mch.InvalidInputError("bad", column="numerator", row=("A", 2024)),
        mch.UnknownIndicatorError("MRR", ["maternal_mortality_ratio"]),
        mch.targets_for("MMR")[0],
        mmr,
    ]


def same(a: object, b: object) -> bool:
    if isinstance(a, stats.Estimate | stats.Standardised):
        return all(
            np.array_equal(getattr(a, f), getattr(b, f), equal_nan=True)
            for f in ("value", "lower", "upper", "flags")
        )
    if isinstance(a, Exception):
        return type(a) is type(b) and str(a) == str(b) and vars(a) == vars(b)
    return bool(a == b)


@pytest.mark.parametrize("index", range(len(objects())))
def test_public_objects_pickle_and_deep_copy(index):
    thing = objects()[index]
    assert same(pickle.loads(pickle.dumps(thing)), thing)
    assert same(copy.deepcopy(thing), thing)


def test_a_process_pool_returns_results_and_quantities():
    compute = functools.partial(mch.get("MMR").compute, denominator=26954)
    context = multiprocessing.get_context("spawn")  # no fork of a threaded process
    with context.Pool(1) as pool:
        results = pool.map_async(compute, [2, 30]).get(timeout=TIMEOUT)
        quantity = pool.map_async(units.parse, ["7.42/１０万"]).get(timeout=TIMEOUT)[0]
    assert results == [compute(2), compute(30)]
    assert quantity == units.parse("7.42/10万")


def test_a_dask_distributed_worker_returns_a_result():
    distributed = pytest.importorskip("distributed")
    indicator = mch.get("MMR")
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, processes=True, dashboard_address=":0",
        host="127.0.0.1",
    ) as cluster, distributed.Client(cluster) as client:  # fmt: skip
        result = client.submit(indicator.compute, [2, 30], 26954).result(timeout=TIMEOUT)
    assert result == indicator.compute([2, 30], 26954)
