"""Decoding a text table: UTF-8 (with or without a byte-order mark), UTF-16, GB18030/GBK.

Chinese Excel saves "CSV" in the system code page (GBK, of which GB18030 is a
superset), and "Unicode text" as UTF-16 with tabs; information systems export
either. A file is decoded by its byte-order mark when it has one, else as UTF-8,
else as GB18030. Text that is valid in both is decoded as UTF-8: GB18030 decodes
almost any bytes, so the order matters, and UTF-8 text is very unlikely to be
valid GB18030 text by accident in the other direction. ``encoding=`` overrides.
"""

from __future__ import annotations

import codecs
import re

from mch_indicators._errors import (
    ENCODING_LATIN,
    ENCODING_OTHER,
    ENCODING_UTF16,
    InvalidInputError,
)
from mch_indicators._labels import error_of

__all__ = ["WIDE_BYTE", "decode", "refuse_latin"]

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_GUESSES = ("utf-8", "gb18030")


def _line_of(raw: bytes, position: int) -> int:
    r"""The line of byte ``position``, line ends counted as the reader counts them.

    CR LF, a lone CR (Excel's "CSV (Macintosh)") and LF each end a line; neither byte is
    ever part of a character in UTF-8 or GB18030.

    Examples
    --------
    >>> _line_of(b"a\r\nb\rc\nd", 7), _line_of(b"a\rb\rc", 4)
    (4, 3)
    """
    ends = raw.count(b"\n", 0, position) + raw.count(b"\r", 0, position)
    return ends - raw.count(b"\r\n", 0, position) + 1


def _line_bytes(raw: bytes, position: int) -> bytes:
    """The bytes of the line holding byte ``position``, without its line end."""
    start = max(raw.rfind(b"\n", 0, position), raw.rfind(b"\r", 0, position)) + 1
    ends = [e for e in (raw.find(b"\n", position), raw.find(b"\r", position)) if e >= 0]
    return raw[start : min(ends, default=len(raw))]


#: Characters of Chinese text: CJK ideographs, CJK punctuation, full-width forms.
_CHINESE = re.compile("[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")


def _refuse_mixed(raw: bytes, name: str, error: UnicodeDecodeError) -> None:
    """Refuse a UTF-8 file with a line of another encoding (a GBK row pasted in).

    The lines before the first byte UTF-8 cannot read must decode as UTF-8 and hold
    Chinese text (four characters or more, every character outside ASCII Chinese, which
    GBK bytes read as UTF-8 by chance are not), and the line must read as GB18030; else
    nothing is said here (the file is judged whole).
    """
    start = max(raw.rfind(b"\n", 0, error.start), raw.rfind(b"\r", 0, error.start)) + 1
    try:
        before = raw[:start].decode("utf-8")
    except UnicodeDecodeError:  # pragma: no cover - the first failure is after start
        return
    wide = _WIDE_CHARACTER.findall(before[:_SAMPLE_CHARACTERS])
    if len(wide) < 4 or not all(_CHINESE.fullmatch(c) for c in wide):
        return
    line = _line_bytes(raw, error.start)
    try:
        line.decode("gb18030")
    except UnicodeDecodeError:  # neither: said as a file that is neither
        return
    raise error_of(
        InvalidInputError, "read_mixed_encodings", name=name, line=_line_of(raw, error.start),
        bytes=raw[error.start : error.start + 4].hex(" "),
        gb18030=line[:60].decode("gb18030", "replace"),
    )  # fmt: skip


def _failure(
    raw: bytes, name: str, encoding: str, error: UnicodeDecodeError, *, asked: bool = False
) -> InvalidInputError:
    """The refusal of bytes that ``encoding`` cannot decode, naming the line and the bytes."""
    bad = raw[error.start : error.start + 4].hex(" ")
    return error_of(
        InvalidInputError, "read_not_codec_asked" if asked else "read_not_codec", name=name,
        line=_line_of(raw, error.start), codec=encoding, bytes=bad,
    )  # fmt: skip


def _rare(character: str) -> bool:
    """Whether a character decoded from GB18030 lies outside GB2312 (common Chinese text).

    GB2312 characters are two bytes each from 0xA1 up; Latin-1 text read as
    GB18030 pairs an accented letter with the ASCII byte after it (``é`` + ``t``),
    which lands outside it, or in the four-byte range.
    """
    encoded = character.encode("gb18030")
    return len(encoded) != 2 or encoded[0] < 0xA1 or encoded[1] < 0xA1


#: Characters judged, from the first one outside ASCII on.
_SAMPLE_CHARACTERS = 200_000
#: A byte outside ASCII.
WIDE_BYTE = re.compile(rb"[\x80-\xff]")
#: A character outside ASCII.
_WIDE_CHARACTER = re.compile(r"[^\x00-\x7f]")


