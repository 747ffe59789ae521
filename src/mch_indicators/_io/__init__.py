"""Reading the tables people keep: one module per format (pandera's layout).

:func:`read_table` chooses by the file; ``_numbers`` holds the one grammar of
numbers in cells that every format shares.
"""

from mch_indicators._io._read import read_table

__all__ = ["read_table"]
