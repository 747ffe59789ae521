"""Loading indicator definitions from TOML files, and looking them up.

The built-in catalog lives in ``definitions/catalog/*.toml``: ``terms.toml``
holds the terms, every other file a list of ``[[indicator]]`` tables grouped by
domain. Files are read with :mod:`tomllib` (no code is ever evaluated); the
parsed files are cached on disk by a hash of their content
(:mod:`mch_indicators._cache`). The catalog is indexed by the keys of its
tables (ids, names, aliases, codes, families) without validating them, and each
definition is validated by the pydantic models the first time it is asked for.
The validated definitions are cached too, with the index (JSON, named by a hash of the
files, the model code and pydantic's version): a later process indexes the catalog and
builds each definition from them without validating or parsing the files again
(:func:`~mch_indicators._model.from_dump`).
Your own files (:func:`load_definitions`) are validated whole, on load.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass
from functools import cache, partial
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

from mch_indicators._cache import (
    cache_folder,
    can_write,
    code_sources,
    content_key,
    package_data,
    read_cached,
    write_cached,
)
from mch_indicators._deprecation import warn_renamed
from mch_indicators._documents import document_of_bytes, read_document
from mch_indicators._errors import (
    AmbiguousIndicatorError,
    DefinitionError,
    InvalidInputError,
    UnknownIndicatorError,
    Words,
    did_you_mean,
    error_of,
    words,
)
from mch_indicators._hooks import catalog_frame, catalog_html, catalog_json
from mch_indicators._model import Domain, Indicator, Kind, Term, from_dump
from mch_indicators._text import fold_key
from mch_indicators._unitspec import resolve_unit
from mch_indicators._validate import quoted

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

__all__ = [
    "Catalog",
    "builtin_catalog",
    "chosen_catalog",
    "get",
    "load_definitions",
    "normalize_key",
    "search",
]


def normalize_key(key: str) -> str:
    """Fold case, width, script, quotes, brackets and separators so that lookups forgive spelling.

    The catalog's own name for :func:`mch_indicators._text.fold_key`.

    Examples
    --------
    >>> normalize_key(" Infant-Mortality_rate ")
    'infant mortality rate'
    >>> normalize_key("SDG 3.1.1")
    'sdg 3.1.1'
    >>> normalize_key("「孕產婦死亡率」")
    '孕产妇死亡率'
    """
    return fold_key(key)


#: How a catalog folds a text into a key (:func:`normalize_key`, or a table of its results).
Fold = Callable[[str], str]


@dataclass(frozen=True, slots=True)
class _Entry:
    """What the catalog's passes read of a definition: its id and every key it is found by.

    Read from a validated :class:`Indicator` or, for the built-in catalog, from its
    TOML table without validating it (:meth:`read`).
    """

    id: str
    names: tuple[str, ...]  # the English and Chinese names and the aliases
    ambiguous: tuple[str, ...]
    codes: tuple[tuple[str, str], ...]
    variant_of: str | None

    @classmethod
    def of(cls, indicator: Indicator) -> _Entry:
        """The keys of a validated definition."""
        names = (indicator.name.en, indicator.name.zh, *indicator.aliases)
        codes = tuple(indicator.codes.items())
        return cls(indicator.id, names, indicator.ambiguous_aliases, codes, indicator.variant_of)

    @classmethod
    def read(cls, body: Mapping[str, Any]) -> _Entry:
        """The keys of a TOML table of the built-in catalog (KeyError/TypeError if malformed)."""
        name = body["name"]
        names = (name["en"], name["zh"], *body.get("aliases", ()))
        codes = tuple(
            (system, code.strip())
            for system in _CODE_SYSTEMS
            if isinstance(code := body.get("codes", {}).get(system), str) and code.strip()
        )
        texts = (body["id"], *names, *body.get("ambiguous_aliases", ()), *(c for _, c in codes))
        if not all(isinstance(text, str) for text in texts):
            raise TypeError("a name, alias or code is not text")
        return cls(body["id"], names, tuple(body.get("ambiguous_aliases", ())), codes,
                   body.get("variant_of"))  # fmt: skip

    def row(self) -> list[Any]:
        """The entry as a JSON row (the built-in catalog's validated forms keep them)."""
        return [self.id, list(self.names), list(self.ambiguous), [list(c) for c in self.codes],
                self.variant_of]  # fmt: skip

    @classmethod
    def from_row(cls, row: Any) -> _Entry:
        """The entry of :meth:`row` (TypeError or ValueError if it is not one)."""
        ident, names, ambiguous, codes, variant_of = row
        texts = (ident, *names, *ambiguous, *(part for code in codes for part in code))
        if not all(isinstance(text, str) for text in texts) or not all(
            len(code) == 2 for code in codes
        ):
            raise TypeError("an entry holds texts")
        if not (variant_of is None or isinstance(variant_of, str)):
            raise TypeError("variant_of is an id or null")
        pairs = tuple((system, code) for system, code in codes)
        return cls(ident, tuple(names), tuple(ambiguous), pairs, variant_of)

    def texts(self) -> tuple[str, ...]:
        """Every text the catalog folds into a key: id, names, aliases, codes."""
        codes = (key for system, code in self.codes for key in (code, f"{system} {code}"))
        return (self.id, *self.names, *self.ambiguous, *codes)

    def name_keys(self, fold: Fold = normalize_key) -> set[str]:
        """The folded id, names and aliases."""
        return {fold(key) for key in (self.id, *self.names)}

    def code_keys(self, fold: Fold = normalize_key) -> set[str]:
        """The folded codes, alone and after their system ("SDG 3.1.1")."""
        keys = {key for system, code in self.codes for key in (code, f"{system} {code}")}
        return {fold(key) for key in keys}

    def lookup_keys(self, fold: Fold = normalize_key) -> set[str]:
        """Every folded key: names, codes and ambiguous aliases."""
        ambiguous = {fold(phrase) for phrase in self.ambiguous}
        return self.name_keys(fold) | self.code_keys(fold) | ambiguous


#: The code systems of :class:`~mch_indicators.Codes`, in order.
_CODE_SYSTEMS = ("sdg", "gho", "dhs", "dhis2")


_Value = TypeVar("_Value")


class _Keyed(Mapping[str, _Value]):
    """A read-only mapping over the ids held in ``_keys``; subclasses say how to get one."""

    _keys: Collection[str]

    def __contains__(self, key: object) -> bool:
        return key in self._keys

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)


