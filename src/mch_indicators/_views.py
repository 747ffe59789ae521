"""How the model's objects read: one-line reprs, notebook HTML cards, labels in words.

This module stands ABOVE the definitions (:mod:`mch_indicators._model`, ``_result``,
``_targets``, ``_catalog``), which never import it: each model's ``__repr__`` and
``_repr_html_`` is a one-line method calling a hook of :mod:`mch_indicators._hooks`,
and :mod:`mch_indicators._wiring` plugs the functions of this module into those hooks
when the package is imported (IPython finds pandas' formatters at run time the same
way). So the models stay data, they know no view, and the import graph stays one-way.

The one thing a card shows that lies higher still, an indicator's variants and
targets in the built-in catalog, comes through the
:data:`~mch_indicators._hooks.indicator_context` hook, also plugged in by the
package. A catalog hands its indicators grouped by domain.

Every piece of text that comes from a definition or a user is escaped; a large
result is summarised (its first and last rows and the count of each flag), never
dumped. Field names are bilingual, from :mod:`mch_indicators._labels`. Nothing is
computed here.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from html import escape
from itertools import count
from typing import TYPE_CHECKING

import numpy as np

from mch_indicators._hooks import indicator_context
from mch_indicators._labels import label, upper_first
from mch_indicators._text import fold
from mch_indicators._unitspec import resolve_unit
from mch_indicators._validate import level_label
from mch_indicators.stats import Flag

if TYPE_CHECKING:
    from mch_indicators._model import Indicator, Parameters, Source, Term
    from mch_indicators._result import Result
    from mch_indicators._targets import Target

__all__ = [
    "MAX_ROWS",
    "catalog_html",
    "code_labels",
    "criteria_label",
    "indicator_html",
    "indicator_repr",
    "note_text",
    "parameter_label",
    "result_html",
    "source_label",
    "target_html",
    "target_label",
    "target_repr",
    "unit_label",
]

#: Results with more rows than this show their first and last rows only.
MAX_ROWS = 20
_HEAD, _TAIL = 10, 5
_ids = count(1)

_STYLE = (
    "<style>"
    ".mch-card{font-family:system-ui,-apple-system,'Segoe UI','Noto Sans CJK SC',"
    "'Microsoft YaHei',sans-serif;font-size:13px;line-height:1.45;max-width:56em}"
    ".mch-card table{border-collapse:collapse;margin:.3em 0}"
    ".mch-card th,.mch-card td{text-align:left;padding:.15em .6em;vertical-align:top;"
    "border-bottom:1px solid #e5e5e5}"
    ".mch-card td.num{text-align:right;font-variant-numeric:tabular-nums}"
    ".mch-card .mch-zh{white-space:nowrap}"
    ".mch-card td.mch-en{min-width:16em}"
    ".mch-card .mch-id{font-family:monospace;color:#555}"
    ".mch-frac{display:inline-flex;flex-direction:column;vertical-align:middle;"
    "text-align:center;margin:.2em .4em}"
    ".mch-frac>span:last-child{border-top:1px solid currentColor}"
    ".mch-note{color:#666;font-size:12px}"
    ".mch-flag{color:#a00}"
    "</style>"
)


def _both(section: str, key: str) -> str:
    """``lower is better · 越低越好``: a label in both languages, escaped."""
    return escape(f"{label(section, key, 'en')} · {label(section, key, 'zh')}")


def _field(key: str) -> str:
    """A card's field name: a column header in both languages (``Unit · 单位``)."""
    return escape(f"{upper_first(label('columns', key, 'en'))} · {label('columns', key, 'zh')}")


def _method(method: str) -> str:
    """``wilson · Wilson 得分区间``: an interval method by its id and its Chinese name.

    A method without a label (none of the library's) is its id alone, never said twice.
    """
    name = label("methods", method, "zh")
    return method if name == method else f"{method} · {name}"


