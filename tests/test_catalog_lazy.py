"""The built-in catalog is indexed without validating every definition, and its parse is cached.

The lazy catalog must be the eager one: the same indicators in the same order, the
same keys, ambiguous names, shared codes and families, and the same errors for the
same bad documents (an error in the keys at indexing, an error in a definition when
it is first asked for, naming its file and field).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import mch_indicators as mch
from mch_indicators import _cache, _catalog
from mch_indicators._catalog import Catalog, builtin_documents

INDICATOR = {
    "id": "caesarean_rate_local",
    "name": {"en": "Caesarean section rate, our hospital", "zh": "本院剖宫产率"},
    "domain": "maternal_care",
    "kind": "proportion",
    "unit": "%",
    "direction": "neutral",
    "numerator": "caesareans",
    "denominator": "deliveries_local",
    "definition": {"en": "Caesarean deliveries per 100 deliveries."},
    "sources": [{"document": "Local protocol"}],
}
TERMS = {
    "caesareans": {
        "name": {"en": "caesarean deliveries", "zh": "剖宫产数"},
        "definition": {"en": "Deliveries by caesarean section."},
    },
    "deliveries_local": {
        "name": {"en": "deliveries", "zh": "分娩数"},
        "definition": {"en": "Deliveries."},
    },
}


def _eager() -> Catalog:
    documents = builtin_documents()
    terms = {}
    for origin, data in documents:
        terms.update(_catalog._terms_from(data, origin))
    indicators = [i for o, d in documents for i in _catalog._indicators_from(d, o, terms)]
    return Catalog(indicators, terms)


def test_the_lazy_builtin_catalog_is_the_eager_one():
    lazy, eager = Catalog._lazy(builtin_documents()), _eager()
    assert list(lazy) == list(eager)
    for name in ("_keys", "_ambiguous", "_shared", "_families"):
        assert getattr(lazy, name) == getattr(eager, name), name
    assert dict(lazy.terms) == dict(eager.terms)
    assert all(lazy[key] == eager[key] for key in eager)


def test_a_lookup_validates_only_what_it_returns():
    lazy = Catalog._lazy(builtin_documents())
    assert lazy.get_indicator("MMR").id == "maternal_mortality_ratio"
    assert lazy.get_indicator("孕产妇死亡率") is lazy["maternal_mortality_ratio"]  # kept
    assert set(lazy._indicators._done) == {"maternal_mortality_ratio"}
    assert len(lazy) == len(mch.catalog) and "stillbirth_rate" in lazy


def _lazy(*indicators: dict, terms: dict = TERMS) -> Catalog:
    return Catalog._lazy([("mine.toml", {"terms": terms, "indicator": list(indicators)})])


def _variant(**changes: object) -> dict:
    return {**INDICATOR, **changes}


@pytest.mark.parametrize(
    ("indicators", "message"),
    [
        ((INDICATOR, INDICATOR), "defined twice"),
        ((INDICATOR, _variant(id="other", aliases=["本院剖宫产率"])), "points at both"),
        ((_variant(variant_of="nowhere"),), "variant of unknown indicator 'nowhere'"),
        (
            (
                INDICATOR,
                _variant(id="b", variant_of="caesarean_rate_local"),
                _variant(id="c", name={"en": "c", "zh": "丙"}, variant_of="b"),
            ),
            "itself a variant of",
        ),
        (
            (_variant(ambiguous_aliases=["本院剖宫产率"]),),
            "ambiguous alias of 'caesarean_rate_local' but a name or alias",
        ),
        ((_variant(name={"en": 7, "zh": "本院剖宫产率"}),), r"mine.toml, indicator .*name.en"),
    ],
)
def test_errors_in_the_keys_are_raised_when_indexing(indicators, message):
    with pytest.raises(mch.DefinitionError, match=message):
        _lazy(*indicators)


def test_an_error_inside_a_definition_is_raised_on_first_access_naming_file_and_field():
    catalog = _lazy(_variant(unit="ppb"))
    assert "caesarean_rate_local" in catalog  # indexed
    with pytest.raises(mch.DefinitionError, match=r"mine.toml, indicator 'caesarean_rate_local'"):
        catalog.get_indicator("本院剖宫产率")


def test_lazy_catalogs_travel():
    import copy
    import pickle

    lazy = Catalog._lazy(builtin_documents())
    lazy.get_indicator("MMR")
    for twin in (pickle.loads(pickle.dumps(lazy)), copy.deepcopy(lazy)):
        assert list(twin) == list(lazy)
        assert twin.get_indicator("IMR") == lazy.get_indicator("IMR")


# -- the cache of the parsed files ------------------------------------------------------


def test_the_parse_is_cached_by_content(tmp_path, monkeypatch):
    monkeypatch.setenv(_cache.CACHE_VARIABLE, str(tmp_path))
    first = builtin_documents()
    written = list(tmp_path.glob("catalog-*.json"))
    assert len(written) == 1
    assert builtin_documents() == first  # read back from the cache
    key = _cache.content_key("catalog", [("a.toml", b"x = 1")])
    _cache.write_cached(key, {"x": 1})
    assert _cache.read_cached(key) == {"x": 1}
    assert (tmp_path / written[0].name).exists()  # a few entries of a kind are kept


def test_a_corrupt_or_unwritable_cache_only_means_parsing_again(tmp_path, monkeypatch):
    monkeypatch.setenv(_cache.CACHE_VARIABLE, str(tmp_path))
    expected = builtin_documents()
    (entry,) = tmp_path.glob("catalog-*.json")
    entry.write_bytes(b"{not json")
    assert builtin_documents() == expected
    blocked = tmp_path / "file"
    blocked.write_text("a file, not a folder")
    monkeypatch.setenv(_cache.CACHE_VARIABLE, str(blocked / "below"))
    assert builtin_documents() == expected
    monkeypatch.setenv(_cache.CACHE_VARIABLE, "")  # off
    assert _cache.cache_folder() is None
    assert builtin_documents() == expected


def test_a_changed_file_is_parsed_again(tmp_path, monkeypatch):
    monkeypatch.setenv(_cache.CACHE_VARIABLE, str(tmp_path))
    before = _cache.content_key("catalog", [("mortality.toml", b"a")])
    after = _cache.content_key("catalog", [("mortality.toml", b"b")])
    assert before != after


def test_a_first_lookup_in_a_fresh_process_uses_the_cache(tmp_path):
    """The second process finds the parse the first one wrote, and answers the same.

    The first validates every definition once to write their validated forms; the
    second builds only the definitions it is asked for, from those forms.
    """
    code = (
        "import mch_indicators as mch; m = mch.get('MMR'); "
        "print(m.id, len(mch.catalog), len(mch.catalog._indicators._done))"
    )
    env = {**__import__("os").environ, _cache.CACHE_VARIABLE: str(tmp_path)}
    runs = [
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
        for _ in range(2)
    ]
    first, second = (run.stdout.split() for run in runs)
    assert first[:2] == second[:2], runs[1].stderr
    assert second[0] == "maternal_mortality_ratio"
    assert int(second[2]) < 5  # a few definitions built, not all
    assert len(list(Path(tmp_path).glob("catalog-*.json"))) == 1
    assert len(list(Path(tmp_path).glob("catalog_models-*.json"))) == 1
