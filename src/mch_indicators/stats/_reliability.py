"""Small-number reliability flags and suppression policies.

Both work on the counts only, never on the computed value, so they give the
same answer in every unit and for every interval method.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from typing import Any, TypeVar, overload

import numpy as np
import numpy.typing as npt

from mch_indicators._errors import InvalidInputError, Words, words
from mch_indicators._validate import (
    Labelled,
    align_labelled,
    check_broadcast,
    coerce_counts,
    shaped,
)
from mch_indicators.stats._types import FloatArray

__all__ = ["Reliability", "Suppression", "relative_standard_error"]

L = TypeVar("L", bound=Labelled)


def _counts(x: npt.ArrayLike, n: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Both counts as float64 (paired by label, masked elements missing, text refused)."""
    named = align_labelled(x=x, n=n)
    counts, base = coerce_counts(named["x"], "x"), coerce_counts(named["n"], "n")
    check_broadcast(x=counts, n=base)
    return counts, base


def _threshold(value: object, name: str, *, allow_inf: bool = False) -> float:
    """A threshold as a float: a real number, not NaN (and finite unless ``allow_inf``)."""
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
        raise InvalidInputError(f"{name} must be a number, got {value!r}")
    number = float(value)
    if math.isnan(number) or (math.isinf(number) and not allow_inf):
        raise InvalidInputError(f"{name} must be a finite number, got {value!r}")
    return number


@overload
def relative_standard_error(x: float, n: float, *, binomial: bool) -> float: ...
@overload
def relative_standard_error(x: L, n: npt.ArrayLike, *, binomial: bool) -> L: ...
@overload
def relative_standard_error(
    x: npt.ArrayLike, n: npt.ArrayLike, *, binomial: bool
) -> FloatArray: ...
def relative_standard_error(x: Any, n: Any, *, binomial: bool) -> Any:
    """Relative standard error of x/n: 1/√x (Poisson) or √((n − x)/(n x)) (binomial).

    Infinite at x = 0 (and n above 0); NaN where a count is missing, n is 0, or
    (binomial) x is above n. A float for numbers, a Series with its index for a
    Series, else an array.

    Examples
    --------
    >>> relative_standard_error([20, 11], 1000, binomial=False).round(3).tolist()
    [0.224, 0.302]
    """
    counts, base = _counts(x, n)
    with np.errstate(divide="ignore", invalid="ignore"):
        if binomial:
            rse = np.sqrt((base - counts) / (base * counts))
            rse = np.where(base > 0, rse, np.nan)
        else:
            rse = np.where(base > 0, 1.0 / np.sqrt(counts), np.nan)
    return shaped(np.asarray(rse, dtype=np.float64), x, n)


@dataclass(frozen=True, slots=True)
class Reliability:
    """When a value is flagged UNRELIABLE: too few events or too large a relative SE.

    The defaults follow agency practice: NCHS does not treat rates based on
    fewer than 20 events as reliable (20 events is a relative standard error
    of about 22 %), and NCHS surveys flag estimates with an RSE above 30 %.
    The flag marks a value; it never changes it.

    Parameters
    ----------
    min_events : float, default 20
        Numerators below this are flagged. ``0`` disables the rule.
    max_rse : float, default 0.30
        Values whose relative standard error exceeds this are flagged
        (Poisson: 1/√x; proportions: √((n − x)/(n x))). ``inf`` disables it.

    Examples
    --------
    >>> Reliability().unreliable([2, 25, 400], [26954, 26954, 26954], binomial=False).tolist()
    [True, False, False]
    """

    min_events: float = 20.0
    max_rse: float = 0.30

    def __post_init__(self) -> None:
        if not _threshold(self.min_events, "min_events") >= 0:
            raise InvalidInputError(f"min_events must be 0 or more, got {self.min_events!r}")
        if not _threshold(self.max_rse, "max_rse", allow_inf=True) > 0:
            raise InvalidInputError(f"max_rse must be positive, got {self.max_rse!r}")

    def unreliable(
        self, x: npt.ArrayLike, n: npt.ArrayLike, *, binomial: bool
    ) -> npt.NDArray[np.bool_]:
        """True where a value should be flagged (False where a count is missing)."""
        counts, base = _counts(x, n)
        with np.errstate(invalid="ignore"):
            few = counts < self.min_events
            if np.isfinite(self.max_rse):
                few |= relative_standard_error(counts, base, binomial=binomial) > self.max_rse
        return np.asarray(few, dtype=bool)


