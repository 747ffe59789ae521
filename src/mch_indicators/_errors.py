"""The exceptions mch_indicators raises on purpose, in one tree.

::

    MCHIndicatorsError                       everything below; catch this to catch all
    ├── InvalidInputError (ValueError)       counts, values, options or tables that cannot
    │   │                                    be computed on; the message names the argument
    │   │                                    and the rows (by label where they have one)
    │   └── OutputError                      a file that cannot be written (a missing
    │                                        folder, no permission, a full disk); names it
    ├── UnitError (ValueError)               a unit that is unknown, ambiguous or not
    │                                        convertible
    ├── DefinitionError (ValueError)         an indicator, term, target, plan or standard
    │                                        population that does not validate; names the
    │                                        file, the definition and each field
    ├── ConfigurationError (ValueError)      a setting of the environment
    │                                        (MCH_INDICATORS_BACKEND) that is not allowed
    └── UnknownIndicatorError (KeyError)     no indicator matches a key, or a code several
        │                                    indicators share; suggests the closest ids
        └── AmbiguousIndicatorError          a name that means different indicators in
                                             different traditions; lists the candidates

Each error also derives from the built-in exception an ``except`` clause would
expect (``ValueError`` or ``KeyError``), so existing code keeps working. Every
error pickles with its attributes, so it crosses to a process pool.

An error about one cell of a table says where it is: :attr:`~MCHIndicatorsError.column`
and :attr:`~MCHIndicatorsError.row` (the row's index label: a county, a
``(county, year)`` pair, or the line of a file read by :func:`mch_indicators.read_table`)
are set, the message starts with them, and :attr:`~MCHIndicatorsError.reason` holds
the rest, so that a command line can say ``counts.csv:18: column 'numerator': ...``.

An error that a setting would let through carries that setting as a :class:`Hint`
(:attr:`~MCHIndicatorsError.hint`): the one source of the advice, which each surface
formats in its own spelling. The library's message says it as a keyword
(``...; pass on_invalid='flag' to get NaN with an INVALID flag instead``); the command
line, as its option (``use --on-invalid flag ...``), in English or Chinese.

Errors of the pydantic models are translated once, by :func:`definition_error`,
into a :class:`DefinitionError` that names the definition and each field.
"""

from __future__ import annotations

import errno
import numbers
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from pydantic import ValidationError

__all__ = [
    "DECIMAL_COMMA",
    "DUPLICATES_ADD",
    "DUPLICATES_SUM",
    "ENCODING_LATIN",
    "ENCODING_OTHER",
    "ENCODING_UTF16",
    "HINTS",
    "LINE_INDEX_NAMES",
    "ON_INVALID_FLAG",
    "ON_INVALID_LEAVE_OUT",
    "TOTALS_DROP",
    "AmbiguousIndicatorError",
    "ConfigurationError",
    "DefinitionError",
    "FileLine",
    "Hint",
    "InvalidInputError",
    "MCHIndicatorsError",
    "OutputError",
    "UnitError",
    "UnknownIndicatorError",
    "Words",
    "definition_error",
    "delimiter_hint",
    "describe_validation",
    "error_of",
    "file_line",
    "invalid",
    "os_reason",
    "row_names",
    "row_span",
    "words",
]


@dataclass(frozen=True, slots=True)
class Hint:
    """A setting that would let a refused call go through: the advice, said once.

    Each surface formats it in its own spelling: :meth:`python` as the keyword of
    the library's functions (the message of the error), the command line as its
    option (``--on-invalid flag``), in English or Chinese. What the setting does is
    label data (``[hints.<key>]`` of ``definitions/labels.toml``, checked on load
    like every label), read through :data:`mch_indicators._hooks.hint_effect`.

    Attributes
    ----------
    keyword : str
        The keyword argument (``on_invalid``); the command line's option is the
        same word with dashes (``--on-invalid``).
    value : str
        The value that lets the call through (``flag``).
    key : str
        The entry of ``[hints]`` in the label table saying what the setting does,
        in English (``to get NaN ... instead``, following the keyword and its
        value) and in Chinese (following 可).

    Examples
    --------
    >>> ON_INVALID_FLAG.python()
    "pass on_invalid='flag' to get NaN with an INVALID flag instead"
    >>> ON_INVALID_FLAG.effect("zh")
    '得到空值并标记“数据矛盾”'
    """

    keyword: str
    value: str
    key: str

    def effect(self, lang: str = "en") -> str:
        """What the setting does, in ``lang`` (``en`` or ``zh``), from the label table."""
        from mch_indicators._hooks import hint_effect

        return hint_effect(self.key, lang)

    def python(self) -> str:
        """The advice as the library's message gives it: ``pass on_invalid='flag' ...``."""
        return f"pass {self.keyword}={self.value!r} {self.effect('en')}"


