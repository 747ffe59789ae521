"""A user's TOML or JSON document ends in a typed error naming the file, whatever it holds.

Definitions (`load_definitions`) and record rules (`load_rules`) are read by one
bounded reader (`mch_indicators._documents`): nesting hundreds or thousands deep,
a 5,000-digit number, text that is not UTF-8 and documents of the wrong shape are a
`DefinitionError`, never the parser's `RecursionError` or `ValueError`.
"""

from __future__ import annotations

import pytest

import mch_indicators as mch
from contract import promise
from mch_indicators._documents import MAX_DEPTH, check_depth, parse_document
from mch_indicators.records import load_rules

READERS = {"load_definitions": mch.load_definitions, "load_rules": load_rules}

TOML_DEEP = {
    "arrays 500": "x = " + "[" * 500 + "]" * 500 + "\n",
    "inline tables 500": "x = " + "{a=" * 500 + "1" + "}" * 500 + "\n",
    # parses, but deeper than any rule: refused before the rule reader recurses into it
    "conditions 100": '[[rule]]\nterm = "stillbirths_28w"\nrecords = "births"\nwhere = '
    + "{ all = [" * 100
    + '{ field = "outcome", eq = "stillbirth" }'
    + "] }" * 100
    + "\n",
}
JSON_DEEP = {
    "arrays 500": "[" * 500 + "]" * 500,
    "arrays 5000": '{"rule": ' + "[" * 5000 + "]" * 5000 + "}",
    "objects 500": '{"a": ' * 500 + "1" + "}" * 500,
}


@promise("definitions-files", "documents")
@pytest.mark.parametrize("reader", sorted(READERS))
@pytest.mark.parametrize("case", sorted(TOML_DEEP))
def test_a_toml_file_nested_hundreds_deep_is_a_definition_error(tmp_path, reader, case):
    path = tmp_path / "deep.toml"
    path.write_text(TOML_DEEP[case], encoding="utf-8")
    with pytest.raises(mch.DefinitionError, match=r"deep\.toml: .*(deep|nested)"):
        READERS[reader](path)


@promise("definitions-files", "documents")
@pytest.mark.parametrize("reader", sorted(READERS))
@pytest.mark.parametrize("case", sorted(JSON_DEEP))
def test_a_json_file_nested_hundreds_deep_is_a_definition_error(tmp_path, reader, case):
    path = tmp_path / "deep.json"
    path.write_text(JSON_DEEP[case], encoding="utf-8")
    with pytest.raises(mch.DefinitionError, match=r"deep\.json: .*(deep|nested)"):
        READERS[reader](path)


