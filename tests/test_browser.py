"""The built book works in a real browser, offline.

Chromium (or Chrome), driven through Playwright's sync API, opens every HTML page
of the book served from 127.0.0.1 and checks what a reader would meet:

- no page error and no console error;
- no request to any host other than the local server (the book must work in a
  classroom with no internet), no failed request, no HTTP error;
- every ``<img>`` loads and has alt text that says what it shows (not a file
  name, a hash or a generic word such as "demo figure");
- axe-core (``node_modules/axe-core``, from the npm registry) finds no serious
  or critical accessibility violation on the page, and its headings go down
  one level at a time (no ``h2`` followed by an ``h4``);
- every math element is typeset by the site's own MathJax (no raw TeX left);
- every "Show solution" toggle opens and shows its code;
- every slider of every demo changes the figure, its alt text and its label,
  and moving it back brings the first figure back (a slider over a frozen plot
  misleads);
- no cell (code or output) scrolls sideways and no word breaks inside a table cell at
  100 % zoom in a 1280 px window.

``check_book`` takes an HTML folder and returns what it found, so the second
test can run it on a tampered copy and confirm the checks do fire.

The browser is found by :func:`find_browser`. Where there is none, the tests
skip with the reason and the install command; under CI (``CI=true``) a
missing browser is a failure.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import tempfile
import threading
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
CHAPTER_ONE = "notebooks/01_what_is_segmentation.html"
TIMEOUT_MS = 15_000
AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
#: axe-core impacts that fail the test (moderate and minor ones are reported by axe only)
AXE_FAILS = ("serious", "critical")

BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable",
                 "chrome")
INSTALL_HINT = ("install one: `apt-get install chromium` on Debian and Ubuntu, or Playwright's "
                "own with `.venv/bin/python -m playwright install chromium`; or name one with "
                "SEGCOURSE_BROWSER=/path/to/chrome")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(os.environ.get("SEGCOURSE_SKIP_BROWSER") == "1",
                       reason="SEGCOURSE_SKIP_BROWSER=1: browser test skipped on request"),
]


def _playwright_browser() -> str | None:
    """The Chromium that `playwright install chromium` downloaded, if it did."""
    try:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            path = playwright.chromium.executable_path
    except Exception:  # no playwright driver, or no browser of its own
        return None
    return path if path and Path(path).is_file() else None


def find_browser(environ=None, which=shutil.which, playwright_browser=_playwright_browser):
    """Path of the browser the test drives, or None when there is none.

    In order: ``SEGCOURSE_BROWSER`` (which must exist), Chromium or Chrome on
    PATH (:data:`BROWSER_NAMES`), Playwright's own Chromium.
    """
    environ = os.environ if environ is None else environ
    named = environ.get("SEGCOURSE_BROWSER")
    if named:
        path = which(named) or (named if Path(named).is_file() else None)
        if path is None:
            raise FileNotFoundError(f"SEGCOURSE_BROWSER={named!r} is not a file or a command "
                                    "on PATH")
        return path
    for name in BROWSER_NAMES:
        path = which(name)
        if path:
            return path
    return playwright_browser()


def require_browser(environ=None, **finders) -> str:
    """The browser's path; skips the test without one (fails under CI)."""
    environ = os.environ if environ is None else environ
    path = find_browser(environ, **finders)
    if path is None:
        reason = f"no Chromium or Chrome found for the browser test: {INSTALL_HINT}"
        if environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"{reason} (CI=true: a missing browser fails the suite)")
        pytest.skip(reason)
    return path


def book_pages(html: Path) -> list[str]:
    """Every HTML page of the book, genindex and search included.

    ``_static/*.html`` are left out: they are the theme's Jinja macro files
    (``webpack-macros.html``), copied as static assets, not pages of the book.
    """
    return sorted(page.relative_to(html).as_posix() for page in html.rglob("*.html")
                  if page.relative_to(html).parts[0] != "_static")


@dataclass
class BrowserReport:
    problems: list[str] = field(default_factory=list)
    pages: int = 0
    images: int = 0
    math: int = 0
    solutions: int = 0
    demos: int = 0
    sliders: int = 0
    accessibility: int = 0


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


class _Server:
    """The HTML folder served on 127.0.0.1 (ephemeral port) from a thread."""

    def __init__(self, html: Path):
        handler = functools.partial(_QuietHandler, directory=str(html))
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.origin = f"127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=10)


# --- in-page scripts -----------------------------------------------------------

