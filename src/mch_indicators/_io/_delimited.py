"""Delimited text tables: CSV, TSV and their cousins, with the delimiter found or checked.

The delimiter is chosen from ``,``, tab, ``;`` and ``|`` by the first lines:
the one that splits the header into the most fields and gives the same number
of fields on the lines below wins. A delimiter given by the caller is checked
the same way, so that a tab-separated file read as CSV is named as such instead
of becoming one column whose name is the whole header.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from itertools import islice
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import numpy.typing as npt

from mch_indicators._checks import attach
from mch_indicators._errors import InvalidInputError, Words, delimiter_hint
from mch_indicators._io._bounds import FIELD_LIMIT, ReadLimits
from mch_indicators._io._cells import (
    blank_values,
    check_header,
    column_numbers_below,
    field_count,
    finish_table,
    headed_columns,
    header_position,
    skipped_above,
    sub_header,
    typed_column,
)
from mch_indicators._io._numbers import INT64_END, Decimal, dot_thousands, fits_int64
from mch_indicators._labels import error_of, input_error, words
from mch_indicators._layout import layout
from mch_indicators._optional import pandas as _pandas

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["DELIMITERS", "choose_delimiter", "read_delimited", "sniff_delimiter"]

#: Delimiters tried, with the names messages use.
DELIMITERS = {",": "comma", "\t": "tab", ";": "semicolon", "|": "vertical bar"}
_BLANK = re.compile(r"(?m)^[ \t]+$")
_CODE = re.compile(r"0[0-9]+")


def _fields(lines: list[str], delimiter: str) -> list[int]:
    return [len(row) for row in csv.reader(lines, delimiter=delimiter) if any(row)]


def _score(lines: list[str], delimiter: str) -> tuple[int, int]:
    """(header fields, lines agreeing with the header) for ``delimiter``."""
    counts = _fields(lines, delimiter)
    if not counts or counts[0] < 2:
        return (0, 0)
    return (counts[0], sum(c == counts[0] for c in counts[1:]))


def sniff_delimiter(text: str) -> str | None:
    r"""The delimiter of ``text`` judged by its first lines, or None for one column.

    Examples
    --------
    >>> sniff_delimiter("县区\t活产数\n河阳县\t13957\n")
    '\t'
    >>> sniff_delimiter('county,births\n"a, b",1\nc,3\n')
    ','
    """
    lines = list(islice(io.StringIO(text[:65536]), 20))
    scores = {d: _score(lines, d) for d in DELIMITERS}
    best = max(scores, key=lambda d: (scores[d][1], scores[d][0]))
    return best if scores[best][0] >= 2 else None


def _check_delimiter(text: str, delimiter: str, name: str) -> None:
    """Refuse a delimiter that leaves the header in one field when another splits it."""
    try:
        header = next(csv.reader(io.StringIO(text), delimiter=delimiter), [])
    except csv.Error:  # a field over 128 KB: the limits check names its line
        return
    if len(header) > 1:
        return
    found = sniff_delimiter(text)
    if found is not None and found != delimiter:
        raise error_of(
            InvalidInputError,
            "one_field_header",
            hint=delimiter_hint(found),
            name=name,
            delimiter=delimiter,
            found=words("delimiter_" + DELIMITERS[found].replace(" ", "_")),
        )


_ODD_BREAKS = "\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"  # str.splitlines breaks there; csv does not


def _prefix(text: str, lines: int) -> str:
    """The first ``lines`` lines of ``text`` (without copying the rest)."""
    end = -1
    for _ in range(lines):
        end = text.find("\n", end + 1)
        if end < 0:
            return text
    return text[: end + 1]


def _split_lines(text: str) -> list[str]:
    """Physical lines as csv and pandas count them (ended by CR LF, CR or LF)."""
    if not any(mark in text for mark in _ODD_BREAKS):
        return text.splitlines()
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def _head(
    text: str, delimiter: str, name: str, records: int | None = 1000
) -> tuple[pd.DataFrame, list[int]]:
    """The first records (all with None) as cells by line, and how many fields each has.

    Ragged rows are padded, so that title rows above the header are allowed.
    """
    source = text if records is None else _prefix(text, records)
    reader = csv.reader(io.StringIO(source), delimiter=delimiter)
    rows, lines, previous = [], [], 0
    try:
        for row in islice(reader, records):
            rows.append(row)
            lines.append(previous + 1)
            previous = reader.line_num
    except csv.Error as error:  # a field over the csv module's limit (128 KB)
        what = "read_header_unreadable" if not rows else "read_record_unreadable"
        raise input_error(what, name=name, line=previous + 1, error=error) from None
    width = max((len(row) for row in rows), default=0)
    padded = [row + [""] * (width - len(row)) for row in rows]
    module = _pandas()
    index = module.Index(lines, name="line")
    head = cast("pd.DataFrame", module.DataFrame(padded, index=index, dtype=object))
    return head, [len(row) for row in rows]


#: How a file that is markup, not a table of text, begins (after a BOM and spaces): a web
#: page or an "XML Spreadsheet 2003", which information systems export as ``.xls``.
_MARKUP = {
    "html": re.compile(r"<(?:!doctype\s+html|html|table|head|body|meta)\b", re.I),
    "xml_spreadsheet": re.compile(
        r"<\?xml\b[^>]*>\s*(?:<\?mso-application[^>]*>\s*)?<(?:\w+:)?Workbook\b", re.I
    ),
}


def refuse_markup(text: str, name: str) -> None:
    r"""Refuse a web page or an XML Spreadsheet 2003 read as delimited text, in both languages.

    Such a file, named ``.xls``, is what many information systems export; read as
    text it was one column headed ``<html>`` and "no data rows under the header".

    Examples
    --------
    >>> refuse_markup("县区,年份\n", "a.csv")
    >>> try:
    ...     refuse_markup("\ufeff <html><table><tr><td>县区</td></tr></table>", "a.xls")
    ... except InvalidInputError as error:
    ...     print(error.reason_zh.split("，")[0])
    a.xls：这是网页文件（HTML）
    """
    start = text[:4096].lstrip("\ufeff \t\r\n")
    for kind, pattern in _MARKUP.items():
        if pattern.match(start):
            raise input_error(f"markup_{kind}", name=name)


def choose_delimiter(text: str, name: str, delimiter: str | None) -> str:
    """The delimiter given (checked) or detected; a web page or XML workbook is refused."""
    refuse_markup(text, name)
    if delimiter is None:
        return sniff_delimiter(text) or ","
    if len(delimiter) != 1:
        raise input_error("read_delimiter_one", delimiter=delimiter)
    _check_delimiter(text, delimiter, name)
    return delimiter


def line_ends(text: str) -> str:
    """CR LF and lone CR (Excel's "CSV (Macintosh)") as LF."""
    if "\r" not in text:
        return text
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _longest_run_bytes(text: str, delimiter: str) -> int:
    """An upper bound of the longest run of characters with no line end and no delimiter.

    Counted in bytes of UTF-8 with numpy (Python's regular expressions take seconds
    over a long file); exact for ASCII, never below the count in characters.
    """
    data = np.frombuffer(text.encode("utf-8", "surrogatepass"), dtype=np.uint8)
    stop = data == ord("\n")
    if ord(delimiter) < 0x80:  # (a delimiter of several bytes: runs by line, a bound too)
        stop |= data == ord(delimiter)
    ends = np.flatnonzero(stop)
    if not ends.size:
        return int(data.size)
    runs = np.diff(ends) - 1
    edges = max(int(ends[0]), int(data.size - ends[-1] - 1))
    return max(edges, int(runs.max()) if runs.size else 0)


def _check_limits(text: str, delimiter: str, name: str, columns: int) -> None:
    """Refuse a field over 128 KB (131,072 characters) or a line of more than ``columns`` fields.

    Both in one linear pass in C: a run of characters with no line end and no
    delimiter is a field (a quoted field holding the delimiter is shorter, and the
    csv module's own limit catches a quoted field over it).
    """
    found = None
    if _longest_run_bytes(text, delimiter) > FIELD_LIMIT:  # (a character is 1 byte or more)
        stops = f"\n{re.escape(delimiter)}"  # from a run's start only: linear in the text
        found = re.search(f"(?<![^{stops}])[^{stops}]{{{FIELD_LIMIT + 1}}}", text)
    if found is not None:
        line = text.count("\n", 0, found.start()) + 1
        raise input_error("read_field_too_long", name=name, line=line, limit=FIELD_LIMIT)
    for number, line_text in enumerate(_split_lines(_prefix(text, 30)), start=1):
        fields = line_text.count(delimiter) + 1
        if fields > columns:
            raise input_error(
                "read_too_many_fields", name=name, line=number, fields=fields, limit=columns
            )


def _all_cells(text: str, delimiter: str, name: str) -> tuple[pd.DataFrame, list[int]]:
    """Every record as text cells by line (ragged rows padded), and its number of fields."""
    return _head(text, delimiter, name, None)


def _has_notes(text: str) -> bool:
    """Whether a field of ``text`` starts like a note under a table (注：, 填表人, 附表...)."""
    notes = (*layout().notes, *layout().tables)
    caseless = all(word.lower() == word.upper() for word in notes)
    if caseless and not any(word in text for word in notes):
        return False  # no note word anywhere: the search below takes seconds on a long file
    words = "|".join(re.escape(w) for w in sorted(notes, key=len, reverse=True))
    pattern = rf'(?:^|[,\t;|])[ "]*(?:{words})'
    return re.search(pattern, text, flags=re.M | re.I) is not None


def read_delimited(
    text: str,
    name: str,
    delimiter: str | None,
    decimal: Decimal,
    limits: ReadLimits | None = None,
) -> pd.DataFrame:
    """The typed table of a delimited text (index: line numbers, header found).

    Numeric columns are parsed by pandas' C parser in one pass (no Python string
    per cell); a column it leaves as text (a missing token, ``26,954``, a bad
    cell) goes through the grammar of numbers, and codes with leading zeros
    (seen in the first thousand lines) are read as text from the start.
    """
    pd = _pandas()
    text = _without_space_lines(line_ends(text))
    chosen = choose_delimiter(text, name, delimiter)
    _check_limits(text, chosen, name, (limits or ReadLimits()).columns)
    try:
        width = text[: text.find("\n") if "\n" in text else len(text)].count(chosen) + 1
        head, fields = _head(text, chosen, name, max(50, min(1000, 1_000_000 // width)))
        if head.empty:
            raise input_error("read_empty", name=name)
        start = header_position(head)
        header = check_header(head.iloc[start], name)[: fields[start]]
        if (
            decimal != "."
            or _has_notes(text)
            or sub_header(head, start, header, decimal)
            or column_numbers_below(head, start, header)
        ):
            cells, counts = _all_cells(text, chosen, name)
            return finish_table(cells, name, decimal, fields=counts)
        header_line = int(head.index[start])
        above = skipped_above(head, start, name)
        codes = _code_columns(head.iloc[start + 1 :], len(header))
        lines = _record_lines(text, chosen, len(header), header_line - 1, name)
        frame = pd.read_csv(
            io.StringIO(text), sep=chosen, header=0, skiprows=header_line - 1,
            keep_default_na=False,
            na_filter=False, skip_blank_lines=True, engine="c",
            dtype=dict.fromkeys(codes, str),
        )  # fmt: skip
    except pd.errors.EmptyDataError:
        raise input_error("read_empty", name=name) from None
    except pd.errors.ParserError as error:
        raise _parser_problem(name, str(error), chosen) from None

    def reread(positions: list[int]) -> Any:
        """Columns' cells as written (when pandas' numbers are not the cells'), in one read."""
        cells = pd.read_csv(
            io.StringIO(text), sep=chosen, header=0, skiprows=header_line - 1,
            usecols=positions, dtype=str, keep_default_na=False, na_filter=False,
            skip_blank_lines=True, engine="c",
        )  # fmt: skip
        cells.columns = positions  # usecols keeps the file's order: the positions sorted
        return cells

    return attach(_typed(frame, header, lines, name, reread), above)


def _code_columns(sample: pd.DataFrame, width: int) -> list[int]:
    """Positions of the columns whose sampled cells include a code with leading zeros."""
    values = sample.iloc[:, :width].to_numpy(dtype=object)
    if not values.size:
        return []
    code = np.frompyfunc(lambda v: isinstance(v, str) and _CODE.fullmatch(v.strip()) is not None,
                         1, 1)  # fmt: skip
    return np.flatnonzero(code(values).astype(bool).any(axis=0)).tolist()


def _without_space_lines(text: str) -> str:
    """``text`` with lines of only spaces and tabs emptied (they are blank lines)."""
    quoted = '"' in text  # a quoted field may hold such a line: the regex decides
    if quoted or any(map(str.isspace, _split_lines(text))):
        return _BLANK.sub("", text)
    return text


def _record_lines(
    text: str, delimiter: str, fields: int, header: int, name: str
) -> npt.NDArray[np.int64]:
    """The line on which each record after the header starts, checking its field count.

    ``header`` is the header's position (0 for the first line). Without quotes a
    line is a record, counted in one vectorised pass; with quotes (a field may
    hold the delimiter, or span lines) the csv module tells where each record
    starts. Blank lines hold no record.
    """
    if '"' not in text:
        rows = _split_lines(text)[header + 1 :]
        numbers = np.arange(header + 2, header + 2 + len(rows), dtype=np.int64)
        present = np.fromiter((bool(row) for row in rows), dtype=bool, count=len(rows))
        counts = np.fromiter((row.count(delimiter) for row in rows), np.int64, len(rows)) + 1
        wrong = present & (counts != fields)
        if wrong.any():
            first = int(np.flatnonzero(wrong)[0])
            _refuse_fields(name, int(numbers[first]), fields, int(counts[first]))
        found: npt.NDArray[np.int64] = numbers[present]
        return found
    starts = []
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    previous = 0
    try:
        for row in reader:
            if row and reader.line_num > header + 1 and previous >= header + 1:
                if len(row) != fields:
                    _refuse_fields(name, previous + 1, fields, len(row))
                starts.append(previous + 1)
            previous = reader.line_num
    except csv.Error as error:  # a field over the csv module's limit (128 KB)
        raise input_error(
            "read_line_unreadable", name=name, line=previous + 1, error=error
        ) from None
    return np.asarray(starts, dtype=np.int64)


def _refuse_fields(name: str, line: int, fields: int, saw: int) -> None:
    raise input_error(
        "read_field_count", place=name, line=line, fields=field_count(fields), saw=saw
    )


def _typed(
    frame: pd.DataFrame,
    header: list[str],
    lines: npt.NDArray[np.int64],
    name: str,
    reread: Callable[[list[int]], Any],
) -> pd.DataFrame:
    """Columns named by the header, rows by their lines, empty rows dropped, cells typed."""
    module = _pandas()
    frame.columns = module.RangeIndex(frame.shape[1])
    if len(lines) != len(frame):  # pragma: no cover - the two readers disagree
        raise input_error("read_unbalanced_quotes", name=name)
    frame.index = module.Index(lines, name="line")
    # a row is empty when every cell is; only text columns can hold "" (numbers cannot)
    text = [
        i
        for i, c in enumerate(frame.columns)
        if not module.api.types.is_numeric_dtype(frame[c].dtype)
    ]
    blank = np.zeros(frame.shape, dtype=bool)
    if text:
        blank[:, text] = frame.iloc[:, text].to_numpy(dtype=object) == ""
    unheaded = [i for i in text if i >= len(header) or not str(header[i]).strip()]
    if unheaded:  # spaces alone are no data under no header (as in a workbook)
        blank[:, unheaded] = blank_values(frame.iloc[:, unheaded].to_numpy(dtype=object))
    filled = ~_empty_rows(frame, text)
    if not filled.all():
        frame = frame[filled]
        blank = blank[filled]
    keep = headed_columns(header, blank, frame.index, name)
    columns = {p: _column(frame[p]) for p in keep}
    # a number beyond float (1e400): the grammar names the cell; whole numbers pandas read
    # as floats may be written 1.000 (1, or 1,000?): the cells as written decide
    again = sorted(p for p, c in columns.items() if c is None or _maybe_dot_grouped(frame[p], c))
    if again:
        cells = reread(again).set_axis(frame.index if len(frame) == len(lines) else lines)
        for p in again:
            written = cells[p].loc[frame.index].astype(object)
            if columns[p] is None or dot_thousands(written).any():
                columns[p] = typed_column(written, ".")
    named = {header[p]: column for p, column in columns.items()}
    return cast("pd.DataFrame", module.DataFrame(named, index=frame.index))


def _empty_rows(frame: pd.DataFrame, text: list[int]) -> npt.NDArray[np.bool_]:
    """Rows with nothing in them: no number, and text cells empty or only spaces.

    As a workbook's reader judges them (:func:`~._cells.blank_values`); the text
    cells are looked at only in the rows whose numbers are all missing.
    """
    numbers = [i for i in range(frame.shape[1]) if i not in set(text)]
    empty = np.asarray(frame.iloc[:, numbers].isna().to_numpy().all(axis=1), dtype=bool)
    rows = np.flatnonzero(empty)
    if text and rows.size:
        cells = frame.iloc[rows, text].to_numpy(dtype=object)
        empty[rows] = blank_values(cells).all(axis=1)
    return empty


def _maybe_dot_grouped(series: pd.Series[Any], column: Any) -> bool:
    """Whether pandas read whole floats under 1,000 in a column: a cell may be ``1.000``."""
    if series.dtype.kind != "f" or getattr(column, "dtype", None) != np.int64:
        return False
    size = np.abs(column)
    return bool(((size >= 1) & (size < 1000)).any())


def _column(series: pd.Series[Any]) -> Any:
    """A column as pandas parsed it, made to follow the grammar of numbers."""
    pd = _pandas()
    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype):  # TRUE/FALSE are not counts
        return series.map(str).astype(object)
    if pd.api.types.is_integer_dtype(dtype):
        if dtype.kind == "u" and len(series) and series.max() >= INT64_END:  # 2**63 and over
            return typed_column(series.astype(object), ".")
        return series.to_numpy(dtype=np.int64)
    if pd.api.types.is_float_dtype(dtype):
        values = series.to_numpy(dtype=np.float64)
        if np.isinf(values).any():  # inf or 1e400: not a count; read the cells as written
            return None
        if fits_int64(values):  # 1e300 stays a float
            return values.astype(np.int64)
        return values
    return typed_column(series.astype(object), ".")


def _parser_problem(name: str, message: str, delimiter: str) -> InvalidInputError:
    """Pandas' tokenizer message in the reader's words: the line and the field counts."""
    found = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", message)
    if found:
        known = DELIMITERS.get(delimiter)
        separated = (
            words("delimiter_" + known.replace(" ", "_"))
            if known is not None
            else Words(repr(delimiter), repr(delimiter))
        )
        return input_error(
            "read_field_count_separated", name=name, line=int(found[2]),
            fields=field_count(int(found[1])), saw=int(found[3]), delimiter=separated,
        )  # fmt: skip
    return input_error("read_not_delimited", name=name, error=message)
