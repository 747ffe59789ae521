"""Reference tables kept as CSV files in ``tests/reference/``, and a loader for them.

Each file starts with ``#`` comment lines giving its provenance: at least one
``# source:`` line (the upstream package, version, file and sheet, or the
publication), then how the numbers were obtained, what the case ids mean and the
tolerance the tests apply. A header row of column names follows, then one row per
case; a ``case`` column, where present, holds the stable case id the tests use as
their pytest id.

Cells are typed on loading: an integer literal becomes an ``int``, a decimal or
scientific literal a ``float``, an empty cell (a missing value, NA in the source)
``nan``, and anything else stays a ``str``. Numbers are written exactly as the
source prints them, so a float reads back to the nearest double of that text.
"""

from __future__ import annotations

import csv
import math
import re
from pathlib import Path
from typing import Any

__all__ = ["FOLDER", "Row", "case", "case_id", "load", "missing"]

#: Where the reference tables live.
FOLDER = Path(__file__).resolve().parent / "reference"

_INT = re.compile(r"[+-]?\d+")
_FLOAT = re.compile(r"[+-]?(\d+\.\d*|\.\d+|\d+)([eE][+-]?\d+)?")

Row = dict[str, Any]


def _cell(text: str) -> Any:
    if text == "":
        return math.nan
    if _INT.fullmatch(text):
        return int(text)
    if _FLOAT.fullmatch(text):
        return float(text)
    return text


def _split(name: str) -> tuple[list[str], list[str]]:
    """The comment lines and the data lines of ``name``.csv."""
    lines = (FOLDER / f"{name}.csv").read_text(encoding="utf-8").splitlines()
    comments = [line for line in lines if line.startswith("#")]
    data = [line for line in lines if line and not line.startswith("#")]
    if lines[: len(comments)] != comments:
        raise ValueError(f"{name}.csv: comment lines must all come before the header row")
    return comments, data


def load(name: str) -> list[Row]:
    """Rows of ``tests/reference/<name>.csv`` as dicts of typed cells."""
    comments, data = _split(name)
    if not any(line.startswith("# source:") for line in comments):
        raise ValueError(f"{name}.csv has no '# source:' line")
    reader = csv.reader(data, strict=True)
    columns = next(reader)
    rows = []
    for number, cells in enumerate(reader, start=2):
        if len(cells) != len(columns):
            raise ValueError(
                f"{name}.csv row {number} (the header is row 1): "
                f"{len(cells)} cells for {len(columns)} columns"
            )
        rows.append({column: _cell(cell) for column, cell in zip(columns, cells, strict=True)})
    return rows


def case(name: str, case_id: str) -> Row:
    """The row of table ``name`` whose case id is ``case_id`` (there must be exactly one).

    Some tables (the funnel data) use ``case`` for a data set of many rows; those are
    read whole with :func:`load`, never one row by :func:`case`.
    """
    found = [row for row in load(name) if row["case"] == case_id]
    if len(found) != 1:
        problem = "no" if not found else f"{len(found)} rows for"
        raise KeyError(f"{name}.csv has {problem} case {case_id!r}")
    return found[0]


def case_id(row: Row) -> str:
    """A row's case id: pass as ``ids=`` to ``pytest.mark.parametrize``."""
    return str(row["case"])


def missing(value: Any) -> bool:
    """Whether a cell was empty (NA in the source): loaded as ``nan``."""
    return isinstance(value, float) and math.isnan(value)
