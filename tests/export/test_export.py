"""Exports of the definitions: JSON round trip, JSON Schema, CSV, xlsx, FHIR, the CLI."""

from __future__ import annotations

import copy
import csv
import io
import json
import re
import subprocess
import sys
import tomllib
from importlib import resources
from pathlib import Path

import pytest

import mch_indicators as mch
from mch_indicators import export
from mch_indicators._cli import main
from mch_indicators._targets import Target, builtin_targets

jsonschema = pytest.importorskip("jsonschema")
CATALOG_FILES = sorted(
    resources.files("mch_indicators.definitions").joinpath("catalog").iterdir(),
    key=lambda entry: entry.name,
)
MINE = """
[terms.caesareans_local]
name = { en = "caesarean deliveries", zh = "剖宫产数" }
definition = { en = "Deliveries by caesarean section.", zh = "剖宫产分娩数。" }

[[indicator]]
id = "caesarean_rate_local"
name = { en = "Caesarean section rate, our hospital", zh = "本院剖宫产率" }
domain = "maternal_care"
kind = "proportion"
unit = "%"
direction = "neutral"
numerator = "caesareans_local"
denominator = "live_births"
definition = { en = "Caesarean deliveries per 100 live births." }
sources = [{ document = "Local protocol 2024", url = "https://example.org/protocol" }]
"""


@pytest.fixture(scope="module")
def validator() -> object:
    schema = export.json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


@pytest.fixture
def mine(tmp_path: Path) -> mch.Catalog:
    path = tmp_path / "mine.toml"
    path.write_text(MINE, encoding="utf-8")
    return mch.load_definitions(path)


# -- JSON ------------------------------------------------------------------------------


def test_json_round_trip_gives_an_equal_catalog(tmp_path: Path) -> None:
    path = export.write(tmp_path / "catalog.json", "json")
    back = mch.load_definitions(path)
    assert list(back) == list(mch.catalog)
    assert dict(back) == dict(mch.catalog)
    assert back.terms == {t: mch.catalog.terms[t] for t in back.terms}
    full = json.loads(export.catalog_json())
    assert json.loads(export.catalog_json(targets=False)) == {
        key: value for key, value in full.items() if key not in ("plans", "target")
    }


def test_json_has_every_field_and_the_targets() -> None:
    document = json.loads(export.catalog_json(ids=["stillbirth_rate_22w"]))
    entry = document["indicator"][0]
    assert set(entry) == set(mch.Indicator.model_fields)
    assert entry["variant_of"] == "stillbirth_rate"
    assert entry["parameters"]["gestation_weeks_min"] == 22
    term = document["terms"][entry["numerator"]]
    assert term["criteria"]["gestation_weeks_min"] == 22
    assert term["name"]["zh"]
    targets = [t for t in builtin_targets() if t.indicator == "maternal_mortality_ratio"]
    doc = export.catalog_document(ids=["maternal_mortality_ratio"])
    plans = {key: {"id": key, **plan} for key, plan in doc["plans"].items()}
    back = [Target.model_validate({**t, "plan": plans[t["plan"]]}) for t in doc["target"]]
    assert back == targets


def test_fingerprints_are_stable_and_change_with_the_definition() -> None:
    mmr = mch.get("maternal_mortality_ratio")
    assert export.fingerprint(mmr) == export.fingerprint(copy.deepcopy(mmr))
    changed = mmr.model_copy(update={"name": mch.Names(en="MMR", zh="孕产妇死亡率")})
    assert export.fingerprint(changed) != export.fingerprint(mmr)
    # a field written out at its default value does not change the fingerprint
    explicit = mch.Indicator.model_validate({**mmr.model_dump(), "method": None})
    assert export.fingerprint(explicit) == export.fingerprint(mmr)
    prints = json.loads(export.catalog_json())["fingerprints"]
    assert len(set(prints.values())) == len(mch.catalog)


def test_a_json_file_of_a_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "new.json"
    path.write_text(json.dumps({"schema_version": "2.0", "indicator": []}), encoding="utf-8")
    with pytest.raises(mch.DefinitionError, match=r"schema_version 2\.0 is newer"):
        mch.load_definitions(path)
    path.write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(mch.DefinitionError, match="is a JSON object"):
        mch.load_definitions(path)
    path.write_text("{oops", encoding="utf-8")
    with pytest.raises(mch.DefinitionError, match=r"new\.json: not valid JSON"):
        mch.load_definitions(path)


