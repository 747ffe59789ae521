"""A user's first session with the installed package, through the public surface only.

    python scripts/smoke.py            # the core, as installed with no extras
    python scripts/smoke.py --all      # then import every public module (needs [all])

Run by ``.ci/release-check`` against the wheel installed into a fresh virtual environment
(not an editable install), so that a data file the wheel leaves out, a module importing an
undeclared package, or an entry point that does not resolve fails before a user sees it.
Run it from a folder outside the checkout: the package must come from site-packages.
"""

from __future__ import annotations

import argparse
import importlib
import math
import pkgutil
import sys
import tempfile
from importlib import resources
from pathlib import Path


def core() -> None:
    """get, compute, read_table of a bundled example, pool, export to JSON and load it back."""
    import mch_indicators as mch

    location = Path(mch.__file__).resolve()
    assert "site-packages" in location.parts, f"not the installed package: {location}"
    mmr = mch.get("孕产妇死亡率")
    result = mmr.compute(2, 26954)
    assert math.isclose(float(result.value), 7.42, abs_tol=0.005), result
    assert result.format(lang="zh").startswith("7.42/10万"), result.format(lang="zh")

    source = resources.files("mch_indicators.datasets") / "example_prefecture.csv"
    table = mch.read_table(source)
    computed = mch.compute(table)  # a long table: one indicator per row; one count missing
    assert len(computed) == len(table) and computed["value"].notna().sum() >= len(table) - 1
    pooled = mch.pool(table, by="county")
    assert len(pooled) == table["county"].nunique() * table["indicator"].nunique()

    with tempfile.TemporaryDirectory() as folder:
        path = mch.export.write(Path(folder) / "catalog.json")
        back = mch.load_definitions(path)
    assert dict(back) == dict(mch.catalog), "the exported catalog did not read back equal"
    print(f"smoke: core ok ({len(mch.catalog)} indicators, {len(pooled)} county totals)")


def public_modules() -> list[str]:
    """Every module of the package whose dotted name has no private part."""
    import mch_indicators

    found = pkgutil.walk_packages(mch_indicators.__path__, "mch_indicators.")
    public = [i.name for i in found if not any(p.startswith("_") for p in i.name.split("."))]
    return ["mch_indicators", *public]


def import_all() -> None:
    """Import every public module (with every extra installed, none may fail)."""
    names = public_modules()
    for name in names:
        importlib.import_module(name)
    print(f"smoke: imported {len(names)} public modules: {', '.join(names)}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--all", action="store_true", help="also import every public module")
    args = parser.parse_args()
    core()
    if args.all:
        import_all()
    return 0


if __name__ == "__main__":
    sys.exit(main())
