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
from collections.abc import Iterator
from typing import BinaryIO

from mch_indicators._errors import (
    ENCODING_LATIN,
    ENCODING_OTHER,
    ENCODING_UTF16,
    InvalidInputError,
)
from mch_indicators._labels import error_of

__all__ = [
    "WIDE_BYTE",
    "count_line_ends",
    "decode",
    "line_blocks",
    "refuse_latin",
    "refuse_mixed_in",
]

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_GUESSES = ("utf-8", "gb18030")


def count_line_ends(raw: bytes, start: int = 0, end: int | None = None) -> int:
    r"""The line ends in ``raw[start:end]``, counted as the reader counts them: the one counter.

    CR LF, a lone CR (Excel's "CSV (Macintosh)") and LF each end a line; neither byte is
    ever part of a character in UTF-8 or GB18030. Every count of lines in bytes (the
    whole-file reader's, the streamed one's, :func:`refuse_latin`'s) is this one.

    Examples
    --------
    >>> count_line_ends(b"a\r\nb\rc\nd"), count_line_ends(b"a\rb\rc", 0, 4)
    (3, 2)
    """
    end = len(raw) if end is None else end
    ends = raw.count(b"\n", start, end) + raw.count(b"\r", start, end)
    return ends - raw.count(b"\r\n", start, end)


def _line_of(raw: bytes, position: int) -> int:
    r"""The line of byte ``position`` (:func:`count_line_ends` before it, plus one).

    Examples
    --------
    >>> _line_of(b"a\r\nb\rc\nd", 7), _line_of(b"a\rb\rc", 4)
    (4, 3)
    """
    return count_line_ends(raw, 0, position) + 1


def line_start(raw: bytes, position: int) -> int:
    """Where the line holding byte ``position`` starts."""
    return max(raw.rfind(b"\n", 0, position), raw.rfind(b"\r", 0, position)) + 1


def _sig_mark(raw: bytes, codec: str) -> int:
    """The length of the mark ``utf-8-sig`` takes off before counting its positions, else 0."""
    sig = codecs.lookup(codec).name == "utf-8-sig" and raw.startswith(codecs.BOM_UTF8)
    return len(codecs.BOM_UTF8) if sig else 0


def _line_bytes(raw: bytes, position: int) -> bytes:
    """The bytes of the line holding byte ``position``, without its line end."""
    ends = [e for e in (raw.find(b"\n", position), raw.find(b"\r", position)) if e >= 0]
    return raw[line_start(raw, position) : min(ends, default=len(raw))]


#: Bytes read at a time by :func:`line_blocks`.
_BLOCK_BYTES = 1 << 20


def line_blocks(file: BinaryIO, size: int | None = None) -> Iterator[tuple[int, bytes]]:
    r"""``file``'s bytes in blocks of whole lines, each with the number of its first line.

    A block ends after a line end, never between the CR and the LF of a CR LF, so the
    lines of a block are counted alone (:func:`count_line_ends`) and a block decodes alone
    (a line end is never inside a character). A block holds about ``size`` bytes, or
    one line longer than that (default :data:`_BLOCK_BYTES`): memory is bounded by a
    block and the longest line.

    Examples
    --------
    >>> import io
    >>> list(line_blocks(io.BytesIO(b"a\r\nb\rc\nd"), size=2))
    [(1, b'a\r\n'), (2, b'b\r'), (3, b'c\n'), (4, b'd')]
    """
    line, buffer, size = 1, bytearray(), size or _BLOCK_BYTES
    for data in iter(lambda: file.read(size), b""):
        searched = max(len(buffer) - 1, 0)  # the carried bytes hold no line end but a last CR
        buffer += data
        limit = len(buffer) - 1 if buffer.endswith(b"\r") else len(buffer)  # its LF may follow
        cut = max(buffer.rfind(b"\n", searched, limit), buffer.rfind(b"\r", searched, limit)) + 1
        if cut:
            block = bytes(buffer[:cut])
            del buffer[:cut]
            yield line, block
            line += count_line_ends(block)
    if buffer:
        yield line, bytes(buffer)


#: Characters of Chinese text: CJK ideographs, CJK punctuation, full-width forms.
_CHINESE = re.compile("[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")


