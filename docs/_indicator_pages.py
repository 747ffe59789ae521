"""Write one Markdown page per catalog indicator, and an index table.

The pages are the library's own description of each indicator
(:func:`mch_indicators._render.describe`, the renderer ``mch-indicators show``
uses), so the reference and the command line never drift apart.
"""

from __future__ import annotations

from pathlib import Path

import mch_indicators as mch
from mch_indicators import units
from mch_indicators._render import describe


def write_indicator_pages(folder: Path) -> None:
    """(Re)write ``folder`` with one page per indicator and an ``index.md``."""
    folder.mkdir(exist_ok=True)
    rows = [
        "# Indicator reference",
        "",
        "One page per indicator of the built-in catalog, generated from its data files.",
        "",
        "```{toctree}",
        ":hidden:",
        "",
        *sorted(i.id for i in mch.catalog.values()),
        "```",
        "",
        "| id | 中文名 | name | unit | kind | variant of | verified |",
        "|---|---|---|---|---|---|---|",
    ]
    for indicator in mch.catalog.values():
        page = describe(indicator, format="markdown")
        (folder / f"{indicator.id}.md").write_text(page, encoding="utf-8")
        rows.append(
            f"| [{indicator.id}]({indicator.id}.md) | {indicator.name.zh} | {indicator.name.en} "
            f"| {units.spec(indicator.unit).symbol or indicator.unit} | {indicator.kind.value} "
            f"| {indicator.variant_of or ''} | {'yes' if indicator.verified else 'no'} |"
        )
    (folder / "index.md").write_text("\n".join(rows) + "\n", encoding="utf-8")
