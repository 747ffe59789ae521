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
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import suppress
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from mch_indicators._catalog import Catalog, builtin_catalog, load_definitions
from mch_indicators._checks import CheckTable, checks_of
from mch_indicators._checks import checks as checks_table
from mch_indicators._cli._frames import frame_chunks, stream_chunks
from mch_indicators._cli._stream import read_chunks, streamable, whole_groups
from mch_indicators._cli._tables import render
from mch_indicators._cli._words import cli_text, describe_error, error_reason
from mch_indicators._display import (
    COUNT_COLUMNS,
    display_frame,
    format_number,
    limit_names,
    terminal_text,
)
from mch_indicators._errors import MCHIndicatorsError, OutputError
from mch_indicators._labels import (
    Lang,
    cannot_write,
    column_label,
    default_lang,
    flag_text,
    joined,
    label,
    unit_header,
)
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
    "cmd_report",
    "cmd_show",
    "cmd_targets",
    "cmd_template",
]

EXAMPLE = "example_office.csv"  # GBK, Chinese headers: read like an office's file
#: The example files ``demo --files`` copies: the county table as GBK CSV and as a workbook.
EXAMPLE_FILES = ("example_office.csv", "example_office.xlsx")
REQUIRED = ("indicator", "numerator", "denominator")


class CommandError(Exception):
    """A user error: printed as one line, exit status 1."""


class OutputCommandError(CommandError):
    """A file that cannot be written (an :class:`~mch_indicators.OutputError`): exit status 3."""


def unit_symbol(unit: str) -> str:
    """The unit as printed in tables: ``%``, ``‰``, ``per 100,000``."""
    spec = resolve_unit(unit)
    return spec.symbol or spec.name


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
        return "" if missing else format_number(float(value), decimals)
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
            said = label("messages", "indicator_no_match", args.lang, key=args.search, advice="")
            raise CommandError(said)
    else:
        indicators = catalog.filter(domain=args.domain, kind=args.kind)
    if args.variants_of:
        family = {i.id for i in catalog.variants(args.variants_of)}
        indicators = [i for i in indicators if i.id in family]
    zh = args.lang == "zh"
    keys = ["id", "中文名", "name", "unit", "kind", "domain", "variant_of", "verified"]
    header = [column_label(k, "zh") if zh and k != "中文名" else k for k in keys]
    header[2] = "英文名" if zh else "name"
    header = [h if zh or h != "variant_of" else "variant of" for h in header]
    table, json_format = args.format == "table", args.format == "json"
    rows = [
        [
            i.id,
            i.name.zh,
            i.name.en,
            unit_header(i.unit, "zh") if zh else (unit_symbol(i.unit) if table else i.unit),
            label("kinds", i.kind.value, "zh") if zh else i.kind.value,
            label("domains", i.domain.value, "zh") if zh else i.domain.value,
            i.variant_of or (None if json_format else ""),
            i.verified if json_format else _yes(i.verified, args.lang),
        ]
        for i in indicators
    ]
    return render(header, rows, args.format, escape_formulas=args.escape_formulas)


def _yes(flag: bool, lang: str) -> str:
    if lang == "zh":
        return "是" if flag else "否"
    return "yes" if flag else "no"


