"""The ``DataFrame.mch`` accessor, registered when pandas is (or gets) imported.

``import mch_indicators`` must not import pandas, so registration waits for
pandas: immediately if it is already loaded, otherwise from a one-shot import
hook that runs right after ``import pandas`` completes.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
from collections.abc import Sequence
from types import ModuleType

__all__ = ["install"]

_registered = False


def _register(pandas: ModuleType) -> None:
    global _registered
    if _registered:
        return
    _registered = True
    from mch_indicators._adapters._pandas._accessor import MCHAccessor

    pandas.api.extensions.register_dataframe_accessor("mch")(MCHAccessor)


class _AfterPandas(importlib.abc.MetaPathFinder):
    """Wraps the loader of ``pandas`` so that the accessor is registered after it loads."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname != "pandas":
            return None
        sys.meta_path.remove(self)
        spec: importlib.machinery.ModuleSpec | None = None
        for finder in sys.meta_path:  # whichever finder would have found pandas
            find = getattr(finder, "find_spec", None)
            spec = find(fullname, path, target) if find is not None else None
            if spec is not None:
                break
        if spec is None or spec.loader is None:
            return spec
        loader = spec.loader
        original = loader.exec_module

        def exec_module(module: ModuleType) -> None:
            original(module)
            _register(module)

        loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


def install() -> None:
    """Register now if pandas is loaded, otherwise as soon as it is imported."""
    pandas = sys.modules.get("pandas")
    if pandas is not None and hasattr(pandas, "api"):
        _register(pandas)
    elif not any(isinstance(f, _AfterPandas) for f in sys.meta_path):
        sys.meta_path.insert(0, _AfterPandas())
