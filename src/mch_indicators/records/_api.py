"""Records in, counts or indicators out: :func:`count_records` and :func:`compute_records`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Unpack

import numpy as np
import numpy.typing as npt

from mch_indicators._adapters._native_tables import Backend, native_frame, order
from mch_indicators._errors import InvalidInputError
from mch_indicators._model import Indicator, Term
from mch_indicators._optional import load
from mch_indicators._options import ComputeOptions, Options
from mch_indicators.records._rules import Rule, RuleBook, builtin_rules
from mch_indicators.stats import Flag

if TYPE_CHECKING:
    from types import ModuleType

    from mch_indicators._catalog import Catalog
    from mch_indicators.records._count import Tally

#: what a counter is: (term id, live-birth definition or None)
Target = tuple[str, str | None]

__all__ = ["RecordCounts", "RecordResults", "compute_records", "count_records"]

Wanted = str | Term | Indicator
Records = object


@dataclass(frozen=True, eq=False)  # frames have no truth value: `==` is identity
class RecordCounts:
    """What :func:`count_records` returns: the counts and the data-quality table.

    Attributes
    ----------
    counts : DataFrame
        One row per group and term: the ``by`` columns, ``term``, ``definition``
        (the live-birth definition the rule used, or None), ``records`` (the
        record set), ``count`` and ``unclassified`` (records that could not be
        classified: they could change the count).
    quality : DataFrame
        Why records were left out or not classified: the ``by`` columns,
        ``term``, ``definition``, ``records``, ``reason`` and ``count``, only
        where the count is not zero. A record missing two fields is counted under
        both reasons; ``unclassified`` in :attr:`counts` counts it once.
    """

    counts: Any
    quality: Any


@dataclass(frozen=True, eq=False)  # frames have no truth value: `==` is identity
class RecordResults:
    """What :func:`compute_records` returns: results, counts and data quality.

    Attributes
    ----------
    results : DataFrame
        One row per indicator and group: the ``by`` columns, ``indicator,
        numerator, denominator, value, lower, upper, unit, flags``, then
        ``numerator_unclassified`` and ``denominator_unclassified``. Where either
        is above zero the flags include ``UNCLASSIFIED``.
    counts, quality : DataFrame
        As in :class:`RecordCounts`.
    skipped : dict
        Indicator id -> why it was not computed (with ``variants=True`` only).
    """

    results: Any
    counts: Any
    quality: Any
    skipped: dict[str, str] = field(default_factory=dict)


# -- what is asked for ----------------------------------------------------------------


def _catalog(catalog: Catalog | None = None) -> Catalog:
    from mch_indicators._catalog import chosen_catalog

    return chosen_catalog(catalog)


def _as_list(wanted: Wanted | Iterable[Wanted]) -> list[Wanted]:
    if isinstance(wanted, str | Term | Indicator):
        return [wanted]
    return list(wanted)


def _targets_of(wanted: Wanted, book: RuleBook, catalog: Catalog | None) -> list[Target]:
    if isinstance(wanted, Term):
        return [(wanted.id, None)]
    if isinstance(wanted, str) and wanted in book.terms:
        return [(wanted, None)]
    indicator = _catalog(catalog).get_indicator(wanted)
    definition = indicator.parameters.live_birth_definition
    return [(indicator.numerator.id, definition), (indicator.denominator.id, definition)]


def _sources(records: object) -> dict[str | None, object]:
    if isinstance(records, Mapping):
        return {str(name): data for name, data in records.items()}
    return {None: records}


def _choose_rules(
    targets: Iterable[Target], book: RuleBook, names: Iterable[str | None]
) -> dict[str, dict[Target, Rule]]:
    """Record set -> {target: its rule}, taking each term's first rule on a given set."""
    targets = list(dict.fromkeys(targets))
    given = [n for n in names if n is not None]
    for term, _ in targets:
        if not book.for_term(term):
            raise InvalidInputError(
                f"term {term!r} has no record rule; write one (mch.records.load_rules) or "
                "count it by hand"
            )
    if not given:  # one frame: the record set that serves every term
        candidates = [rule.records for rule in book.for_term(targets[0][0])]
        serving = [
            name
            for name in candidates
            if all(any(r.records == name for r in book.for_term(t)) for t, _ in targets)
        ]
        if not serving:
            sets = {t: [r.records for r in book.for_term(t)] for t, _ in targets}
            raise InvalidInputError(
                "no one record set has rules for all of these terms ("
                + "; ".join(f"{t}: {', '.join(s)}" for t, s in sets.items())
                + "); pass the records as a mapping, e.g. {'births': ..., 'child_deaths': ...}"
            )
        given = [serving[0]]
    chosen: dict[str, dict[Target, Rule]] = {}
    for term, definition in targets:
        rule = next((r for r in book.for_term(term) if r.records in given), None)
        if rule is None:
            on = ", ".join(r.records for r in book.for_term(term))
            raise InvalidInputError(
                f"term {term!r} is counted from {on}; none of these records were given "
                f"(given: {', '.join(given)})"
            )
        used = (
            (definition or book.default_live_birth_definition)
            if book.uses_parameter(rule)
            else None
        )
        chosen.setdefault(rule.records, {})[(term, used)] = rule
    return chosen


