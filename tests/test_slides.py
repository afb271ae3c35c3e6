"""The lecture slides: one reveal.js deck per chapter, working offline in a real browser.

``make slides`` (``tools/build_slides.py``) writes ``book/_build/slides/<chapter>.slides.html``
from the notebooks and the book's executed outputs. Here chromium (as in
``tests/test_browser.py``) opens every deck served from 127.0.0.1 and checks:

- no page error, no console error, no failed request, and no request to any
  other host (a lecture hall may have no network);
- reveal.js starts, and the deck advances with the keyboard (slides and
  sub-slides, as the headings set them);
- every formula is typeset by the deck's own MathJax (no raw TeX on a slide);
- every static demo's slider changes the figure, its alt text and its label.

The slide types themselves are checked without a browser: every cell whose
heading begins a section or a subsection begins a slide or a sub-slide
(``tools/slide_types.py --check``).
"""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from test_browser import CHROMIUM_ARGS, TIMEOUT_MS, _Server, require_browser

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def _tool(name):
    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- slide types (no browser) ---------------------------------------------------------

@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[nb.stem for nb in NOTEBOOKS])
def test_sections_begin_slides(notebook):
    tool = _tool("slide_types")
    found = tool.problems(json.loads(notebook.read_text()), notebook.name)
    assert not found, ("\n".join(found) + "\nfix: python tools/slide_types.py "
                       f"notebooks/{notebook.name}")


def test_slide_types_follow_headings():
    tool = _tool("slide_types")
    markdown = lambda text, **meta: {"cell_type": "markdown", "source": text,  # noqa: E731
                                     "metadata": meta}
    notebook = {"cells": [
        markdown("# 01 Title\n\nintro"),
        markdown("text\n\n## A section in mid-cell"),
        markdown("### An exercise"),
        markdown("plain text", slideshow={"slide_type": "slide"}),
        markdown("a note", slideshow={"slide_type": "notes"}),
        markdown("```python\n# a comment, no heading\n```"),
        {"cell_type": "code", "source": "# a comment", "metadata": {}, "outputs": []},
    ]}
    assert len(tool.problems(notebook)) == 4  # three missing, one stray "slide"
    assert tool.apply(notebook) == 4
    kinds = [c["metadata"].get("slideshow", {}).get("slide_type") for c in notebook["cells"]]
    assert kinds == ["slide", "slide", "subslide", None, "notes", None, None]
    assert tool.problems(notebook) == [] and tool.apply(notebook) == 0


def test_links_to_the_book_point_to_the_built_book():
    tool = _tool("build_slides")
    text = "[mask](../book/glossary.md#term-mask), [Lin](../book/references.md#lin2017focal)"
    assert tool.relink(text) == ("[mask](../html/glossary.html#term-mask), "
                                 "[Lin](../html/references.html#lin2017focal)")


# --- the decks in chromium ---------------------------------------------------------------

@pytest.fixture(scope="session")
def slides(book_html):
    """The decks of every chapter, written beside the book (as `make slides` does)."""
    out = Path(book_html).parent / "slides"
    _tool("build_slides").build(out, Path(book_html))
    return out


# Raw TeX a reader must never see on a slide (outside typeset math).
_RAW_TEX = re.compile(r"\$\$|\\\(|\\\)|\\\[|\\\]|\\[A-Za-z]+|\$[^$\s][^$]*\$")

_MARKDOWN_TEXT = """() => [...document.querySelectorAll('.jp-RenderedMarkdown')].map((el) => {
    const copy = el.cloneNode(true);
    copy.querySelectorAll('mjx-container, code, pre').forEach((m) => m.remove());
    return copy.textContent;
})"""

_SET_SLIDER = """(input, value) => {
    input.value = String(value);
    input.dispatchEvent(new Event('input', {bubbles: true}));
}"""


def check_deck(html: Path, name: str, browser: str) -> dict:
    """Open one deck and return what a lecturer would meet: problems and counts."""
    from playwright.sync_api import sync_playwright

    found = {"problems": [], "slides": 0, "math": 0, "demos": 0}
    problems = found["problems"]
    with _Server(html) as server, tempfile.TemporaryDirectory() as profile, \
            sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path=browser, args=CHROMIUM_ARGS, headless=True,
            viewport={"width": 1280, "height": 800}, service_workers="block")
        context.set_default_timeout(TIMEOUT_MS)
        origin = server.origin
        context.route(lambda url: urlsplit(url).netloc != origin
                      and urlsplit(url).scheme in ("http", "https", "ws", "wss"),
                      lambda route: route.abort())
        page = context.new_page()

        def on_request(request):
            parts = urlsplit(request.url)
            if parts.scheme not in ("data", "blob", "about") and parts.netloc != origin:
                problems.append(f"{name}: request to another host: {request.url}")

        def on_response(response):
            parts = urlsplit(response.url)
            if parts.netloc == origin and response.status >= 400 \
                    and parts.path != "/favicon.ico":
                problems.append(f"{name}: HTTP {response.status} for {response.url}")

        def on_console(message):
            if message.type == "error" and "favicon.ico" not in \
                    (message.location or {}).get("url", ""):
                problems.append(f"{name}: console error: {message.text}")

        page.on("request", on_request)
        page.on("response", on_response)
        page.on("console", on_console)
        page.on("pageerror", lambda error: problems.append(f"{name}: page error: {error}"))
        try:
            page.goto(f"http://{origin}/{name}", wait_until="load")
            page.wait_for_function("() => window.Reveal && Reveal.isReady()")
            found["slides"] = page.evaluate("() => Reveal.getTotalSlides()")
            _check_advance(page, name, problems)
            _check_math(page, name, found)
            _check_demos(page, name, found)
            page.wait_for_load_state("networkidle", timeout=5_000)
        except Exception as error:  # report the deck, go on with the rest
            problems.append(f"{name}: check aborted: {type(error).__name__}: {error}")
        finally:
            context.close()
    return found


