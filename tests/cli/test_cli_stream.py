"""``compute --file`` streams a text file in chunks, with the output of reading it whole.

The chunk size is made tiny here, so that a few dozen lines cross many chunk
boundaries: title rows above the header, blank lines, a quoted cell spanning lines,
GBK and UTF-8 with a byte-order mark, and an error far down the file.
"""

from __future__ import annotations

import pytest

from mch_indicators._cli import _commands, _stream, main

HEADER = "county,year,indicator,numerator,denominator\n"


def _rows(count: int) -> str:
    ids = ["MMR", "住院分娩率", "IMR"]
    return "".join(
        f"county_{i // 3:03d},{2000 + i % 7},{ids[i % 3]},{i % 5},{1000 + i}\n"
        for i in range(count)
    )


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def _streamed_as_whole(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, *args: str
) -> tuple[int, str, str]:
    """The command streamed, asserted equal to the same command reading the file whole."""
    streamed = _run(capsys, *args)
    with monkeypatch.context() as whole_file:
        whole_file.setattr(_commands, "streamable", lambda path: False)
        assert streamed == _run(capsys, *args)
    return streamed


@pytest.fixture
def tiny_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_stream, "CHUNK_LINES", 7)
    monkeypatch.setattr(_stream, "_HEAD_LINES", 5)


CASES = {
    "plain": ("utf-8", HEADER + _rows(60)),
    "titled": ("utf-8", "某县妇幼年报\n\n" + HEADER + _rows(30) + "\n\n" + _rows(25)),
    "quoted": ("utf-8", HEADER + _rows(9) + '"a, ""b""\nc",2001,MMR,1,900\n' + _rows(20)),
    "gbk": ("gbk", "某县妇幼年报\n" + HEADER + _rows(40)),
    "bom": ("utf-8-sig", HEADER + _rows(40)),
}


@pytest.mark.usefixtures("tiny_chunks")
@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("fmt", ["csv", "json", "table"])
def test_streamed_output_equals_the_whole_file_read(case, fmt, tmp_path, capsys, monkeypatch):
    encoding, text = CASES[case]
    path = tmp_path / "counts.csv"
    path.write_bytes(text.encode(encoding))
    chunks = list(_stream.read_chunks(str(path), "counts.csv", encoding=None, delimiter=None))
    assert len(chunks) > 3  # many chunks, each read as a whole file would be
    streamed = _streamed_as_whole(
        capsys, monkeypatch, "compute", "--file", str(path), "--format", fmt
    )
    assert streamed[0] == 0


@pytest.mark.usefixtures("tiny_chunks")
def test_chunks_keep_the_lines_of_the_file(tmp_path):
    path = tmp_path / "counts.csv"
    path.write_text("title\n\n" + HEADER + _rows(20) + "\n" + _rows(20), encoding="utf-8")
    lines = [int(line) for chunk in _stream.read_chunks(str(path), "c", encoding=None,
             delimiter=None) for line in chunk.index]  # fmt: skip
    assert lines == [*range(4, 24), *range(25, 45)]


@pytest.mark.usefixtures("tiny_chunks")
def test_an_error_far_down_names_its_line_and_stops_the_output(tmp_path, capsys):
    path = tmp_path / "counts.csv"
    path.write_text(HEADER + _rows(40) + "B,2001,MMR,abc,100\n" + _rows(5), encoding="utf-8")
    status, out, err = _run(capsys, "compute", "--file", str(path), "--format", "csv")
    assert status == 1
    assert "counts.csv:42: column 'numerator'" in err and "'abc' is not a number" in err
    assert out.count("\n") < 42  # what was computed before the bad chunk, then nothing
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


@pytest.mark.usefixtures("tiny_chunks")
def test_a_file_that_cannot_be_computed_fails_before_printing(tmp_path, capsys):
    path = tmp_path / "counts.csv"
    path.write_text("indicator,numerator\n" + "MMR,1\n" * 30, encoding="utf-8")
    status, out, err = _run(capsys, "compute", "--file", str(path), "--format", "csv")
    assert (status, out) == (1, "")
    assert "missing column 'denominator'" in err


