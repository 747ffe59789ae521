"""Project hygiene that a fresh clone depends on."""

from __future__ import annotations

import re
import tomllib
from importlib.metadata import version
from pathlib import Path

import mch_indicators

ROOT = Path(__file__).resolve().parents[1]


def _readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```bash\n(.+?)\n```", text)[:2]


def test_readme_opens_with_the_two_commands():
    demo, tests = _readme_commands()
    assert demo.endswith("mch-indicators demo")
    assert "pip install -e" in demo
    assert tests.endswith("python -m pytest")


def test_ci_runs_the_readme_test_command_verbatim():
    _, tests = _readme_commands()
    assert tests in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()


def test_version_has_one_source():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["project"]["dynamic"] == ["version"]
    assert project["tool"]["hatch"]["version"]["path"] == "src/mch_indicators/_version.py"
    assert version("mch-indicators") == mch_indicators.__version__


def test_changelog_has_an_unreleased_section():
    assert "## [Unreleased]" in (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")


def test_public_api_is_explicit():
    for name in mch_indicators.__all__:
        assert hasattr(mch_indicators, name), name
    assert mch_indicators.UnitError.__module__ == "mch_indicators"
