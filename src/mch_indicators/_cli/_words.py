"""The command line's words in the user's language: help, progress, errors (presentation only).

Every text the command line shows a person is in ``definitions/labels.toml``
(sections ``cli`` and, for argparse's own words, ``argparse``). The language is
known before the command line is parsed, so that ``--help`` is in it too:
``--lang zh`` (or ``--lang=zh``) anywhere on the line, else ``MCH_INDICATORS_LANG``.
"""

from __future__ import annotations

import argparse
import re
import shlex
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from mch_indicators._display import display_width
from mch_indicators._errors import Hint, InvalidInputError, MCHIndicatorsError
from mch_indicators._labels import Lang, default_lang, label, labels

# a run of characters that are not wide and not spaces, one wide character, or spaces
_TOKENS = re.compile(r"[^\s\u1100-\uffdc]+|[\u1100-\uffdc]|\s+")
#: Punctuation a line never starts with: it stays on the line before, as Chinese type sets it.
_NO_LINE_START = frozenset("，。、；：！？）」』》】”’")
#: Punctuation a line never ends with: it goes to the next line, with what it opens.
_NO_LINE_END = frozenset("（「『《【“‘")

__all__ = [
    "ChineseHelpFormatter",
    "HelpFormatter",
    "argparse_in",
    "choices_text",
    "cli_text",
    "describe_error",
    "error_reason",
    "hint_text",
    "lang_of_argv",
    "usage_lines",
    "wrap_display",
]


def cli_text(key: str, lang: str, /, **values: object) -> str:
    """The command line's text ``key`` in ``lang`` (``labels.toml``, section ``cli``).

    Examples
    --------
    >>> cli_text("wrote", "zh", path="报表.xlsx")
    '已写入 报表.xlsx'
    """
    return label("cli", key, lang, **values)


def lang_of_argv(argv: Sequence[str]) -> Lang:
    """The language asked for on the command line, else by the environment, else English.

    Examples
    --------
    >>> lang_of_argv(["report", "x.csv", "--lang", "zh"]), lang_of_argv(["--lang=en", "list"])
    ('zh', 'en')
    """
    for position, word in enumerate(argv):
        value = None
        if word == "--lang" and position + 1 < len(argv):
            value = argv[position + 1]
        elif word.startswith("--lang="):
            value = word.partition("=")[2]
        if value in ("en", "zh"):
            return value  # type: ignore[return-value]
    try:
        return default_lang()
    except InvalidInputError:  # reported as an error once the command runs
        return "en"