def refuse_latin(raw: bytes, name: str, first_line: int = 1, text: str | None = None) -> None:
    r"""Refuse GB18030 bytes that read as Latin-1 / Windows-1252 text.

    A text table in GBK is almost all GB2312 characters; one in Latin-1 decoded as
    GB18030 is almost all rare ones. The judgement is made on the characters from the
    first one outside ASCII on, wherever in the file it stands: when rare characters
    outnumber common ones the file is not decoded silently, and the error shows the
    first rare line both ways. ``raw`` starts at a line start, numbered ``first_line``
    in the file (the streaming reader passes the part of a file it judges); ``text``
    is ``raw`` already decoded as GB18030, when the caller has it (then nothing is
    decoded again: only the line an error shows is read from ``raw``).

    Examples
    --------
    >>> refuse_latin("县区,活产数\n".encode("gbk"), "counts.csv")
    >>> refuse_latin(b"area\nMont\xe9limar,3\n", "counts.csv")
    Traceback (most recent call last):
    ...
    mch_indicators.InvalidInputError: counts.csv:2: not UTF-8, ...
    """
    if b"\r" in raw:  # lines as the reader counts them (CR LF, a lone CR)
        raw = raw.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        text = None if text is None else text.replace("\r\n", "\n").replace("\r", "\n")
    if text is None:
        found = WIDE_BYTE.search(raw)
        if found is None:
            return
        start = raw.rfind(b"\n", 0, found.start()) + 1
        before = raw.count(b"\n", 0, start)
        part = raw[start : start + 4 * _SAMPLE_CHARACTERS]
        sample = part.decode("gb18030", "ignore")[:_SAMPLE_CHARACTERS]
    else:
        wide = _WIDE_CHARACTER.search(text)
        if wide is None:
            return
        start = text.rfind("\n", 0, wide.start()) + 1
        before = text.count("\n", 0, start)
        sample = text[start : start + _SAMPLE_CHARACTERS]
    wide_characters = {c for c in sample if ord(c) > 0x7F}
    rare = sum(map(_rare, wide_characters))
    if rare * 2 <= len(wide_characters):
        return
    position = next(i for i, c in enumerate(sample) if ord(c) > 0x7F and _rare(c))
    offset = sample.count("\n", 0, position)
    # a line feed is one byte in GB18030 and never inside a character: lines match
    raw_line = raw.split(b"\n", before + offset + 1)[before + offset][:60].rstrip(b"\r")
    raise error_of(
        InvalidInputError,
        "latin_or_gb18030",
        hint=ENCODING_LATIN,
        name=name,
        line=first_line + before + offset,
        gb18030=raw_line.decode("gb18030", "replace"),
        latin=raw_line.decode("cp1252", "replace"),
    )


def decode(raw: bytes | str, name: str, encoding: str | None = None) -> tuple[str, str]:
    r"""The text of a file and the encoding it was read in.

    Raises
    ------
    InvalidInputError
        Naming the encoding(s) tried and the line of the first bad byte, or an
        unknown ``encoding``.

    Examples
    --------
    >>> decode("县区,活产数\n".encode("gbk"), "counts.csv")
    ('县区,活产数\n', 'gb18030')
    >>> decode(b"\xef\xbb\xbfa,b\n", "counts.csv")
    ('a,b\n', 'utf-8-sig')
    """
    if isinstance(raw, str):
        return raw.removeprefix("\ufeff"), "text"
    if encoding is not None:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise error_of(InvalidInputError, "read_unknown_encoding", encoding=encoding) from None
        try:
            return raw.decode(encoding).removeprefix("\ufeff"), encoding
        except UnicodeDecodeError as error:
            raise _failure(raw, name, encoding, error, asked=True) from None
    for mark, codec in _BOMS:
        if raw.startswith(mark):
            try:
                return raw.decode(codec).removeprefix("\ufeff"), codec
            except UnicodeDecodeError as error:
                raise _failure(raw, name, codec, error) from None
    if b"\x00" in raw[:4096]:
        raise error_of(InvalidInputError, "binary_data", hint=ENCODING_UTF16, name=name)
    first_bad: int | None = None
    for codec in _GUESSES:
        try:
            text = raw.decode(codec)
        except UnicodeDecodeError as failure:
            if first_bad is None:
                _refuse_mixed(raw, name, failure)
            first_bad = failure.start if first_bad is None else first_bad
            continue
        if codec == "gb18030":
            refuse_latin(raw, name, text=text)
        return text, codec
    line = _line_of(raw, first_bad or 0)
    if all(byte >= 0xA0 for byte in raw if byte > 0x7F):
        shown = _line_bytes(raw, first_bad or 0)[:60].decode("cp1252", "replace")
        raise error_of(
            InvalidInputError, "not_utf8_latin", hint=ENCODING_LATIN, name=name, line=line,
            latin=shown,
        )  # fmt: skip
    raise error_of(
        InvalidInputError, "not_utf8_nor_gb18030", hint=ENCODING_OTHER, name=name, line=line
    ) from None
