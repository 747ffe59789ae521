"""Loading indicator definitions from TOML files, and looking them up.

The built-in catalog lives in ``definitions/catalog/*.toml``: ``terms.toml``
holds the terms, every other file a list of ``[[indicator]]`` tables grouped by
domain. Files are read with :mod:`tomllib` (no code is ever evaluated),
validated by the pydantic models once, on first use, and cached.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from os import PathLike
from pathlib import Path
from typing import Any, cast

from mch_indicators._deprecation import warn_renamed
from mch_indicators._documents import read_document
from mch_indicators._errors import (
    AmbiguousIndicatorError,
    DefinitionError,
    InvalidInputError,
    UnknownIndicatorError,
)
from mch_indicators._hooks import catalog_frame, catalog_json
from mch_indicators._model import Domain, Indicator, Kind, Term
from mch_indicators._text import fold_key
from mch_indicators._unitspec import resolve_unit
from mch_indicators._validate import quoted

__all__ = ["Catalog", "builtin_catalog", "load_definitions", "normalize_key"]


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


class Catalog(Mapping[str, Indicator]):
    """A read-only mapping of indicator id to :class:`Indicator`, with lookup.

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
        self._roots: dict[str, Indicator] = dict(roots or {})
        self._indicators: dict[str, Indicator] = {}
        self._terms: dict[str, Term] = dict(terms or {})
        self._keys: dict[str, str] = {}
        for indicator in indicators:
            if indicator.id in self._indicators:
                raise DefinitionError(f"indicator id {indicator.id!r} is defined twice")
            self._indicators[indicator.id] = indicator
            for term in (indicator.numerator, indicator.denominator):
                known = self._terms.setdefault(term.id, term)
                if known != term:
                    raise DefinitionError(
                        f"indicator {indicator.id!r}: term {term.id!r} differs from the term "
                        "of the same id already defined; give it its own id"
                    )
        self._families: dict[str, list[str]] = {}
        for indicator in self._indicators.values():
            root = indicator.variant_of
            if root is None:
                self._families.setdefault(indicator.id, []).insert(0, indicator.id)
                continue
            parent = self._indicators.get(root) or self._roots.get(root)
            if parent is None:
                raise DefinitionError(
                    f"indicator {indicator.id!r} is a variant of unknown indicator {root!r}"
                )
            if parent.variant_of is not None:
                raise DefinitionError(
                    f"indicator {indicator.id!r} is a variant of {root!r}, itself a variant of "
                    f"{parent.variant_of!r}; point at {parent.variant_of!r}"
                )
            self._families.setdefault(root, []).append(indicator.id)
        # Names and aliases are unique. A code may be shared by the members of one
        # family (China's period ratio and UN IGME's probability are both "SDG 3.2.1"):
        # it then finds the family's root. A code shared across families (SDG 3.b.1
        # covers several vaccines) finds none and says which ids to use instead.
        self._shared: dict[str, list[str]] = {}
        for indicator in self._indicators.values():
            for key in self._name_keys(indicator):
                owner = self._keys.setdefault(key, indicator.id)
                if owner != indicator.id:
                    raise DefinitionError(
                        f"lookup key {key!r} points at both {owner!r} and {indicator.id!r}"
                    )
        # A phrase that names different indicators in different traditions ("maternal
        # mortality rate": a ratio per live births in Chinese usage, a rate per
        # woman-years in demography) finds none: every indicator that claims it is a
        # candidate. It may not be a name or alias of any indicator.
        self._ambiguous: dict[str, list[str]] = {}
        named = {
            normalize_key(key): indicator.id
            for indicator in self._indicators.values()
            for key in (indicator.name.en, indicator.name.zh, *indicator.aliases)
        }
        for indicator in self._indicators.values():
            for phrase in indicator.ambiguous_aliases:
                key = normalize_key(phrase)
                if key in named:
                    raise DefinitionError(
                        f"{phrase!r} is an ambiguous alias of {indicator.id!r} but a name or "
                        f"alias of {named[key]!r}; list it as ambiguous there too, not as a name"
                    )
                claimants = self._ambiguous.setdefault(key, [])
                if indicator.id not in claimants:
                    claimants.append(indicator.id)
        roots_first = sorted(self._indicators.values(), key=lambda i: i.variant_of is not None)
        for indicator in roots_first:
            for key in self._code_keys(indicator) - self._name_keys(indicator):
                if key in self._shared:
                    self._shared[key].append(indicator.id)
                    continue
                owner = self._keys.setdefault(key, indicator.id)
                if owner == indicator.id:
                    continue
                if key in self._name_keys(self._indicators[owner]):
                    raise DefinitionError(
                        f"code {key!r} of {indicator.id!r} is a name or alias of {owner!r}"
                    )
                if self._family_of(owner) != self._family_of(indicator.id):
                    self._shared[key] = [owner, indicator.id]
                    del self._keys[key]

    def _family_of(self, indicator_id: str) -> str:
        return self._indicators[indicator_id].variant_of or indicator_id

    @staticmethod
    def _name_keys(indicator: Indicator) -> set[str]:
        keys = {indicator.id, indicator.name.en, indicator.name.zh, *indicator.aliases}
        return {normalize_key(key) for key in keys}

    @staticmethod
    def _code_keys(indicator: Indicator) -> set[str]:
        keys: set[str] = set()
        for system, code in indicator.codes.items():
            keys.update({code, f"{system} {code}"})
        return {normalize_key(key) for key in keys}

    @classmethod
    def _lookup_keys(cls, indicator: Indicator) -> set[str]:
        ambiguous = {normalize_key(phrase) for phrase in indicator.ambiguous_aliases}
        return cls._name_keys(indicator) | cls._code_keys(indicator) | ambiguous

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

    def __repr__(self) -> str:
        return f"<Catalog of {len(self)} indicators>"

    def _repr_html_(self) -> str:
        from mch_indicators._views import catalog_html

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
        _check_text(key, "indicator key", "an id, name, alias or code such as 'MMR'")
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
        _check_text(query, "search query", "a few characters or words such as '死亡率'")
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


