"""Values, limits and flags for arrays of numerator and denominator counts.

The work is planned once (:func:`make_plan`: interval method, levels, thresholds,
tables of Poisson limits, the optional compiled kernels, the thread count) and
then run over cache-sized blocks (:func:`run_blocks`): each block is checked,
divided and (for the arithmetic interval methods) given its limits while it is
still in the CPU cache. Only a block that fails the fast check takes the slow
path (:func:`run_slow_block`) that sorts out missing, zero and invalid elements;
only an input that is wrong raises, with the offending positions computed on
that error path. Each step is a top-level function, testable alone.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Literal, NotRequired, TypedDict, Unpack

import numpy as np
import numpy.typing as npt

from mch_indicators._errors import ON_INVALID_FLAG
from mch_indicators._validate import (
    LARGEST_COUNT,
    SMALLEST_DENOMINATOR,
    align_labelled,
    broadcast_counts,
    check_range,
    coerce_counts,
    refuse_impossible_counts,
)
from mch_indicators.stats._flags import FLAG_DTYPE, Flag
from mch_indicators.stats._gamma import normal_quantile
from mch_indicators.stats._intervals import BLOCK, CountTable, IntervalMethod, count_table
from mch_indicators.stats._kernels import FusedKernels, backend_choice, fused_kernels
from mch_indicators.stats._reliability import Reliability

__all__ = [
    "KERNEL_FROM",
    "PARALLEL_FROM",
    "THREADS_VARIABLE",
    "CoreResult",
    "Counts",
    "Outputs",
    "Plan",
    "Settings",
    "compute_counts",
    "make_plan",
    "prepare_counts",
    "run_blocks",
    "run_fused_block",
    "run_slow_block",
    "thread_budget",
    "thread_count",
    "thread_limit",
    "within_task",
]

FloatArray = npt.NDArray[np.float64]
OnInvalid = Literal["raise", "flag"]

#: Inputs of at least this many elements are processed on several threads.
PARALLEL_FROM = 1 << 18
#: At most this many threads unless told otherwise.
THREADS = 8
#: The environment variable that sets the thread budget (a whole number >= 1).
THREADS_VARIABLE = "MCH_INDICATORS_THREADS"

_LIMIT: ContextVar[int | None] = ContextVar("mch_indicators_thread_limit", default=None)
_IN_TASK: ContextVar[bool] = ContextVar("mch_indicators_in_task", default=False)

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


@dataclass(frozen=True, slots=True)
class Counts:
    """Validated counts: the arrays as given (for messages) and flat contiguous copies.

    ``x`` and ``n`` are the engine's own flat arrays. When an input has the full
    shape, its copy is made block by block while the block is in the CPU cache
    (by the fused kernel in the same loop that computes the block, or by
    :meth:`copy_block`); until then ``x_from`` is where the numbers are read.
    Otherwise ``x_from`` is None and ``x`` is already the broadcast copy.
    """

    x_in: FloatArray
    n_in: FloatArray
    shape: tuple[int, ...]
    x: FloatArray
    n: FloatArray
    x_from: FloatArray | None = None
    n_from: FloatArray | None = None

    @property
    def size(self) -> int:
        """Number of elements after broadcasting."""
        return int(self.x.size)

    def sources(self, part: slice) -> tuple[FloatArray, FloatArray]:
        """Where one block's numbers are read before it is copied."""
        x = self.x if self.x_from is None else self.x_from
        n = self.n if self.n_from is None else self.n_from
        return x[part], n[part]

    def copy_block(self, part: slice) -> None:
        """Copy one block of the inputs into the engine's own arrays."""
        if self.x_from is not None:
            np.copyto(self.x[part], self.x_from[part])
        if self.n_from is not None:
            np.copyto(self.n[part], self.n_from[part])

    def owned_inputs(self) -> tuple[FloatArray, FloatArray]:
        """The counts in the result's shape, in memory the caller cannot reach."""
        return _owned_input(self.x_in, self.x, self.shape), _owned_input(
            self.n_in, self.n, self.shape
        )


class Settings(TypedDict):
    """What one computation is asked for: the keywords of :func:`compute_counts`."""

    method: IntervalMethod
    levels: tuple[float, ...]
    scale: float
    bounded: bool
    estimated_denominator: bool
    on_invalid: NotRequired[OnInvalid]
    reliability: NotRequired[Reliability | None]


