"""Text in number and date fields, read the same way by every engine (narwhals expressions).

A register exported as text holds numbers and dates as strings. A field's text is
read by one grammar, written as expressions every engine evaluates alike (pandas,
polars, pyarrow, DuckDB, dask, PySpark), so that a cell is never an engine's error:

- an empty cell (or only spaces) is **missing**, and so is a word that means "not
  reported" in the office's cell grammar (``NaN``, ``nan``, ``NA``, ``null``, ``-``,
  ``缺失``, ``不详``: :data:`~mch_indicators._io._numbers.MISSING_TOKENS`, case folded),
  as a CSV reader that reads ``NaN`` as a float's NaN makes it: the same file read by
  polars (``nan`` kept as text) and by DuckDB (``nan`` read as NaN) is one reading;
- a number is an optional sign, digits with an optional decimal point, and an
  optional exponent (``38``, `` 40.5 ``, ``1e3``); anything else (``四十``,
  ``Infinity``, ``1,000``) is **not a number**;
- a date is year, month and day, in this order, written ``2024-01-05``,
  ``2024/01/05``, ``2024.01.05`` or ``20240105``, and a day of that month
  (``2024-02-29`` yes, ``2023-02-29`` and ``2024-02-30`` no); anything else
  (``05/01/2024``, ``2024-1-5``) is **not a date**; a date field held as numbers
  (``20240105``, as spreadsheets and CSV readers give it) is read as that text.

A value that is not a number or not a date cannot be classified: the records it
decides are reported as unclassified, with the reason ``<field>: not a number`` or
``<field>: not a date`` in the data-quality table.
"""

from __future__ import annotations

import narwhals as nw

from mch_indicators._io._numbers import MISSING_TOKENS
from mch_indicators._text import ENGINE_SPACES

__all__ = ["UNPARSED", "read_date", "read_date_number", "read_number"]

#: The suffix of the column flagging text that is not a number or not a date.
UNPARSED = "__unparsed"

# one way only to read a run of digits (no [0-9]+[.]?[0-9]*: split at every digit of a
# long run it is quadratic in pandas' Python re; no possessive: RE2 and Rust lack it)
_NUMBER = r"^[+-]?(?:[0-9]+(?:[.][0-9]*)?|[.][0-9]+)(?:[eE][+-]?[0-9]+)?$"
_DATE = (
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$|^[0-9]{4}/[0-9]{2}/[0-9]{2}$"
    r"|^[0-9]{4}[.][0-9]{2}[.][0-9]{2}$|^[0-9]{8}$"
)


def _text(name: str) -> tuple[nw.Expr, nw.Expr]:
    """The cell's text without surrounding spaces, and whether it is missing.

    Missing: null, empty, or a word of the cell grammar meaning "not reported" (``NA``).

    The spaces are the ones a code loses (``ENGINE_SPACES``, the ideographic and no-break
    spaces too), named so that every engine strips the same: DuckDB's and pyarrow's own
    trims take ASCII spaces only. Null is tested before the cast: pandas 2 casts a None in
    an object column to "None".
    """
    cell = nw.col(name)
    text = cell.cast(nw.String()).str.strip_chars(ENGINE_SPACES)
    said = text.str.to_lowercase().is_in(_MISSING_WORDS).fill_null(False)
    return text, cell.is_null() | text.is_null() | (text.str.len_chars() == 0) | said


#: The words of the cell grammar that mean "not reported", lower case (the empty one is
#: tested by its length).
_MISSING_WORDS = sorted(word for word in MISSING_TOKENS if word)


def read_number(name: str) -> tuple[nw.Expr, nw.Expr]:
    """(the number, or null) and (True where the text is not a number) of a text column."""
    text, blank = _text(name)
    number = text.str.contains(_NUMBER).fill_null(False)
    return nw.when(number).then(text).cast(nw.Float64()), ~blank & ~number


def read_date(name: str) -> tuple[nw.Expr, nw.Expr]:
    """(the date, or null) and (True where the text is not a date) of a text column."""
    return _date(*_text(name))


def read_date_number(name: str, *, whole: bool) -> tuple[nw.Expr, nw.Expr]:
    """(the date, or null) and (True where it is no date) of a column of numbers ``20240105``.

    A spreadsheet or a CSV reader gives a date written ``20240105`` as an integer
    (as a float when the column has blanks): it is read as that text would be, a
    number with a fraction or out of the eight digits' range being no date.
    ``whole`` says the column's type holds integers only.
    """
    cell = nw.col(name)
    blank = cell.is_null() if whole else cell.is_null() | cell.is_nan().fill_null(True)
    shaped = (cell >= 10_000_101) & (cell <= 99_991_231)
    if not whole:
        shaped = ~blank & shaped & (cell == cell.round(0))
    shaped = shaped.fill_null(False)
    digits = nw.when(shaped).then(cell).otherwise(0).cast(nw.Int64()).cast(nw.String())
    return _date(nw.when(shaped).then(digits), blank)


def _date(text: nw.Expr, blank: nw.Expr) -> tuple[nw.Expr, nw.Expr]:
    shaped = text.str.contains(_DATE).fill_null(False)
    digits = nw.when(shaped).then(text.str.replace_all(r"[-/.]", ""))
    year, month, day = (digits.str.slice(start, length).cast(nw.Float64())
                        for start, length in ((0, 4), (4, 2), (6, 2)))  # fmt: skip
    leap = ((year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))).cast(nw.Int64())
    short = month.is_in([4.0, 6.0, 9.0, 11.0]).cast(nw.Int64())
    days = 31 - short - (month == 2).cast(nw.Int64()) * (3 - leap)
    valid = (shaped & (month >= 1) & (month <= 12) & (day >= 1) & (day <= days)).fill_null(False)
    parts = [digits.str.slice(start, length) for start, length in ((0, 4), (4, 2), (6, 2))]
    iso = nw.concat_str(parts, separator="-")
    return nw.when(valid).then(iso).str.to_datetime("%Y-%m-%d"), ~blank & ~valid