def _period(period: tuple[dt.date | str, dt.date | str] | None) -> tuple[dt.date, dt.date] | None:
    if period is None:
        return None
    try:
        start, end = (
            value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
            for value in period
        )
    except (TypeError, ValueError):
        raise InvalidInputError(
            f"period must be (start, end) dates such as ('2024-01-01', '2024-12-31'), got "
            f"{period!r}"
        ) from None
    if isinstance(start, dt.datetime) or isinstance(end, dt.datetime):
        start, end = (d.date() if isinstance(d, dt.datetime) else d for d in (start, end))
    if end < start:
        raise InvalidInputError(f"period ends ({end}) before it starts ({start})")
    return start, end


def _by(by: str | Sequence[str] | None) -> list[str]:
    if by is None:
        return []
    return [by] if isinstance(by, str) else [str(k) for k in by]


def _backend(data: object) -> Backend:
    """The library of the tables returned: the input's, pandas for files (if installed)."""
    module = type(data).__module__.split(".")[0]
    if module == "polars":
        return "polars"
    if module in {"pandas", "dask"}:
        return "pandas"
    if module in {"pyarrow", "duckdb", "pyspark", "sqlframe"}:
        return "pyarrow"
    return "pandas" if _importable("pandas") else "pyarrow"


def _importable(name: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(name) is not None


# -- counting -------------------------------------------------------------------------


def _counting() -> ModuleType:
    """The counting module, which needs narwhals (the ``records`` extra)."""
    load("narwhals", extra="records", needed_for="counting records")
    import mch_indicators.records._count as counting

    return counting


def _tallies(
    records: object,
    targets: list[Target],
    *,
    by: list[str],
    period: tuple[dt.date, dt.date] | None,
    rules: RuleBook | None,
    columns: Mapping[str, Any] | None,
    quality: bool,
) -> list[Tally]:
    counting = _counting()
    book = rules or builtin_rules()
    sources = _sources(records)
    chosen = _choose_rules(targets, book, sources)
    tallies = []
    for name, wanted in chosen.items():
        data = sources.get(name, sources.get(None))
        explicit = columns
        if columns and all(isinstance(v, Mapping) for v in columns.values()):
            explicit = columns.get(name)
        tallies.append(
            counting.tally(
                data,
                counting.builtin_schema(name),
                wanted,
                book,
                by=by,
                period=period,
                columns=explicit,
                quality=quality,
            )
        )
    return tallies


def _aligned(tallies: list[Tally]) -> tuple[list[npt.NDArray[np.object_]], list[Tally]]:
    """Every group of every tally, sorted, with each tally's sums laid on them (0 elsewhere)."""
    from mch_indicators.records._count import Tally

    if len(tallies) == 1:
        return tallies[0].keys, tallies
    width = len(tallies[0].keys)
    rows = (
        {key: None for t in tallies for key in zip(*t.keys, strict=True)} if width else {(): None}
    )
    union = list(rows)
    columns = [
        np.array([key[i] for key in union] + [None], dtype=object)[:-1] for i in range(width)
    ]
    rank = order(columns) if width else np.arange(1)
    columns = [column[rank] for column in columns]
    sorted_keys = [union[i] for i in rank]
    position = {key: i for i, key in enumerate(sorted_keys)}
    aligned = []
    for t in tallies:
        own = (
            list(zip(*t.keys, strict=True)) if width else [()] * len(next(iter(t.counts.values())))
        )
        at = np.array([position[key] for key in own], dtype=np.intp)

        def spread(values: npt.NDArray[np.float64], at: npt.NDArray[np.intp] = at) -> Any:
            out = np.zeros(len(sorted_keys))
            out[at] = values
            return out

        aligned.append(
            Tally(
                t.records,
                columns,
                {k: spread(v) for k, v in t.counts.items()},
                {k: spread(v) for k, v in t.unclassified.items()},
                {k: spread(v) for k, v in t.reasons.items()},
                t.rules,
            )
        )
    return columns, aligned


def _tables(
    keys: list[npt.NDArray[np.object_]], tallies: list[Tally], by: list[str], backend: Backend
) -> tuple[Any, Any]:
    rows = len(next(iter(tallies[0].counts.values()))) if tallies[0].counts else 0
    counted = [(t, target) for t in tallies for target in t.counts]
    counts: dict[str, Any] = {
        name: np.tile(column, len(counted)) for name, column in zip(by, keys, strict=True)
    }
    counts["term"] = np.repeat(np.array([tg[0] for _, tg in counted], dtype=object), rows)
    counts["definition"] = np.repeat(np.array([tg[1] for _, tg in counted], dtype=object), rows)
    counts["records"] = np.repeat(np.array([t.records for t, _ in counted], dtype=object), rows)
    counts["count"] = np.concatenate([t.counts[tg] for t, tg in counted] or [np.zeros(0)])
    counts["unclassified"] = np.concatenate(
        [t.unclassified[tg] for t, tg in counted] or [np.zeros(0)]
    )
    pieces: dict[str, list[Any]] = {name: [] for name in [*by, "term", "definition", "records"]}
    pieces.update(reason=[], count=[])
    for t in tallies:
        for (target, reason), values in t.reasons.items():
            at = np.flatnonzero(values)
            for name, column in zip(by, keys, strict=True):
                pieces[name].append(column[at])
            for name, value in (
                ("term", target[0]), ("definition", target[1]), ("records", t.records),
                ("reason", reason),
            ):  # fmt: skip
                pieces[name].append(np.full(len(at), value, dtype=object))
            pieces["count"].append(values[at])
    quality = {
        name: np.concatenate(parts) if parts else np.zeros(0, dtype=object)
        for name, parts in pieces.items()
    }
    return native_frame(counts, backend), native_frame(quality, backend)


def count_records(
    records: Records,
    terms: Wanted | Iterable[Wanted],
    *,
    by: str | Sequence[str] | None = None,
    period: tuple[dt.date | str, dt.date | str] | None = None,
    rules: RuleBook | None = None,
    columns: Mapping[str, Hashable] | Mapping[str, Mapping[str, Hashable]] | None = None,
    backend: Backend | None = None,
    quality: bool = True,
    catalog: Catalog | None = None,
) -> RecordCounts:
    """Count terms on records, inside the engine that holds them.

    Parameters
    ----------
    records : DataFrame, path or mapping
        A register as a pandas, polars (eager or lazy), pyarrow, DuckDB, dask or
        PySpark frame, or a Parquet/CSV path (a folder of Parquet files too),
        scanned lazily with DuckDB (or polars) so that files larger than memory
        work. Several registers as a mapping ``{"births": ..., "child_deaths":
        ...}`` keyed by record set; a single frame is the record set whose rules
        cover every term asked for.
    terms : str, Term, Indicator or a list of them
        Term ids (``"live_births"``), or indicators (their numerator and
        denominator, counted with the indicator's live-birth definition).
    by : str or list of str, optional
        Grouping: fields of the record set, other columns, or ``"year"`` (the
        year of the record's date).
    period : (date, date), optional
        First and last day (inclusive); records dated outside are left out and
        reported in the quality table.
    rules : RuleBook, optional
        Your rules (:func:`mch_indicators.records.load_rules`); the built-in ones
        by default.
    columns : mapping, optional
        Field -> column where the headers do not say (``{"outcome": "结局"}``);
        per record set with a mapping of mappings.
    backend : {"pandas", "polars", "pyarrow"}, optional
        Library of the tables returned; by default the input's (pandas for
        pandas and dask, polars for polars, pyarrow for pyarrow, DuckDB and Spark).
    quality : bool, default True
        Count the reasons of unclassifiable records (one sum per field and reason).
    catalog : Catalog, optional
        Where indicator keys are looked up (default: the built-in catalog), for
        your own indicators: ``mch.catalog.merged(mch.load_definitions(...))``.

    Returns
    -------
    RecordCounts
        ``counts`` and ``quality`` tables.

    Examples
    --------
    >>> import pandas as pd, mch_indicators as mch
    >>> births = pd.DataFrame({
    ...     "县区": ["A", "A", "A", "B"],
    ...     "妊娠结局": ["活产", "活产", "死胎死产", "活产"],
    ...     "孕周": [39, None, 30, 27],
    ...     "出生体重": [3300, None, 1500, 900],
    ... })
    >>> out = mch.count_records(births, ["live_births", "stillbirths_28w"], by="area")
    >>> out.counts[["area", "term", "count", "unclassified"]]
      area             term  count  unclassified
    0    A      live_births    1.0           1.0
    1    B      live_births    0.0           0.0
    2    A  stillbirths_28w    1.0           0.0
    3    B  stillbirths_28w    0.0           0.0
    >>> out.quality[["area", "term", "reason", "count"]]
      area         term                    reason  count
    0    A  live_births   birth_weight_g: missing    1.0
    1    A  live_births  gestation_weeks: missing    1.0
    """
    book = rules or builtin_rules()
    targets = [t for item in _as_list(terms) for t in _targets_of(item, book, catalog)]
    if not targets:
        raise InvalidInputError("count_records() needs at least one term or indicator")
    keys_by = _by(by)
    tallies = _tallies(
        records,
        targets,
        by=keys_by,
        period=_period(period),
        rules=book,
        columns=columns,
        quality=quality,
    )
    keys, aligned = _aligned(tallies)
    first = next(iter(_sources(records).values()))
    chosen_backend = backend or _backend(first)
    counts, table = _tables(keys, aligned, keys_by, chosen_backend)
    return RecordCounts(counts, table)


def _indicators(
    wanted: Wanted | Iterable[Wanted],
    variants: bool,
    book: RuleBook,
    given: list[str | None],
    lookup: Catalog | None,
) -> tuple[list[Indicator], dict[str, str]]:
    catalog = _catalog(lookup)
    chosen: list[Indicator] = []
    for item in _as_list(wanted):
        if isinstance(item, Term):
            raise InvalidInputError(f"compute_records() takes indicators; {item.id!r} is a term")
        found = catalog.get_indicator(item)
        for member in catalog.variants(found) if variants else [found]:
            if member not in chosen:
                chosen.append(member)
    if not variants:
        return chosen, {}
    kept, skipped = [], {}
    for indicator in chosen:
        why = _why_not(indicator, book, given)
        if why:
            skipped[indicator.id] = why
        else:
            kept.append(indicator)
    return kept, skipped


def _why_not(indicator: Indicator, book: RuleBook, given: list[str | None]) -> str:
    if not indicator.computable:
        return "not a quotient of two counts"
    for term in (indicator.numerator.id, indicator.denominator.id):
        rules = book.for_term(term)
        if not rules:
            return f"term {term!r} has no record rule"
        if given != [None] and not any(r.records in given for r in rules):
            return f"term {term!r} is counted from {', '.join(r.records for r in rules)}"
    return ""


def compute_records(
    records: Records,
    indicators: Wanted | Iterable[Wanted],
    *,
    by: str | Sequence[str] | None = None,
    period: tuple[dt.date | str, dt.date | str] | None = None,
    rules: RuleBook | None = None,
    columns: Mapping[str, Hashable] | Mapping[str, Mapping[str, Hashable]] | None = None,
    variants: bool = False,
    backend: Backend | None = None,
    catalog: Catalog | None = None,
    **options: Unpack[ComputeOptions],
) -> RecordResults:
    """Compute indicators from records: count in the engine, then values and intervals.

    The terms of every indicator are counted as :func:`count_records` does (one
    grouped aggregation per record set, in the engine that holds the records);
    the small table of counts is then computed as :func:`mch_indicators.compute`
    would, with the same options. A group whose numerator or denominator had
    unclassifiable records is flagged ``UNCLASSIFIED``: those records could
    change the value.

    Parameters
    ----------
    records, by, period, rules, columns, backend, catalog
        As in :func:`count_records`.
    indicators : str, Indicator or a list of them
        Ids, names or codes; a family from ``mch.catalog.variants(...)`` computes
        China's and WHO's definitions from the same records in one call.
    variants : bool, default False
        Compute every variant of each indicator too; variants that cannot be
        computed from these records are listed in ``skipped`` with the reason.
    **options
        The compute options (:class:`~mch_indicators.ComputeOptions`).

    Returns
    -------
    RecordResults
        ``results``, ``counts``, ``quality`` and ``skipped``.

    Examples
    --------
    >>> import pandas as pd, mch_indicators as mch
    >>> births = pd.DataFrame({
    ...     "outcome": ["live"] * 4 + ["stillbirth"] * 2,
    ...     "gestation_weeks": [39, 38, 25, 23, 30, 24],
    ...     "birth_weight_g": [3300, 3100, 800, 600, 1500, 700],
    ...     "death_age_days": [None, 2, 1, None, None, None],
    ... })
    >>> out = mch.compute_records(births, "perinatal_mortality_rate_cn", variants=True)
    >>> out.results[["indicator", "numerator", "denominator"]]
                          indicator  numerator  denominator
    0   perinatal_mortality_rate_cn        2.0          3.0
    1  perinatal_mortality_rate_22w        4.0          6.0
    """
    book = rules or builtin_rules()
    sources = _sources(records)
    chosen, skipped = _indicators(indicators, variants, book, list(sources), catalog)
    if not chosen:
        raise InvalidInputError(
            "none of these indicators can be computed from these records: "
            + "; ".join(f"{k}: {v}" for k, v in skipped.items())
        )
    checked = Options.from_keywords(options)
    keys_by = _by(by)
    targets: dict[str, list[Target]] = {
        indicator.id: [
            (indicator.numerator.id, indicator.parameters.live_birth_definition),
            (indicator.denominator.id, indicator.parameters.live_birth_definition),
        ]
        for indicator in chosen
    }
    tallies = _tallies(
        records,
        [t for pair in targets.values() for t in pair],
        by=keys_by,
        period=_period(period),
        rules=book,
        columns=columns,
        quality=True,
    )
    keys, aligned = _aligned(tallies)
    found: dict[Target, tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]] = {}
    for t in aligned:
        for target in t.rules:
            found[(target[0], target[1])] = (t.counts[target], t.unclassified[target])
    columns_out = _results(chosen, targets, found, book, keys, keys_by, checked)
    first = next(iter(sources.values()))
    chosen_backend = backend or _backend(first)
    counts, quality = _tables(keys, aligned, keys_by, chosen_backend)
    return RecordResults(native_frame(columns_out, chosen_backend), counts, quality, skipped)


