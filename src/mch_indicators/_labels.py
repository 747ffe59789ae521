"""Display text in English and Chinese, read from ``definitions/labels.toml``.

Units, flags, kinds, directions, domains, target comparators, column headers and
the label columns of an office's table (县区, 年份) are written for people in one
place, as data. The file is read once and checked: every entry has ``en`` and
``zh``, and every unit and flag has a label (a missing one is a
:class:`DefinitionError` at load, not a blank cell in a report); the test suite
checks the same for kinds, directions, domains and comparators.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any, Literal

from mch_indicators._errors import DefinitionError, InvalidInputError

__all__ = [
    "LANGS",
    "LANG_VARIABLE",
    "Field",
    "Lang",
    "check_lang",
    "column_label",
    "default_lang",
    "fields",
    "flag_text",
    "label",
    "labels",
    "unit_header",
    "unit_text",
]

Lang = Literal["en", "zh"]
LANGS: tuple[Lang, ...] = ("en", "zh")
#: Environment variable giving the command line's default language.
LANG_VARIABLE = "MCH_INDICATORS_LANG"

_SECTIONS: tuple[str, ...] = (
    *("units", "flags", "kinds", "directions", "domains", "comparators", "columns"),
    *("fields", "text"),
)


@dataclass(frozen=True, slots=True)
class Field:
    """A label column of an office's table: an area level or a period.

    ``id`` is the name the column takes in results (``county``, ``year``);
    ``aliases`` the headers it goes by (``县区``, ``区县``, ``年份``...).
    """

    id: str
    role: Literal["area", "period"]
    en: str
    zh: str
    aliases: tuple[str, ...]

    def names(self) -> tuple[str, ...]:
        """Every header this field is matched by."""
        return (self.en, self.zh, *self.aliases)


def check_lang(lang: object) -> Lang:
    """``lang`` if it is ``"en"`` or ``"zh"``, else an :class:`InvalidInputError`."""
    if lang == "en" or lang == "zh":
        return lang
    raise InvalidInputError(f"lang must be 'en' or 'zh', got {lang!r}")


def default_lang() -> Lang:
    """The language set by ``MCH_INDICATORS_LANG`` (``en`` when unset)."""
    value = os.environ.get(LANG_VARIABLE, "").strip().lower() or "en"
    if value.startswith("zh"):
        return "zh"
    if value.startswith("en"):
        return "en"
    raise InvalidInputError(f"{LANG_VARIABLE} must be 'en' or 'zh', got {value!r}")


def _pair(entry: Any, where: str, *, blank: bool = False) -> None:
    if not isinstance(entry, Mapping):
        raise DefinitionError(f"labels.toml, {where}: expected a table with en and zh")
    for lang in LANGS:
        text = entry.get(lang)
        if not isinstance(text, str) or (not blank and not text.strip()):
            raise DefinitionError(f"labels.toml, {where}: {lang} is missing or empty")


def _check(data: Mapping[str, Any]) -> None:
    unknown = set(data) - set(_SECTIONS)
    if unknown:
        raise DefinitionError(f"labels.toml: unknown sections {sorted(unknown)}")
    for section in _SECTIONS:
        for key, entry in dict(data.get(section, {})).items():
            _pair(entry, f"{section}.{key}", blank=section == "units")
            for nested in ("meaning", "rule", "header"):
                if nested in entry:
                    _pair(entry[nested], f"{section}.{key}.{nested}")
    for key, entry in dict(data.get("fields", {})).items():
        if entry.get("role") not in ("area", "period"):
            raise DefinitionError(f"labels.toml, fields.{key}: role must be 'area' or 'period'")
    _check_coverage(data)


def _check_coverage(data: Mapping[str, Any]) -> None:
    """Every unit and flag has a label; every flag its meaning, every comparator its rule.

    Kinds, directions, domains and comparators live in modules above this one; the
    test suite checks that each has a label (tests/test_office_tables.py).
    """
    from mch_indicators._unitspec import unit_specs
    from mch_indicators.stats._flags import Flag

    wanted = {
        "units": list(unit_specs()),
        "flags": [flag.name for flag in Flag if flag.name],
    }
    for section, keys in wanted.items():
        missing = [key for key in keys if key not in data.get(section, {})]
        if missing:
            raise DefinitionError(f"labels.toml: no {section} label for {', '.join(missing)}")
    for key, entry in data["flags"].items():
        if "meaning" not in entry:
            raise DefinitionError(f"labels.toml, flags.{key}: meaning is missing")
    for key, entry in data.get("comparators", {}).items():
        if "rule" not in entry:
            raise DefinitionError(f"labels.toml, comparators.{key}: rule is missing")


@cache
def labels() -> MappingProxyType[str, Any]:
    """The whole label table, checked (read once)."""
    folder = resources.files("mch_indicators.definitions")
    data = tomllib.loads(folder.joinpath("labels.toml").read_text(encoding="utf-8"))
    _check(data)
    return MappingProxyType(data)


def label(section: str, key: str, lang: str, part: str | None = None) -> str:
    """The ``lang`` text of ``key`` in ``section`` (``part``: ``meaning``, ``rule``...).

    An unknown key falls back to the key itself, so that a user's own column
    keeps its name.

    Examples
    --------
    >>> label("flags", "UNRELIABLE", "zh")
    '数值不稳定'
    >>> label("columns", "value", "zh"), label("columns", "县名", "zh")
    ('数值', '县名')
    """
    chosen = check_lang(lang)
    entry = labels().get(section, {}).get(key)
    if entry is None:
        return key
    if part is not None:
        entry = entry[part]
    text: str = entry[chosen]
    return text


def unit_text(unit: str, lang: str) -> str:
    """What follows a number: ``%``, ``‰``, ``/10万`` (zh) or `` per 100,000`` (en).

    Examples
    --------
    >>> "7.42" + unit_text("per_100k", "zh")
    '7.42/10万'
    """
    return label("units", unit, lang)


def unit_header(unit: str, lang: str) -> str:
    """The unit as put in a column header: ``/10万``, ``%``, ``per 100,000``."""
    return label("units", unit, lang, "header")


def flag_text(names: str, lang: str, sep: str = "|") -> str:
    """Flag names (``"MISSING|ZERO_DENOMINATOR"``) in ``lang``, joined by ``sep``.

    Examples
    --------
    >>> flag_text("MISSING|ZERO_DENOMINATOR", "zh", sep="、")
    '缺报、分母为零'
    """
    if not names:
        return ""
    return sep.join(label("flags", name, lang) for name in names.split("|"))


def column_label(column: str, lang: str) -> str:
    """A result column's header in ``lang``: a known column, a field (县区), or itself.

    Examples
    --------
    >>> column_label("county", "zh"), column_label("lower_95", "zh")
    ('县区', '下限_95')
    """
    if column in labels()["columns"]:
        return label("columns", column, lang)
    if column in labels()["fields"]:
        return label("fields", column, lang)
    for limit in ("lower", "upper"):
        if column.startswith(limit + "_"):
            return label("columns", limit, lang) + column[len(limit) :]
    return column


@cache
def fields() -> tuple[Field, ...]:
    """The label columns (area levels, periods) an office's table may have."""
    return tuple(
        Field(
            id=key,
            role=entry["role"],
            en=entry["en"],
            zh=entry["zh"],
            aliases=tuple(entry.get("aliases", ())),
        )
        for key, entry in labels()["fields"].items()
    )
