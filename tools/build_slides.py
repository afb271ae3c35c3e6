"""Write one reveal.js slide deck per chapter, for lectures with no network.

``make slides`` runs this after building the book (``make book``; reused when
up to date). Each chapter's deck is made from its notebook, with nothing
written twice:

- the cells and their slide types come from ``notebooks/NN_*.ipynb`` (a
  section's heading begins a slide, a subsection's a sub-slide: see
  ``tools/slide_types.py``); the outputs from the notebooks the book build
  executed (``book/_build/jupyter_execute``), demos as their static players,
  whose sliders work in the slides as in the book;
- the solutions' code is left out (cells tagged ``hide-input``); their
  checkers' verdicts stay;
- links to the book's pages (glossary, references, data notes) point to the
  built book beside the slides (``../html/...``).

The decks load nothing from another host: nbconvert's reveal template
(``tools/slides_template``) is given reveal.js 5 and MathJax 3 copied from
``node_modules`` (``package.json``) into ``book/_build/slides/`` beside the
decks, so the folder works from disk, a USB stick or a classroom server.

Usage: ``python tools/build_slides.py [--book book/_build/html] [OUT_FOLDER]``
"""

from __future__ import annotations

import argparse
import copy
import json
import re
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
TEMPLATES = ROOT / "tools" / "slides_template"
NODE_MODULES = ROOT / "node_modules"
DEFAULT_OUT = ROOT / "book" / "_build" / "slides"
DEFAULT_HTML = ROOT / "book" / "_build" / "html"
REVEAL_DIR = "reveal.js"
MATHJAX_DIR = "mathjax"

# [text](../book/glossary.md#term-mask) -> the built book beside the slides
_BOOK_LINK = re.compile(r"\]\(\.\./book/([\w/-]+)\.md(#[^)]*)?\)")
_DATA_LINK = re.compile(r"\]\(\.\./data/README\.md(#[^)]*)?\)")


def executed_folder(html: Path) -> Path:
    """Where myst-nb left the executed notebooks of the book built in ``html``."""
    return Path(html).parent / "jupyter_execute" / "notebooks"


def relink(markdown: str, book: str = "../html") -> str:
    """Point the notebooks' links to the book's pages at the built book.

    >>> relink("a [mask](../book/glossary.md#term-mask) and [notes](../data/README.md)")
    'a [mask](../html/glossary.html#term-mask) and [notes](../html/data.html)'
    """
    markdown = _BOOK_LINK.sub(lambda m: f"]({book}/{m.group(1)}.html{m.group(2) or ''})",
                              markdown)
    return _DATA_LINK.sub(lambda m: f"]({book}/data.html{m.group(1) or ''})", markdown)


def deck_notebook(source: dict, executed: dict) -> dict:
    """The notebook a deck is made from: ``source``'s cells with ``executed``'s outputs."""
    if len(source["cells"]) != len(executed["cells"]):
        raise ValueError("the executed notebook has other cells than the source: rebuild the "
                         f"book ({len(executed['cells'])} cells, not {len(source['cells'])})")
    notebook = copy.deepcopy(source)
    for cell, done in zip(notebook["cells"], executed["cells"], strict=True):
        if cell["cell_type"] != done["cell_type"]:
            raise ValueError("the executed notebook has other cells than the source: "
                             "rebuild the book")
        if cell["cell_type"] == "code":
            cell["outputs"] = done.get("outputs", [])
            cell["execution_count"] = done.get("execution_count")
        elif cell["cell_type"] == "markdown":
            text = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
            cell["source"] = relink(text)
    notebook["metadata"].pop("widgets", None)  # no widget manager from a CDN
    return notebook


def copy_assets(out: Path, node_modules: Path = NODE_MODULES) -> None:
    """reveal.js (its styles, themes, fonts and notes plugin) and MathJax, beside the decks."""
    reveal, mathjax = node_modules / "reveal.js", node_modules / "mathjax" / "es5"
    for needed in (reveal / "dist" / "reveal.js", mathjax / "tex-chtml.js"):
        if not needed.is_file():
            raise FileNotFoundError(f"{needed} is missing: run `npm ci` in the repository root "
                                    "(the Makefile does this)")
    target = out / REVEAL_DIR
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(reveal / "dist", target / "dist",
                    ignore=shutil.ignore_patterns("*.map", "*.esm.js"))
    shutil.copytree(reveal / "plugin" / "notes", target / "plugin" / "notes",
                    ignore=shutil.ignore_patterns("*.map", "*.esm.js"))
    shutil.copy2(reveal / "LICENSE", target / "LICENSE")
    if not (out / MATHJAX_DIR / "tex-chtml.js").is_file():
        # tex-chtml.js and what it loads on demand (fonts, TeX extensions), not the
        # other combined bundles nor the speech engine
        def ignore(folder, names):
            top = Path(folder) == mathjax
            return [n for n in names if n == "sre" or n.endswith(".map")
                    or (top and n.endswith(".js") and n != "tex-chtml.js")]

        shutil.copytree(mathjax, out / MATHJAX_DIR, dirs_exist_ok=True, ignore=ignore)


def exporter():
    from nbconvert import SlidesExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    slides = SlidesExporter(
        template_name="segcourse_reveal", extra_template_basedirs=[str(TEMPLATES)],
        reveal_url_prefix=REVEAL_DIR, reveal_theme="white", reveal_transition="none",
        reveal_number="c/t", exclude_input_prompt=True, exclude_output_prompt=True)
    slides.register_preprocessor(
        TagRemovePreprocessor(remove_input_tags=["hide-input"], remove_cell_tags=["remove-cell"],
                              remove_all_outputs_tags=["remove-output"]), enabled=True)
    return slides


def build(out: Path = DEFAULT_OUT, html: Path = DEFAULT_HTML, notebooks=None) -> list[Path]:
    """Write ``<chapter>.slides.html`` for every notebook into ``out``; returns their paths."""
    import nbformat

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    executed = executed_folder(html)
    notebooks = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")) if notebooks is None else notebooks
    missing = [nb.name for nb in notebooks if not (executed / nb.name).is_file()]
    if missing:
        raise FileNotFoundError(f"no executed notebook in {executed} for {', '.join(missing)}: "
                                "build the book first (`make book`)")
    copy_assets(out)
    slides = exporter()
    written = []
    for path in notebooks:
        source = json.loads(path.read_text())
        done = json.loads((executed / path.name).read_text())
        notebook = nbformat.reads(json.dumps(deck_notebook(source, done)), as_version=4)
        body, _ = slides.from_notebook_node(
            notebook, resources={"metadata": {"name": path.stem}})
        deck = out / f"{path.stem}.slides.html"
        deck.write_text(body)
        written.append(deck)
    return written


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", nargs="?", default=str(DEFAULT_OUT), help="output folder")
    parser.add_argument("--book", default=str(DEFAULT_HTML),
                        help="the built book whose executed notebooks give the outputs")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    try:
        decks = build(Path(args.out), Path(args.book))
    except (FileNotFoundError, ValueError) as error:
        print(f"[slides] {error}", file=sys.stderr)
        return 1
    total = sum(d.stat().st_size for d in decks) / 1e6
    for deck in decks:
        print(f"[slides] {deck.relative_to(ROOT) if deck.is_relative_to(ROOT) else deck} "
              f"({deck.stat().st_size / 1e6:.1f} MB)")
    print(f"[slides] {len(decks)} decks, {total:.1f} MB, in {time.perf_counter() - start:.0f} s; "
          f"open {Path(args.out).resolve() / decks[0].name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
