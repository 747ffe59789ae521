"""The grammar of numbers in table cells, shared by every reader.

A cell is missing when empty or one of :data:`MISSING_TOKENS`; otherwise it is a
number when it is, after surrounding spaces: an optional sign, digits with
thousands separators only where grouping is valid (``26,954``, ``1,234,567``;
never ``9,5`` or ``1,2,3``), an optional decimal point and fraction, and an
optional exponent. A decimal comma (``9,5``) is refused unless the reader is
told ``decimal=","``; then ``.`` or a space groups thousands (``1.234,5``).
A number too large for a float (``1e400``, a 400-digit count) is not a number
either: it would read as infinity; nor is one too small for a float (``1e-400``),
which would read as 0. Full-width forms (``２６，９５４``) are read as their plain
forms (Unicode NFKC). Digits are those offices write, ASCII and full-width: another
script's digits (``٢``, ``০``, ``२``) are not read as numbers, whether pandas holds the
column as Python strings or in pyarrow.

A year is read here too, whatever the spelling (:func:`year_of`): ``2024``,
``2024年``, ``2024年度``, ``二〇二四``, ``二零二四年``, ``２０２４``, and a workbook's cell
that holds 2024 in a date format (Excel shows it as 1905-07-16, the engine reads that
date: its day number is the year); every reader and the units of a table
(:func:`parse_years`) read it by this one grammar, so that one year written two ways is
one period.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import numpy.typing as npt

from mch_indicators._errors import DECIMAL_COMMA, Hint
from mch_indicators._labels import Words, words
from mch_indicators._text import fold_code

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "FIRST_YEAR",
    "INT64_END",
    "LAST_YEAR",
    "MISSING_TOKENS",
    "Decimal",
    "bad_number_hint",
    "describe_bad_number",
    "dot_thousands",
    "fits_int64",
    "parse_numbers",
    "parse_years",
    "underflows",
    "year_of",
    "year_texts",
]

Decimal = Literal[".", ","]

#: The first whole number beyond int64: cast to int64, it and any larger one wraps round.
INT64_END = 2.0**63


def fits_int64(values: npt.NDArray[np.float64]) -> bool:
    """Whether every value is present, whole and within int64, so that it reads as an integer.

    A larger whole number stays a float: cast, ``1e300`` would read as
    -9223372036854775808, a negative count.

    Examples
    --------
    >>> fits_int64(np.array([1.0, 26954.0])), fits_int64(np.array([1.0, 1e300]))
    (True, False)
    """
    with np.errstate(invalid="ignore"):
        return bool(((values == np.round(values)) & (np.abs(values) < INT64_END)).all())


#: Cell texts that mean "not reported" (compared after stripping and case folding).
MISSING_TOKENS = frozenset(
    {"", "na", "n/a", "nan", "null", "none", "-", "—", "--", "缺失", "不详"}
)

#: The digits of the grammar: ASCII only, as offices write them (full-width ones are folded
#: to these first). Never ``\d``, which Python's ``re`` reads as any script's digit (٢, ০):
#: one grammar whatever engine runs it (pandas' Python strings, pyarrow's RE2).
_D = "[0-9]"
_EXPONENT = rf"(?:[eE][+-]?{_D}+)?"
_POINT = re.compile(
    rf"[+-]?(?:{_D}{{1,3}}(?:,{_D}{{3}})+|{_D}+)(?:\.{_D}*)?{_EXPONENT}|[+-]?\.{_D}+{_EXPONENT}"
)
_COMMA = re.compile(
    rf"[+-]?(?:{_D}{{1,3}}(?:[. ]{_D}{{3}})+|{_D}+)(?:,{_D}*)?{_EXPONENT}|[+-]?,{_D}+"
)


#: The years a cell, a template or ``--year`` may name: one range for every surface.
FIRST_YEAR, LAST_YEAR = 1900, 2099
#: A year as offices write it, once its digits are plain: 2024, 2024年, 2024年度
#: (19xx and 20xx: FIRST_YEAR to LAST_YEAR).
_YEAR = re.compile(r"((?:19|20)[0-9][0-9])(?:年度|年)?")
#: Chinese numerals as a year is written, digit by digit: 二〇二四, 二零二四.
_CHINESE_DIGITS = str.maketrans("〇○零一二三四五六七八九", "000123456789")
#: Day 0 of a workbook's dates (Excel's 1900 system, as calamine reads it): a cell holding
#: 2024 formatted as a date is 2024 days after it, 1905-07-16.
_EXCEL_EPOCH = datetime.datetime(1899, 12, 30)


#: A date as a text column writes it (a date cell read among text: ``2024-01-01``,
#: ``2024-01-01 00:00:00``, ``2024/1/1``), in a column of years only.
_DATE_TEXT = re.compile(
    r"((?:19|20)[0-9][0-9])[-/.]([0-9]{1,2})[-/.]([0-9]{1,2})(?:[ T][0-9:.]+)?"
)
#: The day numbers of a workbook's dates from FIRST_YEAR to LAST_YEAR: 1900-01-01 is
#: day 2 (no year below 1900 is read), 2099-12-31 day 73,050.
_LAST_DAY = (datetime.datetime(LAST_YEAR, 12, 31) - _EXCEL_EPOCH).days


def year_of(value: object, *, dates: bool = False) -> int | None:
    """The year a cell writes, or None: ``2024``, ``2024.0``, ``2024年``, ``二〇二四``...

    A date is a year when it is a whole number of days from day 0 of a workbook's
    dates between 1900 and 2099 (1905-03-14 to 1905-09-30): a cell holding the year
    in a date format. Any other date is no year, unless ``dates`` says the cell is
    in a column of years (an office table's 年份): there a date is read as its
    year, whether a date cell (2024-01-01), its text, or its day number in a
    workbook (45292, above the last year); one year written as a date in some rows
    and as a number in others is then one period, not two.

    Examples
    --------
    >>> [year_of(v) for v in ("2024年度", "二〇二四年", "２０２４", 2024.0, "2024上半年", "24")]
    [2024, 2024, 2024, 2024, None, None]
    >>> import datetime
    >>> year_of(datetime.date(1905, 7, 16)), year_of(datetime.date(2024, 7, 16))
    (2024, None)
    >>> [year_of(v, dates=True) for v in (datetime.date(2024, 7, 16), "2024-01-01", 45292, 2024)]
    [2024, 2024, 2024, 2024]
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, datetime.date):
        held = _year_of_date(value)
        return held if held is not None or not dates else _in_range(value.year)
    if isinstance(value, int | np.integer):
        if FIRST_YEAR <= value <= LAST_YEAR:
            return int(value)
        return _year_of_day(float(value)) if dates else None
    if isinstance(value, float | np.floating):
        if dates and value == value and LAST_YEAR < value <= _LAST_DAY:
            return _year_of_day(float(value))  # a date and time: a day and its fraction
        whole = value == value and float(value).is_integer()
        return year_of(int(value), dates=dates) if whole else None
    if not isinstance(value, str):
        return None
    text = "".join(unicodedata.normalize("NFKC", value).split()).translate(_CHINESE_DIGITS)
    found = _YEAR.fullmatch(text)
    if found:
        return int(found.group(1))
    return _year_of_text(value) if dates else None


