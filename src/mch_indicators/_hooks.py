"""Late bindings: what a lower layer asks of a higher one, plugged in at run time.

The model stands below the views, the catalog, the targets and the export formats, and
never imports them, not even inside a function. Three things still cross that line:

- how the models read (``__repr__``, the notebook card ``_repr_html_`` of an indicator,
  a result, a target and the catalog), drawn by :mod:`mch_indicators._views`, which sits
  above the definitions (:data:`indicator_repr`, :data:`indicator_html`,
  :data:`result_html`, :data:`target_repr`, :data:`target_html`, :data:`catalog_html`);
  the card of an indicator lists its variants and its targets, which the built-in
  catalog and targets know (:data:`indicator_context`);
- ``Catalog.to_frame`` and ``Catalog.to_json``, kept one release as deprecated
  shims, write through :mod:`mch_indicators.export` (:data:`catalog_frame`,
  :data:`catalog_json`);
- ``df.mch`` is registered with pandas the first time the library loads pandas
  (:data:`pandas_loaded`, called by :func:`mch_indicators._optional.pandas`);
- the words of a :class:`~mch_indicators._errors.Hint` live in the label table
  (``[hints]`` of ``definitions/labels.toml``), which :mod:`mch_indicators._labels`
  reads and checks above the exception tree (:data:`hint_effect`); so do the words of
  every message an error says in English and Chinese (``[messages]``), which the
  exception tree's :func:`~mch_indicators._errors.error_of` asks for
  (:data:`message_texts`), so that the bottom of the house (reading a user's
  document) says them too.

So the lower module calls a :class:`Hook` defined here, at the bottom of the
house, and :mod:`mch_indicators._wiring` plugs the implementation in when
``mch_indicators`` is imported: the package's ``__init__`` runs before any of
its modules, so a hook is always plugged by the time it is called. This is how
pandas meets IPython: the table of formatters belongs to the lower side, and the
side that knows how to draw fills it. The alternative, a function-level import
of the higher module, would make the import graph circular. The hooks here name
no class of the layers above (their arguments are not typed here, only what they
give back): the module that calls one passes its own object, and the function
plugged in is typed in its own module.

>>> greet: Hook[[str], str] = Hook("greet", fallback=lambda name: "hello")
>>> greet("Li")
'hello'
>>> _ = greet.plug(lambda name: f"hello {name}")
>>> greet("Li")
'hello Li'
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from types import ModuleType
from typing import Any, Generic, ParamSpec, TypeVar

__all__ = [
    "Hook",
    "catalog_frame",
    "catalog_html",
    "catalog_json",
    "hint_effect",
    "indicator_context",
    "indicator_html",
    "indicator_repr",
    "message_texts",
    "pandas_loaded",
    "result_html",
    "target_html",
    "target_repr",
]

P = ParamSpec("P")
R = TypeVar("R")


class Hook(Generic[P, R]):
    """One function a lower module calls and a higher one provides.

    Until something is plugged in, a call runs ``fallback``, or raises
    :class:`RuntimeError` naming the hook when there is none.
    """

    def __init__(self, name: str, *, fallback: Callable[P, R] | None = None) -> None:
        self.name = name
        self._fallback = fallback
        self._function: Callable[P, R] | None = None

    def plug(self, function: Callable[P, R]) -> Callable[P, R]:
        """Provide the implementation (the last one plugged wins); returns ``function``."""
        self._function = function
        return function

    @property
    def plugged(self) -> bool:
        """Whether an implementation was plugged in."""
        return self._function is not None

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R:
        function = self._function or self._fallback
        if function is None:
            raise RuntimeError(f"the hook {self.name!r} is not plugged in (import mch_indicators)")
        return function(*args, **kwargs)

    def __repr__(self) -> str:
        return f"<Hook {self.name}: {'plugged' if self.plugged else 'fallback'}>"


def _no_context(indicator: object) -> tuple[Sequence[Any], Sequence[Any]]:
    return (), ()


def _plain(thing: object) -> str:
    return f"<{type(thing).__name__}>"


def _nothing(pandas: ModuleType) -> None:
    return None


#: How the models read, by :mod:`mch_indicators._views`: an indicator's one line and card,
#: a result's table, a target's line and card, the catalog's domains (called with a mapping
#: of domain -> its indicators). Before the package plugs them in, a bare name.
indicator_repr: Hook[..., str] = Hook("indicator_repr", fallback=_plain)
indicator_html: Hook[..., str] = Hook("indicator_html", fallback=_plain)
result_html: Hook[..., str] = Hook("result_html", fallback=_plain)
target_repr: Hook[..., str] = Hook("target_repr", fallback=_plain)
target_html: Hook[..., str] = Hook("target_html", fallback=_plain)
catalog_html: Hook[..., str] = Hook("catalog_html", fallback=_plain)

#: An indicator's family (its variants) and targets in the built-in catalog, for its
#: notebook card; nothing for an indicator of your own.
indicator_context: Hook[..., tuple[Sequence[Any], Sequence[Any]]] = Hook(
    "indicator_context", fallback=_no_context
)

#: ``export.catalog_frame(catalog)``, for the deprecated ``Catalog.to_frame()``.
catalog_frame: Hook[..., Any] = Hook("catalog_frame")

#: ``export.catalog_json(catalog, ids, indent=indent, targets=False)``, for the
#: deprecated ``Catalog.to_json()``.
catalog_json: Hook[..., str] = Hook("catalog_json")

#: Called with the pandas module the first time the library loads it (``df.mch``).
pandas_loaded: Hook[[ModuleType], None] = Hook("pandas_loaded", fallback=_nothing)


def _hint_key(key: str, lang: str) -> str:
    return key


#: The words of the hint ``key`` in ``lang`` (``[hints]`` of the label table): what the
#: setting does. Before the package plugs it in, the key itself.
hint_effect: Hook[[str, str], str] = Hook("hint_effect", fallback=_hint_key)


def _message_key(key: str, values: Mapping[str, object]) -> tuple[str, str]:
    return key, key


#: The ``[messages]`` text ``key`` of the label table in English and Chinese, its
#: placeholders filled with ``values`` (each value that is said in both languages, in
#: its text's language). Before the package plugs it in, the key itself.
message_texts: Hook[[str, Mapping[str, object]], tuple[str, str]] = Hook(
    "message_texts", fallback=_message_key
)
