"""The sets of results a report stacks: the table's rows first, then subtotals and the total.

A report's sets (``{"县区": rows, "地市": subtotals, "合计": total}``) share one
table on each sheet: the label columns are the union of the sets' (``地市``,
``县区``, ``年份``), and a pooled row fills the label its set lacks with what it is
(``小计``, ``合计``). Rows keep their order; indicators follow the catalog's order
in every set (a pool's results are sorted by id, a wide table's by column).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mch_indicators._display import RESULT_COLUMNS
from mch_indicators._errors import InvalidInputError
from mch_indicators._labels import check_lang, fields, label

if TYPE_CHECKING:
    import pandas as pd

    from mch_indicators._catalog import Catalog
    from mch_indicators._model import Indicator

__all__ = ["Block", "blocks_of", "frames_of", "label_columns"]


def label_columns(frame: pd.DataFrame) -> list[str]:
    """The label columns of a tidy result: those before ``indicator`` that are not results.

    A column of the office's table that matched nothing is carried by ``compute``
    but listed in the frame's checks (``unmatched_column``): the report lists it
    there, once, and does not repeat it as a label on every sheet.
    """
    columns = [str(c) for c in frame.columns]
    unused = unused_columns(frame)
    return [c for c in columns[: columns.index("indicator")] if c not in RESULT_COLUMNS | unused]


def unused_columns(frame: pd.DataFrame) -> set[str]:
    """The office's columns that matched nothing, as the frame's checks list them."""
    from mch_indicators._checks import checks_of

    return {row[3] for row in checks_of(frame).rows if row[0] == "unmatched_column"}


def frames_of(results: Any) -> dict[str, pd.DataFrame]:
    """``results`` as named tidy frames (a Result becomes its frame)."""
    import pandas as pd

    from mch_indicators._result import Result

    def one(item: Any) -> pd.DataFrame:
        if isinstance(item, Result):
            return item.to_frame()
        if isinstance(item, pd.DataFrame) and "indicator" in item.columns:
            return item
        raise InvalidInputError(
            "results must be the output of mch.compute or mch.pool (a frame with an "
            f"'indicator' column), a Result, or a mapping of them; got {type(item).__name__}"
        )

    if isinstance(results, Mapping):
        if not results:
            raise InvalidInputError("results: the mapping is empty; nothing to write")
        return {str(name): one(item) for name, item in results.items()}
    return {"": one(results)}


@dataclass(frozen=True, slots=True)
class Block:
    """One set of results: its name, rows in catalog order, its labels, and how it is shown.

    ``fill`` is the text a pooled row shows in the first label column its set lacks
    (``合计``); ``pooled`` is True for every set after the first.
    """

    name: str
    frame: pd.DataFrame
    labels: list[str]
    pooled: bool
    fill: str


def _catalog_order(frame: pd.DataFrame, catalog: Catalog) -> pd.DataFrame:
    """Rows grouped by their labels (first appearance), indicators in the catalog's order."""
    import numpy as np

    order = {key: position for position, key in enumerate(catalog)}
    labels = label_columns(frame)
    ids = frame["indicator"].astype(str)
    rank = ids.map(lambda key: order.get(key, len(order))).to_numpy()
    if labels:
        keys = frame[labels].astype(str).agg("\x1f".join, axis=1)
        group = keys.map({k: i for i, k in enumerate(dict.fromkeys(keys))}).to_numpy()
    else:
        group = np.zeros(len(frame), dtype=np.int64)
    positions = np.lexsort((np.arange(len(frame)), rank, group))
    return frame.iloc[positions]


def _without_unused(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` without the columns its checks list as unused (a new frame, checks kept)."""
    unused = [c for c in frame.columns if str(c) in unused_columns(frame)]
    return frame.drop(columns=unused) if unused else frame


def _fill_text(name: str, lang: str) -> str:
    """What a pooled row shows: ``合计`` for a total, ``小计`` for an area level's subtotal."""
    if name in (label("text", "total", "zh"), label("text", "total", "en")):
        return label("text", "total", lang)
    names = {text for f in fields() for text in (f.zh, f.en, f.id)}
    return label("text", "subtotal", lang) if name in names else name


def blocks_of(frames: Mapping[str, pd.DataFrame], catalog: Catalog, lang: str) -> list[Block]:
    """The sets in order, each sorted by the catalog, with the text its pooled rows show."""
    chosen = check_lang(lang)
    return [
        Block(
            name=name,
            frame=_catalog_order(_without_unused(frame), catalog),
            labels=label_columns(frame),
            pooled=position > 0,
            fill=_fill_text(name, chosen),
        )
        for position, (name, frame) in enumerate(frames.items())
    ]


def union_labels(blocks: list[Block]) -> list[str]:
    """Every label column of the blocks, in the order they first appear."""
    return list(dict.fromkeys(c for b in blocks for c in b.labels))


def needs_level_column(blocks: list[Block]) -> bool:
    """Whether a pooled block has every label, so that only a level column tells it apart."""
    everything = set(union_labels(blocks))
    return len(blocks) > 1 and any(b.pooled and set(b.labels) == everything for b in blocks)


def indicators_of(blocks: list[Block], catalog: Catalog) -> list[Indicator]:
    """Every indicator of the blocks, in the catalog's order."""
    present = {str(i) for b in blocks for i in b.frame["indicator"]}
    known = [catalog[key] for key in catalog if key in present]
    unknown = sorted(present - {i.id for i in known})
    return [*known, *(catalog.get_indicator(key) for key in unknown)]
