"""Reading the tables people keep and writing what they hand in: one module per format.

:func:`read_table` chooses the reader by the file's bytes (``_delimited`` for
CSV and TSV in any of the encodings of ``_text``, ``_excel`` for workbooks);
``_cells`` types the cells with the one grammar of numbers in ``_numbers``.
Writing reports lives in :mod:`mch_indicators._report`, above the catalog.
"""

from mch_indicators._io._read import read_table

__all__ = ["read_table"]
