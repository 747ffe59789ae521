"""Finding a table's columns, shared by every table adapter: pandas, dask, Spark.

Each backend names its counts the same way: the columns named by the caller, else
the indicator's terms (``live_births``), else a long table's ``numerator`` and
``denominator`` beside an ``indicator`` column; grouping keys are one name or several.
The checks here use nothing but a frame's ``columns`` (a pandas or dask DataFrame, a
Spark DataFrame, a dask frame's meta alike) and raise :class:`InvalidInputError`
naming the missing column, with the closest name the table has.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from mch_indicators._errors import InvalidInputError, Words, words

if TYPE_CHECKING:
    from mch_indicators._catalog import Catalog
    from mch_indicators._model import Indicator

__all__ = [
    "Columns",
    "as_list",
    "count_columns",
    "numerator_of",
    "refuse_count_keys",
    "require",
    "resolve",
]

#: One column name, several, or none.
Columns = str | Sequence[str] | None


def as_list(columns: Columns) -> list[str]:
    """One column name or several, as a list."""
    if columns is None:
        return []
    return [columns] if isinstance(columns, str) else list(columns)


def numerator_of(indicator: Indicator) -> Words:
    """The numerator as a refusal blames it: ``numerator of <id>`` (住院分娩率的分子)."""
    return words("numerator_of", indicator=Words(indicator.id, indicator.name.zh))


def refuse_count_keys(keys: Sequence[str], counts: tuple[str, str]) -> None:
    """A grouping column that is also one of the two ``counts`` columns is an error."""
    if counts[0] in keys or counts[1] in keys:
        raise InvalidInputError("a count column cannot also be a grouping column")


def require(frame: Any, columns: Sequence[str], role: str = "column", why: str = "") -> None:
    """Raise naming the first of ``columns`` missing from ``frame``, with the closest match."""
    for column in columns:
        if column not in frame.columns:
            close = difflib.get_close_matches(str(column), [str(c) for c in frame.columns], n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            listed = ", ".join(map(str, frame.columns))
            raise InvalidInputError(
                f"missing column {column!r}{why}{hint}; the table has {listed}",
                column=str(column),
                message=f"{role} {column!r} is not in the frame{why}{hint} (columns: {listed})",
            )


def resolve(indicator: str | Indicator, catalog: Catalog | None = None) -> Indicator:
    """An indicator by any key in ``catalog`` (default: the built-in one), or itself.

    An :class:`Indicator` is returned as it is: no catalog is looked at again.
    """
    from mch_indicators._model import Indicator

    if isinstance(indicator, Indicator):
        return indicator
    from mch_indicators._catalog import chosen_catalog

    return chosen_catalog(catalog).get_indicator(indicator)


def count_columns(
    frame: Any,
    indicator: Indicator | None,
    numerator: str | None,
    denominator: str | None,
) -> tuple[str, str]:
    """The numerator and denominator columns: as named, else the terms' ids (or a long table's)."""
    if indicator is None:
        num, den = numerator or "numerator", denominator or "denominator"
        require(frame, ["indicator"], "column")
    else:
        num = numerator or indicator.numerator.id
        den = denominator or indicator.denominator.id
    for role, column, default in (
        ("numerator", num, numerator is None),
        ("denominator", den, denominator is None),
    ):
        why = (
            f" (the {role} term of {indicator.id}; name your column with {role}=)"
            if default and indicator is not None
            else ""
        )
        require(frame, [column], f"{role} column", why)
    return num, den
