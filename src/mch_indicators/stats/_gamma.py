"""Quantiles of the gamma distribution for exact Poisson limits, without scipy.

The exact (Garwood) limits of a Poisson count k are gamma quantiles: the lower
limit is the quantile of shape k at probability alpha/2, the upper one that of shape
k + 1 at 1 - alpha/2. Two ways compute them here, each accurate to a few units in
the last place (checked against mpmath and scipy in ``tests/stats/test_gamma.py``):

* from a shape of :func:`series_from` on (about 20 to 50 at the usual levels, more
  at extreme ones), a series in powers of a^(-1/2) (:data:`SERIES`, the Cornish-Fisher
  form of Temme's uniform asymptotic inversion; derived exactly by
  ``scripts/gamma_quantile_series.py``): x = a + sqrt(a) (z + c_0(z) s + c_1(z) s^2
  + ...), s = a^(-1/2). Its truncation error is below 1e-17 of x there. It uses
  only +, -, *, / and sqrt, element by element, so the optional compiled kernels
  evaluate it to the same bits as numpy (:func:`series_quantile`);
* below that, for whole counts, Newton's method on the logarithm of the Poisson
  tail, which is a finite or fast-converging sum of positive terms
  (:func:`whole_count_quantiles`).

Counts that are neither whole nor large (a weighted 2.5 deaths) are left to scipy.
"""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np

from mch_indicators.stats._types import FloatArray

__all__ = [
    "SERIES",
    "lower_series",
    "normal_quantile",
    "series_from",
    "series_limit",
    "shortened",
    "upper_series",
    "whole_count_quantiles",
]


