"""An office's table in, its report out: read, match, compute, pool, write, in one call.

This is what ``mch-indicators report`` runs: the rows of the table (counties,
townships) computed as they are, then pooled to each coarser area level the
table has (a prefecture column) and to the whole table, each period apart. A
unit that did not report a count is left out of a total, which then says how
many units it covers (INCOMPLETE); a unit with a numerator above its
proportion's denominator is flagged INVALID and left out, never summed.
"""

from __future__ import annotations

from collections.abc import Mapping
from os import PathLike
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal, cast

from mch_indicators._checks import CHECK_COLUMNS
from mch_indicators._checks import checks as checks_table
from mch_indicators._io._read import read_table
from mch_indicators._io._source import Source
from mch_indicators._labels import check_lang, fields, label
from mch_indicators._report._blocks import blocks_of
from mch_indicators._report._write import checks_beside, checks_to_csv, to_csv, write_workbook

if TYPE_CHECKING:
    import pandas as pd

    from mch_indicators._catalog import Catalog

__all__ = ["OfficeReport", "report"]


class OfficeReport(dict[str, "pd.DataFrame"]):
    """The results of :func:`report`: a dict of tidy frames by set, with the checks and review.

    A plain ``dict`` (``list(out)`` gives the sets, finest first) with two more
    attributes:

    Attributes
    ----------
    checks : DataFrame
        The data checks of the table (:func:`mch_indicators.checks` of the sets):
        total rows checked against their units, rows skipped, duplicates, rules
        broken, columns not used..., with the columns of ``CHECK_COLUMNS``
        (``check``, ``unit``, ``period``, ``item``, ``reported``, ``expected``,
        ``message_zh``, ``message_en``). The 数据核查 sheet lists them.
    review : DataFrame
        The latest year of every area: change from last year, rank and target
        (what the 同比、排名与达标 sheet shows), with status codes.

    ``==`` is identity: a report equals itself only (compare the frames with
    ``DataFrame.equals``).
    """

    checks: pd.DataFrame
    review: pd.DataFrame

    def __init__(
        self,
        sets: Mapping[str, pd.DataFrame] = MappingProxyType({}),
        checks: pd.DataFrame | None = None,
        review: pd.DataFrame | None = None,
    ) -> None:
        import pandas as pd

        super().__init__(sets)
        self.checks = checks if checks is not None else pd.DataFrame(columns=list(CHECK_COLUMNS))
        self.review = review if review is not None else pd.DataFrame()

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (dict(self), self.checks, self.review))

    # frames have no truth value: `==` is identity, as for RecordResults (dict's `==`
    # compared the frames and raised pandas' "truth value ... is ambiguous")
    def __eq__(self, other: object) -> bool:
        return self is other

    def __ne__(self, other: object) -> bool:
        return self is not other

    __hash__ = None  # a dict: mutable, so never a key


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
    plan: str | None = None,
    escape_formulas: bool = True,
    source_name: str | None = None,
) -> OfficeReport:
    """Every indicator an office's table allows, for its rows and pooled totals; and a report.

    Parameters
    ----------
    source : path, file object or DataFrame
        The office's wide table (GBK/GB18030 or UTF-8 CSV, TSV, ``.xlsx``, a
        template written by :func:`template` and filled in), read by
        :func:`read_table`, or a DataFrame already read.
    out : path, optional
        Write the report there: ``.xlsx`` (:func:`to_excel`: a sheet per domain,
        the change from last year, ranks and targets, the data checks, all values,
        flags and sources; print-ready) or ``.csv`` (:func:`to_csv`, UTF-8 with a
        byte-order mark); a CSV report has no sheets, so its data checks are
        written beside it, as the workbook's 数据核查 sheet shows them
        (``报表.checks.csv`` beside ``报表.csv``; a header alone when there are none).
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
    plan : str, optional
        A plan id (``"healthy_china_2030"``): the report says whether each latest
        value meets its target still to be met (see :func:`to_excel`).
    escape_formulas : bool, default True
        In a ``.csv`` report, text a spreadsheet would run as a formula gets a
        leading apostrophe (see :func:`to_csv`). An ``.xlsx`` report never holds
        a formula.
    source_name : str, optional
        The file name printed in the footer of every page (default: the name of
        ``source`` when it is a path or a named file).

    Returns
    -------
    OfficeReport
        A dict of tidy results by area level, finest first: the table's rows
        (named by their area field, ``县区``), each coarser area level the table
        has (``地市``), and the total (``合计``), each period apart; with
        ``.checks`` (the data checks) and ``.review`` (change, rank, target).
        Columns of the table that are neither counts nor areas nor periods are
        listed in ``.checks``; the written report shows them there only, not on
        every sheet.

    Examples
    --------
    >>> import pandas as pd, mch_indicators as mch
    >>> table = pd.DataFrame({"县区": ["河阳县", "石门县"], "年份": [2024, 2024],
    ...                       "活产数": [13957, 4210], "孕产妇死亡数": [1, None],
    ...                       "备注": ["", "迟报"]})
    >>> sets = mch.report(table)
    >>> list(sets)
    ['县区', '合计']
    >>> sets["合计"][["year", "denominator", "units_pooled", "flags"]].iloc[0].to_dict()
    {'year': 2024, 'denominator': 13957.0, 'units_pooled': 1, 'flags': 'UNRELIABLE|INCOMPLETE'}
    >>> sets.checks[["check", "item"]].values.tolist()
    [['unmatched_column', '备注']]
    """
    from mch_indicators._adapters._pandas._compute import compute_frame
    from mch_indicators._adapters._pandas._index import index_as_columns
    from mch_indicators._adapters._pandas._match import match_columns
    from mch_indicators._adapters._pandas._pool import pool
    from mch_indicators._catalog import chosen_catalog

    chosen = check_lang(lang)
    frame = (
        cast("pd.DataFrame", source)
        if _is_frame(source)
        else read_table(cast("Source", source), sheet=sheet, encoding=encoding)
    )
    frame = index_as_columns(frame, catalog)[0]  # areas and periods given as the index
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
    found = chosen_catalog(catalog)
    done = OfficeReport(sets, checks_table(sets), _review(sets, found, plan))
    if out is not None:
        if Path(out).suffix.lower() == ".csv":
            to_csv(done, out, lang=chosen, catalog=found, escape_formulas=escape_formulas)
            checks_to_csv(done.checks, checks_beside(out), lang=chosen,
                          escape_formulas=escape_formulas)  # fmt: skip
        else:
            write_workbook(
                blocks_of(done, found, chosen), out, lang=chosen, catalog=found, plan=plan,
                checks=done.checks, source=source_name or _source_name(source), review=done.review,
            )  # fmt: skip
    return done


def _review(sets: Mapping[str, pd.DataFrame], catalog: Catalog, plan: str | None) -> pd.DataFrame:
    import datetime

    from mch_indicators._report._analysis import annual_review
    from mch_indicators._report._blocks import label_columns

    return annual_review(
        sets, catalog,
        labels_of={name: label_columns(frame) for name, frame in sets.items()},
        plan=plan, year=datetime.date.today().year,
    )  # fmt: skip


def _source_name(source: Any) -> str | None:
    """The file name printed in the report's footer (a path's name, a file object's name)."""
    if isinstance(source, str | PathLike):
        return Path(source).name
    name = getattr(source, "name", None)
    return Path(name).name if isinstance(name, str) and name else None


def _is_frame(value: Any) -> bool:
    import pandas as pd

    return isinstance(value, pd.DataFrame)
