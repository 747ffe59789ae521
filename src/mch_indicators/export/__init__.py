"""Definitions other systems can import: JSON, JSON Schema, CSV, xlsx, DHIS2, FHIR.

One module per format, each turning definitions into plain dicts or rows, with
no format library needed to build them (writing ``.xlsx`` uses openpyxl, the
``xlsx`` extra). :func:`catalog` writes a file in any format; :func:`dumps`
returns the text. DHIS2 also works the other way: :func:`read_dhis2_metadata`
reads DHIS2 indicators into definitions and :func:`compute_data_values`
computes on a DHIS2 data value set.

>>> import mch_indicators as mch
>>> text = mch.export.dumps("json", ids=["maternal_mortality_ratio"])
>>> import json; json.loads(text)["fingerprints"]["maternal_mortality_ratio"][:7]
'sha256:'
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from os import PathLike
from pathlib import Path
from typing import Literal

from mch_indicators._catalog import Catalog
from mch_indicators.export._csv import flatten, indicator_table, to_csv
from mch_indicators.export._dhis2 import UID_PATTERN, dhis2_metadata, dhis2_uid
from mch_indicators.export._dhis2_read import (
    Dhis2Definitions,
    compute_data_values,
    read_data_value_set,
    read_dhis2_metadata,
)
from mch_indicators.export._fhir import fhir_bundle, fhir_id, fhir_measure
from mch_indicators.export._json import catalog_document, to_json
from mch_indicators.export._jsonschema import json_schema
from mch_indicators.export._normal import SCHEMA_VERSION, fingerprint
from mch_indicators.export._xlsx import sheets, write_xlsx

__all__ = [
    "FORMATS",
    "SCHEMA_VERSION",
    "UID_PATTERN",
    "Dhis2Definitions",
    "Format",
    "catalog",
    "catalog_document",
    "compute_data_values",
    "dhis2_metadata",
    "dhis2_uid",
    "dumps",
    "fhir_bundle",
    "fhir_id",
    "fhir_measure",
    "fingerprint",
    "flatten",
    "indicator_table",
    "json_schema",
    "read_data_value_set",
    "read_dhis2_metadata",
    "sheets",
    "to_csv",
    "to_json",
    "write_xlsx",
]

Format = Literal["json", "jsonschema", "csv", "xlsx", "dhis2", "fhir"]
#: The formats :func:`catalog` writes.
FORMATS: tuple[Format, ...] = ("json", "jsonschema", "csv", "xlsx", "dhis2", "fhir")


def _json(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def dumps(
    format: Format = "json",
    *,
    catalog: Catalog | None = None,
    ids: Sequence[str] | None = None,
    escape_formulas: bool = True,
) -> str:
    """The catalog (default: built-in) or the indicators ``ids`` as text in ``format``.

    ``json`` is the catalog document, ``jsonschema`` the schema of definition
    files (``catalog`` and ``ids`` do not apply), ``csv`` the flat table,
    ``dhis2`` a metadata package and ``fhir`` a Bundle of Measures. ``xlsx`` is
    binary: write it with :func:`catalog`. In ``csv``, text a spreadsheet would
    run as a formula gets a leading apostrophe unless ``escape_formulas=False``
    (see :func:`to_csv`).
    """
    if format == "json":
        return to_json(catalog, ids) + "\n"
    if format == "jsonschema":
        return _json(json_schema())
    if format == "csv":
        return to_csv(catalog, ids, escape_formulas=escape_formulas)
    if format == "dhis2":
        return _json(dhis2_metadata(catalog, ids))
    if format == "fhir":
        return _json(fhir_bundle(catalog, ids))
    if format == "xlsx":
        raise ValueError("xlsx is a binary format: write it to a file with catalog(path, 'xlsx')")
    raise ValueError(f"unknown format {format!r}; use one of {', '.join(FORMATS)}")


def catalog(
    path: str | PathLike[str],
    format: Format = "json",
    *,
    catalog: Catalog | None = None,
    ids: Sequence[str] | None = None,
    escape_formulas: bool = True,
) -> Path:
    """Write the catalog (default: built-in) or the indicators ``ids`` to ``path`` in ``format``.

    Text is UTF-8 (CSV with a byte-order mark, so that spreadsheet programs
    read Chinese); ``xlsx`` needs openpyxl (``pip install 'mch-indicators[xlsx]'``).
    No text becomes a formula: ``xlsx`` cells are string cells, and ``csv`` text
    beginning with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a
    leading apostrophe (``escape_formulas=False``: as it is, for programs).
    Returns the path written.

    Examples
    --------
    >>> import tempfile, pathlib, mch_indicators as mch
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> path = mch.export.catalog(folder / "catalog.json")
    >>> back = mch.load_definitions(path)
    >>> dict(back) == dict(mch.catalog)
    True
    """
    target = Path(path)
    if format == "xlsx":
        write_xlsx(target, catalog, ids)
    else:
        text = dumps(format, catalog=catalog, ids=ids, escape_formulas=escape_formulas)
        target.write_text(text, encoding="utf-8-sig" if format == "csv" else "utf-8")
    return target