@dataclass(frozen=True, slots=True)
class Suppression:
    """A rule for withholding values and limits, applied only when asked for.

    A suppressed cell becomes NaN with the SUPPRESSED flag; the counts stay in
    the result and :meth:`reasons` says why each cell was withheld.

    Parameters
    ----------
    min_numerator : float, optional
        Suppress when the numerator is below this.
    min_denominator : float, optional
        Suppress when the denominator is below this.
    max_rse : float, optional
        Suppress when the relative standard error is above this.
    name : str
        Shown in the reasons.

    Examples
    --------
    >>> rule = Suppression(min_numerator=5, min_denominator=100, name="local rule")
    >>> rule.reasons([3, 12, 40], [50, 2000, 4000], binomial=False)
    ['numerator 3 < 5; denominator 50 < 100 (local rule)', '', '']
    >>> Suppression.ons().reasons([2], [100], binomial=False, lang="zh")
    ['分子 2 < 3（ONS规则：少于3例）']
    """

    min_numerator: float | None = None
    min_denominator: float | None = None
    max_rse: float | None = None
    name: str = "custom"

    def __post_init__(self) -> None:
        if self.min_numerator is None and self.min_denominator is None and self.max_rse is None:
            raise InvalidInputError("a suppression rule needs at least one threshold")
        for name in ("min_numerator", "min_denominator", "max_rse"):
            value = getattr(self, name)
            if value is not None:
                _threshold(value, name)
        if not isinstance(self.name, str):
            raise InvalidInputError(f"name must be text, got {self.name!r}")

    @classmethod
    def ons(cls) -> Suppression:
        """ONS (England and Wales): no crude rate from fewer than 3 deaths."""
        return cls(min_numerator=3, name=words("suppression_ons").en)

    @classmethod
    def nchs(cls) -> Suppression:
        """NCHS vital statistics: no rate from fewer than 20 events."""
        return cls(min_numerator=20, name=words("suppression_nchs").en)

    @classmethod
    def uscs(cls) -> Suppression:
        """U.S. Cancer Statistics: no rate or count from fewer than 16 cases."""
        return cls(min_numerator=16, name=words("suppression_uscs").en)

    def _name(self, lang: str) -> str:
        """The rule's name in ``lang``: a preset's from the label table, another as given."""
        for key in _PRESET_NAMES:
            said = words(key)
            if said.en == self.name:
                return said.zh if lang == "zh" else said.en
        return self.name

    @classmethod
    def preset(cls, name: str) -> Suppression:
        """A named preset: ``"ons"``, ``"nchs"`` or ``"uscs"``."""
        presets = {"ons": cls.ons, "nchs": cls.nchs, "uscs": cls.uscs}
        if name not in presets:
            raise InvalidInputError(
                f"unknown suppression preset {name!r}; use one of: {', '.join(presets)}"
            )
        return presets[name]()

    def _tests(
        self, x: FloatArray, n: FloatArray, binomial: bool
    ) -> list[tuple[npt.NDArray[np.bool_], str, float]]:
        """Each threshold of the rule: where it withholds, its ``[messages]`` text, its limit."""
        tests = []
        with np.errstate(invalid="ignore"):
            if self.min_numerator is not None:
                limit = self.min_numerator
                tests.append((x < limit, "suppressed_numerator", limit))
            if self.min_denominator is not None:
                limit = self.min_denominator
                tests.append((n < limit, "suppressed_denominator", limit))
            if self.max_rse is not None:
                rse = relative_standard_error(x, n, binomial=binomial)
                tests.append((rse > self.max_rse, "suppressed_rse", self.max_rse))
        return tests

    def mask(self, x: npt.ArrayLike, n: npt.ArrayLike, *, binomial: bool) -> npt.NDArray[np.bool_]:
        """True where the rule withholds a cell."""
        counts, base = _counts(x, n)
        out = np.zeros(np.broadcast_shapes(counts.shape, base.shape), dtype=bool)
        for hit, _, _ in self._tests(counts, base, binomial):
            out |= hit
        return out

    def reasons(
        self, x: npt.ArrayLike, n: npt.ArrayLike, *, binomial: bool, lang: str = "en"
    ) -> list[str]:
        """Why each cell (flattened in C order) is withheld, ``""`` where it is not.

        In ``lang``: ``"en"`` or ``"zh"`` (``分子 3 < 5；分母 50 < 100（local rule）``; a
        preset's name in Chinese too). The words are the label table's.
        """
        counts, base = _counts(x, n)
        shape = np.broadcast_shapes(counts.shape, base.shape)
        counts, base = np.broadcast_to(counts, shape).ravel(), np.broadcast_to(base, shape).ravel()
        tests = self._tests(counts, base, binomial)
        rse = relative_standard_error(counts, base, binomial=binomial)
        chinese = lang == "zh"
        texts = [(hit, _in(words(key), chinese), limit) for hit, key, limit in tests]
        frame, name = _in(words("suppressed_because"), chinese), self._name(lang)
        sep = "；" if chinese else "; "
        out = []
        for i in range(counts.size):
            parts = [
                text.format(x=counts[i], n=base[i], rse=rse[i], limit=limit)
                for hit, text, limit in texts
                if hit[i]
            ]
            out.append(frame.format(tests=sep.join(parts), name=name) if parts else "")
        return out


#: The ``[messages]`` texts naming the presets (:meth:`Suppression.ons` ...).
_PRESET_NAMES = ("suppression_ons", "suppression_nchs", "suppression_uscs")


def _in(said: Words, chinese: bool) -> str:
    """The Chinese or the English of ``said``."""
    return said.zh if chinese else said.en