#: A numerator above the denominator of a proportion, refused: computed with the setting,
#: the row gets NaN and the INVALID flag.
ON_INVALID_FLAG = Hint("on_invalid", "flag", "on_invalid_flag")
#: The same, refused when pooling: with the setting, such rows are left out of the sums.
ON_INVALID_LEAVE_OUT = Hint("on_invalid", "flag", "on_invalid_leave_out")
#: Two rows of an office's table for one unit and period: with the setting, they are summed
#: (and the checks list the sum).
DUPLICATES_SUM = Hint("duplicates", "sum", "duplicates_sum")
#: Two values of a DHIS2 data value set for one key: with the setting, they are added up.
DUPLICATES_ADD = Hint("duplicates", "sum", "duplicates_add")
#: Two tables one under the other, read as one: with the setting, their blocks are read as
#: groups of one table, the total rows taken out unchecked.
TOTALS_DROP = Hint("totals", "drop", "totals_drop")
#: A text table that reads as Latin-1 (Windows-1252), or is neither UTF-8 nor GB18030.
ENCODING_LATIN = Hint("encoding", "latin-1", "encoding_latin")
#: A text table of another encoding than the ones guessed (Big5, for one).
ENCODING_OTHER = Hint("encoding", "big5", "encoding_other")
#: A text table with NUL bytes and no byte-order mark: UTF-16 written without one.
ENCODING_UTF16 = Hint("encoding", "utf-16-le", "encoding_utf16")

#: A count read as ``9,5`` or ``26.954``: a file that writes a decimal comma (``9,5`` is 9.5
#: and ``26.954`` is 26954 when read with the setting).
DECIMAL_COMMA = Hint("decimal", ",", "decimal_comma")


def delimiter_hint(found: str) -> Hint:
    """The hint to read a text table with the delimiter ``found`` in it (``;``, tab...).

    Examples
    --------
    >>> delimiter_hint(";").python()
    "pass delimiter=';' to read it with the delimiter found (or leave delimiter out to detect it)"
    """
    return Hint("delimiter", found, "delimiter_found")


#: Every hint the library gives, one per entry of ``[hints]`` (the command line's tests
#: check each names an option, the label table's check that each has its words).
HINTS: tuple[Hint, ...] = (
    ON_INVALID_FLAG,
    ON_INVALID_LEAVE_OUT,
    DUPLICATES_SUM,
    DUPLICATES_ADD,
    TOTALS_DROP,
    ENCODING_LATIN,
    ENCODING_OTHER,
    ENCODING_UTF16,
    DECIMAL_COMMA,
    delimiter_hint(";"),
)


