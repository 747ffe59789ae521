"""The ``mch-indicators`` command line: list, show, targets, compute, report, export and demo.

Every failure prints one line on standard error, never a traceback, and exits
with a documented status (``docs/cli.md``, "Exit status"):

* 0 — done;
* 1 — bad input: an unknown indicator, an unreadable or malformed file, a
  missing column, a bad number on line 18 (the line names file, line and column);
* 2 — a command line the argument parser does not accept;
* 3 — the output cannot be written: a file of ``--out`` or ``--output`` (a
  missing folder, no permission, a full disk; the message names the file), or
  standard output (a full disk, a closed pipe other than ``| head``);
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
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from typing import TYPE_CHECKING, Any, TextIO

from mch_indicators._cli._commands import (
    CommandError,
    OutputCommandError,
    cmd_compute,
    cmd_demo,
    cmd_export,
    cmd_list,
    cmd_report,
    cmd_show,
    cmd_targets,
    cmd_template,
    run_command,
)
from mch_indicators._cli._words import (
    ChineseHelpFormatter,
    HelpFormatter,
    argparse_in,
    choices_text,
    cli_text,
    lang_of_argv,
)
from mch_indicators._display import terminal_text
from mch_indicators._labels import Lang, fields, label, os_reason
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
#: argparse's message for a value that is not one of an option's choices (its key in the
#: ``[argparse]`` table of the labels).
_INVALID_CHOICE = "invalid choice: %(value)r (choose from %(choices)s)"

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


def _confidence_in(lang: Lang) -> Any:
    def confidence(text: str) -> float:
        try:
            return float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(cli_text("not_confidence", lang, text=text)) from None

    return confidence


def _lang(command: argparse.ArgumentParser, lang: Lang) -> None:
    command.add_argument(
        "--lang", choices=["en", "zh"], default=None, help=cli_text("lang_help", lang)
    )


def _reading(command: argparse.ArgumentParser, lang: Lang) -> None:
    command.add_argument("--sheet", help=cli_text("sheet_help", lang))
    command.add_argument("--encoding", help=cli_text("encoding_help", lang))
    command.add_argument("--delimiter", help=cli_text("delimiter_help", lang))
    command.add_argument(
        "--decimal", choices=[".", ","], default=".", help=cli_text("decimal_help", lang)
    )


def _escaping(command: argparse.ArgumentParser, lang: Lang) -> None:
    command.add_argument(
        "--escape-formulas", action=argparse.BooleanOptionalAction, default=True,
        help=cli_text("escape_help", lang),
    )  # fmt: skip


def _formats(command: argparse.ArgumentParser, choices: list[str], default: str | None,
             lang: Lang) -> None:  # fmt: skip
    command.add_argument(
        "--format", choices=choices, default=default, help=cli_text("format_help", lang)
    )


def _writes(
    command: argparse.ArgumentParser, lang: Lang, formats: list[str], default: str | None
) -> None:
    """A command that writes a table or text: ``--format``, ``--escape-formulas``, ``--lang``."""
    _formats(command, formats, default, lang)
    _escaping(command, lang)
    _lang(command, lang)


def _command(
    commands: Any, name: str, handler: Callable[..., object], lang: Lang, description: str = ""
) -> argparse.ArgumentParser:
    """The subcommand ``name``, run by ``handler``; help ``<name>_help`` in ``lang``."""
    short = cli_text(f"{name}_help", lang)
    command: argparse.ArgumentParser = commands.add_parser(
        name, help=short, description=cli_text(description, lang) if description else short,
        lang=lang,
    )  # fmt: skip
    command.set_defaults(handler=handler)
    return command


class _Parser(argparse.ArgumentParser):
    """argparse, except that help that cannot be written is an error, not lost silently.

    Help is wrapped by terminal columns (:class:`HelpFormatter`), for Chinese text.
    In Chinese (``lang="zh"``, passed on to each command's parser) an option's choices
    are listed with ``、`` and in words, in its help and when a value is not one of them.
    """

    def __init__(self, *args: Any, lang: Lang = "en", **kwargs: Any) -> None:
        self.lang = lang
        chinese = lang == "zh"
        kwargs.setdefault("formatter_class", ChineseHelpFormatter if chinese else HelpFormatter)
        super().__init__(*args, **kwargs)

    def _check_value(self, action: argparse.Action, value: Any) -> None:
        if self.lang == "zh" and action.choices is not None and value not in action.choices:
            text = label("argparse", _INVALID_CHOICE, "zh")
            shown = {"value": value, "choices": choices_text(action, "zh")}
            raise argparse.ArgumentError(action, text % shown)
        super()._check_value(action, value)

    def _print_message(self, message: str, file: SupportsWrite[str] | None = None) -> None:
        if message:
            (file or sys.stderr).write(message)


def _words(lang: Lang) -> Callable[[str], str]:
    """The command line's texts in ``lang``, by key."""

    def text(key: str) -> str:
        return cli_text(key, lang)

    return text


def _listing_commands(commands: Any, lang: Lang) -> None:
    t = _words(lang)
    listing = _command(commands, "list", cmd_list, lang)
    listing.add_argument("--domain", choices=[d.value for d in Domain], help=t("domain_help"))
    listing.add_argument("--kind", choices=[k.value for k in Kind], help=t("kind_help"))
    listing.add_argument("--search", "-s", metavar="TEXT", help=t("search_help"))
    listing.add_argument("--variants-of", metavar="INDICATOR", help=t("variants_help"))
    _writes(listing, lang, ["table", "csv", "json"], "table")

    show = _command(commands, "show", cmd_show, lang)
    show.add_argument("indicator", metavar=t("indicator_metavar"), help=t("indicator_help"))
    _formats(show, ["text", "json"], "text", lang)
    _lang(show, lang)

    targets = _command(commands, "targets", cmd_targets, lang)
    targets.add_argument("indicator", nargs="?", metavar=t("indicator_metavar"),
                         help=t("targets_indicator_help"))  # fmt: skip
    targets.add_argument("--plan", help=t("plan_help"))
    _writes(targets, lang, ["table", "csv", "json"], "table")


def _table_rules(command: argparse.ArgumentParser, lang: Lang) -> None:
    """``--totals`` and ``--duplicates``: what an office's wide table's rows are."""
    t = _words(lang)
    command.add_argument("--totals", choices=["check", "drop", "keep"], default="check",
                         help=t("totals_help"))  # fmt: skip
    command.add_argument("--duplicates", choices=["error", "sum"], default="error",
                         help=t("duplicates_help"))  # fmt: skip


def _compute_command(commands: Any, lang: Lang) -> None:
    t = _words(lang)
    compute = _command(commands, "compute", cmd_compute, lang, "compute_description")
    compute.add_argument("indicator", nargs="?", metavar=t("indicator_metavar"),
                         help=t("compute_indicator_help"))  # fmt: skip
    compute.add_argument("--numerator", "-n", type=float, nargs="+", metavar="N",
                         help=t("numerator_help"))  # fmt: skip
    compute.add_argument("--denominator", "-d", type=float, nargs="+", metavar="D",
                         help=t("denominator_help"))  # fmt: skip
    compute.add_argument("--file", "-f", metavar="TABLE", help=t("file_help"))
    compute.add_argument("--indicators", nargs="+", metavar="INDICATOR",
                         help=t("indicators_help"))  # fmt: skip
    _reading(compute, lang)
    _table_rules(compute, lang)
    compute.add_argument(
        "--confidence", "-c", type=_confidence_in(lang), action="append", metavar="C",
        help=t("confidence_help"),
    )  # fmt: skip
    compute.add_argument("--method", "-m", help=t("method_help"))
    compute.add_argument("--unit", "-u", help=t("unit_help"))
    compute.add_argument("--on-invalid", choices=["raise", "flag"], default="raise",
                         help=t("on_invalid_help"))  # fmt: skip
    compute.add_argument("--suppress", choices=["ons", "nchs", "uscs"], help=t("suppress_help"))
    _writes(compute, lang, ["text", "table", "csv", "json"], None)


def _office_commands(commands: Any, lang: Lang) -> None:
    t = _words(lang)
    report = _command(commands, "report", cmd_report, lang, "report_description")
    report.add_argument("file", metavar="TABLE", help=t("table_help"))
    report.add_argument("--out", "-o", metavar="REPORT", help=t("out_help"))
    report.add_argument("--plan", help=t("report_plan_help"))
    _table_rules(report, lang)
    _reading(report, lang)
    _escaping(report, lang)
    _lang(report, lang)

    template = _command(commands, "template", cmd_template, lang, "template_description")
    template.add_argument("--out", "-o", metavar="XLSX", required=True,
                          help=t("template_out_help"))  # fmt: skip
    template.add_argument("--indicators", nargs="+", metavar="INDICATOR",
                          help=t("template_indicators_help"))  # fmt: skip
    template.add_argument("--set", dest="indicator_set", default="county_annual",
                          metavar="SET", help=t("template_set_help"))  # fmt: skip
    template.add_argument("--units", metavar="A,B,...", help=t("units_help"))
    template.add_argument("--year", nargs="+", metavar="YEAR", help=t("year_help"))
    areas = [f.id for f in fields() if f.role == "area"]
    template.add_argument("--level", choices=areas, default="county", help=t("level_help"))
    _lang(template, lang)


def build_parser(lang: Lang = "en") -> argparse.ArgumentParser:
    """The argument parser of every command, its help in ``lang``."""
    from mch_indicators import __version__

    t = _words(lang)
    parser = _Parser(prog=PROG, description=t("description"), epilog=t("epilog"), lang=lang)
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}",
                        help=t("version_help"))  # fmt: skip
    parser.add_argument("--definitions", action="append", metavar="FILE",
                        help=t("definitions_help"))  # fmt: skip
    parser.add_argument("--lang", choices=["en", "zh"], default=None, dest="top_lang",
                        help=t("lang_help"))  # fmt: skip
    commands = parser.add_subparsers(dest="command", required=True, metavar=t("command_metavar"))
    _listing_commands(commands, lang)
    _compute_command(commands, lang)
    _office_commands(commands, lang)

    export = _command(commands, "export", cmd_export, lang, "export_description")
    export.add_argument("indicators", nargs="*", metavar="INDICATOR",
                        help=t("export_indicators_help"))  # fmt: skip
    _formats(export, ["json", "jsonschema", "csv", "xlsx", "dhis2", "fhir"], "json", lang)
    export.add_argument("--output", "-o", metavar="PATH", help=t("output_help"))
    _escaping(export, lang)
    _lang(export, lang)

    demo = _command(commands, "demo", cmd_demo, lang)
    _formats(demo, ["table", "csv", "json"], "table", lang)
    demo.add_argument("--files", nargs="?", const=".", metavar="DIR", help=t("demo_files_help"))
    _escaping(demo, lang)
    _lang(demo, lang)
    return parser


