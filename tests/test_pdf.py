"""The whole book as one PDF (``make pdf``, ``tools/build_pdf.py``).

Chromium prints the built book's pages after MathJax has typeset them; pypdf
merges them. The PDF must hold a cover, the contents, every chapter in the
order of the course (in its outline and in its text), the bibliography, its
figures, and no untypeset TeX.
"""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import pytest
from test_browser import require_browser

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))

pytestmark = pytest.mark.browser

# TeX a reader must never see: delimiters and macro names (typeset math has none).
_RAW_TEX = re.compile(r"\$\$|\\\(|\\\)|\\\[|\\\]|\\(?:frac|sum|mathrm|text|left|right|cdot|"
                      r"times|alpha|beta|gamma|log|operatorname|hat|bar|mid|le|ge|in)\b"
                      r"|\$[^$\s][^$]{0,80}\$")


def _chapter_title(notebook: Path) -> str:
    first = json.loads(notebook.read_text())["cells"][0]
    source = first["source"] if isinstance(first["source"], str) else "".join(first["source"])
    return source.strip().splitlines()[0].lstrip("#").strip()


@pytest.fixture(scope="module")
def pdf(book_html):
    browser = require_browser()
    spec = importlib.util.spec_from_file_location("build_pdf", ROOT / "tools" / "build_pdf.py")
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    out = Path(book_html).parent / "pdf" / "segcourse.pdf"
    summary = tool.build(Path(book_html), out, browser=browser)
    return out, summary


def test_the_pdf_has_every_chapter_in_order(pdf):
    from pypdf import PdfReader

    path, summary = pdf
    reader = PdfReader(path)
    top = [item for item in reader.outline if not isinstance(item, list)]
    titles = [item.title for item in top]
    pages = [reader.get_destination_page_number(item) for item in top]
    chapters = [_chapter_title(nb) for nb in NOTEBOOKS]
    positions = []
    for chapter in chapters:
        assert chapter in titles, (chapter, titles)
        positions.append(titles.index(chapter))
    assert positions == sorted(positions), titles
    assert pages == sorted(pages), pages  # every part where the outline says, in order
    assert titles[0] == "Contents" and titles[-1] == "Bibliography", titles
    # the text: the cover, the contents, and each chapter's title and body
    text = [" ".join((page.extract_text() or "").split()) for page in reader.pages]
    assert "Image segmentation, computed" in text[0]
    assert all(chapter in text[1] + text[2] for chapter in chapters), text[1][:500]
    for chapter, start in zip(chapters, [pages[titles.index(c)] for c in chapters],
                              strict=True):
        assert chapter in text[start], (chapter, text[start][:200])
    assert reader.metadata.title == "Image segmentation, computed"


def test_the_pdf_has_figures_and_typeset_math_only(pdf):
    from pypdf import PdfReader

    path, summary = pdf
    reader = PdfReader(path)
    images = sum(len(page.images) for page in reader.pages)
    assert images >= 20, images
    assert summary["formulas"] >= 50, summary["formulas"]
    found = []
    for number, page in enumerate(reader.pages, start=1):
        for match in _RAW_TEX.finditer(page.extract_text() or ""):
            found.append(f"page {number}: {match.group(0)!r}")
    assert not found, found[:10]
    print(f"\nPDF: {len(reader.pages)} pages, {path.stat().st_size / 1e6:.1f} MB, "
          f"{images} images, {summary['formulas']} formulas")