@dataclass(frozen=True, slots=True)
class Plan:
    """Everything a block needs to know, decided once per call.

    ``few_below`` and ``r2`` are the UNRELIABLE thresholds (fewer events than
    ``few_below``, or a binomial RSE² above ``r2``); a block whose smallest count
    reaches ``all_reliable_from`` has no unreliable value. ``tables`` holds, per
    level, the Poisson limits of the whole counts up to the table's size and the
    formula beyond (for the kernels; the numpy path reaches the same tables
    through the method); ``kernels`` the compiled block kernels, or None.
    """

    method: IntervalMethod
    levels: tuple[float, ...]
    zs: tuple[float, ...]
    alphas: tuple[float, ...]
    scale: float
    bounded: bool
    estimated_denominator: bool
    on_invalid: OnInvalid
    flag_few: bool
    few_below: float
    r2: float
    all_reliable_from: float
    tables: tuple[CountTable, ...] | None
    kernels: FusedKernels | None
    threads: int


@dataclass(frozen=True, slots=True)
class Outputs:
    """The arrays the blocks write into (flat; limits with a leading level axis)."""

    value: FloatArray
    lower: FloatArray
    upper: FloatArray
    flags: npt.NDArray[np.uint16]
    bad: npt.NDArray[np.bool_]

    @classmethod
    def allocate(cls, size: int, levels: int) -> Outputs:
        """Fresh outputs; ``bad`` pages are only touched where something is bad."""
        return cls(
            np.empty(size),
            np.empty((levels, size)),
            np.empty((levels, size)),
            np.zeros(size, dtype=FLAG_DTYPE),
            np.zeros(size, dtype=bool),
        )


def _fresh(given: object, coerced: FloatArray) -> bool:
    """Whether ``coerced`` is memory the engine made (from a list, another dtype, a mask)."""
    if isinstance(given, list | tuple | int | float):
        return True
    return isinstance(given, np.ndarray) and not np.may_share_memory(coerced, given)


def _flat(
    array: FloatArray, shape: tuple[int, ...], fresh: bool
) -> tuple[FloatArray, FloatArray | None]:
    """(the engine's flat array, where to copy it from block by block, or None).

    An array of the full shape that may be the caller's memory is copied block by
    block (its flat view is read meanwhile); one the engine made is kept; a smaller
    one is broadcast into a fresh array at once.
    """
    if array.shape == shape:
        flat = np.ascontiguousarray(array).reshape(-1)
        return (flat, None) if fresh else (np.empty(array.size), flat)
    return np.ascontiguousarray(np.broadcast_to(array, shape)).reshape(-1), None


def _owned_input(given: FloatArray, flat: FloatArray, shape: tuple[int, ...]) -> FloatArray:
    """The counts in the result's shape: the engine's full copy, or a broadcast of a copy."""
    source = flat if given.shape == shape else np.array(given, copy=True)
    root = source
    while isinstance(root.base, np.ndarray):
        root = root.base
    root.flags.writeable = False  # on the memory itself, so no view can be made writeable
    source.flags.writeable = False
    return source.reshape(shape) if given.shape == shape else np.broadcast_to(source, shape)


def prepare_counts(numerator: npt.ArrayLike, denominator: npt.ArrayLike) -> Counts:
    """Coerce both counts to float64 and broadcast them to flat contiguous arrays.

    Labelled counts (pandas Series, xarray DataArrays) are paired by label.
    """
    named = align_labelled(numerator=numerator, denominator=denominator)
    x_in = coerce_counts(named["numerator"], "numerator")
    n_in = coerce_counts(named["denominator"], "denominator")
    shape = broadcast_counts(x_in, n_in)
    x, x_from = _flat(x_in, shape, _fresh(named["numerator"], x_in))
    n, n_from = _flat(n_in, shape, _fresh(named["denominator"], n_in))
    return Counts(x_in, n_in, shape, x, n, x_from, n_from)


def _whole_number(value: object, origin: str) -> int:
    if isinstance(value, str):
        with suppress(ValueError):
            value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        from mch_indicators._errors import ConfigurationError

        raise ConfigurationError(f"{origin} must be a whole number of threads >= 1, got {value!r}")
    return value


