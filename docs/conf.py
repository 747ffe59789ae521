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
html_theme_options = {
    "show_toc_level": 2,
    # the indicator index is a wide table: give it the width of the right-hand column
    "secondary_sidebar_items": {"**": ["page-toc", "sourcelink"], "indicators/index": []},
}

write_indicator_pages(HERE / "indicators")
