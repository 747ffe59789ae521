"""DHIS2 out and in: metadata package, UIDs, reading indicators back, data value sets."""

from __future__ import annotations

import copy
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import mch_indicators as mch
from mch_indicators import export, interop
from mch_indicators.export import dhis2_uid


@pytest.fixture(scope="module")
def package() -> dict[str, Any]:
    return export.dhis2_metadata()


def uids_of(package: dict[str, Any]) -> list[str]:
    return [item["id"] for objects in package.values() for item in objects]


# -- the package -----------------------------------------------------------------------


def test_uids_follow_dhis2s_rule_and_are_unique(package: dict[str, Any]) -> None:
    uids = uids_of(package)
    assert all(re.fullmatch(export.UID_PATTERN, uid) for uid in uids)
    assert len(set(uids)) == len(uids)


def test_uids_are_stable_across_runs_and_interpreters(package: dict[str, Any]) -> None:
    # fixed values: a change here changes every UID users have imported
    assert dhis2_uid("indicator", "maternal_mortality_ratio") == KNOWN_UID
    code = (
        "from mch_indicators.export import dhis2_uid; "
        "print(dhis2_uid('indicator', 'maternal_mortality_ratio'))"
    )
    other = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True,
        env={"PYTHONHASHSEED": "123"},
    )  # fmt: skip
    assert other.stdout.strip() == KNOWN_UID
    assert uids_of(export.dhis2_metadata()) == uids_of(package)


KNOWN_UID = "Ewwf511Kg7h"  # written down once: UIDs must never change


def test_fields_lengths_and_types(package: dict[str, Any]) -> None:
    for kind in ("dataElements", "indicators"):
        for item in package[kind]:
            assert len(item["name"]) <= 230 and len(item["shortName"]) <= 50
            assert len(item["code"]) <= 50
        for field in ("name", "shortName", "code"):
            values = [item[field] for item in package[kind]]
            assert len(set(values)) == len(values), f"{kind}.{field} must be unique"
    elements = {e["id"]: e for e in package["dataElements"]}
    assert {e["domainType"] for e in elements.values()} == {"AGGREGATE"}
    assert {e["aggregationType"] for e in elements.values()} == {"SUM"}
    expected = elements[dhis2_uid("dataElement", "expected_pregnancies")]
    assert expected["valueType"] == "NUMBER"
    deaths = elements[dhis2_uid("dataElement", "maternal_deaths")]
    assert deaths["valueType"] == "INTEGER_ZERO_OR_POSITIVE" and deaths["zeroIsSignificant"]
    factors = {t["code"]: t["factor"] for t in package["indicatorTypes"]}
    assert factors["MCH_UNIT_PER_100K"] == 100000 and factors["MCH_UNIT_PERCENT"] == 100
    assert all(t["number"] is False for t in package["indicatorTypes"])


def test_indicators_point_at_their_terms_in_both_languages(package: dict[str, Any]) -> None:
    indicators = {i["code"]: i for i in package["indicators"]}
    sbr = indicators["stillbirth_rate"]
    assert sbr["numerator"] == "#{" + dhis2_uid("dataElement", "stillbirths_28w") + "}"
    assert sbr["decimals"] == mch.get("stillbirth_rate").decimals
    zh = {t["property"]: t["value"] for t in sbr["translations"] if t["locale"] == "zh"}
    assert set(zh) >= {"NAME", "SHORT_NAME", "NUMERATOR_DESCRIPTION", "DENOMINATOR_DESCRIPTION"}
    assert indicators["anc4_coverage_hmis"]["annualized"] is True
    assert sbr["annualized"] is False
    groups = {g["code"]: g for g in package["indicatorGroups"]}
    members = {m["id"] for m in groups["MCH_MORTALITY"]["indicators"]}
    assert sbr["id"] in members and len(groups) == len(mch.Domain)


# -- round trip ------------------------------------------------------------------------


def test_export_then_import_gives_the_same_definitions(package: dict[str, Any]) -> None:
    back = interop.read_dhis2_metadata(json.loads(json.dumps(package)))
    assert list(back.catalog) == list(mch.catalog)
    assert dict(back.catalog) == dict(mch.catalog)


