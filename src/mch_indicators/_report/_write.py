"""Results out, for the people who read them: an Excel report and a CSV that Excel opens right.

:func:`to_excel` writes a workbook with openpyxl (the ``excel`` extra): for each
set of results (counties, the prefecture...) one sheet per domain, one row per
area and period and one column per indicator, its unit in the header
(``孕产妇死亡率(/10万)``), values rounded as reports print them; then every value
with its counts, interval and flags; a legend explaining the flags; and the
sources of every definition. :func:`to_csv` writes the same rounded, labelled
table as CSV with a byte-order mark, which Chinese Excel needs to read UTF-8.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from os import PathLike
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from mch_indicators._display import (
    RESULT_COLUMNS,
    display_frame,
    header_with_unit,
    round_half_up,
)
from mch_indicators._errors import InvalidInputError
from mch_indicators._labels import check_lang, column_label, label
from mch_indicators.stats import Flag

if TYPE_CHECKING:
    import pandas as pd

    from mch_indicators._catalog import Catalog
    from mch_indicators._model import Indicator

__all__ = ["to_csv", "to_excel"]

Target = str | PathLike[str] | IO[bytes]
_BAD_SHEET_CHARS = str.maketrans(dict.fromkeys("[]:*?/\\", "_"))
EXTRA = "pip install 'mch-indicators[excel]'"


def _frames(results: Any) -> dict[str, pd.DataFrame]:
    """``results`` as named tidy frames (a Result becomes its frame)."""
    import pandas as pd

    from mch_indicators._result import Result

    def one(item: Any) -> pd.DataFrame:
        if isinstance(item, Result):
            return item.to_frame()
        if isinstance(item, pd.DataFrame) and "indicator" in item.columns:
            return item
        raise InvalidInputError(
            "results must be the output of mch.compute or mch.pool (a frame with an "
            f"'indicator' column), a Result, or a mapping of them; got {type(item).__name__}"
        )

    if isinstance(results, Mapping):
        return {str(name): one(item) for name, item in results.items()}
    return {"": one(results)}


def _catalog(catalog: Catalog | None) -> Catalog:
    if catalog is None:
        from mch_indicators._catalog import builtin_catalog

        return builtin_catalog()
    return catalog


def _labels_of(frame: pd.DataFrame) -> list[str]:
    """The label columns of a tidy result: those before ``indicator`` that are not results."""
    columns = [str(c) for c in frame.columns]
    return [c for c in columns[: columns.index("indicator")] if c not in RESULT_COLUMNS]


def _sheet_title(parts: Sequence[str], used: set[str]) -> str:
    title = "-".join(p for p in parts if p).translate(_BAD_SHEET_CHARS)[:31] or "Sheet"
    base, n = title, 2
    while title in used:
        title = f"{base[:28]}({n})"
        n += 1
    used.add(title)
    return title


def to_csv(
    results: Any,
    path: Target,
    *,
    lang: str = "zh",
    catalog: Catalog | None = None,
) -> None:
    r"""Write results as a CSV that Excel opens right: UTF-8 with a byte-order mark.

    Headers, indicator names, units and flags in ``lang``; values and limits
    rounded half up to each indicator's decimals and written with exactly that
    many places (``7.40``); counts as whole numbers (``13957``, not ``13957.0``).

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
    frames = [
        display_frame(frame, chosen, catalog=_catalog(catalog), text=True)
        for frame in _frames(results).values()
    ]
    table = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    text = table.to_csv(index=False, lineterminator="\r\n")
    data = "\ufeff".encode() + text.encode("utf-8")
    if isinstance(path, str | PathLike):
        try:
            Path(path).write_bytes(data)
        except OSError as error:
            raise InvalidInputError(f"{path}: cannot write ({error.strerror})") from None
    else:
        path.write(data)


def _openpyxl() -> Any:
    try:
        import openpyxl
    except ImportError:
        raise InvalidInputError(f"writing a workbook needs openpyxl: {EXTRA}") from None
    return openpyxl


def _number_format(decimals: int) -> str:
    return "0" if decimals == 0 else "0." + "0" * decimals


def _write_rows(sheet: Any, title: str, header: list[str], rows: list[list[Any]]) -> None:
    from openpyxl.styles import Alignment, Font

    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=12)
    sheet.append(header)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for row in rows:
        sheet.append(row)
    sheet.freeze_panes = "A3"
    for position, name in enumerate(header, start=1):
        width = max(8, min(40, 2 * len(str(name)) + 2))
        sheet.column_dimensions[sheet.cell(row=2, column=position).column_letter].width = width


def _plain(value: Any) -> Any:
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and value != value:
        return None
    return value


def _domain_sheet(
    sheet: Any,
    frame: pd.DataFrame,
    indicators: list[Indicator],
    labels: list[str],
    title: str,
    lang: str,
) -> None:
    """One row per area and period, one column per indicator (its unit in the header)."""
    import numpy as np

    header = [column_label(c, lang) for c in labels]
    header += [header_with_unit(i, lang) for i in indicators]
    keys = frame[labels].astype(str).agg("\x1f".join, axis=1) if labels else None
    order = list(dict.fromkeys(keys)) if keys is not None else [""]
    rows = []
    for key in order:
        part = frame[keys == key] if keys is not None else frame
        row = [_plain(v) for v in part[labels].iloc[0].tolist()] if labels else []
        by_id = dict(zip(part["indicator"], part["value"], strict=True))
        for indicator in indicators:
            value = float(by_id.get(indicator.id, np.nan))
            rounded = float(round_half_up(value, indicator.decimals))
            row.append(None if rounded != rounded else rounded)
        rows.append(row)
    _write_rows(sheet, title, header, rows)
    for position, indicator in enumerate(indicators, start=len(labels) + 1):
        for (cell,) in sheet.iter_rows(min_row=3, min_col=position, max_col=position):
            cell.number_format = _number_format(indicator.decimals)


