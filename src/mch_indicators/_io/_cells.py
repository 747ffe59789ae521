"""From a grid of cells to a typed table: the steps every format shares.

A reader hands over the cells (strings from text files, Python values from a
workbook) with the file's line or the sheet's row number as the index. Here the
header row is found (title rows above it, with at most one filled cell, are
skipped), empty rows and empty unnamed columns are dropped, rows are checked to
have the header's fields, and every column whose cells are all numbers or
missing becomes numeric by the one grammar of :mod:`mch_indicators._io._numbers`.
"""

from __future__ import annotations

from itertools import groupby, pairwise
from typing import TYPE_CHECKING, Any

import numpy as np

from mch_indicators._checks import (
    ERROR_KEY,
    PERCENT_KEY,
    CellMarks,
    CheckRow,
    attach,
    cell_text,
    check_row,
)
from mch_indicators._errors import Words, words
from mch_indicators._headers import HEADER_PARTS_KEY, HeaderParts
from mch_indicators._io._bounds import SheetFacts, column_letters
from mch_indicators._io._numbers import (
    Decimal,
    dot_thousands,
    fits_int64,
    parse_numbers,
    parse_years,
    year_of,
)
from mch_indicators._labels import input_error, joined, label
from mch_indicators._layout import (
    is_above_header,
    is_breakdown_label,
    is_column_numbers,
    is_comparison_label,
    is_note,
    is_second_table,
    is_total_label,
    scaled_unit,
)
from mch_indicators._optional import pandas as _pandas

if TYPE_CHECKING:
    from collections.abc import Sequence

    import pandas as pd

__all__ = [
    "check_header",
    "column_numbers_below",
    "field_count",
    "finish_table",
    "headed_columns",
    "header_position",
    "note_end",
    "skipped_above",
    "sub_header",
    "typed_column",
]

_TYPE_OF = np.frompyfunc(type, 1, 1)
_STR = str


def _blank(cells: pd.DataFrame) -> Any:
    """Where cells hold nothing (empty, absent or only spaces), as a boolean array."""
    return blank_values(cells.to_numpy(dtype=object))


def blank_values(values: Any) -> Any:
    """:func:`_blank` of an object array (one vectorised pass; spaces-only cells stripped)."""
    pd = _pandas()
    blank: Any = pd.isna(values) | (values == "")
    if values.size:
        strings = np.flatnonzero((_TYPE_OF(values.ravel()) == _STR) & ~blank.ravel())
        flat = values.ravel()
        spaces = [int(i) for i in strings if not flat[i].strip()]
        if spaces:
            blank.ravel()[spaces] = True
    return blank


def _filled(cells: pd.DataFrame) -> Any:
    """How many cells of each row hold something (spaces alone count as nothing)."""
    return (~_blank(cells)).sum(axis=1)


def _row_texts(cells: pd.DataFrame, position: int) -> list[str]:
    return [cell_text(v) for v in cells.iloc[position].tolist()]


def _shown_row(texts: list[str]) -> str:
    """A skipped row as a check shows it: its filled cells, a merged range's text once.

    A title merged across the table fills every cell of its range with its text.

    Examples
    --------
    >>> _shown_row(["2024年统计表", "2024年统计表", "", "单位：人"])
    '2024年统计表  单位：人'
    """
    return "  ".join(text for text, _ in groupby(t for t in texts if t))


def header_position(cells: pd.DataFrame) -> int:
    """Position of the header row: two different texts or more, and not 填报单位 or 单位：人.

    A title merged across the table fills its row with one text: it is no header.
    """
    head = cells.head(30)
    filled = _filled(head)
    for position in np.flatnonzero(filled >= 2):
        texts = [t for t in _row_texts(head, int(position)) if t]
        if len(set(texts)) > 1 and not all(is_above_header(t) for t in texts):
            return int(position)
    return int(np.flatnonzero(filled >= 1)[0]) if (filled >= 1).any() else 0


