"""Every message of the DHIS2 readers (interop) and the export writers is said in Chinese too.

The messages are label data (``[messages]`` of ``definitions/labels.toml``, checked on
load: a non-empty ``en`` and ``zh``); the modules raise them through ``error_of`` or
``input_error``, never as text of their own. The command line shows the Chinese text
under ``--lang zh``.
"""

from __future__ import annotations

import ast
import copy
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import mch_indicators as mch
from mch_indicators import export, interop
from mch_indicators._errors import DUPLICATES_ADD, MCHIndicatorsError
from mch_indicators._labels import labels
from mch_indicators.export import dhis2_metadata, dhis2_uid

PACKAGE = Path(mch.__file__).parent
MODULES = sorted([*PACKAGE.glob("interop/*.py"), *PACKAGE.glob("export/*.py")])
#: The functions that make an error from a ``messages`` key, in both languages.
MAKERS = {"error_of", "input_error", "cannot_write"}
CJK = re.compile(r"[\u4e00-\u9fff]")

DEATHS = dhis2_uid("dataElement", "maternal_deaths")
BIRTHS = dhis2_uid("dataElement", "live_births")


def _raises(tree: ast.AST) -> Iterator[ast.Raise]:
    yield from (node for node in ast.walk(tree) if isinstance(node, ast.Raise))


def _maker(node: ast.expr | None) -> str | None:
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        return node.func.id
    return None


def test_every_raise_of_the_modules_says_a_message_of_the_label_table():
    wrong = []
    for path in MODULES:
        for node in _raises(ast.parse(path.read_text("utf-8"))):
            if node.exc is None:  # a re-raise (skip_unsupported=False)
                continue
            if _maker(node.exc) == "AttributeError" and path.name == "__init__.py":
                continue  # a module's __getattr__: Python's protocol, not a message
            if _maker(node.exc) not in MAKERS:
                wrong.append(f"{path.name}:{node.lineno}")
    assert not wrong, wrong


def test_every_message_key_the_modules_name_is_in_both_languages():
    messages = labels()["messages"]
    named = set()
    for path in MODULES:
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            text = node.value if isinstance(node, ast.Constant) else None
            if isinstance(text, str) and re.fullmatch(r"(dhis2|export)_[a-z_]+", text):
                named.add(text)
    named -= {name for name in named if hasattr(export, name)}  # a function: dhis2_uid
    named |= {f"{key}s" for key in ("dhis2_line", "dhis2_data_value", "dhis2_row")}
    assert len(named) > 45
    missing = sorted(named - set(messages))
    assert not missing
    for key in named:
        zh = messages[key]["zh"]
        assert messages[key]["en"].strip() and re.search(r"[\u3000-\u9fff\uff00-\uffef]", zh), key


# -- driven: each failing input, its error in Chinese -----------------------------------


def _package() -> dict[str, Any]:
    return copy.deepcopy(dhis2_metadata(ids=["stillbirth_rate"]))


