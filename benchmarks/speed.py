"""Every row of the speed issue (issue 25) against its baseline, in one run.

    python benchmarks/speed.py                 # the issue's sizes (long: 20 M births, 50 M rows)
    python benchmarks/speed.py --quick         # small sizes: a smoke test
    python benchmarks/speed.py --strata 1e7 --births 2e6 --dask-rows 5e6 --cli-rows 1e6
    python benchmarks/speed.py --spark         # also the Spark rows (pyspark and Java)
    python benchmarks/speed.py --only arrays,import

Each section runs its contestants in interleaved rounds (round r runs every
contestant once before round r + 1 starts, so a change of the machine's load
falls on all of them alike) and prints, for each contestant, the ratio to its
baseline in the same round: the best over the rounds, the spread (lowest to
highest) and the best CPU-time ratio (user + system, all threads; for the rows
run in their own process, the child's). The goal of each row is printed beside
it. Results are recorded in benchmarks/README.md ("Speed at the floor").

Sections (``--only``):

- ``arrays``: 10 M strata in one process: Wilson (value, limits, flags) and exact
  Poisson limits on three mixes of counts against ``np.divide(num, den)``, and
  exact Poisson with and without the reliability flags; beside them, as a floor,
  the memory a result needs (five fresh input-sized arrays written: value, two
  limits and its own copies of the counts) without any arithmetic;
- ``import``: a fresh interpreter importing numpy, against importing the library
  and looking up ``MMR``, and then computing one scalar result (the catalog's
  cache of validated definitions warm, as on every run after the first); then
  where that time goes, stage by stage (numpy, pydantic, the model classes, the
  catalog, the lookup, the computation);
- ``records``: a births register on disk (Parquet), 4 terms by area:
  ``count_records`` on the file (quality table on and off) and on a DuckDB
  relation, and ``compute_records`` on the relation, against the same counts
  and unclassified counts written by hand in DuckDB SQL (each in its own process);
- ``dask``: ``dsr`` and ``isr`` on a dask frame of strata against the same sums
  and the same DSR (Dobson) and ISR (Byar/exact) written by hand;
- ``cli``: ``compute --file`` on a long CSV against ``read_table`` + ``compute``
  (whole processes: wall, CPU and peak memory);
- ``spark`` (with ``--spark``): ``compute`` written to Parquet and ``pool`` on a
  Spark DataFrame against a plain ``mapInPandas`` with scipy's limits and a plain
  ``groupBy().agg`` with the same.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from _timing import interleaved, process

HERE = Path(__file__).resolve().parent
Times = dict[str, list[tuple[float, float]]]


# -- reporting -------------------------------------------------------------------------------


def report(title: str, times: Times, base: str, goals: dict[str, str]) -> list[dict[str, Any]]:
    """Print each contestant's ratio to ``base`` (best, spread, CPU); return the rows.

    Two CPU figures: the best of the per-round ratios (``× CPU``, as before), and the
    ratio of the best CPU times over all rounds (``best ÷ best CPU``), which a
    slow round of the baseline alone cannot lower.
    """
    print(f"\n{title}")
    print(f"| contestant | best s | × {base} (wall) | spread | × CPU | best ÷ best CPU | goal |")
    print("|---|---:|---:|---:|---:|---:|---|")
    rows = []
    base_cpu = max(min(r[1] for r in times[base]), 1e-9)
    for name, runs in times.items():
        walls = [wall / b[0] for wall, b in zip((r[0] for r in runs), times[base], strict=True)]
        cpus = [cpu / max(b[1], 1e-9) for cpu, b in zip((r[1] for r in runs), times[base],
                                                         strict=True)]  # fmt: skip
        best = min(r[0] for r in runs)
        row = {"name": name, "best": best, "wall": min(walls), "low": min(walls),
               "high": max(walls), "cpu": min(cpus), "goal": goals.get(name, ""),
               "best_cpu": min(r[1] for r in runs),
               "cpu_of_bests": min(r[1] for r in runs) / base_cpu}  # fmt: skip
        rows.append(row)
        print(
            f"| {name} | {best:.4g} | {row['wall']:.2f} | {row['low']:.2f}–{row['high']:.2f} | "
            f"{row['cpu']:.2f} | {row['cpu_of_bests']:.2f} | {row['goal']} |"
        )
    return rows


# -- arrays ----------------------------------------------------------------------------------


def section_arrays(size: int, rounds: int) -> list[dict[str, Any]]:
    import mch_indicators as mch

    rng = np.random.default_rng(2026)
    births = rng.integers(500, 40_000, size).astype(np.float64)
    covered = np.floor(births * rng.uniform(0.85, 1.0, size))
    half = size // 2
    log_uniform = np.floor(np.exp(rng.uniform(np.log(20), np.log(100_000), size - half)))
    wide = np.concatenate([rng.integers(0, 20, half), log_uniform]).astype(np.float64)
    rng.shuffle(wide)
    small = rng.poisson(births * 1e-4).astype(np.float64)  # every count <= 4,096
    huge = np.floor(rng.uniform(0, 1e9, size))
    proportion, ratio = mch.get("hospital_delivery_rate_cn"), mch.get("maternal_mortality_ratio")
    for x in (covered, wide, small, huge):  # compile the kernels, make the tables
        (proportion if x is covered else ratio).compute(x[:100_000], births[:100_000])

    def result_memory() -> list[np.ndarray]:
        """The floor of a Result's memory: its five input-sized arrays, fresh and written."""
        arrays = [np.empty_like(births) for _ in range(5)]  # value, lower, upper, 2 counts
        for array in arrays:
            np.copyto(array, covered)
        return arrays

    functions: dict[str, Callable[[], Any]] = {
        "np.divide(num, den)": lambda: np.divide(covered, births),
        "(floor) 5 fresh arrays written, no arithmetic": result_memory,
        "Wilson (value, limits, flags)": lambda: proportion.compute(covered, births),
        "exact Poisson, wide mix (0-19 and 20-100,000)": lambda: ratio.compute(wide, births),
        "exact Poisson, every count <= 4,096": lambda: ratio.compute(small, births),
        "exact Poisson, counts up to 1e9": lambda: ratio.compute(huge, births),
        "exact Poisson, wide mix, flags off": lambda: ratio.compute(
            wide, births, reliability=None
        ),
    }
    times = interleaved(functions, rounds)
    goals = {
        "Wilson (value, limits, flags)": "≤ 2× wall, ≤ 3× CPU",
        "exact Poisson, wide mix (0-19 and 20-100,000)": "≤ 3× on any mix",
        "exact Poisson, every count <= 4,096": "≤ 3× on any mix",
        "exact Poisson, counts up to 1e9": "≤ 3× on any mix",
    }
    rows = report(f"arrays: {size:,} strata, {rounds} rounds", times, "np.divide(num, den)", goals)
    flags = {k: times[k] for k in ("exact Poisson, wide mix, flags off",
                                   "exact Poisson, wide mix (0-19 and 20-100,000)")}  # fmt: skip
    rows += report("reliability flags on against off (exact Poisson, wide mix)", flags,
                   "exact Poisson, wide mix, flags off",
                   {"exact Poisson, wide mix (0-19 and 20-100,000)": "≤ 1.1×"})  # fmt: skip
    return rows


