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
nb_execution_mode = "off"
myst_enable_extensions = ["colon_fence", "deflist"]
exclude_patterns = ["_build", "jupyter_execute", "**/.ipynb_checkpoints"]
html_theme = "pydata_sphinx_theme"
html_title = "mch_indicators"
html_theme_options = {"show_toc_level": 2}

write_indicator_pages(HERE / "indicators")