@pytest.mark.usefixtures("tiny_chunks")
def test_latin1_far_down_is_refused_as_the_whole_file_reader_refuses_it(
    tmp_path, capsys, monkeypatch
):
    # ASCII for more than the first mebibyte (the part the encoding is chosen from), then a
    # Latin-1 line: valid GB18030 bytes, but not GBK text
    monkeypatch.setattr(_stream, "_HEAD_BYTES", 1 << 10)
    ascii_rows = _rows(60).replace("住院分娩率", "MMR")
    text = HEADER + ascii_rows + "Montélimar,2001,MMR,1,900\n" + ascii_rows[:81]
    path = tmp_path / "counts.csv"
    path.write_bytes(text.encode("latin-1"))
    streamed = _streamed_as_whole(
        capsys, monkeypatch, "compute", "--file", str(path), "--format", "csv"
    )
    status, out, err = streamed
    assert (status, out) == (1, "")
    assert "counts.csv:62: not UTF-8" in err and "'Montélimar,2001,MMR,1,900'" in err
    # said to be Latin-1, it streams
    status, out, _ = _run(capsys, "compute", "--file", str(path), "--encoding", "latin-1")
    assert status == 0 and "Montélimar" in out


@pytest.mark.usefixtures("tiny_chunks")
def test_a_wide_table_is_judged_whole_never_chunk_by_chunk(tmp_path, capsys):
    """A wide table streamed in chunks judged each chunk alone: two rows of one county in
    two chunks were both computed in English (the Chinese output, read whole, refused
    them), and a total row could be judged against a chunk's rows. A wide table is read
    whole now, in both languages."""
    rows = "".join(f"县{i},2024,{1000 + i},{i % 3}\n" for i in range(30))
    path = tmp_path / "counts.csv"
    header = "县区,年份,活产数,孕产妇死亡数\n"
    path.write_text(header + rows + "县5,2024,999,1\n", encoding="utf-8")
    for lang in ("en", "zh"):
        status, out, err = _run(capsys, "compute", "--file", str(path), "--lang", lang)
        assert status == 1 and out == ""
        assert ":32" in err or "第32行" in err  # the second row of 县5, named
    path.write_text(header + rows, encoding="utf-8")
    status, out, _ = _run(capsys, "compute", "--file", str(path), "--format", "csv")
    assert status == 0 and len(out.splitlines()) == 31


def test_an_error_while_writing_a_stream_is_framed_in_the_language_given(capsys):
    """``_write`` says a streamed table's error (already in its language) with its frame.

    The command line streams only English tables today (a Chinese one is labelled
    whole); the frame follows the language it is given all the same.
    """
    from mch_indicators._cli import EXIT_INPUT, _write

    def chunks():
        yield "a,b\n"
        raise _commands.CommandError("counts.csv 第42行：列“numerator”：“abc”不是数字")

    assert _write(chunks(), "zh") == EXIT_INPUT
    captured = capsys.readouterr()
    assert captured.out == "a,b\n"
    assert (
        captured.err == "mch-indicators：错误：counts.csv 第42行：列“numerator”：“abc”不是数字\n"
    )


@pytest.mark.usefixtures("tiny_chunks")
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_streamed_file_lists_its_data_checks_as_the_whole_file_read(
    lang, tmp_path, capsys, monkeypatch
):
    """A long table's title row and notes row were data checks the streamed path never
    told (nor the whole-file one, which told an office's wide table's only): both list
    them on standard error, each once, whatever the number of chunks."""
    path = tmp_path / "counts.csv"
    path.write_text("某县妇幼年报\n" + HEADER + _rows(40) + "注：数据来源\n", encoding="utf-8")
    streamed = _streamed_as_whole(
        capsys, monkeypatch, "compute", "--file", str(path), "--format", "csv", "--lang", lang
    )
    status, _, err = streamed
    assert status == 0
    lines = err.splitlines()
    assert len(lines) == 3, err  # the count, then each finding once
    assert "某县妇幼年报" in lines[1] and "注：数据来源" in lines[2]


