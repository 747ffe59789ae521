"""The definitions document: what a definition file holds, plus its version and fingerprints.

This is the part of the JSON export that
``catalog_json(..., targets=False)`` writes and :func:`mch_indicators.load_definitions`
reads back. It depends on the models only; :mod:`mch_indicators.export._json`
adds the targets of the built-in plans.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from mch_indicators._model import Indicator
from mch_indicators.export._normal import SCHEMA_VERSION, fingerprint, generator, terms_of

__all__ = ["definitions_document", "indicator_entry"]


def indicator_entry(indicator: Indicator) -> dict[str, Any]:
    """One ``[[indicator]]`` entry: every field, the terms by id."""
    entry = indicator.model_dump(mode="json")
    entry["numerator"] = indicator.numerator.id
    entry["denominator"] = indicator.denominator.id
    return entry


def definitions_document(indicators: Sequence[Indicator]) -> dict[str, Any]:
    """``schema_version``, ``generator``, ``terms``, ``indicator`` and ``fingerprints``."""
    return {
        "schema_version": SCHEMA_VERSION,
        "generator": generator(),
        "terms": {
            term.id: term.model_dump(mode="json", exclude={"id"}) for term in terms_of(indicators)
        },
        "indicator": [indicator_entry(indicator) for indicator in indicators],
        "fingerprints": {indicator.id: fingerprint(indicator) for indicator in indicators},
    }
