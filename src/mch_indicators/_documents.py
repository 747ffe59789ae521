"""Reading a user's TOML or JSON document (definitions, record rules, DHIS2 exports), bounded.

One reader for every document a user hands the library, so that each ends in
a typed error naming the file, never in the parser's own exception:

- text that is not UTF-8 (a byte-order mark is allowed), with the encoding
  to save it in;
- syntax errors, with the parser's line and column;
- nesting deeper than :data:`MAX_DEPTH` arrays or tables: refused after
  parsing, before any reader walks the document recursively (and the parser's
  own ``RecursionError`` on a document thousands deep becomes the same error);
- integers longer than Python converts (4,300 digits), which the parsers
  raise as a bare ``ValueError``;
- what JSON's parser takes but TOML refuses: a key given twice in one object
  (Python keeps the last one without a word: ``"value": "2", "value": "2000"``)
  and ``NaN``/``Infinity``, which are not JSON.

The caller chooses the error class: :class:`~mch_indicators.DefinitionError`
for definitions and rules, :class:`~mch_indicators.InvalidInputError` for data.
Every refusal is said in English and Chinese (``[messages]`` of the label table,
through :func:`~mch_indicators._errors.error_of`); the parser's own account of a
syntax error stays as it wrote it, inside the frame.
"""

from __future__ import annotations

import json
import math
import re
import sys
from collections.abc import Mapping
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from mch_indicators._errors import MCHIndicatorsError, Words, error_of, os_reason, words

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

__all__ = [
    "MAX_DEPTH",
    "check_depth",
    "decode_text",
    "document_of_bytes",
    "parse_document",
    "read_document",
    "read_text",
]

Format = Literal["json", "toml"]

#: Arrays and tables may nest this deep. The deepest built-in document (a record
#: rule's conditions) nests about ten; a generated or hostile one thousands.
MAX_DEPTH = 64


def check_depth(data: object, where: str, error: type[MCHIndicatorsError]) -> None:
    """Raise ``error`` if ``data`` nests lists and mappings deeper than :data:`MAX_DEPTH`.

    The walk uses a stack of its own, not recursion, so any depth is measured.

    Examples
    --------
    >>> from mch_indicators import DefinitionError
    >>> check_depth({"a": [[1]]}, "x.toml", DefinitionError)
    >>> check_depth([[]] * 2, "x.toml", DefinitionError)
    """
    stack: list[tuple[object, int]] = [(data, 0)]
    while stack:
        item, depth = stack.pop()
        children = (
            item.values()
            if isinstance(item, Mapping)
            else item
            if isinstance(item, list | tuple)
            else ()
        )
        for child in children:
            if isinstance(child, Mapping | list | tuple):
                if depth + 1 >= MAX_DEPTH:
                    raise error_of(error, "document_nested", where=where, depth=MAX_DEPTH)
                stack.append((child, depth + 1))


class _NotJsonError(ValueError):
    """JSON that Python's parser takes but a TOML file could not hold: said as a syntax error.

    ``said`` is why, in both languages.
    """

    def __init__(self, said: Words) -> None:
        super().__init__(said.en)
        self.said = said


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """An object, refusing a key given twice (the parser would keep the last one silently)."""
    out = dict(pairs)
    if len(out) < len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _NotJsonError(words("document_key_twice", key=key))
            seen.add(key)
    return out


def _constant(name: str) -> Any:
    raise _NotJsonError(words("document_not_json", name=name))


def _float(literal: str) -> float:
    """A number with a fraction or exponent, refusing one no float can hold.

    ``1e400`` would read as infinity and ``1e-400`` as 0: neither is the number written.
    TOML's own ``inf`` and ``nan`` are read as written.
    """
    value = float(literal)
    if literal.lstrip("+-") in {"inf", "nan"}:
        return value
    mantissa = literal.lower().partition("e")[0]
    if math.isinf(value) or (value == 0 and any(d in mantissa for d in "123456789")):
        raise _NotJsonError(words("document_float_range", literal=literal[:40]))
    return value


def _parse(text: str, kind: Format) -> Any:
    if kind == "json":
        return json.loads(
            text, object_pairs_hook=_pairs, parse_constant=_constant, parse_float=_float
        )
    import tomllib  # here: a first lookup reads the catalog from JSON and needs no TOML parser

    return tomllib.loads(text, parse_float=_float)


