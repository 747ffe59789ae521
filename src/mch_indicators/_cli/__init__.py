"""The ``mch-indicators`` command line: list, show, targets, compute, report, export and demo.

Every failure prints one line on standard error, never a traceback, and exits
with a documented status (``docs/cli.md``, "Exit status"):

* 0 — done;
* 1 — bad input: an unknown indicator, an unreadable or malformed file, a
  missing column, a bad number on line 18 (the line names file, line and column);
* 2 — a command line the argument parser does not accept;
* 3 — the output cannot be written (a full disk, a closed pipe other than
  ``| head``);
* 4 — an internal error (a bug: please report it; ``MCH_INDICATORS_DEBUG=1``
  shows the traceback);
* 130 — interrupted (Ctrl-C).

Output is written in the console's encoding: a symbol it cannot show is
replaced by a documented fallback (``‱`` becomes ``/万``, or ``per10k`` where
Chinese cannot be shown either). The commands only present what the library
computes (see :mod:`mch_indicators._cli._commands`).
"""

from __future__ import annotations

import argparse
import codecs
import os
import sys
import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from typing import TYPE_CHECKING, TextIO

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

if TYPE_CHECKING:
    from _typeshed import SupportsWrite

__all__ = [
    "EXIT_INPUT",
    "EXIT_INTERNAL",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_OUTPUT",
    "EXIT_USAGE",
    "FALLBACKS",
    "build_parser",
    "main",
]

PROG = "mch-indicators"

EXIT_OK = 0
EXIT_INPUT = 1
EXIT_USAGE = 2
EXIT_OUTPUT = 3
EXIT_INTERNAL = 4
EXIT_INTERRUPTED = 130

#: What a console that cannot show a symbol gets instead, best first: the first
#: candidate its encoding can show is used; anything else becomes its closest
#: plain letters (NFKD without accents) or ``?``.
FALLBACKS: dict[str, tuple[str, ...]] = {
    "‱": ("/万", "per10k"),
    "‰": ("/千", "per1k"),
    "–": ("-",),
    "—": ("-",),
    "−": ("-",),
    "≤": ("<=",),
    "≥": (">=",),
    "×": ("x",),
    "·": (".",),
    "…": ("...",),
    "²": ("^2",),
    "√": ("sqrt",),
    "‘": ("'",),
    "’": ("'",),
    "“": ('"',),
    "”": ('"',),
    "万": ("10k",),
}
_ERRORS = "mch_indicators_fallback"


def _encodable(text: str, encoding: str) -> bool:
    try:
        text.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def _fallback(error: UnicodeError) -> tuple[str, int]:
    """The codec error handler: each symbol the console lacks, by :data:`FALLBACKS`."""
    if not isinstance(error, UnicodeEncodeError):
        raise error
    out = []
    for char in error.object[error.start : error.end]:
        plain = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode()
        candidates = (*FALLBACKS.get(char, ()), plain, "?")
        out.append(next(c for c in candidates if c and _encodable(c, error.encoding)))
    return "".join(out), error.end


codecs.register_error(_ERRORS, _fallback)


@contextmanager
def _console_safe(*streams: TextIO) -> Iterator[None]:
    """Let ``streams`` replace what their encoding cannot show (restored afterwards)."""
    saved = []
    for stream in streams:
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None and getattr(stream, "errors", None) == "strict":
            reconfigure(errors=_ERRORS)
            saved.append(stream)
    try:
        yield
    finally:
        for stream in saved:
            stream.reconfigure(errors="strict")  # type: ignore[attr-defined]


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


class _Parser(argparse.ArgumentParser):
    """argparse, except that help that cannot be written is an error, not lost silently."""

    def _print_message(self, message: str, file: SupportsWrite[str] | None = None) -> None:
        if message:
            (file or sys.stderr).write(message)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every command."""
    from mch_indicators import __version__

    parser = _Parser(
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


def _say(message: str) -> None:
    """One line on standard error (as much of it as can be written)."""
    with suppress(OSError, ValueError):  # stderr itself may be gone
        print(f"{PROG}: error: {' '.join(message.split())}", file=sys.stderr, flush=True)


def _silence_stdout() -> None:
    """Point standard output at the null device, so that no flush at exit fails again."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # pragma: no cover - no file descriptor
        pass


def _write(output: str | Iterator[str]) -> int:
    """Print ``output``; a status for a pipe closed early or an output that cannot be written."""
    try:
        if isinstance(output, str):
            print(output)
        else:
            for chunk in output:
                sys.stdout.write(chunk)
        sys.stdout.flush()
    except BrokenPipeError:  # piped into `head`: the reader has what it wanted
        _silence_stdout()
        return EXIT_OK
    except CommandError as error:  # a streamed table that cannot be read on (its line named)
        sys.stdout.flush()
        _say(str(error))
        return EXIT_INPUT
    except OSError as error:
        _silence_stdout()
        _say(f"cannot write the output: {error.strerror or error}")
        return EXIT_OUTPUT
    return EXIT_OK


def _run(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "compute" and args.format is None:
        args.format = "table" if args.file else "text"
    if args.command == "compute" and args.file and args.format == "text":
        args.format = "table"
    try:
        output = run_command(args)
    except CommandError as error:
        _say(str(error))
        return EXIT_INPUT
    return _write(output)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status (see the module docstring)."""
    with _console_safe(sys.stdout, sys.stderr):
        try:
            return _run(argv)
        except SystemExit as done:  # the argument parser: --help, --version, usage errors
            sys.stdout.flush()  # --help on a full disk fails here, not silently at exit
            return done.code if isinstance(done.code, int) else EXIT_USAGE
        except KeyboardInterrupt:
            _say("interrupted")
            return EXIT_INTERRUPTED
        except MemoryError:
            _say("not enough memory for this input; split the file")
            return EXIT_INPUT
        except OSError as error:  # writing --help or --version; files are read by the library
            _silence_stdout()
            _say(f"cannot write the output: {error.strerror or error}")
            return EXIT_OUTPUT
        except Exception as error:
            if os.environ.get("MCH_INDICATORS_DEBUG"):
                raise
            _say(
                f"internal error ({type(error).__name__}: {error}); please report it, with "
                "MCH_INDICATORS_DEBUG=1 for the details"
            )
            return EXIT_INTERNAL
