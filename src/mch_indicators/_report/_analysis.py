"""What an office writes about its latest year: the change from last year, the rank, the target.

:func:`annual_review` reads the tidy results of a report (each set: the table's
rows, the subtotals, the total) and returns, for the latest period of each set,
one row per area and indicator with

* **同比**, the change from the same period a year earlier, and whether it is more
  than chance: :func:`mch_indicators.stats.compare_rates` (the ratio of two rates,
  exact conditional test) for rates and ratios, :func:`~mch_indicators.stats.compare_proportions`
  (the difference, Newcombe's interval and the score test) for proportions;
* **rank** among the areas of the same set and period, best first by the
  indicator's direction (ties share the better rank: 1, 2, 2, 4); none for an
  indicator without a direction or a set of one area;
* **达标**, the value against the target of ``plan`` that is still to be met in
  that year (:meth:`Target.applies_in`; the earliest due when several are, a
  target for the whole population before one for part of it), assessed with its
  interval by :func:`mch_indicators.assess_target`: met, not met, or not
  statistically clear (the interval crosses the target).

No statistic is computed here: the comparisons and assessments are the library's.
A value that is missing, withheld (SUPPRESSED) or impossible (INVALID) is neither
compared, ranked nor assessed, and neither is the year before it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from mch_indicators._display import limit_names
from mch_indicators._labels import fields, input_error
from mch_indicators._model import Direction, Kind

if TYPE_CHECKING:
    import pandas as pd

    from mch_indicators._catalog import Catalog
    from mch_indicators._model import Indicator
    from mch_indicators._targets import Target

__all__ = ["REVIEW_COLUMNS", "active_target", "annual_review", "limit_pair", "plan_name_in"]

#: Columns :func:`annual_review` adds after the labels and ``indicator``.
REVIEW_COLUMNS = (
    *("value", "lower", "upper", "unit", "flags", "previous", "change", "change_lower"),
    *("change_upper", "change_kind", "p_value", "change_status", "rank", "ranked"),
    *("target", "target_status"),
)
#: Flags that leave a value out of comparisons, ranks and targets.
_NOT_COMPARED = ("SUPPRESSED", "INVALID")
_CLEAR = 0.05


def _period_columns(labels: Sequence[str]) -> list[str]:
    roles = {f.id: f.role for f in fields()}
    return [c for c in labels if roles.get(c) == "period"]


def plan_name_in(plan: str | None, lang: str) -> str | None:
    """The plan's name in ``lang`` (None for no plan); an unknown plan is an error.

    Examples
    --------
    >>> plan_name_in("healthy_china_2030", "zh")
    '“健康中国2030”规划纲要'
    """
    if plan is None:
        return None
    from mch_indicators._targets import builtin_targets

    plans = {t.plan.id: t.plan for t in builtin_targets()}
    if plan not in plans:
        raise input_error("unknown_plan", plan=plan, known=", ".join(plans))
    return str(getattr(plans[plan].name, lang))


def active_target(indicator: Indicator, plan: str, year: int) -> Target | None:
    """The target of ``plan`` for ``indicator`` still to be met in ``year``, or None.

    The earliest due when several apply (a standing criterion last); a target for
    the whole population (no ``scope``) before one for part of it.

    Examples
    --------
    >>> import mch_indicators as mch
    >>> active_target(mch.get("婴儿死亡率"), "healthy_china_2030", 2024).rule_in("zh")
    '≤5‰'
    >>> active_target(mch.get("婴儿死亡率"), "health_13th_fyp", 2024) is None
    True
    """
    from mch_indicators._catalog import builtin_catalog
    from mch_indicators._targets import builtin_targets

    if indicator.id not in builtin_catalog():
        return None
    found = [
        t
        for t in builtin_targets()
        if t.plan.id == plan and t.indicator == indicator.id and t.applies_in(year)
    ]
    if not found:
        return None
    return min(found, key=lambda t: (t.scope is not None, t.year is None, t.year or 0))


def limit_pair(frame: pd.DataFrame) -> tuple[str | None, str | None]:
    """The lower and upper limit columns shown with a value (``lower`` or the first level's)."""
    names = limit_names([str(c) for c in frame.columns])
    lower = (
        "lower" if "lower" in names else next((n for n in names if n.startswith("lower")), None)
    )
    upper = (
        "upper" if "upper" in names else next((n for n in names if n.startswith("upper")), None)
    )
    return lower, upper


def _comparable(frame: pd.DataFrame) -> np.ndarray[Any, np.dtype[np.bool_]]:
    """Rows with a value that may be compared: finite, not withheld, not impossible."""
    ok = np.isfinite(frame["value"].to_numpy(dtype=np.float64))
    if "flags" in frame.columns:
        flags = frame["flags"].astype(str)
        for name in _NOT_COMPARED:
            ok &= ~flags.str.contains(name, regex=False).to_numpy(dtype=bool)
    return np.asarray(ok, dtype=bool)


def _scales(units: pd.Series[Any]) -> np.ndarray[Any, np.dtype[np.float64]]:
    from mch_indicators._unitspec import resolve_unit

    scale = {u: float(resolve_unit(str(u)).scale) for u in units.unique()}
    return units.map(scale).to_numpy(dtype=np.float64)


def _changes(paired: pd.DataFrame, proportion: np.ndarray[Any, Any]) -> dict[str, Any]:
    """Change of each pair (comparable, denominators above 0), by the stats layer's tests.

    Proportions: the difference in the result's unit (percentage points),
    :func:`compare_proportions`; everything else: the percent change of the ratio
    of two rates, :func:`compare_rates`.
    """
    from mch_indicators.stats import compare_proportions, compare_rates

    n = len(paired)
    out: dict[str, Any] = {k: np.full(n, np.nan) for k in ("change", "change_lower",
                                                          "change_upper", "p_value")}  # fmt: skip
    out["change_kind"] = np.where(proportion, "difference", "percent").astype(object)
    names = ("numerator", "denominator", "numerator_before", "denominator_before")
    counts = [paired[c].to_numpy(float) for c in names]
    if proportion.any():
        found = compare_proportions(*(c[proportion] for c in counts))
        scale = _scales(paired["unit"][proportion])
        out["change"][proportion] = found.difference * scale
        out["change_lower"][proportion] = found.lower * scale
        out["change_upper"][proportion] = found.upper * scale
        out["p_value"][proportion] = found.p_value
    rate = ~proportion
    if rate.any():
        ratio = compare_rates(*(c[rate] for c in counts))
        change, low, high = ratio.percent_change
        out["change"][rate], out["change_lower"][rate] = change, low
        out["change_upper"][rate], out["p_value"][rate] = high, ratio.p_value
    return out


def _status(change: np.ndarray[Any, Any], p_value: np.ndarray[Any, Any]) -> list[str]:
    out = []
    for c, p in zip(change.tolist(), p_value.tolist(), strict=True):
        if p != p:
            out.append("cannot be calculated")
        elif p >= _CLEAR:
            out.append("no significant change")
        else:
            out.append("increasing" if c > 0 else "decreasing")
    return out


def _year_over_year(
    latest: pd.DataFrame, frame: pd.DataFrame, labels: list[str], catalog: Catalog
) -> pd.DataFrame:
    """The change of each latest row from its series' row of the year before."""
    import pandas as pd

    keys = [*(c for c in labels if c != "year"), "year", "indicator"]
    earlier = frame[_comparable(frame)].assign(year=frame["year"] + 1)
    earlier = earlier.drop_duplicates(keys, keep=False)  # an ambiguous year is not compared
    paired = latest[[*keys, "numerator", "denominator", "value", "unit", "flags"]].merge(
        earlier[[*keys, "numerator", "denominator", "value"]],
        on=keys, how="left", suffixes=("", "_before"),
    )  # fmt: skip
    paired.index = latest.index
    usable = _comparable(paired) & paired["value_before"].notna().to_numpy()
    counts = paired[["numerator", "denominator", "numerator_before", "denominator_before"]]
    usable &= np.isfinite(counts.to_numpy(float)).all(axis=1)
    usable &= (counts[["denominator", "denominator_before"]].to_numpy(float) > 0).all(axis=1)
    kinds = {key: catalog[key].kind for key in paired["indicator"].astype(str).unique()}
    proportion = (paired["indicator"].astype(str).map(kinds) == Kind.PROPORTION).to_numpy(bool)
    out = pd.DataFrame({"previous": paired["value_before"]}, index=latest.index)
    for column in ("change", "change_lower", "change_upper", "p_value"):
        out[column] = np.nan
    out["change_kind"] = ""
    if usable.any():
        found = _changes(paired[usable], proportion[usable])
        for column, values in found.items():
            out.loc[usable, column] = values
    status = np.array(_status(out["change"].to_numpy(float), out["p_value"].to_numpy(float)))
    out["change_status"] = np.where(usable, status, "")
    return out


def _ranks(latest: pd.DataFrame, periods: list[str], catalog: Catalog) -> pd.DataFrame:
    """Rank among the areas of the same period, best first; none for a neutral indicator."""
    import pandas as pd

    ids = latest["indicator"].astype(str)
    direction = ids.map({key: catalog[key].direction for key in ids.unique()})
    values = latest["value"].where(_comparable(latest) & (direction != Direction.NEUTRAL))
    # one ranking for both directions: a higher-is-better value ranks by its negative
    keyed = values.where(direction == Direction.LOWER, -values)
    groups = [*(latest[p] for p in periods), ids]
    grouped = keyed.groupby(groups, dropna=False, sort=False)
    ranked = grouped.transform("count").where(values.notna())
    out = pd.DataFrame({"rank": grouped.rank(method="min"), "ranked": ranked}, index=latest.index)
    out.loc[~(out["ranked"] >= 2), ["rank", "ranked"]] = np.nan
    return out


def _targets(latest: pd.DataFrame, catalog: Catalog, plan: str, year: int | None) -> pd.DataFrame:
    """Each latest value against its indicator's active target of ``plan``."""
    import pandas as pd

    from mch_indicators._progress import assess_target

    out = pd.DataFrame({"target": "", "target_status": ""}, index=latest.index)
    lower, upper = limit_pair(latest)
    ok = _comparable(latest)
    for key, rows in latest.groupby(latest["indicator"].astype(str), sort=False).groups.items():
        part = latest.loc[rows]
        when = (
            int(part["year"].max())
            if "year" in part.columns and part["year"].notna().any()
            else year
        )
        target = active_target(catalog[str(key)], plan, when) if when is not None else None
        if target is None:
            continue
        out.loc[rows, "target"] = target.id
        if target.comparator.relative or lower is None or upper is None:
            out.loc[rows, "target_status"] = (
                "needs baseline" if target.comparator.relative else "not evaluable"
            )
            continue
        values = np.where(
            ok[latest.index.get_indexer(rows)], part["value"].to_numpy(float), np.nan
        )
        found = assess_target(
            target, values, part[lower].to_numpy(float), part[upper].to_numpy(float),
            unit=str(part["unit"].iloc[0]),
        )  # fmt: skip
        status = np.where(found.clear, found.status, "not statistically clear")
        out.loc[rows, "target_status"] = np.where(
            found.status == "not evaluable", found.status, status
        )
    return out


def _latest(frame: pd.DataFrame, labels: list[str]) -> pd.DataFrame:
    if "year" in labels and frame["year"].notna().any():
        latest: pd.DataFrame = frame[frame["year"] == frame["year"].max()]
        return latest
    return frame


def _review_set(
    frame: pd.DataFrame, labels: list[str], catalog: Catalog, plan: str | None, year: int | None
) -> pd.DataFrame:
    import pandas as pd

    latest = _latest(frame, labels)
    lower, upper = limit_pair(latest)
    base = pd.DataFrame(
        {
            "value": latest["value"],
            "lower": latest[lower] if lower else np.nan,
            "upper": latest[upper] if upper else np.nan,
            "unit": latest["unit"],
            "flags": latest["flags"] if "flags" in latest.columns else "",
        },
        index=latest.index,
    )
    pieces = [latest[[*labels, "indicator"]], base]
    if "year" in labels and frame["year"].dtype.kind in "iuf":
        pieces.append(_year_over_year(latest, frame, labels, catalog))
    pieces.append(_ranks(latest, _period_columns(labels), catalog))
    if plan is not None:
        pieces.append(_targets(latest, catalog, plan, year))
    return pd.concat(pieces, axis=1)


def annual_review(
    sets: Mapping[str, pd.DataFrame],
    catalog: Catalog,
    *,
    labels_of: Mapping[str, list[str]],
    plan: str | None = None,
    year: int | None = None,
) -> pd.DataFrame:
    """The latest period of each set: change from last year, rank and target, by area.

    Parameters
    ----------
    sets : mapping of str to DataFrame
        Tidy results (of :func:`mch_indicators.compute` or :func:`mch_indicators.pool`),
        by set name (``县区``, ``合计``).
    catalog : Catalog
        Where the indicators are looked up (kind, direction, targets).
    labels_of : mapping of str to list of str
        The label columns of each set (areas and periods, by their field ids).
    plan : str, optional
        The plan whose targets are checked (``"healthy_china_2030"``).
    year : int, optional
        The year targets are checked for when the results have no ``year`` column.

    Returns
    -------
    DataFrame
        ``level`` (the set), the label columns, ``indicator`` and :data:`REVIEW_COLUMNS`
        that apply, with status codes (``"decreasing"``, ``"met"``...), not text.

    Examples
    --------
    >>> import pandas as pd, mch_indicators as mch
    >>> table = pd.DataFrame({"县区": ["甲县", "甲县"], "年份": [2023, 2024],
    ...                       "活产数": [20000, 21000], "孕产妇死亡数": [9, 2]})
    >>> rows = {"县区": mch.compute(table)}
    >>> out = annual_review(rows, mch.catalog, labels_of={"县区": ["county", "year"]})
    >>> out[["county", "year", "previous", "change_status"]].round(2).values.tolist()
    [['甲县', 2024, 45.0, 'decreasing']]
    """
    import pandas as pd

    plan_name_in(plan, "en")  # an unknown plan is an error, not a review without targets
    pieces = [
        _review_set(frame, list(labels_of[name]), catalog, plan, year).assign(level=name)
        for name, frame in sets.items()
    ]
    if not pieces:
        return pd.DataFrame(columns=["level", "indicator", *REVIEW_COLUMNS])
    out = pd.concat(pieces, ignore_index=True)
    columns = ["level", *dict.fromkeys(c for p in pieces for c in p.columns if c != "level")]
    return out[columns]