class _OnFirstUse(_Keyed[_Value]):
    """Values made the first time each is asked for, then kept.

    From the value's validated form in ``validated`` (the built-in catalog's cache)
    when there is one, else validated from its TOML table (:meth:`_validate`).
    """

    _model: type[Any]
    _done: dict[str, _Value]
    validated: Mapping[str, str]

    def __getitem__(self, key: str) -> _Value:
        found = self._done.get(key)
        if found is None:
            found = _rebuilt(self._model, self.validated.get(key))
            if found is None:
                found = self._validate(key)
            self._done[key] = found  # once: later lookups find it here
        return cast(_Value, found)

    def _validate(self, key: str) -> _Value:
        raise NotImplementedError


class _Definitions(_OnFirstUse[Indicator]):
    """Indicators by id, each validated the first time it is asked for.

    A definition is held as its TOML table (with the file it came from and the
    terms it may name) until first access; then it is validated once and kept.
    Membership, order and length need no validation. A definition found in
    ``validated`` (its dump, from the built-in catalog's cache) is built from it
    without validating.
    """

    _model = Indicator

    def __init__(self) -> None:
        self._done: dict[str, Indicator] = {}
        self._raw: dict[str, tuple[str, dict[str, Any]]] | _Later = {}
        self._order: list[str] = []
        self._keys = self._order
        self.terms: Mapping[str, Term] = {}
        self.validated: Mapping[str, str] = {}

    def add(self, indicator_id: str, indicator: Indicator | tuple[str, dict[str, Any]]) -> None:
        """Add a validated indicator, or (origin, TOML table) to validate on access."""
        if indicator_id in self._done or indicator_id in self._raw:
            raise error_of(DefinitionError, "catalog_defined_twice", id=indicator_id)
        self._order.append(indicator_id)
        if isinstance(indicator, Indicator):
            self._done[indicator_id] = indicator
        else:
            cast(dict[str, tuple[str, dict[str, Any]]], self._raw)[indicator_id] = indicator

    @classmethod
    def later(
        cls, ids: Sequence[str], tables: _Later, validated: Mapping[str, str]
    ) -> _Definitions:
        """Definitions built from ``validated`` (their forms), else from ``tables`` when asked."""
        definitions = cls()
        definitions._order = definitions._keys = list(ids)
        definitions._raw = tables
        definitions.validated = validated
        return definitions

    def _validate(self, key: str) -> Indicator:
        origin, body = self._raw[key]
        return _validate_indicator(body, origin, 0, self.terms)

    def __contains__(self, key: object) -> bool:  # (the list of ids is slow to search)
        return key in self._done or key in self._raw


class _Terms(_OnFirstUse[Term]):
    """Terms by id, each validated the first time it is asked for (see :class:`_Definitions`)."""

    _model = Term

    def __init__(self, raw: Mapping[str, tuple[str, Any]]) -> None:
        self._raw = raw if isinstance(raw, _Later) else dict(raw)
        self._keys = self._raw
        self._done: dict[str, Term] = {}
        self.validated: Mapping[str, str] = {}

    def _validate(self, key: str) -> Term:
        origin, body = self._raw[key]
        return _validate_term(key, body, origin)


class _Later(_Keyed[tuple[str, dict[str, Any]]]):
    """(file, TOML table) by id, for ``ids``: the built-in files parsed when one is asked for.

    The built-in catalog built from its validated forms needs a table only when a form
    cannot be used; ``kind`` is ``"terms"`` or ``"indicator"``.
    """

    def __init__(self, kind: str, ids: Iterable[str], documents: _Documents) -> None:
        self._kind = kind
        self._keys = dict.fromkeys(ids)  # ordered, and quick to ask
        self._documents = documents
        self._tables: dict[str, tuple[str, dict[str, Any]]] | None = None

    def __getitem__(self, key: str) -> tuple[str, dict[str, Any]]:
        if key not in self._keys:
            raise KeyError(key)
        if self._tables is None:
            self._tables = _tables_by_id(self._documents(), self._kind)
        return self._tables[key]


class _Documents:
    """The built-in files parsed, loaded the first time they are needed, then kept.

    From the cache entry ``key`` (named when the catalog was built, from the files
    read then), else read and parsed (:func:`builtin_documents`). One loader serves
    the terms' and the definitions' tables.
    """

    def __init__(self, key: str) -> None:
        self._key = key
        self._loaded: list[tuple[str, dict[str, Any]]] | None = None

    def __call__(self) -> list[tuple[str, dict[str, Any]]]:
        if self._loaded is None:
            cached = _cached_documents(self._key)
            self._loaded = builtin_documents() if cached is None else cached
        return self._loaded


def _tables_by_id(
    documents: Sequence[tuple[str, Mapping[str, Any]]], kind: str
) -> dict[str, tuple[str, dict[str, Any]]]:
    """The ``terms`` or ``indicator`` tables of ``documents`` by id, with their file."""
    if kind == "terms":
        return {
            term_id: (origin, body)
            for origin, data in documents
            for term_id, body in _table(
                data.get("terms", {}), words("catalog_terms", origin=origin)
            ).items()
        }
    return {
        body["id"]: (origin, body)
        for origin, data in documents
        for body in _tables(data.get("indicator", []), origin)
        if isinstance(body.get("id"), str)
    }


