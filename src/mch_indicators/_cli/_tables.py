"""Plain-text, CSV and JSON rendering of small tables for the command line (presentation only)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import Any

from mch_indicators._display import display_width as _width
from mch_indicators._display import terminal_text
from mch_indicators._safe_text import csv_rows

__all__ = ["render"]


def _pad(text: str, width: int, right: bool) -> str:
    gap = " " * (width - _width(text))
    return gap + text if right else text + gap


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], numeric: Sequence[bool]) -> str:
    header = [terminal_text(h) for h in header]  # a user's text: shown, never run by the terminal
    rows = [[terminal_text(cell) for cell in row] for row in rows]
    widths = [_width(h) for h in header]
    for row in rows:
        widths = [max(w, _width(cell)) for w, cell in zip(widths, row, strict=True)]
    lines = [
        "  ".join(_pad(h, w, r) for h, w, r in zip(header, widths, numeric, strict=True)).rstrip()
    ]
    lines.append("  ".join("-" * w for w in widths))
    for row in rows:
        cells = zip(row, widths, numeric, strict=True)
        lines.append("  ".join(_pad(c, w, r) for c, w, r in cells).rstrip())
    return "\n".join(lines)


def render(
    header: Sequence[str],
    rows: Sequence[Sequence[Any]],
    fmt: str,
    *,
    numeric: Sequence[bool] | None = None,
    escape_formulas: bool = True,
) -> str:
    """Render rows as an aligned ``table``, ``csv`` or ``json`` (list of objects).

    CSV text that a spreadsheet would run as a formula gets a leading apostrophe
    unless ``escape_formulas`` is false (:mod:`mch_indicators._safe_text`).
    """
    if fmt == "json":
        return json.dumps(
            [dict(zip(header, row, strict=True)) for row in rows], ensure_ascii=False, indent=2
        )
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerows(csv_rows([header, *rows], escape=escape_formulas))
        return buffer.getvalue().rstrip("\n")
    text_rows = [["" if cell is None else str(cell) for cell in row] for row in rows]
    return _table(header, text_rows, numeric or [False] * len(header))
