"""Record rules: how a term is counted from a record set, as data checked when it loads.

The built-in rules live in ``definitions/records/rules.toml``; yours are read by
:func:`load_rules` from TOML or JSON in the same form. Every rule is checked
against its record set's schema (fields, types, codes) and against its term's
``criteria``: a ``gestation_weeks_min = 28`` must appear in the rule as ``ge = 28``
on a gestation field, an ``age_days_max = 28`` as ``lt = 28`` on an age in days,
a ``window_days = 42`` as ``le = 42`` on a number of days. Errors are
:class:`~mch_indicators.DefinitionError` s that name the file and the term.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from functools import cache
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import Field

from mch_indicators._cache import (
    cache_folder,
    code_sources,
    content_key,
    package_data,
    read_cached,
    write_cached,
)
from mch_indicators._documents import read_document
from mch_indicators._errors import DefinitionError, Words, did_you_mean, error_of, words
from mch_indicators._model import Id, Term, _Frozen
from mch_indicators.records._conditions import (
    Condition,
    FieldTest,
    Parameter,
    Scalar,
    Use,
    walk,
    with_inner,
)
from mch_indicators.records._schema import (
    RecordField,
    RecordSet,
    builtin_document,
    builtin_record_sets,
)

if TYPE_CHECKING:
    from mch_indicators._catalog import Catalog

__all__ = ["LIVE_BIRTH_DEFINITIONS", "Rule", "RuleBook", "builtin_rules", "load_rules"]

#: The values of ``Parameters.live_birth_definition``: each needs a named condition.
LIVE_BIRTH_DEFINITIONS: tuple[str, ...] = ("any_ga", "ge_22w", "ge_28w_or_1000g")
#: criterion -> (quantity of the field, operator that enforces it)
_CRITERIA = {
    "gestation_weeks_min": ("gestation_weeks", "ge"),
    "gestation_weeks_max": ("gestation_weeks", "lt"),
    "age_days_min": ("age_days", "ge"),
    "age_days_max": ("age_days", "lt"),
    "age_years_min": ("age_years", "ge"),
    "age_years_max": ("age_years", "lt"),
    "birth_weight_g_min": ("birth_weight_g", "ge"),
    "birth_weight_g_max": ("birth_weight_g", "lt"),
    "window_days": ("days", "le"),
}


class Rule(_Frozen):
    """How one term is counted from one record set.

    Attributes
    ----------
    term : str
        Id of the catalog term counted.
    records : str
        Id of the record set (``births``, ``child_deaths``...).
    where : Condition
        Which records count (see :mod:`mch_indicators.records`).
    count : str, optional
        Sum this whole-number field over the records that match, instead of
        counting them (live births of a delivery register).
    note : str, optional
        Why the rule is written as it is.
    """

    term: Id
    records: Id
    where: Condition
    count: str | None = None
    note: str | None = None


class RuleBook(_Frozen):
    """Rules and the named conditions they use, validated together.

    Build one with :func:`load_rules` (your files) or :func:`builtin_rules`.
    """

    default_live_birth_definition: str = "ge_28w_or_1000g"
    conditions: dict[str, dict[str, Condition]] = Field(default_factory=dict)
    rules: tuple[Rule, ...] = Field(default=(), alias="rule")

    def for_term(self, term: str) -> list[Rule]:
        """The rules of ``term``, in file order (one per record set)."""
        return [rule for rule in self.rules if rule.term == term]

    @property
    def terms(self) -> list[str]:
        """Ids of the terms with a rule, in file order, each once."""
        return list(dict.fromkeys(rule.term for rule in self.rules))

    def merged(self, other: RuleBook) -> RuleBook:
        """These rules with ``other``'s in front (they win for the record sets they cover)."""
        conditions = {k: dict(v) for k, v in self.conditions.items()}
        for records, named in other.conditions.items():
            conditions.setdefault(records, {}).update(named)
        return RuleBook.model_validate(
            {
                "default_live_birth_definition": other.default_live_birth_definition,
                "conditions": conditions,
                "rule": [*other.rules, *self.rules],
            }
        )

    def expand(self, rule: Rule, live_birth_definition: str | None = None) -> Condition:
        """``rule.where`` with every ``use`` and ``parameter`` replaced by its condition."""
        chosen = live_birth_definition or self.default_live_birth_definition
        return _expand(rule.where, self.conditions.get(rule.records, {}), chosen, ())

    def uses_parameter(self, rule: Rule) -> bool:
        """True when the rule depends on the indicator's live-birth definition."""
        named = self.conditions.get(rule.records, {})
        return _uses_parameter(rule.where, named, ())