def _check_advance(page, name, problems):
    page.evaluate("() => Reveal.slide(0, 0)")
    start = page.evaluate("() => JSON.stringify(Reveal.getIndices())")
    page.locator("body").press("ArrowRight")
    page.wait_for_timeout(100)
    moved = page.evaluate("() => JSON.stringify(Reveal.getIndices())")
    if moved == start:
        problems.append(f"{name}: the right arrow did not advance the deck (at {start})")
    last = page.evaluate("() => { Reveal.slide(1e6, 1e6); return Reveal.isLastSlide(); }")
    if not last:
        problems.append(f"{name}: could not reach the last slide")
    page.evaluate("() => Reveal.slide(0, 0)")


def _check_math(page, name, found):
    problems = found["problems"]
    if "$" not in page.content():
        return
    page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise")
    page.evaluate("async () => { await MathJax.startup.promise; }")
    found["math"] = page.locator("mjx-container").count()
    errors = page.locator("mjx-merror").count()
    if errors:
        problems.append(f"{name}: {errors} formulas with TeX errors")
    for text in page.evaluate(_MARKDOWN_TEXT):
        raw = _RAW_TEX.findall(text)
        if raw:
            problems.append(f"{name}: raw TeX on a slide {sorted(set(raw))[:5]}: "
                            f"{text.strip()[:80]!r}")


def _check_demos(page, name, found):
    problems = found["problems"]
    demos = page.locator("div.segcourse-demo")
    for d in range(demos.count()):
        found["demos"] += 1
        demo = demos.nth(d)
        where = f"{name}: demo #{d}"
        # go to its slide, as a lecturer would
        page.evaluate("""(el) => { const i = Reveal.getIndices(el.closest('section'));
                                   Reveal.slide(i.h, i.v); }""", demo.element_handle())
        img, slider = demo.locator("img").first, demo.locator("input[type=range]").first
        label = demo.locator("output").first
        first = (img.get_attribute("src"), img.get_attribute("alt"), label.text_content())
        start = int(slider.evaluate("el => Number(el.value)"))
        top = int(slider.evaluate("el => Number(el.max)"))
        slider.focus()
        slider.press("End" if top - start >= start else "Home")
        now = (img.get_attribute("src"), img.get_attribute("alt"), label.text_content())
        for what, before, after in zip(("figure", "alt text", "label"), first, now,
                                       strict=True):
            if before == after:
                problems.append(f"{where}: the slider moved but its {what} did not change")
        slider.evaluate(_SET_SLIDER, start)
        if img.get_attribute("src") != first[0]:
            problems.append(f"{where}: moved back, the first figure did not return")


# --- tests ------------------------------------------------------------------------------

def test_every_chapter_has_a_deck(slides):
    for notebook in NOTEBOOKS:
        deck = slides / f"{notebook.stem}.slides.html"
        assert deck.is_file(), deck
        text = deck.read_text()
        loads = re.findall(r'<(?:script|link|img)[^>]*(?:src|href)="((?:https?:)?//[^"]+)"', text)
        assert not loads, (deck.name, loads[:5])
        assert "reveal.js/dist/reveal.js" in text and "mathjax/tex-chtml.js" in text
    assert (slides / "reveal.js" / "dist" / "reveal.js").is_file()
    assert (slides / "mathjax" / "tex-chtml.js").is_file()


def test_every_deck_works_offline_in_chromium(slides):
    browser = require_browser()
    problems, math, demos = [], 0, 0
    for notebook in NOTEBOOKS:
        name = f"{notebook.stem}.slides.html"
        found = check_deck(slides, name, browser)
        problems += found["problems"]
        math += found["math"]
        demos += found["demos"]
        headings = sum(1 for c in json.loads(notebook.read_text())["cells"]
                       if c["cell_type"] == "markdown"
                       and c["metadata"].get("slideshow", {}).get("slide_type")
                       in ("slide", "subslide"))
        assert found["slides"] == headings, (name, found["slides"], headings)
    assert not problems, "\n".join(problems)
    assert math >= 1 and demos >= 1, (math, demos)


_TAMPER = """
<img src="https://example.org/x.png" alt="external">
<div class="jp-RenderedMarkdown mathjax_ignore"><p>left raw: $\\frac{1}{2}$</p></div>
<script>setTimeout(function () { throw new Error('tampered deck'); }, 0);</script>
"""


def test_deck_check_catches_external_requests_raw_tex_and_errors(slides, tmp_path):
    browser = require_browser()
    copy = tmp_path / "slides"
    shutil.copytree(slides, copy)
    name = f"{NOTEBOOKS[0].stem}.slides.html"
    deck = copy / name
    deck.write_text(deck.read_text().replace("</body>", _TAMPER + "</body>", 1))
    found = "\n".join(check_deck(copy, name, browser)["problems"])
    assert "request to another host: https://example.org/x.png" in found, found
    assert "raw TeX on a slide" in found and "\\frac" in found, found
    assert "page error: tampered deck" in found, found