def _target_rows(
    targets: Sequence[Target], fmt: str, lang: str
) -> tuple[list[str], list[list[Any]]]:
    keys = ["indicator", "target", "year", "plan", "scope", "verified"]
    if fmt != "table":
        keys.append("document")
    header = [column_label(k, lang) for k in keys]
    rows: list[list[Any]] = []
    for target in targets:
        verified = label("text", "verified" if target.verified else "unverified", lang)
        row = [
            target.indicator,
            target.rule_in(lang)
            if fmt != "json"
            else target.model_dump(mode="json", exclude={"plan"}),
            target.year if fmt == "json" else (target.year or label("text", "standing", lang)),
            target.plan.name.zh if fmt == "table" or lang == "zh" else target.plan.id,
            target.scope if fmt == "json" else label("scopes", target.scope or "", lang),
            target.verified if fmt == "json" else verified,
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
            return cli_text("no_targets_builtin", args.lang, id=found.id)
        targets = targets_for(found.variant_of or found.id, plan=args.plan, variants=True)
    else:
        targets = tuple(t for t in builtin_targets() if args.plan in (None, t.plan.id))
        if not targets:
            known = joined(dict.fromkeys(t.plan.id for t in builtin_targets()), args.lang)
            raise CommandError(label("messages", "unknown_plan", args.lang, plan=args.plan,
                                     known=known))  # fmt: skip
    if not targets:
        return cli_text("no_targets", args.lang)
    header, rows = _target_rows(targets, args.format, args.lang)
    return render(header, rows, args.format, escape_formulas=args.escape_formulas)


def cmd_show(args: argparse.Namespace) -> str:
    """``show``: one indicator's full definition."""
    catalog = catalog_of(args)
    indicator = catalog.get_indicator(args.indicator)
    if args.format == "json":
        return json.dumps(indicator.model_dump(mode="json"), ensure_ascii=False, indent=2)
    return describe(indicator, catalog, lang=args.lang)


def _compute_options(args: argparse.Namespace) -> dict[str, Any]:
    return {
        "confidence": tuple(args.confidence or (0.95,)),
        "method": args.method,
        "on_invalid": args.on_invalid,
        "suppress": args.suppress,
    }


def _sheet(args: argparse.Namespace) -> str | int | None:
    sheet: str | None = getattr(args, "sheet", None)
    return int(sheet) if sheet is not None and sheet.isdigit() else sheet


def _delimiter(args: argparse.Namespace) -> str | None:
    delimiter: str | None = getattr(args, "delimiter", None)
    return "\t" if delimiter in ("\\t", "tab") else delimiter


def _read(args: argparse.Namespace, path: str) -> pd.DataFrame:
    from mch_indicators._io import read_table

    _check_exists(args, path)
    return read_table(
        path, sheet=_sheet(args), encoding=args.encoding, delimiter=_delimiter(args),
        decimal=args.decimal,
    )  # fmt: skip


def _check_exists(args: argparse.Namespace, path: str) -> None:
    if path != "-" and not Path(path).exists():
        raise CommandError(cli_text("no_file", getattr(args, "lang", "en") or "en", file=path))


def display_rows(
    frame: pd.DataFrame, fmt: str, lang: str, catalog: Catalog
) -> tuple[list[str], list[list[Any]], list[bool]]:
    """Header, rows and numeric markers of a result frame shown in ``lang`` (rounded, labelled)."""
    shown = display_frame(frame, lang, catalog=catalog, text=fmt != "json")
    numbers = {*COUNT_COLUMNS, "value", *limit_names([str(c) for c in frame.columns])}
    numeric = [str(c) in numbers for c in frame.columns]
    rows = [
        [None if isinstance(v, float) and math.isnan(v) else _plain(v) for v in row]
        for row in shown.itertuples(index=False)
    ]
    return [str(c) for c in shown.columns], rows, numeric


def _plain(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def _result_table(
    frame: pd.DataFrame, args: argparse.Namespace, catalog: Catalog
) -> str | Iterator[str]:
    """A result frame as text: labelled and rounded in Chinese, streamed in chunks in English."""
    escape = getattr(args, "escape_formulas", True)
    if args.lang == "zh":
        header, rows, numeric = display_rows(frame, args.format, args.lang, catalog)
        return render(header, rows, args.format, numeric=numeric, escape_formulas=escape)
    return frame_chunks(
        frame, args.format, lambda key: catalog[key].decimals, escape_formulas=escape
    )


def _check_columns(frame: pd.DataFrame, args: argparse.Namespace) -> None:
    if "indicator" in frame.columns:
        missing = [column for column in REQUIRED if column not in frame.columns]
        if missing:
            header = joined(frame.columns, args.lang)
            raise _file_error(
                args, cli_text("missing_column", args.lang, column=missing[0], header=header)
            )


def _no_rows(args: argparse.Namespace) -> str:
    """No data rows: in a workbook read at its first visible sheet, perhaps another sheet's."""
    from mch_indicators._io._source import spreadsheet_kind

    key = "no_rows"
    if args.file != "-" and getattr(args, "sheet", None) is None:
        with suppress(OSError), Path(args.file).open("rb") as file:
            key = "no_rows_workbook" if spreadsheet_kind(file.read(8)) else key
    return cli_text(key, args.lang)


def _file_error(args: argparse.Namespace, reason: str) -> CommandError:
    """An error about the whole of ``args.file``, named as an error on one of its lines is."""
    name = "<stdin>" if args.file == "-" else str(args.file)
    return CommandError(cli_text("at_file", args.lang, file=name, reason=reason))


def _compute_file(args: argparse.Namespace) -> str | Iterator[str]:
    from mch_indicators._adapters._pandas._columns import reasons_in
    from mch_indicators._api import compute
    from mch_indicators.stats import Suppression

    catalog = catalog_of(args)
    sheet = getattr(args, "sheet", None)
    text = args.format in ("table", "csv", "json") and sheet is None and streamable(args.file)
    if text and args.lang != "zh":  # the Chinese table is labelled whole (display_rows)
        streamed = _compute_stream(args, catalog)
        if streamed is not None:
            return streamed
    frame = _read(args, args.file)
    _check_columns(frame, args)
    if frame.empty:
        raise _file_error(args, _no_rows(args))
    wide = _wide_options(args) if "indicator" not in frame.columns else {}
    out = compute(frame, catalog=catalog, **wide, **_compute_options(args))
    del frame  # a million rows: keep one table in memory, not two
    rule = Suppression.preset(args.suppress) if args.suppress else None
    out = reasons_in(out, rule, catalog, args.lang)  # why a row was suppressed, in Chinese
    _tell(_checks_lines(checks_table(out), args.lang, None))  # as a streamed file's, after
    return _result_table(out, args, catalog)


def _tell(lines: list[str]) -> None:
    """Lines on standard error (the data checks of ``compute --file``: stdout is the table)."""
    with suppress(OSError, ValueError):  # stderr itself may be gone
        for line in lines:
            print(terminal_text(line), file=sys.stderr, flush=True)


def _wide_options(args: argparse.Namespace) -> dict[str, Any]:
    """The options of an office's wide table: its indicators, its total and duplicate rows."""
    return {"indicators": args.indicators, "totals": args.totals, "duplicates": args.duplicates}


def _compute_stream(args: argparse.Namespace, catalog: Catalog) -> Iterator[str] | None:
    """A long table's file read, computed and written a chunk at a time (``_stream``).

    The first chunk is read and computed before anything is written, so that a file
    that cannot be computed at all (a missing column, an unknown indicator) fails
    with nothing printed; an error further down stops the output at its chunk.
    None for an office's wide table: its rows are judged together (two rows of one
    unit and period, total rows), so it is read whole, whatever the language.
    """
    from mch_indicators._api import compute

    _check_exists(args, args.file)
    delimiter = _delimiter(args)
    chunks = read_chunks(
        args.file, args.file, encoding=args.encoding, delimiter=delimiter, decimal=args.decimal
    )
    first = next(chunks)
    _check_columns(first, args)
    if "indicator" not in first.columns:
        chunks.close()
        return None
    options = {"catalog": catalog, **_compute_options(args)}
    frames = whole_groups(_non_empty(first, chunks), catalog)
    parts = (compute(frame, **options) for frame in frames)
    found: list[CheckTable] = []
    results = _noted(_located_errors(parts, args.file, args.lang), found)
    first_result = next(results, None)
    if first_result is None:
        raise _file_error(args, _no_rows(args))
    decimals_of = lambda key: catalog[key].decimals  # noqa: E731 - as _result_table's
    escape = getattr(args, "escape_formulas", True)
    lines = stream_chunks(
        _chained(first_result, results), args.format, decimals_of, escape_formulas=escape
    )
    return _then_checks(lines, found, args.lang)


def _noted(results: Iterator[Any], found: list[CheckTable]) -> Iterator[Any]:
    """``results``, each one's data checks kept in ``found``."""
    for result in results:
        found.append(checks_of(result))
        yield result


def _then_checks(lines: Iterator[str], found: list[CheckTable], lang: Lang) -> Iterator[str]:
    """A streamed file's lines, then its data checks on standard error, as a whole file's.

    Every chunk is read under the file's title rows: their check is listed once (the
    chunks' tables are added up as :func:`mch_indicators.checks` adds those of a mapping).
    """
    yield from lines
    combined = sum(found, CheckTable())
    if len(combined):
        _tell(_checks_lines(combined.to_frame(), lang, None))


def _non_empty(first: pd.DataFrame, rest: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
    if not first.empty:
        yield first
    for frame in rest:
        if not frame.empty:
            yield frame


def _located_errors(parts: Iterator[Any], path: str, lang: str) -> Iterator[Any]:
    """``parts``, a library error while reading on becoming a :class:`CommandError`."""
    try:
        yield from parts
    except MCHIndicatorsError as error:
        raise CommandError(describe_error(error, path, lang)) from None


def _chained(first: Any, rest: Iterator[Any]) -> Iterator[Any]:
    yield first
    yield from rest


def _whole_counts(
    indicator: Indicator, numerators: Any, denominators: Any, lang: str = "en"
) -> None:
    """``-n 26.954`` is refused as a table cell is: counts of a term not estimated are whole."""
    from mch_indicators._adapters._pandas._columns import check_whole

    for flag, values, term in (
        ("--numerator", numerators, indicator.numerator),
        ("--denominator", denominators, indicator.denominator),
    ):
        try:
            numbers = np.asarray(values, dtype=np.float64).ravel()
        except (TypeError, ValueError):
            continue  # the compute call names what is not a number
        try:
            check_whole(None, flag, numbers, term)
        except MCHIndicatorsError as error:
            reason = error_reason(error, lang)
            raise CommandError(f"{flag}{'：' if lang == 'zh' else ': '}{reason}") from None


def cmd_compute(args: argparse.Namespace) -> str | Iterator[str]:
    """``compute``: one indicator from counts on the command line, or a long table file."""
    if args.file is not None:
        if args.indicator or args.numerator is not None or args.denominator is not None:
            raise CommandError(cli_text("file_or_counts", args.lang))
        return _compute_file(args)
    if not args.indicator or args.numerator is None or args.denominator is None:
        raise CommandError(cli_text("needs_counts", args.lang))
    numerator = args.numerator[0] if len(args.numerator) == 1 else args.numerator
    denominator = args.denominator[0] if len(args.denominator) == 1 else args.denominator
    indicator = catalog_of(args).get_indicator(args.indicator)
    _whole_counts(indicator, args.numerator, args.denominator, args.lang)
    result = indicator.compute(numerator, denominator, **_compute_options(args))
    if args.unit:
        result = result.to(args.unit)
    if args.format == "text":
        if result.value.ndim == 0:
            return result.format(lang=args.lang)
        return "\n".join(r.format(lang=args.lang) for r in result)
    if args.lang == "zh":
        frame = result.to_frame()[list(_result_columns(result))]
        if "suppressed_because" in frame.columns:
            frame["suppressed_because"] = result.reasons_in("zh")
        return _result_table(frame, args, catalog_of(args))
    header, rows, numeric = result_rows(
        _result_columns(result), args.format, lambda _: indicator.decimals
    )
    return render(header, rows, args.format, numeric=numeric, escape_formulas=args.escape_formulas)


# -- the report --------------------------------------------------------------------------


def cmd_report(args: argparse.Namespace) -> str:
    """``report``: an office's table to its report, written by the library; a summary printed."""
    from mch_indicators._report import report

    catalog = catalog_of(args)
    frame = _read(args, args.file)
    if frame.empty:
        raise _file_error(args, _no_rows(args))
    sets = report(
        frame, args.out, lang=args.lang, catalog=catalog, plan=args.plan,
        totals=args.totals, duplicates=args.duplicates,
        escape_formulas=args.escape_formulas, source_name=_file_name(args.file),
    )  # fmt: skip
    lines = []
    for level, results in sets.items():
        count = len(dict.fromkeys(results["indicator"]))
        flagged = int((results["flags"] != "").sum())
        rows = len(results) // max(count, 1)
        plurals = {f"{k}_plural": "" if n == 1 else "s" for k, n in
                   (("rows", rows), ("count", count), ("flagged", flagged))}  # fmt: skip
        lines.append(cli_text("report_set", args.lang, level=level, rows=rows, count=count,
                              flagged=flagged, **plurals))  # fmt: skip
    lines += _checks_lines(sets.checks, args.lang, args.out)
    if args.out is not None:
        lines.append(cli_text("wrote", args.lang, path=args.out))
        return "\n".join(lines)
    total = list(sets.values())[-1]  # the checks above it, as a report's sheet lists them
    args.format = "table"
    table = _result_table(total, args, catalog)
    text = table if isinstance(table, str) else "".join(table).rstrip("\n")
    return "\n".join([*lines, "", text])


def _checks_lines(checks: pd.DataFrame, lang: Lang, out: str | None) -> list[str]:
    """What the checks found and where they are: the workbook's sheet, or the CSV beside.

    Without ``out`` (a report printed, ``compute --file``) nothing is written: each
    finding is listed, in the language asked.
    """
    from mch_indicators._report._write import checks_beside

    if checks.empty:
        return []
    found = checks["check"] == "unmatched_column"
    unmatched = checks[found]["item"].tolist()
    count = len(checks) - len(unmatched)
    csv = out is not None and Path(out).suffix.lower() == ".csv"
    where = {"path": checks_beside(out)} if out is not None and csv else {}
    suffix = "_csv" if csv else "_shown" if out is None else ""
    lines = []
    if count or csv:  # a CSV report always names the file it wrote its checks to
        plural = "" if count == 1 else "s"
        lines.append(cli_text(f"report_checks{suffix}", lang, count=count, plural=plural,
                              **where))  # fmt: skip
        if out is None:
            message = "message_zh" if lang == "zh" else "message_en"
            lines += [f"  - {text}" for text in checks[~found][message].tolist()]
    if unmatched:
        lines.append(cli_text(f"report_unmatched{suffix}", lang,
                              columns=joined(unmatched, lang), **where))  # fmt: skip
    return lines


def _file_name(path: str) -> str | None:
    return None if path == "-" else Path(path).name


def _years(words: Sequence[str] | None, lang: str) -> list[int]:
    """``--year 2024 2025年 二〇二六``: years read as a table's are (:func:`year_of`)."""
    from mch_indicators._io._numbers import FIRST_YEAR, LAST_YEAR, year_of

    years = []
    for word in words or ():
        for part in word.replace("，", ",").split(","):
            year = year_of(part)
            if year is None:
                raise CommandError(
                    cli_text("bad_year", lang, value=part, first=FIRST_YEAR, last=LAST_YEAR)
                )
            years.append(year)
    return years


def cmd_template(args: argparse.Namespace) -> str:
    """``template``: the blank workbook an office fills in, written by the library."""
    from mch_indicators._report import template

    units = [u.strip() for u in (args.units or "").replace("，", ",").split(",") if u.strip()]
    years = _years(args.year, args.lang)
    header = template(
        args.out, lang=args.lang, indicators=args.indicators, indicator_set=args.indicator_set,
        units=units, year=years or None, level=args.level, catalog=catalog_of(args),
    )  # fmt: skip
    rows = len(units) * max(len(years), 1)
    return cli_text(
        "template_wrote", args.lang, path=args.out, columns=len(header) - 2,
        rows=cli_text("template_rows", args.lang, rows=rows) if rows else "",
    )  # fmt: skip


def cmd_export(args: argparse.Namespace) -> str:
    """``export``: the definitions in a format other systems import (written by the library)."""
    from mch_indicators import export

    catalog = catalog_of(args)
    ids = args.indicators or None
    lang = getattr(args, "lang", None) or "en"
    escape = args.escape_formulas
    if args.output is None:
        if args.format == "xlsx":
            raise CommandError(cli_text("xlsx_needs_output", lang))
        text = export.dumps(args.format, catalog=catalog, ids=ids, escape_formulas=escape)
        return text.rstrip("\n")
    path = export.write(args.output, args.format, catalog=catalog, ids=ids,
                          escape_formulas=escape)  # fmt: skip
    count = len(ids) if ids else len(catalog)
    what = cli_text("export_schema", lang) if args.format == "jsonschema" else (
        cli_text("export_count", lang, count=count, plural="s" if count != 1 else "")
    )  # fmt: skip
    return cli_text("wrote_export", lang, what=what, path=path, format=args.format)


# -- the demo --------------------------------------------------------------------------


def _pooled_rows(
    records: Sequence[Mapping[str, Any]], label_keys: Sequence[str], catalog: Catalog, lang: str
) -> list[list[str]]:
    rows = []
    for record in records:
        indicator: Indicator = catalog[record["indicator"]]
        d = indicator.decimals
        value = float(record["value"])
        low, high = float(record["lower"]), float(record["upper"])
        ci = f"{format_number(low, d)}–{format_number(high, d)}"
        x, n = float(record["numerator"]), float(record["denominator"])
        unit = unit_header(indicator.unit, "zh") if lang == "zh" else unit_symbol(indicator.unit)
        rows.append(
            [
                *(str(record[name]) for name in label_keys),
                format_number(value, d),
                "" if math.isnan(value) else ci,
                unit,
                "" if math.isnan(x) else f"{x:,.0f}",
                "" if math.isnan(n) else f"{n:,.0f}",
                flag_text(str(record["flags"]), lang, "、" if lang == "zh" else "|"),
            ]
        )
    return rows


def _pooled_table(rows: list[list[str]], header: list[str], lang: str) -> str:
    names = ["value", "ci", "unit", "numerator", "denominator", "flags"]
    words = [
        label("text", "ci", lang, level=95) if n == "ci" else column_label(n, lang) for n in names
    ]
    numeric = [False] * len(header) + [True, True, False, True, True, False]
    return render([*header, *words], rows, "table", numeric=numeric)


def _flag_legend(lang: str, records: Sequence[Mapping[str, Any]]) -> list[str]:
    """What each flag the tables of ``records`` show means (no line for a flag not shown)."""
    from mch_indicators.stats import Flag

    used = {name for record in records for name in str(record["flags"]).split("|") if name}
    flags = [flag.name for flag in Flag if flag.name in used]
    if not flags:
        return []
    head = column_label("flags", lang)
    return [f"{head.capitalize()}:" if lang == "en" else f"{head}："] + [
        f"  {label('flags', f, lang)} = {label('flags', f, lang, 'meaning')}" for f in flags
    ]


def cmd_demo(args: argparse.Namespace) -> str | Iterator[str]:
    """``demo``: the bundled example prefecture, read like an office's file, pooled and printed."""
    from mch_indicators._adapters._pandas._match import match_columns
    from mch_indicators._api import compute, pool

    catalog = builtin_catalog()
    lang = args.lang
    if args.files is not None:
        return _copy_examples(args.files, lang)
    with resources.as_file(resources.files("mch_indicators.datasets") / EXAMPLE) as path:
        frame = _read_example(path)
    if args.format != "table":
        out = compute(frame, on_invalid="flag")
        return _result_table(out, args, catalog)
    found = match_columns(frame).fields
    county, year = str(found["county"]), str(found["year"])
    years = sorted(frame[year].unique().tolist())
    first, last = years[0], years[-1]
    counties = list(dict.fromkeys(frame[county]))
    latest = frame[frame[year] == last]
    prefecture = pool(latest, on_invalid="flag")
    order = {key: i for i, key in enumerate(catalog)}
    prefecture = prefecture.sort_values("indicator", key=lambda ids: ids.map(order))
    names = [getattr(catalog[i].name, lang) for i in prefecture["indicator"]]
    if lang == "en":  # the Chinese name leads, as in the office's report
        names = [catalog[i].name.zh for i in prefecture["indicator"]]
    prefecture = prefecture.assign(name=names)
    prefecture_records = prefecture.to_dict("records")
    prefecture_rows = _pooled_rows(prefecture_records, ["name"], catalog, lang)
    mmr = catalog["maternal_mortality_ratio"]
    one_year = pool(latest, mmr, by=county).set_index(county)
    all_years = pool(frame, mmr, by=county).set_index(county)
    by_county = [
        {**table.loc[name].to_dict(), "county": name, "years": period}
        for name in counties
        for period, table in ((str(last), one_year), (f"{first}–{last}", all_years))
    ]
    text = {"first": first, "last": last, "file": EXAMPLE}
    county_header = [column_label("county", lang), label("text", "years", lang)]
    return "\n".join(
        [
            label("text", "demo_title", lang).format(
                counties=len(counties), rows=len(frame), columns=len(frame.columns) - 2, **text
            ),
            "",
            label("text", "demo_prefecture", lang).format(**text),
            _pooled_table(prefecture_rows, [column_label("indicator", lang)], lang),
            "",
            label("text", "demo_county", lang).format(zh=mmr.name.zh, en=mmr.name.en, **text),
            _pooled_table(
                _pooled_rows(by_county, ["county", "years"], catalog, lang), county_header, lang
            ),
            "",
            *_flag_legend(lang, [*prefecture_records, *by_county]),
            _demo_hint(lang),
        ]
    )


def _installed(name: str) -> Path | None:
    """The example file's path in the installed package, when it is a plain file."""
    found = resources.files("mch_indicators.datasets") / name
    return found if isinstance(found, Path) and found.is_file() else None


def _demo_hint(lang: str) -> str:
    """A command the user can run as it is: on the installed example, named by its path."""
    import shlex

    path = _installed("example_office.xlsx")
    if path is None:  # not a plain file (a zip import): copy the files first
        return cli_text("demo_more_here", lang, file="example_office.xlsx") + _excel_note(lang)
    return cli_text("demo_more", lang, path=path, quoted=shlex.quote(str(path))) + _excel_note(
        lang
    )


def _excel_note(lang: str) -> str:
    """How to install what the suggested ``.xlsx`` commands need, when it is not installed."""
    import importlib.util

    if all(importlib.util.find_spec(name) for name in ("python_calamine", "openpyxl")):
        return ""
    return "\n" + cli_text("demo_needs_excel", lang)


def _copy_examples(folder: str, lang: str) -> str:
    """Copy the example files into ``folder`` (never over a file), then say what to run."""
    target = Path(folder)
    if not target.is_dir():
        raise CommandError(cli_text("no_file", lang, file=folder))
    lines, written = [], []
    for name in EXAMPLE_FILES:
        destination = target / name
        if destination.exists():
            lines.append(cli_text("demo_files_exist", lang, file=destination))
            continue
        data = (resources.files("mch_indicators.datasets") / name).read_bytes()
        try:
            destination.write_bytes(data)
        except OSError as error:
            raise cannot_write(destination, error) from None
        written.append(str(destination))
    if written:
        lines.insert(0, cli_text("demo_files_written", lang, files=joined(written, lang)))
    local = target / "example_office.xlsx"
    lines.append(cli_text("demo_more_here", lang, file=shlex_quote(str(local))))
    return "\n".join(lines) + _excel_note(lang)


def shlex_quote(text: str) -> str:
    """``text`` quoted for a POSIX shell when it needs it (``example_office.xlsx`` stays bare)."""
    import shlex

    return shlex.quote(text)


def _read_example(path: Any) -> pd.DataFrame:
    from mch_indicators._io import read_table

    return read_table(path)


def run_command(args: argparse.Namespace) -> str | Iterator[str]:
    """Run the chosen command; library errors become :class:`CommandError` with the place.

    The output is the text to print, or (a large table) its chunks, each ending a line.
    """
    try:
        if hasattr(args, "lang") or getattr(args, "top_lang", None):
            args.lang = getattr(args, "lang", None) or getattr(args, "top_lang", None)
            args.lang = args.lang or default_lang()
        output: str | Iterator[str] = args.handler(args)
    except MCHIndicatorsError as error:
        lang = getattr(args, "lang", None) or "en"
        kind = OutputCommandError if isinstance(error, OutputError) else CommandError
        raise kind(describe_error(error, getattr(args, "file", None), lang)) from None
    return output
