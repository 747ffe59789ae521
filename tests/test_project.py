"""Project hygiene that a fresh clone depends on."""

from __future__ import annotations

import itertools
import re
import tomllib
from importlib.metadata import version
from pathlib import Path

import mch_indicators
from reference_data import FOLDER, load

ROOT = Path(__file__).resolve().parents[1]

#: A path to the private research notes the project was started from (not in the repository),
#: written out or joined with pathlib.
PRIVATE_NOTES = re.compile(
    r"""\.\./shared|shared[/\\]reference|["']shared["']\s*/\s*["']reference"""
)
#: Generated and git-ignored output.
GENERATED = ("docs/_build/", "docs/jupyter_execute/", "docs/indicators/")


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


def _project_files() -> list[str]:
    """Text files under tests/, src/ and docs/, as paths relative to the repository."""
    names = []
    for top in ("tests", "src", "docs"):
        for path in (ROOT / top).rglob("*"):
            name = path.relative_to(ROOT).as_posix()
            hidden = any(part.startswith(".") or part == "__pycache__" for part in path.parts)
            text = path.is_file() and not hidden and b"\0" not in path.read_bytes()
            if text and not name.startswith(GENERATED):
                names.append(name)
    return sorted(names)


def test_no_file_refers_to_the_private_research_notes():
    files = _project_files()
    assert "tests/reference_data.py" in files
    citing = [
        name
        for name in files
        if PRIVATE_NOTES.search((ROOT / name).read_text(encoding="utf-8", errors="replace"))
    ]
    assert citing == []


def test_reference_tables_start_with_their_provenance():
    tables = sorted(FOLDER.glob("*.csv"))
    assert len(tables) >= 10
    for table in tables:
        lines = table.read_text(encoding="utf-8").splitlines()
        header = list(itertools.takewhile(lambda line: line.startswith("#"), lines))
        assert header, f"{table.name} does not start with '#' comment lines"
        assert any(line.startswith("# source: ") for line in header), table.name
        assert any("obtained" in line.casefold() for line in header), table.name
        assert load(table.stem), f"{table.name} has no rows"


def test_readme_counts_agree_with_the_data():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    plans = {t.plan.id for t in mch_indicators.targets}
    assert f"`search`): {len(mch_indicators.catalog)}" in text
    assert f"{len(mch_indicators.targets)} targets of {len(plans)} plans" in text


def test_bare_machine_removes_its_temporary_folders_and_keeps_the_status(tmp_path):
    import os
    import shutil
    import subprocess

    if shutil.which("bash") is None:  # pragma: no cover - CI has bash
        return
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    seen = 'test -d "$MPLCONFIGDIR" && test -d "$XDG_CACHE_HOME" && exit 3'
    done = subprocess.run(
        ["bash", str(ROOT / ".ci" / "bare-machine"), "sh", "-c", seen],
        env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 3, done.stderr  # the folders existed; the status came back
    assert list(tmp_path.iterdir()) == []