_WAIT_FOR_IMAGES = """async () => {
    const images = Array.from(document.images);
    images.forEach((img) => { img.loading = 'eager'; });
    await Promise.all(images.map((img) => img.complete ? null : new Promise((done) => {
        img.addEventListener('load', done, {once: true});
        img.addEventListener('error', done, {once: true});
    })));
    return images.map((img, i) => ({
        index: i, ok: img.complete && img.naturalWidth > 0,
        src: (img.getAttribute('src') || '').slice(0, 80),
        alt: img.getAttribute('alt'),
        hidden: img.getAttribute('aria-hidden') === 'true'
            || img.getAttribute('role') === 'presentation',
    }));
}"""

# Alt text that says nothing: a file name, a hash, a generic word.
_EMPTY_ALT = re.compile(
    r"^\s*(?:[\w./-]*\.(?:png|jpe?g|gif|svg|webp)|[0-9a-f]{16,}|(?:demo\s+)?(?:figure|image|"
    r"picture|plot|graph|chart|output|img|png|untitled)(?:\s*\d*)?)?\s*$", re.I)


def alt_problem(alt: str | None) -> str | None:
    """Why an image's alt text is not meaningful, or None when it is.

    >>> alt_problem("The coins photograph with each coin outlined.") is None
    True
    >>> [alt_problem(a) for a in (None, "", "demo figure", "../_images/e0a28c91d2.png")]
    ['no alt text', 'empty alt text', "alt text says nothing: 'demo figure'", \
"alt text says nothing: '../_images/e0a28c91d2.png'"]
    """
    if alt is None:
        return "no alt text"
    if not alt.strip():
        return "empty alt text"
    if _EMPTY_ALT.match(alt) or len(alt.split()) < 3:
        return f"alt text says nothing: {alt!r}"
    return None


_HEADINGS = """() => [...document.querySelectorAll(
    'article.bd-article h1, article.bd-article h2, article.bd-article h3, '
    + 'article.bd-article h4, article.bd-article h5, article.bd-article h6')]
    .map((h) => [Number(h.tagName[1]), h.textContent.replace('#', '').trim().slice(0, 50)])"""

_AXE_RUN = """async (fails) => {
    const result = await axe.run(document, {resultTypes: ['violations']});
    return result.violations.filter((v) => fails.includes(v.impact)).map((v) => ({
        id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')),
        count: v.nodes.length,
    }));
}"""

_TYPESET = """async () => {
    await window.MathJax.startup.promise;
    return Array.from(document.querySelectorAll('.math')).map((el, i) => ({
        index: i,
        typeset: el.querySelector('mjx-container') !== null,
        errors: Array.from(el.querySelectorAll('mjx-merror'))
            .map((e) => e.getAttribute('data-mjx-error') || e.textContent),
        text: el.textContent,
        source: (el.getAttribute('data-latex') || el.textContent).trim().slice(0, 60),
    }));
}"""

# Raw TeX a reader must never see: delimiters, and macro names (MathJax shows an
# undefined macro as its name). Typeset math has no backslash in its text.
_RAW_TEX = re.compile(r"\$\$|\\\(|\\\)|\\\[|\\\]|\\[A-Za-z]+")

_SET_SLIDER = """(input, value) => {
    input.value = String(value);
    input.dispatchEvent(new Event('input', {bubbles: true}));
    input.dispatchEvent(new Event('change', {bubbles: true}));
}"""


# --- the checker -----------------------------------------------------------------

# What a reader at 100 % zoom cannot see: output text cut off behind a
# horizontal scroll bar, and words broken across lines inside table cells.
_LAYOUT = r"""() => {
    const wide = [...document.querySelectorAll(
        'div.cell_output pre, div.output pre, div.cell_input pre')]
        .filter((e) => e.scrollWidth > e.clientWidth + 1)
        .map((e) => e.textContent.trim().slice(0, 60));
    const broken = [];
    for (const cell of document.querySelectorAll('.bd-article table td, .bd-article table th')) {
        const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
        let node;
        while ((node = walker.nextNode())) {
            if (node.parentElement.closest('mjx-container')) continue;
            const words = /[^\s\u2010-]+/g;
            let word;
            while ((word = words.exec(node.data))) {
                const range = document.createRange();
                range.setStart(node, word.index);
                range.setEnd(node, word.index + word[0].length);
                const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
                if (lines.size > 1) broken.push(word[0]);
            }
        }
    }
    return {wide, broken};
}"""


def _check_headings(page, name, report):
    headings = page.evaluate(_HEADINGS)
    if headings and headings[0][0] != 1:
        report.problems.append(f"{name}: the first heading is an h{headings[0][0]}, not the "
                               f"page's h1: {headings[0][1]!r}")
    for (before, _), (level, text) in zip(headings, headings[1:], strict=False):
        if level > before + 1:
            report.problems.append(f"{name}: heading h{level} {text!r} follows an h{before} "
                                   "(headings go down one level at a time)")


