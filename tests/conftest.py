"""Shared test configuration: hypothesis profiles and small helpers."""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

# The default is deterministic: every run (a developer's, CI's) draws the same examples, so
# a red run is reproducible and CI never turns red on an example no one has seen. Explore new
# examples on purpose with HYPOTHESIS_PROFILE=explore (random, more of them).
settings.register_profile("dev", max_examples=100, deadline=None, derandomize=True)
settings.register_profile(
    "explore",
    max_examples=1000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

# the parsed built-in catalog is cached on disk (mch_indicators._cache): in a folder of this
# run, never in the user's own cache (subprocesses of the tests inherit it)
os.environ.setdefault("MCH_INDICATORS_CACHE_DIR", tempfile.mkdtemp(prefix="mch-cache-"))
# the same profile everywhere (a CI service's CI=1 changes nothing): what passes here passes there
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

#: Set (as .ci/run does where it has installed a font) to make a missing CJK font fail the
#: tests marked ``cjk_font`` instead of skipping them.
REQUIRE_CJK_FONT = "MCH_REQUIRE_CJK_FONT"
NO_CJK_FONT = "no CJK font installed (CI installs fonts-noto-cjk and runs these: .ci/run)"
#: Set (as .ci/floors does, having installed pyspark and a Java runtime) to make a missing
#: pyspark or Java fail the tests marked ``spark`` instead of skipping them.
REQUIRE_SPARK = "MCH_REQUIRE_SPARK"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip the tests that need a CJK font, with the reason, where none is installed."""
    needing = [item for item in items if item.get_closest_marker("cjk_font")]
    if not needing or os.environ.get(REQUIRE_CJK_FONT):
        return
    try:
        from mch_indicators.plot import cjk_font
    except ImportError:  # no matplotlib: the chart tests skip themselves
        return
    if cjk_font() is None:
        for item in needing:
            item.add_marker(pytest.mark.skip(reason=NO_CJK_FONT))


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    """A local Spark session whose Python workers run this interpreter (tests marked spark)."""
    missing = pytest.fail if os.environ.get(REQUIRE_SPARK) else pytest.skip
    if importlib.util.find_spec("pyspark") is None:
        missing("pyspark is not installed")
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        missing("Spark needs Java (java not on PATH, JAVA_HOME unset)")
    import pyspark
    from pyspark.sql import SparkSession

    # the Python workers must import this package: run them on this interpreter
    previous = {name: os.environ.get(name) for name in ("PYSPARK_PYTHON", "PYSPARK_DRIVER_PYTHON")}
    os.environ.update(dict.fromkeys(previous, sys.executable))
    session = (
        SparkSession.builder.master("local[2]")
        .appName("mch_indicators tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "3")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()
    for name, value in previous.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    assert pyspark
