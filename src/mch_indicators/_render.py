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

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from mch_indicators._display import terminal_text
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
    from mch_indicators._labels import Lang
    from mch_indicators._model import Indicator, Names, Term, Text
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
    if format == "text":
        return _text(description, check_lang(lang))
    return _markdown(description)


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


@dataclass(frozen=True, slots=True)
class _Voice:
    """What the text of ``show`` words differently in one language; :func:`_text` reads it.

    The English text is the reference: every name and paragraph in both languages, the
    reporting rows, the terms' criteria and the family's root. The Chinese text speaks
    Chinese (English where a field has no Chinese) and lists the terms' aliases instead.
    """

    lang: Lang
    #: After a heading alone on its line (``definition:``, ``定义：``).
    colon: str
    #: Between a heading and its value on one line (``note: ...``, ``备注：...``).
    inline: str
    #: The width the facts' headings are padded to (``kind:       rate``); 0: none.
    fact_width: int
    #: Headings that are not the ``columns`` label of their key.
    heads: Mapping[str, str]
    #: The words of a verified and of an unverified definition.
    status: tuple[str, str]

    @property
    def reference(self) -> bool:
        """True for the English reference text (see the class)."""
        return self.lang == "en"

    def heading(self, key: str) -> str:
        """A section's or fact's heading: ``definition``, ``interval``, ``定义``."""
        from mch_indicators._labels import label

        return self.heads.get(key) or label("columns", key, self.lang)

    def names(self, text: Names) -> str:
        """A name as the text gives it: ``English / 中文``, or ``中文``."""
        return f"{text.en} / {text.zh}" if self.reference else text.zh

    def aside(self, text: str) -> str:
        """``text`` in brackets after a name: `` (id)``, or ``（id）`` in Chinese."""
        return f" ({text})" if self.reference else f"（{text}）"

    def paragraphs(self, text: Text) -> list[str]:
        """A text field's paragraphs: both languages, or the Chinese (else the English)."""
        return _texts(text) if self.reference else [text.zh or text.en]


def _voice(lang: Lang) -> _Voice:
    """The voice of the text in ``lang`` (the Chinese one's words from ``_labels``)."""
    from mch_indicators._labels import label

    if lang == "zh":
        status = (label("text", "verified", "zh"), label("text", "unverified", "zh"))
        return _Voice("zh", "：", "：", 0, {}, status)
    heads = {"method": "interval"}
    return _Voice("en", ":", ": ", 12, heads, ("verified", "UNVERIFIED"))


def _text(description: Description, lang: Lang) -> str:
    r"""The text of ``show``: the definition's facts, sections, terms, sources and family.

    Each line is one line: a line break or another control character in a definition's
    text (a name ending ``\n  status: verified``, an ``ESC`` sequence) is shown as an
    escape (:func:`~mch_indicators._display.terminal_text`), as the command line's tables
    show it, wherever the text is written.
    """
    voice = _voice(lang)
    indicator = description.indicator
    if voice.reference:
        title = [indicator.id, f"  {voice.names(indicator.name)}"]
    else:
        title = [f"{indicator.name.zh}{voice.aside(indicator.id)}", f"  {indicator.name.en}"]
    lines = [*title, "", *_fact_lines(indicator, voice)]
    for key in ("definition", "rationale", "limitations", "data_source"):
        lines += _section(voice, key, getattr(indicator, key))
    lines += _term_lines(voice, "numerator", indicator.numerator)
    lines += _term_lines(voice, "denominator", indicator.denominator)
    lines += ["", f"  {voice.heading('sources')}{voice.colon}"]
    lines += [f"    - {source_label(source, lang=lang)}" for source in indicator.sources]
    lines += _status_lines(indicator, voice)
    lines += _family_lines(description, voice)
    lines += _target_lines(description, voice)
    return "\n".join(map(terminal_text, lines))


def _fact_lines(indicator: Indicator, voice: _Voice) -> list[str]:
    """The short facts, headings padded into a column; the reporting rows in the reference."""
    lines = [
        f"  {voice.heading(key) + voice.colon:<{voice.fact_width}}{value}"
        for key, value in _facts(indicator, voice.lang)
    ]
    if voice.reference:
        lines += [f"  {name}{voice.inline}{value}" for name, value in _reporting(indicator)]
    return lines


def _section(voice: _Voice, key: str, text: Text | None) -> list[str]:
    """A text field under its heading (``definition:``, ``意义：``); nothing when it is unset."""
    if text is None:
        return []
    return [
        "",
        f"  {voice.heading(key)}{voice.colon}",
        *(f"    {p}" for p in voice.paragraphs(text)),
    ]


def _term_lines(voice: _Voice, role: str, term: Term) -> list[str]:
    """The numerator or denominator: its names, definition, and its criteria or aliases."""
    name = voice.names(term.name) + voice.aside(term.id)
    lines = ["", f"  {voice.heading(role)}{voice.inline}{name}"]
    lines += [f"    {p}" for p in voice.paragraphs(term.definition)]
    key, detail = (
        ("criteria", criteria_label(term))
        if voice.reference
        else ("aliases", "、".join(term.aliases))
    )
    if detail:  # "criteria" is no column's label: label() gives the key itself
        lines.append(f"    {voice.heading(key)}{voice.inline}{detail}")
    return lines


def _status_lines(indicator: Indicator, voice: _Voice) -> list[str]:
    """Whether the definition is verified, whether it is computable, and its note."""
    from mch_indicators._labels import label

    status = voice.status[0] if indicator.verified else voice.status[1]
    lines = ["", f"  {voice.heading('status')}{voice.inline}{status}"]
    if not indicator.computable:
        lines.append(f"  {label('text', 'not_computable', voice.lang)}")
    if indicator.note:
        lines.append(f"  {voice.heading('note')}{voice.inline}{note_text(indicator, voice.lang)}")
    return lines


def _family_lines(description: Description, voice: _Voice) -> list[str]:
    """The variants of the concept, this one starred (the reference marks the root)."""
    if len(description.family) <= 1:
        return []
    lines = ["", f"  {voice.heading('variants')}{voice.colon}"]
    for member in description.family:
        mark = "*" if member.id == description.indicator.id else "-"
        root = " (root)" if voice.reference and not member.variant_of else ""
        params = parameter_label(member.parameters)
        lines.append(
            f"    {mark} {member.id}{root}{voice.inline}{member.name.zh}"
            + (f" [{params}]" if params else "")
        )
    return lines


def _target_lines(description: Description, voice: _Voice) -> list[str]:
    """The targets set for the indicator, each with its plan's name."""
    if not description.targets:
        return []
    lines = ["", f"  {voice.heading('targets')}{voice.colon}"]
    for target in description.targets:
        plan = target.plan.name
        name = f"{plan.zh} / {plan.en}" if voice.reference else plan.zh
        lines.append(f"    - {target_label(target, voice.lang)}{voice.inline}{name}")
    return lines


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
