"""The catalog as one JSON document, in the layout of the definition files.

The document has the keys of a TOML definition file, ``terms`` (by id) and
``indicator`` (a list whose numerator and denominator name a term), so
:func:`mch_indicators.load_definitions` reads it back into an equal catalog. Around
them: ``schema_version``, ``generator``, ``fingerprints`` (one per indicator) and
the targets of the built-in plans for the exported indicators (``plans`` and
``target``, in the layout of ``definitions/targets.toml``). Every field of every
definition is written, unset ones as ``null``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from mch_indicators._catalog import Catalog, chosen_catalog
from mch_indicators._model import Indicator
from mch_indicators._targets import Target, builtin_targets
from mch_indicators.export._document import definitions_document
from mch_indicators.export._normal import pick

__all__ = ["catalog_document", "catalog_json", "select", "targets_of"]


def select(catalog: Catalog | None, ids: Sequence[str] | None) -> list[Indicator]:
    """The indicators to export: all of ``catalog`` (default: built-in), or ``ids`` in order."""
    return pick(chosen_catalog(catalog), ids)


def targets_of(indicators: Sequence[Indicator]) -> list[Target]:
    """The built-in targets set for any of the indicators, in file order."""
    ids = {indicator.id for indicator in indicators}
    return [target for target in builtin_targets() if target.indicator in ids]


def catalog_document(
    catalog: Catalog | None = None, ids: Sequence[str] | None = None, *, targets: bool = True
) -> dict[str, Any]:
    """The catalog (default: built-in) or the indicators ``ids`` as a plain dict.

    With ``targets=False`` the built-in plans' targets are left out: the document
    is then exactly a definition file (``terms``, ``indicator``) with its
    ``schema_version``, ``generator`` and ``fingerprints``.

    Examples
    --------
    >>> from mch_indicators.export import catalog_document
    >>> doc = catalog_document(ids=["孕产妇死亡率"])
    >>> doc["schema_version"], list(doc["terms"]), doc["indicator"][0]["unit"]
    ('1.0', ['maternal_deaths', 'live_births'], 'per_100k')
    >>> [t["plan"] for t in doc["target"]][:2]
    ['sdg_2030', 'mdg_2015']
    """
    indicators = select(catalog, ids)
    if not targets:
        return definitions_document(indicators)
    chosen = targets_of(indicators)
    plans = {target.plan.id: target.plan for target in chosen}
    return {
        **definitions_document(indicators),
        "plans": {
            plan.id: plan.model_dump(mode="json", exclude={"id"}) for plan in plans.values()
        },
        "target": [
            {"plan": target.plan.id, **target.model_dump(mode="json", exclude={"plan"})}
            for target in chosen
        ],
    }


def catalog_json(
    catalog: Catalog | None = None,
    ids: Sequence[str] | None = None,
    *,
    indent: int | None = 2,
    targets: bool = True,
) -> str:
    """:func:`catalog_document` as JSON text (UTF-8, Chinese kept as characters).

    :func:`mch_indicators.load_definitions` reads the text back, from a ``.json``
    file, into an equal catalog.

    Examples
    --------
    >>> import json
    >>> from mch_indicators.export import catalog_json
    >>> document = json.loads(catalog_json(ids=["stillbirth_rate"], targets=False))
    >>> document["indicator"][0]["numerator"], sorted(document)
    ('stillbirths_28w', ['fingerprints', 'generator', 'indicator', 'schema_version', 'terms'])
    """
    document = catalog_document(catalog, ids, targets=targets)
    return json.dumps(document, ensure_ascii=False, indent=indent)
