"""The public surface follows the rule written in ``mch_indicators/__init__.py``.

The top level holds what knows an indicator; array statistics live in ``stats`` only
(a top-level name shared with ``stats`` is the catalog-aware version of the same
statistic, a function of its own); renamed names warn for one release.
"""

from __future__ import annotations

import inspect

import pytest

import mch_indicators as mch
from mch_indicators import stats

#: stats types that results and options are made of, re-exported on purpose.
VOCABULARY = {"Flag", "Reliability", "Suppression", "thread_limit"}
MOVED_TO_STATS = ["annualize", "arr", "arr_series", "percent_decline", "projection"]


def test_the_rule_is_written_where_the_names_are() -> None:
    doc = mch.__doc__ or ""
    for module in ("stats", "units", "plot", "export", "interop", "records", "testing"):
        assert f":mod:`mch_indicators.{module}`" in doc, module
    assert "What lives where" in doc


def test_the_top_level_reexports_no_array_statistic() -> None:
    from_stats = [
        name
        for name in mch.__all__
        if getattr(getattr(mch, name), "__module__", "").startswith("mch_indicators.stats")
    ]
    assert sorted(from_stats) == sorted(VOCABULARY)


def test_a_name_shared_with_stats_is_the_catalog_aware_version() -> None:
    shared = {name for name in mch.__all__ if name in stats.__all__} - VOCABULARY
    assert shared == {"decompose", "dsr", "isr", "joinpoint", "required_arr", "smooth", "trend"}
    for name in shared:
        top, numeric = getattr(mch, name), getattr(stats, name)
        assert top is not numeric and inspect.isfunction(top), name


@pytest.mark.parametrize("name", MOVED_TO_STATS)
def test_the_moved_statistics_warn_and_give_the_stats_function(name: str) -> None:
    with pytest.warns(DeprecationWarning, match=rf"mch_indicators\.{name} is deprecated"):
        old = getattr(mch, name)
    assert old is getattr(stats, name)
    assert name not in mch.__all__ and name not in dir(mch)
