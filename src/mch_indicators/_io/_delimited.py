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
from itertools import islice
from typing import TYPE_CHECKING, Any

from mch_indicators._errors import InvalidInputError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["DELIMITERS", "read_delimited", "sniff_delimiter"]

#: Delimiters tried, with the names messages use.
DELIMITERS = {",": "comma", "\t": "tab", ";": "semicolon", "|": "vertical bar"}


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
    lines = list(islice(io.StringIO(text), 20))
    scores = {d: _score(lines, d) for d in DELIMITERS}
    best = max(scores, key=lambda d: (scores[d][1], scores[d][0]))
    return best if scores[best][0] >= 2 else None


def _check_delimiter(text: str, delimiter: str, name: str) -> None:
    """Refuse a delimiter that leaves the header in one field when another splits it."""
    header = next(csv.reader(io.StringIO(text), delimiter=delimiter), [])
    if len(header) > 1:
        return
    found = sniff_delimiter(text)
    if found is not None and found != delimiter:
        raise InvalidInputError(
            f"{name}: the header is one field with delimiter {delimiter!r}; the file looks "
            f"{DELIMITERS[found]}-separated: read it with delimiter={found!r} (or leave the "
            "delimiter out to detect it)"
        )


def read_delimited(text: str, name: str, delimiter: str | None) -> tuple[pd.DataFrame, str]:
    """Cells of a delimited text as strings (no conversion), one row per data line.

    Returns the frame (header as columns, index = line number in the file) and
    the delimiter used. Blank lines are skipped but keep their numbers.
    """
    pd = _pandas()
    if delimiter is None:
        delimiter = sniff_delimiter(text) or ","
    else:
        if len(delimiter) != 1:
            raise InvalidInputError(f"delimiter must be one character, got {delimiter!r}")
        _check_delimiter(text, delimiter, name)
    try:
        # header=None: the header row sets the number of fields, so pandas refuses a
        # longer row instead of guessing an index column; shorter rows show as NaN
        cells = pd.read_csv(
            io.StringIO(text), sep=delimiter, header=None, dtype=str, keep_default_na=False,
            na_filter=False, skip_blank_lines=False, engine="c", quoting=csv.QUOTE_MINIMAL,
        )  # fmt: skip
    except pd.errors.EmptyDataError:
        raise InvalidInputError(f"{name}: empty file; expected a header row") from None
    except pd.errors.ParserError as error:
        raise InvalidInputError(_parser_problem(name, str(error), delimiter)) from None
    cells.index = pd.RangeIndex(1, 1 + len(cells), name="line")
    return cells, delimiter


def _parser_problem(name: str, message: str, delimiter: str) -> str:
    """Pandas' tokenizer message in the reader's words: the line and the field counts."""
    found = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", message)
    if found:
        return (
            f"{name}:{found[2]}: expected {found[1]} fields as in the header, saw {found[3]} "
            f"({DELIMITERS.get(delimiter, repr(delimiter))}-separated)"
        )
    return f"{name}: not a readable delimited table ({message})"


def _pandas() -> Any:
    import pandas as pd

    return pd