def _data_value_set(catalog: mch.Catalog, rng: np.random.Generator) -> tuple[dict, pd.DataFrame]:
    """Values of every term for three org units and two periods, and the same as a table."""
    rows = []
    values = []
    large = {i.denominator.id for i in catalog.values() if i.kind is mch.Kind.PROPORTION}
    for org in ("OrgUnitAAA1", "OrgUnitBBB2", "OrgUnitCCC3"):
        for period in ("2023", "2024"):
            row: dict[str, Any] = {"orgUnit": org, "period": period}
            for term in catalog.terms.values():
                count = int(
                    rng.integers(5000, 50000) if term.id in large else rng.integers(0, 500)
                )
                row[term.id] = count
                values.append(
                    {"dataElement": dhis2_uid("dataElement", term.id), "period": period,
                     "orgUnit": org, "categoryOptionCombo": "HllvX50cXC0", "value": str(count)}
                )  # fmt: skip
            rows.append(row)
    return {"dataValues": values}, pd.DataFrame(rows)


def test_export_then_import_gives_the_same_numbers(package: dict[str, Any]) -> None:
    back = interop.read_dhis2_metadata(package)
    ids = ["maternal_mortality_ratio", "stillbirth_rate", "anc4_coverage_hmis"]
    data, table = _data_value_set(back.catalog, np.random.default_rng(1))
    got = interop.compute_data_values(data, back.catalog, back.data_elements, indicators=ids)
    for key in ids:
        indicator = mch.get(key)
        want = indicator.compute(table[indicator.numerator.id], table[indicator.denominator.id])
        mine = got[got["indicator"] == key]
        np.testing.assert_allclose(mine["value"], want.value, rtol=1e-12)
        np.testing.assert_allclose(mine["lower"], want.lower, rtol=1e-12)
        assert mine["orgUnit"].tolist() == table["orgUnit"].tolist()


def test_data_value_set_csv_and_default_mapping(tmp_path: Path) -> None:
    deaths, births = (
        dhis2_uid("dataElement", "maternal_deaths"),
        dhis2_uid("dataElement", "live_births"),
    )
    path = tmp_path / "values.csv"
    path.write_text(
        "dataelement,period,orgunit,catoptcombo,attroptcombo,value,storedby,lastupdated,comment,flwup\n"
        f"{deaths},2024,ouA,cocMale0001,aoc,1,u,2024-01-01,,false\n"
        f"{deaths},2024,ouA,cocFemale001,aoc,2,u,2024-01-01,,false\n"
        f"{births},2024,ouA,cocMale0001,aoc,26954,u,2024-01-01,,false\n"
        f"{births},2024,ouB,cocMale0001,aoc,8000,u,2024-01-01,,false\n",
        encoding="utf-8",
    )
    out = interop.compute_data_values(path, indicators=["maternal_mortality_ratio"])
    assert out["orgUnit"].tolist() == ["ouA", "ouB"]
    assert out["numerator"].tolist()[0] == 3  # category option combos summed
    assert round(out["value"].tolist()[0], 2) == round(3 / 26954 * 1e5, 2)
    assert out["flags"].tolist()[1] != ""  # no maternal deaths reported: MISSING


def test_bad_data_values_are_refused_with_their_place(tmp_path: Path) -> None:
    data = {
        "dataValues": [{"dataElement": "abc", "orgUnit": "ou", "period": "2024", "value": "-3"}]
    }
    with pytest.raises(mch.InvalidInputError, match=r"data value 1 .*'-3' is not a non-negative"):
        interop.read_data_value_set(data)
    with pytest.raises(mch.InvalidInputError, match="no data element of the data value set maps"):
        interop.compute_data_values(
            {"dataValues": [{"dataElement": "x", "orgUnit": "ou", "period": "2024", "value": "1"}]}
        )


# -- reading other DHIS2 metadata ------------------------------------------------------


def _element(code: str, name: str) -> dict[str, Any]:
    return {"id": dhis2_uid("test", code), "code": code, "name": name, "shortName": name}


ELEMENTS = [
    _element("SB_FRESH", "Stillbirths fresh"),
    _element("SB_MACERATED", "Stillbirths macerated"),
    _element("LB_FACILITY", "Live births in facility"),
    _element("ANC4", "ANC 4th visit"),
    _element("EXP_PREG", "Expected pregnancies"),
]
UID = {e["code"]: e["id"] for e in ELEMENTS}
PERCENT = {"id": "PercentType", "name": "Percentage", "factor": 100, "number": False}


def _indicator(code: str, numerator: str, denominator: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": dhis2_uid("test-indicator", code), "code": code, "name": f"Test - {code}",
        "shortName": code, "numerator": numerator, "denominator": denominator,
        "numeratorDescription": f"{code} numerator",
        "denominatorDescription": f"{code} denominator",
        "indicatorType": {"id": "PercentType"}, "annualized": False, "decimals": 1, **extra,
    }  # fmt: skip