def _in_range(year: int) -> int | None:
    return year if FIRST_YEAR <= year <= LAST_YEAR else None


def _year_of_day(day: float) -> int | None:
    """The year of a workbook's day number above the last year (45292: 2024-01-01), or None."""
    if not LAST_YEAR < day <= _LAST_DAY:
        return None
    return (_EXCEL_EPOCH + datetime.timedelta(days=int(day))).year


def _year_of_text(value: str) -> int | None:
    """The year of a date's text (``2024-01-01``) or of a day number's (``45292``), or None."""
    text = unicodedata.normalize("NFKC", value).strip()
    if text.isascii() and text.isdigit():
        return _year_of_day(float(text))
    found = _DATE_TEXT.fullmatch(text)
    if not found:
        return None
    try:
        moment = datetime.date(*(int(part) for part in found.groups()))
    except ValueError:  # 2024-02-30: no date
        return None
    return year_of(moment, dates=True)


def _year_of_date(value: datetime.date) -> int | None:
    """The year a date-formatted cell holds (its day number), or None for a real date."""
    moment = (
        value
        if isinstance(value, datetime.datetime)
        else datetime.datetime(value.year, value.month, value.day)
    )
    days = (moment.replace(tzinfo=None) - _EXCEL_EPOCH) / datetime.timedelta(days=1)
    return int(days) if days.is_integer() and 1900 <= days <= 2099 else None


