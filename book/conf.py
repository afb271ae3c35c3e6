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

# SEGCOURSE_BOOK_EXECUTE=0 builds without running the notebooks (their cells
# without outputs): only for checks of the page frame, e.g. the launch buttons
# (tests/test_launch.py); the real book always executes them.
nb_execution_mode = "off" if os.environ.get("SEGCOURSE_BOOK_EXECUTE") == "0" else "force"
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
# Accessibility (tests/test_browser.py runs axe-core on every page): the theme's
# search button announces what it shows (_templates/search-button-field.html),
# formulas that scroll in table cells can be reached with the keyboard.
templates_path = ["_templates"]
html_js_files = ["segcourse-a11y.js"]
html_last_updated_fmt = None
html_theme_options = {
    "home_page_in_toc": True,
    "show_navbar_depth": 1,
    "use_download_button": True,
    "use_fullscreen_button": False,
    "use_repository_button": False,
    "navigation_with_keys": False,
}

# --- Launch and repository buttons (the published online book) ------------------
# One setting switches them on: the course's public repository, as a variable
# here or in the environment of the build, e.g.
#     SEGCOURSE_REPOSITORY_URL=https://github.com/ORG/segcourse make book
# Each chapter then gets "launch" buttons (Binder, which builds the repository's
# environment.yml, and Colab) that open its notebook from the repository, and
# every page a link to the repository. Unset (the default, and the offline
# book), the book has no such buttons and no link to any other site.
REPOSITORY_URL = os.environ.get("SEGCOURSE_REPOSITORY_URL", "").strip().rstrip("/")
REPOSITORY_BRANCH = os.environ.get("SEGCOURSE_REPOSITORY_BRANCH", "").strip() or "main"
if REPOSITORY_URL:
    html_theme_options.update({
        "repository_url": REPOSITORY_URL,
        "repository_branch": REPOSITORY_BRANCH,
        # the book's chapters are notebooks/NN_*.ipynb at the repository's root
        "path_to_docs": "",
        "use_repository_button": True,
        "launch_buttons": {
            "binderhub_url": "https://mybinder.org",
            "colab_url": "https://colab.research.google.com",
            "notebook_interface": "jupyterlab",
        },
    })
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


def _aria_fixes(app, pagename, templatename, context, doctree):
    """Two accessibility fixes in the pages' HTML (axe-core, see tests/test_browser.py).

    - Bibliography entries as list items of the citation list (role="list"):
      docutils marks each role="doc-biblioentry", a role ARIA 1.2 deprecates
      and a "list" may not hold, so screen readers miss the list's items
      (aria-required-children, critical).
    - The "Show solution" toggles (myst-nb's hide-input) lose their aria-label
      "Toggle hidden content": a screen reader then announces what the button
      says, as a sighted reader sees it (label-content-name-mismatch, serious).
    """
    body = context.get("body")
    if body:
        context["body"] = (body.replace('role="doc-biblioentry"', 'role="listitem"')
                           .replace('<summary aria-label="Toggle hidden content">', "<summary>"))


def setup(app):
    app.connect("builder-inited", _copy_mathjax)
    app.connect("html-page-context", _aria_fixes)
