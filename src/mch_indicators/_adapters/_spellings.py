r"""One label however it is spelt: how every backend folds the keys of ``pool(by=...)``.

An office writes one township as ``城关镇``, ``城关镇\u200b`` (a zero-width space),
``城关镇 `` and ``城關鎮``. The units of its tables are compared by their labels folded
(:func:`spelling_key`, the one text normaliser :func:`mch_indicators._text.fold` on the
label as :func:`mch_indicators._checks.cell_text` shows it), and ``pool(by=...)``
pools the spellings of a text key as one group, written as the first of them.

The folding is done here once, in Python, on the *distinct* values of a key column (a
few, whatever the size of the table): :func:`respellings` says which spelling becomes
which. Each backend collects the distinct values in its engine and applies the answer
there (pandas and dask partitions: :func:`mch_indicators._adapters._pandas._units.respelt`;
polars, pyarrow, DuckDB and Spark: :func:`mch_indicators._adapters._narwhals.folded_keys`),
and only when some spellings fold together. Only text is folded, never a number (a
code ``110101`` stays apart from the text ``"110101"``); a missing key stays missing.

"First" is the first in the table's order where the engine has one (pandas, dask's
partitions in order, polars, pyarrow). DuckDB and Spark have no row order: there a
group is written as its smallest spelling (by code point, as Python orders text), the
same on every run.
"""

from __future__ import annotations

from collections.abc import Iterable

from mch_indicators._checks import cell_text
from mch_indicators._text import fold

__all__ = ["respellings", "spelling_key"]


def spelling_key(label: str) -> str:
    r"""The form in which two spellings of one unit's label compare equal.

    Examples
    --------
    >>> {spelling_key(s) for s in ("城关镇", "城关镇\u200b", "城关镇 ", "城關鎮", "城关 镇")}
    {'城关镇'}
    """
    return fold(cell_text(label))


def respellings(values: Iterable[object], *, ordered: bool = True) -> dict[str, str]:
    """``{spelling: the spelling its group is written as}``, for each text that changes.

    ``values`` are a key column's distinct values, in the table's order when
    ``ordered`` (each group is then written as its first spelling), else in any order
    (each group is written as its smallest spelling). Values that are not text are
    never folded; an empty answer means that nothing changes.

    Examples
    --------
    >>> respellings(["城關鎮 ", "石门镇", "城关镇", 110101, "110101", None])
    {'城关镇': '城關鎮 '}
    >>> respellings(["城關鎮 ", "石门镇", "城关镇"], ordered=False)
    {'城關鎮 ': '城关镇'}
    """
    groups: dict[str, list[str]] = {}
    for value in dict.fromkeys(v for v in values if isinstance(v, str)):
        groups.setdefault(spelling_key(value), []).append(value)
    out: dict[str, str] = {}
    for spellings in groups.values():
        if len(spellings) > 1:
            head = spellings[0] if ordered else min(spellings)
            out.update((spelling, head) for spelling in spellings if spelling != head)
    return out
