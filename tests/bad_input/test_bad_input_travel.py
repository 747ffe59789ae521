"""Public objects travel: a process pool and a dask.distributed worker return them.

docs/bad-input.md, "travel". tests/test_travel.py checks that every public object
pickles and deep-copies and crosses a process pool; here a ``multiprocessing.Pool.map``
returns results and the unit Quantities of ``units.parse`` (which pint alone
would unpickle into another registry), and a dask.distributed worker returns a
result, each with a timeout so that a hang fails instead of stalling CI.
"""

from __future__ import annotations

import functools
import multiprocessing

import pytest

import mch_indicators as mch
from contract import promise
from mch_indicators import units

TIMEOUT = 120  # seconds: a hang fails the test instead of stalling the suite


@promise("travel", "arrays")
def test_a_process_pool_returns_results_and_quantities():
    compute = functools.partial(mch.get("MMR").compute, denominator=26954)
    context = multiprocessing.get_context("spawn")  # no fork of a threaded process
    with context.Pool(1) as pool:
        results = pool.map_async(compute, [2, 30]).get(timeout=TIMEOUT)
        quantity = pool.map_async(units.parse, ["7.42/１０万"]).get(timeout=TIMEOUT)[0]
    assert results == [compute(2), compute(30)]
    assert quantity == units.parse("7.42/10万")


@promise("travel", "arrays")
def test_a_dask_distributed_worker_returns_a_result():
    distributed = pytest.importorskip("distributed")
    indicator = mch.get("MMR")
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, processes=True, dashboard_address=":0",
        host="127.0.0.1",
    ) as cluster, distributed.Client(cluster) as client:  # fmt: skip
        result = client.submit(indicator.compute, [2, 30], 26954).result(timeout=TIMEOUT)
    assert result == indicator.compute([2, 30], 26954)
