"""Direct and indirect standardisation of pandas DataFrames.

The frames are turned into (group x age band) arrays, bands matched to the
standard by label, and :func:`mch_indicators.stats.dsr` or
:func:`~mch_indicators.stats.isr` does the arithmetic.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

import numpy as np
import numpy.typing as npt

from mch_indicators._adapters._columns import Columns, as_list, require
from mch_indicators._adapters._pandas._columns import (
    as_frame,
    check_frame,
    flag_column,
    numbers,
    text_array,
)
from mch_indicators._adapters._pandas._index import index_as_columns
from mch_indicators._adapters._standardise import BandCells, DsrArguments, IsrArguments
from mch_indicators._checks import attach, checks_of
from mch_indicators._errors import DefinitionError, InvalidInputError
from mch_indicators._optional import pandas
from mch_indicators._result import limit_columns
from mch_indicators._standards import StandardPopulation, normalize_band, standard_population
from mch_indicators._validate import check_confidence
from mch_indicators.stats import dsr as array_dsr
from mch_indicators.stats import expected_counts
from mch_indicators.stats import isr as array_isr

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "ISR_SUMS",
    "IsrSettings",
    "check_isr",
    "check_isr_options",
    "dsr",
    "dsr_meta",
    "dsr_of_sums",
    "isr",
    "isr_frame",
    "isr_of_sums",
    "isr_rows",
    "standardised_frame",
]

FloatArray = npt.NDArray[np.float64]

_SCALE_UNIT = {
    1: "fraction",
    100: "percent",
    1000: "per_1k",
    10_000: "per_10k",
    100_000: "per_100k",
}


def _groups(frame: pd.DataFrame, keys: list[str]) -> tuple[npt.NDArray[np.intp], pd.DataFrame]:
    """Group number of each row and one row of key values per group (sorted)."""
    pd = pandas()
    if not keys:
        return np.zeros(len(frame), dtype=np.intp), pd.DataFrame(index=range(1))
    codes = frame.groupby(keys, sort=True, observed=True, dropna=False).ngroup().to_numpy()
    first = pd.Series(np.arange(len(frame))).groupby(codes).first().to_numpy()
    labels = frame[keys].iloc[first].reset_index(drop=True)
    return codes.astype(np.intp), labels


def _unit_of(multiplier: float) -> str:
    unit = _SCALE_UNIT.get(int(multiplier)) if float(multiplier).is_integer() else None
    if unit is None:
        raise InvalidInputError(
            f"multiplier must be one of {', '.join(map(str, _SCALE_UNIT))}, got {multiplier!r}"
        )
    return unit


def _limits(
    levels: tuple[float, ...], lower: FloatArray, upper: FloatArray
) -> dict[str, FloatArray]:
    columns = {}
    for i, (low, high) in enumerate(limit_columns(levels)):
        columns[low], columns[high] = lower[i], upper[i]
    return columns


def _standard_weights(
    frame: pd.DataFrame,
    standard: str | StandardPopulation | Mapping[str, float],
    bands: list[str],
    subset: bool,
) -> tuple[FloatArray, str]:
    """Weights of ``bands`` from a shipped standard, a mapping, or a column of the frame."""
    if isinstance(standard, str) and standard in frame.columns:
        weights = numbers(frame, standard)
        codes = frame["__code__"].to_numpy()
        lowest, highest = np.full(len(bands), np.inf), np.full(len(bands), -np.inf)
        np.minimum.at(lowest, codes, weights)  # NaN propagates into both
        np.maximum.at(highest, codes, weights)
        differ = ~((lowest == highest) | (np.isnan(lowest) & np.isnan(highest)))
        if differ.any():
            band = bands[int(np.flatnonzero(differ)[0])]
            raise InvalidInputError(
                f"column {standard!r} gives two standard weights for age band {band!r}"
            )
        return lowest, standard
    if isinstance(standard, Mapping):
        try:
            named = StandardPopulation(
                id="user_standard",
                name="standard given in the call",
                source="the caller",
                bands=tuple(str(b) for b in standard),
                weights=tuple(float(w) for w in standard.values()),
            )
        except DefinitionError as error:
            raise InvalidInputError(f"standard: {error}") from None
        return named.weights_for(bands, subset=subset), named.id
    chosen = standard_population(standard)
    return chosen.weights_for(bands, subset=subset), chosen.id


def dsr(
    frame: pd.DataFrame,
    *,
    count: str,
    population: str,
    age: str,
    standard: str | StandardPopulation | Mapping[str, float],
    by: Columns = None,
    confidence: float | Sequence[float] = 0.95,
    multiplier: float = 100_000,
    frequency: str | None = None,
    subset: bool = False,
) -> pd.DataFrame:
    """Directly age-standardised rates with Dobson intervals, as PHE computes them.

    DSR = Σ wᵢ xᵢ / nᵢ / Σ wᵢ × multiplier; the limits scale Byar's limits of the
    total count O by √(var / O) (Dobson et al. 1991). Like PHEindicatormethods,
    a group with fewer than 10 events gets no value (NaN, flagged SUPPRESSED).

    Parameters
    ----------
    frame : pandas.DataFrame
        The counts and populations by group and age band: one row per group and
        band, or raw rows (several per group and band, say one per district or
        month), which are summed. A missing count adds 0; a missing population
        makes its band's sum missing.
    count, population, age : str
        Columns of the events, the population and the age-band label.
    standard : str, StandardPopulation or mapping
        A shipped standard (``"esp_2013"``, ``"who_2000_2025"``, ``"segi_1960"``,
        ``"china_2000"``...; see :func:`standard_population`), a column of the
        frame holding each band's weight, or a ``{band: weight}`` mapping. Bands
        are matched by label, never by position.
    by : str or list of str, optional
        Grouping columns; one rate per group.
    confidence : float or sequence of float, default 0.95
    multiplier : {1, 100, 1000, 10000, 100000}, default 100000
    frequency : str, optional
        For non-independent events: the column giving how many events each
        counted individual had; ``count`` then counts individuals per frequency,
        and the variance is widened as in PHEindicatormethods 2.1.
    subset : bool, default False
        Standardise to the bands present when the data cover only some of the
        standard's (women 15–49); otherwise a missing band is an error.

    Returns
    -------
    pandas.DataFrame
        One row per group: the ``by`` columns, ``total_count``, ``total_pop``,
        ``value``, ``lower``, ``upper``, ``unit``, ``standard``, ``method``, ``flags``.
        Given a dask or Spark DataFrame, :func:`mch_indicators.dsr` returns a
        lazy one: one distributed sum by group and age band, then this
        computation on the table of sums (the same numbers).

    Examples
    --------
    >>> import pandas as pd, mch_indicators as mch
    >>> bands = ["15-19", "20-24", "25-29", "30-34", "35-39", "40-44"]
    >>> data = pd.DataFrame({"age": bands, "events": [14, 31, 45, 38, 22, 9],
    ...                      "pop": [5210, 6020, 6480, 6900, 6100, 5800]})
    >>> out = mch.dsr(data, count="events", population="pop", age="age",
    ...               standard="esp_2013", subset=True)
    >>> out[["total_count", "value", "lower", "upper"]].round(4).iloc[0].tolist()
    [159.0, 419.0737, 356.2111, 489.7974]
    """
    frame = index_as_columns(check_frame(frame, "dsr"))[0]
    pd = pandas()
    keys = as_list(by)
    named = [count, population, age, *keys, *([frequency] if frequency else [])]
    require(frame, named)
    source = frame
    frame, found = _units(frame, count, population, [age, *([frequency] if frequency else [])])
    levels = check_confidence(confidence)
    unit = _unit_of(multiplier)
    # each distinct label spelled once (a table of sums repeats its few bands many times)
    label_codes, distinct = pd.factorize(frame[age], use_na_sentinel=False)
    spelled = [normalize_band(label) for label in distinct]
    band_names = list(dict.fromkeys(spelled))
    band_index = {b: i for i, b in enumerate(band_names)}
    bands = np.array([band_index[b] for b in spelled], dtype=np.intp)[label_codes]
    work = pd.DataFrame(
        {"__band__": np.array(spelled, dtype=object)[label_codes], "__code__": bands},
        index=frame.index,
    )
    codes, labels = _groups(frame, keys)
    if isinstance(standard, str) and standard in frame.columns:
        work[standard] = frame[standard]
    weights, standard_id = _standard_weights(work, standard, band_names, subset)
    x, n = numbers(frame, count), numbers(frame, population, denominator=True)
    groups = len(labels)
    count_values = np.nan_to_num(x, nan=0.0)  # a missing count adds 0
    if frequency is None:
        counts = np.nan_to_num(_cell_sums(count_values, (codes, bands), (groups, len(band_names))))
        populations = _cell_sums(n, (codes, bands), (groups, len(band_names)))
        freqs = None
    else:
        freqs, f_index = np.unique(numbers(frame, frequency), return_inverse=True)
        shape = (groups, len(band_names), freqs.size)
        counts = np.nan_to_num(_cell_sums(count_values, (codes, bands, f_index), shape), nan=0.0)
        # each frequency's rows of a band carry the band's population: one of them is taken
        populations = np.full((groups, len(band_names)), np.nan)
        populations[codes, bands] = _cell_sums(n, (codes, bands, f_index), shape)[
            codes, bands, f_index
        ]
    core = array_dsr(
        counts, populations, weights, confidence=levels, multiplier=float(multiplier),
        frequencies=freqs,
    )  # fmt: skip
    method = "Dobson" if freqs is None else "Dobson, non-independent events"
    out = standardised_frame(
        labels,
        {"total_count": core.observed, "total_pop": core.population, "value": core.value,
         **_limits(levels, *core.limits)},
        {"unit": unit, "standard": standard_id, "method": method},
        core.flags,
    )  # fmt: skip
    return attach(out, checks_of(source), found)


def _units(
    frame: pd.DataFrame, count: str, population: str, keys: list[str] | None
) -> tuple[pd.DataFrame, list[Any]]:
    """The rows to standardise: an office's total rows (合计, 全县...) taken out and checked.

    The area columns are found by their headers, as :func:`mch_indicators.pool` finds
    them; a total row sums the units of its own age band (``keys``). Without ``keys``
    (:func:`isr` names no band column) total rows are taken out unchecked: their parts
    are not known. A table of strata stays as it is: several rows of one area and band
    are summed, never refused.
    """
    from mch_indicators._adapters._pandas._compute import unit_rows
    from mch_indicators._adapters._pandas._wide import UnitRules

    rules = UnitRules("drop") if keys is None else UnitRules()
    return unit_rows(frame, count, population, rules, None, keys or ())


def standardised_frame(
    labels: pd.DataFrame,
    numbers: Mapping[str, FloatArray],
    texts: Mapping[str, str | Sequence[str]],
    flags: npt.NDArray[np.uint16],
) -> pd.DataFrame:
    """The output of :func:`dsr` or :func:`isr`: group labels, numbers, texts, flags.

    Texts and flags get explicit dtypes (text, and the flag categorical of
    every table), so that an empty frame (a dask meta frame) has the dtypes of a
    full one.
    """
    pd = pandas()
    size = len(labels)
    columns: dict[str, object] = {name: labels[name].array for name in labels.columns}
    columns.update(numbers)
    for name, text in texts.items():
        columns[name] = text_array([text] * size if isinstance(text, str) else text)
    columns["flags"] = flag_column(flags)
    return as_frame(pd.DataFrame(columns, index=pd.RangeIndex(size)))


def _cell_sums(
    values: FloatArray, cells: tuple[npt.NDArray[np.intp], ...], shape: tuple[int, ...]
) -> FloatArray:
    """``values`` summed by cell (several rows of one group and band are added up).

    A missing value makes its cell's sum missing; a cell with no row is missing.
    """
    sums = np.zeros(shape)
    np.add.at(sums, cells, values)  # NaN propagates
    seen = np.zeros(shape, dtype=bool)
    seen[cells] = True
    sums[~seen] = np.nan
    return sums


def isr(
    frame: pd.DataFrame,
    *,
    count: str,
    population: str,
    reference_count: str,
    reference_population: str,
    by: Columns = None,
    kind: Literal["ratio", "rate"] = "ratio",
    confidence: float | Sequence[float] = 0.95,
    refvalue: float = 1.0,
    multiplier: float = 100_000,
) -> pd.DataFrame:
    """Indirectly standardised ratios (observed / expected) or rates.

    Expected events are Σ nᵢ Xᵢ / Nᵢ over the age bands of each group, with the
    reference events Xᵢ and population Nᵢ of each band given on its row. The
    ratio is O / E × ``refvalue`` (100 gives an SMR × 100); the rate is
    O / E × ΣX / ΣN × ``multiplier``. Limits are exact below 10 observed
    events and Byar's from 10, as PHEindicatormethods computes them.

    Returns
    -------
    pandas.DataFrame
        One row per group: the ``by`` columns, ``observed``, ``expected``,
        ``value``, ``lower``, ``upper``, ``unit``, ``method``, ``flags``.
        Given a dask DataFrame, :func:`mch_indicators.isr` returns a lazy one:
        each row's observed and expected events summed by group (distributed),
        then finished partition by partition.

    Examples
    --------
    >>> import pandas as pd, mch_indicators as mch
    >>> data = pd.DataFrame({"deaths": [3, 9], "pop": [1000, 2000],
    ...                      "ref_deaths": [200, 900], "ref_pop": [100000, 150000]})
    >>> out = mch.isr(data, count="deaths", population="pop",
    ...               reference_count="ref_deaths", reference_population="ref_pop")
    >>> out[["observed", "expected", "value"]].round(3).iloc[0].tolist()
    [12.0, 14.0, 0.857]
    """
    frame = index_as_columns(check_frame(frame, "isr"))[0]
    keys = as_list(by)
    require(frame, [count, population, reference_count, reference_population, *keys])
    source = frame
    frame, found = _units(frame, count, population, None)
    check_isr_options(kind, refvalue, multiplier)
    levels = check_confidence(confidence)
    codes, labels = _groups(frame, keys)
    groups = len(labels)
    rows = isr_rows(frame, count, population, reference_count, reference_population)
    sums = {
        name: np.bincount(codes, weights=values, minlength=groups).astype(np.float64)
        for name, values in rows.items()
    }
    out = isr_frame(labels, sums, kind=kind, levels=levels, refvalue=refvalue,
                    multiplier=multiplier)  # fmt: skip
    return attach(out, checks_of(source), found)


ISR_SUMS = ("observed", "expected", "reference_count", "reference_population")


def check_isr_options(kind: str, refvalue: float, multiplier: float) -> None:
    """Raise for a bad ``kind``, ``refvalue`` (ratios) or ``multiplier`` (rates)."""
    if kind not in ("ratio", "rate"):
        raise InvalidInputError(f"kind must be 'ratio' or 'rate', got {kind!r}")
    if kind == "ratio" and refvalue not in (1, 100):
        raise InvalidInputError(f"refvalue must be 1 or 100 for a ratio, got {refvalue!r}")
    if kind == "rate":
        _unit_of(multiplier)


def dsr_of_sums(sums: pd.DataFrame, cells: BandCells, arguments: DsrArguments) -> pd.DataFrame:
    """:func:`dsr` on a table of sums by group and band (the finish of dask and Spark).

    A standard given as a column must give the rows of one band one weight: the sums
    carry its largest value under its name and its smallest in ``__min_<name>__``.
    """
    weights = cells.weights
    lowest = f"__min_{weights}__"
    if weights is not None and lowest in sums.columns:
        differ = sums[sums[weights] != sums[lowest]]
        if len(differ):
            where = ", ".join(f"{k}={differ[k].iloc[0]!r}" for k in cells.cells)
            raise InvalidInputError(
                f"the rows of one group and age band ({where}) give different standard "
                f"weights in column {weights!r}"
            )
        sums = sums.drop(columns=lowest)
    return dsr(sums, **arguments)


class IsrSettings(NamedTuple):
    """The options of :func:`isr`, checked, with their defaults (for :func:`isr_frame`)."""

    kind: Literal["ratio", "rate"]
    levels: tuple[float, ...]
    refvalue: float
    multiplier: float


def check_isr(arguments: IsrArguments) -> IsrSettings:
    """Raise for a bad option of :func:`isr`; the options with their defaults."""
    kind = arguments.get("kind", "ratio")
    refvalue = arguments.get("refvalue", 1.0)
    multiplier = arguments.get("multiplier", 100_000)
    check_isr_options(kind, refvalue, multiplier)
    levels = check_confidence(arguments.get("confidence", 0.95))
    return IsrSettings(kind, levels, refvalue, multiplier)


def isr_of_sums(sums: pd.DataFrame, keys: list[str], arguments: IsrArguments) -> pd.DataFrame:
    """:func:`isr` of a table of sums by group (:data:`ISR_SUMS`): the finish of dask and Spark.

    The groups come out in the order of their keys. A sum marked missing (a column
    ``__missing_<name>__`` above 0, where an engine summed a missing share as 0) is NaN.
    """
    if keys:
        sums = sums.sort_values(keys, kind="stable")
    sums = sums.reset_index(drop=True)
    totals = {name: sums[name].to_numpy(dtype="float64", copy=True) for name in ISR_SUMS}
    for name, values in totals.items():
        marked = f"__missing_{name}__"
        if marked in sums.columns:
            values[sums[marked].to_numpy() > 0] = np.nan
    settings = check_isr(arguments)
    return isr_frame(
        sums[keys], totals, kind=settings.kind, levels=settings.levels,
        refvalue=settings.refvalue, multiplier=settings.multiplier,
    )  # fmt: skip


def dsr_meta(keys: pd.DataFrame, confidence: float | Sequence[float]) -> pd.DataFrame:
    """The output of :func:`dsr` with no rows, for the key columns of ``keys`` (a lazy frame's)."""
    levels = check_confidence(confidence)
    empty = keys.iloc[:0]
    numbers = {name: empty.index.to_numpy(dtype="float64") for name in ("total_count",
               "total_pop", "value")}  # fmt: skip
    for low, high in limit_columns(levels):
        numbers[low] = numbers[high] = numbers["value"]
    texts = dict.fromkeys(("unit", "standard", "method"), "")
    return standardised_frame(empty, numbers, texts, empty.index.to_numpy(dtype="uint16"))


def isr_rows(
    frame: pd.DataFrame,
    count: str,
    population: str,
    reference_count: str,
    reference_population: str,
) -> dict[str, FloatArray]:
    """What each row adds to its group (:data:`ISR_SUMS`): a missing count adds 0.

    A missing population (or reference population) makes its group's sum NaN.
    """
    reference_x = numbers(frame, reference_count)
    reference_n = numbers(frame, reference_population, denominator=True)
    expected_rows = expected_counts(numbers(frame, population), reference_x, reference_n)
    return {
        "observed": np.nan_to_num(numbers(frame, count), nan=0.0),
        "expected": expected_rows,
        "reference_count": np.nan_to_num(reference_x, nan=0.0),
        "reference_population": reference_n,
    }


def isr_frame(
    labels: pd.DataFrame,
    sums: Mapping[str, FloatArray],
    *,
    kind: Literal["ratio", "rate"],
    levels: tuple[float, ...],
    refvalue: float,
    multiplier: float,
) -> pd.DataFrame:
    """Indirectly standardised ratios or rates of groups from their sums (:data:`ISR_SUMS`)."""
    observed, expected = sums["observed"], sums["expected"]
    if kind == "ratio":
        scale: FloatArray | float = float(refvalue)
        unit = "fraction" if refvalue == 1 else "per_100"
    else:
        unit = _unit_of(multiplier)
        scale = sums["reference_count"] / sums["reference_population"] * float(multiplier)
    core = array_isr(observed, expected, confidence=levels, scale=scale)
    method = np.where(core.observed < 10, "exact", "Byar").tolist()
    return standardised_frame(
        labels,
        {"observed": core.observed, "expected": expected, "value": core.value,
         **_limits(levels, *core.limits)},
        {"unit": unit, "method": method},
        core.flags,
    )  # fmt: skip