def _indicator(change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    package = _package()
    change(package["indicators"][0])
    return package


def _type(change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    package = _package()
    for kind in package["indicatorTypes"]:
        kind["code"] = "OTHER"
        change(kind)
    return package


def _attribute(value: str) -> dict[str, Any]:
    def change(item: dict[str, Any]) -> None:
        item["attributeValues"][0]["value"] = value

    return _indicator(change)


def _values(*rows: dict[str, Any]) -> dict[str, Any]:
    return {"period": "2024", "dataValues": list(rows)}


def _value(element: str = DEATHS, unit: str = "OU", value: object = "1") -> dict[str, Any]:
    return {"dataElement": element, "orgUnit": unit, "value": value}


def _csv(tmp_path: Path, text: str) -> str:
    path = tmp_path / "values.csv"
    path.write_text(text, encoding="utf-8")
    return str(path)


def _gbk_csv(tmp_path: Path) -> str:
    path = tmp_path / "values.csv"
    path.write_bytes("dataelement,period,orgunit,value\n死亡,2024,县,1\n".encode("gbk"))
    return str(path)


def _json_list(tmp_path: Path) -> str:
    path = tmp_path / "values.json"
    path.write_text("[1, 2]", encoding="utf-8")
    return str(path)


READ = interop.read_dhis2_metadata
VALUES = interop.read_data_value_set
COMPUTE = interop.compute_data_values
TWO = _values(_value(DEATHS, "OU", "1"), _value(BIRTHS, "OU", "100"))

CASES: dict[str, Callable[[Path], object]] = {
    "dhis2_source_kind": lambda _: VALUES(3),  # type: ignore[arg-type]
    "dhis2_not_object": lambda tmp: VALUES(_json_list(tmp)),
    "dhis2_not_list": lambda _: READ({"indicators": "x"}),
    "dhis2_member_not_object": lambda _: READ({"indicators": [1]}),
    "dhis2_field_text": lambda _: READ({"indicators": [{"id": 3}]}),
    "dhis2_field_number": lambda _: READ({"indicatorTypes": [{"id": "a", "factor": "x"}]}),
    "dhis2_field_flag": lambda _: READ({"indicators": [{"annualized": "yes"}]}),
    "dhis2_field_object": lambda _: READ({"indicators": [{"indicatorType": 1}]}),
    "dhis2_no_id": lambda _: READ({"dataElements": [{}]}),
    "dhis2_type_missing": lambda _: READ(_indicator(lambda i: i.update(indicatorType={}))),
    "dhis2_type_number": lambda _: READ(_type(lambda t: t.update(number=True))),
    "dhis2_factor": lambda _: READ(_type(lambda t: t.update(factor=7))),
    "dhis2_expression": lambda _: READ(_indicator(lambda i: i.update(numerator="1"))),
    "dhis2_element_missing": lambda _: READ(
        _indicator(lambda i: i.update(numerator="#{abcdefghijk}"))
    ),
    "dhis2_attribute": lambda _: READ(_attribute("[1]")),
    "dhis2_attribute_part": lambda _: READ(_attribute('{"numerator": 3}')),
    "dhis2_choice": lambda _: READ(_package(), kinds={"x": "nope"}),
    "dhis2_by_code": lambda _: READ(_package(), kinds="x"),  # type: ignore[arg-type]
    "dhis2_csv_error": lambda tmp: VALUES(_csv(tmp, "a\n" + '"' + "x" * 200_000 + '"\n')),
    "dhis2_csv_utf8": lambda tmp: VALUES(_gbk_csv(tmp)),
    "dhis2_csv_twice": lambda tmp: VALUES(_csv(tmp, "dataelement,period,value,value\n")),
    "dhis2_no_data_values": lambda _: VALUES({"dataValues": "abc"}),
    "dhis2_value_not_object": lambda _: VALUES({"dataValues": ["a"]}),
    "dhis2_value_too_small": lambda _: VALUES(_values(_value(value="1e-400"))),
    "dhis2_value_negative": lambda _: VALUES(_values(_value(value="-1"))),
    "dhis2_key_required": lambda _: VALUES(_values(_value(unit=["OU"]))),  # type: ignore[arg-type]
    "dhis2_key_text": lambda _: VALUES(_values({**_value(), "categoryOptionCombo": [1]})),
    "duplicates_choice": lambda _: VALUES(TWO, duplicates="x"),  # type: ignore[arg-type]
    "dhis2_reported_twice": lambda _: VALUES(_values(_value(), _value())),
    "dhis2_table_column": lambda _: COMPUTE(pd.DataFrame({"dataElement": ["a"]})),
    "dhis2_not_whole": lambda _: COMPUTE(_values(_value(value="1.5"), _value(BIRTHS))),
    "dhis2_mapping": lambda _: COMPUTE(TWO, data_elements=3),  # type: ignore[arg-type]
    "dhis2_mapping_entry": lambda _: COMPUTE(TWO, data_elements={"a": 3}),  # type: ignore[dict-item]
    "dhis2_nothing_maps": lambda _: COMPUTE(_values(_value("zzzzzzzzzzz"))),
    "dhis2_no_indicator": lambda _: COMPUTE(_values(_value(DEATHS))),
    "dhis2_term_unmapped": lambda _: COMPUTE(_values(_value(DEATHS)), indicators=["MMR"]),
    "export_binary": lambda _: export.dumps("xlsx"),
    "export_format": lambda _: export.dumps("nope"),  # type: ignore[arg-type]
}


@pytest.mark.parametrize("key", sorted(CASES))
def test_each_failing_input_is_refused_in_english_and_chinese(key, tmp_path):
    with pytest.raises(MCHIndicatorsError) as caught:
        CASES[key](tmp_path)
    error = caught.value
    messages = labels()["messages"]
    english = re.escape(messages[key]["en"].split("{")[0].split("}")[-1][:20])
    assert re.search(english, error.reason), (key, error.reason)
    assert error.reason_zh and CJK.search(error.reason_zh), (key, error.reason)
    assert error.reason_zh != error.reason


def test_every_message_of_the_modules_is_driven_by_a_case():
    keys = {k for k in labels()["messages"] if re.match(r"(dhis2|export)_", k)}
    places = {"dhis2_metadata", "dhis2_data_value_set", "dhis2_table_of_values"}
    places |= {"dhis2_indicator", "dhis2_member", "dhis2_in_field"}
    places |= {f"dhis2_{kind}{s}" for kind in ("line", "data_value", "row") for s in ("", "s")}
    assert keys - places <= set(CASES)  # and a message shared with other readers (duplicates=)


def test_the_places_a_message_names_are_chinese_in_the_chinese_text():
    with pytest.raises(mch.InvalidInputError) as caught:
        VALUES(_values(_value(), _value()))
    assert caught.value.hint == DUPLICATES_ADD
    assert "在第1个和第2个数据值" in caught.value.reason_zh
    assert "data values 1 and 2" in caught.value.reason
    assert str(caught.value).endswith("; " + DUPLICATES_ADD.python())
    with pytest.raises(mch.DefinitionError) as refused:
        READ(_indicator(lambda i: i.update(numerator="1")))
    assert refused.value.reason_zh.startswith("DHIS2 指标“stillbirth_rate”（")
    assert "分子“1”既不是一个数据元" in refused.value.reason_zh


def test_a_number_too_small_is_said_in_the_words_every_reader_uses():
    from mch_indicators._io._numbers import describe_bad_number

    with pytest.raises(mch.InvalidInputError) as caught:
        VALUES(_values(_value(value="1e-400")))
    said = describe_bad_number("1e-400")  # what an office table's reader says of the cell
    assert caught.value.reason.endswith(": " + said.en)
    assert caught.value.reason_zh.endswith("：" + said.zh) and "数值过小" in said.zh


def test_the_command_line_would_say_the_chinese_text():
    from mch_indicators._cli._words import describe_error

    with pytest.raises(mch.InvalidInputError) as caught:
        VALUES(_values(_value(), _value()))
    said = describe_error(caught.value, None, "zh")
    assert said.startswith("dataValueSet：数据元") and "加上 --duplicates sum 可将其相加" in said


def test_a_csv_export_not_in_utf8_gets_the_dhis2_advice_in_both_languages(tmp_path):
    with pytest.raises(mch.InvalidInputError) as caught:
        VALUES(_gbk_csv(tmp_path))
    assert caught.value.reason.endswith("cannot be read); DHIS2 exports CSV in UTF-8")
    assert caught.value.reason_zh.startswith("values.csv：不是 UTF-8 文本（第 ")
    assert caught.value.reason_zh.endswith("；DHIS2 导出的 CSV 为 UTF-8 编码")
