"""An office's file to every matching indicator, against pandas reading the same file.

    python benchmarks/office.py               # 100,000 rows (the xlsx takes a minute to make)
    python benchmarks/office.py --rows 20000  # smaller

The table is wide, as offices keep it: a county and a year, then 28 count columns
with Chinese headers (the bundled example's), from which 19 indicators are
computed. It is written once as a GB18030 CSV and as an .xlsx. Timed, best of 3
after a warm-up:

- ours: ``mch.read_table(path)`` + ``mch.compute(frame)`` (encoding detected, header
  row found, every cell read by the grammar of numbers, rows indexed by line);
- peer: ``pandas.read_csv(path, encoding="gb18030")`` or ``pandas.read_excel(path)``
  (openpyxl, pandas' default, and calamine), then the same ``mch.compute(frame)``.

The issue's target: ours at most 1.5x the peer. Results go in benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import platform
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

import mch_indicators as mch
from _timing import best_of


def make_table(rows: int) -> pd.DataFrame:
    """``rows`` county-years resampled from the bundled example (so the counts are plausible)."""
    folder = Path(mch.__file__).with_name("datasets")
    example = mch.read_table(folder / "example_office.csv")
    rng = np.random.default_rng(14)
    table = example.iloc[rng.integers(0, len(example), rows)].reset_index(drop=True)
    # one unit per row: a county and year once (two rows of one unit and period are an error)
    table["县区"] = [f"{name}{i:06d}" for i, name in enumerate(table["县区"])]
    return table


def write_files(table: pd.DataFrame, folder: Path) -> tuple[Path, Path]:
    csv_path, xlsx_path = folder / "counts.csv", folder / "counts.xlsx"
    if not csv_path.exists():
        csv_path.write_bytes(table.to_csv(index=False, lineterminator="\r\n").encode("gb18030"))
    if not xlsx_path.exists():
        import openpyxl

        book = openpyxl.Workbook(write_only=True)
        sheet = book.create_sheet("县区数据")
        sheet.append(list(table.columns))
        for row in table.itertuples(index=False):
            sheet.append([None if isinstance(v, float) and v != v else v for v in row])
        book.save(xlsx_path)
    return csv_path, xlsx_path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--folder", type=Path, default=None, help="keep the files here")
    args = parser.parse_args()
    folder = args.folder or Path(tempfile.mkdtemp(prefix="mch-office-"))
    folder.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    csv_path, xlsx_path = write_files(make_table(args.rows), folder)
    print(f"files made in {time.perf_counter() - start:.1f} s in {folder}")
    print(
        f"{platform.machine()}, {platform.python_version()}, pandas {pd.__version__}, "
        f"numpy {np.__version__}, {args.rows:,} rows"
    )

    def ours(path: Path) -> Callable[[], Any]:
        return lambda: mch.compute(mch.read_table(path), on_invalid="flag")

    def peer(read: Callable[[], pd.DataFrame]) -> Callable[[], Any]:
        return lambda: mch.compute(read(), on_invalid="flag")

    out = mch.compute(mch.read_table(csv_path), on_invalid="flag")
    same = mch.compute(pd.read_csv(csv_path, encoding="gb18030"), on_invalid="flag")
    np.testing.assert_allclose(out["value"], same["value"], rtol=1e-12, equal_nan=True)
    print(f"{out['indicator'].nunique()} indicators, {len(out):,} values; same values as peer")
    rows = [
        ("GB18030 CSV", ours(csv_path), peer(lambda: pd.read_csv(csv_path, encoding="gb18030"))),
        (
            ".xlsx vs read_excel (openpyxl)",
            ours(xlsx_path),
            peer(lambda: pd.read_excel(xlsx_path)),
        ),
        (
            ".xlsx vs read_excel (calamine)",
            ours(xlsx_path),
            peer(lambda: pd.read_excel(xlsx_path, engine="calamine")),
        ),
    ]
    print(f"{'file':<34}{'ours s':>9}{'peer s':>9}{'ratio':>8}")
    for name, mine, theirs in rows:
        repeats = 1 if "openpyxl" in name else 3
        a = best_of(mine, repeats, warm_up=True)
        b = best_of(theirs, repeats, warm_up=True)
        print(f"{name:<34}{a:>9.3f}{b:>9.3f}{a / b:>8.2f}")


if __name__ == "__main__":
    main()
