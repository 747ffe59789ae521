"""The commands of ``mch-indicators``: each asks the library and renders what it returns.

Nothing here reads numbers, computes or pools: tables are read by
:func:`mch_indicators.read_table`, computed by :func:`mch_indicators.compute` and
pooled by :func:`mch_indicators.pool`; indicator descriptions come from the same
renderer as the docs pages. A command returns the text to print.
"""

from __future__ import annotations

import argparse
import json
import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from importlib import resources
from typing import TYPE_CHECKING, Any

import numpy as np

from mch_indicators._catalog import Catalog, builtin_catalog, load_definitions
from mch_indicators._cli._frames import frame_chunks
from mch_indicators._cli._tables import render
from mch_indicators._errors import MCHIndicatorsError
from mch_indicators._render import describe
from mch_indicators._targets import Target, builtin_targets, targets_for
from mch_indicators._unitspec import resolve_unit

if TYPE_CHECKING:
    import pandas as pd

    from mch_indicators._model import Indicator
    from mch_indicators._result import Result

__all__ = [
    "CommandError",
    "catalog_of",
    "cmd_compute",
    "cmd_demo",
    "cmd_export",
    "cmd_list",
    "cmd_show",
    "cmd_targets",
]

EXAMPLE = "example_prefecture.csv"
REQUIRED = ("indicator", "numerator", "denominator")


class CommandError(Exception):
    """A user error: printed as one line, exit status 1."""


def unit_symbol(unit: str) -> str:
    """The unit as printed in tables: ``%``, ``‰``, ``per 100,000``."""
    spec = resolve_unit(unit)
    return spec.symbol or spec.name


def _number(value: float, decimals: int) -> str:
    return "" if math.isnan(value) else f"{value:.{decimals}f}"


def catalog_of(args: argparse.Namespace) -> Catalog:
    """The built-in catalog, merged with the files given to ``--definitions`` (once)."""
    catalog: Catalog | None = getattr(args, "loaded_catalog", None)
    if catalog is None:
        catalog = builtin_catalog()
        if args.definitions:
            catalog = catalog.merged(load_definitions(*args.definitions))
        args.loaded_catalog = catalog
    return catalog


# -- rendering result columns ----------------------------------------------------------


def _cell(value: Any, numeric: bool, fmt: str, decimals: int) -> Any:
    """One cell of a result table in the output format."""
    if isinstance(value, np.generic):
        value = value.item()
    if not numeric:
        return value
    missing = value is None or (isinstance(value, float) and math.isnan(value))
    if fmt == "table":
        return "" if missing else _number(float(value), decimals)
    if fmt == "json":
        return None if missing else value
    return value


def _count(value: Any, fmt: str) -> Any:
    number = float(value)
    if fmt == "table":
        return "" if math.isnan(number) else f"{number:g}"
    return None if math.isnan(number) else number


def result_rows(
    columns: Mapping[str, Sequence[Any]],
    fmt: str,
    decimals_of: Callable[[str], int],
) -> tuple[list[str], list[list[Any]], list[bool]]:
    """Header, rows and numeric-column markers for columns of computed results.

    ``columns`` are those of a result frame: groups, then ``indicator, numerator,
    denominator, value``, the limits, ``unit`` and ``flags``. Values and limits are
    printed with the indicator's decimals in a table, raw in CSV and JSON.
    """
    header = [str(name) for name in columns]
    start = header.index("indicator")
    limits = header[header.index("value") : header.index("unit")]
    numeric = [name in ("numerator", "denominator", *limits) for name in header]
    rows: list[list[Any]] = []
    for i in range(len(columns["indicator"])):
        decimals = decimals_of(str(columns["indicator"][i]))
        row: list[Any] = []
        for name in header:
            value = columns[name][i]
            if name in ("numerator", "denominator"):
                row.append(_count(value, fmt))
            elif name == "unit" and fmt == "table":
                row.append(unit_symbol(str(value)))
            else:
                row.append(_cell(value, name in limits, fmt, decimals))
        rows.append(row)
    numeric[:start] = [False] * start
    return header, rows, numeric


def _frame_columns(frame: pd.DataFrame) -> dict[str, Sequence[Any]]:
    return {str(name): frame[name].tolist() for name in frame.columns}


def _result_columns(result: Result) -> dict[str, Sequence[Any]]:
    return {name: values.tolist() for name, values in result.columns(details=False).items()}


# -- commands --------------------------------------------------------------------------


def cmd_list(args: argparse.Namespace) -> str:
    """``list``: the catalog, filtered, searched or one family of variants."""
    catalog = catalog_of(args)
    if args.search:
        chosen = {i.id for i in catalog.filter(domain=args.domain, kind=args.kind)}
        indicators = [i for i in catalog.search(args.search, limit=None) if i.id in chosen]
        if not indicators:
            raise CommandError(f"no indicator matches {args.search!r}")
    else:
        indicators = catalog.filter(domain=args.domain, kind=args.kind)
    if args.variants_of:
        family = {i.id for i in catalog.variants(args.variants_of)}
        indicators = [i for i in indicators if i.id in family]
    header = ["id", "中文名", "name", "unit", "kind", "domain", "variant of", "verified"]
    rows = [
        [
            i.id,
            i.name.zh,
            i.name.en,
            unit_symbol(i.unit) if args.format == "table" else i.unit,
            i.kind.value,
            i.domain.value,
            i.variant_of or ("" if args.format != "json" else None),
            ("yes" if i.verified else "no") if args.format != "json" else i.verified,
        ]
        for i in indicators
    ]
    return render(header, rows, args.format)


