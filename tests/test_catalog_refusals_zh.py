"""A user's catalog that cannot be loaded is refused in English and Chinese.

``load_definitions`` and the command line's ``--definitions``: the file's layout, a term
it does not define, an id twice, a variant of nothing. The words are label data
(``[messages]`` of ``definitions/labels.toml``), raised through ``error_of``.
"""

from __future__ import annotations

import ast
import io
import json
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

import chinese
import mch_indicators as mch
from chinese import INDICATOR
from mch_indicators._cli import main

CATALOG = Path(mch.__file__).parent / "_catalog.py"


def english_words(text: str, *allowed: str) -> list[str]:
    """English words left once names and ids are taken out (in [...] and <...> too)."""
    return chinese.english_words(text, *allowed, pattern=r"(?<![\w.\[<])[a-z]{3,}(?![\w.\]>])")


def test_every_definition_error_of_the_catalog_says_a_message_of_the_label_table():
    wrong = []
    for node in ast.walk(ast.parse(CATALOG.read_text("utf-8"))):
        if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
            made = node.exc.func
            if isinstance(made, ast.Name) and made.id == "DefinitionError":
                wrong.append(node.lineno)
    assert not wrong, wrong


CASES = {
    "top_level": (
        "mine.toml",
        'colour = "red"\n' + INDICATOR,
        "mine.toml: unexpected top-level keys ['colour']; use [terms.<id>] and [[indicator]] "
        "tables",
        "mine.toml：最外层有不认识的键 colour；请使用 [terms.<id>] 和 [[indicator]] 表",
    ),
    "not_tables": (
        "mine.toml",
        "indicator = 3\n",
        "mine.toml, indicator: expected an array of tables ([[indicator]]), got int",
        "mine.toml，[[indicator]] 表：应为表的数组，而不是 int",
    ),
    "not_table": (
        "mine.toml",
        "indicator = [1]\n",
        "mine.toml, indicator #1: expected a table, got int 1",
        "mine.toml，[[indicator]] 表第1项：应为表，而不是 int 1",
    ),
    "unknown_term": (
        "mine.toml",
        INDICATOR.replace('numerator = "maternal_deaths"', 'numerator = "live_birth"'),
        "mine.toml, indicator 'my_rate': numerator refers to unknown term 'live_birth'; "
        "did you mean 'live_births'?",
        "mine.toml，指标 my_rate：numerator 引用了未定义的计数项 live_birth；"
        "是否应为 live_births？",
    ),
    "defined_twice": (
        "mine.toml",
        INDICATOR + INDICATOR,
        "indicator id 'my_rate' is defined twice",
        "指标编号 my_rate 定义了两次",
    ),
    "variant_unknown": (
        "mine.toml",
        INDICATOR + 'variant_of = "no_such_rate"\n',
        "indicator 'my_rate' is a variant of unknown indicator 'no_such_rate'",
        "指标 my_rate 的 variant_of 指向未知的指标 no_such_rate",
    ),
    "json_not_object": (
        "mine.json",
        "[]",
        "mine.json: a definition file is a JSON object, not a list or value",
        "mine.json：定义文件应为 JSON 对象，而不是列表或单个值",
    ),
    "schema_newer": (
        "mine.json",
        json.dumps({"schema_version": "2.0", "indicator": []}),
        "mine.json: schema_version 2.0 is newer than this mch_indicators reads (1.x)",
        "mine.json：schema_version 2.0 比本版 mch_indicators 能读取的版本（1.x）新",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_catalog_that_cannot_be_loaded_is_refused_in_both_languages(tmp_path, case):
    name, text, english, chinese = CASES[case]
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(mch.DefinitionError) as caught:
        mch.load_definitions(path)
    assert caught.value.reason == english
    assert caught.value.reason_zh == chinese
    allowed = (name, "colour", "variant_of", "numerator", "live_birth", "no_such_rate", "my_rate")
    assert not english_words(chinese, *allowed, "schema_version", "mch_indicators", "int")
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        status = main(["--definitions", str(path), "--lang", "zh", "list"])
    assert status == 1 and chinese in err.getvalue(), err.getvalue()


def test_load_definitions_without_a_path_is_refused_in_both_languages():
    with pytest.raises(mch.DefinitionError) as caught:
        mch.load_definitions()
    assert caught.value.reason_zh == "load_definitions 至少需要一个文件"
    with pytest.raises(mch.DefinitionError) as caught:
        mch.load_definitions(3)
    assert caught.value.reason == "load_definitions() takes paths of TOML files, got int 3"
    assert caught.value.reason_zh == "load_definitions 接受 TOML 文件的路径，而不是 int 3"