def _interval(level: str) -> str:
    """``95% CI · 95%置信区间``: a confidence interval's name in both languages, escaped."""
    return escape(
        f"{label('text', 'ci', 'en', level=level)} · {label('text', 'ci', 'zh', level=level)}"
    )


def _card(body: str) -> str:
    return f'<div class="mch-card">{_STYLE}{body}</div>'


def _rows(rows: list[tuple[str, str]]) -> str:
    """A two-column table; values are HTML already escaped by the caller."""
    cells = "".join(f"<tr><th>{name}</th><td>{value}</td></tr>" for name, value in rows)
    return f"<table>{cells}</table>"


def _unit(unit: str) -> str:
    return escape(unit_label(unit))


# -- labels in words (also the command line's and the docs' text) -------------------------


def unit_label(unit: str) -> str:
    """``per 100,000 live births (per 100,000; /10万)``: the unit in words, symbol and Chinese.

    Examples
    --------
    >>> unit_label("per_100k")
    'per 100,000 (per 100,000; /10万)'
    """
    spec = resolve_unit(unit)
    return f"{spec.per or spec.name} ({spec.symbol or spec.name}; {spec.zh or '-'})"


def code_labels(indicator: Indicator, lang: str = "en") -> list[str]:
    """``SDG 3.1.1``, ``GHO MDG_0000000026 (unverified)``...: every cross-walk code.

    Under ``lang="zh"`` an unverified code reads ``GHO MDG_0000000026（未核实）``.
    """
    unverified = label("text", "unverified", lang)
    mark = f"（{unverified}）" if lang == "zh" else f" ({unverified})"
    return [
        f"{system.upper()} {code}" + (mark if system in indicator.codes.unverified else "")
        for system, code in indicator.codes.items()
    ]


def _plain(value: str | float) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def criteria_label(term: Term) -> str:
    """``gestation_weeks_min = 28, ...``, or ``""`` for a term without criteria."""
    criteria = term.criteria.model_dump(exclude_none=True)
    return ", ".join(f"{k} = {_plain(v)}" for k, v in criteria.items())


def parameter_label(parameters: Parameters) -> str:
    """``gestation_weeks_min = 22, ...``: how a variant differs, or ``""``."""
    return ", ".join(f"{k} = {_plain(v)}" for k, v in parameters.items())


def note_text(indicator: Indicator, lang: str) -> str:
    """An indicator's note in ``lang`` (``""`` without one).

    In Chinese, its ``note_zh``; where it has none, the English note marked as such
    (``（英文原文）GHO code corrected...``), never passed off as Chinese.

    Examples
    --------
    >>> import mch_indicators as mch
    >>> note_text(mch.get("infant_mortality_rate"), "zh")[:8]
    '婴儿死亡率的定义'
    >>> yours = mch.get("stillbirth_rate").model_copy(update={"note_zh": None})
    >>> note_text(yours, "zh")[:6]
    '（英文原文）'
    """
    if not indicator.note:
        return ""
    if lang != "zh":
        return indicator.note
    if indicator.note_zh:
        return indicator.note_zh
    return label("text", "english_note", "zh", note=indicator.note)


def source_label(source: Source, *, markdown: bool = False, lang: str = "en") -> str:
    """A source as cited: document, section, URL, and whether it is the primary text.

    The primary/secondary mark is in ``lang`` (``（原始文献）`` under ``"zh"``).
    """
    document = f"[{source.document}]({source.url})" if markdown and source.url else source.document
    text = document + (f", {source.section}" if source.section else "")
    if source.url and not markdown:
        text += f" <{source.url}>"
    if source.key:
        text += f" [{source.key}]"
    which = label("text", "primary_source" if source.primary else "secondary_source", lang)
    return text + (f"（{which}）" if lang == "zh" else f" ({which})")


