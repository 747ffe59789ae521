"""Definitions as FHIR R4 ``Measure`` resources, and the catalog as a ``Bundle``.

A Measure describes, it does not compute here: each has one group with a
numerator and a denominator population, whose criteria are the terms'
definitions in plain text (``text/plain``), not executable CQL. Scoring is
``proportion`` for a proportion and ``ratio`` for every other kind (a numerator
that is not a subset of its denominator, or an estimated denominator, as WHO
SMART guidelines author coverage indicators). ``improvementNotation`` follows the
direction (none when it is neutral). R4 has no field for the multiplier: it is
written in ``guidance``, as the Quality Measure IG's ``cqm-scoringUnit``
extension, and as an integer in an extension of this package. Chinese texts are
FHIR ``translation`` extensions on the English ones. The fields FHIR renders as Markdown
(``description``, ``guidance`` and the translation of ``description``) hold the plain text
escaped (:func:`mch_indicators._safe_text.markdown_text`): a definition's link, HTML or
heading shows as written.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from mch_indicators._catalog import Catalog
from mch_indicators._labels import input_error
from mch_indicators._model import Direction, Indicator, Kind, Term
from mch_indicators._safe_text import markdown_text
from mch_indicators._unitspec import resolve_unit
from mch_indicators.export._json import select
from mch_indicators.export._normal import fingerprint

__all__ = ["BASE_URL", "IDENTIFIER_SYSTEMS", "fhir_bundle", "fhir_id", "fhir_measure"]

#: Canonical base of the resources (the documentation site of mch_indicators).
BASE_URL = "https://mch-indicators.readthedocs.io/fhir"
#: Identifier systems of the cross-walk codes. No registry publishes official
#: FHIR systems for them, so these are the codes' home pages.
IDENTIFIER_SYSTEMS = {
    "id": f"{BASE_URL}/indicator",
    "fingerprint": f"{BASE_URL}/fingerprint",
    "sdg": "https://unstats.un.org/sdgs/metadata",
    "gho": "https://www.who.int/data/gho/indicator-metadata-registry",
    "dhs": "https://api.dhsprogram.com/rest/dhs/indicators",
    "dhis2": "https://dhis2.org/metadata-package-downloads",
}
_TRANSLATION = "http://hl7.org/fhir/StructureDefinition/translation"
_SCORING_UNIT = "http://hl7.org/fhir/uv/cqm/StructureDefinition/cqm-scoringUnit"
_MULTIPLIER = f"{BASE_URL}/StructureDefinition/multiplier"
_SCORING = "http://terminology.hl7.org/CodeSystem/measure-scoring"
_IMPROVEMENT = "http://terminology.hl7.org/CodeSystem/measure-improvement-notation"
_POPULATION = "http://terminology.hl7.org/CodeSystem/measure-population"


#: The longest FHIR resource id.
_ID_LIMIT = 64


def fhir_id(indicator_id: str) -> str:
    """A FHIR resource id (``[A-Za-z0-9-.]{1,64}``) for an indicator id.

    An id longer than 64 characters keeps its first 53 and ends in ten hexadecimal
    digits of its SHA-256, so two ids that differ only after the 64th character
    are two resources (cut, they would be one: a server would keep one of them).

    Examples
    --------
    >>> fhir_id("maternal_mortality_ratio")
    'maternal-mortality-ratio'
    >>> len(fhir_id("x" * 80)), fhir_id("x" * 80) == fhir_id("x" * 79 + "y")
    (64, False)
    """
    text = indicator_id.replace("_", "-")
    if len(text) <= _ID_LIMIT:
        return text
    digest = hashlib.sha256(indicator_id.encode()).hexdigest()[:10]
    return f"{text[: _ID_LIMIT - len(digest) - 1]}-{digest}"


def _computer_name(indicator_id: str) -> str:
    return "".join(part.capitalize() for part in indicator_id.split("_"))


def _translated(element: str, zh: str | None, markdown: bool = False) -> dict[str, Any]:
    """``{"_element": ...}`` carrying the Chinese text, or nothing without one."""
    if not zh:
        return {}
    content = {
        "url": "content",
        **({"valueMarkdown": markdown_text(zh)} if markdown else {"valueString": zh}),
    }
    extension = {"url": _TRANSLATION, "extension": [{"url": "lang", "valueCode": "zh"}, content]}
    return {f"_{element}": {"extension": [extension]}}


def _concept(system: str, code: str) -> dict[str, Any]:
    return {
        "coding": [
            {"system": system, "code": code, "display": code.replace("-", " ").capitalize()}
        ]
    }


def _population(role: str, term: Term) -> dict[str, Any]:
    description = f"{term.name.en}: {term.definition.en}"
    zh = f"{term.name.zh}：{term.definition.zh}" if term.definition.zh else term.name.zh
    return {
        "code": _concept(_POPULATION, role),
        "description": description,
        **_translated("description", zh),
        "criteria": {
            "name": re.sub(r"[^A-Za-z0-9]", "", _computer_name(term.id))[:64],
            "description": term.definition.en,
            "language": "text/plain",
            "expression": term.id,
        },
    }


def _checked_base(base_url: object) -> str:
    """``base_url`` if it is an absolute http(s) URL (without its trailing ``/``).

    A FHIR canonical URL is absolute; anything else is refused, in both languages.
    """
    parts = urlsplit(base_url) if isinstance(base_url, str) else None
    if (
        parts is None
        or parts.scheme not in {"http", "https"}
        or not parts.netloc
        or parts.query
        or parts.fragment
        or any(c.isspace() for c in str(base_url))
    ):
        raise input_error("bad_base_url", value=base_url, example=BASE_URL)
    return str(base_url).rstrip("/")


def fhir_measure(indicator: Indicator, *, base_url: str = BASE_URL) -> dict[str, Any]:
    """One indicator as a FHIR R4 ``Measure`` resource (a plain dict).

    ``base_url`` (an absolute http or https URL) starts the Measure's canonical ``url``;
    anything else raises :class:`~mch_indicators.InvalidInputError`.

    Examples
    --------
    >>> import mch_indicators as mch
    >>> from mch_indicators.export import fhir_measure
    >>> measure = fhir_measure(mch.get("anc4_coverage"))
    >>> measure["scoring"]["coding"][0]["code"]
    'proportion'
    >>> measure["improvementNotation"]["coding"][0]["code"]
    'increase'
    >>> [p["code"]["coding"][0]["code"] for p in measure["group"][0]["population"]]
    ['numerator', 'denominator']
    """
    base_url = _checked_base(base_url)
    unit = resolve_unit(indicator.unit)
    resource_id = fhir_id(indicator.id)
    per = f"{unit.per} {indicator.denominator.name.en}" if unit.per else "(a fraction)"
    guidance = (
        f"Value = {indicator.numerator.name.en} / {indicator.denominator.name.en}"
        f" x {unit.scale:,}, reported {per}."
    )
    if indicator.note:
        guidance += f"\n\n{indicator.note}"
    identifiers = [
        {"use": "official", "system": IDENTIFIER_SYSTEMS["id"], "value": indicator.id},
        {
            "use": "secondary",
            "system": IDENTIFIER_SYSTEMS["fingerprint"],
            "value": fingerprint(indicator),
        },
        *(
            {"use": "secondary", "system": IDENTIFIER_SYSTEMS[system], "value": code}
            for system, code in indicator.codes.items()
        ),
    ]
    measure: dict[str, Any] = {
        "resourceType": "Measure",
        "id": resource_id,
        "language": "en",
        "extension": [
            {"url": _SCORING_UNIT, "valueCodeableConcept": {"text": unit.symbol or "fraction"}},
            {"url": _MULTIPLIER, "valueInteger": unit.scale},
        ],
        "url": f"{base_url}/Measure/{resource_id}",
        "identifier": identifiers,
        "name": _computer_name(indicator.id)[:255],
        "title": indicator.name.en,
        **_translated("title", indicator.name.zh),
        "status": "active" if indicator.verified else "draft",
        "experimental": False,
        "publisher": "mch_indicators",
        "description": markdown_text(indicator.definition.en),
        **_translated("description", indicator.definition.zh, markdown=True),
        "relatedArtifact": [
            {
                "type": "citation",
                "citation": markdown_text(
                    ", ".join(filter(None, [source.document, source.section]))
                ),
                **({"url": source.url} if source.url else {}),
            }
            for source in indicator.sources
        ],
        "scoring": _concept(
            _SCORING, "proportion" if indicator.kind is Kind.PROPORTION else "ratio"
        ),
        "guidance": markdown_text(guidance),
        "group": [
            {
                "description": f"{indicator.name.en} ({unit.symbol or 'fraction'})",
                **_translated("description", indicator.name.zh),
                "population": [
                    _population("numerator", indicator.numerator),
                    _population("denominator", indicator.denominator),
                ],
            }
        ],
    }
    if indicator.direction is not Direction.NEUTRAL:
        notation = "increase" if indicator.direction is Direction.HIGHER else "decrease"
        measure["improvementNotation"] = _concept(_IMPROVEMENT, notation)
    return measure


def fhir_bundle(
    catalog: Catalog | None = None,
    ids: Sequence[str] | None = None,
    *,
    base_url: str = BASE_URL,
) -> dict[str, Any]:
    """The catalog (default: built-in) or ``ids`` as a FHIR ``Bundle`` (collection) of Measures.

    ``base_url`` as for :func:`fhir_measure` (an absolute http or https URL).

    Examples
    --------
    >>> from mch_indicators.export import fhir_bundle
    >>> bundle = fhir_bundle(ids=["infant_mortality_rate", "stillbirth_rate"])
    >>> bundle["type"], [e["resource"]["id"] for e in bundle["entry"]]
    ('collection', ['infant-mortality-rate', 'stillbirth-rate'])
    """
    base_url = _checked_base(base_url)
    measures = [fhir_measure(indicator, base_url=base_url) for indicator in select(catalog, ids)]
    return {
        "resourceType": "Bundle",
        "id": "mch-indicators-catalog",
        "type": "collection",
        "entry": [{"fullUrl": m["url"], "resource": m} for m in measures],
    }