def _latin_after_utf8(rows: int) -> bytes:
    """UTF-8 text in a Latin alphabet (``São Paulo``), then a Windows-1252 row pasted in."""
    utf8 = "".join(f"São Paulo {i},2001,MMR,1,{900 + i}\n" for i in range(rows))
    return (HEADER + utf8).encode() + "São José,2001,MMR,1,900\n".encode("cp1252")


@pytest.mark.usefixtures("tiny_chunks")
def test_a_windows_1252_row_after_utf8_is_refused_naming_its_line_by_both_readers(
    tmp_path, capsys, monkeypatch
):
    """Both readers read such a file as GB18030 (``S茫o Paulo``, ``S鉶 Jos``): the mixed
    refusal wanted Chinese text above. Now both refuse it as a row of another encoding."""
    monkeypatch.setattr(_stream, "_HEAD_BYTES", 1 << 10)  # the row is far below the head
    path = tmp_path / "counts.csv"
    path.write_bytes(_latin_after_utf8(200))
    streamed = _streamed_as_whole(
        capsys, monkeypatch, "compute", "--file", str(path), "--format", "csv"
    )
    status, out, err = streamed
    assert (status, out) == (1, "")
    assert "counts.csv:202: the file is UTF-8 text above this line" in err
    assert "Windows-1252/Latin-1 it reads 'São José,2001,MMR,1,900'" in err


def test_the_mixed_refusal_streams_the_file_in_bounded_memory(tmp_path, monkeypatch):
    """The streamed reader read the whole file into memory to find the mixed line."""
    import tracemalloc
    from pathlib import Path

    from mch_indicators import InvalidInputError
    from mch_indicators._io import _text

    path = tmp_path / "counts.csv"
    path.write_bytes(_latin_after_utf8(600_000))  # about 18 MB
    monkeypatch.setattr(_text, "_BLOCK_BYTES", 1 << 16)

    read_bytes = Path.read_bytes

    def whole(self: Path) -> bytes:
        assert self != path, "the file was read whole"
        return read_bytes(self)

    monkeypatch.setattr(Path, "read_bytes", whole)
    for _ in range(2):  # the first run loads the label table; the second is measured
        tracemalloc.start()
        try:
            with pytest.raises(InvalidInputError, match=r"counts.csv:600002: the file is UTF-8"):
                next(_stream.read_chunks(str(path), "counts.csv", encoding=None, delimiter=None))
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert peak < 9_000_000  # the file is 18 MB; a block of 1 MiB is checked at a time


@pytest.mark.usefixtures("tiny_chunks")
def test_lines_ended_by_a_lone_cr_are_counted_alike_by_both_readers(tmp_path, capsys, monkeypatch):
    """The streamed reader counted line feeds only (a file of lone CRs was one line), so it
    judged the wrong part of the file and named a line the whole-file reader did not."""
    monkeypatch.setattr(_stream, "_HEAD_BYTES", 1 << 10)
    ascii_rows = _rows(200).replace("住院分娩率", "MMR").replace("\n", "\r")
    text = HEADER.replace("\n", "\r") + ascii_rows + "Montélimar,2001,MMR,1,900\r"
    path = tmp_path / "counts.csv"
    path.write_bytes(text.encode("latin-1"))
    streamed = _streamed_as_whole(
        capsys, monkeypatch, "compute", "--file", str(path), "--format", "csv"
    )
    assert streamed[0] == 1 and "counts.csv:202: not UTF-8" in streamed[2]


