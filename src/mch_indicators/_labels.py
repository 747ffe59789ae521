"""Display text in English and Chinese, read from ``definitions/labels.toml``: one table, one API.

Every surface (result tables, the CLI, reports, comparisons, charts, notebook cards,
the DHIS2 export, the docs page generator) takes the words it shows a person from
here: units, flags, kinds, directions, domains, target comparators, the outcomes of
comparisons, funnels, trends and target checks, column headers, chart axes and
legends, and the label columns of an office's table (县区, 年份). The file is read once
and checked (a mistake is a :class:`DefinitionError` at load, not a blank cell in a
report): known sections and fields only, a non-empty ``en`` and ``zh`` everywhere,
templates that parse (the Chinese one needing nothing the English one is not given),
every unit and flag labelled, every status code in one section and its Chinese text
unique. The test suite checks that kinds, directions, domains, comparators and every
status code the library returns have labels (``tests/test_labels.py``).
"""

from __future__ import annotations

import os
import string
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal

from mch_indicators._cache import package_toml
from mch_indicators._errors import (
    DefinitionError,
    InvalidInputError,
    OutputError,
    Words,
    error_of,
    os_reason,
    words,
)

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

__all__ = [
    "LANGS",
    "LANG_VARIABLE",
    "STATUS_SECTIONS",
    "Field",
    "Lang",
    "Words",
    "check_lang",
    "column_label",
    "default_lang",
    "error_of",
    "fields",
    "flag_text",
    "input_error",
    "joined",
    "label",
    "labels",
    "message_texts",
    "os_reason",
    "status_codes",
    "status_text",
    "translate",
    "unit_header",
    "unit_text",
    "upper_first",
    "words",
]

Lang = Literal["en", "zh"]
LANGS: tuple[Lang, ...] = ("en", "zh")
#: Environment variable giving the command line's default language.
LANG_VARIABLE = "MCH_INDICATORS_LANG"

#: Sections whose keys are the status codes the library returns.
STATUS_SECTIONS: tuple[str, ...] = ("comparisons", "significance", "trends", "target_status")
_SECTIONS: tuple[str, ...] = (
    *("units", "flags", "kinds", "directions", "domains", "methods", "comparators"),
    *STATUS_SECTIONS,
    *("axis", "legend", "columns", "fields", "checks", "check_names", "template_sets"),
    *("messages", "hints", "text", "scopes"),
    "cli",
    "argparse",
)
#: Parts an entry must have besides ``en`` and ``zh``, each itself an en/zh pair.
_PARTS = {"units": ("header", "axis"), "flags": ("meaning",), "comparators": ("rule",)}
#: Parts an entry may have (a report's mark of a flag; a domain's sheet name; a check's
#: message about one line).
_OPTIONAL_PARTS = {"flags": ("mark",), "domains": ("sheet",), "checks": ("one",)}
#: Fields an entry may have that are data, not text.
_DATA = {"fields": ("role", "aliases", "codes")}


@dataclass(frozen=True, slots=True)
class Field:
    """A label column of an office's table: an area level or a period.

    ``id`` is the name the column takes in results (``county``, ``year``);
    ``aliases`` the headers it goes by (``县区``, ``区县``, ``年份``...); ``codes``
    the headers of a column of an area level's codes (``县区代码``), the level's
    column when a table names no area otherwise.
    """

    id: str
    role: Literal["area", "period"]
    en: str
    zh: str
    aliases: tuple[str, ...]
    codes: tuple[str, ...] = ()

    def names(self) -> tuple[str, ...]:
        """Every header this field is matched by."""
        return (self.en, self.zh, *self.aliases)


def check_lang(lang: object) -> Lang:
    """``lang`` if it is ``"en"`` or ``"zh"``, else an :class:`InvalidInputError`."""
    if lang == "en" or lang == "zh":
        return lang
    raise InvalidInputError(f"lang must be 'en' or 'zh', got {lang!r}")


def default_lang() -> Lang:
    """The language set by ``MCH_INDICATORS_LANG`` (``en`` when unset)."""
    value = os.environ.get(LANG_VARIABLE, "").strip().lower() or "en"
    if value.startswith("zh"):
        return "zh"
    if value.startswith("en"):
        return "en"
    raise InvalidInputError(f"{LANG_VARIABLE} must be 'en' or 'zh', got {value!r}")


# -- the table, checked on load ------------------------------------------------------------


def _pair(entry: Any, where: str, *, blank: bool = False) -> None:
    if not isinstance(entry, Mapping):
        raise DefinitionError(f"labels.toml, {where}: expected a table with en and zh")
    extra = set(entry) - {"en", "zh"}
    if extra:
        raise DefinitionError(f"labels.toml, {where}: unknown fields {sorted(extra)}")
    names: dict[str, set[str]] = {}
    for lang in LANGS:
        text = entry.get(lang)
        if not isinstance(text, str) or (not blank and not text.strip()):
            raise DefinitionError(f"labels.toml, {where}: {lang} is missing or empty")
        try:
            names[lang] = {name for _, name, _, _ in string.Formatter().parse(text) if name}
        except ValueError as error:
            raise DefinitionError(f"labels.toml, {where}: {lang}: {error}") from None
    unfilled = names["zh"] - names["en"]
    if unfilled:
        raise DefinitionError(
            f"labels.toml, {where}: zh has placeholders that en lacks: {sorted(unfilled)}"
        )


def _check_entry(section: str, key: str, entry: Any) -> None:
    where = f"{section}.{key}"
    if not isinstance(entry, Mapping):
        raise DefinitionError(f"labels.toml, {where}: expected a table with en and zh")
    parts, data = _PARTS.get(section, ()), _DATA.get(section, ())
    optional = _OPTIONAL_PARTS.get(section, ())
    blank = section == "units"
    _pair({k: v for k, v in entry.items() if k in LANGS}, where, blank=blank)
    extra = set(entry) - {*LANGS, *parts, *optional, *data}
    if extra:
        raise DefinitionError(f"labels.toml, {where}: unknown fields {sorted(extra)}")
    for part in parts:
        if part not in entry:
            raise DefinitionError(f"labels.toml, {where}: {part} is missing")
    for part in (*parts, *(p for p in optional if p in entry)):
        _pair(entry[part], f"{where}.{part}", blank=blank)
    if section == "fields" and entry.get("role") not in ("area", "period"):
        raise DefinitionError(f"labels.toml, {where}: role must be 'area' or 'period'")
    for name in ("aliases", "codes") if section == "fields" else ():
        headers = entry.get(name, [])
        if not isinstance(headers, list) or not all(isinstance(h, str) and h for h in headers):
            raise DefinitionError(f"labels.toml, {where}: {name} must be a list of headers")
    if section == "fields" and entry.get("codes") and entry["role"] != "area":
        raise DefinitionError(f"labels.toml, {where}: only an area has codes")


#: The keywords of :func:`error_of` that are the error's own: no message names them.
_ERROR_KEYWORDS = frozenset({"hint", "row", "column"})


def _check_messages(data: Mapping[str, Any]) -> None:
    """No message has a placeholder that :func:`error_of` would take as the error's own."""
    for key, entry in data.get("messages", {}).items():
        names = {name for _, name, _, _ in string.Formatter().parse(entry["en"]) if name}
        taken = sorted(names & _ERROR_KEYWORDS)
        if taken:
            raise DefinitionError(
                f"labels.toml, messages.{key}: placeholders {taken} are the error's own "
                "(hint, row, column); name them otherwise"
            )


def _check_statuses(data: Mapping[str, Any]) -> None:
    """Each status code in one section; no two codes with the same Chinese text."""
    home: dict[str, str] = {}
    codes_of: dict[str, str] = {}
    for section in STATUS_SECTIONS:
        for code, entry in data.get(section, {}).items():
            if code in home:
                raise DefinitionError(
                    f"labels.toml: status {code!r} is in both [{home[code]}] and [{section}]"
                )
            home[code] = section
            other = codes_of.setdefault(entry["zh"], code)
            if other != code:
                raise DefinitionError(
                    f"labels.toml: statuses {other!r} and {code!r} have the same Chinese text "
                    f"{entry['zh']!r}; a Chinese table could not be read back"
                )


def _check_coverage(data: Mapping[str, Any]) -> None:
    """Every unit, flag and hint has a label (all live in this layer or below).

    Kinds, directions, domains, comparators and status codes live in modules above
    this one; the test suite checks that each has a label (tests/test_labels.py).
    """
    from mch_indicators._errors import HINTS
    from mch_indicators._unitspec import unit_specs
    from mch_indicators.stats import Flag

    wanted = {
        "units": list(unit_specs()),
        "flags": [flag.name for flag in Flag if flag.name],
        "hints": [hint.key for hint in HINTS],
    }
    for section, keys in wanted.items():
        missing = [key for key in keys if key not in data.get(section, {})]
        if missing:
            raise DefinitionError(f"labels.toml: no {section} label for {', '.join(missing)}")


def check_labels(data: Mapping[str, Any]) -> None:
    """Raise :class:`DefinitionError` unless ``data`` is a valid label table."""
    unknown = set(data) - set(_SECTIONS)
    if unknown:
        raise DefinitionError(f"labels.toml: unknown sections {sorted(unknown)}")
    for section in _SECTIONS:
        for key, entry in dict(data.get(section, {})).items():
            _check_entry(section, key, entry)
    _check_messages(data)
    _check_statuses(data)
    _check_coverage(data)


