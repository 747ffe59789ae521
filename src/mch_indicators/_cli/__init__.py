"""The ``mch-indicators`` command line: list, show, targets, compute, report, export and demo.

Every error the user can cause (unknown indicator, unreadable file, missing
column, a bad number on line 18) prints one line naming the file, line and
column, and exits with status 1, without a traceback. The commands only present
what the library computes (see :mod:`mch_indicators._cli._commands`).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from mch_indicators._cli._commands import (
    CommandError,
    cmd_compute,
    cmd_demo,
    cmd_export,
    cmd_list,
    cmd_report,
    cmd_show,
    cmd_targets,
    run_command,
)
from mch_indicators._model import Domain, Kind

__all__ = ["build_parser", "main"]

PROG = "mch-indicators"


def _confidence(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number such as 0.95") from None


def _lang(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--lang",
        choices=["en", "zh"],
        default=None,
        help="language of the output (default: $MCH_INDICATORS_LANG, else en)",
    )


def _reading(command: argparse.ArgumentParser) -> None:
    command.add_argument("--sheet", help="the sheet of a workbook, by name or number from 0")
    command.add_argument("--encoding", help="the encoding of a text file (default: detected)")
    command.add_argument(
        "--delimiter", help="the delimiter of a text file (default: detected), e.g. ';'"
    )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every command."""
    from mch_indicators import __version__

    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Maternal and child health indicators: definitions, values and intervals.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--definitions",
        action="append",
        metavar="FILE",
        help="also use your own indicators from this TOML or JSON file (repeatable; catalog "
        "schema)",
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
    _lang(listing)
    listing.set_defaults(handler=cmd_list)

    show = commands.add_parser("show", help="show one indicator's full definition")
    show.add_argument("indicator", help="id, alias, Chinese name or code, e.g. 孕产妇死亡率")
    show.add_argument("--format", choices=["text", "json"], default="text")
    _lang(show)
    show.set_defaults(handler=cmd_show)

    targets = commands.add_parser("targets", help="list the targets of national and global plans")
    targets.add_argument("indicator", nargs="?", help="only targets of this indicator's family")
    targets.add_argument("--plan", help="only this plan, e.g. sdg_2030 or healthy_china_2030")
    targets.add_argument("--format", choices=["table", "csv", "json"], default="table")
    _lang(targets)
    targets.set_defaults(handler=cmd_targets)

    compute = commands.add_parser(
        "compute",
        help="compute values and intervals from counts",
        description=(
            "Compute one indicator from --numerator/--denominator, or a table (--file: CSV "
            "or TSV in UTF-8 or GBK, or .xlsx): a long table with columns indicator, "
            "numerator, denominator, or an office's wide table with a column per count "
            "(活产数, 孕产妇死亡数...), from which every indicator whose counts are present "
            "is computed. Empty cells, NA and NaN are missing counts (flagged MISSING)."
        ),
    )
    compute.add_argument("indicator", nargs="?", help="id, alias, Chinese name or code")
    compute.add_argument("--numerator", "-n", type=float, nargs="+", metavar="N")
    compute.add_argument("--denominator", "-d", type=float, nargs="+", metavar="D")
    compute.add_argument(
        "--file", "-f", metavar="TABLE", help="counts table: CSV, TSV or .xlsx ('-' for stdin)"
    )
    compute.add_argument(
        "--indicators", nargs="+", metavar="INDICATOR",
        help="wide table: only these indicators (default: all whose counts are present)",
    )  # fmt: skip
    _reading(compute)
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
    _lang(compute)
    compute.set_defaults(handler=cmd_compute)

    report = commands.add_parser(
        "report",
        help="an office's table in, its report out (Excel or CSV)",
        description=(
            "Read an office's wide table (a row per county or township and year, a column "
            "per count), compute every indicator whose counts are present for each row and "
            "for the totals, and write the report: .xlsx (a sheet per domain and level, "
            "flags explained, sources) or .csv (UTF-8 with BOM, for Excel)."
        ),
    )
    report.add_argument("file", metavar="TABLE", help="the office's table (CSV, TSV, .xlsx)")
    report.add_argument("--out", "-o", metavar="REPORT", help="report.xlsx or report.csv")
    _reading(report)
    _lang(report)
    report.set_defaults(handler=cmd_report)

    export = commands.add_parser(
        "export",
        help="write the definitions for other systems (JSON, CSV, xlsx, DHIS2, FHIR)",
        description=(
            "Write the catalog (with --definitions: and your own indicators), or the "
            "indicators named, as a JSON catalog, the JSON Schema of definition files, a "
            "CSV table, an xlsx workbook, a DHIS2 metadata package or a FHIR Bundle of "
            "Measures."
        ),
    )
    export.add_argument("indicators", nargs="*", metavar="INDICATOR", help="only these")
    export.add_argument(
        "--format", choices=["json", "jsonschema", "csv", "xlsx", "dhis2", "fhir"], default="json"
    )
    export.add_argument("--output", "-o", metavar="PATH", help="write here (default: print)")
    export.set_defaults(handler=cmd_export)

    demo = commands.add_parser("demo", help="compute the bundled example prefecture")
    demo.add_argument("--format", choices=["table", "csv", "json"], default="table")
    _lang(demo)
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
        output = run_command(args)
    except CommandError as error:
        print(f"{PROG}: error: {error}", file=sys.stderr)
        return 1
    try:
        print(output)
        sys.stdout.flush()
    except BrokenPipeError:  # e.g. piped into `head`
        sys.stderr.close()
    return 0