def wrap_display(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` terminal columns (a Chinese character takes two).

    Words are kept whole; Chinese text breaks between any two characters, but never
    before a closing mark (``，``、``）``: the character before it goes down with it) or
    after an opening one (``（``: it goes down with what it opens).

    Examples
    --------
    >>> wrap_display("读入单位的宽表（每个县区一行）and more words", 20)
    ['读入单位的宽表（每个', '县区一行）and more', 'words']
    """
    lines: list[str] = []
    parts: list[str] = []  # the tokens of the line being filled
    used = 0
    for token in _TOKENS.findall(" ".join(text.split())):
        if token.isspace():
            if parts:
                parts.append(" ")
                used += 1
            continue
        size = display_width(token)
        if used + size > width and "".join(parts).strip():
            kept = _break_at(parts, token)
            if kept is not None:
                lines.append("".join(parts[:kept]).rstrip())
                parts = parts[kept:]
                used = sum(display_width(part) for part in parts)
        parts.append(token)
        used += size
    if "".join(parts).strip():
        lines.append("".join(parts).rstrip())
    return lines


def _break_at(parts: list[str], token: str) -> int | None:
    """How many of a full line's ``parts`` stay on it when ``token`` does not fit.

    A closing mark takes the token before it down; an opening mark at the end goes
    down too. None when that would leave the line empty: a closing mark then hangs
    at the end of the line (one character past the width), never starting one.
    """
    kept = len(parts)
    if token in _NO_LINE_START:  # the word before it goes down with it, and its space
        while kept and parts[kept - 1].isspace():
            kept -= 1
        while kept and parts[kept - 1] in _NO_LINE_START:  # (率）、: ）stays with 率
            kept -= 1
        kept -= 1
    while kept and parts[kept - 1] in _NO_LINE_END:
        kept -= 1
    if "".join(parts[:kept]).strip():
        return kept
    return None if token in _NO_LINE_START else len(parts)


#: An option and its help on one line of the help: argparse pads the option by characters.
_OPTION_LINE = re.compile(r"(?m)^( +-[^\n]*?\S)( {2,})(?=\S)")


def _aligned(found: re.Match[str]) -> str:
    """An option's help moved back to its column when the option has wide characters (、)."""
    option, gap = found[1], found[2]
    wider = display_width(option) - len(option)
    return option + " " * max(2, len(gap) - wider)


#: A section heading argparse wrote after a Chinese word: it ends in ASCII ``:``.
_CHINESE_HEADING = re.compile(r"(?m)^([ \t]*\S[^\n]*[\u1100-\uffdc]):$")


#: Options whose choices have words in a section of the label table (``--domain
#: mortality``: 死亡与妊娠结局), said beside them in Chinese help and errors.
_CHOICE_WORDS = {"domain": "domains", "kind": "kinds", "level": "fields"}


def choices_text(action: argparse.Action, lang: str, *, words: bool = True) -> str:
    """An option's choices as a message lists them: ``'a', 'b'``, or ``a、b`` in Chinese.

    In Chinese a choice that has words in the label table is followed by them
    (``mortality（死亡与妊娠结局）``); the choice itself is what the user types.

    Examples
    --------
    >>> action = argparse.Action(["--kind"], "kind", choices=["rate", "index"])
    >>> choices_text(action, "en"), choices_text(action, "zh")
    ("'rate', 'index'", 'rate（率）、index（指数）')
    """
    choices = list(action.choices or ())
    if lang != "zh":
        return ", ".join(repr(choice) for choice in choices)
    section = _CHOICE_WORDS.get(action.dest) if words else None
    shown = []
    for choice in choices:
        said = label(section, str(choice), "zh") if section else str(choice)
        shown.append(f"{choice}（{said}）" if said != str(choice) else str(choice))
    return "、".join(shown)


#: The parts of a usage line, as argparse splits it to wrap it: a bracketed option with what
#: it takes (``[--numerator N [N ...]]``, ``[--a | --b]``), a group in parentheses, a word.
_USAGE_PARTS = re.compile(r"\(.*?\)+(?=\s|$)|\[.*?\]+(?=\s|$)|\S+")
#: A width no usage line reaches: argparse then writes it on one line.
_ONE_LINE = 1_000_000


def usage_lines(prefix: str, prog: str, rest: str, width: int) -> list[str]:
    """A usage line (``prefix``, the program, its arguments ``rest``) wrapped by terminal columns.

    As argparse wraps it by characters: the arguments follow the program, and each
    line they continue on starts under the first of them; after a program that takes
    more than three quarters of the width, they start on the next line, under it.
    A bracketed part is broken only when it is wider than a line, after a ``、`` of
    its choices (``[--level {province、prefecture、`` / ``county、township、area}]``).

    Examples
    --------
    >>> usage_lines("用法：", "mch-indicators show", " [-h] [--lang {en、zh}] 指标", 48)
    ['用法：mch-indicators show [-h] [--lang {en、zh}]', '                          指标']
    >>> usage_lines("用法：", "prog", " [-h] [--kind {rate、ratio、index}]", 34)
    ['用法：prog [-h]', '           [--kind {rate、ratio、', '           index}]']
    """
    head = prefix + prog
    lines, indent = [head], display_width(head) + 1
    if indent > 0.75 * width:  # a long program: the arguments start under it
        lines, indent = [head, ""], display_width(prefix)
    for part in _USAGE_PARTS.findall(rest):
        line = lines[-1]
        if line and display_width(line) + 1 + display_width(part) <= width:
            lines[-1] = f"{line} {part}"
            continue
        if line:
            lines.append("")
        for piece in _pieces(part, width - indent):
            if lines[-1] and display_width(lines[-1]) + display_width(piece) > width:
                lines.append("")
            lines[-1] = (lines[-1] or " " * indent) + piece
    return lines


def _pieces(part: str, room: int) -> list[str]:
    """A part of a usage line, whole, or cut after each ``、`` when it is wider than ``room``."""
    if display_width(part) <= room:
        return [part]
    return re.findall(r"[^、]*、|[^、]+$", part)


class HelpFormatter(argparse.HelpFormatter):
    """argparse's help, wrapped by terminal columns rather than characters (Chinese is wide).

    argparse ends each section heading with an ASCII colon it does not translate; a
    Chinese heading (``选项``) gets the full-width one (``选项：``). In Chinese help
    (:class:`ChineseHelpFormatter`) an option's choices are listed with ``、``
    (``{table、csv、json}``), in the usage line and the list of options, and those that
    have words are said after its help; the Chinese usage line is wrapped by terminal
    columns (:func:`usage_lines`), as argparse wraps the English one by characters.
    """

    lang: Lang = "en"

    def format_help(self) -> str:
        text = _CHINESE_HEADING.sub(r"\1：", super().format_help())
        return _OPTION_LINE.sub(_aligned, text)

    def _format_usage(self, usage: Any, actions: Any, groups: Any, prefix: Any) -> str:
        if self.lang != "zh":
            return str(super()._format_usage(usage, actions, groups, prefix))
        width = self._width
        self._width = _ONE_LINE  # argparse writes it on one line; it is wrapped here
        try:
            line = str(super()._format_usage(usage, actions, groups, prefix)).rstrip("\n")
        finally:
            self._width = width
        said, found, rest = line.partition(self._prog)
        if not found:  # pragma: no cover - a usage given in full, not built by argparse
            return line + "\n\n"
        lines = usage_lines(said, self._prog, rest, width - self._current_indent)
        return "\n".join(lines) + "\n\n"

    def _metavar_formatter(
        self, action: argparse.Action, default_metavar: str
    ) -> Callable[[int], tuple[str, ...]]:
        chinese = self.lang == "zh"
        if not chinese or action.metavar is not None or action.choices is None:
            return super()._metavar_formatter(action, default_metavar)
        listed = "{" + choices_text(action, self.lang, words=False) + "}"
        return lambda size: (listed,) * size

    def _get_help_string(self, action: argparse.Action) -> str | None:
        text = super()._get_help_string(action)
        if self.lang != "zh" or not text or action.dest not in _CHOICE_WORDS:
            return text
        return text + "：" + choices_text(action, self.lang).replace("%", "%%")

    def _split_lines(self, text: str, width: int) -> list[str]:
        return wrap_display(text, width)

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        return "\n".join(indent + line for line in wrap_display(text, width - len(indent)))


class ChineseHelpFormatter(HelpFormatter):
    """:class:`HelpFormatter` of the Chinese help: choices listed with ``、``, in words."""

    lang: Lang = "zh"


#: argparse's messages that list names it joined with ``", "`` (the value of the key named,
#: or the one ``%s``): listed in Chinese with ``、``.
_LISTING = {
    "the following arguments are required: %s": None,
    "ambiguous option: %(option)s could match %(matches)s": "matches",
}


class _ChineseListing(str):
    """An argparse message whose list of names is said with ``、`` once argparse fills it."""

    key: str | None = None

    def __mod__(self, values: Any) -> str:
        if isinstance(values, str):
            values = values.replace(", ", "、")
        elif isinstance(values, dict) and isinstance(values.get(self.key), str):
            values = {**values, self.key: values[self.key].replace(", ", "、")}
        return str.__mod__(self, values)


def _translator(lang: Lang) -> tuple[Any, Any]:
    table = labels().get("argparse", {})

    def gettext(message: str) -> str:
        entry = table.get(message)
        if entry is None:
            return message
        said = str(entry[lang])
        if lang != "zh" or message not in _LISTING:
            return said
        listing = _ChineseListing(said)
        listing.key = _LISTING[message]
        return listing

    def ngettext(singular: str, plural: str, count: int) -> str:
        return gettext(singular if count == 1 else plural)

    return gettext, ngettext


@contextmanager
def argparse_in(lang: Lang) -> Iterator[None]:
    """Argparse's own words (``usage:``, its errors) in ``lang`` while the block runs.

    argparse looks its messages up through the module's ``_`` and ``ngettext`` when it
    writes them; they are swapped for the table of ``labels.toml`` and put back after.
    """
    if lang == "en":
        yield
        return
    saved = (getattr(argparse, "_", None), getattr(argparse, "ngettext", None))
    argparse._, argparse.ngettext = _translator(lang)  # type: ignore[attr-defined]
    try:
        yield
    finally:
        for name, value in zip(("_", "ngettext"), saved, strict=True):
            if value is None:
                delattr(argparse, name)
            else:
                setattr(argparse, name, value)


def error_reason(error: MCHIndicatorsError, lang: str) -> str:
    """What is wrong, in ``lang`` where the error says it in Chinese, else as raised."""
    said = getattr(error, "command_line", None)  # advice the command line has no option for
    if said is not None:
        return str(said.zh if lang == "zh" else said.en)
    if lang == "zh" and error.reason_zh:
        return error.reason_zh
    return error.reason


def hint_text(hint: Hint | None, lang: str) -> str:
    """``; use --on-invalid flag to ...``: the library's hint said as the command line's option.

    The library holds the advice (:class:`~mch_indicators._errors.Hint`); the command
    line only spells it: the keyword with dashes, then its value.

    Examples
    --------
    >>> from mch_indicators._errors import ON_INVALID_FLAG
    >>> hint_text(ON_INVALID_FLAG, "zh")
    '；加上 --on-invalid flag 可得到空值并标记“数据矛盾”'
    """
    if hint is None:
        return ""
    value = "tab" if hint.value == "\t" else shlex.quote(hint.value)
    option = f"--{hint.keyword.replace('_', '-')} {value}"
    return cli_text("hint", lang, option=option, effect=hint.effect(lang))


def describe_error(error: MCHIndicatorsError, path: str | None, lang: str) -> str:
    """``counts.csv:18: column 'numerator': 'abc' is not a number``: an error with its place.

    In Chinese the place reads ``counts.csv 第18行：列“numerator”：...`` (without a file,
    ``列“numerator”，第18行：...`` for a row read from a file, ``行 18`` for a frame's own
    row label); what is wrong is
    Chinese where the error carries it (an unknown indicator, and every error raised
    with a Chinese reason), else the library's English words. A hint the error carries
    is said as the command line's option (:func:`hint_text`), never as the keyword.
    """
    reason = error_reason(error, lang)
    hint = hint_text(getattr(error, "hint", None), lang)
    located = path is not None and (error.row is not None or error.column is not None)
    if not located:
        if reason is error.reason and error.message is not None:  # where, in its own words
            return error.message + hint
        place = error.location()
        return (place.zh if lang == "zh" else place.en) + reason + hint
    name = "<stdin>" if path == "-" else str(path)
    if error.row is None:
        return cli_text("at_file", lang, file=name, reason=reason + hint)
    column = cli_text("at_column", lang, column=error.column) if error.column is not None else ""
    return cli_text(
        "at_line", lang, file=name, line=error.row, column=column, reason=reason + hint
    )
