"""Display text (en, zh) of the status codes of comparisons, funnels, trends and targets.

The codes are data in ``definitions/comparison_labels.toml``; the library returns the
codes, and the table functions show either language on request.
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from typing import Any

import numpy as np

from mch_indicators._errors import InvalidInputError

__all__ = ["LANGUAGES", "check_language", "status_codes", "translate"]

LANGUAGES = ("en", "zh")


@cache
def _labels() -> dict[str, dict[str, str]]:
    text = resources.files("mch_indicators.definitions").joinpath("comparison_labels.toml")
    data = tomllib.loads(text.read_text(encoding="utf-8"))
    return {code: dict(names) for code, names in data["labels"].items()}


def check_language(language: str) -> str:
    """``language`` if it is ``"en"`` or ``"zh"``, else an :class:`InvalidInputError`."""
    if language not in LANGUAGES:
        raise InvalidInputError(f"language must be 'en' or 'zh', got {language!r}")
    return language


def translate(codes: Any, language: str) -> np.ndarray[Any, np.dtype[np.object_]]:
    """The display text of each status code (codes without a label are kept as they are).

    Examples
    --------
    >>> translate(["better", "no significant change"], "zh").tolist()
    ['较好', '无显著变化']
    """
    table = _labels()
    values = np.asarray(codes, dtype=object)
    if check_language(language) == "en":
        return values
    out = np.array(
        [table.get(str(v), {}).get(language, v) if v is not None else v for v in values.ravel()],
        dtype=object,
    )
    return out.reshape(values.shape)


def status_codes(labels: Any) -> np.ndarray[Any, np.dtype[np.object_]]:
    """The status codes of labels in either language (what :func:`translate` undoes).

    Examples
    --------
    >>> status_codes(["较好", "similar", None]).tolist()
    ['better', 'similar', None]
    """
    back = {names["zh"]: code for code, names in _labels().items()}
    values = np.asarray(labels, dtype=object)
    out = np.array([back.get(v, v) if isinstance(v, str) else v for v in values.ravel()],
                   dtype=object)  # fmt: skip
    return out.reshape(values.shape)
