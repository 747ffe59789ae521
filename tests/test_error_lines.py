"""An error names a row as the file's line (第N行) only when the row is a line of a file.

``read_table`` indexes its rows by their line (``line``) or sheet row (``row``); a row
label of a frame built in Python is a label, whole number or not: ``行 5`` / ``row 5``.
Every whole-number label read ``第5行`` before, pointing into a file that did not exist.
"""

from __future__ import annotations

import io
import pickle

import pandas as pd
import pytest

import mch_indicators as mch
from mch_indicators._errors import FileLine

TEXT = "县区,年份,活产数,孕产妇死亡数\n甲县,2024,1000,1\n乙县,2024,3000,-1\n"


def _refused(frame: pd.DataFrame) -> mch.InvalidInputError:
    with pytest.raises(mch.InvalidInputError) as caught:
        mch.compute(frame, "MMR")
    return caught.value


def test_a_row_read_from_a_file_is_named_by_its_line() -> None:
    error = _refused(mch.read_table(io.BytesIO(TEXT.encode("gbk"))))
    assert error.row == 3 and isinstance(error.row, FileLine)
    assert error.location().zh == "列“孕产妇死亡数”，第3行："
    assert error.location().en == "column '孕产妇死亡数', row 3: "
    assert pickle.loads(pickle.dumps(error)).location().zh == "列“孕产妇死亡数”，第3行："


def test_a_frames_own_row_label_is_named_as_a_label() -> None:
    frame = pd.read_csv(io.StringIO(TEXT))
    error = _refused(frame)
    assert error.row == 1 and not isinstance(error.row, FileLine)
    assert error.location().zh == "列“孕产妇死亡数”，行 1："
    assert error.location().en == "column '孕产妇死亡数', row 1: "
    labelled = _refused(frame.set_index(pd.Index([10, 20])))
    assert labelled.location().zh == "列“孕产妇死亡数”，行 20："
    named = _refused(frame.set_index(pd.Index(["a", "b"], name="code")))
    assert named.location().zh == "列“孕产妇死亡数”，行“b”："
    # an index of areas is read as their column: the row is named by its place
    areas = _refused(frame.set_index("县区"))
    assert areas.location().zh == "列“孕产妇死亡数”，行 1："
    assert "乙县/2024" in str(areas)
