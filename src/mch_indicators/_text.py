"""Folding text for comparison: the one normaliser of names, column headers and codes.

Offices write the same word many ways: ``活产数``, ``活產數`` (traditional characters),
``活产数（人）`` (full-width brackets), ``"两癌"检查人数`` (quotes), `` Live `` (case and
spaces). :func:`fold` brings every spelling to one form:

- Unicode NFKC: full-width letters, digits and brackets to their usual forms
  (``１０万`` -> ``10万``, ``（`` -> ``(``), compatibility ideographs to unified ones;
- invisible format characters dropped (:data:`INVISIBLE`: a zero-width space, a
  byte-order mark inside the text);
- case folded (``LIVE`` -> ``live``);
- traditional and variant Chinese characters to simplified ones, by the table
  ``definitions/hanzi.toml`` (validated when it loads);
- quotation marks, brackets and separators dropped or read as spaces, and spaces
  stripped, collapsed or removed, as the caller's context needs.

The catalog's look-up keys (:func:`fold_key`), the column-header matcher
(``_headers.fold_header``) and the codes of registers (:func:`fold_code`,
:func:`code_forms`) all call :func:`fold`: one implementation. Standard library only.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache
from itertools import product
from math import prod
from typing import Literal

from mch_indicators._cache import package_data
from mch_indicators._errors import DefinitionError

__all__ = [
    "CHINESE_CHARACTER",
    "DASHES",
    "ENGINE_DOTTED_I",
    "ENGINE_SPACES",
    "INVISIBLE",
    "MARKS",
    "code_forms",
    "fold",
    "fold_code",
    "fold_key",
    "has_chinese",
    "to_simplified",
    "traditional_forms",
]

#: Quotation marks and brackets, after NFKC: they never change what a name means
#: (``"两癌"检查覆盖率`` is ``两癌检查覆盖率``, ``《纲要》`` is ``纲要``).
MARKS = "\"'`“”‘’„‟«»‹›「」『』《》〈〉()[]{}【】〔〕〖〗〘〙"
#: Dashes and tildes written between the ends of a range (``0-6岁``, ``0～6岁``, ``0—6岁``).
DASHES = "-~‐‑‒–—―〜"
#: The spaces an engine strips from a register's codes (``code_forms`` pairs with it).
ENGINE_SPACES = " \t\r\n\f\v\u00a0\u3000"
#: The one letter whose lower case is two characters (``İ`` -> ``i̇``, as Python, polars
#: and Java write it): an engine that lower-cases one character for one (pyarrow,
#: DuckDB) writes ``i``, so it is replaced by its lower case before any lower-casing.
ENGINE_DOTTED_I = ("\u0130", "i\u0307")

#: Characters that show nothing and mean nothing in a name: zero-width spaces and joiners,
#: the soft hyphen, the word joiner, direction marks and the byte-order mark (U+FEFF, which a
#: second CSV export appended to a first leaves at the start of a row). Pasted from web
#: systems into a cell, they make ``城关镇`` and ``城关镇\u200b`` two names that look alike.
INVISIBLE = (
    "\u00ad\u180e\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
    "\u2060\u2066\u2067\u2068\u2069\ufeff"
)

Spaces = Literal["strip", "collapse", "remove"]

#: Chinese characters as a regular-expression class: the unified ideographs, extension
#: A and the compatibility ideographs (which NFKC maps to unified ones when folding).
_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # escapes: re and JSON Schema read them
#: One Chinese character, as a regular expression (JSON Schema's ``pattern`` too).
CHINESE_CHARACTER = f"[{_CJK}]"
# patterns compiled on first use (_compiled): a class of every Chinese character costs
# milliseconds to compile, which an import should not pay
_SINGLE = f"^[{_CJK}]$"
# a space between two characters of which one is Chinese: Chinese is written without spaces
_CJK_SPACE = f"(?<=[{_CJK}]) | (?=[{_CJK}])"
_WHITESPACE = re.compile(r"\s+")
#: at most this many spellings of one code are enumerated (see code_forms)
_MAX_FORMS = 256


def _table_text() -> str:
    return package_data().joinpath("hanzi.toml").read_text("utf-8")


def _validated(data: dict[str, object]) -> dict[str, str]:
    """Simplified character -> its traditional forms, checked; DefinitionError otherwise."""
    table = data.get("simplified")
    if not isinstance(table, dict) or not table:
        raise DefinitionError("hanzi.toml: expected a [simplified] table of characters")
    seen: dict[str, str] = {}
    for simple, forms in table.items():
        where = f"hanzi.toml, {simple!r}"
        if not _compiled(_SINGLE).match(simple):
            raise DefinitionError(f"{where}: a key is one Chinese character")
        single = _compiled(_SINGLE)
        if not isinstance(forms, str) or not forms or not all(single.match(f) for f in forms):
            raise DefinitionError(f"{where}: the value is a string of Chinese characters")
        for form in forms:
            if form == simple:
                raise DefinitionError(f"{where}: lists itself as its traditional form")
            if form in table:
                raise DefinitionError(f"{where}: {form!r} is itself a simplified key (a chain)")
            if form in seen:
                raise DefinitionError(f"{where}: {form!r} is also listed under {seen[form]!r}")
            seen[form] = simple
    return {simple: str(forms) for simple, forms in table.items()}


@cache
def _tables() -> tuple[dict[int, str], dict[str, str]]:
    """The translation table (traditional -> simplified) and its inverse, loaded once."""
    import tomllib  # here: ASCII text never needs the table, nor a TOML parser

    try:
        data = tomllib.loads(_table_text())
    except tomllib.TOMLDecodeError as error:
        raise DefinitionError(f"hanzi.toml: not valid TOML ({error})") from None
    forms = _validated(data)
    translate = {ord(form): simple for simple, chars in forms.items() for form in chars}
    return translate, forms


def to_simplified(text: str) -> str:
    """``text`` with traditional and variant characters replaced by simplified ones.

    Examples
    --------
    >>> to_simplified("孕產婦死亡率")
    '孕产妇死亡率'
    """
    return text.translate(_tables()[0])


def traditional_forms(character: str) -> str:
    """The traditional forms the table folds to ``character`` (empty when there are none).

    Examples
    --------
    >>> traditional_forms("产")
    '產産'
    """
    return _tables()[1].get(character, "")


def fold(
    text: str,
    *,
    spaces: Spaces = "collapse",
    drop: str = "",
    marks: bool = False,
    invisible: bool = True,
) -> str:
    """The form in which two spellings of ``text`` compare equal.

    Parameters
    ----------
    text : str
        Any text.
    spaces : {"collapse", "strip", "remove"}, default "collapse"
        ``collapse``: runs of spaces become one and spaces next to a Chinese character
        go (``"5岁以下 儿童"`` is ``"5岁以下儿童"``); ``strip``: only surrounding spaces
        go; ``remove``: every space goes.
    drop : str, optional
        Characters read as spaces (separators such as ``_`` or ``-``).
    marks : bool, default False
        Read quotation marks and brackets (:data:`MARKS`) as spaces too.
    invisible : bool, default True
        Drop the invisible format characters (:data:`INVISIBLE`). A register's codes
        keep them (:func:`fold_code`): engines compare codes without this table, and
        every engine must read a code alike.

    Examples
    --------
    >>> fold(" 活產數 ")
    '活产数'
    >>> fold("“两癌”检查覆盖率", marks=True)
    '两癌检查覆盖率'
    >>> fold("ＬＩＶＥ  Births")
    'live births'
    >>> fold("Live_Births", spaces="remove", drop="_")
    'livebirths'
    """
    dropped = drop + MARKS if marks else drop
    removing = spaces == "remove"
    if text.isascii():  # the common case, fast: no width, script or composition to fold
        folded = text.lower()
        if dropped and not removing:
            folded = folded.translate(_spaces_for(dropped))
    else:
        # NFKC, case fold, NFKC again (Unicode's NFKC_Casefold: folding twice changes
        # nothing), then traditional characters (and the dropped ones) in one pass
        folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
        folded = folded.translate(_translation("" if removing else dropped, invisible))
    if removing:
        folded = _remover(dropped).sub("", folded)
    elif spaces == "strip":
        folded = folded.strip()
    else:
        folded = _WHITESPACE.sub(" ", folded).strip()
        if not folded.isascii():  # only a Chinese character has spaces to lose
            folded = _compiled(_CJK_SPACE).sub("", folded)
    # a removed space may leave a letter beside a combining mark: compose them
    return folded if folded.isascii() else unicodedata.normalize("NFC", folded)


def has_chinese(text: str) -> bool:
    """Whether ``text`` holds a Chinese character (:data:`CHINESE_CHARACTER`).

    Examples
    --------
    >>> has_chinese("孕产妇死亡率"), has_chinese("MMR 7.42/10万"), has_chinese("MMR")
    (True, True, False)
    """
    return _compiled(CHINESE_CHARACTER).search(text) is not None


@cache
def _compiled(pattern: str) -> re.Pattern[str]:
    """``pattern`` compiled, once (for this module's own patterns)."""
    return re.compile(pattern)


@lru_cache(maxsize=16)
def _spaces_for(characters: str) -> dict[int, str]:
    return dict.fromkeys(map(ord, characters), " ")


@lru_cache(maxsize=16)
def _remover(dropped: str) -> re.Pattern[str]:
    """Spaces and the ``dropped`` characters, in runs: what ``spaces="remove"`` deletes."""
    return re.compile(f"[\\s{re.escape(dropped)}]+")


@lru_cache(maxsize=16)
def _translation(dropped: str, invisible: bool = True) -> dict[int, str | None]:
    """Traditional -> simplified, ``dropped`` -> space, invisible characters gone: one table."""
    gone: dict[int, str | None] = dict.fromkeys(map(ord, INVISIBLE)) if invisible else {}
    return {**_tables()[0], **_spaces_for(dropped), **gone}


def fold_key(text: str) -> str:
    """A catalog look-up key: case, width, script, quotes, brackets and separators folded.

    Examples
    --------
    >>> fold_key(" Infant-Mortality_rate ")
    'infant mortality rate'
    >>> fold_key('"两癌"检查覆盖率') == fold_key("两癌检查覆盖率")
    True
    >>> fold_key("0-6岁儿童") == fold_key("0～6岁儿童")
    True
    """
    return fold(text, spaces="collapse", drop="_" + DASHES, marks=True)


def fold_code(code: object) -> str:
    """A register's code as compared: case, width and script folded, surrounding spaces gone.

    Invisible characters (:data:`INVISIBLE`) stay: engines compare a register's codes
    against :func:`code_forms` inside themselves, without this package's tables, and every
    engine must read a code alike (a code with a zero-width space is an unknown code).

    Examples
    --------
    >>> sorted({fold_code(c) for c in ("Live", "LIVE", " 活产 ", "活產")})
    ['live', '活产']
    """
    return fold(str(code), spaces="strip", invisible=False)


def _wide(character: str) -> str:
    """The full-width form of a printable ASCII character or a space; others as they are."""
    if character == " ":
        return "\u3000"
    if "!" <= character <= "~":
        return chr(ord(character) + 0xFEE0)
    return character


def _alternatives(character: str) -> str:
    """The spellings of one folded character: itself, its traditional and full-width forms.

    A sigma is also written final (``ς``), as Python and polars lower-case a word's last
    ``Σ`` (pyarrow and DuckDB write ``σ``); case folding reads both as ``σ``.
    """
    wide = _wide(character)
    final = "ς" if character == "σ" else ""
    return character + traditional_forms(character) + (wide if wide != character else "") + final


@lru_cache(maxsize=4096)
def code_forms(code: str | int | float) -> frozenset[str]:
    """Every spelling of ``code`` that an engine sees after lower-casing and stripping spaces.

    A register's text column is compared inside its engine (pandas, polars, DuckDB,
    Spark), where NFKC and the character table are not available: the engine only
    lower-cases and strips (:data:`ENGINE_SPACES`), and the column is tested for
    membership in these forms. They are the combinations of each character's
    simplified, traditional and full-width spellings; a code with more than 256 of
    them (a long phrase) is given its simplified and traditional spellings, each in
    half and full width. Whatever spelling is listed folds back to ``fold_code(code)``.

    Examples
    --------
    >>> sorted(code_forms("活产"))
    ['活产', '活產', '活産']
    >>> "ｌｉｖｅ" in code_forms(" Live ")
    True
    """
    folded = fold_code(code)
    choices = [_alternatives(character) for character in folded]
    if prod(len(choice) for choice in choices) <= _MAX_FORMS:
        return frozenset("".join(chars) for chars in product(*choices))
    scripts = (folded, "".join((traditional_forms(c) or c)[0] for c in folded))
    return frozenset(form for text in scripts for form in (text, "".join(map(_wide, text))))