class Catalog(Mapping[str, Indicator]):
    """A read-only mapping of indicator id to :class:`Indicator`, with lookup.

    The catalog is built in named passes over the definitions' keys
    (:meth:`_build`): ids and terms, families, names, ambiguous names, codes. Each
    pass raises :class:`DefinitionError` naming what clashes. The built-in catalog
    reads those keys from its TOML tables and validates each definition the first
    time it is asked for, or, once cached, builds them from their validated forms; a
    catalog of your own (:func:`load_definitions`, or this constructor) is validated
    whole, on load.

    Examples
    --------
    >>> import mch_indicators as mch
    >>> mch.catalog["infant_mortality_rate"].name.zh
    '婴儿死亡率'
    >>> mch.catalog.get_indicator("SDG 3.1.1").id
    'maternal_mortality_ratio'
    """

    def __init__(
        self,
        indicators: Iterable[Indicator],
        terms: Mapping[str, Term] | None = None,
        *,
        roots: Mapping[str, Indicator] | None = None,
    ):
        # ``roots``: indicators outside this catalog that its variants may name
        # (the built-in catalog, for your own variants of built-in indicators).
        definitions = _Definitions()
        known: dict[str, Term] = dict(terms or {})
        entries = []
        for indicator in indicators:
            definitions.add(indicator.id, indicator)
            _add_terms(known, indicator)
            entries.append(_Entry.of(indicator))
        definitions.terms = known
        self._build(definitions, known, entries, roots or {})

    @classmethod
    def _lazy(
        cls,
        documents: Sequence[tuple[str, Mapping[str, Any]]],
        roots: Mapping[str, Indicator] | None = None,
        fold: Fold = normalize_key,
    ) -> Catalog:
        """The catalog of TOML documents, each definition validated on first access.

        The keys are read from the tables; a table whose keys cannot be read is
        validated at once, so that its error names the file and the field.
        ``fold`` folds the tables' texts into keys (the built-in catalog passes
        a table of :func:`normalize_key`'s results, kept in the cache).
        """
        terms = _Terms(_tables_by_id(documents, "terms"))
        definitions = _Definitions()
        definitions.terms = terms
        entries = []
        for origin, data in documents:
            _check_top_level(data, origin)
            bodies = _tables(data.get("indicator", []), origin)
            for position, body in enumerate(bodies, start=1):
                try:
                    entry = _Entry.read(body)
                except (KeyError, TypeError, AttributeError):
                    entry = _Entry.of(_validate_indicator(body, origin, position, terms))
                definitions.add(entry.id, (origin, body))
                entries.append(entry)
        catalog = cls.__new__(cls)
        catalog._build(definitions, terms, entries, roots or {}, fold)
        return catalog

    @classmethod
    def _prevalidated(cls, forms: _Forms, fold: Fold, documents: _Documents) -> Catalog:
        """The built-in catalog from its validated forms (:class:`_Forms`).

        Each definition is built from its form when first asked for; the TOML files
        are parsed (``documents``) only if a form cannot be used (then that definition
        is validated).
        """
        entries = forms.entries
        terms = _Terms(_Later("terms", forms.terms, documents))
        terms.validated = forms.terms
        ids = [entry.id for entry in entries]
        tables = _Later("indicator", ids, documents)
        definitions = _Definitions.later(ids, tables, forms.indicators)
        definitions.terms = terms
        catalog = cls.__new__(cls)
        catalog._build(definitions, terms, entries, {}, fold)
        return catalog

    def _build(
        self,
        definitions: _Definitions,
        terms: Mapping[str, Term],
        entries: list[_Entry],
        roots: Mapping[str, Indicator],
        fold: Fold = normalize_key,
    ) -> None:
        """The passes, in order: families, names, ambiguous names, codes."""
        self._roots: dict[str, Indicator] = dict(roots)
        self._indicators = definitions
        self._terms: Mapping[str, Term] = terms
        self._entries: dict[str, _Entry] = {entry.id: entry for entry in entries}
        self._families = self._link_families()
        self._keys: dict[str, str] = self._index_names(fold)
        self._ambiguous = self._index_ambiguous(fold)
        self._shared = self._index_codes(fold)

    def _link_families(self) -> dict[str, list[str]]:
        """Each root's id with its variants': a variant names a root, never another variant."""
        families: dict[str, list[str]] = {}
        for entry in self._entries.values():
            root = entry.variant_of
            if root is None:
                families.setdefault(entry.id, []).insert(0, entry.id)
                continue
            parent = self._entries.get(root)
            parent_root = parent.variant_of if parent else None
            if parent is None and root in self._roots:
                parent_root = self._roots[root].variant_of
            elif parent is None:
                raise error_of(DefinitionError, "catalog_variant_unknown", id=entry.id, root=root)
            if parent_root is not None:
                raise error_of(
                    DefinitionError, "catalog_variant_chain", id=entry.id, root=root,
                    parent=parent_root,
                )  # fmt: skip
            families.setdefault(root, []).append(entry.id)
        return families

    def _index_names(self, fold: Fold) -> dict[str, str]:
        """Folded ids, names and aliases, each pointing at one indicator."""
        keys: dict[str, str] = {}
        for entry in self._entries.values():
            for key in entry.name_keys(fold):
                owner = keys.setdefault(key, entry.id)
                if owner != entry.id:
                    raise error_of(
                        DefinitionError, "catalog_key_twice", key=key, owner=owner, id=entry.id
                    )
        return keys

    def _index_ambiguous(self, fold: Fold) -> dict[str, list[str]]:
        """Phrases naming different indicators in different traditions, with every claimant.

        A phrase such as "maternal mortality rate" (a ratio per live births in Chinese
        usage, a rate per woman-years in demography) finds none: it may not also be a
        name or alias of any indicator.
        """
        named = {fold(key): entry.id for entry in self._entries.values() for key in entry.names}
        ambiguous: dict[str, list[str]] = {}
        for entry in self._entries.values():
            for phrase in entry.ambiguous:
                key = fold(phrase)
                if key in named:
                    raise error_of(
                        DefinitionError, "catalog_ambiguous_alias", phrase=phrase, id=entry.id,
                        owner=named[key],
                    )  # fmt: skip
                claimants = ambiguous.setdefault(key, [])
                if entry.id not in claimants:
                    claimants.append(entry.id)
        return ambiguous

    def _index_codes(self, fold: Fold) -> dict[str, list[str]]:
        """Codes as keys; a code shared across families finds none (returned with its ids).

        A code may be shared by the members of one family (China's period ratio and UN
        IGME's probability are both "SDG 3.2.1"): it then finds the family's root. A
        code shared across families (SDG 3.b.1 covers several vaccines) finds none and
        says which ids to use instead.
        """
        shared: dict[str, list[str]] = {}
        roots_first = sorted(self._entries.values(), key=lambda e: e.variant_of is not None)
        for entry in roots_first:
            for key in entry.code_keys(fold) - entry.name_keys(fold):
                if key in shared:
                    shared[key].append(entry.id)
                    continue
                owner = self._keys.setdefault(key, entry.id)
                if owner == entry.id:
                    continue
                if key in self._entries[owner].name_keys(fold):
                    raise error_of(
                        DefinitionError, "catalog_code_is_name", key=key, id=entry.id, owner=owner
                    )
                if self._family_of(owner) != self._family_of(entry.id):
                    shared[key] = [owner, entry.id]
                    del self._keys[key]
        return shared

    def _family_of(self, indicator_id: str) -> str:
        return self._entries[indicator_id].variant_of or indicator_id

    @staticmethod
    def _lookup_keys(indicator: Indicator) -> set[str]:
        return _Entry.of(indicator).lookup_keys()

    # -- Mapping -----------------------------------------------------------------------

    def __getitem__(self, key: str) -> Indicator:
        try:
            return self._indicators[key]
        except KeyError:
            raise UnknownIndicatorError(key, self.suggest(key)) from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._indicators)

    def __len__(self) -> int:
        return len(self._indicators)

    def __contains__(self, key: object) -> bool:
        return key in self._indicators  # no validation to answer

    def __repr__(self) -> str:
        return f"<Catalog of {len(self)} indicators>"

    def _repr_html_(self) -> str:
        return catalog_html({domain.value: self.filter(domain=domain) for domain in Domain})

    def to_frame(self) -> Any:
        """Deprecated: use :func:`mch_indicators.export.catalog_frame` (goes in 0.2).

        Every definition as a pandas DataFrame, one row per indicator, indexed by ``id``.
        """
        warn_renamed("Catalog.to_frame()", "mch_indicators.export.catalog_frame(catalog)")
        return catalog_frame(self)

    # -- lookup ------------------------------------------------------------------------

    @property
    def terms(self) -> Mapping[str, Term]:
        """Every term used by the catalog, by id."""
        return dict(self._terms)

    @property
    def ambiguous_names(self) -> Mapping[str, tuple[str, ...]]:
        """Folded phrases that name several indicators, with the ids of the candidates.

        Examples
        --------
        >>> import mch_indicators as mch
        >>> mch.catalog.ambiguous_names["maternal mortality rate"]
        ('maternal_mortality_ratio', 'maternal_mortality_rate')
        """
        return {key: tuple(ids) for key, ids in self._ambiguous.items()}

    def get_indicator(self, key: str | Indicator) -> Indicator:
        """Find an indicator by id, alias, English or Chinese name, or code.

        An id matches exactly first; then every key is compared after folding
        case, width and separators.

        Raises
        ------
        AmbiguousIndicatorError
            The key is a phrase that names different indicators in different
            traditions ("maternal mortality rate"); the error lists them.
        UnknownIndicatorError
            A ``KeyError`` whose message suggests the closest matches, or lists
            the indicators that share a code such as SDG 3.b.1.

        Examples
        --------
        >>> import mch_indicators as mch
        >>> mch.catalog.get_indicator("maternal_mortality_rate").unit
        'per_100k'
        >>> try:
        ...     mch.catalog.get_indicator("maternal mortality rate")
        ... except KeyError as error:
        ...     print(error.suggestions)
        ('maternal_mortality_ratio', 'maternal_mortality_rate')
        """
        if isinstance(key, Indicator):
            return key
        _check_text(key, "catalog_key_not_text")
        if key in self._indicators:
            return self._indicators[key]
        folded = normalize_key(key)
        if folded in self._ambiguous:
            candidates = self._ambiguous[folded]
            labels = [_difference(self._indicators[c]) for c in candidates]
            raise AmbiguousIndicatorError(key, candidates, labels)
        found = self._keys.get(folded)
        if found is None:
            if folded in self._shared:
                raise UnknownIndicatorError(key, self._shared[folded], shared=True)
            raise UnknownIndicatorError(key, self.suggest(key))
        return self._indicators[found]

    def suggest(self, key: str, limit: int = 3) -> list[str]:
        """Ids of the indicators whose keys are closest to ``key``."""
        wanted = normalize_key(str(key))
        ids: list[str] = []
        if wanted:
            contained = [k for k in self._keys if wanted in k or (len(k) > 2 and k in wanted)]
            close = difflib.get_close_matches(wanted, list(self._keys), n=10, cutoff=0.5)
            for candidate in [*close, *sorted(contained, key=len)]:
                owner = self._keys[candidate]
                if owner not in ids:
                    ids.append(owner)
        return ids[:limit]

    def filter(
        self,
        *,
        domain: Domain | str | None = None,
        kind: Kind | str | None = None,
        verified: bool | None = None,
    ) -> list[Indicator]:
        """Indicators of a domain, kind and/or verification status, in catalog order.

        Examples
        --------
        >>> import mch_indicators as mch
        >>> [i.id for i in mch.catalog.filter(domain="pmtct", kind="ratio")]
        ['congenital_syphilis_incidence']
        """
        chosen_domain = Domain(domain) if domain is not None else None
        chosen_kind = Kind(kind) if kind is not None else None
        return [
            indicator
            for indicator in self._indicators.values()
            if (chosen_domain is None or indicator.domain is chosen_domain)
            and (chosen_kind is None or indicator.kind is chosen_kind)
            and (verified is None or indicator.verified is verified)
        ]

    def variants(self, key: str | Indicator) -> list[Indicator]:
        """Every indicator of ``key``'s family: the root first, then its variants.

        A family is an indicator and the indicators whose ``variant_of`` names
        it (China's and WHO's definitions of one concept, say). Asking with any
        member gives the whole family; an indicator without variants is a
        family of one.

        Examples
        --------
        >>> import mch_indicators as mch
        >>> for i in mch.catalog.variants("stillbirth_rate_22w"):
        ...     print(i.id, dict(i.parameters.items()).get("gestation_weeks_min"))
        stillbirth_rate 28.0
        stillbirth_rate_22w 22.0
        stillbirth_rate_24w 24.0
        """
        indicator = self.get_indicator(key)
        root = indicator.variant_of or indicator.id
        members = [self._indicators[member] for member in self._families[root]]
        if root not in self._indicators:  # the root lives in another catalog
            members.insert(0, self._roots[root])
        return members

    def search(self, query: str, limit: int | None = 10) -> list[Indicator]:
        """Indicators matching ``query`` in either language, best match first.

        Every id, name, alias and code is compared with the query (after the
        same folding as lookup): an exact match ranks first, then a key that
        starts with the query, a whole word of an id or name, a key that
        contains it, and finally words of the definitions. Ties keep catalog
        order.

        Parameters
        ----------
        query : str
            A few characters or words, e.g. ``"死亡率"``, ``"anc"``, ``"stillbirth"``.
        limit : int or None, default 10
            At most this many results; None for all.

        Examples
        --------
        >>> import mch_indicators as mch
        >>> [i.id for i in mch.catalog.search("anc", limit=3)]
        ['anc1_coverage', 'anc4_coverage', 'anc8_coverage']
        >>> mch.catalog.search("新生儿死亡")[0].id
        'neonatal_mortality_rate'
        """
        _check_text(query, "catalog_query_not_text")
        if limit is not None and (
            isinstance(limit, bool) or not isinstance(limit, int) or limit < 0
        ):
            raise InvalidInputError(f"limit must be a whole number >= 0 or None, got {limit!r}")
        wanted = normalize_key(query)
        if not wanted:
            return []
        ranked: list[tuple[float, int, Indicator]] = []
        for position, indicator in enumerate(self._indicators.values()):
            score = _match_score(wanted, indicator)
            if score > 0:
                ranked.append((-score, position, indicator))
        ranked.sort(key=lambda item: item[:2])
        found = [indicator for _, _, indicator in ranked]
        return found if limit is None else found[:limit]

    def to_json(self, ids: Sequence[str] | None = None, *, indent: int | None = 2) -> str:
        """Deprecated: use :func:`mch_indicators.export.catalog_json` (goes in 0.2).

        Every definition (or those of ``ids``) as JSON, without the targets:
        ``export.catalog_json(catalog, ids, indent=indent, targets=False)``.
        """
        warn_renamed(
            "Catalog.to_json()",
            "mch_indicators.export.catalog_json(catalog, ids, targets=False)",
        )
        return catalog_json(self, ids, indent)

    def merged(self, other: Catalog) -> Catalog:
        """A new catalog with the indicators of both (ids must not repeat)."""
        return Catalog(
            [*self.values(), *other.values()],
            {**self._terms, **other._terms},
            roots={**self._roots, **other._roots},
        )


