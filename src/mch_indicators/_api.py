"""The top-level functions: look up indicators, and compute on whatever holds the counts.

Each table function is one entry point over the registry of backends
(:mod:`mch_indicators._adapters._registry`): it finds the backend by the type of its
first argument, resolves the indicator in the catalog once, refuses with one message
the keywords that backend does not take, and calls the backend's function with the
indicator resolved. A type no backend takes goes to the reference function, as in
:func:`functools.singledispatch`. Signatures and docstrings are written once:
:func:`compute`'s here (it also takes plain arrays), the others' in the pandas
adapter, the fullest backend, whose function the entry point wraps (typed through
``ParamSpec``: a pandas DataFrame in gives the pandas function's return type, any
other frame the type its backend returns). Nothing is computed here.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Hashable, Mapping, Sequence
from functools import wraps
from typing import (
    TYPE_CHECKING,
    Any,
    Concatenate,
    Literal,
    ParamSpec,
    Protocol,
    TypeVar,
    Unpack,
    overload,
)

from mch_indicators._adapters._columns import resolve
from mch_indicators._adapters._registry import BACKENDS, Backend, backend_for, takers
from mch_indicators._catalog import chosen_catalog, get, search  # get, search: for the names
from mch_indicators._errors import InvalidInputError
from mch_indicators._options import ComputeOptions

if TYPE_CHECKING:
    import pandas as pd
    import xarray as xr

    from mch_indicators._adapters._pandas import compare as frame_compare
    from mch_indicators._adapters._pandas import decompose as frame_decompose
    from mch_indicators._adapters._pandas import dsr as frame_dsr
    from mch_indicators._adapters._pandas import funnel as frame_funnel
    from mch_indicators._adapters._pandas import isr as frame_isr
    from mch_indicators._adapters._pandas import joinpoint as frame_joinpoint
    from mch_indicators._adapters._pandas import pool as frame_pool
    from mch_indicators._adapters._pandas import smooth as frame_smooth
    from mch_indicators._adapters._pandas import trend as frame_trend
    from mch_indicators._adapters._pandas import trend_line as frame_trend_line
    from mch_indicators._catalog import Catalog
    from mch_indicators._model import Indicator
    from mch_indicators._result import Result

__all__ = [
    "compare", "compute", "decompose", "dsr", "funnel", "get", "isr", "joinpoint", "pool",
    "search", "smooth", "trend", "trend_line",
]  # fmt: skip

P = ParamSpec("P")
R = TypeVar("R")
R_co = TypeVar("R_co", covariant=True)


class TableFunction(Protocol[P, R_co]):
    """A table function: a pandas DataFrame gives ``R_co``; another frame, its own kind."""

    @overload
    def __call__(self, frame: pd.DataFrame, /, *args: P.args, **kwargs: P.kwargs) -> R_co: ...
    @overload
    def __call__(self, frame: object, /, *args: P.args, **kwargs: P.kwargs) -> Any: ...


class ComputeFunction(Protocol[P]):
    """:func:`compute`: a frame gives a frame of its kind, plain arrays a Result."""

    @overload
    def __call__(
        self, data: pd.DataFrame, /, *args: P.args, **kwargs: P.kwargs
    ) -> pd.DataFrame: ...
    @overload
    def __call__(self, data: xr.Dataset, /, *args: P.args, **kwargs: P.kwargs) -> xr.Dataset: ...
    @overload
    def __call__(
        self, data: None = None, /, *args: P.args, **kwargs: P.kwargs
    ) -> Result | xr.Dataset: ...
    @overload
    def __call__(self, data: object, /, *args: P.args, **kwargs: P.kwargs) -> Any: ...


def _is_default(value: object, default: object) -> bool:
    if value is default:
        return True
    plain = isinstance(default, str | int | float) and type(value) is type(default)
    return plain and value == default


def _given(bound: inspect.BoundArguments, first: str) -> dict[str, Any]:
    """The arguments given after the frame, flattened, less those given their default."""
    keywords: dict[str, Any] = {}
    for name, value in bound.arguments.items():
        parameter = bound.signature.parameters[name]
        if parameter.kind is inspect.Parameter.VAR_KEYWORD:
            keywords.update(value)
        elif name == "indicator" or (name != first and not _is_default(value, parameter.default)):
            keywords[name] = value
    return keywords


def _listed(backends: list[Backend]) -> str:
    names = [backend.plural for backend in backends]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _refuse(operation: str, backend: Backend, keywords: dict[str, Any]) -> None:
    """One message for the keywords ``backend`` does not take, naming the backends that do."""
    others = [k for k in keywords if k not in ("indicator", "catalog")]
    refused = [k for k in others if not backend.takes(operation, k) and takers(operation, k)]
    if refused:  # (a keyword no backend takes is the function's own error to raise)
        names = ", ".join(f"{keyword}=" for keyword in refused)
        verb = "is" if len(refused) == 1 else "are"
        reason = backend.reasons.get(operation)
        raise InvalidInputError(
            f"{operation}(): {names} {verb} for {_listed(takers(operation, refused[0]))}, "
            f"not for {backend.what}{f' ({reason})' if reason else ''}; {backend.convert}"
        )


def _resolved(operation: str, backend: Backend, indicator: object, catalog: Catalog | None) -> Any:
    """The indicator looked up once: an Indicator, None (a long table) or a list (wide)."""
    if indicator is None:
        return None
    if isinstance(indicator, Sequence) and not isinstance(indicator, str):
        if backend.several_indicators:
            return indicator
        raise InvalidInputError(
            f"several indicators need a pandas DataFrame: {operation}(frame, [...]); "
            f"{backend.what} takes one indicator at a time, or {backend.convert}"
        )
    return resolve(indicator, catalog)  # type: ignore[arg-type]


def _dispatched(reference: Callable[..., Any]) -> Callable[..., Any]:
    """``reference``'s signature and docstring, computed by the backend of the first argument."""
    operation = reference.__name__
    signature = inspect.signature(reference)
    first = next(iter(signature.parameters))
    with_indicator = "indicator" in signature.parameters
    positional = ", ".join(
        name for name, p in signature.parameters.items() if p.kind is p.POSITIONAL_OR_KEYWORD
    )
    by_name = "give the others by name (numerator=..., by=...)"

    @wraps(reference)
    def entry_point(*args: Any, **kwargs: Any) -> Any:
        try:
            bound = signature.bind(*args, **kwargs)
        except TypeError as error:  # a call Python itself refuses: say which, and how
            advice = f"; {by_name}" if "positional" in str(error) else ""
            raise TypeError(f"{operation}({positional}, ...): {error}{advice}") from None
        data = bound.arguments.get(first)
        backend = backend_for(data)
        function = None if backend is None else backend.function(operation)
        if backend is None:  # as functools.singledispatch: the reference says what it takes
            return reference(*args, **kwargs)
        if function is None:
            raise InvalidInputError(
                f"{operation}() needs a pandas DataFrame, not {backend.what}; {backend.convert}"
            )
        keywords = _given(bound, first)
        if keywords.get("catalog") is not None:
            chosen_catalog(keywords["catalog"])  # a file name or a dict: refused here
        if isinstance(keywords.get("indicators"), str):  # one indicator, not its letters
            keywords["indicators"] = [keywords["indicators"]]
        _refuse(operation, backend, keywords)
        catalog = keywords.get("catalog")
        if not backend.takes(operation, "catalog"):
            keywords.pop("catalog", None)
        if not with_indicator:
            return function(data, **keywords)
        chosen = _resolved(operation, backend, keywords.pop("indicator", None), catalog)
        return function(data, chosen, **keywords)

    entry_point.__module__ = __name__
    return entry_point


