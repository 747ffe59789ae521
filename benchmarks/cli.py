"""The command line against the pandas API on the same long table file.

    python benchmarks/cli.py             # 1 million rows
    python benchmarks/cli.py --rows 2e5  # a smaller run

Writes a long CSV table (county, year, indicator, numerator, denominator: six
indicators, proportions and rates, a few missing counts) and runs, each in a
fresh Python process so that time and peak memory are measured alike:

* ``pandas API``: ``mch.read_table(path)`` then ``mch.compute(frame)``;
* ``pandas API + to_csv``: the same, then the result written as CSV;
* ``compute --file`` with each output format (``table``, ``csv``, ``json``),
  standard output to ``/dev/null``.

Time is for the whole process (start-up and imports included, the same for
both): wall-clock, and CPU (user + system), which stays fair when other jobs
share the machine; memory is the process's peak resident set size. The target
(issue 11): the command line within 3x the time and 2x the memory of the pandas
API. Results are recorded in benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from _timing import process

INDICATORS = {  # id: (events per denominator, denominator range)
    "maternal_mortality_ratio": (2e-4, (500, 40_000)),
    "infant_mortality_rate": (5e-3, (500, 40_000)),
    "hospital_delivery_rate": (0.99, (500, 40_000)),
    "anc4_coverage": (0.9, (500, 40_000)),
    "low_birth_weight_prevalence": (0.04, (500, 40_000)),
    "caesarean_section_rate_facility": (0.4, (500, 40_000)),
}

PANDAS_API = """
import sys
import mch_indicators as mch
frame = mch.read_table(sys.argv[1])
out = mch.compute(frame)
if sys.argv[2] == "csv":
    out.to_csv(sys.stdout)
"""


def write_table(path: Path, rows: int, seed: int = 11) -> None:
    """A long table of ``rows`` county-year-indicator counts."""
    rng = np.random.default_rng(seed)
    ids = list(INDICATORS)
    indicator = np.array(ids)[np.arange(rows) % len(ids)]
    rate = np.array([INDICATORS[i][0] for i in ids])[np.arange(rows) % len(ids)]
    births = rng.integers(500, 40_000, rows)
    numerator = rng.binomial(births, rate).astype(float)
    numerator[rng.random(rows) < 0.001] = np.nan  # a few counts not reported
    frame = pd.DataFrame(
        {
            "county": [f"county_{i:05d}" for i in (np.arange(rows) // 60)],
            "year": 2000 + (np.arange(rows) // len(ids)) % 10,
            "indicator": indicator,
            "numerator": numerator,
            "denominator": births,
        }
    )
    frame.to_csv(path, index=False, na_rep="NA")


def best(command: list[str], repeats: int) -> tuple[float, float, float]:
    runs = [process(command) for _ in range(repeats)]
    return min(r[0] for r in runs), min(r[1] for r in runs), max(r[2] for r in runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=float, default=1e6)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    rows = int(args.rows)
    script = Path(sys.executable).with_name("mch-indicators")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "counts.csv"
        write_table(path, rows)
        size = path.stat().st_size / 2**20
        print(f"{rows:,} rows, {size:.0f} MiB of CSV; best of {args.repeats} runs")
        cases = {
            "pandas API (read_table + compute)": [
                sys.executable,
                "-c",
                PANDAS_API,
                str(path),
                "-",
            ],
            "pandas API + to_csv": [sys.executable, "-c", PANDAS_API, str(path), "csv"],
            **{
                f"compute --file --format {fmt}": [
                    str(script),
                    "compute",
                    "--file",
                    str(path),
                    "--format",
                    fmt,
                ]
                for fmt in ("table", "csv", "json")
            },
        }
        results = {name: best(command, args.repeats) for name, command in cases.items()}
    base_wall, base_cpu, base_memory = results["pandas API (read_table + compute)"]
    print(
        f"{'what':38} {'wall s':>7} {'x wall':>7} {'CPU s':>7} {'x CPU':>6} {'peak MiB':>9} "
        f"{'x memory':>9}"
    )
    for name, (wall, cpu, memory) in results.items():
        print(
            f"{name:38} {wall:7.2f} {wall / base_wall:7.2f} {cpu:7.2f} {cpu / base_cpu:6.2f} "
            f"{memory:9.0f} {memory / base_memory:9.2f}"
        )


if __name__ == "__main__":
    main()
