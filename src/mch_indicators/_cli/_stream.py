"""``compute --file`` on a delimited text file of any size: read, computed and written in chunks.

The file is read a chunk of lines at a time, each chunk as :func:`mch_indicators.read_table`
reads a whole file (the same encoding, delimiter, title rows, header, grammar of
numbers, rows labelled by their line in the file): the lines above the first record
(title rows, the header) are put in front of every chunk, and the chunk's line
numbers are moved to where its lines are in the file. A chunk ends only where the
quotes balance, so a quoted cell spanning lines is never cut. Every row of a long
table is computed on its own, except a total row (合计), judged with the units of its
group: :func:`whole_groups` cuts the chunks where a group ends, so each chunk is computed
and written once the next is read, and memory is bounded by a few chunks, whatever the
size of the file. An office's wide
table is not streamed: its rows are judged together (two rows of one unit and period
are refused, a total row is no unit), so ``compute`` reads it whole.

The encoding is chosen by :func:`read_table`'s own rules applied to the first lines,
then the whole file is checked in one pass over the bytes before reading; line ends
(CR LF, a lone CR) are read as the whole-file reader reads them. Workbooks, UTF-16 and
UTF-32 text and standard input are read whole, as before.
"""

from __future__ import annotations

import codecs
import io
from collections.abc import Generator, Iterator
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from mch_indicators._checks import checks_of
from mch_indicators._io._delimited import choose_delimiter, line_ends, read_delimited
from mch_indicators._io._source import spreadsheet_kind
from mch_indicators._io._text import (
    WIDE_BYTE,
    count_line_ends,
    decode,
    line_blocks,
    line_start,
    refuse_in,
    refuse_latin,
    refuse_mixed_in,
)
from mch_indicators._labels import input_error
from mch_indicators._optional import pandas

if TYPE_CHECKING:
    import pandas as pd

    from mch_indicators._catalog import Catalog
    from mch_indicators._io._numbers import Decimal

__all__ = ["CHUNK_LINES", "read_chunks", "streamable", "whole_groups"]

#: Lines read, computed and written at a time.
CHUNK_LINES = 1 << 16
#: Lines read first: the title rows, the header and enough records to choose the delimiter.
_HEAD_LINES = 1000
#: Bytes the encoding is chosen from (then the whole file is checked).
_HEAD_BYTES = 1 << 20


def streamable(path: str) -> bool:
    """Whether ``path`` is a file of delimited text (not standard input, not a workbook)."""
    if path == "-":
        return False
    try:
        with Path(path).open("rb") as file:
            start = file.read(8)
    except OSError:
        return False  # the whole-file reader names the problem
    wide = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)  # UTF-16 and -32: read whole
    return spreadsheet_kind(start) is None and not start.startswith(wide)


def _codec(path: str, name: str, encoding: str | None) -> str:
    """The encoding :func:`read_table` would choose: its own rules on the file's first lines.

    ``decode`` (the whole-file reader's) decides from the first mebibyte, cut after a
    line end: byte-order marks, binary data, UTF-8 or GB18030, Latin-1 text that only
    looks like GB18030. The rest of the file is then checked in one pass; where it does
    not decode, the line is named as the whole-file reader names it, a block of lines at
    a time (:func:`refuse_in`, :func:`refuse_mixed_in`): never the whole file in memory.
    """
    with Path(path).open("rb") as file:
        start = file.read(_HEAD_BYTES)
    cut = max(start.rfind(b"\n"), start.rfind(b"\r"))
    head = start if len(start) < _HEAD_BYTES or cut < 0 else start[: cut + 1]
    _, codec = decode(head, name, encoding)
    if _decodes(path, codec):
        return codec
    if encoding is None and codec == "utf-8":
        with Path(path).open("rb") as file:  # UTF-8 text above a line that is not: named
            refuse_mixed_in(file, name)
    if encoding is None and codec == "utf-8" and _decodes(path, "gb18030"):
        # UTF-8 at the start only: as the whole-file reader decides, Latin-1 refused
        line, part = _from_first_wide_line(path)
        refuse_latin(part, name, first_line=line)
        return "gb18030"
    with Path(path).open("rb") as file:  # the line named as the whole-file reader names it
        refuse_in(file, name, codec, encoding)
    from mch_indicators._io import read_table

    read_table(path, encoding=encoding)  # UTF-16 asked for: the whole-file reader names it
    raise input_error("read_not_codec_on", name=name, codec=codec, reason="?")  # pragma: no cover


def _from_first_wide_line(path: str) -> tuple[int, bytes]:
    """The number of the first line holding a byte outside ASCII, and the file from there.

    Lines are counted by the one counter (CR LF, a lone CR, LF), as :func:`refuse_latin`
    and the whole-file reader count them. At most :data:`_HEAD_BYTES` are returned:
    enough for :func:`refuse_latin` to judge.
    """
    offset = 0
    with Path(path).open("rb") as file:
        for line, block in line_blocks(file):
            wide = WIDE_BYTE.search(block)
            if wide is not None:
                start = line_start(block, wide.start())
                file.seek(offset + start)
                return line + count_line_ends(block, 0, start), file.read(_HEAD_BYTES)
            offset += len(block)
    return 1, b""  # pragma: no cover - only called on a file that is not ASCII


def _decodes(path: str, codec: str) -> bool:
    """Whether the whole file is valid ``codec`` text (one pass, a block at a time)."""
    checker = codecs.getincrementaldecoder(codec)()
    with Path(path).open("rb") as file:
        try:
            for block in iter(lambda: file.read(1 << 20), b""):
                checker.decode(block)
            checker.decode(b"", final=True)
        except UnicodeDecodeError:
            return False
    return True