def skipped_above(cells: pd.DataFrame, start: int, place: str | Words) -> list[CheckRow]:
    """The check naming the filled rows above the header (titles, 填报单位, 单位：人).

    A row giving the numbers' unit as a multiple (单位：万人) is an error naming it and
    ``place`` (:func:`~mch_indicators._layout.scaled_unit`): a count is never scaled by a guess.
    """
    rows = [p for p in range(start) if any(_row_texts(cells, p))]
    if not rows:
        return []
    for position in rows:
        for text in _row_texts(cells, position):
            unit = scaled_unit(text) if text else None
            if unit is not None:
                raise input_error(
                    "read_scaled_units", place=place, line=int(cells.index[position]),
                    unit=unit, text=text,
                )  # fmt: skip
    texts = [_shown_row(_row_texts(cells, p)) for p in rows]
    return [
        check_row(
            "rows_above_header", rows=_span([int(cells.index[p]) for p in rows]),
            text=" | ".join(texts)[:200], count=len(rows),
        )
    ]  # fmt: skip


def _span(numbers: list[int]) -> dict[str, str]:
    """``3``, ``3–5`` or ``3, 7`` (``3、7`` in Chinese): line numbers as a message shows them."""
    if not numbers:
        return {"en": "", "zh": ""}
    if numbers == list(range(numbers[0], numbers[-1] + 1)) and len(numbers) > 1:
        return dict.fromkeys(("en", "zh"), f"{numbers[0]}–{numbers[-1]}")
    more = "…" if len(numbers) > 10 else ""
    return {
        "en": ", ".join(map(str, numbers[:10])) + more,
        "zh": "、".join(map(str, numbers[:10])) + more,
    }


def _is_label_text(text: str, decimal: Decimal) -> bool:
    """A filled cell that is not a number nor a missing token."""
    if not text:
        return False
    import pandas as pd

    _, bad = parse_numbers(pd.Series([text], dtype=object), decimal)
    return bool(bad[0]) and year_of(text) is None


def sub_header(
    cells: pd.DataFrame, start: int, header: list[str], decimal: Decimal
) -> list[tuple[str, str]] | None:
    """Each column's header parts when the row under it continues it (孕产妇 | 死亡数), else None.

    The row below is a second header row when each of its filled cells is text
    (no number) under a blank header cell, under a header cell repeated from a
    merged range, or repeating the header cell (a label merged down two rows),
    at least one of them under a blank or merged header cell, and a row with a
    number follows. A column's parts are (upper, lower), lower empty where the
    column's header is one cell; the header reads ``upper + lower``.
    """
    if start + 2 >= len(cells):
        return None
    below = _row_texts(cells, start + 1)[: len(header)]
    below += [""] * (len(header) - len(below))
    spans = [False] * len(header)
    for j, cell in enumerate(header):
        left = header[j - 1] if j else None
        right = header[j + 1] if j + 1 < len(header) else None
        spans[j] = not cell or cell in (left, right) or right == ""
    continued = False
    for j, text in enumerate(below):
        if not text:
            continue
        if not _is_label_text(text, decimal):
            return None
        if spans[j]:
            continued = True
        elif text != header[j]:
            return None
    if not continued:
        return None
    after = _row_texts(cells, start + 2)
    if not any(t and not _is_label_text(t, decimal) for t in after):
        return None
    parts, group = [], ""
    for j, text in enumerate(below):
        cell = header[j]
        group = cell or (group if text else "")
        parts.append((group, text if text and text != group else ""))
    return parts


def _joined(parts: list[tuple[str, str]], keep: list[int]) -> HeaderParts:
    """The kept columns whose header has two parts, for the matcher to read in either order."""
    return HeaderParts(tuple((parts[p][0] + parts[p][1], parts[p]) for p in keep if all(parts[p])))


