"""Sphinx configuration of the segcourse book.

The book is built with Sphinx + myst-nb + sphinx-book-theme and executes every
notebook in ``notebooks/`` (linked here as ``book/notebooks``). It must work
with no internet: MathJax is served from the site itself (copied from the npm
package pinned in ``package-lock.json``), and no page loads anything from
another host.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

# Notebook kernels started by the build inherit this: demos then emit only
# their static players (see segcourse.widgets.Demo).
os.environ["SEGCOURSE_BOOK_BUILD"] = "1"

BOOK = Path(__file__).resolve().parent
ROOT = BOOK.parent
sys.path.insert(0, str(BOOK / "_ext"))

project = "segcourse"
author = "The segcourse authors"
copyright = "2026, the segcourse authors. Text CC BY 4.0, code BSD-3-Clause"
html_title = "Image segmentation, computed"

extensions = [
    "myst_nb",
    "sphinxcontrib.bibtex",
    "sphinx_book_theme",
    # the notebooks' citation and glossary links -> {cite:alp}, {cite:t}, {term}
    "segcourse_citations",
]

root_doc = "index"
exclude_patterns = ["_build", "_ext", "jupyter_execute", "**.ipynb_checkpoints",
                    "Thumbs.db", ".DS_Store"]
nitpicky = False

# --- MyST and notebooks -------------------------------------------------------
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "deflist"]
myst_heading_anchors = 3

nb_execution_mode = "force"
nb_execution_timeout = 180
nb_execution_raise_on_error = True
nb_execution_show_tb = True
nb_merge_streams = True
# Live widgets need a kernel; the book shows each demo's static player (an HTML
# output of the same cell) and never loads the widget manager from a CDN.
nb_ipywidgets_js = {}
nb_mime_priority_overrides = [
    ("html", "application/vnd.jupyter.widget-view+json", None),
    ("html", "application/vnd.jupyter.widget-state+json", None),
]

# --- Bibliography -------------------------------------------------------------
# Notebooks cite with plain Markdown links that JupyterLab can show; the
# segcourse_citations extension (book/_ext) turns them into citations. Its
# "segcourse" styles: a list sorted by author, names last-first (shown unnumbered,
# see _static/segcourse.css);
# citations "(Lin et al., 2017)" and "Lin et al. (2017)", as the notebooks write them.
bibtex_bibfiles = ["references.bib"]
bibtex_default_style = "segcourse"
bibtex_reference_style = "segcourse"
# entry anchors are the keys: references.html#lin2017focal, as in the lab's links
bibtex_cite_id = "{key}"

# --- Offline MathJax ---------------------------------------------------------
MATHJAX_SOURCE = ROOT / "node_modules" / "mathjax" / "es5"
MATHJAX_TARGET = BOOK / "_static" / "mathjax"
mathjax_path = "mathjax/tex-chtml.js"
mathjax3_config = {"options": {"enableMenu": False}}

# --- HTML theme ---------------------------------------------------------------
html_theme = "sphinx_book_theme"
html_static_path = ["_static"]
html_css_files = ["segcourse.css"]
html_last_updated_fmt = None
html_theme_options = {
    "home_page_in_toc": True,
    "show_navbar_depth": 1,
    "use_download_button": True,
    "use_fullscreen_button": False,
    "use_repository_button": False,
    "navigation_with_keys": False,
}
html_show_sourcelink = False
# An explicit default colour mode: without it a first visit logs a console error.
html_context = {"default_mode": "auto"}


def _copy_mathjax(app):
    """Serve MathJax from the site: copy it from node_modules (see package.json)."""
    if not (MATHJAX_SOURCE / "tex-chtml.js").is_file():
        raise RuntimeError(
            "MathJax is missing: run `npm ci` in the repository root (the Makefile does this)."
        )
    if not (MATHJAX_TARGET / "tex-chtml.js").is_file():
        shutil.copytree(MATHJAX_SOURCE, MATHJAX_TARGET, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns("sre", "*.map"))


def setup(app):
    app.connect("builder-inited", _copy_mathjax)