#: A letter of European text (Latin-1 Supplement to Latin Extended-B, not ``×`` or ``÷``)
#: beside an ASCII letter, as in ``São``: what UTF-8 text in a Latin alphabet holds.
_LATIN_IN_WORD = re.compile(
    "(?<=[A-Za-z])[\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f]"
    "|[\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f](?=[A-Za-z])"
)


def _refuse_mixed(raw: bytes, name: str, error: UnicodeDecodeError) -> None:
    """Refuse a UTF-8 file with a line of another encoding (:func:`_refuse_mixed_line`)."""
    start = line_start(raw, error.start)
    try:
        before = raw[:start].decode("utf-8")
    except UnicodeDecodeError:  # pragma: no cover - the first failure is after start
        return
    _refuse_mixed_line(
        before[:_SAMPLE_CHARACTERS], _line_bytes(raw, error.start),
        raw[error.start : error.start + 4], _line_of(raw, error.start), name,
    )  # fmt: skip


def refuse_mixed_in(file: BinaryIO, name: str) -> None:
    """The refusal of :func:`decode` for a UTF-8 file with a line of another encoding, streamed.

    ``file`` (binary, at its start) is read a block of lines at a time
    (:func:`line_blocks`) up to the first byte UTF-8 cannot read; the text above it is
    judged as the whole-file reader judges it (its first characters), so both readers
    refuse the same files, naming the same line, in bounded memory.
    """
    sample = ""
    for first_line, block in line_blocks(file):
        try:
            text = block.decode("utf-8")
        except UnicodeDecodeError as error:
            above = sample + block[: line_start(block, error.start)].decode("utf-8")
            _refuse_mixed_line(
                above[:_SAMPLE_CHARACTERS], _line_bytes(block, error.start),
                block[error.start : error.start + 4],
                first_line + count_line_ends(block, 0, error.start), name,
            )  # fmt: skip
            return
        if len(sample) < _SAMPLE_CHARACTERS:
            sample += text[: _SAMPLE_CHARACTERS - len(sample)]


def _refuse_mixed_line(before: str, line: bytes, bad: bytes, number: int, name: str) -> None:
    """Refuse a UTF-8 file with a line of another encoding (a GBK or Windows-1252 row pasted in).

    ``before`` is the UTF-8 text above the line (its first characters), ``line`` the
    line's bytes, ``bad`` its first bytes UTF-8 cannot read, ``number`` its line. The
    text above must hold four characters or more outside ASCII, each Chinese or a
    letter of a Latin alphabet beside an ASCII letter (``São``), which GBK bytes read as
    UTF-8 by chance are not. Where the text above is all Chinese, or the line reads as
    GBK text (common characters, as :func:`refuse_latin` judges), the line must read as
    GB18030 and is shown so; else it is shown as Windows-1252 (as GB18030 where it is not
    Windows-1252). Otherwise nothing is said here (the file is judged whole).
    """
    wide = _WIDE_CHARACTER.findall(before)
    chinese = sum(1 for c in wide if _CHINESE.fullmatch(c))
    latin = len(_LATIN_IN_WORD.findall(before))
    if len(wide) < 4 or chinese + latin != len(wide):
        return
    gbk = chinese == len(wide) or _reads_as_gbk(line)
    for codec in ("gb18030",) if gbk else ("cp1252", "gb18030"):
        try:
            line.decode(codec)
        except UnicodeDecodeError:
            continue
        shown = line[:60].decode(codec, "replace")
        if codec == "gb18030":
            raise error_of(
                InvalidInputError, "read_mixed_encodings", name=name, line=number,
                bytes=bad.hex(" "), gb18030=shown,
            )  # fmt: skip
        raise error_of(
            InvalidInputError, "read_mixed_latin", name=name, line=number, bytes=bad.hex(" "),
            latin=shown,
        )  # fmt: skip


def _reads_as_gbk(line: bytes) -> bool:
    """Whether ``line`` reads as GB18030 text of common characters (not Latin-1 read so)."""
    try:
        wide = set(_WIDE_CHARACTER.findall(line.decode("gb18030")))
    except UnicodeDecodeError:
        return False
    return bool(wide) and sum(map(_rare, wide)) * 2 <= len(wide)