def note_end(
    cells: pd.DataFrame, place: str | Words, blank: Any = None
) -> tuple[int, list[CheckRow]]:
    """Rows of ``cells`` before the first note (注：, 填表人...), and the check naming the rest.

    Every row after the first note must be blank, a note, or one filled cell of
    free text: a row of data there is an error naming it (and ``place``, the file
    and its sheet).
    """
    blank = _blank(cells) if blank is None else blank
    filled = ~blank
    has = filled.any(axis=1)
    first = np.where(has, filled.argmax(axis=1), 0)
    values = cells.to_numpy(dtype=object)
    starts = values[np.arange(len(cells)), first]
    candidates = np.flatnonzero(has)
    distinct = set(starts[candidates].tolist())
    notes = {v for v in distinct if isinstance(v, str) and is_note(v)}
    if not notes:
        return len(cells), []
    is_note_row = np.fromiter((v in notes for v in starts.tolist()), dtype=bool, count=len(cells))
    end = int(np.flatnonzero(is_note_row & has)[0])
    for position in range(end + 1, len(cells)):
        if has[position] and not is_note_row[position] and filled[position].sum() > 1:
            if is_second_table(starts[end]):  # 附表: a second table, not notes
                raise input_error(
                    "read_second_table", place=place, line=int(cells.index[position]),
                    end=int(cells.index[end]), text=cell_text(starts[end])[:60],
                )  # fmt: skip
            raise input_error(
                "read_data_after_notes", place=place, line=int(cells.index[position]),
                end=int(cells.index[end]),
            )  # fmt: skip
    rows = [int(cells.index[p]) for p in range(end, len(cells)) if has[p]]
    texts = [
        _shown_row([cell_text(v) for v in values[p]]) for p in range(end, len(cells)) if has[p]
    ]
    check = check_row(
        "notes_rows", rows=_span(rows), text=" | ".join(texts)[:200], count=len(rows)
    )
    return end, [check]


def refuse_second_block(values: Any, blank: Any, lines: pd.Index[Any], place: str | Words) -> None:
    """Refuse a second block of rows under a total row and a blank row: two tables, not one.

    Two tables one under the other on a sheet (the counties and their 合计, a blank row,
    then the townships of one of them, or another table's units) read as one would put
    every unit of both into one total. A block of rows that ends with a total row (at
    least one row above it), then one blank row or more, then a block with a row of two
    filled cells or more, is refused naming both blocks, in English and Chinese. Blocks
    of different years (a column holding a year in every filled row of both, no year in
    both: one block per year) are one long table and are read. Each block is compared
    with the next one only: linear in the rows. ``lines`` are the rows' lines in the file
    (a blank line a text reader skipped is a jump in them).
    """
    filled = np.flatnonzero(~blank.all(axis=1))
    numbers = np.asarray(lines, dtype=np.int64)[filled]  # a text reader skips blank lines
    breaks = (np.diff(filled) > 1) | (np.diff(numbers) > 1)
    blocks = np.split(filled, np.flatnonzero(breaks) + 1)
    for above, below in pairwise(blocks):
        below = below[(~blank[below]).sum(axis=1) >= 2]
        below = below[[not _part_of_above(values[r]) for r in below]]
        if len(above) < 2 or not below.size:
            continue
        last = int(above[-1])
        labels = [v for v, b in zip(values[last], blank[last], strict=True) if not b]
        total = next((v for v in labels if isinstance(v, str) and is_total_label(v)), None)
        if total is None or _years_apart(values, blank, above, below):
            continue
        first, second = (
            _lines(int(lines[rows[0]]), int(lines[rows[-1]])) for rows in (above, below)
        )
        raise input_error(
            "read_second_block", place=place, line=int(lines[below[0]]), first=first,
            second=second, total=int(lines[last]), text=cell_text(total)[:60],
        )  # fmt: skip


def _part_of_above(row: Any) -> bool:
    """Whether a row under a total is a breakdown of it (其中：城区) or a comparison (上年同期).

    The table functions take such rows out of the units: they are no second table.
    """
    return any(
        isinstance(v, str) and (is_breakdown_label(v) or is_comparison_label(v)) for v in row
    )


