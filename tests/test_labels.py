"""One set of display labels, as data, in Chinese and English, used by every surface."""

from __future__ import annotations

import copy
import inspect
import itertools
import tomllib
from collections.abc import Callable, Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

import mch_indicators as mch
from mch_indicators import stats
from mch_indicators._errors import DefinitionError
from mch_indicators._labels import (
    STATUS_SECTIONS,
    check_labels,
    label,
    labels,
    status_codes,
    status_text,
    translate,
)
from mch_indicators._progress import TargetAssessment
from mch_indicators._unitspec import unit_specs

DEFINITIONS = resources.files("mch_indicators.definitions")
SRC = Path(__file__).resolve().parents[1] / "src" / "mch_indicators"


def _status_codes() -> set[str]:
    """Every status code the library returns, and the categories the charts colour."""
    from mch_indicators.plot._funnel import funnel_category

    codes = {
        *(s.value for s in stats.Comparison), *(s.value for s in stats.Assessment),
        *(s.value for s in stats.Change), *(s.value for s in stats.Significance),
        *(s.value for s in mch.TargetStatus), "benchmark",
    }  # fmt: skip
    # a relative target checked without a baseline (TargetAssessment.status)
    assert "needs baseline" in (TargetAssessment.__doc__ or "")
    codes.add("needs baseline")
    directions = [d.value for d in mch.Direction]
    categories = {
        funnel_category(s.value, d) for s, d in itertools.product(stats.Significance, directions)
    }
    return codes | categories


def _texts(entry: Any, where: str) -> Iterator[tuple[str, str, str]]:
    """(where, en, zh) of an entry and of each of its parts (meaning, rule, header, axis)."""
    yield where, entry["en"], entry["zh"]
    for name, part in entry.items():
        if isinstance(part, dict):
            yield f"{where}.{name}", part["en"], part["zh"]


def test_labels_cover_every_unit_flag_kind_direction_domain_comparator_and_status():
    data = labels()
    wanted = {
        "units": set(unit_specs()),
        "flags": {f.name for f in mch.Flag if f.name},
        "kinds": {k.value for k in mch.Kind},
        "directions": {d.value for d in mch.Direction},
        "domains": {d.value for d in mch.Domain},
        "comparators": {c.value for c in mch.Comparator},
    }
    assert {"UNCLASSIFIED", "INCOMPLETE"} <= wanted["flags"]
    for section, keys in wanted.items():
        assert set(data[section]) == keys, section
    statuses = set().union(*(data[s] for s in STATUS_SECTIONS))
    assert _status_codes() <= statuses
    for section in (*wanted, *STATUS_SECTIONS, "columns", "fields", "axis", "legend", "text"):
        for key, entry in data[section].items():
            for where, en, zh in _texts(entry, f"{section}.{key}"):
                blank = section == "units"  # a fraction has no unit text
                assert isinstance(en, str) and (blank or en.strip()), where
                assert isinstance(zh, str) and (blank or zh.strip()), where
                symbol = where.endswith(".mark")  # a report's mark (*, ▲) is the same in both
                assert zh != en or section in ("units", "text") or not zh.isascii() or symbol, (
                    where
                )
    for flag in wanted["flags"]:
        assert label("flags", flag, "zh", "meaning") and label("flags", flag, "en", "meaning")


def test_the_file_is_what_the_module_serves():
    raw = DEFINITIONS.joinpath("labels.toml").read_text("utf-8")
    assert tomllib.loads(raw) == dict(labels())


def test_there_is_one_label_file_and_the_style_file_holds_no_text():
    folder = Path(str(DEFINITIONS))
    # coverage.toml (reference lists) and hanzi.toml (the character table) are data of
    # their own modules, not display labels
    assert sorted(p.name for p in folder.glob("*.toml")) == [
        "coverage.toml", "hanzi.toml", "labels.toml", "office_tables.toml", "plot_style.toml",
        "standard_populations.toml", "targets.toml", "templates.toml", "units.toml",
        "validation_rules.toml",
    ]  # fmt: skip
    style = tomllib.loads((folder / "plot_style.toml").read_text("utf-8"))

    def tables(value: Any) -> Iterator[dict[str, Any]]:
        if isinstance(value, dict):
            yield value
            for inner in value.values():
                yield from tables(inner)

    assert not [t for t in tables(style) if {"en", "zh"} & set(t)]