def _expand(
    condition: Condition, named: Mapping[str, Condition], definition: str, seen: tuple[str, ...]
) -> Condition:
    """``condition`` with every name and parameter replaced by the condition it names."""
    if isinstance(condition, Use | Parameter):
        name = condition.use if isinstance(condition, Use) else definition
        return _expand(named[name], named, definition, (*seen, name))
    return with_inner(condition, lambda inner: _expand(inner, named, definition, seen))


def _uses_parameter(
    condition: Condition, named: Mapping[str, Condition], seen: tuple[str, ...]
) -> bool:
    for node in walk(condition):
        if isinstance(node, Parameter):
            return True
        if (
            isinstance(node, Use)
            and node.use not in seen
            and node.use in named
            and _uses_parameter(named[node.use], named, (*seen, node.use))
        ):
            return True
    return False


# -- checks against the schemas and the terms -----------------------------------------


class _Check:
    """Checks one condition of one rule; every error names the term (or condition)."""

    def __init__(self, where: Words, schema: RecordSet, named: Mapping[str, Condition]):
        self.where, self.schema, self.named = where, schema, named

    def fail(self, key: str, /, **values: object) -> DefinitionError:
        """The rule's place, then the ``[messages]`` text ``key``, in both languages."""
        return error_of(DefinitionError, "rules_at", where=self.where, reason=words(key, **values))

    def field(self, name: str) -> RecordField:
        field = self.schema.fields.get(name)
        if field is None:
            raise self.fail(
                "rules_no_field", records=self.schema.id, name=name,
                hint_text=did_you_mean(name, self.schema.fields),
                fields=_listed(self.schema.fields),
            )  # fmt: skip
        return field

    def condition(self, condition: Condition, seen: tuple[str, ...] = ()) -> None:
        for node in walk(condition):
            if isinstance(node, FieldTest):
                self.test(node)
            elif isinstance(node, Use):
                if node.use not in self.named:
                    raise self.fail(
                        "rules_unknown_condition", name=node.use, records=self.schema.id,
                        known=_listed(self.named),
                    )  # fmt: skip
                if node.use in seen:
                    raise self.fail("rules_condition_itself", name=node.use)
                self.condition(self.named[node.use], (*seen, node.use))
            elif isinstance(node, Parameter):
                missing = [d for d in LIVE_BIRTH_DEFINITIONS if d not in self.named]
                if missing:
                    raise self.fail(
                        "rules_live_birth_conditions", records=self.schema.id,
                        missing=_listed(missing),
                    )  # fmt: skip

    def test(self, test: FieldTest) -> None:
        field = self.field(test.field)
        comparisons = list(test.comparisons())
        memberships = list(test.memberships())
        if not comparisons and not memberships and test.missing is None:
            raise self.fail("rules_test_nothing", field=field.id)
        if test.missing is not None and (comparisons or memberships):
            raise self.fail("rules_missing_alone", field=field.id)
        for operator, value in comparisons:
            if operator in {"lt", "le", "gt", "ge"} and field.type in {"category", "boolean"}:
                raise self.fail("rules_not_ordered", field=field.id, kind=field.type)
            self.value(field, operator, value)
        for operator, values in memberships:
            if not values:
                raise self.fail("rules_needs_values", field=field.id, operator=operator)
            for value in values:
                self.value(field, operator, value)

    def value(self, field: RecordField, operator: str, value: Scalar) -> None:
        kind = field.type
        ok = {
            "number": isinstance(value, int | float) and not isinstance(value, bool),
            "integer": isinstance(value, int) and not isinstance(value, bool),
            "boolean": isinstance(value, bool),
            "date": isinstance(value, dt.date),
            "text": isinstance(value, str),
            "category": isinstance(value, str) and value in field.values,
        }[kind]
        if not ok:
            listed = _listed(field.values) if kind == "category" else ""
            expected = words(f"rules_expected_{kind}", values=listed)
            raise self.fail(
                "rules_bad_value", field=field.id, operator=operator, value=value,
                expected=expected,
            )  # fmt: skip