def _lines(first: int, last: int) -> str:
    """``3–5``, or ``3`` for one line."""
    return str(first) if first == last else f"{first}–{last}"


def _years_apart(values: Any, blank: Any, above: Any, below: Any) -> bool:
    """Whether a column holds a year in every filled row of two blocks, none in both."""
    for column in range(values.shape[1]):
        years = []
        for rows in (above, below):
            cells = [values[r, column] for r in rows if not blank[r, column]]
            found = {year_of(v) for v in cells}
            if not cells or None in found:
                break
            years.append(found)
        else:
            if not years[0] & years[1]:
                return True
    return False


def headed_columns(
    header: list[str],
    blank: Any,
    lines: pd.Index[Any],
    place: str | Words,
    header_line: int | None = None,
) -> list[int]:
    """The positions of the columns with a header; a column of data without one is an error.

    ``blank`` marks the empty cells (rows x columns); the error names the file and
    its sheet (``place``), the line (from ``lines``) of the column's first filled
    cell and, when given, the header's line.
    """
    keep = []
    for position, column in enumerate(header):
        if column:
            keep.append(position)
        elif not blank[:, position].all():
            line = int(lines[np.flatnonzero(~blank[:, position])[0]])
            if header_line is None:
                raise input_error("read_no_header", place=place, line=line, position=position + 1)
            raise input_error(
                "read_no_header_below", place=place, line=line, position=position + 1,
                header=header_line,
            )  # fmt: skip
    return keep


def check_header(row: pd.Series[Any] | list[str], place: str | Words) -> list[str]:
    """The header's names (stripped); a name given twice is an error naming ``place``."""
    values = row if isinstance(row, list) else row.tolist()
    header = [cell_text(v) for v in values]
    seen: set[str] = set()
    for cell in header:
        if cell and cell in seen:
            raise input_error("read_header_twice", place=place, cell=cell)
        seen.add(cell)
    return header


def finish_table(
    cells: pd.DataFrame,
    name: str,
    decimal: Decimal,
    *,
    place: Words | None = None,
    facts: SheetFacts | None = None,
    first_column: int = 1,
    fields: Any = None,
) -> pd.DataFrame:
    """The typed table of a grid of cells (index: line or row numbers), with its checks.

    ``place`` names the file and its sheet in messages (``counts.xlsx sheet '2024'``,
    ``counts.xlsx 工作表“2024”``; the file alone by default); ``facts`` are
    what the workbook scan found (hidden rows and columns, percent cells), and
    ``first_column`` is the sheet's column number of the grid's first column;
    ``fields`` the number of fields of each row of a text file (a row of the
    table with another number than the header's is an error naming its line).
    The rows above the header, a second header row, and notes under the table
    are handled as :func:`mch_indicators.read_table` documents.
    """
    module = _pandas()
    at: str | Words = name if place is None else place
    if cells.empty or not (_filled(cells.head(30)) > 0).any():
        raise input_error("read_empty_sheet", place=at)
    start = header_position(cells)
    header_line = int(cells.index[start])
    checks = skipped_above(cells, start, at)
    header = _row_texts(cells, start)  # checked once joined: a merged group repeats its name
    parts = sub_header(cells, start, header, decimal)
    if parts is None:
        header = check_header(header, at)
    else:
        header = check_header([upper + lower for upper, lower in parts], at)
        rows = f"{header_line}–{int(cells.index[start + 1])}"
        joined = [h for h, old in zip(header, _row_texts(cells, start), strict=False)
                  if h and h != old]  # fmt: skip
        shown = {"en": ", ".join(joined)[:200], "zh": "、".join(joined)[:200]}
        checks.append(check_row("header_joined", rows=rows, text=shown))
        start += 1
    body = cells.iloc[start + 1 :]
    values = body.to_numpy(dtype=object, copy=True)
    blank = blank_values(values)
    end, notes = note_end(body, at, blank)
    body, values, blank = body.iloc[:end], values[:end], blank[:end]
    checks += _column_numbers(body, values, blank, header)
    checks += notes
    refuse_second_block(values, blank, body.index, at)
    if fields is not None:
        _check_fields(
            np.asarray(fields)[start + 1 : start + 1 + end], blank, body, at, fields[start]
        )
    values[blank] = None  # empty cells are missing, so number columns type in one pass
    filled_rows = ~blank.all(axis=1)
    body = module.DataFrame(
        values[filled_rows], index=body.index[filled_rows], columns=module.RangeIndex(len(header))
    )
    blank = blank[filled_rows]
    keep = headed_columns(header, blank, body.index, at, header_line)
    body = body[keep]
    body.columns = module.Index([header[p] for p in keep])
    columns = {column: typed_column(body[column], decimal) for column in body.columns}
    frame = module.DataFrame(columns, index=body.index)
    if parts is not None and any(lower for _, lower in parts):
        frame.attrs[HEADER_PARTS_KEY] = _joined(parts, keep)
    if facts is not None:
        checks += _sheet_checks(frame, facts, header, keep, first_column)
        _mark(frame, PERCENT_KEY, facts.percent_cells, header, first_column)
        errors = [(row, column) for row, column, _ in facts.error_cells]
        _mark(frame, ERROR_KEY, errors, header, first_column)
    return attach(frame, checks)


