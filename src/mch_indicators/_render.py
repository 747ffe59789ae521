"""Indicator definitions as text a person reads: the command line's and the docs' one renderer.

:func:`describe` gathers what a reader needs (the definition, its terms, unit,
codes, sources, the family of variants and the targets) once, and writes it as
plain text (``mch-indicators show``) or Markdown (the generated docs pages).
The labels of single fields (a unit, a source, a target in words) are the
model's views, in :mod:`mch_indicators._views`; what needs the catalog and the
targets is gathered here, above them: :func:`builtin_context` is also what an
indicator's notebook card lists (plugged into the model's views by
:mod:`mch_indicators._wiring`). Nothing is computed here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from mch_indicators._views import (
    code_labels,
    criteria_label,
    note_text,
    parameter_label,
    source_label,
    target_label,
    unit_label,
)

if TYPE_CHECKING:
    from mch_indicators._catalog import Catalog
    from mch_indicators._model import Indicator, Text
    from mch_indicators._targets import Target

__all__ = ["Description", "builtin_context", "describe", "direction_label"]

Format = Literal["text", "markdown"]


def direction_label(direction: str, lang: str = "en") -> str:
    """Which way is better, in words (``lower is better``)."""
    from mch_indicators._labels import label

    return label("directions", direction, lang)


def _texts(text: Text | None) -> list[str]:
    """The English and (when given) Chinese wording of a text field."""
    if text is None:
        return []
    return [text.en, *([text.zh] if text.zh else [])]


def _about(indicator: Indicator) -> list[tuple[str, list[str]]]:
    """The explanatory fields, in reading order: (heading, paragraphs)."""
    return [
        (heading, paragraphs)
        for heading, paragraphs in (
            ("Why it matters", _texts(indicator.rationale)),
            ("Interpretation and limitations", _texts(indicator.limitations)),
            ("Data source", _texts(indicator.data_source)),
        )
        if paragraphs
    ]


def _reporting(indicator: Indicator) -> list[tuple[str, str]]:
    rows = []
    if indicator.reporting_frequency:
        rows.append(("reporting frequency", indicator.reporting_frequency.replace("_", " ")))
    if indicator.disaggregations:
        rows.append(
            ("disaggregations", ", ".join(d.replace("_", " ") for d in indicator.disaggregations))
        )
    if indicator.ambiguous_aliases:
        rows.append(("also used for other indicators", ", ".join(indicator.ambiguous_aliases)))
    return rows


@dataclass(frozen=True, slots=True)
class Description:
    """What a page about one indicator shows, gathered once."""

    indicator: Indicator
    family: tuple[Indicator, ...]
    targets: tuple[Target, ...]


def _gather(indicator: Indicator, catalog: Catalog | None) -> Description:
    from mch_indicators._catalog import builtin_catalog
    from mch_indicators._targets import targets_for

    builtin = builtin_catalog()
    catalog = catalog or builtin
    family = tuple(catalog.variants(indicator)) if indicator.id in catalog else ()
    targets = targets_for(indicator) if indicator.id in builtin else ()
    return Description(indicator, family, targets)


def builtin_context(indicator: Indicator) -> tuple[tuple[Indicator, ...], tuple[Target, ...]]:
    """The built-in family and targets of a built-in indicator; none for one of your own.

    An indicator is built-in when the built-in catalog holds it unchanged (a
    modified copy has no family there). The notebook card lists these.

    Examples
    --------
    >>> import mch_indicators as mch
    >>> family, targets = builtin_context(mch.get("MMR"))
    >>> [m.id for m in family][:2], len(targets) > 0
    (['maternal_mortality_ratio', 'maternal_mortality_ratio_modelled'], True)
    >>> builtin_context(mch.get("MMR").model_copy(update={"decimals": 1}))
    ((), ())
    """
    from mch_indicators._catalog import builtin_catalog

    if builtin_catalog().get(indicator.id) != indicator:
        return (), ()
    description = _gather(indicator, None)
    return description.family, description.targets


def describe(
    indicator: Indicator,
    catalog: Catalog | None = None,
    *,
    format: Format = "text",
    lang: str = "en",
) -> str:
    """The full bilingual definition of ``indicator``, as text or Markdown.

    Parameters
    ----------
    indicator : Indicator
    catalog : Catalog, optional
        Where its variants are found (default: the built-in catalog).
    format : {"text", "markdown"}
        ``text`` is what ``mch-indicators show`` prints; ``markdown`` a docs page.
    lang : {"en", "zh"}, default "en"
        Language of the text's headings and labels (``zh``: 类型, 单位, 分子...).

    Examples
    --------
    >>> import mch_indicators as mch
    >>> print(describe(mch.get("MMR")).splitlines()[1])
      Maternal mortality ratio / 孕产妇死亡率
    """
    from mch_indicators._labels import check_lang

    description = _gather(indicator, catalog)
    if format == "text" and check_lang(lang) == "zh":
        return _text_zh(description)
    return _text(description) if format == "text" else _markdown(description)


#: The text's English heading of a fact where it is not the fact's key.
_EN_HEADS = {"method": "interval"}


def _facts(indicator: Indicator, lang: str) -> list[tuple[str, str]]:
    """The definition's short facts, (key, value in ``lang``), in the order the text lists them.

    Kind, unit, direction, domain, interval method, then its aliases and codes
    where it has any.
    """
    from mch_indicators._labels import label

    zh = lang == "zh"
    method = indicator.default_method
    facts = [
        ("kind", label("kinds", indicator.kind.value, "zh") if zh else indicator.kind.value),
        ("unit", label("units", indicator.unit, "zh", "header") if zh
         else unit_label(indicator.unit)),
        ("direction", label("directions", indicator.direction.value, "zh") if zh
         else direction_label(indicator.direction.value)),
        ("domain", label("domains", indicator.domain.value, "zh") if zh
         else indicator.domain.value),
        ("method", f"{label('methods', method, 'zh')}（{method}）" if zh else method),
    ]  # fmt: skip
    separator = "、" if zh else ", "
    codes = code_labels(indicator, lang)
    facts += [("aliases", separator.join(indicator.aliases))] if indicator.aliases else []
    facts += [("codes", separator.join(codes))] if codes else []
    return facts


def _text_zh(description: Description) -> str:
    """The text of ``show --lang zh``: the same facts, headed and labelled in Chinese."""
    from mch_indicators._labels import label

    def head(key: str) -> str:
        return label("columns", key, "zh")

    indicator = description.indicator
    lines = [
        f"{indicator.name.zh}（{indicator.id}）",
        f"  {indicator.name.en}",
        "",
        *(f"  {head(key)}：{value}" for key, value in _facts(indicator, "zh")),
        "",
        f"  {head('definition')}：",
        f"    {indicator.definition.zh or indicator.definition.en}",
    ]
    about = (("rationale", indicator.rationale), ("limitations", indicator.limitations),
             ("data_source", indicator.data_source))  # fmt: skip
    for key, text in about:
        if text is not None:
            lines += ["", f"  {head(key)}：", f"    {text.zh or text.en}"]
    for role, term in (("numerator", indicator.numerator), ("denominator", indicator.denominator)):
        lines += ["", f"  {head(role)}：{term.name.zh}（{term.id}）"]
        lines.append(f"    {term.definition.zh or term.definition.en}")
        if term.aliases:
            lines.append(f"    {head('aliases')}：{'、'.join(term.aliases)}")
    lines += ["", f"  {head('sources')}："]
    lines += [f"    - {source_label(source, lang='zh')}" for source in indicator.sources]
    status = label("text", "verified" if indicator.verified else "unverified", "zh")
    lines += ["", f"  {head('status')}：{status}"]
    if not indicator.computable:
        lines.append(f"  {label('text', 'not_computable', 'zh')}")
    if indicator.note:
        lines.append(f"  {head('note')}：{note_text(indicator, 'zh')}")
    if len(description.family) > 1:
        lines += ["", f"  {head('variants')}："]
        for member in description.family:
            mark = "*" if member.id == indicator.id else "-"
            params = parameter_label(member.parameters)
            lines.append(
                f"    {mark} {member.id}：{member.name.zh}" + (f" [{params}]" if params else "")
            )
    if description.targets:
        lines += ["", f"  {head('targets')}："]
        for target in description.targets:
            when = label("text", "by_year", "zh").format(year=target.year) if target.year else ""
            scope = f"（{label('scopes', target.scope, 'zh')}）" if target.scope else ""
            lines.append(f"    - {when}{target.rule_in('zh')}{scope}：{target.plan.name.zh}")
    return "\n".join(lines)


def _text(description: Description) -> str:
    from mch_indicators._labels import label

    indicator = description.indicator
    lines = [
        f"{indicator.id}",
        f"  {indicator.name.en} / {indicator.name.zh}",
        "",
        *(
            f"  {_EN_HEADS.get(key, key) + ':':<12}{value}"
            for key, value in _facts(indicator, "en")
        ),
    ]
    lines += [f"  {name}: {value}" for name, value in _reporting(indicator)]
    lines += ["", "  definition:", f"    {indicator.definition.en}"]
    if indicator.definition.zh:
        lines.append(f"    {indicator.definition.zh}")
    for heading, paragraphs in _about(indicator):
        lines += ["", f"  {heading.lower()}:", *(f"    {p}" for p in paragraphs)]
    for role, term in (("numerator", indicator.numerator), ("denominator", indicator.denominator)):
        lines += ["", f"  {role}: {term.name.en} / {term.name.zh} ({term.id})"]
        lines.append(f"    {term.definition.en}")
        if term.definition.zh:
            lines.append(f"    {term.definition.zh}")
        criteria = criteria_label(term)
        if criteria:
            lines.append(f"    criteria: {criteria}")
    lines += ["", "  sources:"]
    lines += [f"    - {source_label(source)}" for source in indicator.sources]
    lines += ["", f"  status: {'verified' if indicator.verified else 'UNVERIFIED'}"]
    if not indicator.computable:
        lines.append(f"  {label('text', 'not_computable', 'en')}")
    if indicator.note:
        lines.append(f"  note: {indicator.note}")
    if len(description.family) > 1:
        lines += ["", "  variants (same concept, different definition):"]
        for member in description.family:
            mark = "*" if member.id == indicator.id else "-"
            role = "" if member.variant_of else " (root)"
            params = parameter_label(member.parameters)
            lines.append(
                f"    {mark} {member.id}{role}: {member.name.zh}"
                + (f" [{params}]" if params else "")
            )
    if description.targets:
        lines += ["", "  targets:"]
        lines += [
            f"    - {target_label(t)}: {t.plan.name.zh} / {t.plan.name.en}"
            for t in description.targets
        ]
    return "\n".join(lines)


def _table(rows: Sequence[tuple[str, str]]) -> list[str]:
    """A two-column key/value table (Markdown needs a header row: it names the columns)."""
    return ["| field | value |", "|---|---|", *(f"| {k} | {v} |" for k, v in rows), ""]


def _markdown(description: Description) -> str:
    indicator = description.indicator
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
    lines += _table(
        [
            ("kind", indicator.kind.value),
            ("unit", unit_label(indicator.unit)),
            ("direction", direction_label(indicator.direction.value)),
            ("domain", indicator.domain.value),
            ("default interval", indicator.default_method),
            ("aliases", ", ".join(indicator.aliases) or "-"),
            ("codes", ", ".join(code_labels(indicator)) or "none"),
            *_reporting(indicator),
        ]
    )
    for heading, paragraphs in _about(indicator):
        lines += [f"## {heading}", "", *(f"{p}\n" for p in paragraphs)]
    for role, term in (("Numerator", indicator.numerator), ("Denominator", indicator.denominator)):
        lines += [f"## {role}: {term.name.en} · {term.name.zh}", "", term.definition.en, ""]
        if term.definition.zh:
            lines += [term.definition.zh, ""]
        criteria = criteria_label(term)
        if criteria:
            lines += [f"Criteria: `{criteria}`", ""]
    if len(description.family) > 1:
        lines += ["## Variants", "", "| id | 中文名 | differs by |", "|---|---|---|"]
        for member in description.family:
            params = parameter_label(member.parameters)
            name = member.id if member.id == indicator.id else f"[{member.id}]({member.id}.md)"
            root = " (root)" if member.variant_of is None else ""
            differs = f"`{params}`" if params else "-"
            lines.append(f"| {name}{root} | {member.name.zh} | {differs} |")
        lines.append("")
    if description.targets:
        lines += ["## Targets", "", "| target | as the plan words it | plan |", "|---|---|---|"]
        lines += [
            f"| {target_label(t)}{'' if t.verified else ' (unverified)'} | "
            f"{t.wording or '-'} | {t.plan.name.zh} · {t.plan.name.en} |"
            for t in description.targets
        ]
        lines.append("")
    lines += ["## Sources", ""]
    lines += [f"- {source_label(s, markdown=True)}" for s in indicator.sources]
    lines.append("")
    if indicator.computable:
        call = f'result = mch.get("{indicator.id}").compute(numerator, denominator)'
    else:
        call = f"# not computable from two counts: {indicator.note}"
    lines += ["## Compute", "", "```python", "import mch_indicators as mch", call, "```", ""]
    return "\n".join(lines)
