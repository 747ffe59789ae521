"""Counting terms on a births register on disk: the library against hand-written queries.

    python benchmarks/records.py                   # 20 million births (Parquet)
    python benchmarks/records.py --size 2e6        # smaller
    python benchmarks/records.py --scale-out 1e8   # dask.distributed, partitioned dataset
    python benchmarks/records.py --tables 1e7      # pooling a polars frame of counts

The scale-out needs ``pip install distributed``.

The register is generated once (numpy, written in chunks with pyarrow) into
``--data`` (default: a temporary folder kept between runs). Each contestant runs
in a fresh subprocess, which prints its time and its own peak resident memory,
so that peaks are not mixed up: the library reading the file path (DuckDB,
streamed) and a polars lazy scan (streaming engine), against the same counts,
written by hand in DuckDB SQL and in polars. "The same counts" are the records
counted *and* the records that cannot be classified (SQL's and polars' own
three-valued logic on nulls gives the same answer as the library's rules, once
codes and ranges are cleaned the same way). Results are recorded in
benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

TERMS = [
    "live_births",
    "stillbirths_28w",
    "perinatal_births_28w",
    "perinatal_deaths_28w",
    "neonatal_deaths",
    "early_neonatal_deaths",
    "low_birth_weight_live_births",
    "facility_live_births",
]
BY = ["area", "year"]
CHUNK = 2_000_000


def generate(path: Path, size: int, seed: int = 2026, files: int = 1) -> None:
    """A births register: 3,000 counties, 2019-2023, with missing values and bad codes."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = np.random.default_rng(seed)
    outcomes = np.array(["live", "活产", "stillbirth", "9", "xx"])
    places = np.array(["hospital", "township", "home", "9"])
    start = np.datetime64("2019-01-01")
    per_file = -(-size // files)
    written = 0
    for part in range(files):
        target = path if files == 1 else path / f"part-{part:04d}.parquet"
        target.parent.mkdir(parents=True, exist_ok=True)
        writer = None
        done = 0
        while done < min(per_file, size - written):
            n = min(CHUNK, per_file - done, size - written - done)
            ga = np.round(rng.normal(39, 2.2, n), 1)
            ga[rng.random(n) < 0.01] = np.nan
            weight = np.round(rng.normal(3300, 550, n))
            weight[rng.random(n) < 0.01] = np.nan
            weight[rng.random(n) < 0.0005] = -1  # impossible: reported, never counted
            died = rng.random(n) < 0.004
            age = np.where(died, rng.integers(0, 60, n), -1).astype(float)
            age[~died] = np.nan
            table = pa.table({
                "area": pa.array(rng.integers(0, 3000, n)).cast(pa.string()),
                "birth_date": pa.array(start + rng.integers(0, 1826, n).astype("timedelta64[D]")),
                "outcome": outcomes[rng.choice(5, n, p=[0.6, 0.392, 0.006, 0.001, 0.001])],
                # missing numbers as nulls, not NaN: DuckDB (2.0) folds isnan() away on
                # pyarrow-written Parquet (duckdb/duckdb#25521)
                "gestation_weeks": pa.array(ga, from_pandas=True),
                "birth_weight_g": pa.array(weight, from_pandas=True),
                "death_age_days": pa.array(age, from_pandas=True),
                "delivery_place": places[rng.choice(4, n, p=[0.7, 0.28, 0.015, 0.005])],
            })  # fmt: skip
            if writer is None:
                writer = pq.ParquetWriter(target, table.schema)
            writer.write_table(table)
            done += n
        written += done
        if writer is not None:
            writer.close()


# -- the hand-written peers ------------------------------------------------------------

SQL = """
WITH clean AS (
  SELECT area, year(birth_date) AS year,
    CASE WHEN outcome IN ('live', '活产') THEN 'live'
         WHEN outcome IN ('stillbirth', '死胎', '死产', '2', 'still', '死胎死产') THEN 'still'
         WHEN outcome IN ('1', 'live birth') THEN 'live' END AS outcome,
    CASE WHEN gestation_weeks BETWEEN 12 AND 45 THEN gestation_weeks END AS ga,
    (gestation_weeks IS NULL OR isnan(gestation_weeks)) AS ga_missing,
    CASE WHEN birth_weight_g BETWEEN 100 AND 7000 THEN birth_weight_g END AS w,
    CASE WHEN death_age_days BETWEEN 0 AND 366 THEN death_age_days END AS death,
    (death_age_days IS NULL OR isnan(death_age_days)) AS death_missing,
    CASE WHEN delivery_place IN ('hospital', '县及以上医院', '1', '医院', '妇幼保健院',
                                 'township', '乡镇卫生院', '2', '社区卫生服务中心') THEN true
         WHEN delivery_place IN ('village', '村卫生室', '3', 'home', '家中', '4',
                                 'other', '其他', '5', '途中') THEN false END AS facility
  FROM read_parquet('{path}')
), decided AS (
  SELECT area, year,
    outcome = 'live' AS alive,
    outcome = 'still' AS still,
    CASE WHEN ga IS NOT NULL THEN ga >= 28
         WHEN ga_missing THEN w >= 1000 END AS cn,
    CASE WHEN death_missing THEN false ELSE death < 7 END AS died7,
    CASE WHEN death_missing THEN false ELSE death < 28 END AS died28,
    w < 2500 AS low, facility
  FROM clean
), terms AS (
  SELECT area, year,
    alive AND cn AS live_births,
    still AND cn AS stillbirths_28w,
    (alive OR still) AND cn AS perinatal_births_28w,
    cn AND (still OR (alive AND died7)) AS perinatal_deaths_28w,
    alive AND cn AND died28 AS neonatal_deaths,
    alive AND cn AND died7 AS early_neonatal_deaths,
    alive AND cn AND low AS low_birth_weight_live_births,
    alive AND cn AND facility AS facility_live_births
  FROM decided
)
SELECT area, year, {sums} FROM terms GROUP BY area, year
"""


def hand_duckdb(path: str) -> Any:
    import duckdb

    sums = ", ".join(
        f"count(*) FILTER (WHERE {t}) AS {t}, count(*) FILTER (WHERE {t} IS NULL) AS {t}_u"
        for t in TERMS
    )
    return duckdb.connect().sql(SQL.format(path=path, sums=sums)).to_arrow_table()


def hand_polars(path: str) -> Any:
    import polars as pl

    col = pl.col
    live_codes = ["live", "活产", "1", "live birth"]
    still_codes = ["stillbirth", "死胎", "死产", "2", "still", "死胎死产"]
    facility = ["hospital", "县及以上医院", "1", "医院", "妇幼保健院", "township", "乡镇卫生院",
                "2", "社区卫生服务中心"]  # fmt: skip
    other = ["village", "村卫生室", "3", "home", "家中", "4", "other", "其他", "5", "途中"]
    outcome = (
        pl.when(col("outcome").is_in(live_codes)).then(pl.lit("live"))
        .when(col("outcome").is_in(still_codes)).then(pl.lit("still"))
    )  # fmt: skip
    ga_ok = col("gestation_weeks").is_between(12, 45)
    ga_missing = col("gestation_weeks").is_null() | col("gestation_weeks").is_nan()
    w = pl.when(col("birth_weight_g").is_between(100, 7000)).then(col("birth_weight_g"))
    death_missing = col("death_age_days").is_null() | col("death_age_days").is_nan()
    death = pl.when(col("death_age_days").is_between(0, 366)).then(col("death_age_days"))
    alive, still = outcome == "live", outcome == "still"
    cn = pl.when(ga_ok).then(col("gestation_weeks") >= 28).when(ga_missing).then(w >= 1000)
    died7 = pl.when(death_missing).then(False).otherwise(death < 7)
    died28 = pl.when(death_missing).then(False).otherwise(death < 28)
    place = (
        pl.when(col("delivery_place").is_in(facility)).then(True)
        .when(col("delivery_place").is_in(other)).then(False)
    )  # fmt: skip
    terms = {
        "live_births": alive & cn,
        "stillbirths_28w": still & cn,
        "perinatal_births_28w": (alive | still) & cn,
        "perinatal_deaths_28w": cn & (still | (alive & died7)),
        "neonatal_deaths": alive & cn & died28,
        "early_neonatal_deaths": alive & cn & died7,
        "low_birth_weight_live_births": alive & cn & (w < 2500),
        "facility_live_births": alive & cn & place,
    }
    aggregations = []
    for name, expression in terms.items():
        aggregations.append((expression == True).sum().alias(name))  # noqa: E712
        aggregations.append(expression.is_null().sum().alias(f"{name}_u"))
    frame = pl.scan_parquet(path).with_columns(year=col("birth_date").dt.year())
    return frame.group_by(BY).agg(aggregations).collect(engine="streaming")


def library(path: str, engine: str, quality: bool) -> Any:
    import mch_indicators as mch

    source: Any = path  # a path: scanned with polars' streaming engine
    if engine == "duckdb":
        import duckdb

        source = duckdb.connect().read_parquet(path)
    return mch.count_records(source, TERMS, by=BY, quality=quality).counts


_PATH, _DUCK = {"engine": "path"}, {"engine": "duckdb"}
CONTESTANTS: dict[str, tuple[str, dict[str, Any]]] = {
    "hand DuckDB SQL": ("hand_duckdb", {}),
    "hand polars (lazy, streaming)": ("hand_polars", {}),
    "mch.count_records(path), quality off": ("library", {**_PATH, "quality": False}),
    "mch.count_records(path), quality on": ("library", {**_PATH, "quality": True}),
    "mch.count_records(DuckDB relation), quality off": ("library", {**_DUCK, "quality": False}),
    "mch.count_records(DuckDB relation), quality on": ("library", {**_DUCK, "quality": True}),
}


def child(name: str, path: str, repeats: int) -> None:
    """Run one contestant ``repeats`` times; print the best time and this process's peak."""
    function, keywords = CONTESTANTS[name]
    best = float("inf")
    result: Any = None
    for _ in range(repeats):
        start = time.perf_counter()
        result = globals()[function](path, **keywords)
        best = min(best, time.perf_counter() - start)
    print(json.dumps({"seconds": best, "peak": _peak(), "rows": len(result)}))


def run(name: str, path: Path, repeats: int) -> dict[str, Any]:
    command = [sys.executable, __file__, "--child", name, "--path", str(path)]
    out = subprocess.run(
        [*command, "--repeats", str(repeats)], capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def check_same(path: Path) -> None:
    """The library's counts equal the hand-written ones, cell for cell."""
    import mch_indicators as mch

    hand = hand_duckdb(str(path)).to_pandas().sort_values(BY).reset_index(drop=True)
    counts = mch.count_records(str(path), TERMS, by=BY, quality=False).counts
    for term in TERMS:
        mine = counts[counts["term"] == term].sort_values(BY).reset_index(drop=True)
        assert mine["count"].tolist() == hand[term].astype(float).tolist(), term
        assert mine["unclassified"].tolist() == hand[f"{term}_u"].astype(float).tolist(), term
    print("check: the library's counts and unclassified equal the hand-written SQL's")


def scale_out(size: int, data: Path, workers: int) -> None:
    """The same call on a local dask.distributed cluster over a partitioned dataset."""
    import dask.dataframe as dd
    from dask.distributed import Client, LocalCluster

    import mch_indicators as mch

    folder = data / f"births_{size}"
    if not folder.exists():
        start = time.perf_counter()
        generate(folder, size, files=max(size // CHUNK, 1))
        print(f"generated {size:,} records in {time.perf_counter() - start:.0f} s")
    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, memory_limit="6GiB")
    with cluster, Client(cluster) as client:
        frame = dd.read_parquet(str(folder))
        start = time.perf_counter()
        out = mch.count_records(frame, TERMS, by=BY, quality=True)
        seconds = time.perf_counter() - start
        peaks = client.run(_peak)
    print(
        f"scale-out: {size:,} records, {frame.npartitions} partitions, {workers} workers: "
        f"{seconds:.1f} s ({size / seconds / 1e6:.2f} M records/s), peak worker memory "
        f"{max(peaks.values()) / 2**30:.2f} GiB, {len(out.counts):,} count rows"
    )


def tables(size: int, repeats: int) -> None:
    """``mch.pool`` on a polars frame of counts against the same work by hand, and pandas."""
    import polars as pl

    import mch_indicators as mch

    rng = np.random.default_rng(7)
    frame = pl.DataFrame({
        "county": rng.integers(0, 3000, size), "year": rng.integers(2015, 2025, size),
        "maternal_deaths": rng.poisson(0.3, size), "live_births": rng.integers(50, 3000, size),
    })  # fmt: skip
    pandas_frame = frame.to_pandas()
    mmr = mch.get("MMR")

    def by_hand() -> Any:
        sums = frame.group_by("county", "year").agg(pl.col("maternal_deaths", "live_births").sum())
        return mmr.compute(sums["maternal_deaths"].to_numpy(), sums["live_births"].to_numpy())

    contestants = {
        "polars group_by + Indicator.compute (by hand)": by_hand,
        "mch.pool(polars frame)": lambda: mch.pool(frame, "MMR", by=["county", "year"]),
        "mch.pool(pandas frame)": lambda: mch.pool(pandas_frame, "MMR", by=["county", "year"]),
    }
    print(f"pooling {size:,} rows into county-years; best of {repeats}")
    print("| what | seconds |\n|---|---:|")
    for name, function in contestants.items():
        function()
        best = min(_timed(function) for _ in range(repeats))
        print(f"| {name} | {best:.2f} |")


def _timed(function: Any) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def _peak() -> int:
    """This process's peak resident memory in bytes (VmHWM: ru_maxrss would include the
    parent's peak, which Linux carries across fork and exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=float, default=2e7)
    parser.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()) / "mch_bench")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--scale-out", type=float, default=0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--tables", type=float, default=0)
    parser.add_argument("--child")
    parser.add_argument("--path")
    args = parser.parse_args()
    if args.child:
        child(args.child, args.path, args.repeats)
        return
    if args.tables:
        tables(int(args.tables), args.repeats)
        return
    if args.scale_out:
        scale_out(int(args.scale_out), args.data, args.workers)
        return
    size = int(args.size)
    path = args.data / f"births_{size}.parquet"
    if not path.exists():
        start = time.perf_counter()
        generate(path, size)
        print(f"generated {size:,} records in {time.perf_counter() - start:.0f} s")
    print(
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
        f"{size:,} births, {path.stat().st_size / 2**20:.0f} MiB of Parquet; "
        f"{len(TERMS)} terms by {' and '.join(BY)}; best of {args.repeats}"
    )
    check_same(path)
    results = {name: run(name, path, args.repeats) for name in CONTESTANTS}
    duck = results["hand DuckDB SQL"]["seconds"]
    polars = results["hand polars (lazy, streaming)"]["seconds"]
    print("| what | seconds | × hand DuckDB | × hand polars | peak RSS (GiB) |")
    print("|---|---:|---:|---:|---:|")
    for name, found in results.items():
        print(
            f"| {name} | {found['seconds']:.2f} | {found['seconds'] / duck:.2f} | "
            f"{found['seconds'] / polars:.2f} | {found['peak'] / 2**30:.2f} |"
        )


if __name__ == "__main__":
    main()
