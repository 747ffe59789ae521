"""Areas and periods given as a frame's index: read as the label columns they are.

``counts.set_index(["county", "year"])`` is how pandas users write a table of
units. Everything that finds a table's units (total rows out, one row per unit
and period) reads the areas and periods from columns by their headers; an index
named ``county`` was invisible to it, so a ``合计`` row in the index was summed as
a unit by :func:`mch_indicators.pool`. :func:`index_as_columns` turns such an index
into columns, and :func:`index_restored` puts it back on a result whose rows are
the frame's own (``compute`` of one indicator, ``compare``, a funnel's points).

Only an index whose levels are all named, whose names are not also columns nor
the lines of a file :func:`~mch_indicators.read_table` read, and among which one
names an area or a period (by the headers the columns are matched with) is moved.
Any other index is left as it is.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mch_indicators._adapters._pandas._columns import as_frame, pandas
from mch_indicators._errors import LINE_INDEX_NAMES, MCHIndicatorsError
from mch_indicators._labels import fields

if TYPE_CHECKING:
    import pandas as pd

    from mch_indicators._catalog import Catalog

__all__ = ["IndexLabels", "index_as_columns", "index_restored"]


@dataclass(frozen=True, slots=True)
class IndexLabels:
    """The index a frame had (``index``) and the names of its levels now columns."""

    index: Any
    levels: tuple[Hashable, ...]


def _label_levels(frame: pd.DataFrame, catalog: Catalog | None) -> tuple[Hashable, ...]:
    """The names of ``frame``'s index levels when they are to become columns, else ()."""
    from mch_indicators._adapters._pandas._match import match_columns

    names = tuple(frame.index.names)
    if isinstance(frame.index, pandas().RangeIndex) or any(name is None for name in names):
        return ()
    if any(name in frame.columns or name in LINE_INDEX_NAMES for name in names):
        return ()
    try:
        found = match_columns(list(names), catalog=catalog).fields
    except MCHIndicatorsError:
        return ()
    roles = {label.id: label.role for label in fields()}
    return names if any(roles.get(f) in ("area", "period") for f in found) else ()


def index_as_columns(
    frame: pd.DataFrame, catalog: Catalog | None = None
) -> tuple[pd.DataFrame, IndexLabels | None]:
    """``frame`` with an index of areas and periods as its first columns, and what it was.

    The frame given is never modified; it is returned itself (with None) when its
    index is not one of labels.

    Examples
    --------
    >>> import pandas as pd
    >>> counts = pd.DataFrame({"county": ["甲", "合计"], "deaths": [1, 1]}).set_index("county")
    >>> flat, moved = index_as_columns(counts)
    >>> list(flat.columns), moved.levels
    (['county', 'deaths'], ('county',))
    >>> index_as_columns(counts.reset_index(drop=True))[1] is None
    True
    """
    levels = _label_levels(frame, catalog)
    if not levels:
        return frame, None
    flat = as_frame(frame.reset_index())
    # rows keep their labels (messages name them), in an index without names
    flat.index = pandas().Index(frame.index.to_flat_index(), tupleize_cols=False)
    return flat, IndexLabels(frame.index, levels)


def index_restored(out: pd.DataFrame, moved: IndexLabels | None) -> pd.DataFrame:
    """``out``, rows of the frame :func:`index_as_columns` made, indexed as the frame was.

    ``out``'s row labels are the frame's (a level's value, a tuple of them); the
    index is rebuilt with the levels' names, and the moved columns are dropped.
    """
    if moved is None:
        return out
    pd = pandas()
    restored = out.drop(columns=[c for c in moved.levels if c in out.columns])
    labels = list(out.index)
    names = list(moved.index.names)
    if len(names) > 1:
        restored.index = (
            pd.MultiIndex.from_tuples(labels, names=names) if labels else (moved.index[:0])
        )
    else:
        restored.index = pd.Index(labels, name=names[0]) if labels else moved.index[:0]
    restored.attrs = dict(out.attrs)  # the checks travel with the rows
    return as_frame(restored)