class MCHIndicatorsError(Exception):
    """Base class of every error raised on purpose by mch_indicators.

    Attributes
    ----------
    reason : str
        What is wrong, without the location.
    column : str or None
        The table column concerned, when there is one.
    row : hashable or None
        The index label of the table row concerned, when there is one.
    reason_zh : str or None
        What is wrong, in Chinese, when the raiser says it in Chinese too; the
        command line shows it under ``--lang zh``.
    hint : Hint or None
        A setting that would let the call through; the message ends with it
        (``; pass on_invalid='flag' ...``), the command line says its own option.
    command_line : Words or None
        What the command line says instead of :attr:`reason` (and its Chinese),
        when the reason's advice is a keyword the command line has no option for
        (``columns=``); None when the reason serves both.
    """

    command_line: Words | None = None

    def __init__(
        self,
        reason: str = "",
        *,
        column: str | None = None,
        row: Hashable | None = None,
        message: str | None = None,
        reason_zh: str | None = None,
        hint: Hint | None = None,
    ) -> None:
        self.reason = reason
        self.column = column
        self.row = row
        self.message = message
        self.reason_zh = reason_zh
        self.hint = hint
        super().__init__(reason)

    def where(self) -> str:
        """``"column 'x', row 18: "``, or ``""`` when the error is not about one cell."""
        return self.location().en

    def location(self) -> Words:
        """Where the error is, in both languages: ``column 'x', row 18: `` (``列“x”，第18行：``).

        Empty when the error is not about one cell. A row that is a file's line
        (:class:`FileLine`: the rows :func:`~mch_indicators.read_table` reads carry
        their lines) reads ``第18行`` in Chinese; another whole number (a frame's own
        row label) ``行 18``; another label (a county, a ``(county, year)`` pair) is
        quoted: ``行“甲县、2024”``.
        """
        parts = []
        if self.column is not None:
            parts.append(words("error_column", name=self.column))
        if self.row is not None:
            parts.append(row_names([self.row]))
        if not parts:
            return Words("", "")
        return Words(
            ", ".join(part.en for part in parts) + ": ",
            "，".join(part.zh for part in parts) + "：",
        )

    @property
    def said(self) -> Words:
        """What is wrong (:attr:`reason`), in English and in Chinese where the raiser gave it.

        What a message quoting this error puts in each language (a definition's field, a
        DHIS2 value); without a Chinese reason, the English stands in both.
        """
        return Words(self.reason, self.reason_zh or self.reason)

    def without_hint(self) -> str:
        """The message without its :attr:`hint`: where, then what is wrong."""
        if self.message is not None:  # a message that says where in its own words
            return self.message
        return self.where() + self.reason

    def __str__(self) -> str:
        hint = getattr(self, "hint", None)  # an error unpickled from an older version
        return self.without_hint() + (f"; {hint.python()}" if hint is not None else "")

    def __reduce__(self) -> tuple[Any, ...]:
        return (_restore, (type(self), self.args, dict(self.__dict__)))


class InvalidInputError(MCHIndicatorsError, ValueError):
    """Counts that cannot be computed on: negative, infinite, non-numeric, boolean...

    The message names the argument and the first offending positions and values.
    """


class OutputError(InvalidInputError):
    """A file that cannot be written: a missing folder, no permission, a full disk.

    Every writer of the library (reports, exports, templates) raises it, naming the
    file, in English and Chinese; the command line exits with status 3.

    Attributes
    ----------
    path : str or None
        The file that could not be written.
    """

    def __init__(self, reason: str = "", *, path: str | None = None, **keywords: Any) -> None:
        super().__init__(reason, **keywords)
        self.path = path


class UnitError(MCHIndicatorsError, ValueError):
    """A unit that is unknown, ambiguous or not convertible."""


class DefinitionError(MCHIndicatorsError, ValueError):
    """An indicator definition that does not validate (bad id, missing name, unknown unit...)."""


class ConfigurationError(MCHIndicatorsError, ValueError):
    """An environment setting that is not allowed (``MCH_INDICATORS_BACKEND=gpu``)."""


class UnknownIndicatorError(MCHIndicatorsError, KeyError):
    """No indicator matches the key; the message suggests the closest matches.

    Attributes
    ----------
    key : str
        The key that was looked up.
    suggestions : tuple of str
        Ids of the closest indicators, best first (may be empty).
    shared : bool
        True when ``key`` is a code that several indicators share (SDG 3.b.1
        covers several vaccines); ``suggestions`` then lists all of them.
    """

    def __init__(
        self,
        key: str,
        suggestions: Sequence[str] = (),
        *,
        shared: bool = False,
        column: str | None = None,
        row: Hashable | None = None,
    ) -> None:
        self.key = key
        self.suggestions = tuple(suggestions)
        self.shared = shared
        said = self._describe()
        super().__init__(said.en, column=column, row=row, reason_zh=said.zh)
        self.args = (key,)

    def _ids(self) -> Words:
        """The suggested ids as a message lists them: quoted in English, plain in Chinese."""
        return Words(", ".join(repr(s) for s in self.suggestions), "、".join(self.suggestions))

    def _describe(self) -> Words:
        if self.shared:
            return words("indicator_shared_code", key=self.key, names=self._ids())
        if self.suggestions:
            advice = words("indicator_did_you_mean", names=self._ids())
        else:
            advice = words("indicator_see_list")
        return words("indicator_no_match", key=self.key, advice=advice)


