"""Sphinx configuration: pydata-sphinx-theme, MyST (myst-nb) pages, numpydoc docstrings.

One page per indicator is generated from the catalog at build time into
``docs/indicators/`` (not committed), so the reference never drifts from the data.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from _indicator_pages import write_indicator_pages  # noqa: E402

import mch_indicators  # noqa: E402

project = "mch_indicators"
author = "mch_indicators developers"
release = mch_indicators.__version__
version = release

extensions = [
    "myst_nb",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.viewcode",
]
napoleon_numpy_docstring = True
napoleon_google_docstring = False
autodoc_typehints = "description"
autodoc_member_order = "bysource"
# Notebooks (docs/examples/*.md) run at every build (cached between local builds); a cell
# that raises, or writes to stderr (a warning), fails the build.
nb_execution_mode = "cache"
nb_execution_cache_path = str(HERE / "_build" / ".jupyter_cache")
nb_execution_raise_on_error = True
nb_execution_timeout = 300
nb_output_stderr = "warn"
nb_merge_streams = True
html_static_path = ["_static"]
html_css_files = ["mch.css"]
myst_enable_extensions = ["colon_fence", "deflist"]
exclude_patterns = ["_build", "jupyter_execute", "**/.ipynb_checkpoints", "**/.jupyter_cache"]
html_theme = "pydata_sphinx_theme"
html_title = "mch_indicators"
# Chinese search: Sphinx segments Chinese text with jieba (the docs extra), so 妇幼, 孕产妇
# and 死亡率 find the pages that use them (scripts/check_docs_pages.py checks the index).
html_search_language = "zh"
html_theme_options = {
    "show_toc_level": 2,
    # short titles in the top bar (the toctree's explicit titles); the rest under "More",
    # so the bar stays on one line at 1366 px
    "header_links_before_dropdown": 5,
    # the indicator index is a wide table: give it the width of the right-hand column
    "secondary_sidebar_items": {"**": ["page-toc", "sourcelink"], "indicators/index": []},
}

write_indicator_pages(HERE / "indicators")


def _chinese_search(app: object) -> None:
    """Chinese search that runs in the browser on Sphinx 9.0 too.

    Sphinx 9.0 names the stemmer's JavaScript class after the language ("ChineseStemmer")
    although Chinese search ships the English stemmer, so every query stops on a
    ReferenceError (sphinx-doc/sphinx#14229, fixed by #14416 after 9.0.4). Naming the
    language after its stemmer writes ``window.Stemmer = EnglishStemmer``; the index
    itself (jieba's segmentation) is unchanged.
    """
    from sphinx.search.zh import SearchChinese

    if getattr(SearchChinese, "js_stemmer_rawcode", "") != "english-stemmer.js":
        return

    class _SearchChinese(SearchChinese):
        language_name = "English"

    app.add_search_language(_SearchChinese)  # type: ignore[attr-defined]


def setup(app: object) -> None:
    _chinese_search(app)