# -- import ----------------------------------------------------------------------------------


#: A child that reports the CPU milliseconds of each stage of a first result.
STAGES = """
import resource, json
def cpu():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return (usage.ru_utime + usage.ru_stime) * 1000
marks = [("start", cpu())]
import numpy; marks.append(("import numpy", cpu()))
from pydantic import BaseModel; marks.append(("pydantic (BaseModel)", cpu()))
import mch_indicators._model; marks.append(("the definitions' model classes", cpu()))
import mch_indicators as m; m.catalog; marks.append(("the built-in catalog indexed", cpu()))
i = m.get("MMR"); marks.append(("get('MMR') (one definition, from its validated form)", cpu()))
i.compute(2, 26954); marks.append(("first scalar compute", cpu()))
print(json.dumps([(b[0], b[1] - a[1]) for a, b in zip(marks, marks[1:])]))
"""


def _stages(rounds: int) -> None:
    """Print the median CPU milliseconds of each stage of a first result (fresh processes)."""
    runs = [
        json.loads(subprocess.run([sys.executable, "-c", STAGES], capture_output=True,
                                  text=True, check=True).stdout)
        for _ in range(rounds)
    ]  # fmt: skip
    print("\nwhere a first result's CPU goes (median ms over fresh processes)")
    print("| stage | CPU ms |\n|---|---:|")
    for k, (stage, _) in enumerate(runs[0]):
        print(f"| {stage} | {statistics.median(run[k][1] for run in runs):.0f} |")


