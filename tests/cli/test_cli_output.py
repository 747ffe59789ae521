"""A file the command line cannot write: one typed error naming it, one exit status (3).

``export --output`` into a missing folder exited 3 with the operating system's words
and no file name, ``report --out`` exited 1: both now say the file (in English or
Chinese) and exit 3, as ``docs/cli.md`` says.
"""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

import mch_indicators as mch
from mch_indicators import export
from mch_indicators._cli import EXIT_OUTPUT, main

TABLE = "县区,年份,活产数,孕产妇死亡数\n甲县,2024,5200,1\n乙县,2024,4000,0\n"


@pytest.fixture
def table(tmp_path: Path) -> str:
    path = tmp_path / "乡镇.csv"
    path.write_text(TABLE, encoding="utf-8")
    return str(path)


@pytest.mark.parametrize(
    ("command", "name"),
    [
        (["export", "--format", "json", "--output"], "catalog.json"),
        (["export", "--format", "csv", "--output"], "catalog.csv"),
        (["export", "--format", "xlsx", "--output"], "catalog.xlsx"),
        (["report", "{table}", "--out"], "报表.xlsx"),
        (["report", "{table}", "--out"], "报表.csv"),
    ],
)
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_an_output_in_a_missing_folder_exits_3_naming_the_file(
    tmp_path: Path, table: str, capsys: pytest.CaptureFixture[str],
    command: list[str], name: str, lang: str,
) -> None:  # fmt: skip
    if "xlsx" in name:
        pytest.importorskip("openpyxl")
    out = tmp_path / "no such folder" / name
    args = [part.format(table=table) for part in command]
    status = main([*args, str(out), "--lang", lang])
    err = capsys.readouterr().err
    assert status == EXIT_OUTPUT == 3, err
    assert str(out) in err
    assert ("cannot write" if lang == "en" else "无法写入") in err
    assert "Traceback" not in err and err.count("\n") == 1
    assert not out.parent.exists()


def test_the_library_raises_one_typed_error_for_a_file_it_cannot_write(tmp_path: Path) -> None:
    out = tmp_path / "missing" / "catalog.json"
    with pytest.raises(mch.OutputError, match=r"catalog\.json: cannot write") as error:
        export.write(out)
    assert isinstance(error.value, mch.InvalidInputError)  # as report's was
    assert error.value.path == str(out)
    assert "无法写入" in (error.value.reason_zh or "")
    back = pickle.loads(pickle.dumps(error.value))
    assert type(back) is mch.OutputError and back.path == str(out)
    assert str(back) == str(error.value)
    frame = mch.read_table(_write(tmp_path))
    with pytest.raises(mch.OutputError, match=r"报表\.csv: cannot write"):
        mch.report(frame, tmp_path / "missing" / "报表.csv")
    with pytest.raises(mch.OutputError, match=r"(?i)is a directory"):
        export.write(tmp_path)


def _write(tmp_path: Path) -> Path:
    path = tmp_path / "table.csv"
    path.write_text(TABLE, encoding="utf-8")
    return path


def test_write_xlsx_names_the_file_it_cannot_write(tmp_path: Path) -> None:
    pytest.importorskip("openpyxl")
    out = tmp_path / "missing" / "catalog.xlsx"
    with pytest.raises(mch.OutputError, match=r"catalog\.xlsx: cannot write"):
        export.write_xlsx(out, ids=["stillbirth_rate"])
