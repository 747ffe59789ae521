"""Write one Markdown page per catalog indicator, an index by domain, variants and coverage.

The pages are the library's own description of each indicator
(:func:`mch_indicators._render.describe`, the renderer ``mch-indicators show``
uses), so the reference and the command line never drift apart. Indicators of the
bundled example prefecture also get a worked example: the code shown on the page is
run here, at build time, and draws the chart shown below it.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

import mch_indicators as mch
from mch_indicators import units
from mch_indicators._labels import label
from mch_indicators._views import criteria_label, parameter_label


def _index() -> list[str]:
    lines = [
        "# Indicator reference",
        "",
        f"{len(mch.catalog)} indicators of the built-in catalog, one page each, generated from "
        "the data files. Variants (China's and WHO's definitions of one concept) follow their "
        "root, marked ↳; [how definitions differ](variants.md) compares them side by side, and "
        "[coverage](coverage.md) says what the catalog holds of China's annual report forms, "
        "WHO's core list and SDG 3.",
        "",
        "```{toctree}",
        ":hidden:",
        "",
        "variants",
        "coverage",
        *sorted(i.id for i in mch.catalog.values()),
        "```",
        "",
    ]
    for domain in mch.Domain:
        members = mch.catalog.filter(domain=domain)
        if not members:
            continue
        roots = [i for i in members if i.variant_of is None]
        ordered = []
        for root in roots:
            ordered.append(root)
            ordered += [i for i in members if i.variant_of == root.id]
        ordered += [i for i in members if i not in ordered]
        lines += [
            f"## {label('domains', domain.value, 'en')} · {label('domains', domain.value, 'zh')}",
            "",
            "```{list-table}",
            ":header-rows: 1",
            ":class: mch-index",
            "",
            *_row(["indicator", "中文名", "unit", "kind", "verified"]),
        ]
        for indicator in ordered:
            mark = "↳ " if indicator.variant_of else ""
            unit = units.spec(indicator.unit).symbol or indicator.unit
            lines += _row([
                f"{mark}[{indicator.name.en}]({indicator.id}.md)", indicator.name.zh, unit,
                indicator.kind.value, "yes" if indicator.verified else "no",
            ])  # fmt: skip
        lines += ["```", ""]
    return lines


def _row(cells: list[str]) -> list[str]:
    """One row of a MyST list-table."""
    return [f"* - {cells[0]}", *(f"  - {cell}" for cell in cells[1:])]


EXAMPLE = """\
from importlib import resources
import mch_indicators as mch

indicator = "{id}"
data = resources.files("mch_indicators.datasets")
table = mch.read_table(data / "example_prefecture.csv")
rows = table[(table["indicator"] == indicator) & (table["year"] == 2024)]
compared = mch.compare(rows, indicator, benchmark="total",
                       numerator="numerator", denominator="denominator")
ax = mch.plot.caterpillar(compared, label="county", indicator=indicator)
"""


@cache
def _example_ids() -> frozenset[str]:
    source = resources.files("mch_indicators.datasets") / "example_prefecture.csv"
    return frozenset(mch.read_table(source)["indicator"].unique())


def _example(indicator_id: str, images: Path) -> list[str]:
    """Run the worked example of an indicator of the example data; its code and chart."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    code = EXAMPLE.format(id=indicator_id)
    namespace: dict[str, object] = {}
    exec(compile(code, f"<example {indicator_id}>", "exec"), namespace)  # our own code
    figure = namespace["ax"].figure  # type: ignore[attr-defined]
    figure.savefig(images / f"{indicator_id}.png", dpi=96)
    plt.close(figure)
    return [
        "## Example: twelve counties in 2024",
        "",
        "The bundled synthetic prefecture (`example_prefecture.csv`): each county's value and "
        "95 % interval, compared with the rest of the prefecture and read with the "
        "indicator's direction (better, similar, worse). This code ran when the page was "
        "built and drew the chart below it.",
        "",
        "```python",
        code.rstrip(),
        "```",
        "",
        f"![Each county of the example prefecture, ranked](_images/{indicator_id}.png)",
        "",
    ]