@contextmanager
def thread_limit(threads: int) -> Iterator[None]:
    """Use at most ``threads`` threads per computation inside the ``with`` block.

    Like ``threadpoolctl.threadpool_limits`` for this library's own threads. The
    limit is a context variable: it holds in the current thread and task (and in
    dask's local threaded scheduler, which carries context into its tasks), and
    takes precedence over ``MCH_INDICATORS_THREADS``.

    Examples
    --------
    >>> import mch_indicators as mch
    >>> from mch_indicators.stats._engine import thread_count
    >>> with mch.thread_limit(1):
    ...     thread_count(10_000_000)
    1
    """
    token = _LIMIT.set(_whole_number(threads, "thread_limit()"))
    try:
        yield
    finally:
        _LIMIT.reset(token)


@contextmanager
def within_task() -> Iterator[None]:
    """Mark the enclosed work as one task of a parallel scheduler (one thread by default)."""
    token = _IN_TASK.set(True)
    try:
        yield
    finally:
        _IN_TASK.reset(token)


def _in_dask_worker() -> bool:
    """True inside a task on a ``distributed`` worker (without importing distributed)."""
    worker = sys.modules.get("distributed.worker")
    if worker is None:
        return False
    try:
        worker.get_worker()
    except ValueError:
        return False
    return True


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def thread_budget() -> int:
    """How many threads one large computation may use, from the calling context.

    In order: :func:`thread_limit`; the ``MCH_INDICATORS_THREADS`` environment
    variable; 1 inside a task of a dask worker or of the library's dask
    partitions (the scheduler already runs one task per thread, so the
    library adds none); otherwise one per available core, at most 8.

    Raises
    ------
    ConfigurationError
        ``MCH_INDICATORS_THREADS`` is not a whole number >= 1.
    """
    limit = _LIMIT.get()
    if limit is not None:
        return limit
    setting = os.environ.get(THREADS_VARIABLE, "").strip()
    if setting:
        return _whole_number(setting, THREADS_VARIABLE)
    if _IN_TASK.get() or _in_dask_worker():
        return 1
    return max(1, min(_cores(), THREADS))


def thread_count(size: int) -> int:
    """Threads for ``size`` elements: 1 for small inputs, else :func:`thread_budget`."""
    budget = thread_budget()  # a bad setting fails on first use, whatever the size
    return 1 if size < PARALLEL_FROM else budget


def _thresholds(reliability: Reliability | None, bounded: bool) -> tuple[float, float, float]:
    """(few_below, r2, all_reliable_from) of the UNRELIABLE rule.

    Poisson RSE 1/√x > r is x < 1/r²; binomial (n − x)/(n x) > r² is n − x > r² n x,
    and a binomial RSE is at most 1/√x, so a count of 1/r² or more is reliable.
    """
    if reliability is None:
        return 0.0, np.inf, 0.0
    r2 = float(reliability.max_rse) * float(reliability.max_rse)  # inf, never OverflowError
    few_below = reliability.min_events
    if not bounded and np.isfinite(r2):
        few_below = max(few_below, 1.0 / r2)
    all_reliable_from = max(few_below, 1.0 / r2) if np.isfinite(r2) else few_below
    return few_below, r2, all_reliable_from


def make_plan(counts: Counts, **settings: Unpack[Settings]) -> Plan:
    """Decide once how every block of ``counts`` is computed (see :class:`Settings`)."""
    method, levels, bounded = settings["method"], settings["levels"], settings["bounded"]
    reliability = settings.get("reliability")
    alphas = tuple(1.0 - level for level in levels)
    zs = tuple(normal_quantile(1.0 - a / 2.0) for a in alphas)
    few_below, r2, all_reliable_from = _thresholds(reliability, bounded)
    poisson = method.count_limits is not None
    tables = tuple(count_table(method.name, a) for a in alphas) if poisson else None
    backend_choice()  # a bad MCH_INDICATORS_BACKEND fails on first use, whatever the size
    kernels = fused_kernels() if len(levels) == 1 and counts.size >= KERNEL_FROM else None
    if kernels is not None and not ((method.name == "wilson" and bounded) or tables is not None):
        kernels = None
    return Plan(
        method=method,
        levels=levels,
        zs=zs,
        alphas=alphas,
        scale=settings["scale"],
        bounded=bounded,
        estimated_denominator=settings["estimated_denominator"],
        on_invalid=settings.get("on_invalid", "raise"),
        flag_few=reliability is not None,
        few_below=few_below,
        r2=r2,
        all_reliable_from=all_reliable_from,
        tables=tables,
        kernels=kernels,
        threads=thread_count(counts.size),
    )


def _unreliable(plan: Plan, xb: FloatArray, nb: FloatArray) -> npt.NDArray[np.bool_]:
    few = xb < plan.few_below
    if plan.bounded and np.isfinite(plan.r2):
        few |= (nb - xb) > plan.r2 * nb * xb
    return few


