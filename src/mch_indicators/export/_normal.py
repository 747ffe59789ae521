"""Definitions as plain data: the normalised form every export starts from.

A definition is serialised generically, with ``model_dump``, so a field added to
the models appears in every format without touching this package. The
*fingerprint* of an indicator is the SHA-256 of its normalised form: the dump
without default values (a field added later with a default leaves existing
fingerprints alone), as canonical JSON (sorted keys, no spaces, UTF-8).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from mch_indicators._model import Indicator, Term

if TYPE_CHECKING:
    from mch_indicators._catalog import Catalog

__all__ = [
    "SCHEMA_VERSION",
    "canonical_json",
    "fingerprint",
    "generator",
    "pick",
    "terms_of",
]

#: Version of the layout of exported definition files (JSON, CSV, spreadsheet).
#: The major number changes when a reader of the previous layout would misread
#: the new one; fields added to the definitions do not change it.
SCHEMA_VERSION = "1.0"


def generator() -> str:
    """``mch_indicators 0.1.0``: the program and version that wrote a file."""
    from mch_indicators._version import __version__

    return f"mch_indicators {__version__}"


def canonical_json(data: Any) -> str:
    """JSON with sorted keys and no white space: equal data, equal text."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def fingerprint(indicator: Indicator) -> str:
    """A stable content hash of a definition: ``sha256:`` and 64 hex digits.

    It changes when anything in the definition changes (names, terms and their
    criteria, unit, sources, codes...), and only then: not with the library
    version, the order of fields or of files, nor when a new optional field is
    added to the schema. A system that imports the definitions can pin it.

    Examples
    --------
    >>> import mch_indicators as mch
    >>> from mch_indicators.export import fingerprint
    >>> mmr = mch.get("maternal_mortality_ratio")
    >>> fingerprint(mmr).startswith("sha256:"), len(fingerprint(mmr))
    (True, 71)
    >>> fingerprint(mmr.model_copy(update={"decimals": 1})) == fingerprint(mmr)
    False
    """
    normal = indicator.model_dump(mode="json", exclude_defaults=True)
    return "sha256:" + hashlib.sha256(canonical_json(normal).encode("utf-8")).hexdigest()


def pick(catalog: Catalog, ids: Sequence[str] | None) -> list[Indicator]:
    """The indicators to export: all of ``catalog``, or those of ``ids`` in their order.

    Each of ``ids`` may be an id, alias, name or code, as in lookups; one may be
    given alone, as a string.
    """
    if not ids:
        return list(catalog.values())
    if isinstance(ids, str):  # one id, not its letters
        ids = [ids]
    found = [catalog.get_indicator(key) for key in ids]
    return list({indicator.id: indicator for indicator in found}.values())


def terms_of(indicators: Iterable[Indicator]) -> list[Term]:
    """The terms the indicators count, in order of first use, each once."""
    terms: dict[str, Term] = {}
    for indicator in indicators:
        for term in (indicator.numerator, indicator.denominator):
            terms.setdefault(term.id, term)
    return list(terms.values())