def _listed(names: Iterable[str]) -> Words:
    """Names as a message lists them: ``a, b`` and ``a、b`` (``none``, 无, when empty)."""
    shown = list(names)
    return Words.listing(shown) if shown else words("rules_none")


def _check_criteria(where: Words, term: Term, condition: Condition, schema: RecordSet) -> None:
    """Each criterion of the term must be enforced, with its exact bound, by the rule.

    A test inside another test's ``unknown`` fallback (1,000 g when gestation is
    unknown) decides a different question, so it neither enforces nor contradicts one.
    """
    fallbacks = {
        id(inner)
        for node in walk(condition)
        if isinstance(node, FieldTest) and not isinstance(node.unknown, str | bool)
        for inner in walk(node.unknown)
    }
    tests = [n for n in walk(condition) if isinstance(n, FieldTest) and id(n) not in fallbacks]
    for criterion, bound in term.criteria.model_dump(exclude_none=True).items():
        quantity, operator = _CRITERIA[criterion]
        related = [
            (test.field, op, value)
            for test in tests
            if schema.fields[test.field].quantity == quantity
            for op, value in test.comparisons()
        ]
        same = [(f, op, v) for f, op, v in related if op == operator]
        exact = any(v == bound for _, _, v in same)
        clash = [(f, op, v) for f, op, v in same if v != bound] if exact else related
        if exact and not clash:
            continue
        said = _listed(f"{f} {op} {v:g}" for f, op, v in clash)
        raise error_of(
            DefinitionError, "rules_criteria_clash" if clash else "rules_criteria_none",
            where=where, criterion=criterion, bound=bound, operator=operator,
            quantity=quantity, said=said,
        )  # fmt: skip


def _check(
    book: RuleBook,
    origin: str,
    terms: Mapping[str, Term],
    base: Mapping[str, Mapping[str, Condition]],
) -> None:
    schemas = builtin_record_sets()
    available = {name: {**base.get(name, {}), **book.conditions.get(name, {})} for name in schemas}
    if book.default_live_birth_definition not in LIVE_BIRTH_DEFINITIONS:
        raise error_of(
            DefinitionError, "rules_live_birth_default", origin=origin,
            known=_listed(LIVE_BIRTH_DEFINITIONS),
        )  # fmt: skip
    for records, named in book.conditions.items():
        if records not in schemas:
            raise error_of(
                DefinitionError, "rules_conditions_unknown_set", origin=origin, records=records,
                known=_listed(schemas),
            )  # fmt: skip
        for name, condition in named.items():
            where = words("rules_condition_where", origin=origin, name=name, records=records)
            _Check(where, schemas[records], available[records]).condition(condition, (name,))
    seen: set[tuple[str, str]] = set()
    for rule in book.rules:
        where = words("definition_rule", origin=origin, term=rule.term)
        if rule.term not in terms:
            raise error_of(
                DefinitionError, "rules_no_term", where=where,
                hint_text=did_you_mean(rule.term, terms),
            )  # fmt: skip
        schema = schemas.get(rule.records)
        if schema is None:
            raise error_of(
                DefinitionError, "rules_unknown_set", where=where, records=rule.records,
                known=_listed(schemas),
            )  # fmt: skip
        if (rule.term, rule.records) in seen:
            raise error_of(DefinitionError, "rules_second_rule", where=where, records=rule.records)
        seen.add((rule.term, rule.records))
        check = _Check(where, schema, available[rule.records])
        check.condition(rule.where)
        if rule.count is not None and check.field(rule.count).type not in {"integer", "number"}:
            raise error_of(DefinitionError, "rules_count_field", where=where, count=rule.count)
        expanded = _expand(
            rule.where, available[rule.records], book.default_live_birth_definition, ()
        )
        _check_criteria(where, terms[rule.term], expanded, schema)


def _book(
    data: Mapping[str, Any],
    origin: str,
    terms: Mapping[str, Term],
    base: Mapping[str, Mapping[str, Condition]] | None = None,
) -> RuleBook:
    book = _validated(data, origin)
    _check(book, origin, terms, base or {})
    return book


