"""The exceptions mch_indicators raises on purpose, in one tree.

::

    MCHIndicatorsError                       everything below; catch this to catch all
    ├── InvalidInputError (ValueError)       counts, values, options or tables that cannot
    │                                        be computed on; the message names the argument
    │                                        and the rows (by label where they have one)
    ├── UnitError (ValueError)               a unit that is unknown, ambiguous or not
    │                                        convertible
    ├── DefinitionError (ValueError)         an indicator, term, target, plan or standard
    │                                        population that does not validate; names the
    │                                        file, the definition and each field
    ├── ConfigurationError (ValueError)      a setting of the environment
    │                                        (MCH_INDICATORS_BACKEND) that is not allowed
    └── UnknownIndicatorError (KeyError)     no indicator matches a key, or a code several
                                             indicators share; suggests the closest ids

Each error also derives from the built-in exception an ``except`` clause would
expect (``ValueError`` or ``KeyError``), so existing code keeps working. Every
error pickles with its attributes, so it crosses to a process pool.

Errors of the pydantic models are translated once, by :func:`definition_error`,
into a :class:`DefinitionError` that names the definition and each field.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pydantic import ValidationError

__all__ = [
    "ConfigurationError",
    "DefinitionError",
    "InvalidInputError",
    "MCHIndicatorsError",
    "UnitError",
    "UnknownIndicatorError",
    "definition_error",
    "describe_validation",
]


class MCHIndicatorsError(Exception):
    """Base class of every error raised on purpose by mch_indicators."""


class InvalidInputError(MCHIndicatorsError, ValueError):
    """Counts that cannot be computed on: negative, infinite, non-numeric, boolean...

    The message names the argument and the first offending positions and values.
    """


class UnitError(MCHIndicatorsError, ValueError):
    """A unit that is unknown, ambiguous or not convertible."""


class DefinitionError(MCHIndicatorsError, ValueError):
    """An indicator definition that does not validate (bad id, missing name, unknown unit...)."""


class ConfigurationError(MCHIndicatorsError, ValueError):
    """An environment setting that is not allowed (``MCH_INDICATORS_BACKEND=gpu``)."""


class UnknownIndicatorError(MCHIndicatorsError, KeyError):
    """No indicator matches the key; the message suggests the closest matches.

    Attributes
    ----------
    key : str
        The key that was looked up.
    suggestions : tuple of str
        Ids of the closest indicators, best first (may be empty).
    shared : bool
        True when ``key`` is a code that several indicators share (SDG 3.b.1
        covers several vaccines); ``suggestions`` then lists all of them.
    """

    def __init__(self, key: str, suggestions: Sequence[str] = (), *, shared: bool = False) -> None:
        self.key = key
        self.suggestions = tuple(suggestions)
        self.shared = shared
        super().__init__(key)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_unknown_indicator, (self.key, self.suggestions, self.shared))

    def __str__(self) -> str:
        if self.shared:
            return (
                f"{self.key!r} is a code shared by several indicators; use one of their ids: "
                + ", ".join(repr(s) for s in self.suggestions)
            )
        message = f"no indicator matches {self.key!r}"
        if self.suggestions:
            message += "; did you mean " + ", ".join(repr(s) for s in self.suggestions) + "?"
        else:
            message += "; run `mch-indicators list` to see the catalog"
        return message


def _unknown_indicator(
    key: str, suggestions: Sequence[str], shared: bool
) -> UnknownIndicatorError:
    return UnknownIndicatorError(key, suggestions, shared=shared)


def describe_validation(error: ValidationError) -> str:
    """Each failing field of a pydantic error as ``field: message``, joined by ``; ``.

    The raw pydantic text (error codes, input values, documentation links) is
    left out: the field path and the reason are what a definition's author needs.
    """
    lines = []
    for item in error.errors():
        where = ".".join(str(part) for part in item["loc"]) or "definition"
        message = str(item["msg"]).removeprefix("Value error, ")
        lines.append(f"{where}: {message}")
    return "; ".join(lines)


def definition_error(error: ValidationError, where: str) -> DefinitionError:
    """The :class:`DefinitionError` for a pydantic error, naming ``where`` (file, id)."""
    return DefinitionError(f"{where}: {describe_validation(error)}")


# Errors show as ``mch_indicators.UnitError`` in tracebacks, not by private module.
for _error in (
    ConfigurationError,
    DefinitionError,
    InvalidInputError,
    MCHIndicatorsError,
    UnitError,
    UnknownIndicatorError,
):
    _error.__module__ = "mch_indicators"
del _error