def _check_text(value: object, what: str, example: str) -> None:
    """Raise :class:`InvalidInputError` unless ``value`` is text (str), naming what it is."""
    if not isinstance(value, str):
        raise InvalidInputError(
            f"{what} must be text ({example}), got {type(value).__name__} {quoted(value)}"
        )


def _difference(indicator: Indicator) -> str:
    """One line telling a candidate of an ambiguous name from the others.

    Its names, then what it divides by what and on which scale: the candidates of one
    word differ there (age band, population, severity, denominator or unit).
    """
    unit = resolve_unit(indicator.unit)
    return (
        f"{indicator.name.zh} / {indicator.name.en}: {indicator.numerator.name.zh} ÷ "
        f"{indicator.denominator.name.zh} ({indicator.numerator.name.en} per "
        f"{indicator.denominator.name.en}), {unit.symbol or unit.name}"
    )


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
    data = read_document(source, DefinitionError)
    if source.name.lower().endswith(".json"):
        return _read_json(data, source.name)
    return cast(dict[str, Any], data)


def _read_json(data: Any, name: str) -> dict[str, Any]:
    """A JSON definition file: the TOML layout, plus the keys an export writes around it."""
    if not isinstance(data, dict):
        raise DefinitionError(f"{name}: a definition file is a JSON object, not a list or value")
    version = str(data.get("schema_version", "1"))
    if version.split(".")[0] != "1":
        raise DefinitionError(
            f"{name}: schema_version {version} is newer than this mch_indicators reads (1.x)"
        )
    return {key: value for key, value in data.items() if key not in _JSON_FILE_KEYS}


def _table(value: object, where: str) -> dict[str, Any]:
    """``value`` if it is a TOML table, else a :class:`DefinitionError` saying what it is."""
    if not isinstance(value, dict):
        raise DefinitionError(f"{where}: expected a table, got {type(value).__name__} {value!r}")
    return value


def _tables(value: object, where: str) -> list[dict[str, Any]]:
    """``value`` if it is an array of tables (``[[indicator]]``), else a DefinitionError."""
    if not isinstance(value, list):
        raise DefinitionError(
            f"{where}: expected an array of tables ([[indicator]]), got {type(value).__name__}"
        )
    return [_table(item, f"{where} #{i}") for i, item in enumerate(value, start=1)]


def _terms_from(data: Mapping[str, Any], origin: str) -> dict[str, Term]:
    terms = {}
    for term_id, body in _table(data.get("terms", {}), f"{origin}, terms").items():
        where = f"{origin}, term {term_id!r}"
        terms[term_id] = Term.model_validate({**_table(body, where), "id": term_id}, where=where)
    return terms


def _indicators_from(
    data: Mapping[str, Any], origin: str, terms: Mapping[str, Term]
) -> list[Indicator]:
    unexpected = set(data) - {"indicator", "terms"}
    if unexpected:
        raise DefinitionError(
            f"{origin}: unexpected top-level keys {sorted(unexpected)}; "
            "use [terms.<id>] and [[indicator]] tables"
        )
    indicators = []
    bodies = _tables(data.get("indicator", []), f"{origin}, indicator")
    for position, body in enumerate(bodies, start=1):
        label = f"indicator {body.get('id')!r}" if "id" in body else f"indicator #{position}"
        raw = dict(body)
        for role in ("numerator", "denominator"):
            reference = raw.get(role)
            if isinstance(reference, str):
                if reference not in terms:
                    close = difflib.get_close_matches(reference, list(terms), n=1)
                    hint = f"; did you mean {close[0]!r}?" if close else ""
                    raise DefinitionError(
                        f"{origin}, {label}: {role} refers to unknown term {reference!r}{hint}"
                    )
                raw[role] = terms[reference]
        indicators.append(Indicator.model_validate(raw, where=f"{origin}, {label}"))
    return indicators


def _load(
    files: list[Traversable | Path],
    base_terms: Mapping[str, Term],
    roots: Mapping[str, Indicator] | None = None,
) -> Catalog:
    documents = [(source.name, _read(source)) for source in files]
    terms = dict(base_terms)
    for origin, data in documents:
        terms.update(_terms_from(data, origin))
    indicators = []
    for origin, data in documents:
        indicators.extend(_indicators_from(data, origin, terms))
    return Catalog(indicators, terms, roots=roots)


@cache
def builtin_catalog() -> Catalog:
    """The catalog shipped with the package (loaded and validated once)."""
    folder = resources.files("mch_indicators.definitions").joinpath("catalog")
    order = ["terms", *(domain.value for domain in Domain)]  # catalog order = domain order
    files = sorted(
        (entry for entry in folder.iterdir() if entry.name.endswith(".toml")),
        key=lambda entry: (
            order.index(entry.name[:-5]) if entry.name[:-5] in order else len(order),
            entry.name,
        ),
    )
    return _load(list(files), {})


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
        raise DefinitionError("load_definitions() needs at least one file")
    for path in paths:
        if not isinstance(path, str | PathLike):
            raise DefinitionError(
                f"load_definitions() takes paths of TOML files, got {type(path).__name__} {path!r}"
            )
    builtin = builtin_catalog()
    return _load([Path(p) for p in paths], builtin.terms, roots=builtin)