#: c_k(z) for k = 0..19, each a polynomial in z (coefficients of z^0, z^1, ...),
#: written by ``python scripts/gamma_quantile_series.py 20`` (exact rationals, rounded).
SERIES: tuple[tuple[float, ...], ...] = (
    (-0.3333333333333333, 0.0, 0.3333333333333333),
    (0.0, -0.19444444444444445, 0.0, 0.027777777777777776),
    (0.019753086419753086, 0.0, -0.008641975308641974, 0.0, -0.003703703703703704),
    (0.0, -0.011136831275720165, 0.0, 0.006584362139917695, 0.0, 0.0002314814814814815),
    (
        0.007211444248481286,
        0.0,
        -0.004521849892220263,
        0.0,
        -0.0011904761904761906,
        0.0,
        5.878894767783657e-05,
    ),
    (
        0.0,
        0.0019713145317569185,
        0.0,
        0.0019699536764865985,
        0.0,
        -2.9619014958521132e-05,
        0.0,
        -2.553644914756026e-05,
    ),
    (
        0.0006526298981717363,
        0.0,
        -0.0019049977863420935,
        0.0,
        -0.0001726108824874257,
        0.0,
        8.37198162301043e-05,
        0.0,
        4.899078973153047e-06,
    ),
    (
        0.0,
        0.0017720095753556973,
        0.0,
        0.0003315300488940178,
        0.0,
        -0.00012957468509809046,
        0.0,
        -2.5886869379667732e-05,
        0.0,
        -2.428276122977769e-07,
    ),
    (
        -0.0012385769635511374,
        0.0,
        -0.0003422181639308517,
        0.0,
        0.00015464459476106582,
        0.0,
        6.401354139884852e-05,
        0.0,
        3.1606390583680632e-06,
        0.0,
        -1.85406221071516e-07,
    ),
    (
        0.0,
        0.00018480123844331257,
        0.0,
        -0.00021062606246895457,
        0.0,
        -0.00010892212692274078,
        0.0,
        -1.2067700029214249e-05,
        0.0,
        7.141944463516492e-07,
        0.0,
        7.542464855411896e-08,
    ),
    (
        -0.0004509888376840951,
        0.0,
        0.00033242239699043496,
        0.0,
        0.00015965487056649542,
        0.0,
        2.584903934438905e-05,
        0.0,
        -1.2910952342610796e-06,
        0.0,
        -4.862830116312092e-07,
        0.0,
        -1.47216272806884e-08,
    ),
    (
        0.0,
        -0.000580699948552732,
        0.0,
        -0.00021660803036033374,
        0.0,
        -3.8088777470510184e-05,
        0.0,
        2.3373997567293168e-06,
        0.0,
        1.6169950999454123e-06,
        0.0,
        1.2597739160689628e-07,
        0.0,
        5.159887341078076e-10,
    ),
    (
        0.0006639604003340528,
        0.0,
        0.00027055607600347514,
        0.0,
        3.5204146127751125e-05,
        0.0,
        -7.441658238208083e-06,
        0.0,
        -4.03057610274527e-06,
        0.0,
        -5.215193450492114e-07,
        0.0,
        -1.0727261975015052e-08,
        0.0,
        7.32986413160022e-10,
    ),
    (
        0.0,
        -0.00024025308389214985,
        0.0,
        1.191280264468795e-05,
        0.0,
        2.588026549396464e-05,
        0.0,
        9.103421322062891e-06,
        0.0,
        1.4596007989857974e-06,
        0.0,
        6.134899589490101e-08,
        0.0,
        -5.3823156694394545e-09,
        0.0,
        -2.921357345635569e-10,
    ),
    (
        0.000449835386727579,
        0.0,
        -0.00015313216335369304,
        0.0,
        -7.531125874348814e-05,
        0.0,
        -1.9675371733794243e-05,
        0.0,
        -3.187050776764147e-06,
        0.0,
        -1.805735457340096e-07,
        0.0,
        2.2228338885458432e-08,
        0.0,
        2.8318979540274848e-09,
        0.0,
        5.717312238897994e-11,
    ),
    (
        0.0,
        0.00048159686870936924,
        0.0,
        0.00017527264149279576,
        0.0,
        3.877459310945645e-05,
        0.0,
        5.493108314496663e-06,
        0.0,
        2.56358314487599e-07,
        0.0,
        -7.977786275770376e-08,
        0.0,
        -1.4366423633156926e-08,
        0.0,
        -6.665556111231443e-10,
        0.0,
        -1.5008349408791911e-12,
    ),
    (
        -0.0007659032345718181,
        0.0,
        -0.0003254642731456802,
        0.0,
        -5.9849859553059604e-05,
        0.0,
        -5.49533115543186e-06,
        0.0,
        4.1534477790124346e-07,
        0.0,
        2.915323529852382e-07,
        0.0,
        5.312715013764896e-08,
        0.0,
        3.806053764149609e-09,
        0.0,
        3.910904301146646e-11,
        0.0,
        -3.239317851416903e-12,
    ),
    (
        0.0,
        0.00040441705067936794,
        0.0,
        3.9288921792729645e-05,
        0.0,
        -9.66389643804874e-06,
        0.0,
        -4.449369000598513e-06,
        0.0,
        -1.0387690624827128e-06,
        0.0,
        -1.6500853528855848e-07,
        0.0,
        -1.4422469059671219e-08,
        0.0,
        -2.6905468454014667e-10,
        0.0,
        3.574321056092103e-11,
        0.0,
        1.2822077905614429e-12,
    ),
    (
        -0.0007597853853152098,
        0.0,
        0.00014582191706458646,
        0.0,
        7.84393438073095e-05,
        0.0,
        1.9232620192929126e-05,
        0.0,
        3.320218464618623e-06,
        0.0,
        4.4672074660733784e-07,
        0.0,
        3.9827196465816445e-08,
        0.0,
        7.371149030356418e-10,
        0.0,
        -2.2426106071696063e-10,
        0.0,
        -1.6688055607993012e-11,
        0.0,
        -2.513834640057088e-13,
    ),
    (
        0.0,
        -0.000747423781545334,
        0.0,
        -0.0002743672110338523,
        0.0,
        -5.9299811078959274e-05,
        0.0,
        -8.761385085446422e-06,
        0.0,
        -9.762954682915173e-07,
        0.0,
        -7.123626766229464e-08,
        0.0,
        1.3833076515233446e-09,
        0.0,
        1.1339087512400789e-09,
        0.0,
        1.1382832075513859e-10,
        0.0,
        3.683726902494844e-12,
        0.0,
        5.2401866818838735e-15,
    ),
)

#: The series is used where its first omitted terms are below this fraction of x.
_SERIES_TOLERANCE = 1e-17
#: ... and never below this shape (the series is asymptotic).
_SERIES_FLOOR = 20.0


def normal_quantile(p: float) -> float:
    """The standard normal quantile: ``normal_quantile(0.975)`` is 1.959963...

    The standard library's (Wichura's AS 241), as accurate as scipy's ``ndtri``.

    Examples
    --------
    >>> round(normal_quantile(0.975), 6)
    1.959964
    """
    return NormalDist().inv_cdf(p)