def _lookup(
    found: Mapping[Target, tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]],
    term: str,
    definition: str | None,
    book: RuleBook,
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    if (term, None) in found:
        return found[(term, None)]
    return found[(term, definition or book.default_live_birth_definition)]


def _results(
    chosen: list[Indicator],
    targets: Mapping[str, list[Target]],
    found: Mapping[Target, tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]],
    book: RuleBook,
    keys: list[npt.NDArray[np.object_]],
    by: list[str],
    options: Options,
) -> dict[str, Any]:
    from mch_indicators._compute import compute_indicator

    pieces: dict[str, list[Any]] = {name: [] for name in by}
    for indicator in chosen:
        (num_term, num_def), (den_term, den_def) = targets[indicator.id]
        x, x_unknown = _lookup(found, num_term, num_def, book)
        n, n_unknown = _lookup(found, den_term, den_def, book)
        try:
            result = compute_indicator(indicator, x, n, options)
        except InvalidInputError as error:
            raise InvalidInputError(f"indicator {indicator.id!r}: {error}") from None
        unclassified = (x_unknown > 0) | (n_unknown > 0)
        flags = result.flags | np.where(unclassified, np.uint16(Flag.UNCLASSIFIED), np.uint16(0))
        result = result._replace(flags=flags.astype(np.uint16))
        for name, column in zip(by, keys, strict=True):
            pieces[name].append(column)
        for name, values in result.columns(details=False).items():
            pieces.setdefault(name, []).append(values)
        pieces.setdefault("numerator_unclassified", []).append(x_unknown)
        pieces.setdefault("denominator_unclassified", []).append(n_unknown)
    return {name: np.concatenate(parts) for name, parts in pieces.items()}
