"""Loading indicator definitions from TOML files, and looking them up.

The built-in catalog lives in ``definitions/catalog/*.toml``: ``terms.toml``
holds the terms, every other file a list of ``[[indicator]]`` tables grouped by
domain. Files are read with :mod:`tomllib` (no code is ever evaluated),
validated by the pydantic models once, on first use, and cached.
"""

from __future__ import annotations

import difflib
import re
import tomllib
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from os import PathLike
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from mch_indicators._errors import DefinitionError, UnknownIndicatorError
from mch_indicators._model import Domain, Indicator, Kind, Term

__all__ = ["Catalog", "builtin_catalog", "load_definitions", "normalize_key"]

_SEPARATORS = re.compile(r"[\s_\-]+")


def normalize_key(key: str) -> str:
    """Fold case, width and separators so that lookups forgive spelling.

    Examples
    --------
    >>> normalize_key(" Infant-Mortality_rate ")
    'infant mortality rate'
    >>> normalize_key("SDG 3.1.1")
    'sdg 3.1.1'
    """
    text = unicodedata.normalize("NFKC", key).casefold().strip()
    return _SEPARATORS.sub(" ", text)


def _describe(error: ValidationError) -> str:
    lines = []
    for item in error.errors():
        where = ".".join(str(part) for part in item["loc"]) or "definition"
        message = item["msg"].removeprefix("Value error, ")
        lines.append(f"{where}: {message}")
    return "; ".join(lines)


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

    def __init__(self, indicators: Iterable[Indicator], terms: Mapping[str, Term] | None = None):
        self._indicators: dict[str, Indicator] = {}
        self._terms: dict[str, Term] = dict(terms or {})
        self._keys: dict[str, str] = {}
        for indicator in indicators:
            if indicator.id in self._indicators:
                raise DefinitionError(f"indicator id {indicator.id!r} is defined twice")
            self._indicators[indicator.id] = indicator
            for term in (indicator.numerator, indicator.denominator):
                self._terms.setdefault(term.id, term)
        for indicator in self._indicators.values():
            for key in self._lookup_keys(indicator):
                owner = self._keys.setdefault(key, indicator.id)
                if owner != indicator.id:
                    raise DefinitionError(
                        f"lookup key {key!r} points at both {owner!r} and {indicator.id!r}"
                    )

    @staticmethod
    def _lookup_keys(indicator: Indicator) -> set[str]:
        keys = {indicator.id, indicator.name.en, indicator.name.zh, *indicator.aliases}
        for system, code in indicator.codes.items():
            keys.update({code, f"{system} {code}"})
        return {normalize_key(key) for key in keys}

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

    # -- lookup ------------------------------------------------------------------------

    @property
    def terms(self) -> Mapping[str, Term]:
        """Every term used by the catalog, by id."""
        return dict(self._terms)

    def get_indicator(self, key: str | Indicator) -> Indicator:
        """Find an indicator by id, alias, English or Chinese name, or code.

        Raises
        ------
        UnknownIndicatorError
            A ``KeyError`` whose message suggests the closest matches.
        """
        if isinstance(key, Indicator):
            return key
        if not isinstance(key, str):
            raise TypeError(f"indicator key must be text, got {type(key).__name__}")
        found = self._keys.get(normalize_key(key))
        if found is None:
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
        self, *, domain: Domain | str | None = None, kind: Kind | str | None = None
    ) -> list[Indicator]:
        """Indicators of a domain and/or kind, in catalog order."""
        chosen_domain = Domain(domain) if domain is not None else None
        chosen_kind = Kind(kind) if kind is not None else None
        return [
            indicator
            for indicator in self._indicators.values()
            if (chosen_domain is None or indicator.domain is chosen_domain)
            and (chosen_kind is None or indicator.kind is chosen_kind)
        ]

    def merged(self, other: Catalog) -> Catalog:
        """A new catalog with the indicators of both (ids must not repeat)."""
        return Catalog([*self.values(), *other.values()], {**self._terms, **other._terms})


# -- loading ---------------------------------------------------------------------------


def _read(source: Traversable | Path) -> dict[str, Any]:
    try:
        return tomllib.loads(source.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise DefinitionError(f"{source.name}: not valid TOML ({error})") from None
    except OSError as error:
        raise DefinitionError(f"{source}: cannot be read ({error.strerror})") from None


def _terms_from(data: Mapping[str, Any], origin: str) -> dict[str, Term]:
    terms = {}
    for term_id, body in dict(data.get("terms", {})).items():
        try:
            terms[term_id] = Term.model_validate({"id": term_id, **body})
        except ValidationError as error:
            raise DefinitionError(f"{origin}, term {term_id!r}: {_describe(error)}") from None
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
    for position, body in enumerate(data.get("indicator", []), start=1):
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
        try:
            indicators.append(Indicator.model_validate(raw))
        except ValidationError as error:
            raise DefinitionError(f"{origin}, {label}: {_describe(error)}") from None
    return indicators


def _load(files: list[Traversable | Path], base_terms: Mapping[str, Term]) -> Catalog:
    documents = [(source.name, _read(source)) for source in files]
    terms = dict(base_terms)
    for origin, data in documents:
        terms.update(_terms_from(data, origin))
    indicators = []
    for origin, data in documents:
        indicators.extend(_indicators_from(data, origin, terms))
    return Catalog(indicators, terms)


@cache
def builtin_catalog() -> Catalog:
    """The catalog shipped with the package (loaded and validated once)."""
    folder = resources.files("mch_indicators.definitions").joinpath("catalog")
    files = sorted(
        (entry for entry in folder.iterdir() if entry.name.endswith(".toml")),
        key=lambda entry: (entry.name != "terms.toml", entry.name),
    )
    return _load(list(files), {})


def load_definitions(*paths: str | PathLike[str]) -> Catalog:
    """Load your own indicators from TOML files with the built-in schema.

    Terms may be defined in the files (``[terms.<id>]`` tables) or taken from
    the built-in catalog by id (``denominator = "live_births"``). The result is
    a :class:`Catalog` of your indicators only; they compute exactly like
    built-in ones. Combine with ``mch_indicators.catalog.merged(...)``.

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
    ... name = { en = "Caesarean section rate", zh = "剖宫产率" }
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
    return _load([Path(p) for p in paths], builtin_catalog().terms)
