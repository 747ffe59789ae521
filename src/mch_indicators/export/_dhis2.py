"""Definitions as a DHIS2 metadata package, importable through ``POST /api/metadata``.

What goes where (field names, value types and lengths checked against
dhis2-core; see ``docs/export.md`` for the references):

- ``indicatorTypes``: one per unit used, ``factor`` = the unit's scale (100 for
  percent, 100000 for per 100,000), ``number: false`` (every indicator here has a
  denominator).
- ``dataElements``: one per term, aggregate (``domainType: AGGREGATE``), summed
  (``aggregationType: SUM``), value type ``INTEGER_ZERO_OR_POSITIVE`` (``NUMBER``
  for estimated or planned populations, which need not be whole), zeros stored
  (``zeroIsSignificant``: no deaths is data). No category combination is given,
  so DHIS2 connects its default one.
- ``indicators``: ``#{uid}`` numerator and denominator over those data
  elements, descriptions, ``decimals``, ``annualized`` for coverages (an
  estimated yearly population as denominator, as in the WHO RMNCAH package).
- ``indicatorGroups``: one per domain.
- ``attributes``: two indicator attributes carry what DHIS2 has no field for,
  the definition as JSON and its fingerprint, so that reading the package back
  (:func:`~mch_indicators.interop.read_dhis2_metadata`) gives the same definitions.
- ``translations``: Chinese (``zh``) names, short names and descriptions.

Every UID is derived from an id (:func:`dhis2_uid`), so exporting again gives
the same UIDs, and an import updates what an earlier one created.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from mch_indicators._catalog import Catalog
from mch_indicators._labels import label
from mch_indicators._model import Domain, Indicator, Term
from mch_indicators._unitspec import UnitSpec, resolve_unit
from mch_indicators.export._json import select
from mch_indicators.export._normal import (
    canonical_json,
    fingerprint,
    terms_of,
)

__all__ = [
    "DEFINITION_ATTRIBUTE",
    "FINGERPRINT_ATTRIBUTE",
    "NAME_PREFIX",
    "UID_PATTERN",
    "dhis2_metadata",
    "dhis2_uid",
    "type_code",
]

#: DHIS2's rule for UIDs (dhis2-core ``CodeGenerator.UID_REGEXP``).
UID_PATTERN = r"^[a-zA-Z][a-zA-Z0-9]{10}$"
#: Codes of the two indicator attributes this package defines.
DEFINITION_ATTRIBUTE = "MCH_DEFINITION"
FINGERPRINT_ATTRIBUTE = "MCH_FINGERPRINT"
#: Prefix of names and short names: names of data elements must be unique in a
#: DHIS2 instance, and the prefix keeps ours apart from the ones already there.
NAME_PREFIX = "MCH - "

_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
_ALPHANUMERIC = "0123456789" + _LETTERS
_NAME_MAX, _SHORT_MAX, _CODE_MAX = 230, 50, 50  # column lengths in dhis2-core


def dhis2_uid(kind: str, key: str) -> str:
    """A DHIS2 UID derived from a key: the same key gives the same UID, always.

    Eleven characters, a letter then letters or digits, as DHIS2 requires; from
    the SHA-256 of ``"mch_indicators/{kind}/{key}"``, so it does not depend on
    the Python version, the platform or the order of the export.

    Examples
    --------
    >>> from mch_indicators.export import dhis2_uid
    >>> uid = dhis2_uid("indicator", "maternal_mortality_ratio")
    >>> len(uid), uid[0].isalpha(), uid.isalnum()
    (11, True, True)
    >>> uid == dhis2_uid("indicator", "maternal_mortality_ratio")
    True
    """
    digest = hashlib.sha256(f"mch_indicators/{kind}/{key}".encode()).digest()
    number = int.from_bytes(digest, "big")
    number, first = divmod(number, len(_LETTERS))
    characters = [_LETTERS[first]]
    for _ in range(10):
        number, index = divmod(number, len(_ALPHANUMERIC))
        characters.append(_ALPHANUMERIC[index])
    return "".join(characters)


def type_code(unit: UnitSpec) -> str:
    """Code of the indicator type of a unit, e.g. ``MCH_UNIT_PER_100K``."""
    return f"MCH_UNIT_{unit.name.upper()}"


def _fit(text: str, limit: int, uid: str) -> str:
    """``text`` if it fits in ``limit`` characters, else shortened and made unique by ``uid``."""
    if len(text) <= limit:
        return text
    return f"{text[: limit - len(uid) - 2].rstrip()}~ {uid}"


def _unique(texts: dict[str, str], limit: int) -> dict[str, str]:
    """Fit each text (by uid) and disambiguate equal ones with their uid."""
    fitted = {uid: _fit(text, limit, uid) for uid, text in texts.items()}
    counts = Counter(fitted.values())
    return {
        uid: text if counts[text] == 1 else _fit(f"{text} {uid}", limit, uid)
        for uid, text in fitted.items()
    }


def _translations(**properties: str | None) -> list[dict[str, str]]:
    return [
        {"locale": "zh", "property": key, "value": value}
        for key, value in properties.items()
        if value
    ]


def _attributes() -> list[dict[str, Any]]:
    def attribute(code: str, name: str, value_type: str) -> dict[str, Any]:
        return {
            "id": dhis2_uid("attribute", code),
            "code": code,
            "name": name,
            "shortName": name,
            "valueType": value_type,
            "indicatorAttribute": True,
            "mandatory": False,
            "unique": False,
        }

    return [
        attribute(DEFINITION_ATTRIBUTE, "mch_indicators definition (JSON)", "LONG_TEXT"),
        attribute(FINGERPRINT_ATTRIBUTE, "mch_indicators fingerprint", "TEXT"),
    ]


def _indicator_type(unit: UnitSpec) -> dict[str, Any]:
    label = unit.symbol or "fraction"
    return {
        "id": dhis2_uid("indicatorType", unit.name),
        "code": type_code(unit),
        "name": f"mch_indicators {unit.name} ({label}, factor {unit.scale:,})",
        "factor": unit.scale,
        "number": False,
        "translations": _translations(
            NAME=f"mch_indicators {unit.zh or '分数'}（系数 {unit.scale:,}）"
        ),
    }


def _data_elements(terms: Sequence[Term]) -> list[dict[str, Any]]:
    uids = {term.id: dhis2_uid("dataElement", term.id) for term in terms}
    names = _unique({uids[t.id]: NAME_PREFIX + t.name.en for t in terms}, _NAME_MAX)
    shorts = _unique({uids[t.id]: NAME_PREFIX + t.name.en for t in terms}, _SHORT_MAX)
    elements = []
    for term in terms:
        uid = uids[term.id]
        elements.append(
            {
                "id": uid,
                "code": _fit(term.id, _CODE_MAX, uid),
                "name": names[uid],
                "shortName": shorts[uid],
                "formName": term.name.en,
                "description": term.definition.en,
                "domainType": "AGGREGATE",
                "aggregationType": "SUM",
                "valueType": "NUMBER" if term.estimated else "INTEGER_ZERO_OR_POSITIVE",
                "zeroIsSignificant": True,
                "translations": _translations(
                    NAME=_fit(NAME_PREFIX + term.name.zh, _NAME_MAX, uid),
                    SHORT_NAME=_fit(NAME_PREFIX + term.name.zh, _SHORT_MAX, uid),
                    FORM_NAME=term.name.zh,
                    DESCRIPTION=term.definition.zh,
                ),
            }
        )
    return elements


def _indicator(indicator: Indicator, name: str, short: str) -> dict[str, Any]:
    uid = dhis2_uid("indicator", indicator.id)
    unit = resolve_unit(indicator.unit)
    url = next((source.url for source in indicator.sources if source.url), None)
    numerator, denominator = indicator.numerator, indicator.denominator
    entry: dict[str, Any] = {
        "id": uid,
        "code": _fit(indicator.id, _CODE_MAX, uid),
        "name": name,
        "shortName": short,
        "description": indicator.definition.en,
        "numerator": "#{" + dhis2_uid("dataElement", numerator.id) + "}",
        "numeratorDescription": numerator.name.en,
        "denominator": "#{" + dhis2_uid("dataElement", denominator.id) + "}",
        "denominatorDescription": denominator.name.en,
        "indicatorType": {"id": dhis2_uid("indicatorType", unit.name)},
        "annualized": denominator.estimated,
        "decimals": indicator.decimals,
        "translations": _translations(
            NAME=_fit(NAME_PREFIX + indicator.name.zh, _NAME_MAX, uid),
            SHORT_NAME=_fit(NAME_PREFIX + indicator.name.zh, _SHORT_MAX, uid),
            DESCRIPTION=indicator.definition.zh,
            NUMERATOR_DESCRIPTION=numerator.name.zh,
            DENOMINATOR_DESCRIPTION=denominator.name.zh,
        ),
        "attributeValues": [
            {
                "attribute": {"id": dhis2_uid("attribute", DEFINITION_ATTRIBUTE)},
                "value": canonical_json(indicator.model_dump(mode="json", exclude_defaults=True)),
            },
            {
                "attribute": {"id": dhis2_uid("attribute", FINGERPRINT_ATTRIBUTE)},
                "value": fingerprint(indicator),
            },
        ],
    }
    if url:
        entry["url"] = url
    return entry


def _groups(indicators: Iterable[Indicator]) -> list[dict[str, Any]]:
    members: dict[Domain, list[str]] = {}
    for indicator in indicators:
        members.setdefault(indicator.domain, []).append(indicator.id)
    groups = []
    for domain, ids in members.items():
        en, zh = label("domains", domain.value, "en"), label("domains", domain.value, "zh")
        groups.append(
            {
                "id": dhis2_uid("indicatorGroup", domain.value),
                "code": f"MCH_{domain.value.upper()}",
                "name": NAME_PREFIX + en,
                "indicators": [{"id": dhis2_uid("indicator", i)} for i in ids],
                "translations": _translations(NAME=NAME_PREFIX + zh),
            }
        )
    return groups


def dhis2_metadata(
    catalog: Catalog | None = None, ids: Sequence[str] | None = None
) -> dict[str, Any]:
    """The definitions as a DHIS2 metadata package (a plain dict; JSON for ``/api/metadata``).

    Examples
    --------
    >>> from mch_indicators.export import dhis2_metadata
    >>> package = dhis2_metadata(ids=["maternal_mortality_ratio"])
    >>> sorted(package)
    ['attributes', 'dataElements', 'indicatorGroups', 'indicatorTypes', 'indicators']
    >>> package["indicatorTypes"][0]["factor"], package["indicators"][0]["code"]
    (100000, 'maternal_mortality_ratio')
    >>> package["indicators"][0]["numerator"] == "#{" + package["dataElements"][0]["id"] + "}"
    True
    """
    indicators = select(catalog, ids)
    units = {unit.name: unit for unit in (resolve_unit(i.unit) for i in indicators)}
    uids = {dhis2_uid("indicator", i.id): i for i in indicators}
    names = _unique({uid: NAME_PREFIX + i.name.en for uid, i in uids.items()}, _NAME_MAX)
    shorts = _unique({uid: NAME_PREFIX + i.name.en for uid, i in uids.items()}, _SHORT_MAX)
    return {
        "attributes": _attributes(),
        "indicatorTypes": [_indicator_type(unit) for unit in units.values()],
        "dataElements": _data_elements(terms_of(indicators)),
        "indicators": [_indicator(i, names[uid], shorts[uid]) for uid, i in uids.items()],
        "indicatorGroups": _groups(indicators),
    }
