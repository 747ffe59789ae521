"""Values, limits and flags for arrays of numerator and denominator counts.

The work runs in one pass over cache-sized blocks: each block is checked,
divided and (for the arithmetic interval methods) given its limits while it is
still in the CPU cache. Only a block that fails the fast check takes the slow
path that sorts out missing, zero and invalid elements; only an input that is
wrong raises, with the offending positions computed on that error path.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from mch_indicators._core._flags import FLAG_DTYPE, Flag
from mch_indicators._core._inputs import (
    broadcast_counts,
    check_range,
    coerce_counts,
    describe_positions,
)
from mch_indicators._core._kernels import fused_kernels
from mch_indicators._core._methods import BLOCK, IntervalMethod
from mch_indicators._core._reliability import Reliability
from mch_indicators._errors import InvalidInputError

__all__ = ["CoreResult", "compute_counts"]

FloatArray = npt.NDArray[np.float64]
OnInvalid = Literal["raise", "flag"]

#: Inputs of at least this many elements are processed on several threads.
PARALLEL_FROM = 1 << 18
#: At most this many threads.
THREADS = 8

#: Poisson limits are tabulated when counts are whole numbers up to this many...
TABLE_MAX = 4096
#: ... and the input has at least this many elements.
TABLE_FROM = 4096
#: Use the optional fused kernel (numba) from this many elements: below it the
#: numpy path is already fast and a first call would pay the compilation.
KERNEL_FROM = 1 << 16

_MISSING = FLAG_DTYPE(Flag.MISSING)
_ZERO = FLAG_DTYPE(Flag.ZERO_DENOMINATOR)
_INVALID = FLAG_DTYPE(Flag.INVALID)
_ABOVE = FLAG_DTYPE(Flag.ABOVE_DENOMINATOR)
_UNRELIABLE = FLAG_DTYPE(Flag.UNRELIABLE)


@dataclass(frozen=True, slots=True)
class CoreResult:
    """Plain arrays: ``lower`` and ``upper`` have one leading axis per confidence level."""

    numerator: FloatArray
    denominator: FloatArray
    value: FloatArray
    lower: FloatArray
    upper: FloatArray
    flags: npt.NDArray[np.uint16]


def _flat(array: FloatArray, shape: tuple[int, ...]) -> FloatArray:
    """A contiguous 1-d view of ``array`` broadcast to ``shape`` (copies only if it must)."""
    if array.shape == shape:
        return np.ascontiguousarray(array).reshape(-1)
    return np.ascontiguousarray(np.broadcast_to(array, shape)).reshape(-1)


def _chunks(size: int) -> list[tuple[int, int]]:
    """Split ``size`` elements into whole blocks, one run per CPU core for large inputs."""
    workers = min(os.cpu_count() or 1, THREADS)
    if size < PARALLEL_FROM or workers < 2:
        return [(0, size)]
    blocks = -(-size // BLOCK)
    per_worker = -(-blocks // workers) * BLOCK
    return [(start, min(start + per_worker, size)) for start in range(0, size, per_worker)]


def _raise_proportion(x: FloatArray, n: FloatArray, above: npt.NDArray[np.bool_]) -> None:
    pairs = np.empty(above.shape, dtype=object)
    for index in map(tuple, np.argwhere(above)[:6]):
        pairs[index] = f"{x[index]:g} > {n[index]:g}"
    raise InvalidInputError(
        "numerator exceeds denominator, impossible for a proportion, at "
        f"{describe_positions(above, pairs, quote=False)}; pass "
        "on_invalid='flag' to get NaN with an INVALID flag instead"
    )


def compute_counts(
    numerator: npt.ArrayLike,
    denominator: npt.ArrayLike,
    *,
    method: IntervalMethod,
    levels: tuple[float, ...],
    scale: float,
    bounded: bool,
    estimated_denominator: bool,
    on_invalid: OnInvalid = "raise",
    reliability: Reliability | None = None,
) -> CoreResult:
    """Compute value = numerator x scale / denominator with intervals and flags.

    Parameters
    ----------
    numerator, denominator
        Counts of any broadcastable shapes; NaN or None marks a missing count.
    method
        Interval method, already checked against the indicator kind.
    levels
        Confidence levels, each strictly between 0 and 1.
    scale
        Display multiplier (100 for percent, 100000 for per 100,000).
    bounded
        True for proportions: a numerator above its denominator is invalid.
    estimated_denominator
        True for coverage: a numerator above the denominator is flagged
        ABOVE_DENOMINATOR and the value kept.
    on_invalid
        ``"raise"`` (default) or ``"flag"`` for a numerator above the
        denominator of a proportion.
    reliability
        Thresholds for the UNRELIABLE flag, or None for no such flag. The RSE
        is binomial for bounded (proportion) data and Poisson otherwise.
    """
    from scipy.special import ndtri

    x_in = coerce_counts(numerator, "numerator")
    n_in = coerce_counts(denominator, "denominator")
    shape = broadcast_counts(x_in, n_in)
    x = _flat(x_in, shape)
    n = _flat(n_in, shape)
    size = x.size

    alphas = [1.0 - level for level in levels]
    zs = [float(ndtri(1.0 - a / 2.0)) for a in alphas]
    value = np.empty(size)
    lower = np.empty((len(levels), size))
    upper = np.empty((len(levels), size))
    flags = np.zeros(size, dtype=FLAG_DTYPE)
    bad = np.zeros(size, dtype=bool)  # pages are only touched where something is bad
    blockwise = method.blockwise
    inf = np.inf
    # UNRELIABLE: Poisson RSE 1/√x > r is x < 1/r²; binomial (n − x)/(n x) > r² is n − x > r² n x
    flag_few = reliability is not None
    r2 = reliability.max_rse**2 if reliability is not None else inf
    few_below = reliability.min_events if reliability is not None else 0.0
    if not bounded and np.isfinite(r2):
        few_below = max(few_below, 1.0 / r2)
    # a block whose smallest count reaches this has no unreliable value (binomial RSE <= 1/√x)
    all_reliable_from = max(few_below, 1.0 / r2) if np.isfinite(r2) else few_below

    def unreliable(xb: FloatArray, nb: FloatArray) -> npt.NDArray[np.bool_]:
        few = xb < few_below
        if bounded and np.isfinite(r2):
            few |= (nb - xb) > r2 * nb * xb
        return few

    # Poisson limits depend on the count only: when every count is a whole number up to
    # TABLE_MAX, tabulate them once and look them up inside the block loop.
    tables: list[tuple[FloatArray, FloatArray]] | None = None
    count_limits = method.count_limits
    if count_limits is not None and size >= TABLE_FROM:
        top, bottom = x.max(), x.min()  # NaN propagates and disables the table
        if bottom >= 0 and top <= TABLE_MAX:
            whole = np.arange(int(top) + 1, dtype=np.float64)
            tables = [count_limits(whole, z, a) for z, a in zip(zs, alphas, strict=True)]
    blockwise = blockwise or tables is not None
    fused = fused_kernels() if len(levels) == 1 and size >= KERNEL_FROM else None
    if fused is not None and not ((method.name == "wilson" and bounded) or tables is not None):
        fused = None
    # the flag kernel's thresholds: -inf and inf where the numpy path tests nothing
    fused_few_below = few_below if flag_few else -inf
    fused_r2 = r2 if flag_few and bounded else inf

    def run_fused(part: slice) -> bool:
        """One block through the compiled kernels; False leaves it to the numpy path."""
        assert fused is not None
        xb, nb = x[part], n[part]
        out = value[part], lower[0, part], upper[0, part]
        if tables is not None:
            done = fused.table(xb, nb, scale, *tables[0], bounded, *out)
        else:
            done = fused.wilson(xb, nb, scale, zs[0], *out)
        if done and (flag_few or estimated_denominator):
            fused.flags(
                xb, nb, flags[part], fused_few_below, fused_r2,
                _UNRELIABLE, estimated_denominator, _ABOVE,
            )  # fmt: skip
        return bool(done)

    def limits(i: int, xs: FloatArray, ns: FloatArray) -> tuple[FloatArray, FloatArray]:
        if tables is not None:
            index = xs.astype(np.intp)
            if np.array_equal(index, xs):
                low_table, high_table = tables[i]
                return low_table[index] / ns, high_table[index] / ns
        return method.limits(xs, ns, zs[i], alphas[i])

    def run(first: int, stop: int) -> bool:
        """Process blocks from ``first`` to ``stop``; return whether any element is bad."""
        # np.errstate is per thread: each worker sets its own
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            return run_blocks(first, stop)

    def run_blocks(first: int, stop: int) -> bool:
        any_bad = False
        for start in range(first, stop, BLOCK):
            part = slice(start, min(start + BLOCK, stop))
            xb, nb = x[part], n[part]
            if fused is not None and run_fused(part):
                continue  # fused loops, identical numbers; otherwise the numpy path
            # reductions, not temporaries: NaN makes every comparison False
            x_min = xb.min()
            ok = x_min >= 0 and xb.max() < inf and nb.min() > 0 and nb.max() < inf
            if ok and bounded:
                ok = bool((xb <= nb).all())
            np.multiply(xb, scale, out=value[part])  # scale first: 110*100/100 is 110
            np.divide(value[part], nb, out=value[part])
            if ok:
                if flag_few and x_min < all_reliable_from:
                    few = unreliable(xb, nb)
                    if few.any():
                        flags[part][few] |= _UNRELIABLE
                if estimated_denominator:
                    above = xb > nb
                    if above.any():
                        flags[part][above] |= _ABOVE
                if blockwise:
                    for i in range(len(levels)):
                        low, high = limits(i, xb, nb)
                        np.multiply(low, scale, out=lower[i, part])
                        np.multiply(high, scale, out=upper[i, part])
                continue
            # slow path: something in this block is missing, zero, invalid or wrong
            if ((xb < 0) | (xb == inf) | (nb < 0) | (nb == inf)).any():
                check_range(x_in, "numerator")
                check_range(n_in, "denominator")
            missing = np.isnan(xb) | np.isnan(nb)
            zero = (nb == 0) & ~missing
            above = (xb > nb) & ~missing & ~zero
            block_flags = flags[part]
            block_flags[missing] |= _MISSING
            block_flags[zero] |= _ZERO
            if bounded and above.any():
                if on_invalid == "raise":
                    whole_x = np.broadcast_to(x_in, shape)
                    whole_n = np.broadcast_to(n_in, shape)
                    _raise_proportion(whole_x, whole_n, whole_x > whole_n)
                block_flags[above] |= _INVALID
                block_bad = missing | zero | above
            else:
                if estimated_denominator:
                    block_flags[above] |= _ABOVE
                block_bad = missing | zero
            if flag_few:
                flags[part][unreliable(xb, nb) & ~block_bad] |= _UNRELIABLE
            any_bad = any_bad or bool(block_bad.any())
            bad[part] = block_bad
            value[part][block_bad] = np.nan
            if blockwise:
                keep = ~block_bad
                for i in range(len(levels)):
                    low, high = limits(i, xb[keep], nb[keep])
                    lower[i, part][keep], upper[i, part][keep] = low * scale, high * scale
                    lower[i, part][block_bad] = np.nan
                    upper[i, part][block_bad] = np.nan
        return any_bad

    chunks = _chunks(size)
    if len(chunks) == 1:
        some_bad = run(*chunks[0])
    else:
        # numpy releases the GIL inside each operation, so blocks run in parallel
        with ThreadPoolExecutor(max_workers=len(chunks)) as pool:
            futures = [pool.submit(run, first, stop) for first, stop in chunks]
            results = [future.result() for future in futures]  # wait for all
        some_bad = any(results)

    if not blockwise:
        keep = ~bad if some_bad else None
        for i, (z, alpha) in enumerate(zip(zs, alphas, strict=True)):
            if keep is None:
                low, high = method.limits(x, n, z, alpha)
                np.multiply(low, scale, out=lower[i])
                np.multiply(high, scale, out=upper[i])
            else:
                low, high = method.limits(x[keep], n[keep], z, alpha)
                lower[i], upper[i] = np.nan, np.nan
                lower[i, keep], upper[i, keep] = low * scale, high * scale
    full = (len(levels), *shape)
    return CoreResult(
        np.broadcast_to(x_in, shape),
        np.broadcast_to(n_in, shape),
        value.reshape(shape),
        lower.reshape(full),
        upper.reshape(full),
        flags.reshape(shape),
    )
