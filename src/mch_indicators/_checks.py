"""Data checks of an office's table: what the report's 数据核查 sheet lists.

A check is one row of a pandas DataFrame with the columns :data:`CHECK_COLUMNS`:
which check (``check``), the unit and period it concerns, the item (a count, a
rule, a column), the value the table reports and the value expected, and a
message in Chinese and in English.
"""

from __future__ import annotations

__all__ = ["CHECK_COLUMNS"]

#: The columns of a checks table, in order.
CHECK_COLUMNS = (
    "check",
    "unit",
    "period",
    "item",
    "reported",
    "expected",
    "message_zh",
    "message_en",
)
