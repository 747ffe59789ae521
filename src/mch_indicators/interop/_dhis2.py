"""DHIS2 in: indicator metadata into definitions, and data value sets into results.

:func:`read_dhis2_metadata` turns the ``indicators`` of a DHIS2 metadata export
into :class:`~mch_indicators.Indicator` objects. DHIS2 computes
``numerator / denominator x factor``; this reads the factor as a unit and each
expression as a term when it is one data element (``#{uid}`` or
``#{uid.categoryOptionCombo}``) or a sum of them. Anything else (constants,
differences, functions, organisation unit counts, program data) and a factor
that matches no unit are refused with a message naming the indicator, never
approximated. Indicators exported by :func:`~mch_indicators.export.dhis2_metadata`
carry their definition in an attribute and come back equal; for others, DHIS2
has no field for the kind or the direction, so they are assumed (and said so).

:func:`compute_data_values` then computes on a DHIS2 ``dataValueSet`` export
(JSON or CSV), summing the values of each term's data elements per organisation
unit and period, and adds what DHIS2 does not compute: intervals and flags.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Unpack

import numpy as np
import numpy.typing as npt

from mch_indicators._catalog import Catalog, builtin_catalog, chosen_catalog
from mch_indicators._documents import parse_document, read_document, read_text
from mch_indicators._errors import DUPLICATES_ADD, DefinitionError, InvalidInputError, UnitError
from mch_indicators._labels import Words, error_of, label, words
from mch_indicators._model import Direction, Domain, Indicator, Kind, Term
from mch_indicators._unitspec import UnitSpec, resolve_unit, unit_specs
from mch_indicators._validate import quoted
from mch_indicators.export._dhis2 import DEFINITION_ATTRIBUTE, dhis2_uid, type_code

if TYPE_CHECKING:
    import pandas as pd

    from mch_indicators._options import ComputeOptions

__all__ = ["Dhis2Definitions", "compute_data_values", "read_data_value_set", "read_dhis2_metadata"]

_UID = r"[A-Za-z][A-Za-z0-9]{10}"
_ITEM = re.compile(rf"#\{{({_UID})(?:\.({_UID}))?\}}")
_SUM = re.compile(rf"^\s*#\{{{_UID}(?:\.{_UID})?\}}(?:\s*\+\s*#\{{{_UID}(?:\.{_UID})?\}})*\s*$")
_UNTRANSLATED = "（未翻译）"


@dataclass(frozen=True)
class Dhis2Definitions:
    """Definitions read from DHIS2 metadata, and how DHIS2 data maps onto their terms.

    Attributes
    ----------
    catalog : Catalog
        The indicators, computable like any others.
    data_elements : dict
        Data element (``uid``, or ``uid.categoryOptionCombo``) to the ids of the
        terms whose counts include its values; pass it to
        :func:`compute_data_values`.
    skipped : dict
        With ``skip_unsupported=True``: the DHIS2 indicators not read (their
        label) and why.
    """

    catalog: Catalog
    data_elements: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    skipped: Mapping[str, str] = field(default_factory=dict)


def _load(source: str | PathLike[str] | Mapping[str, Any], what: Words) -> Mapping[str, Any]:
    """A DHIS2 JSON document, given parsed or as a file read by the bounded reader."""
    if isinstance(source, Mapping):
        return source
    if not isinstance(source, str | PathLike):
        raise error_of(
            InvalidInputError, "dhis2_source_kind", what=what, kind=type(source).__name__
        )
    data = read_document(source, InvalidInputError, kind="json")
    if not isinstance(data, Mapping):
        raise error_of(InvalidInputError, "dhis2_not_object", name=Path(source).name, what=what)
    return data


def _objects(item: Mapping[str, Any], key: str, where: Words | str) -> list[Mapping[str, Any]]:
    """``item[key]``, a list of JSON objects (``[]`` when absent), or an error naming the place."""
    value = item.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise error_of(
            InvalidInputError, "dhis2_not_list", where=where, key=key, kind=type(value).__name__
        )
    for position, member in enumerate(value, start=1):
        if not isinstance(member, Mapping):
            raise error_of(
                InvalidInputError, "dhis2_member_not_object", where=where, key=key,
                position=position, value=quoted(member),
            )  # fmt: skip
        _check_fields(member, words("dhis2_member", where=where, key=key, position=position))
    return value


#: Fields the reader takes as text, numbers or true/false, wherever they appear.
_TEXT_FIELDS = frozenset({
    "id", "code", "name", "shortName", "formName", "description", "numerator", "denominator",
    "numeratorDescription", "denominatorDescription", "url", "locale", "property", "value",
})  # fmt: skip
_NUMBER_FIELDS = frozenset({"factor", "decimals"})
_FLAG_FIELDS = frozenset({"number", "annualized"})


def _check_fields(item: Mapping[str, Any], where: Words | str) -> None:
    """Refuse a field of ``item`` that the reader takes as a scalar but is not one."""
    for key, value in item.items():
        if value is None:
            continue
        if key in _TEXT_FIELDS:
            wrong = not isinstance(value, str)
            wanted = "dhis2_field_text"
        elif key in _NUMBER_FIELDS:
            wrong = isinstance(value, bool) or not isinstance(value, int | float)
            wanted = "dhis2_field_number"
        elif key in _FLAG_FIELDS:
            wrong = not isinstance(value, bool)
            wanted = "dhis2_field_flag"
        else:
            continue
        if wrong:
            raise error_of(InvalidInputError, wanted, where=where, key=key, value=quoted(value))


def _object(item: Mapping[str, Any], key: str, where: Words | str) -> Mapping[str, Any]:
    """``item[key]``, a JSON object (``{}`` when absent), or an error naming the place."""
    value = item.get(key)
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise error_of(
            InvalidInputError, "dhis2_field_object", where=where, key=key,
            kind=type(value).__name__,
        )  # fmt: skip
    _check_fields(value, words("dhis2_in_field", where=where, key=key))
    return value


def _uids(items: list[Mapping[str, Any]], key: str, where: Words | str) -> list[str]:
    """The ``id`` of each object of ``items`` (the list ``key`` of ``where``)."""
    found = []
    for position, item in enumerate(items, start=1):
        uid = item.get("id")
        if not isinstance(uid, str):
            raise error_of(
                InvalidInputError, "dhis2_no_id", where=where, key=key, position=position
            )
        found.append(uid)
    return found


def _slug(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")
    return slug if slug[:1].isalpha() else f"dhis2_{slug}".rstrip("_")


def _zh(item: Mapping[str, Any], prop: str) -> str | None:
    for translation in _objects(item, "translations", f"{item.get('id')!r}"):
        locale = str(translation.get("locale", ""))
        value = translation.get("value")
        if locale.split("_")[0] == "zh" and translation.get("property") == prop and value:
            return str(value)  # text (checked); a translation without a value is none
    return None


def _scale(unit: object) -> float | None:
    """The scale of a definition's ``unit``; None when it has none or an unknown one.

    The model's validation then names the definition and the field.
    """
    try:
        return resolve_unit(unit).scale if isinstance(unit, str) else None
    except UnitError:
        return None


class _Reader:
    """One pass over a metadata package (holds its lookups and the terms made so far)."""

    def __init__(
        self,
        metadata: Mapping[str, Any],
        kinds: Mapping[str, Kind | str],
        directions: Mapping[str, Direction | str],
        domain: Domain | str,
    ) -> None:
        where = words("dhis2_metadata")
        elements = _objects(metadata, "dataElements", where)
        self.elements = dict(zip(_uids(elements, "dataElements", where), elements, strict=True))
        types = _objects(metadata, "indicatorTypes", where)
        self.types = dict(zip(_uids(types, "indicatorTypes", where), types, strict=True))
        self.kinds, self.directions, self.domain = kinds, directions, Domain(domain)
        self.groups: dict[str, Domain] = {}
        for number, group in enumerate(_objects(metadata, "indicatorGroups", where), start=1):
            code = str(group.get("code") or "")
            place = words("dhis2_member", where=where, key="indicatorGroups", position=number)
            members = _objects(group, "indicators", place)
            if code.startswith("MCH_") and code[4:].lower() in Domain._value2member_map_:
                for member in members:
                    self.groups[str(member.get("id"))] = Domain(code[4:].lower())
        self.definition_attributes = {dhis2_uid("attribute", DEFINITION_ATTRIBUTE)} | {
            str(a.get("id"))
            for a in _objects(metadata, "attributes", where)
            if a.get("code") == DEFINITION_ATTRIBUTE
        }
        self.terms: dict[tuple[str, ...], Term] = {}
        self.mapping: dict[str, list[str]] = {}

    # -- one indicator ---------------------------------------------------------------

    def label(self, item: Mapping[str, Any]) -> Words:
        name = item.get("code") or item.get("name") or "?"
        return words("dhis2_indicator", name=name, uid=item.get("id"))

    def unit(self, item: Mapping[str, Any], label: Words) -> UnitSpec:
        reference = _object(item, "indicatorType", label).get("id")
        kind = self.types.get(str(reference))
        if kind is None:
            raise error_of(DefinitionError, "dhis2_type_missing", label=label, reference=reference)
        if kind.get("number"):
            raise error_of(
                DefinitionError, "dhis2_type_number", label=label, name=kind.get("name")
            )
        for spec in unit_specs().values():
            if kind.get("code") == type_code(spec):
                return spec
        factor = kind.get("factor")
        by_scale = {1: "fraction", 100: "percent", 1000: "permille"}
        by_scale |= {10000: "per_10k", 100000: "per_100k"}
        if factor not in by_scale:
            known = ", ".join(f"{scale:,}" for scale in by_scale)
            raise error_of(
                DefinitionError, "dhis2_factor", label=label, factor=factor, known=known
            )
        return resolve_unit(by_scale[factor])

    def items(self, item: Mapping[str, Any], role: str, label: Words) -> tuple[str, ...]:
        expression = str(item.get(role) or "")
        if not _SUM.match(expression):
            raise error_of(
                DefinitionError, "dhis2_expression", label=label, role=_role(role),
                expression=expression,
            )  # fmt: skip
        keys = []
        for element, combo in _ITEM.findall(expression):
            if element not in self.elements:
                raise error_of(
                    DefinitionError, "dhis2_element_missing", label=label, role=_role(role),
                    element=element,
                )  # fmt: skip
            keys.append(f"{element}.{combo}" if combo else element)
        return tuple(keys)

    def term(
        self,
        keys: tuple[str, ...],
        item: Mapping[str, Any],
        role: str,
        estimated: bool,
        known: Mapping[str, Any] | None,
    ) -> Term:
        """The term counting the sum of ``keys``: ``known`` when it is that term."""
        code = self.elements[keys[0].split(".")[0]].get("code") if len(keys) == 1 else None
        if known is not None and "." not in keys[0] and code == known.get("id"):
            term = Term.model_validate(known)
        elif keys in self.terms:
            return self.terms[keys]
        elif len(keys) == 1:
            term = self.element_term(keys[0], estimated)
        else:
            term = self.sum_term(keys, item, role, estimated)
        self.terms[keys] = term
        for key in keys:
            self.mapping.setdefault(key, [])
            if term.id not in self.mapping[key]:
                self.mapping[key].append(term.id)
        return term

    def element_term(self, key: str, estimated: bool) -> Term:
        uid, _, combo = key.partition(".")
        element = self.elements[uid]
        en = str(element.get("formName") or element.get("name"))
        zh = _zh(element, "FORM_NAME") or _zh(element, "NAME")
        suffix = f" (category option combination {combo})" if combo else ""
        return Term.model_validate(
            {
                "id": _slug(f"{element.get('code') or en}{'_' + combo if combo else ''}"),
                "name": {"en": en + suffix, "zh": (zh or en + _UNTRANSLATED) + suffix},
                "definition": {
                    "en": element.get("description")
                    or f"Values of DHIS2 data element {element.get('name')!r} ({uid}){suffix}.",
                    "zh": _zh(element, "DESCRIPTION"),
                },
                "estimated": estimated,
            }
        )

    def sum_term(
        self, keys: tuple[str, ...], item: Mapping[str, Any], role: str, estimated: bool
    ) -> Term:
        names = [str(self.elements[key.split(".")[0]].get("name")) for key in keys]
        en = str(item.get(f"{role}Description") or f"{role} of {item.get('name')}")
        zh = _zh(item, f"{role.upper()}_DESCRIPTION")
        return Term.model_validate(
            {
                "id": _slug(f"{item.get('code') or item.get('name')}_{role}"),
                "name": {"en": en, "zh": zh or en + _UNTRANSLATED},
                "definition": {"en": "Sum of DHIS2 data elements: " + " + ".join(names) + "."},
                "estimated": estimated,
            }
        )

    def definition(self, item: Mapping[str, Any]) -> dict[str, Any] | None:
        label = self.label(item)
        for value in _objects(item, "attributeValues", label):
            if _object(value, "attribute", label).get("id") in self.definition_attributes:
                text = value.get("value")
                loaded = (
                    parse_document(text, "json", label.en, DefinitionError)
                    if isinstance(text, str)
                    else None
                )
                if not isinstance(loaded, dict):
                    raise error_of(
                        DefinitionError, "dhis2_attribute", label=label,
                        attribute=DEFINITION_ATTRIBUTE,
                    )  # fmt: skip
                for role in ("numerator", "denominator"):
                    if not isinstance(loaded.get(role, {}), dict):
                        raise error_of(
                            DefinitionError, "dhis2_attribute_part", label=label,
                            role=_role(role), attribute=DEFINITION_ATTRIBUTE,
                            value=quoted(loaded[role]),
                        )  # fmt: skip
                return loaded
        return None

    def indicator(self, item: Mapping[str, Any], estimated: set[tuple[str, ...]]) -> Indicator:
        label = self.label(item)
        unit = self.unit(item, label)
        numerator = self.items(item, "numerator", label)
        denominator = self.items(item, "denominator", label)
        base = self.definition(item)
        if base is not None:
            fields = dict(base)
            if _scale(fields.get("unit")) not in (None, unit.scale):
                fields["unit"] = unit.name  # DHIS2 computes with its indicator type's factor
        else:
            fields = self.foreign(item, unit, denominator in estimated)
        known = base or {}
        fields["numerator"] = self.term(
            numerator, item, "numerator", False, known.get("numerator")
        )
        fields["denominator"] = self.term(
            denominator, item, "denominator", denominator in estimated, known.get("denominator")
        )
        if isinstance(item.get("decimals"), int) and 0 <= item["decimals"] <= 6:
            fields["decimals"] = item["decimals"]
        return Indicator.model_validate(fields, where=label.en)

    def foreign(self, item: Mapping[str, Any], unit: UnitSpec, estimated: bool) -> dict[str, Any]:
        uid, code = str(item.get("id")), item.get("code")
        name = str(item.get("name"))
        kind = Kind(self.kinds.get(code or "", self.kinds.get(uid, "")) or (
            "coverage" if estimated else "ratio"
        ))  # fmt: skip
        direction = Direction(
            self.directions.get(code or "", self.directions.get(uid, "")) or "neutral"
        )
        yearly = (
            "; DHIS2 annualizes it: compute on yearly counts" if item.get("annualized") else ""
        )
        description = item.get("description") or (
            f"{item.get('numeratorDescription')} / {item.get('denominatorDescription')}"
        )
        return {
            "id": _slug(code or name),
            "name": {"en": name, "zh": _zh(item, "NAME") or name + _UNTRANSLATED},
            "domain": self.groups.get(uid, self.domain),
            "kind": kind,
            "unit": unit.name,
            "direction": direction,
            "definition": {"en": description, "zh": _zh(item, "DESCRIPTION")},
            "sources": [
                {
                    "document": f"DHIS2 indicator {name}",
                    "section": f"uid {uid}",
                    "url": item.get("url"),
                }
            ],
            "codes": {"dhis2": code} if code else {},
            "verified": False,
            "note": "Read from DHIS2 metadata, which has no kind or direction: kind "
            f"{kind.value!r} and direction {direction.value!r} are assumed{yearly}.",
        }


def _role(role: str) -> Words:
    """``numerator`` or ``denominator``, in both languages (分子, 分母)."""
    return Words(label("columns", role, "en"), label("columns", role, "zh"))


def _choice(kind: type[StrEnum], value: Any, what: str) -> str:
    """``value`` as a member of the enumeration ``kind``, or an error listing the members."""
    try:
        return kind(value)
    except (ValueError, TypeError):
        members = Words.listing(member.value for member in kind)
        raise error_of(
            InvalidInputError, "dhis2_choice", what=what, members=members, value=quoted(value)
        ) from None


def read_dhis2_metadata(
    metadata: str | PathLike[str] | Mapping[str, Any],
    *,
    kinds: Mapping[str, Kind | str] | None = None,
    directions: Mapping[str, Direction | str] | None = None,
    domain: Domain | str = Domain.MATERNAL_CARE,
    skip_unsupported: bool = False,
) -> Dhis2Definitions:
    """Read the indicators of a DHIS2 metadata export (a JSON file or its parsed dict).

    Parameters
    ----------
    metadata : path or dict
        A DHIS2 metadata export with its dependencies: ``indicators``,
        ``indicatorTypes`` and the ``dataElements`` the expressions use
        (``/api/metadata?indicators=true&...`` or a metadata package).
    kinds, directions : dict, optional
        For indicators that did not come from mch_indicators, their kind and
        direction by DHIS2 code or uid. DHIS2 records neither: by default an
        annualized indicator (a yearly population as denominator) is a
        ``coverage`` and any other a ``ratio`` (no upper bound), direction ``neutral``.
    domain : Domain or str, default "maternal_care"
        Domain of indicators that are in no ``MCH_`` indicator group.
    skip_unsupported : bool, default False
        Read the indicators that can be read and list the others, with the
        reason, in :attr:`Dhis2Definitions.skipped` (a metadata package often
        holds counts and formulas besides quotients), instead of raising.

    Returns
    -------
    Dhis2Definitions
        The catalog and the data-element-to-term mapping.

    Raises
    ------
    DefinitionError
        Naming the DHIS2 indicator: an expression that is not a data element or a
        sum of data elements, a data element missing from the metadata, a factor
        that matches no unit, an indicator type that is a number.

    Examples
    --------
    >>> import mch_indicators as mch
    >>> from mch_indicators.export import dhis2_metadata
    >>> from mch_indicators.interop import read_dhis2_metadata
    >>> package = dhis2_metadata(ids=["stillbirth_rate", "anc4_coverage_hmis"])
    >>> back = read_dhis2_metadata(package)
    >>> back.catalog["stillbirth_rate"] == mch.get("stillbirth_rate")
    True
    """
    data = _load(metadata, words("dhis2_metadata"))
    for name, given, kind in (("kinds", kinds, Kind), ("directions", directions, Direction)):
        if given is not None and not isinstance(given, Mapping):
            raise error_of(
                InvalidInputError, "dhis2_by_code", name=name, kind=type(given).__name__
            )
        for key, value in (given or {}).items():
            _choice(kind, value, f"{name}[{key!r}]")
    reader = _Reader(data, kinds or {}, directions or {}, _choice(Domain, domain, "domain"))
    items = list(_objects(data, "indicators", words("dhis2_metadata")))
    skipped: dict[str, str] = {}
    estimated = set()
    for item in list(items):
        try:
            reader.unit(item, reader.label(item))
            reader.items(item, "numerator", reader.label(item))
            keys = reader.items(item, "denominator", reader.label(item))
        except DefinitionError as error:
            if not skip_unsupported:
                raise
            skipped[reader.label(item).en] = str(error).partition(": ")[2]
            items.remove(item)
            continue
        base = reader.definition(item)
        if (base is None and item.get("annualized")) or (
            base is not None and bool((base.get("denominator") or {}).get("estimated"))
        ):
            estimated.add(keys)
    indicators = [reader.indicator(item, estimated) for item in items]
    mapping = {key: tuple(ids) for key, ids in reader.mapping.items()}
    return Dhis2Definitions(Catalog(indicators, roots=builtin_catalog()), mapping, skipped)


# -- data values --------------------------------------------------------------------

_COLUMNS = {
    "dataelement": "dataElement",
    "period": "period",
    "orgunit": "orgUnit",
    "catoptcombo": "categoryOptionCombo",
    "categoryoptioncombo": "categoryOptionCombo",
    "attroptcombo": "attributeOptionCombo",
    "attributeoptioncombo": "attributeOptionCombo",
    "value": "value",
    "deleted": "deleted",
}
_POSITIONS = ["dataElement", "period", "orgUnit", "categoryOptionCombo", "attributeOptionCombo"]
_POSITIONS += ["value"]


#: What identifies one data value in DHIS2: a second value for the same key is a duplicate.
_KEY = ["dataElement", "orgUnit", "period", "categoryOptionCombo", "attributeOptionCombo"]
_TABLE = ["dataElement", "categoryOptionCombo", "attributeOptionCombo", "orgUnit", "period"]

Duplicates = Literal["error", "sum"]
#: Where a record stands: the kind of place (the ``messages`` key saying one of them,
#: ``dhis2_line``, ``dhis2_data_value``, ``dhis2_row``; with an ``s``, two) and its number.
_Place = tuple[str, Hashable]
#: A record of a data value set: its place (line 4, data value 2, row 7), the row errors
#: name (the line, the position, the table's index label) and its fields.
_Record = tuple[_Place, Hashable, dict[str, Any]]


def _said(place: _Place) -> Words:
    """A record's place in both languages: ``line 4`` / ``第4行``."""
    return words(place[0], place=place[1])