def target_label(target: Target, lang: str = "en") -> str:
    """``≤ 12 per 100,000 by 2030, scope``: a target's rule, year and scope.

    Under ``lang="zh"`` the year comes first and the scope in brackets:
    ``2030年≤12/10万（全国）``.

    Examples
    --------
    >>> import mch_indicators as mch
    >>> target = mch.targets_for("MMR", plan="healthy_china_2030")[0]
    >>> target_label(target), target_label(target, "zh")
    ('≤ 12 per 100,000 by 2030', '2030年≤12/10万')
    """
    if lang == "zh":
        when = label("text", "by_year", "zh", year=target.year) if target.year else ""
        scope = f"（{label('scopes', target.scope, 'zh')}）" if target.scope else ""
        return f"{when}{target.rule_in('zh')}{scope}"
    when = f" by {target.year}" if target.year else " (standing criterion)"
    scope = f", {target.scope}" if target.scope else ""
    return f"{target.rule}{when}{scope}"


# -- indicators ---------------------------------------------------------------------------


def indicator_repr(indicator: Indicator) -> str:
    """One line: id, names, formula, unit, kind and direction.

    Examples
    --------
    >>> import mch_indicators as mch
    >>> mch.get("MMR")  # doctest: +NORMALIZE_WHITESPACE
    <Indicator maternal_mortality_ratio: Maternal mortality ratio · 孕产妇死亡率
     = maternal_deaths / live_births × 100,000; ratio, lower is better>
    """
    scale = resolve_unit(indicator.unit).scale
    times = f" × {scale:,}" if scale != 1 else ""
    return (
        f"<Indicator {indicator.id}: {indicator.name.en} · {indicator.name.zh} = "
        f"{indicator.numerator.id} / {indicator.denominator.id}{times}; "
        f"{indicator.kind.value}, {label('directions', indicator.direction.value, 'en')}>"
    )


def _term(term_name_en: str, term_name_zh: str, term_id: str) -> str:
    return (
        f"{escape(term_name_en)} · <span class='mch-zh'>{escape(term_name_zh)}</span> "
        f"<span class='mch-id'>{escape(term_id)}</span>"
    )


def _formula(indicator: Indicator) -> str:
    scale = resolve_unit(indicator.unit).scale
    numerator, denominator = indicator.numerator, indicator.denominator
    fraction = (
        "<span class='mch-frac'>"
        f"<span>{_term(numerator.name.en, numerator.name.zh, numerator.id)}</span>"
        f"<span>{_term(denominator.name.en, denominator.name.zh, denominator.id)}</span>"
        "</span>"
    )
    return fraction + (f" × {scale:,}" if scale != 1 else "")


def indicator_html(indicator: Indicator) -> str:
    """A definition card: names, formula, unit, kind, direction, sources, variants, targets."""
    family, targets = indicator_context(indicator)
    rows = [
        (_field("unit"), _unit(indicator.unit)),
        (_field("kind"), _both("kinds", indicator.kind.value)),
        (_field("direction"), _both("directions", indicator.direction.value)),
        (_field("domain"), _both("domains", indicator.domain.value)),
        (_field("method"), escape(_method(indicator.default_method))),
    ]
    codes = code_labels(indicator)
    if codes:
        rows.append((_field("codes"), escape(", ".join(codes))))
    parts = [
        f"<div><strong>{escape(indicator.name.en)}</strong> · "
        f"<strong class='mch-zh'>{escape(indicator.name.zh)}</strong> "
        f"<span class='mch-id'>{escape(indicator.id)}</span>"
        + ("" if indicator.verified else f" <em>({_both('text', 'unverified')})</em>")
        + "</div>",
        f"<div>{_formula(indicator)}</div>",
        _rows(rows),
        f"<p>{escape(indicator.definition.en)}"
        + (f"<br>{escape(indicator.definition.zh)}" if indicator.definition.zh else "")
        + "</p>",
    ]
    sources = "".join(f"<li>{escape(source_label(s))}</li>" for s in indicator.sources)
    parts.append(_details(_field("sources"), len(indicator.sources), f"<ul>{sources}</ul>"))
    if len(family) > 1:
        items = "".join(
            f"<li><span class='mch-id'>{escape(m.id)}</span> {escape(m.name.zh)}"
            + (f" ({escape(parameter_label(m.parameters))})" if m.parameters.items() else "")
            + ("</li>" if m.id != indicator.id else " ←</li>")
            for m in family
        )
        parts.append(_details(_field("variants"), len(family), f"<ul>{items}</ul>"))
    if targets:
        items = "".join(
            f"<li>{escape(target_label(t))}: {escape(t.plan.name.zh)} · "
            f"{escape(t.plan.name.en)}</li>"
            for t in targets
        )
        parts.append(_details(_field("targets"), len(targets), f"<ul>{items}</ul>"))
    return _card("".join(parts))


