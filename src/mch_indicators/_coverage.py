"""What the catalog covers of reference lists (the annual report forms, WHO's core list, SDG 3).

The lists are data (``definitions/coverage.toml``): each item of a list is ``present``
(the catalog holds the measure), ``variant`` (it holds a related measure; the reason says
how it differs) or ``missing`` (the reason says why). Loading checks every id against
the catalog; the docs' coverage page is generated from the result.
"""

from __future__ import annotations

import tomllib
from collections import Counter
from functools import cache
from importlib import resources
from typing import Literal

from pydantic import Field, model_validator

from mch_indicators._catalog import builtin_catalog
from mch_indicators._errors import DefinitionError, invalid, words
from mch_indicators._model import Id, Names, NonEmpty, _Frozen

__all__ = ["CoverageItem", "CoverageList", "builtin_coverage"]

Status = Literal["present", "variant", "missing"]


class CoverageItem(_Frozen):
    """One item of a reference list and what the catalog holds of it."""

    list: Id
    item: NonEmpty
    status: Status
    indicators: tuple[Id, ...] = ()
    reason: str | None = None

    @model_validator(mode="after")
    def _consistent(self) -> CoverageItem:
        if self.status == "missing" and self.indicators:
            raise invalid("coverage_missing_names")
        if self.status != "missing" and not self.indicators:
            raise invalid("coverage_names", status=words(f"coverage_{self.status}"))
        if self.status != "present" and not self.reason:
            raise invalid("coverage_reason", status=words(f"coverage_{self.status}"))
        return self


class CoverageList(_Frozen):
    """A reference list, its items, and the count of each status."""

    id: Id
    name: Names
    document: NonEmpty
    note: NonEmpty
    items: tuple[CoverageItem, ...] = Field(min_length=1)

    def counts(self) -> dict[str, int]:
        """Items per status: ``{"present": 30, "variant": 2, "missing": 1}``."""
        found = Counter(item.status for item in self.items)
        return {status: found.get(status, 0) for status in ("present", "variant", "missing")}


@cache
def builtin_coverage() -> tuple[CoverageList, ...]:
    """The reference lists of ``definitions/coverage.toml``, checked against the catalog.

    Examples
    --------
    >>> from mch_indicators._coverage import builtin_coverage
    >>> [(c.id, c.counts()["missing"] > 0) for c in builtin_coverage()]
    [('annual_report', True), ('who_core', True), ('sdg3', True)]
    """
    text = resources.files("mch_indicators.definitions").joinpath("coverage.toml")
    try:
        data = tomllib.loads(text.read_text("utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise DefinitionError(f"coverage.toml: not valid TOML ({error})") from None
    items = [
        CoverageItem.model_validate(body, where=f"coverage.toml, item {body.get('item')!r}")
        for body in data.get("item", [])
    ]
    catalog = builtin_catalog()
    unknown = sorted({i for item in items for i in item.indicators if i not in catalog})
    if unknown:
        raise DefinitionError(f"coverage.toml names indicators the catalog lacks: {unknown}")
    lists = data.get("lists", {})
    strays = sorted({item.list for item in items} - set(lists))
    if strays:
        raise DefinitionError(f"coverage.toml: items of undeclared lists {strays}")
    return tuple(
        CoverageList.model_validate(
            {**body, "id": key, "items": [i for i in items if i.list == key]},
            where=f"coverage.toml, list {key!r}",
        )
        for key, body in lists.items()
    )
