"""Deprecated spellings, kept for one release with a :class:`DeprecationWarning`.

A renamed or moved public name keeps working under its old spelling until the
release named by :data:`REMOVED_IN`, warning once per call site (Python's default
filter) with the new spelling. ``CHANGELOG.md`` lists each one under *Deprecated*.

>>> import warnings
>>> with warnings.catch_warnings(record=True) as caught:
...     warnings.simplefilter("always")
...     warn_renamed("mch_indicators.old", "mch_indicators.new")
>>> print(caught[0].message)
mch_indicators.old is deprecated and will be removed in mch_indicators 0.2: use mch_indicators.new
"""

from __future__ import annotations

import warnings

__all__ = ["REMOVED_IN", "warn_renamed"]

#: The release that drops the deprecated spellings.
REMOVED_IN = "0.2"


def warn_renamed(old: str, new: str, *, stacklevel: int = 3) -> None:
    """Warn that ``old`` is deprecated in favour of ``new``, pointing at the caller's line.

    ``stacklevel=3`` points past the shim that calls this at the user's code.
    """
    warnings.warn(
        f"{old} is deprecated and will be removed in mch_indicators {REMOVED_IN}: use {new}",
        DeprecationWarning,
        stacklevel=stacklevel,
    )
