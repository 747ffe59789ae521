"""The ``mch-indicators`` command line: list, show, targets, compute and demo.

Every error the user can cause (unknown indicator, unreadable file, missing
column, a bad number on line 18) prints one line naming the file, line and
column, and exits with status 1, without a traceback.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, TextIO

import numpy as np

from mch_indicators._catalog import Catalog, builtin_catalog, load_definitions
from mch_indicators._errors import MCHIndicatorsError
from mch_indicators._model import Domain, Indicator, Kind
from mch_indicators._result import Result, limit_columns
from mch_indicators._table import render
from mch_indicators._targets import Target, builtin_targets, targets_for
from mch_indicators._unitspec import resolve_unit
from mch_indicators.stats._flags import Flag, flag_labels

__all__ = ["main"]

PROG = "mch-indicators"
EXAMPLE = "example_prefecture.csv"
MISSING_TOKENS = frozenset({"", "na", "n/a", "nan", "null", "none", "-", "—"})
REQUIRED = ("indicator", "numerator", "denominator")


class CommandError(Exception):
    """A user error: printed as one line, exit status 1."""


# -- small helpers ---------------------------------------------------------------------


def _unit_symbol(unit: str) -> str:
    spec = resolve_unit(unit)
    return spec.symbol or spec.name


def _number(value: float, decimals: int) -> str:
    return "" if math.isnan(value) else f"{value:.{decimals}f}"


def _confidence(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number such as 0.95") from None


def _parse_count(text: str, where: str, column: str) -> float:
    cleaned = text.strip()
    if cleaned.lower() in MISSING_TOKENS:
        return math.nan
    try:
        value = float(cleaned.replace(",", ""))
    except ValueError:
        raise CommandError(f"{where}: column {column!r}: {text!r} is not a number") from None
    if math.isinf(value) or math.isnan(value):
        raise CommandError(f"{where}: column {column!r}: {text!r} is not a finite number")
    if value < 0:
        raise CommandError(f"{where}: column {column!r}: counts cannot be negative ({text!r})")
    return value


# -- reading count tables --------------------------------------------------------------


@dataclass
class CountTable:
    """Rows of a long table: grouping columns, indicator, numerator, denominator."""

    name: str
    groups: list[str]
    keys: list[tuple[str, ...]] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    numerators: list[float] = field(default_factory=list)
    denominators: list[float] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)


def read_counts(handle: TextIO, name: str, catalog: Catalog | None = None) -> CountTable:
    """Read and check a counts CSV; raise :class:`CommandError` naming line and column."""
    reader = csv.DictReader(handle)
    header = [h.strip() for h in reader.fieldnames or []]
    if not header:
        raise CommandError(f"{name}: empty file; expected a header with {', '.join(REQUIRED)}")
    reader.fieldnames = header
    missing = [column for column in REQUIRED if column not in header]
    if missing:
        raise CommandError(
            f"{name}: missing column {missing[0]!r}; the header has {', '.join(header)}"
        )
    table = CountTable(name, [h for h in header if h not in REQUIRED])
    catalog = catalog or builtin_catalog()
    resolved: dict[str, Indicator] = {}
    for row in reader:
        where = f"{name}:{reader.line_num}"
        if None in row or any(row[h] is None for h in header):
            raise CommandError(f"{where}: expected {len(header)} fields as in the header")
        key = row["indicator"].strip()
        if key not in resolved:
            try:
                resolved[key] = catalog.get_indicator(key)
            except MCHIndicatorsError as error:
                raise CommandError(f"{where}: column 'indicator': {error}") from None
        table.indicators.append(resolved[key])
        table.numerators.append(_parse_count(row["numerator"], where, "numerator"))
        table.denominators.append(_parse_count(row["denominator"], where, "denominator"))
        table.keys.append(tuple(row[g].strip() for g in table.groups))
        table.lines.append(reader.line_num)
    if not table.indicators:
        raise CommandError(f"{name}: no data rows under the header")
    return table


def open_counts(path: str, catalog: Catalog | None = None) -> CountTable:
    """Read a counts CSV from a path (``-`` for standard input)."""
    if path == "-":
        return read_counts(sys.stdin, "<stdin>", catalog)
    try:
        with Path(path).open(encoding="utf-8-sig", newline="") as handle:
            return read_counts(handle, path, catalog)
    except OSError as error:
        raise CommandError(f"{path}: cannot read file ({error.strerror})") from None
    except UnicodeDecodeError:
        raise CommandError(f"{path}: not UTF-8 text; save the CSV as UTF-8") from None


@dataclass
class Computed:
    """Per-row results of a count table, in input order."""

    results: list[tuple[Result, int]]  # (result of the row's indicator group, position)
    levels: tuple[float, ...]


def compute_table(
    table: CountTable,
    confidence: Sequence[float],
    method: str | None,
    on_invalid: str,
    suppress: str | None = None,
) -> Computed:
    """Compute every row, one vectorized call per indicator."""
    positions: dict[str, list[int]] = {}
    for row, indicator in enumerate(table.indicators):
        positions.setdefault(indicator.id, []).append(row)
    numerators = np.array(table.numerators)
    denominators = np.array(table.denominators)
    per_row: list[tuple[Result, int] | None] = [None] * len(table.indicators)
    levels: tuple[float, ...] = ()
    for rows in positions.values():
        indicator = table.indicators[rows[0]]
        try:
            result = indicator.compute(
                numerators[rows],
                denominators[rows],
                confidence=tuple(confidence),
                method=method,
                on_invalid="flag",
                suppress=suppress,
            )
        except MCHIndicatorsError as error:
            raise CommandError(f"{table.name}: {indicator.id}: {error}") from None
        if on_invalid == "raise":
            bad = np.flatnonzero(result.has_flag(Flag.INVALID))
            if bad.size:
                row = rows[int(bad[0])]
                raise CommandError(
                    f"{table.name}:{table.lines[row]}: numerator "
                    f"{table.numerators[row]:g} exceeds denominator "
                    f"{table.denominators[row]:g}, impossible for the proportion "
                    f"{indicator.id}; use --on-invalid flag to keep going"
                )
        levels = result.confidence
        for position, row in enumerate(rows):
            per_row[row] = (result, position)
    return Computed([item for item in per_row if item is not None], levels)


def result_rows(
    table: CountTable, computed: Computed, fmt: str
) -> tuple[list[str], list[list[Any]], list[bool]]:
    """Header, rows and numeric-column markers for a computed count table."""
    limit_names = [name for pair in limit_columns(computed.levels) for name in pair]
    header = [*table.groups, "indicator", "numerator", "denominator", "value"]
    header += [*limit_names, "unit", "flags"]
    numeric = [False] * len(table.groups) + [False, True, True, True]
    numeric += [True] * len(limit_names) + [False, False]
    rows: list[list[Any]] = []
    for key, (result, position) in zip(table.keys, computed.results, strict=True):
        numbers = [float(result.value.ravel()[position])]
        for level in computed.levels:
            lower, upper = result.interval(level)
            numbers += [float(lower.ravel()[position]), float(upper.ravel()[position])]
        if fmt == "table":
            shown: list[Any] = [_number(v, result.indicator.decimals) for v in numbers]
            unit = _unit_symbol(result.unit)
        else:
            shown = [None if math.isnan(v) else v for v in numbers] if fmt == "json" else numbers
            unit = result.unit
        counts = [
            float(result.numerator.ravel()[position]),
            float(result.denominator.ravel()[position]),
        ]
        if fmt == "table":
            counts_shown: list[Any] = ["" if math.isnan(c) else f"{c:g}" for c in counts]
        else:
            counts_shown = [None if math.isnan(c) else c for c in counts]
        flags = flag_labels(result.flags.ravel()[position])[0]
        rows.append([*key, result.indicator.id, *counts_shown, shown[0], *shown[1:], unit, flags])
    return header, rows, numeric


def catalog_of(args: argparse.Namespace) -> Catalog:
    """The built-in catalog, merged with the files given to ``--definitions`` (once)."""
    catalog: Catalog | None = getattr(args, "loaded_catalog", None)
    if catalog is None:
        catalog = builtin_catalog()
        if args.definitions:
            catalog = catalog.merged(load_definitions(*args.definitions))
        args.loaded_catalog = catalog
    return catalog


# -- commands --------------------------------------------------------------------------


def cmd_list(args: argparse.Namespace) -> str:
    catalog = catalog_of(args)
    if args.search:
        chosen = {i.id for i in catalog.filter(domain=args.domain, kind=args.kind)}
        indicators = [i for i in catalog.search(args.search, limit=None) if i.id in chosen]
        if not indicators:
            raise CommandError(f"no indicator matches {args.search!r}")
    else:
        indicators = catalog.filter(domain=args.domain, kind=args.kind)
    if args.variants_of:
        try:
            family = {i.id for i in catalog.variants(args.variants_of)}
        except MCHIndicatorsError as error:
            raise CommandError(str(error)) from None
        indicators = [i for i in indicators if i.id in family]
    header = ["id", "中文名", "name", "unit", "kind", "domain", "variant of", "verified"]
    rows = [
        [
            i.id,
            i.name.zh,
            i.name.en,
            _unit_symbol(i.unit) if args.format == "table" else i.unit,
            i.kind.value,
            i.domain.value,
            i.variant_of or ("" if args.format != "json" else None),
            ("yes" if i.verified else "no") if args.format != "json" else i.verified,
        ]
        for i in indicators
    ]
    return render(header, rows, args.format)


def _target_rows(targets: Sequence[Target], fmt: str) -> tuple[list[str], list[list[Any]]]:
    header = ["indicator", "target", "year", "plan", "scope", "source"]
    rows: list[list[Any]] = []
    for target in targets:
        keys = ", ".join(s.key for s in target.plan.sources if s.key)
        rows.append(
            [
                target.indicator,
                target.rule if fmt != "json" else target.model_dump(mode="json", exclude={"plan"}),
                target.year if fmt == "json" else (target.year or "standing"),
                target.plan.name.zh if fmt == "table" else target.plan.id,
                target.scope or ("" if fmt != "json" else None),
                f"[{keys}]" + ("" if target.verified else " unverified"),
            ]
        )
    return header, rows


def cmd_targets(args: argparse.Namespace) -> str:
    try:
        if args.indicator:
            targets = targets_for(args.indicator, plan=args.plan, variants=True)
        else:
            targets = tuple(t for t in builtin_targets() if args.plan in (None, t.plan.id))
            if not targets:
                known = ", ".join(dict.fromkeys(t.plan.id for t in builtin_targets()))
                raise CommandError(f"unknown plan {args.plan!r}; known plans: {known}")
    except MCHIndicatorsError as error:
        raise CommandError(str(error)) from None
    if not targets:
        return "no targets for this indicator in the built-in plans"
    header, rows = _target_rows(targets, args.format)
    return render(header, rows, args.format)


def describe(indicator: Indicator, catalog: Catalog | None = None) -> str:
    """The full bilingual definition of an indicator, as plain text."""
    catalog = catalog or builtin_catalog()
    unit = resolve_unit(indicator.unit)
    better = {"lower": "lower is better", "higher": "higher is better"}
    lines = [
        f"{indicator.id}",
        f"  {indicator.name.en} / {indicator.name.zh}",
        "",
        f"  kind:       {indicator.kind.value}",
        f"  unit:       {unit.per or unit.name} ({unit.symbol or unit.name}; {unit.zh or '-'})",
        f"  direction:  {better.get(indicator.direction.value, 'neutral (read in context)')}",
        f"  domain:     {indicator.domain.value}",
        f"  interval:   {indicator.default_method}",
    ]
    if indicator.aliases:
        lines.append(f"  aliases:    {', '.join(indicator.aliases)}")
    codes = [
        f"{system.upper()} {code}"
        + (" (unverified)" if system in indicator.codes.unverified else "")
        for system, code in indicator.codes.items()
    ]
    if codes:
        lines.append(f"  codes:      {', '.join(codes)}")
    lines += ["", "  definition:", f"    {indicator.definition.en}"]
    if indicator.definition.zh:
        lines.append(f"    {indicator.definition.zh}")
    for role, term in (("numerator", indicator.numerator), ("denominator", indicator.denominator)):
        lines += ["", f"  {role}: {term.name.en} / {term.name.zh} ({term.id})"]
        lines.append(f"    {term.definition.en}")
        if term.definition.zh:
            lines.append(f"    {term.definition.zh}")
        criteria = term.criteria.model_dump(exclude_none=True)
        if criteria:
            lines.append("    criteria: " + ", ".join(f"{k} = {v:g}" for k, v in criteria.items()))
    lines += ["", "  sources:"]
    for source in indicator.sources:
        text = source.document + (f", {source.section}" if source.section else "")
        text += f" [{source.key}]" if source.key else ""
        lines.append(f"    - {text}")
    lines += ["", f"  status: {'verified' if indicator.verified else 'UNVERIFIED'}"]
    if not indicator.computable:
        lines.append("  computable: no (not one quotient of counts; see the note)")
    if indicator.note:
        lines.append(f"  note: {indicator.note}")
    family = catalog.variants(indicator) if indicator.id in catalog else []
    if len(family) > 1:
        lines += ["", "  variants (same concept, different definition):"]
        for member in family:
            mark = "*" if member.id == indicator.id else "-"
            role = "" if member.variant_of else " (root)"
            params = ", ".join(
                f"{k} = {v:g}" if isinstance(v, float) else f"{k} = {v}"
                for k, v in member.parameters.items()
            )
            lines.append(
                f"    {mark} {member.id}{role}: {member.name.zh}"
                + (f" [{params}]" if params else "")
            )
    targets = targets_for(indicator) if indicator.id in builtin_catalog() else ()
    if targets:
        lines += ["", "  targets:"]
        for t in targets:
            when = f" by {t.year}" if t.year else " (standing criterion)"
            scope = f", {t.scope}" if t.scope else ""
            lines.append(f"    - {t.rule}{when}{scope}: {t.plan.name.zh} / {t.plan.name.en}")
    return "\n".join(lines)


def cmd_show(args: argparse.Namespace) -> str:
    try:
        indicator = catalog_of(args).get_indicator(args.indicator)
    except MCHIndicatorsError as error:
        raise CommandError(str(error)) from None
    if args.format == "json":
        return json.dumps(indicator.model_dump(mode="json"), ensure_ascii=False, indent=2)
    return describe(indicator, catalog_of(args))


def cmd_compute(args: argparse.Namespace) -> str:
    confidence = tuple(args.confidence or (0.95,))
    if args.file is not None:
        if args.indicator or args.numerator is not None or args.denominator is not None:
            raise CommandError("give either --file or an indicator with --numerator/--denominator")
        table = open_counts(args.file, catalog_of(args))
        computed = compute_table(table, confidence, args.method, args.on_invalid, args.suppress)
        header, rows, numeric = result_rows(table, computed, args.format)
        return render(header, rows, args.format, numeric=numeric)
    if not args.indicator or args.numerator is None or args.denominator is None:
        raise CommandError("compute needs an indicator, --numerator and --denominator (or --file)")
    numerator = args.numerator[0] if len(args.numerator) == 1 else args.numerator
    denominator = args.denominator[0] if len(args.denominator) == 1 else args.denominator
    try:
        indicator = catalog_of(args).get_indicator(args.indicator)
        result = indicator.compute(
            numerator,
            denominator,
            confidence=confidence,
            method=args.method,
            on_invalid=args.on_invalid,
            suppress=args.suppress,
        )
        if args.unit:
            result = result.to(args.unit)
    except MCHIndicatorsError as error:
        raise CommandError(str(error)) from None
    if args.format == "text":
        if result.value.ndim == 0:
            return result.format(lang=args.lang)
        return "\n".join(r.format(lang=args.lang) for r in result)
    single = CountTable("<arguments>", [])
    count = result.size
    single.keys = [()] * count
    computed = Computed([(result, i) for i in range(count)], result.confidence)
    header, rows, numeric = result_rows(single, computed, args.format)
    return render(header, rows, args.format, numeric=numeric)


def _pool(
    table: CountTable, rows: Sequence[int], key_of: Any
) -> dict[tuple[Any, ...], tuple[Indicator, float, float]]:
    """Sum numerators and denominators of ``rows`` by key (a NaN makes the sum NaN)."""
    pooled: dict[tuple[Any, ...], tuple[Indicator, float, float]] = {}
    for row in rows:
        key = key_of(row)
        indicator, x, n = pooled.get(key, (table.indicators[row], 0.0, 0.0))
        pooled[key] = (indicator, x + table.numerators[row], n + table.denominators[row])
    return pooled


def _pooled_table(
    pooled: dict[tuple[Any, ...], tuple[Indicator, float, float]], label: list[str]
) -> str:
    header = [*label, "value", "95% CI", "unit", "numerator", "denominator", "flags"]
    numeric = [False] * len(label) + [True, True, False, True, True, False]
    rows = []
    for key, (indicator, x, n) in pooled.items():
        result = indicator.compute(x, n, on_invalid="flag")
        d = indicator.decimals
        value = float(result.value)
        ci = f"{_number(float(result.lower), d)}–{_number(float(result.upper), d)}"
        rows.append(
            [
                *key,
                _number(value, d),
                "" if math.isnan(value) else ci,
                _unit_symbol(indicator.unit),
                "" if math.isnan(x) else f"{x:,.0f}",
                f"{n:,.0f}",
                flag_labels(result.flags)[0],
            ]
        )
    return render(header, rows, "table", numeric=numeric)


def cmd_demo(args: argparse.Namespace) -> str:
    source = resources.files("mch_indicators.definitions").joinpath(EXAMPLE)
    table = read_counts(io.StringIO(source.read_text(encoding="utf-8"), newline=""), EXAMPLE)
    if args.format != "table":
        computed = compute_table(table, (0.95,), None, "flag")
        header, rows, numeric = result_rows(table, computed, args.format)
        return render(header, rows, args.format, numeric=numeric)
    county, year = table.groups.index("county"), table.groups.index("year")
    years = sorted({key[year] for key in table.keys})
    first, last = years[0], years[-1]
    counties = list(dict.fromkeys(key[county] for key in table.keys))
    every = range(len(table.indicators))
    latest = [r for r in every if table.keys[r][year] == last]
    prefecture = _pool(table, latest, lambda r: (table.indicators[r].name.zh,))
    mmr = builtin_catalog()["maternal_mortality_ratio"]
    mmr_rows = [r for r in every if table.indicators[r] is mmr]
    in_last = set(latest)
    one_year = _pool(
        table, [r for r in mmr_rows if r in in_last], lambda r: (table.keys[r][county],)
    )
    all_years = _pool(table, mmr_rows, lambda r: (table.keys[r][county],))
    by_county: dict[tuple[Any, ...], tuple[Indicator, float, float]] = {}
    for name in counties:
        by_county[(name, last)] = one_year[(name,)]
        by_county[(name, f"{first}–{last}")] = all_years[(name,)]
    return "\n".join(
        [
            f"Synthetic prefecture of {len(counties)} counties, {first}–{last} "
            f"({len(table.indicators)} county-year counts bundled with mch_indicators).",
            "",
            f"Prefecture, {last}: counts summed over the counties, then computed "
            "(95% CI: Wilson for proportions, exact Poisson otherwise)",
            _pooled_table(prefecture, ["indicator"]),
            "",
            f"{mmr.name.zh} ({mmr.name.en}) by county: {last} alone and {first}–{last} pooled",
            _pooled_table(by_county, ["county", "years"]),
            "",
            "Flags: UNRELIABLE = fewer than 20 events or a relative standard error above 30 %;",
            "ABOVE_DENOMINATOR = a coverage above its planned denominator (value kept);",
            "MISSING = a count not reported. Every county-year: mch-indicators demo --format csv",
        ]
    )


# -- parser ----------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Maternal and child health indicators: definitions, values and intervals.",
    )
    from mch_indicators import __version__

    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--definitions",
        action="append",
        metavar="TOML",
        help="also use your own indicators from this TOML file (repeatable; catalog schema)",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    listing = commands.add_parser("list", help="list the catalog")
    listing.add_argument("--domain", choices=[d.value for d in Domain])
    listing.add_argument("--kind", choices=[k.value for k in Kind])
    listing.add_argument(
        "--search", "-s", metavar="TEXT", help="rank by match, e.g. 死亡率 or anc"
    )
    listing.add_argument(
        "--variants-of", metavar="INDICATOR", help="only this indicator's family of variants"
    )
    listing.add_argument("--format", choices=["table", "csv", "json"], default="table")
    listing.set_defaults(handler=cmd_list)

    show = commands.add_parser("show", help="show one indicator's full definition")
    show.add_argument("indicator", help="id, alias, Chinese name or code, e.g. 孕产妇死亡率")
    show.add_argument("--format", choices=["text", "json"], default="text")
    show.set_defaults(handler=cmd_show)

    targets = commands.add_parser("targets", help="list the targets of national and global plans")
    targets.add_argument("indicator", nargs="?", help="only targets of this indicator's family")
    targets.add_argument("--plan", help="only this plan, e.g. sdg_2030 or healthy_china_2030")
    targets.add_argument("--format", choices=["table", "csv", "json"], default="table")
    targets.set_defaults(handler=cmd_targets)

    compute = commands.add_parser(
        "compute",
        help="compute values and intervals from counts",
        description=(
            "Compute one indicator from --numerator/--denominator, or a long CSV table "
            "(--file) with columns indicator, numerator, denominator and any grouping "
            "columns. Empty cells, NA and NaN are missing counts (flagged MISSING)."
        ),
    )
    compute.add_argument("indicator", nargs="?", help="id, alias, Chinese name or code")
    compute.add_argument("--numerator", "-n", type=float, nargs="+", metavar="N")
    compute.add_argument("--denominator", "-d", type=float, nargs="+", metavar="D")
    compute.add_argument("--file", "-f", metavar="CSV", help="counts table ('-' for stdin)")
    compute.add_argument(
        "--confidence", "-c", type=_confidence, action="append", metavar="C",
        help="confidence level, repeatable (default 0.95)",
    )  # fmt: skip
    compute.add_argument("--method", "-m", help="interval method (default: the indicator's)")
    compute.add_argument("--unit", "-u", help="display unit, e.g. ‰ or per_100k")
    compute.add_argument("--on-invalid", choices=["raise", "flag"], default="raise")
    compute.add_argument(
        "--suppress", choices=["ons", "nchs", "uscs"], help="withhold values by a preset rule"
    )
    compute.add_argument("--format", choices=["text", "table", "csv", "json"], default=None)
    compute.add_argument("--lang", choices=["en", "zh"], default="en")
    compute.set_defaults(handler=cmd_compute)

    demo = commands.add_parser("demo", help="compute the bundled example prefecture")
    demo.add_argument("--format", choices=["table", "csv", "json"], default="table")
    demo.set_defaults(handler=cmd_demo)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "compute" and args.format is None:
        args.format = "table" if args.file else "text"
    if args.command == "compute" and args.file and args.format == "text":
        args.format = "table"
    try:
        output = args.handler(args)
    except CommandError as error:
        print(f"{PROG}: error: {error}", file=sys.stderr)
        return 1
    except MCHIndicatorsError as error:
        print(f"{PROG}: error: {error}", file=sys.stderr)
        return 1
    try:
        print(output)
        sys.stdout.flush()
    except BrokenPipeError:  # e.g. piped into `head`
        sys.stderr.close()
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