def section_import(rounds: int) -> list[dict[str, Any]]:
    codes = {
        "import numpy": "import numpy",
        "+ import mch_indicators; get('MMR')": "import numpy, mch_indicators as m; m.get('MMR')",
        "+ first scalar compute": (
            "import numpy, mch_indicators as m; m.get('MMR').compute(2, 26954)"
        ),
    }
    subprocess.run([sys.executable, "-c", codes["+ first scalar compute"]], check=True)  # cache
    runs: dict[str, list[tuple[float, float]]] = {name: [] for name in codes}
    for _ in range(rounds):
        for name, code in codes.items():
            wall, cpu, _ = process([sys.executable, "-c", code])
            runs[name].append((wall, cpu))
    print(f"\nimport: fresh interpreters, {rounds} rounds (milliseconds over `import numpy`)")
    print("| contestant | median wall ms | best wall ms | median CPU ms over numpy | goal |")
    print("|---|---:|---:|---:|---|")
    rows = []
    base = runs["import numpy"]
    for name, values in runs.items():
        extra = [(w - b[0]) * 1000 for (w, _), b in zip(values, base, strict=True)]
        extra_cpu = [(c - b[1]) * 1000 for (_, c), b in zip(values, base, strict=True)]
        goal = "≤ +100 ms to the first result" if name != "import numpy" else ""
        median, best = statistics.median(extra), min(extra)
        cpu = statistics.median(extra_cpu)
        print(f"| {name} | {median:+.0f} | {best:+.0f} | {cpu:+.0f} | {goal} |")
        rows.append({"name": name, "median_ms": median, "best_ms": best, "cpu_ms": cpu})
    _stages(rounds)
    return rows


# -- records ---------------------------------------------------------------------------------

TERMS = ["live_births", "stillbirths_28w", "neonatal_deaths", "low_birth_weight_live_births"]

HAND_SQL = """
WITH clean AS (
  SELECT area,
    CASE WHEN outcome IN ('live', '活产', '1', 'live birth') THEN 'live'
         WHEN outcome IN ('stillbirth', '死胎', '死产', '2', 'still', '死胎死产') THEN 'still'
         END AS outcome,
    CASE WHEN gestation_weeks BETWEEN 12 AND 45 THEN gestation_weeks END AS ga,
    (gestation_weeks IS NULL OR isnan(gestation_weeks)) AS ga_missing,
    CASE WHEN birth_weight_g BETWEEN 100 AND 7000 THEN birth_weight_g END AS w,
    CASE WHEN death_age_days BETWEEN 0 AND 366 THEN death_age_days END AS death,
    (death_age_days IS NULL OR isnan(death_age_days)) AS death_missing
  FROM read_parquet('{path}')
), decided AS (
  SELECT area, outcome = 'live' AS alive, outcome = 'still' AS still,
    CASE WHEN ga IS NOT NULL THEN ga >= 28 WHEN ga_missing THEN w >= 1000 END AS cn,
    CASE WHEN death_missing THEN false ELSE death < 28 END AS died28,
    w < 2500 AS low
  FROM clean
), terms AS (
  SELECT area, alive AND cn AS live_births, still AND cn AS stillbirths_28w,
    alive AND cn AND died28 AS neonatal_deaths,
    alive AND cn AND low AS low_birth_weight_live_births
  FROM decided
)
SELECT area, {sums} FROM terms GROUP BY area
"""

RECORD_CHILD = """
import sys, json, time
path, which = sys.argv[1], sys.argv[2]
import duckdb
terms = {terms!r}
if which == "hand DuckDB SQL":
    sums = ", ".join(f"count(*) FILTER (WHERE {{t}}) AS {{t}}, "
                     f"count(*) FILTER (WHERE {{t}} IS NULL) AS {{t}}_u" for t in terms)
    duckdb.connect().sql({sql!r}.format(path=path, sums=sums)).fetchall()
else:
    import mch_indicators as mch
    source = duckdb.connect().read_parquet(path) if "relation" in which else path
    if which.startswith("compute_records"):
        mch.compute_records(source, ["neonatal_mortality_rate", "low_birth_weight_prevalence"],
                            by="area")
    else:
        mch.count_records(source, terms, by="area", quality="quality off" not in which)
"""