def _details_sheet(
    sheet: Any, frames: dict[str, pd.DataFrame], lang: str, catalog: Catalog
) -> None:
    import pandas as pd

    shown = []
    for level, frame in frames.items():
        table = display_frame(frame, lang, catalog=catalog)
        if level:
            table.insert(0, column_label("level", lang), level)
        shown.append(table)
    table = pd.concat(shown, ignore_index=True) if len(shown) > 1 else shown[0]
    rows = [[_plain(v) for v in row] for row in table.itertuples(index=False)]
    _write_rows(sheet, label("text", "details_sheet", lang), [str(c) for c in table.columns], rows)


def _legend_sheet(sheet: Any, lang: str) -> None:
    header = [column_label("flags", lang), column_label("meaning", lang), "id"]
    rows = [
        [label("flags", f.name, lang), label("flags", f.name, lang, "meaning"), f.name]
        for f in Flag
        if f.name
    ]
    _write_rows(sheet, label("text", "legend", lang), header, rows)
    sheet.column_dimensions["B"].width = 90


def _sources_sheet(sheet: Any, indicators: list[Indicator], lang: str) -> None:
    names = ["id", "name", "unit", "kind", "numerator", "denominator", "definition", "sources"]
    header = [column_label(c, lang) for c in names]
    rows = []
    for i in indicators:
        definition = (i.definition.zh or i.definition.en) if lang == "zh" else i.definition.en
        sources = "; ".join(
            s.document + (f", {s.section}" if s.section else "") for s in i.sources
        )
        rows.append(
            [
                i.id,
                getattr(i.name, lang),
                label("units", i.unit, lang, "header"),
                label("kinds", i.kind.value, lang),
                getattr(i.numerator.name, lang),
                getattr(i.denominator.name, lang),
                definition,
                sources + ("" if i.verified else f" [unverified: {i.note}]"),
            ]
        )
    _write_rows(sheet, label("text", "sources_sheet", lang), header, rows)
    sheet.column_dimensions["G"].width = 80
    sheet.column_dimensions["H"].width = 60


def to_excel(
    results: Any,
    path: Target,
    *,
    lang: str = "zh",
    catalog: Catalog | None = None,
) -> None:
    """Write results as an Excel report (needs the ``excel`` extra: openpyxl).

    Parameters
    ----------
    results : DataFrame, Result, or mapping of them
        Output of :func:`mch_indicators.compute` or :func:`mch_indicators.pool`;
        a mapping names each set by its area level (``{"县区": counties,
        "全市": prefecture}``).
    path : path or binary file
        Where to write the ``.xlsx``.
    lang : {"zh", "en"}, default "zh"
        Language of sheet names, headers, indicator names, units and flags.
    catalog : Catalog, optional
        Where indicator ids are looked up (default: the built-in catalog).

    Notes
    -----
    Sheets: for each set of results and each domain, one row per area and
    period and one column per indicator, headed by its name and unit
    (``孕产妇死亡率(/10万)``), values rounded half up to the indicator's
    decimals; then all values with counts, limits and flags; the flags and
    what they mean; and the definition and sources of every indicator.

    Examples
    --------
    >>> import io, pandas as pd, mch_indicators as mch
    >>> out = mch.compute(pd.DataFrame({"县区": ["河阳县", "石门县"], "活产数": [13957, 4210],
    ...                                 "孕产妇死亡数": [1, 0]}))
    >>> buffer = io.BytesIO()
    >>> mch.to_excel(out, buffer)
    >>> back = mch.read_table(io.BytesIO(buffer.getvalue()), sheet=0)
    >>> back.to_dict("list")
    {'县区': ['河阳县', '石门县'], '孕产妇死亡率(/10万)': [7.16, 0.0]}
    """
    chosen = check_lang(lang)
    openpyxl = _openpyxl()
    found = _catalog(catalog)
    frames = _frames(results)
    book = openpyxl.Workbook()
    book.remove(book.active)
    used: set[str] = set()
    everything: dict[str, Indicator] = {}
    for level, frame in frames.items():
        ids = list(dict.fromkeys(str(i) for i in frame["indicator"]))
        indicators = [found.get_indicator(i) for i in ids]
        everything.update({i.id: i for i in indicators})
        labels = _labels_of(frame)
        for domain in dict.fromkeys(i.domain for i in indicators):
            members = [i for i in indicators if i.domain is domain]
            part = frame[frame["indicator"].isin([i.id for i in members])]
            name = label("domains", domain.value, chosen)
            title = f"{name}（{level}）" if level and chosen == "zh" else name
            title = f"{name} ({level})" if level and chosen == "en" else title
            sheet = book.create_sheet(_sheet_title([name, level], used))
            _domain_sheet(sheet, part, members, labels, title, chosen)
    _details_sheet(
        book.create_sheet(_sheet_title([label("text", "details_sheet", chosen)], used)),
        frames, chosen, found,
    )  # fmt: skip
    _legend_sheet(book.create_sheet(_sheet_title([label("text", "legend", chosen)], used)), chosen)
    _sources_sheet(
        book.create_sheet(_sheet_title([label("text", "sources_sheet", chosen)], used)),
        list(everything.values()), chosen,
    )  # fmt: skip
    _save(book, path)


def _save(book: Any, path: Target) -> None:
    if isinstance(path, str | PathLike):
        try:
            book.save(str(path))
        except OSError as error:
            raise InvalidInputError(f"{path}: cannot write ({error.strerror})") from None
        return
    buffer = io.BytesIO()
    book.save(buffer)
    path.write(buffer.getvalue())
