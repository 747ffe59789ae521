"""Hypothesis strategies derived from the definitions, for testing pipelines built on them.

A system that imports the definitions can property-test its own code against
them: :func:`count_tables` draws count tables that are valid for an indicator
or a family of variants (a proportion's numerator never above its denominator,
a coverage's free to exceed its planned denominator, estimated populations not
whole), and :func:`bad_inputs` draws inputs of each documented bad-input class,
which :meth:`~mch_indicators.Indicator.compute` refuses with
:class:`~mch_indicators.InvalidInputError`.

This module needs hypothesis (``pip install 'mch-indicators[testing]'``);
``import mch_indicators`` never imports it.

>>> import mch_indicators as mch
>>> from mch_indicators.testing import count_tables
>>> from hypothesis import given, settings
>>> @settings(max_examples=20, deadline=None)
... @given(count_tables("stillbirth_rate"))
... def test_pipeline(table):
...     result = mch.compute(table, "stillbirth_rate")
...     assert (result["value"].dropna() <= 1000).all()
>>> test_pipeline()
"""

from __future__ import annotations

import graphlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

try:
    from hypothesis import strategies as st
except ImportError as error:  # pragma: no cover - depends on the environment
    raise ImportError(
        "mch_indicators.testing needs hypothesis: pip install 'mch-indicators[testing]'"
    ) from error

from mch_indicators._catalog import Catalog, chosen_catalog
from mch_indicators._model import Indicator, Kind

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["BAD_INPUT_CLASSES", "BadInput", "bad_inputs", "count_tables", "counts"]

BadInputClass = Literal["negative", "infinite", "boolean", "not_a_number", "shape", "above"]
#: The documented classes of bad input (see :meth:`~mch_indicators.Indicator.compute`).
BAD_INPUT_CLASSES: tuple[BadInputClass, ...] = (
    "negative",
    "infinite",
    "boolean",
    "not_a_number",
    "shape",
    "above",
)


@dataclass(frozen=True)
class BadInput:
    """Counts that :meth:`~mch_indicators.Indicator.compute` must refuse, and why.

    ``above`` (a numerator above its denominator) applies to proportions only,
    and is refused unless ``on_invalid="flag"``.
    """

    kind: BadInputClass
    numerator: Any
    denominator: Any


def _family(
    key: str | Indicator | Sequence[str | Indicator], catalog: Catalog | None
) -> list[Indicator]:
    chosen = chosen_catalog(catalog)
    if isinstance(key, str | Indicator):
        indicator = chosen.get_indicator(key)
        members = chosen.variants(indicator) if isinstance(key, str) else [indicator]
        return [member for member in members if member.computable]
    return [chosen.get_indicator(k) for k in key]


def _bounds(indicators: Sequence[Indicator]) -> tuple[list[str], dict[str, set[str]]]:
    """Term ids in drawing order, and for each the terms it must not exceed."""
    at_most: dict[str, set[str]] = {}
    order = graphlib.TopologicalSorter[str]()
    for indicator in indicators:
        numerator, denominator = indicator.numerator.id, indicator.denominator.id
        at_most.setdefault(numerator, set())
        at_most.setdefault(denominator, set())
        order.add(numerator)
        order.add(denominator)
        if indicator.kind is Kind.PROPORTION:
            at_most[numerator].add(denominator)
            order.add(numerator, denominator)  # the denominator is drawn first
    return list(order.static_order()), at_most


@st.composite
def count_tables(
    draw: st.DrawFn,
    indicators: str | Indicator | Sequence[str | Indicator],
    *,
    catalog: Catalog | None = None,
    rows: tuple[int, int] = (1, 20),
    max_count: int = 10**6,
    zero_denominators: bool = False,
) -> pd.DataFrame:
    """Count tables valid for an indicator, its family of variants, or a list of indicators.

    One column per term (named by term id, as :func:`mch_indicators.compute`
    reads them) and one row per area. A proportion's numerator is never above
    its denominator, in every indicator at once; a coverage's numerator may be;
    an estimated population is drawn as a non-whole number. Denominators are
    at least 1 unless ``zero_denominators``.

    Parameters
    ----------
    indicators : str, Indicator or list
        An id, alias or name (the whole family of variants), an Indicator (that
        one), or a list of either.
    """
    import pandas as pd

    chosen = _family(indicators, catalog)
    order, at_most = _bounds(chosen)
    denominators = {i.denominator.id for i in chosen}
    terms = {t.id: t for i in chosen for t in (i.numerator, i.denominator)}
    size = draw(st.integers(min_value=rows[0], max_value=rows[1]))
    columns: dict[str, list[float]] = {}
    low = 0 if zero_denominators else 1
    for term_id in order:
        values = []
        for row in range(size):
            limit = min([max_count, *(int(columns[c][row]) for c in at_most[term_id])])
            floor = low if term_id in denominators else 0
            floor = min(floor, limit)
            if terms[term_id].estimated:
                value = draw(st.floats(min_value=max(floor, 0.5), max_value=float(max_count)))
            else:
                value = float(draw(st.integers(min_value=floor, max_value=limit)))
            values.append(value)
        columns[term_id] = values
    return pd.DataFrame(columns)


@st.composite
def counts(
    draw: st.DrawFn,
    indicator: str | Indicator,
    *,
    catalog: Catalog | None = None,
    size: tuple[int, int] = (1, 20),
) -> tuple[Any, Any]:
    """Numerator and denominator arrays valid for one indicator (see :func:`count_tables`)."""
    chosen = indicator if isinstance(indicator, Indicator) else (
        chosen_catalog(catalog)
    ).get_indicator(indicator)  # fmt: skip
    table = draw(count_tables(chosen, rows=size))
    return table[chosen.numerator.id].to_numpy(), table[chosen.denominator.id].to_numpy()


@st.composite
def bad_inputs(
    draw: st.DrawFn,
    indicator: str | Indicator,
    *,
    catalog: Catalog | None = None,
    classes: Sequence[BadInputClass] = BAD_INPUT_CLASSES,
) -> BadInput:
    """An input of one of the documented bad-input classes, for ``indicator``.

    ``above`` is drawn only for proportions (elsewhere a numerator may exceed
    its denominator).
    """
    chosen = indicator if isinstance(indicator, Indicator) else (
        chosen_catalog(catalog)
    ).get_indicator(indicator)  # fmt: skip
    allowed = [c for c in classes if c != "above" or chosen.kind is Kind.PROPORTION]
    kind = draw(st.sampled_from(allowed))
    n = draw(st.integers(min_value=1, max_value=10**6))
    x = draw(st.integers(min_value=0, max_value=n))
    if kind == "negative":
        return BadInput(kind, -draw(st.integers(min_value=1, max_value=10**6)), n)
    if kind == "infinite":
        return BadInput(kind, x, draw(st.sampled_from([float("inf"), float("-inf")])))
    if kind == "boolean":
        return BadInput(kind, [True, False], [n, n])
    if kind == "not_a_number":
        return BadInput(kind, draw(st.sampled_from(["twelve", "", "1,2", "n/a"])), n)
    if kind == "shape":
        return BadInput(kind, [x, x, x], [n, n])
    return BadInput(kind, n + draw(st.integers(min_value=1, max_value=10**3)), n)
