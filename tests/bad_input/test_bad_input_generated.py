"""Generated attacks on the readers and the entry points (issue 23, item 6).

Documents (definitions, record rules, DHIS2 metadata and data value sets) derived
from valid ones by replacing, deleting and nesting their parts, or gone wrong as
bytes; engine frames with count columns of every kind; label strings that have
broken programs. The property is one for all: a typed error (an
``MCHIndicatorsError``) or a valid result, no escaped warning, bounded time.
"""

from __future__ import annotations

import io
import json
import tomllib
import warnings
import zipfile
from collections.abc import Callable
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mch_indicators as mch
from contract import promise
from mch_indicators import export, interop
from mch_indicators.records import load_rules
from strategies import (
    ENGINES,
    as_engine,
    bounded,
    count_tables,
    json_values,
    label_strings,
    malformed_bytes,
    mutated_bytes,
    mutated_documents,
    toml_document,
)

pytest.importorskip("narwhals")

GENERATED = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

DEFINITIONS = """[terms.caesareans_local]
name = { en = "caesarean deliveries", zh = "剖宫产数" }
definition = { en = "Deliveries by caesarean section in our hospital." }

[[indicator]]
id = "caesarean_rate_local"
name = { en = "Caesarean section rate, our hospital", zh = "本院剖宫产率" }
domain = "maternal_care"
kind = "proportion"
unit = "%"
direction = "neutral"
numerator = "caesareans_local"
denominator = "live_births"
definition = { en = "Caesareans per 100 live births in our hospital." }
sources = [{ document = "Hospital protocol 2024" }]
"""
RULES = """[[rule]]
term = "stillbirths_28w"
records = "births"
where = { all = [{ field = "outcome", eq = "stillbirth" },
                 { field = "gestation_weeks", ge = 28 }] }
"""
DEATHS = export.dhis2_uid("dataElement", "maternal_deaths")
BIRTHS = export.dhis2_uid("dataElement", "live_births")
VALUES = {
    "period": "2024",
    "dataValues": [
        {"dataElement": DEATHS, "orgUnit": "ouA", "value": "2", "categoryOptionCombo": "c1"},
        {"dataElement": BIRTHS, "orgUnit": "ouA", "value": "26954"},
    ],
}
VALUES_CSV = f"dataelement,period,orgunit,catoptcombo,attroptcombo,value\n{DEATHS},2024,ouA,,,2\n"


def answered(call: Callable[[], Any]) -> Any:
    """``call()``: its result, or None for a typed error; any warning or other error fails."""
    with warnings.catch_warnings(), bounded(60.0):
        warnings.simplefilter("error")
        try:
            return call()
        except mch.MCHIndicatorsError:
            return None


def definitions_documents() -> st.SearchStrategy[tuple[str, bytes]]:
    toml_seed = tomllib.loads(DEFINITIONS)
    json_seed = json.loads(export.catalog_json(mch.catalog, ["stillbirth_rate"], targets=False))
    return st.one_of(
        mutated_documents(toml_seed, json_values).map(
            lambda d: ("mine.toml", toml_document(d).encode())
        ),
        mutated_documents(json_seed, json_values).map(
            lambda d: ("mine.json", json.dumps(d).encode())
        ),
        malformed_bytes(DEFINITIONS.encode()).map(lambda b: ("mine.toml", b)),
        malformed_bytes(json.dumps(json_seed).encode()).map(lambda b: ("mine.json", b)),
    )


@promise("definitions-files", "documents")
@GENERATED
@given(definitions_documents())
def test_generated_definitions_files_are_read_or_refused(tmp_path, document):
    name, content = document
    path = tmp_path / name
    path.write_bytes(content)
    catalog = answered(lambda: mch.load_definitions(path))
    assert catalog is None or isinstance(catalog, mch.Catalog)


def rules_documents() -> st.SearchStrategy[tuple[str, bytes]]:
    seed = tomllib.loads(RULES)
    return st.one_of(
        mutated_documents(seed, json_values).map(
            lambda d: ("mine.toml", toml_document(d).encode())
        ),
        mutated_documents(seed, json_values).map(lambda d: ("mine.json", json.dumps(d).encode())),
        malformed_bytes(RULES.encode()).map(lambda b: ("mine.toml", b)),
    )