def column_numbers_below(cells: pd.DataFrame, start: int, header: list[str]) -> bool:
    """Whether the first filled row under the header at ``start`` numbers its columns."""
    body = cells.iloc[start + 1 :].to_numpy(dtype=object)
    return _numbers_row(body, blank_values(body), header) is not None


def _numbers_row(values: Any, blank: Any, header: list[str]) -> int | None:
    """The position of the first filled row of ``values`` if it numbers the columns."""
    filled = np.flatnonzero(~blank.all(axis=1))
    if not filled.size:
        return None
    first = int(filled[0])
    row = values[first]
    texts = [cell_text(row[p]) for p, name in enumerate(header) if name and p < len(row)]
    return first if is_column_numbers(texts) else None


def _column_numbers(
    body: pd.DataFrame, values: Any, blank: Any, header: list[str]
) -> list[CheckRow]:
    """The check naming a form's row of column numbers under the header, blanked out.

    A statistical report form numbers its columns in the row under its header (甲 | 1 |
    2 | 3): read as data, it is a unit named 甲 whose counts are 1, 2, 3, summed into
    every total (:func:`~mch_indicators._layout.is_column_numbers` says which row is one).
    """
    first = _numbers_row(values, blank, header)
    if first is None:
        return []
    texts = [cell_text(v) for v in values[first]]
    blank[first] = True
    return [
        check_row(
            "column_numbers_row", rows=_span([int(body.index[first])]),
            text=_shown_row(texts)[:200], count=1,
        )
    ]  # fmt: skip


def field_count(count: int) -> Words:
    """``1 field``, ``3 fields`` in English; the number alone in Chinese (``3 个字段``).

    Examples
    --------
    >>> field_count(1).en, field_count(3).en, field_count(3).zh
    ('1 field', '3 fields', '3')
    """
    return words("read_fields_one") if count == 1 else words("read_fields", count=count)


def _check_fields(
    counts: Any, blank: Any, body: pd.DataFrame, place: str | Words, width: int
) -> None:
    wrong = (counts != width) & ~blank.all(axis=1)
    if wrong.any():
        first = int(np.flatnonzero(wrong)[0])
        raise input_error(
            "read_field_count", place=place, line=int(body.index[first]),
            fields=field_count(width), saw=int(counts[first]),
        )  # fmt: skip