def _details(summary: str, size: int, body: str) -> str:
    return f"<details><summary>{summary} ({size})</summary>{body}</details>"


# -- results ------------------------------------------------------------------------------


def _number(value: float, decimals: int) -> str:
    return "–" if math.isnan(value) else f"{value:,.{decimals}f}"


def _positions(size: int) -> list[int | None]:
    """Flat positions to show: all, or the first and last rows with a gap (None)."""
    if size <= MAX_ROWS:
        return list(range(size))
    return [*range(_HEAD), None, *range(size - _TAIL, size)]


def _row_name(result: Result, position: int) -> str:
    """A row of the card: its label (a Series' index...), else its position in the array."""
    if result.labels is not None:
        return str(result.labels[position])
    index = np.unravel_index(position, result.shape) if result.shape else ()
    return str(index[0] if len(index) == 1 else tuple(map(int, index)))


def result_html(result: Result) -> str:
    """A rounded table of a result with its flags and their legend; large ones summarised."""
    places = result.indicator.decimals
    spec = resolve_unit(result.unit)
    level = level_label(result.confidence[0])
    value, lower, upper = result.value.ravel(), result.lower.ravel(), result.upper.ravel()
    numerator, denominator = result.numerator.ravel(), result.denominator.ravel()
    flags = result.flags.ravel()
    header = ["", "numerator", "denominator", "value", "ci", "flags"]
    names = [
        "#", _field("numerator"), _field("denominator"),
        f"{_field('value')} ({escape(spec.symbol or spec.name)})", _interval(level),
        _field("flags"),
    ]  # fmt: skip
    head = "".join(f"<th>{n}</th>" for n in names)
    body = []
    for position in _positions(result.size):
        if position is None:
            body.append(f"<tr><td colspan='{len(header)}'>…</td></tr>")
            continue
        mask = int(flags[position])
        labels = "|".join(f.name or "" for f in Flag if mask & f)
        body.append(
            f"<tr><td>{escape(_row_name(result, position))}"
            f"</td><td class='num'>{_number(float(numerator[position]), 0)}</td>"
            f"<td class='num'>{_number(float(denominator[position]), 0)}</td>"
            f"<td class='num'>{_number(float(value[position]), places)}</td>"
            f"<td class='num'>{_number(float(lower[position]), places)}–"
            f"{_number(float(upper[position]), places)}</td>"
            f"<td class='mch-flag'>{escape(labels)}</td></tr>"
        )
    counts = {f: int(np.count_nonzero(flags & np.uint16(f))) for f in Flag}
    present = {f: n for f, n in counts.items() if n}
    legend = "".join(
        f"<li><span class='mch-flag'>{escape(f.name or '')}</span> ({n:,}): "
        f"{escape(label('flags', f.name or '', 'en', 'meaning'))} · "
        f"{escape(label('flags', f.name or '', 'zh', 'meaning'))}"
        "</li>"
        for f, n in present.items()
    )
    title = (
        f"<div><strong>{escape(result.indicator.name.en)}</strong> · "
        f"<span class='mch-zh'>{escape(result.indicator.name.zh)}</span> "
        f"<span class='mch-note'>{escape(_unit(result.unit))}; {result.size:,} "
        f"value{'s' if result.size != 1 else ''}, shape {result.shape}; {_interval(level)} "
        f"({escape(_method(result.method))})</span></div>"
    )
    shown = len([p for p in _positions(result.size) if p is not None])
    total = f"{result.size:,}"
    note = (
        f"<div class='mch-note'>{escape(label('text', 'shown', 'en', shown=shown, total=total))}"
        "</div>"
        if shown < result.size
        else ""
    )
    table = f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    return _card(title + table + note + (f"<ul class='mch-note'>{legend}</ul>" if legend else ""))


