"""What offices hand in: the Excel report, the CSV for Excel, and the one call from a table.

``_write`` writes results (:func:`to_excel`, :func:`to_csv`); ``_office`` goes from an
office's table to its report (:func:`report`): read, match, compute, pool, write. Both
sit above the adapters and the catalog; nothing here computes a statistic.
"""

from mch_indicators._report._office import report
from mch_indicators._report._write import to_csv, to_excel

__all__ = ["report", "to_csv", "to_excel"]
