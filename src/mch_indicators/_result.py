"""The result of a computation: values, limits and flags in an indicator's unit."""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from functools import cache
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from mch_indicators._errors import InvalidInputError
from mch_indicators._hooks import result_html
from mch_indicators._labels import input_error
from mch_indicators._unitspec import resolve_unit
from mch_indicators._validate import level_label, owned
from mch_indicators.stats import Flag, Suppression, relative_standard_error
from mch_indicators.stats._flags import flag_label_array

if TYPE_CHECKING:
    import pandas as pd
    import pint

    from mch_indicators._model import Indicator

__all__ = ["Result", "level_label", "limit_columns"]

FloatArray = npt.NDArray[np.float64]


def limit_columns(levels: tuple[float, ...]) -> list[tuple[str, str]]:
    """(lower, upper) column names per level: plain for one level, suffixed for several.

    Examples
    --------
    >>> limit_columns((0.95,))
    [('lower', 'upper')]
    >>> limit_columns((0.95, 0.998))
    [('lower_95', 'upper_95'), ('lower_99.8', 'upper_99.8')]
    """
    if len(levels) == 1:
        return [("lower", "upper")]
    return [(f"lower_{level_label(c)}", f"upper_{level_label(c)}") for c in levels]


class Result:
    """Values, confidence limits and flags of one indicator over an array of strata.

    Attributes
    ----------
    indicator : Indicator
        The definition that was computed.
    value, lower, upper : numpy.ndarray
        Values and the limits of the first confidence level, in :attr:`unit`.
        NaN where a flag says why.
    numerator, denominator : numpy.ndarray
        The counts, broadcast to the result's shape.
    flags : numpy.ndarray of uint16
        One :class:`~mch_indicators.Flag` mask per element; 0 means no flag.
    unit : str
        Canonical unit name (``percent``, ``permille``, ``per_100k``...).
    confidence : tuple of float
        The confidence levels, first one primary.
    method : str
        The interval method used.
    labels : pandas.Index or None
        The strata's labels, one per element in C order, when the counts carried
        them (a pandas Series' index; a DataFrame's or a DataArray's axes as a
        MultiIndex): :meth:`to_frame` and the charts name the rows by them, and
        indexing keeps those of the elements kept. None for plain arrays.

    Notes
    -----
    Results are immutable: arrays are read-only and belong to the result (a
    copy of the counts, not a view of the caller's arrays, so changing those
    afterwards changes nothing here), and :meth:`to` and slicing return new
    results. Flags travel with the values through both.
    """

    __slots__ = (
        "_lower",
        "_upper",
        "confidence",
        "denominator",
        "flags",
        "indicator",
        "labels",
        "method",
        "numerator",
        "suppression",
        "unit",
        "value",
    )

    indicator: Indicator
    unit: str
    confidence: tuple[float, ...]
    method: str
    value: FloatArray
    numerator: FloatArray
    denominator: FloatArray
    flags: npt.NDArray[np.uint16]
    suppression: Suppression | None
    labels: pd.Index[Any] | None
    _lower: FloatArray
    _upper: FloatArray

    def __init__(
        self,
        *,
        indicator: Indicator,
        unit: str,
        confidence: tuple[float, ...],
        method: str,
        value: FloatArray,
        lower: FloatArray,
        upper: FloatArray,
        numerator: FloatArray,
        denominator: FloatArray,
        flags: npt.NDArray[np.uint16],
        suppression: Suppression | None = None,
        labels: pd.Index[Any] | None = None,
    ) -> None:
        arrays = {
            "value": value,
            "_lower": lower,
            "_upper": upper,
            "numerator": numerator,
            "denominator": denominator,
            "flags": flags,
        }
        for name, array in arrays.items():
            # arrays nobody else can write to (the engine's own are not copied again)
            object.__setattr__(self, name, owned(array))
        object.__setattr__(self, "indicator", indicator)
        object.__setattr__(self, "unit", unit)
        object.__setattr__(self, "confidence", confidence)
        object.__setattr__(self, "method", method)
        object.__setattr__(self, "suppression", suppression)
        object.__setattr__(self, "labels", labels)

    def _fields(self) -> dict[str, Any]:
        return {
            "indicator": self.indicator,
            "unit": self.unit,
            "confidence": self.confidence,
            "method": self.method,
            "value": self.value,
            "lower": self._lower,
            "upper": self._upper,
            "numerator": self.numerator,
            "denominator": self.denominator,
            "flags": self.flags,
            "suppression": self.suppression,
            "labels": self.labels,
        }

    def _replace(self, **changes: Any) -> Result:
        return Result(**{**self._fields(), **changes})

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (self._fields(),))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Result):
            return NotImplemented
        mine, theirs = self._fields(), other._fields()
        labels = mine.pop("labels"), theirs.pop("labels")
        if (labels[0] is None) != (labels[1] is None) or not (
            labels[0] is None or labels[0].equals(labels[1])
        ):
            return False
        return all(
            np.array_equal(value, theirs[name], equal_nan=value.dtype.kind == "f")
            if isinstance(value, np.ndarray)
            else value == theirs[name]
            for name, value in mine.items()
        )

    __hash__ = None  # type: ignore[assignment]

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("Result is immutable; use .to() or slicing for a new one")

    # -- arrays ---------------------------------------------------------------------

    @property
    def lower(self) -> FloatArray:
        """Lower limits at the first confidence level."""
        lower: FloatArray = self._lower[0]
        return lower

    @property
    def upper(self) -> FloatArray:
        """Upper limits at the first confidence level."""
        upper: FloatArray = self._upper[0]
        return upper

    @property
    def limits(self) -> tuple[FloatArray, FloatArray]:
        """(lower, upper) for every confidence level, each with a leading level axis.

        Examples
        --------
        >>> import mch_indicators as mch
        >>> r = mch.get("infant_mortality_rate").compute([60, 6], 26906, confidence=(0.95, 0.998))
        >>> lower, upper = r.limits
        >>> lower.shape
        (2, 2)
        """
        return self._lower, self._upper

    @property
    def intervals(self) -> Mapping[float, tuple[FloatArray, FloatArray]]:
        """(lower, upper) for every confidence level, keyed by level.

        Examples
        --------
        >>> import mch_indicators as mch
        >>> r = mch.get("infant_mortality_rate").compute(60, 26906, confidence=(0.95, 0.998))
        >>> sorted(r.intervals)
        [0.95, 0.998]
        """
        return MappingProxyType(
            {level: (self._lower[i], self._upper[i]) for i, level in enumerate(self.confidence)}
        )

    def interval(self, confidence: float) -> tuple[FloatArray, FloatArray]:
        """(lower, upper) at one of the computed confidence levels.

        Parameters
        ----------
        confidence : float
            One of the levels of :attr:`confidence` (``0.95``).

        Raises
        ------
        InvalidInputError
            ``confidence`` is not one of the levels computed; the message lists them.

        Examples
        --------
        >>> import mch_indicators as mch
        >>> r = mch.get("infant_mortality_rate").compute(60, 26906, confidence=(0.95, 0.998))
        >>> [round(float(v), 2) for v in r.interval(0.95)]
        [1.7, 2.87]
        """
        number = isinstance(confidence, int | float | np.number) and not isinstance(
            confidence, bool | np.bool_
        )
        for i, level in enumerate(self.confidence):
            if number and math.isclose(level, float(confidence), rel_tol=0, abs_tol=1e-12):
                return self._lower[i], self._upper[i]
        raise input_error(
            "confidence_not_computed",
            level=f"{confidence:g}" if number else repr(confidence),
            computed=", ".join(f"{c:g}" for c in self.confidence),
        )

    @property
    def shape(self) -> tuple[int, ...]:
        """Shape of the broadcast inputs."""
        return tuple(self.value.shape)

    @property
    def size(self) -> int:
        """Number of strata."""
        return int(self.value.size)

    def __len__(self) -> int:
        if self.value.ndim == 0:
            raise TypeError("len() of a scalar Result")
        return len(self.value)

    def __iter__(self) -> Iterator[Result]:
        for i in range(len(self)):
            yield self[i]

    def __getitem__(self, key: Any) -> Result:
        keys = key if isinstance(key, tuple) else (key,)
        value = np.asarray(self.value[key])
        return self._replace(
            labels=self._kept_labels(key, value.ndim),
            value=value,
            lower=np.asarray(self._lower[(slice(None), *keys)]),
            upper=np.asarray(self._upper[(slice(None), *keys)]),
            numerator=np.asarray(self.numerator[key]),
            denominator=np.asarray(self.denominator[key]),
            flags=np.asarray(self.flags[key]),
        )

    def _kept_labels(self, key: Any, ndim: int) -> pd.Index[Any] | None:
        """The labels of the elements ``self[key]`` keeps (None for one element)."""
        if self.labels is None or ndim == 0:
            return None
        kept = np.arange(self.size).reshape(self.shape)[key]
        labels: pd.Index[Any] = self.labels.take(np.ravel(kept))
        return labels

    def flag_list(self, index: int | tuple[int, ...] = ()) -> list[Flag]:
        """The flags set on one element, as a list of :class:`Flag` members."""
        mask = int(self.flags[index])
        return [flag for flag in Flag if mask & flag]

    def has_flag(self, flag: Flag) -> npt.NDArray[np.bool_]:
        """Boolean array: where ``flag`` is set."""
        mask: npt.NDArray[np.bool_] = (self.flags & np.uint16(flag)) != 0
        return mask

    # -- units -------------------------------------------------------------------------

    def to(self, unit: str) -> Result:
        """The same result in another unit (exact scale conversion).

        Examples
        --------
        >>> import mch_indicators as mch
        >>> r = mch.get("maternal_mortality_ratio").compute(2, 26954).to("‰")
        >>> round(float(r.value), 6), r.unit
        (0.0742, 'permille')
        """
        from mch_indicators.units import convert

        target = resolve_unit(unit).name
        return self._replace(
            unit=target,
            value=convert(self.value, self.unit, target),
            lower=convert(self._lower, self.unit, target),
            upper=convert(self._upper, self.unit, target),
        )

    # -- suppression -------------------------------------------------------------------

    def suppress(self, policy: Suppression | str) -> Result:
        """Withhold values and limits where ``policy`` says so.

        Withheld cells become NaN with the SUPPRESSED flag; counts and other
        flags stay, and :attr:`reasons` says why each cell was withheld.

        Parameters
        ----------
        policy : Suppression or {"ons", "nchs", "uscs"}
            A rule, or the name of a preset.

        Examples
        --------
        >>> import mch_indicators as mch
        >>> r = mch.get("MMR").compute([2, 30], [26954, 300000]).suppress("ons")
        >>> r.value.round(2).tolist(), r.reasons
        ([nan, 10.0], ['numerator 2 < 3 (ONS: fewer than 3 events)', ''])
        """
        rule = Suppression.preset(policy) if isinstance(policy, str) else policy
        withheld = rule.mask(self.numerator, self.denominator, binomial=self._binomial)
        value = np.where(withheld, np.nan, self.value)
        lower = np.where(withheld, np.nan, self._lower)
        upper = np.where(withheld, np.nan, self._upper)
        flags = self.flags | np.where(withheld, np.uint16(Flag.SUPPRESSED), np.uint16(0))
        return self._replace(
            value=value, lower=lower, upper=upper, flags=flags.astype(np.uint16), suppression=rule
        )

    @property
    def _binomial(self) -> bool:
        return self.indicator.kind.family == "binomial"

    @property
    def reasons(self) -> list[str]:
        """Why each cell (flattened in C order) was suppressed; ``""`` where it was not."""
        return self.reasons_in("en")

    def reasons_in(self, lang: str = "en") -> list[str]:
        """:attr:`reasons` in ``lang`` (``"en"`` or ``"zh"``).

        Examples
        --------
        >>> import mch_indicators as mch
        >>> mch.get("MMR").compute(2, 26954).suppress("ons").reasons_in("zh")
        ['分子 2 < 3（ONS规则：少于3例）']
        """
        from mch_indicators._labels import check_lang

        chosen = check_lang(lang)
        if self.suppression is None:
            return [""] * self.size
        withheld = self.has_flag(Flag.SUPPRESSED).ravel()
        reasons = self.suppression.reasons(
            self.numerator, self.denominator, binomial=self._binomial, lang=chosen
        )
        return [text if hit else "" for text, hit in zip(reasons, withheld, strict=True)]

    @property
    def rse(self) -> FloatArray:
        """Relative standard error of each value (binomial or Poisson by kind)."""
        return relative_standard_error(self.numerator, self.denominator, binomial=self._binomial)

    @property
    def quantity(self) -> pint.Quantity[Any]:
        """Values as a pint Quantity of the project registry (loads pint)."""
        from mch_indicators.units import quantity

        return quantity(self.value, self.unit)

    # -- tables ------------------------------------------------------------------------

    def columns(self, *, details: bool = True) -> dict[str, npt.NDArray[Any]]:
        """Columns as flat arrays (C order), for :meth:`records`, :meth:`to_frame` and adapters.

        ``indicator, numerator, denominator, value``, the limits (``lower, upper``,
        or ``lower_95, upper_95, lower_99.8``... for several levels), ``unit``, then
        with ``details`` ``confidence`` and ``method``, then ``flags`` (labels such as
        ``"MISSING|ZERO_DENOMINATOR"``, ``""`` for none) and, after a suppression,
        ``suppressed_because``.
        """
        size = self.size
        columns: dict[str, npt.NDArray[Any]] = {
            "indicator": _constant(self.indicator.id, size),
            "numerator": self.numerator.ravel(),
            "denominator": self.denominator.ravel(),
            "value": self.value.ravel(),
        }
        for i, (low, high) in enumerate(limit_columns(self.confidence)):
            columns[low] = self._lower[i].ravel()
            columns[high] = self._upper[i].ravel()
        columns["unit"] = _constant(self.unit, size)
        if details:
            levels = ", ".join(level_label(c) + "%" for c in self.confidence)
            columns["confidence"] = _constant(levels, size)
            columns["method"] = _constant(self.method, size)
        columns["flags"] = _flag_table()[self.flags.ravel()]
        if self.suppression is not None:
            columns["suppressed_because"] = np.array(self.reasons, dtype=object)
        return columns

    def records(self) -> dict[str, list[Any]]:
        """Columns as plain lists (flattened in C order); see :meth:`columns`."""
        return {name: values.tolist() for name, values in self.columns().items()}

    def to_frame(self, *, lang: str | None = None) -> pd.DataFrame:
        """A tidy pandas DataFrame, one row per stratum (needs pandas).

        Columns: ``indicator, numerator, denominator, value, lower, upper, unit,
        confidence, method, flags``. With several confidence levels the limit
        columns are ``lower_95, upper_95, lower_99.8, upper_99.8``... Flags are
        readable labels such as ``"MISSING|ZERO_DENOMINATOR"`` (``""`` for none).
        The index is the :attr:`labels` of the counts (a Series' index...) where
        they had some; otherwise multi-dimensional results get a MultiIndex with one
        level per axis.

        With ``lang="zh"`` (or ``"en"``) the frame is for reading: headers, the
        indicator's name, the unit (``/10万``) and the flags in that language,
        values and limits rounded half up to the indicator's ``decimals``.

        Examples
        --------
        >>> import mch_indicators as mch
        >>> frame = mch.get("hospital_delivery_rate").compute([99, 100], 100).to_frame()
        >>> frame[["value", "flags"]].to_dict("list")
        {'value': [99.0, 100.0], 'flags': ['', '']}
        >>> shown = mch.get("MMR").compute(2, 26954).to_frame(lang="zh")
        >>> shown[["指标", "数值", "单位", "标记"]].to_dict("records")
        [{'指标': '孕产妇死亡率', '数值': 7.42, '单位': '/10万', '标记': '数值不稳定'}]
        """
        from mch_indicators._optional import pandas

        index: pd.Index[Any] | None = self.labels
        if index is None and self.value.ndim > 1:
            index = pandas().MultiIndex.from_tuples(
                list(np.ndindex(self.shape)), names=[f"dim_{i}" for i in range(self.value.ndim)]
            )
        frame: pd.DataFrame = pandas().DataFrame(self.records(), index=index)
        if lang is None:
            return frame
        from mch_indicators._display import display_frame

        return display_frame(frame, lang, catalog={self.indicator.id: self.indicator})

    # -- text -------------------------------------------------------------------------

    def format(self, *, lang: str = "en", decimals: int | None = None) -> str:
        """A scalar result as a person would write it, in English or Chinese.

        Values are rounded half up (as reports print them) to ``decimals``, by
        default the indicator's (two places unless its definition says otherwise).

        Examples
        --------
        >>> import mch_indicators as mch
        >>> r = mch.get("maternal_mortality_ratio").compute(2, 26954)
        >>> r.format()
        '7.42 per 100,000 live births (95% CI 0.90–26.80) [UNRELIABLE]'
        >>> r.format(lang="zh")
        '7.42/10万 (95%置信区间 0.90–26.80) [数值不稳定]'
        """
        from mch_indicators._display import round_half_up
        from mch_indicators._labels import check_lang, flag_text, label, unit_text

        if self.value.ndim != 0:
            raise InvalidInputError("format() needs a scalar result; index it first, e.g. r[0]")
        chosen = check_lang(lang)
        places = self.indicator.decimals if decimals is None else decimals
        spec = resolve_unit(self.unit)
        value = float(self.value)
        names = "|".join(f.name or "" for f in self.flag_list())
        if math.isnan(value) and self.suppression is not None and self.reasons[0]:
            sep = "：" if chosen == "zh" else ": "
            return f"{label('text', 'suppressed', chosen)}{sep}{self.reasons_in(chosen)[0]}"
        if math.isnan(value):
            words = flag_text(names, chosen, "、" if chosen == "zh" else "|")
            head = "NaN" if chosen == "en" else "—"
            return f"{head} ({words or label('text', 'not_computed', chosen)})"

        def number(x: float) -> str:
            rounded = float(round_half_up(x, places))
            return f"{rounded:,.{places}f}" if chosen == "en" else f"{rounded:.{places}f}"

        if chosen == "zh":
            text = f"{number(value)}{unit_text(self.unit, chosen)}"
        elif spec.symbol in {"%", ""}:
            text = f"{number(value)}{spec.symbol}"
        else:
            text = f"{number(value)} {spec.per} {self.indicator.denominator.name.en}"
        template = label("text", "interval", chosen)
        limits = "; ".join(
            template.format(
                level=level_label(c),
                lower=number(float(self._lower[i])),
                upper=number(float(self._upper[i])),
            )
            for i, c in enumerate(self.confidence)
        )
        text += f" ({limits})"
        if names:
            text += " [" + flag_text(names, chosen, ", " if chosen == "en" else "、") + "]"
        return text

    def __str__(self) -> str:
        if self.value.ndim == 0:
            return self.format()
        return self.__repr__()

    def _repr_html_(self) -> str:
        return result_html(self)

    def __repr__(self) -> str:
        head = (
            f"Result({self.indicator.id}, unit={self.unit}, shape={self.shape}, "
            f"confidence={', '.join(level_label(c) + '%' for c in self.confidence)}, "
            f"method={self.method})"
        )
        if self.value.ndim == 0:
            return f"<{head}: {self.format()}>"
        with np.printoptions(precision=self.indicator.decimals, threshold=12, edgeitems=3):
            body = (
                f"  value: {self.value}\n  lower: {self.lower}\n  upper: {self.upper}\n"
                f"  flagged: {int(np.count_nonzero(self.flags))} of {self.size}"
            )
        return f"{head}\n{body}"


def _constant(value: str, size: int) -> npt.NDArray[np.object_]:
    """``size`` references to one string (``np.full`` is ~30x slower for objects)."""
    column = np.empty(size, dtype=object)
    column.fill(value)
    return column


@cache
def _flag_table() -> npt.NDArray[np.object_]:
    """The label of every flag mask, indexed by the mask: one lookup per row, no sort."""
    return flag_label_array(np.arange(1 << len(Flag)))


def _rebuild(fields: dict[str, Any]) -> Result:
    """Unpickle a :class:`Result` (its constructor makes the arrays read-only again)."""
    return Result(**fields)
