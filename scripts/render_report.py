"""Print an office's path as Excel or WPS would: blank template, filled in, report, pages.

What it does, each step through the library as an office runs it:

1. writes the blank template (``mch.template``) for the bundled example's twelve
   counties and the years 2023 and 2024;
2. fills it in with openpyxl, cell by cell, from the bundled synthetic counts
   (``mch_indicators.datasets/example_office.csv``), as a clerk would type them;
3. runs ``mch-indicators report`` on the filled file (``--lang zh --plan
   healthy_china_2030``), a subprocess like a user's;
4. prints the template and the report to PDF with LibreOffice headless (the page
   setup each sheet carries: landscape A4, one page wide, titles repeated, footer);
5. turns chosen pages into PNG with poppler's ``pdftoppm`` and says how many pages
   each sheet prints on.

Look at the pages after a change of the report's layout; ``docs/office.md`` shows
the PNGs written to ``docs/_static/office/``. The test suite does not need
LibreOffice: ``tests/report/test_report_print.py`` checks the page setup itself.

Needs LibreOffice and poppler (Debian: ``apt-get install libreoffice-calc-nogui
poppler-utils``) and a CJK font (``fonts-noto-cjk``). Run from the project root::

    python scripts/render_report.py                  # PNGs into docs/_static/office/
    python scripts/render_report.py --keep /tmp/out  # also keep the xlsx and PDF files
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from importlib import resources
from pathlib import Path

import openpyxl
import pandas as pd

import mch_indicators as mch

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "_static" / "office"
YEARS = (2023, 2024)
PLAN = "healthy_china_2030"
#: Pages shown in the docs: (PNG name, the sheet's title as printed, page of that sheet).
SHOWN = [
    ("report-mortality.png", "死亡与妊娠结局", 1),
    ("report-review.png", "同比、排名与达标", 1),
    ("report-checks.png", "数据核查", 1),
    ("report-sources.png", "指标来源", 1),
]
DPI = 100


def _need(program: str) -> str:
    found = shutil.which(program)
    if found is None:
        sys.exit(f"{program} not found: apt-get install libreoffice-calc-nogui poppler-utils")
    return found


def filled_template(folder: Path) -> Path:
    """The blank template, then filled from the bundled counts as a clerk would."""
    source = resources.files("mch_indicators.datasets") / "example_office.csv"
    counts = mch.read_table(source)
    counties = list(dict.fromkeys(counts["县区"]))
    path = folder / "2023-2024年妇幼健康统计填报表.xlsx"
    mch.template(path, lang="zh", units=counties, year=list(YEARS))
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    header = [cell.value for cell in sheet[2]]
    # each template column (the count's name) to the example's column for the same count
    ours = mch.match_columns(pd.DataFrame(columns=header)).terms
    theirs = mch.match_columns(counts).terms
    column_of = {ours[term]: theirs[term] for term in ours}
    by_key = counts.set_index(["县区", "年份"])
    for row in sheet.iter_rows(min_row=3, max_row=2 + len(counties) * len(YEARS)):
        county, year = row[0].value, row[1].value
        for cell, name in zip(row[2:], header[2:], strict=True):
            value = by_key.loc[(county, year), column_of[name]]
            cell.value = int(value) if float(value).is_integer() else float(value)
    # what offices add: their own total rows (the report checks them against the counties:
    # one count is typed one too high in 2024) and a column of their own (listed, not used)
    last = 2 + len(counties) * len(YEARS)
    for offset, year in enumerate(YEARS, start=1):
        totals = counts[counts["年份"] == year]
        sheet.cell(row=last + offset, column=1, value="合计")
        sheet.cell(row=last + offset, column=2, value=year)
        for position, name in enumerate(header[2:], start=3):
            total = float(totals[column_of[name]].sum())
            typo = 1 if (year == YEARS[-1] and name == "活产数") else 0
            value = int(total) + typo if total.is_integer() else total
            sheet.cell(row=last + offset, column=position, value=value)
    sheet.cell(row=2, column=len(header) + 1, value="填表人")
    for row in range(3, last + len(YEARS) + 1):
        sheet.cell(row=row, column=len(header) + 1, value="王芳")
    filled = folder / "2023-2024年妇幼健康统计（已填）.xlsx"
    book.save(filled)
    return filled


def _pdf(workbook: Path, folder: Path) -> Path:
    subprocess.run(
        [_need("soffice"), "--headless", "--convert-to", "pdf", "--outdir", str(folder),
         str(workbook)],
        check=True, capture_output=True, timeout=600,
    )  # fmt: skip
    return folder / (workbook.stem + ".pdf")


def _page_titles(pdf: Path, workbook: Path) -> list[str]:
    """The title of the sheet each page prints (every sheet repeats its title on its pages)."""
    book = openpyxl.load_workbook(workbook, read_only=True)
    known = [str(next(sheet.iter_rows(max_row=1, values_only=True))[0]) for sheet in book]
    book.close()
    pages = int(
        next(
            line.split()[-1]
            for line in subprocess.run(
                ["pdfinfo", str(pdf)], check=True, capture_output=True, text=True
            ).stdout.splitlines()
            if line.startswith("Pages:")
        )
    )
    titles = []
    for page in range(1, pages + 1):
        text = subprocess.run(
            ["pdftotext", "-f", str(page), "-l", str(page), str(pdf), "-"],
            check=True, capture_output=True, text=True,
        ).stdout  # fmt: skip
        lines = [line.strip() for line in text.splitlines()]
        titles.append(next((line for line in lines if line in known), ""))
    return titles


def _png(pdf: Path, page: int, target: Path, crop: tuple[int, int] | None = None) -> None:
    """Page ``page`` as a PNG; ``crop``: only its top-left (width, height) pixels."""
    stem = target.with_suffix("")
    size = ["-x", "0", "-y", "0", "-W", str(crop[0]), "-H", str(crop[1])] if crop else []
    subprocess.run(
        [_need("pdftoppm"), "-png", "-r", str(DPI), "-f", str(page), "-l", str(page), *size,
         "-singlefile", str(pdf), str(stem)],
        check=True, timeout=120,
    )  # fmt: skip
    _shrink(target)


def _shrink(path: Path) -> None:
    """The page in 64 colours: a table's few colours, a fifth of the bytes (Pillow)."""
    from PIL import Image

    with Image.open(path) as image:
        small = image.convert("RGB").quantize(colors=64, method=Image.Quantize.MEDIANCUT)
    small.save(path, optimize=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT, help="where the PNGs go")
    parser.add_argument("--keep", type=Path, help="also keep the workbooks and PDFs here")
    args = parser.parse_args()
    _need("soffice"), _need("pdftoppm")
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        filled = filled_template(folder)
        report = folder / "2024年妇幼健康报表.xlsx"
        subprocess.run(
            [sys.executable, "-m", "mch_indicators", "report", str(filled), "--out", str(report),
             "--lang", "zh", "--plan", PLAN],
            check=True, timeout=600,
        )  # fmt: skip
        blank = folder / "blank.xlsx"
        mch.template(blank, lang="zh", units=["城关镇", "河口镇", "石桥镇"], year=2025,
                     level="township")  # fmt: skip
        _png(_pdf(blank, folder), 1, args.out / "template.png", crop=(1169, 300))
        pdf = _pdf(report, folder)
        titles = _page_titles(pdf, report)
        counts: dict[str, int] = {}
        for title in titles:
            key = title.split("（")[0]
            counts[key] = counts.get(key, 0) + 1
        for sheet, pages in counts.items():
            print(f"{sheet}: {pages} page{'s' if pages > 1 else ''}")
        print(f"total: {len(titles)} pages")
        for name, sheet, nth in SHOWN:
            pages = [i for i, t in enumerate(titles, start=1) if t.startswith(sheet)]
            _png(pdf, pages[nth - 1], args.out / name)
            print(f"wrote {args.out / name}")
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            for path in folder.iterdir():
                shutil.copy(path, args.keep / path.name)


if __name__ == "__main__":
    main()
