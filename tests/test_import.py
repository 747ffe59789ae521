"""`import mch_indicators` stays light: pint, scipy and pandas load only when needed."""

from __future__ import annotations

import json
import subprocess
import sys


def _modules_after(code: str) -> dict[str, bool]:
    script = (
        f"{code}\nimport json, sys\n"
        "names = ('pint', 'scipy', 'pandas', 'matplotlib')\n"
        "print(json.dumps({m: m in sys.modules for m in names}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_import_loads_neither_pint_nor_scipy_nor_pandas_nor_matplotlib():
    assert _modules_after("import mch_indicators") == {
        "pint": False,
        "scipy": False,
        "pandas": False,
        "matplotlib": False,
    }


def test_catalog_lookup_stays_light():
    loaded = _modules_after("import mch_indicators as m; m.get('孕产妇死亡率'); len(m.catalog)")
    assert loaded == {"pint": False, "scipy": False, "pandas": False, "matplotlib": False}


def test_a_first_compute_loads_neither_scipy_nor_pint_nor_pandas():
    """Exact Poisson limits of whole counts and Wilson limits need numpy alone."""
    loaded = _modules_after(
        "import mch_indicators as m; m.get('MMR').compute(2, 26954); "
        "m.get('hospital_delivery_rate_cn').compute(980, 1000)"
    )
    assert loaded == {"pint": False, "scipy": False, "pandas": False, "matplotlib": False}


def _package_modules_after(code: str) -> str:
    """The package's modules loaded by ``code`` in a fresh interpreter, as a printed list."""
    script = f"import sys\n{code}\nprint(sorted(n for n in sys.modules if 'mch_indicators.' in n))"
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    return out.stdout.strip()


def test_get_imports_no_adapter():
    """A lookup loads the catalog and the model, not the pandas, dask or Spark adapters."""
    loaded = _package_modules_after("import mch_indicators as m; m.get('MMR'); m.search('anc')")
    for module in ("_adapters._pandas", "_adapters._dask", "_adapters._spark", "_api", "_io"):
        assert f"mch_indicators.{module}'" not in loaded, module


def test_compute_on_plain_arrays_loads_no_frame_adapter():
    """``mch.compute(indicator=..., numerator=..., denominator=...)`` is a first result too."""
    loaded = _package_modules_after(
        "import mch_indicators as m\n"
        "m.compute(indicator='MMR', numerator=[2, 0], denominator=[26954, 8000])"
    )
    assert "mch_indicators._api'" in loaded  # the entry point did run
    for module in ("_adapters._pandas", "_adapters._dask", "_adapters._spark", "_io"):
        assert f"mch_indicators.{module}'" not in loaded, module


def test_table_functions_are_built_once_on_first_use():
    from mch_indicators import _api

    assert _api.pool is _api.pool
    assert _api.pool.__module__ == "mch_indicators._api"
    assert _api.pool.__name__ == "pool"


def test_notebook_display_loads_neither_pandas_nor_matplotlib():
    loaded = _modules_after(
        "import mch_indicators as m; m.get('MMR')._repr_html_(); m.catalog._repr_html_(); "
        "m.get('MMR').compute([2, 3], 26954)._repr_html_()"
    )
    assert loaded["pandas"] is False and loaded["matplotlib"] is False


def test_the_registry_of_backends_imports_no_table_library():
    script = (
        "import sys, json, mch_indicators as m\n"
        "m.compute(indicator='MMR', numerator=[2], denominator=[26954])\n"
        "m.pool, m.dsr, m.funnel\n"
        "names = ('pandas', 'dask', 'xarray', 'polars', 'pyarrow', 'pyspark', 'narwhals',\n"
        "         'duckdb')\n"
        "print(json.dumps(sorted(n for n in names if n in sys.modules)))"
    )
    run = [sys.executable, "-c", script]
    out = subprocess.run(run, capture_output=True, text=True, check=True)
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []
