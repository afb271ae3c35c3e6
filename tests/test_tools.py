"""The set-up script (tools/setup_venv.sh), the book builder (tools/build_book.py)
and the Makefile targets that use them."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SETUP = ROOT / "tools" / "setup_venv.sh"
CPU_INDEX = "https://download.pytorch.org/whl/cpu"


def _setup(tmp_path, path_dirs=(), **env):
    """Dry run of the set-up script with a new (absent) venv folder."""
    environ = {k: v for k, v in os.environ.items()
               if k not in ("PYTHON", "TORCH_INDEX_URL", "VENV")}
    environ.update(SETUP_DRY_RUN="1", VENV=str(tmp_path / "venv"), **env)
    if path_dirs:  # only these, and the few commands the script needs besides Python
        utilities = tmp_path / "utilities"
        utilities.mkdir(exist_ok=True)
        for name in ("dirname", "uname", "date", "head", "grep", "cut", "du", "mkdir", "cp"):
            if not (utilities / name).exists():
                (utilities / name).symlink_to(shutil.which(name))
        environ["PATH"] = os.pathsep.join([*map(str, path_dirs), str(utilities)])
    return subprocess.run([shutil.which("bash"), str(SETUP)], capture_output=True, text=True,
                          env=environ, timeout=120)


def _fake_python(folder: Path, name: str, version: tuple | None):
    """A command that answers like a Python of ``version``, or fails (a broken shim)."""
    folder.mkdir(exist_ok=True)
    script = folder / name
    if version is None:
        script.write_text("#!/bin/sh\necho 'pyenv: command not found' >&2\nexit 127\n")
    else:
        body = f"import sys; sys.version_info = {tuple(version) + ('final', 0)!r}"
        script.write_text(f"#!/bin/sh\nif [ \"$1\" = --version ]; then echo Python "
                          f"{'.'.join(map(str, version))}; exit 0; fi\n"
                          f"if [ \"$1\" = -c ]; then exec {sys.executable} -c "
                          f"\"{body}; $2\"; fi\nexit 0\n")
    script.chmod(0o755)
    return script


@pytest.mark.skipif(sys.platform != "linux", reason="the CPU index is the default on Linux")
def test_setup_takes_torch_from_the_cpu_index_by_default_on_linux(tmp_path):
    result = _setup(tmp_path)
    assert result.returncode == 0, result.stderr
    torch_step = [line for line in result.stdout.splitlines()
                  if line.startswith("[dry run]") and " torch" in line and "install" in line]
    assert len(torch_step) == 1, result.stdout
    assert f"--index-url {CPU_INDEX}" in torch_step[0]
    assert "-c constraints.txt" in torch_step[0]
    # every step says what it does and roughly how long it takes
    assert all(f"[{step}/4]" in result.stdout for step in range(1, 5)), result.stdout
    assert "minutes" in result.stdout


def test_setup_takes_another_build_with_one_variable(tmp_path):
    cuda = "https://download.pytorch.org/whl/cu128"
    result = _setup(tmp_path, TORCH_INDEX_URL=cuda)
    assert f"--index-url {cuda} -c constraints.txt torch" in result.stdout, result.stdout
    result = _setup(tmp_path, TORCH_INDEX_URL="pypi")
    assert "--index-url" not in result.stdout and "-c constraints.txt torch" in result.stdout


def test_setup_uses_the_first_python_that_runs_and_is_new_enough(tmp_path):
    bin_dir = tmp_path / "bin"
    _fake_python(bin_dir, "python3.11", None)           # a pyenv shim that fails
    _fake_python(bin_dir, "python3.12", (3, 10, 9))     # too old (a mislabelled one)
    _fake_python(bin_dir, "python3.13", (3, 13, 0))
    _fake_python(bin_dir, "python3", (3, 12, 1))
    result = _setup(tmp_path, path_dirs=[bin_dir])
    assert result.returncode == 0, result.stderr
    assert "with python3.13 (Python 3.13.0)" in result.stdout, result.stdout
    assert "PYTHON=" in result.stdout  # says how to choose another


def test_setup_says_when_no_python_will_do(tmp_path):
    bin_dir = tmp_path / "bin"
    _fake_python(bin_dir, "python3", (3, 10, 12))
    result = _setup(tmp_path, path_dirs=[bin_dir])
    assert result.returncode == 2
    assert "no Python 3.11 or newer" in result.stderr and "PYTHON=" in result.stderr
    result = _setup(tmp_path, PYTHON=str(bin_dir / "python3"))
    assert result.returncode == 2 and "PYTHON=" in result.stderr


def test_setup_installs_the_course_settings_for_jupyterlab_and_the_kernel(tmp_path):
    result = _setup(tmp_path)
    assert "tools/jupyter/overrides.json" in result.stdout
    assert "tools/jupyter/ipython_kernel_config.py" in result.stdout


def test_kernel_settings_silence_only_the_loopback_encryption_warning():
    import logging

    namespace = {}
    code = (ROOT / "tools" / "jupyter" / "ipython_kernel_config.py").read_text()
    logger = logging.getLogger("IPKernelApp")
    before = list(logger.filters)
    try:
        exec(compile(code, "ipython_kernel_config.py", "exec"), namespace)  # noqa: S102
        added = [f for f in logger.filters if f not in before]
        assert len(added) == 1
        record = logging.LogRecord("IPKernelApp", logging.WARNING, "", 0, "%s", (None,), None)
        record.args = ("Kernel is running over TCP without encryption. All communication...",)
        assert not added[0].filter(record)
        record.args = ("Something else went wrong",)
        assert added[0].filter(record)
    finally:
        logger.filters[:] = before


def test_jupyterlab_settings_turn_off_the_news_question():
    import json

    overrides = json.loads((ROOT / "tools" / "jupyter" / "overrides.json").read_text())
    assert overrides["@jupyterlab/apputils-extension:notification"]["fetchNews"] == "false"


def _make(*args):
    return subprocess.run(["make", "-n", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=60)


def test_make_lab_passes_allow_root_as_root_and_the_users_options():
    result = _make("lab", "LAB_ARGS=--no-browser --ip=0.0.0.0")
    assert result.returncode == 0, result.stderr
    command = [line for line in result.stdout.splitlines() if "jupyter lab" in line][-1]
    assert command.endswith("--no-browser --ip=0.0.0.0")
    assert ("--allow-root" in command) == (os.geteuid() == 0)
    assert "Ctrl+C" in result.stdout


# --- the book builder ------------------------------------------------------------------

def _builder():
    spec = importlib.util.spec_from_file_location("build_book_under_test",
                                                  ROOT / "tools" / "build_book.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_book_fingerprint_follows_every_kind_of_source(tmp_path, monkeypatch):
    builder = _builder()
    tree = tmp_path / "repo"
    for name in ("pyproject.toml", "constraints.txt", "package-lock.json", "notebooks/01_a.ipynb",
                 "segcourse/metrics/pixel.py", "data/README.md", "book/conf.py",
                 "book/_build/html/index.html", "book/_static/mathjax/tex.js"):
        (tree / name).parent.mkdir(parents=True, exist_ok=True)
        (tree / name).write_text(name)
    monkeypatch.setattr(builder, "ROOT", tree)
    monkeypatch.setattr(builder, "BOOK", tree / "book")
    first = builder.fingerprint()
    assert builder.fingerprint() == first
    # built output and copied assets do not count ...
    (tree / "book/_build/html/index.html").write_text("rebuilt")
    (tree / "book/_static/mathjax/tex.js").write_text("copied again")
    assert builder.fingerprint() == first
    # ... every source does
    seen = {first}
    for name in ("notebooks/01_a.ipynb", "segcourse/metrics/pixel.py", "data/README.md",
                 "book/conf.py", "constraints.txt"):
        (tree / name).write_text("changed " + name)
        seen.add(builder.fingerprint())
    (tree / "book/new_page.md").write_text("# New")
    seen.add(builder.fingerprint())
    assert len(seen) == 7


def test_book_is_reused_only_when_its_stamp_matches(tmp_path, monkeypatch):
    builder = _builder()
    html = tmp_path / "html"
    html.mkdir()
    calls = []
    monkeypatch.setattr(builder, "fingerprint", lambda: "abc")

    def fake_sphinx(folder, capture):
        calls.append(folder)
        (folder / "index.html").write_text("book")
        (folder / builder.STAMP_NAME).write_text("abc\n")
        return "built"

    monkeypatch.setattr(builder, "_sphinx", fake_sphinx)
    assert builder.build(html) == (True, "built")
    assert builder.build(html) == (False, "")          # up to date: reused
    assert builder.build(html, force=True)[0] is True  # --force
    monkeypatch.setattr(builder, "fingerprint", lambda: "changed")
    assert builder.build(html)[0] is True              # a source changed
    assert len(calls) == 3