@promise("definitions-files", "documents")
@GENERATED
@given(rules_documents())
def test_generated_rules_files_are_read_or_refused(tmp_path, document):
    name, content = document
    path = tmp_path / name
    path.write_bytes(content)
    answered(lambda: load_rules(path))


@promise("dhis2", "documents")
@GENERATED
@given(
    st.one_of(
        mutated_documents(export.dhis2_metadata(ids=["stillbirth_rate"]), json_values),
        json_values,
    )
)
def test_generated_dhis2_metadata_is_read_or_refused(metadata):
    read = answered(lambda: interop.read_dhis2_metadata(metadata))
    assert read is None or isinstance(read.catalog, mch.Catalog)
    answered(lambda: interop.read_dhis2_metadata(metadata, skip_unsupported=True))


@promise("dhis2", "documents")
@promise("duplicate-values", "documents")
@GENERATED
@given(
    st.one_of(
        mutated_documents(VALUES, json_values).map(lambda d: ("dict", d)),
        mutated_documents(VALUES, json_values).map(lambda d: ("values.json", json.dumps(d))),
        malformed_bytes(VALUES_CSV.encode()).map(lambda b: ("values.csv", b)),
        malformed_bytes(json.dumps(VALUES).encode()).map(lambda b: ("values.json", b)),
    ),
    st.sampled_from(["error", "sum"]),
)
def test_generated_data_value_sets_are_read_or_refused(tmp_path, document, duplicates):
    name, content = document
    source: Any = content
    if name != "dict":
        source = tmp_path / name
        source.write_bytes(content if isinstance(content, bytes) else content.encode())
    table = answered(lambda: interop.read_data_value_set(source, duplicates=duplicates))
    if table is not None:
        values = table["value"].to_numpy(dtype=float)
        assert (values >= 0).all() and np.isfinite(values).all()
        if duplicates == "error":
            key = ["dataElement", "orgUnit", "period", "categoryOptionCombo",
                   "attributeOptionCombo"]  # fmt: skip
            assert not table.duplicated(key).any()
    answered(lambda: interop.compute_data_values(source, duplicates=duplicates))


# -- office files ---------------------------------------------------------------------------

OFFICE = resources.files("mch_indicators.datasets")
OFFICE_CSV = b"".join(OFFICE.joinpath("example_office.csv").read_bytes().splitlines(True)[:6])
OFFICE_XLSX = OFFICE.joinpath("example_office.xlsx").read_bytes()


@st.composite
def spoiled_workbooks(draw: st.DrawFn) -> bytes:
    """The example workbook with bytes flipped, or one of its XML members spoiled inside a
    zip that is still valid (so that the reader gets past the zip to the sheet's XML)."""
    if draw(st.booleans()):
        data = bytearray(OFFICE_XLSX)
        for at in draw(st.lists(st.integers(0, len(data) - 1), min_size=1, max_size=4)):
            data[at] = draw(st.integers(0, 255))
        return bytes(data)
    with zipfile.ZipFile(io.BytesIO(OFFICE_XLSX)) as book:
        members = {name: book.read(name) for name in book.namelist()}
    name = draw(st.sampled_from(sorted(n for n in members if n.endswith(".xml"))))
    members[name] = draw(mutated_bytes(members[name][:4000]))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as book:
        for member, content in members.items():
            book.writestr(member, content)
    return out.getvalue()


@promise("office-layouts", "text")
@promise("hostile-workbooks", "text")
@GENERATED
@given(
    st.one_of(
        malformed_bytes(OFFICE_CSV).map(lambda b: ("office.csv", b)),
        spoiled_workbooks().map(lambda b: ("office.xlsx", b)),
    )
)
def test_spoiled_office_files_are_read_or_refused(tmp_path, document):
    name, content = document
    path = tmp_path / name
    path.write_bytes(content)
    table = answered(lambda: mch.read_table(path))
    assert table is None or isinstance(table, pd.DataFrame)


# -- engine frames --------------------------------------------------------------------------


