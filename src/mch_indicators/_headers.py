"""Matching a table's column headers to names: terms of the catalog, fields of a record set.

Headers of real files vary in width (``活产数`` / ``活产数（人）``), case, script
(``活產數``), quotes (``"两癌"检查人数``), spaces and separators; :func:`fold_header`
folds them all the same way (with the one normaliser, :mod:`mch_indicators._text`), and
:func:`match_headers` maps each column to at most one target (a term id, a
record field) by any of the target's names, with an explicit mapping always
winning. Nothing here knows what the targets are: the catalog and the record
schemas supply the vocabularies.

A header read from two rows (``死亡数`` over ``孕产妇 | 婴儿``) is joined in the
order of the rows, but offices write the group above or below the subject
(``孕产妇`` over ``死亡数 | 活产数`` too): the reader keeps each joined column's
two parts as :class:`HeaderParts` in the frame's ``attrs``, and the matcher tries
both orders, matching a column only when they name one target. A lower part that
is a total's word (``活产数`` over ``男 | 女 | 合计``: the column 活产数合计) names the
group's own total, so the upper part alone is tried too.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from mch_indicators._errors import InvalidInputError, words
from mch_indicators._labels import input_error
from mch_indicators._layout import fold_label, layout
from mch_indicators._text import DASHES, fold

__all__ = [
    "HEADER_PARTS_KEY",
    "HeaderMatch",
    "HeaderParts",
    "fold_header",
    "header_parts",
    "match_headers",
]

#: where a table read from two header rows keeps its joined columns' parts (``frame.attrs``)
HEADER_PARTS_KEY = "mch_indicators.header_parts"

#: separators a header may be written with (after NFKC): read as spaces, then removed
_SEPARATORS = "_·•/\\.:,;、" + DASHES
#: a trailing unit in brackets that names what the header counts already, in either
#: width: 活产数（人）, 孕产妇死亡数（例）, 患病率(%). Not visits (人次, 次) nor households
#: (户): 产前检查数（人次） counts antenatal visits, several per woman, and 结婚登记数（户）
#: couples, half the persons; such a header keeps its unit and matches no count of people.
_UNIT_SUFFIX = re.compile(r"[(（](?:人|例|个|名|%|％|‰)[)）]\s*$")
#: a unit of visits or households in brackets after a name that ends with it already
#: (第4次产前检查人次（人次）): said twice, it names nothing else, and goes.
_REPEATED_UNIT = re.compile(r"(人次|次|户)\s*[(（]\1[)）]\s*$")


def fold_header(text: object) -> str:
    """The form in which two spellings of one header compare equal.

    Full-width characters (``１０万``, ``（人）``) read as their usual form,
    traditional characters as simplified ones; case, whitespace, separators,
    quotation marks and brackets are dropped, and a trailing count unit in
    brackets (``（人）``, ``(例)``) is ignored; a unit of visits or households
    (``（人次）``, ``（户）``) is kept: it counts something else.

    Examples
    --------
    >>> fold_header(" Live_Births ") == fold_header("live births")
    True
    >>> fold_header("活产数（人）") == fold_header("活產數")
    True
    >>> fold_header('"两癌"检查人数') == fold_header("两癌检查人数")
    True
    >>> fold_header("产前检查数（人次）")
    '产前检查数人次'
    >>> fold_header("第4次产前检查人次（人次）") == fold_header("第4次产前检查人次")
    True
    """
    text = str(text)
    return _folded_header(text) if len(text) <= _CACHED_LENGTH else _folded(text)


#: Headers up to this length are kept folded (a hostile workbook's long ones are not).
_CACHED_LENGTH = 200


def _folded(text: str) -> str:
    # the units are read off after the one normaliser has dropped invisible characters
    # (活产数（人）\u200b) and read full-width brackets as ASCII ones
    plain = fold(text, spaces="strip")
    plain = _REPEATED_UNIT.sub(r"\1", _UNIT_SUFFIX.sub("", plain))
    return fold(plain, spaces="remove", drop=_SEPARATORS, marks=True)


# each table's headers are matched against the same vocabulary of ~1,000 names, whose
# folding was most of a small table's (or a Spark batch's) fixed cost
_folded_header = lru_cache(maxsize=4096)(_folded)


@dataclass(frozen=True, slots=True)
class HeaderParts:
    """The columns whose header was joined from two rows, each with its upper and lower part.

    Kept in ``frame.attrs`` under :data:`HEADER_PARTS_KEY`; immutable, and copied
    (and deep-copied) as itself, so that pandas' copying of ``attrs`` costs nothing.

    Examples
    --------
    >>> HeaderParts((("死亡数孕产妇", ("死亡数", "孕产妇")),)).spellings()
    {'死亡数孕产妇': ('孕产妇死亡数',)}
    >>> HeaderParts((("活产数合计", ("活产数", "合计")),)).spellings()
    {'活产数合计': ('合计活产数', '活产数')}
    """

    parts: tuple[tuple[str, tuple[str, str]], ...] = ()

    def __deepcopy__(self, memo: dict[int, Any]) -> HeaderParts:
        return self

    def __copy__(self) -> HeaderParts:
        return self

    def spellings(self) -> dict[Hashable, tuple[str, ...]]:
        """Column -> its header in the other order of the two rows (lower part first).

        Under a group, a total's word (合计, 总计, 小计, Total: ``totals.labels`` of
        ``office_tables.toml``) makes the group's name alone a spelling too.
        """
        totals = layout().total_labels
        return {
            column: (lower + upper, *((upper,) if fold_label(lower) in totals else ()))
            for column, (upper, lower) in self.parts
        }


def header_parts(frame: object) -> HeaderParts:
    """The :class:`HeaderParts` a frame read by ``read_table`` carries (empty if none)."""
    attrs = getattr(frame, "attrs", None)
    found = attrs.get(HEADER_PARTS_KEY) if isinstance(attrs, Mapping) else None
    return found if isinstance(found, HeaderParts) else HeaderParts()


@dataclass(frozen=True, slots=True)
class HeaderMatch:
    """Which column became which target, and what was left over.

    Attributes
    ----------
    columns : dict
        target -> the column that holds it.
    how : dict
        target -> how it was matched: ``"explicit"``, or the name that matched.
    unmatched : tuple
        Columns that match no target (kept as they are: groups, labels...).
    """

    columns: dict[str, Hashable] = field(default_factory=dict)
    how: dict[str, str] = field(default_factory=dict)
    unmatched: tuple[Hashable, ...] = ()

    def column_of(self, target: str) -> Hashable | None:
        """The column matched to ``target``, or None."""
        return self.columns.get(target)


def _index(vocabulary: Mapping[str, Iterable[str]]) -> dict[str, tuple[str, str]]:
    """Folded name -> (target, name); a name shared by two targets matches neither."""
    index: dict[str, tuple[str, str]] = {}
    shared: set[str] = set()
    for target, names in vocabulary.items():
        for name in (target, *names):
            key = fold_header(name)
            if not key:
                continue
            owner = index.setdefault(key, (target, name))
            if owner[0] != target:
                shared.add(key)
    for key in shared:
        del index[key]
    return index


def match_headers(
    columns: Sequence[Hashable],
    vocabulary: Mapping[str, Iterable[str]],
    explicit: Mapping[str, Hashable] | None = None,
    spellings: Mapping[Hashable, Sequence[str]] | None = None,
) -> HeaderMatch:
    """Map the columns of a table to targets by their names.

    Parameters
    ----------
    columns : sequence
        The table's column labels, in order.
    vocabulary : mapping
        target -> its names (the target's own id counts as a name too).
    explicit : mapping, optional
        target -> column, given by the caller; always wins over matching by name.
    spellings : mapping, optional
        column -> other spellings of its header (a header joined from two rows,
        in the other order: :meth:`HeaderParts.spellings`). The column matches
        the target its header or these name; when they name two targets, it
        matches neither (no guess).

    Raises
    ------
    InvalidInputError
        Two columns match one target (neither given in ``explicit``): no guess
        which to use; or an explicit column is not in the table.

    Examples
    --------
    >>> m = match_headers(["县区", "活产数（人）", "孕产妇死亡数"],
    ...                   {"live_births": ["活产数", "live births"],
    ...                    "maternal_deaths": ["孕产妇死亡数"]})
    >>> m.columns, m.unmatched
    ({'live_births': '活产数（人）', 'maternal_deaths': '孕产妇死亡数'}, ('县区',))
    """
    given = dict(explicit or {})
    chosen = dict(given)
    for target, column in chosen.items():
        if column not in columns:
            raise InvalidInputError(
                f"column {column!r} given for {target!r} is not in the table "
                f"(columns: {', '.join(map(str, columns))})"
            )
    index = _index(vocabulary)
    how = dict.fromkeys(chosen, "explicit")
    taken = set(chosen.values())
    unmatched: list[Hashable] = []
    for column in columns:
        if column in taken:
            continue
        found = _found(index, column, (spellings or {}).get(column, ()))
        if found is None or found[0] in given:  # the caller's column for it wins
            unmatched.append(column)
            continue
        target, name = found
        if target in chosen:
            both = {"first": chosen[target], "second": column, "target": target}
            error = input_error("columns_both_match", **both)
            error.command_line = words("columns_both_match_cli", **both)  # no columns=
            raise error
        chosen[target], how[target] = column, name
    return HeaderMatch(chosen, how, tuple(unmatched))


def _found(
    index: Mapping[str, tuple[str, str]], column: Hashable, others: Sequence[str]
) -> tuple[str, str] | None:
    """(target, name) that the column's header, or each of its other spellings, matches.

    None when nothing matches, or when two spellings match two targets.
    """
    found = index.get(fold_header(column))
    for other in others:
        also = index.get(fold_header(other))
        if also is None:
            continue
        if found is not None and found[0] != also[0]:
            return None
        found = found or also
    return found
