"""Over-dispersed funnels: Spiegelhalter's (2005) random-effects adjustment.

County indicators vary more than the binomial or Poisson model allows (case mix,
recording, services). Spiegelhalter estimates how much more from the areas'
z-scores on a variance-stabilising scale, after pulling in the most extreme 10 %
at each end so that true outliers do not inflate the estimate:

* transform each area's value y with standard error s under the null
  (proportions: arcsine square root, y = asin √p, s = 1/(2√n); ratios O/E and
  rates: square root, y = √(O/E), s = 1/(2√E), or log, y = log(O/E), s = 1/√E,
  the NHS Summary Hospital-level Mortality Indicator's choice);
* z = (y − y₀)/s; Winsorise (clip) the z-scores at the 10th and 90th centiles,
  or truncate (drop) them as the SHMI does;
* φ = Σ z² / I over the I scores kept;
* multiplicative model: the variance is φ·s², so limits widen by √φ;
* additive model: τ² = (Iφ − (I − 1)) / (Σw − Σw²/Σw), w = 1/s² (0 when
  Iφ ≤ I − 1), the DerSimonian–Laird between-area variance, so limits use
  √(s² + τ²).

The numbers follow the NHS-R FunnelPlotR package (``transformed_zscore``,
``winsorisation``, ``truncation``, ``phi_func``, ``tau_func``); limits are back-
transformed to the indicator's scale.

References: Spiegelhalter DJ (2005) Handling over-dispersion of performance
indicators, Qual Saf Health Care 14:347–351; Spiegelhalter DJ (2005) Funnel plots
for comparing institutional performance, Stat Med 24:1185–1202; NHS Digital, SHMI
specification; Mainey C, FunnelPlotR.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from mch_indicators._errors import InvalidInputError
from mch_indicators._validate import coerce_counts, labelled
from mch_indicators.stats._funnels import FUNNEL_LEVELS, Significance, _labels, _prepare
from mch_indicators.stats._intervals import normal_quantile
from mch_indicators.stats._types import FloatArray

__all__ = ["Dispersion", "funnel_dispersion"]

Transform = Literal["arcsine", "sqrt", "log"]


@dataclass(frozen=True, slots=True, eq=False)
class Dispersion:
    """Spiegelhalter's over-dispersion estimate and the adjusted comparison of each area.

    Attributes
    ----------
    model : {"multiplicative", "additive"}
    transform : {"arcsine", "sqrt", "log"}
    trim : {"winsorise", "truncate"}
    trim_by : float
    phi : float
        The dispersion ratio Σz²/I (1 when the data are as variable as the model says).
    tau2 : float
        The between-area variance on the transformed scale (additive model).
    areas_used : int
        I, the number of z-scores kept after trimming.
    z, adjusted_z : numpy.ndarray
        Each area's z-score before and after the adjustment.
    significance : numpy.ndarray of str
        :class:`Significance` from the adjusted z-scores at 95 % and 99.8 %.
    centre : float
        The centre line on the indicator's scale (average × multiplier, 1 for ratios).
    """

    model: str
    transform: Transform
    trim: str
    trim_by: float
    phi: float
    tau2: float
    areas_used: int
    z: FloatArray
    adjusted_z: FloatArray
    significance: npt.NDArray[np.str_]
    centre: float
    _target: float
    _scale: float
    _per_unit: float = 1.0  # rates: expected events per unit of population (the average)

    @property
    def overdispersed(self) -> bool:
        """True when the areas vary more than the model allows (I·φ > I − 1)."""
        return self.areas_used * self.phi > self.areas_used - 1

    def limits(self, denominator: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
        """Adjusted (lower, upper) limits at 95 % and 99.8 %, shape (2, len(denominator)).

        ``denominator`` is the population (proportions, rates: the whole
        population of the period, whose expected events are the population × the
        average rate) or the expected events (ratios). The limits are on the
        indicator's scale (× multiplier; ratios as O/E).

        Examples
        --------
        >>> from mch_indicators import stats
        >>> d = stats.funnel_dispersion([30, 52, 41, 90, 12, 64, 20, 33],
        ...                             [1000, 1500, 1200, 2000, 800, 1700, 1100, 900],
        ...                             statistic="proportion")
        >>> lower, upper = d.limits([1000.0])  # 95 % and 99.8 %, in percent
        >>> lower[:, 0].round(3).tolist(), upper[:, 0].round(3).tolist()
        ([1.679, 0.971], [5.575, 7.095])
        """
        n = np.atleast_1d(coerce_counts(denominator, "denominator")).astype(np.float64)
        n = n * self._per_unit
        lower = np.empty((2, n.size))
        upper = np.empty((2, n.size))
        for i, level in enumerate(FUNNEL_LEVELS):
            spread = normal_quantile(0.5 + level / 2.0) * self._spread(n)
            lower[i], upper[i] = (
                self._back(self._target - spread),
                self._back(self._target + spread),
            )
        return lower, upper

    def _spread(self, n: FloatArray) -> FloatArray:
        with np.errstate(divide="ignore"):
            s = 1.0 / np.sqrt(n) if self.transform == "log" else 0.5 / np.sqrt(n)
        if self.model == "multiplicative":
            scaled: FloatArray = s * np.sqrt(max(self.phi, 1.0))
            return scaled
        spread: FloatArray = np.sqrt(s * s + self.tau2)
        return spread

    def _back(self, y: FloatArray) -> FloatArray:
        if self.transform == "arcsine":
            return np.sin(np.clip(y, 0.0, np.pi / 2.0)) ** 2 * self._scale
        if self.transform == "sqrt":
            return np.maximum(y, 0.0) ** 2 * self._scale
        return np.asarray(np.exp(y) * self._scale)


def _z_scores(
    x: FloatArray, n: FloatArray, transform: Transform
) -> tuple[FloatArray, FloatArray, float]:
    """(z, s, target on the transformed scale); n is the population or the expected events."""
    with np.errstate(divide="ignore", invalid="ignore"):
        if transform == "arcsine":
            target = float(np.arcsin(np.sqrt(x.sum() / n.sum())))
            s = 0.5 / np.sqrt(n)
            return (np.arcsin(np.sqrt(x / n)) - target) / s, s, target
        if transform == "sqrt":
            s = 0.5 / np.sqrt(n)
            return (np.sqrt(x / n) - 1.0) / s, s, 1.0
        s = 1.0 / np.sqrt(n)
        return np.asarray(np.sqrt(n) * np.log(x / n), dtype=np.float64), s, 0.0


def _winsorise(z: FloatArray, trim_by: float) -> FloatArray:
    low, high = np.quantile(z, [trim_by, 1.0 - trim_by])
    return np.clip(z, low, high)


def _truncate(z: FloatArray, trim_by: float) -> FloatArray:
    from scipy.stats import rankdata

    groups = 1.0 / trim_by
    band = np.floor(rankdata(z, method="average") * groups / (z.size + 1))
    return np.where((band > 0) & (band < groups - 1), z, np.nan)


def _phi_tau2(z_kept: FloatArray, s: FloatArray) -> tuple[float, float, int]:
    kept = ~np.isnan(z_kept)
    used = int(kept.sum())
    if used < 2:
        raise InvalidInputError(
            f"over-dispersion needs at least 2 areas left after trimming, got {used}"
        )
    phi = float(np.sum(z_kept[kept] ** 2) / used)
    if used * phi < used - 1:
        return phi, 0.0, used
    w = 1.0 / s[kept] ** 2
    spread = w.sum() - (w * w).sum() / w.sum()
    if not spread > 0:  # one area carries (to a float's precision) all the weight
        raise InvalidInputError(
            "over-dispersion between areas cannot be estimated: one area's denominator "
            "outweighs all the others together beyond a float's precision"
        )
    tau2 = max(0.0, (used * phi - (used - 1)) / spread)
    return phi, tau2, used


@labelled("numerator", "denominator")
def funnel_dispersion(
    numerator: npt.ArrayLike,
    denominator: npt.ArrayLike | None = None,
    *,
    statistic: str,
    model: str = "additive",
    transform: str | None = None,
    trim: str | None = None,
    trim_by: float = 0.1,
    multiplier: float | None = None,
    rate: npt.ArrayLike | None = None,
    rate_type: str | None = None,
) -> Dispersion:
    """Estimate over-dispersion between areas and compare each area allowing for it.

    Parameters
    ----------
    numerator, denominator, statistic, multiplier, rate, rate_type
        As for :func:`funnel_limits`. For rates the expected events of an area
        are its population × the average rate, and its value is compared as O/E.
    model : {"additive", "multiplicative"}, default "additive"
        Additive random effects (τ², as FunnelPlotR and the CQC do) or a
        multiplicative scale φ (applied only when φ > 1).
    transform : {"arcsine", "sqrt", "log"}, optional
        Default: arcsine for proportions, square root for ratios and rates.
        ``"log"`` is the SHMI's log transform of O/E.
    trim : {"winsorise", "truncate"}, optional
        Default: truncate with the log transform (SHMI), Winsorise otherwise.
    trim_by : float, default 0.1
        The share of areas pulled in (or dropped) at each end.

    Returns
    -------
    Dispersion
        φ, τ², the z-scores before and after adjustment, the adjusted
        significance, and ``.limits(denominators)`` for drawing.

    Examples
    --------
    Eight counties' proportions vary about three times as much as binomial
    sampling allows; of the four outside PHE's 95 % funnel, one stays low:

    >>> from mch_indicators import stats
    >>> d = stats.funnel_dispersion([30, 52, 41, 90, 12, 64, 20, 33],
    ...                             [1000, 1500, 1200, 2000, 800, 1700, 1100, 900],
    ...                             statistic="proportion")
    >>> round(d.phi, 3), round(d.tau2, 6), d.overdispersed
    (3.142, 0.000515, True)
    >>> [str(s) for s in d.significance if s != "not significant"]
    ['low (0.025)']
    """
    prepared = _prepare(
        numerator, denominator, statistic=statistic, multiplier=multiplier, rate=rate,
        ratio_type="count" if statistic == "ratio" else None, rate_type=rate_type, years=None,
        need_years=False,
    )  # fmt: skip
    if model not in ("additive", "multiplicative"):
        raise InvalidInputError(f"model must be 'additive' or 'multiplicative', got {model!r}")
    if not 0.0 <= trim_by < 0.5:
        raise InvalidInputError(f"trim_by must be from 0 to below 0.5, got {trim_by!r}")
    chosen = transform or ("arcsine" if prepared.statistic == "proportion" else "sqrt")
    if chosen not in ("arcsine", "sqrt", "log") or (
        (chosen == "arcsine") != (prepared.statistic == "proportion")
    ):
        raise InvalidInputError(
            "transform must be 'arcsine' for proportions and 'sqrt' or 'log' for ratios and "
            f"rates, got {transform!r}"
        )
    trimming = trim or ("truncate" if chosen == "log" else "winsorise")
    if trimming not in ("winsorise", "truncate"):
        raise InvalidInputError(f"trim must be 'winsorise' or 'truncate', got {trim!r}")
    x, n = prepared.numerator, prepared.denominator
    keep = ~np.isnan(n)
    average = prepared.average
    if prepared.statistic == "rate" and not average > 0:
        raise InvalidInputError(
            "numerator: no events in the areas of the average (a DSR funnel leaves out areas "
            "with 0 events): there is no dispersion between areas to estimate"
        )
    expected = n * average if prepared.statistic == "rate" else n
    z, s, target = _z_scores(x[keep], expected[keep], chosen)  # type: ignore[arg-type]
    kept = _truncate(z, trim_by) if trimming == "truncate" else _winsorise(z, trim_by)
    phi, tau2, used = _phi_tau2(kept, s)
    tau2 = float(tau2)
    if model == "multiplicative":
        adjusted = z / np.sqrt(max(phi, 1.0))
    else:
        adjusted = z * s / np.sqrt(s * s + tau2)
    high = tuple(adjusted > normal_quantile(0.5 + level / 2.0) for level in FUNNEL_LEVELS)
    low = tuple(adjusted < -normal_quantile(0.5 + level / 2.0) for level in FUNNEL_LEVELS)
    labels = np.full(x.shape, Significance.NOT_SIGNIFICANT.value, dtype=object)
    labels[keep] = _labels((high[0], high[1]), (low[0], low[1]))
    full_z = np.full(x.shape, np.nan)
    full_adjusted = np.full(x.shape, np.nan)
    full_z[keep], full_adjusted[keep] = z, adjusted
    per_unit = 1.0
    if prepared.statistic == "proportion":
        centre, scale = average * prepared.multiplier, prepared.multiplier
    elif prepared.statistic == "rate":
        centre = scale = average * prepared.multiplier
        per_unit = average
    else:
        centre, scale = 1.0, 1.0
    return Dispersion(
        model, chosen, trimming, trim_by, phi, tau2, used, full_z, full_adjusted,  # type: ignore[arg-type]
        labels.astype(np.str_), centre, target, scale, per_unit,
    )  # fmt: skip