def parse_years(cells: pd.Series[Any], *, dates: bool = False) -> npt.NDArray[Any] | None:
    """A column's years as numbers when some cell writes one as text (``2024年``), else None.

    Every filled cell must be a year (:func:`year_of`; with ``dates``, the column is
    one of years, where a date is read as its year); blank cells are NaN (the
    result is then float, else int64). None when a filled cell is not a year, or
    when no cell is text or a date (a column of numbers is read as numbers already).

    Examples
    --------
    >>> import pandas as pd
    >>> parse_years(pd.Series(["2024年", "二〇二四", 2024])).tolist()
    [2024, 2024, 2024]
    >>> parse_years(pd.Series(["2024年", "合计"])) is None
    True
    """
    codes, distinct = cells.factorize()  # each spelling read once, not each cell
    found: list[float] = []
    text = False
    for value in distinct.tolist():
        if isinstance(value, str) and not value.strip():
            found.append(np.nan)  # a blank cell
            continue
        year = year_of(value, dates=dates)
        if year is None:
            return None
        text = text or not isinstance(value, int | float | np.number)
        found.append(year)
    if not text:
        return None
    table = np.array([*found, np.nan], dtype=np.float64)
    years: npt.NDArray[np.float64] = table[np.asarray(codes)]  # code -1 (missing) is the NaN
    return years if np.isnan(years).any() else years.astype(np.int64)


def year_texts(cells: pd.Series[Any], *, dates: bool = False) -> pd.Series[Any] | None:
    """A column of periods as text with its years written one way, or None if unchanged.

    For a column :func:`parse_years` does not read as years because some cell is
    another period (``2024年第一季度``, ``2024上半年``): such cells are kept as
    written, and each cell writing a year (:func:`year_of`: ``2024年``, ``2024``,
    ``二〇二四``) becomes its year's digits, so one year written two ways is one period.

    Examples
    --------
    >>> import pandas as pd
    >>> year_texts(pd.Series(["2024年", 2024, "2024年第一季度"])).tolist()
    ['2024', '2024', '2024年第一季度']
    >>> year_texts(pd.Series(["2024年第一季度", "2024年第二季度"])) is None
    True
    """
    spelled: dict[object, str] = {}
    for value in cells.dropna().unique().tolist():  # each spelling read once, not each cell
        year = year_of(value, dates=dates)
        if year is not None and value != str(year):
            spelled[value] = str(year)
    if not spelled:
        return None
    return cells.astype(object).map(lambda v: spelled.get(v, v), na_action="ignore")


def _pattern(decimal: Decimal) -> re.Pattern[str]:
    return _POINT if decimal == "." else _COMMA


def _to_point(texts: pd.Series[str], decimal: Decimal) -> pd.Series[str]:
    if decimal == ".":
        return texts.str.replace(",", "", regex=False)
    return texts.str.replace(r"[. ]", "", regex=True).str.replace(",", ".", regex=False)


def parse_numbers(
    texts: pd.Series[Any], decimal: Decimal = "."
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.bool_]]:
    """Numbers of a column of cell texts, and where a cell is not a number.

    Returns ``(values, bad)``: ``values`` is float64 with NaN for missing and bad
    cells, ``bad`` is True where a non-missing cell does not follow the grammar.

    Examples
    --------
    >>> import pandas as pd
    >>> values, bad = parse_numbers(pd.Series(["26,954", " 7.5 ", "NA", "9,5", "1,2,3"]))
    >>> values.tolist(), bad.tolist()
    ([26954.0, 7.5, nan, nan, nan], [False, False, False, True, True])
    >>> parse_numbers(pd.Series(["1e-400", "0e5", "1e400"]))[1].tolist()  # never 0, never inf
    [True, False, True]
    """
    stripped = _plain(texts)
    missing = stripped.isna() | stripped.str.casefold().isin(MISSING_TOKENS)
    # as text, and grouped: pandas 2.2's pyarrow strings take no compiled pattern, and anchor
    # a fullmatch by writing ^ and $ around it, which would bind to the first and last
    # alternatives only
    grammar = f"(?:{_pattern(decimal).pattern})"
    number = stripped.str.fullmatch(grammar, na=False).astype(bool)
    good = number & ~missing
    values = np.full(len(texts), np.nan)
    if good.any():
        converted = _to_point(stripped[good], decimal).astype("float64")
        values[good.to_numpy()] = converted.to_numpy()
    bad = (~missing & ~number).to_numpy(dtype=bool, copy=True)
    overflow = np.isinf(values)
    if overflow.any():  # digits beyond any float: not a number, never infinity
        bad |= overflow
        values[overflow] = np.nan
    zero = good.to_numpy(dtype=bool) & (values == 0)
    if zero.any():  # 1e-400 reads as 0: a number too small for a float, never 0
        mantissa = stripped[zero].str.replace(r"[eE].*$", "", regex=True)
        digits = mantissa.str.contains(r"[1-9]", regex=True, na=False).to_numpy(dtype=bool)
        where = np.flatnonzero(zero)[digits]  # "0", "0.00": zero as written, read once
        where = where[[underflows(cell, decimal) for cell in stripped.iloc[where]]]
        bad[where] = True
        values[where] = np.nan
    return values, bad