class AmbiguousIndicatorError(UnknownIndicatorError):
    """A name that means different indicators in different traditions.

    "Maternal mortality rate" is the per-woman-years measure in demography but
    the usual English rendering of China's 孕产妇死亡率 (a ratio per live
    births); such a name never picks one silently. ``suggestions`` lists the
    candidate ids, ``labels`` a short description of each, in the same order.

    Attributes
    ----------
    labels : tuple of str
        One description per candidate (its names), for the message; a description
        given in both languages (:class:`Words`) is kept in English here and said in
        Chinese in :attr:`~MCHIndicatorsError.reason_zh`.
    """

    def __init__(
        self,
        key: str,
        suggestions: Sequence[str] = (),
        labels: Sequence[str | Words] = (),
        *,
        column: str | None = None,
        row: Hashable | None = None,
    ) -> None:
        self._described = tuple(
            label if isinstance(label, Words) else Words(label, label) for label in labels
        )
        self.labels = tuple(label.en for label in self._described)
        super().__init__(key, suggestions, shared=True, column=column, row=row)

    def _describe(self) -> Words:
        blank = Words("", "")
        padded = (*self._described, *[blank] * (len(self.suggestions) - len(self._described)))
        pairs = list(zip(self.suggestions, padded, strict=False))
        candidates = Words(
            "\n".join(
                f"  - {candidate!r}: {label.en}" if label.en else f"  - {candidate!r}"
                for candidate, label in pairs
            ),
            "；".join(
                f"{candidate}（{label.zh}）" if label.zh else candidate
                for candidate, label in pairs
            ),
        )
        return words(
            "indicator_ambiguous", key=self.key, count=len(self.suggestions), names=candidates
        )


@dataclass(frozen=True, slots=True)
class Words:
    """A text said in both languages: a place, a noun, put into a message of either.

    A value of :func:`error_of` or :func:`words` that is ``Words`` fills the English
    text with :attr:`en` and the Chinese one with :attr:`zh`.

    Examples
    --------
    >>> place = words("dhis2_line", place=4)
    >>> place.en, place.zh
    ('line 4', '第4行')
    """

    en: str
    zh: str

    def __str__(self) -> str:
        return self.en

    def said_in(self, lang: str) -> str:
        """The text in ``lang``: Chinese for ``"zh"``, else English."""
        return self.zh if lang == "zh" else self.en

    @classmethod
    def listing(cls, items: Iterable[object]) -> Words:
        """Items as a message lists them: ``a, b`` in English, ``a、b`` in Chinese.

        An item said in both languages (:class:`Words`) is listed in each.

        Examples
        --------
        >>> Words.listing(["甲县", "乙县"])
        Words(en='甲县, 乙县', zh='甲县、乙县')
        """
        said = [item if isinstance(item, Words) else Words(str(item), str(item)) for item in items]
        return cls(", ".join(s.en for s in said), "、".join(s.zh for s in said))


def did_you_mean(name: str, known: Iterable[str]) -> Words:
    """``; did you mean 'x'?`` (``；是否应为 x？``) naming the closest of ``known``, or nothing.

    Examples
    --------
    >>> did_you_mean("live_birth", ["live_births", "maternal_deaths"]).en
    "; did you mean 'live_births'?"
    """
    import difflib

    close = difflib.get_close_matches(name, list(known), n=1)
    return words("catalog_did_you_mean", name=close[0]) if close else Words("", "")


#: The names ``read_table`` gives the index of the frame it reads: each row's line in a
#: text file (``line``) or its row in a sheet (``row``).
LINE_INDEX_NAMES = frozenset({"line", "row"})


class FileLine(int):
    """A row's label that is its line in a file read (:data:`LINE_INDEX_NAMES`).

    A whole number as any other (equal to it, hashed alike, shown alike); an
    error about it says ``第18行`` in Chinese, where another whole-number label (a
    frame's own row number) is named as a label: ``行 18``.
    """

    __slots__ = ()


def file_line(label: Hashable, index_name: Hashable) -> Hashable:
    """``label`` as a :class:`FileLine` when its index numbers a file's lines, else itself.

    Examples
    --------
    >>> type(file_line(18, "line")).__name__, type(file_line(18, None)).__name__
    ('FileLine', 'int')
    """
    if index_name not in LINE_INDEX_NAMES or isinstance(label, bool):
        return label
    return FileLine(int(label)) if isinstance(label, numbers.Integral) else label


def _row_key(row: Hashable) -> str:
    """The ``[messages]`` text naming a row: a file's line by its number, a label as such."""
    if isinstance(row, FileLine):
        return "error_line"
    whole = isinstance(row, numbers.Integral) and not isinstance(row, bool)
    return "error_row_number" if whole else "error_row"


