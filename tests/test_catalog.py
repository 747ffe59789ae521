from __future__ import annotations

import io
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

import mch_indicators as mch
from contract import promise
from mch_indicators import units

V0 = {
    "maternal_mortality_ratio": ("孕产妇死亡率", "per_100k", "ratio"),
    "neonatal_mortality_rate": ("新生儿死亡率", "permille", "rate"),
    "infant_mortality_rate": ("婴儿死亡率", "permille", "rate"),
    "under5_mortality_rate": ("5岁以下儿童死亡率", "permille", "rate"),
    "perinatal_mortality_rate_cn": ("围产儿死亡率", "permille", "rate"),
    "birth_defect_incidence_perinatal": ("围产儿出生缺陷发生率", "per_10k", "proportion"),
    "hospital_delivery_rate_cn": ("住院分娩率", "percent", "proportion"),
    "early_pregnancy_registration_rate_cn": ("早孕建册率", "percent", "proportion"),
    "prenatal_care_rate_cn": ("产前检查率", "percent", "proportion"),
    "postpartum_visit_rate_cn": ("产后访视率", "percent", "proportion"),
    "maternal_systematic_management_rate_cn": ("孕产妇系统管理率", "percent", "proportion"),
    "high_risk_pregnancy_management_rate_cn": ("高危孕产妇管理率", "percent", "proportion"),
    "premarital_medical_exam_rate": ("婚前医学检查率", "percent", "proportion"),
    "preconception_check_target_coverage": (
        "孕前优生健康检查目标人群覆盖率",
        "percent",
        "coverage",
    ),
    "prenatal_screening_rate": ("产前筛查率", "percent", "proportion"),
    "newborn_disease_screening_rate": ("新生儿疾病筛查率", "percent", "proportion"),
    "child_health_management_rate_0_6": ("0～6岁儿童健康管理率", "percent", "proportion"),
    "two_cancer_screening_task_completion": ("两癌筛查覆盖率", "percent", "coverage"),
    "childcare_places_per_1000": ("每千人口拥有3岁以下婴幼儿托位数", "per_1k", "density"),
}


def test_catalog_v0_is_complete():
    for key, (zh, unit, kind) in V0.items():
        indicator = mch.catalog[key]
        assert (indicator.name.zh, indicator.unit, indicator.kind.value) == (zh, unit, kind)


def test_catalog_is_a_read_only_mapping():
    assert isinstance(mch.catalog, Mapping)
    assert mch.catalog is mch.catalog
    with pytest.raises(TypeError):
        mch.catalog["x"] = mch.get("MMR")  # type: ignore[index]


def test_every_indicator_is_sourced_bilingual_and_parses():
    for indicator in mch.catalog.values():
        assert indicator.sources
        assert indicator.name.zh and indicator.name.en
        assert indicator.unit in units.names()
        assert indicator.verified or indicator.note


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("maternal_mortality_ratio", "maternal_mortality_ratio"),
        ("孕产妇死亡率", "maternal_mortality_ratio"),
        ("MMR", "maternal_mortality_ratio"),
        ("mmr", "maternal_mortality_ratio"),
        ("SDG 3.1.1", "maternal_mortality_ratio"),
        ("sdg3.1.1", None),
        ("3.2.2", "neonatal_mortality_rate"),
        ("Infant mortality rate", "infant_mortality_rate"),
        ("infant-mortality-rate", "infant_mortality_rate"),
        ("CM_ECMR_C_IMR", "infant_mortality_rate"),
        ("两癌筛查覆盖率", "two_cancer_screening_task_completion"),
        ("千人口托位数", "childcare_places_per_1000"),
        ("ＭＭＲ", "maternal_mortality_ratio"),
    ],
)
def test_get_resolves_ids_aliases_names_and_codes(key, expected):
    if expected is None:
        with pytest.raises(mch.UnknownIndicatorError):
            mch.get(key)
    else:
        assert mch.get(key).id == expected


def test_unknown_key_suggests_close_matches():
    with pytest.raises(KeyError) as caught:
        mch.get("infant mortality")
    error = caught.value
    assert isinstance(error, mch.UnknownIndicatorError)
    assert error.suggestions[0] == "infant_mortality_rate"
    assert "did you mean 'infant_mortality_rate'" in str(error)


def test_catalog_getitem_also_suggests():
    with pytest.raises(mch.UnknownIndicatorError, match="did you mean"):
        mch.catalog["maternal_mortality_rati"]


def test_get_accepts_an_indicator_and_refuses_non_text():
    mmr = mch.get("MMR")
    assert mch.get(mmr) is mmr
    with pytest.raises(mch.InvalidInputError, match="indicator key must be text"):
        mch.get(3)  # type: ignore[arg-type]


NOT_TEXT = [None, 1, 1.5, b"MMR", ["MMR"], {"id": "MMR"}, 10**5000]


@promise("lookups", "text")
@pytest.mark.parametrize("key", NOT_TEXT, ids=lambda key: type(key).__name__)
def test_lookups_refuse_what_is_not_text_with_a_typed_error(key):
    for call in (mch.get, mch.search, mch.catalog.get_indicator, mch.catalog.search):
        with pytest.raises(mch.InvalidInputError, match="must be text") as caught:
            call(key)
        assert type(key).__name__ in str(caught.value)
        assert len(str(caught.value)) < 200


