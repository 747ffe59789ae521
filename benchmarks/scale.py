"""National scale on a local dask cluster: mch_indicators against the same work in plain dask.

    python benchmarks/scale.py                       # 50 M stratum rows, 200 Parquet partitions
    python benchmarks/scale.py --rows 10e6 --partitions 40
    python benchmarks/scale.py --quick               # 1 M rows, 8 partitions (a smoke test)

The script starts its own ``distributed.LocalCluster`` (2 worker processes, 1
thread and 3 GiB each by default), writes its own data to Parquet (3,000
counties x 10 years x 12 months x 2 sexes x 35 age bands x urban/rural; counts
as integers), then times each task for the library and for its plain-dask peer
on the same Parquet files, writing every result to Parquet:

- compute -> Parquet: ``mch.compute(frame, "IMR")`` against ``map_partitions``
  of the same arithmetic with scipy's exact Poisson limits (``chi2.ppf``), as a
  user would write it; and against the I/O floor (the value only).
- pooling: county x year, province, a 3-year rolling window by county, and the
  six stratum keys (about 25 M groups), against ``groupby(...).sum(split_out=...)``
  followed by the same scipy limits (and for the window a shuffle by county and
  a pandas rolling sum); and against the floor, the grouped sums alone.

Each worker's resident memory is sampled every 0.2 s; the table gives the peak
of either worker during the task. Ratios are library / peer (below 1 is faster).
With ``--repeats n`` each task runs n times, library and peer alternating, and
the fastest run of each is kept (with its memory peak).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

ALPHA = 0.05
BANDS = 35


# -- data --------------------------------------------------------------------------------------


def make_partition(index: int, rows_per_part: int, counties: int, years: int) -> pd.DataFrame:
    """One partition of strata: consecutive rows of the county-major national table."""
    rng = np.random.default_rng(index)
    start = index * rows_per_part
    row = np.arange(start, start + rows_per_part, dtype=np.int64)
    per_county_year = 12 * 2 * BANDS * 2
    residence = row % 2
    band = (row // 2) % BANDS
    sex = (row // (2 * BANDS)) % 2
    month = (row // (4 * BANDS)) % 12 + 1
    year = (row // per_county_year) % years + 2015
    county = (row // (per_county_year * years)) % counties
    births = rng.integers(1, 60, rows_per_part)
    return pd.DataFrame(
        {
            "province": pd.array([f"P{c % 31:02d}" for c in county // 97], dtype="str"),
            "county": (110000 + county).astype(np.int32),
            "year": year.astype(np.int16),
            "month": month.astype(np.int8),
            "sex": np.where(sex == 0, "F", "M"),
            "age_band": band.astype(np.int8),
            "residence": np.where(residence == 0, "urban", "rural"),
            "infant_deaths": rng.binomial(births, 0.006).astype(np.int32),
            "live_births": births.astype(np.int32),
        }
    )


def write_data(path: Path, rows: int, partitions: int, counties: int, years: int) -> None:
    import dask.dataframe as dd

    per_part = rows // partitions
    frame = dd.from_map(
        make_partition, range(partitions), rows_per_part=per_part, counties=counties, years=years
    )
    frame.to_parquet(path, write_index=False)


# -- the plain peers -----------------------------------------------------------------------------


def plain_limits(part: pd.DataFrame, x: str = "infant_deaths", n: str = "live_births") -> Any:
    """Rate per 1,000 with exact Poisson limits, as one writes it with scipy."""
    from scipy import stats

    deaths = part[x].to_numpy(dtype=np.float64)
    births = part[n].to_numpy(dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        value = deaths / births * 1000
        lower = np.where(deaths > 0, stats.chi2.ppf(ALPHA / 2, 2 * deaths) / 2, 0.0)
        upper = stats.chi2.ppf(1 - ALPHA / 2, 2 * deaths + 2) / 2
    return part.assign(value=value, lower=lower / births * 1000, upper=upper / births * 1000)


def plain_value(part: pd.DataFrame) -> pd.DataFrame:
    return part.assign(value=part["infant_deaths"] / part["live_births"] * 1000)


def plain_rolling(part: pd.DataFrame, window: int) -> pd.DataFrame:
    part = part.sort_values(["county", "year"])
    rolled = part.groupby("county")[["infant_deaths", "live_births"]].rolling(window).sum()
    out = part[["county", "year"]].reset_index(drop=True)
    out[["infant_deaths", "live_births"]] = rolled.reset_index(drop=True).to_numpy()
    return plain_limits(out.dropna())


# -- measuring ---------------------------------------------------------------------------------


class PeakMemory:
    """Samples each worker's resident memory in a background thread; keeps the peak."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                sizes = self.client.run(_rss)
                self.peak = max(self.peak, *sizes.values())
            except Exception:
                pass
            self._stop.wait(0.2)

    def __enter__(self) -> PeakMemory:
        self.client.run(_trim)
        self.peak = max(self.client.run(_rss).values())
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def _rss() -> int:
    import psutil

    return int(psutil.Process().memory_info().rss)