def _check_text(value: object, refusal: str) -> None:
    """Raise :class:`InvalidInputError` unless ``value`` is text (str), naming what it is.

    ``refusal`` is the ``[messages]`` text saying what was asked, in both languages.
    """
    if not isinstance(value, str):
        kind = type(value).__name__
        raise error_of(InvalidInputError, refusal, kind=kind, value=quoted(value))


def _difference(indicator: Indicator) -> Words:
    """One line telling a candidate of an ambiguous name from the others, in both languages.

    Its names, then what it divides by what and on which scale: the candidates of one
    word differ there (age band, population, severity, denominator or unit). The
    Chinese line names them in Chinese only (``孕产妇死亡率：孕产妇死亡数÷活产数，/10万``).
    """
    unit = resolve_unit(indicator.unit)
    numerator, denominator = indicator.numerator.name, indicator.denominator.name
    english = (
        f"{indicator.name.zh} / {indicator.name.en}: {numerator.zh} ÷ {denominator.zh} "
        f"({numerator.en} per {denominator.en}), {unit.symbol or unit.name}"
    )
    scale = f"，{unit.zh}" if unit.zh else ""
    return Words(english, f"{indicator.name.zh}：{numerator.zh}÷{denominator.zh}{scale}")


def _match_score(wanted: str, indicator: Indicator) -> float:
    """How well a folded query matches an indicator (0 = not at all)."""
    keys = Catalog._lookup_keys(indicator)
    if wanted in keys:
        return 100.0
    best = 0.0
    for key in keys:
        words = re.split(r"[\s().,/]+", key)
        if key.startswith(wanted):
            best = max(best, 80.0 - len(key) / 100)
        elif wanted in words:
            best = max(best, 70.0 - len(key) / 100)
        elif any(word.startswith(wanted) for word in words):
            best = max(best, 65.0 - len(key) / 100)
        elif wanted in key:
            best = max(best, 60.0 - len(key) / 100)
    if best:
        return best
    texts = (indicator.definition.en, indicator.definition.zh or "")
    if any(wanted in normalize_key(text) for text in texts):
        return 30.0
    close = difflib.get_close_matches(wanted, list(keys), n=1, cutoff=0.75)
    return 20.0 * difflib.SequenceMatcher(None, wanted, close[0]).ratio() if close else 0.0


