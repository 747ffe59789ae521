"""The compute options, defined once for every entry point.

:class:`ComputeOptions` is the keyword arguments that :meth:`Indicator.compute`,
:func:`mch_indicators.compute`, :func:`mch_indicators.pool` and the adapters take
(``**options: Unpack[ComputeOptions]``, so type checkers see each one);
:class:`Options` is the same, checked and with defaults filled in, built by
:meth:`Options.from_keywords`.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, TypedDict

from mch_indicators._errors import InvalidInputError, Words, error_of, words
from mch_indicators._validate import check_confidence, choice_error
from mch_indicators.stats import Reliability, Suppression

__all__ = ["DEFAULT_RELIABILITY", "ComputeOptions", "OnInvalid", "Options"]

OnInvalid = Literal["raise", "flag"]

#: The reliability rule :meth:`Indicator.compute` applies unless told otherwise.
DEFAULT_RELIABILITY = Reliability()


class ComputeOptions(TypedDict, total=False):
    """Keyword options of every computation (all optional).

    confidence : float or sequence of float, default 0.95
        One level, or several (``(0.95, 0.998)``), each strictly between 0 and 1.
    method : str, optional
        Interval method; defaults to the indicator's (``wilson`` for proportions,
        ``exact`` Poisson otherwise).
    on_invalid : {"raise", "flag"}, default "raise"
        What a numerator above the denominator of a proportion does: raise
        :class:`~mch_indicators.InvalidInputError`, or give NaN with an ``INVALID`` flag.
    reliability : Reliability or None, default Reliability()
        When to flag a value UNRELIABLE; None for no such flag.
    suppress : Suppression or {"ons", "nchs", "uscs"}, optional
        Withhold values and limits by this rule (NaN with a SUPPRESSED flag).
    """

    confidence: float | Sequence[float]
    method: str | None
    on_invalid: OnInvalid
    reliability: Reliability | None
    suppress: Suppression | str | None


@dataclass(frozen=True, slots=True)
class Options:
    """Checked compute options with their defaults (see :class:`ComputeOptions`)."""

    confidence: tuple[float, ...] = (0.95,)
    method: str | None = None
    on_invalid: OnInvalid = "raise"
    reliability: Reliability | None = DEFAULT_RELIABILITY
    suppress: Suppression | None = None

    @classmethod
    def from_keywords(cls, options: ComputeOptions) -> Options:
        """Check every option given; raise :class:`InvalidInputError` naming the bad one."""
        unknown = set(options) - set(ComputeOptions.__annotations__)
        if unknown:
            allowed = Words.listing(ComputeOptions.__annotations__)
            name = sorted(unknown)[0]
            raise error_of(InvalidInputError, "unknown_option", name=name, allowed=allowed)
        method = options.get("method")
        if method is not None and not isinstance(method, str):
            raise error_of(InvalidInputError, "method_not_name", value=method)
        on_invalid = options.get("on_invalid", "raise")
        if on_invalid != "raise" and on_invalid != "flag":
            raise choice_error("on_invalid", ("raise", "flag"), on_invalid)
        reliability = options.get("reliability", DEFAULT_RELIABILITY)
        if reliability is not None and not isinstance(reliability, Reliability):
            raise error_of(
                InvalidInputError, "reliability_not_rule", value=reliability,
                kind=type(reliability).__name__,
            )  # fmt: skip
        return cls(
            confidence=check_confidence(options.get("confidence", 0.95)),
            method=method,
            on_invalid=on_invalid,
            reliability=reliability,
            suppress=_suppression(options.get("suppress")),
        )

    def keywords(self) -> ComputeOptions:
        """These options as keyword arguments again (for a call that checks them anew)."""
        return ComputeOptions(
            confidence=self.confidence,
            method=self.method,
            on_invalid=self.on_invalid,
            reliability=self.reliability,
            suppress=self.suppress,
        )


def _suppression(value: object) -> Suppression | None:
    if value is None or isinstance(value, Suppression):
        return value
    if isinstance(value, str):
        return Suppression.preset(value)
    kind = words("kind_number") if isinstance(value, numbers.Number) else type(value).__name__
    raise error_of(InvalidInputError, "suppress_not_rule", kind=kind, value=value)
