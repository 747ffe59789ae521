"""English that was left under Chinese: each refusal said in both languages, at its source.

Refused units, an error's place when no file is named, an unknown indicator raised from
Python, the refusals of loading targets, a number too long to show, and the Chinese text of
a definition's table error with and without pydantic's context. The words are label data
(``definitions/labels.toml``, ``definitions/units.toml``).
"""

from __future__ import annotations

import pytest
from pydantic import BaseModel, ValidationError

from mch_indicators._errors import describe_validation

# -- a definition's table error, with and without pydantic's context ---------------------------


class _Inner(BaseModel):
    value: int = 0


class _Outer(BaseModel):
    table: dict[str, int] = {}
    inner: _Inner = _Inner()


@pytest.mark.parametrize(
    ("field", "kind"), [("table", "dict_type"), ("inner", "model_type")]
)  # fmt: skip
def test_a_table_error_shows_its_braces_once(field, kind):
    with pytest.raises(ValidationError) as caught:
        _Outer.model_validate({field: 5})
    assert caught.value.errors()[0]["type"] == kind
    said = describe_validation(caught.value)
    assert said.zh == f'{field}：应为表（如 {{ en = "...", zh = "..." }}）'
    assert "{{" not in said.zh and "}}" not in said.zh


def test_a_label_without_placeholders_is_formatted_without_values():
    from mch_indicators._labels import label

    assert label("messages", "definition_table", "zh") == '应为表（如 { en = "...", zh = "..." }）'
