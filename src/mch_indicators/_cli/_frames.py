"""A computed long table rendered in chunks of rows, column by column (presentation only).

A million rows through ``compute --file`` must not become a million Python lists:
each chunk's cells are formatted a column at a time and written before the next
chunk is formatted. The text is the same as :func:`mch_indicators._cli._tables.render`
gives (an aligned table, CSV or a JSON list of objects); in CSV a missing number
is an empty cell, as :func:`mch_indicators.read_table` reads it back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from json.encoder import encode_basestring as _quote
from typing import TYPE_CHECKING, Any

import numpy as np

from mch_indicators._display import display_width, terminal_text
from mch_indicators._safe_text import csv_frame
from mch_indicators._unitspec import resolve_unit

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["frame_chunks", "stream_chunks"]

#: Rows formatted and written at a time.
CHUNK = 1 << 15


def _symbol(unit: str) -> str:
    spec = resolve_unit(unit)
    return spec.symbol or spec.name


def _widths(cells: Sequence[str]) -> list[int]:
    """Terminal columns of each cell (CJK characters take two)."""
    return [display_width(c) for c in cells]


def _ascii(cells: Sequence[str]) -> bool:
    return "".join(cells).isascii()


def _width(cells: Sequence[str]) -> int:
    """The widest cell, in terminal columns (a plain length when all are ASCII)."""
    if not cells:
        return 0
    return max(map(len, cells)) if _ascii(cells) else max(_widths(cells))


def _pad(cells: Sequence[str], width: int, right: bool) -> list[str]:
    if _ascii(cells):
        return [c.rjust(width) for c in cells] if right else [c.ljust(width) for c in cells]
    gaps = [width - w for w in _widths(cells)]
    if right:
        return [" " * g + c for c, g in zip(cells, gaps, strict=True)]
    return [c + " " * g for c, g in zip(cells, gaps, strict=True)]


class _Layout:
    """Which columns are counts, values and text, and how each is written."""

    def __init__(self, out: pd.DataFrame, decimals_of: Callable[[str], int]) -> None:
        self.header = [str(name) for name in out.columns]
        self.shown = [terminal_text(name) for name in self.header]  # the table's header
        self.start = self.header.index("indicator")
        self.limits = self.header[self.header.index("value") : self.header.index("unit")]
        ids = out["indicator"].astype(str)
        self.decimals = ids.map({key: decimals_of(key) for key in ids.unique()}).to_numpy()

    def numeric(self, name: str) -> bool:
        return name in ("numerator", "denominator", *self.limits)

    def table_cells(self, part: pd.DataFrame, first: int) -> list[list[str]]:
        """Each column of one chunk as table text."""
        columns = []
        for name, column in zip(self.header, part.columns, strict=True):
            values = part[column]
            if name in ("numerator", "denominator"):
                cells = ["" if v != v else f"{v:g}" for v in values.to_numpy(float).tolist()]
            elif name in self.limits:
                places = self.decimals[first : first + len(part)].tolist()
                numbers = values.to_numpy(float).tolist()
                cells = [
                    "" if v != v else f"{v:.{d}f}" for v, d in zip(numbers, places, strict=True)
                ]
            elif name == "unit":
                units = values.astype(str)
                cells = units.map({u: _symbol(u) for u in units.unique()}).tolist()
            else:  # a user's text: control characters shown, never sent to the terminal
                cells = ["" if v is None else terminal_text(str(v)) for v in values.tolist()]
            columns.append(cells)
        return columns


def _table(out: pd.DataFrame, layout: _Layout) -> Iterator[str]:
    right = [layout.numeric(n) and i >= layout.start for i, n in enumerate(layout.header)]
    widths = [_width([h]) for h in layout.shown]
    for first in range(0, len(out), CHUNK):  # first pass: the widths only
        cells = layout.table_cells(out.iloc[first : first + CHUNK], first)
        widths = [max(w, _width(c)) for w, c in zip(widths, cells, strict=True)]
    head = (_pad([h], w, r)[0] for h, w, r in zip(layout.shown, widths, right, strict=True))
    yield "  ".join(head).rstrip() + "\n"
    yield "  ".join("-" * w for w in widths) + "\n"
    for first in range(0, len(out), CHUNK):
        cells = layout.table_cells(out.iloc[first : first + CHUNK], first)
        padded = [_pad(c, w, r) for c, w, r in zip(cells, widths, right, strict=True)]
        yield "".join("  ".join(row).rstrip() + "\n" for row in zip(*padded, strict=True))


def _csv(out: pd.DataFrame, escape_formulas: bool) -> Iterator[str]:
    for first in range(0, len(out), CHUNK):
        part = csv_frame(out.iloc[first : first + CHUNK], escape=escape_formulas)
        yield part.to_csv(index=False, header=first == 0, lineterminator="\n", na_rep="")


def _json_cells(values: list[Any]) -> list[str]:
    """Each cell as JSON text: numbers as Python writes them (json's own rule), NaN as null."""
    out = []
    for value in values:
        if isinstance(value, np.generic):
            value = value.item()
        if value is None or (isinstance(value, float) and value != value):
            out.append("null")
        elif isinstance(value, bool):
            out.append("true" if value else "false")
        elif isinstance(value, float):
            out.append(repr(value) if abs(value) != np.inf else ("-" * (value < 0)) + "Infinity")
        elif isinstance(value, int):
            out.append(str(value))
        else:
            out.append(_quote(str(value)))
    return out


def _json(out: pd.DataFrame, layout: _Layout) -> Iterator[str]:
    keys = [_quote(name) for name in layout.header]
    yield "["
    for first in range(0, len(out), CHUNK):
        part = out.iloc[first : first + CHUNK]
        columns = [_json_cells(part[column].tolist()) for column in part.columns]
        records = (
            "  {\n" + ",\n".join(f"    {k}: {v}" for k, v in zip(keys, row, strict=True)) + "\n  }"
            for row in zip(*columns, strict=True)
        )
        yield ("\n" if first == 0 else ",\n") + ",\n".join(records)
    yield "\n]\n"


def frame_chunks(
    out: pd.DataFrame,
    fmt: str,
    decimals_of: Callable[[str], int],
    *,
    escape_formulas: bool = True,
) -> Iterator[str]:
    """The text of a result frame in ``fmt`` (``table``, ``csv``, ``json``), chunk by chunk.

    Joined, the chunks end with one newline. ``decimals_of`` gives the decimals of
    an indicator id (values and limits in a table are rounded to them). CSV text a
    spreadsheet would run as a formula gets a leading apostrophe unless
    ``escape_formulas`` is false.
    """
    if fmt == "csv":
        return _csv(out, escape_formulas)
    layout = _Layout(out, decimals_of)
    return _json(out, layout) if fmt == "json" else _table(out, layout)


def stream_chunks(
    parts: Iterator[pd.DataFrame],
    fmt: str,
    decimals_of: Callable[[str], int],
    *,
    escape_formulas: bool = True,
) -> Iterator[str]:
    """The text of result frames computed one after another, as :func:`frame_chunks` writes one.

    CSV and JSON are written as the parts come; an aligned table needs the widest
    cell of each column first, so its formatted cells wait in a temporary file (on
    disk, not in memory) until the last part is in.
    """
    if fmt == "csv":
        for number, part in enumerate(parts):
            safe = csv_frame(part, escape=escape_formulas)
            yield safe.to_csv(index=False, header=number == 0, lineterminator="\n", na_rep="")
        return
    if fmt == "json":
        started = False
        for part in parts:
            records = list(_json(part, _Layout(part, decimals_of)))[1:-1]  # without [ and ]
            for text in records:
                yield ("[" if not started else ",") + text if text.startswith("\n") else text
                started = True
        yield "\n]\n" if started else "[\n]\n"
        return
    yield from _spooled_table(parts, decimals_of)


def _spooled_table(
    parts: Iterator[pd.DataFrame], decimals_of: Callable[[str], int]
) -> Iterator[str]:
    import pickle
    import tempfile

    header: list[str] | None = None
    widths: list[int] = []
    right: list[bool] = []
    with tempfile.TemporaryFile() as spool:
        chunks = 0
        for part in parts:
            layout = _Layout(part, decimals_of)
            if header is None:
                header = layout.shown
                right = [
                    layout.numeric(n) and i >= layout.start for i, n in enumerate(layout.header)
                ]
                widths = [_width([h]) for h in header]
            for first in range(0, len(part), CHUNK):
                cells = layout.table_cells(part.iloc[first : first + CHUNK], first)
                widths = [max(w, _width(c)) for w, c in zip(widths, cells, strict=True)]
                pickle.dump(cells, spool)  # the library's own temporary file, read back below
                chunks += 1
        if header is None:
            return
        head = (_pad([h], w, r)[0] for h, w, r in zip(header, widths, right, strict=True))
        yield "  ".join(head).rstrip() + "\n"
        yield "  ".join("-" * w for w in widths) + "\n"
        spool.seek(0)
        for _ in range(chunks):
            cells = pickle.load(spool)
            padded = [_pad(c, w, r) for c, w, r in zip(cells, widths, right, strict=True)]
            yield "".join("  ".join(row).rstrip() + "\n" for row in zip(*padded, strict=True))