def _variants() -> list[str]:
    lines = [
        "# How definitions differ",
        "",
        "Every family of variants in the catalog: the same concept defined by China's statistical "
        "system, WHO, the SDG metadata, DHS or a national plan. Each table is generated from the "
        "definitions' own data (parameters, the criteria of the numerator and denominator terms, "
        "unit and kind), so it cannot disagree with what the library computes.",
        "",
    ]
    seen: set[str] = set()
    for indicator in mch.catalog.values():
        family = mch.catalog.variants(indicator)
        if len(family) < 2 or family[0].id in seen:
            continue
        seen.add(family[0].id)
        lines += [
            f"## {family[0].name.en} · {family[0].name.zh}",
            "",
            "| indicator | differs by | numerator | denominator | unit | kind |",
            "|---|---|---|---|---|---|",
        ]
        for member in family:
            terms = []
            for term in (member.numerator, member.denominator):
                criteria = criteria_label(term)
                terms.append(term.name.zh + (f" (`{criteria}`)" if criteria else ""))
            params = parameter_label(member.parameters)
            lines.append(
                f"| [{member.id}]({member.id}.md) | {f'`{params}`' if params else '-'} "
                f"| {terms[0]} | {terms[1]} | {units.spec(member.unit).symbol or member.unit} "
                f"| {member.kind.value} |"
            )
        lines.append("")
    return lines


STATUS = {"present": "present · 有", "variant": "variant · 相近", "missing": "**missing** · 无"}


def _coverage() -> list[str]:
    """The coverage page: each reference list, its items and what the catalog holds."""
    from mch_indicators._coverage import builtin_coverage

    lines = [
        "# Coverage · 覆盖情况",
        "",
        "What the catalog holds of three reference lists, generated from "
        "`definitions/coverage.toml` (checked against the catalog when it loads): **present** "
        "(the catalog holds the measure), **variant** (a related measure: the reason says how "
        "it differs) or **missing** (the reason says why).",
        "",
    ]
    for reference in builtin_coverage():
        counts = reference.counts()
        lines += [
            f"## {reference.name.en}",
            "",
            f"{reference.name.zh}. *{reference.document}.* {reference.note}",
            "",
            f"{counts['present']} present, {counts['variant']} variant, "
            f"{counts['missing']} missing.",
            "",
            "```{list-table}",
            ":header-rows: 1",
            "",
            *_row(["item", "status", "catalog", "reason"]),
        ]
        for item in reference.items:
            linked = ", ".join(f"[{i}]({i}.md)" for i in item.indicators) or "—"
            lines += _row([item.item, STATUS[item.status], linked, item.reason or ""])
        lines += ["```", ""]
    return lines


def write_indicator_pages(folder: Path) -> None:
    """(Re)write ``folder``: one page per indicator, ``index.md`` and ``variants.md``."""
    from mch_indicators._render import describe

    folder.mkdir(exist_ok=True)
    images = folder / "_images"
    images.mkdir(exist_ok=True)
    for stale in [*folder.glob("*.md"), *images.glob("*.png")]:  # removed indicators leave none
        stale.unlink()
    for indicator in mch.catalog.values():
        page = describe(indicator, format="markdown")
        if indicator.id in _example_ids():
            page = page.rstrip("\n") + "\n\n" + "\n".join(_example(indicator.id, images))
        (folder / f"{indicator.id}.md").write_text(page, encoding="utf-8")
    (folder / "index.md").write_text("\n".join(_index()) + "\n", encoding="utf-8")
    (folder / "variants.md").write_text("\n".join(_variants()) + "\n", encoding="utf-8")
    (folder / "coverage.md").write_text("\n".join(_coverage()) + "\n", encoding="utf-8")