def _csv_records(path: Path) -> list[_Record]:
    text = read_text(path, InvalidInputError, advice="dhis2_csv_utf8")
    reader = csv.reader(io.StringIO(text))
    try:
        rows = list(reader)
    except csv.Error as error:  # a field over the csv module's limit (128 KB), a NUL byte
        raise error_of(
            InvalidInputError, "dhis2_csv_error", name=path.name, line=reader.line_num,
            error=str(error),
        ) from None  # fmt: skip
    if not rows:
        return []
    header = [_COLUMNS.get(cell.strip().lower().replace("_", "")) for cell in rows[0]]
    start = 1 if "dataElement" in header else 0
    for position, name in enumerate(header):
        if name is not None and start and header.index(name) < position:
            raise error_of(  # the last would be read without a word
                InvalidInputError, "dhis2_csv_twice", name=path.name,
                first=header.index(name) + 1, second=position + 1, field=name,
            )  # fmt: skip
    names = header if start else _POSITIONS
    return [
        (
            ("dhis2_line", line),
            line,
            {name: cell for name, cell in zip(names, row, strict=False) if name},
        )
        for line, row in enumerate(rows[start:], start=start + 1)
        if any(cell.strip() for cell in row)
    ]


def _json_records(data: Mapping[str, Any], origin: str) -> list[_Record]:
    listed = data.get("dataValues")
    if not isinstance(listed, list):
        raise error_of(InvalidInputError, "dhis2_no_data_values", origin=origin)
    defaults = {
        key: data[key] for key in ("period", "orgUnit", "attributeOptionCombo") if key in data
    }
    records: list[_Record] = []
    for position, value in enumerate(listed, start=1):
        if not isinstance(value, Mapping):
            raise error_of(
                InvalidInputError, "dhis2_value_not_object", origin=origin, position=position,
                value=quoted(value),
            )  # fmt: skip
        records.append((("dhis2_data_value", position), position, {**defaults, **value}))
    return records