def run_fused_block(plan: Plan, counts: Counts, out: Outputs, part: slice) -> bool:
    """One block through the compiled kernels; False (nothing written) leaves it to numpy.

    The kernel also copies the block's counts into the engine's own arrays.
    """
    kernels = plan.kernels
    assert kernels is not None
    xs, ns = counts.sources(part)
    copies = counts.x[part], counts.n[part], counts.x_from is not None, counts.n_from is not None
    # the flag thresholds: -inf and inf where the numpy path tests nothing
    few_below = plan.few_below if plan.flag_few else -np.inf
    r2 = plan.r2 if plan.flag_few and plan.bounded else np.inf
    thresholds = (few_below, r2, _UNRELIABLE, plan.estimated_denominator, _ABOVE)
    outputs = out.value[part], out.lower[0, part], out.upper[0, part], out.flags[part]
    if plan.tables is not None:
        t = plan.tables[0]
        table = t.low, t.high, t.formula, t.z, t.low_series, t.high_series
        done = kernels.counts(xs, ns, copies, plan.scale, table, plan.bounded, thresholds, outputs)
    else:
        done = kernels.wilson(xs, ns, copies, plan.scale, plan.zs[0], thresholds, outputs)
    return bool(done)


def _run_plain_block(
    plan: Plan, xb: FloatArray, nb: FloatArray, out: Outputs, part: slice
) -> None:
    """Flags and limits of a block whose elements are all plain (value already written)."""
    if plan.flag_few and xb.min() < plan.all_reliable_from:
        few = _unreliable(plan, xb, nb)
        if few.any():
            out.flags[part][few] |= _UNRELIABLE
    if plan.estimated_denominator:
        above = xb > nb
        if above.any():
            out.flags[part][above] |= _ABOVE
    for i in range(len(plan.levels)):
        low, high = plan.method.limits(xb, nb, plan.zs[i], plan.alphas[i])
        np.multiply(low, plan.scale, out=out.lower[i, part])
        np.multiply(high, plan.scale, out=out.upper[i, part])


def run_slow_block(plan: Plan, counts: Counts, out: Outputs, part: slice) -> bool:
    """A block holding something missing, zero, invalid or wrong; return whether any is bad.

    Raises :class:`InvalidInputError` (naming positions in the whole input) for
    negative or infinite counts, and for a numerator above the denominator of a
    proportion unless the plan says ``on_invalid="flag"``.
    """
    xb, nb = counts.x[part], counts.n[part]
    top, tiny = LARGEST_COUNT, SMALLEST_DENOMINATOR
    if ((xb < 0) | (xb > top) | (nb < 0) | (nb > top) | ((nb > 0) & (nb < tiny))).any():
        check_range(counts.x_in, "numerator")
        check_range(counts.n_in, "denominator", denominator=True)
    missing = np.isnan(xb) | np.isnan(nb)
    zero = (nb == 0) & ~missing
    above = (xb > nb) & ~missing & ~zero
    block_flags = out.flags[part]
    block_flags[missing] |= _MISSING
    block_flags[zero] |= _ZERO
    if plan.bounded and above.any():
        if plan.on_invalid == "raise":
            # zero denominators are flagged, not refused: only the numerators above their
            # denominator, named in the whole input
            whole_x = np.broadcast_to(counts.x_in, counts.shape)
            whole_n = np.broadcast_to(counts.n_in, counts.shape)
            refuse_impossible_counts(
                whole_x, whole_n, "numerator", events_over_zero=False, hint=ON_INVALID_FLAG
            )
        block_flags[above] |= _INVALID
        block_bad = missing | zero | above
    else:
        if plan.estimated_denominator:
            block_flags[above] |= _ABOVE
        block_bad = missing | zero
    if plan.flag_few:
        block_flags[_unreliable(plan, xb, nb) & ~block_bad] |= _UNRELIABLE
    out.bad[part] = block_bad
    out.value[part][block_bad] = np.nan
    keep = ~block_bad
    for i in range(len(plan.levels)):
        low, high = plan.method.limits(xb[keep], nb[keep], plan.zs[i], plan.alphas[i])
        out.lower[i, part][keep] = low * plan.scale
        out.upper[i, part][keep] = high * plan.scale
        out.lower[i, part][block_bad] = np.nan
        out.upper[i, part][block_bad] = np.nan
    return bool(block_bad.any())