_ASCII = (HEADER + _rows(300)).replace("住院分娩率", "MMR")
FAR_DOWN = {  # the first lines decode; a line far below does not (line 302)
    "bom": (
        ("utf-8-sig",),
        "\ufeff" + _ASCII,
        b"A\xff,2001,MMR,1,900\n",
        "decoded as utf-8-sig (bytes ff 2c",
    ),
    "asked": (
        ("--encoding", "ascii"),
        _ASCII,
        b"A\xe9,2001,MMR,1,900\n",
        "decoded as ascii (bytes e9 2c",
    ),
    "neither": ((), _ASCII, b"A\x80,2001,MMR,1,900\n", "not UTF-8 and not GB18030"),
    "latin": ((), _ASCII, b"Bogot\xe1,2001,MMR,1,900\n", "'Bogotá,2001,MMR,1,900'"),
}


@pytest.mark.usefixtures("tiny_chunks")
@pytest.mark.parametrize("case", list(FAR_DOWN))
def test_a_bad_byte_far_down_is_named_as_the_whole_file_reader_names_it_not_read_whole(
    case, tmp_path, capsys, monkeypatch
):
    """The streamed reader read the whole file into memory to name such a line."""
    from pathlib import Path

    options, text, bad, said = FAR_DOWN[case]
    monkeypatch.setattr(_stream, "_HEAD_BYTES", 1 << 10)
    path = tmp_path / "counts.csv"
    encoding = "utf-8-sig" if case == "bom" else "ascii"
    path.write_bytes(text.removeprefix("\ufeff").encode(encoding) + bad + b"A,2001,MMR,1,9\n")
    asked = list(options) if options and options[0] == "--encoding" else []
    read_bytes = Path.read_bytes

    def whole(self: Path) -> bytes:
        assert self != path, "the file was read whole"
        return read_bytes(self)

    with monkeypatch.context() as patched:
        patched.setattr(Path, "read_bytes", whole)
        streamed = _run(capsys, "compute", "--file", str(path), "--format", "csv", *asked)
    monkeypatch.setattr(_commands, "streamable", lambda path: False)
    assert streamed == _run(capsys, "compute", "--file", str(path), "--format", "csv", *asked)
    status, out, err = streamed
    assert (status, out) == (1, "") and "counts.csv:302: " in err and said in err


def _with_totals(above: bool, groups: int = 12) -> str:
    """A long table of groups (year and indicator) of three counties and their 合计."""
    text = HEADER
    for group in range(groups):
        year, key = 2000 + group // 2, ("MMR", "IMR")[group % 2]
        units = [f"县{c},{year},{key},{c + group % 3},{1000 * (c + 1)}\n" for c in range(3)]
        total = f"合计,{year},{key},{sum(c + group % 3 for c in range(3))},6000\n"
        text += (total + "".join(units)) if above else ("".join(units) + total)
    return text


@pytest.mark.parametrize("above", [False, True], ids=["totals-under", "totals-above"])
@pytest.mark.parametrize("chunk", [3, 4, 5, 7])  # a group (4 rows) longer than a chunk: not whole
def test_a_total_row_is_judged_with_its_units_whatever_the_chunk(
    above, chunk, tmp_path, capsys, monkeypatch
):
    """A 合计 first in a chunk, its units ending the chunk before, was printed as an area
    of its own ("labelled as a total but has no units under it"), and a group cut in two
    was checked against part of its units (a false difference)."""
    monkeypatch.setattr(_stream, "CHUNK_LINES", chunk)
    monkeypatch.setattr(_stream, "_HEAD_LINES", 3)
    path = tmp_path / "counts.csv"
    path.write_text(_with_totals(above), encoding="utf-8")
    streamed = _streamed_as_whole(
        capsys, monkeypatch, "compute", "--file", str(path), "--format", "csv"
    )
    assert "合计" not in streamed[1] and "differ" not in streamed[2]
    assert streamed[2].count("is a total row by its label") == 12
