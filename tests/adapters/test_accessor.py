"""``df.mch``: registered with pandas' own mechanism, when mch_indicators and pandas meet.

The rule (``_adapters/_pandas/_accessor.py``, docs/tables.md): at ``import mch_indicators``
when pandas was imported first; otherwise the first time mch_indicators loads pandas
itself (a call that reads, builds or takes a table). No import hook: ``sys.meta_path``
is left alone.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

pytest.importorskip("pandas")

FRAME = "pd.DataFrame({'infant_deaths': [1], 'live_births': [10]})"


def _run(code: str) -> object:
    script = f"import json, sys\n{code}\n"
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_pandas_first_then_mch_indicators() -> None:
    result = _run(
        "import pandas as pd\nimport mch_indicators\n"
        f"print(json.dumps({FRAME}.mch.compute('IMR')['value'].tolist()))"
    )
    assert result == [100.0]


def test_mch_indicators_first_registers_at_the_first_table_call() -> None:
    result = _run(
        "import mch_indicators as mch\nimport pandas as pd\n"
        f"frame = {FRAME}\n"
        "before = hasattr(frame, 'mch')\n"
        "mch.compute(frame, 'IMR')\n"
        "print(json.dumps([before, frame.mch.compute('IMR')['value'].tolist()]))"
    )
    assert result == [False, [100.0]]


def test_a_table_read_by_mch_indicators_has_the_accessor() -> None:
    result = _run(
        "import io\nimport mch_indicators as mch\n"
        "table = mch.read_table(io.BytesIO(b'infant_deaths,live_births\\n1,10\\n'))\n"
        "print(json.dumps(table.mch.compute('IMR')['value'].tolist()))"
    )
    assert result == [100.0]


def test_no_import_hook_and_no_pandas_at_import() -> None:
    result = _run(
        "finders = list(sys.meta_path)\nimport mch_indicators\n"
        "print(json.dumps([sys.meta_path == finders, 'pandas' in sys.modules]))"
    )
    assert result == [True, False]


def test_the_accessor_is_pandas_registered_class() -> None:
    import pandas as pd

    import mch_indicators  # noqa: F401
    from mch_indicators._adapters._pandas._accessor import MCHAccessor, register

    assert pd.DataFrame.mch is MCHAccessor  # pandas imported first in this process
    assert "mch" in pd.DataFrame._accessors
    register(pd)  # a second registration changes nothing and warns nothing
    assert pd.DataFrame.mch is MCHAccessor
