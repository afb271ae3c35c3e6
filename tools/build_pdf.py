"""Print the whole book as one PDF, with no TeX installation.

``make pdf`` runs this after building the book (``make book``; reused when up
to date) and writes ``book/_build/pdf/segcourse.pdf``: a cover, the contents,
then every page of the book in the order of its table of contents (how to use
the course, chapters 01 to 07, cheat sheet, glossary, data notes, instructor
guide, bibliography).

Headless Chromium (the browser the tests drive, through Playwright) prints
each page of the built book as a reader would print it, after the site's own
MathJax has typeset its formulas and every figure has loaded; the theme's
print style drops the navigation. Each demo appears as its default frame with
its slider's setting written beside it. pypdf then merges the pages into one
document with an outline (bookmarks) of every chapter and section heading.

Usage: ``python tools/build_pdf.py [--book book/_build/html] [OUT_PDF]``
"""

from __future__ import annotations

import argparse
import html as htmllib
import io
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # the browser finder and local server of the tests

DEFAULT_HTML = ROOT / "book" / "_build" / "html"
DEFAULT_PDF = ROOT / "book" / "_build" / "pdf" / "segcourse.pdf"
TIMEOUT_MS = 60_000
TITLE = "Image segmentation, computed"

# What changes on paper: no navigation or buttons (the theme's print style
# does most of it), the demos' range inputs hidden (their setting is printed
# beside the label), code wrapped instead of cut at the margin.
PRINT_CSS = """
@page { size: A4; margin: 16mm 14mm 16mm 14mm; }
.bd-header, .bd-sidebar-primary, .bd-sidebar-secondary, .bd-footer, .bd-footer-article,
.bd-footer-content, .prev-next-area, .header-article, #jb-print-toc, .headerlink,
.bd-header-announcement, .search-button, .theme-switch-button, .skip-link,
.segcourse-demo input[type=range] { display: none !important; }
.bd-main .bd-content, .bd-article-container, .bd-article { max-width: none !important;
    padding: 0 !important; margin: 0 !important; }
.segcourse-demo label { display: inline-block !important; margin-right: 1.5em !important; }
.segcourse-demo img { break-inside: avoid; }
div.cell_input pre, div.cell_output pre, div.highlight pre { white-space: pre-wrap !important;
    overflow-wrap: anywhere; overflow: visible !important; }
img { break-inside: avoid; max-width: 100% !important; }
table { break-inside: auto !important; }
h1, h2, h3 { break-after: avoid; }
"""

_WAIT_FOR_IMAGES = """async () => {
    const images = Array.from(document.images);
    images.forEach((img) => { img.loading = 'eager'; });
    await Promise.all(images.map((img) => img.complete ? null : new Promise((done) => {
        img.addEventListener('load', done, {once: true});
        img.addEventListener('error', done, {once: true});
    })));
    return images.filter((img) => !(img.complete && img.naturalWidth > 0)).length;
}"""

_TYPESET = """async () => {
    if (!document.querySelector('.math')) return 0;
    for (let i = 0; i < 200 && !(window.MathJax && MathJax.startup && MathJax.startup.promise);
         i++) { await new Promise((r) => setTimeout(r, 50)); }
    await MathJax.startup.promise;
    return document.querySelectorAll('mjx-container').length;
}"""

# The book's pages in the order of its table of contents (the sidebar's links).
_ORDER = """() => {
    const links = [...document.querySelectorAll('nav.bd-docs-nav a.reference.internal')];
    return links.map((a) => a.getAttribute('href')).filter((h) => h && !h.includes('#'));
}"""

# Headings for the outline: level and text (without the pilcrow link).
_HEADINGS = """() => [...document.querySelectorAll('article.bd-article h1, article.bd-article h2')]
    .map((h) => { const c = h.cloneNode(true); c.querySelectorAll('.headerlink')
        .forEach((e) => e.remove()); return [Number(h.tagName[1]), c.textContent.trim()]; })"""


