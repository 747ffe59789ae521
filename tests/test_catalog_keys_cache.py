"""The built-in catalog's folded lookup keys are cached, and the cache changes nothing.

Folding every name, alias and code of the catalog is most of the cost of indexing it,
so the folded forms are kept with the parsed files (``catalog_keys-<hash>.json``). An
index built from the cache must be the index built by folding, on the first run (the
cache is written) and on the next (it is read); a corrupt entry only means folding again.
"""

from __future__ import annotations

import functools
import pickle

import pytest

from mch_indicators import _cache, _catalog
from mch_indicators._catalog import Catalog, builtin_documents


def _index(catalog: Catalog) -> tuple[object, ...]:
    return catalog._keys, catalog._ambiguous, catalog._shared, catalog._families


@pytest.fixture
def cache_here(tmp_path, monkeypatch):
    """A cache folder of the test's own, and a built-in catalog of its own to clear.

    The process's catalog stays as it is (other tests hold its indicators).
    """
    monkeypatch.setenv(_cache.CACHE_VARIABLE, str(tmp_path))
    own = functools.cache(_catalog.builtin_catalog.__wrapped__)
    monkeypatch.setattr(_catalog, "builtin_catalog", own)
    return tmp_path


def test_the_cached_keys_give_the_folded_index(cache_here):
    folded = _index(Catalog._lazy(builtin_documents()))  # normalize_key on every text
    first = _index(_catalog.builtin_catalog())  # writes the cache
    (entry,) = cache_here.glob("catalog_keys-*.json")
    _catalog.builtin_catalog.cache_clear()
    second = _index(_catalog.builtin_catalog())  # reads it
    assert first == folded
    assert second == folded
    assert len(list(cache_here.glob("catalog-*.json"))) == 1  # the kinds do not replace each other
    # and the index really is read from it: a changed entry changes the index
    table = _cache.read_cached(entry.stem)
    table["MMR"] = "mmr as cached"
    _cache.write_cached(entry.stem, table)
    _catalog.builtin_catalog.cache_clear()
    assert _catalog.builtin_catalog()._keys["mmr as cached"] == "maternal_mortality_ratio"


def test_a_corrupt_keys_entry_only_means_folding_again(cache_here):
    expected = _index(_catalog.builtin_catalog())
    (entry,) = cache_here.glob("catalog_keys-*.json")
    for corrupt in (b"{not json", b'{"mmr": 1}', b"[1, 2]"):
        entry.write_bytes(corrupt)
        _catalog.builtin_catalog.cache_clear()
        assert _index(_catalog.builtin_catalog()) == expected
    for wrong in ({"mmr": 1}, [1, 2]):  # a well-formed entry of the wrong shape
        _cache.write_cached(entry.stem, wrong)
        _catalog.builtin_catalog.cache_clear()
        assert _index(_catalog.builtin_catalog()) == expected


def test_a_catalog_indexed_from_the_cache_travels(cache_here):
    _catalog.builtin_catalog()  # writes the cache
    _catalog.builtin_catalog.cache_clear()
    catalog = _catalog.builtin_catalog()  # indexed from it
    twin = pickle.loads(pickle.dumps(catalog))
    assert _index(twin) == _index(catalog)
    assert twin.get_indicator("孕产妇死亡率").id == "maternal_mortality_ratio"


def test_a_lookup_the_cache_does_not_hold_is_folded(cache_here):
    catalog = _catalog.builtin_catalog()
    assert catalog.get_indicator("  Maternal-Mortality_RATIO ").id == "maternal_mortality_ratio"
    assert catalog.get_indicator("「孕產婦死亡率」").id == "maternal_mortality_ratio"


def test_the_keys_entry_is_named_by_the_folding_code_too(monkeypatch):
    sources = _catalog._fold_sources()
    assert sources is not None
    names = [name for name, _ in sources]
    assert names == ["_catalog.py", "_text.py", "hanzi.toml", "python"]
    contents = [("a.toml", b"x")]
    changed = [(name, content + b"#") for name, content in sources]
    assert _cache.content_key("catalog_keys", [*contents, *sources]) != _cache.content_key(
        "catalog_keys", [*contents, *changed]
    )


def test_the_newest_entries_of_a_kind_are_kept(cache_here):
    """Two installs on one machine do not replace each other's entry; old ones go."""
    import os

    keys = [_cache.content_key("probe", [("v", str(i).encode())]) for i in range(6)]
    for age, key in enumerate(keys):
        _cache.write_cached(key, {"i": age})
        os.utime(cache_here / f"{key}.json", (1_000_000 + age, 1_000_000 + age))
    kept = sorted(path.stem for path in cache_here.glob("probe-*.json"))
    assert kept == sorted(keys[-_cache.KEPT_PER_KIND :])
    assert _cache.read_cached(keys[-1]) == {"i": 5} and _cache.read_cached(keys[0]) is None


def _reads_while(monkeypatch, build):
    """How many times each file was read (``Path.read_bytes``) while ``build()`` ran."""
    import collections
    import pathlib

    reads: collections.Counter[str] = collections.Counter()
    original = pathlib.Path.read_bytes

    def counted(self):
        reads[self.name] += 1
        return original(self)

    monkeypatch.setattr(pathlib.Path, "read_bytes", counted)
    build()
    monkeypatch.setattr(pathlib.Path, "read_bytes", original)
    return {name: n for name, n in reads.items() if not name.endswith(".json")}


def _build_and_read_tables():
    catalog = _catalog.builtin_catalog()
    catalog._terms._raw["live_births"]  # the tables of a definition whose form cannot be used
    catalog._indicators._raw["maternal_mortality_ratio"]


@pytest.mark.parametrize("cached", [False, True], ids=["first run", "cache written"])
def test_each_file_is_read_once_to_build_the_catalog(cache_here, monkeypatch, cached):
    """The catalog's files were read two or three times in one build (for the keys of the
    cache entries, again to parse them, again for the tables behind the validated forms),
    and the code the keys name twice (the folded keys' and the forms'): once each now."""
    if cached:
        _build_and_read_tables()
        _catalog.builtin_catalog.cache_clear()
    reads = _reads_while(monkeypatch, _build_and_read_tables)
    files = [entry.name for entry in _catalog._builtin_files()]
    assert {name: reads.get(name) for name in files} == dict.fromkeys(files, 1)
    # the sources both keys name (units.toml is read apart to load the units, when validating)
    code = ["_catalog.py", "_model.py", "_unitspec.py", "_text.py", "_intervals.py", "hanzi.toml"]
    assert {name: reads.get(name) for name in code} == dict.fromkeys(code, 1)