def _polynomials_at(z: float) -> list[float]:
    """c_0(z), ..., c_19(z)."""
    values = []
    for polynomial in SERIES:
        total = 0.0
        for coefficient in reversed(polynomial):
            total = total * z + coefficient
        values.append(total)
    return values


def _binomial_series(power: float, terms: int) -> list[float]:
    """Coefficients of (1 + t)^power in powers of t."""
    out = [1.0]
    for j in range(1, terms):
        out.append(out[-1] * (power - j + 1) / j)
    return out


def lower_series(tail: float) -> FloatArray:
    """Coefficients v of the lower exact limit of a count k: k + sqrt(k) (v_0 + v_1 s + ...).

    The limit solves P(k, x) = ``tail``; s = 1/sqrt(k); v = (z, c_0(z), c_1(z), ...)
    with z the normal quantile of ``tail``.
    """
    z = normal_quantile(tail)
    return np.array([z, *_polynomials_at(z)])


def upper_series(tail: float) -> FloatArray:
    """Coefficients v of the upper exact limit of a count k: k + sqrt(k) (v_0 + v_1 s + ...).

    The limit solves Q(k + 1, x) = ``tail``, the gamma quantile of shape k + 1,
    a + sqrt(a) (z + c_0 t + c_1 t^2 + ...) with a = k + 1, t = 1/sqrt(a) and z the
    normal quantile of 1 - ``tail``. Written in s = 1/sqrt(k) instead (one square
    root and one division per count for both limits), with a = k (1 + s^2) and
    t = s (1 + s^2)^(-1/2): v(s) = s + z (1 + s^2)^(1/2) + sum c_j s^(j+1)
    (1 + s^2)^(-j/2), each power of (1 + s^2) expanded by the binomial series and
    the whole truncated to the length of the lower series.
    """
    z = -normal_quantile(tail)
    c = _polynomials_at(z)
    length = len(c) + 1
    v = np.zeros(length)
    v[1] += 1.0
    for j, b in enumerate(_binomial_series(0.5, (length + 1) // 2)):
        v[2 * j] += z * b
    for k, ck in enumerate(c):  # c_k t^(k+1) = c_k s^(k+1) (1 + s^2)^(-(k+1)/2) ...
        for j, b in enumerate(_binomial_series(-k / 2.0, length)):
            if k + 1 + 2 * j >= length:
                break
            v[k + 1 + 2 * j] += ck * b  # ... times (1 + s^2)^(1/2): the power is -k/2
    return v


def _term_start(coefficient: float, power: int, tolerance: float) -> float:
    """The count from which |coefficient| k^(-(power + 1)/2) is at most ``tolerance``."""
    return (abs(coefficient) / tolerance) ** (2.0 / (power + 1)) if coefficient else 0.0


def series_from(*coefficients: FloatArray) -> float:
    """The smallest count from which :func:`series_limit` holds with these coefficients.

    The relative size of term m is |v_m| k^(-(m + 1)/2); the count is where the
    last two terms fall below 1e-17 (the error of an asymptotic series is about
    its first omitted term), and at least 20.
    """
    start = _SERIES_FLOOR
    for v in coefficients:
        for m in (len(v) - 2, len(v) - 1):
            start = max(start, _term_start(float(v[m]), m, _SERIES_TOLERANCE))
    return float(math.ceil(start))


def shortened(coefficients: FloatArray, start: float) -> FloatArray:
    """The leading coefficients that give the same limits from count ``start`` on.

    Every term dropped is below 1e-18 of the limit there (and falls with the count).
    """
    keep = len(coefficients)
    while keep > 2 and _term_start(float(coefficients[keep - 1]), keep - 1, 1e-18) <= start:
        keep -= 1
    short = np.array(coefficients[:keep])
    short.flags.writeable = False
    return short


def series_limit(
    count: FloatArray, coefficients: FloatArray, out: FloatArray | None = None
) -> FloatArray:
    """The limit k + r w of each count (all at least :func:`series_from`).

    r = sqrt(k), s = 1 / r and w = v_0 + s (v_1 + s (v_2 + ...)), in this order
    (the compiled kernels repeat it operation by operation).
    """
    root = np.sqrt(count)
    s = 1.0 / root
    w = np.full_like(count, coefficients[-1])
    for coefficient in coefficients[-2::-1]:
        w *= s
        w += coefficient
    w *= root
    return np.add(count, w, out=out)


def _stirling_gap(k: FloatArray) -> FloatArray:
    """K ln k - k - ln k! for whole k >= 1 (Stirling's series from 20 on, exact below)."""
    gap = np.empty_like(k)
    small = k < 20
    for i in np.flatnonzero(small):
        whole = int(k[i])
        gap[i] = whole * math.log(whole) - whole - math.log(math.factorial(whole))
    big = k[~small]
    inverse = 1.0 / big
    square = inverse * inverse
    tail = inverse * (
        -1.0 / 12
        + square * (1.0 / 360 + square * (-1.0 / 1260 + square * (1.0 / 1680 - square / 1188)))
    )
    gap[~small] = tail - 0.5 * np.log(2.0 * math.pi * big)
    return gap


def _log_poisson_term(
    k: FloatArray, gap: FloatArray, x: FloatArray, log_x: FloatArray
) -> FloatArray:
    """ln(e^-x x^k / k!) for whole k >= 1, as gap - k D with D = x/k - 1 - ln(x/k).

    In this form the large terms k ln x and ln k! never meet. D is computed as
    sigma - ln(1 + sigma), sigma = x/k - 1, near x = k (an error of about |x - k|
    ulps), and from ln x itself far below k, where 1 + sigma would lose x's digits.
    """
    sigma = (x - k) / k
    near = sigma - np.log1p(sigma)
    far = sigma - (log_x - np.log(k))
    return gap - k * np.where(sigma > -0.5, near, far)


def _tail_sum(k: FloatArray, x: FloatArray, upper: bool) -> FloatArray:
    """The Poisson tail over its first term, a sum of positive terms that fall fast.

    Upper: Q(k + 1, x) / term_k = 1 + k/x + k(k - 1)/x^2 + ... (k + 1 terms);
    lower: P(k, x) / term_k = 1 + x/(k + 1) + x^2/((k + 1)(k + 2)) + ...; summed
    until the terms stop counting.
    """
    total = np.ones_like(x)
    term = np.ones_like(x)
    m = 1.0
    while True:
        term *= np.maximum(k + 1.0 - m, 0.0) / x if upper else x / (k + m)
        total += term
        if not (term > 1e-17 * total).any():
            return total
        m += 1.0


def whole_count_quantiles(top: int, tail: float, upper: bool) -> FloatArray:
    """Exact Poisson limits of the whole counts 0, 1, ..., ``top`` - 1.

    The lower limit of k solves P(k, x) = ``tail`` (0 for k = 0), the upper one
    Q(k + 1, x) = ``tail``, where P and Q are the regularised incomplete gamma
    functions, i.e. the Poisson tails P(X >= k) and P(X <= k) for a mean of x.
    Newton's method on ln(tail sum) against ln x: both logarithms are concave in
    ln x, so the iteration converges from any start, monotonically after one step.

    Examples
    --------
    >>> low = whole_count_quantiles(3, 0.025, upper=False)
    >>> high = whole_count_quantiles(3, 0.025, upper=True)
    >>> [round(float(v), 6) for v in low], [round(float(v), 6) for v in high]
    ([0.0, 0.025318, 0.242209], [3.688879, 5.571643, 7.224688])
    """
    out = np.zeros(top)
    if upper and top:
        out[0] = -math.log(tail)  # Q(1, x) = e^-x
    first = 1
    k = np.arange(first, top, dtype=np.float64)
    if not k.size:
        return out
    gap = _stirling_gap(k)
    log_tail = math.log(tail)
    z = normal_quantile(1.0 - tail) if upper else normal_quantile(tail)
    shape = k + 1.0 if upper else k
    # a start (Wilson and Hilferty), kept positive; any positive start converges
    root = np.cbrt(np.maximum(1.0 - 1.0 / (9.0 * shape) + z / (3.0 * np.sqrt(shape)), 1e-3))
    log_x = np.log(shape) + 3.0 * np.log(root)
    done = False
    for _ in range(100):  # quadratic convergence: a handful of steps, then one more
        x = np.exp(log_x)
        log_term = _log_poisson_term(k, gap, x, log_x)
        sums = _tail_sum(k, x, upper)
        slope = -x / sums if upper else k / sums  # d ln(tail) / d ln(x)
        step = (log_term + np.log(sums) - log_tail) / slope
        log_x -= step
        if done:
            break
        done = not (np.abs(step) > 1e-9).any()
    out[first:] = np.exp(log_x)
    return out