def _sheet_checks(
    frame: pd.DataFrame, facts: SheetFacts, header: list[str], keep: list[int], first: int
) -> list[CheckRow]:
    """Hidden sheets passed over, other visible sheets unread, hidden rows and columns, merges."""
    checks = []
    if facts.hidden_sheets:
        sheets = _sheet_names(facts.hidden_sheets)
        checks.append(check_row("hidden_sheets", sheets=sheets, count=len(facts.hidden_sheets)))
    notes = {label("text", "template_notes_sheet", lang) for lang in ("en", "zh")}
    others = [n for n in facts.other_sheets if n not in notes]  # a template's own notes
    if others:
        checks.append(check_row("other_sheets", sheets=_sheet_names(others), count=len(others)))
    present = set(frame.index.tolist())
    rows = [r for r in facts.hidden_rows if r in present]
    if rows:
        checks.append(check_row("hidden_rows", rows=_span(rows), count=len(rows)))
    named = {first + p: header[p] for p in keep}
    hidden = [c for c in facts.hidden_columns if c in named]
    if hidden:
        columns = {
            "en": ", ".join(f"{named[c]} ({column_letters(c)})" for c in hidden),
            "zh": "、".join(f"{named[c]}（{column_letters(c)}列）" for c in hidden),
        }
        checks.append(check_row("hidden_columns", columns=columns, count=len(hidden)))
    if facts.merged_refs:
        refs = {lang: joined(facts.merged_refs, lang, most=10) for lang in ("en", "zh")}
        checks.append(check_row("merged_cells", text=refs))
    errors = [
        f"{column_letters(c)}{r} {text}"
        for r, c, text in facts.error_cells
        if r in present and c in named
    ]
    if errors:
        shown = joined(errors, "en", most=10)
        checks.append(check_row("error_cells", text=shown, count=len(errors)))
    return checks


def _sheet_names(names: Sequence[str]) -> dict[str, str]:
    """Sheet names listed in a check: quoted, in each language's marks and separator."""
    return {"en": ", ".join(f"'{n}'" for n in names), "zh": "、".join(f"“{n}”" for n in names)}


def _mark(frame: pd.DataFrame, key: str, cells: Any, header: list[str], first: int) -> None:
    """List the table's ``cells`` ((row, column) of the sheet) in ``frame.attrs[key]``."""
    if not cells:
        return
    present = set(frame.index.tolist())
    marked: dict[str, list[int]] = {}
    for row, column in cells:
        position = column - first
        if row in present and 0 <= position < len(header) and header[position] in frame:
            marked.setdefault(header[position], []).append(row)
    if marked:
        frame.attrs[key] = CellMarks(
            tuple((column, tuple(rows)) for column, rows in marked.items())
        )


def typed_column(cells: pd.Series[Any], decimal: Decimal) -> Any:
    """The column as numbers when every cell is a number or missing, else stripped text."""
    numbers = _numbers(cells, decimal)
    if numbers is not None:
        return numbers
    years = _years(cells)
    if years is not None:
        return years
    if _pandas().api.types.infer_dtype(cells, skipna=True) == "string":
        return cells.str.strip().astype(object)
    return cells.map(_as_text, na_action="ignore").astype(object)


def _years(cells: pd.Series[Any]) -> Any:
    """Years written as text (2024年, 二〇二四) or held in a date format, as numbers, else None."""
    pd = _pandas()
    kinds = ("string", "mixed", "mixed-integer", "date", "datetime")
    if pd.api.types.infer_dtype(cells, skipna=True) not in kinds:
        return None
    first = cells.dropna().head(1).tolist()
    if not first or year_of(first[0]) is None:  # most text columns stop here, cheaply
        return None
    return parse_years(cells)


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
        if decimal == "." and dot_thousands(text).any():  # 1.000: 1 or 1,000? kept as written
            return None
    else:  # booleans, dates: not counts
        return None
    if np.isnan(values).all() or np.isinf(values).any():
        return None
    if fits_int64(values) and (text is None or not text.str.contains(r"[.eE]", regex=True).any()):
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
    # na=False rather than .fillna(False): pandas 2 warns when fillna downcasts objects
    zero = text.str.startswith("0", na=False).to_numpy(dtype=bool)
    if not zero.any():
        return False
    return bool(text[zero].str.strip().str.fullmatch(r"0[0-9]+", na=False).any())


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
