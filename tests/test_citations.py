"""Citations and glossary terms read well in JupyterLab and link up in the book.

The notebooks (and the two book pages that JupyterLab opens from them, the
glossary and the bibliography) hold plain Markdown links instead of Sphinx
roles, which JupyterLab cannot resolve; the book turns the links back into
citations and glossary references (``book/_ext/segcourse_citations.py``).
The first tests read the sources, the last ones the built book.
"""

from __future__ import annotations

import json
import re
import sys
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "book" / "_ext"))
import segcourse_citations as sc  # noqa: E402

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
# book pages that the notebooks' links open in JupyterLab
LAB_PAGES = [ROOT / "book" / "glossary.md", ROOT / "book" / "references.md"]


def _sources():
    """(path from the root, where, Markdown text) of every Markdown cell and lab page."""
    for notebook in NOTEBOOKS:
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
        for index, cell in enumerate(cells):
            if cell["cell_type"] == "markdown":
                text = "".join(cell["source"])
                yield f"notebooks/{notebook.name}", f"{notebook.name}, cell {index}", text
    for page in LAB_PAGES:
        yield f"book/{page.name}", page.name, page.read_text(encoding="utf-8")


SOURCES = list(_sources())


def _links(kind):
    return [(source, where, link) for source, where, text in SOURCES
            for link in sc.find_links(text, source) if link.kind == kind]


# --- the sources: what JupyterLab shows ------------------------------------------------


def test_there_are_notebooks_with_citations_and_terms():
    assert NOTEBOOKS
    assert _links("cite") and _links("term")


def test_notebooks_use_only_roles_the_lab_can_show():
    """{cite}, {term}, {doc}, {ref}... show as broken links or 'not found' icons in JupyterLab."""
    offenders = []
    for source, where, text in SOURCES:
        allowed = sc.LAB_ROLES | ({"term"} if source == "book/glossary.md" else set())
        # the glossary keeps {term} between its own entries: jupyterlab-myst resolves those
        offenders += [(where, f"{{{name}}}`{body}`") for name, body in sc.roles_in(text)
                      if name not in allowed]
    assert not offenders, (
        "use the link forms of book/_ext/segcourse_citations.py instead "
        f"(or run the conversion script): {offenders}")


def test_citation_and_term_links_resolve():
    """Every key is in references.bib, every anchor names a glossary term, every text is right."""
    for source, where, text in SOURCES:
        try:
            sc.find_links(text, source)
        except sc.CitationError as exc:
            pytest.fail(f"{where}: {exc}")


def test_links_to_the_bibliography_and_glossary_use_the_right_path():
    """A link that does not resolve from the file's place in the repository opens nothing."""
    wrong = []
    for source, where, text in SOURCES:
        for match in sc._LINK.finditer(sc.prose(text)):
            path = match.group("path")
            if Path(path).name in ("references.md", "glossary.md", "README.md"):
                target = sc.resolve(source, path)
                if not (ROOT / target).is_file():
                    wrong.append((where, match.group(0)))
    assert not wrong, wrong


def test_mentions_of_the_data_readme_are_links():
    """JupyterLab opens data/README.md from a link; the book links to its data page."""
    bare = []
    for _, where, text in SOURCES:
        linked = {match.start("text") for match in sc._LINK.finditer(sc.prose(text))}
        for match in re.finditer(r"`data/README\.md`", text):
            if match.start() - 1 not in linked and match.start() not in linked:
                bare.append(where)
    assert not bare, bare


def test_lab_citation_texts_agree_with_references_bib():
    bib = sc.load_bibliography()
    for _, where, link in _links("cite"):
        entry = bib[link.target]
        assert link.text in (sc.parenthetical(entry), sc.textual(entry)), (where, link.text)


def test_parenthetical_citations_sit_in_parentheses():
    """'(van der Walt et al., 2014)': the book's {cite:alp} adds no brackets of its own."""
    for source, where, text in SOURCES:
        for link in sc.find_links(text, source):
            if link.role.startswith("{cite:alp}"):
                before = text[:link.start].rstrip()
                after = text[link.end:].lstrip()
                assert before.endswith(("(", ";")) and after.startswith((")", ";")), (
                    where, link.text)