def _check_axe(page, name, report):
    if not AXE.is_file():
        report.problems.append(f"{name}: {AXE} is missing: run `npm ci` (the Makefile does)")
        return
    page.add_script_tag(content=AXE.read_text())
    for violation in page.evaluate(_AXE_RUN, list(AXE_FAILS)):
        report.accessibility += 1
        report.problems.append(
            f"{name}: accessibility ({violation['impact']}, axe-core {violation['id']}): "
            f"{violation['help']}: {violation['count']} element(s), e.g. {violation['nodes']}")


def _check_layout(page, name, report):
    found = page.evaluate(_LAYOUT)
    for text in found["wide"]:
        report.problems.append(f"{name}: a cell scrolls sideways: {text!r}")
    for word in found["broken"]:
        report.problems.append(f"{name}: a word is broken across lines in a table: {word!r}")


def _check_math(page, name, report):
    if page.locator(".math").count() == 0:
        return
    try:
        page.wait_for_function(
            "() => window.MathJax && window.MathJax.startup && window.MathJax.startup.promise",
            timeout=TIMEOUT_MS)
        elements = page.evaluate(_TYPESET)
    except Exception as error:  # any failure here is the finding
        report.problems.append(f"{name}: MathJax did not load or finish: {error}")
        return
    for el in elements:
        report.math += 1
        where = f"{name}: math element #{el['index']} ({el['source']!r})"
        if not el["typeset"]:
            report.problems.append(f"{where} was not typeset (no mjx-container)")
        if el["errors"]:
            report.problems.append(f"{where} has TeX errors: {el['errors']}")
        raw = _RAW_TEX.findall(el["text"])
        if raw:
            report.problems.append(f"{where} shows raw TeX {sorted(set(raw))}")


def _check_solutions(page, name, report):
    toggles = page.locator("details").filter(
        has=page.locator("summary", has_text="Show solution"))
    for i in range(toggles.count()):
        report.solutions += 1
        details = toggles.nth(i)
        code = details.locator("pre").first
        where = f"{name}: solution toggle #{i}"
        if details.locator("pre").count() == 0:
            report.problems.append(f"{where} holds no code block")
            continue
        if code.is_visible():
            report.problems.append(f"{where} shows its code before it is opened")
        details.locator("summary").first.click()
        try:
            page.wait_for_function("el => el.open", arg=details.element_handle(),
                                   timeout=1_000)
            code.wait_for(state="visible", timeout=1_000)
        except Exception:  # a timeout is the finding
            state = "open" if details.evaluate("el => el.open") else "closed"
            report.problems.append(
                f"{where} did not show its code when clicked (details is {state}, "
                f"code visible: {code.is_visible()})")


def _check_demos(page, name, report):
    demos = page.locator("div.segcourse-demo")
    for d in range(demos.count()):
        report.demos += 1
        demo = demos.nth(d)
        where = f"{name}: demo #{d} ({demo.get_attribute('id')})"
        img = demo.locator("img").first
        sliders = demo.locator("input[type=range]")
        outputs = demo.locator("output")
        if demo.locator("img").count() == 0 or sliders.count() == 0:
            report.problems.append(f"{where} has no <img> or no range input")
            continue
        demo.scroll_into_view_if_needed()
        first_src = img.get_attribute("src")
        first_alt = img.get_attribute("alt")
        for s in range(sliders.count()):
            report.sliders += 1
            slider = sliders.nth(s)
            label = outputs.nth(s) if outputs.count() > s else None
            first_label = label.text_content() if label else None
            start, low, high = (float(slider.evaluate(f"el => Number(el.{key})"))
                                for key in ("value", "min", "max"))
            if low == high:
                report.problems.append(f"{where}: slider #{s} has a single value")
                continue
            # Move the slider with the keyboard as a reader would, to the far end.
            slider.focus()
            slider.press("End" if high - start >= start - low else "Home")
            moved = float(slider.evaluate("el => Number(el.value)"))
            if moved == start:
                report.problems.append(f"{where}: slider #{s} did not move from {start}")
                continue
            if img.get_attribute("src") == first_src:
                report.problems.append(
                    f"{where}: slider #{s} moved {start:g} -> {moved:g} but the figure "
                    "did not change (img src unchanged)")
            elif img.get_attribute("alt") == first_alt:
                report.problems.append(
                    f"{where}: slider #{s} moved {start:g} -> {moved:g} but the figure's "
                    f"alt text stayed {first_alt!r}")
            if not slider.get_attribute("aria-valuetext") or \
                    slider.get_attribute("aria-valuetext") != (label.text_content()
                                                               if label else None):
                report.problems.append(
                    f"{where}: slider #{s} does not announce its setting "
                    f"(aria-valuetext {slider.get_attribute('aria-valuetext')!r})")
            if label is None:
                report.problems.append(f"{where}: slider #{s} has no <output> label")
            elif label.text_content() == first_label:
                report.problems.append(
                    f"{where}: slider #{s} moved {start:g} -> {moved:g} but its label "
                    f"stayed {first_label!r}")
            # And back: the first figure returns.
            slider.evaluate(_SET_SLIDER, start)
            if img.get_attribute("src") != first_src:
                report.problems.append(
                    f"{where}: slider #{s} moved back to {start:g} but the first figure "
                    "did not return")
            if label is not None and label.text_content() != first_label:
                report.problems.append(
                    f"{where}: slider #{s} moved back to {start:g} but its label shows "
                    f"{label.text_content()!r}, not {first_label!r}")


