"""DHIS2 readers on malformed documents: a typed error naming the place, never another error.

Malformed data value sets and metadata (values that are not objects, lists that
are text, a CSV in GBK, nesting thousands deep, a 5,000-digit number) end in an
``InvalidInputError`` (a malformed document) or a ``DefinitionError`` (a
definition that does not read); a value reported twice for one key is an error
naming the key, summed only when asked (docs/bad-input.md, class ``dhis2``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import mch_indicators as mch
from contract import promise
from mch_indicators import export, interop
from mch_indicators.export import dhis2_uid

DEATHS = dhis2_uid("dataElement", "maternal_deaths")
BIRTHS = dhis2_uid("dataElement", "live_births")


def values(*rows: tuple[str, str, str]) -> dict[str, Any]:
    """A data value set of (dataElement, orgUnit, value) rows for 2024."""
    return {
        "period": "2024",
        "dataValues": [{"dataElement": e, "orgUnit": o, "value": v} for e, o, v in rows],
    }


@promise("dhis2", "documents")
@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({"dataValues": ["a", "b"]}, r"data value 1 is not an object"),
        ({"dataValues": [1]}, r"data value 1 is not an object"),
        ({"dataValues": "abc"}, r"a list 'dataValues'"),
        ({"dataValues": [{"value": {"a": 1}}]}, r"data value 1 .* not a non-negative number"),
        ({"dataValues": [{"value": 10**5000}]}, r"data value 1 .* not a non-negative number"),
        ({"dataValues": [{"value": "9" * 5000}]}, r"data value 1 .* not a non-negative number"),
        ([1, 2], r"a data value set is a JSON object"),
    ],
)
def test_malformed_data_value_sets_are_typed_errors(document, message):
    with pytest.raises(mch.InvalidInputError, match=message) as caught:
        interop.read_data_value_set(document)
    assert len(str(caught.value)) < 300  # a 5,000-digit value is not quoted whole


@promise("dhis2", "documents")
@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("gbk.csv", "dataelement,period,orgunit,value\n孕产妇死亡,2024,县,3\n".encode("gbk"),
         r"gbk\.csv: not UTF-8"),
        ("deep.json", ("[" * 100_000 + "]" * 100_000).encode(), r"deep\.json: .*nested"),
        ("deep2.json", ('{"dataValues":' + "[" * 600 + "]" * 600 + "}").encode(),
         r"deep2\.json: .*deep"),
        ("big.json", ('{"dataValues":[{"value":' + "9" * 5000 + "}]}").encode(),
         r"big\.json: not valid JSON \(a number longer than 4300 digits\)"),
        ("bad.json", b'{"dataValues": [', r"bad\.json: not valid JSON"),
        ("wide.csv", b"dataelement,period,orgunit,value\nde,2024,ou," + b"1" * 200_000 + b"\n",
         r"wide\.csv: line 2: field larger than field limit"),
        ("text.json", b'"dataValues"', r"text\.json: a data value set is a JSON object"),
    ],
)  # fmt: skip
def test_malformed_files_are_typed_errors_naming_the_file(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(mch.InvalidInputError, match=message):
        interop.read_data_value_set(path)
    with pytest.raises(mch.InvalidInputError, match=message):
        interop.compute_data_values(path)


def foreign(**extra: Any) -> dict[str, Any]:
    """Metadata of one indicator not made by mch_indicators, with ``extra`` fields."""
    element = {"id": "ElementAAA1", "code": "ANC4", "name": "ANC 4th visit"}
    births = {"id": "ElementBBB2", "code": "LB", "name": "Live births"}
    return {
        "dataElements": [element, births],
        "indicatorTypes": [{"id": "PercentType", "name": "Percent", "factor": 100}],
        "indicators": [{"id": "IndicatorA1", "code": "ANC4_RATE", "name": "ANC4 rate",
                        "numerator": "#{ElementAAA1}", "denominator": "#{ElementBBB2}",
                        "indicatorType": {"id": "PercentType"}, **extra}],
    }  # fmt: skip


def test_the_small_foreign_metadata_reads():
    assert list(interop.read_dhis2_metadata(foreign()).catalog) == ["anc4_rate"]


@promise("dhis2", "documents")
@pytest.mark.parametrize(
    ("metadata", "message"),
    [
        ({"indicators": "x"}, r"'indicators' is a list of objects, got str"),
        ({"indicators": [1]}, r"indicators #1 is not an object"),
        ({"dataElements": "x"}, r"'dataElements' is a list of objects"),
        ({"dataElements": [{"name": "no id"}]}, r"dataElements #1 has no text 'id'"),
        ({"indicatorTypes": [None]}, r"indicatorTypes #1 is not an object"),
        ({"indicatorGroups": [{"code": "MCH_MORTALITY", "indicators": [3]}]},
         r"indicatorGroups #1: indicators #1 is not an object"),
        ({"indicators": [{"id": "a", "indicatorType": "x"}]},
         r"'indicatorType' is an object, got str"),
        (foreign(translations="zh"), r"'translations' is a list of objects"),
        (foreign(attributeValues=[{"attribute": "x"}]), r"'attribute' is an object"),
        ([1, 2], r"DHIS2 metadata is a JSON object"),
        (foreign(name=5), r"indicators #1: 'name' is text, got 5"),
        (foreign(numerator=["#{ElementAAA1}"]), r"'numerator' is text, got \["),
        (foreign(annualized="yes"), r"'annualized' is true or false, got 'yes'"),
        ({"indicatorTypes": [{"id": "T", "factor": "100"}]},
         r"indicatorTypes #1: 'factor' is a number, got '100'"),
    ],
)  # fmt: skip
def test_malformed_metadata_is_a_typed_error_naming_the_place(metadata, message):
    with pytest.raises(mch.InvalidInputError, match=message):
        interop.read_dhis2_metadata(metadata)


@promise("dhis2", "documents")
def test_a_definition_attribute_that_is_not_json_is_a_definition_error():
    package = export.dhis2_metadata(ids=["stillbirth_rate"])
    (indicator,) = package["indicators"]
    for value in ("{not json", "[1, 2]", '"x"', "[" * 5000 + "]" * 5000):
        indicator["attributeValues"][0]["value"] = value
        with pytest.raises(mch.DefinitionError, match="stillbirth_rate"):
            interop.read_dhis2_metadata(package)


def test_metadata_files_are_read_by_the_bounded_reader(tmp_path: Path):
    path = tmp_path / "metadata.json"
    path.write_text('{"indicators": ' + "[" * 5000 + "]" * 5000 + "}", encoding="utf-8")
    # Python 3.11's json stops at its recursion limit; 3.12 parses the depth and the
    # bounded reader refuses it: a typed error naming the file either way
    refused = r"metadata\.json: (not valid JSON|arrays and tables nested more than 64 deep)"
    with pytest.raises(mch.InvalidInputError, match=refused):
        interop.read_dhis2_metadata(path)


# -- the same value twice --------------------------------------------------------------


@promise("duplicate-values", "documents")
def test_a_value_reported_twice_is_an_error_naming_its_key():
    twice = values(
        (DEATHS, "ouA", "2"), (BIRTHS, "ouA", "26954"), (DEATHS, "ouA", "2")
    )  # the same deaths sent twice: summed, MMR 14.84 for 7.42
    with pytest.raises(mch.InvalidInputError, match="reported twice") as caught:
        interop.compute_data_values(twice, indicators=["MMR"])
    message = str(caught.value)
    assert DEATHS in message and "ouA" in message and "2024" in message
    assert "data values 1 and 3" in message
    with pytest.raises(mch.InvalidInputError, match="reported twice"):
        interop.read_data_value_set(twice)


@promise("duplicate-values", "documents")
def test_values_reported_twice_are_summed_only_when_asked():
    twice = values((DEATHS, "ouA", "2"), (BIRTHS, "ouA", "26954"), (DEATHS, "ouA", "2"))
    summed = interop.compute_data_values(twice, indicators=["MMR"], duplicates="sum")
    assert summed["numerator"].tolist() == [4.0]
    table = interop.read_data_value_set(twice, duplicates="sum")
    assert sorted(table["value"].tolist()) == [4.0, 26954.0]
    with pytest.raises(mch.InvalidInputError, match="duplicates must be"):
        interop.read_data_value_set(twice, duplicates="add")


def test_keys_that_differ_in_a_combination_are_not_duplicates(tmp_path):
    path = tmp_path / "values.csv"
    path.write_text(
        "dataelement,period,orgunit,catoptcombo,attroptcombo,value\n"
        f"{DEATHS},2024,ouA,cocMale0001,aoc,1\n"
        f"{DEATHS},2024,ouA,cocFemale001,aoc,2\n"
        f"{DEATHS},2024,ouA,cocFemale001,aoc2,4\n"
        f"{BIRTHS},2024,ouA,cocMale0001,aoc,26954\n",
        encoding="utf-8",
    )
    out = interop.compute_data_values(path, indicators=["MMR"])
    assert out["numerator"].tolist() == [7.0]
    path.write_text(path.read_text() + f"{DEATHS},2024,ouA,cocFemale001,aoc2,4\n")
    with pytest.raises(mch.InvalidInputError, match=r"lines 4 and 6"):
        interop.compute_data_values(path, indicators=["MMR"])


def test_a_table_of_values_is_checked_for_duplicates_too():
    table = interop.read_data_value_set(values((DEATHS, "ouA", "2"), (BIRTHS, "ouA", "26954")))
    doubled = table.iloc[[0, 1, 0]]
    with pytest.raises(mch.InvalidInputError, match="reported twice"):
        interop.compute_data_values(doubled, indicators=["MMR"])


def test_a_value_mapped_to_one_term_by_its_element_and_its_combination_counts_once():
    data = {"period": "2024", "orgUnit": "ouA", "dataValues": [
        {"dataElement": "de1", "categoryOptionCombo": "coc1", "value": "2"},
        {"dataElement": "de2", "value": "26954"},
    ]}  # fmt: skip
    mapping = {"de1": "maternal_deaths", "de1.coc1": "maternal_deaths", "de2": "live_births"}
    out = interop.compute_data_values(data, data_elements=mapping, indicators=["MMR"])
    assert out["numerator"].tolist() == [2.0]


def test_the_json_document_read_from_a_file_and_given_parsed_agree(tmp_path):
    document = values((DEATHS, "ouA", "2"), (BIRTHS, "ouA", "26954"))
    path = tmp_path / "values.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    a = interop.compute_data_values(path, indicators=["MMR"])
    b = interop.compute_data_values(document, indicators=["MMR"])
    assert a["value"].tolist() == b["value"].tolist() == [pytest.approx(2 / 26954 * 1e5)]


@promise("dhis2", "documents")
def test_values_that_complete_no_indicator_are_an_error_not_an_empty_table():
    deaths = export.dhis2_uid("dataElement", "maternal_deaths")  # no births: no MMR
    values = {"dataValues": [{"dataElement": deaths, "orgUnit": "ouA", "period": "2024",
                              "value": "2"}]}  # fmt: skip
    with pytest.raises(mch.InvalidInputError, match="no indicator of the catalog"):
        interop.compute_data_values(values)


@promise("dhis2", "documents")
def test_a_data_value_with_a_field_given_twice_is_refused(tmp_path):
    # json.loads kept the second "value" (2000 deaths) without a word.
    path = tmp_path / "twice.json"
    value = f'{{"dataElement": "{DEATHS}", "orgUnit": "OU", "value": "2", "value": "2000"}}'
    path.write_text(f'{{"period": "2024", "dataValues": [{value}]}}', encoding="utf-8")
    with pytest.raises(mch.InvalidInputError, match=r"twice\.json: .*key 'value' .*twice"):
        interop.read_data_value_set(path)


@promise("dhis2", "documents")
@pytest.mark.parametrize(
    ("field", "given"),
    [("orgUnit", None), ("orgUnit", ["OU"]), ("orgUnit", {"id": "OU"}), ("period", ["2024"]),
     ("period", True), ("categoryOptionCombo", {"id": "x"}), ("orgUnit", float("nan")),
     ("dataElement", None), ("orgUnit", "")],
)  # fmt: skip
def test_a_key_field_that_is_not_text_is_refused_naming_the_value(field, given):
    # They became the texts "None", "['OU']", "{'id': 'OU'}": an organisation unit of that name.
    document = values((DEATHS, "OU", "2"), (BIRTHS, "OU", "1000"))
    document["dataValues"][0][field] = given
    with pytest.raises(mch.InvalidInputError, match=rf"data value 1: {field} is text"):
        interop.read_data_value_set(document)


def test_whole_numbers_as_keys_are_read_as_their_text():
    document = values((DEATHS, "OU", "2"), (BIRTHS, "OU", "1000"))
    document["period"] = 2024
    assert interop.read_data_value_set(document)["period"].tolist() == ["2024", "2024"]


@promise("dhis2", "documents")
@pytest.mark.parametrize("terms", [5, None, [5], {"a": 1}, b"live_births"])
def test_a_mapping_to_something_other_than_term_ids_is_refused(terms):
    document = values((DEATHS, "OU", "2"), (BIRTHS, "OU", "1000"))
    mapping = {DEATHS: terms, BIRTHS: "live_births"}
    with pytest.raises(mch.InvalidInputError, match=rf"data_elements\[{DEATHS!r}\]"):
        interop.compute_data_values(document, data_elements=mapping)


def test_one_indicator_may_be_named_without_a_list():
    document = values((DEATHS, "OU", "2"), (BIRTHS, "OU", "1000"))
    out = interop.compute_data_values(document, indicators="MMR")
    assert out["indicator"].tolist() == ["maternal_mortality_ratio"]


@promise("dhis2", "documents")
@pytest.mark.parametrize(
    "change",
    [lambda d: d.pop("unit"), lambda d: d.clear(), lambda d: d.update(numerator="x"),
     lambda d: d.update(denominator=[1]), lambda d: d.update(unit="bogus")],
)  # fmt: skip
def test_an_incomplete_definition_attribute_is_a_definition_error(change):
    # A missing unit was a KeyError, a numerator that is not an object an AttributeError.
    package = export.dhis2_metadata(ids=["stillbirth_rate"])
    (indicator,) = package["indicators"]
    attribute = next(a for a in indicator["attributeValues"] if a["value"].startswith("{"))
    definition = json.loads(attribute["value"])
    change(definition)
    attribute["value"] = json.dumps(definition)
    with pytest.raises(mch.DefinitionError, match="stillbirth_rate"):
        interop.read_dhis2_metadata(package)


@promise("dhis2", "documents")
@pytest.mark.parametrize(
    ("header", "message"),
    [("dataelement,period,orgunit,value,value", r"columns 4 and 5 are both 'value'"),
     ("dataelement,period,orgunit,catoptcombo,categoryoptioncombo,value",
      r"columns 4 and 5 are both 'categoryOptionCombo'")],
)  # fmt: skip
def test_a_csv_whose_header_names_a_field_twice_is_refused(tmp_path, header, message):
    # The last column was read without a word: deaths 2000 where the first said 2.
    path = tmp_path / "twice.csv"
    cells = "2,2000" if header.endswith("value,value") else "a,b,2"
    path.write_text(f"{header}\n{DEATHS},2024,OU,{cells}\n", encoding="utf-8")
    with pytest.raises(mch.InvalidInputError, match=rf"twice\.csv: line 1: {message}"):
        interop.read_data_value_set(path)


def table_of_values(**changes: Any) -> Any:
    table = interop.read_data_value_set(
        values((DEATHS, "OU", "2"), (BIRTHS, "OU", "1000"), (DEATHS, "OV", "1"),
               (BIRTHS, "OV", "900"))
    )  # fmt: skip
    return table.assign(**changes) if changes else table


@promise("dhis2", "documents")
def test_a_missing_value_in_a_table_of_values_is_refused_not_counted_as_zero():
    # The table's NaN was summed as 0 deaths: a maternal mortality ratio of 0, unflagged.
    table = table_of_values(value=[float("nan"), 1000.0, 1.0, 900.0])
    with pytest.raises(mch.InvalidInputError, match=r"row 0 .*None is not a non-negative number"):
        interop.compute_data_values(table, indicators="MMR")


@promise("dhis2", "documents")
def test_text_values_of_one_term_in_a_table_are_added_as_numbers():
    # pandas' sum of texts joins them: "1" and "2" deaths of two combinations made 12.
    table = table_of_values(
        value=["1", "1000", "1", "900"], categoryOptionCombo=["a", "", "b", ""]
    )
    table.loc[2, "orgUnit"] = "OU"
    table = table.drop(index=3)
    out = interop.compute_data_values(table, indicators="MMR")
    assert out["numerator"].tolist() == [2.0] and out["denominator"].tolist() == [1000.0]


@promise("dhis2", "documents")
@pytest.mark.parametrize("column", ["dataElement", "orgUnit", "period", "value"])
def test_a_table_of_values_without_a_column_is_refused_naming_it(column):
    # A KeyError from pandas before.
    with pytest.raises(mch.InvalidInputError, match=rf"no column '{column}'"):
        interop.compute_data_values(table_of_values().drop(columns=column), indicators="MMR")


def test_a_table_of_values_may_leave_out_the_combinations_or_hold_nan_in_them():
    table = table_of_values().drop(columns=["categoryOptionCombo", "attributeOptionCombo"])
    got = interop.compute_data_values(table, indicators="MMR")
    blank = table_of_values(categoryOptionCombo=float("nan"))
    assert got.equals(interop.compute_data_values(blank, indicators="MMR"))
    assert got["numerator"].tolist() == [2.0, 1.0]


@pytest.mark.parametrize(
    ("options", "message"),
    [({"kinds": {"ANC4_RATE": "bogus"}}, r"kinds\['ANC4_RATE'\] is one of proportion, "),
     ({"directions": {"IndicatorA1": "up"}}, r"directions\['IndicatorA1'\] is one of lower, "),
     ({"domain": "bogus"}, r"domain is one of mortality, "),
     ({"kinds": {"ANC4_RATE": 5}}, r"kinds\['ANC4_RATE'\] is one of"),
     ({"kinds": "ratio"}, r"kinds maps DHIS2 codes or uids to kinds, got str")],
)  # fmt: skip
def test_options_that_name_no_kind_direction_or_domain_are_refused(options, message):
    # Python's "'bogus' is not a valid Kind" (a ValueError), or an AttributeError, before.
    with pytest.raises(mch.InvalidInputError, match=message):
        interop.read_dhis2_metadata(foreign(), **options)


def test_a_chinese_translation_without_a_value_is_no_translation():
    # Its value null was read as the Chinese name "None", refused as holding no Chinese.
    empty = [{"locale": "zh", "property": "NAME", "value": None}]
    read = interop.read_dhis2_metadata(foreign(translations=empty))
    assert read.catalog["anc4_rate"].name.zh == "ANC4 rate（未翻译）"


@promise("dhis2", "documents")
@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("1_000", r"'1_000' is not a non-negative number"),  # Python's float took it: 1000
        ("1e-400", r"'1e-400' is too small a number \(it would read as 0\)"),  # read as 0
        # said "not a non-negative number" (the message it searched said "too large")
        # shown as every reader shows a long cell: its start and its end
        ("0." + "0" * 400 + "1", r"'0\.0+…00001' is too small a number \(it would read as 0\)"),
        ("1e400", r"'1e400' is not a non-negative number"),
        ("9,5", r"'9,5' is not a non-negative number"),
        (True, r"True is not a non-negative number"),
        (" ", r"' ' is not a non-negative number"),
    ],
)
def test_a_value_is_read_by_the_one_number_grammar_of_office_tables(given, message):
    """Values were read by Python's float: 1_000 was 1000, 1e-400 was 0 deaths."""
    document = values((DEATHS, "OU", given))
    with pytest.raises(mch.InvalidInputError, match=rf"data value 1 .*{message}"):
        interop.read_data_value_set(document)


