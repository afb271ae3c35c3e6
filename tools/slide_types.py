"""Set, or check, the slide type of each notebook cell from the chapter's headings.

``make slides`` turns every chapter into a reveal.js deck (``tools/build_slides.py``)
from the notebook itself; the cells say where a slide begins with Jupyter's
slideshow metadata (``metadata.slideshow.slide_type``, the same that
JupyterLab's property inspector and the jupyterlab-rise extension use):

- a Markdown cell holding a level-1 or level-2 heading (the chapter's title, a
  section) begins a new slide: ``"slide"``;
- one holding a level-3 heading (a subsection, an exercise) begins a
  sub-slide, below its section: ``"subslide"``;
- every other cell continues the slide before it (no ``slideshow`` metadata,
  which reveal.js reads as ``"-"``), unless an author set ``"fragment"``,
  ``"notes"`` or ``"skip"`` on it by hand: those are kept.

Usage::

    python tools/slide_types.py notebooks/*.ipynb          # set the metadata
    python tools/slide_types.py --check notebooks/*.ipynb  # exit 1 if any cell disagrees

Only the cells' metadata changes; sources and outputs are left as they are,
and the file is written back in Jupyter's own format (one-space indent).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

_HEADING = re.compile(r"^(#{1,6})\s+\S", re.M)
_FENCE = re.compile(r"^(```|~~~).*?^\1", re.M | re.S)
BY_HAND = {"fragment", "notes", "skip"}


def _source(cell) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def expected_type(cell) -> str | None:
    """The slide type the cell's headings call for: "slide", "subslide" or None."""
    if cell.get("cell_type") != "markdown":
        return None
    text = _FENCE.sub("", _source(cell))  # a '#' comment in a code block is no heading
    levels = [len(m.group(1)) for m in _HEADING.finditer(text)]
    if any(level <= 2 for level in levels):
        return "slide"
    if 3 in levels:
        return "subslide"
    return None


def current_type(cell) -> str | None:
    kind = cell.get("metadata", {}).get("slideshow", {}).get("slide_type")
    return None if kind in (None, "-") else kind


def problems(notebook: dict, name: str = "") -> list[str]:
    """Cells whose slide type disagrees with their headings."""
    found = []
    for index, cell in enumerate(notebook["cells"]):
        want, have = expected_type(cell), current_type(cell)
        if want is not None and have != want:
            found.append(f"{name} cell {index}: has slide type {have!r}, its heading calls "
                         f"for {want!r}: {_source(cell).strip().splitlines()[0][:60]!r}")
        elif want is None and have is not None and have not in BY_HAND:
            found.append(f"{name} cell {index}: slide type {have!r} on a cell without a "
                         "level 1 to 3 heading (a slide begins where a section begins)")
    if notebook["cells"] and expected_type(notebook["cells"][0]) != "slide":
        found.append(f"{name} cell 0: a chapter begins with its title (a level-1 heading)")
    return found


def apply(notebook: dict) -> int:
    """Set the slide types in place; returns how many cells changed."""
    changed = 0
    for cell in notebook["cells"]:
        want, have = expected_type(cell), current_type(cell)
        metadata = cell.setdefault("metadata", {})
        if want is not None and have != want:
            metadata.setdefault("slideshow", {})["slide_type"] = want
            changed += 1
        elif want is None and have is not None and have not in BY_HAND:
            metadata["slideshow"].pop("slide_type")
            if not metadata["slideshow"]:
                metadata.pop("slideshow")
            changed += 1
    return changed


def write(path: Path, notebook: dict) -> None:
    path.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--check", action="store_true", help="report, change nothing")
    args = parser.parse_args(argv)
    status = 0
    for path in args.notebooks:
        notebook = json.loads(path.read_text())
        if args.check:
            found = problems(notebook, path.name)
            for line in found:
                print(line)
            status |= bool(found)
        else:
            changed = apply(notebook)
            if changed:
                write(path, notebook)
            print(f"{path}: {changed} cell(s) changed")
    if args.check and status:
        print("run: python tools/slide_types.py " + " ".join(map(str, args.notebooks)))
    return status


if __name__ == "__main__":
    sys.exit(main())