def test_only_the_labels_module_reads_the_label_file():
    readers = [
        path.relative_to(SRC).as_posix()
        for path in SRC.rglob("*.py")
        if '"labels.toml"' in path.read_text("utf-8")
    ]
    assert readers == ["_labels.py"]


def test_no_label_is_defined_twice():
    data = labels()
    assert not set(data["columns"]) & set(data["fields"])  # year heads columns from [fields]
    seen: dict[str, str] = {}
    for section in STATUS_SECTIONS:
        for code in data[section]:
            assert code not in seen, (code, seen.get(code), section)
            seen[code] = section


def test_status_codes_read_back_from_either_language():
    codes = sorted(_status_codes())
    shown = translate(codes, "zh")
    assert not set(shown.tolist()) & set(codes)
    assert status_codes(shown).tolist() == codes
    assert translate(codes, "en").tolist() == codes  # English tables keep the codes
    assert status_codes(codes).tolist() == codes
    assert translate([["better", None]], "zh").tolist() == [["较好", None]]
    assert status_text("not significant", "en") == "within the limits"
    assert status_text("a user's own", "zh") == "a user's own"


def test_the_picks_where_the_old_tables_disagreed():
    assert label("directions", "neutral", "zh") == "中性（结合情况解读）"
    assert label("domains", "mortality", "zh") == "死亡与妊娠结局"
    assert label("domains", "womens_health", "en") == "Women's health"
    assert label("comparisons", "not assessed", "zh") == "未评价（无优劣方向）"
    assert label("columns", "method", "zh") == "置信区间方法"
    assert label("text", "ci", "zh", level=95) == "95%置信区间"


def _broken(change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    data = copy.deepcopy(dict(labels()))
    change(data)
    return data


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["kinds"]["rate"].pop("zh"), "kinds.rate: zh is missing"),
        (lambda d: d["columns"]["value"].update(en=" "), "columns.value: en is missing"),
        (lambda d: d.update(colours={}), "unknown sections"),
        (lambda d: d["kinds"]["rate"].update(fr="taux"), "kinds.rate: unknown fields"),
        (lambda d: d["flags"]["MISSING"].pop("meaning"), "flags.MISSING: meaning is missing"),
        (lambda d: d["flags"].pop("INCOMPLETE"), "no flags label for INCOMPLETE"),
        (lambda d: d["hints"].pop("duplicates_sum"), "no hints label for duplicates_sum"),
        (
            lambda d: d["messages"]["dhis2_csv_twice"].update(
                en="{name}{first}{second}{field}{column}"
            ),
            r"messages.dhis2_csv_twice: placeholders \['column'\] are the error's own",
        ),
        (lambda d: d["hints"]["on_invalid_flag"].pop("zh"), "hints.on_invalid_flag: zh is"),
        (lambda d: d["text"]["ci"].update(zh="{level}%置信区间{lower"), "text.ci: zh"),
        (lambda d: d["text"]["ci"].update(zh="{level}%{method}"), "placeholders that en lacks"),
        (lambda d: d["fields"]["county"].update(role="place"), "role must be"),
        (lambda d: d["trends"].update(better={"en": "b", "zh": "b"}), "in both"),
        (lambda d: d["trends"]["increasing"].update(zh="较好"), "same Chinese text"),
    ],
)
def test_a_broken_table_is_refused_on_load(change: Callable[..., None], message: str) -> None:
    with pytest.raises(DefinitionError, match=message):
        check_labels(_broken(change))