def _target_rows(targets: Sequence[Target], fmt: str) -> tuple[list[str], list[list[Any]]]:
    header = ["indicator", "target", "year", "plan", "scope", "verified"]
    if fmt != "table":
        header.append("document")
    rows: list[list[Any]] = []
    for target in targets:
        row = [
            target.indicator,
            target.rule if fmt != "json" else target.model_dump(mode="json", exclude={"plan"}),
            target.year if fmt == "json" else (target.year or "standing"),
            target.plan.name.zh if fmt == "table" else target.plan.id,
            target.scope or ("" if fmt != "json" else None),
            target.verified if fmt == "json" else ("yes" if target.verified else "unverified"),
        ]
        if fmt != "table":
            row.append(target.plan.document or target.plan.sources[0].document)
        rows.append(row)
    return header, rows


def cmd_targets(args: argparse.Namespace) -> str:
    """``targets``: the targets of the built-in plans, for one indicator or all."""
    if args.indicator:
        found = catalog_of(args).get_indicator(args.indicator)  # also your --definitions
        if found.id not in builtin_catalog() and found.variant_of not in builtin_catalog():
            return (
                f"no targets for {found.id}: the built-in plans set targets only for "
                "built-in indicators"
            )
        targets = targets_for(found.variant_of or found.id, plan=args.plan, variants=True)
    else:
        targets = tuple(t for t in builtin_targets() if args.plan in (None, t.plan.id))
        if not targets:
            known = ", ".join(dict.fromkeys(t.plan.id for t in builtin_targets()))
            raise CommandError(f"unknown plan {args.plan!r}; known plans: {known}")
    if not targets:
        return "no targets for this indicator in the built-in plans"
    header, rows = _target_rows(targets, args.format)
    return render(header, rows, args.format)


def cmd_show(args: argparse.Namespace) -> str:
    """``show``: one indicator's full definition."""
    catalog = catalog_of(args)
    indicator = catalog.get_indicator(args.indicator)
    if args.format == "json":
        return json.dumps(indicator.model_dump(mode="json"), ensure_ascii=False, indent=2)
    return describe(indicator, catalog)


def _compute_options(args: argparse.Namespace) -> dict[str, Any]:
    return {
        "confidence": tuple(args.confidence or (0.95,)),
        "method": args.method,
        "on_invalid": args.on_invalid,
        "suppress": args.suppress,
    }


def _compute_file(args: argparse.Namespace) -> Iterator[str]:
    from mch_indicators._api import compute
    from mch_indicators._io import read_table

    catalog = catalog_of(args)
    frame = read_table(args.file)
    missing = [column for column in REQUIRED if column not in frame.columns]
    if missing:
        raise CommandError(
            f"missing column {missing[0]!r}; the header has {', '.join(map(str, frame.columns))}"
        )
    if frame.empty:
        raise CommandError("no data rows under the header")
    out = compute(frame, catalog=catalog, **_compute_options(args))
    del frame  # a million rows: keep one table in memory, not two
    return frame_chunks(out, args.format, lambda key: catalog[key].decimals)


def cmd_compute(args: argparse.Namespace) -> str | Iterator[str]:
    """``compute``: one indicator from counts on the command line, or a long table file."""
    if args.file is not None:
        if args.indicator or args.numerator is not None or args.denominator is not None:
            raise CommandError("give either --file or an indicator with --numerator/--denominator")
        return _compute_file(args)
    if not args.indicator or args.numerator is None or args.denominator is None:
        raise CommandError("compute needs an indicator, --numerator and --denominator (or --file)")
    numerator = args.numerator[0] if len(args.numerator) == 1 else args.numerator
    denominator = args.denominator[0] if len(args.denominator) == 1 else args.denominator
    indicator = catalog_of(args).get_indicator(args.indicator)
    result = indicator.compute(numerator, denominator, **_compute_options(args))
    if args.unit:
        result = result.to(args.unit)
    if args.format == "text":
        if result.value.ndim == 0:
            return result.format(lang=args.lang)
        return "\n".join(r.format(lang=args.lang) for r in result)
    header, rows, numeric = result_rows(
        _result_columns(result), args.format, lambda _: indicator.decimals
    )
    return render(header, rows, args.format, numeric=numeric)


