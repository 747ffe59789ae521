"""The built-in definitions built from their cached validated forms are the validated ones.

A process that finds ``catalog_models-<hash>.json`` builds each definition it is asked
for from the stored dump (:func:`mch_indicators._model.from_dump`, no validation). For
every built-in indicator and term that object must be the validated one: equal, of the
same hash, dump and repr, with the same fields set at every level. A corrupt, truncated
or ill-shaped entry only means validating again (and writing the entry anew); the entry
is named by the model code too, so a change of the models never reads an old one.
Your own definitions are always validated.
"""

from __future__ import annotations

import copy
import functools
import json
import pickle
import subprocess
import sys
import tomllib
from importlib import resources
from typing import Any

import pytest
from pydantic import BaseModel

import mch_indicators as mch
from mch_indicators import _cache, _catalog
from mch_indicators._catalog import Catalog, builtin_documents
from mch_indicators._errors import DefinitionError
from mch_indicators._model import (
    Codes,
    Criteria,
    Indicator,
    Names,
    Parameters,
    Source,
    Term,
    Text,
    from_dump,
)


@pytest.fixture
def cache_here(tmp_path, monkeypatch):
    """A cache folder of the test's own, and a built-in catalog of its own to clear."""
    monkeypatch.setenv(_cache.CACHE_VARIABLE, str(tmp_path))
    own = functools.cache(_catalog.builtin_catalog.__wrapped__)
    monkeypatch.setattr(_catalog, "builtin_catalog", own)
    return tmp_path


@pytest.fixture(scope="module")
def validated() -> Catalog:
    """The built-in catalog with every definition validated from its TOML table."""
    return Catalog._lazy(builtin_documents())


def _fields_set(model: BaseModel) -> Any:
    """The fields set of ``model`` and of every sub-model, recursively."""
    nested = {
        name: _fields_set(value) if isinstance(value, BaseModel) else None for name, value in model
    }
    return model.model_fields_set, {k: v for k, v in nested.items() if v is not None}


def _same(built: BaseModel, checked: BaseModel) -> None:
    assert type(built) is type(checked)
    assert built == checked
    assert hash(built) == hash(checked)
    assert built.model_dump() == checked.model_dump()
    assert built.model_dump_json() == checked.model_dump_json()
    assert repr(built) == repr(checked)
    assert _fields_set(built) == _fields_set(checked)


def _rebuilt_catalog() -> Catalog:
    """A built-in catalog that read the validated forms from the cache (written first)."""
    _catalog.builtin_catalog()  # writes the entry
    _catalog.builtin_catalog.cache_clear()
    return _catalog.builtin_catalog()


def test_every_built_in_definition_from_the_cache_is_the_validated_one(cache_here, validated):
    catalog = _rebuilt_catalog()
    assert set(catalog._indicators.validated) == set(validated)
    assert not catalog._indicators._done  # nothing validated or built yet
    for key in validated:
        _same(catalog[key], validated[key])
    for key, term in validated._terms.items():
        _same(catalog._terms[key], term)


def _index(catalog: Catalog) -> tuple[object, ...]:
    return catalog._keys, catalog._ambiguous, catalog._shared, catalog._families


def test_the_catalog_from_the_cache_is_indexed_as_from_the_files(cache_here, validated):
    catalog = _rebuilt_catalog()
    assert list(catalog) == list(validated)
    assert list(catalog._terms) == list(validated._terms)
    assert _index(catalog) == _index(validated)
    assert catalog._entries == validated._entries
    assert catalog.search("stillbirth", limit=None) == validated.search("stillbirth", limit=None)
    assert catalog.variants("stillbirth_rate_22w") == validated.variants("stillbirth_rate_22w")
    twin = pickle.loads(pickle.dumps(catalog))
    assert (
        _index(twin) == _index(catalog)
        and twin.get_indicator("MMR") == catalog["maternal_mortality_ratio"]
    )