def _value_text(value: object) -> str:
    """A record's value as the text the one number grammar reads (``_io._numbers``).

    A JSON number or a frame's number is written out as Python writes it (``3``,
    ``2.5``, ``nan``); true/false, and an integer too long to write out, as text no
    number has.
    """
    if value is None:
        return ""
    if isinstance(value, bool | np.bool_) or not isinstance(value, int | float | np.number | str):
        return f"<{type(value).__name__}>"
    try:
        return str(value)
    except ValueError:  # an int of more than 4,300 digits
        return "<too long>"


def _values(records: Sequence[_Record]) -> npt.NDArray[np.float64]:
    """Each record's value read by the package's one number parser (NaN: not a number).

    As an office table's cell: ``1,000`` groups thousands, full-width digits are digits;
    ``1_000`` and a number no float holds (``1e400``, ``1e-400``) are not numbers.
    """
    import pandas as pd

    from mch_indicators._io._numbers import parse_numbers

    texts = pd.Series([_value_text(record.get("value")) for _, _, record in records], dtype=object)
    values, _ = parse_numbers(texts)
    return values


def _value(
    record: Mapping[str, Any], value: float, where: Words, row: Hashable, origin: Words | str
) -> float:
    """The value of one record: a non-negative number, or an error naming its place."""
    if not value >= 0:  # NaN too: missing, or not a number
        from mch_indicators._io._numbers import describe_bad_number, underflows

        key = Words.listing(
            quoted(record.get(name)) for name in ("dataElement", "orgUnit", "period")
        )
        raw = record.get("value")
        text = _value_text(raw)
        small = isinstance(raw, str) and underflows(text)
        said = "dhis2_value_too_small" if small else "dhis2_value_negative"
        raise error_of(
            InvalidInputError, said, row=row, column="value", origin=origin, where=where,
            key=key, value=quoted(raw), too_small=describe_bad_number(text) if small else "",
        )  # fmt: skip
    return value