@promise("lookups", "text")
@pytest.mark.parametrize("limit", [-1, 1.5, "3", True])
def test_search_refuses_a_limit_that_is_not_a_count(limit):
    with pytest.raises(mch.InvalidInputError, match="limit"):
        mch.search("MMR", limit=limit)
    assert len(mch.search("MMR", limit=0)) == 0


def test_filter_by_domain_and_kind():
    coverage = mch.catalog.filter(kind="coverage")
    assert {"preconception_check_target_coverage", "dtp3_coverage_admin"} <= {
        i.id for i in coverage
    }
    assert all(i.denominator.estimated for i in coverage)
    assert all(i.domain is mch.Domain.MORTALITY for i in mch.catalog.filter(domain="mortality"))


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "mine.toml"
    path.write_text(text, encoding="utf-8")
    return path


GOOD = """
[terms.caesareans]
name = { en = "caesarean deliveries", zh = "剖宫产数" }
definition.en = "Deliveries by caesarean section."

[[indicator]]
id = "caesarean_rate_local"
name = { en = "Caesarean section rate, our hospital", zh = "本院剖宫产率" }
domain = "maternal_care"
kind = "proportion"
unit = "%"
direction = "neutral"
numerator = "caesareans"
denominator = "live_births"
definition.en = "Caesarean deliveries per 100 live births."
sources = [{ document = "Local protocol" }]
"""


def test_user_definitions_load_and_merge(tmp_path):
    mine = mch.load_definitions(_write(tmp_path, GOOD))
    assert list(mine) == ["caesarean_rate_local"]
    assert mine["caesarean_rate_local"].denominator == mch.catalog.terms["live_births"]
    merged = mch.catalog.merged(mine)
    assert len(merged) == len(mch.catalog) + 1
    assert merged.get_indicator("本院剖宫产率").id == "caesarean_rate_local"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            GOOD.replace('zh = "本院剖宫产率"', 'zh = ""'),
            r"mine.toml, indicator 'caesarean_rate_local': name.zh",
        ),
        (
            GOOD.replace('denominator = "live_births"', 'denominator = "live_birth"'),
            "did you mean 'live_births'",
        ),
        (GOOD.replace('unit = "%"', 'unit = "ppb"'), "unit: unit 'ppb' is ambiguous"),
        (GOOD + "\n[extra]\nx = 1\n", "unexpected top-level keys"),
        ("id = ", "not valid TOML"),
        (
            GOOD.replace('id = "caesarean_rate_local"', 'id = "maternal_mortality_ratio"').replace(
                'direction = "neutral"', 'direction = "neutral"\naliases = ["MMR"]'
            ),
            None,
        ),
    ],
)
def test_user_definition_errors_name_file_and_field(tmp_path, text, message):
    path = _write(tmp_path, text)
    if message is None:  # loads alone, but clashes with the built-in catalog on merge
        with pytest.raises(mch.DefinitionError, match="defined twice"):
            mch.catalog.merged(mch.load_definitions(path))
        return
    with pytest.raises(mch.DefinitionError, match=message):
        mch.load_definitions(path)


def test_missing_file_is_a_definition_error(tmp_path):
    with pytest.raises(mch.DefinitionError, match="cannot be read"):
        mch.load_definitions(tmp_path / "absent.toml")
    with pytest.raises(mch.DefinitionError, match="at least one file"):
        mch.load_definitions()


def test_alias_pointing_at_two_indicators_is_refused(tmp_path):
    clash = GOOD + GOOD.split("[[indicator]]")[1].join(["\n[[indicator]]", ""]).replace(
        'id = "caesarean_rate_local"', 'id = "caesarean_rate_other"'
    )
    with pytest.raises(mch.DefinitionError, match="points at both"):
        mch.load_definitions(_write(tmp_path, clash))


def _catalog_takers() -> dict[str, Any]:
    import pandas as pd

    from mch_indicators import export, interop

    wide = pd.DataFrame({"县区": ["甲"], "活产数": [1000], "孕产妇死亡数": [1]})
    values = {"period": "2024", "dataValues": [
        {"dataElement": "live_births", "orgUnit": "OU", "value": "1000"},
        {"dataElement": "maternal_deaths", "orgUnit": "OU", "value": "1"}]}  # fmt: skip
    out = mch.compute(wide)
    return {
        "compute": lambda catalog: mch.compute(wide, catalog=catalog),
        "pool": lambda catalog: mch.pool(wide, catalog=catalog),
        "match_columns": lambda catalog: mch.match_columns(wide, catalog=catalog),
        "to_csv": lambda catalog: mch.to_csv(out, io.BytesIO(), catalog=catalog),
        "report": lambda catalog: mch.report(wide, catalog=catalog),
        "compute_records": lambda catalog: mch.compute_records(
            pd.DataFrame({"outcome": ["live"], "gestation_weeks": [39.0]}),
            "preterm_birth_rate", catalog=catalog),
        "export.dumps": lambda catalog: export.dumps("json", catalog=catalog),
        "interop.compute_data_values": lambda catalog: interop.compute_data_values(
            values, catalog),
    }  # fmt: skip


@pytest.mark.parametrize("taker", sorted(_catalog_takers()))
@pytest.mark.parametrize("wrong", ["catalog.toml", {"MMR": None}, 5])
def test_a_catalog_argument_that_is_no_catalog_is_refused(taker: str, wrong: object) -> None:
    # A string or a number raised AttributeError deep inside; a dict exported an empty catalog.
    with pytest.raises(mch.InvalidInputError, match=r"catalog must be a Catalog") as caught:
        _catalog_takers()[taker](wrong)
    assert caught.value.reason_zh is not None
