"""The library's small result tables in the caller's library, and Arrow's numbers as numpy.

:func:`native_frame` makes the table a result is returned as (pandas, polars or
pyarrow) from numpy arrays and lists; :func:`float_values`, :func:`int_values` and
:func:`list_values` read an engine's sums and codes; :func:`order` is the order of
a table's rows by its keys.

Neither imports pandas for pyarrow: pyarrow's converters (``pa.array``, ``pa.table``,
``Array.to_numpy``) first ask whether their input is a pandas object, and asking
imports pandas where it is installed (~0.35 s), whatever the input, so a DuckDB or
pyarrow user counting records paid for pandas at the first result. The tables hold
few types (numbers, true/false, text, group keys), so these are built from their
buffers, and any other type is left to pyarrow's converters.
``tests/adapters/test_native_tables.py`` checks the tables equal ``pa.table``'s.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from mch_indicators._optional import load

__all__ = ["arrow_table", "float_values", "int_values", "list_values", "native_frame", "order"]

Backend = Literal["pandas", "polars", "pyarrow"]

#: The largest text column built from buffers (32-bit offsets); a longer one goes
#: through pyarrow's converter, which chunks it.
_LARGEST_TEXT = 2**31 - 1
_INT64 = (-(2**63), 2**63 - 1)


def order(columns: Sequence[npt.NDArray[np.object_]]) -> npt.NDArray[np.intp]:
    """Row order sorting by the key columns: numbers by value, text as text, None last.

    Examples
    --------
    >>> import numpy as np
    >>> order([np.array(["乙", None, "甲"], dtype=object), np.array([2, 1, 3], dtype=object)])
    array([0, 2, 1])
    """
    if not columns:
        return np.arange(0)
    sort_keys: list[npt.NDArray[Any]] = []
    for column in reversed(columns):
        missing = np.fromiter((v is None for v in column), dtype=bool, count=len(column))
        present = column[~missing]
        numeric = all(
            isinstance(v, int | float | np.number) and not isinstance(v, bool) for v in present
        )
        if numeric:
            values: npt.NDArray[Any] = np.zeros(len(column))
            values[~missing] = present.astype(np.float64)
        else:
            values = np.array(["" if v is None else str(v) for v in column], dtype=object)
        sort_keys.extend([values, missing])
    return np.lexsort(sort_keys)


def _pyarrow() -> Any:
    return load("pyarrow", extra="records", needed_for="tables of DuckDB and pyarrow records")


def native_frame(columns: Mapping[str, Any], backend: Backend) -> Any:
    """A frame of ``backend``'s library; text and key columns go in as lists, typed by it.

    Examples
    --------
    >>> import numpy as np
    >>> native_frame({"area": np.array(["甲", "乙"], dtype=object)}, "pyarrow").num_rows
    2
    """
    if backend == "pyarrow":
        return arrow_table(columns)
    import narwhals as nw

    listed = {
        name: values.tolist() if getattr(values, "dtype", None) == np.dtype(object) else values
        for name, values in columns.items()
    }
    return nw.from_dict(listed, backend=backend).to_native()


def float_values(array: Any) -> npt.NDArray[np.float64]:
    """A numeric Arrow array as float64, a null as NaN (a new, writable array).

    Examples
    --------
    >>> import pyarrow as pa
    >>> float_values(pa.array([1, None, 3]))
    array([ 1., nan,  3.])
    """
    raw = _raw(array)
    if raw is None:
        return np.asarray(array.to_numpy(zero_copy_only=False), dtype=np.float64)
    out = raw.astype(np.float64)
    if array.null_count:
        out[~_valid(array.buffers()[0], array.offset, len(array))] = np.nan
    return out


def int_values(array: Any) -> npt.NDArray[np.int64]:
    """An Arrow array of whole numbers without nulls as int64 (a new, writable array).

    Examples
    --------
    >>> import pyarrow as pa
    >>> int_values(pa.array([2**62 + 1], pa.uint64()))
    array([4611686018427387905])
    """
    raw = _raw(array)
    if raw is None or array.null_count or raw.dtype.kind not in "iu":
        return np.asarray(array.to_numpy(zero_copy_only=False), dtype=np.int64)
    return raw.astype(np.int64)


def list_values(array: Any) -> Any:
    """The values of a list array's lists, in order, as one Arrow array.

    As ``ListArray.flatten`` (which imports ``pyarrow.compute``, ~50 ms), for lists
    whose null entries hold no values, as the engines write them.

    Examples
    --------
    >>> import pyarrow as pa
    >>> list_values(pa.array([[1, 2], None, [3]]).slice(1)).to_pylist()
    [3]
    """
    offsets = int_values(array.offsets)
    first, last = (int(offsets[0]), int(offsets[-1])) if len(offsets) else (0, 0)
    return array.values.slice(first, last - first)


def _raw(array: Any) -> npt.NDArray[Any] | None:
    """A numeric Arrow array's values buffer as numpy (a read-only view), else None."""
    pa = _pyarrow()
    kind = array.type
    if not (pa.types.is_integer(kind) or pa.types.is_floating(kind)):
        return None
    if pa.types.is_float16(kind):
        return None
    data = array.buffers()[1]
    dtype = np.dtype(kind.to_pandas_dtype())
    if data is None or len(array) == 0:
        return np.empty(0, dtype=dtype)
    start = array.offset
    return np.frombuffer(data, dtype=dtype, count=start + len(array))[start:]