#: Fields of a data value that DHIS2 requires (the others may be left out).
_REQUIRED = ("dataElement", "orgUnit", "period")


def _key(
    record: Mapping[str, Any], name: str, where: Words, row: Hashable, origin: Words | str
) -> str:
    """A key field of one record as text (a whole number as its digits), or an error naming it.

    Anything else would become a key written as Python writes it: an organisation
    unit named ``None`` or ``['OU']``.
    """
    value = record.get(name)
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if isinstance(value, float) and value != value:  # a table's empty cell
        value = None
    if value is None and name not in _REQUIRED:
        return ""
    if isinstance(value, str) and (value or name not in _REQUIRED):
        return value
    said = "dhis2_key_required" if name in _REQUIRED else "dhis2_key_text"
    raise error_of(
        InvalidInputError, said, row=row, column=name, origin=origin, where=where, name=name,
        value=quoted(value),
    )  # fmt: skip


def _records(source: str | PathLike[str] | Mapping[str, Any]) -> tuple[str, list[_Record]]:
    if isinstance(source, Mapping):
        return "dataValueSet", _json_records(source, "dataValueSet")
    if isinstance(source, str | PathLike) and str(source).lower().endswith(".csv"):
        return str(source), _csv_records(Path(source))
    return str(source), _json_records(_load(source, words("dhis2_data_value_set")), str(source))