def _plain(texts: pd.Series[Any]) -> pd.Series[Any]:
    """Cell texts stripped, full-width digits and commas as their plain forms (NFKC)."""
    stripped = texts.astype("string").str.strip()
    # any character beyond ASCII (``.str.isascii`` needs pandas 3)
    wide = stripped.str.contains(r"[^\x00-\x7f]", regex=True, na=False).astype(bool)
    if wide.any():
        stripped[wide] = stripped[wide].map(fold_code)
    return stripped


#: A whole number of one to three digits written with a dot and three zeros: 1.000 is 1
#: to three decimals, or 1,000 with a dot between the thousands (0.000 is 0 either way).
_DOT_GROUP = r"(?:[+-]?[1-9][0-9]{0,2}\.000)"
#: A cell that shows the column's dot is a decimal point: a comma grouping thousands, a
#: dot with other than three digits after it, or more than three digits before it.
_POINT_SHOWN = (
    r"(?:[+-]?[0-9,]*,[0-9,.]*"
    r"|[+-]?[0-9]*\.(?:[0-9]{0,2}|[0-9]{4,})"
    r"|[+-]?[0-9]{4,}\.[0-9]*)"
)


def dot_thousands(texts: pd.Series[Any]) -> npt.NDArray[np.bool_]:
    """Where a text cell of a count could be 1 or 1,000: ``1.000`` with nothing to tell.

    A cell of one to three digits, a dot and ``000`` reads as a whole number, but an
    office whose tool groups thousands with a dot means a thousand times more. It is
    ambiguous (True) unless another cell of the column shows the dot as a decimal point
    (``12.5``, ``26954.000``, or a comma grouping thousands, ``26,954``). Readers keep
    such a column as its texts; a count read from them is refused naming the cell.

    Examples
    --------
    >>> import pandas as pd
    >>> dot_thousands(pd.Series(["1.000", "26,954", None])).tolist()
    [False, False, False]
    >>> dot_thousands(pd.Series(["1.000", "2.000", "７.０００", "12"])).tolist()
    [True, True, True, False]
    >>> dot_thousands(pd.Series(["1.000", "3.5"])).tolist()
    [False, False]
    """
    stripped = _plain(texts)
    grouped = stripped.str.fullmatch(_DOT_GROUP, na=False).to_numpy(dtype=bool)
    if not grouped.any():
        return grouped
    if stripped.str.fullmatch(_POINT_SHOWN, na=False).any():
        return np.zeros(len(texts), dtype=bool)
    return grouped


def describe_bad_number(text: object, decimal: Decimal = ".") -> Words:
    """Why one cell is not a number, in English and Chinese (label messages).

    A cell that :func:`underflows` is said as every reader says it (``number_too_small``
    of the label table, which the DHIS2 reader says too). What would let a cell through,
    if anything, is :func:`bad_number_hint`.

    Examples
    --------
    >>> said = describe_bad_number("无")
    >>> said.en, said.zh
    ("'无' is not a number", '“无”不是数字：确为0请填0，未上报请留空')
    >>> describe_bad_number("12,345人").zh
    '“12,345人”不是数字：只填数字，不带单位“人”'
    >>> describe_bad_number("97.99%").zh
    '“97.99%”是比例，不是计数：请填人数（率由程序计算）'
    >>> describe_bad_number("1e-400").en
    "'1e-400' is too small a number (it would read as 0)"
    """
    cell = str(text).strip()
    day = _day_number(text)
    if day is not None:
        return words("count_as_date", cell=cell, number=day)
    folded = cell.casefold().lstrip("+-")
    if folded in {"inf", "infinity", "∞"}:
        return words("number_not_finite", cell=cell)
    shown = cell if len(cell) <= 40 else cell[:20] + "…" + cell[-5:]
    if underflows(cell, decimal):  # before "too large": 0.000…1 is long, and small
        return words("number_too_small", cell=shown)
    if re.fullmatch(r"[+-]?[0-9,.]+(?:[eE][+-]?[0-9]+)?", cell) and len(cell) > 20:
        return words("number_too_large", cell=shown, length=len(cell))
    if any(c.isdecimal() and not "0" <= c <= "9" for c in unicodedata.normalize("NFKC", cell)):
        return words("number_digits", cell=shown)
    if _decimal_comma(cell, decimal):
        return words("number_comma", cell=cell)
    return _with_unit(cell) or words("not_a_number", cell=cell)


