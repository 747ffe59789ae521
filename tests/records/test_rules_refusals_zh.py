"""A user's rules file that cannot be loaded is refused in English and Chinese.

``mch.records.load_rules``: the file's layout, a term or record set it does not know, a
field a record set lacks, a value of the wrong type, a rule weaker than its term's
criteria. The words are label data (``[messages]`` of ``definitions/labels.toml``),
raised through ``error_of``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import mch_indicators as mch
from mch_indicators.records import load_rules

RULES = Path(mch.__file__).parent / "records" / "_rules.py"
RULE = '[[rule]]\nterm = "stillbirths_28w"\nrecords = "births"\n'


def test_every_definition_error_of_the_rules_says_a_message_of_the_label_table():
    wrong = []
    for node in ast.walk(ast.parse(RULES.read_text("utf-8"))):
        made = node.func if isinstance(node, ast.Call) else None
        if isinstance(made, ast.Name) and made.id == "DefinitionError":
            wrong.append(node.lineno)
    assert not wrong, wrong


CASES = {
    "top_level": (
        'colour = "red"\n' + RULE + 'where = { field = "outcome", eq = "stillbirth" }\n',
        "rules.toml: unexpected top-level keys ['colour']; use [conditions.<record set>] and "
        "[[rule]] tables",
        "rules.toml：最外层有不认识的键 colour；请使用 [conditions.<record set>] 和 [[rule]] 表",
    ),
    "no_field": (
        RULE + 'where = { field = "gestation_wk", ge = 28 }\n',
        "rules.toml, rule for term 'stillbirths_28w': record set 'births' has no field "
        "'gestation_wk'; did you mean 'gestation_weeks'? (fields: area, ",
        "rules.toml，计数项 stillbirths_28w 的规则：记录集 births 没有字段 gestation_wk；"
        "是否应为 gestation_weeks？（已有字段：area、",
    ),
    "no_term": (
        RULE.replace("stillbirths_28w", "stillbirths_28x")
        + 'where = { field = "outcome", eq = "stillbirth" }\n',
        "rules.toml, rule for term 'stillbirths_28x': no such term in the catalog; did you mean "
        "'stillbirths_28w'?",
        "rules.toml，计数项 stillbirths_28x 的规则：指标目录中没有这个计数项；"
        "是否应为 stillbirths_28w？",
    ),
    "unknown_set": (
        RULE.replace('"births"', '"birth"') + 'where = { field = "outcome", eq = "stillbirth" }\n',
        "rules.toml, rule for term 'stillbirths_28w': unknown record set 'birth' (record sets: ",
        "rules.toml，计数项 stillbirths_28w 的规则：未知的记录集 birth（已有的记录集：",
    ),
    "bad_value": (
        RULE + 'where = { field = "gestation_weeks", ge = "28" }\n',
        "rules.toml, rule for term 'stillbirths_28w': 'gestation_weeks' ge '28': expected a "
        "number",
        "rules.toml，计数项 stillbirths_28w 的规则：gestation_weeks ge '28'：应为数字",
    ),
    "test_nothing": (
        RULE + 'where = { field = "gestation_weeks" }\n',
        "rules.toml, rule for term 'stillbirths_28w': the test of 'gestation_weeks' tests "
        "nothing (add eq, ge, in...)",
        "rules.toml，计数项 stillbirths_28w 的规则：对 gestation_weeks 的判断没有任何条件"
        "（请加上 eq、ge、in 等）",
    ),
    "not_list": (
        "rule = 3\n",
        "rules.toml: 'rule' is a list of [[rule]] tables, got int",
        "rules.toml：rule 应为 [[rule]] 表的列表，而不是 int",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_rules_file_that_cannot_be_loaded_is_refused_in_both_languages(tmp_path, case):
    text, english, chinese = CASES[case]
    path = tmp_path / "rules.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(mch.DefinitionError) as caught:
        load_rules(path)
    error = caught.value
    assert error.reason.startswith(english), error.reason
    assert error.reason_zh is not None and error.reason_zh.startswith(chinese), error.reason_zh


def test_a_rule_weaker_than_its_term_is_refused_in_both_languages(tmp_path):
    path = tmp_path / "rules.toml"
    path.write_text(
        RULE + 'where = { all = [{ field = "outcome", eq = "stillbirth" }, '
        '{ field = "gestation_weeks", ge = 27 }] }\n',
        encoding="utf-8",
    )
    with pytest.raises(mch.DefinitionError) as caught:
        load_rules(path)
    assert caught.value.reason.endswith(
        "the term's criteria say gestation_weeks_min = 28, so the rule needs ge = 28 on a "
        "field measuring gestation_weeks; the rule says gestation_weeks ge 27"
    )
    assert caught.value.reason_zh == (
        "rules.toml，计数项 stillbirths_28w 的规则：计数项的标准为 gestation_weeks_min = 28，"
        "规则须在度量 gestation_weeks 的字段上有 ge = 28；规则写的是 gestation_weeks ge 27"
    )


def test_load_rules_without_a_file_is_refused_in_both_languages():
    with pytest.raises(mch.DefinitionError) as caught:
        load_rules()
    assert caught.value.reason == "load_rules() needs at least one file"
    assert caught.value.reason_zh == "load_rules 至少需要一个文件"
