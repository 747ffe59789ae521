"""Write requirements pinning each declared direct dependency to its declared floor.

    python scripts/floor_constraints.py > floors.txt
    pip install -e . -r floors.txt

Reads ``pyproject.toml``: the project's dependencies and the ``dev`` extra (which holds every
optional runtime dependency the tests use). Each ``name>=X`` becomes ``name==X``, so CI runs
the suite on the oldest versions the project claims to support (``.ci/floors``). Left out:
tools that only lint, type-check or build (they do not run the code), and test-only validators
whose every release needs more than our floors (``fhir.resources``: pydantic >= 2.7.4; its
two tests skip there with the reason).
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


def floors() -> dict[str, tuple[str, str]]:
    """Dependency name -> (its extras, declared floor), for the dependencies and the dev extra."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    found: dict[str, tuple[str, str]] = {}
    for requirement in [*project["dependencies"], *project["optional-dependencies"]["dev"]]:
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
    for name, (extras, version) in sorted(floors().items()):
        sys.stdout.write(f"{name}{extras}=={version}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
