"""Where a table comes from: a path, ``-`` for standard input, or an open file.

The bytes are read once; the format (a spreadsheet or delimited text) is decided
by the bytes, not trusted from the file name, so that ``counts.csv`` saved by
Excel as a workbook is still read, and named correctly when it cannot be.
"""

from __future__ import annotations

import sys
from os import PathLike
from pathlib import Path
from typing import IO

from mch_indicators._errors import InvalidInputError, error_of
from mch_indicators._labels import os_reason

__all__ = ["Source", "read_bytes", "source_name", "spreadsheet_kind"]

Source = str | PathLike[str] | IO[str] | IO[bytes]

_ZIP = b"PK\x03\x04"  # .xlsx, .xlsm, .ods are zip containers
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls (BIFF in an OLE2 container)


def source_name(source: Source) -> str:
    """The name messages use: the path, ``<stdin>``, or the open file's name."""
    if isinstance(source, str | PathLike):
        return "<stdin>" if str(source) == "-" else str(source)
    return str(getattr(source, "name", "<stream>"))


def read_bytes(source: Source) -> bytes | str:
    """All of ``source``: bytes, or text when given an open text file."""
    name = source_name(source)
    try:
        if isinstance(source, str | PathLike):
            if str(source) == "-":
                return sys.stdin.buffer.read()
            return Path(source).read_bytes()
        return source.read()
    except IsADirectoryError:
        raise error_of(InvalidInputError, "read_directory", name=name) from None
    except OSError as error:
        raise error_of(
            InvalidInputError, "read_cannot_read", name=name, reason=os_reason(error)
        ) from None


def spreadsheet_kind(raw: bytes | str) -> str | None:
    """``"zip"`` (xlsx, ods) or ``"ole"`` (xls) for a workbook's bytes, None for text."""
    if isinstance(raw, str):
        return None
    if raw.startswith(_ZIP):
        return "zip"
    if raw.startswith(_OLE):
        return "ole"
    return None