def parse_document(text: str, kind: Format, where: str, error: type[MCHIndicatorsError]) -> Any:
    """The document in ``text`` (TOML or JSON), or ``error`` naming ``where`` and why.

    Examples
    --------
    >>> from mch_indicators import DefinitionError
    >>> parse_document('x = 1', "toml", "mine.toml", DefinitionError)
    {'x': 1}
    >>> try:
    ...     parse_document('x = ' + '9' * 5000, "toml", "mine.toml", DefinitionError)
    ... except DefinitionError as caught:
    ...     print(caught)
    mine.toml: not valid TOML (a number longer than 4300 digits)
    """
    try:
        data = _parse(text, kind)
    except RecursionError:
        reason = words("document_too_deep")
    except _NotJsonError as caught:
        reason = caught.said
    except ValueError as caught:  # syntax (TOMLDecodeError, JSONDecodeError) or digits
        reason = _syntax(str(caught))
    else:
        check_depth(data, where, error)
        return data
    raise error_of(error, "document_invalid", where=where, kind=kind.upper(), reason=reason)


def _syntax(parser: str) -> Words:
    """Why a parser refused a document: its own words in English, its place in Chinese.

    >>> _syntax("Invalid value (at line 3, column 5)").zh
    '第3行第5列有语法错误'
    >>> _syntax("Expecting value: line 1 column 7 (char 6)").zh
    '第1行第7列有语法错误'
    """
    if "integer string conversion" in parser:
        return words("document_long_number", limit=sys.get_int_max_str_digits())
    found = re.search(r"line (\d+),? column (\d+)", parser)
    said = (
        words("document_syntax")
        if found is None
        else words("document_syntax_at", line=found[1], place=found[2])
    )
    return Words(parser, said.zh)  # the parser's own English is the more precise


def read_text(
    path: str | PathLike[str] | Traversable,
    error: type[MCHIndicatorsError],
    *,
    advice: str = "save_as_utf8",
) -> str:
    """The text of the file ``path``: UTF-8, with or without a byte-order mark.

    Anything else is ``error`` naming the file and the first byte that is not
    UTF-8, then ``advice`` (the key of a message of the label table).
    """
    source = Path(path) if isinstance(path, str | PathLike) else path
    try:
        raw = source.read_bytes()
    except OSError as caught:
        reason = os_reason(caught)
        raise error_of(error, "document_unreadable", path=str(source), reason=reason) from None
    return decode_text(raw, source.name, error, advice=advice)


def decode_text(
    raw: bytes, name: str, error: type[MCHIndicatorsError], *, advice: str = "save_as_utf8"
) -> str:
    r"""The text of a file's bytes ``raw``: UTF-8, with or without a byte-order mark.

    Anything else is ``error`` naming the file (``name``) and the first byte that
    is not UTF-8, then ``advice`` (the key of a message of the label table), in
    English and Chinese.

    Examples
    --------
    >>> from mch_indicators import DefinitionError
    >>> decode_text(b"\xef\xbb\xbfx = 1", "mine.toml", DefinitionError)
    'x = 1'
    >>> try:
    ...     decode_text(b"x = '\xe9'", "mine.toml", DefinitionError)
    ... except DefinitionError as caught:
    ...     print(caught.reason_zh)
    mine.toml：不是 UTF-8 文本（第 5 个字节无法读取）；请将文件另存为 UTF-8 编码
    """
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as caught:
        raise error_of(
            error, "document_not_utf8", name=name, byte=caught.start, advice=words(advice)
        ) from None


def read_document(
    path: str | PathLike[str] | Traversable,
    error: type[MCHIndicatorsError],
    *,
    kind: Format | None = None,
) -> Any:
    """The TOML or JSON document in the file ``path`` (by its suffix unless ``kind``).

    Read with :func:`read_text` and :func:`parse_document`. ``path`` may be a
    packaged resource (a ``Traversable``).
    """
    name = Path(path).name if isinstance(path, str | PathLike) else path.name
    return _document(read_text(path, error), name, error, kind)


def document_of_bytes(
    raw: bytes, name: str, error: type[MCHIndicatorsError], *, kind: Format | None = None
) -> Any:
    """:func:`read_document` of a file already read: its bytes ``raw`` and its ``name``."""
    return _document(decode_text(raw, name, error), name, error, kind)


def _document(text: str, name: str, error: type[MCHIndicatorsError], kind: Format | None) -> Any:
    chosen: Format = kind or ("json" if name.lower().endswith(".json") else "toml")
    return parse_document(text, chosen, name, error)
