"""What ``import mch_indicators`` connects: the lower layers' hooks, and ``df.mch``.

The package's ``__init__`` runs before any of its modules, and calls :func:`install`
once. It plugs into :mod:`mch_indicators._hooks` the functions that live above the
model (the views behind the models' reprs and notebook cards, the catalog's variants
and targets for an indicator's card, the export behind the deprecated
``Catalog.to_frame`` and ``Catalog.to_json``, the words of the errors' hints and messages
from the label table), and registers
``DataFrame.mch`` with pandas: now if pandas is already imported, else the first
time the library loads pandas (:func:`mch_indicators._optional.pandas`). Each
plugged function imports its module when first called, so ``import mch_indicators``
stays light (no pandas, no pydantic).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping, Sequence
from types import ModuleType
from typing import TYPE_CHECKING, Any

from mch_indicators._hooks import (
    Hook,
    catalog_frame,
    catalog_html,
    catalog_json,
    hint_effect,
    indicator_context,
    indicator_html,
    indicator_repr,
    message_texts,
    pandas_loaded,
    result_html,
    target_html,
    target_repr,
)

if TYPE_CHECKING:
    from mch_indicators._catalog import Catalog
    from mch_indicators._model import Indicator
    from mch_indicators._targets import Target

__all__ = ["install"]


def _indicator_context(indicator: Indicator) -> tuple[Sequence[Indicator], Sequence[Target]]:
    from mch_indicators._render import builtin_context

    return builtin_context(indicator)


def _catalog_frame(catalog: Catalog) -> Any:
    from mch_indicators.export import catalog_frame as frame

    return frame(catalog)


def _catalog_json(catalog: Catalog, ids: Sequence[str] | None, indent: int | None) -> str:
    from mch_indicators.export import catalog_json as text

    return text(catalog, ids, indent=indent, targets=False)


def _hint_effect(key: str, lang: str) -> str:
    from mch_indicators._labels import label

    return label("hints", key, lang)


def _message_texts(key: str, values: Mapping[str, object]) -> tuple[str, str]:
    from mch_indicators._labels import message_texts as texts

    return texts(key, values)


def _register_accessor(pandas: ModuleType) -> None:
    from mch_indicators._adapters._pandas._accessor import register

    register(pandas)


#: The hooks that the functions of the same name in :mod:`mch_indicators._views` fill.
VIEWS: tuple[Hook[..., str], ...] = (
    indicator_repr,
    indicator_html,
    result_html,
    target_repr,
    target_html,
    catalog_html,
)


def _view(name: str) -> Callable[..., str]:
    """The view ``name``, importing :mod:`mch_indicators._views` when first called."""

    def view(*args: Any) -> str:
        import mch_indicators._views as views

        function: Callable[..., str] = getattr(views, name)
        return function(*args)

    view.__name__ = view.__qualname__ = name
    return view


def install() -> None:
    """Plug the hooks in and register ``df.mch`` if pandas is already imported."""
    for hook in VIEWS:
        hook.plug(_view(hook.name))
    indicator_context.plug(_indicator_context)
    catalog_frame.plug(_catalog_frame)
    catalog_json.plug(_catalog_json)
    hint_effect.plug(_hint_effect)
    message_texts.plug(_message_texts)
    pandas_loaded.plug(_register_accessor)
    pandas = sys.modules.get("pandas")
    if pandas is not None and hasattr(pandas, "api"):  # not while pandas itself is importing
        _register_accessor(pandas)