def _in_range(xb: FloatArray, nb: FloatArray) -> bool:
    """Whether every count of a block is present and in range (NaN fails every comparison)."""
    return bool(
        xb.min() >= 0
        and xb.max() <= LARGEST_COUNT
        and nb.min() >= SMALLEST_DENOMINATOR
        and nb.max() <= LARGEST_COUNT
    )


def _contain(plan: Plan, out: Outputs, part: slice) -> None:
    """Keep each value inside its limits and a proportion inside [0, scale].

    The value (x·scale)/n and the limits are rounded separately, so at a
    boundary (x = n) or for huge counts the value can fall an ulp outside its
    interval, or above 100 %. A proportion is capped at the scale (x <= n makes
    that exact) and the limits are widened by that ulp, never narrowed.
    """
    value = out.value[part]
    if plan.bounded:
        np.minimum(value, plan.scale, out=value)
    for i in range(len(plan.levels)):
        np.minimum(out.lower[i, part], value, out=out.lower[i, part])
        np.maximum(out.upper[i, part], value, out=out.upper[i, part])


def _run_block(plan: Plan, counts: Counts, out: Outputs, part: slice) -> bool:
    """Value, flags and limits of one block; return whether any element is bad."""
    if plan.kernels is not None and run_fused_block(plan, counts, out, part):
        return False  # fused loops (copies, range checks and _contain included), same numbers
    counts.copy_block(part)
    xb, nb = counts.x[part], counts.n[part]
    # reductions, not temporaries: NaN makes every comparison False
    ok = _in_range(xb, nb)
    if ok and plan.bounded:
        ok = bool((xb <= nb).all())
    np.multiply(xb, plan.scale, out=out.value[part])  # scale first: 110*100/100 is 110
    np.divide(out.value[part], nb, out=out.value[part])
    if ok:
        _run_plain_block(plan, xb, nb, out, part)
        bad = False
    else:
        bad = run_slow_block(plan, counts, out, part)
    _contain(plan, out, part)
    return bad


def run_blocks(plan: Plan, counts: Counts, out: Outputs, first: int, stop: int) -> bool:
    """Process the blocks from ``first`` to ``stop``; return whether any element is bad."""
    any_bad = False
    # np.errstate is per thread: each worker sets its own
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        for start in range(first, stop, BLOCK):
            part = slice(start, min(start + BLOCK, stop))
            any_bad = _run_block(plan, counts, out, part) or any_bad
    return any_bad


def _chunks(size: int, threads: int) -> list[tuple[int, int]]:
    """Split ``size`` elements into whole blocks, one run per thread."""
    if threads < 2:
        return [(0, size)]
    blocks = -(-size // BLOCK)
    per_thread = -(-blocks // threads) * BLOCK
    return [(start, min(start + per_thread, size)) for start in range(0, size, per_thread)]


def _run_all(plan: Plan, counts: Counts, out: Outputs) -> bool:
    chunks = _chunks(counts.size, plan.threads)
    if len(chunks) == 1:
        return run_blocks(plan, counts, out, *chunks[0])
    from concurrent.futures import ThreadPoolExecutor  # here: a first small call needs no pool

    # numpy releases the GIL inside each operation, so blocks run in parallel
    with ThreadPoolExecutor(max_workers=len(chunks)) as pool:
        futures = [pool.submit(run_blocks, plan, counts, out, *chunk) for chunk in chunks]
        results = [future.result() for future in futures]  # wait for all
    return any(results)


def compute_counts(
    numerator: npt.ArrayLike, denominator: npt.ArrayLike, **settings: Unpack[Settings]
) -> CoreResult:
    """Compute value = numerator x scale / denominator with intervals and flags.

    Parameters
    ----------
    numerator, denominator
        Counts of any broadcastable shapes; NaN or None marks a missing count.
    method
        Interval method, already checked against the kind of data.
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
    counts = prepare_counts(numerator, denominator)
    plan = make_plan(counts, **settings)
    levels = plan.levels
    out = Outputs.allocate(counts.size, len(levels))
    _run_all(plan, counts, out)
    shape = counts.shape
    full = (len(levels), *shape)
    numerators, denominators = counts.owned_inputs()
    for array in (out.value, out.lower, out.upper, out.flags):
        array.flags.writeable = False  # the result's own memory: nobody writes to it again
    return CoreResult(
        numerators,
        denominators,
        out.value.reshape(shape),
        out.lower.reshape(full),
        out.upper.reshape(full),
        out.flags.reshape(shape),
    )
