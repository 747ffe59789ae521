"""The docs site finds Chinese (issue 24 item 7): the search index after a docs build.

Skips where the docs have not been built (``sphinx-build -b html docs docs/_build``);
``scripts/check_docs_pages.py`` also runs the search page and checks the layout in
headless Chromium.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / "docs" / "_build"


def _checker():  # the script's own parser of searchindex.js: one implementation
    spec = importlib.util.spec_from_file_location(
        "check_docs_pages", ROOT / "scripts" / "check_docs_pages.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(
    not (BUILD / "searchindex.js").exists(), reason="the docs are not built (docs/_build)"
)
def test_chinese_words_find_their_pages():
    found = _checker().search_index(BUILD)
    assert {"indicators/maternal_mortality_ratio", "office"} <= set(found["孕产妇"])
    assert {"indicators/infant_mortality_rate", "catalog"} <= set(found["死亡率"])
    assert len(found["妇幼"]) >= 10  # every indicator page of China's MCH statistics


def test_the_docs_configuration_asks_for_chinese_search():
    conf = (ROOT / "docs" / "conf.py").read_text(encoding="utf-8")
    assert 'html_search_language = "zh"' in conf
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    docs_extra = pyproject.split("docs = [", 1)[1].split("]", 1)[0]
    assert '"jieba' in docs_extra