def test_the_words_of_every_hint_are_label_data_in_both_languages():
    import dataclasses

    from mch_indicators._cli._words import hint_text
    from mch_indicators._errors import HINTS, ON_INVALID_FLAG, Hint

    # a hint holds its setting and the key of its words, no text of its own
    assert [f.name for f in dataclasses.fields(Hint)] == ["keyword", "value", "key"]
    assert {hint.key for hint in HINTS} == set(labels()["hints"])
    for hint in HINTS:
        for lang in ("en", "zh"):
            assert hint.effect(lang) == label("hints", hint.key, lang)
            assert hint_text(hint, lang).endswith(hint.effect(lang))
        assert hint.python().endswith(" " + label("hints", hint.key, "en"))
    assert ON_INVALID_FLAG.effect("zh") == "得到空值并标记“数据矛盾”"


def _public_functions() -> Iterator[tuple[str, Callable[..., Any]]]:
    for name in mch.__all__:
        value = getattr(mch, name)
        if inspect.isfunction(value):
            yield name, value
    for module in (mch.plot, mch.stats):
        for name in module.__all__:
            value = getattr(module, name)
            if inspect.isfunction(value):
                yield f"{module.__name__}.{name}", value
    yield "Result.format", mch.Result.format
    yield "Result.to_frame", mch.Result.to_frame


def test_the_language_parameter_is_lang_everywhere():
    with_lang = []
    for name, function in _public_functions():
        parameters = inspect.signature(function).parameters
        assert "language" not in parameters, name
        if "lang" in parameters:
            with_lang.append(name.rsplit(".", 1)[-1])
    assert {"compare", "funnel", "trend", "caterpillar", "format", "to_frame"} <= set(with_lang)


def test_every_scope_of_the_built_in_targets_has_a_label():
    from mch_indicators._targets import builtin_targets

    scopes = {t.scope for t in builtin_targets() if t.scope}
    assert scopes and scopes <= set(labels()["scopes"])
    assert label("scopes", "global", "zh") == "全球"


def test_every_interval_method_has_a_label_and_chinese_outputs_use_it():
    import pandas as pd

    from mch_indicators._display import display_frame
    from mch_indicators._render import describe
    from mch_indicators._views import indicator_html
    from mch_indicators.stats._intervals import METHODS

    ids = {name for family in METHODS.values() for name in family}
    assert ids <= set(labels()["methods"])
    for method in ids:
        assert not label("methods", method, "zh").isascii(), method
    mmr = mch.get("MMR")
    shown = label("methods", mmr.default_method, "zh")
    assert f"置信区间方法：{shown}（{mmr.default_method}）" in describe(mmr, lang="zh")
    assert "interval:   exact\n" in describe(mmr, lang="en")  # English keeps the id
    assert shown in indicator_html(mmr)
    frame = pd.DataFrame({"indicator": ["maternal_mortality_ratio"], "method": ["exact"]})
    assert display_frame(frame, "zh", catalog=mch.catalog)["置信区间方法"].tolist() == [shown]
    assert display_frame(frame, "en", catalog=mch.catalog)["method"].tolist() == ["exact"]


def test_chinese_labels_use_full_width_brackets_and_colons():
    import re

    cjk = re.compile(r"[\u4e00-\u9fff]")
    placeholders = re.compile(r"%\([a-z_]+\)[sdr]|'[^']*'")  # argparse's %(prog)s, an example
    wrong = []
    for section, entries in labels().items():
        for key, entry in entries.items():
            for where, _, zh in _texts(entry, f"{section}.{key}"):
                text = placeholders.sub("", zh)
                if cjk.search(text) and re.search(r"[()]|[\u4e00-\u9fff]:|:$", text):
                    wrong.append((where, zh))
    assert not wrong


def test_old_tables_with_ascii_brackets_still_read_back():
    assert status_codes(["偏高(超出95%控制限)", "偏高（超出95%控制限）"]).tolist() == [
        "high (0.025)",
        "high (0.025)",
    ]
