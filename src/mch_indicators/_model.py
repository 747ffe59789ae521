"""Typed, immutable indicator definitions (pydantic models, validated once at load).

An :class:`Indicator` says what is counted (its numerator and denominator
:class:`Term`), on which scale it is shown (``unit``), what kind of quotient it
is (:class:`Kind`) and where the definition comes from (:class:`Source`).
These classes are pure data: they validate and describe, and never compute.
:meth:`Indicator.compute` is a convenience that hands the definition and the
counts to :mod:`mch_indicators._compute`.
"""

from __future__ import annotations

import types
from collections.abc import Callable, Iterable, Mapping
from enum import Enum, StrEnum
from typing import (
    TYPE_CHECKING,
    Annotated,
    Any,
    Literal,
    Self,
    TypeVar,
    Union,
    Unpack,
    get_args,
    get_origin,
)

import numpy.typing as npt
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic._internal._model_construction import ModelMetaclass

from mch_indicators._errors import UnitError, Words, definition_error, invalid
from mch_indicators._hooks import indicator_html, indicator_repr
from mch_indicators._text import has_chinese
from mch_indicators._unitspec import resolve_unit

if TYPE_CHECKING:
    from mch_indicators._options import ComputeOptions
    from mch_indicators._result import Result
    from mch_indicators.stats._intervals import Family

__all__ = [
    "Codes",
    "Criteria",
    "Direction",
    "Disaggregation",
    "Domain",
    "Indicator",
    "Kind",
    "Names",
    "Parameters",
    "ReportingFrequency",
    "Source",
    "Term",
    "Text",
    "from_dump",
]

_ID_PATTERN = r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$"

Id = Annotated[str, StringConstraints(pattern=_ID_PATTERN, max_length=80)]
NonEmpty = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]

#: How often an indicator is reported by its usual data source.
ReportingFrequency = Literal[
    "monthly", "quarterly", "semiannual", "annual", "survey_round", "census", "irregular"
]

#: Breakdowns an indicator is usually published by (labels in docs/catalog.md).
Disaggregation = Literal[
    "area",
    "urban_rural",
    "region",
    "sex",
    "age_group",
    "maternal_age",
    "education",
    "wealth_quintile",
    "ethnicity",
    "migrant_status",
    "residence",
    "facility_level",
    "gestational_age",
    "birth_weight",
    "cause",
    "severity",
    "pregnancy_status",
    "vaccine",
    "disease",
]


def _where(model: type, data: Any) -> str:
    """``Indicator 'maternal_mortality_ratio'``: the model and, when known, the id."""
    ident = data.get("id") if isinstance(data, dict) else None
    return f"{model.__name__} {ident!r}" if isinstance(ident, str) else model.__name__


class _DefinitionMeta(ModelMetaclass):
    """Builds models whose construction in Python raises :class:`DefinitionError`.

    Only the outermost call is translated: pydantic validates nested models
    without calling their class, so the message names every failing field once.
    """

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:  # noqa: N805 - a metaclass
        try:
            return super().__call__(*args, **kwargs)
        except ValidationError as error:
            raise definition_error(error, _where(cls, kwargs)) from None


class _Frozen(BaseModel, metaclass=_DefinitionMeta):
    """Immutable, strict models whose validation errors are :class:`DefinitionError`.

    Each class builds its validator when it first validates or dumps (``defer_build``):
    defining the classes, or building the built-in definitions from their validated
    forms (:func:`from_dump`), builds none.
    """

    model_config = ConfigDict(
        frozen=True, extra="forbid", str_strip_whitespace=True, defer_build=True
    )

    @classmethod
    def model_validate(
        cls,
        obj: Any,
        *,
        where: str | Words | Callable[[], str | Words] | None = None,
        **options: Any,
    ) -> Self:
        """Validate ``obj`` (a mapping); raise :class:`DefinitionError` naming each field.

        ``where`` names the definition in the message (file and id), in both
        languages when it is :class:`~mch_indicators._errors.Words`, or a function
        saying it only when the definition is refused (a loader of many definitions
        looks no words up for those that validate); by default the model and the
        ``id`` of ``obj``.
        """
        try:
            return super().model_validate(obj, **options)
        except ValidationError as error:
            named = where() if callable(where) else where
            raise definition_error(error, named or _where(cls, obj)) from None

    @classmethod
    def model_json_schema(cls, *args: Any, **kwargs: Any) -> dict[str, Any]:
        """The JSON Schema pydantic writes, the models used as field defaults built first.

        pydantic before 2.10 cannot write the default of a field whose default is an
        instance of a model not built yet (``defer_build``): ``Codes()`` of an
        indicator, ``Criteria()`` of a term.
        """
        _build_defaults(cls, set())
        return super().model_json_schema(*args, **kwargs)


