"""The one registry of backends: dispatch by frame type, the indicator looked up once,
one message for what a backend does not take, public signatures written once."""

from __future__ import annotations

import inspect
import pickle
import typing
from typing import Unpack

import dask.dataframe as dd
import numpy as np
import pandas as pd
import polars as pl
import pytest
import xarray as xr

import mch_indicators as mch
from mch_indicators import _api
from mch_indicators._adapters import _keywords
from mch_indicators._adapters._registry import BACKENDS, backend_for
from mch_indicators._catalog import Catalog

COUNTS = pd.DataFrame(
    {
        "city": ["X", "X", "Y"],
        "county": ["a", "b", "c"],
        "maternal_deaths": [1, 2, 0],
        "live_births": [9000, 17954, 5000],
    }
)
PUBLIC = ("compute", "pool", "dsr", "isr", "compare", "funnel", "trend", "trend_line", "joinpoint")


def test_every_backend_function_exists_and_takes_only_public_keywords():
    for backend in BACKENDS:
        for operation in backend.operations:
            function = backend.function(operation)
            assert callable(function), (backend.what, operation)
            public = inspect.signature(getattr(_api, operation)).parameters
            own = inspect.signature(function).parameters
            named = [p for p in list(own)[1:] if own[p].kind is not own[p].VAR_KEYWORD]
            assert set(named) <= set(public), (backend.what, operation, set(named) - set(public))


@pytest.mark.parametrize(
    ("data", "what"),
    [
        (COUNTS, "a pandas DataFrame"),
        (dd.from_pandas(COUNTS, npartitions=1), "a dask DataFrame"),
        (pl.from_pandas(COUNTS), "a polars, pyarrow or DuckDB frame"),
        (xr.Dataset({"maternal_deaths": ("x", [1])}), "an xarray Dataset"),
        (None, "plain arrays (no data=)"),
    ],
)
def test_backend_by_frame_type(data, what):
    backend = backend_for(data)
    assert backend is not None and backend.what == what


def test_objects_no_backend_takes_go_to_the_reference_function():
    assert backend_for([1, 2]) is None
    with pytest.raises(mch.InvalidInputError, match=r"compute\(\) takes .* got list"):
        mch.compute([1, 2], "MMR")
    with pytest.raises(mch.InvalidInputError, match=r"pool\(\) needs a pandas DataFrame, got"):
        mch.pool([1, 2], "MMR")


@pytest.fixture
def lookups(monkeypatch):
    """Counts the catalog look-ups by key (an Indicator given is not looked up)."""
    seen: list[object] = []
    original = Catalog.get_indicator

    def counting(self, key):
        if not isinstance(key, mch.Indicator):
            seen.append(key)
        return original(self, key)

    monkeypatch.setattr(Catalog, "get_indicator", counting)
    return seen


def _dask() -> dd.DataFrame:
    return dd.from_pandas(COUNTS, npartitions=2)


@pytest.mark.parametrize(
    "call",
    [
        lambda: mch.compute(COUNTS, "MMR"),
        lambda: mch.pool(COUNTS, "MMR", by="city"),
        lambda: mch.compute(_dask(), "MMR").compute(),
        lambda: mch.pool(_dask(), "MMR", by="city").compute(),
        lambda: mch.compute(pl.from_pandas(COUNTS), "MMR"),
        lambda: mch.pool(pl.from_pandas(COUNTS), "MMR", by="city"),
        lambda: mch.compute(xr.Dataset({k: ("x", COUNTS[k]) for k in COUNTS}), "MMR"),
        lambda: mch.compute(indicator="MMR", numerator=[1, 2], denominator=[900, 800]),
        lambda: mch.compare(COUNTS, "MMR", benchmark=10.0),
        lambda: mch.compare(_dask(), "MMR", benchmark=10.0).compute(),
    ],
    ids=[
        "pandas compute",
        "pandas pool",
        "dask compute",
        "dask pool",
        "polars compute",
        "polars pool",
        "xarray",
        "arrays",
        "pandas compare",
        "dask compare",
    ],
)
def test_the_indicator_is_looked_up_once(lookups, call):
    call()
    assert lookups == ["MMR"]


