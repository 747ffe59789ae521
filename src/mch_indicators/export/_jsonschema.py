"""JSON Schema of the definition files (TOML or JSON), for editors and other systems.

The schema is generated from the pydantic models, so it follows them, then
completed with what the models check in code: a Chinese name must contain Chinese
characters, an unverified or non-computable definition needs a note, the unit is
suggested from the unit table, and a numerator or denominator is either the id
of a term or a term written in place. A copy ships as
``mch_indicators/export/definitions.schema.json`` (a test keeps it equal to
:func:`json_schema`), for editors that read a schema from a file.
"""

from __future__ import annotations

import copy
from typing import Any

from mch_indicators._model import _ID_PATTERN, Indicator, Term
from mch_indicators._text import CHINESE_CHARACTER
from mch_indicators._unitspec import unit_specs

__all__ = ["SCHEMA_ID", "json_schema"]

#: Where the published schema lives (the documentation site serves the shipped copy).
SCHEMA_ID = "https://mch-indicators.readthedocs.io/en/latest/_downloads/definitions.schema.json"


def _first_paragraph(text: str) -> str:
    return text.strip().split("\n\n")[0].replace("\n", " ")


def _tidy(definitions: dict[str, Any]) -> None:
    """Shorten docstring descriptions to their first paragraph."""
    for body in definitions.values():
        if "description" in body:
            body["description"] = _first_paragraph(body["description"])


def _term_reference() -> dict[str, Any]:
    return {
        "anyOf": [
            {"type": "string", "pattern": _ID_PATTERN, "description": "the id of a term"},
            {"$ref": "#/$defs/Term"},
        ]
    }


def _needs_note(field: str) -> dict[str, Any]:
    return {
        "if": {"properties": {field: {"const": False}}, "required": [field]},
        "then": {"required": ["note"]},
    }


def json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a definition file, as a plain dict.

    Validate your own TOML or JSON definitions with any JSON Schema validator,
    or point your editor at the shipped copy for completion and checks.

    Examples
    --------
    >>> from mch_indicators.export import json_schema
    >>> schema = json_schema()
    >>> schema["$schema"], sorted(schema["properties"])[:3]
    ('https://json-schema.org/draft/2020-12/schema', ['$schema', 'fingerprints', 'generator'])
    >>> schema["$defs"]["Indicator"]["required"][:4]
    ['id', 'name', 'domain', 'kind']
    """
    indicator = Indicator.model_json_schema(mode="validation")
    definitions: dict[str, Any] = indicator.pop("$defs")
    definitions["Indicator"] = indicator
    definitions.setdefault("Term", Term.model_json_schema(mode="validation"))
    _tidy(definitions)

    indicator["properties"]["numerator"] = _term_reference()
    indicator["properties"]["denominator"] = _term_reference()
    canonical = list(unit_specs())
    indicator["properties"]["unit"] = {
        "anyOf": [{"enum": canonical}, {"type": "string", "minLength": 1}],
        "description": "a unit of the unit table: "
        + ", ".join(f"{name} ({spec.symbol or 'fraction'})" for name, spec in unit_specs().items())
        + "; other spellings such as '‰' or '/10万' are accepted",
        "title": "Unit",
    }
    indicator["allOf"] = [
        _needs_note("verified"),
        _needs_note("computable"),
        {"if": {"required": ["note_zh"]}, "then": {"required": ["note"]}},  # its wording
    ]
    definitions["Names"]["properties"]["zh"]["pattern"] = CHINESE_CHARACTER
    definitions["Names"]["properties"]["zh"]["description"] = "contains Chinese characters"

    entry = copy.deepcopy(definitions["Term"])
    entry["required"] = [key for key in entry["required"] if key != "id"]
    entry["title"] = "TermEntry"
    entry["description"] = "A term under [terms.<id>]: the table key is its id."
    definitions["TermEntry"] = entry

    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "mch_indicators definition file",
        "description": "Indicators and terms of mch_indicators, as a TOML or JSON file: "
        "[terms.<id>] tables and [[indicator]] tables (see the catalog documentation).",
        "type": "object",
        "properties": {
            "$schema": {"type": "string"},
            "schema_version": {"type": "string", "pattern": r"^1(\.\d+)?$"},
            "generator": {"type": "string"},
            "terms": {
                "type": "object",
                "propertyNames": {"pattern": _ID_PATTERN},
                "additionalProperties": {"$ref": "#/$defs/TermEntry"},
            },
            "indicator": {"type": "array", "items": {"$ref": "#/$defs/Indicator"}},
            "fingerprints": {
                "type": "object",
                "additionalProperties": {"type": "string", "pattern": "^sha256:[0-9a-f]{64}$"},
            },
            "plans": {"type": "object", "description": "plans of the exported targets, by id"},
            "target": {"type": "array", "items": {"type": "object"}},
        },
        "additionalProperties": False,
        "$defs": dict(sorted(definitions.items())),
    }
