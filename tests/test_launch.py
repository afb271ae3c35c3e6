"""Launch buttons (Binder, Colab) and the repository button of the online book.

One setting switches them on (``SEGCOURSE_REPOSITORY_URL``, read by
``book/conf.py``). The test builds the book with a sample repository, without
executing the notebooks (``SEGCOURSE_BOOK_EXECUTE=0``: the buttons are part of
the page frame, not of the outputs; about half a minute), and checks the links
each chapter page gets. The real book, built without the setting, has none.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from html import unescape
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
SAMPLE = "https://github.com/example-org/segcourse"


@pytest.fixture(scope="module")
def launch_book(tmp_path_factory):
    out = tmp_path_factory.mktemp("launch")
    env = {**os.environ, "SEGCOURSE_REPOSITORY_URL": SAMPLE + "/",
           "SEGCOURSE_REPOSITORY_BRANCH": "course", "SEGCOURSE_BOOK_EXECUTE": "0"}
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-q", "-b", "html", "-d", str(out / "doctrees"),
         str(ROOT / "book"), str(out / "html")],
        cwd=ROOT, env=env, text=True, capture_output=True, timeout=900)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-6000:]
    return out / "html"


def _links(page: Path) -> set[str]:
    return {unescape(href) for href in re.findall(r'<a[^>]+href="([^"]+)"', page.read_text())}


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[nb.stem for nb in NOTEBOOKS])
def test_each_chapter_links_to_binder_colab_and_the_repository(launch_book, notebook):
    links = _links(launch_book / "notebooks" / f"{notebook.stem}.html")
    path = f"notebooks/{notebook.name}"
    binder = f"https://mybinder.org/v2/gh/example-org/segcourse/course?urlpath=lab/tree/{path}"
    colab = f"https://colab.research.google.com/github/example-org/segcourse/blob/course/{path}"
    assert binder in links, sorted(link for link in links if "binder" in link)
    assert colab in links, sorted(link for link in links if "colab" in link)
    assert SAMPLE in links
    text = (launch_book / "notebooks" / f"{notebook.stem}.html").read_text()
    assert "launch-buttons" in text and "source-repository-button" in text
    assert (ROOT / path).is_file()  # what the buttons open exists in the repository


def test_other_pages_link_to_the_repository_but_launch_nothing(launch_book):
    links = _links(launch_book / "glossary.html")
    assert SAMPLE in links
    assert not any("mybinder.org" in link or "colab.research" in link for link in links)


def test_binder_runs_every_chapter():
    """Binder builds environment.yml (every package of pyproject.toml, kept in step by
    tests/test_project.py) with segcourse itself and the CPU build of torch."""
    text = (ROOT / "environment.yml").read_text()
    assert re.search(r"^\s*-\s*-e\s+\.\s*$", text, re.M), "no segcourse in environment.yml"
    assert "--extra-index-url https://download.pytorch.org/whl/cpu" in text
    assert re.search(r"^\s*-\s*python=3\.11\s*$", text, re.M)
    assert os.access(ROOT / "postBuild", os.X_OK)


@pytest.mark.book
def test_the_book_has_no_launch_or_repository_button_by_default(book_html):
    for page in sorted(book_html.rglob("*.html")):
        text = page.read_text()
        for marker in ("mybinder.org", "colab.research.google.com", "launch-buttons",
                       "source-repository-button"):
            assert marker not in text, (page.name, marker)