def _valid(bitmap: Any, start: int, size: int) -> npt.NDArray[np.bool_]:
    """An Arrow validity bitmap as booleans (True: a value)."""
    bits = np.unpackbits(np.frombuffer(bitmap, dtype=np.uint8), bitorder="little")
    return bits[start : start + size].astype(bool)


def arrow_table(columns: Mapping[str, Any]) -> Any:
    """A pyarrow Table of numpy arrays and lists, as ``pa.table`` types them.

    Numbers and true/false in numpy arrays, and text, whole numbers, numbers or
    true/false in lists or object arrays (with ``None`` for a missing value), are
    built from buffers; any other column is left to pyarrow.

    Examples
    --------
    >>> import numpy as np
    >>> arrow_table({"area": ["甲", None], "count": np.array([1.0, 2.0])}).schema
    area: string
    count: double
    """
    pa = _pyarrow()
    arrays = [_array(values) for values in columns.values()]
    return pa.Table.from_arrays(arrays, names=list(columns))


def _array(values: Any) -> Any:
    pa = _pyarrow()
    if isinstance(values, np.ndarray) and values.dtype != np.dtype(object):
        built = _from_numpy(values)
    else:
        values = values.tolist() if isinstance(values, np.ndarray) else list(values)
        built = _from_objects(values)
    return pa.array(values) if built is None else built


def _from_numpy(values: npt.NDArray[Any]) -> Any:
    pa = _pyarrow()
    if values.ndim != 1:
        return None
    if values.dtype == np.bool_:
        return _booleans(values, None)
    plain = values.dtype.kind in "iuf" and values.dtype.isnative
    if not plain or values.dtype == np.float16:
        return None
    data = np.ascontiguousarray(values)
    kind = pa.from_numpy_dtype(data.dtype)
    return pa.Array.from_buffers(kind, len(data), [None, pa.py_buffer(data)])


def _from_objects(listed: list[Any]) -> Any:
    """Text, whole numbers, numbers or true/false with ``None``s; else None (not built)."""
    present = [v for v in listed if v is not None]
    kinds = {type(v) for v in present}
    missing = np.array([v is None for v in listed], dtype=bool)
    if not present:  # nothing, or only missing values: pyarrow's null type
        return _pyarrow().nulls(len(listed))
    if kinds == {str}:
        return _texts(listed, missing)
    if kinds == {bool}:
        return _booleans(np.array([bool(v) for v in listed]), missing)
    if kinds == {int} and _INT64[0] <= min(present) and max(present) <= _INT64[1]:
        return _filled(listed, missing, 0, np.int64)
    if kinds == {float}:
        return _filled(listed, missing, 0.0, np.float64)
    return None


def _filled(listed: Sequence[Any], missing: npt.NDArray[np.bool_], fill: Any, dtype: Any) -> Any:
    pa = _pyarrow()
    data = np.array([fill if v is None else v for v in listed], dtype=dtype)
    kind = pa.from_numpy_dtype(data.dtype)
    return pa.Array.from_buffers(kind, len(data), [_bitmap(missing), pa.py_buffer(data)])


def _booleans(values: npt.NDArray[np.bool_], missing: npt.NDArray[np.bool_] | None) -> Any:
    pa = _pyarrow()
    data = np.packbits(values, bitorder="little")
    return pa.Array.from_buffers(pa.bool_(), len(values), [_bitmap(missing), pa.py_buffer(data)])


def _texts(listed: Sequence[str | None], missing: npt.NDArray[np.bool_]) -> Any:
    pa = _pyarrow()
    try:
        encoded = [b"" if v is None else v.encode("utf-8") for v in listed]
    except UnicodeEncodeError:  # a lone surrogate: pyarrow's converter says what is wrong
        return None
    ends = np.cumsum([len(b) for b in encoded], dtype=np.int64)
    if len(ends) and ends[-1] > _LARGEST_TEXT:
        return None
    offsets = np.zeros(len(encoded) + 1, dtype=np.int32)
    offsets[1:] = ends
    buffers = [_bitmap(missing), pa.py_buffer(offsets), pa.py_buffer(b"".join(encoded))]
    return pa.Array.from_buffers(pa.string(), len(encoded), buffers)


def _bitmap(missing: npt.NDArray[np.bool_] | None) -> Any:
    """An Arrow validity bitmap, or None when nothing is missing."""
    pa = _pyarrow()
    if missing is None or not missing.any():
        return None
    return pa.py_buffer(np.packbits(~missing, bitorder="little"))
