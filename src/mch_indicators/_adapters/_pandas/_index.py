"""Areas and periods given as a frame's index: read as the label columns they are.

``counts.set_index(["county", "year"])`` is how pandas users write a table of
units. Everything that finds a table's units (total rows out, one row per unit
and period) reads the areas and periods from columns by their headers; an index
named ``county`` was invisible to it, so a ``合计`` row in the index was summed as
a unit by :func:`mch_indicators.pool`. :func:`index_as_columns` turns the levels
of such an index into columns, and :func:`index_restored` puts the index back on a
result whose rows are the frame's own (``compute`` of one indicator, ``compare``,
``smooth``, a funnel's points).

A level is moved when it is named, and its name is matched (together with the
columns' headers, by the one column matcher) to an area or a period that no column
already gives. Other levels (unnamed, ``id``, the ``line`` of a file
:func:`~mch_indicators.read_table` read) stay in the index.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from mch_indicators._adapters._pandas._columns import as_frame, pandas
from mch_indicators._errors import LINE_INDEX_NAMES, MCHIndicatorsError

if TYPE_CHECKING:
    import pandas as pd

    from mch_indicators._catalog import Catalog

__all__ = ["IndexLabels", "index_as_columns", "index_restored", "label_levels"]


@dataclass(frozen=True, slots=True)
class IndexLabels:
    """The index a frame had (``index``) and the names of its levels now columns."""

    index: Any
    levels: tuple[Hashable, ...]


def label_levels(frame: pd.DataFrame, catalog: Catalog | None = None) -> tuple[Hashable, ...]:
    """The names of ``frame``'s index levels that give its areas or periods, else ().

    Matched with the columns' headers: a level naming a field a column gives too
    (an index ``区县`` over a column ``county``), or two levels of one field, move
    nothing.
    """
    from mch_indicators._adapters._pandas._match import match_columns
    from mch_indicators._adapters._pandas._units import label_columns

    names = [
        name
        for name in frame.index.names
        if name is not None and name not in LINE_INDEX_NAMES and name not in frame.columns
    ]
    if not names or len(set(names)) < len(names):
        return ()
    try:
        match = match_columns([*frame.columns, *names], catalog=catalog)
    except MCHIndicatorsError:
        return ()
    areas, periods = label_columns(match)
    return tuple(name for name in names if name in areas or name in periods)


def index_as_columns(
    frame: pd.DataFrame, catalog: Catalog | None = None
) -> tuple[pd.DataFrame, IndexLabels | None]:
    """``frame`` with its index levels of areas and periods as columns, and what it was.

    The moved levels come first among the columns; the rows are then labelled by
    their positions (``行 3`` in a message), or by their lines when the index keeps
    the unique ``line`` of a file :func:`~mch_indicators.read_table` read. The frame
    given is never modified; it is returned itself (with None) when no level moves.

    Examples
    --------
    >>> import pandas as pd
    >>> counts = pd.DataFrame({"county": ["甲", "合计"], "deaths": [1, 1]}).set_index("county")
    >>> flat, moved = index_as_columns(counts)
    >>> list(flat.columns), flat.index.tolist(), moved.levels
    (['county', 'deaths'], [0, 1], ('county',))
    >>> index_as_columns(counts.reset_index(drop=True))[1] is None
    True
    """
    levels = label_levels(frame, catalog)
    if not levels:
        return frame, None
    flat = as_frame(frame.reset_index(level=list(levels)))
    kept = flat.index
    lines = kept.nlevels == 1 and kept.name in LINE_INDEX_NAMES and kept.is_unique
    if not lines:
        flat.index = pandas().RangeIndex(len(flat))
    return flat, IndexLabels(frame.index, levels)


def index_restored(out: pd.DataFrame, moved: IndexLabels | None) -> pd.DataFrame:
    """``out``, rows of the frame :func:`index_as_columns` made, indexed as the frame was.

    The original index is taken at the rows' positions (its levels' dtypes kept);
    the moved columns are dropped again.
    """
    if moved is None:
        return out
    index = moved.index
    if isinstance(out.index, pandas().RangeIndex) or out.index.name not in LINE_INDEX_NAMES:
        positions = np.asarray(out.index, dtype=np.intp)
    else:
        lines = index.get_level_values(out.index.name)
        positions = np.asarray(pandas().Index(lines).get_indexer(out.index), dtype=np.intp)
    restored = out.drop(columns=[c for c in moved.levels if c in out.columns])
    restored.index = index.take(positions)
    restored.attrs = dict(out.attrs)  # the checks travel with the rows
    return as_frame(restored)
