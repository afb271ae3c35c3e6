"""Shared fixtures of the test suite.

- The network guard (``tests/netguard/sitecustomize.py``) is active in this
  process and, through PYTHONPATH, in every process the tests start (notebook
  kernels, the book build).
- ``book_html``: the book built with warnings as errors (reused when up to date).
- ``cuda`` marker: tests that need a GPU skip cleanly without one.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NETGUARD = ROOT / "tests" / "netguard"

# Guard this process (when pytest was not started by `make test`) and its children.
if os.environ.get("SEGCOURSE_NETWORK_GUARD") != "1":
    sys.path.insert(0, str(NETGUARD))
    import sitecustomize  # noqa: F401, E402

    sys.path.remove(str(NETGUARD))
_paths = os.environ.get("PYTHONPATH", "").split(os.pathsep)
if str(NETGUARD) not in _paths:
    os.environ["PYTHONPATH"] = os.pathsep.join([str(NETGUARD)] + [p for p in _paths if p])



def pytest_collection_modifyitems(config, items):
    try:
        import torch

        has_cuda = torch.cuda.is_available()
    except ImportError:  # pragma: no cover
        has_cuda = False
    if has_cuda:
        return
    skip = pytest.mark.skip(reason="needs a CUDA device; none is available here")
    for item in items:
        if "cuda" in item.keywords:
            item.add_marker(skip)


def _book_builder():
    spec = importlib.util.spec_from_file_location("build_book", ROOT / "tools" / "build_book.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def book_html():
    """The book (every notebook executed) built with warnings as errors; its HTML folder.

    It is ``book/_build/html``, the folder ``make book`` writes: a book there that
    is up to date with its sources (``tools/build_book.py``) is reused, any other
    is rebuilt from scratch.
    """
    builder = _book_builder()
    try:
        builder.build(builder.DEFAULT_HTML, capture=True)
    except RuntimeError as error:
        pytest.fail(str(error))
    return builder.DEFAULT_HTML


def pytest_terminal_summary(terminalreporter):
    """Say plainly when the browser test was skipped, and how to run it."""
    for report in terminalreporter.stats.get("skipped", []):
        reason = report.longrepr[-1] if isinstance(report.longrepr, tuple) else ""
        if "no Chromium or Chrome found" in str(reason):
            terminalreporter.write_sep("-", "browser test skipped", yellow=True)
            terminalreporter.write_line(str(reason).removeprefix("Skipped: "), yellow=True)
            return
