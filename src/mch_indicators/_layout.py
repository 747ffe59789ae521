"""The words of an office's table layout: total rows, notes under the table, rows above it.

Read from ``definitions/office_tables.toml`` once and checked (a mistake is a
:class:`DefinitionError` at load). The readers use :func:`is_note` and
:func:`is_above_header`; the table adapters :func:`is_total_label` and
:func:`is_subtotal_label`. Words are compared after folding width, case and
spaces, so ``合 计``, ``合计：`` and ``ＴＯＴＡＬ`` are the same word.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources
from itertools import pairwise
from typing import Any

from mch_indicators._errors import DefinitionError
from mch_indicators._text import fold

__all__ = [
    "Layout",
    "fold_label",
    "is_above_header",
    "is_breakdown_label",
    "is_column_numbers",
    "is_comparison_label",
    "is_note",
    "is_second_table",
    "is_subtotal_label",
    "is_total_label",
    "is_whole_total_label",
    "layout",
    "scaled_unit",
]

_FIELDS = {
    "totals": ("labels", "suffixes", "whole_of", "subtotals"),
    "notes": ("starts", "tables"),
    "above_header": ("starts", "units", "scales", "counted"),
    "breakdowns": ("starts",),
    "comparisons": ("starts",),
    "column_numbers": ("labels",),
}
# from the start of the trailing run only: tried at each of its characters it is quadratic
_TRAILING = re.compile(r"(?<![：:：。.,，;；、\s])[：:：。.,，;；、\s]++$")
_SEPARATOR = re.compile(r"[\s：:、.．,，;；()（）\[\]【】0-9一二三四五六七八九十]")


def fold_label(text: object) -> str:
    """A cell's text folded for comparison: NFKC, case folded, spaces and a trailing colon gone.

    Examples
    --------
    >>> fold_label(" 合 计： "), fold_label("ＴＯＴＡＬ")
    ('合计', 'total')
    """
    return _TRAILING.sub("", fold(str(text), spaces="remove"))


@dataclass(frozen=True, slots=True)
class Layout:
    """The folded words of ``office_tables.toml``, with extra total labels if given."""

    total_labels: frozenset[str]
    total_suffixes: tuple[str, ...]
    whole_of: tuple[str, ...]
    subtotals: frozenset[str]
    notes: tuple[str, ...]
    tables: tuple[str, ...]
    above_header: tuple[str, ...]
    unit_words: tuple[str, ...]
    scales: frozenset[str]
    counted: frozenset[str]
    breakdowns: tuple[str, ...]
    comparisons: tuple[str, ...]
    column_numbers: frozenset[str]

    def with_totals(self, extra: Iterable[str]) -> Layout:
        """The layout with more total labels (``total_labels=`` of the table functions)."""
        added = frozenset(fold_label(word) for word in extra if fold_label(word))
        return replace(self, total_labels=self.total_labels | added)


def _words(data: Mapping[str, Any], section: str, field: str) -> list[str]:
    words = data[section].get(field)
    if not isinstance(words, list) or not words:
        raise DefinitionError(f"office_tables.toml, {section}.{field}: expected a list of words")
    for word in words:
        if not isinstance(word, str) or not fold_label(word):
            raise DefinitionError(
                f"office_tables.toml, {section}.{field}: {word!r} is not a non-empty word"
            )
    return [fold_label(word) for word in words]


def check_layout(data: Mapping[str, Any]) -> Layout:
    """The :class:`Layout` of a parsed ``office_tables.toml``, or a :class:`DefinitionError`."""
    unknown = set(data) - set(_FIELDS)
    if unknown:
        raise DefinitionError(f"office_tables.toml: unknown sections {sorted(unknown)}")
    for section, names in _FIELDS.items():
        if not isinstance(data.get(section), Mapping):
            raise DefinitionError(f"office_tables.toml: section [{section}] is missing")
        extra = set(data[section]) - set(names)
        if extra:
            raise DefinitionError(
                f"office_tables.toml, [{section}]: unknown fields {sorted(extra)}"
            )
    return Layout(
        total_labels=frozenset(_words(data, "totals", "labels")),
        total_suffixes=tuple(_words(data, "totals", "suffixes")),
        whole_of=tuple(_words(data, "totals", "whole_of")),
        subtotals=frozenset(_words(data, "totals", "subtotals")),
        notes=tuple(_words(data, "notes", "starts")),
        tables=tuple(_words(data, "notes", "tables")),
        above_header=tuple(_words(data, "above_header", "starts")),
        unit_words=tuple(_words(data, "above_header", "units")),
        scales=frozenset(_words(data, "above_header", "scales")),
        counted=frozenset(_words(data, "above_header", "counted")),
        breakdowns=tuple(_words(data, "breakdowns", "starts")),
        comparisons=tuple(_words(data, "comparisons", "starts")),
        column_numbers=frozenset(_words(data, "column_numbers", "labels")),
    )


@cache
def layout() -> Layout:
    """The built-in layout words (read once)."""
    folder = resources.files("mch_indicators.definitions")
    text = folder.joinpath("office_tables.toml").read_text(encoding="utf-8")
    return check_layout(tomllib.loads(text))


def is_total_label(text: object, words: Layout | None = None) -> bool:
    """Whether a label names a total row: 合计, 总计, 小计, 全县, 甲县合计, Total...

    Examples
    --------
    >>> [is_total_label(t) for t in ("合计", "全县", "全市合计", "城区小计", "Total", "全胜村")]
    [True, True, True, True, True, False]
    """
    chosen = words or layout()
    folded = fold_label(text)
    if not folded:
        return False
    if folded in chosen.total_labels or folded.endswith(chosen.total_suffixes):
        return True
    return _whole_place(folded, chosen)


def _whole_place(folded: str, words: Layout) -> bool:
    """Whether a folded label is 全 and a kind of place, alone or with a total word (全县合计)."""
    if not folded.startswith("全"):
        return False
    rest = folded[1:]
    return any(
        rest == place or (rest.startswith(place) and rest[len(place) :] in words.total_labels)
        for place in words.whole_of
    )


def is_whole_total_label(text: object, words: Layout | None = None) -> bool:
    """Whether a total label names the whole table, no group of it: 合计, 总计, 全县, Total.

    A total word alone (not a subtotal's) or 全 and a kind of place: the last row of a
    table. A place's name before the word (甲县合计, 城区小计) names a group of the
    table, and 小计 the rows since the previous total.

    Examples
    --------
    >>> [is_whole_total_label(t) for t in ("合计", "全县", "全市合计", "甲县合计", "小计")]
    [True, True, True, False, False]
    """
    chosen = words or layout()
    folded = fold_label(text)
    if not folded or folded in chosen.subtotals:
        return False
    return folded in chosen.total_labels or _whole_place(folded, chosen)


#: A year before a comparison's word (2023年同期, 2023年度同期): read past it.
_LEADING_YEAR = re.compile(r"(?:19|20)[0-9]{2}(?:年度|年)?")
#: A period ending in 同期 (2023年1-6月同期, 上半年同期): the same period of another year.
_SAME_PERIOD = re.compile(
    r"(?:(?:19|20)[0-9]{2}年?)?[0-9一二三四上下半全年季度月至~\-]*同期(?:数|值)?"
)


def is_comparison_label(text: object, words: Layout | None = None) -> bool:
    """Whether a label gives another period's figures or their change: 上年同期, 增减...

    Such a row (last year's counts under this year's units, the change between them) is
    no unit of the table and no part of its total.

    Examples
    --------
    >>> labels = ("上年同期", "去年同期数", "2023年同期", "增减（%）", "同比", "同心乡", "上海")
    >>> [is_comparison_label(t) for t in labels]
    [True, True, True, True, True, False, False]
    >>> labels = ("增(减)", "增（+）减（-）", "±%", "本年比上年增减", "2023年1-6月同期", "增城区")
    >>> [is_comparison_label(t) for t in labels]
    [True, True, True, True, True, False]
    """
    chosen = words or layout()
    folded = fold_label(text)
    if _SAME_PERIOD.fullmatch(folded):
        return True
    year = _LEADING_YEAR.match(folded)
    rest = folded[year.end() :] if year else folded
    return bool(rest) and rest.startswith(chosen.comparisons)


def is_subtotal_label(text: object, words: Layout | None = None) -> bool:
    """Whether a label is a subtotal (小计): the sum of the rows since the previous total."""
    chosen = words or layout()
    folded = fold_label(text)
    return folded in chosen.subtotals or any(folded.endswith(w) for w in chosen.subtotals)


def is_breakdown_label(text: object, words: Layout | None = None) -> bool:
    """Whether a label names a part of the row above it: 其中：河口村, of which ...

    Such a row breaks down a unit already counted (其中 means "of which"): adding it
    again would count its people twice.

    Examples
    --------
    >>> labels = ("其中：河口村", " 其中 流动人口", "Of which: urban", "河口村")
    >>> [is_breakdown_label(t) for t in labels]
    [True, True, True, False]
    """
    folded = fold_label(text)
    return bool(folded) and folded.startswith((words or layout()).breakdowns)


def _opens(text: object, *starts: tuple[str, ...]) -> bool:
    """Whether the cell ``text``, folded, starts with a word of one of ``starts``."""
    folded = fold(str(text), spaces="strip")
    return bool(folded) and any(_starts(folded, words) for words in starts)


def _starts(folded: str, starts: tuple[str, ...]) -> bool:
    for word in starts:
        if folded.startswith(word):
            rest = folded[len(word) :]
            if len(word) > 1 or not rest or _SEPARATOR.match(rest):
                return True
    return False


def is_note(text: object, words: Layout | None = None) -> bool:
    """Whether a cell opens a note under a table: 注：..., 填表人, 审核人, 填报日期...

    Notes
    -----
    A second table's title (附表: :func:`is_second_table`) ends the table too.

    Examples
    --------
    >>> [is_note(t) for t in ("注：数据为初步统计", "填表人：张三", "注射室", "审核人", "附表1")]
    [True, True, False, True, True]
    """
    chosen = words or layout()
    return _opens(text, chosen.notes, chosen.tables)


def is_second_table(text: object, words: Layout | None = None) -> bool:
    """Whether a cell under a table opens a second table (附表：各乡镇情况).

    Examples
    --------
    >>> [is_second_table(t) for t in ("附表：乡镇", "附表1", "注：附表另报")]
    [True, True, False]
    """
    return _opens(text, (words or layout()).tables)


def is_above_header(text: object, words: Layout | None = None) -> bool:
    """Whether a cell above a header names the reporting unit or the unit of counts.

    Examples
    --------
    >>> [is_above_header(t) for t in ("填报单位：河阳县妇幼保健院", "单位：人", "县区")]
    [True, True, False]
    """
    return _opens(text, (words or layout()).above_header)


#: A column's number in a form's row of column numbers: one to three digits.
_COLUMN_NUMBER = re.compile(r"[0-9]{1,3}")


def is_column_numbers(texts: Iterable[str], words: Layout | None = None) -> bool:
    """Whether a row's cells number the table's columns, as a statistical form's row does.

    ``texts`` are the row's cells under the header's columns. Its text cells are all
    words of ``column_numbers.labels`` (甲, 乙, 栏次...) or blank, and from its first
    number on every cell is a number, each one more than the one before it, two of them
    at least; a row without such a word needs three numbers from 1, four when its first
    cell is numbered too (a unit coded 1 whose two counts are 2 and 3 stays a unit). A
    unit whose counts happen to be 1, 2, 3 is named (甲乡) and stays a unit.

    Examples
    --------
    >>> [is_column_numbers(r) for r in (["甲", "1", "2"], ["", "1", "2", "3"], ["栏次", "4"])]
    [True, True, False]
    >>> [is_column_numbers(r) for r in (["甲乡", "1", "2"], ["甲", "1", "3"], ["甲", "1", ""])]
    [False, False, False]
    >>> is_column_numbers(["1", "2", "3"]), is_column_numbers(["1", "2", "3", "4"])
    (False, True)
    """
    chosen = words or layout()
    texts = list(texts)
    numbers: list[int] = []
    labelled = False
    for text in texts:
        folded = fold_label(text)
        if not folded:
            if numbers:  # a column left without its number: data with a blank cell
                return False
            continue
        if _COLUMN_NUMBER.fullmatch(folded):
            numbers.append(int(folded))
        elif folded in chosen.column_numbers:
            labelled = True
        else:
            return False
    if len(numbers) < (2 if labelled else 3) or (not labelled and numbers[0] != 1):
        return False
    if not labelled and len(numbers) < 4 and texts and fold_label(texts[0]):
        return False  # three columns numbered from the first: a unit coded 1 as likely
    return all(later == earlier + 1 for earlier, later in pairwise(numbers))


#: Where a unit cell's units part (单位：人、万人) is cut into its units (a rate's base,
#: 1/万 or 人/万人口, is one piece: no multiple of the counts).
_UNIT_SEPARATORS = re.compile(r"[、,，;；()（）和及]")


def _unit_places(folded: str, word: str) -> list[int]:
    """Where the units after ``word:`` start in a cell.

    At the cell's start, or after a bracket (a title's ``（单位：万人）``); never inside
    another word (填报单位：...).
    """
    places, at = [], folded.find(word + ":")
    while at >= 0:
        if at == 0 or folded[at - 1] in "([【":
            places.append(at + len(word) + 1)
        at = folded.find(word + ":", at + 1)
    return places


def scaled_unit(text: object, words: Layout | None = None) -> str | None:
    """The multiple a unit cell gives the numbers in (万人 of 单位：万人), or None.

    A count written in tens of thousands (162 for 1,620,000 people) is no count; the
    reader refuses it rather than scale it by a guess.

    Examples
    --------
    >>> [scaled_unit(t) for t in ("单位：万人", "计量单位: 千例", "单位：人、万人", "单位：万")]
    ['万人', '千例', '万人', '万']
    >>> [scaled_unit(t) for t in ("单位：人", "单位：千岛湖镇", "填报单位：百花乡", "总人口万人")]
    [None, None, None, None]
    >>> [scaled_unit(t) for t in ("（单位：万人）", "活产数（单位：万人）", "单位：例、1/万")]
    ['万人', '万人', None]
    """
    chosen = words or layout()
    folded = fold_label(text)
    for word in sorted(chosen.unit_words, key=len, reverse=True):
        for start in _unit_places(folded, word):
            for piece in _UNIT_SEPARATORS.split(folded[start:]):
                for scale in chosen.scales:
                    rest = piece[len(scale) :]
                    if piece.startswith(scale) and (not rest or rest in chosen.counted):
                        return piece
            return None
    return None