def foreign() -> dict[str, Any]:
    fresh, macerated, live = (
        f"#{{{UID[c]}}}" for c in ("SB_FRESH", "SB_MACERATED", "LB_FACILITY")
    )
    return {
        "dataElements": copy.deepcopy(ELEMENTS),
        "indicatorTypes": [dict(PERCENT)],
        "indicators": [
            _indicator(
                "TEST_SB",
                f"{fresh}+{macerated}",
                f"{live} + {fresh} + {macerated}",
                translations=[{"locale": "zh", "property": "NAME", "value": "死产率"}],
            ),
            _indicator(
                "TEST_ANC4_COV", f"#{{{UID['ANC4']}}}", f"#{{{UID['EXP_PREG']}}}", annualized=True
            ),
        ],
    }


def test_sums_of_data_elements_become_terms() -> None:
    read = interop.read_dhis2_metadata(foreign(), directions={"TEST_SB": "lower"})
    sbr = read.catalog["test_sb"]
    assert sbr.unit == "percent" and sbr.kind is mch.Kind.RATIO and sbr.decimals == 1
    assert sbr.direction is mch.Direction.LOWER and sbr.name.zh == "死产率"
    assert not sbr.verified and "assumed" in (sbr.note or "")
    assert read.data_elements[UID["SB_FRESH"]] == (sbr.numerator.id, sbr.denominator.id)
    cov = read.catalog["test_anc4_cov"]
    assert cov.kind is mch.Kind.COVERAGE and cov.denominator.estimated
    assert cov.numerator.id == "anc4" and cov.codes.dhis2 == "TEST_ANC4_COV"
    data = {
        "period": "2024", "orgUnit": "ou1",
        "dataValues": [
            {"dataElement": UID["SB_FRESH"], "value": "3"},
            {"dataElement": UID["SB_MACERATED"], "value": "2"},
            {"dataElement": UID["LB_FACILITY"], "value": "995"},
        ],
    }  # fmt: skip
    out = interop.compute_data_values(data, read.catalog, read.data_elements)
    assert out["indicator"].tolist() == ["test_sb"]
    assert out["value"].tolist() == [pytest.approx(0.5)]  # 5 / 1000 x 100, as DHIS2 computes


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda m: m["indicators"][0].update(numerator="#{NoSuchElem1}"),
         r"'TEST_SB' .*data element 'NoSuchElem1', which is not in the metadata"),
        (lambda m: m["indicators"][0].update(numerator=f"#{{{UID['SB_FRESH']}}} - 1"),
         r"'TEST_SB' .*numerator .* is not a data element or a sum of data elements"),
        (lambda m: m["indicators"][1].update(denominator=f"C{{{UID['ANC4']}}}*12"),
         r"'TEST_ANC4_COV' .*denominator"),
        (lambda m: m["indicatorTypes"][0].update(factor=12),
         r"'TEST_SB' .*factor 12 matches no unit"),
        (lambda m: m["indicatorTypes"][0].update(number=True),
         r"'TEST_SB' .*is a number \(numerator only\)"),
        (lambda m: m["indicators"][0].update(indicatorType={"id": "Elsewhere"}),
         r"'TEST_SB' .*indicator type 'Elsewhere' is not in the metadata"),
    ],
)  # fmt: skip
def test_bad_dhis2_metadata_is_refused_naming_the_indicator(change: Any, message: str) -> None:
    metadata = foreign()
    change(metadata)
    with pytest.raises(mch.DefinitionError, match=message):
        interop.read_dhis2_metadata(metadata)


def test_metadata_from_a_file(tmp_path: Path) -> None:
    path = tmp_path / "metadata.json"
    path.write_text(json.dumps(foreign()), encoding="utf-8")
    assert list(interop.read_dhis2_metadata(path).catalog) == ["test_sb", "test_anc4_cov"]


def test_unsupported_indicators_can_be_skipped_and_listed() -> None:
    metadata = foreign()
    metadata["indicatorTypes"].append({"id": "NumberType", "name": "Number", "factor": 1,
                                       "number": True})  # fmt: skip
    metadata["indicators"].append(
        _indicator("TEST_COUNT", f"#{{{UID['ANC4']}}}", "1", indicatorType={"id": "NumberType"})
    )
    with pytest.raises(mch.DefinitionError, match="'TEST_COUNT'"):
        interop.read_dhis2_metadata(metadata)
    read = interop.read_dhis2_metadata(metadata, skip_unsupported=True)
    assert list(read.catalog) == ["test_sb", "test_anc4_cov"]
    ((label, reason),) = read.skipped.items()
    assert "'TEST_COUNT'" in label and "is a number" in reason