def check_book(html: Path, pages: list[str] | None = None, *,
               browser: str | None = None) -> BrowserReport:
    """Open the book's pages in the browser and report every problem a reader would meet."""
    from playwright.sync_api import sync_playwright

    html = Path(html)
    report = BrowserReport()
    pages = book_pages(html) if pages is None else pages
    with _Server(html) as server, tempfile.TemporaryDirectory() as profile, \
            sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path=browser or require_browser(), args=CHROMIUM_ARGS,
            headless=True,
            viewport={"width": 1280, "height": 900}, service_workers="block")
        context.set_default_timeout(TIMEOUT_MS)
        # Nothing may leave the machine: record (below) and abort any request to
        # another host, so a bad page fails fast instead of waiting on the network.
        context.route(lambda url: urlsplit(url).netloc != server.origin
                      and urlsplit(url).scheme in ("http", "https", "ws", "wss"),
                      lambda route: route.abort())
        try:
            for name in pages:
                report.pages += 1
                _check_page(context, server.origin, name, report)
        finally:
            context.close()
    return report


def _check_page(context, origin, name, report):
    problems = report.problems
    page = context.new_page()

    def on_request(request):
        parts = urlsplit(request.url)
        if parts.scheme in ("data", "blob", "about"):
            return
        if parts.netloc != origin:
            problems.append(f"{name}: request to another host: {request.url}")

    def on_failed(request):
        if urlsplit(request.url).netloc == origin:
            problems.append(f"{name}: request failed: {request.url} ({request.failure})")

    def on_response(response):
        parts = urlsplit(response.url)
        # /favicon.ico: the book sets no favicon, and a browser may ask the server
        # root for one on its own; its 404 is no page's fault and shows nothing.
        if parts.netloc == origin and response.status >= 400 \
                and parts.path != "/favicon.ico":
            problems.append(f"{name}: HTTP {response.status} for {response.url}")

    def on_console(message):
        if message.type == "error":
            if "favicon.ico" in (message.location or {}).get("url", ""):
                return  # see on_response
            problems.append(f"{name}: console error: {message.text}")

    page.on("request", on_request)
    page.on("requestfailed", on_failed)
    page.on("response", on_response)
    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"{name}: page error: {error}"))
    try:
        page.goto(f"http://{origin}/{name}", wait_until="load")
        for img in page.evaluate(_WAIT_FOR_IMAGES):
            report.images += 1
            if not img["ok"]:
                problems.append(f"{name}: image #{img['index']} did not load "
                                f"(src {img['src']!r})")
            why = None if img["hidden"] else alt_problem(img["alt"])
            if why:
                problems.append(f"{name}: image #{img['index']} has {why} "
                                f"(src {img['src']!r})")
        _check_math(page, name, report)
        _check_headings(page, name, report)
        _check_axe(page, name, report)
        _check_solutions(page, name, report)
        _check_demos(page, name, report)
        _check_layout(page, name, report)
        page.wait_for_load_state("networkidle", timeout=5_000)
    except Exception as error:  # report the page, go on with the rest
        problems.append(f"{name}: check aborted: {type(error).__name__}: {error}")
    finally:
        page.close()


# --- tests -------------------------------------------------------------------------

def test_every_page_of_the_book_works_in_chromium(book_html):
    browser = require_browser()
    pages = book_pages(book_html)
    assert CHAPTER_ONE in pages and "index.html" in pages, pages
    report = check_book(book_html, pages, browser=browser)
    assert not report.problems, "\n".join(report.problems)
    assert report.pages == len(pages)
    # Not vacuous: the book has math, solutions and demos, and they were checked.
    assert report.math >= 1, "no math element found in the book"
    assert report.solutions >= 1, "no 'Show solution' toggle found in the book"
    assert report.demos >= 1 and report.sliders >= 1, "no slider demo found in the book"
    assert report.images >= 1, "no image found in the book"


