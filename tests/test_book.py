"""The book builds with warnings as errors and works offline."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for key in ("src", "href"):
            value = attrs.get(key)
            # <a href> to other sites are links a reader may follow; what a page
            # *loads* (scripts, styles, images, fonts) must be local
            if value and not (tag == "a" and key == "href"):
                self.urls.append((tag, value))


def _pages(html: Path):
    return sorted(html.rglob("*.html"))


def test_book_has_the_course_pages(book_html):
    for page in ["index.html", "how_to_use.html", "references.html", "glossary.html",
                 "cheatsheet.html", "data.html", "instructor_guide.html",
                 "notebooks/01_what_is_segmentation.html"]:
        assert (book_html / page).is_file(), page
    index = (book_html / "index.html").read_text()
    assert "Course map" in index
    for number in ["01", "02", "03", "04", "05", "06", "07"]:
        assert re.search(rf"{number} [A-Z]", index), number


def test_every_notebook_is_a_chapter_of_the_book(book_html):
    for notebook in sorted((ROOT / "notebooks").glob("*.ipynb")):
        page = book_html / "notebooks" / f"{notebook.stem}.html"
        assert page.is_file(), notebook.name
        text = page.read_text()
        assert "Traceback" not in text, notebook.name
        assert "output traceback" not in text, notebook.name


def test_chapter_one_shows_its_figures_and_numbers(book_html):
    text = (book_html / "notebooks" / "01_what_is_segmentation.html").read_text()
    assert text.count("<img") >= 4
    assert "number of coins:" in text
    assert "foreground fraction:" in text
    assert "Show solution" in text


def test_bibliography_lists_the_sources(book_html):
    text = (book_html / "references.html").read_text().lower()
    for phrase in ["Metrics reloaded", "MISeval", "Loss odyssey", "Focal Loss",
                   "Panoptic Segmentation", "Common Objects in Context", "Tversky",
                   "Boundary loss", "V-Net", "Rethinking the Inception"]:
        assert phrase.lower() in text, phrase


def test_cell_outputs_wrap_instead_of_scrolling(book_html):
    """A long printed line wraps in the content column (no number hides behind a scroll bar)."""
    css = (book_html / "_static" / "segcourse.css").read_text()
    rule = re.search(r"div\.cell_output pre[^{]*\{([^}]*)\}", css)
    assert rule and re.search(r"white-space:\s*pre-wrap", rule.group(1)), "no wrapping rule"
    for notebook in sorted((ROOT / "notebooks").glob("*.ipynb")):
        page = (book_html / "notebooks" / f"{notebook.stem}.html").read_text()
        assert "_static/segcourse.css" in page, notebook.name


def test_no_page_loads_anything_from_another_host(book_html):
    offenders = []
    for page in _pages(book_html):
        parser = _Links()
        parser.feed(page.read_text())
        for tag, url in parser.urls:
            if re.match(r"^(https?:)?//", url):
                offenders.append((page.relative_to(book_html).as_posix(), tag, url))
    assert not offenders, offenders[:10]


def test_mathjax_is_served_from_the_site(book_html):
    with_math = [page for page in _pages(book_html) if 'class="math' in page.read_text()]
    assert with_math, "no page has math"
    for page in with_math:
        assert "_static/mathjax/tex-chtml.js" in page.read_text(), page.name
    assert (book_html / "_static" / "mathjax" / "tex-chtml.js").is_file()


@pytest.mark.parametrize("asset", ["tex-chtml.js"])
def test_no_large_vendored_files_are_committed(asset):
    import subprocess

    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True,
                           check=True).stdout.decode().split("\0")
    large = [f for f in files if f and (ROOT / f).is_file()
             and (ROOT / f).stat().st_size > 1_000_000]
    assert not large, large
    assert asset not in " ".join(files)


def test_every_exercise_solution_passes_its_checker_in_the_book(book_html):
    """The executed solutions must satisfy their checkers: "Correct!" once per exercise."""
    import json

    for notebook in sorted((ROOT / "notebooks").glob("*.ipynb")):
        cells = json.loads(notebook.read_text())["cells"]
        exercises = sum("solution" in c["metadata"].get("tags", []) for c in cells)
        text = (book_html / "notebooks" / f"{notebook.stem}.html").read_text()
        verdicts = re.findall(r'class="segcourse-check"[^>]*><strong[^>]*>([^<]+)</strong>', text)
        assert verdicts == ["Correct!"] * exercises, (notebook.name, verdicts)


def test_every_solution_hides_behind_its_own_toggle(book_html):
    """A solution cell without its hide-input tag would be shown openly: count the toggles."""
    import json

    for notebook in sorted((ROOT / "notebooks").glob("*.ipynb")):
        cells = json.loads(notebook.read_text())["cells"]
        solutions = [c for c in cells if "solution" in c["metadata"].get("tags", [])]
        for cell in solutions:
            assert "hide-input" in cell["metadata"]["tags"], notebook.name
        text = (book_html / "notebooks" / f"{notebook.stem}.html").read_text()
        toggles = re.findall(r"<summary[^>]*>(?:(?!</summary>).)*Show solution", text, re.S)
        assert len(toggles) == len(solutions), (notebook.name, len(toggles), len(solutions))


def test_solutions_show_no_student_markers_in_the_book(book_html):
    """The BEGIN/END SOLUTION markers are for `make student`; the book leaves them out."""
    import json

    for notebook in sorted((ROOT / "notebooks").glob("*.ipynb")):
        source = notebook.read_text()
        assert "### BEGIN SOLUTION" in source, notebook.name  # the notebooks do hold them
        text = (book_html / "notebooks" / f"{notebook.stem}.html").read_text()
        assert "BEGIN SOLUTION" not in text and "END SOLUTION" not in text, notebook.name
        cells = json.loads(source)["cells"]
        assert any("solution" in c["metadata"].get("tags", []) for c in cells)


def test_strip_solution_markers_keeps_the_code():
    import importlib.util
    import sys

    spec = importlib.util.spec_from_file_location(
        "segcourse_citations", ROOT / "book" / "_ext" / "segcourse_citations.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("segcourse_citations", module)
    spec.loader.exec_module(module)
    code = ("def f(mask):\n    ### BEGIN SOLUTION\n    rows = mask.any(1)\n    return rows\n"
            "    ### END SOLUTION\n\n### BEGIN SOLUTION\nx = 1\n### END SOLUTION\n")
    assert module.strip_solution_markers(code) == (
        "def f(mask):\n    rows = mask.any(1)\n    return rows\n\nx = 1\n")


def test_every_figure_cell_says_what_it_shows(book_html):
    """Each cell that draws a figure carries its alt text (myst-nb's ``mystnb.image.alt``).

    Without it the book's image is announced as its file name, a hash
    (``../_images/e0a28c....png``). See CONTRIBUTING.md, "Slides, alt text".
    """
    import json

    from test_browser import alt_problem

    executed = book_html.parent / "jupyter_execute" / "notebooks"
    missing = []
    for notebook in sorted((ROOT / "notebooks").glob("*.ipynb")):
        cells = json.loads((executed / notebook.name).read_text())["cells"]
        for index, cell in enumerate(cells):
            if not any("image/png" in out.get("data", {}) for out in cell.get("outputs", [])):
                continue
            alt = cell["metadata"].get("mystnb", {}).get("image", {}).get("alt")
            why = alt_problem(alt)
            if why:
                first = "".join(cell["source"]).strip().splitlines()[0][:60]
                missing.append(f"{notebook.name} cell {index} ({first!r}): {why}")
    assert not missing, "\n".join(missing)