def test_the_files_are_parsed_only_for_a_form_that_cannot_be_used(cache_here, validated):
    catalog = _rebuilt_catalog()
    catalog.get_indicator("MMR")
    assert catalog._indicators._raw._tables is None  # no TOML table was needed
    (entry,) = cache_here.glob("catalog_models-*.json")
    forms = _cache.read_cached(entry.stem)
    forms["indicators"]["infant_mortality_rate"] = "{not json"
    _cache.write_cached(entry.stem, forms)
    _catalog.builtin_catalog.cache_clear()
    catalog = _catalog.builtin_catalog()
    _same(catalog["infant_mortality_rate"], validated["infant_mortality_rate"])
    assert catalog._indicators._raw._tables is not None  # validated from its table


@pytest.mark.parametrize(
    "row",
    [
        ["x", ["a"], [], [], None, "extra"],
        ["x", ["a"], [], [["sdg"]], None],
        ["x", ["a", 1], [], [], None],
        ["x", ["a"], [], [], 3],
        "not a row",
    ],
)
def test_an_index_row_of_another_shape_is_refused(row):
    with pytest.raises((TypeError, ValueError)):
        _catalog._Entry.from_row(row)


def test_an_index_row_round_trips(validated):
    for entry in validated._entries.values():
        assert _catalog._Entry.from_row(json.loads(json.dumps(entry.row()))) == entry


def test_a_definition_from_the_cache_travels_and_validates_like_any(cache_here, validated):
    mmr = _rebuilt_catalog().get_indicator("MMR")
    for twin in (pickle.loads(pickle.dumps(mmr)), copy.deepcopy(mmr), copy.copy(mmr)):
        _same(twin, validated["maternal_mortality_ratio"])
    again = Indicator.model_validate(mmr.model_dump(exclude_unset=True))
    _same(again, mmr)
    assert Indicator.model_json_schema()["title"] == "Indicator"
    with pytest.raises(DefinitionError, match="decimals"):
        Indicator.model_validate({**mmr.model_dump(), "decimals": 9})
    assert str(mmr.compute(3, 40000)) == str(
        validated["maternal_mortality_ratio"].compute(3, 40000)
    )


@pytest.mark.parametrize(
    "damage",
    [
        lambda path: path.write_bytes(b"{not json"),
        lambda path: path.write_bytes(path.read_bytes()[:-100]),  # truncated
        lambda path: path.write_bytes(path.read_bytes().replace(b"ratio", b"rates", 1)),
    ],
    ids=["not-json", "truncated", "altered"],
)
def test_a_corrupt_entry_means_validating_again_and_is_rewritten(cache_here, validated, damage):
    _catalog.builtin_catalog()
    (entry,) = cache_here.glob("catalog_models-*.json")
    written = entry.read_bytes()
    damage(entry)
    assert entry.read_bytes() != written
    _catalog.builtin_catalog.cache_clear()
    catalog = _catalog.builtin_catalog()
    assert entry.read_bytes() == written  # validated again, and written anew
    for key in validated:
        _same(catalog[key], validated[key])


def test_a_well_formed_entry_of_another_shape_is_not_used(cache_here, validated):
    _catalog.builtin_catalog()
    (entry,) = cache_here.glob("catalog_models-*.json")
    forms = _cache.read_cached(entry.stem)
    del forms["indicators"]["maternal_mortality_ratio"]  # one definition missing
    _cache.write_cached(entry.stem, forms)
    _catalog.builtin_catalog.cache_clear()
    assert "maternal_mortality_ratio" in _catalog.builtin_catalog()._indicators.validated
    # a definition whose dump does not fit the model is validated from its table
    forms = _cache.read_cached(entry.stem)
    mmr = json.loads(forms["indicators"]["maternal_mortality_ratio"])
    forms["indicators"]["maternal_mortality_ratio"] = json.dumps({**mmr, "kind": "no such kind"})
    forms["indicators"]["infant_mortality_rate"] = '{"sources": "not a list"}'
    forms["indicators"]["neonatal_mortality_rate"] = "[1, 2]"
    forms["indicators"]["stillbirth_rate"] = "{not json"
    _cache.write_cached(entry.stem, forms)
    _catalog.builtin_catalog.cache_clear()
    catalog = _catalog.builtin_catalog()
    for key in (
        "maternal_mortality_ratio",
        "infant_mortality_rate",
        "neonatal_mortality_rate",
        "stillbirth_rate",
    ):
        _same(catalog[key], validated[key])


