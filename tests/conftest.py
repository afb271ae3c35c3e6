"""Shared fixtures of the test suite.

- The network guard (``tests/netguard/sitecustomize.py``) is active in this
  process and, through PYTHONPATH, in every process the tests start (notebook
  kernels, the book build).
- ``book_html``: the book built once per session, with warnings as errors.
- ``cuda`` marker: tests that need a GPU skip cleanly without one.
"""

from __future__ import annotations

import os
import subprocess
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


@pytest.fixture(scope="session")
def book_html(tmp_path_factory):
    """Build the book (executing every notebook) with warnings as errors; its HTML folder."""
    out = tmp_path_factory.mktemp("book")
    html = out / "html"
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html",
         "-d", str(out / "doctrees"), str(ROOT / "book"), str(html)],
        cwd=ROOT, capture_output=True, text=True, timeout=900,
    )
    if result.returncode != 0:
        pytest.fail(f"book build failed:\n{result.stdout[-4000:]}\n{result.stderr[-8000:]}")
    return html