def section_records(births: int, rounds: int, data: Path) -> list[dict[str, Any]]:
    sys.path.insert(0, str(HERE))
    from records import generate

    path = data / f"births_{births}.parquet"
    if not path.exists():
        data.mkdir(parents=True, exist_ok=True)
        generate(path, births)
    child = RECORD_CHILD.format(terms=TERMS, sql=HAND_SQL)
    names = [
        "hand DuckDB SQL",
        "count_records(path), quality on (default)",
        "count_records(path), quality off",
        "count_records(DuckDB relation), quality on",
        "count_records(DuckDB relation), quality off",
        "compute_records(DuckDB relation)",
    ]
    runs: dict[str, list[tuple[float, float]]] = {name: [] for name in names}
    for _ in range(rounds):
        for name in names:
            wall, cpu, _ = process([sys.executable, "-c", child, str(path), name])
            runs[name].append((wall, cpu))
    goals = dict.fromkeys(names[1:], "≤ 1.2×")
    title = f"records: {births:,} births on disk, {len(TERMS)} terms by area, {rounds} rounds"
    rows = report(title + " (whole processes)", runs, "hand DuckDB SQL", goals)
    quality = {k: runs[k] for k in names[1:5]}
    rows += report("the quality table against counts alone (path; relation)",
                   {k: quality[k] for k in names[1:3]}, names[2],
                   {names[1]: "≤ 1.1×"})  # fmt: skip
    rows += report("", {k: quality[k] for k in names[3:5]}, names[4], {names[3]: "≤ 1.1×"})
    return rows


# -- dask ------------------------------------------------------------------------------------

#: The bands of the 2013 European Standard Population (a shipped standard).
BANDS = [f"{low}-{low + 4}" for low in range(0, 90, 5)] + ["90+"]


def _strata(rows: int, partitions: int) -> Any:
    """A persisted dask frame: county, year, age band, events, population, reference rates."""
    import dask.dataframe as dd
    import pandas as pd

    def part(index: int) -> pd.DataFrame:
        rng = np.random.default_rng(index)
        size = rows // partitions
        row = np.arange(index * size, (index + 1) * size)
        pop = rng.integers(50, 2_000, size)  # counts as integers, as registers hold them
        return pd.DataFrame({
            "county": row // (len(BANDS) * 10 * 4) % 3_000,
            "year": 2015 + row // len(BANDS) % 10,
            "age": np.array(BANDS)[row % len(BANDS)],
            "events": rng.poisson(pop * 0.01),
            "pop": pop,
            "ref_events": rng.integers(50, 500, size),
            "ref_pop": rng.integers(10_000, 90_000, size),
        })  # fmt: skip

    return dd.from_map(part, range(partitions)).persist()


def _dsr_by_hand(frame: Any, weights: dict[str, float]) -> Any:
    """The sums by county, year and band in dask, then DSR with Dobson limits in pandas."""
    from scipy import stats

    sums = frame.groupby(["county", "year", "age"])[["events", "pop"]].sum().compute()
    sums = sums.reset_index()
    sums["w"] = sums["age"].map(weights)
    sums["rate"] = sums["events"] / sums["pop"]
    sums["wr"] = sums["w"] * sums["rate"]
    sums["var"] = sums["w"] ** 2 * sums["events"] / sums["pop"] ** 2
    g = sums.groupby(["county", "year"])[["events", "wr", "w", "var"]].sum()
    value = g["wr"] / g["w"] * 100_000
    o = g["events"].to_numpy()
    z = stats.norm.ppf(0.975)
    o_low = o * (1 - 1 / (9 * o) - z / (3 * np.sqrt(o))) ** 3
    o_high = (o + 1) * (1 - 1 / (9 * (o + 1)) + z / (3 * np.sqrt(o + 1))) ** 3
    spread = np.sqrt(g["var"] / o) / g["w"] * 100_000
    return value, value + (o_low - o) * spread, value + (o_high - o) * spread


def _isr_by_hand(frame: Any) -> Any:
    """Expected counts row by row, summed by county in dask, then exact limits in pandas."""
    from scipy import stats

    shares = frame.assign(expected=frame["ref_events"] / frame["ref_pop"] * frame["pop"])
    sums = shares.groupby("county")[["events", "expected"]].sum().compute()
    o, e = sums["events"].to_numpy(), sums["expected"].to_numpy()
    low = np.where(o > 0, stats.chi2.ppf(0.025, 2 * o) / 2, 0.0) / e
    return o / e, low, stats.chi2.ppf(0.975, 2 * o + 2) / 2 / e