@pytest.mark.parametrize("where", ["off", "blocked"])
def test_without_a_cache_each_definition_is_validated_when_asked(
    tmp_path, monkeypatch, validated, where
):
    """With the cache off or unwritable, nothing is validated only to be cached."""
    blocked = tmp_path / "a file"
    blocked.write_text("not a folder")
    folder = "" if where == "off" else str(blocked / "below")
    monkeypatch.setenv(_cache.CACHE_VARIABLE, folder)
    catalog = _catalog.builtin_catalog.__wrapped__()
    assert not catalog._indicators.validated
    _same(catalog.get_indicator("MMR"), validated["maternal_mortality_ratio"])
    assert list(catalog._indicators._done) == ["maternal_mortality_ratio"]


def test_the_entry_is_named_by_the_model_code_and_pydantic():
    sources = _catalog._model_sources()
    assert sources is not None
    names = [name for name, _ in sources]
    assert names == [
        *("_catalog.py", "_model.py", "_unitspec.py", "_text.py", "stats/_intervals.py"),
        *("units.toml", "hanzi.toml", "python", "pydantic"),
    ]
    contents = [("a.toml", b"x")]
    for position in range(len(sources)):
        changed = list(sources)
        changed[position] = (sources[position][0], sources[position][1] + b"#")
        assert _cache.content_key("catalog_models", [*contents, *sources]) != _cache.content_key(
            "catalog_models", [*contents, *changed]
        )


def test_a_lookup_in_a_fresh_process_builds_no_validator(tmp_path):
    """With the cache written, ``get``, a first compute, equality, hashing, pickling and
    copying build no pydantic validator and parse no TOML; dumping and validating build
    the validator when asked."""
    code = """if True:
        import copy, pickle
        import mch_indicators as mch
        from mch_indicators._model import Indicator, Term
        mmr = mch.get("MMR")
        result = mmr.compute(3, 40000)
        print(result.value.tolist(), result.lower.tolist(), result.upper.tolist())
        twin = pickle.loads(pickle.dumps(mmr))
        same = twin == mmr == copy.deepcopy(mmr) and hash(twin) == hash(mmr)
        print(same, Indicator.__pydantic_complete__, Term.__pydantic_complete__)
        import sys
        print("tomllib" in sys.modules)  # no file parsed: the catalog and units from JSON
        again = Indicator.model_validate(mmr.model_dump(exclude_unset=True))
        print(again == mmr, Indicator.__pydantic_complete__)
    """
    env = {**__import__("os").environ, _cache.CACHE_VARIABLE: str(tmp_path)}
    runs = [
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
        for _ in range(2)
    ]
    first, second = (run.stdout.splitlines() for run in runs)
    assert first[0] == second[0], runs[1].stderr
    assert second[1:] == ["True False False", "False", "True True"]


# -- from_dump ---------------------------------------------------------------------------


def _everything() -> Indicator:
    """A user-built indicator with every optional field set."""
    term = Term(
        id="deaths",
        name=Names(en="deaths", zh="死亡数"),
        aliases=("死亡人数",),
        definition=Text(en="Deaths.", zh="死亡。"),
        criteria=Criteria(age_days_max=28, gestation_weeks_min=22),
    )
    births = Term(id="births", name=Names(en="births", zh="活产数"), definition=Text(en="B."))
    return Indicator(
        id="local_rate",
        name=Names(en="Local rate", zh="本地率"),
        aliases=("LR",),
        domain="mortality",
        kind="rate",
        unit="‰",
        direction="lower",
        numerator=term,
        denominator=births,
        definition=Text(en="Deaths per 1,000 births."),
        sources=(Source(document="Protocol", url="https://example.org", primary=True),),
        codes=Codes(sdg="3.2.2", unverified=("sdg",)),
        method="byar",
        decimals=1,
        verified=False,
        note="local",
        parameters=Parameters(gestation_weeks_min=22, estimator="direct"),
        ambiguous_aliases=("local mortality",),
        rationale=Text(en="Why."),
        reporting_frequency="annual",
        disaggregations=("area", "sex"),
    )


