"""Standardisation on every backend: the keywords, declared once, and what they name.

:func:`mch_indicators.dsr` and :func:`mch_indicators.isr` take the same keywords on
pandas, dask and Spark. The pandas functions spell them out (they are the reference
signatures and docstrings); the lazy backends take ``**arguments:
Unpack[DsrArguments]`` (or :class:`IsrArguments`), so that the keywords are written
once for them and the registry reads them from here. Each backend then sums the rows
by group and age band (or each row's share of its group) in its engine, and the pandas
arithmetic finishes on the small table of sums
(:func:`~mch_indicators._adapters._pandas._standardise.dsr_of_sums`,
:func:`~mch_indicators._adapters._pandas._standardise.isr_of_sums`).

Nothing here imports pandas: a backend's columns are given as names.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, NotRequired, TypedDict

from mch_indicators._adapters._columns import Columns, as_list
from mch_indicators._validate import check_confidence

if TYPE_CHECKING:
    from mch_indicators._standards import StandardPopulation

__all__ = ["BandCells", "DsrArguments", "IsrArguments", "isr_counts"]


class DsrArguments(TypedDict):
    """The keywords of :func:`mch_indicators.dsr` (see it for their meaning)."""

    count: str
    population: str
    age: str
    standard: str | StandardPopulation | Mapping[str, float]
    by: NotRequired[Columns]
    confidence: NotRequired[float | Sequence[float]]
    multiplier: NotRequired[float]
    frequency: NotRequired[str | None]
    subset: NotRequired[bool]


class IsrArguments(TypedDict):
    """The keywords of :func:`mch_indicators.isr` (see it for their meaning)."""

    count: str
    population: str
    reference_count: str
    reference_population: str
    by: NotRequired[Columns]
    kind: NotRequired[Literal["ratio", "rate"]]
    confidence: NotRequired[float | Sequence[float]]
    refvalue: NotRequired[float]
    multiplier: NotRequired[float]


@dataclass(frozen=True, slots=True)
class BandCells:
    """What a table of sums by group and age band is summed over, and what it needs.

    ``keys`` are the group columns; ``cells`` the columns a row's counts are summed
    by (the keys, the age band, the frequency of non-independent events);
    ``weights`` the column holding the standard's weights, when one does.
    """

    keys: list[str]
    cells: list[str]
    weights: str | None
    count: str
    population: str

    @classmethod
    def of(cls, arguments: DsrArguments, columns: Collection[str]) -> BandCells:
        """The cells of :func:`dsr`'s sums for a frame of ``columns``; the confidence checked."""
        check_confidence(arguments.get("confidence", 0.95))
        keys = as_list(arguments.get("by"))
        frequency = arguments.get("frequency")
        standard = arguments["standard"]
        weights = standard if isinstance(standard, str) and standard in columns else None
        cells = [*keys, arguments["age"], *([frequency] if frequency else [])]
        return cls(keys, cells, weights, arguments["count"], arguments["population"])

    @property
    def needed(self) -> list[str]:
        """Every column the rows must have."""
        weights = [self.weights] if self.weights else []
        return [self.count, self.population, *self.cells, *weights]


def isr_counts(arguments: IsrArguments) -> dict[str, str]:
    """The four count columns of :func:`isr`, by role (``count``, ``population``...)."""
    return {
        "count": arguments["count"],
        "population": arguments["population"],
        "reference_count": arguments["reference_count"],
        "reference_population": arguments["reference_population"],
    }