def test_a_users_own_definitions_export_and_read_back(mine: mch.Catalog, tmp_path: Path) -> None:
    for fmt in export.FORMATS:
        export.write(tmp_path / f"mine.{fmt}", fmt, catalog=mine)
    back = mch.load_definitions(tmp_path / "mine.json")
    assert dict(back) == dict(mine)
    text = (tmp_path / "mine.csv").read_text(encoding="utf-8-sig")
    assert "caesarean_rate_local" in text and "本院剖宫产率" in text
    package = json.loads((tmp_path / "mine.dhis2").read_text(encoding="utf-8"))
    assert package["indicators"][0]["url"] == "https://example.org/protocol"


# -- JSON Schema -----------------------------------------------------------------------


@pytest.mark.parametrize("entry", CATALOG_FILES, ids=lambda entry: entry.name)
def test_every_built_in_definition_file_validates(entry: object, validator: object) -> None:
    data = tomllib.loads(entry.read_text(encoding="utf-8"))  # type: ignore[attr-defined]
    assert [error.message for error in validator.iter_errors(data)] == []  # type: ignore[attr-defined]


def test_the_exported_json_validates(validator: object) -> None:
    assert list(validator.iter_errors(json.loads(export.catalog_json()))) == []  # type: ignore[attr-defined]


def _messages(validator: object, data: object) -> list[str]:
    """Every message, with those of the alternatives of an anyOf."""
    found: list[str] = []
    pending = list(validator.iter_errors(data))  # type: ignore[attr-defined]
    while pending:
        error = pending.pop(0)
        found.append(error.message)
        pending.extend(error.context or ())
    return found


def _one(**changes: object) -> dict[str, object]:
    data = tomllib.loads(MINE)
    data["indicator"][0].update(changes)
    return data


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (_one(kind="percentage"), "'percentage' is not one of ['proportion'"),
        (_one(id="Caesarean-Rate"), "'Caesarean-Rate' does not match"),
        (_one(name={"en": "Caesarean rate", "zh": "caesarean"}), "'caesarean' does not match"),
        (_one(sources=[]), "[] should be non-empty"),
        (_one(verified=False), "'note' is a required property"),
        (_one(note_zh="仅见于教材"), "'note' is a required property"),
        (_one(colour="red"), "Additional properties are not allowed ('colour' was unexpected)"),
        (
            _one(numerator={"id": "x", "name": {"en": "x", "zh": "某"}}),
            "'definition' is a required property",
        ),
        ({"indicators": []}, "Additional properties are not allowed ('indicators'"),
    ],
)
def test_invalid_files_fail_with_the_expected_message(
    data: dict[str, object], message: str, validator: object
) -> None:
    messages = _messages(validator, data)
    assert any(message in m for m in messages), messages


def test_missing_fields_are_named(validator: object) -> None:
    data = tomllib.loads(MINE)
    del data["indicator"][0]["unit"]
    messages = [error.message for error in validator.iter_errors(data)]  # type: ignore[attr-defined]
    assert messages == ["'unit' is a required property"]


def test_the_shipped_schema_is_the_generated_one() -> None:
    shipped = resources.files("mch_indicators.export").joinpath("definitions.schema.json")
    assert json.loads(shipped.read_text(encoding="utf-8")) == export.json_schema(), (
        "regenerate: mch-indicators export --format jsonschema "
        "-o src/mch_indicators/export/definitions.schema.json"
    )


# -- CSV and xlsx ----------------------------------------------------------------------


def test_csv_has_one_row_per_indicator_and_every_field() -> None:
    rows = list(csv.DictReader(io.StringIO(export.catalog_csv())))
    assert [row["id"] for row in rows] == list(mch.catalog)
    row = rows[list(mch.catalog).index("neonatal_mortality_rate")]
    assert row["name.zh"] == "新生儿死亡率"
    assert row["numerator.criteria.age_days_max"] == "28.0"
    assert row["codes.sdg"] == "3.2.2"
    assert (
        row["sources.2.url"] == "https://unstats.un.org/sdgs/metadata/files/Metadata-03-02-02.pdf"
    )
    assert row["sources.2.primary"] == "true" and row["rationale.zh"]
    assert row["fingerprint"] == export.fingerprint(mch.get("neonatal_mortality_rate"))
    assert "≤ 12‰ by 2030, every country (sdg_2030)" in row["targets"]
    assert row["schema_version"] == export.SCHEMA_VERSION