def _record_chunks(lines: Iterator[str]) -> Iterator[list[str]]:
    """Lists of about CHUNK_LINES lines, each ending where the quotes balance."""
    while True:
        chunk = list(islice(lines, CHUNK_LINES))
        if not chunk:
            return
        quotes = sum(line.count('"') for line in chunk)
        while quotes % 2:  # inside a quoted cell: read on to its end
            line = next(lines, None)
            if line is None:
                break
            chunk.append(line)
            quotes += line.count('"')
        yield chunk


def read_chunks(
    path: str, name: str, *, encoding: str | None, delimiter: str | None, decimal: Decimal = "."
) -> Generator[pd.DataFrame, None, None]:
    """The table of ``path`` in chunks of rows, each typed and indexed as ``read_table`` does.

    Raises
    ------
    InvalidInputError
        As :func:`read_table` does, naming the line (found while reading on).
    """
    codec = _codec(path, name, encoding)
    with Path(path).open("rb") as binary:
        text = io.TextIOWrapper(binary, encoding=codec, newline="")
        lines = iter(text)
        try:
            yield from _chunks(lines, name, delimiter, decimal)
        except UnicodeDecodeError as error:
            raise input_error(
                "read_not_codec_on", name=name, codec=codec, reason=error.reason
            ) from None


def _chunks(
    lines: Iterator[str], name: str, delimiter: str | None, decimal: Decimal
) -> Iterator[pd.DataFrame]:
    head = list(islice(lines, _HEAD_LINES))
    head_text = line_ends("".join(head)).removeprefix("\ufeff")
    if not head_text.strip():
        raise input_error("read_empty", name=name)
    chosen = choose_delimiter(head_text, name, delimiter)
    chunks = _record_chunks(lines)
    first_chunk = next(chunks, [])
    first = read_delimited(head_text + "".join(first_chunk), name, chosen, decimal)
    yield first
    if first.empty:  # no record yet: the prefix is unknown; read the rest whole
        rest = "".join(line for chunk in chunks for line in chunk)
        if rest:
            yield _shifted(read_delimited(head_text + rest, name, chosen, decimal), 0)
        return
    first_record = int(first.index[0])  # the line of the first record: title and header above
    prefix = "".join(head[: first_record - 1]).removeprefix("\ufeff")
    start = len(head) + len(first_chunk) + 1  # the line of the next chunk's first line
    seen = set(checks_of(first).rows)  # the title rows' check, found again in every chunk
    for chunk in chunks:
        frame = read_delimited(prefix + "".join(chunk), name, chosen, decimal)
        if set(checks_of(frame).rows) <= seen:
            yield _shifted(frame, start - first_record)
        else:  # a check of its own (notes below the table): read at the file's lines
            blank = "\n" * (start - first_record)  # the lines between, left blank
            yield read_delimited(prefix + blank + "".join(chunk), name, chosen, decimal)
        start += len(chunk)


def _shifted(frame: pd.DataFrame, offset: int) -> pd.DataFrame:
    """The frame with its line numbers moved by ``offset`` (to the lines of the file)."""
    if offset:
        frame.index = frame.index + offset
    return frame


def whole_groups(frames: Iterator[pd.DataFrame], catalog: Catalog) -> Iterator[pd.DataFrame]:
    """Chunks of a long table cut where a total row (合计) meets its units, not through them.

    ``compute`` judges a total row by the units beside it in its chunk: a 合计 first in a
    chunk, its units at the end of the one before, was computed as an area of its own,
    and a group cut in two was checked against part of its units. A chunk is given once
    the next is read: the total rows the next one starts with join it, and it is cut after
    its last total row (before it, when the file writes totals above their units, as its
    first row says), the rows past the cut going on with the next chunk. A chunk with no
    total goes on with the next one, unless it is a whole chunk. At most about three
    chunks are held, and a group is judged whole unless it is longer than a chunk.
    """
    from mch_indicators._adapters._pandas._units import total_label_rows

    held: pd.DataFrame | None = None  # read, not yet given
    held_totals = np.zeros(0, dtype=bool)  # which of its rows are totals (asked once a row)
    above: bool | None = None  # totals written above their units
    for frame in frames:
        totals = total_label_rows(frame, catalog)
        if above is None:
            above = bool(totals.size and totals[0])
        if held is not None:
            lead = 0 if above else _leading(totals)
            if lead:  # the totals of the units that end the chunk before
                held, frame = _joined(held, frame.iloc[:lead]), frame.iloc[lead:]
                held_totals, totals = np.concatenate([held_totals, totals[:lead]]), totals[lead:]
            ends = np.flatnonzero(held_totals)
            if ends.size:
                cut = int(ends[-1]) + (0 if above else 1)
            else:  # no total yet: the rows go on with the next chunk, up to a chunk's worth
                cut = len(held) if len(held) >= CHUNK_LINES else 0
            if cut > 0:
                yield held.iloc[:cut]
            if cut < len(held):
                frame = _joined(held.iloc[cut:], frame)
                totals = np.concatenate([held_totals[cut:], totals])
        held, held_totals = frame, totals
    if held is not None and len(held):
        yield held


def _leading(totals: npt.NDArray[np.bool_]) -> int:
    """How many rows a chunk starts with that are totals."""
    return len(totals) if totals.all() else int(np.argmin(totals))


def _joined(first: pd.DataFrame, second: pd.DataFrame) -> pd.DataFrame:
    """Two pieces of a table's chunks as one frame, with the later piece's read checks."""
    joined: pd.DataFrame = pandas().concat([first, second])
    joined.attrs = dict(second.attrs)
    return joined
