"""Which column of an office's table is which term, and which are its areas and periods.

The vocabulary is the catalog's: every term by its id, Chinese and English names
and aliases (``活产数``, ``活产婴儿数``, ``live births``), and the label fields of
``labels.toml`` (``县区``, ``年份``). :func:`mch_indicators._headers.match_headers`
does the matching (width, case, spaces and unit suffixes folded; a header read
from two rows in either order); an explicit ``columns={column: term}`` mapping
always wins.
"""

from __future__ import annotations

import weakref
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mch_indicators._catalog import normalize_key
from mch_indicators._errors import InvalidInputError
from mch_indicators._headers import HeaderMatch, header_parts, match_headers
from mch_indicators._labels import check_lang, column_label, fields

if TYPE_CHECKING:
    import pandas as pd

    from mch_indicators._catalog import Catalog
    from mch_indicators._model import Indicator, Term

__all__ = ["ColumnMatch", "header_target", "match_columns", "resolve_term", "vocabulary"]


def _catalog(catalog: Catalog | None) -> Catalog:
    from mch_indicators._catalog import chosen_catalog

    return chosen_catalog(catalog)


# Per-catalog caches, keyed by identity (a Catalog is a Mapping, so not hashable); an
# entry whose catalog is gone is replaced when the id is reused.
_Known = dict[tuple[Hashable, tuple[str, ...]], str | None]
_CACHE: dict[int, tuple[weakref.ref[Catalog], dict[str, list[str]], _Known]]
_CACHE = {}


def _cached(catalog: Catalog) -> tuple[dict[str, list[str]], _Known]:
    entry = _CACHE.get(id(catalog))
    if entry is None or entry[0]() is not catalog:
        names = {
            term.id: [term.name.zh, term.name.en, *term.aliases] for term in catalog.terms.values()
        }
        for label in fields():
            names.setdefault(label.id, list(label.names()))
        entry = (weakref.ref(catalog), names, {})
        _CACHE[id(catalog)] = entry
    return entry[1], entry[2]


def vocabulary(catalog: Catalog) -> dict[str, list[str]]:
    """Target -> its names: every term of ``catalog``, then the label fields (cached)."""
    return _cached(catalog)[0]


def header_target(column: Hashable, catalog: Catalog, frame: object = None) -> str | None:
    """The term or field one header names, or None (remembered per catalog).

    A column of ``frame`` whose header was joined from two rows is matched in
    either order of its parts, as :func:`match_columns` matches it (the one
    matcher, :func:`~mch_indicators._headers.match_headers`): ``死亡数婴儿``
    names infant deaths.
    """
    names, known = _cached(catalog)
    spellings = header_parts(frame).spellings().get(column, ())
    key = (column, spellings)
    if key not in known:
        found = match_headers([column], names, spellings={column: spellings}).columns
        known[key] = next(iter(found), None)
    return known[key]


def resolve_term(key: str, catalog: Catalog) -> str:
    """A term or field id from its id, name or alias (``"产妇数"`` -> ``women_delivered``)."""
    found = header_target(key, catalog)
    if found is not None:
        return found
    folded = normalize_key(key)
    for target in vocabulary(catalog):
        if normalize_key(target) == folded:
            return target
    raise InvalidInputError(
        f"{key!r} is not a term of the catalog (a count such as 活产数 or live_births) "
        "nor a label field (县区, 年份)"
    )


