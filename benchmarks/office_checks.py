"""An office's workbook with its checks: 3,000 units over 10 years, read, checked, computed.

    python benchmarks/office_checks.py            # 3,000 units × 10 years (issue 22)
    python benchmarks/office_checks.py --units 500 --rounds 3

The workbook is laid out as offices send it: a title row and a 填报单位 / 单位：人 row
above the header, a county column merged over each county's townships, one
township per row and year, 28 count columns with Chinese headers (resampled
from the bundled example), a 合计 row under each year (one in ten disagreeing
with the sum of its parts by one birth), and notes and signature rows under the
table. Timed, the rounds interleaved, best and spread of wall and CPU time:

- ours: ``mch.read_table(path)`` (limits checked, merged cells filled, rows above the
  header and notes skipped and named) + ``mch.compute(frame)`` (total rows taken
  out and checked, duplicates refused, consistency rules applied);
- peer: ``pandas.read_excel(path, skiprows=2, skipfooter=3)`` (openpyxl, pandas'
  default; and calamine) + the same ``mch.compute(frame)``: pandas reads what the
  user told it to, mch_indicators what it found.

The issue's goal: ours at most 1.5x the peer. Results go in benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import platform
import tempfile
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd

import mch_indicators as mch
from _timing import interleaved

YEARS = list(range(2015, 2025))


def make_table(units: int) -> pd.DataFrame:
    """``units`` townships in counties of 20, each over :data:`YEARS`, counts resampled."""
    folder = Path(mch.__file__).with_name("datasets")
    example = mch.read_table(folder / "example_office.csv")
    rng = np.random.default_rng(22)
    picked = example.iloc[rng.integers(0, len(example), units * len(YEARS))]
    table = picked.drop(columns=["县区", "年份"]).reset_index(drop=True)
    table.insert(0, "年份", np.repeat(YEARS, units))
    table.insert(0, "乡镇", [f"乡镇{i:05d}" for i in range(units)] * len(YEARS))
    table.insert(0, "县区", [f"县{i // 20:04d}" for i in range(units)] * len(YEARS))
    return table.sort_values(["年份", "县区"], kind="stable").reset_index(drop=True)


def write_book(table: pd.DataFrame, path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    counts = [c for c in table.columns if c not in ("县区", "乡镇", "年份")]
    sheet.append(["各乡镇妇幼卫生统计"])
    sheet.append(["填报单位：某市妇幼保健院", None, "单位：人"])
    sheet.append(list(table.columns))
    row = 4
    for number, (year, block) in enumerate(table.groupby("年份", sort=True)):
        for county, rows in block.groupby("县区", sort=False):
            first = row
            for values in rows.itertuples(index=False):
                cells = [None if isinstance(v, float) and v != v else v for v in values]
                sheet.append([county if row == first else None, *cells[1:]])
                row += 1
            sheet.merge_cells(start_row=first, start_column=1, end_row=row - 1, end_column=1)
        sums = block[counts].sum(min_count=1)
        if number % 10 == 0:
            sums["活产数"] += 1
        sheet.append(["合计", None, year, *[None if v != v else float(v) for v in sums]])
        row += 1
    sheet.append(["注：数据为模拟"])
    sheet.append(["填表人：张三", None, "审核人：李四"])
    sheet.append(["填报日期：2025年1月10日"])
    book.save(path)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=3_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--folder", type=Path, default=None, help="keep the workbook here")
    args = parser.parse_args()
    folder = args.folder or Path(tempfile.mkdtemp(prefix="mch-office-checks-"))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"units-{args.units}.xlsx"
    table = make_table(args.units)
    if not path.exists():
        write_book(table, path)
    print(
        f"{platform.machine()}, Python {platform.python_version()}, pandas {pd.__version__}, "
        f"numpy {np.__version__}, openpyxl {openpyxl.__version__}; {args.units:,} units × "
        f"{len(YEARS)} years ({len(table):,} rows), {path.stat().st_size / 1e6:.1f} MB"
    )
    options = {"on_invalid": "flag"}
    ours = mch.compute(mch.read_table(path), **options)
    found = mch.checks(ours)
    peer_frame = pd.read_excel(path, skiprows=2, skipfooter=3, engine="calamine")
    peer_frame["县区"] = peer_frame["县区"].ffill()  # the merged cells, filled by hand
    theirs = mch.compute(peer_frame, **options)
    np.testing.assert_allclose(ours["value"], theirs["value"], rtol=1e-12, equal_nan=True)
    print(
        f"{ours['indicator'].nunique()} indicators, {len(ours):,} values, the same as the "
        f"peer's; checks: {found['check'].value_counts().to_dict()}"
    )

    def peer(engine: str) -> pd.DataFrame:
        frame = pd.read_excel(path, skiprows=2, skipfooter=3, engine=engine)
        frame["县区"] = frame["县区"].ffill()
        return mch.compute(frame, **options)

    for warm in (lambda: mch.compute(mch.read_table(path), **options), lambda: peer("calamine")):
        warm()
    timings = interleaved(
        {
            "ours": lambda: mch.compute(mch.read_table(path), **options),
            "read_excel (openpyxl)": lambda: peer("openpyxl"),
            "read_excel (calamine)": lambda: peer("calamine"),
        },
        args.rounds,
    )
    summary = {}
    for name, runs in timings.items():
        wall, cpu = [w for w, _ in runs], [c for _, c in runs]
        summary[name] = (min(wall), max(wall) / min(wall), min(cpu), max(cpu) / min(cpu))
    base = summary["ours"]
    print(f"{'':<24}{'wall s':>8}{'spread':>8}{'cpu s':>8}{'spread':>8}{'ours/peer':>18}")
    for name, (wall, wall_spread, cpu, cpu_spread) in summary.items():
        ratio = "" if name == "ours" else f"{base[0] / wall:.2f} wall {base[2] / cpu:.2f} cpu"
        print(f"{name:<24}{wall:>8.2f}{wall_spread:>8.2f}{cpu:>8.2f}{cpu_spread:>8.2f}{ratio:>18}")


if __name__ == "__main__":
    main()
