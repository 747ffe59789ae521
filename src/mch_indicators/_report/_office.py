"""An office's table in, its report out: read, match, compute, pool, write, in one call.

This is what ``mch-indicators report`` runs: the rows of the table (counties,
townships) computed as they are, then pooled to each coarser area level the
table has (a prefecture column) and to the whole table, each period apart. A
unit that did not report a count is left out of a total, which then says how
many units it covers (INCOMPLETE); a unit with a numerator above its
proportion's denominator is flagged INVALID and left out, never summed.
"""

from __future__ import annotations

from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, cast

from mch_indicators._io._read import read_table
from mch_indicators._io._source import Source
from mch_indicators._labels import check_lang, fields, label
from mch_indicators._report._write import to_csv, to_excel

if TYPE_CHECKING:
    import pandas as pd

    from mch_indicators._catalog import Catalog

__all__ = ["report"]


def report(
    source: Source | pd.DataFrame,
    out: str | PathLike[str] | None = None,
    *,
    lang: str = "zh",
    sheet: str | int | None = None,
    encoding: str | None = None,
    catalog: Catalog | None = None,
    totals: Literal["check", "drop", "keep"] = "check",
    duplicates: Literal["error", "sum"] = "error",
) -> dict[str, pd.DataFrame]:
    """Every indicator an office's table allows, for its rows and pooled totals; and a report.

    Parameters
    ----------
    source : path, file object or DataFrame
        The office's wide table (GBK/GB18030 or UTF-8 CSV, TSV, ``.xlsx``), read
        by :func:`read_table`, or a DataFrame already read.
    out : path, optional
        Write the report there: ``.xlsx`` (:func:`to_excel`) or ``.csv``
        (:func:`to_csv`, UTF-8 with a byte-order mark).
    lang : {"zh", "en"}, default "zh"
        Language of the written report and of the set names.
    sheet, encoding
        As in :func:`read_table`.
    catalog : Catalog, optional
        Where indicators and terms come from (default: the built-in catalog).
    totals, duplicates
        Total rows (合计, 小计, 全县...) and two rows of one unit and period, as in
        :func:`compute`: by default total rows are taken out of the units and
        checked against the sum of their parts; the findings (and those of the
        reading: rows skipped, notes, hidden rows, rules broken) are
        :func:`mch_indicators.checks` of the returned sets.

    Returns
    -------
    dict of str to DataFrame
        The tidy results by area level, finest first: the table's rows (named by
        their area field, ``县区``), each coarser area level the table has
        (``地市``), and the total (``合计``), each period apart.

    Examples
    --------
    >>> import pandas as pd, mch_indicators as mch
    >>> table = pd.DataFrame({"县区": ["河阳县", "石门县"], "年份": [2024, 2024],
    ...                       "活产数": [13957, 4210], "孕产妇死亡数": [1, None]})
    >>> sets = mch.report(table)
    >>> list(sets)
    ['县区', '合计']
    >>> sets["合计"][["year", "denominator", "units_pooled", "flags"]].iloc[0].to_dict()
    {'year': 2024, 'denominator': 13957.0, 'units_pooled': 1, 'flags': 'UNRELIABLE|INCOMPLETE'}
    """
    from mch_indicators._adapters._pandas._compute import compute_frame
    from mch_indicators._adapters._pandas._match import match_columns
    from mch_indicators._adapters._pandas._pool import pool

    chosen = check_lang(lang)
    frame = (
        cast("pd.DataFrame", source)
        if _is_frame(source)
        else read_table(cast("Source", source), sheet=sheet, encoding=encoding)
    )
    match = match_columns(frame, catalog=catalog)
    areas = [f for f in fields() if f.role == "area" and f.id in match.fields]
    periods = [
        str(match.fields[f.id]) for f in fields() if f.role == "period" and f.id in match.fields
    ]
    finest = label("fields", areas[-1].id, chosen) if areas else label("text", "total", chosen)
    sets = {
        finest: compute_frame(
            frame, catalog=catalog, on_invalid="flag", totals=totals, duplicates=duplicates
        )
    }
    if areas:
        for level in areas[:-1]:
            sets[label("fields", level.id, chosen)] = pool(
                frame, by=[str(match.fields[level.id]), *periods],
                missing="skip", catalog=catalog, on_invalid="flag", totals=totals,
                duplicates=duplicates,
            )  # fmt: skip
        sets[label("text", "total", chosen)] = pool(
            frame, by=periods or None, missing="skip",
            catalog=catalog, on_invalid="flag", totals=totals, duplicates=duplicates,
        )  # fmt: skip
    if out is not None:
        if Path(out).suffix.lower() == ".csv":
            to_csv(sets, out, lang=chosen, catalog=catalog)
        else:
            to_excel(sets, out, lang=chosen, catalog=catalog)
    return sets


def _is_frame(value: Any) -> bool:
    import pandas as pd

    return isinstance(value, pd.DataFrame)