def section_dask(rows: int, rounds: int) -> list[dict[str, Any]]:
    import dask

    import mch_indicators as mch

    frame = _strata(rows, partitions=max(rows // 250_000, 1))
    standard = mch.standard_population("esp_2013")
    weights = dict(zip(standard.bands, standard.weights, strict=True))
    dsr = {"count": "events", "population": "pop", "age": "age", "standard": "esp_2013",
           "by": ["county", "year"]}  # fmt: skip
    isr = {"count": "events", "population": "pop", "reference_count": "ref_events",
           "reference_population": "ref_pop", "by": "county"}  # fmt: skip
    with dask.config.set(scheduler="threads"):
        functions: dict[str, Callable[[], Any]] = {
            "dsr by hand (dask sums + pandas Dobson)": lambda: _dsr_by_hand(frame, weights),
            "mch.dsr(dask frame)": lambda: mch.dsr(frame, **dsr).compute(),
            "isr by hand (dask sums + scipy)": lambda: _isr_by_hand(frame),
            "mch.isr(dask frame)": lambda: mch.isr(frame, **isr).compute(),
        }
        ours, peer = mch.dsr(frame, **dsr).compute(), _dsr_by_hand(frame, weights)
        ours = ours.sort_values(["county", "year"])
        np.testing.assert_allclose(ours["value"].to_numpy(), peer[0].to_numpy(), rtol=1e-10)
        times = interleaved(functions, rounds)
    title = (
        f"dask: {rows:,} stratum rows (raw: several per county, year and band), {rounds} rounds"
    )
    rows_out = report(title, {k: times[k] for k in list(functions)[:2]},
                      "dsr by hand (dask sums + pandas Dobson)",
                      {"mch.dsr(dask frame)": "≤ 1.1×"})  # fmt: skip
    rows_out += report("", {k: times[k] for k in list(functions)[2:]},
                       "isr by hand (dask sums + scipy)",
                       {"mch.isr(dask frame)": "≤ 1.1×"})  # fmt: skip
    return rows_out


# -- the command line ----------------------------------------------------------------------

PANDAS_API = """
import sys
import mch_indicators as mch
frame = mch.read_table(sys.argv[1])
out = mch.compute(frame)
out.to_csv(sys.stdout, index=False)
"""


def section_cli(rows: int, rounds: int) -> list[dict[str, Any]]:
    sys.path.insert(0, str(HERE))
    from cli import write_table

    script = Path(sys.executable).with_name("mch-indicators")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "counts.csv"
        write_table(path, rows)
        commands = {
            "read_table + compute + to_csv (pandas API)": [
                sys.executable, "-c", PANDAS_API, str(path)],
            "compute --file --format csv": [
                str(script), "compute", "--file", str(path), "--format", "csv"],
            "compute --file (table)": [str(script), "compute", "--file", str(path)],
        }  # fmt: skip
        runs: dict[str, list[tuple[float, float, float]]] = {name: [] for name in commands}
        for _ in range(rounds):
            for name, command in commands.items():
                runs[name].append(process(command))
    base = "read_table + compute + to_csv (pandas API)"
    times = {name: [(w, c) for w, c, _ in values] for name, values in runs.items()}
    goals = {name: "≤ 1.5× wall, ≤ 1.2× memory" for name in commands if name != base}
    out = report(f"cli: {rows:,} rows of a long CSV, whole processes, {rounds} rounds", times,
                 base, goals)  # fmt: skip
    print("| contestant | peak MiB | × memory |\n|---|---:|---:|")
    base_memory = max(m for *_, m in runs[base])
    for name, values in runs.items():
        memory = max(m for *_, m in values)
        print(f"| {name} | {memory:.0f} | {memory / base_memory:.2f} |")
    return out


# -- Spark -----------------------------------------------------------------------------------


def section_spark(rows: int, rounds: int) -> list[dict[str, Any]]:
    os.environ["PYSPARK_PYTHON"] = os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    import pandas as pd
    from pyspark.sql import SparkSession
    from pyspark.sql import functions as F  # noqa: N812 - Spark's own spelling
    from scipy import stats

    import mch_indicators as mch

    spark = (
        SparkSession.builder.master("local[2]").config("spark.ui.enabled", "false")
        # the default 1 GB driver runs out of heap caching 20 M rows
        .config("spark.driver.memory", "4g")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.sql.shuffle.partitions", "8").getOrCreate()
    )  # fmt: skip
    spark.sparkContext.setLogLevel("ERROR")
    rng = np.random.default_rng(7)
    local = pd.DataFrame({
        "county": rng.integers(0, 3_000, rows), "year": rng.integers(2015, 2025, rows),
        "infant_deaths": rng.poisson(3.0, rows).astype(np.float64),
        "live_births": rng.integers(50, 3_000, rows).astype(np.float64),
    })  # fmt: skip
    frame = spark.createDataFrame(local).repartition(8).cache()
    frame.count()
    folder = Path(tempfile.mkdtemp())

    def limits(batches: Any) -> Any:
        for batch in batches:
            x, n = batch["infant_deaths"].to_numpy(), batch["live_births"].to_numpy()
            low = np.where(x > 0, stats.chi2.ppf(0.025, 2 * x) / 2, 0.0) / n * 1000
            high = stats.chi2.ppf(0.975, 2 * x + 2) / 2 / n * 1000
            yield batch.assign(value=x / n * 1000, lower=low, upper=high)

    schema = "county long, year long, infant_deaths double, live_births double, " \
             "value double, lower double, upper double"  # fmt: skip

    def write(out: Any, name: str) -> None:
        out.write.mode("overwrite").parquet(str(folder / name))

    def peer_pool() -> None:
        sums = frame.groupBy("county", "year").agg(
            F.sum("infant_deaths").alias("infant_deaths"),
            F.sum("live_births").alias("live_births"),
        )
        write(sums.mapInPandas(limits, schema), "peer_pool")

    functions: dict[str, Callable[[], Any]] = {
        "mapInPandas + scipy (compute by hand)": lambda: write(
            frame.mapInPandas(limits, schema), "peer"),
        "mch.compute(spark_df) -> Parquet": lambda: write(mch.compute(frame, "IMR"), "ours"),
        "groupBy().agg + mapInPandas scipy (pool by hand)": peer_pool,
        "mch.pool(spark_df) -> Parquet": lambda: write(
            mch.pool(frame, "IMR", by=["county", "year"]), "ours_pool"),
    }  # fmt: skip
    times = interleaved(functions, rounds)
    spark.stop()
    names = list(functions)
    out = report(f"spark: {rows:,} rows, local[2], {rounds} rounds",
                 {k: times[k] for k in names[:2]}, names[0], {names[1]: "≤ 1.1×"})  # fmt: skip
    out += report("", {k: times[k] for k in names[2:]}, names[2], {names[3]: "≤ 1.1×"})
    return out


# -- main ------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--strata", type=float, default=1e7)
    parser.add_argument("--births", type=float, default=2e7)
    parser.add_argument("--dask-rows", type=float, default=5e7)
    parser.add_argument("--cli-rows", type=float, default=1e6)
    parser.add_argument("--spark-rows", type=float, default=2e7)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--spark", action="store_true")
    parser.add_argument("--only", default="arrays,import,records,dask,cli,spark")
    parser.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()) / "mch_bench")
    parser.add_argument("--json", type=Path, help="also write the rows as JSON")
    args = parser.parse_args()
    if args.quick:
        args.strata, args.births, args.dask_rows = 2e5, 1e5, 2e5
        args.cli_rows, args.spark_rows, args.rounds = 2e4, 1e5, 2
    wanted = set(args.only.split(","))
    import numpy
    import scipy

    print(f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"numpy {numpy.__version__}, scipy {scipy.__version__}; load average "
          f"{os.getloadavg()[0]:.1f}")  # fmt: skip
    results: dict[str, Any] = {}
    if "arrays" in wanted:
        results["arrays"] = section_arrays(int(args.strata), args.rounds)
    if "import" in wanted:
        results["import"] = section_import(max(args.rounds * 3, 5))
    if "records" in wanted:
        results["records"] = section_records(int(args.births), args.rounds, args.data)
    if "dask" in wanted:
        results["dask"] = section_dask(int(args.dask_rows), args.rounds)
    if "cli" in wanted:
        results["cli"] = section_cli(int(args.cli_rows), min(args.rounds, 3))
    if "spark" in wanted and args.spark:
        results["spark"] = section_spark(int(args.spark_rows), min(args.rounds, 3))
    print(f"\nload average at the end: {os.getloadavg()[0]:.1f}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
