"""Consistency rules over the counts of a row, as data: 新生儿死亡 ≤ 婴儿死亡 ≤ 5岁以下儿童死亡.

Like DHIS2's validation rules, a rule has a left side, an operator and a right
side, each the sum of terms of the catalog. The built-in rules live in
``definitions/validation_rules.toml``; a user's file in the same form adds
more. Every file is checked when loaded (known fields, an operator of
:data:`OPERATORS`, terms the catalog has, ids unique); nothing is evaluated.
:func:`mch_indicators.validate` applies them to a table.
"""

from __future__ import annotations

import operator as op
import tomllib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mch_indicators._errors import DefinitionError

if TYPE_CHECKING:
    from mch_indicators._catalog import Catalog

__all__ = ["OPERATORS", "Rule", "builtin_rules", "load_rules", "rules_for"]

#: The operators a rule may use, and what each compares.
OPERATORS: Mapping[str, Callable[[Any, Any], Any]] = {
    "<=": op.le,
    "<": op.lt,
    ">=": op.ge,
    ">": op.gt,
    "==": op.eq,
}
_FIELDS = {"id", "name", "left", "operator", "right", "why"}


@dataclass(frozen=True, slots=True)
class Rule:
    """One consistency rule: ``sum(left) operator sum(right)`` on every row.

    Attributes
    ----------
    id : str
    name_en, name_zh : str
        What the rule says, as the checks table shows it.
    left, right : tuple of str
        Term ids summed on each side.
    operator : str
        One of :data:`OPERATORS`.
    why : str
        The definitions that make it hold.
    """

    id: str
    name_en: str
    name_zh: str
    left: tuple[str, ...]
    operator: str
    right: tuple[str, ...]
    why: str = ""

    @property
    def terms(self) -> tuple[str, ...]:
        """Every term of the rule, left side first."""
        return (*self.left, *self.right)

    def holds(self, left: Any, right: Any) -> Any:
        """Where the rule holds for sums ``left`` and ``right`` (arrays or numbers)."""
        return OPERATORS[self.operator](left, right)


def _side(
    entry: Mapping[str, Any], side: str, where: str, terms: Iterable[str]
) -> tuple[str, ...]:
    value = entry.get(side)
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise DefinitionError(f"{where}: {side} must be a term id or a list of term ids")
    known = set(terms)
    unknown = [v for v in value if v not in known]
    if unknown:
        raise DefinitionError(
            f"{where}: {side} names {', '.join(map(repr, unknown))}, not terms of the catalog"
        )
    return tuple(value)


def _rule(entry: Any, where: str, terms: Iterable[str]) -> Rule:
    if not isinstance(entry, Mapping):
        raise DefinitionError(f"{where}: a rule is a table ([[rule]])")
    extra = set(entry) - _FIELDS
    if extra:
        raise DefinitionError(f"{where}: unknown fields {sorted(extra)}")
    rule_id = entry.get("id")
    if not isinstance(rule_id, str) or not rule_id.strip():
        raise DefinitionError(f"{where}: id is missing")
    where = f"{where} {rule_id!r}"
    name = entry.get("name")
    if not isinstance(name, Mapping) or not all(
        isinstance(name.get(lang), str) and name[lang].strip() for lang in ("en", "zh")
    ):
        raise DefinitionError(f"{where}: name needs en and zh")
    operator = entry.get("operator")
    if operator not in OPERATORS:
        raise DefinitionError(
            f"{where}: operator must be one of {', '.join(OPERATORS)}, got {operator!r}"
        )
    why = entry.get("why", "")
    if not isinstance(why, str):
        raise DefinitionError(f"{where}: why must be text")
    terms = list(terms)
    return Rule(
        rule_id, name["en"], name["zh"], _side(entry, "left", where, terms), str(operator),
        _side(entry, "right", where, terms), why,
    )  # fmt: skip


def check_rules(data: Mapping[str, Any], where: str, catalog: Catalog) -> tuple[Rule, ...]:
    """The rules of a parsed rules file, each checked against ``catalog``'s terms."""
    extra = set(data) - {"rule"}
    if extra:
        raise DefinitionError(f"{where}: unknown sections {sorted(extra)}; expected [[rule]]")
    entries = data.get("rule", [])
    if not isinstance(entries, list):
        raise DefinitionError(f"{where}: rules are an array of tables ([[rule]])")
    terms = list(catalog.terms)
    rules = tuple(_rule(entry, f"{where}, rule {i + 1}", terms) for i, entry in enumerate(entries))
    seen: set[str] = set()
    for rule in rules:
        if rule.id in seen:
            raise DefinitionError(f"{where}: rule {rule.id!r} is defined twice")
        seen.add(rule.id)
    return rules


def load_rules(source: str | PathLike[str], catalog: Catalog | None = None) -> tuple[Rule, ...]:
    """The rules of a TOML file of ``[[rule]]`` tables, checked against the catalog's terms.

    Raises
    ------
    DefinitionError
        The file cannot be read or parsed, or a rule does not validate (naming
        the file, the rule and the field).
    """
    path = Path(source)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except OSError as error:
        raise DefinitionError(f"{path}: cannot be read ({error.strerror})") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, RecursionError) as error:
        raise DefinitionError(f"{path}: not a valid TOML file ({error})") from None
    return check_rules(data, str(path), _catalog(catalog))


@cache
def builtin_rules() -> tuple[Rule, ...]:
    """The built-in rules (``definitions/validation_rules.toml``), checked once."""
    text = resources.files("mch_indicators.definitions").joinpath("validation_rules.toml")
    data = tomllib.loads(text.read_text(encoding="utf-8"))
    return check_rules(data, "validation_rules.toml", _catalog(None))


def rules_for(
    rules: str | PathLike[str] | Sequence[str | PathLike[str] | Rule] | None,
    catalog: Catalog | None = None,
    *,
    builtin: bool = True,
) -> tuple[Rule, ...]:
    """The built-in rules (unless ``builtin=False``) and those of the files or rules given."""
    chosen: list[Rule] = list(builtin_rules()) if builtin else []
    given: Sequence[Any] = [rules] if isinstance(rules, str | PathLike) else list(rules or [])
    for item in given:
        chosen.extend([item] if isinstance(item, Rule) else load_rules(item, catalog))
    ids = [rule.id for rule in chosen]
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    if repeated:
        raise DefinitionError(f"rules {', '.join(map(repr, repeated))} are given twice")
    return tuple(chosen)


def _catalog(catalog: Catalog | None) -> Catalog:
    from mch_indicators._catalog import chosen_catalog

    return chosen_catalog(catalog)
