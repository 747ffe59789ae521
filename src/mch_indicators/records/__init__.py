"""Definitions that run on records: record sets, record rules and counting on any engine.

A register (births, child deaths, maternal deaths, the maternal-care register,
children's health management) is a :class:`RecordSet` whose schema is data
(``definitions/records/*.toml``); each catalog term that can be counted from
records has a :class:`Rule` in a small condition language (``rules.toml``),
checked against the schema and against the term's criteria when it loads.
:func:`count_records` and :func:`compute_records` count inside whatever engine
holds the records (pandas, polars, pyarrow, DuckDB, dask, PySpark, or a Parquet
or CSV file scanned lazily) and return the counts, the results with intervals,
and a data-quality table. See ``docs/records.md``.
"""

from mch_indicators.records._api import (
    RecordCounts,
    RecordResults,
    compute_records,
    count_records,
)
from mch_indicators.records._conditions import (
    AllOf,
    AnyOf,
    Condition,
    FieldTest,
    Not,
    Parameter,
    Use,
)
from mch_indicators.records._rules import Rule, RuleBook, builtin_rules, load_rules
from mch_indicators.records._schema import (
    Category,
    RecordField,
    RecordSet,
    builtin_record_sets,
    record_set,
)

__all__ = [
    "AllOf",
    "AnyOf",
    "Category",
    "Condition",
    "FieldTest",
    "Not",
    "Parameter",
    "RecordCounts",
    "RecordField",
    "RecordResults",
    "RecordSet",
    "Rule",
    "RuleBook",
    "Use",
    "builtin_record_sets",
    "builtin_rules",
    "compute_records",
    "count_records",
    "load_rules",
    "record_set",
]