def _no_duplicates(
    table: pd.DataFrame, places: Sequence[_Place], origin: Words | str, duplicates: str
) -> pd.DataFrame:
    """``table``, refused where a key repeats (naming both places), or with repeats summed."""
    if duplicates not in ("error", "sum"):
        raise error_of(InvalidInputError, "duplicates_choice", value=duplicates)
    again = table.duplicated(_KEY, keep="first").to_numpy()
    if not again.any():
        return table
    if duplicates == "sum":
        summed = table.groupby(_KEY, sort=False, dropna=False)["value"].sum().reset_index()
        return summed[[*_TABLE, "value"]]
    second = int(again.argmax())
    key = table.iloc[second][_KEY]
    same = (table[_KEY] == key).all(axis=1).to_numpy()
    first = int(same.argmax())
    kind = places[first][0]
    both = words(kind + "s", first=places[first][1], second=places[second][1])
    shown = ", ".join(f"{name} {key[name]!r}" for name in _KEY[1:] if key[name] != "")
    raise error_of(
        InvalidInputError, "dhis2_reported_twice", hint=DUPLICATES_ADD, origin=origin,
        element=key["dataElement"], shown=shown, places=both,
    )  # fmt: skip


def read_data_value_set(
    source: str | PathLike[str] | Mapping[str, Any], *, duplicates: Duplicates = "error"
) -> pd.DataFrame:
    """A DHIS2 ``dataValueSet`` (JSON or CSV file, or the parsed JSON) as a table of values.

    Returns a pandas DataFrame with columns ``dataElement, categoryOptionCombo,
    attributeOptionCombo, orgUnit, period, value`` (float); deleted values are
    dropped. A value that is not a non-negative number raises
    :class:`~mch_indicators.InvalidInputError` naming its line (CSV) or position
    (JSON); so does a key field that is not text (a whole number is read as its
    digits), a data value without its data element, organisation unit or
    period, and a document that is not a data value set (not UTF-8, not JSON,
    a field given twice in one object, nested too deeply, values that are not
    objects).

    Parameters
    ----------
    source : path or dict
    duplicates : {"error", "sum"}, default "error"
        Two values for one key (data element, organisation unit, period,
        category option combination, attribute option combination) are an
        error naming the key and both places: DHIS2 stores one value per key, so
        a second one is an export or a merge gone wrong. ``"sum"`` adds them up.
    """
    origin, records = _records(source)
    return _values_table(records, origin, duplicates)


