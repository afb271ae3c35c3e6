"""Build the book, or reuse it when it is up to date with its sources.

``make book`` and the test suite's ``book_html`` fixture both build through
:func:`build`, with the same Sphinx options (warnings as errors), so that
``make test`` right after ``make book`` reuses the book instead of executing
every notebook again.

A built book is up to date when the fingerprint written beside it after a
successful build matches the fingerprint of everything the book is made from:
the notebooks, the book's pages and configuration, the ``segcourse`` library
(the notebooks import it), the shipped data, the MathJax lock file, and the
Python version and installed packages. Any change to one of them rebuilds the
whole book from scratch (``-E``): Sphinx alone would not notice that a changed
library function changes a notebook's output.

Usage: ``python tools/build_book.py [--force] [HTML_FOLDER]``
"""

from __future__ import annotations

import argparse
import fcntl
import hashlib
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BOOK = ROOT / "book"
DEFAULT_HTML = BOOK / "_build" / "html"
STAMP_NAME = ".segcourse-sources.sha256"
SPHINX_OPTIONS = ["-W", "--keep-going", "-n", "-E", "-b", "html"]
_SKIPPED_IN_BOOK = {"_build", "jupyter_execute", "mathjax", "__pycache__", ".ipynb_checkpoints"}


def _source_files() -> list[Path]:
    files = [ROOT / name for name in ("pyproject.toml", "constraints.txt", "package-lock.json")]
    files += sorted((ROOT / "notebooks").glob("*.ipynb"))
    files += sorted(p for p in (ROOT / "segcourse").rglob("*.py") if "__pycache__" not in p.parts)
    files += sorted(p for p in (ROOT / "data").iterdir() if p.is_file())
    # book/notebooks links to notebooks/ (already counted)
    files += sorted(p for p in BOOK.rglob("*") if p.is_file()
                    and not _SKIPPED_IN_BOOK & set(p.relative_to(BOOK).parts)
                    and p.relative_to(BOOK).parts[0] != "notebooks")
    return files


def fingerprint() -> str:
    """SHA-256 over the book's sources, the Python version and the installed packages."""
    digest = hashlib.sha256()
    for path in _source_files():
        digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() if path.is_file() else b"<missing>")
        digest.update(b"\0")
    digest.update(sys.version.encode())
    # a set: an editable install can be listed twice (its .egg-info in the working folder)
    packages = sorted({f"{d.metadata['Name']}=={d.version}".lower()
                       for d in metadata.distributions()})
    digest.update("\n".join(packages).encode())
    return digest.hexdigest()


def is_up_to_date(html: Path = DEFAULT_HTML) -> bool:
    stamp = Path(html) / STAMP_NAME
    return (Path(html) / "index.html").is_file() and stamp.is_file() \
        and stamp.read_text().strip() == fingerprint()


def build(html: Path = DEFAULT_HTML, *, force: bool = False, capture: bool = False):
    """Build the book into ``html`` unless it is up to date; returns ``(built, output)``.

    ``output`` is Sphinx's output when ``capture`` is true (else it goes to the
    terminal). Raises ``RuntimeError`` with that output when the build fails.
    """
    html = Path(html)
    html.parent.mkdir(parents=True, exist_ok=True)
    # one build at a time per folder: a second caller waits, then finds it up to date
    with open(html.parent / f".{html.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not force and is_up_to_date(html):
            return False, ""
        return True, _sphinx(html, capture)


def _sphinx(html: Path, capture: bool) -> str:
    stamp = html / STAMP_NAME
    stamp.unlink(missing_ok=True)
    doctrees = html.parent / f"{html.name}-doctrees"
    command = [sys.executable, "-m", "sphinx", *SPHINX_OPTIONS, "-d", str(doctrees),
               str(BOOK), str(html)]
    if capture:
        command.insert(3, "-q")
    result = subprocess.run(command, cwd=ROOT, text=True, capture_output=capture, timeout=1800)
    output = (result.stdout or "") + (result.stderr or "")
    if result.returncode != 0:
        raise RuntimeError(f"the book build failed (exit code {result.returncode})\n"
                           + output[-12000:])
    stamp.write_text(fingerprint() + "\n")
    return output


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("html", nargs="?", default=str(DEFAULT_HTML), help="output folder")
    parser.add_argument("--force", action="store_true", help="build even when up to date")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    try:
        built, _ = build(Path(args.html), force=args.force)
    except RuntimeError as error:
        print(error, file=sys.stderr)
        return 1
    if built:
        print(f"[book] built in {time.perf_counter() - start:.0f} s")
    else:
        print(f"[book] {args.html} is up to date with its sources: nothing to do "
              "(--force, or `make clean`, rebuilds it)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
