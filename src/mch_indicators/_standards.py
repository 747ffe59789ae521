"""Standard populations for direct age standardisation, shipped as data.

``definitions/standard_populations.toml`` holds each standard's age bands and
weights with its source. Bands are matched to data by label (after folding
spellings such as ``"0–4"``, ``"0 to 4"``, ``"85 and over"``), never by position.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Iterable, Mapping
from functools import cache
from importlib import resources

import numpy as np
import numpy.typing as npt
from pydantic import Field, model_validator

from mch_indicators._catalog import normalize_key
from mch_indicators._errors import InvalidInputError, invalid
from mch_indicators._model import Id, NonEmpty, _Frozen
from mch_indicators._text import fold

__all__ = ["StandardPopulation", "normalize_band", "standard_population", "standard_populations"]

# A run of spaces is read once, with the word after it if any (a run without one is
# kept as is): "\s*word\s*" tried at every space of a long run is quadratic.
_DASHES = re.compile(r"\s++(?:(?:[-‐‑–—~～]|\bto\b)\s*+)?|(?:[-‐‑–—~～]|\bto\b)\s*+")
_OPEN = re.compile(r"^([0-9]+)\s*(?:\+|plus|and over|and above|or more|岁及以上|及以上|以上)$")
_UNITS = re.compile(r"\s++(?:(?:years?|yrs?|y|岁)\s*+)?|(?:years?|yrs?|y|岁)\s*+")


def _replaced(by: str) -> Callable[[re.Match[str]], str]:
    """``by`` for a match holding a word, the match itself for a bare run of spaces."""
    return lambda found: found[0] if found[0].isspace() else by


def normalize_band(label: object) -> str:
    """Canonical spelling of an age-band label.

    Examples
    --------
    >>> [normalize_band(b) for b in ["0–4", "5 to 9", "85 and over", "85+", "1-4岁", 0]]
    ['0-4', '5-9', '85+', '85+', '1-4', '0']
    """
    text = fold(str(label), spaces="strip")
    text = (
        _UNITS.sub(_replaced(""), text)
        if not text.endswith(("+", "以上"))
        else text.replace("岁", "")
    )
    open_band = _OPEN.match(text.strip())
    if open_band:
        return f"{open_band.group(1)}+"
    return _DASHES.sub(_replaced("-"), text).replace(" ", "")


class StandardPopulation(_Frozen):
    """A standard population: age bands and their weights, with the source.

    Examples
    --------
    >>> import mch_indicators as mch
    >>> esp = mch.standard_population("esp2013")
    >>> esp.id, len(esp.bands), esp.total
    ('esp_2013', 19, 100000.0)
    """

    id: Id
    name: NonEmpty
    aliases: tuple[NonEmpty, ...] = ()
    source: NonEmpty
    note: str | None = None
    verified: bool = True
    verification_note: str | None = None
    bands: tuple[NonEmpty, ...] = Field(min_length=1)
    weights: tuple[float, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> StandardPopulation:
        if len(self.bands) != len(self.weights):
            raise invalid(
                "standard_bands_weights", bands=len(self.bands), weights=len(self.weights)
            )
        keys = [normalize_band(b) for b in self.bands]
        if len(set(keys)) != len(keys):
            raise invalid("standard_bands_twice")
        if any(not w > 0 for w in self.weights):
            raise invalid("standard_weights_positive")
        if not self.verified and not self.verification_note:
            raise invalid("standard_unverified")
        return self

    @property
    def total(self) -> float:
        """Sum of the weights (rates divide by the sum of the weights used)."""
        return float(sum(self.weights))

    def weights_for(
        self, bands: Iterable[object], *, subset: bool = False
    ) -> npt.NDArray[np.float64]:
        """The weights of ``bands``, matched by label, in the order given.

        Parameters
        ----------
        bands : iterable
            Age-band labels of the data.
        subset : bool, default False
            Allow the data to cover only some of the standard's bands (women
            15–49, say); the rate is then standardised to those bands only.

        Raises
        ------
        InvalidInputError
            A band of the data is not in the standard, or (unless ``subset``)
            a band of the standard is missing from the data; the message lists both.

        Examples
        --------
        >>> import mch_indicators as mch
        >>> mch.standard_population("segi").weights_for(["85+", "80–84"], subset=True).tolist()
        [500.0, 500.0]
        """
        index = {normalize_band(b): w for b, w in zip(self.bands, self.weights, strict=True)}
        labels = [normalize_band(b) for b in bands]
        unknown = [b for b in labels if b not in index]
        missing = [b for b in index if b not in set(labels)]
        if unknown or (missing and not subset):
            parts = []
            if unknown:
                parts.append(f"not in the standard: {', '.join(unknown)}")
            if missing and not subset:
                parts.append(f"missing from the data: {', '.join(missing)}")
            raise InvalidInputError(
                f"age bands do not match the standard {self.id!r} ({'; '.join(parts)}); its "
                f"bands are {', '.join(self.bands)}"
                + ("" if subset else "; pass subset=True to standardise to the bands present")
            )
        return np.array([index[b] for b in labels], dtype=np.float64)


def _load(data: Mapping[str, object]) -> dict[str, StandardPopulation]:
    standards = {}
    raw = data.get("standards", {})
    assert isinstance(raw, dict)
    for key, body in raw.items():
        standards[key] = StandardPopulation.model_validate(
            {"id": key, **body}, where=f"standard_populations.toml, {key!r}"
        )
    return standards


@cache
def standard_populations() -> Mapping[str, StandardPopulation]:
    """Every shipped standard population, by id."""
    text = resources.files("mch_indicators.definitions").joinpath("standard_populations.toml")
    return _load(tomllib.loads(text.read_text(encoding="utf-8")))


def standard_population(name: str | StandardPopulation) -> StandardPopulation:
    """A shipped standard population by id or alias.

    Ids: ``who_2000_2025`` (21 bands to 100+), ``who_2000_2025_85p``,
    ``segi_1960``, ``esp_2013`` (19 bands, PHE's form), ``esp_2013_21``,
    ``esp_1976``, ``china_2000`` (the 2000 census, for 中标率).

    Raises
    ------
    InvalidInputError
        Unknown name; the message lists the shipped standards.

    Examples
    --------
    >>> standard_population("中标").id
    'china_2000'
    """
    if isinstance(name, StandardPopulation):
        return name
    wanted = normalize_key(name)
    for standard in standard_populations().values():
        if wanted in {normalize_key(k) for k in (standard.id, *standard.aliases)}:
            return standard
    raise InvalidInputError(
        f"no standard population {name!r}; shipped: {', '.join(standard_populations())}"
    )
