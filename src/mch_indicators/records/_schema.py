"""Record sets: the documented schemas of registers, loaded from data and validated.

A :class:`RecordSet` says what one row of a register is (a birth, a child death,
a woman delivered...) and lists its :class:`RecordField` s: their type, their
names in English and Chinese (the vocabulary that column headers are matched
against), their plausible range or their codes. The built-in schemas live in
``definitions/records/<id>.toml``; nothing here reads records.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any, Literal

from pydantic import Field, model_validator

from mch_indicators._cache import package_data, package_toml
from mch_indicators._errors import DefinitionError, error_of, invalid
from mch_indicators._model import Id, Names, Text, _Frozen
from mch_indicators._text import code_forms

__all__ = [
    "FALSE_CODES",
    "TRUE_CODES",
    "Category",
    "Derivation",
    "FieldType",
    "Quantity",
    "RecordField",
    "RecordSet",
    "builtin_document",
    "builtin_record_sets",
    "record_set",
    "text_forms",
]

FieldType = Literal["number", "integer", "category", "boolean", "date", "text"]
#: What a number measures; the criteria of terms are checked against it.
Quantity = Literal["gestation_weeks", "age_days", "age_years", "birth_weight_g", "days", "hours"]
Code = bool | int | float | str

#: How a boolean field may be written when it is not a boolean column.
TRUE_CODES: tuple[Code, ...] = (1, "1", "true", "True", "TRUE", "yes", "Yes", "y", "Y", "是", "有")
FALSE_CODES: tuple[Code, ...] = (
    0,
    "0",
    "false",
    "False",
    "FALSE",
    "no",
    "No",
    "n",
    "N",
    "否",
    "无",
)


def text_forms(codes: Iterable[Code]) -> list[str]:
    """The spellings a text column may hold ``codes`` in, lower-cased and stripped.

    Codes are folded like every name of the package (:mod:`mch_indicators._text`): case,
    full and half width, traditional and simplified characters, surrounding spaces. A
    text column is lower-cased and stripped inside its engine and tested against these
    forms, so ``Live``, ``LIVE``, `` 活产 `` and ``活產`` all mean ``live`` / ``活产``.

    Examples
    --------
    >>> "活產" in text_forms(["活产"]) and "live" in text_forms(["Live"])
    True
    """
    forms: set[str] = set()
    for code in codes:
        if not isinstance(code, bool):
            forms |= code_forms(code)
    return sorted(forms)


class Category(_Frozen):
    """One value of a category field, with the codes registers write it as."""

    name: Names
    codes: tuple[Code, ...] = ()


class Derivation(_Frozen):
    """How a field is computed when its column is absent (from two date fields)."""

    kind: Literal["days_between", "completed_years"]
    source: tuple[str, str] = Field(alias="from")


class RecordField(_Frozen):
    """One field of a record set.

    ``min`` and ``max`` bound the plausible values of a number (both inclusive):
    a value outside them is reported as invalid, never counted. ``missing``
    lists the codes that mean "not recorded" (``不详``, ``9``...).
    """

    id: Id
    type: FieldType
    name: Names
    aliases: tuple[str, ...] = ()
    description: Text
    quantity: Quantity | None = None
    min: float | None = None
    max: float | None = None
    values: dict[str, Category] = Field(default_factory=dict)
    missing: tuple[Code, ...] = ()
    derive: Derivation | None = None

    @model_validator(mode="after")
    def _consistent(self) -> RecordField:
        numeric = self.type in {"number", "integer"}
        if (self.type == "category") != bool(self.values):
            raise invalid("schema_category_values")
        if not numeric and (self.min is not None or self.max is not None or self.quantity):
            raise invalid("schema_numeric_only")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise invalid("schema_min_max", low=self.min, high=self.max)
        return self

    @property
    def names(self) -> tuple[str, ...]:
        """Every name a column header may have for this field."""
        return (self.id, self.name.en, self.name.zh, *self.aliases)

    def codes_of(self, value: Code) -> tuple[Code, ...]:
        """The codes that mean ``value`` (the value's id and Chinese name included)."""
        if self.type == "boolean":
            return TRUE_CODES if value else FALSE_CODES
        category = self.values[str(value)]
        return (str(value), category.name.zh, *category.codes)

    def all_codes(self) -> tuple[Code, ...]:
        """Every code that is a known value of this field (missing codes excluded)."""
        if self.type == "boolean":
            return (*TRUE_CODES, *FALSE_CODES)
        return tuple(code for value in self.values for code in self.codes_of(value))

    def describe_range(self) -> str:
        """``0–45`` for a number, the value ids for a category."""
        if self.type == "category":
            return ", ".join(self.values)
        low = "" if self.min is None else f"{self.min:g}"
        high = "" if self.max is None else f"{self.max:g}"
        return f"{low}–{high}"


class RecordSet(_Frozen):
    """A register's schema: what one row is, and its fields.

    Examples
    --------
    >>> from mch_indicators.records import record_set
    >>> births = record_set("births")
    >>> births.record.en, births.date
    ('one baby born, live or still', 'birth_date')
    >>> births.fields["outcome"].describe_range()
    'live, stillbirth'
    """

    id: Id
    name: Names
    record: Text
    description: Text
    date: str | None = None
    fields: dict[str, RecordField]

    @model_validator(mode="before")
    @classmethod
    def _field_ids(cls, data: object) -> object:
        if isinstance(data, Mapping) and isinstance(data.get("fields"), Mapping):
            fields = {
                key: {"id": key, **body} if isinstance(body, Mapping) else body
                for key, body in data["fields"].items()
            }
            return {**data, "fields": fields}
        return data

    @model_validator(mode="after")
    def _consistent(self) -> RecordSet:
        if self.date is not None and getattr(self.fields.get(self.date), "type", None) != "date":
            raise invalid("schema_date_field", date=self.date)
        for field in self.fields.values():
            if field.derive is None:
                continue
            for source in field.derive.source:
                if getattr(self.fields.get(source), "type", None) != "date":
                    raise invalid("schema_derived", field=field.id, source=source)
        return self

    def vocabulary(self) -> dict[str, tuple[str, ...]]:
        """Field id -> its names, for matching column headers."""
        return {field.id: field.names for field in self.fields.values()}


def builtin_document(name: str) -> dict[str, Any]:
    """The built-in file ``records/<name>`` parsed (once, then from the cache)."""
    try:
        return package_toml(f"records/{name}")
    except ValueError as error:  # tomllib.TOMLDecodeError, or bytes that are not UTF-8
        raise error_of(DefinitionError, "schema_not_toml", name=name, reason=error) from None


def _load(name: str) -> RecordSet:
    """The built-in record set of the file ``records/<name>``."""
    data = builtin_document(name)
    return RecordSet.model_validate(data, where=f"{name}, record set {data.get('id')!r}")


@cache
def builtin_record_sets() -> dict[str, RecordSet]:
    """The record sets shipped with the package, by id (loaded and validated once)."""
    folder = package_data().joinpath("records")
    sets = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml") and entry.name != "rules.toml":
            schema = _load(entry.name)
            if schema.id != entry.name.removesuffix(".toml"):
                raise error_of(DefinitionError, "schema_id_file", name=entry.name, id=schema.id)
            sets[schema.id] = schema
    return sets


def record_set(name: str) -> RecordSet:
    """A built-in record set by id: ``births``, ``child_deaths``, ``maternal_deaths``...

    Raises
    ------
    KeyError
        Naming the record sets there are.
    """
    sets = builtin_record_sets()
    if name not in sets:
        raise KeyError(f"no record set {name!r}; the record sets are {', '.join(sets)}")
    return sets[name]
