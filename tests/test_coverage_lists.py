"""Coverage of the reference lists (issue 24 item 6): the annual report, WHO's core list, SDG 3.

``definitions/coverage.toml`` says, item by item, whether the catalog holds each measure
(present), a related one (variant, with how it differs) or none (missing, with why). The
docs page is generated from it; these checks keep it honest against the catalog.
"""

from __future__ import annotations

import pytest

import mch_indicators as mch
from mch_indicators._coverage import CoverageItem, builtin_coverage

LISTS = {reference.id: reference for reference in builtin_coverage()}


def test_three_lists_with_every_status_explained():
    assert set(LISTS) == {"annual_report", "who_core", "sdg3"}
    for reference in LISTS.values():
        for item in reference.items:
            assert all(i in mch.catalog for i in item.indicators), item.item
            if item.status != "present":
                assert item.reason and len(item.reason) > 20, item.item


def test_the_annual_report_forms_are_covered():
    items = LISTS["annual_report"].items
    forms = {f"卫统{n}" for n in (41, 42, 43, 44, 45, 46)}
    assert forms <= {item.item.split()[0] for item in items}
    named = {i for item in items for i in item.indicators}
    # every indicator whose data source is one of the forms appears in the list
    codes = ("卫统41", "卫统42", "卫统44", "卫统46")
    from_forms = {
        i.id
        for i in mch.catalog.values()
        if i.data_source and any(code in (i.data_source.zh or "") for code in codes)
    }
    assert from_forms - named == set()


def test_every_sdg_code_of_the_catalog_is_on_the_sdg_list():
    items = LISTS["sdg3"].items
    numbers = {item.item.split()[0] for item in items}
    for indicator in mch.catalog.values():
        code = indicator.codes.sdg
        if code:
            assert code in numbers or any(code in item.item for item in items), indicator.id
    named = {i for item in items for i in item.indicators}
    assert {"hbsag_prevalence_children_5y", "birth_registration_u5",
            "adolescent_birth_rate_10_14"} <= named  # fmt: skip


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"status": "missing", "indicators": ["maternal_mortality_ratio"]}, "names no indicator"),
        ({"status": "present"}, "names the catalog's indicators"),
        ({"status": "variant", "indicators": ["maternal_mortality_ratio"]}, "says why"),
        ({"status": "absent"}, "status"),
    ],
)
def test_items_are_validated(body, message):
    with pytest.raises(mch.DefinitionError, match=message):
        CoverageItem.model_validate({"list": "sdg3", "item": "x", **body})