def _validated(data: Mapping[str, Any], origin: str) -> RuleBook:
    """The rule book of ``data``, its form validated (:func:`_check` checks its meaning)."""
    unexpected = set(data) - {"default_live_birth_definition", "conditions", "rule"}
    if unexpected:
        keys = sorted(unexpected)
        raise error_of(
            DefinitionError, "rules_top_level", origin=origin,
            keys=Words(str(keys), "、".join(keys)),
        )  # fmt: skip
    rules = data.get("rule", [])
    if not isinstance(rules, list):
        raise error_of(DefinitionError, "rules_not_list", origin=origin, kind=type(rules).__name__)
    for position, body in enumerate(rules, start=1):
        term = body.get("term") if isinstance(body, Mapping) else None
        where = (
            words("definition_rule", origin=origin, term=term)
            if term
            else words("definition_rule_at", origin=origin, position=position)
        )
        Rule.model_validate(body, where=where)
    return RuleBook.model_validate(data, where=origin)


@cache
def builtin_rules() -> RuleBook:
    """The rules shipped with the package (loaded and checked once).

    The check against the record sets and the catalog's terms is made once for each
    content of the files and code it depends on (:func:`_checked_key`); a later process
    finds it passed in the cache and only validates the rules' form.
    """
    data = builtin_document("rules.toml")
    key = _checked_key()
    if key is not None and read_cached(key) is True:
        return _validated(data, "rules.toml")
    from mch_indicators._catalog import builtin_catalog

    book = _book(data, "rules.toml", builtin_catalog().terms)
    if key is not None:
        write_cached(key, True)
    return book


#: The code the check of the built-in rules depends on (paths in the package): the rules,
#: record sets and conditions, and how the catalog's terms are read and folded.
_CHECK_CODE = (
    "records/_rules.py",
    "records/_schema.py",
    "records/_conditions.py",
    "_model.py",
    "_catalog.py",
    "_text.py",
)


def _checked_key() -> str | None:
    """The cache name recording that the built-in rules passed their check; None if off.

    Named by a hash of the rules, the record sets, the catalog (the terms' criteria),
    the code that reads and checks them, and the Python and pydantic versions.
    """
    if cache_folder() is None:
        return None
    from pydantic import VERSION

    data = package_data()
    try:
        tables = [
            f"{folder}/{entry.name}"
            for folder in ("catalog", "records")
            for entry in sorted(data.joinpath(folder).iterdir(), key=lambda e: e.name)
            if entry.name.endswith(".toml")
        ]
    except OSError:
        return None
    sources = code_sources(_CHECK_CODE, tables)
    if sources is None:
        return None
    return content_key("rules_checked", [*sources, ("pydantic", VERSION.encode())])


def load_rules(*paths: str | PathLike[str], catalog: Catalog | None = None) -> RuleBook:
    """Read your own record rules from TOML or JSON files (the built-in form).

    Your rules come first, so a rule of yours replaces the built-in rule of the
    same term on the same record set; other built-in rules stay.

    Parameters
    ----------
    *paths : str or path
        ``.toml`` or ``.json`` files with ``[[rule]]`` entries and, optionally,
        ``[conditions.<record set>]`` tables.
    catalog : Catalog, optional
        Your own terms (from :func:`~mch_indicators.load_definitions`), in
        addition to the built-in ones.

    Raises
    ------
    DefinitionError
        A malformed rule, an unknown field or value, or a rule that contradicts
        its term's criteria; the message names the file and the term.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from mch_indicators.records import load_rules
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "mine.toml"
    >>> _ = path.write_text('''
    ... [[rule]]
    ... term = "stillbirths_28w"
    ... records = "births"
    ... where = { all = [{ field = "outcome", eq = "stillbirth" },
    ...                  { field = "gestation_weeks", ge = 27 }] }
    ... ''', encoding="utf-8")
    >>> try:
    ...     load_rules(path)
    ... except ValueError as error:
    ...     print(error)  # doctest: +NORMALIZE_WHITESPACE
    mine.toml, rule for term 'stillbirths_28w': the term's criteria say
    gestation_weeks_min = 28, so the rule needs ge = 28 on a field measuring
    gestation_weeks; the rule says gestation_weeks ge 27
    """
    from mch_indicators._catalog import builtin_catalog

    if not paths:
        raise error_of(DefinitionError, "rules_no_file")
    terms = dict(builtin_catalog().terms)
    if catalog is not None:
        terms.update(catalog.terms)
    book = builtin_rules()
    for raw in paths:
        path = Path(raw)
        data = read_document(path, DefinitionError)
        if not isinstance(data, dict):
            raise error_of(DefinitionError, "rules_not_table", name=path.name)
        book = book.merged(_book(data, path.name, terms, book.conditions))
    return book