def _trim() -> None:
    import ctypes
    import gc

    gc.collect()
    with contextlib.suppress(OSError):  # not glibc
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def best_ms(function: Callable[[], Any], repeats: int = 20) -> float:
    """Best time of ``function``, keeping its last outputs alive as a worker does.

    A worker holds a partition's output until it is written, so each call gets
    fresh memory (and pays its page faults); discarding every output at once
    would let the allocator hand back the same warm pages and flatter the time.
    """
    alive: list[Any] = [function() for _ in range(4)]
    times = []
    for i in range(repeats):
        start = time.perf_counter()
        alive[i % 4] = function()
        times.append(time.perf_counter() - start)
    return min(times) * 1000


def partition_profile(rows: int, counties: int, years: int) -> str:
    """Kernel time against the whole per-partition call, in this process (no cluster)."""
    import mch_indicators as mch
    from mch_indicators._compute import compute_indicator
    from mch_indicators._options import Options

    part = make_partition(0, rows, counties, years)
    imr = mch.get("IMR")
    x = part["infant_deaths"].to_numpy(np.float64)
    n = part["live_births"].to_numpy(np.float64)
    kernel = best_ms(lambda: compute_indicator(imr, x, n, Options()))
    whole = best_ms(lambda: mch.compute(part, imr))
    lean = best_ms(lambda: mch.compute(part, imr, lean=True))
    peer = best_ms(lambda: plain_limits(part), 5)
    return (
        f"one partition of {rows:,} rows, in one process: the computation (Result) "
        f"{kernel:.1f} ms; mch.compute on the frame {whole:.1f} ms (lean {lean:.1f} ms), "
        f"so building the frame costs {whole - kernel:.1f} ms; plain scipy {peer:.1f} ms"
    )


