"""Tables at scale: dask meta and Parquet, distributed pooling and standardisation, threads,
the numba cache, a distributed cluster and Spark (small data; the large runs are benchmarks)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from functools import partial

import dask
import dask.array as da
import dask.dataframe as dd
import numpy as np
import pandas as pd
import pytest
from dask.callbacks import Callback
from hypothesis import given, settings
from hypothesis import strategies as st

import mch_indicators as mch
from contract import promise
from mch_indicators.stats import _engine

LABELS = ["indicator", "unit", "flags"]


class CountTasks(Callback):
    """Counts the dask tasks that run: zero means nothing was computed."""

    def __init__(self) -> None:
        super().__init__()
        self.tasks = 0

    def _pretask(self, key: object, dsk: object, state: object) -> None:
        self.tasks += 1


def strata(rows: int = 40, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    births = rng.integers(0, 3000, rows).astype("float64")
    deaths = rng.binomial(births.astype(int), 0.004).astype("float64")
    deaths[rng.random(rows) < 0.1] = np.nan
    return pd.DataFrame(
        {
            "province": pd.Categorical(rng.choice(["甲", "乙"], rows)),
            "county": rng.choice(["a", "b", "c", "d"], rows),
            "year": rng.integers(2018, 2024, rows),
            "infant_deaths": deaths,
            "live_births": births,
        }
    )


def sort_rows(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    out = frame.sort_values(keys, kind="stable").reset_index(drop=True)
    return out.astype({k: object for k in keys if out[k].dtype != "int64"})


def assert_meta_agrees(lazy: dd.DataFrame) -> pd.DataFrame:
    """Every partition has the meta's dtypes; returns the computed frame."""
    parts = [lazy.get_partition(i).compute() for i in range(lazy.npartitions)]
    for part in parts:
        pd.testing.assert_series_equal(part.dtypes, lazy._meta.dtypes)
    return pd.concat(parts)


# -- results that write -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "options",
    [{}, {"lean": True}, {"confidence": (0.95, 0.998), "suppress": "ons"}],
    ids=["full", "lean", "levels-suppressed"],
)
def test_dask_results_write_to_parquet_and_read_back(tmp_path, options):
    frame = strata()
    lazy = mch.compute(dd.from_pandas(frame, npartitions=3), "IMR", **options)
    assert_meta_agrees(lazy)
    lazy.to_parquet(tmp_path / "out", write_index=False)
    back = pd.read_parquet(tmp_path / "out").reset_index(drop=True)
    want = mch.compute(frame, "IMR", **options).reset_index(drop=True)
    assert list(back.columns) == list(want.columns)
    for column in want.columns:
        if isinstance(want[column].dtype, pd.CategoricalDtype) or column == "county":
            assert back[column].astype(str).tolist() == want[column].astype(str).tolist()
        else:
            np.testing.assert_array_equal(back[column].to_numpy(), want[column].to_numpy())


def test_long_tables_write_with_their_labels(tmp_path):
    frame = pd.DataFrame(
        {
            "indicator": ["IMR", "MMR", "infant_mortality_rate", "MMR"],
            "numerator": [3, 1, 0, 2],
            "denominator": [1000, 20000, 500, 30000],
        }
    )
    lazy = mch.compute(dd.from_pandas(frame, npartitions=2))
    assert_meta_agrees(lazy)
    lazy.to_parquet(tmp_path / "long", write_index=False)
    back = pd.read_parquet(tmp_path / "long")
    assert back["indicator"].astype(str).tolist() == [
        "infant_mortality_rate", "maternal_mortality_ratio", "infant_mortality_rate",
        "maternal_mortality_ratio",
    ]  # fmt: skip
    assert back["unit"].astype(str).tolist() == ["permille", "per_100k"] * 2


def test_label_columns_are_categoricals_whose_codes_are_the_flags():
    out = mch.compute(strata(), "IMR")
    for column in LABELS:
        assert isinstance(out[column].dtype, pd.CategoricalDtype)
    reference = mch.get("IMR").compute(strata()["infant_deaths"], strata()["live_births"])
    np.testing.assert_array_equal(out["flags"].cat.codes.to_numpy(), reference.flags)
    assert out["flags"].astype(str).tolist() == mch.stats.flag_labels(reference.flags)


def test_outputs_share_nothing_writable_with_the_input():
    frame = strata()
    before = frame.copy()
    for out in (mch.compute(frame, "IMR"), mch.pool(frame, "IMR", by=["county", "year"])):
        out.loc[out.index[0], "county"] = "zz"
        out["year"] += 1
        out.loc[out.index[0], "value"] = -1.0
        out["lower"] *= 2
    pd.testing.assert_frame_equal(frame, before)


