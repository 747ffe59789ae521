"""Results out, for the people who read them: an Excel report and a CSV that Excel opens right.

:func:`to_excel` writes a workbook with openpyxl (the ``excel`` extra) that the head
of an office reads and prints without the details: a sheet per domain (the table's
rows, then the subtotals and the total; each value with its interval, marks and
fills for values to read with care, the reason where a value is missing), a sheet
of the latest year's change, rank and target, the data checks, then every value
with its counts, the flags and the sources (:mod:`._sheets`). Every sheet prints
on landscape A4, one page wide, titles repeated, a footer with the source file,
the date and the page (:mod:`._sheet`). :func:`to_csv` writes the tidy table,
labelled and rounded, as CSV with a byte-order mark, which Chinese Excel needs.

No text becomes a formula (:mod:`mch_indicators._safe_text`).
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Sequence
from os import PathLike
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from mch_indicators._checks import CHECK_COLUMNS
from mch_indicators._display import display_frame
from mch_indicators._labels import (
    Lang,
    cannot_write,
    check_lang,
    column_label,
    input_error,
    label,
)
from mch_indicators._report._analysis import plan_name_in
from mch_indicators._report._blocks import Block, blocks_of, frames_of, indicators_of
from mch_indicators._report._sheet import Footer, SheetWriter
from mch_indicators._safe_text import csv_frame

if TYPE_CHECKING:
    import pandas as pd

    from mch_indicators._catalog import Catalog

__all__ = [
    "checks_beside",
    "checks_to_csv",
    "sheet_title",
    "to_csv",
    "to_excel",
    "write_workbook",
]

Target = str | PathLike[str] | IO[bytes]
_BAD_SHEET_CHARS = str.maketrans(dict.fromkeys("[]:*?/\\", "_"))
#: Excel's longest sheet name.
SHEET_NAME_LIMIT = 31
EXTRA = "pip install 'mch-indicators[excel]'"


def _catalog(catalog: Catalog | None) -> Catalog:
    from mch_indicators._catalog import chosen_catalog

    return chosen_catalog(catalog)


def sheet_title(parts: Sequence[str], used: set[str], lang: Lang) -> str:
    """A sheet name from ``parts``: Excel's forbidden characters replaced, 31 characters, unique.

    A name already ``used`` gets its number in the brackets of ``lang``'s text: ``(2)``
    in English, full-width ``（2）`` in Chinese (one character each, as Excel counts).

    Examples
    --------
    >>> used = set()
    >>> sheet_title(["死亡与妊娠结局"], used, "zh"), sheet_title(["死亡与妊娠结局"], used, "zh")
    ('死亡与妊娠结局', '死亡与妊娠结局（2）')
    >>> sheet_title(["Mortality"], used, "en"), sheet_title(["Mortality"], used, "en")
    ('Mortality', 'Mortality(2)')
    >>> len(sheet_title(["x" * 40], used, "en"))
    31
    """
    title = "-".join(p for p in parts if p).translate(_BAD_SHEET_CHARS)
    title = title.strip("'")[:SHEET_NAME_LIMIT] or "Sheet"
    base, n = title, 2
    while title.casefold() in {u.casefold() for u in used}:
        suffix = label("text", "sheet_again", lang, n=n)
        title = base[: SHEET_NAME_LIMIT - len(suffix)] + suffix
        n += 1
    used.add(title)
    return title


def _write_bytes(data: bytes, path: Target) -> None:
    if isinstance(path, str | PathLike):
        try:
            Path(path).write_bytes(data)
        except OSError as error:
            raise cannot_write(path, error) from None
    else:
        path.write(data)


def to_csv(
    results: Any,
    path: Target,
    *,
    lang: str = "zh",
    catalog: Catalog | None = None,
    escape_formulas: bool = True,
) -> None:
    r"""Write results as a CSV that Excel opens right: UTF-8 with a byte-order mark.

    Headers, indicator names, units and flags in ``lang``; values and limits
    rounded half up to each indicator's decimals and written with exactly that
    many places (``7.40``); counts as whole numbers (``13957``, not ``13957.0``);
    indicators in the catalog's order. Several sets (a mapping, as
    :func:`report` returns) are written one after another, with a first column
    naming the set (``汇总层级``).

    Text a spreadsheet would run as a formula (beginning with ``=``, ``+``, ``-``,
    ``@``, a tab or a carriage return, and not a number) gets a leading
    apostrophe, as OWASP recommends; ``escape_formulas=False`` writes it as it
    is, for a program that reads the file.

    Examples
    --------
    >>> import io, pandas as pd, mch_indicators as mch
    >>> out = mch.compute(pd.DataFrame({"县区": ["河阳县"], "活产数": [13957],
    ...                                 "孕产妇死亡数": [1]}))
    >>> buffer = io.BytesIO()
    >>> mch.to_csv(out, buffer)
    >>> buffer.getvalue()[:3] == b"\xef\xbb\xbf"
    True
    >>> print(buffer.getvalue().decode("utf-8-sig"))  # doctest: +NORMALIZE_WHITESPACE
    县区,指标,分子,分母,数值,下限,上限,单位,标记
    河阳县,孕产妇死亡率,1,13957,7.16,0.18,39.92,/10万,数值不稳定
    """
    import pandas as pd

    chosen = check_lang(lang)
    found = _catalog(catalog)
    blocks = blocks_of(frames_of(results), found, chosen)
    frames = []
    for block in blocks:
        table = display_frame(block.frame, chosen, catalog=found, text=True)
        if len(blocks) > 1:
            table.insert(
                0, column_label("level", chosen), block.fill if block.pooled else block.name
            )
        frames.append(table)
    table = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    text = csv_frame(table, escape=escape_formulas).to_csv(index=False, lineterminator="\r\n")
    _write_bytes("\ufeff".encode() + text.encode("utf-8", errors="replace"), path)


def checks_beside(path: str | PathLike[str]) -> Path:
    """Where a CSV report's data checks go: ``报表.checks.csv`` beside ``报表.csv``.

    Examples
    --------
    >>> checks_beside("out/报表.csv").as_posix()
    'out/报表.checks.csv'
    """
    out = Path(path)
    return out.with_name(f"{out.stem}.checks.csv")


def checks_to_csv(
    checks: pd.DataFrame | None, path: Target, *, lang: str = "zh", escape_formulas: bool = True
) -> None:
    """Write the data checks as the report's 数据核查 sheet shows them, as a CSV (BOM, UTF-8).

    A CSV report has no sheets: :func:`mch_indicators.report` writes its checks
    with this beside it (:func:`checks_beside`); a header alone when there are none.
    """
    import pandas as pd

    from mch_indicators._report._sheets import checks_rows

    header, rows = checks_rows(_checks_frame(checks), check_lang(lang))
    table = pd.DataFrame(rows, columns=header)
    text = csv_frame(table, escape=escape_formulas).to_csv(index=False, lineterminator="\r\n")
    _write_bytes("\ufeff".encode() + text.encode("utf-8", errors="replace"), path)


def _openpyxl() -> Any:
    try:
        import openpyxl
    except ImportError:
        raise input_error("needs_openpyxl", extra=EXTRA) from None
    return openpyxl


def _periods_text(blocks: list[Block], lang: str) -> str:
    years = sorted({int(y) for b in blocks if "year" in b.labels for y in b.frame["year"].dropna()
                    if isinstance(y, int | float) or str(y).isdigit()})  # fmt: skip
    if not years:
        return ""
    span = str(years[0]) if years[0] == years[-1] else f"{years[0]}–{years[-1]}"
    return label("text", "years_span", lang, years=span)


def _domain_title(name: str, periods: str, lang: str) -> str:
    if not periods:
        return name
    return f"{name}（{periods}）" if lang == "zh" else f"{name} ({periods})"


def _checks_frame(checks: pd.DataFrame | None) -> pd.DataFrame:
    import pandas as pd

    if checks is None:
        return pd.DataFrame(columns=list(CHECK_COLUMNS))
    if not isinstance(checks, pd.DataFrame) or any(c not in checks.columns for c in CHECK_COLUMNS):
        raise input_error("bad_checks", columns=", ".join(CHECK_COLUMNS))
    return checks


def to_excel(
    results: Any,
    path: Target,
    *,
    lang: str = "zh",
    catalog: Catalog | None = None,
    plan: str | None = None,
    checks: pd.DataFrame | None = None,
    source: str | None = None,
) -> None:
    """Write results as an Excel report an office head reads and prints (openpyxl).

    Parameters
    ----------
    results : DataFrame, Result, or mapping of them
        Output of :func:`mch_indicators.compute` or :func:`mch_indicators.pool`;
        a mapping names each set, finest first (``{"县区": counties, "合计":
        total}``, as :func:`report` returns). Later sets are pooled rows: shown
        in bold under the first, their missing area named ``小计`` (a subtotal
        of an area level) or ``合计``.
    path : path or binary file
        Where to write the ``.xlsx``.
    lang : {"zh", "en"}, default "zh"
        Language of sheet names, headers, indicator names, units and flags.
    catalog : Catalog, optional
        Where indicator ids are looked up (default: the built-in catalog).
    plan : str, optional
        A plan id (``"healthy_china_2030"``; see ``mch-indicators targets``): the
        change-and-rank sheet then says whether each value meets the plan's target
        still to be met in its year (met, not met, not statistically clear).
    checks : DataFrame, optional
        Data checks with the columns of ``CHECK_COLUMNS`` (``check``, ``unit``,
        ``period``, ``item``, ``reported``, ``expected``, ``message_zh``,
        ``message_en``), listed on the 数据核查 sheet; default: the checks the
        results carry (:func:`mch_indicators.checks`: total rows, rows skipped,
        rules broken, columns not used...).
    source : str, optional
        The name of the file the counts came from, printed in every page's footer.

    Notes
    -----
    Sheets: one per domain (value and interval of each indicator, marks ``*``
    数值不稳定, ``▲`` 超过任务数, ``†`` 部分单位未纳入, ``‡`` 部分记录无法归类 with
    fills, the reason in place of a value not computed); 同比、排名与达标 when
    there is a year or a plan; 数据核查; 全部结果 (counts, limits, flags);
    标记说明; 指标来源. Every sheet is set to print landscape on A4, one page
    wide, with its title, header rows and area columns on every page, and a
    footer with the source, the date and the page number. Every text is a string
    cell, never a formula.

    Examples
    --------
    >>> import io, pandas as pd, mch_indicators as mch
    >>> out = mch.compute(pd.DataFrame({"县区": ["河阳县", "石门县"], "活产数": [13957, 4210],
    ...                                 "孕产妇死亡数": [1, 0]}))
    >>> buffer = io.BytesIO()
    >>> mch.to_excel(out, buffer)
    >>> back = mch.read_table(io.BytesIO(buffer.getvalue()), sheet="全部结果")
    >>> back[["县区", "数值", "标记"]].to_dict("list")
    {'县区': ['河阳县', '石门县'], '数值': [7.16, 0.0], '标记': ['数值不稳定', '数值不稳定']}
    """
    from mch_indicators._checks import checks as checks_table

    chosen = check_lang(lang)
    found = _catalog(catalog)
    frames = frames_of(results)
    write_workbook(
        blocks_of(frames, found, chosen), path, lang=chosen, catalog=found, plan=plan,
        checks=checks if checks is not None else checks_table(frames), source=source,
    )  # fmt: skip


def write_workbook(
    blocks: list[Block],
    path: Target,
    *,
    lang: Lang,
    catalog: Catalog,
    plan: str | None,
    checks: pd.DataFrame | None,
    source: str | None,
    review: pd.DataFrame | None = None,
) -> None:
    """The report workbook of :func:`to_excel` (``review``: the annual review, if computed)."""
    from mch_indicators._report._sheets import (
        checks_sheet,
        details_sheet,
        legend_sheet,
        sources_sheet,
    )

    openpyxl = _openpyxl()
    checked = _checks_frame(checks)
    plan_name = plan_name_in(plan, lang)
    footer = Footer(source, datetime.date.today().isoformat(), lang)
    book = openpyxl.Workbook()
    book.remove(book.active)
    used: set[str] = set()

    def new_sheet(*parts: str) -> SheetWriter:
        return SheetWriter(book.create_sheet(sheet_title(parts, used, lang)))

    indicators = indicators_of(blocks, catalog)
    periods = _periods_text(blocks, lang)
    _domain_sheets(new_sheet, blocks, indicators, lang, periods, footer)
    _review(new_sheet, blocks, indicators, catalog, lang, plan, plan_name, footer, review)
    checks_sheet(new_sheet(label("text", "checks_sheet", lang)), checked, lang, footer)
    details_sheet(new_sheet(label("text", "details_sheet", lang)), blocks, lang, catalog, footer)
    legend_sheet(new_sheet(label("text", "legend", lang)), lang, footer)
    sources_sheet(new_sheet(label("text", "sources_sheet", lang)), indicators, lang, footer)
    _save(book, path)


def _domain_sheets(
    new_sheet: Any, blocks: list[Block], indicators: list[Any], lang: str, periods: str,
    footer: Footer,
) -> None:  # fmt: skip
    from mch_indicators._report._sheets import domain_sheet

    for domain in dict.fromkeys(i.domain for i in indicators):
        members = [i for i in indicators if i.domain is domain]
        name = label("domains", domain.value, lang)
        short = label("domains", domain.value, lang, "sheet")
        title = _domain_title(name, periods, lang)
        domain_sheet(new_sheet(short), blocks, members, title=title, lang=lang, footer=footer)


def _review(
    new_sheet: Any, blocks: list[Block], indicators: list[Any], catalog: Catalog, lang: str,
    plan: str | None, plan_name: str | None, footer: Footer, review: pd.DataFrame | None,
) -> None:  # fmt: skip
    from mch_indicators._report._analysis import annual_review
    from mch_indicators._report._review import review_sheet

    has_year = any("year" in b.labels for b in blocks)
    ranked = any(b.labels and len(b.frame) > len(set(b.frame["indicator"])) for b in blocks)
    if not (has_year or ranked or plan is not None):
        return
    review = review if review is not None else annual_review(
        {b.name: b.frame for b in blocks}, catalog,
        labels_of={b.name: b.labels for b in blocks}, plan=plan,
        year=datetime.date.today().year,
    )  # fmt: skip
    review_sheet(new_sheet(label("text", "review_sheet", lang)), review, blocks, indicators,
                 lang=lang, plan_name=plan_name, footer=footer)  # fmt: skip


def _save(book: Any, path: Target) -> None:
    if isinstance(path, str | PathLike):
        try:
            book.save(str(path))
        except OSError as error:
            raise cannot_write(path, error) from None
        return
    buffer = io.BytesIO()
    book.save(buffer)
    path.write(buffer.getvalue())
