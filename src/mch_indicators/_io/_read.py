"""``read_table``: a table file in, a pandas DataFrame out, rows labelled by their line.

The frame's index is the row's line number in the file (the header is line 1),
named ``line``, so that every message about a row (a bad number, a numerator
above its denominator) points into the file. Count-like columns are parsed with
the one grammar of :mod:`mch_indicators._io._numbers`; other columns stay text.
"""

from __future__ import annotations

import csv
import io
import re
import sys
from os import PathLike
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, cast

import numpy as np
import numpy.typing as npt

from mch_indicators._errors import InvalidInputError
from mch_indicators._io._numbers import Decimal, parse_numbers

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["read_table"]

Source = str | PathLike[str] | IO[str] | IO[bytes]

_BLANK = re.compile(r"(?m)^[ \t]+$")  # a line of spaces is a blank line


def _name(source: Source) -> str:
    if isinstance(source, str | PathLike):
        return "<stdin>" if str(source) == "-" else str(source)
    return str(getattr(source, "name", "<stream>"))


def _text(source: Source) -> str:
    """The whole text of ``source`` (a path, ``-`` for standard input, or an open file)."""
    name = _name(source)
    try:
        if isinstance(source, str | PathLike):
            if str(source) == "-":
                raw: str | bytes = sys.stdin.buffer.read()
            else:
                raw = Path(source).read_bytes()
        else:
            raw = source.read()
    except OSError as error:
        raise InvalidInputError(f"{name}: cannot read file ({error.strerror})") from None
    if isinstance(raw, str):
        return raw.removeprefix("\ufeff")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInputError(f"{name}: not UTF-8 text; save the CSV as UTF-8") from None


def _header(text: str, name: str) -> list[str]:
    try:
        first = next(csv.reader(io.StringIO(text)), None)
    except csv.Error as error:  # a field over the csv module's limit (128 KB)
        raise InvalidInputError(f"{name}:1: the header is not readable ({error})") from None
    header = [cell.strip() for cell in first or []]
    if not any(header):
        raise InvalidInputError(f"{name}: empty file; expected a header row")
    seen: set[str] = set()
    for cell in header:
        if cell in seen:
            raise InvalidInputError(f"{name}: the header names column {cell!r} twice")
        seen.add(cell)
    return header


def _record_lines(text: str, fields: int, name: str) -> npt.NDArray[np.int64]:
    """The line on which each record starts (the header's included), checking field counts.

    Without quotes a line is a record, counted in one vectorised pass; with quotes
    (a field may hold a comma, or span lines) the csv module tells where each
    record starts. Blank lines are skipped, as pandas skips them.
    """
    if '"' not in text:
        pd = _pandas()
        lines = pd.Series(text.splitlines())
        numbers = np.arange(1, len(lines) + 1)
        present = (lines.str.strip() != "").to_numpy()
        counts = lines.str.count(",").to_numpy() + 1
        wrong = present & (counts != fields)
        if wrong.any():
            first = int(np.flatnonzero(wrong)[0])
            _refuse_fields(name, int(numbers[first]), fields, int(counts[first]))
        found: npt.NDArray[np.int64] = numbers[present]
        return found
    starts = []
    reader = csv.reader(io.StringIO(text))
    previous = 0
    try:
        for row in reader:
            if row:
                if len(row) != fields:
                    _refuse_fields(name, previous + 1, fields, len(row))
                starts.append(previous + 1)
            previous = reader.line_num
    except csv.Error as error:  # a field over the csv module's limit (128 KB)
        raise InvalidInputError(f"{name}:{previous + 1}: not readable ({error})") from None
    return np.asarray(starts, dtype=np.int64)


def _refuse_fields(name: str, line: int, fields: int, saw: int) -> None:
    raise InvalidInputError(f"{name}:{line}: expected {fields} fields as in the header, saw {saw}")


def _number_column(texts: pd.Series[Any], decimal: Decimal) -> Any:
    """The column as numbers if every cell is a number or missing (and not a code), else None."""
    stripped = texts.str.strip()
    if stripped.str.fullmatch(r"0\d+").any():  # codes such as 010101 keep their zeros
        return None
    values, bad = parse_numbers(stripped, decimal)
    if bad.any() or np.isnan(values).all():
        return None
    whole = not np.isnan(values).any() and bool((values == np.round(values)).all())
    if whole and not stripped.str.contains(r"[.eE]", regex=True).any():
        return values.astype(np.int64)
    return values


def read_table(source: Source, *, decimal: Decimal = ".") -> pd.DataFrame:
    r"""Read a CSV table into a DataFrame whose index is each row's line in the file.

    Parameters
    ----------
    source : path, ``"-"`` or file object
        A UTF-8 CSV file (with or without a byte-order mark); ``"-"`` reads
        standard input.
    decimal : {".", ","}, default "."
        The decimal mark of the numbers. With ``"."`` a comma may only group
        thousands (``26,954``); ``9,5`` is refused rather than read as 95.

    Returns
    -------
    pandas.DataFrame
        Columns as in the header (surrounding spaces removed). A column whose
        cells are all numbers or missing (empty, ``NA``, ``N/A``, ``NaN``,
        ``null``, ``-``...) becomes numeric (int64 when all are whole and
        present, float64 with NaN otherwise); codes with leading zeros and
        every other column stay text. The index, named ``line``, is the line
        number of each row (the header is line 1).

    Raises
    ------
    InvalidInputError
        The file cannot be read, is not UTF-8, is empty, names a column twice, or
        a row has more or fewer fields than the header (naming the line).

    Examples
    --------
    >>> import io, mch_indicators as mch
    >>> text = 'county,year,deaths,births\n河阳县,2024,1,"13,957"\n石门县,2024,NA,8120\n'
    >>> frame = mch.read_table(io.StringIO(text))
    >>> frame.index.name, frame.index.tolist(), frame["county"].tolist()
    ('line', [2, 3], ['河阳县', '石门县'])
    >>> frame["births"].tolist(), frame["deaths"].tolist()
    ([13957, 8120], [1.0, nan])
    """
    pd = _pandas()
    name = _name(source)
    text = _BLANK.sub("", _text(source))
    header = _header(text, name)
    lines = _record_lines(text, len(header), name)
    try:
        frame = pd.read_csv(
            io.StringIO(text), header=None, dtype=str, keep_default_na=False,
            na_filter=False, skip_blank_lines=True,
        ).iloc[1:]  # fmt: skip
    except pd.errors.ParserError as error:  # pragma: no cover - the field check comes first
        raise InvalidInputError(f"{name}: not a readable CSV table ({error})") from None
    frame.columns = header
    frame.index = pd.Index(lines[1:], name="line")
    for column in header:
        numbers = _number_column(frame[column], decimal)
        if numbers is not None:
            frame[column] = numbers
        else:
            frame[column] = frame[column].str.strip()
    return _as_frame(frame)


def _as_frame(obj: Any) -> pd.DataFrame:
    return cast("pd.DataFrame", obj)


def _pandas() -> Any:
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover - pandas is a dependency
        raise ImportError("reading tables needs pandas: pip install pandas") from None
    return pd
