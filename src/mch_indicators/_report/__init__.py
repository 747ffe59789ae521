"""What offices hand in: the Excel report, the CSV for Excel, and the one call from a table.

``_write`` writes results (:func:`to_excel`, :func:`to_csv`) through ``_sheets`` (each
sheet), ``_sheet`` (widths, print setup) and ``_blocks`` (sets stacked); ``_office`` goes
from an office's table to its report (:func:`report`): read, match, compute, pool,
review, write; ``_analysis`` is the review (change from last year by the stats layer's
tests, rank, target by :func:`assess_target`); ``_template`` writes the blank input
workbook (:func:`template`). All sit above the adapters and the catalog; nothing here
computes a statistic of its own.
"""

from mch_indicators._report._office import OfficeReport, report
from mch_indicators._report._template import template
from mch_indicators._report._write import to_csv, to_excel

__all__ = ["OfficeReport", "report", "template", "to_csv", "to_excel"]