# -- loading ---------------------------------------------------------------------------


#: Keys of an exported JSON catalog that describe the file, not definitions.
_JSON_FILE_KEYS = ("$schema", "schema_version", "generator", "fingerprints", "plans", "target")


def _read(source: Traversable | Path) -> dict[str, Any]:
    """A TOML or JSON definition file as a dict (UTF-8, with or without a byte-order mark)."""
    return _definitions_of(read_document(source, DefinitionError), source.name)


def _read_bytes(name: str, raw: bytes) -> dict[str, Any]:
    """:func:`_read` of a file already read: its ``name`` and bytes ``raw``."""
    return _definitions_of(document_of_bytes(raw, name, DefinitionError), name)


def _definitions_of(data: Any, name: str) -> dict[str, Any]:
    if name.lower().endswith(".json"):
        return _read_json(data, name)
    return cast(dict[str, Any], data)


def _read_json(data: Any, name: str) -> dict[str, Any]:
    """A JSON definition file: the TOML layout, plus the keys an export writes around it."""
    if not isinstance(data, dict):
        raise error_of(DefinitionError, "catalog_json_not_object", name=name)
    version = str(data.get("schema_version", "1"))
    if version.split(".")[0] != "1":
        raise error_of(DefinitionError, "catalog_schema_newer", name=name, version=version)
    return {key: value for key, value in data.items() if key not in _JSON_FILE_KEYS}