def test_reference_list_for_the_lab_is_up_to_date():
    text = (ROOT / "book" / "references.md").read_text(encoding="utf-8")
    assert sc.reference_list_in(text) == sc.reference_list_markdown(), (
        "book/references.md is out of step with references.bib: run "
        "`.venv/bin/python book/_ext/segcourse_citations.py`")


def test_glossary_is_sorted_so_the_lab_shows_the_books_order():
    terms = list(sc.glossary_terms().values())
    text = (ROOT / "book" / "glossary.md").read_text(encoding="utf-8")
    start, end = sc._glossary_block(text)
    firsts = [line.split(" / ")[0] for line in text[start:end].splitlines()
              if line.strip() and not line.startswith((" ", ":"))]
    assert firsts == sorted(firsts, key=str.lower)
    assert {"mask", "binary mask", "class", "category", "ground truth"} <= set(terms)


def test_glossary_becomes_sphinx_glossary_syntax():
    text = ("```{glossary}\n:sorted:\n\nmask / binary mask\n: A boolean\n  array.\n\n"
            "thing\n: An object.\n```\n")
    assert sc.glossary_to_sphinx(text) == (
        "```{glossary}\n:sorted:\n\nmask\nbinary mask\n  A boolean\n  array.\n\nthing\n"
        "  An object.\n```\n")


# --- the conversion into the book's roles ------------------------------------------------

BIB_KEY = "vanderwalt2014skimage"


def test_links_become_citations_terms_and_page_links():
    text = ("([van der Walt et al., 2014](../book/references.md#vanderwalt2014skimage)); "
            "[Kirillov et al. (2019)](../book/references.md#kirillov2019panoptic); "
            "[masks](../book/glossary.md#term-mask), [mask](../book/glossary.md#term-mask); "
            "[`data/README.md`](../data/README.md); [glossary](../book/glossary.md)")
    assert sc.links_to_roles(text, "notebooks/x.ipynb") == (
        "({cite:alp}`vanderwalt2014skimage`); {cite:t}`kirillov2019panoptic`; "
        "{term}`masks <mask>`, {term}`mask`; [`data/README.md`](project:/data.md); "
        "[glossary](../book/glossary.md)")


def test_code_is_left_alone():
    text = ("`[x](../book/references.md#nokey)`\n\n```python\n"
            "[x](../book/glossary.md#term-nothing)\n```\n")
    assert sc.links_to_roles(text, "notebooks/x.ipynb") == text


@pytest.mark.parametrize(("link", "message"), [
    ("[van der Walt, 2014](../book/references.md#vanderwalt2014skimage)",
     "must be 'van der Walt et al., 2014'"),
    ("[van der Walt et al., 2015](../book/references.md#vanderwalt2014skimage)", "must be"),
    ("[Nobody, 2020](../book/references.md#nobody2020)", "no key 'nobody2020'"),
    ("[mask](../book/glossary.md#term-maks)", "no glossary term"),
])
def test_a_wrong_link_is_an_error(link, message):
    with pytest.raises(sc.CitationError, match=re.escape(message)):
        sc.links_to_roles(f"See {link}.", "notebooks/x.ipynb")


def test_author_year_texts():
    bib = sc.load_bibliography()
    assert sc.parenthetical(bib[BIB_KEY]) == "van der Walt et al., 2014"
    assert sc.textual(bib["taha2015metrics"]) == "Taha and Hanbury (2015)"
    assert sc.parenthetical(bib["jordan2018evaluating"]) == "Jordan, 2018"
    # "and others" in the author list, LaTeX accents
    assert sc.parenthetical(bib["maierhein2024metrics"]) == "Maier-Hein et al., 2024"
    assert sc.parenthetical(bib["muller2022miseval"]) == "Müller et al., 2022"


# --- the built book ------------------------------------------------------------------------


class _Anchors(HTMLParser):
    """The links of a page (href, text) and the citations' texts."""

    def __init__(self):
        super().__init__()
        self.links, self.citations, self.ids = [], [], set()
        self._open = []  # [href, text] of the links being read
        self._citation = None  # [depth, text] inside a span.bibtex-citation
        self._depth = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "a":
            self._open.append([attrs.get("href", ""), ""])
        if tag == "span":
            self._depth += 1
            if "bibtex-citation" in (attrs.get("class") or "").split():
                self._citation = [self._depth, ""]

    def handle_endtag(self, tag):
        if tag == "a" and self._open:
            href, text = self._open.pop()
            self.links.append((href, " ".join(text.split())))
        if tag == "span":
            if self._citation and self._citation[0] == self._depth:
                self.citations.append(" ".join(self._citation[1].split()))
                self._citation = None
            self._depth -= 1

    def handle_data(self, data):
        data = data.replace("\N{NO-BREAK SPACE}", " ")
        for link in self._open:
            link[1] += data
        if self._citation:
            self._citation[1] += data