def page_order(context, origin: str) -> list[str]:
    page = context.new_page()
    page.goto(f"http://{origin}/index.html", wait_until="load")
    hrefs = page.evaluate(_ORDER)
    page.close()
    order = ["index.html"]
    for href in hrefs:
        href = href.split("?")[0]
        if href not in order:
            order.append(href)
    return order


def print_page(context, origin: str, name: str) -> tuple[bytes, str, list, int]:
    """PDF bytes of one page of the book, its title, its headings and its formulas."""
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(f"http://{origin}/{name}", wait_until="load")
        missing = page.evaluate(_WAIT_FOR_IMAGES)
        if missing:
            raise RuntimeError(f"{name}: {missing} images did not load")
        formulas = page.evaluate(_TYPESET)
        page.add_style_tag(content=PRINT_CSS)
        page.emulate_media(media="print")
        page.wait_for_timeout(100)
        title = page.title().split("—")[0].split(" | ")[0].strip()
        headings = page.evaluate(_HEADINGS)
        pdf = page.pdf(format="A4", print_background=True, prefer_css_page_size=True,
                       display_header_footer=True, header_template="<span></span>",
                       footer_template=(
                           '<div style="font-size:8px;width:100%;text-align:center;'
                           f'color:#555">{htmllib.escape(TITLE)} · {htmllib.escape(title)}'
                           ' · <span class="pageNumber"></span>/<span class="totalPages">'
                           "</span></div>"))
    finally:
        page.close()
    if errors:
        raise RuntimeError(f"{name}: page error while printing: {errors[0]}")
    return pdf, title, headings, formulas


def _section_pages(pdf: bytes, headings) -> list[tuple[str, int]]:
    """Each section heading (level 2) of a printed page and the page it lands on (0-based)."""
    from pypdf import PdfReader

    def squeeze(text):
        return "".join(text.split()).lower()

    texts = [squeeze(page.extract_text() or "") for page in PdfReader(io.BytesIO(pdf)).pages]
    found, at = [], 0
    for level, text in headings[1:]:
        if level != 2:
            continue
        wanted = squeeze(text)
        page = next((i for i in range(at, len(texts)) if wanted in texts[i]), at)
        found.append((text, page))
        at = page
    return found


def _html_page(context, body: str) -> bytes:
    page = context.new_page()
    page.set_content(
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><style>"
        "@page { size: A4; margin: 25mm 22mm; }"
        "body { font-family: 'DejaVu Sans', 'Liberation Sans', sans-serif; color: #111; }"
        "h1 { font-size: 30pt; margin: 70mm 0 8mm 0; } h2 { font-size: 18pt; }"
        ".sub { font-size: 14pt; color: #333; } .small { font-size: 10pt; color: #444; }"
        "table { width: 100%; border-collapse: collapse; font-size: 11pt; }"
        "td { padding: 2.5pt 0; } td.n { text-align: right; width: 3em; }"
        "tr.l2 td:first-child { padding-left: 1.5em; font-size: 10pt; color: #333; }"
        "</style></head><body>" + body + "</body></html>")
    pdf = page.pdf(format="A4", prefer_css_page_size=True, print_background=True)
    page.close()
    return pdf


def cover(context) -> bytes:
    return _html_page(context, (
        f"<h1>{htmllib.escape(TITLE)}</h1>"
        "<p class='sub'>An open course on image segmentation, its scores and its losses</p>"
        "<p class='sub'>The segcourse authors</p>"
        f"<p class='small' style='margin-top:90mm'>Printed from the course's book on "
        f"{date.today().isoformat()}. Text and figures CC BY 4.0, code BSD-3-Clause. "
        "Every figure and number in it was computed by the notebooks when the book was built; "
        "the sliders of the online book appear at their default setting.</p>"))


def contents(context, entries) -> bytes:
    rows = "".join(
        f"<tr class='l{level}'><td>{htmllib.escape(text)}</td><td class='n'>{number}</td></tr>"
        for level, text, number in entries)
    return _html_page(context, f"<h2>Contents</h2><table>{rows}</table>")


