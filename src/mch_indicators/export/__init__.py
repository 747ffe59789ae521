"""Definitions other systems can import: JSON, JSON Schema, CSV, xlsx, DHIS2, FHIR.

One module per format, each turning definitions into plain dicts or rows, with
no format library needed to build them (writing ``.xlsx`` uses openpyxl, the
``xlsx`` extra). :func:`write` writes a file in any format; :func:`dumps`
returns the text. The ``catalog_*`` functions give the catalog (default:
built-in) or some of its indicators as one object: :func:`catalog_document` (a
dict), :func:`catalog_json`, :func:`catalog_csv` (text) and
:func:`catalog_frame` (a pandas DataFrame). Reading other systems' definitions
and data (DHIS2) is :mod:`mch_indicators.interop`.

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
from mch_indicators._deprecation import warn_renamed
from mch_indicators._labels import cannot_write, input_error
from mch_indicators.export._csv import catalog_csv, catalog_frame, flatten, indicator_table
from mch_indicators.export._dhis2 import UID_PATTERN, dhis2_metadata, dhis2_uid
from mch_indicators.export._fhir import fhir_bundle, fhir_id, fhir_measure
from mch_indicators.export._json import catalog_document, catalog_json
from mch_indicators.export._jsonschema import json_schema
from mch_indicators.export._normal import SCHEMA_VERSION, fingerprint
from mch_indicators.export._xlsx import sheets, write_xlsx

__all__ = [
    "FORMATS",
    "SCHEMA_VERSION",
    "UID_PATTERN",
    "Format",
    "catalog_csv",
    "catalog_document",
    "catalog_frame",
    "catalog_json",
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
    "sheets",
    "write",
    "write_xlsx",
]

#: The DHIS2 readers, moved to :mod:`mch_indicators.interop` (deprecated here).
_MOVED_TO_INTEROP = frozenset(
    {"Dhis2Definitions", "compute_data_values", "read_data_value_set", "read_dhis2_metadata"}
)
#: Old spelling -> new one (deprecated): ``to_csv`` meant "write results" at the top level.
_RENAMED = {"catalog": "write", "to_csv": "catalog_csv", "to_json": "catalog_json"}

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
    binary: write it with :func:`write`. In ``csv``, text a spreadsheet would
    run as a formula gets a leading apostrophe unless ``escape_formulas=False``
    (see :func:`catalog_csv`).
    """
    if format == "json":
        return catalog_json(catalog, ids) + "\n"
    if format == "jsonschema":
        return _json(json_schema())
    if format == "csv":
        return catalog_csv(catalog, ids, escape_formulas=escape_formulas)
    if format == "dhis2":
        return _json(dhis2_metadata(catalog, ids))
    if format == "fhir":
        return _json(fhir_bundle(catalog, ids))
    if format == "xlsx":
        raise input_error("export_binary")
    raise input_error("export_format", format=format, known=", ".join(FORMATS))


def write(
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
    Returns the path written; a file that cannot be written (its folder missing, no
    permission) raises :class:`~mch_indicators.OutputError`, naming it.

    Examples
    --------
    >>> import tempfile, pathlib, mch_indicators as mch
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> path = mch.export.write(folder / "catalog.json")
    >>> back = mch.load_definitions(path)
    >>> dict(back) == dict(mch.catalog)
    True
    """
    target = Path(path)
    try:
        if format == "xlsx":
            write_xlsx(target, catalog, ids)
        else:
            text = dumps(format, catalog=catalog, ids=ids, escape_formulas=escape_formulas)
            target.write_text(text, encoding="utf-8-sig" if format == "csv" else "utf-8")
    except OSError as error:
        raise cannot_write(target, error) from None
    return target


def __getattr__(name: str) -> object:
    """The deprecated spellings: renamed functions, and the DHIS2 readers (now in ``interop``)."""
    if name in _RENAMED:
        warn_renamed(f"mch_indicators.export.{name}", f"mch_indicators.export.{_RENAMED[name]}")
        return globals()[_RENAMED[name]]
    if name in _MOVED_TO_INTEROP:
        import mch_indicators.interop as interop

        warn_renamed(f"mch_indicators.export.{name}", f"mch_indicators.interop.{name}")
        return getattr(interop, name)
    raise AttributeError(f"module 'mch_indicators.export' has no attribute {name!r}")
