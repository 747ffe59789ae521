"""Targets of national and global plans, as data, evaluated on arrays of values.

The built-in targets live in ``definitions/targets.toml``: ``[plans.<id>]``
tables name each plan and its sources, ``[[target]]`` tables give the indicator,
a :class:`Comparator`, the value and the year. They are validated against the
catalog once, on first use.
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Mapping
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
from pydantic import Field, model_validator

from mch_indicators._errors import (
    DefinitionError,
    InvalidInputError,
    UnitError,
    Words,
    error_of,
    invalid,
    words,
)
from mch_indicators._hooks import target_html, target_repr
from mch_indicators._model import Id, Indicator, Names, NonEmpty, Source, _Frozen
from mch_indicators._text import fold
from mch_indicators._unitspec import resolve_unit
from mch_indicators._validate import align_labelled, coerce_values

if TYPE_CHECKING:
    from mch_indicators._result import Result

__all__ = [
    "Comparator",
    "Plan",
    "Target",
    "TargetStatus",
    "builtin_targets",
    "comparator_from_wording",
    "targets_for",
]


#: Relative difference under which a value and a threshold count as equal.
_SAME = 1e-12

# How a plan's own words fix the comparison (docs/targets.md, "Reading a target").
# Chinese legal and planning drafting counts the number itself in 以上, 以下 and 以内
# (Civil Code art. 1259, Criminal Law art. 99) and leaves it out of 不满, 超过, 低于,
# 高于; reaching a value (达到, 降至...) includes it. A Chinese word counts only when it
# is attached to the target's number ("90%以上", "降至3.0‰"), never in an age band
# such as "5岁以下儿童". English plans are read as written: "less than", "below",
# "under" are strict; "at least", "or fewer", "at least as low as" are not. Longer
# phrases come first so that "at least as low as" is not read as "at least".
_ENGLISH_RULES: tuple[tuple[str, str], ...] = (
    ("at least as low as", "at_most"),
    ("or fewer", "at_most"),
    ("or less", "at_most"),
    ("no more than", "at_most"),
    ("not more than", "at_most"),
    ("at most", "at_most"),
    ("or more", "at_least"),
    ("at least", "at_least"),
    ("no less than", "at_least"),
    ("less than", "below"),
    ("fewer than", "below"),
    ("below", "below"),
    ("under ", "below"),
    ("more than", "above"),
    ("above", "above"),
    ("exceed", "above"),
)
# read from the start of a run of digits and points, each part once (possessive): tried
# at every digit of a long run, or with two ways to split a run of spaces, it is quadratic
_NUMBER = r"(?<![0-9.])[.]*+[0-9][0-9.]*+\s*+(?:%|‰|/10万|/万|个|名|张)?(?:活产)?\s*+"
# a comparison word after the number: 90%以上, 50/10万活产及以下, 1%或更低
_AFTER = re.compile(_NUMBER + r"(?:及)?(以下|以内|以上|或更低|或更少)")
# a comparison word before the number: 不低于80%, 降至3.0‰, 达到90%, ≥95%
_BEFORE = re.compile(
    r"(不低于|不少于|不超过|不高于|下降到|下降至|降低到|降至|降到|控制在|保持在|达到|增至|"
    r"低于|少于|不足|不满|小于|高于|超过|大于|≥|≤|<|>)\s*(?:10万分之)?[0-9]"
)
_CHINESE_WORDS = {
    "以下": "at_most",
    "以内": "at_most",
    "或更低": "at_most",
    "或更少": "at_most",
    "以上": "at_least",
    "不低于": "at_least",
    "不少于": "at_least",
    "不超过": "at_most",
    "不高于": "at_most",
    "下降到": "at_most",
    "下降至": "at_most",
    "降低到": "at_most",
    "降至": "at_most",
    "降到": "at_most",
    "控制在": "at_most",
    "保持在": "at_least",
    "达到": "at_least",
    "增至": "at_least",
    "≤": "at_most",
    "≥": "at_least",
    "低于": "below",
    "少于": "below",
    "不足": "below",
    "不满": "below",
    "小于": "below",
    "<": "below",
    "高于": "above",
    "超过": "above",
    "大于": "above",
    ">": "above",
}


class Comparator(StrEnum):
    """How a value is compared with a target.

    Attributes
    ----------
    BELOW, AT_MOST, AT_LEAST, ABOVE
        ``<``, ``<=``, ``>=``, ``>`` the target value.
    REDUCE_BY
        At least ``value`` % lower than the baseline year's value.
    INCREASE_BY
        At least ``value`` % higher than the baseline year's value.
    NO_INCREASE
        Not above the baseline year's value.
    """

    BELOW = "below"
    AT_MOST = "at_most"
    AT_LEAST = "at_least"
    ABOVE = "above"
    REDUCE_BY = "reduce_by"
    INCREASE_BY = "increase_by"
    NO_INCREASE = "no_increase"

    @property
    def relative(self) -> bool:
        """True when the target is relative to a baseline value."""
        return self in (Comparator.REDUCE_BY, Comparator.INCREASE_BY, Comparator.NO_INCREASE)

    @property
    def symbol(self) -> str:
        """The comparison as a symbol (for a relative target, of the threshold)."""
        return {"below": "<", "at_most": "≤", "at_least": "≥", "above": ">"}.get(
            self.value, "≥" if self is Comparator.INCREASE_BY else "≤"
        )


def _said(comparator: Comparator) -> Words:
    """A comparator in a message: its value in English (``at_most``), its label in Chinese."""
    from mch_indicators._labels import label

    return Words(comparator.value, label("comparators", comparator.value, "zh"))


def comparator_from_wording(wording: str) -> Comparator | None:
    """The comparison a target's own words fix, or None when they fix none.

    Chinese planning texts count the number itself in 以上, 以下 and 以内 (the
    rule of the Civil Code, art. 1259, and the Criminal Law, art. 99) and leave it
    out of 不满, 超过, 低于 and 高于; 达到 (reach) and 降至 (fall to) include it.
    English wording is read as written. The first rule that matches decides.

    Examples
    --------
    >>> for wording in ["艾滋病母婴传播率下降到2%以下", "保持在90%以上",
    ...                 "5岁以下儿童生长迟缓率控制在5%以下", "孕产妇死亡率低于10/10万",
    ...                 "less than 70 per 100,000 live births",
    ...                 "at least as low as 12 per 1,000 live births"]:
    ...     print(f"{comparator_from_wording(wording).value:<9} {wording}")
    at_most   艾滋病母婴传播率下降到2%以下
    at_least  保持在90%以上
    at_most   5岁以下儿童生长迟缓率控制在5%以下
    below     孕产妇死亡率低于10/10万
    below     less than 70 per 100,000 live births
    at_most   at least as low as 12 per 1,000 live births
    >>> comparator_from_wording("90 % of girls fully vaccinated by age 15") is None
    True
    """
    folded = fold(wording)
    for phrase, comparator in _ENGLISH_RULES:
        if phrase in folded:
            return Comparator(comparator)
    after = _AFTER.search(wording)
    if after:
        return Comparator(_CHINESE_WORDS[after.group(1)])
    before = _BEFORE.search(wording)
    if before:
        return Comparator(_CHINESE_WORDS[before.group(1)])
    return None


class TargetStatus(StrEnum):
    """Result of :meth:`Target.evaluate` for one value.

    The members are strings, so ``status == TargetStatus.MET`` works element-wise
    on the array :meth:`Target.evaluate` returns.
    """

    MET = "met"
    NOT_MET = "not met"
    NOT_EVALUABLE = "not evaluable"


class Plan(_Frozen):
    """A plan or strategy that sets targets (SDG 2030, Healthy China 2030...)."""

    id: Id
    name: Names
    issuer: str | None = None
    sources: tuple[Source, ...] = Field(min_length=1)
    document: str | None = Field(
        default=None,
        description="the plan itself: title, issuing body, document number and date "
        "(sources say where its targets were read)",
    )
    note: str | None = None


class Target(_Frozen):
    """One target of a plan for one indicator, evaluable on arrays of values.

    Examples
    --------
    >>> import mch_indicators as mch
    >>> target = mch.targets_for("孕产妇死亡率", plan="healthy_china_2030")[0]
    >>> print(target)
    maternal_mortality_ratio ≤ 12 per 100,000 by 2030 (Healthy China 2030 plan outline)
    >>> target.evaluate([15.7, 11.9, float("nan")]).tolist()
    ['not met', 'met', 'not evaluable']
    """

    plan: Plan
    indicator: Id
    comparator: Comparator
    value: float | None = Field(default=None, ge=0)
    unit: str
    year: int | None = Field(default=None, ge=1900, le=2100)
    baseline_year: int | None = Field(default=None, ge=1900, le=2100)
    scope: str | None = None
    section: str | None = None
    wording: str | None = Field(
        default=None,
        description="the target as the plan words it, in its own language; when it fixes "
        "a comparison (以下, 以上, less than...) the comparator must agree",
    )
    verified: bool = True
    note: NonEmpty | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Target:
        try:
            resolve_unit(self.unit)
        except UnitError as error:
            raise ValueError(error.said) from None
        if self.wording and not self.comparator.relative:
            worded = comparator_from_wording(self.wording)
            if worded is not None and worded is not self.comparator:
                raise invalid(
                    "target_wording",
                    wording=self.wording,
                    means=_said(worded),
                    symbol=worded.symbol,
                    comparator=_said(self.comparator),
                )
        if self.comparator.relative and self.baseline_year is None:
            raise invalid("target_needs_baseline", comparator=_said(self.comparator))
        if not self.comparator.relative and self.baseline_year is not None:
            raise invalid("target_no_baseline", comparator=_said(self.comparator))
        if (self.value is None) != (self.comparator is Comparator.NO_INCREASE):
            raise (
                invalid("target_no_increase_value")
                if self.value is not None
                else invalid("target_needs_value", comparator=_said(self.comparator))
            )
        if self.comparator is Comparator.REDUCE_BY and self.value is not None and self.value > 100:
            raise invalid("target_reduction")
        if not self.verified and not self.note:
            raise invalid("target_unverified")
        return self

    @property
    def id(self) -> str:
        """``plan/indicator/year`` (plus ``/scope`` when set), unique in the catalog."""
        parts = [self.plan.id, self.indicator, str(self.year or "standing")]
        return "/".join([*parts, self.scope] if self.scope else parts)

    @property
    def rule(self) -> str:
        """The comparison as written, e.g. ``"< 12 per 100,000"`` or ``"down 40 % on 2012"``."""
        return self.rule_in("en")

    def rule_in(self, lang: str) -> str:
        """The comparison in ``lang`` (``"en"`` or ``"zh"``), worded as in labels.toml.

        Examples
        --------
        >>> import mch_indicators as mch
        >>> target = mch.targets_for("孕产妇死亡率", plan="healthy_china_2030")[0]
        >>> target.rule_in("zh"), target.rule_in("en")
        ('≤12/10万', '≤ 12 per 100,000')
        """
        from mch_indicators._labels import check_lang, label, unit_text

        chosen = check_lang(lang)
        return label(
            "comparators", self.comparator.value, chosen, "rule",
            value="" if self.value is None else f"{self.value:g}",
            unit=unit_text(self.unit, chosen), baseline=self.baseline_year,
        )  # fmt: skip

    def __repr__(self) -> str:
        return target_repr(self)

    def _repr_html_(self) -> str:
        return target_html(self)

    def __str__(self) -> str:
        when = f" by {self.year}" if self.year else ""
        scope = f", {self.scope}" if self.scope else ""
        return f"{self.indicator} {self.rule}{when}{scope} ({self.plan.name.en})"

    def threshold(
        self, unit: str | None = None, *, baseline: npt.ArrayLike | None = None
    ) -> npt.NDArray[np.float64]:
        """The value to compare with, in ``unit`` (default: the target's unit).

        For a relative target the threshold depends on ``baseline`` (the
        baseline year's values, in ``unit``), so it is an array of its shape.

        Examples
        --------
        >>> import mch_indicators as mch
        >>> t = mch.targets_for("stunting_prevalence_u5", plan="global_nutrition_2025")[0]
        >>> t.threshold(baseline=[10.0, 20.0]).tolist()
        [6.0, 12.0]
        """
        if self.comparator.relative:
            if baseline is None:
                raise error_of(
                    InvalidInputError, "target_needs_baseline_values", id=self.id,
                    year=self.baseline_year,
                )  # fmt: skip
            base = coerce_values(baseline, "baseline")
            factor = {
                Comparator.REDUCE_BY: 1 - (self.value or 0) / 100,
                Comparator.INCREASE_BY: 1 + (self.value or 0) / 100,
                Comparator.NO_INCREASE: 1.0,
            }[self.comparator]
            return base * factor
        if baseline is not None:
            raise error_of(InvalidInputError, "target_not_relative", id=self.id)
        target_scale = resolve_unit(self.unit).scale
        wanted_scale = resolve_unit(unit or self.unit).scale
        return np.asarray(float(self.value or 0.0) * wanted_scale / target_scale)

    def evaluate(
        self,
        values: npt.ArrayLike | Result,
        *,
        unit: str | None = None,
        baseline: npt.ArrayLike | None = None,
    ) -> npt.NDArray[np.str_]:
        """Whether each value meets the target: met, not met or not evaluable.

        Parameters
        ----------
        values : array_like or Result
            Indicator values in ``unit``; a :class:`Result` brings its own unit
            and must be of this target's indicator.
        unit : str, optional
            Unit of ``values`` when they are plain numbers; default: the
            target's unit (the indicator's).
        baseline : array_like, optional
            For relative targets (``reduce_by``, ``increase_by``,
            ``no_increase``): the values of the baseline year, in the same
            unit as ``values``; broadcast against them.

        Returns
        -------
        numpy.ndarray of str
            :class:`TargetStatus` values in the broadcast shape. NaN values (or
            baselines) are ``"not evaluable"``. Values are compared unrounded;
            a value within 1e-12 (relative) of the threshold equals it.

        Raises
        ------
        InvalidInputError
            Non-numeric values, a Result of another indicator, a relative target
            without ``baseline`` or an absolute one with it.

        Examples
        --------
        >>> import mch_indicators as mch
        >>> t = mch.targets_for("stunting_prevalence_u5", plan="global_nutrition_2025")[0]
        >>> t.evaluate([5.9, 7.0], baseline=[10.0, 10.0]).tolist()
        ['met', 'not met']
        """
        from mch_indicators._result import Result

        if isinstance(values, Result):
            if values.indicator.id != self.indicator:
                raise error_of(
                    InvalidInputError, "target_other_indicator", id=self.id,
                    indicator=self.indicator, given=values.indicator.id,
                )  # fmt: skip
            if unit is not None:
                raise error_of(InvalidInputError, "target_result_unit")
            unit, array = values.unit, np.asarray(values.value, dtype=np.float64)
        else:
            named = align_labelled(values=values, baseline=baseline)
            array, baseline = coerce_values(named["values"], "values"), named["baseline"]
        limit = self.threshold(unit, baseline=baseline)
        try:
            array, limit = np.broadcast_arrays(array, limit)
        except ValueError:
            raise error_of(
                InvalidInputError, "target_broadcast", shapes=_shapes(array, limit)
            ) from None
        with np.errstate(invalid="ignore"):
            # A threshold computed in floating point (50 × 1.1, 1.2 % in per 1,000) can
            # miss its exact value by a rounding error: within 1e-12 counts as equal.
            equal = np.isclose(array, limit, rtol=_SAME, atol=0.0)
            met = {
                "<": (array < limit) & ~equal,
                "≤": (array <= limit) | equal,
                "≥": (array >= limit) | equal,
                ">": (array > limit) & ~equal,
            }[self.comparator.symbol]
        status = np.where(met, TargetStatus.MET.value, TargetStatus.NOT_MET.value)
        unknown = np.isnan(array) | np.isnan(limit)
        return np.where(unknown, TargetStatus.NOT_EVALUABLE.value, status)

    def applies_in(self, year: int) -> bool:
        """Whether the target is still to be met in ``year``.

        A target applies until the year it is due (a standing criterion, without
        a year, always does); a relative target only from its baseline year on.

        Examples
        --------
        >>> import mch_indicators as mch
        >>> old = mch.targets_for("婴儿死亡率", plan="health_13th_fyp")[0]  # due 2020
        >>> old.applies_in(2020), old.applies_in(2024)
        (True, False)
        """
        if self.year is not None and self.year < year:
            return False
        return self.baseline_year is None or self.baseline_year <= year


# -- loading ---------------------------------------------------------------------------


def _shapes(values: Any, limit: Any) -> str:
    """The two shapes that do not broadcast, as numpy writes them: ``(3,)`` and ``(2,)``."""
    return f"{np.shape(values)} / {np.shape(limit)}"


def _target_at(position: int, indicator: Indicator | None = None) -> Words:
    """``targets.toml, target #3`` (``targets.toml，第3个目标``), then its indicator's id."""
    where = words("targets_target", position=position)
    if indicator is None:
        return where
    return words("targets_target_of", where=where, indicator=indicator.id)


def _load_targets(data: Mapping[str, Any], indicators: Mapping[str, Indicator]) -> list[Target]:
    # The places are said (from the label table) only for a definition refused: the
    # built-in targets load without looking a word up.
    plans: dict[str, Plan] = {}
    for plan_id, body in dict(data.get("plans", {})).items():
        plans[plan_id] = Plan.model_validate(
            {"id": plan_id, **body}, where=functools.partial(words, "targets_plan", plan=plan_id)
        )
    targets: list[Target] = []
    seen: set[str] = set()
    for position, body in enumerate(data.get("target", []), start=1):
        raw = dict(body)
        where = functools.partial(_target_at, position)
        plan = plans.get(raw.get("plan", ""))
        if plan is None:
            raise error_of(
                DefinitionError, "targets_unknown_plan", where=where(), plan=raw.get("plan")
            )
        indicator = indicators.get(raw.get("indicator", ""))
        if indicator is None:
            raise error_of(
                DefinitionError, "targets_unknown_indicator", where=where(),
                indicator=raw.get("indicator"),
            )  # fmt: skip
        raw["plan"] = plan
        raw.setdefault("unit", indicator.unit)
        target = Target.model_validate(
            raw, where=functools.partial(_target_at, position, indicator)
        )
        if target.id in seen:
            raise error_of(DefinitionError, "targets_twice", where=where(), id=target.id)
        seen.add(target.id)
        targets.append(target)
    return targets


@cache
def builtin_targets() -> tuple[Target, ...]:
    """Every target shipped with the package (loaded and validated once)."""
    from mch_indicators._catalog import builtin_catalog

    text = resources.files("mch_indicators.definitions").joinpath("targets.toml")
    data = tomllib.loads(text.read_text(encoding="utf-8"))
    return tuple(_load_targets(data, builtin_catalog()))


def targets_for(
    indicator: str | Indicator,
    *,
    plan: str | None = None,
    variants: bool = False,
    active_in: int | None = None,
) -> tuple[Target, ...]:
    """The built-in targets that apply to an indicator.

    Parameters
    ----------
    indicator : str or Indicator
        Id, alias, Chinese name or code, as for :func:`mch_indicators.get`.
    plan : str, optional
        Only targets of this plan id (``"sdg_2030"``, ``"healthy_china_2030"``...).
    variants : bool, default False
        Also the targets of the indicator's variants and of the indicator it
        varies (China's period ratio and UN IGME's probability, say).
    active_in : int, optional
        Only targets that still apply in this year (:meth:`Target.applies_in`):
        leaves out targets already due (MDG 2015, the 13th five-year plan's
        2020) and relative targets whose baseline year is still to come.

    Returns
    -------
    tuple of Target
        In the order of ``definitions/targets.toml`` (international plans first).

    Examples
    --------
    >>> import mch_indicators as mch
    >>> [t.plan.id for t in mch.targets_for("婴儿死亡率")]  # doctest: +NORMALIZE_WHITESPACE
    ['healthy_china_2030', 'cn_outlines_2030', 'nhc_outlines_implementation_2030',
     'maternal_infant_safety_2025', 'healthy_children_2025', 'health_13th_fyp']
    >>> [t.year for t in mch.targets_for("婴儿死亡率", active_in=2026)]
    [2030, 2030, 2030]
    """
    from mch_indicators._catalog import builtin_catalog

    catalog = builtin_catalog()
    found = catalog.get_indicator(indicator)
    wanted = {i.id for i in catalog.variants(found)} if variants else {found.id}
    known_plans = list(dict.fromkeys(target.plan.id for target in builtin_targets()))
    if plan is not None and plan not in known_plans:
        known = Words.listing(known_plans)
        raise error_of(InvalidInputError, "unknown_plan", plan=plan, known=known)
    if active_in is not None and (isinstance(active_in, bool) or not isinstance(active_in, int)):
        raise error_of(InvalidInputError, "active_in_year", value=active_in)
    return tuple(
        target
        for target in builtin_targets()
        if target.indicator in wanted
        and (plan is None or target.plan.id == plan)
        and (active_in is None or target.applies_in(active_in))
    )
