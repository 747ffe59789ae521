"""Units of indicator values: parsing, exact conversion and pint Quantities.

Indicator values are fractions shown on a whole-number scale: percent (x100),
permille and per 1,000 (x1,000), per 10,000 (x10,000, ``‱``, ``/万``) and
per 100,000 (x100,000, ``/10万``). This module is the boundary where text and
pint Quantities meet plain numbers; the numeric core never sees pint.

The pint registry is the project's own, built on first use (``import
mch_indicators`` does not import pint) from ``definitions/units.toml``.

Examples
--------
>>> from mch_indicators import units
>>> q = units.parse("7.42/10万")
>>> print(q)
7.42 per_100k
>>> float(units.convert(7.42, "per_100k", "permille"))
0.0742
"""

from __future__ import annotations

import re
import threading
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from mch_indicators._errors import InvalidInputError, UnitError
from mch_indicators._text import fold
from mch_indicators._unitspec import UnitSpec, resolve_unit, unit_specs
from mch_indicators._validate import coerce_values

if TYPE_CHECKING:
    import pint

    Registry = pint.UnitRegistry[Any]
    Quantity = pint.Quantity[Any]

__all__ = [
    "UnitError",
    "convert",
    "names",
    "parse",
    "parse_unit",
    "quantity",
    "registry",
    "scale",
    "spec",
    "unit_name",
]

# The number at the start of the text; the unit is the rest, stripped (no pattern
# with a lazy group before trailing spaces: that is quadratic in the spaces).
_NUMBER = re.compile(
    r"""(?P<number>
        [+-]?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)?  # 26,954 / 7.42
        |[+-]?\.[0-9]+(?:[eE][+-]?[0-9]+)?                                       # .5
    )""",
    re.VERBOSE | re.ASCII,
)
#: Longer texts are refused at once: no value with its unit needs more.
MAX_TEXT = 200

_registry: Registry | None = None
_registry_lock = threading.Lock()


def names() -> tuple[str, ...]:
    """Canonical names of the supported units.

    Examples
    --------
    >>> names()
    ('fraction', 'percent', 'per_100', 'permille', 'per_1k', 'per_10k', 'per_100k')
    """
    return tuple(unit_specs())


def spec(unit: str) -> UnitSpec:
    """Return the :class:`UnitSpec` (scale, symbols, aliases) of a unit spelling."""
    return resolve_unit(unit)


def parse_unit(text: str) -> str:
    """Return the canonical name of a unit written as in a report.

    Ambiguous tokens (``ppt``, ``ppb``, ``bp``...) and unknown units raise
    :class:`UnitError` with the reason.

    Examples
    --------
    >>> parse_unit("/万"), parse_unit("per 100k"), parse_unit("‰")
    ('per_10k', 'per_100k', 'permille')
    """
    return resolve_unit(text).name


def scale(unit: str) -> int:
    """Whole-number multiplier of a unit: 100 for percent, 100000 for per_100k.

    Examples
    --------
    >>> scale("/10万")
    100000
    """
    return resolve_unit(unit).scale


def convert(values: npt.ArrayLike, from_unit: str, to_unit: str) -> npt.NDArray[np.float64]:
    """Convert values between units exactly as a person would.

    The scales are whole numbers, so the factor is applied as one multiplication
    or one division by a whole number: 7.42 per 100,000 becomes exactly the
    float nearest to 0.0742 per 1,000 (no ``0.07420000000000001``).

    Values are numbers or NaN (masked elements become NaN); infinities, and
    values whose conversion would overflow, are refused with
    :class:`~mch_indicators.InvalidInputError`.

    Examples
    --------
    >>> float(convert(2.23, "permille", "percent"))
    0.223
    >>> convert([1.5, 2.0], "percent", "per_100k").tolist()
    [1500.0, 2000.0]
    """
    source, target = resolve_unit(from_unit).scale, resolve_unit(to_unit).scale
    array = coerce_values(values, "values")
    with np.errstate(over="ignore"):
        if target >= source:
            factor = target // source
            if factor * source == target:
                converted = array * float(factor)
            else:  # pragma: no cover - no such units
                converted = array * (float(target) / float(source))
        else:
            divisor = source // target
            converted = array / float(divisor)
    if np.isinf(converted).any():
        raise InvalidInputError(
            f"values too large to convert from {from_unit} to {to_unit}: the result would overflow"
        )
    return converted


