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

from mch_indicators._errors import InvalidInputError

__all__ = ["decode"]

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_GUESSES = ("utf-8", "gb18030")


def _line_of(raw: bytes, position: int) -> int:
    return raw.count(b"\n", 0, position) + 1


def _failure(raw: bytes, name: str, encoding: str, error: UnicodeDecodeError) -> str:
    bad = raw[error.start : error.start + 4].hex(" ")
    return f"{name}:{_line_of(raw, error.start)}: cannot be decoded as {encoding} (bytes {bad})"


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
            raise InvalidInputError(f"unknown encoding {encoding!r}") from None
        try:
            return raw.decode(encoding).removeprefix("\ufeff"), encoding
        except UnicodeDecodeError as error:
            raise InvalidInputError(
                _failure(raw, name, encoding, error) + "; is it the file's encoding?"
            ) from None
    for mark, codec in _BOMS:
        if raw.startswith(mark):
            try:
                return raw.decode(codec).removeprefix("\ufeff"), codec
            except UnicodeDecodeError as error:
                raise InvalidInputError(_failure(raw, name, codec, error)) from None
    if b"\x00" in raw[:4096]:
        raise InvalidInputError(
            f"{name}: binary data, not a text table (a workbook other than .xlsx/.xls, "
            "or UTF-16 without a byte-order mark: pass encoding='utf-16-le')"
        )
    first_bad: int | None = None
    for codec in _GUESSES:
        try:
            return raw.decode(codec), codec
        except UnicodeDecodeError as failure:
            first_bad = failure.start if first_bad is None else first_bad
    line = _line_of(raw, first_bad or 0)
    raise InvalidInputError(
        f"{name}:{line}: not UTF-8 and not GB18030/GBK text (tried both); pass the "
        "file's encoding, e.g. encoding='big5' (command line: --encoding big5)"
    ) from None