@promise("definitions-files", "documents")
@pytest.mark.parametrize("reader", sorted(READERS))
@pytest.mark.parametrize(
    ("name", "text"),
    [("big.toml", "x = " + "9" * 5000 + "\n"), ("big.json", '{"x": ' + "9" * 5000 + "}")],
)
def test_a_5000_digit_number_is_a_definition_error(tmp_path, reader, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(mch.DefinitionError, match="longer than 4300 digits") as caught:
        READERS[reader](path)
    assert len(str(caught.value)) < 200  # the number is not quoted


@promise("definitions-files", "documents")
@pytest.mark.parametrize("reader", sorted(READERS))
@pytest.mark.parametrize(
    ("name", "text"),
    [("tiny.toml", "x = 1e-400\n"), ("huge.toml", "x = 1.5e400\n"),
     ("tiny.json", '{"x": 1e-400}'), ("huge.json", '{"x": -1.5e400}')],
)  # fmt: skip
def test_a_number_beyond_a_float_is_refused(tmp_path, reader, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(mch.DefinitionError, match="beyond the range of a float"):
        READERS[reader](path)


def test_tomls_own_inf_and_nan_and_a_written_zero_are_read_as_written():
    from mch_indicators._documents import parse_document

    text = "a = inf\nb = -nan\nc = 0e-400\nd = 1_000.5"
    read = parse_document(text, "toml", "x", mch.DefinitionError)
    assert read["a"] == float("inf") and read["b"] != read["b"] and read["c"] == 0.0
    assert read["d"] == 1000.5


@promise("definitions-files", "documents")
@pytest.mark.parametrize("reader", sorted(READERS))
def test_text_that_is_not_utf8_names_the_file(tmp_path, reader):
    path = tmp_path / "gbk.toml"
    path.write_bytes('x = "孕产妇"\n'.encode("gbk"))
    with pytest.raises(mch.DefinitionError, match=r"gbk\.toml: not UTF-8"):
        READERS[reader](path)


@pytest.mark.parametrize("reader", sorted(READERS))
@pytest.mark.parametrize("text", ["[1, 2]", '"rule"', "3"])
def test_a_json_document_that_is_not_an_object_is_refused(tmp_path, reader, text):
    path = tmp_path / "list.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(mch.DefinitionError, match=r"list\.json: .*not a list or value"):
        READERS[reader](path)


def test_the_depth_limit_lets_every_real_document_through():
    deepest = value = {"all": []}
    for _ in range(MAX_DEPTH // 2 - 1):  # a rule's condition: a table inside a list, nested
        inner: dict[str, list[object]] = {"all": []}
        value["all"].append(inner)
        value = inner
    check_depth(deepest, "rules.toml", mch.DefinitionError)
    value["all"].append({"all": []})
    with pytest.raises(mch.DefinitionError, match=f"more than {MAX_DEPTH} deep"):
        check_depth(deepest, "rules.toml", mch.DefinitionError)


def test_the_caller_chooses_the_error_class():
    with pytest.raises(mch.InvalidInputError, match=r"export\.json: not valid JSON"):
        parse_document("{", "json", "export.json", mch.InvalidInputError)


@promise("definitions-files", "documents")
@pytest.mark.parametrize("reader", sorted(READERS))
@pytest.mark.parametrize(
    ("text", "message"),
    [
        # TOML refuses a key given twice; JSON's parser kept the last one without a word
        ('{"indicator": [], "indicator": [{"id": "x"}]}', r"key 'indicator' .*twice"),
        ('{"rule": [{"term": "a", "term": "b"}]}', r"key 'term' .*twice"),
        ('{"x": NaN}', r"NaN is not JSON"),
        ('{"x": -Infinity}', r"-Infinity is not JSON"),
    ],
)
def test_json_that_toml_could_not_hold_is_a_definition_error(tmp_path, reader, text, message):
    path = tmp_path / "twice.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(mch.DefinitionError, match=r"twice\.json: not valid JSON \(" + message):
        READERS[reader](path)


#: Each refusal of the reader, the input that drives it, and words of its Chinese text.
REFUSALS_ZH = {
    "not UTF-8": (b"x = '\xe9'", "mine.toml", "mine.toml：不是 UTF-8 文本（第 5 个字节"),
    "syntax": (b"x = = 1", "mine.toml", "mine.toml：不是有效的 TOML（"),
    "digits": (b"x = " + b"9" * 5000, "mine.toml", "（数字超过 4300 位）"),
    "nested": (b"x = " + b"[" * 100 + b"]" * 100, "mine.toml", "数组和表嵌套超过 64 层"),
    # Python 3.11 and 3.12's parser gives up at this depth; 3.13's parses it, and the
    # depth check refuses it: either way refused, in Chinese
    "parser's recursion": (
        b"[" * 5000 + b"]" * 5000,
        "mine.json",
        ("不是有效的 JSON（嵌套太深）", "嵌套超过 64 层"),
    ),
    "key twice": (b'{"a": 1, "a": 2}', "mine.json", "同一对象中键 'a' 出现了两次"),
    "NaN": (b'{"a": NaN}', "mine.json", "NaN 不是 JSON；缺失的数请写 null"),
    "1e400 in JSON": (b'{"a": 1e400}', "mine.json", "数 1e400 超出浮点数的范围"),
    "1e400 in TOML": (b"a = 1e400", "mine.toml", "数 1e400 超出浮点数的范围"),
}


@pytest.mark.parametrize("case", sorted(REFUSALS_ZH))
def test_every_refusal_of_the_reader_is_said_in_english_and_chinese(case):
    from mch_indicators._cli._words import describe_error
    from mch_indicators._documents import document_of_bytes

    raw, name, chinese = REFUSALS_ZH[case]
    with pytest.raises(mch.DefinitionError) as caught:
        document_of_bytes(raw, name, mch.DefinitionError)
    error = caught.value
    assert error.reason.startswith(name + ": ") and error.reason_zh.startswith(name + "：")
    said = (chinese,) if isinstance(chinese, str) else chinese
    assert any(text in error.reason_zh for text in said), error.reason_zh
    assert describe_error(error, None, "zh") == error.reason_zh


def test_a_file_that_cannot_be_read_is_said_in_both_languages(tmp_path):
    from mch_indicators._documents import read_text

    with pytest.raises(mch.DefinitionError) as caught:
        read_text(tmp_path, mch.DefinitionError)  # a folder
    assert caught.value.reason_zh.startswith(f"{tmp_path}：无法读取（")


def test_a_definitions_file_not_utf8_is_said_in_chinese_on_the_command_line(tmp_path):
    import contextlib
    import io

    from mch_indicators._cli import main

    path = tmp_path / "mine.toml"
    path.write_bytes(b"\xff\xfe")
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        assert main(["--definitions", str(path), "--lang", "zh", "list"]) == 1
    assert (
        "mine.toml：不是 UTF-8 文本（第 0 个字节无法读取）；请将文件另存为 UTF-8 编码"
        in err.getvalue()
    )