def _table(value: object, where: str | Words) -> dict[str, Any]:
    """``value`` if it is a TOML table, else a :class:`DefinitionError` saying what it is."""
    if not isinstance(value, dict):
        raise error_of(
            DefinitionError, "catalog_not_table", where=where, kind=type(value).__name__,
            value=value,
        )  # fmt: skip
    return value


def _tables(value: object, origin: str) -> list[dict[str, Any]]:
    """``value`` if it is an array of tables (``[[indicator]]``), else a DefinitionError."""
    where = words("catalog_indicators", origin=origin)
    if not isinstance(value, list):
        raise error_of(
            DefinitionError, "catalog_not_tables", where=where, kind=type(value).__name__
        )
    return [
        _table(item, words("catalog_item", where=where, position=i))
        for i, item in enumerate(value, start=1)
    ]


def _validate_term(term_id: str, body: object, origin: str) -> Term:
    where = words("definition_term", origin=origin, id=term_id)
    return Term.model_validate({**_table(body, where), "id": term_id}, where=where)


def _terms_from(data: Mapping[str, Any], origin: str) -> dict[str, Term]:
    bodies = _table(data.get("terms", {}), words("catalog_terms", origin=origin))
    return {term_id: _validate_term(term_id, body, origin) for term_id, body in bodies.items()}


def _add_terms(known: dict[str, Term], indicator: Indicator) -> None:
    """Add an indicator's terms to ``known``; a term id names one term."""
    for term in (indicator.numerator, indicator.denominator):
        if known.setdefault(term.id, term) != term:
            raise error_of(DefinitionError, "catalog_term_differs", id=indicator.id, term=term.id)


def _check_top_level(data: Mapping[str, Any], origin: str) -> None:
    unexpected = set(data) - {"indicator", "terms"}
    if unexpected:
        keys = sorted(unexpected)
        listed = Words(str(keys), "、".join(keys))
        raise error_of(DefinitionError, "catalog_top_level", origin=origin, keys=listed)


def _validate_indicator(
    body: Mapping[str, Any], origin: str, position: int, terms: Mapping[str, Term]
) -> Indicator:
    """One ``[[indicator]]`` table, its term references resolved, validated."""
    where = (
        words("definition_indicator", origin=origin, id=body["id"])
        if "id" in body
        else words("definition_indicator_at", origin=origin, position=position)
    )
    raw = dict(body)
    for role in ("numerator", "denominator"):
        reference = raw.get(role)
        if isinstance(reference, str):
            if reference not in terms:
                raise error_of(
                    DefinitionError, "catalog_unknown_term", where=where, role=role,
                    reference=reference, hint_text=did_you_mean(reference, terms),
                )  # fmt: skip
            raw[role] = terms[reference]
    return Indicator.model_validate(raw, where=where)


def _indicators_from(
    data: Mapping[str, Any], origin: str, terms: Mapping[str, Term]
) -> list[Indicator]:
    _check_top_level(data, origin)
    bodies = _tables(data.get("indicator", []), origin)
    return [
        _validate_indicator(body, origin, position, terms)
        for position, body in enumerate(bodies, start=1)
    ]


def _load(
    files: list[Traversable | Path],
    base_terms: Mapping[str, Term],
    roots: Mapping[str, Indicator] | None = None,
) -> Catalog:
    """Your definition files, validated whole."""
    documents = [(source.name, _read(source)) for source in files]
    terms = dict(base_terms)
    for origin, data in documents:
        terms.update(_terms_from(data, origin))
    indicators = []
    for origin, data in documents:
        indicators.extend(_indicators_from(data, origin, terms))
    return Catalog(indicators, terms, roots=roots)


def _builtin_files() -> list[Traversable]:
    """The built-in catalog's files, in catalog order (terms, then the domains in order)."""
    folder = package_data().joinpath("catalog")
    order = ["terms", *(domain.value for domain in Domain)]
    return sorted(
        (entry for entry in folder.iterdir() if entry.name.endswith(".toml")),
        key=lambda entry: (
            order.index(entry.name[:-5]) if entry.name[:-5] in order else len(order),
            entry.name,
        ),
    )


def builtin_documents() -> list[tuple[str, dict[str, Any]]]:
    """The built-in catalog's files, parsed: from the cache when their content is unchanged.

    Parsing the TOML costs more than everything else a first lookup does, so the
    parsed documents are kept as JSON under :func:`~mch_indicators._cache.cache_folder`,
    named by a hash of the files' names and bytes (and of this version). A missing,
    unreadable or unwritable cache only means parsing again.
    """
    contents = _builtin_contents()
    return _documents_of(contents, _files_entry(contents))


def _cached_documents(key: str) -> list[tuple[str, dict[str, Any]]] | None:
    """The parsed files of the cache entry ``key``; None if there is none."""
    cached = read_cached(key)
    return [(str(name), data) for name, data in cached] if isinstance(cached, list) else None


def _builtin_contents() -> list[tuple[str, bytes]]:
    """The built-in catalog's files, read: (name, bytes), in catalog order."""
    return [(entry.name, entry.read_bytes()) for entry in _builtin_files()]