@dataclass(frozen=True, slots=True)
class ColumnMatch:
    """Which column became which term or field, and what was left over.

    Attributes
    ----------
    terms : dict
        Term id -> the column holding that count (``{"live_births": "活产数"}``).
    fields : dict
        Field id (``county``, ``year``...) -> the column holding it.
    how : dict
        Term or field id -> how it was matched: ``"explicit"`` or the name that matched.
    unmatched : tuple
        Columns that match nothing.

    Examples
    --------
    >>> import pandas as pd, mch_indicators as mch
    >>> table = pd.DataFrame(columns=["县区", "年份", "活产婴儿数", "孕产妇死亡数", "备注"])
    >>> found = mch.match_columns(table)
    >>> found.terms
    {'live_births': '活产婴儿数', 'maternal_deaths': '孕产妇死亡数'}
    >>> found.fields, found.unmatched
    ({'county': '县区', 'year': '年份'}, ('备注',))
    >>> found.indicators()
    ['maternal_mortality_ratio']
    """

    terms: dict[str, Hashable] = field(default_factory=dict)
    fields: dict[str, Hashable] = field(default_factory=dict)
    how: dict[str, str] = field(default_factory=dict)
    unmatched: tuple[Hashable, ...] = ()
    catalog: Catalog | None = field(default=None, repr=False, compare=False)

    def indicators(self) -> list[str]:
        """Ids of the computable indicators whose numerator and denominator both matched."""
        return [
            indicator.id
            for indicator in _catalog(self.catalog).values()
            if indicator.computable
            and indicator.numerator.id in self.terms
            and indicator.denominator.id in self.terms
        ]

    def to_frame(self, lang: str = "en") -> pd.DataFrame:
        """One row per column of the table: what it matched, its name in ``lang``, and how."""
        import pandas as pd

        chosen = check_lang(lang)
        terms: Mapping[str, Term] = _catalog(self.catalog).terms
        rows: list[dict[str, Any]] = []
        for target, column in [*self.fields.items(), *self.terms.items()]:
            term = terms.get(target)
            rows.append(
                {
                    "column": column,
                    "matched": target,
                    "name": getattr(term.name, chosen) if term else column_label(target, chosen),
                    "how": self.how.get(target, ""),
                }
            )
        rows.extend({"column": c, "matched": "", "name": "", "how": ""} for c in self.unmatched)
        frame: pd.DataFrame = pd.DataFrame(rows, columns=["column", "matched", "name", "how"])
        return frame

    def __str__(self) -> str:
        lines = [f"{column!r} -> {target}" for target, column in self.fields.items()]
        lines += [f"{column!r} -> {target}" for target, column in self.terms.items()]
        lines += [f"{column!r}: no match" for column in self.unmatched]
        return "\n".join(lines)


def match_columns(
    frame: pd.DataFrame | Iterable[Hashable],
    columns: Mapping[Hashable, str] | None = None,
    *,
    catalog: Catalog | None = None,
) -> ColumnMatch:
    """Match the columns of a table to the catalog's terms and to area and period fields.

    Parameters
    ----------
    frame : pandas.DataFrame or sequence of column names
        The table (only its column names are read).
    columns : mapping, optional
        ``{column: term}``, the caller's word for columns the names do not
        give, or give wrongly; the term by id or any of its names
        (``{"分娩数": "women_delivered"}``). Always wins over matching by name.
    catalog : Catalog, optional
        Whose terms to match (default: the built-in catalog).

    Returns
    -------
    ColumnMatch
        ``terms`` and ``fields`` matched, ``how``, and the ``unmatched`` columns;
        ``.indicators()`` lists what can be computed, ``.to_frame(lang)`` shows it.

    Raises
    ------
    InvalidInputError
        Two columns match one term, a column of ``columns`` is not in the table,
        or a term of ``columns`` is not known.
    """
    chosen = _catalog(catalog)
    names = list(frame.columns) if hasattr(frame, "columns") else list(frame)
    explicit: dict[str, Hashable] = {}
    for column, key in dict(columns or {}).items():
        target = resolve_term(str(key), chosen)
        if target in explicit:
            raise InvalidInputError(
                f"columns= gives both {explicit[target]!r} and {column!r} for {target!r}"
            )
        explicit[target] = column
    words = vocabulary(chosen)
    spellings = header_parts(frame).spellings()
    found = _area_codes(match_headers(names, words, explicit, spellings))
    field_ids = {label.id for label in fields()}
    return ColumnMatch(
        terms={t: c for t, c in found.columns.items() if t not in field_ids},
        fields={t: c for t, c in found.columns.items() if t in field_ids},
        how=dict(found.how),
        unmatched=found.unmatched,
        catalog=catalog,
    )


def _area_codes(found: HeaderMatch) -> HeaderMatch:
    """``found`` with columns of area codes (县区代码) as their levels, if it names no area.

    Beside a column of names a column of codes is left out, listed as not used.
    """
    areas = [f for f in fields() if f.role == "area"]
    if any(f.id in found.columns for f in areas) or not found.unmatched:
        return found
    codes = match_headers(found.unmatched, {f.id: f.codes for f in areas if f.codes})
    if not codes.columns:
        return found
    taken = set(codes.columns.values())
    return HeaderMatch(
        {**found.columns, **codes.columns},
        {**found.how, **codes.how},
        tuple(c for c in found.unmatched if c not in taken),
    )


def term_label(term: Term) -> str:
    """``产妇数 (women_delivered)``: a term as messages name it."""
    return f"{term.name.zh} ({term.id})"


def indicator_label(indicator: Indicator) -> str:
    """``早孕建册率 (early_pregnancy_registration_rate_cn)``."""
    return f"{indicator.name.zh} ({indicator.id})"