# -- catalog ------------------------------------------------------------------------------


def catalog_html(domains: Mapping[str, Sequence[Indicator]]) -> str:
    """A catalog as a table grouped by domain, with a search box that filters the rows.

    ``domains`` maps each domain (its value, ``"maternal_mortality"``...) to its
    indicators, in the order to show. The domains open on a click; the search box
    (a few lines of script, where a page allows them) shows the matching rows and
    opens their domains.
    """
    uid = f"mch-catalog-{next(_ids)}"
    groups = []
    for domain, members in domains.items():
        if not members:
            continue
        rows = "".join(
            "<tr data-search='"
            + escape(fold(" ".join([i.id, i.name.en, i.name.zh, *i.aliases])), quote=True)
            + f"'><td class='mch-en'>{escape(i.name.en)}</td>"
            f"<td class='mch-zh'>{escape(i.name.zh)}</td><td class='mch-id'>{escape(i.id)}</td>"
            f"<td>{escape(resolve_unit(i.unit).symbol or i.unit)}</td>"
            f"<td>{escape(i.kind.value)}</td></tr>"
            for i in members
        )
        groups.append(
            f"<details><summary><strong>{_both('domains', domain)}</strong> "
            f"({len(members)})</summary><table>{rows}</table></details>"
        )
    search = (
        f"<input type='search' placeholder='{_both('text', 'search')}' "
        f"oninput=\"var q=this.value.toLowerCase();document.querySelectorAll('#{uid} details')"
        ".forEach(function(d){var n=0;d.querySelectorAll('tr').forEach(function(r){"
        "var hit=r.dataset.search.indexOf(q)>=0;r.style.display=hit?'':'none';n+=hit})"
        ';d.open=q.length>0&&n>0})" '
        "style='width:28em;max-width:100%'>"
    )
    size = sum(len(members) for members in domains.values())
    title = f"<div><strong>{_both('text', 'catalog')}</strong> ({size})</div>"
    return _card(f"{title}{search}<div id='{uid}'>{''.join(groups)}</div>")


# -- targets ------------------------------------------------------------------------------


def target_repr(target: Target) -> str:
    """One line: id and rule.

    Examples
    --------
    >>> import mch_indicators as mch
    >>> mch.targets_for("MMR", plan="healthy_china_2030")[0]
    <Target healthy_china_2030/maternal_mortality_ratio/2030: ≤ 12 per 100,000 by 2030>
    """
    when = f" by {target.year}" if target.year else ""
    return f"<Target {target.id}: {target.rule}{when}>"


def target_html(target: Target) -> str:
    """A target's card: plan, indicator, rule, year, the plan's own words, sources."""
    rows = [
        (_field("plan"), escape(f"{target.plan.name.en} · {target.plan.name.zh}")),
        (_field("target"), escape(target_label(target))),
    ]
    if target.wording:
        rows.append((_field("wording"), escape(target.wording)))
    sources = "".join(f"<li>{escape(source_label(s))}</li>" for s in target.plan.sources)
    return _card(
        f"<div><strong>{escape(target.indicator)}</strong> "
        f"<span class='mch-id'>{escape(target.id)}</span>"
        + ("" if target.verified else f" <em>({_both('text', 'unverified')})</em>")
        + f"</div>{_rows(rows)}"
        + _details(_field("sources"), len(target.plan.sources), f"<ul>{sources}</ul>")
    )