def build(html: Path = DEFAULT_HTML, out: Path = DEFAULT_PDF, *, browser: str | None = None,
          pages: list[str] | None = None) -> dict:
    """Print the book in ``html`` to ``out``; returns a summary (pages, outline, formulas)."""
    from playwright.sync_api import sync_playwright
    from pypdf import PdfReader, PdfWriter
    from test_browser import CHROMIUM_ARGS, _Server, find_browser

    html, out = Path(html), Path(out)
    if not (html / "index.html").is_file():
        raise FileNotFoundError(f"no book in {html}: build it first (`make book`)")
    browser = browser or find_browser()
    if browser is None:
        raise FileNotFoundError("no Chromium or Chrome found: `apt-get install chromium` (or "
                                "name one with SEGCOURSE_BROWSER=/path/to/chrome)")
    printed = []
    with _Server(html) as server, tempfile.TemporaryDirectory() as profile, \
            sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path=browser, args=CHROMIUM_ARGS, headless=True,
            viewport={"width": 1100, "height": 1400}, service_workers="block")
        context.set_default_timeout(TIMEOUT_MS)
        origin = server.origin
        # nothing but the local book: the PDF must not depend on the network
        context.route(lambda url: not url.startswith(f"http://{origin}/")
                      and url.split(":")[0] in ("http", "https", "ws", "wss"),
                      lambda route: route.abort())
        try:
            order = pages or [p for p in page_order(context, origin)
                              if p not in ("genindex.html", "search.html")]
            for name in order:
                pdf, title, headings, formulas = print_page(context, origin, name)
                printed.append((name, pdf, title, headings, formulas))
            front = [cover(context)]
            # contents: pages numbered from the cover; one pass to count its own pages
            lengths = [len(PdfReader(io.BytesIO(p[1])).pages) for p in printed]
            offsets = [_section_pages(p[1], p[3]) for p in printed]
            for _ in range(2):
                first = 1 + sum(len(PdfReader(io.BytesIO(f)).pages) for f in front)
                starts, number = [], first
                for length in lengths:
                    starts.append(number)
                    number += length
                entries = []
                for (_, _, title, _, _), start, sections in zip(printed, starts, offsets,
                                                                  strict=True):
                    entries.append((1, title, start))
                    entries += [(2, text, start + offset) for text, offset in sections]
                front = [front[0], contents(context, entries)]
        finally:
            context.close()

    writer = PdfWriter()
    for part in front:
        writer.append(PdfReader(io.BytesIO(part)), import_outline=False)
    writer.add_outline_item(title="Contents", page_number=1)
    outline = []
    for (_, pdf, title, _, _), start, sections in zip(printed, starts, offsets, strict=True):
        writer.append(PdfReader(io.BytesIO(pdf)), import_outline=False)
        parent = writer.add_outline_item(title=title, page_number=start - 1)
        outline.append(title)
        for text, offset in sections:
            writer.add_outline_item(title=text, page_number=start - 1 + offset, parent=parent)
    writer.add_metadata({"/Title": TITLE, "/Author": "The segcourse authors",
                         "/Subject": "An open course on image segmentation"})
    writer.page_mode = "/UseOutlines"
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "wb") as handle:
        writer.write(handle)
    return {"pages": len(writer.pages), "outline": outline,
            "formulas": sum(p[4] for p in printed), "printed": [p[0] for p in printed]}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", nargs="?", default=str(DEFAULT_PDF), help="the PDF to write")
    parser.add_argument("--book", default=str(DEFAULT_HTML), help="the built book")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    try:
        summary = build(Path(args.book), Path(args.out))
    except (FileNotFoundError, RuntimeError) as error:
        print(f"[pdf] {error}", file=sys.stderr)
        return 1
    size = Path(args.out).stat().st_size / 1e6
    print(f"[pdf] {args.out}: {summary['pages']} pages, {size:.1f} MB, "
          f"{len(summary['outline'])} parts, {summary['formulas']} formulas typeset, "
          f"in {time.perf_counter() - start:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
