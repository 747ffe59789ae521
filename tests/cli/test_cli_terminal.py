"""Text from a user's file never reaches the terminal as control sequences.

An area label or a header can hold ESC sequences: ``ESC ] 52`` writes the terminal's
clipboard, ``ESC [ 2 J`` clears the screen, a right-to-left override reorders what
follows. What the command line prints for a reader (tables, errors, the report's
summary, anything on a terminal) shows them as escapes (``\\x1b``); CSV and JSON sent
to a file or a pipe are data, written as they are (JSON escapes them itself).
"""

from __future__ import annotations

import io

import pytest

from mch_indicators._cli import main
from mch_indicators._display import display_width, terminal_text

CLIPBOARD = "\x1b]52;c;ZWNobyBwd25lZA==\x07"  # OSC 52: set the clipboard
HOSTILE = f"{CLIPBOARD}甲县\x1b[2J\u202e"


def _file(tmp_path, rows: str) -> str:
    path = tmp_path / "hostile.csv"
    path.write_text("县区,活产数,孕产妇死亡数\n" + rows, encoding="utf-8")
    return str(path)


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def _no_controls(text: str) -> bool:
    return not any(c in text for c in "\x1b\x07\u202e\r")


def test_terminal_text_writes_control_characters_as_escapes() -> None:
    assert terminal_text("a\x1b[2Jb\tc") == "a\\x1b[2Jb\\tc"
    assert terminal_text("甲\u202e县\x9b") == "甲\\u202e县\\x9b"
    assert terminal_text("one\ntwo", keep="\n") == "one\ntwo"
    assert terminal_text("河阳县 ½ é") == "河阳县 ½ é"


def test_a_table_shows_a_hostile_label_as_escapes(tmp_path, capsys) -> None:
    status, out, _ = _run(capsys, "compute", "--file", _file(tmp_path, f'"{HOSTILE}",1000,1\n'))
    assert status == 0 and _no_controls(out)
    assert "\\x1b]52;c;ZWNobyBwd25lZA==\\x07甲县" in out
    header, _, row = out.splitlines()[:3]
    second = display_width(header[: header.index("indicator")])
    assert display_width(row[: row.index("maternal_mortality_ratio")]) == second  # aligned


def test_an_error_naming_a_hostile_label_shows_it_as_escapes(tmp_path, capsys) -> None:
    rows = f'"{HOSTILE}",1000,1\n"{HOSTILE}",1000,2\n'
    status, _, err = _run(capsys, "compute", "--file", _file(tmp_path, rows))
    assert status == 1 and "two rows for" in err and _no_controls(err)


def test_csv_on_a_terminal_shows_escapes_and_csv_in_a_pipe_is_data(tmp_path, capsys, monkeypatch):
    path = _file(tmp_path, f'"{HOSTILE}",1000,1\n')
    _, piped, _ = _run(capsys, "compute", "--file", path, "--format", "csv")
    assert CLIPBOARD in piped  # data: written as it is

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    monkeypatch.setattr("sys.stdout", terminal)
    assert main(["compute", "--file", path, "--format", "csv"]) == 0
    assert _no_controls(terminal.getvalue()) and terminal.getvalue().count("\n") == 2