def test_lean_keeps_other_columns_and_the_results_only():
    out = mch.compute(strata(), "IMR", lean=True)
    assert list(out.columns) == ["province", "county", "year", "value", "lower", "upper", "flags"]
    with pytest.raises(mch.InvalidInputError, match="would be overwritten"):
        mch.compute(strata().assign(value=1.0), "IMR")


@pytest.mark.pandas2
def test_parquet_round_trip_under_the_other_pandas_major(tmp_path):
    """MCH_PANDAS2_PYTHON: an interpreter with pandas 2, dask and this package."""
    python = os.environ.get("MCH_PANDAS2_PYTHON")
    if not python:
        pytest.skip("set MCH_PANDAS2_PYTHON to an interpreter with pandas 2 to run this test")
    script = textwrap.dedent(
        f"""
        import dask.dataframe as dd, pandas as pd, mch_indicators as mch
        assert pd.__version__.startswith("2."), pd.__version__
        frame = pd.DataFrame({{"county": list("abcd"), "infant_deaths": [1, 0, 3, None],
                               "live_births": [900, 0, 1200, 800]}})
        lazy = mch.compute(dd.from_pandas(frame, npartitions=2), "IMR")
        for i in range(lazy.npartitions):
            assert (lazy.get_partition(i).compute().dtypes == lazy._meta.dtypes).all()
        lazy.to_parquet(r"{tmp_path}/out", write_index=False)
        back = pd.read_parquet(r"{tmp_path}/out")
        want = mch.compute(frame, "IMR")
        assert back["flags"].astype(str).tolist() == want["flags"].astype(str).tolist()
        assert back["value"].round(9).equals(want["value"].round(9).reset_index(drop=True))
        print("pandas", pd.__version__, "ok")
        """
    )
    done = subprocess.run([python, "-c", script], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert "ok" in done.stdout


# -- pooling that stays distributed -------------------------------------------------------------


@settings(deadline=None, max_examples=15)
@given(
    seed=st.integers(0, 10_000),
    partitions=st.integers(1, 5),
    split_out=st.sampled_from([None, 1, 2, 3]),
    window=st.sampled_from([None, 2, 3]),
    by=st.sampled_from([["county"], ["province", "county"]]),
)
def test_dask_pooling_equals_pandas_for_any_partitioning(seed, partitions, split_out, window, by):
    frame = strata(rows=30, seed=seed)
    rolling = {"over": "year", "window": window} if window else {}
    keys = [*by, "year"] if window else by
    lazy = dd.from_pandas(frame, npartitions=partitions)
    got = mch.pool(lazy, "IMR", by=by, split_out=split_out, **rolling)
    computed = assert_meta_agrees(got)
    want = mch.pool(frame, "IMR", by=by, **rolling)
    pd.testing.assert_frame_equal(
        sort_rows(computed, keys), sort_rows(want, keys), check_dtype=False, check_exact=True
    )


@pytest.mark.parametrize("partitions", [1, 3])
@pytest.mark.parametrize("window", [None, 2])
def test_dask_pooling_leaves_out_invalid_rows_and_counts_units_as_pandas_does(partitions, window):
    frame = strata(rows=30, seed=11).rename(
        columns={"infant_deaths": "facility_live_births", "live_births": "all_births"}
    )
    frame["facility_live_births"] = (frame["all_births"] * 0.9).round()
    frame.loc[[2, 7, 19], "facility_live_births"] += 5000  # above the denominator: invalid
    rolling = {"over": "year", "window": window} if window else {}
    keys = ["county", "year"] if window else ["county"]
    arguments = {"numerator": "facility_live_births", "denominator": "all_births",
                 "by": "county", "on_invalid": "flag", **rolling}  # fmt: skip
    lazy = dd.from_pandas(frame, npartitions=partitions)
    got = assert_meta_agrees(mch.pool(lazy, "hospital_delivery_rate", **arguments))
    want = mch.pool(frame, "hospital_delivery_rate", **arguments)
    pd.testing.assert_frame_equal(
        sort_rows(got, keys), sort_rows(want, keys), check_dtype=False, check_exact=True
    )
    assert (want["units_pooled"] < want["units"]).any()
    assert want["flags"].str.contains("INCOMPLETE").any()


def test_dask_pooling_refuses_an_invalid_row_by_its_label_when_computed():
    frame = pd.DataFrame(
        {"city": ["X", "X", "Y"], "x": [90, 120, 50], "n": [100, 100, 60]},
        index=pd.Index(["石门县", "河阳县", "临江县"], name="county"),
    )
    lazy = mch.pool(dd.from_pandas(frame, npartitions=2), "hospital_delivery_rate",
                    numerator="x", denominator="n", by="city")  # fmt: skip
    with pytest.raises(mch.InvalidInputError, match="河阳县") as caught:
        lazy.compute()
    assert "on_invalid='flag'" in str(caught.value)


def test_flag_codes_hold_every_mask_up_to_inconsistent():
    from mch_indicators._adapters._pandas._columns import flag_column, flag_masks

    masks = np.arange(1 << len(mch.Flag))
    column = pd.Series(flag_column(masks))
    np.testing.assert_array_equal(flag_masks(column), masks)
    assert column.iloc[int(mch.Flag.INCOMPLETE)] == "INCOMPLETE"
    assert column.iloc[int(mch.Flag.INCONSISTENT)] == "INCONSISTENT"
    assert column.iloc[-1].endswith("UNCLASSIFIED|INCOMPLETE|INCONSISTENT")
    frame = pd.DataFrame({"c": ["a", "a"], "maternal_deaths": [1.0, np.nan],
                          "live_births": [1000.0, 900.0]})  # fmt: skip
    out = mch.pool(frame, "MMR", by="c", missing="skip")
    assert isinstance(out["flags"].dtype, pd.CategoricalDtype)
    assert out["flags"].cat.codes.tolist() == [int(mch.Flag.UNRELIABLE | mch.Flag.INCOMPLETE)]


def test_rolling_windows_by_a_categorical_key_sum_each_groups_own_years():
    """pandas 2 orders a categorical key's groups its own way; the windows must not shift."""
    frame = strata(rows=30, seed=9333)
    got = mch.pool(frame, "IMR", by=["province", "county"], over="year", window=2)
    sums = frame.groupby(["province", "county", "year"], observed=True)["live_births"].sum()
    for row in got.itertuples():
        years = [row.year - 1, row.year]
        want = sum(sums.loc[(row.province, row.county, year)] for year in years)
        assert row.denominator == want


def test_dask_pooling_keeps_partitions_and_takes_split_out():
    lazy = dd.from_pandas(strata(rows=60), npartitions=6)
    assert mch.pool(lazy, "IMR", by="county", split_out=3).npartitions == 3
    rolled = mch.pool(lazy, "IMR", by="county", over="year", window=2, split_out=3)
    assert rolled.npartitions > 1
    with pytest.raises(mch.InvalidInputError, match="split_out"):
        mch.pool(lazy, "IMR", by="county", split_out=0)


def test_dask_pooling_of_long_tables_groups_aliases_together():
    frame = pd.DataFrame(
        {
            "area": ["x", "x", "x", "y"],
            "indicator": ["MMR", "maternal_mortality_ratio", "IMR", "MMR"],
            "numerator": [1, 2, 3, 0],
            "denominator": [10_000, 20_000, 900, 5000],
        }
    )
    got = mch.pool(dd.from_pandas(frame, npartitions=4), by="area", split_out=2).compute()
    want = mch.pool(frame, by="area")
    keys = ["area", "indicator"]
    pd.testing.assert_frame_equal(
        sort_rows(got.astype({"indicator": str}), keys),
        sort_rows(want.astype({"indicator": str}), keys),
        check_dtype=False,
    )


# -- standardisation on dask --------------------------------------------------------------------


def banded(seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    bands = ["15-19", "20-24", "25-29", "30-34", "35-39", "40-44"]
    groups = [(c, y) for c in "abc" for y in (2022, 2023)]
    rows = [(c, y, b) for c, y in groups for b in bands]
    frame = pd.DataFrame(rows, columns=["county", "year", "age"])
    frame["events"] = rng.integers(0, 40, len(frame)).astype(float)
    frame["pop"] = rng.integers(1000, 9000, len(frame)).astype(float)
    frame.loc[3, "events"] = np.nan
    frame.loc[20, "pop"] = np.nan
    frame["ref_events"] = rng.integers(50, 500, len(frame))
    frame["ref_pop"] = rng.integers(10_000, 90_000, len(frame))
    return frame


@pytest.mark.parametrize("partitions", [1, 4, 9])
def test_dsr_and_isr_on_dask_equal_pandas(partitions):
    frame = banded()
    lazy = dd.from_pandas(frame.sample(frac=1.0, random_state=partitions), npartitions=partitions)
    arguments = {"count": "events", "population": "pop", "by": ["county", "year"]}
    dsr = {**arguments, "age": "age", "standard": "esp_2013", "subset": True,
           "confidence": (0.95, 0.998)}  # fmt: skip
    got = assert_meta_agrees(mch.dsr(lazy, **dsr))
    keys = ["county", "year"]
    want = mch.dsr(frame, **dsr)
    # the bands are added in the order the table of sums comes in: equal to rounding
    pd.testing.assert_frame_equal(sort_rows(got, keys), sort_rows(want, keys), rtol=1e-12, atol=0)
    for kind in ("ratio", "rate"):
        isr = {**arguments, "reference_count": "ref_events", "reference_population": "ref_pop",
               "kind": kind}  # fmt: skip
        got = sort_rows(assert_meta_agrees(mch.isr(lazy, **isr)), ["county", "year"])
        want = sort_rows(mch.isr(frame, **isr), ["county", "year"])
        # sums in another order: equal to rounding (relative 1e-12)
        pd.testing.assert_frame_equal(got, want, rtol=1e-12, atol=0)
    whole = {k: v for k, v in isr.items() if k != "by"}
    pd.testing.assert_frame_equal(
        mch.isr(lazy, **whole).compute().reset_index(drop=True), mch.isr(frame, **whole),
        rtol=1e-12, atol=0,
    )  # fmt: skip


def test_nullable_counts_and_ungrouped_standardisation_on_dask():
    frame = pd.DataFrame({"c": ["a", "a", "b"], "x": pd.array([1, None, 2], dtype="Int64"),
                          "n": [10, 20, 30]})  # fmt: skip
    lazy = dd.from_pandas(frame, npartitions=2)
    got = mch.pool(lazy, "IMR", numerator="x", denominator="n", by="c").compute()
    assert sort_rows(got, ["c"])["flags"].astype(str).tolist() == ["MISSING", "UNRELIABLE"]
    one = banded().query("county == 'a' and year == 2022")
    arguments = {"count": "events", "population": "pop", "age": "age",
                 "standard": "esp_2013", "subset": True}  # fmt: skip
    pd.testing.assert_frame_equal(
        assert_meta_agrees(mch.dsr(dd.from_pandas(one, npartitions=3), **arguments)),
        mch.dsr(one, **arguments),
    )


def test_dsr_on_dask_sums_raw_rows_of_one_group_and_band():
    """Raw rows (two per group and band here) are summed first, as pandas users do by hand."""
    frame = banded().dropna()
    halves = frame.assign(events=frame["events"] // 2, pop=frame["pop"] // 2)
    rest = frame.assign(
        events=frame["events"] - halves["events"], pop=frame["pop"] - halves["pop"]
    )
    raw = dd.from_pandas(pd.concat([halves, rest]), npartitions=3)
    arguments = {"count": "events", "population": "pop", "age": "age", "by": "county",
                 "standard": "esp_2013", "subset": True}  # fmt: skip
    summed = frame.groupby(["county", "age"], as_index=False)[["events", "pop"]].sum()
    got = sort_rows(assert_meta_agrees(mch.dsr(raw, **arguments)), ["county"])
    want = sort_rows(mch.dsr(summed, **arguments), ["county"])
    pd.testing.assert_frame_equal(got, want, rtol=1e-12, atol=0)
    weights = frame.assign(w=1.0)
    weights.loc[weights.index[0], "w"] = 2.0
    clash = dd.from_pandas(pd.concat([weights, frame.assign(w=1.0).iloc[:1]]), npartitions=2)
    lazy = mch.dsr(clash, **{**arguments, "standard": "w", "subset": False})
    with pytest.raises(mch.InvalidInputError, match="two standard weights for age band"):
        lazy.compute()


@promise("duplicate-rows", "standardisation")
@pytest.mark.parametrize("frequency", [False, True])
def test_dsr_sums_raw_rows_on_pandas_as_on_dask(frequency):
    """pandas sums the raw rows of a group and band as dask does (relative 1e-12).

    Missing counts add 0 and a missing population makes its band's sum missing,
    on both; with ``frequency=``, each frequency's rows are summed apart.
    """
    frame = banded()
    halves = frame.assign(events=frame["events"] // 2, pop=frame["pop"] // 2)
    rest = frame.assign(
        events=frame["events"] - halves["events"], pop=frame["pop"] - halves["pop"]
    )
    raw = pd.concat([halves, rest], ignore_index=True).sample(frac=1.0, random_state=3)
    arguments = {"count": "events", "population": "pop", "age": "age", "by": ["county", "year"],
                 "standard": "esp_2013", "subset": True}  # fmt: skip
    if frequency:
        # each raw row's individuals with one event and with two, beside the same population
        raw = pd.concat([raw.assign(times=1), raw.assign(times=2, events=raw["events"] // 3)])
        arguments["frequency"] = "times"
    keys = ["county", "year"]
    got = mch.dsr(raw, **arguments)
    lazy = sort_rows(assert_meta_agrees(mch.dsr(dd.from_pandas(raw, npartitions=4), **arguments)),
                     keys)  # fmt: skip
    pd.testing.assert_frame_equal(sort_rows(got, keys), lazy, rtol=1e-12, atol=0)
    if not frequency:  # and equal to the table summed by hand
        summed = raw.groupby([*keys, "age"], as_index=False, dropna=False)[["events", "pop"]].sum(
            min_count=1
        )
        summed["events"] = summed["events"].fillna(0)
        pop_missing = raw.groupby([*keys, "age"], dropna=False)["pop"].apply(
            lambda p: p.isna().any()
        )
        summed.loc[pop_missing.to_numpy(), "pop"] = np.nan
        pd.testing.assert_frame_equal(
            sort_rows(got, keys), sort_rows(mch.dsr(summed, **arguments), keys), rtol=1e-12, atol=0
        )


# -- one behaviour for lazy inputs --------------------------------------------------------------


def test_nothing_is_computed_before_compute():
    lazy = dd.from_pandas(banded(), npartitions=3)
    with CountTasks() as counter:
        results = [
            mch.compute(lazy, "IMR", numerator="events", denominator="pop"),
            mch.pool(lazy, "IMR", numerator="events", denominator="pop", by="county"),
            mch.pool(lazy, "IMR", numerator="events", denominator="pop", by="county",
                     over="year", window=2),
            mch.dsr(lazy, count="events", population="pop", age="age", by="county",
                    standard="esp_2013", subset=True),
            mch.isr(lazy, count="events", population="pop", reference_count="ref_events",
                    reference_population="ref_pop", by="county"),
        ]  # fmt: skip
        assert counter.tasks == 0
    assert all(isinstance(r, dd.DataFrame) for r in results)
    with CountTasks() as counter:
        results[0].compute()
    assert counter.tasks >= 3  # the graph ran when asked, one task per partition at least


def test_indicator_compute_refuses_dask_arrays_and_points_to_the_lazy_path():
    x, n = da.from_array(np.array([3.0, 1.0]), chunks=1), da.from_array(np.array([900.0, 50.0]))
    with CountTasks() as counter:
        with pytest.raises(mch.InvalidInputError, match=r"mch_indicators\.compute\(indicator="):
            mch.get("IMR").compute(x, n)
        lazy = mch.compute(indicator="IMR", numerator=x, denominator=n)
        assert counter.tasks == 0
    np.testing.assert_array_equal(
        lazy["value"].values, mch.get("IMR").compute([3.0, 1.0], [900.0, 50.0]).value
    )


def test_boolean_count_columns_get_a_hint_that_works():
    frame = pd.DataFrame({"infant_deaths": [True, False], "live_births": [1, 1]})
    with pytest.raises(mch.InvalidInputError, match=r"astype\('int64'\)") as caught:
        mch.compute(frame, "IMR")
    assert "to_numeric" not in str(caught.value)
    fixed = frame.assign(infant_deaths=frame["infant_deaths"].astype("int64"))
    assert mch.compute(fixed, "IMR")["numerator"].tolist() == [1.0, 0.0]


# -- threads and the numba cache ----------------------------------------------------------------


def test_thread_count_follows_settings(monkeypatch):
    big = _engine.PARALLEL_FROM
    monkeypatch.delenv(_engine.THREADS_VARIABLE, raising=False)
    default = _engine.thread_count(big)
    assert 1 <= default <= _engine.THREADS
    assert _engine.thread_count(10) == 1
    monkeypatch.setenv(_engine.THREADS_VARIABLE, "3")
    assert _engine.thread_count(big) == 3
    with _engine.thread_limit(2):
        assert _engine.thread_count(big) == 2
        with _engine.within_task():
            assert _engine.thread_count(big) == 2  # an explicit limit wins
    monkeypatch.delenv(_engine.THREADS_VARIABLE)
    with _engine.within_task():
        assert _engine.thread_count(big) == 1
    monkeypatch.setenv(_engine.THREADS_VARIABLE, "many")
    with pytest.raises(mch.ConfigurationError, match="MCH_INDICATORS_THREADS"):
        mch.get("IMR").compute(1, 100)  # a small call notices a bad setting too
    with pytest.raises(mch.ConfigurationError, match="thread_limit"):
        _engine.thread_limit(0).__enter__()


def test_dask_partitions_run_as_single_threaded_tasks(monkeypatch):
    monkeypatch.delenv(_engine.THREADS_VARIABLE, raising=False)
    seen: list[int] = []
    original = _engine.thread_budget

    def spy() -> int:
        seen.append(original())
        return seen[-1]

    monkeypatch.setattr(_engine, "thread_budget", spy)
    lazy = mch.compute(dd.from_pandas(strata(), npartitions=2), "IMR")
    seen.clear()  # the meta frame was computed in the caller's context
    with dask.config.set(scheduler="threads"):
        lazy.compute()
    assert seen and set(seen) == {1}


@pytest.mark.slow
def test_numba_kernels_are_loaded_from_the_disk_cache_by_a_new_process(tmp_path):
    pytest.importorskip("numba")
    script = textwrap.dedent(
        """
        import numpy as np
        from mch_indicators.stats._kernels import fused_kernels
        kernels = fused_kernels()
        x = np.array([1.0, 2.0]); n = np.array([10.0, 20.0])
        copies = (np.empty(2), np.empty(2), True, True)
        thresholds = (-np.inf, np.inf, np.uint16(8), False, np.uint16(16))
        outputs = (np.empty(2), np.empty(2), np.empty(2), np.zeros(2, np.uint16))
        kernels.wilson(x, n, copies, 100.0, 1.96, thresholds, outputs)
        print(sum(kernels.wilson.stats.cache_hits.values()))
        """
    )
    environment = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path)}
    environment.pop("MCH_INDICATORS_BACKEND", None)
    runs = [
        subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                       env=environment, check=True).stdout.strip()
        for _ in range(2)
    ]  # fmt: skip
    assert runs == ["0", "1"]  # compiled once, then loaded


# -- a distributed cluster ------------------------------------------------------------------------


@pytest.mark.slow
def test_distributed_local_cluster_with_processes():
    distributed = pytest.importorskip("distributed")
    frame = strata(rows=200, seed=5)
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0",
            worker_dashboard_address=":0",
        ) as cluster,
        distributed.Client(cluster) as client,
    ):  # fmt: skip
        lazy = dd.from_pandas(frame, npartitions=4)
        computed = mch.compute(lazy, "IMR").compute()
        pooled = mch.pool(lazy, "IMR", by="county", over="year", window=3, split_out=2).compute()
        budgets = client.run(_engine.thread_count, _engine.PARALLEL_FROM)
        inside = client.submit(_engine.thread_count, _engine.PARALLEL_FROM).result()
    pd.testing.assert_frame_equal(
        computed.astype({"county": object}), mch.compute(frame, "IMR").astype({"county": object})
    )
    want = mch.pool(frame, "IMR", by="county", over="year", window=3)
    keys = ["county", "year"]
    pd.testing.assert_frame_equal(sort_rows(pooled, keys), sort_rows(want, keys))
    assert inside == 1  # a task on a worker uses the worker's thread, no more
    assert len(budgets) == 2


# -- Spark --------------------------------------------------------------------------------------


# pyspark's own warnings under pandas 3, not ours (the session: the `spark` fixture in conftest)
SPARK_ON_PANDAS_3 = "ignore:PySpark does not yet fully support pandas:FutureWarning"
SPARK_COPY_KEYWORD = "ignore:The copy keyword is deprecated:DeprecationWarning"


@pytest.mark.spark
@pytest.mark.filterwarnings(SPARK_ON_PANDAS_3, SPARK_COPY_KEYWORD)
def test_spark_compute_and_pool_equal_pandas(spark):
    frame = strata(rows=50, seed=7).astype({"province": str})
    sdf = spark.createDataFrame(frame)
    with CountTasks() as counter:  # nothing of ours runs before Spark is asked for rows
        computed = mch.compute(sdf, "IMR")
        pooled = mch.pool(sdf, "IMR", by="county", over="year", window=2)
    assert counter.tasks == 0
    batch = "spark.sql.execution.arrow.maxRecordsPerBatch"
    spark.conf.set(batch, "7")  # many Arrow batches in each partition
    try:
        got = computed.toPandas()
    finally:
        spark.conf.unset(batch)
    want = mch.compute(frame, "IMR")
    assert list(got.columns) == list(want.columns)
    for column in ["value", "lower", "upper", "numerator"]:
        np.testing.assert_array_equal(got[column].to_numpy(), want[column].to_numpy())
    assert got["flags"].tolist() == want["flags"].astype(str).tolist()
    keys = ["county", "year"]
    got_pool = sort_rows(pooled.toPandas(), keys)
    want_pool = sort_rows(mch.pool(frame, "IMR", by="county", over="year", window=2), keys)
    assert list(got_pool.columns) == list(want_pool.columns)
    for column in ["numerator", "denominator", "value", "upper"]:
        np.testing.assert_array_equal(got_pool[column].to_numpy(), want_pool[column].to_numpy())
    assert got_pool["period"].tolist() == want_pool["period"].astype(str).tolist()
    assert got_pool["flags"].tolist() == want_pool["flags"].astype(str).tolist()


def _as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Categorical and text columns as Python strings (Spark hands back plain strings)."""
    kinds = [name for name, dtype in frame.dtypes.items() if dtype.kind not in "fiub"]
    return frame.astype(dict.fromkeys(kinds, object)).astype(dict.fromkeys(kinds, str))


@pytest.mark.spark
@pytest.mark.filterwarnings(SPARK_ON_PANDAS_3, SPARK_COPY_KEYWORD)
def test_spark_standardises_as_pandas_raw_rows_summed(spark):
    """dsr and isr on Spark: Spark's sums, then pandas' finish (relative 1e-12)."""
    frame = banded().dropna()
    sdf = spark.createDataFrame(frame)
    dsr = {"count": "events", "population": "pop", "age": "age", "standard": "esp_2013",
           "subset": True, "confidence": (0.95, 0.998)}  # fmt: skip
    with CountTasks() as counter:
        lazy = mch.dsr(sdf, by=["county", "year"], **dsr)
        whole = mch.dsr(sdf, **dsr)  # every group's rows summed by band
    assert counter.tasks == 0
    keys = ["county", "year"]
    want = mch.dsr(frame, by=keys, **dsr)
    pd.testing.assert_frame_equal(
        _as_text(sort_rows(lazy.toPandas(), keys)),
        _as_text(sort_rows(want, keys)),
        rtol=1e-12, atol=0, check_dtype=False,
    )  # fmt: skip
    summed = frame.groupby("age", as_index=False)[["events", "pop"]].sum()
    pd.testing.assert_frame_equal(
        _as_text(whole.toPandas()),
        _as_text(mch.dsr(summed, **dsr)),
        rtol=1e-12,
        atol=0,
        check_dtype=False,
    )
    isr = {"count": "events", "population": "pop", "reference_count": "ref_events",
           "reference_population": "ref_pop"}  # fmt: skip
    for by in ("county", None):
        got = mch.isr(sdf, by=by, **isr).toPandas()
        want = mch.isr(frame, by=by, **isr)
        if by:
            got, want = sort_rows(got, [by]), sort_rows(want, [by])
        pd.testing.assert_frame_equal(
            _as_text(got), _as_text(want), rtol=1e-12, atol=0, check_dtype=False
        )


@pytest.mark.spark
@pytest.mark.filterwarnings(SPARK_ON_PANDAS_3, SPARK_COPY_KEYWORD)
def test_spark_pooling_counts_units_and_leaves_out_invalid_rows_as_pandas(spark):
    frame = pd.DataFrame(
        {"county": ["a", "a", "a", "b"], "x": [90.0, 120.0, np.nan, 50.0],
         "n": [100.0, 100.0, 80.0, 60.0]}
    )  # fmt: skip
    arguments = {"numerator": "x", "denominator": "n", "by": "county"}
    sdf = spark.createDataFrame(frame)
    flagged = mch.pool(sdf, "hospital_delivery_rate", on_invalid="flag", **arguments)
    got = sort_rows(flagged.toPandas(), ["county"])
    want = sort_rows(mch.pool(frame, "hospital_delivery_rate", on_invalid="flag", **arguments),
                     ["county"])  # fmt: skip
    assert list(got.columns) == list(want.columns)
    for column in ["numerator", "denominator", "units", "units_pooled"]:
        np.testing.assert_array_equal(got[column].to_numpy(), want[column].to_numpy())
    assert got["flags"].tolist() == want["flags"].astype(str).tolist()
    assert got["flags"].tolist() == ["MISSING|INCOMPLETE", ""]
    refused = mch.pool(sdf, "hospital_delivery_rate", **arguments)  # lazy: refused when run
    said = (  # the one refusal's words (label table), with Spark's own text of the counts
        "row (county=a): numerator of hospital_delivery_rate_cn: exceeds its denominator, "
        "impossible for a proportion (120.0 > 100.0); pass on_invalid='flag' to leave such rows"
    )
    with pytest.raises(Exception, match=re.escape(said)):  # Spark's own exception, our text
        refused.toPandas()


@pytest.mark.spark
@pytest.mark.filterwarnings(SPARK_ON_PANDAS_3, "ignore:.*loads all data into the driver")
def test_pandas_on_spark_frames_come_back_as_such(spark):
    try:
        import pyspark.pandas  # noqa: F401
    except ImportError as error:  # pyspark 4.x cannot import it under pandas 3
        pytest.skip(f"pandas-on-Spark does not import here: {error}")
    frame = strata(rows=12, seed=3).astype({"province": str})
    psdf = spark.createDataFrame(frame).pandas_api()
    out = mch.compute(psdf, "IMR", lean=True)
    assert type(out).__module__.startswith("pyspark.pandas")
    local = out.to_pandas().sort_index()
    np.testing.assert_array_equal(local["value"], mch.compute(frame, "IMR")["value"])


@pytest.mark.spark
@pytest.mark.filterwarnings(SPARK_ON_PANDAS_3, SPARK_COPY_KEYWORD)
def test_spark_refuses_text_and_true_false_counts_before_running(spark):
    """A count column Spark types as text or boolean: the library's error, at the call."""
    frame = strata(rows=12, seed=3).astype({"province": str})
    text = spark.createDataFrame(frame.astype({"infant_deaths": str}))
    for run in (partial(mch.compute, text, "IMR"), partial(mch.pool, text, "IMR", by="county")):
        with pytest.raises(mch.InvalidInputError, match=r"'infant_deaths' is not numeric.*cast"):
            run()
    flags = spark.createDataFrame(frame.assign(infant_deaths=frame["infant_deaths"] > 1))
    with pytest.raises(mch.InvalidInputError, match=r"boolean.*cast\('int'\)"):
        mch.compute(flags, "IMR")


@pytest.mark.spark
@pytest.mark.filterwarnings(SPARK_ON_PANDAS_3, SPARK_COPY_KEYWORD)
def test_spark_pools_a_long_table_as_pandas(spark):
    """A long table's indicator keys, names and ids alike, pool as one group (a pandas UDF)."""
    frame = pd.DataFrame(
        {"county": ["a", "a", "a", "b"],
         "indicator": ["IMR", "infant_mortality_rate", "MMR", "IMR"],
         "numerator": [3.0, 4.0, 1.0, 2.0], "denominator": [1000.0, 900.0, 5000.0, 700.0]}
    )  # fmt: skip
    got = sort_rows(mch.pool(spark.createDataFrame(frame), by="county").toPandas(),
                    ["county", "indicator"])  # fmt: skip
    want = mch.pool(frame, by="county")
    want = sort_rows(want.astype({"indicator": str}), ["county", "indicator"])
    assert list(got.columns) == list(want.columns)
    assert got["indicator"].tolist() == want["indicator"].tolist()
    assert len(got) == 3  # IMR and its id summed together in county a
    for column in ["numerator", "denominator", "value", "lower", "upper", "units"]:
        np.testing.assert_array_equal(got[column].to_numpy(), want[column].to_numpy())


@promise("text-numbers", "engines")
@pytest.mark.parametrize("partitions", [1, 3])
def test_text_counts_on_dask_are_read_as_numbers_as_pandas_reads_them(partitions):
    # dask stores an object column of numbers as text; its sum joined the texts:
    # births "1000", "2000", "3000" summed to 100020003000, without a word.
    frame = banded().dropna()
    text = frame.assign(events=frame["events"].map("{:.0f}".format),
                        pop=frame["pop"].map("{:,.0f}".format).astype(object))  # fmt: skip
    lazy = dd.from_pandas(text, npartitions=partitions)
    assert not pd.api.types.is_numeric_dtype(lazy["pop"].dtype)
    pooled = {"numerator": "events", "denominator": "pop", "by": ["county", "year"]}
    got = sort_rows(mch.pool(lazy, "IMR", **pooled).compute(), ["county", "year"])
    want = sort_rows(mch.pool(frame, "IMR", **pooled), ["county", "year"])
    pd.testing.assert_frame_equal(got, want, rtol=1e-12, atol=0)
    arguments = {"count": "events", "population": "pop", "by": ["county", "year"]}
    dsr = {**arguments, "age": "age", "standard": "esp_2013", "subset": True}
    got = sort_rows(assert_meta_agrees(mch.dsr(lazy, **dsr)), ["county", "year"])
    pd.testing.assert_frame_equal(got, sort_rows(mch.dsr(frame, **dsr), ["county", "year"]),
                                  rtol=1e-12, atol=0)  # fmt: skip
    isr = {**arguments, "reference_count": "ref_events", "reference_population": "ref_pop"}
    got = sort_rows(assert_meta_agrees(mch.isr(lazy, **isr)), ["county", "year"])
    pd.testing.assert_frame_equal(got, sort_rows(mch.isr(frame, **isr), ["county", "year"]),
                                  rtol=1e-12, atol=0)  # fmt: skip


def test_a_text_count_on_dask_that_is_no_number_is_refused_naming_its_row():
    frame = pd.DataFrame({"c": ["a", "a", "b"], "x": ["1", "two", "3"], "n": [10, 20, 30]})
    lazy = mch.pool(dd.from_pandas(frame, npartitions=2), "IMR", numerator="x",
                    denominator="n", by="c")  # fmt: skip
    with pytest.raises(mch.InvalidInputError, match=r"column 'x' .*row 1 holds 'two'"):
        lazy.compute()