#: A date as a workbook's date cell reads as text (``1902-09-26``, ``1902-09-26 00:00:00``).
_DATE_CELL = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}(?: [0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?)?")


def _day_number(value: object) -> str | None:
    """The number a date-formatted cell holds (its day number), or None if not a date.

    A count in a cell formatted as a date reads as the date Excel shows (1000 as
    1902-09-26): a date, or its text, is said with that number.

    Examples
    --------
    >>> _day_number("1902-09-26"), _day_number("1900-01-01 12:00:00"), _day_number("26,954")
    ('1000', '1.5', None)
    """
    if isinstance(value, str):
        text = value.strip()
        if not _DATE_CELL.fullmatch(text):
            return None
        try:
            value = datetime.datetime.fromisoformat(text)
        except ValueError:  # 2024-02-30: no date
            return None
    if not isinstance(value, datetime.date):
        return None
    moment = (
        value
        if isinstance(value, datetime.datetime)
        else datetime.datetime(value.year, value.month, value.day)
    )
    moment = moment.replace(tzinfo=None)
    days = (moment - _EXCEL_EPOCH) / datetime.timedelta(days=1)
    if moment < datetime.datetime(1900, 3, 1):  # Excel's 29 February 1900, which was not
        days -= 1
    if days <= 0:
        return None
    return str(int(days)) if days.is_integer() else f"{days:g}"


#: A number followed by a unit of count (12,345人) or a percent sign (97.99%).
_UNIT_AFTER = re.compile(r"[+-]?[0-9,.]*[0-9]\s*([人例名个次户位%‰])")


def _with_unit(cell: str) -> Words | None:
    """Why a number written with its unit (``12,345人``, ``97.99%``) is refused, or None."""
    found = _UNIT_AFTER.fullmatch(unicodedata.normalize("NFKC", cell))  # ３例, ９７％
    if found is None:
        return None
    unit = found[1]
    if unit in "%‰":
        return words("number_as_rate", cell=cell)
    return words("number_with_unit", cell=cell, unit=unit)


def bad_number_hint(text: object, decimal: Decimal = ".") -> Hint | None:
    """The setting that would read ``text`` as a number: ``decimal=','`` for ``9,5``, or None.

    Examples
    --------
    >>> bad_number_hint("9,5").python()
    "pass decimal=',' if the file writes a decimal comma (9,5 for 9.5, 26.954 for 26954)"
    >>> bad_number_hint("abc") is None, bad_number_hint("9,5", decimal=",") is None
    (True, True)
    """
    return DECIMAL_COMMA if _decimal_comma(str(text).strip(), decimal) else None


def _decimal_comma(cell: str, decimal: Decimal) -> bool:
    """Whether ``cell`` is a number written with a decimal comma (``9,5``) read with a point."""
    return decimal == "." and re.fullmatch(r"[+-]?[0-9]+,[0-9]{1,2}", cell) is not None


def underflows(cell: str, decimal: Decimal = ".") -> bool:
    """Whether ``cell`` writes a number other than 0 that a float reads as 0.

    ``1e-400``, or ``0.`` and 400 zeros before a 1: a count no float holds, which
    every reader refuses (``number_too_small`` of the label table) rather than read as
    0. The one test of it: :func:`parse_numbers` asks it of the cells that read as 0, and
    :func:`describe_bad_number` and the DHIS2 reader of the cells they describe.

    Examples
    --------
    >>> underflows("1e-400"), underflows("0." + "0" * 400 + "1"), underflows("0e-400")
    (True, True, False)
    >>> underflows("1,5e-400", decimal=","), underflows("1e-300"), underflows("x")
    (True, False, False)
    """
    # possessive, and the digit other than 0 looked for after: a digit run read once
    found = re.fullmatch(r"[+-]?([0-9,. ]++)((?:[eE][+-]?[0-9]++)?)", cell.strip())
    if found is None or found.group(1).strip("0,. ") == "":
        return False
    mantissa = found.group(1)
    if decimal == ".":
        mantissa = mantissa.replace(",", "")
    else:
        mantissa = mantissa.replace(".", "").replace(" ", "").replace(",", ".")
    try:
        return float(mantissa + found.group(2)) == 0
    except ValueError:
        return False