def _values_table(records: list[_Record], origin: Words | str, duplicates: str) -> pd.DataFrame:
    """The table of :func:`read_data_value_set` from records, each checked where it is."""
    import pandas as pd

    rows, places = [], []
    kept = [r for r in records if str(r[2].get("deleted", "")).lower() != "true"]
    for (place, row, record), number in zip(kept, _values(kept).tolist(), strict=True):
        where = _said(place)
        value = _value(record, number, where, row, origin)
        keys = {name: _key(record, name, where, row, origin) for name in _TABLE}
        rows.append(keys | {"value": value})
        places.append(place)
    table = pd.DataFrame(rows, columns=[*_TABLE, "value"])
    return _no_duplicates(table, places, origin, duplicates)


def _frame_records(frame: pd.DataFrame) -> list[_Record]:
    """The rows of a table of values as records, named by their index labels.

    Read as a data value set is, so that a missing value is refused (a sum would take
    it as 0) and a value written as text is read as a number (a sum would join texts).
    """
    for column in ("dataElement", "orgUnit", "period", "value"):
        if column not in frame.columns:
            raise error_of(InvalidInputError, "dhis2_table_column", field=column)
    names = [c for c in [*_TABLE, "value", "deleted"] if c in frame.columns]
    cells = frame[names].astype(object)
    cells = cells.where(cells.notna(), None)  # NaN, NA and NaT alike: an empty cell
    return [
        (("dhis2_row", row), row, dict(zip(names, values, strict=True)))
        for row, values in zip(frame.index, cells.itertuples(index=False), strict=True)
    ]