def _say(message: str, lang: Lang = "en") -> None:
    """One line on standard error (as much of it as can be written)."""
    sep = "：" if lang == "zh" else ": "
    word = cli_text("error", lang)
    with suppress(OSError, ValueError):  # stderr itself may be gone
        line = terminal_text(" ".join(message.split()))  # it may quote a hostile file
        print(f"{PROG}{sep}{word}{sep}{line}", file=sys.stderr, flush=True)


def _silence_stdout() -> None:
    """Point standard output at the null device, so that no flush at exit fails again."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # pragma: no cover - no file descriptor
        pass


def _on_terminal(stream: TextIO) -> bool:
    """Whether ``stream`` is a terminal (a closed or odd stream is not)."""
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):
        return False


def _write(output: str | Iterator[str], lang: Lang = "en") -> int:
    """Print ``output``; a status for a pipe closed early or an output that cannot be written.

    On a terminal, control characters (a hostile file's ``ESC`` sequences) are shown
    as escapes; written to a file or a pipe, CSV is data and stays as it is.
    """
    shown = _on_terminal(sys.stdout)
    try:
        if isinstance(output, str):
            print(terminal_text(output, keep="\n") if shown else output)
        else:
            for chunk in output:
                sys.stdout.write(terminal_text(chunk, keep="\n") if shown else chunk)
        sys.stdout.flush()
    except BrokenPipeError:  # piped into `head`: the reader has what it wanted
        _silence_stdout()
        return EXIT_OK
    except CommandError as error:  # a streamed table that cannot be read on (its line named)
        sys.stdout.flush()
        _say(str(error), lang)
        return EXIT_INPUT
    except OSError as error:
        _silence_stdout()
        _say(cli_text("cannot_write", lang, reason=os_reason(error).said_in(lang)), lang)
        return EXIT_OUTPUT
    return EXIT_OK


def _run(argv: Sequence[str], lang: Lang) -> int:
    with argparse_in(lang):
        args = build_parser(lang).parse_args(argv)
    if args.command == "compute" and args.format is None:
        args.format = "table" if args.file else "text"
    if args.command == "compute" and args.file and args.format == "text":
        args.format = "table"
    try:
        output = run_command(args)
    except OutputCommandError as error:  # a file the command writes (--out, --output)
        _say(str(error), getattr(args, "lang", None) or lang)
        return EXIT_OUTPUT
    except CommandError as error:
        _say(str(error), getattr(args, "lang", None) or lang)
        return EXIT_INPUT
    return _write(output, getattr(args, "lang", None) or lang)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status (see the module docstring).

    Help, progress and errors are in the language of ``--lang`` (anywhere on the
    line) or ``MCH_INDICATORS_LANG``, English otherwise.
    """
    words = list(sys.argv[1:] if argv is None else argv)
    lang = lang_of_argv(words)
    with _console_safe(sys.stdout, sys.stderr):
        try:
            return _run(words, lang)
        except SystemExit as done:  # the argument parser: --help, --version, usage errors
            sys.stdout.flush()  # --help on a full disk fails here, not silently at exit
            return done.code if isinstance(done.code, int) else EXIT_USAGE
        except KeyboardInterrupt:
            _say(cli_text("interrupted", lang), lang)
            return EXIT_INTERRUPTED
        except MemoryError:
            _say(cli_text("no_memory", lang), lang)
            return EXIT_INPUT
        except OSError as error:  # writing --help or --version; files are read by the library
            _silence_stdout()
            _say(cli_text("cannot_write", lang, reason=os_reason(error).said_in(lang)), lang)
            return EXIT_OUTPUT
        except Exception as error:
            if os.environ.get("MCH_INDICATORS_DEBUG"):
                raise
            _say(cli_text("internal_error", lang, kind=type(error).__name__, error=error), lang)
            return EXIT_INTERNAL