def test_xlsx_holds_the_same_rows(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    ids = ["maternal_mortality_ratio", "anc4_coverage_hmis"]
    path = export.write(tmp_path / "catalog.xlsx", "xlsx", ids=ids)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["indicators", "terms", "targets", "about"]
    rows = list(book["indicators"].iter_rows(values_only=True))
    header, expected = export.indicator_table(ids=ids)
    assert list(rows[0]) == header
    blank = [[None if value == "" else value for value in row] for row in expected]
    assert [list(row) for row in rows[1:]] == blank  # an empty cell reads back as None
    assert book["terms"]["A2"].value == "maternal_deaths"


# -- FHIR ------------------------------------------------------------------------------


def test_every_measure_validates_with_fhir_resources() -> None:
    pytest.importorskip("fhir.resources")
    from fhir.resources.R4B.bundle import Bundle
    from fhir.resources.R4B.measure import Measure

    bundle = export.fhir_bundle()
    Bundle.model_validate(bundle)
    for entry in bundle["entry"]:
        measure = Measure.model_validate(entry["resource"])
        assert measure.title__ext.extension[0].extension[1].valueString  # the Chinese title
    assert len(bundle["entry"]) == len(mch.catalog)


def test_ids_longer_than_fhir_allows_stay_distinct_measures(tmp_path: Path) -> None:
    # Both were cut to the same 64 characters: one Measure id and fullUrl for two
    # definitions, so a server given the bundle kept one of them.
    stem = "caesarean_rate_of_our_hospital_in_the_years_before_the_new_protocol_"
    terms, indicator = MINE.split("[[indicator]]")
    text = terms
    for suffix in ("a", "b"):
        named = indicator.replace('"caesarean_rate_local"', f'"{stem}{suffix}"')
        text += "[[indicator]]" + named.replace("本院剖宫产率", f"本院剖宫产率{suffix}").replace(
            "our hospital", f"hospital {suffix}"
        )
    path = tmp_path / "long.toml"
    path.write_text(text, encoding="utf-8")
    ids = [stem + "a", stem + "b"]
    bundle = export.fhir_bundle(mch.load_definitions(path), ids)
    made = [entry["resource"]["id"] for entry in bundle["entry"]]
    assert len(set(made)) == 2 and all(len(i) <= 64 for i in made)
    assert all(re.fullmatch(r"[A-Za-z0-9\-.]{1,64}", i) for i in made)
    assert len({entry["fullUrl"] for entry in bundle["entry"]}) == 2
    assert made == [export.fhir_id(i) for i in ids]  # the same on every export
    assert export.fhir_id("maternal_mortality_ratio") == "maternal-mortality-ratio"


@pytest.mark.parametrize(
    "base_url", [5, None, b"https://x.org", "", "fhir", "x.org/fhir", "ftp://x.org",
                 "https://", "https://x.org/fhir?a=1", "https://x.org/my fhir"],
)  # fmt: skip
def test_a_base_url_that_is_not_an_absolute_web_address_is_refused(base_url: object) -> None:
    """base_url=5 was written into every Measure's url as '5/Measure/...'."""
    for make in (
        lambda: export.fhir_bundle(ids=["stillbirth_rate"], base_url=base_url),  # type: ignore[arg-type]
        lambda: export.fhir_bundle(ids=[], base_url=base_url),  # type: ignore[arg-type]
        lambda: export.fhir_measure(mch.get("stillbirth_rate"), base_url=base_url),  # type: ignore[arg-type]
    ):
        with pytest.raises(mch.InvalidInputError, match="base_url must be an absolute") as error:
            make()
        assert "base_url 须为完整的 http 或 https 网址" in (error.value.reason_zh or "")


def test_a_base_url_gives_each_measure_its_canonical_url() -> None:
    for base in ("https://fhir.example.org/r4", "https://fhir.example.org/r4/"):
        bundle = export.fhir_bundle(ids=["stillbirth_rate"], base_url=base)
        url = "https://fhir.example.org/r4/Measure/stillbirth-rate"
        assert bundle["entry"][0]["fullUrl"] == bundle["entry"][0]["resource"]["url"] == url


def test_an_invalid_measure_is_refused_by_fhir_resources() -> None:
    pytest.importorskip("fhir.resources")
    from fhir.resources.R4B.measure import Measure
    from pydantic import ValidationError

    measure = export.fhir_measure(mch.get("stillbirth_rate"))
    measure["status"] = ["active"]
    with pytest.raises(ValidationError):
        Measure.model_validate(measure)


@pytest.mark.parametrize(
    ("indicator", "scoring", "notation"),
    [
        ("maternal_mortality_ratio", "ratio", "decrease"),
        ("anc4_coverage", "proportion", "increase"),
        ("anc4_coverage_hmis", "ratio", "increase"),
        ("caesarean_section_rate_population", "proportion", None),
    ],
)
def test_measure_scoring_and_improvement(indicator: str, scoring: str, notation: str) -> None:
    measure = export.fhir_measure(mch.get(indicator))
    assert measure["scoring"]["coding"][0]["code"] == scoring
    got = measure.get("improvementNotation", {}).get("coding", [{}])[0].get("code")
    assert got == notation


def test_measure_identifiers_and_multiplier() -> None:
    measure = export.fhir_measure(mch.get("maternal_mortality_ratio"))
    values = {i["system"]: i["value"] for i in measure["identifier"]}
    assert values[export._fhir.IDENTIFIER_SYSTEMS["sdg"]] == "3.1.1"
    assert values[export._fhir.IDENTIFIER_SYSTEMS["id"]] == "maternal_mortality_ratio"
    assert {"url": export._fhir._MULTIPLIER, "valueInteger": 100000} in measure["extension"]
    assert "x 100,000" in measure["guidance"]
    numerator = measure["group"][0]["population"][0]
    assert numerator["_description"]["extension"][0]["extension"][1]["valueString"].startswith(
        "孕产妇死亡数"
    )


# -- command line ----------------------------------------------------------------------


def test_cli_export_prints_or_writes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "--format", "dhis2", "孕产妇死亡率"]) == 0
    package = json.loads(capsys.readouterr().out)
    assert package["indicators"][0]["code"] == "maternal_mortality_ratio"
    out = tmp_path / "catalog.csv"
    assert main(["export", "--format", "csv", "--output", str(out)]) == 0
    assert f"wrote {len(mch.catalog)} indicators to {out}" in capsys.readouterr().out
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")  # a BOM for spreadsheet programs
    assert main(["export", "--format", "xlsx"]) == 1
    assert "give --output PATH" in capsys.readouterr().err


