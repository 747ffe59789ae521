"""The built-in record sets and rules come from the cache of parsed files and checks.

Each record set and the rules are parsed once and kept as JSON (``package_toml``); the
check of the built-in rules against the record sets and the catalog's terms, the
slowest part of a first ``count_records``, is made once for each content of the files
and code it depends on, and a later process finds it passed (``rules_checked-*.json``).
A failed check is never recorded; with the cache off, the rules are checked each time.
"""

from __future__ import annotations

import functools
import shutil
import tomllib

import pytest

from mch_indicators import _cache
from mch_indicators._errors import DefinitionError
from mch_indicators.records import _rules


@pytest.fixture
def cache_here(tmp_path, monkeypatch):
    monkeypatch.setenv(_cache.CACHE_VARIABLE, str(tmp_path / "cache"))
    return tmp_path / "cache"


@pytest.fixture
def checks(monkeypatch):
    """The calls of the rules' check, counted (the check itself still runs)."""
    calls = []
    check = _rules._check

    def counted(*args, **kwargs):
        calls.append(args[1])
        return check(*args, **kwargs)

    monkeypatch.setattr(_rules, "_check", counted)
    return calls


def _fresh_rules():
    """``builtin_rules`` as a new process calls it (its own ``functools.cache``)."""
    return functools.cache(_rules.builtin_rules.__wrapped__)()


def test_a_record_set_from_the_cache_is_the_parsed_file(cache_here):
    folder = _cache.package_data().joinpath("records")
    for name in ("births.toml", "rules.toml"):
        parsed = tomllib.loads(folder.joinpath(name).read_text("utf-8"))
        assert _cache.package_toml(f"records/{name}") == parsed
        (entry,) = cache_here.glob(f"data_records_{name[:-5]}-*.json")  # written
        assert _cache.package_toml(f"records/{name}") == parsed  # read back
        entry.write_bytes(entry.read_bytes()[:-3])
        assert _cache.package_toml(f"records/{name}") == parsed  # a truncated entry is not


def test_the_rules_are_checked_once_for_their_content(cache_here, checks):
    first = _fresh_rules()
    assert checks == ["rules.toml"]
    assert len(list(cache_here.glob("rules_checked-*.json"))) == 1
    again = _fresh_rules()
    assert checks == ["rules.toml"]  # found passed: not checked again
    assert again == first == _rules.builtin_rules()


def test_without_a_cache_the_rules_are_checked_each_time(monkeypatch, checks):
    monkeypatch.setenv(_cache.CACHE_VARIABLE, "")
    _fresh_rules()
    _fresh_rules()
    assert checks == ["rules.toml", "rules.toml"]


def test_a_failed_check_is_not_recorded(cache_here, monkeypatch):
    def fails(*args, **kwargs):
        raise DefinitionError("rules.toml: wrong")

    monkeypatch.setattr(_rules, "_check", fails)
    with pytest.raises(DefinitionError, match="wrong"):
        _fresh_rules()
    assert not list(cache_here.glob("rules_checked-*.json"))


@pytest.mark.parametrize("changed", ["catalog/terms.toml", "records/births.toml"])
def test_the_record_of_a_check_names_the_catalog_and_the_record_sets(
    cache_here, monkeypatch, tmp_path, changed
):
    before = _rules._checked_key()
    copy = tmp_path / "definitions"
    shutil.copytree(_cache.package_data(), copy)
    assert _rules._checked_key() == before
    with (copy / changed).open("a", encoding="utf-8") as file:
        file.write("\n# changed\n")
    monkeypatch.setattr(_rules, "package_data", lambda: copy)  # the files listed
    monkeypatch.setattr(_cache, "package_data", lambda: copy)  # the files read
    assert _rules._checked_key() not in (None, before)
