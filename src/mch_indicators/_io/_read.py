"""``read_table``: a table file in, a pandas DataFrame out, rows labelled by their place.

The frame's index is where each row is in the file: the line of a text file
(the header is line 1, or lower when title lines come first), named ``line``,
or the row number of a sheet, named ``row``. Every message about a row (a bad
number, a numerator above its denominator) then points into the file.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from mch_indicators._checks import SOURCE_KEY
from mch_indicators._errors import words
from mch_indicators._io._bounds import ReadLimits, check_size
from mch_indicators._io._cells import finish_table
from mch_indicators._io._delimited import read_delimited
from mch_indicators._io._excel import read_sheet
from mch_indicators._io._numbers import Decimal
from mch_indicators._io._source import Source, read_bytes, source_name, spreadsheet_kind
from mch_indicators._io._text import decode
from mch_indicators._labels import input_error

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["read_table"]


def read_table(
    source: Source,
    *,
    sheet: str | int | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    decimal: Decimal = ".",
    limits: ReadLimits | None = None,
) -> pd.DataFrame:
    r"""Read a table an office keeps (CSV, TSV, ``.xlsx``) into a DataFrame indexed by place.

    Parameters
    ----------
    source : path, ``"-"`` or file object
        A delimited text file or a workbook (``.xlsx``, ``.xlsm``, ``.xls``,
        ``.ods``; needs the ``excel`` extra), told apart by its bytes. ``"-"``
        reads standard input.
    sheet : str or int, optional
        The sheet of a workbook, by name or by position from 0 (default: the
        first visible sheet; hidden sheets before it are named in the checks).
    encoding : str, optional
        The encoding of a text file. By default a byte-order mark decides (UTF-8,
        UTF-16), else UTF-8, else GB18030 (which includes GBK and GB2312).
    delimiter : str, optional
        The field delimiter. By default it is detected among comma, tab,
        semicolon and vertical bar; one given that leaves the header in one
        field while another splits it is refused, naming the right one.
    decimal : {".", ","}, default "."
        The decimal mark of numbers in text. With ``"."`` a comma may only group
        thousands (``26,954``); ``9,5`` is refused rather than read as 95.
    limits : ReadLimits, optional
        How large a workbook (cells, inflated bytes, compression ratio) or a
        text table (columns) is read; beyond, a typed error naming the limit,
        before the Excel engine sees the file (default: :class:`ReadLimits`).

    Returns
    -------
    pandas.DataFrame
        Columns as in the header (surrounding spaces removed; empty rows and
        empty unnamed columns dropped). As offices lay tables out: title rows
        and rows naming the reporting unit or the unit of counts (填报单位：…,
        单位：人) above the header are skipped (a unit that is a multiple, 单位：万人, is
        an error naming its line: a count is never scaled by a guess), and so is a
        statistical form's row of column numbers under it (甲 | 1 | 2 | 3, 栏次 | 1 | 2 |
        3); two header rows are joined
        (孕产妇 over 死亡数: 孕产妇死亡数; 死亡数 over 孕产妇: 死亡数孕产妇, which
        :func:`mch_indicators.match_columns` and ``compute`` read in either order,
        so that it is maternal deaths still); notes and signature rows under the
        table (注：…, 填表人, 审核人, 填报日期) end it; merged cells of a workbook
        take the value of their range; ``2024年`` and ``2024年度`` are years.
        Each of these, and hidden rows and columns, is a row of the read's data
        checks, :func:`mch_indicators.checks` of the frame. A column whose cells are all numbers or
        missing (empty, ``NA``, ``N/A``, ``NaN``, ``null``, ``-``, ``缺失``...)
        becomes numeric (int64 when all are whole and present, float64 with NaN
        otherwise); codes with leading zeros and every other column stay text.
        The index is the line number of each row in a text file (named
        ``line``), or its row number in the sheet (named ``row``).

    Raises
    ------
    InvalidInputError
        One clear message: the file cannot be read; it cannot be decoded (naming
        the encodings tried and the line); the delimiter given is wrong (naming
        the right one); a sheet is not in the workbook (listing them); the file
        is empty, names a column twice, or a row has more or fewer fields than
        the header (naming the line); a field over 128 KB (naming the line); a
        row of data after the notes; a formula never calculated (naming the
        cell); bytes that read as Latin-1 rather than GBK (showing the line
        both ways); a workbook beyond ``limits``.

    Examples
    --------
    >>> import io, mch_indicators as mch
    >>> text = '县区,年份,活产数,孕产妇死亡数\n河阳县,2024,"13,957",1\n石门县,2024,8120,NA\n'
    >>> frame = mch.read_table(io.BytesIO(text.encode("gbk")))
    >>> frame.index.name, frame.index.tolist(), frame["县区"].tolist()
    ('line', [2, 3], ['河阳县', '石门县'])
    >>> frame["活产数"].tolist(), frame["孕产妇死亡数"].tolist()
    ([13957, 8120], [1.0, nan])
    """
    frame = _read(source, sheet, encoding, delimiter, decimal, limits)
    frame.attrs[SOURCE_KEY] = uuid.uuid4().hex  # this read: its parts' checks are one table's
    return frame


def _read(
    source: Source,
    sheet: str | int | None,
    encoding: str | None,
    delimiter: str | None,
    decimal: Decimal,
    limits: ReadLimits | None,
) -> pd.DataFrame:
    name = source_name(source)
    raw = read_bytes(source)
    kind = spreadsheet_kind(raw)
    if kind is not None and isinstance(raw, bytes):
        if encoding is not None or delimiter is not None:
            raise input_error("read_workbook_no_encoding", name=name)
        cells, sheet_name, facts, first_column = read_sheet(raw, name, sheet, limits)
        return finish_table(
            cells, name, decimal, place=words("read_in_sheet", name=name, sheet=sheet_name),
            facts=facts,
            first_column=first_column,
        )  # fmt: skip
    if sheet is not None:
        raise input_error("read_sheet_text", name=name)
    if isinstance(raw, bytes):
        check_size(raw, name, limits or ReadLimits())
    text, _ = decode(raw, name, encoding)
    if not text.strip():
        raise input_error("read_empty", name=name)
    return read_delimited(text, name, delimiter, decimal, limits)