def test_cli_definitions_accept_json(mine: mch.Catalog, tmp_path: Path) -> None:
    path = export.write(tmp_path / "mine.json", catalog=mine)
    result = subprocess.run(
        [sys.executable, "-m", "mch_indicators", "--definitions", str(path), "show",
         "caesarean_rate_local", "--format", "json"],
        capture_output=True, text=True, encoding="utf-8", check=True,
    )  # fmt: skip
    assert json.loads(result.stdout)["name"]["zh"] == "本院剖宫产率"


def test_importing_the_package_imports_no_export_or_hypothesis() -> None:
    code = (
        "import sys, mch_indicators; "
        "print(sorted(m for m in ('hypothesis', 'mch_indicators.export', 'jsonschema') "
        "if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_the_crosswalk_reference_file_names_catalog_indicators() -> None:
    path = Path(__file__).parents[1] / "reference" / "crosswalk_codes.csv"
    lines = [
        line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("#")
    ]
    rows = list(csv.DictReader(lines))
    assert rows
    for row in rows:
        assert row["indicator_id"] in mch.catalog, row
        assert row["system"] in {"sdg", "gho", "dhs", "dhis2"} and row["verified"] in {"yes", "no"}
        assert row["match"] in {"same", "analogue", "correction"} and row["source"]


# -- one name, one meaning: the renamed spellings ----------------------------------------


def test_catalog_frame_is_the_flat_table() -> None:
    pytest.importorskip("pandas")
    frame = export.catalog_frame()
    assert len(frame) == len(mch.catalog) and frame.index.name == "id"
    assert frame.loc["infant_mortality_rate", "name.zh"] == "婴儿死亡率"
    assert list(frame.reset_index().columns) == next(csv.reader(io.StringIO(export.catalog_csv())))
    assert list(export.catalog_frame(ids=["IMR", "MMR"]).index) == [
        "infant_mortality_rate",
        "maternal_mortality_ratio",
    ]


@pytest.mark.parametrize(
    ("old", "new"), [("catalog", "write"), ("to_csv", "catalog_csv"), ("to_json", "catalog_json")]
)
def test_the_old_export_names_warn_and_give_the_new_function(old: str, new: str) -> None:
    with pytest.warns(DeprecationWarning, match=rf"export\.{old} is deprecated.*export\.{new}"):
        function = getattr(export, old)
    assert function is getattr(export, new)
    assert old not in export.__all__


def test_catalog_to_json_and_to_frame_warn_and_give_what_they_gave() -> None:
    pytest.importorskip("pandas")
    with pytest.warns(DeprecationWarning, match=r"Catalog\.to_json\(\) is deprecated"):
        text = mch.catalog.to_json(["stillbirth_rate"], indent=None)
    assert text == export.catalog_json(ids=["stillbirth_rate"], indent=None, targets=False)
    assert "target" not in json.loads(text)
    with pytest.warns(DeprecationWarning, match=r"Catalog\.to_frame\(\) is deprecated"):
        frame = mch.catalog.to_frame()
    assert frame.equals(export.catalog_frame())


@pytest.mark.parametrize("form", ["json", "csv", "dhis2", "fhir"])
def test_one_id_may_be_given_without_a_list(form: str) -> None:
    # ids="MMR" was read letter by letter: "no indicator matches 'M'".
    assert export.dumps(form, ids="MMR") == export.dumps(form, ids=["MMR"])


def test_an_unknown_format_is_a_typed_error() -> None:
    with pytest.raises(mch.InvalidInputError, match="unknown format 'bogus'"):
        export.dumps("bogus")  # type: ignore[arg-type]
    with pytest.raises(mch.InvalidInputError, match="binary format"):
        export.dumps("xlsx")


HOSTILE = """
[[indicator]]
id = "hostile_rate"
name = { en = "Rate <b>bold</b>", zh = "恶意率" }
domain = "maternal_care"
kind = "proportion"
unit = "%"
direction = "neutral"
numerator = { id = "hostile_events", name = { en = "[x](javascript:alert(1))", zh = "事件" }, \
definition = { en = "Events." } }
denominator = "live_births"
definition = { en = DEFINITION, zh = "<img src=x onerror=alert(1)>\\n> 引用" }
sources = [{ document = "Local protocol [2024](javascript:alert(1))", section = "# <img src=x>" }]
note = "`code` **bold** ~~gone~~"
""".replace(
    "DEFINITION",
    json.dumps("See [here](javascript:alert(1)) <script>alert(1)</script> a | b\n# heading\n"
               "- item\n1. first"),
)  # fmt: skip


def _markup_left(text: str) -> list[str]:
    """What a Markdown renderer would read as markup in ``text`` (escaped characters aside)."""
    plain = re.sub(r"\\[!-/:-@\[-`{-~]", "", text)
    inline = re.findall(r"[`*_\[\]<>#|~&]", plain)
    blocks = re.findall(r"(?m)^ {0,3}(?:[-+=>]|[0-9]+[.)])", plain)
    return inline + blocks


def test_fhir_markdown_fields_hold_a_definitions_text_inert(tmp_path: Path) -> None:
    """FHIR renders ``description`` and ``guidance`` as Markdown: a definition's link,
    HTML, table pipe or heading was written there as it was, live in any FHIR viewer."""
    path = tmp_path / "hostile.toml"
    path.write_text(HOSTILE, encoding="utf-8")
    measure = export.fhir_measure(mch.load_definitions(path)["hostile_rate"])
    zh = measure["_description"]["extension"][0]["extension"][1]["valueMarkdown"]
    citation = measure["relatedArtifact"][0]["citation"]  # Markdown too (RelatedArtifact)
    for text in (measure["description"], measure["guidance"], zh, citation):
        assert _markup_left(text) == []
    assert measure["description"].startswith(r"See \[here\](javascript:alert(1)) \<script\>")
    assert "\n\\# heading\n\\- item\n1\\. first" in measure["description"]
    assert zh == "\\<img src=x onerror=alert(1)\\>\n\\> 引用"
    assert measure["title"] == "Rate <b>bold</b>"  # a plain string field: the text as it is
