"""The keywords of the operations on the engines, declared once for them all.

dask, Spark and narwhals (polars, pyarrow, DuckDB) take the same keywords for the same
operation; each backend function takes ``**keywords: Unpack[...]`` of one of these, and
the registry (:mod:`._registry`) reads the keys from it, as it reads the compute options
(:class:`~mch_indicators.ComputeOptions`). The pandas functions spell their keywords
out: they are the reference signatures and docstrings of the public functions.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Required, TypedDict, cast

from mch_indicators._options import ComputeOptions, Options

if TYPE_CHECKING:
    from mch_indicators._adapters._columns import Columns
    from mch_indicators._catalog import Catalog

__all__ = [
    "CompareKeywords",
    "ComputeKeywords",
    "FrameKeywords",
    "PoolKeywords",
    "SplitPoolKeywords",
    "options_of",
    "typed_keys",
]


class FrameKeywords(ComputeOptions, total=False):
    """The compute options, and where a frame's counts are (all optional)."""

    numerator: str | None
    denominator: str | None
    catalog: Catalog | None


class ComputeKeywords(FrameKeywords, total=False):
    """``compute`` on an engine's frame: ``lean`` keeps the results only."""

    lean: bool


class PoolKeywords(FrameKeywords, total=False):
    """``pool`` on an engine's frame: the groups, and a rolling window over a year column."""

    by: Columns
    over: str | None
    window: int | None


class CompareKeywords(TypedDict, total=False):
    """``compare`` row by row on an engine's frame (the benchmark is required)."""

    benchmark: Required[Any]
    numerator: str | None
    denominator: str | None
    by: Columns
    confidence: float
    method: str | None
    lang: str


class SplitPoolKeywords(PoolKeywords, total=False):
    """``pool`` where the engine spreads the sums over partitions (``split_out``)."""

    split_out: int | None


def typed_keys(typed: Any) -> frozenset[str]:
    """Every key a TypedDict declares, required or not."""
    return frozenset(typed.__optional_keys__ | typed.__required_keys__)


#: The keywords here that are not compute options.
_ENGINE_KEYWORDS = typed_keys(ComputeKeywords) | typed_keys(SplitPoolKeywords)
_NOT_OPTIONS = _ENGINE_KEYWORDS - typed_keys(ComputeOptions)


def options_of(keywords: Mapping[str, object]) -> Options:
    """The compute options among ``keywords``, checked, with their defaults.

    A keyword that none of these declare is taken for a misspelt option and refused.
    """
    given = {name: value for name, value in keywords.items() if name not in _NOT_OPTIONS}
    return Options.from_keywords(cast("ComputeOptions", given))