def _build_defaults(model: type[BaseModel], seen: set[type[BaseModel]]) -> None:
    """Build every model class whose instance is the default of a field under ``model``."""
    if model in seen:
        return
    seen.add(model)
    for field in model.model_fields.values():
        if isinstance(field.default, BaseModel):
            type(field.default).model_rebuild()
        for inner in _models_in(field.annotation):
            _build_defaults(inner, seen)


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    """The model classes an annotation names (``Term``, ``tuple[Source, ...]``...)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [model for arg in get_args(annotation) for model in _models_in(arg)]


_Model = TypeVar("_Model", bound=BaseModel)


def from_dump(model: type[_Model], data: Mapping[str, Any]) -> _Model:
    """Rebuild a model from its own ``model_dump(mode="json", exclude_unset=True)``, unvalidated.

    For data this package validated and stored itself (the built-in catalog's
    pre-validated cache); never for what a user supplies. Each value is turned
    back into its field's declared type: sub-models (recursively), enums, tuples.
    Raises KeyError (a field unknown or a required one missing), TypeError or
    ValueError on data of another shape.

    Examples
    --------
    >>> text = Text(en="Births showing any sign of life.")
    >>> again = from_dump(Text, text.model_dump(mode="json", exclude_unset=True))
    >>> again == text, again.model_fields_set == text.model_fields_set
    (True, True)
    """
    fields = model.model_fields
    missing = [name for name, field in fields.items() if field.is_required() and name not in data]
    if missing:
        raise KeyError(f"{model.__name__} without {', '.join(missing)}")
    values = {name: _revive(fields[name].annotation, value) for name, value in data.items()}
    return model.model_construct(**values)


def _revive(annotation: Any, value: Any) -> Any:
    """``value`` (JSON) as an instance of ``annotation``, the way pydantic dumped it."""
    origin, args = get_origin(annotation), get_args(annotation)
    if value is None:
        return None
    if origin is Annotated:
        return _revive(args[0], value)
    if origin in (Union, types.UnionType):
        (kept,) = [arg for arg in args if arg is not type(None)]  # only "X | None" is used
        return _revive(kept, value)
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        if not isinstance(value, list):
            raise TypeError(f"expected a list for {annotation}, got {type(value).__name__}")
        return tuple(_revive(args[0], item) for item in value)
    if origin is not None and origin is not Literal:
        # dict, list, a tuple of fixed length...: no field is one today; a new one is
        # validated from its file (the caller's TypeError) rather than built wrong
        raise TypeError(f"{annotation} is not rebuilt from a dump")
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if not isinstance(value, dict):
            raise TypeError(f"expected an object for {annotation.__name__}")
        return from_dump(annotation, value)
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return annotation(value)
    if annotation is float and isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return value


class Kind(StrEnum):
    """What kind of quotient an indicator is; decides validation and intervals.

    Attributes
    ----------
    PROPORTION
        The numerator is a subset of the denominator: never above 100 %.
    RATIO
        The numerator is not a subset of the denominator (maternal deaths per
        live births): no upper bound.
    RATE
        Events per person-time, or a probability per live births.
    COVERAGE
        The denominator is an estimated or planned target population, so
        values above 100 % are legitimate (flagged ABOVE_DENOMINATOR).
    DENSITY
        Resources per population (childcare places per 1,000 residents).
    INDEX
        A composite or relative measure (sex ratio at birth).
    """

    PROPORTION = "proportion"
    RATIO = "ratio"
    RATE = "rate"
    COVERAGE = "coverage"
    DENSITY = "density"
    INDEX = "index"

    @property
    def family(self) -> Family:
        """Interval family: ``binomial`` for proportions, ``poisson`` otherwise."""
        return "binomial" if self is Kind.PROPORTION else "poisson"

    @property
    def default_method(self) -> str:
        """Interval method used when neither the call nor the indicator names one."""
        return "wilson" if self is Kind.PROPORTION else "exact"


class Direction(StrEnum):
    """Which way is better: ``lower``, ``higher``, or ``neutral`` (context-dependent)."""

    LOWER = "lower"
    HIGHER = "higher"
    NEUTRAL = "neutral"


class Domain(StrEnum):
    """Programme area an indicator belongs to."""

    MORTALITY = "mortality"
    MATERNAL_CARE = "maternal_care"
    SCREENING = "screening"
    CHILD_HEALTH = "child_health"
    IMMUNIZATION = "immunization"
    PMTCT = "pmtct"
    WOMENS_HEALTH = "womens_health"
    FERTILITY_SERVICES = "fertility_services"


class Names(_Frozen):
    """A name in English and Chinese; both are required."""

    en: NonEmpty
    zh: NonEmpty

    @field_validator("zh")
    @classmethod
    def _has_chinese(cls, value: str) -> str:
        if not has_chinese(value):
            raise invalid("model_name_not_chinese", value=value)
        return value


class Text(_Frozen):
    """A definition text in English, with the Chinese wording when known."""

    en: NonEmpty
    zh: NonEmpty | None = None


class Criteria(_Frozen):
    """Thresholds that make a term exact; every bound is optional.

    ``*_min`` bounds are inclusive and ``*_max`` bounds exclusive, so
    "deaths in the first 28 days" is ``age_days_max = 28`` and "born at 28
    completed weeks or later" is ``gestation_weeks_min = 28``.
    """

    gestation_weeks_min: float | None = Field(default=None, ge=0, le=45)
    gestation_weeks_max: float | None = Field(default=None, ge=0, le=45)
    age_days_min: float | None = Field(default=None, ge=0)
    age_days_max: float | None = Field(default=None, gt=0)
    age_years_min: float | None = Field(default=None, ge=0)
    age_years_max: float | None = Field(default=None, gt=0)
    birth_weight_g_min: float | None = Field(default=None, gt=0)
    birth_weight_g_max: float | None = Field(default=None, gt=0)
    window_days: float | None = Field(default=None, gt=0)


class Term(_Frozen):
    """What a numerator or denominator counts.

    Examples
    --------
    >>> Term(id="live_births", name=Names(en="live births", zh="活产数"),
    ...      definition=Text(en="Births showing any sign of life."))  # doctest: +ELLIPSIS
    Term(id='live_births', ...)
    """

    id: Id
    name: Names
    aliases: tuple[NonEmpty, ...] = Field(
        default=(),
        description="other headers this count goes by in reporting forms and spreadsheets "
        "(活产婴儿数 for 活产数); used to match table columns to terms",
    )
    definition: Text
    population: str | None = None
    event: str | None = None
    time_window: str | None = None
    criteria: Criteria = Criteria.model_construct()
    estimated: bool = Field(
        default=False,
        description="an estimate or a planned target (expected pregnancies, task number), "
        "not an enumeration; coverage indicators divide by such a term",
    )


class Source(_Frozen):
    """Where a definition comes from: a document and, when known, its section."""

    document: NonEmpty
    section: str | None = None
    url: str | None = None
    key: str | None = Field(
        default=None,
        description="deprecated: a key into private research notes; kept for compatibility, "
        "the built-in catalog no longer sets it",
    )
    primary: bool = Field(
        default=False,
        description="True when this is the issuing body's own text (the statistical system, "
        "the norm, the custodian agency's metadata, the plan), read as such; False for a "
        "report, mirror, textbook or article quoting it",
    )
    url_note: str | None = Field(
        default=None,
        description="why the source has no web address (a print journal, a document "
        "circulated on paper, a page no longer online); built-in sources give a url or this",
    )

    @field_validator("url")
    @classmethod
    def _url_is_web_address(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("https://", "http://")):
            raise invalid("model_url", value=value)
        return value


class Codes(_Frozen):
    """Cross-walk codes in other systems, where they exist."""

    sdg: str | None = None
    gho: str | None = None
    dhs: str | None = None
    dhis2: str | None = None
    unverified: tuple[Literal["sdg", "gho", "dhs", "dhis2"], ...] = Field(
        default=(), description="systems whose code was taken from a secondary source"
    )

    @model_validator(mode="after")
    def _unverified_are_set(self) -> Codes:
        for system in self.unverified:
            if getattr(self, system) is None:
                raise invalid("model_unverified_code", system=system)
        return self

    def items(self) -> Iterable[tuple[str, str]]:
        """Pairs of (system, code) for the codes that are set."""
        for system in ("sdg", "gho", "dhs", "dhis2"):
            code = getattr(self, system)
            if code:
                yield system, code


class Parameters(_Frozen):
    """How a variant differs from the indicator it varies; every field is optional.

    Only the parameters that distinguish members of a family are set, so
    ``stillbirth_rate_22w`` says ``gestation_weeks_min = 22`` where
    ``stillbirth_rate`` says 28.

    Examples
    --------
    >>> Parameters(gestation_weeks_min=22).items()
    [('gestation_weeks_min', 22.0)]
    """

    live_birth_definition: Literal["any_ga", "ge_22w", "ge_28w_or_1000g"] | None = None
    gestation_weeks_min: float | None = Field(default=None, ge=0, le=45)
    gestation_weeks_max: float | None = Field(default=None, ge=0, le=45)
    age_band: str | None = None
    window_days: float | None = Field(default=None, gt=0)
    estimator: Literal["period_ratio", "life_table", "modelled", "direct"] | None = None
    data_source: Literal["routine", "survey", "hmis", "surveillance", "programme"] | None = None
    denominator_basis: str | None = None
    population: str | None = None
    severity: str | None = None
    method_set: str | None = None

    def items(self) -> list[tuple[str, str | float]]:
        """The parameters that are set, as (name, value) pairs in field order."""
        return [(k, v) for k, v in self.model_dump(exclude_none=True).items()]


class Indicator(_Frozen):
    """One indicator: a typed, immutable definition that can compute itself.

    Built-in indicators come from the package's data files (see
    :func:`mch_indicators.get`); your own can be written in Python or in a
    TOML file with the same schema (:func:`mch_indicators.load_definitions`)
    and behave exactly the same.

    Examples
    --------
    >>> import mch_indicators as mch
    >>> mmr = mch.get("孕产妇死亡率")
    >>> print(mmr.compute(2, 26954))
    7.42 per 100,000 live births (95% CI 0.90–26.80) [UNRELIABLE]
    """

    id: Id
    name: Names
    aliases: tuple[NonEmpty, ...] = ()
    domain: Domain
    kind: Kind
    unit: str
    direction: Direction
    numerator: Term
    denominator: Term
    definition: Text
    sources: tuple[Source, ...] = Field(min_length=1)
    codes: Codes = Codes.model_construct()
    method: str | None = None
    decimals: int = Field(default=2, ge=0, le=6)
    verified: bool = True
    note: str | None = None
    note_zh: NonEmpty | None = Field(
        default=None,
        description="the note in Chinese, shown by Chinese outputs (show --lang zh, the "
        "report's sources sheet); where there is none they show the English note, marked",
    )
    variant_of: Id | None = Field(
        default=None, description="id of the indicator this one is a variant of"
    )
    parameters: Parameters = Parameters.model_construct()
    computable: bool = Field(
        default=True,
        description="False when the value is not one quotient of two counts "
        "(a life-table probability, a sum of age-specific rates); the note says how",
    )
    ambiguous_aliases: tuple[NonEmpty, ...] = Field(
        default=(),
        description="phrases that name this indicator in one tradition and another one "
        "elsewhere ('maternal mortality rate'); looking one up raises "
        "AmbiguousIndicatorError listing every indicator that claims it",
    )
    rationale: Text | None = Field(default=None, description="why the indicator matters")
    limitations: Text | None = Field(
        default=None, description="how to interpret it, and what it cannot tell"
    )
    data_source: Text | None = Field(
        default=None,
        description="where the counts come from: reporting system and form "
        "(妇幼卫生年报 卫统41表, routine HMIS, household survey...)",
    )
    reporting_frequency: ReportingFrequency | None = None
    disaggregations: tuple[Disaggregation, ...] = ()

    @field_validator("disaggregations", "ambiguous_aliases")
    @classmethod
    def _no_repeats(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        repeated = sorted({item for item in value if value.count(item) > 1})
        if repeated:
            raise invalid("model_repeated", items=Words.listing(repeated))
        return value

    @field_validator("note_zh")
    @classmethod
    def _note_in_chinese(cls, value: str | None) -> str | None:
        if value is not None and not has_chinese(value):
            raise invalid("model_note_not_chinese", value=value)
        return value

    @field_validator("unit")
    @classmethod
    def _known_unit(cls, value: str) -> str:
        try:
            return resolve_unit(value).name
        except UnitError as error:
            raise ValueError(error.said) from None

    @model_validator(mode="after")
    def _consistent(self) -> Indicator:
        from mch_indicators.stats import METHODS

        if self.method is not None and self.method not in METHODS[self.kind.family]:
            methods = METHODS[self.kind.family]
            raise invalid(
                "model_method", method=self.method, kind=self.kind,
                allowed=Words.listing(methods),
            )  # fmt: skip
        if not self.verified and not self.note:
            raise invalid("model_unverified_note")
        if not self.computable and not self.note:
            raise invalid("model_not_computable_note")
        if self.note_zh and not self.note:
            raise invalid("model_note_zh_alone")
        if self.numerator.id == self.denominator.id:
            raise invalid("model_same_term")
        if self.variant_of == self.id:
            raise invalid("model_variant_itself")
        if (self.kind is Kind.COVERAGE) != self.denominator.estimated:
            said = (
                "model_coverage_estimated" if self.kind is Kind.COVERAGE else "model_coverage_kind"
            )
            raise invalid(said, term=self.denominator.id)
        if self.kind is Kind.DENSITY and resolve_unit(self.unit).symbol in {"%", "‰"}:
            raise invalid("model_density_percent")
        return self

    def __repr__(self) -> str:
        return indicator_repr(self)

    __str__ = __repr__

    def _repr_html_(self) -> str:
        return indicator_html(self)

    @property
    def scale(self) -> int:
        """Whole-number display multiplier of :attr:`unit` (100 for percent)."""
        return resolve_unit(self.unit).scale

    @property
    def default_method(self) -> str:
        """The interval method used when :meth:`compute` is given none."""
        return self.method or self.kind.default_method

    def compute(
        self,
        numerator: npt.ArrayLike,
        denominator: npt.ArrayLike,
        **options: Unpack[ComputeOptions],
    ) -> Result:
        """Compute values and confidence intervals from counts.

        Parameters
        ----------
        numerator, denominator : array_like
            Counts: scalars, sequences or arrays of any broadcastable shapes.
            NaN or None marks a missing count. Inputs are never modified.
            Labelled counts (pandas Series or DataFrames, xarray DataArrays) are
            paired by label (different labels are refused, naming one), and the
            Result keeps them (:attr:`Result.labels`, the index of ``to_frame()``).
        **options
            The compute options (:class:`~mch_indicators.ComputeOptions`):
            ``confidence`` (default 0.95, or several levels such as ``(0.95, 0.998)``),
            ``method`` (default: the indicator's, ``wilson`` for proportions and
            ``exact`` Poisson otherwise; see ``docs/methods.md``), ``on_invalid``
            (``"raise"`` or ``"flag"`` a numerator above the denominator of a
            proportion), ``reliability`` (when to flag a value UNRELIABLE: fewer than
            20 events or a relative standard error above 30 % by default; None for no
            such flag) and ``suppress`` (withhold values by a rule or a preset:
            ``"ons"``, ``"nchs"``, ``"uscs"``; never applied unless asked for).

        Returns
        -------
        Result
            Values, limits and per-element flags in this indicator's unit.

        Raises
        ------
        InvalidInputError
            Negative, infinite, boolean or non-numeric counts; shapes that do
            not broadcast; a bad option; a numerator above the denominator of a
            proportion (unless ``on_invalid="flag"``); an indicator that is not
            computable.

        Examples
        --------
        >>> import mch_indicators as mch
        >>> r = mch.get("hospital_delivery_rate").compute([9950, 0], [10000, 0])
        >>> r.value.tolist(), [f.name for f in r.flag_list(1)]
        ([99.5, nan], ['ZERO_DENOMINATOR'])
        """
        from mch_indicators._compute import compute_indicator
        from mch_indicators._options import Options

        return compute_indicator(self, numerator, denominator, Options.from_keywords(options))