_TAMPER = """
<img id="tampered-external" src="https://example.org/x.png" alt="external">
<span class="math">x^2 + \\frac{1}{2}</span>
<script>
(function () {
  // Freeze every demo figure: after the demo's own handler ran, put the first
  // frame back, so the slider and its label move while the picture stays.
  var first = new Map();
  document.querySelectorAll('div.segcourse-demo img').forEach(function (img) {
    first.set(img, img.getAttribute('src'));
  });
  function freeze() {
    first.forEach(function (src, img) { img.setAttribute('src', src); });
  }
  document.addEventListener('input', freeze);
  document.addEventListener('change', freeze);
  setTimeout(function () { throw new Error('tampered page error'); }, 0);
})();
</script>
<style>details .cell_input { display: none !important; }
div.cell_output pre { white-space: pre !important; }</style>
<div class="cell_output"><pre>tampered output {wide}</pre></div>
<div class="bd-article"><table style="width:3em">
<tr><td style="word-break:break-all">incomprehensibilities</td></tr></table></div>
"""


def test_browser_check_catches_a_frozen_slider_and_external_request(book_html, tmp_path):
    browser = require_browser()
    copy = tmp_path / "html"
    shutil.copytree(book_html, copy)
    page = copy / CHAPTER_ONE
    text = page.read_text()
    assert "segcourse-demo" in text and "Show solution" in text
    tamper = _TAMPER.replace("{wide}", "of a line far wider than the column " * 8)
    text = text.replace("</article>", '<h5>a skipped level</h5><button id="tampered-button">'
                        '</button></article>', 1)
    page.write_text(text.replace("</body>", tamper + "</body>", 1))
    (copy / "index.html").unlink()  # a linked page that is gone: HTTP 404

    report = check_book(copy, [CHAPTER_ONE, "index.html"], browser=browser)
    found = "\n".join(report.problems)
    assert report.demos >= 1 and report.solutions >= 1, found
    assert "request to another host: https://example.org/x.png" in found, found
    assert re.search(r"slider #0 moved .* but the figure did not change", found), found
    assert "did not load (src 'https://example.org/x.png')" in found, found
    assert "page error: tampered page error" in found, found
    assert re.search(r"solution toggle #0 did not show its code", found), found
    assert "index.html: HTTP 404" in found, found
    assert re.search(r"math element #\d+ .* was not typeset", found), found
    assert "a cell scrolls sideways: 'tampered output" in found, found
    assert "broken across lines in a table: 'incomprehensibilities'" in found, found
    assert "image #" in found and "alt text says nothing: 'external'" in found, found
    assert "heading h5 'a skipped level' follows an h" in found, found
    assert re.search(r"accessibility \(critical, axe-core button-name\)", found), found
    # The label still moves: only the figure is reported for the frozen slider.
    assert "but its label stayed" not in found, found


# --- finding the browser (no browser or book needed) ---------------------------------

def _no_playwright():
    return None


def test_find_browser_prefers_the_named_one_then_path_then_playwright(tmp_path):
    chrome = tmp_path / "my-chrome"
    chrome.write_text("")
    on_path = {"google-chrome": "/opt/google/chrome"}.get
    assert find_browser({"SEGCOURSE_BROWSER": str(chrome)}, which=lambda name: None,
                        playwright_browser=_no_playwright) == str(chrome)
    assert find_browser({}, which=on_path, playwright_browser=_no_playwright) \
        == "/opt/google/chrome"
    assert find_browser({}, which=lambda name: None,
                        playwright_browser=lambda: "/ms-playwright/chrome") \
        == "/ms-playwright/chrome"
    assert find_browser({}, which=lambda name: None, playwright_browser=_no_playwright) is None
    with pytest.raises(FileNotFoundError, match="SEGCOURSE_BROWSER='/nowhere/chrome'"):
        find_browser({"SEGCOURSE_BROWSER": "/nowhere/chrome"}, which=lambda name: None)


def test_a_missing_browser_skips_with_the_install_command_but_fails_under_ci():
    none = {"which": lambda name: None, "playwright_browser": _no_playwright}
    with pytest.raises(pytest.skip.Exception, match="apt-get install chromium"):
        require_browser({}, **none)
    with pytest.raises(pytest.fail.Exception, match="CI=true"):
        require_browser({"CI": "true"}, **none)