def row_names(rows: Sequence[Hashable], *, more: bool = False) -> Words:
    """How a message names rows of a table, in English and Chinese.

    Lines of a file :func:`~mch_indicators.read_table` read (:class:`FileLine`) are
    ``第3行`` (``第2、3行``); another whole number, a frame's own row label, is
    ``行 3``; another label (a county, a ``(county, year)`` pair) is quoted:
    ``行“甲县、2024”``. In English: ``row 3``, ``rows 2, 3``, ``row ('甲县', 2024)``.
    The kind of the first row names them all (the rows of one frame are of one kind);
    ``more`` ends the list with ``…`` (more rows than those named).

    Examples
    --------
    >>> row_names([FileLine(3)]).zh, row_names([0, 1]).zh, row_names(["甲县"]).zh
    ('第3行', '行 0、1', '行“甲县”')
    >>> row_names([0, 1]).en
    'rows 0, 1'
    """
    key = _row_key(rows[0]) if rows else "error_row"
    if len(rows) < 2 and not more:
        return words(key, label=Words.listing(Words(repr(r), _row_text(r)) for r in rows))
    quote = (lambda text: f"“{text}”") if key == "error_row" else str
    en, zh = [repr(r) for r in rows], [quote(_row_text(r)) for r in rows]
    tail = ["…"] if more else []
    label = Words(", ".join([*en, *tail]), "、".join([*zh, *tail]))
    return words(f"{key}_plural", label=label)


def row_span(first: Hashable, last: Hashable) -> Words:
    """Rows from ``first`` to ``last``, named as :func:`row_names` names one row.

    Examples
    --------
    >>> row_span(FileLine(2), FileLine(5)).zh, row_span(2, 5).zh, row_span(2, 5).en
    ('第2至5行', '行 2至5', 'rows 2 to 5')
    """
    label = {
        "first": Words(repr(first), _row_text(first)),
        "last": Words(repr(last), _row_text(last)),
    }
    return words(f"{_row_key(first)}_span", **label)


def _row_text(row: Hashable) -> str:
    """A row's label as Chinese text shows it: ``甲县``, a pair as ``甲县、2024``."""
    if isinstance(row, tuple):
        return "、".join(str(part) for part in row)
    return str(row)


def words(key: str, /, **values: object) -> Words:
    """The ``[messages]`` text ``key`` of the label table in both languages.

    ``values`` fill its placeholders, each in its language when it is :class:`Words`.
    The label table is read above this module (:mod:`mch_indicators._labels`), through
    :data:`mch_indicators._hooks.message_texts`: every layer, the lowest included,
    says its messages from it.
    """
    from mch_indicators._hooks import message_texts

    en, zh = message_texts(key, values)
    return Words(en, zh)


def os_reason(error: OSError) -> Words:
    """Why the system refused a file: in English as the system says it, in Chinese by its code.

    The Chinese is the ``[messages]`` text ``os_<code>`` (``os_ENOENT``: 文件或文件夹不存在);
    a code without one is said as the system says it in both.

    Examples
    --------
    >>> os_reason(PermissionError(13, "Permission denied"))
    Words(en='Permission denied', zh='没有权限')
    """
    said = error.strerror or str(error) or type(error).__name__
    code = errno.errorcode.get(error.errno) if isinstance(error.errno, int) else None
    if code is None:
        return Words(said, said)
    key = f"os_{code}"
    chinese = words(key).zh  # the key itself where the label table has no words for it
    return Words(said, said if chinese == key else chinese)


#: The class of error :func:`error_of` makes.
E = TypeVar("E", bound=MCHIndicatorsError)


def error_of(
    kind: type[E],
    key: str,
    /,
    *,
    hint: Hint | None = None,
    row: Hashable | None = None,
    column: str | None = None,
    **values: object,
) -> E:
    """An error of class ``kind`` saying the ``[messages]`` text ``key`` in both languages.

    ``values`` fill the placeholders of both texts (a :class:`Words` value in each
    text's language); ``hint``, ``row`` and ``column`` are the error's own (a setting
    that lets the call through, where it is).

    Examples
    --------
    >>> error = error_of(DefinitionError, "unknown_plan", plan="x", known="sdg_2030")
    >>> type(error).__name__, error.reason_zh
    ('DefinitionError', '未知的规划“x”；已有的规划：sdg_2030')
    """
    said = words(key, **values)
    return kind(said.en, reason_zh=said.zh, hint=hint, row=row, column=column)


