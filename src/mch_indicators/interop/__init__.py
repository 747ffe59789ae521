"""Other systems' definitions and data, read in: DHIS2 today.

:mod:`mch_indicators.export` writes the catalog for other systems;
this package reads what they hold. :func:`read_dhis2_metadata` turns the
indicators of a DHIS2 metadata export into definitions (a :class:`Dhis2Definitions`),
:func:`read_data_value_set` reads a DHIS2 ``dataValueSet`` (JSON or CSV) into a table,
and :func:`compute_data_values` computes indicators with their intervals and flags
on one.

>>> import mch_indicators as mch
>>> package = mch.export.dhis2_metadata(ids=["stillbirth_rate"])
>>> read = mch.interop.read_dhis2_metadata(package)
>>> read.catalog["stillbirth_rate"] == mch.get("stillbirth_rate")
True
"""

from __future__ import annotations

from mch_indicators.interop._dhis2 import (
    Dhis2Definitions,
    compute_data_values,
    read_data_value_set,
    read_dhis2_metadata,
)

__all__ = [
    "Dhis2Definitions",
    "compute_data_values",
    "read_data_value_set",
    "read_dhis2_metadata",
]