def _files_entry(contents: list[tuple[str, bytes]]) -> tuple[str, bytes]:
    """The catalog's files hashed once, as one entry of the cache keys that name them."""
    return ("catalog files", content_key("files", contents).encode())


def _documents_key(files: tuple[str, bytes]) -> str:
    return content_key("catalog", [files])


def _documents_of(
    contents: list[tuple[str, bytes]], files: tuple[str, bytes]
) -> list[tuple[str, dict[str, Any]]]:
    """The files whose names and bytes are ``contents`` (hashed: ``files``), parsed; cached."""
    key = _documents_key(files)
    cached = _cached_documents(key)
    if cached is not None:
        return cached
    documents = [(name, _read_bytes(name, raw)) for name, raw in contents]
    write_cached(key, documents)
    return documents


def _texts_of(documents: list[tuple[str, dict[str, Any]]]) -> set[str]:
    """Every text of the documents' tables that the index folds (unreadable tables skipped)."""
    texts: set[str] = set()
    for _, data in documents:
        for body in data.get("indicator", []):
            with suppress(KeyError, TypeError, AttributeError):
                texts.update(_Entry.read(body).texts())
    return texts


def _texts_of_entries(entries: Iterable[_Entry]) -> set[str]:
    """Every text of the entries that the index folds."""
    return {text for entry in entries for text in entry.texts()}


#: The code a validated definition depends on: this module (the forms' layout), the
#: models and their validators, the units (and the folding of their spellings), the
#: interval methods a definition may name.
_MODEL_CODE = ("_catalog.py", "_model.py", "_unitspec.py", "_text.py", "stats/_intervals.py")
#: What decides how a text folds into a key: this code, the folding code and its table,
#: and the Python version (its Unicode tables).
_FOLD_SOURCES = ("_catalog.py", "_text.py", "hanzi.toml", "python")

Sources = list[tuple[str, bytes]]


def _key_sources() -> Sources | None:
    """The code and data the cache keys name, read once for both (None if unreadable)."""
    return code_sources(_MODEL_CODE, ["units.toml", "hanzi.toml"])


def _fold_sources(sources: Sources | None = None) -> Sources | None:
    """What decides how a text folds into a key (of ``sources``, else read): see above.

    None where the sources cannot be read.
    """
    read = _key_sources() if sources is None else sources
    return None if read is None else [entry for entry in read if entry[0] in _FOLD_SOURCES]


def _model_sources(sources: Sources | None = None) -> Sources | None:
    """What decides a validated definition: its code and data, and pydantic's version."""
    from pydantic import VERSION

    read = _key_sources() if sources is None else sources
    return None if read is None else [*read, ("pydantic", VERSION.encode())]


def _rebuilt(model: type[Any], dumped: str | None) -> Any:
    """``model`` built from its validated dump (JSON text, :func:`from_dump`), or None.

    None when there is no dump, or it is of another shape: validate instead.
    """
    if dumped is None:
        return None
    try:
        data = json.loads(dumped)
        return from_dump(model, data) if isinstance(data, dict) else None
    except (KeyError, TypeError, ValueError, RecursionError):
        return None


@dataclass(frozen=True)
class _Forms:
    """The built-in catalog validated: its index entries and each definition's JSON text."""

    entries: list[_Entry]
    indicators: dict[str, str]
    terms: dict[str, str]

    @classmethod
    def of(cls, catalog: Catalog) -> _Forms | None:
        """Every definition and term of ``catalog``, validated; None if one fails."""
        try:
            indicators = {key: _dumped(catalog[key]) for key in catalog}
            terms = {key: _dumped(term) for key, term in catalog._terms.items()}
        except DefinitionError:
            return None  # a built-in definition that does not validate is reported when asked
        return cls(list(catalog._entries.values()), indicators, terms)

    def json(self) -> dict[str, Any]:
        """The forms as JSON data (:meth:`read` reads them back)."""
        rows = [entry.row() for entry in self.entries]
        return {"entries": rows, "indicators": self.indicators, "terms": self.terms}

    @classmethod
    def read(cls, data: object) -> _Forms | None:
        """The forms of :meth:`json`, or None when ``data`` is of another shape."""
        if not (isinstance(data, dict) and set(data) == {"entries", "indicators", "terms"}):
            return None
        rows, indicators, terms = data["entries"], data["indicators"], data["terms"]
        if not (
            isinstance(rows, list) and isinstance(indicators, dict) and isinstance(terms, dict)
        ):
            return None
        try:
            entries = [_Entry.from_row(row) for row in rows]
        except (TypeError, ValueError):
            return None
        texts = (*indicators.values(), *terms.values())
        if [entry.id for entry in entries] != list(indicators) or not all(
            isinstance(text, str) for text in texts
        ):
            return None
        return cls(entries, indicators, terms)


def _dumped(model: Indicator | Term) -> str:
    """A validated definition as JSON text: what :func:`from_dump` builds it from."""
    return model.model_dump_json(exclude_unset=True)


def _forms_key(files: tuple[str, bytes], sources: Sources | None) -> str | None:
    """The cache name of the validated forms; None with the sources unreadable.

    Named by a hash of the catalog's files (``files``), the models' code, the units
    and pydantic's version (``sources``, :func:`_key_sources`): a change to any of
    them is a new entry.
    """
    models = _model_sources(sources) if sources is not None else None
    return None if models is None else content_key("catalog_models", [files, *models])


def _folded_keys(
    files: tuple[str, bytes], sources: Sources | None, texts: Callable[[], Iterable[str]]
) -> Fold:
    """:func:`normalize_key` with the built-in catalog's own texts looked up, not folded.

    Folding every name, alias and code of the catalog is most of the cost of
    indexing it; the folded forms are cached (JSON, named by a hash of the
    catalog's files, the folding code, its character table and the Python version),
    so a first lookup folds only what it is asked.
    """
    folding = _fold_sources(sources) if sources is not None else None
    if folding is None:
        return normalize_key
    key = content_key("catalog_keys", [files, *folding])
    cached = read_cached(key)
    if not (isinstance(cached, dict) and all(isinstance(v, str) for v in cached.values())):
        cached = {text: normalize_key(text) for text in sorted(texts())}
        write_cached(key, cached)
    known: dict[str, str] = cached

    def fold(text: str) -> str:
        folded = known.get(text)
        return normalize_key(text) if folded is None else folded

    return fold