def _restore(
    kind: type[MCHIndicatorsError], args: tuple[Any, ...], state: dict[str, Any]
) -> MCHIndicatorsError:
    """Unpickle an error: its arguments and every attribute, without calling ``__init__``."""
    error = kind.__new__(kind, *args)
    error.args = args
    error.__dict__.update(state)
    return error


#: pydantic's kinds of error whose account a message of the label table gives in both
#: languages.
_VALIDATION_WORDS = {"missing": "definition_missing", "extra_forbidden": "definition_extra"}
#: pydantic's kinds of error said in Chinese by a message of the label table (its ``zh``,
#: filled from the error's context); the English text stays pydantic's. Any other kind is
#: said in pydantic's words in both texts.
_VALIDATION_ZH = {
    **dict.fromkeys(("string_type", "string_sub_type"), "definition_text"),
    **dict.fromkeys(("int_type", "int_parsing", "int_from_float"), "definition_whole_number"),
    **dict.fromkeys(("float_type", "float_parsing"), "definition_number"),
    **dict.fromkeys(("bool_type", "bool_parsing"), "definition_boolean"),
    **dict.fromkeys(("dict_type", "model_type", "model_attributes_type"), "definition_table"),
    **dict.fromkeys(("list_type", "tuple_type"), "definition_list"),
    **dict.fromkeys(("literal_error", "enum"), "definition_one_of"),
    "string_too_short": "definition_too_short",
    "greater_than_equal": "definition_at_least",
    "greater_than": "definition_above",
    "less_than_equal": "definition_at_most",
    "less_than": "definition_below",
}


def invalid(key: str, /, **values: object) -> ValueError:
    """The ``ValueError`` a model's validator raises: the ``[messages]`` text ``key``.

    pydantic shows it in English (its ``msg``); :func:`describe_validation` finds the
    :class:`Words` it carries and says it in Chinese too.
    """
    return ValueError(words(key, **values))


def _field_reason(item: Mapping[str, Any]) -> Words:
    """What is wrong with one field, in English (pydantic's words) and Chinese."""
    key = _VALIDATION_WORDS.get(str(item["type"]))
    if key is not None:
        return words(key)
    context = item.get("ctx") or {}
    raised = getattr(context.get("error"), "args", ())
    if raised and isinstance(raised[0], Words):
        return raised[0]
    message = str(item["msg"]).removeprefix("Value error, ")
    chinese = _VALIDATION_ZH.get(str(item["type"]))
    if chinese is None:
        return Words(message, message)
    shown = {name: str(value) for name, value in context.items() if name != "error"}
    if "expected" in shown:  # 'a', 'b' or 'c', listed in Chinese as 'a'、'b'、'c'
        shown["expected"] = shown["expected"].replace("', '", "'、'").replace("' or '", "'、'")
    return Words(message, words(chinese, **shown).zh)


def describe_validation(error: ValidationError) -> Words:
    """Each failing field of a pydantic error as ``field: message``, joined by ``; ``.

    The raw pydantic text (error codes, input values, documentation links) is
    left out: the field path and the reason are what a definition's author needs.
    The frame is said in English and Chinese (``field：message``, joined by ``；``);
    pydantic's account of a field stays in its words in English; in Chinese, a
    field missing or not allowed, of the wrong type or out of range is said from the
    label table, and so is each validator's own refusal (raised by :func:`invalid`).
    """
    lines = []
    for item in error.errors():
        where = ".".join(str(part) for part in item["loc"]) or words("definition_whole")
        lines.append(words("definition_field", field=where, reason=_field_reason(item)))
    return Words("; ".join(line.en for line in lines), "；".join(line.zh for line in lines))


def definition_error(error: ValidationError, where: str | Words) -> DefinitionError:
    """The :class:`DefinitionError` for a pydantic error, naming ``where`` (file, id).

    ``where`` may be said in both languages (:class:`Words`): ``mine.toml, indicator
    'x'``, ``mine.toml，指标 x``.
    """
    return error_of(
        DefinitionError, "definition_invalid", where=where, fields=describe_validation(error)
    )


def _tree() -> list[type[MCHIndicatorsError]]:
    """The error classes this module defines: the base and every subclass, at any depth."""
    found: list[type[MCHIndicatorsError]] = [MCHIndicatorsError]
    for error in found:
        found += error.__subclasses__()
    return [error for error in found if error.__module__ == __name__]


# Errors show as ``mch_indicators.UnitError`` in tracebacks, not by private module.
for _error in _tree():
    _error.__module__ = "mch_indicators"
del _error
