"""Write one Markdown page per catalog indicator, and an index table."""

from __future__ import annotations

from pathlib import Path

import mch_indicators as mch
from mch_indicators import units


def _page(indicator: mch.Indicator) -> str:
    unit = units.spec(indicator.unit)
    lines = [
        f"# {indicator.name.en} · {indicator.name.zh}",
        "",
        f"`{indicator.id}`" + ("" if indicator.verified else " · **unverified**"),
        "",
        indicator.definition.en,
        "",
    ]
    if indicator.definition.zh:
        lines += [indicator.definition.zh, ""]
    if not indicator.verified:
        lines += [f":::{{warning}}\n{indicator.note}\n:::", ""]
    codes = ", ".join(f"{s.upper()} {c}" for s, c in indicator.codes.items()) or "none"
    lines += [
        "| | |",
        "|---|---|",
        f"| kind | {indicator.kind.value} |",
        f"| unit | {unit.per or unit.name} ({unit.symbol or unit.name}; {unit.zh or '–'}) |",
        f"| direction | {indicator.direction.value} is better |"
        if indicator.direction.value != "neutral"
        else "| direction | neutral (read in context) |",
        f"| domain | {indicator.domain.value} |",
        f"| default interval | {indicator.default_method} |",
        f"| aliases | {', '.join(indicator.aliases) or '–'} |",
        f"| codes | {codes} |",
        "",
    ]
    for role, term in (("Numerator", indicator.numerator), ("Denominator", indicator.denominator)):
        lines += [f"## {role}: {term.name.en} · {term.name.zh}", "", term.definition.en, ""]
        if term.definition.zh:
            lines += [term.definition.zh, ""]
        criteria = term.criteria.model_dump(exclude_none=True)
        if criteria:
            lines += ["Criteria: " + ", ".join(f"`{k} = {v:g}`" for k, v in criteria.items()), ""]
    family = mch.catalog.variants(indicator)
    if len(family) > 1:
        lines += ["## Variants", "", "| id | 中文名 | differs by |", "|---|---|---|"]
        for member in family:
            params = ", ".join(f"`{k} = {v}`" for k, v in member.parameters.items()) or "–"
            name = member.id if member.id == indicator.id else f"[{member.id}]({member.id}.md)"
            root = " (root)" if member.variant_of is None else ""
            lines.append(f"| {name}{root} | {member.name.zh} | {params} |")
        lines.append("")
    targets = mch.targets_for(indicator)
    if targets:
        lines += ["## Targets", "", "| target | year | plan | source |", "|---|---|---|---|"]
        for t in targets:
            keys = ", ".join(s.key for s in t.plan.sources if s.key)
            scope = f" ({t.scope})" if t.scope else ""
            lines.append(
                f"| {t.rule}{scope} | {t.year or 'standing'} | {t.plan.name.zh} · "
                f"{t.plan.name.en} | {keys} |"
            )
        lines.append("")
    lines += ["## Sources", ""]
    for source in indicator.sources:
        text = source.document + (f", {source.section}" if source.section else "")
        lines.append(f"- {text}" + (f" [{source.key}]" if source.key else ""))
    if indicator.computable:
        call = f'result = mch.get("{indicator.id}").compute(numerator, denominator)'
    else:
        call = f"# not computable from two counts: {indicator.note}"
    lines += ["", "## Compute", "", "```python", "import mch_indicators as mch", call, "```", ""]
    return "\n".join(lines)


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
        (folder / f"{indicator.id}.md").write_text(_page(indicator), encoding="utf-8")
        rows.append(
            f"| [{indicator.id}]({indicator.id}.md) | {indicator.name.zh} | {indicator.name.en} "
            f"| {units.spec(indicator.unit).symbol or indicator.unit} | {indicator.kind.value} "
            f"| {indicator.variant_of or ''} | {'yes' if indicator.verified else 'no'} |"
        )
    (folder / "index.md").write_text("\n".join(rows) + "\n", encoding="utf-8")