def test_from_dump_gives_back_what_was_dumped():
    indicator = _everything()
    again = from_dump(Indicator, indicator.model_dump(mode="json", exclude_unset=True))
    _same(again, indicator)
    assert type(again.kind) is type(indicator.kind)
    assert isinstance(again.sources, tuple) and isinstance(again.numerator.criteria, Criteria)
    assert again.numerator.criteria.age_days_max == 28.0
    assert isinstance(again.numerator.criteria.age_days_max, float)


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"kind": "no such kind"}, ValueError),
        ({"sources": "not a list"}, TypeError),
        ({"name": "not an object"}, TypeError),
        ({"no_such_field": 1}, KeyError),
        ({"numerator": {"id": "deaths"}}, KeyError),  # a required field missing
    ],
)
def test_from_dump_refuses_data_of_another_shape(change, error):
    dumped = _everything().model_dump(mode="json", exclude_unset=True)
    with pytest.raises(error):
        from_dump(Indicator, {**dumped, **change})
    without_id = {key: value for key, value in dumped.items() if key != "id"}
    with pytest.raises(KeyError, match="Indicator without id"):
        from_dump(Indicator, without_id)


def test_your_own_definitions_are_still_validated(cache_here):
    _rebuilt_catalog()
    mmr = mch.get("MMR")
    with pytest.raises(DefinitionError, match="unit"):
        Indicator(**{**dict(mmr), "unit": "furlongs"})


def test_a_package_data_file_from_the_cache_is_the_parsed_file(cache_here):
    folder = resources.files("mch_indicators.definitions")
    for name in ("units.toml", "labels.toml", "hanzi.toml"):
        parsed = tomllib.loads(folder.joinpath(name).read_text("utf-8"))
        assert _cache.package_toml(name) == parsed  # parsed, and written
        (entry,) = cache_here.glob(f"data_{name[:-5]}-*.json")
        assert _cache.package_toml(name) == parsed  # read back
        entry.write_bytes(entry.read_bytes()[:-3])
        assert _cache.package_toml(name) == parsed  # a truncated entry is not read


def test_the_data_folder_is_the_packaged_resource(monkeypatch, tmp_path):
    """Installed as files, the folder itself; else (a zip) what importlib.resources gives."""
    folder = _cache.package_data()
    packaged = resources.files("mch_indicators.definitions")
    assert (
        folder.joinpath("units.toml").read_bytes() == packaged.joinpath("units.toml").read_bytes()
    )
    monkeypatch.setattr(_cache, "__file__", str(tmp_path / "elsewhere" / "_cache.py"))
    fallback = _cache.package_data()
    assert (
        fallback.joinpath("units.toml").read_bytes()
        == packaged.joinpath("units.toml").read_bytes()
    )
    assert sorted(entry.name for entry in fallback.joinpath("catalog").iterdir()) == sorted(
        entry.name for entry in folder.joinpath("catalog").iterdir()
    )


@pytest.mark.parametrize(
    "annotation",
    [dict[str, Names], list[Names], tuple[Names, Names], set[str]],
    ids=["dict", "list", "fixed tuple", "set"],
)
def test_a_field_of_a_type_not_rebuilt_is_validated_instead(annotation):
    """A model field of a kind ``from_dump`` does not rebuild (none is, today) raises the
    TypeError after which the catalog validates the definition from its file: it is
    never built as plain JSON where a model belongs."""
    from pydantic import BaseModel, ConfigDict

    class Holder(BaseModel):
        model_config = ConfigDict(frozen=True)
        value: annotation  # type: ignore[valid-type]

    dumped = {
        "value": Holder.model_validate({"value": _value_of(annotation)}).model_dump(
            mode="json", exclude_unset=True
        )["value"]
    }
    with pytest.raises(TypeError, match="not rebuilt"):
        from_dump(Holder, dumped)


def _value_of(annotation: Any) -> Any:
    names = {"en": "a", "zh": "甲"}
    return {
        "dict": {"k": names},
        "list": [names],
        "tuple": [names, names],
        "set": ["x"],
    }[getattr(annotation, "__origin__", annotation).__name__]