def _parse(page: Path) -> _Anchors:
    parser = _Anchors()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


def _chapter_links(notebook: Path, kind: str):
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    return [link for cell in cells if cell["cell_type"] == "markdown"
            for link in sc.find_links("".join(cell["source"]), f"notebooks/{notebook.name}")
            if link.kind == kind]


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_chapter_citations_link_to_the_bibliography(book_html, notebook):
    page = _parse(book_html / "notebooks" / f"{notebook.stem}.html")
    bibliography = _parse(book_html / "references.html")
    cites = _chapter_links(notebook, "cite")
    # the book writes each citation as the lab does, and links it to its entry
    assert page.citations == [link.text for link in cites]
    hrefs = {href for href, _ in page.links}
    for link in cites:
        assert f"../references.html#{link.target}" in hrefs, link.target
        assert link.target in bibliography.ids, link.target


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_chapter_terms_link_to_the_glossary(book_html, notebook):
    page = _parse(book_html / "notebooks" / f"{notebook.stem}.html")
    glossary = _parse(book_html / "glossary.html")
    for link in _chapter_links(notebook, "term"):
        anchor = sc.term_anchor(link.target)
        assert (f"../glossary.html#{anchor}", link.text) in page.links, link.text
        assert anchor in glossary.ids, anchor


def test_no_lab_link_is_left_in_the_book(book_html):
    for page in [*sorted((book_html / "notebooks").glob("*.html")),
                 book_html / "glossary.html", book_html / "references.html"]:
        text = page.read_text(encoding="utf-8")
        # (the download button's _sources/ copies aside)
        assert not re.search(r'href="(?![./]*_sources/)[^"]*\.md[#"]', text), page.name
        assert "{cite" not in text and "{term}" not in text, page.name


def test_glossary_page_defines_every_term(book_html):
    glossary = _parse(book_html / "glossary.html")
    for anchor in sc.glossary_terms():
        assert anchor in glossary.ids, anchor


def test_bibliography_is_one_list_sorted_by_author(book_html):
    """Author-year citations, so no [1]...[18]: entries in author order, labels not shown."""
    text = (book_html / "references.html").read_text(encoding="utf-8")
    labels = [unescape(label) for label in re.findall(
        r'<span class="label"><span class="fn-bracket">\[</span>(.*?)<span', text)]
    assert labels and not any(label.isdigit() for label in labels), labels[:3]
    firsts = [unescape(first) for first in re.findall(
        r'<div class="citation" id="[^"]+" role="(?:doc-biblioentry|listitem)">\s*'
        r'<span class="label">.*?</span></span>\s*<p>([^,]+),', text, re.S)]
    assert len(firsts) == len(sc.load_bibliography())
    surnames = [" ".join(w for w in name.split() if not w.islower()).lower() for name in firsts]
    assert surnames == sorted(surnames), firsts
    css = (book_html / "_static" / "segcourse.css").read_text(encoding="utf-8")
    assert re.search(r"div\.citation > span\.label\s*\{\s*display:\s*none", css)


def test_data_readme_is_a_book_page(book_html):
    page = (book_html / "data.html").read_text(encoding="utf-8")
    readme = (ROOT / "data" / "README.md").read_text(encoding="utf-8")
    title = readme.splitlines()[0].lstrip("# ").strip()
    assert f"<h1>{title}" in page and "coins_instances.png" in page
    guide = (book_html / "instructor_guide.html").read_text(encoding="utf-8")
    assert 'href="data.html"' in guide
    for notebook in NOTEBOOKS:
        chapter = (book_html / "notebooks" / f"{notebook.stem}.html").read_text(encoding="utf-8")
        if _chapter_links(notebook, "file"):
            assert 'href="../data.html"' in chapter, notebook.name