def _whole_values(counted: pd.DataFrame, catalog: Catalog) -> None:
    """A value counted towards a term not estimated must be whole (26.954 is no count)."""
    from mch_indicators._adapters._pandas._columns import check_whole

    for term_id, rows in counted.groupby("term", sort=False):
        values = rows["value"].to_numpy(dtype="float64")
        try:
            check_whole(None, "value", values, catalog.terms.get(str(term_id)))
        except InvalidInputError as error:
            first = rows.iloc[int((values != values.round()).argmax())]
            raise error_of(
                InvalidInputError, "dhis2_not_whole", column="value",
                element=first["dataElement"], unit=first["orgUnit"], period=first["period"],
                reason=error.said,
            ) from None  # fmt: skip


def default_mapping(catalog: Catalog) -> dict[str, tuple[str, ...]]:
    """Data elements of :func:`dhis2_metadata` (by uid and by code) to their terms."""
    mapping: dict[str, tuple[str, ...]] = {}
    for term_id in catalog.terms:
        mapping[dhis2_uid("dataElement", term_id)] = (term_id,)
        mapping[term_id] = (term_id,)
    return mapping


def _mapping(data_elements: Mapping[str, str | Sequence[str]]) -> dict[str, tuple[str, ...]]:
    """``data_elements`` with each data element's term ids as a tuple, or an error naming it."""
    if not isinstance(data_elements, Mapping):
        raise error_of(InvalidInputError, "dhis2_mapping", kind=type(data_elements).__name__)
    mapping: dict[str, tuple[str, ...]] = {}
    for key, terms in data_elements.items():
        listed = [terms] if isinstance(terms, str) else terms
        if not isinstance(listed, list | tuple) or not all(isinstance(t, str) for t in listed):
            raise error_of(InvalidInputError, "dhis2_mapping_entry", key=key, value=quoted(terms))
        mapping[key] = tuple(listed)
    return mapping