def _table_function(
    reference: Callable[Concatenate[pd.DataFrame, P], R],
) -> TableFunction[P, R]:
    """The public table function of the pandas adapter's ``reference`` (see the module)."""
    function: TableFunction[P, R] = _dispatched(reference)
    return function


def _compute_function(reference: Callable[Concatenate[Any, P], Any]) -> ComputeFunction[P]:
    function: ComputeFunction[P] = _dispatched(reference)
    return function


@_compute_function
def compute(
    data: Any = None,
    indicator: str | Indicator | Sequence[str | Indicator] | None = None,
    *,
    numerator: Any = None,
    denominator: Any = None,
    indicators: Sequence[str | Indicator] | None = None,
    columns: Mapping[Hashable, str] | None = None,
    allow_substitute: Mapping[str, str] | None = None,
    shape: Literal["long", "wide"] = "long",
    catalog: Catalog | None = None,
    lean: bool = False,
    totals: Literal["check", "drop", "keep"] = "check",
    duplicates: Literal["error", "sum"] = "error",
    total_labels: Sequence[str] | None = None,
    rules: Any = True,
    lang: str = "en",
    **options: Unpack[ComputeOptions],
) -> Any:
    """Compute an indicator on a table or on labelled arrays, whatever holds the counts.

    Parameters
    ----------
    data : pandas, dask, Spark, polars, pyarrow or DuckDB frame, or xarray.Dataset, optional
        The counts. ``numerator`` and ``denominator`` then name the columns
        (variables); they default to the columns headed by the indicator's terms
        (``infant_deaths`` or ``婴儿死亡数``, ``live_births`` or ``活产数``...), or
        to ``numerator``/``denominator`` for a long table whose ``indicator``
        column says which indicator each row is. A pandas DataFrame with neither
        an indicator nor an ``indicator`` column is a *wide* table (one column
        per count, as offices keep them): every indicator whose counts are
        present is computed (see :func:`match_columns`).
    indicator : str or Indicator, optional
        Id, alias, Chinese name or code (a list means ``indicators=``).
    indicators : sequence, optional
        Wide table: the indicators to compute (default: all whose counts are present).
    columns : mapping, optional
        Wide table: ``{column: term}`` for headers the names do not give; always wins.
    allow_substitute : mapping, optional
        ``{definition_term: stand_in_term}``. A count column of another term than
        the definition's (``产妇数`` for ``活产数``) is an error naming both terms
        unless allowed here; the substitution is recorded in a ``substitution``
        column.
    shape : {"long", "wide"}, default "long"
        Wide table: one row per area, period and indicator, or one row per area
        and period with a column group per indicator.
    catalog : Catalog, optional
        Where indicator keys are looked up (default: the built-in catalog), e.g.
        ``mch.catalog.merged(mch.load_definitions("mine.toml"))``.
    lean : bool, default False
        pandas, dask and Spark frames: after the frame's other columns, only
        ``value``, the limits and ``flags`` (no ``indicator``, ``numerator``,
        ``denominator`` or ``unit`` repeated on every row).
    totals : {"check", "drop", "keep"}, default "check"
        pandas: total rows of an office's table (合计, 小计, 全县, Total, a blank
        area cell, a row summing the others) are never counted as units;
        ``"check"`` compares each with the sum of its parts, ``"drop"`` does not,
        ``"keep"`` counts every row as a unit. See :func:`checks`.
    duplicates : {"error", "sum"}, default "error"
        pandas: two rows of one unit and period are an error naming both, or
        with ``"sum"`` are added up (listed in the checks).
    total_labels : sequence of str, optional
        pandas: more labels marking a total row.
    rules : bool, path or sequence, default True
        pandas wide table: consistency rules over each row's counts
        (:func:`validate`); values whose counts break one are flagged
        ``INCONSISTENT``. A path or list adds your rules files; False: none.
    lang : {"en", "zh"}, default "en"
        pandas: the language of the result's column headers (``"zh"``: 县区, 年份,
        指标, 分子, 分母, 数值, 下限, 上限, 单位, 标记), for a table to show; the
        other functions (``pool``, ``to_excel``, the charts) take the English one.
    numerator, denominator : str or array
        Column names with ``data``; without ``data``, the counts themselves:
        xarray DataArrays or dask arrays (a Dataset comes back, lazily for
        dask), or plain arrays or pandas Series (a :class:`Result`, as
        :meth:`Indicator.compute`: a Series' labels pair the counts and stay
        the Result's :attr:`~Result.labels`).
    **options
        The compute options (:class:`~mch_indicators.ComputeOptions`):
        ``confidence``, ``method``, ``on_invalid``, ``reliability``, ``suppress``.

    Returns
    -------
    pandas.DataFrame, dask DataFrame, xarray.Dataset or Result
        A tidy frame keeps the input's index and other columns, then
        ``indicator, numerator, denominator, value, lower, upper, unit, flags``;
        a Dataset keeps dims and coords, with units and flag meanings in attrs.
        Dask inputs stay lazy.

    Examples
    --------
    >>> import pandas as pd, mch_indicators as mch
    >>> counts = pd.DataFrame({"county": ["A", "B"], "maternal_deaths": [2, 0],
    ...                        "live_births": [26954, 8000]})
    >>> mch.compute(counts, "孕产妇死亡率")[["county", "value", "upper"]].round(2).to_dict("list")
    {'county': ['A', 'B'], 'value': [7.42, 0.0], 'upper': [26.8, 46.11]}
    """
    kinds = _listed([b for b in BACKENDS if "compute" in b.operations])
    raise InvalidInputError(
        f"compute() takes {kinds}, got {type(data).__name__}; for plain arrays use "
        "compute(indicator=..., numerator=..., denominator=...)"
    )


#: The table functions, each the entry point over the pandas adapter's function of the
#: same name; built when first used, so that ``compute`` on plain arrays or another
#: engine's frame does not load the pandas adapter.
_TABLE_FUNCTIONS = frozenset(__all__) - {"compute", "get", "search"}

if TYPE_CHECKING:
    pool = _table_function(frame_pool)
    dsr = _table_function(frame_dsr)
    isr = _table_function(frame_isr)
    compare = _table_function(frame_compare)
    funnel = _table_function(frame_funnel)
    trend = _table_function(frame_trend)
    trend_line = _table_function(frame_trend_line)
    joinpoint = _table_function(frame_joinpoint)
    smooth = _table_function(frame_smooth)
    decompose = _table_function(frame_decompose)
else:

    def __getattr__(name: str) -> object:  # PEP 562
        if name not in _TABLE_FUNCTIONS:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        from mch_indicators._adapters import _pandas

        function = _table_function(getattr(_pandas, name))
        globals()[name] = function  # next time, a plain attribute
        return function
