"""Bad input as text: units, table cells and definitions files (docs/bad-input.md).

``units.parse`` reads full-width and compatibility forms as their plain forms
(NFKC) and refuses long texts at once; ``convert`` never returns infinity; the
cell grammar never reads ``9,5`` as 95; a definitions file of any shape ends in
a :class:`DefinitionError`, never another exception.
"""

from __future__ import annotations

import contextlib
import io
import pickle
import unicodedata

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mch_indicators as mch
from contract import promise
from mch_indicators import units
from mch_indicators._io._numbers import parse_numbers
from strategies import toml_values

FEW = settings(max_examples=50, deadline=None)
SPELLINGS = ["/10万", "‰", "%", " per 100,000", " per 1,000", "‱", "/万", " per 100k"]
WIDE = {chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)}  # ASCII -> full-width forms


@promise("units-text", "text")
@promise("travel", "text")
@FEW
@given(st.floats(0, 1e6), st.sampled_from(SPELLINGS), st.sets(st.integers(0, 40)))
def test_full_width_and_compatibility_forms_parse_as_their_plain_forms(value, unit, widen):
    text = f"{value:.4f}{unit}"
    plain = units.parse(text)
    wide = "".join(WIDE.get(ch, ch) if i in widen else ch for i, ch in enumerate(text))
    assert unicodedata.normalize("NFKC", wide) == text
    assert units.parse(wide) == plain
    assert pickle.loads(pickle.dumps(plain)) == plain


@promise("units-text", "text")
@FEW
@given(st.text(max_size=300))
def test_any_text_parses_or_is_a_unit_error(text):
    with contextlib.suppress(mch.UnitError):
        units.parse(text)


@promise("units-text", "text")
def test_long_texts_are_refused_before_they_are_read():
    with pytest.raises(mch.UnitError, match="too long"):
        units.parse("1" + " " * 65_536 + "%")
    assert str(units.parse("97.99﹪")) == "97.99 percent"


@promise("units-text", "text")
@pytest.mark.parametrize("bad", [None, 5, b"%", ["%"]])
def test_units_that_are_not_text_are_unit_errors(bad):
    for call in (units.scale, units.parse_unit, lambda u: units.convert(1.0, u, "percent")):
        with pytest.raises(mch.UnitError):
            call(bad)
    result = mch.get("MMR").compute(2, 26954)
    with pytest.raises(mch.UnitError):
        result.to(bad)


@promise("extreme-magnitudes", "text")
@FEW
@given(st.floats(allow_nan=False), st.sampled_from(units.names()), st.sampled_from(units.names()))
def test_conversion_never_returns_infinity(value, source, target):
    try:
        out = units.convert(value, source, target)
    except mch.InvalidInputError:
        return
    assert np.isfinite(out)


@promise("masked", "text")
def test_conversion_reads_masked_values_as_missing():
    out = units.convert(np.ma.array([1.0, 1e308], mask=[False, True]), "fraction", "per_100k")
    assert out[0] == 100_000.0 and np.isnan(out[1])


@promise("text-numbers", "text")
@FEW
@given(st.integers(1, 999), st.integers(0, 99))
def test_a_comma_is_never_a_silent_decimal_point(whole, part):
    texts = pd.Series([f"{whole},{part:02d}", f"{whole},{part},{part}", f"{whole}"])
    values, bad = parse_numbers(texts)
    assert bad[0] and bad[1] and not bad[2]  # 9,5 / 1,2,3 refused; 9 read
    assert values[2] == whole


@promise("text-numbers", "text")
def test_full_width_cells_read_as_their_plain_forms():
    values, bad = parse_numbers(pd.Series(["２６，９５４", "９,５", "１２.５"]))
    assert bad.tolist() == [False, True, False]
    assert values[0] == 26954 and values[2] == 12.5


@promise("huge", "text")
def test_numbers_beyond_a_float_are_refused_not_infinite():
    values, bad = parse_numbers(pd.Series(["1e400", "9" * 400, "1e308"]))
    assert bad.tolist() == [True, True, False]
    assert np.isnan(values[:2]).all()


@promise("text-numbers", "text")
def test_duplicate_headers_are_refused():
    with pytest.raises(mch.InvalidInputError, match="twice"):
        mch.read_table(io.StringIO("indicator,numerator,numerator\nMMR,1,2\n"))


# -- definitions files ------------------------------------------------------------------

FIELDS = ["id", "name", "domain", "kind", "unit", "direction", "numerator", "denominator",
          "definition", "sources"]  # fmt: skip


def _toml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.encode("unicode_escape").decode().replace('"', '\\"') + '"'
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} = {_toml(v)}" for k, v in value.items()) + "}"
    return repr(value)


@promise("definitions-files", "documents")
@FEW
@given(
    fields=st.dictionaries(st.sampled_from(FIELDS), toml_values, max_size=6),
    table=st.sampled_from(["[[indicator]]", "[terms.x]", ""]),
)
def test_definitions_of_any_shape_are_definition_errors(tmp_path_factory, fields, table):
    path = tmp_path_factory.mktemp("defs") / "mine.toml"
    body = "\n".join(f"{key} = {_toml(value)}" for key, value in fields.items())
    path.write_text(f"{table}\n{body}\n", encoding="utf-8")
    with contextlib.suppress(mch.DefinitionError):
        mch.load_definitions(path)


@promise("definitions-files", "documents")
@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"indicator = 5\n", "array of tables"),
        (b"[terms]\nx = 5\n", "expected a table"),
        (b"\xff\xfe[[indicator]]\n", "not UTF-8"),
        (b"a = " + b"[" * 3000 + b"]" * 3000 + b"\n", "not valid TOML"),
        (b"\xef\xbb\xbf[[indicator]]\nid = 'x'\n", "Field required"),  # BOM read, then checked
        (b"indicator = [1, 2]\n", "expected a table"),
    ],
)
def test_broken_definitions_files_are_definition_errors(tmp_path, content, message):
    path = tmp_path / "mine.toml"
    path.write_bytes(content)
    with pytest.raises(mch.DefinitionError, match=message):
        mch.load_definitions(path)


@promise("definitions-files", "documents")
@pytest.mark.parametrize("bad", [None, 5, ["a.toml"]])
def test_load_definitions_refuses_what_is_not_a_path(bad):
    with pytest.raises(mch.DefinitionError, match="paths"):
        mch.load_definitions(bad)
