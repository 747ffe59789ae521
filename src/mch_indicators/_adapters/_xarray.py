"""xarray in, xarray out: DataArrays of counts to a Dataset of value, limits and flags.

Dimensions and coordinates are kept; the limits gain a ``confidence``
dimension; units and flag meanings go in the attributes (CF conventions:
``units``, ``flag_masks``, ``flag_meanings``). Dask-backed arrays stay lazy: the
work is one element-wise task per chunk, so it runs out of core and on a
distributed cluster unchanged.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Unpack, cast

import numpy as np
import numpy.typing as npt

from mch_indicators._adapters._counts import range_reason
from mch_indicators._compute import compute_indicator, require_computable
from mch_indicators._errors import InvalidInputError, Words
from mch_indicators._optional import load
from mch_indicators._options import ComputeOptions, Options
from mch_indicators._unitspec import resolve_unit
from mch_indicators._validate import (
    LARGEST_COUNT,
    SMALLEST_DENOMINATOR,
    align_labelled,
    coerce_counts,
)
from mch_indicators.stats import Flag

if TYPE_CHECKING:
    import xarray as xr

    from mch_indicators._model import Indicator

__all__ = ["compute_dataarrays", "compute_dataset"]


def _xarray() -> Any:
    return load("xarray", extra="xarray", needed_for="xarray and dask arrays")


def _dataarray(obj: Any) -> xr.DataArray:
    return cast("xr.DataArray", obj)


def _dataset(obj: Any) -> xr.Dataset:
    return cast("xr.Dataset", obj)


def _as_dataarray(values: object, name: str) -> xr.DataArray:
    xr = _xarray()
    if isinstance(values, xr.DataArray):
        return _dataarray(values)
    array = values if hasattr(values, "chunks") else np.asarray(values)
    dims = [f"dim_{i}" for i in range(getattr(array, "ndim", 0))]
    return _dataarray(xr.DataArray(array, dims=dims, name=name))


def _numbers(array: xr.DataArray, name: str) -> xr.DataArray:
    """``array`` with numbers in it, read as every count is (:func:`coerce_counts`).

    Integers and floats stay as they are; an in-memory array of anything else (Python
    numbers or Decimals in an object array, None as missing) is read by the package's
    one coercion, so that it is taken or refused as :meth:`Indicator.compute` takes or
    refuses the same values. A lazy (dask) array of such is refused: reading it would
    load it.
    """
    if array.dtype != bool and array.dtype.kind in "iuf":
        return array
    if getattr(array.data, "chunks", None) is not None:
        raise InvalidInputError(
            f"{name} must be numbers, got a dask array of {array.dtype}; convert it with "
            ".astype(float) (or call .compute() first)"
        )
    return _dataarray(array.copy(data=coerce_counts(array.values, name)))


def _check_in_memory(array: xr.DataArray, name: str) -> None:
    """Name an out-of-range count of an in-memory DataArray by its coordinates.

    Dask-backed arrays are left to the engine (lazily, when computed), whose
    message gives positions.
    """
    if getattr(array.data, "chunks", None) is not None:
        return
    values = np.asarray(array.values, dtype=np.float64)
    smallest = SMALLEST_DENOMINATOR if name == "denominator" else 0.0
    with np.errstate(invalid="ignore"):
        wrong = (values < 0) | (values > LARGEST_COUNT) | ((values > 0) & (values < smallest))
    if not wrong.any():
        return
    first = tuple(int(i) for i in np.argwhere(wrong)[0])
    labels = []
    for dim, i in zip(array.dims, first, strict=True):
        label = array[dim].values[i] if dim in array.coords else i
        labels.append(label.item() if isinstance(label, np.generic) else label)
    said = range_reason(float(values[first]), denominator=name == "denominator")
    reason = said or Words("", "")
    where = ", ".join(f"{d}={v!r}" for d, v in zip(array.dims, labels, strict=True))
    raise InvalidInputError(
        reason.en,
        reason_zh=reason.zh,
        column=name,
        row=tuple(labels) if len(labels) != 1 else labels[0],
        message=f"{name} at {where}: {reason.en}",
    )


def compute_dataarrays(
    indicator: Indicator,
    numerator: object,
    denominator: object,
    **options: Unpack[ComputeOptions],
) -> xr.Dataset:
    """Compute ``indicator`` on two DataArrays (or dask arrays); a Dataset out.

    The arrays must have the same dimensions and coordinates (aligned exactly,
    never reindexed). With dask-backed arrays nothing is computed until the
    caller asks (``.compute()``, ``.load()``, ``.to_netcdf()``); a numerator
    above the denominator of a proportion then raises at that point unless
    ``on_invalid="flag"``.
    """
    xr = _xarray()
    checked = Options.from_keywords(options)
    levels = checked.confidence
    named = align_labelled(numerator=numerator, denominator=denominator)  # no pandas mixed in
    numerator, denominator = named["numerator"], named["denominator"]
    num = _as_dataarray(numerator, "numerator")
    den = _as_dataarray(denominator, "denominator")
    for name, array in (("numerator", num), ("denominator", den)):
        if "confidence" in array.dims or "confidence" in array.coords:
            raise InvalidInputError(
                f"{name} has a dimension or coordinate named 'confidence', the name of the "
                "limits' level dimension in the output; rename it (.rename(confidence=...))"
            )
    try:
        num, den = xr.align(num, den, join="exact")
    except ValueError as error:
        raise InvalidInputError(
            f"numerator and denominator do not share dimensions and coordinates: {error}"
        ) from None
    num, den = _numbers(num, "numerator"), _numbers(den, "denominator")
    for name, array in (("numerator", num), ("denominator", den)):
        _check_in_memory(array, name)
    require_computable(indicator)

    def kernel(
        x: npt.NDArray[Any], n: npt.NDArray[Any]
    ) -> tuple[npt.NDArray[Any], npt.NDArray[Any], npt.NDArray[Any], npt.NDArray[Any]]:
        result = compute_indicator(indicator, x, n, checked)
        lower, upper = result.limits
        return result.value, np.moveaxis(lower, 0, -1), np.moveaxis(upper, 0, -1), result.flags

    value, lower, upper, flags = xr.apply_ufunc(
        kernel,
        num,
        den,
        output_core_dims=[[], ["confidence"], ["confidence"], []],
        dask="parallelized",
        output_dtypes=[np.float64, np.float64, np.float64, np.uint16],
        dask_gufunc_kwargs={"output_sizes": {"confidence": len(levels)}},
    )
    spec = resolve_unit(indicator.unit)
    common = {"units": indicator.unit, "unit_symbol": spec.symbol or spec.name}
    value.attrs = {**common, "long_name": indicator.name.en, "long_name_zh": indicator.name.zh}
    lower.attrs = {**common, "long_name": f"lower confidence limit of {indicator.name.en}"}
    upper.attrs = {**common, "long_name": f"upper confidence limit of {indicator.name.en}"}
    members = [flag for flag in Flag if flag.name]
    flags.attrs = {
        "long_name": "mch_indicators flags",
        "flag_masks": np.array([int(f) for f in members], dtype=np.uint16),
        "flag_meanings": " ".join(str(f.name) for f in members),
    }
    dataset = xr.Dataset(
        {
            "numerator": num.rename(None),
            "denominator": den.rename(None),
            "value": value,
            "lower": lower,
            "upper": upper,
            "flags": flags,
        }
    ).assign_coords(confidence=list(levels))
    dataset.attrs = {
        "indicator": indicator.id,
        "method": checked.method or indicator.default_method,
        "source": "mch_indicators",
    }
    return _dataset(dataset)


def _no_total_rows(data: xr.Dataset, counts: tuple[str, str]) -> None:
    """Refuse a Dataset holding an element pandas takes out: 合计, 其中, a blank-area total.

    A blank area label whose counts are its group's sums is looked for as on the
    other engines (:func:`~mch_indicators._adapters._blank_totals.blank_total_hits`),
    on the Dataset's table (``to_dataframe``), made only when an area label is blank.
    """
    from mch_indicators._adapters._pandas._units import BlankTotal, refuse_engine_totals
    from mch_indicators._checks import cell_text

    def distinct(name: str) -> list[Any]:
        values = np.asarray(data[name].values).ravel()
        return [] if values.dtype.kind in "biufcmM" else list(dict.fromkeys(values.tolist()))

    table: list[Any] = []

    def blank_total(level: BlankTotal) -> list[Any] | None:
        import narwhals as nw

        from mch_indicators._adapters._blank_totals import blank_total_hits

        if not any(cell_text(v) == "" for v in np.asarray(data[level.column].values).ravel()):
            return None  # no blank label at this level: nothing to look for
        if not table:
            table.append(nw.from_native(data.to_dataframe().reset_index(), eager_only=True))
        found = blank_total_hits(table[0], level)
        return list(found.row(0)) if len(found) else None

    names = [str(name) for name in (*data.coords, *data.data_vars)]
    refuse_engine_totals(names, counts, distinct, blank_total=blank_total)


def compute_dataset(
    data: xr.Dataset,
    indicator: Indicator | None,
    *,
    numerator: str | None = None,
    denominator: str | None = None,
    **options: Unpack[ComputeOptions],
) -> xr.Dataset:
    """Compute from two variables of a Dataset (default: the indicator's term ids)."""
    if indicator is None:
        raise InvalidInputError("compute() on a Dataset needs the indicator")
    num = numerator or indicator.numerator.id
    den = denominator or indicator.denominator.id
    for role, name in (("numerator", num), ("denominator", den)):
        if name not in data.data_vars:
            raise InvalidInputError(
                f"{role} variable {name!r} is not in the Dataset (variables: "
                f"{', '.join(map(str, data.data_vars))}); name it with {role}="
            )
    _no_total_rows(data, (num, den))
    return compute_dataarrays(indicator, data[num], data[den], **options)
