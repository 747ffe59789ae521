"""Write requirements pinning each declared direct dependency to its declared floor.

    python scripts/floor_constraints.py > floors.txt
    pip install -e . -r floors.txt
    python scripts/floor_constraints.py --extra spark > spark-floors.txt

Reads ``pyproject.toml``: the project's dependencies and the ``dev`` extra (which holds every
optional runtime dependency the tests use). Each ``name>=X`` becomes ``name==X``, so CI runs
the suite on the oldest versions the project claims to support (``.ci/floors``). Left out:
tools that only lint, type-check or build (they do not run the code), and test-only validators
whose every release needs more than our floors (``fhir.resources``: pydantic >= 2.7.4; its
two tests skip there with the reason). ``--extra NAME`` pins one extra's own requirements
instead (CI's Spark run at the spark extra's floor: ``.ci/floors``).
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: Development tools whose version does not change what the tests exercise.
TOOLS = {"ruff", "mypy", "pandas-stubs", "hatchling", "build", "twine", "fhir.resources"}
_FLOOR = re.compile(r"^\s*([A-Za-z0-9_.\-]+)(\[[^\]]*\])?\s*>=\s*([0-9][^,;\s]*)")


def floors(extra: str | None = None) -> dict[str, tuple[str, str]]:
    """Dependency name -> (its extras, declared floor), for the dependencies and the dev extra.

    With ``extra``, for that extra's own requirements only (not the project itself).
    """
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extras = project["optional-dependencies"]
    requirements = [*project["dependencies"], *extras["dev"]] if extra is None else extras[extra]
    found: dict[str, tuple[str, str]] = {}
    for requirement in requirements:
        match = _FLOOR.match(requirement)
        if match is None or match[1].lower() in TOOLS:
            continue
        name, extras, floor = match[1].lower(), match[2] or "", match[3]
        previous_extras, previous = found.get(name, ("", "0"))
        found[name] = (extras or previous_extras, max(previous, floor, key=_version_key))
    return found


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", version))


def main() -> int:
    extra = sys.argv[2] if sys.argv[1:2] == ["--extra"] and len(sys.argv) == 3 else None
    if len(sys.argv) > 1 and extra is None:
        sys.stderr.write("usage: floor_constraints.py [--extra NAME]\n")
        return 2
    for name, (extras, version) in sorted(floors(extra).items()):
        sys.stdout.write(f"{name}{extras}=={version}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