def test_a_keyword_a_backend_does_not_take_is_refused_naming_those_that_do():
    frame = pl.from_pandas(COUNTS)
    with pytest.raises(mch.InvalidInputError) as error:
        mch.compute(frame, "MMR", lean=True)
    message = str(error.value)
    assert "lean= is for pandas DataFrames, dask DataFrames and Spark DataFrames" in message
    assert "not for a polars, pyarrow or DuckDB frame" in message
    assert ".to_pandas()" in message
    with pytest.raises(mch.InvalidInputError, match=r"missing=, indicators= are for pandas"):
        mch.pool(_dask(), "MMR", by="city", missing="skip", indicators=["MMR"])
    with pytest.raises(mch.InvalidInputError, match=r"lean= is .* not for plain arrays"):
        mch.compute(indicator="MMR", numerator=[1], denominator=[9], lean=True)
    with pytest.raises(mch.InvalidInputError, match="confidense"):
        mch.pool(_dask(), "MMR", by="city", confidense=0.9)


def test_a_keyword_given_its_default_is_not_refused():
    out = mch.pool(_dask(), "MMR", by="city", missing="propagate", split_out=None)
    assert sorted(out.compute()["city"]) == ["X", "Y"]


def test_several_indicators_and_missing_operations_need_pandas():
    with pytest.raises(mch.InvalidInputError, match="several indicators need a pandas"):
        mch.compute(pl.from_pandas(COUNTS), ["MMR", "IMR"])
    with pytest.raises(mch.InvalidInputError, match=r"funnel\(\) needs a pandas DataFrame, not a"):
        mch.funnel(pl.from_pandas(COUNTS), "MMR")
    with pytest.raises(mch.InvalidInputError, match=r"trend\(\) needs .* call .compute\(\)"):
        mch.trend(_dask(), "MMR")


def test_public_functions_keep_their_names_signatures_and_docs():
    for name in PUBLIC:
        function = getattr(mch, name)
        assert function.__name__ == name and function.__module__ == "mch_indicators._api"
        assert "Examples" in (function.__doc__ or "")
        assert pickle.loads(pickle.dumps(function)) is function
        assert "indicator" in inspect.signature(function).parameters or name in ("dsr", "isr")


def test_results_are_those_of_the_backend_functions():
    direct = mch.compute(indicator="MMR", numerator=np.array([1, 2]), denominator=[900, 800])
    assert np.array_equal(direct.value, mch.get("MMR").compute([1, 2], [900, 800]).value)
    pooled = mch.pool(COUNTS, "MMR", by="city")
    assert pooled["numerator"].tolist() == [3.0, 0.0]


def test_a_class_from_a_packages_private_module_is_recognised():
    # DuckDB 1.4 and 1.5 define DuckDBPyRelation in a module named `_duckdb`
    relation = type("DuckDBPyRelation", (), {"__module__": "_duckdb"})()
    backend = backend_for(relation)
    assert backend is not None and backend.what == "a polars, pyarrow or DuckDB frame"
    assert backend_for(type("Other", (), {"__module__": "_private_thing"})()) is None


def _qualified(frame, **keywords: typing.Unpack[_keywords.PoolKeywords]):
    """Annotated with the module's names written out (the regex read only ``Unpack[T]``)."""


def _quoted(frame, **keywords: Unpack["_keywords.CompareKeywords"]):  # noqa: UP037
    """Annotated with a quoted name inside the brackets."""


def _unannotated(frame, lang="en", **keywords):
    """No ``Unpack``: the compute options."""


def test_the_keywords_of_unpack_are_read_however_the_annotation_is_written():
    """The registry read ``**keywords: Unpack[T]`` with a regex: ``typing.Unpack[m.T]`` or a
    quoted ``T`` fell back to the compute options silently (a backend's ``by`` refused).
    Python's own evaluation of the annotation reads them all."""
    from mch_indicators._adapters._registry import _parameters

    assert _parameters(_qualified) == {"frame"} | _keywords.typed_keys(_keywords.PoolKeywords)
    assert "by" in _parameters(_qualified) and "window" in _parameters(_qualified)
    assert _parameters(_quoted) == {"frame"} | _keywords.typed_keys(_keywords.CompareKeywords)
    compute = _keywords.typed_keys(mch.ComputeOptions)
    assert _parameters(_unannotated) == {"frame", "lang"} | compute


def _undefined(frame, **keywords: Unpack[NoSuchKeywords]):  # noqa: F821
    """An annotation naming nothing."""


def test_an_annotation_that_names_nothing_is_an_error_naming_the_function():
    from mch_indicators._adapters._registry import _parameters

    with pytest.raises(TypeError, match=r"_undefined.*NoSuchKeywords"):
        _parameters(_undefined)
