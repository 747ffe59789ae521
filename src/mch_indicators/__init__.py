"""mch_indicators: exact, typed and fast maternal and child health indicators.

>>> import mch_indicators as mch
>>> print(mch.get("孕产妇死亡率").compute(2, 26954))
7.42 per 100,000 live births (95% CI 0.90–26.80) [UNRELIABLE]

What lives where
----------------
The public surface is what each public module's ``__all__`` lists; modules whose names
start with an underscore are private. A name goes where its rule says:

``mch_indicators`` (this module)
    What knows an indicator: the catalog and its definitions (:func:`get`,
    :func:`search`, ``catalog``, :class:`Indicator`...), the targets of national and
    global plans, and computing indicators on counts in arrays or tables (:func:`compute`,
    :func:`pool`, :func:`dsr`, :func:`funnel`, :func:`trend`, :func:`progress`...), with
    the types their results and options are made of (:class:`Result`, :class:`Flag`,
    :class:`Reliability`, :class:`Suppression`, :func:`thread_limit`); the office's files
    in and its report out (:func:`read_table`, :func:`report`, :func:`to_csv`,
    :func:`to_excel`); counting records (:func:`count_records`); the errors.
:mod:`mch_indicators.stats`
    The statistics on plain arrays: numpy in, numpy out, no catalog. A top-level function
    may share its name with one of these (``trend``, ``joinpoint``, ``dsr``, ``required_arr``):
    it is the same statistic taking what the catalog knows (an indicator, a ``Target``,
    a table), and it gives the same numbers. A statistic that needs nothing from the
    catalog lives in ``stats`` only.
:mod:`mch_indicators.units`
    Units: parsing, converting, pint quantities.
:mod:`mch_indicators.plot`
    Drawing (matplotlib, loaded only when used).
:mod:`mch_indicators.export`
    Our definitions, written in formats other systems import (JSON, JSON Schema, CSV,
    xlsx, DHIS2 metadata, FHIR).
:mod:`mch_indicators.interop`
    Other systems' definitions and data, read in (DHIS2 metadata and data values).
:mod:`mch_indicators.records`
    Definitions that run on records: record sets and the rules that count terms.
:mod:`mch_indicators.testing`, ``mch_indicators.datasets``
    Hypothesis strategies derived from the definitions; the example tables (data).

One name, one meaning: ``to_*`` writes what it is given (:func:`to_csv`,
:func:`to_excel`, :meth:`Result.to_frame`); ``catalog_*`` in ``export`` gives the catalog.
A renamed or moved name keeps its old spelling for one release, with a
:class:`DeprecationWarning` (``CHANGELOG.md``, *Deprecated*).

This module only re-exports, and lazily: ``import mch_indicators`` loads neither
pydantic, pint, scipy nor pandas; each name is imported from its module the first time
it is used.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from mch_indicators._errors import (
    AmbiguousIndicatorError,
    ConfigurationError,
    DefinitionError,
    InvalidInputError,
    MCHIndicatorsError,
    OutputError,
    UnitError,
    UnknownIndicatorError,
)
from mch_indicators._version import __version__
from mch_indicators._wiring import install as _install

if TYPE_CHECKING:
    from mch_indicators import export, interop, plot, records, stats, units
    from mch_indicators._adapters._pandas._match import ColumnMatch, match_columns
    from mch_indicators._adapters._pandas._validate import validate
    from mch_indicators._api import (
        compare,
        compute,
        decompose,
        dsr,
        funnel,
        isr,
        joinpoint,
        pool,
        smooth,
        trend,
        trend_line,
    )
    from mch_indicators._catalog import Catalog, get, load_definitions, search
    from mch_indicators._checks import checks
    from mch_indicators._io import read_table
    from mch_indicators._io._bounds import ReadLimits
    from mch_indicators._model import (
        Codes,
        Criteria,
        Direction,
        Domain,
        Indicator,
        Kind,
        Names,
        Parameters,
        Source,
        Term,
        Text,
    )
    from mch_indicators._options import ComputeOptions
    from mch_indicators._progress import (
        Progress,
        TargetAssessment,
        assess_target,
        progress,
        project_target,
        required_arr,
    )
    from mch_indicators._report import OfficeReport, report, template, to_csv, to_excel
    from mch_indicators._result import Result
    from mch_indicators._standards import StandardPopulation, standard_population
    from mch_indicators._targets import Comparator, Plan, Target, TargetStatus, targets_for
    from mch_indicators.records import (
        RecordCounts,
        RecordResults,
        compute_records,
        count_records,
    )
    from mch_indicators.stats import Flag, Reliability, Suppression
    from mch_indicators.stats._engine import thread_limit

    catalog: Catalog
    targets: tuple[Target, ...]

__all__ = [
    "AmbiguousIndicatorError",
    "Catalog",
    "Codes",
    "ColumnMatch",
    "Comparator",
    "ComputeOptions",
    "ConfigurationError",
    "Criteria",
    "DefinitionError",
    "Direction",
    "Domain",
    "Flag",
    "Indicator",
    "InvalidInputError",
    "Kind",
    "MCHIndicatorsError",
    "Names",
    "OfficeReport",
    "OutputError",
    "Parameters",
    "Plan",
    "Progress",
    "ReadLimits",
    "RecordCounts",
    "RecordResults",
    "Reliability",
    "Result",
    "Source",
    "StandardPopulation",
    "Suppression",
    "Target",
    "TargetAssessment",
    "TargetStatus",
    "Term",
    "Text",
    "UnitError",
    "UnknownIndicatorError",
    "__version__",
    "assess_target",
    "catalog",
    "checks",
    "compare",
    "compute",
    "compute_records",
    "count_records",
    "decompose",
    "dsr",
    "export",
    "funnel",
    "get",
    "interop",
    "isr",
    "joinpoint",
    "load_definitions",
    "match_columns",
    "plot",
    "pool",
    "progress",
    "project_target",
    "read_table",
    "records",
    "report",
    "required_arr",
    "search",
    "smooth",
    "standard_population",
    "stats",
    "targets",
    "targets_for",
    "template",
    "thread_limit",
    "to_csv",
    "to_excel",
    "trend",
    "trend_line",
    "units",
    "validate",
]

# name -> the module it lives in; imported on first access (PEP 562)
_LAZY = {
    **dict.fromkeys(
        [
            *("compare", "compute", "dsr", "funnel", "isr", "pool", "trend"),
            *("decompose", "joinpoint", "smooth", "trend_line"),
        ],
        "_api",
    ),
    **dict.fromkeys(["Catalog", "get", "load_definitions", "search"], "_catalog"),
    "read_table": "_io",
    "checks": "_checks",
    "ReadLimits": "_io._bounds",
    "validate": "_adapters._pandas._validate",
    **dict.fromkeys(["OfficeReport", "report", "template", "to_csv", "to_excel"], "_report"),
    **dict.fromkeys(["ColumnMatch", "match_columns"], "_adapters._pandas._match"),
    **dict.fromkeys(
        [
            *("Codes", "Criteria", "Direction", "Domain", "Indicator", "Kind", "Names"),
            *("Parameters", "Source", "Term", "Text"),
        ],
        "_model",
    ),
    **dict.fromkeys(["ComputeOptions", "DEFAULT_RELIABILITY"], "_options"),
    **dict.fromkeys(
        [
            *("Progress", "TargetAssessment", "assess_target", "progress", "project_target"),
            "required_arr",
        ],
        "_progress",
    ),
    "Result": "_result",
    **dict.fromkeys(["StandardPopulation", "standard_population"], "_standards"),
    **dict.fromkeys(["Comparator", "Plan", "Target", "TargetStatus", "targets_for"], "_targets"),
    **dict.fromkeys(["Flag", "Reliability", "Suppression"], "stats"),
    **dict.fromkeys(
        ["RecordCounts", "RecordResults", "compute_records", "count_records"], "records"
    ),
    "thread_limit": "stats._engine",
}
#: Array statistics once re-exported here; they live in ``stats`` (deprecated here).
_MOVED_TO_STATS = frozenset({"annualize", "arr", "arr_series", "percent_decline", "projection"})
_SUBMODULES = {"export", "interop", "plot", "records", "stats", "testing", "units"}


def __getattr__(name: str) -> object:
    if name == "catalog":
        from mch_indicators._catalog import builtin_catalog

        return builtin_catalog()
    if name == "targets":
        from mch_indicators._targets import builtin_targets

        return builtin_targets()
    if name in _SUBMODULES:
        return importlib.import_module(f"mch_indicators.{name}")
    if name in _MOVED_TO_STATS:
        from mch_indicators._deprecation import warn_renamed

        warn_renamed(f"mch_indicators.{name}", f"mch_indicators.stats.{name}")
        return getattr(importlib.import_module("mch_indicators.stats"), name)
    from mch_indicators._lazy import lazy_attribute

    return lazy_attribute(__name__, _LAZY, name, globals())


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


_install()  # the lower layers' hooks, and df.mch when pandas is here (it is not imported)
