"""Consistency rules applied to the rows of an office's table: a violations table, and flags.

:func:`validate` is public; :func:`violations` is what :func:`mch.compute`
uses on a wide table to flag the values of the rows that break a rule
(``INCONSISTENT``) and list the rule in the checks.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from os import PathLike
from typing import TYPE_CHECKING, Any

import numpy as np

from mch_indicators._adapters._pandas._columns import check_frame, label_of, numbers
from mch_indicators._adapters._pandas._index import index_as_columns
from mch_indicators._adapters._pandas._units import Duplicates, Totals
from mch_indicators._adapters._pandas._wide import UnitRules, placed, table_units
from mch_indicators._checks import (
    CHECK_COLUMNS,
    CheckRow,
    attach,
    check_row,
    checks_of,
    row_places,
)
from mch_indicators._errors import MCHIndicatorsError
from mch_indicators._validation import Rule, rules_for

if TYPE_CHECKING:
    import pandas as pd

    from mch_indicators._adapters._pandas._match import ColumnMatch
    from mch_indicators._catalog import Catalog

__all__ = ["RulesArg", "validate", "violations"]

RulesArg = str | PathLike[str] | Sequence[str | PathLike[str] | Rule] | None


def _place(frame: pd.DataFrame, match: ColumnMatch, position: int) -> tuple[str, str]:
    from mch_indicators._adapters._pandas._units import label_columns

    areas, periods = label_columns(match)
    row = frame.iloc[[position]]
    return row_places(row, areas)[0], row_places(row, periods)[0]


def violations(
    frame: pd.DataFrame, match: ColumnMatch, rules: Sequence[Rule], catalog: Catalog
) -> tuple[list[CheckRow], dict[int, set[str]]]:
    """The rows of ``frame`` (units) that break a rule: checks, and the terms of each row's rules.

    A rule is checked on the rows where every term of both sides has a column
    and a count.
    """
    found: list[CheckRow] = []
    terms_of_row: dict[int, set[str]] = {}
    values: dict[str, Any] = {}
    for rule in rules:
        if not all(term in match.terms for term in rule.terms):
            continue
        for term in rule.terms:
            if term not in values:
                values[term] = numbers(frame, str(match.terms[term]))
        left = np.sum([values[t] for t in rule.left], axis=0)
        right = np.sum([values[t] for t in rule.right], axis=0)
        with np.errstate(invalid="ignore"):
            broken = ~rule.holds(left, right) & ~np.isnan(left) & ~np.isnan(right)
        for position in np.flatnonzero(broken).tolist():
            unit, period = _place(frame, match, position)
            names = {lang: "+".join(getattr(catalog.terms[t].name, lang) for t in rule.left)
                     for lang in ("zh", "en")}  # fmt: skip
            others = {lang: "+".join(getattr(catalog.terms[t].name, lang) for t in rule.right)
                      for lang in ("zh", "en")}  # fmt: skip
            found.append(
                check_row(
                    "rule_violation", unit=unit, period=period, item=rule.id,
                    reported=left[position], expected=right[position],
                    row=label_of(frame.index, position),
                    rule={"zh": rule.name_zh, "en": rule.name_en}, left=names, right=others,
                )
            )  # fmt: skip
            terms_of_row.setdefault(position, set()).update(rule.terms)
    return found, terms_of_row


def validate(
    table: pd.DataFrame,
    rules: RulesArg = None,
    *,
    builtin: bool = True,
    columns: Mapping[Hashable, str] | None = None,
    catalog: Catalog | None = None,
    totals: Totals = "check",
    duplicates: Duplicates = "error",
    total_labels: Sequence[str] | None = None,
) -> pd.DataFrame:
    """The rows of an office's table that break a consistency rule, named by their labels.

    Rules are data, as DHIS2's validation rules: a left side, an operator and a
    right side over the catalog's terms (新生儿死亡数 ≤ 婴儿死亡数 ≤ 5岁以下儿童死亡数,
    住院分娩活产数 ≤ 活产数, 围产儿死亡数 ≤ 围产儿数...; the built-in ones are in
    ``definitions/validation_rules.toml``). :func:`mch_indicators.compute` applies
    the same rules to a wide table and flags the values they touch ``INCONSISTENT``.

    Parameters
    ----------
    table : pandas.DataFrame
        A wide table (one column per count: 活产数, 婴儿死亡数...), as
        :func:`mch_indicators.compute` takes it; total rows are taken out first.
    rules : path, or sequence of paths and rules, optional
        Your own rules files (TOML, ``[[rule]]`` tables with ``id``, ``name``
        (``en``, ``zh``), ``left``, ``operator``, ``right`` and ``why``), added
        to the built-in ones; each is checked against the catalog's terms.
    builtin : bool, default True
        Apply the built-in rules too.
    columns, catalog
        As in :func:`mch_indicators.compute`.
    totals, duplicates, total_labels
        How rows become units, as in :func:`mch_indicators.compute`.

    Returns
    -------
    pandas.DataFrame
        One row per broken rule and row, with the columns of the checks table:
        ``check`` (``rule_violation``), ``unit``, ``period``, ``item`` (the
        rule's id), ``reported`` (the left side), ``expected`` (the right
        side), ``message_zh`` and ``message_en`` (naming the row). Empty when
        every rule holds. The other checks of the table (total rows...) are
        :func:`mch_indicators.checks` of it.

    Raises
    ------
    DefinitionError
        A rules file that does not validate (naming the file, rule and field).
    InvalidInputError
        As :func:`mch_indicators.compute` for the table.

    Examples
    --------
    >>> import pandas as pd, mch_indicators as mch
    >>> table = pd.DataFrame({"乡镇": ["甲乡", "乙乡"], "年份": [2024, 2024],
    ...                       "新生儿死亡数": [5, 1], "婴儿死亡数": [3, 2],
    ...                       "5岁以下儿童死亡数": [2, 3], "活产数": [900, 800]})
    >>> found = mch.validate(table)
    >>> found[["unit", "item", "reported", "expected"]].values.tolist()
    ... # doctest: +NORMALIZE_WHITESPACE
    [['甲乡', 'neonatal_within_infant_deaths', 5.0, 3.0],
     ['甲乡', 'infant_within_under5_deaths', 3.0, 2.0]]
    >>> print(found["message_zh"].iloc[0])
    行 0：甲乡2024不符合“新生儿死亡数≤婴儿死亡数”（新生儿死亡数5，婴儿死亡数3）
    """
    import pandas as pd

    from mch_indicators._adapters._pandas._match import match_columns
    from mch_indicators._catalog import chosen_catalog

    frame = index_as_columns(check_frame(table, "validate"), catalog)[0]
    chosen = chosen_catalog(catalog)
    unit_rules = UnitRules.of(totals, duplicates, total_labels)
    checked = rules_for(rules, chosen, builtin=builtin)
    match = match_columns(frame, columns, catalog=chosen)
    try:
        units, found = table_units(frame, match, list(match.terms.values()), unit_rules)
        broken, _ = violations(units, match, checked, chosen)
    except MCHIndicatorsError as error:
        raise placed(error, frame) from None
    out = pd.DataFrame(list(broken), columns=list(CHECK_COLUMNS)).astype(
        {"reported": "float64", "expected": "float64"}
    )
    return attach(out, checks_of(frame), found, broken)