def _failure(
    raw: bytes, name: str, encoding: str, error: UnicodeDecodeError, *, asked: bool = False
) -> InvalidInputError:
    """The refusal of bytes that ``encoding`` cannot decode, naming the line and the bytes."""
    bad = raw[error.start : error.start + 4]
    return _failure_at(name, encoding, _line_of(raw, error.start), bad, asked=asked)


def _failure_at(
    name: str, encoding: str, line: int, bad: bytes, *, asked: bool
) -> InvalidInputError:
    return error_of(
        InvalidInputError, "read_not_codec_asked" if asked else "read_not_codec", name=name,
        line=line, codec=encoding, bytes=bad.hex(" "),
    )  # fmt: skip


def _neither(name: str, line: int, line_bytes: bytes, latin: bool) -> InvalidInputError:
    """The refusal of text that is neither UTF-8 nor GB18030, at its first non-UTF-8 line."""
    if latin:  # every byte outside ASCII is a Latin-1 letter or sign: show the line so
        return error_of(
            InvalidInputError, "not_utf8_latin", hint=ENCODING_LATIN, name=name, line=line,
            latin=line_bytes[:60].decode("cp1252", "replace"),
        )  # fmt: skip
    return error_of(
        InvalidInputError, "not_utf8_nor_gb18030", hint=ENCODING_OTHER, name=name, line=line
    )


def _first_failure(file: BinaryIO, codec: str) -> tuple[int, bytes, bytes] | None:
    """The first bytes ``codec`` cannot decode: their line's number, the line, the bytes."""
    for first_line, block in line_blocks(file):
        try:
            block.decode(codec)
        except UnicodeDecodeError as error:
            line = first_line + count_line_ends(block, 0, error.start)
            return line, _line_bytes(block, error.start), block[error.start : error.start + 4]
    return None


#: A byte outside ASCII that is no Latin-1 letter or sign (C1 controls, Windows-1252's extras).
_NOT_LATIN_BYTE = re.compile(rb"[\x80-\x9f]")


def refuse_in(file: BinaryIO, name: str, codec: str, encoding: str | None) -> None:
    """Refuse, as :func:`decode` refuses a whole file, a file read a block of lines at a time.

    ``codec`` is what the file's first lines decode as (``encoding``, when one is given),
    and further down the file does not decode as it (nor, chosen by guess, as UTF-8 or
    GB18030): the error names the same line as the whole-file reader's, in bounded
    memory. Nothing is said of an encoding whose line ends are not single ASCII bytes
    (UTF-16 given as ``encoding``): the caller reads such a file whole.
    """
    try:
        ascii_ends = b"\r\n".decode(codec) == "\r\n"
    except (UnicodeDecodeError, LookupError):
        ascii_ends = False
    if not ascii_ends:
        return
    if encoding is not None or codec not in _GUESSES:  # asked for, or a byte-order mark
        # (UTF-8's mark is a character UTF-8 reads: positions then count from the file's start)
        found = _first_failure(file, "utf-8" if codec == "utf-8-sig" else codec)
        if found is not None:
            raise _failure_at(name, codec, found[0], found[2], asked=encoding is not None)
        return
    found = _first_failure(file, "utf-8")
    if found is None:  # pragma: no cover - called on a file that is not UTF-8
        return
    file.seek(0)
    latin = not any(_NOT_LATIN_BYTE.search(block) for _, block in line_blocks(file))
    raise _neither(name, found[0], found[1], latin)


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
            error.start += _sig_mark(raw, encoding)
            raise _failure(raw, name, encoding, error, asked=True) from None
    for mark, codec in _BOMS:
        if raw.startswith(mark):
            try:
                return raw.decode(codec).removeprefix("\ufeff"), codec
            except UnicodeDecodeError as error:
                error.start += _sig_mark(raw, codec)
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
    latin = _NOT_LATIN_BYTE.search(raw) is None
    line_bytes = _line_bytes(raw, first_bad or 0)
    raise _neither(name, _line_of(raw, first_bad or 0), line_bytes, latin) from None
