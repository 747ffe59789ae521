"""One line counter for bytes (CR LF, a lone CR, LF), and blocks of whole lines for streaming."""

from __future__ import annotations

import io

from hypothesis import example, given
from hypothesis import strategies as st

from mch_indicators._io._text import count_line_ends, line_blocks


@given(st.binary().map(lambda b: bytes(b"ab\r\n\xe3"[x % 5] for x in b)), st.integers(1, 9))
@example(b"a\r\nb", 2)  # a CR LF across two reads stays one line end
@example(b"\r" * 5, 1)
@example(b"a" * 30 + b"\n", 4)  # a line longer than a block is one block
def test_blocks_of_lines_are_the_file_and_count_as_it_counts(raw, size):
    blocks = list(line_blocks(io.BytesIO(raw), size))
    assert b"".join(block for _, block in blocks) == raw
    offset = 0
    for number, block in blocks:
        assert number == count_line_ends(raw, 0, offset) + 1
        offset += len(block)
        if offset < len(raw):  # a block ends after a line end, never inside a CR LF
            assert block[-1:] in (b"\n", b"\r") and raw[offset - 1 : offset + 1] != b"\r\n"
    assert count_line_ends(raw) == sum(count_line_ends(block) for _, block in blocks)