def outcome(call: Callable[[], Any]) -> Any:
    """The values of a call on any frame (as a pandas Series), or None for a typed error."""
    out = answered(call)
    if out is None:
        return None
    table = out if isinstance(out, pd.DataFrame) else out.to_pandas()
    return table["value"].reset_index(drop=True)


@promise("not-numbers", "engines")
@promise("huge", "engines")
@promise("negative", "engines")
@GENERATED
@given(count_tables(), st.sampled_from(ENGINES))
def test_engine_frames_answer_as_pandas_does(table, engine):
    frame, deaths, births = table
    # an office's rules (total rows, duplicate units) are pandas': kept out of the comparison
    office = {"totals": "keep", "duplicates": "sum"}
    for on_pandas, on_engine in (
        (lambda f: mch.compute(f, "MMR", **office), lambda f: mch.compute(f, "MMR")),
        (lambda f: mch.pool(f, "MMR", by="county", **office),
         lambda f: mch.pool(f, "MMR", by="county")),
    ):  # fmt: skip
        expected = outcome(lambda on_pandas=on_pandas: on_pandas(frame))
        got = outcome(lambda on_engine=on_engine: on_engine(as_engine(frame, engine)))
        if "text" in (deaths, births):  # pandas reads text with the cell grammar; engines refuse
            assert got is None
            continue
        assert (expected is None) == (got is None), (deaths, births)
        if got is not None:
            np.testing.assert_array_equal(
                np.sort(got.to_numpy(dtype=float)), np.sort(expected.to_numpy(dtype=float))
            )


# -- labels ---------------------------------------------------------------------------------


@promise("lookups", "text")
@GENERATED
@given(st.one_of(label_strings, st.none(), st.integers(), st.binary(max_size=5)))
def test_any_key_is_found_or_refused_with_a_typed_error(key):
    found = answered(lambda: mch.get(key))
    assert found is None or isinstance(found, mch.Indicator)
    listed = answered(lambda: mch.search(key))
    assert listed is None or all(isinstance(i, mch.Indicator) for i in listed)


@promise("labelled", "tables")
@GENERATED
@given(st.lists(label_strings, min_size=2, max_size=4, unique=True), st.data())
def test_rows_keep_any_label_of_theirs(labels, data):
    size = len(labels)
    frame = pd.DataFrame(
        {"maternal_deaths": data.draw(st.lists(st.integers(0, 9), min_size=size, max_size=size)),
         "live_births": [26954] * size},
        index=pd.Index(labels),
    )  # fmt: skip
    out = answered(lambda: mch.compute(frame, "MMR"))
    if out is not None:
        assert list(out.index) == labels


@promise("intervals", "trends")
@promise("out-of-range", "trends")
@GENERATED
@given(
    st.lists(st.one_of(st.floats(-10, 200), st.just(float("nan"))), min_size=3, max_size=3),
    st.lists(st.one_of(st.floats(-10, 200), st.just(float("nan"))), min_size=3, max_size=3),
    st.lists(label_strings, min_size=3, max_size=3, unique=True),
)
def test_assessed_limits_are_an_interval_around_a_value_in_range(values, widths, labels):
    value = pd.Series(values, index=labels)
    lower, upper = value - np.abs(widths), value + pd.Series(widths, index=labels[::-1])
    target = mch.targets_for("MMR", plan="healthy_china_2030")[0]
    assessed = answered(lambda: mch.assess_target(target, value, lower, upper))
    if assessed is None:
        return
    present = ~(np.isnan(assessed.value) | np.isnan(assessed.lower) | np.isnan(assessed.upper))
    assert (assessed.lower[present] <= assessed.value[present]).all()
    assert (assessed.value[present] <= assessed.upper[present]).all()
    assert (assessed.lower[present] >= 0).all()


@promise("out-of-range", "tables")
@GENERATED
@given(st.one_of(st.floats(), st.integers(-5, 10**6), label_strings, st.none()))
def test_any_benchmark_compares_or_is_refused(benchmark):
    counties = pd.DataFrame({"infant_deaths": [30, 95, 60], "live_births": [12000, 15000, 14000]})
    out = answered(lambda: mch.compare(counties, "IMR", benchmark=benchmark))
    if out is not None:
        assert (out["benchmark"].dropna() >= 0).all()
