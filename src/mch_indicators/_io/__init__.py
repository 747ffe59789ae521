"""Reading the tables people keep and writing what they hand in: one module per format.

:func:`read_table` chooses the reader by the file's bytes (``_delimited`` for
CSV and TSV in any of the encodings of ``_text``, ``_excel`` for workbooks);
``_cells`` types the cells with the one grammar of numbers in ``_numbers``;
``_write`` writes the Excel report and the CSV for Excel; ``_report`` goes from
an office's file to its report in one call.
"""

from mch_indicators._io._read import read_table
from mch_indicators._io._report import report
from mch_indicators._io._write import to_csv, to_excel

__all__ = ["read_table", "report", "to_csv", "to_excel"]