def measure(client: Any, run: Callable[[], Any]) -> tuple[float, int]:
    with PeakMemory(client) as memory:
        start = time.perf_counter()
        run()
        seconds = time.perf_counter() - start
    return seconds, memory.peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=float, default=50e6)
    parser.add_argument("--partitions", type=int, default=200)
    parser.add_argument("--counties", type=int, default=3000)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--memory", default="3GiB", help="memory limit of each worker")
    parser.add_argument("--split-out", type=int, default=None,
                        help="partitions of sums (default: dask's choice, for both)")  # fmt: skip
    parser.add_argument("--quick", action="store_true", help="1 M rows in 8 partitions")
    parser.add_argument("--only", default="", help="comma-separated task names to run")
    parser.add_argument("--repeats", type=int, default=1,
                        help="runs per task, library and peer alternating")  # fmt: skip
    parser.add_argument("--keep", default="", help="a directory for the data (kept)")
    args = parser.parse_args()
    if args.quick:
        args.rows, args.partitions, args.counties = 1e6, 8, 60
    rows = int(args.rows) // args.partitions * args.partitions

    import dask
    import dask.dataframe as dd
    import distributed
    import scipy

    import mch_indicators as mch

    work = Path(args.keep or tempfile.mkdtemp(prefix="mch_scale_"))
    cluster = distributed.LocalCluster(
        n_workers=args.workers, threads_per_worker=1, memory_limit=args.memory,
        processes=True, dashboard_address=":0",
    )  # fmt: skip
    client = distributed.Client(cluster)
    try:
        data = work / "strata"
        if not data.exists():
            start = time.perf_counter()
            write_data(data, rows, args.partitions, args.counties, args.years)
            print(f"wrote {rows:,} rows in {args.partitions} partitions "
                  f"({time.perf_counter() - start:.0f} s)")  # fmt: skip
        frame = dd.read_parquet(data)
        # warm up: each worker imports the library and loads (or compiles) the numba
        # kernels, and the Parquet files are read once, so the first task timed does not
        # pay for a cold disk cache
        mch.compute(frame.partitions[: args.workers], "IMR").compute()
        frame.map_partitions(len).compute()
        split = args.split_out
        six = ["province", "county", "year", "month", "sex", "age_band"]
        sums = {"infant_deaths": "sum", "live_births": "sum"}

        def out(name: str) -> str:
            target = work / "out" / name
            shutil.rmtree(target, ignore_errors=True)
            return str(target)

        tasks: dict[str, list[tuple[str, Callable[[], Any]]]] = {
            "compute": [
                ("mch.compute", lambda: mch.compute(frame, "IMR").to_parquet(
                    out("a"), write_index=False)),
                ("mch.compute lean", lambda: mch.compute(frame, "IMR", lean=True).to_parquet(
                    out("b"), write_index=False)),
                ("plain dask + scipy", lambda: frame.map_partitions(plain_limits).to_parquet(
                    out("c"), write_index=False)),
                ("I/O floor: value only", lambda: frame.map_partitions(plain_value).to_parquet(
                    out("d"), write_index=False)),
            ],
        }  # fmt: skip
        for name, keys in [("county x year", ["county", "year"]), ("province", ["province"]),
                           ("six keys", six)]:  # fmt: skip
            tasks[name] = [
                ("mch.pool", lambda keys=keys: mch.pool(frame, "IMR", by=keys, split_out=split)
                 .to_parquet(out("e"), write_index=False)),
                ("plain dask", lambda keys=keys: frame.groupby(keys, sort=False, observed=True)
                 .agg(sums, split_out=split).reset_index().map_partitions(plain_limits)
                 .to_parquet(out("f"), write_index=False)),
                ("floor: plain sums only", lambda keys=keys: frame.groupby(keys, sort=False,
                 observed=True).agg(sums, split_out=split).reset_index()
                 .to_parquet(out("i"), write_index=False)),
            ]  # fmt: skip
        tasks["3-year rolling"] = [
            ("mch.pool", lambda: mch.pool(frame, "IMR", by="county", over="year", window=3,
                                          split_out=split).to_parquet(out("g"),
                                                                      write_index=False)),
            ("plain dask", lambda: frame.groupby(["county", "year"], sort=False, observed=True)
             .agg(sums, split_out=split).reset_index().shuffle(on=["county"])
             .map_partitions(plain_rolling, 3).to_parquet(out("h"), write_index=False)),
        ]  # fmt: skip
        wanted = [t.strip() for t in args.only.split(",") if t.strip()] or list(tasks)
        print(f"machine: {platform.machine()}, {os.cpu_count()} cores; Python "
              f"{platform.python_version()}; mch_indicators {mch.__version__}, dask "
              f"{dask.__version__}, distributed {distributed.__version__}, pandas "
              f"{pd.__version__}, numpy {np.__version__}, scipy {scipy.__version__}")  # fmt: skip
        print(partition_profile(rows // args.partitions, args.counties, args.years))
        print(f"cluster: {args.workers} worker processes x 1 thread, {args.memory} each; "
              f"{rows:,} rows, {args.partitions} partitions; split_out "
              f"{split or 'dask default'}\n")  # fmt: skip
        print("| task | who | seconds | peak worker MiB | x peer time | x peer memory |")
        print("|---|---|---:|---:|---:|---:|")
        for task in wanted:
            best: dict[str, tuple[float, int]] = {}
            for _ in range(args.repeats):
                for who, run in tasks[task]:
                    seconds, peak = measure(client, run)
                    if who not in best or seconds < best[who][0]:
                        best[who] = (seconds, peak)
            results = [(who, *best[who]) for who, _ in tasks[task]]
            peer = next(r for r in results if r[0].startswith("plain"))
            for who, seconds, peak in results:
                print(f"| {task} | {who} | {seconds:.1f} | {peak / 2**20:,.0f} | "
                      f"{seconds / peer[1]:.2f} | {peak / peer[2]:.2f} |", flush=True)  # fmt: skip
    finally:
        client.close()
        cluster.close()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
