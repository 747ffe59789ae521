"""The catalog as a flat table: one row per indicator, one column per field.

Nested fields become dotted columns (``name.zh``, ``numerator.criteria.age_days_max``),
lists of values are joined with `` | `` and lists of records are numbered
(``sources.1.document``, ``sources.2.document``). Columns come from the
definitions themselves, so a field added to the models appears as a column.
The last columns are the fingerprint, the targets of the built-in plans (as
text) and the schema version. CSV is written as UTF-8 with a byte-order mark,
which spreadsheet programs need to read Chinese correctly.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from typing import Any

from mch_indicators._catalog import Catalog
from mch_indicators._model import Indicator
from mch_indicators._optional import pandas
from mch_indicators._safe_text import csv_rows
from mch_indicators._targets import Target
from mch_indicators.export._json import select, targets_of
from mch_indicators.export._normal import SCHEMA_VERSION, fingerprint

__all__ = ["JOIN", "catalog_csv", "catalog_frame", "flatten", "indicator_table", "merge_columns"]

#: Separator of the items of a list in one cell.
JOIN = " | "


def flatten(data: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested dicts and lists as one level of dotted keys.

    Examples
    --------
    >>> flatten({"name": {"en": "x"}, "aliases": ["a", "b"], "sources": [{"document": "d"}]})
    {'name.en': 'x', 'aliases': 'a | b', 'sources.1.document': 'd'}
    """
    flat: dict[str, Any] = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat.update(flatten(value, f"{name}."))
        elif isinstance(value, list | tuple) and any(isinstance(v, Mapping) for v in value):
            for position, item in enumerate(value, start=1):
                flat.update(flatten(item, f"{name}.{position}."))
        elif isinstance(value, list | tuple):
            flat[name] = JOIN.join(str(item) for item in value)
        else:
            flat[name] = value
    return flat


def merge_columns(rows: Sequence[Mapping[str, Any]]) -> list[str]:
    """Every key of the rows, each new key placed after the key it follows in its row."""
    columns: list[str] = []
    for row in rows:
        previous: str | None = None
        for key in row:
            if key not in columns:
                columns.insert(columns.index(previous) + 1 if previous else len(columns), key)
            previous = key
    return columns


def _target_text(target: Target) -> str:
    year = f" by {target.year}" if target.year else ""
    scope = f", {target.scope}" if target.scope else ""
    return f"{target.rule}{year}{scope} ({target.plan.id})"


def indicator_table(
    catalog: Catalog | None = None, ids: Sequence[str] | None = None
) -> tuple[list[str], list[list[Any]]]:
    """Header and rows of the flat table (cells: text, numbers, booleans or None)."""
    indicators: list[Indicator] = select(catalog, ids)
    targets = targets_of(indicators)
    records = []
    for indicator in indicators:
        record = flatten(indicator.model_dump(mode="json"))
        record["fingerprint"] = fingerprint(indicator)
        mine = [_target_text(t) for t in targets if t.indicator == indicator.id]
        record["targets"] = JOIN.join(mine)
        record["schema_version"] = SCHEMA_VERSION
        records.append(record)
    header = merge_columns(records)
    return header, [[record.get(column) for column in header] for record in records]


def catalog_frame(catalog: Catalog | None = None, ids: Sequence[str] | None = None) -> Any:
    """The flat table as a pandas DataFrame indexed by ``id`` (needs pandas).

    The columns are those of :func:`catalog_csv`: ``name.en``, ``name.zh``,
    ``domain``, ``kind``, ``unit``, the terms, sources, codes, ``targets``...

    Examples
    --------
    >>> from mch_indicators.export import catalog_frame
    >>> frame = catalog_frame()
    >>> frame.loc["maternal_mortality_ratio", ["name.zh", "unit", "numerator.id"]].tolist()
    ['孕产妇死亡率', 'per_100k', 'maternal_deaths']
    """
    header, rows = indicator_table(catalog, ids)
    return pandas().DataFrame(rows, columns=header).set_index("id")


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def catalog_csv(
    catalog: Catalog | None = None,
    ids: Sequence[str] | None = None,
    *,
    escape_formulas: bool = True,
) -> str:
    """The flat table as CSV text (write it with ``encoding="utf-8-sig"``).

    Text that a spreadsheet would read as a formula (a name beginning with ``=``,
    ``+``, ``-``, ``@``...) gets a leading apostrophe (:mod:`mch_indicators._safe_text`);
    ``escape_formulas=False`` writes it as it is, for a program that reads the file.

    Examples
    --------
    >>> from mch_indicators.export import catalog_csv
    >>> text = catalog_csv(ids=["infant_mortality_rate"])
    >>> text.splitlines()[0].split(",")[:4]
    ['id', 'name.en', 'name.zh', 'aliases']
    >>> text.splitlines()[1].split(",")[:3]
    ['infant_mortality_rate', 'Infant mortality rate', '婴儿死亡率']
    """
    header, rows = indicator_table(catalog, ids)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(next(csv_rows([header], escape=escape_formulas)))
    cells = ([_cell(value) for value in row] for row in rows)
    writer.writerows(csv_rows(cells, escape=escape_formulas))
    return buffer.getvalue()