@promise("dhis2", "documents")
def test_values_written_as_office_tables_write_them_are_read_alike(tmp_path):
    """Grouped thousands and full-width digits read as an office table's cells do."""
    document = values((DEATHS, "OU", "２"), (BIRTHS, "OU", "1,000"), (DEATHS, "OV", 3),
                      (BIRTHS, "OV", 900.0), (DEATHS, "OW", " 1 "),
                      (BIRTHS, "OW", "1e3"))  # fmt: skip
    table = interop.read_data_value_set(document)
    assert table["value"].tolist() == [2.0, 1000.0, 3.0, 900.0, 1.0, 1000.0]
    cells = mch.read_table(_csv_of(tmp_path, ["２", "1,000", "3", "900.0", " 1 ", "1e3"]))
    assert cells["n"].tolist() == table["value"].tolist()  # the office tables' reader agrees


def _csv_of(tmp_path: Path, cells: list[str]) -> Path:
    path = tmp_path / "cells.csv"
    rows = "".join(f'a{i},"{c}"\n' for i, c in enumerate(cells))
    path.write_text("area,n\n" + rows, encoding="utf-8")
    return path


@promise("dhis2", "documents")
def test_a_json_number_beyond_a_float_is_refused_not_read_as_0_or_infinity(tmp_path):
    for literal in ("1e-400", "1e400", "-2.5e-999"):
        path = tmp_path / "values.json"
        value = {"dataElement": DEATHS, "orgUnit": "OU", "value": 0}
        text = json.dumps({"period": "2024", "dataValues": [value]})
        path.write_text(text.replace('"value": 0', f'"value": {literal}'), encoding="utf-8")
        found = rf"values\.json: not valid JSON .*{literal}"
        with pytest.raises(mch.InvalidInputError, match=found):
            interop.read_data_value_set(path)
    path.write_text('{"dataValues": [], "x": [0.0, 0e-400, 1.5e-300]}', encoding="utf-8")
    assert interop.read_data_value_set(path).empty  # 0 written as 0 is 0
