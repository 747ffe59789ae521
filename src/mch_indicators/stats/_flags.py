"""Per-element quality flags, stored as a bit mask (``uint16``) beside each value."""

from __future__ import annotations

from enum import IntFlag

import numpy as np
import numpy.typing as npt

__all__ = ["FLAG_DTYPE", "Flag", "flag_label_array", "flag_labels"]

FLAG_DTYPE = np.uint16


class Flag(IntFlag):
    """Why a value is missing, unusual or to be read with care.

    Flags combine: ``Flag.MISSING | Flag.ZERO_DENOMINATOR``. A result's
    ``flags`` array holds one such mask per element; ``0`` means no flag.

    Attributes
    ----------
    MISSING
        The numerator or denominator is NaN or None; value and limits are NaN.
    ZERO_DENOMINATOR
        The denominator is 0; value and limits are NaN.
    INVALID
        The numerator exceeds the denominator of a proportion and the call asked
        for ``on_invalid="flag"``; value and limits are NaN.
    ABOVE_DENOMINATOR
        The numerator exceeds an estimated (coverage) denominator: the value is
        above 100 % and kept, as such values are legitimate for coverage.
    UNRELIABLE
        Too few events, or a relative standard error above the threshold, for
        the value to be read on its own (see :class:`mch_indicators.Reliability`).
    SUPPRESSED
        Value and limits withheld by a suppression policy applied on request.
    UNCLASSIFIED
        Counted from records, some of which could not be classified for the
        numerator or the denominator (a missing gestation and weight, an invalid
        code...): the value is kept, but those records could change it. The
        data-quality table of :func:`mch_indicators.compute_records` says how
        many and why.
    INCOMPLETE
        A pooled value over fewer units than its group has: some units did not
        report a count, or were INVALID, and were left out of the sums (only
        when pooling was asked to skip them).
    INCONSISTENT
        The counts of the row break a consistency rule (新生儿死亡数 above
        婴儿死亡数, 住院分娩活产数 above 活产数...; see
        :func:`mch_indicators.validate`): the value is kept, but one of its
        counts is wrong. The checks table says which rule.
    """

    MISSING = 1
    ZERO_DENOMINATOR = 2
    INVALID = 4
    ABOVE_DENOMINATOR = 8
    UNRELIABLE = 16
    SUPPRESSED = 32
    UNCLASSIFIED = 64
    INCOMPLETE = 128
    INCONSISTENT = 256


def flag_label_array(flags: npt.ArrayLike, sep: str = "|") -> npt.NDArray[np.object_]:
    """Readable labels as an object array of the same shape, ``""`` for none.

    Each distinct mask is labelled once, so millions of rows cost one lookup each.

    Examples
    --------
    >>> flag_label_array([[0, 16], [16, 1]]).tolist()
    [['', 'UNRELIABLE'], ['UNRELIABLE', 'MISSING']]
    """
    masks = np.asarray(flags, dtype=np.int64)
    distinct, positions = np.unique(masks.ravel(), return_inverse=True)
    names = [sep.join(f.name or "" for f in Flag if mask & f) for mask in distinct.tolist()]
    labels = np.array(names, dtype=object)
    return labels[positions.ravel()].reshape(masks.shape)


def flag_labels(flags: npt.ArrayLike, sep: str = "|") -> list[str]:
    """Readable labels, one per element (flattened in C order), ``""`` for none.

    Examples
    --------
    >>> flag_labels([0, 3, 8])
    ['', 'MISSING|ZERO_DENOMINATOR', 'ABOVE_DENOMINATOR']
    """
    labels: list[str] = flag_label_array(flags, sep).ravel().tolist()
    return labels