def compute_data_values(
    source: str | PathLike[str] | Mapping[str, Any] | pd.DataFrame,
    catalog: Catalog | None = None,
    data_elements: Mapping[str, str | Sequence[str]] | None = None,
    *,
    indicators: Sequence[str] | None = None,
    duplicates: Duplicates = "error",
    **options: Unpack[ComputeOptions],
) -> pd.DataFrame:
    """Compute indicators with intervals and flags on a DHIS2 ``dataValueSet`` export.

    Parameters
    ----------
    source : path, dict or DataFrame
        A data value set (JSON or CSV file, the parsed JSON, or the table of
        :func:`read_data_value_set`).
    catalog : Catalog, optional
        The definitions (default: the built-in catalog), e.g. ``read_dhis2_metadata(...).catalog``.
    data_elements : dict, optional
        Data element (``uid`` or ``uid.categoryOptionCombo``) to the term id, or
        term ids, its values count towards; values of one term are summed. By
        default the data elements of :func:`~mch_indicators.export.dhis2_metadata`
        (by uid, or by code when the values were exported with codes).
    indicators : str or list of str, optional
        The indicator, or indicators, to compute (default: every indicator both
        of whose terms have values).
    duplicates : {"error", "sum"}, default "error"
        A second value for one key (data element, organisation unit, period and
        both option combinations) is an error naming the key; ``"sum"`` adds
        them up (:func:`read_data_value_set`).
    **options
        The compute options (:class:`~mch_indicators.ComputeOptions`).

    Returns
    -------
    pandas.DataFrame
        One row per organisation unit, period and indicator: ``orgUnit, period,
        indicator, numerator, denominator, value, lower, upper, unit, flags``. A
        term none of whose data elements has a value is missing (flag MISSING).
    """
    import pandas as pd

    from mch_indicators._api import compute

    chosen = chosen_catalog(catalog)
    if isinstance(source, pd.DataFrame):
        origin = words("dhis2_table_of_values")
        values = _values_table(_frame_records(source), origin, duplicates)
    else:
        values = read_data_value_set(source, duplicates=duplicates)
    mapping = _mapping(data_elements) if data_elements else default_mapping(chosen)
    combination = values["dataElement"] + "." + values["categoryOptionCombo"]
    numbered = values.assign(__value=range(len(values)))
    pieces = [  # a value counts towards the terms of its element and of its element.combo
        numbered.assign(term=keys.map(mapping)) for keys in (values["dataElement"], combination)
    ]
    counted = pd.concat(pieces).dropna(subset="term").explode("term")
    counted = counted.drop_duplicates(["__value", "term"])  # once per term, by either key
    if counted.empty:
        raise error_of(InvalidInputError, "dhis2_nothing_maps")
    _whole_values(counted, chosen)
    wide = counted.groupby(["orgUnit", "period", "term"], sort=True)["value"].sum().unstack("term")
    if isinstance(indicators, str):  # one indicator, not its letters
        indicators = [indicators]
    wanted = [chosen.get_indicator(key) for key in indicators] if indicators else [
        i for i in chosen.values()
        if i.numerator.id in wide.columns and i.denominator.id in wide.columns and i.computable
    ]  # fmt: skip
    if not wanted:
        raise error_of(InvalidInputError, "dhis2_no_indicator")
    rows = []
    for indicator in wanted:
        for term in (indicator.numerator.id, indicator.denominator.id):
            if term not in wide.columns:
                raise error_of(
                    InvalidInputError, "dhis2_term_unmapped", indicator=indicator.id, term=term
                )
        part = wide[[indicator.numerator.id, indicator.denominator.id]].dropna(how="all")
        rows.append(
            pd.DataFrame(
                {
                    "orgUnit": part.index.get_level_values("orgUnit"),
                    "period": part.index.get_level_values("period"),
                    "indicator": indicator.id,
                    "numerator": part[indicator.numerator.id].to_numpy(),
                    "denominator": part[indicator.denominator.id].to_numpy(),
                }
            )
        )
    table = pd.concat(rows, ignore_index=True)
    return compute(table, catalog=chosen, **options)
