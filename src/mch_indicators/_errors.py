"""Exception types raised by mch_indicators.

Every error the library raises on purpose derives from one of the built-in
``ValueError`` or ``KeyError`` so that existing ``except`` clauses keep working,
and carries a message that names what was wrong and where.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = [
    "AmbiguousIndicatorError",
    "DefinitionError",
    "InvalidInputError",
    "MCHIndicatorsError",
    "UnitError",
    "UnknownIndicatorError",
]


class MCHIndicatorsError(Exception):
    """Base class of every error raised on purpose by mch_indicators."""


class InvalidInputError(MCHIndicatorsError, ValueError):
    """Counts that cannot be computed on: negative, infinite, non-numeric, boolean...

    The message names the argument and the first offending positions and values.
    """


class UnitError(MCHIndicatorsError, ValueError):
    """A unit that is unknown, ambiguous or not convertible."""


class DefinitionError(MCHIndicatorsError, ValueError):
    """An indicator definition that does not validate (bad id, missing name, unknown unit...)."""


class UnknownIndicatorError(MCHIndicatorsError, KeyError):
    """No indicator matches the key; the message suggests the closest matches.

    Attributes
    ----------
    key : str
        The key that was looked up.
    suggestions : tuple of str
        Ids of the closest indicators, best first (may be empty).
    shared : bool
        True when ``key`` is a code that several indicators share (SDG 3.b.1
        covers several vaccines); ``suggestions`` then lists all of them.
    """

    def __init__(self, key: str, suggestions: Sequence[str] = (), *, shared: bool = False) -> None:
        self.key = key
        self.suggestions = tuple(suggestions)
        self.shared = shared
        super().__init__(key)

    def __str__(self) -> str:
        if self.shared:
            return (
                f"{self.key!r} is a code shared by several indicators; use one of their ids: "
                + ", ".join(repr(s) for s in self.suggestions)
            )
        message = f"no indicator matches {self.key!r}"
        if self.suggestions:
            message += "; did you mean " + ", ".join(repr(s) for s in self.suggestions) + "?"
        else:
            message += "; run `mch-indicators list` to see the catalog"
        return message


class AmbiguousIndicatorError(UnknownIndicatorError):
    """A name that means different indicators in different traditions.

    "Maternal mortality rate" is the per-woman-years measure in demography but
    the usual English rendering of China's 孕产妇死亡率 (a ratio per live
    births); such a name never picks one silently. ``suggestions`` lists the
    candidate ids, ``labels`` a short description of each, in the same order.

    Attributes
    ----------
    labels : tuple of str
        One description per candidate (its names), for the message.
    """

    def __init__(
        self, key: str, suggestions: Sequence[str] = (), labels: Sequence[str] = ()
    ) -> None:
        super().__init__(key, suggestions, shared=True)
        self.labels = tuple(labels)

    def __str__(self) -> str:
        described = [
            f"{candidate!r} ({label})" if label else repr(candidate)
            for candidate, label in zip(
                self.suggestions,
                (*self.labels, *[""] * (len(self.suggestions) - len(self.labels))),
                strict=False,
            )
        ]
        return (
            f"{self.key!r} names different indicators in different traditions; "
            "use one of their ids: " + "; ".join(described)
        )
