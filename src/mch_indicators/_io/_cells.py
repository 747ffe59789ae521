"""From a grid of cells to a typed table: the steps every format shares.

A reader hands over the cells (strings from text files, Python values from a
workbook) with the file's line or the sheet's row number as the index. Here the
header row is found (title rows above it, with at most one filled cell, are
skipped), empty rows and empty unnamed columns are dropped, rows are checked to
have the header's fields, and every column whose cells are all numbers or
missing becomes numeric by the one grammar of :mod:`mch_indicators._io._numbers`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

import numpy as np

from mch_indicators._errors import InvalidInputError
from mch_indicators._io._numbers import Decimal, parse_numbers
from mch_indicators._optional import pandas as _pandas

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["check_header", "finish_table", "header_position", "typed_column"]


def _blank(cells: pd.DataFrame) -> Any:
    """Where cells hold nothing (empty or absent), as a boolean array (vectorised)."""
    values = cells.to_numpy(dtype=object)
    blank: Any = _pandas().isna(values) | (values == "")
    return blank


def _filled(cells: pd.DataFrame) -> Any:
    """How many cells of each of a few rows hold something (spaces alone count as nothing)."""
    text = cells.astype("string").fillna("")
    return (text.apply(lambda column: column.str.strip() != "")).sum(axis=1)


def header_position(cells: pd.DataFrame) -> int:
    """Position of the header row: the first with at least two filled cells."""
    filled = _filled(cells.head(30)).to_numpy()
    candidates = np.flatnonzero(filled >= 2)
    if candidates.size:
        return int(candidates[0])
    return int(np.flatnonzero(filled >= 1)[0]) if (filled >= 1).any() else 0


def check_header(row: pd.Series[Any], name: str, where: str = "") -> list[str]:
    """The header's names (stripped); a name given twice is an error."""
    header = ["" if v is None or v != v else str(v).strip() for v in row.tolist()]
    seen: set[str] = set()
    for cell in header:
        if cell and cell in seen:
            raise InvalidInputError(f"{name}{where}: the header names column {cell!r} twice")
        seen.add(cell)
    return header


def finish_table(
    cells: pd.DataFrame, name: str, decimal: Decimal, *, where: str = ""
) -> pd.DataFrame:
    """The typed table of a grid of cells (index: line or row numbers).

    ``where`` names the sheet in messages (``" sheet '2024'"``).
    """
    module = _pandas()
    if cells.empty or not (_filled(cells.head(30)) > 0).any():
        raise InvalidInputError(f"{name}{where}: empty; expected a header row")
    start = header_position(cells)
    header_line = int(cells.index[start])
    header = check_header(cells.iloc[start], name, where)
    body = cells.iloc[start + 1 :]
    body.columns = module.RangeIndex(len(header))
    blank = _blank(body)
    filled_rows = ~blank.all(axis=1)
    body, blank = body[filled_rows], blank[filled_rows]
    keep = []
    for position, column in enumerate(header):
        if column:
            keep.append(position)
        elif not blank[:, position].all():
            first = int(body.index[np.flatnonzero(~blank[:, position])[0]])
            raise InvalidInputError(
                f"{name}{where}:{first}: column {position + 1} holds data but has no header "
                f"(header on line {header_line})"
            )
    body = body[keep]
    body.columns = module.Index([header[p] for p in keep])
    short = body.isna().any(axis=1)
    if short.any():
        line = int(body.index[short.to_numpy()][0])
        raise InvalidInputError(
            f"{name}{where}:{line}: expected {len(header)} fields as in the header"
        )
    columns = {column: typed_column(body[column], decimal) for column in body.columns}
    return cast("pd.DataFrame", module.DataFrame(columns, index=body.index))


def typed_column(cells: pd.Series[Any], decimal: Decimal) -> Any:
    """The column as numbers when every cell is a number or missing, else stripped text."""
    numbers = _numbers(cells, decimal)
    if numbers is not None:
        return numbers
    if _pandas().api.types.infer_dtype(cells, skipna=True) == "string":
        return cells.str.strip().astype(object)
    return cells.map(_as_text, na_action="ignore").astype(object)


def _as_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _numbers(cells: pd.Series[Any], decimal: Decimal) -> Any:
    """Float64 (int64 when all whole and present) values, or None when not a number column."""
    pd = _pandas()
    kind = pd.api.types.infer_dtype(cells, skipna=True)
    if kind in ("floating", "integer", "mixed-integer-float"):
        values = cells.to_numpy(dtype=np.float64)
        text = None
    elif kind in ("string", "mixed", "empty"):
        text = cells if kind == "string" else cells.map(_as_text, na_action="ignore")
        text = text.astype(object)
        if _plainly_text(text, decimal) or _codes(text):  # codes such as 010101 keep zeros
            return None
        values = _parse(text, decimal)
        if values is None:
            return None
    else:  # booleans, dates: not counts
        return None
    if np.isnan(values).all() or np.isinf(values).any():
        return None
    whole = not np.isnan(values).any() and bool((values == np.round(values)).all())
    if whole and (text is None or not text.str.contains(r"[.eE]", regex=True).any()):
        return values.astype(np.int64)
    return values


def _plainly_text(text: pd.Series[Any], decimal: Decimal, sample: int = 20) -> bool:
    """Whether one of the first filled cells is no number: then the column is text."""
    first = text.dropna().head(200)
    first = first[first.astype(str).str.strip() != ""].head(sample)
    if first.empty:
        return False
    _, bad = parse_numbers(first.astype(str), decimal)
    return bool(bad.any())


def _codes(text: pd.Series[Any]) -> bool:
    """Whether a text column holds codes with leading zeros (``010101``)."""
    zero = text.str.startswith("0").fillna(False).to_numpy(dtype=bool)
    if not zero.any():
        return False
    return bool(text[zero].str.strip().str.fullmatch(r"0\d+").fillna(False).any())


def _parse(text: pd.Series[Any], decimal: Decimal) -> Any:
    """Numbers of text cells by the grammar: a C conversion first, the grammar for the rest."""
    pd = _pandas()
    if decimal == ".":
        try:  # every cell a plain number: one C loop (float() accepts what the grammar does,
            # plus inf, nan and 1_000, which are checked below)
            values = text.to_numpy(dtype=object).astype(np.float64)
        except (ValueError, TypeError):
            numbers = pd.to_numeric(text, errors="coerce")
            values = numbers.to_numpy(np.float64, na_value=np.nan, copy=True)
        else:
            if text.str.contains("_", regex=False).any():
                values = pd.to_numeric(text, errors="coerce").to_numpy(np.float64, copy=True)
        rest = np.flatnonzero(np.isnan(values))
    else:
        values = np.full(len(text), np.nan)
        rest = np.arange(len(text))
    if rest.size:
        parsed, bad = parse_numbers(text.iloc[rest], decimal)
        if bad.any():
            return None
        values[rest] = parsed
    return values