@cache
def labels() -> MappingProxyType[str, Any]:
    """The whole label table, checked (read once; parsed from the cache when unchanged)."""
    data = package_toml("labels.toml")
    check_labels(data)
    return MappingProxyType(data)


# -- looking labels up ---------------------------------------------------------------------


def label(section: str, key: str, lang: str, part: str | None = None, /, **values: object) -> str:
    """The ``lang`` text of ``key`` in ``section`` (``part``: ``meaning``, ``rule``...).

    ``values`` fill the text's placeholders. A text without placeholders is formatted
    too, so that its doubled braces (``{{ en = ... }}``) read as one whether or not a
    caller passes values; a text with placeholders asked for without values is the
    template itself, for the caller to fill. An unknown key falls back to the key
    itself, so that a user's own column or a code without a label stays readable.

    Examples
    --------
    >>> label("flags", "UNRELIABLE", "zh")
    '数值不稳定'
    >>> label("columns", "value", "zh"), label("columns", "县名", "zh")
    ('数值', '县名')
    >>> label("legend", "observed", "zh", level=95)
    '观察值及95%置信区间'
    """
    chosen = check_lang(lang)
    entry = labels().get(section, {}).get(key)
    if entry is None:
        return key
    if part is not None:
        entry = entry[part]
    text: str = entry[chosen]
    return text.format(**values) if values or not _has_placeholders(text) else text


@cache
def _has_placeholders(text: str) -> bool:
    """Whether ``text`` names a value to fill (``{name}``); doubled braces do not count."""
    return any(name is not None for _, name, _, _ in string.Formatter().parse(text))


def message_texts(key: str, values: Mapping[str, object]) -> tuple[str, str]:
    """The ``messages`` text ``key`` in English and Chinese, ``values`` filled in each.

    What :func:`words` and :func:`error_of` say (plugged into
    :data:`mch_indicators._hooks.message_texts`); a value that is :class:`Words` fills
    each text in its language.

    Examples
    --------
    >>> message_texts("dhis2_line", {"place": 4})
    ('line 4', '第4行')
    """
    en, zh = (label("messages", key, lang, **_in_lang(values, lang)) for lang in LANGS)
    return en, zh


def _in_lang(values: Mapping[str, object], lang: Lang) -> dict[str, object]:
    return {k: getattr(v, lang) if isinstance(v, Words) else v for k, v in values.items()}


def input_error(key: str, /, **values: object) -> InvalidInputError:
    """An :class:`InvalidInputError` saying the ``messages`` text ``key`` in both languages.

    Examples
    --------
    >>> error = input_error("unknown_plan", plan="x", known="sdg_2030")
    >>> error.reason, error.reason_zh
    ("unknown plan 'x'; known plans: sdg_2030", '未知的规划“x”；已有的规划：sdg_2030')
    """
    # no message names a placeholder hint, row or column (the label table refuses them)
    return error_of(InvalidInputError, key, **values)  # type: ignore[arg-type]


def cannot_write(path: object, error: OSError) -> OutputError:
    """The :class:`OutputError` of a file that could not be written, in both languages.

    Examples
    --------
    >>> error = cannot_write("out/a.json", FileNotFoundError(2, "No such file or directory"))
    >>> str(error), error.path
    ('out/a.json: cannot write (No such file or directory)', 'out/a.json')
    >>> error.reason_zh
    'out/a.json：无法写入（文件或文件夹不存在）'
    """
    reason = os_reason(error)
    return OutputError(
        label("messages", "cannot_write", "en", path=path, reason=reason.en),
        reason_zh=label("messages", "cannot_write", "zh", path=path, reason=reason.zh),
        path=str(path),
    )


def joined(items: Iterable[object], lang: str, *, most: int | None = None) -> str:
    """``items`` as a list in a message: ``a, b`` in English, ``甲、乙`` in Chinese.

    With ``most``, the first ``most`` and an ellipsis; an empty list says so ("none", 无).

    Examples
    --------
    >>> joined(["甲县", "乙县"], "zh"), joined("abc", "en", most=2), joined([], "zh")
    ('甲县、乙县', 'a, b…', '无')
    """
    names = [str(item) for item in items]
    if not names:
        return label("text", "none", lang)
    shown = names if most is None else names[:most]
    return ("、" if lang == "zh" else ", ").join(shown) + "…" * (len(shown) < len(names))


def upper_first(text: str) -> str:
    """``text`` with its first letter capitalised, for a chart or a card (``Value``).

    Examples
    --------
    >>> upper_first("within the limits"), upper_first("95% limits"), upper_first("数值")
    ('Within the limits', '95% limits', '数值')
    """
    return text[:1].upper() + text[1:]