def parse(text: str) -> Quantity:
    """Parse a value with its unit, as written in reports and papers.

    Accepts ``"7.42/10万"``, ``"2.23‰"``, ``"97.99%"``, ``"211 per 100,000"``,
    ``"18.3 per 100k"``, ``"5.66 per 1,000"``, ``"3‱"`` and the other spellings
    of ``definitions/units.toml``. The Quantity keeps the intended display unit
    (``per_100k`` stays ``per_100k``; pint alone would read "211 per 100,000" as
    0.00211 dimensionless).

    Full-width and compatibility characters are read as their plain forms
    (Unicode NFKC: ``"７.４２/１０万"``, ``"97.99﹪"``); texts longer than 200
    characters are refused without being read.

    Raises
    ------
    UnitError
        When the text has no number, is too long, or the unit is unknown or ambiguous.

    Examples
    --------
    >>> print(parse("211 per 100,000"))
    211.0 per_100k
    >>> parse("5 ppt")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    mch_indicators.UnitError: unit 'ppt' is ambiguous (parts per thousand or per trillion; ...
    """
    if not isinstance(text, str):
        raise UnitError(f"expected text such as '7.42/10万', got {type(text).__name__}")
    if len(text) > MAX_TEXT:
        raise UnitError(
            f"text of {len(text)} characters is too long for a value with its unit "
            f"(at most {MAX_TEXT})"
        )
    plain = fold(text, spaces="strip")
    match = _NUMBER.match(plain)
    if match is None:
        raise UnitError(f"no number at the start of {text!r}; expected text such as '7.42/10万'")
    unit_text = plain[match.end() :].strip()
    if not unit_text:
        raise UnitError(f"no unit in {text!r}; write it, e.g. '97.99%' or '2.23‰'")
    magnitude = float(match["number"].replace(",", ""))
    return quantity(magnitude, resolve_unit(unit_text).name)


def registry() -> Registry:
    """The project's pint registry, built on first call.

    It extends pint's default definitions with ``per_1k``, ``per_10k`` and
    ``per_100k`` (and ``fraction``), and is created with
    ``force_ndarray_like=True`` so it also works with pint-xarray. Use this
    registry, not ``pint.UnitRegistry()``: Quantities of two registries cannot
    be combined.
    """
    global _registry
    if _registry is None:
        with _registry_lock:
            if _registry is None:
                _registry = _build_registry()
    return _registry


def _build_registry() -> Registry:
    import pint

    ureg: Registry = pint.UnitRegistry(force_ndarray_like=True)
    for unit in unit_specs().values():
        try:
            ureg.parse_units(unit.name)
        except pint.UndefinedUnitError:
            symbol = unit.symbol if unit.symbol and " " not in unit.symbol else unit.zh
            ureg.define(f"{unit.name} = {1 / unit.scale!r} = {symbol or '_'}")
    # pint unpickles a Quantity into its *application* registry, which lacks per_100k;
    # ours (a class of this registry only) come back into this registry instead
    ureg.Quantity.__reduce__ = _reduce_quantity  # type: ignore[method-assign,assignment]
    return ureg


def _reduce_quantity(q: Quantity) -> tuple[Any, ...]:
    return (_rebuild_quantity, (q.magnitude, str(q.units)))


def _rebuild_quantity(magnitude: Any, unit: str) -> Quantity:
    """Unpickle a Quantity of the project registry (see :func:`registry`)."""
    return registry().Quantity(magnitude, unit)


def quantity(values: npt.ArrayLike, unit: str) -> Quantity:
    """Wrap values in a Quantity of the project registry.

    Examples
    --------
    >>> str(quantity(2.23, "‰"))
    '2.23 permille'
    """
    name = resolve_unit(unit).name
    magnitude: Any = coerce_values(values, "values")
    return registry().Quantity(magnitude, name)


def unit_name(q: Quantity) -> str:
    """Canonical unit name of a Quantity made by this module.

    Examples
    --------
    >>> unit_name(parse("3‱"))
    'per_10k'
    """
    text = str(q.units)
    try:
        return resolve_unit(text).name
    except UnitError:
        raise UnitError(
            f"{text!r} is not an indicator unit; convert with q.to('percent') or similar first"
        ) from None