def chosen_catalog(catalog: object) -> Catalog:
    """The catalog a ``catalog=`` argument names: the built-in one for ``None``.

    Anything but a :class:`Catalog` is an :class:`~mch_indicators.InvalidInputError`
    (a file name, a dict of definitions), raised where it is given, not as an
    ``AttributeError`` deep inside, nor read as an empty catalog.

    Examples
    --------
    >>> chosen_catalog(None) is builtin_catalog()
    True
    """
    if catalog is None:
        return builtin_catalog()
    if isinstance(catalog, Catalog):
        return catalog
    from mch_indicators._labels import input_error

    raise input_error("not_a_catalog", kind=type(catalog).__name__)


@cache
def builtin_catalog() -> Catalog:
    """The catalog shipped with the package: indexed once, each definition validated once.

    From the cached validated forms when the files, the models and pydantic are
    unchanged (nothing is validated); else from the files, every definition validated
    once to write the forms for the next process (with the cache off or not writable,
    each definition is validated when first asked for).
    """
    contents = _builtin_contents()  # each file read once, hashed once for every key
    files = _files_entry(contents)
    sources = _key_sources() if cache_folder() is not None else None
    key = _forms_key(files, sources)
    forms = _Forms.read(read_cached(key)) if key is not None else None
    if forms is not None:
        texts = partial(_texts_of_entries, forms.entries)
        fold = _folded_keys(files, sources, texts)
        return Catalog._prevalidated(forms, fold, _Documents(_documents_key(files)))
    documents = _documents_of(contents, files)
    fold = _folded_keys(files, sources, partial(_texts_of, documents))
    catalog = Catalog._lazy(documents, fold=fold)
    forms = _Forms.of(catalog) if key is not None and can_write() else None
    if key is not None and forms is not None:
        write_cached(key, forms.json())
        catalog._indicators.validated = forms.indicators
        cast(_Terms, catalog._terms).validated = forms.terms
    return catalog


def get(key: str | Indicator) -> Indicator:
    """Find a built-in indicator by id, alias, English or Chinese name, or code.

    Parameters
    ----------
    key : str
        ``"maternal_mortality_ratio"``, ``"MMR"``, ``"孕产妇死亡率"``,
        ``"SDG 3.1.1"``... Case, width and ``_``/``-``/space are ignored.

    Raises
    ------
    UnknownIndicatorError
        A ``KeyError`` whose message suggests the closest indicators.

    Examples
    --------
    >>> import mch_indicators as mch
    >>> mch.get("孕产妇死亡率").id
    'maternal_mortality_ratio'
    >>> try:
    ...     mch.get("infant mortality")
    ... except KeyError as error:
    ...     print(error.suggestions[0])
    infant_mortality_rate
    """
    return builtin_catalog().get_indicator(key)


def search(query: str, limit: int | None = 10) -> list[Indicator]:
    """Built-in indicators matching ``query`` in English or Chinese, best first.

    See :meth:`Catalog.search` for how matches are ranked.

    Examples
    --------
    >>> import mch_indicators as mch
    >>> [i.id for i in mch.search("stillbirth", limit=3)]
    ['stillbirth_rate', 'stillbirth_rate_22w', 'stillbirth_rate_24w']
    >>> mch.search("早孕")[0].id
    'early_pregnancy_registration_rate_cn'
    """
    return builtin_catalog().search(query, limit)


def load_definitions(*paths: str | PathLike[str]) -> Catalog:
    """Load your own indicators from TOML or JSON files with the built-in schema.

    A ``.json`` file has the same layout as a TOML one (``terms`` and
    ``indicator``); a catalog exported by :func:`mch_indicators.export.write`
    reads back equal (its ``schema_version``, ``fingerprints`` and targets
    describe the file and are not part of the catalog).

    Terms may be defined in the files (``[terms.<id>]`` tables) or taken from
    the built-in catalog by id (``denominator = "live_births"``). The result is
    a :class:`Catalog` of your indicators only; they compute exactly like
    built-in ones. Combine with ``mch_indicators.catalog.merged(...)``. Your
    indicator may be a variant of a built-in one (``variant_of = "stillbirth_rate"``).

    Raises
    ------
    DefinitionError
        Naming the file, the indicator and each field that does not validate.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> text = '''
    ... [terms.caesareans]
    ... name = { en = "caesarean deliveries", zh = "剖宫产数" }
    ... definition = { en = "Deliveries by caesarean section." }
    ...
    ... [[indicator]]
    ... id = "caesarean_rate_local"
    ... name = { en = "Caesarean section rate, our hospital", zh = "本院剖宫产率" }
    ... domain = "maternal_care"
    ... kind = "proportion"
    ... unit = "%"
    ... direction = "neutral"
    ... numerator = "caesareans"
    ... denominator = "live_births"
    ... definition = { en = "Caesarean deliveries per 100 live births." }
    ... sources = [{ document = "Local protocol 2024" }]
    ... '''
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "mine.toml"
    >>> _ = path.write_text(text, encoding="utf-8")
    >>> mine = load_definitions(path)
    >>> print(mine["caesarean_rate_local"].compute(367, 1000).format(decimals=1))
    36.7% (95% CI 33.8–39.7)
    """
    if not paths:
        raise error_of(DefinitionError, "catalog_no_file")
    for path in paths:
        if not isinstance(path, str | PathLike):
            raise error_of(
                DefinitionError, "catalog_not_path", kind=type(path).__name__, value=path
            )
    builtin = builtin_catalog()
    return _load([Path(p) for p in paths], builtin.terms, roots=builtin)
