"""The table of display units, read from ``definitions/units.toml`` without pint.

This module is the single source of truth for unit names, scales and spellings.
The numeric core only needs the integer scale; :mod:`mch_indicators.units`
builds the pint registry from the same table when a Quantity is first asked for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from types import MappingProxyType
from typing import Any

from mch_indicators._cache import package_toml
from mch_indicators._errors import UnitError, Words, error_of
from mch_indicators._text import fold

__all__ = ["UnitSpec", "normalize_token", "rejected_tokens", "resolve_unit", "unit_specs"]


@dataclass(frozen=True, slots=True)
class UnitSpec:
    """One display unit: the fraction is multiplied by ``scale`` for display."""

    name: str
    scale: int
    symbol: str
    zh: str
    per: str
    aliases: tuple[str, ...]


_SPACES = re.compile(r"\s+")
_THOUSANDS = re.compile(r"(?<=[0-9]),(?=[0-9]{3}(?![0-9]))")


def normalize_token(text: str) -> str:
    """NFKC-normalise, lower-case, drop thousands separators and collapse white space.

    Examples
    --------
    >>> normalize_token("  Per 100,000 ")
    'per 100000'
    """
    text = _THOUSANDS.sub("", fold(text, spaces="strip", drop="_"))
    text = _SPACES.sub(" ", text)
    return text.replace(" /", "/").replace("/ ", "/")  # one space at most, after the collapse


@cache
def _table() -> dict[str, Any]:
    return package_toml("units.toml")


@cache
def unit_specs() -> MappingProxyType[str, UnitSpec]:
    """All display units by canonical name, in the order of the data file."""
    specs = {
        name: UnitSpec(
            name=name,
            scale=int(entry["scale"]),
            symbol=str(entry["symbol"]),
            zh=str(entry["zh"]),
            per=str(entry["per"]),
            aliases=tuple(str(a) for a in entry["aliases"]),
        )
        for name, entry in _table()["units"].items()
    }
    return MappingProxyType(specs)


@cache
def rejected_tokens() -> MappingProxyType[str, Words]:
    """Tokens refused by the parser, with the reason for each in English and Chinese."""
    return MappingProxyType(
        {
            normalize_token(token): Words(str(reason["en"]), str(reason["zh"]))
            for token, reason in _table()["rejected"].items()
        }
    )


@cache
def _alias_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for spec in unit_specs().values():
        for spelling in (spec.name, *spec.aliases):
            key = normalize_token(spelling)
            if index.setdefault(key, spec.name) != spec.name:  # pragma: no cover - data error
                raise UnitError(f"unit spelling {spelling!r} is given for two units")
    return index


def resolve_unit(text: str) -> UnitSpec:
    """Return the unit a spelling refers to, or raise :class:`UnitError`.

    Examples
    --------
    >>> resolve_unit("/10万").name
    'per_100k'
    >>> resolve_unit("per 1,000").name
    'per_1k'
    """
    if not isinstance(text, str):
        raise error_of(UnitError, "unit_not_text", value=text)
    if len(text) > 100:
        raise error_of(UnitError, "unit_too_long", length=len(text))
    named = unit_specs().get(text)
    if named is not None:  # a canonical name, as every validated definition holds
        return named
    key = normalize_token(text)
    rejected = rejected_tokens()
    if key in rejected:
        raise error_of(UnitError, "unit_rejected", name=text.strip(), reason=rejected[key])
    name = _alias_index().get(key)
    if name is None:
        specs = unit_specs().values()
        known = Words(
            ", ".join(f"{spec.symbol or spec.name} ({spec.name})" for spec in specs),
            "、".join(f"{spec.zh}（{spec.name}）" if spec.zh else spec.name for spec in specs),
        )
        raise error_of(UnitError, "unknown_unit", name=text.strip(), known=known)
    return unit_specs()[name]