def cmd_export(args: argparse.Namespace) -> str:
    """``export``: the definitions in a format other systems import (written by the library)."""
    from mch_indicators import export

    catalog = catalog_of(args)
    ids = args.indicators or None
    if args.output is None:
        if args.format == "xlsx":
            raise CommandError("xlsx is a binary format: give --output PATH")
        return export.dumps(args.format, catalog=catalog, ids=ids).rstrip("\n")
    path = export.catalog(args.output, args.format, catalog=catalog, ids=ids)
    count = len(ids) if ids else len(catalog)
    what = "the schema of definition files" if args.format == "jsonschema" else (
        f"{count} indicators"
    )  # fmt: skip
    return f"wrote {what} to {path} ({args.format})"


# -- the demo --------------------------------------------------------------------------


def _pooled_rows(
    records: Sequence[Mapping[str, Any]], label: Sequence[str], catalog: Catalog
) -> list[list[str]]:
    rows = []
    for record in records:
        indicator: Indicator = catalog[record["indicator"]]
        d = indicator.decimals
        value = float(record["value"])
        ci = f"{_number(float(record['lower']), d)}–{_number(float(record['upper']), d)}"
        x, n = float(record["numerator"]), float(record["denominator"])
        rows.append(
            [
                *(str(record[name]) for name in label),
                _number(value, d),
                "" if math.isnan(value) else ci,
                unit_symbol(indicator.unit),
                "" if math.isnan(x) else f"{x:,.0f}",
                f"{n:,.0f}",
                str(record["flags"]),
            ]
        )
    return rows


def _pooled_table(rows: list[list[str]], label: list[str]) -> str:
    header = [*label, "value", "95% CI", "unit", "numerator", "denominator", "flags"]
    numeric = [False] * len(label) + [True, True, False, True, True, False]
    return render(header, rows, "table", numeric=numeric)


def cmd_demo(args: argparse.Namespace) -> str:
    """``demo``: the bundled example prefecture, pooled by the library and printed."""
    from mch_indicators._api import compute, pool
    from mch_indicators._io import read_table

    catalog = builtin_catalog()
    with resources.as_file(resources.files("mch_indicators.definitions") / EXAMPLE) as path:
        frame = read_table(path)
    if args.format != "table":
        out = compute(frame, on_invalid="flag")
        header, rows, numeric = result_rows(
            _frame_columns(out), args.format, lambda key: catalog[key].decimals
        )
        return render(header, rows, args.format, numeric=numeric)
    years = sorted(frame["year"].unique().tolist())
    first, last = years[0], years[-1]
    counties = list(dict.fromkeys(frame["county"]))
    latest = frame[frame["year"] == last]
    order = {key: i for i, key in enumerate(dict.fromkeys(latest["indicator"]))}
    prefecture = pool(latest, on_invalid="flag")
    prefecture = prefecture.sort_values("indicator", key=lambda ids: ids.map(order))
    prefecture = prefecture.assign(name=[catalog[i].name.zh for i in prefecture["indicator"]])
    prefecture_rows = _pooled_rows(prefecture.to_dict("records"), ["name"], catalog)
    mmr = catalog["maternal_mortality_ratio"]
    mmr_rows = frame[frame["indicator"] == mmr.id]
    one_year = pool(mmr_rows[mmr_rows["year"] == last], by="county").set_index("county")
    all_years = pool(mmr_rows, by="county").set_index("county")
    by_county = [
        {**table.loc[name].to_dict(), "county": name, "years": period}
        for name in counties
        for period, table in ((str(last), one_year), (f"{first}–{last}", all_years))
    ]
    return "\n".join(
        [
            f"Synthetic prefecture of {len(counties)} counties, {first}–{last} "
            f"({len(frame)} county-year counts bundled with mch_indicators).",
            "",
            f"Prefecture, {last}: counts summed over the counties, then computed "
            "(95% CI: Wilson for proportions, exact Poisson otherwise)",
            _pooled_table(prefecture_rows, ["indicator"]),
            "",
            f"{mmr.name.zh} ({mmr.name.en}) by county: {last} alone and {first}–{last} pooled",
            _pooled_table(
                _pooled_rows(by_county, ["county", "years"], catalog), ["county", "years"]
            ),
            "",
            "Flags: UNRELIABLE = fewer than 20 events or a relative standard error above 30 %;",
            "ABOVE_DENOMINATOR = a coverage above its planned denominator (value kept);",
            "MISSING = a count not reported. Every county-year: mch-indicators demo --format csv",
        ]
    )


def run_command(args: argparse.Namespace) -> str | Iterator[str]:
    """Run the chosen command; library errors become :class:`CommandError` with the place.

    The output is the text to print, or (a large table) its chunks, each ending a line.
    """
    try:
        output: str | Iterator[str] = args.handler(args)
    except MCHIndicatorsError as error:
        raise CommandError(_located(error, getattr(args, "file", None))) from None
    return output


def _located(error: MCHIndicatorsError, path: str | None) -> str:
    """``counts.csv:18: column 'numerator': 'abc' is not a number``: an error with its place."""
    if path is None or (error.row is None and error.column is None):
        return str(error)
    name = "<stdin>" if path == "-" else path
    line = f":{error.row}" if error.row is not None else ""
    column = f" column {error.column!r}:" if error.column is not None and line else ""
    return f"{name}{line}:{column} {error.reason}"