def unit_text(unit: str, lang: str) -> str:
    """What follows a number: ``%``, ``‰``, ``/10万`` (zh) or `` per 100,000`` (en).

    Examples
    --------
    >>> "7.42" + unit_text("per_100k", "zh")
    '7.42/10万'
    """
    return label("units", unit, lang)


def unit_header(unit: str, lang: str) -> str:
    """The unit as put in a column header: ``/10万``, ``%``, ``per 100,000``."""
    return label("units", unit, lang, "header")


def flag_text(names: str, lang: str, sep: str = "|") -> str:
    """Flag names (``"MISSING|ZERO_DENOMINATOR"``) in ``lang``, joined by ``sep``.

    Examples
    --------
    >>> flag_text("MISSING|ZERO_DENOMINATOR", "zh", sep="、")
    '缺报、分母为零'
    """
    if not names:
        return ""
    return sep.join(label("flags", name, lang) for name in names.split("|"))


def column_label(column: str, lang: str) -> str:
    """A result column's header in ``lang``: a known column, a field (县区), or itself.

    Examples
    --------
    >>> column_label("county", "zh"), column_label("lower_95", "zh")
    ('县区', '下限_95')
    """
    if column in labels()["columns"]:
        return label("columns", column, lang)
    if column in labels()["fields"]:
        return label("fields", column, lang)
    for limit in ("lower", "upper"):
        if column.startswith(limit + "_"):
            return label("columns", limit, lang) + column[len(limit) :]
    return column


@cache
def fields() -> tuple[Field, ...]:
    """The label columns (area levels, periods) an office's table may have."""
    return tuple(
        Field(
            id=key,
            role=entry["role"],
            en=entry["en"],
            zh=entry["zh"],
            aliases=tuple(entry.get("aliases", ())),
            codes=tuple(entry.get("codes", ())),
        )
        for key, entry in labels()["fields"].items()
    )


# -- status codes: comparisons, funnels, trends, targets -----------------------------------


@cache
def _statuses() -> MappingProxyType[str, Mapping[str, str]]:
    """Every status code and its en/zh text, whatever its section."""
    table = labels()
    return MappingProxyType(
        {code: entry for section in STATUS_SECTIONS for code, entry in table[section].items()}
    )


@cache
def _codes_by_zh() -> MappingProxyType[str, str]:
    """Each status's Chinese text, and its NFKC form, to its code.

    The NFKC form (``偏高(超出95%控制限)``) is how tables written before the labels
    took full-width brackets have it: they read back too.
    """
    back = {}
    for code, entry in _statuses().items():
        back[unicodedata.normalize("NFKC", entry["zh"])] = code
        back[entry["zh"]] = code
    return MappingProxyType(back)


def _code_of(shown: str, back: Mapping[str, str]) -> str:
    found = back.get(shown)
    return found if found is not None else back.get(unicodedata.normalize("NFKC", shown), shown)


def status_text(code: str, lang: str) -> str:
    """How a person reads a status code (``"high (0.001)"``) in ``lang``; unknown: itself.

    Examples
    --------
    >>> status_text("not significant", "en"), status_text("better", "zh")
    ('within the limits', '较好')
    """
    entry = _statuses().get(code)
    return code if entry is None else entry[check_lang(lang)]


def translate(codes: npt.ArrayLike, lang: str) -> np.ndarray[Any, np.dtype[np.object_]]:
    """Status codes as a table in ``lang`` shows them: the codes in English, else the text.

    English tables keep the codes (what code compares against); codes without a
    label, and missing values, are kept as they are.

    Examples
    --------
    >>> translate(["better", "no significant change"], "zh").tolist()
    ['较好', '无显著变化']
    >>> translate(["high (0.001)"], "en").tolist()
    ['high (0.001)']
    """
    import numpy as np

    values = np.asarray(codes, dtype=object)
    if check_lang(lang) == "en":
        return values
    table = _statuses()
    out = [
        table[v]["zh"] if isinstance(v, str) and v in table else v for v in values.ravel().tolist()
    ]
    return np.array(out, dtype=object).reshape(values.shape)


def status_codes(shown: npt.ArrayLike) -> np.ndarray[Any, np.dtype[np.object_]]:
    """The status codes of a table's statuses in either language (undoes :func:`translate`).

    Examples
    --------
    >>> status_codes(["较好", "similar", None]).tolist()
    ['better', 'similar', None]
    """
    import numpy as np

    back = _codes_by_zh()
    values = np.asarray(shown, dtype=object)
    out = [_code_of(v, back) if isinstance(v, str) else v for v in values.ravel().tolist()]
    return np.array(out, dtype=object).reshape(values.shape)
