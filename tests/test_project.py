"""Checks on the repository itself: package lists in step, notebooks without
outputs, the course map everywhere, the network guard working."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
CHAPTERS = ["01", "02", "03", "04", "05", "06", "07"]


def _requirement_name(requirement: str) -> str:
    return re.split(r"[<>=!~\[; ]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _pyproject_packages() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    names = {_requirement_name(r) for r in project["dependencies"]}
    for extra in project["optional-dependencies"].values():
        names |= {_requirement_name(r) for r in extra}
    return names


def _environment_packages() -> set[str]:
    import yaml  # installed with the book's packages (myst-nb)

    environment = yaml.safe_load((ROOT / "environment.yml").read_text())
    names = set()
    for item in environment["dependencies"]:
        if isinstance(item, dict):  # the pip section
            names |= {_requirement_name(r) for r in item["pip"] if not r.startswith("-")}
        elif not item.startswith(("python=", "pip")):
            names.add(_requirement_name(item))
    return names


def test_environment_yml_lists_the_packages_of_pyproject():
    pyproject, environment = _pyproject_packages(), _environment_packages()
    assert pyproject, "no packages read from pyproject.toml"
    assert environment == pyproject, (
        f"only in pyproject.toml: {sorted(pyproject - environment)}; "
        f"only in environment.yml: {sorted(environment - pyproject)}")


def test_torch_is_pinned_and_every_install_step_uses_the_pin():
    constraints = (ROOT / "constraints.txt").read_text()
    assert re.search(r"^torch==\d+\.\d+\.\d+$", constraints, re.M)
    setup = (ROOT / "tools" / "setup_venv.sh").read_text()
    installs = [line for line in setup.splitlines() if re.search(r"\binstall\b.*(torch|\.\[)", line)
                and "pip" in line and not line.lstrip().startswith("#")]
    assert len(installs) >= 3, installs
    assert all("-c constraints.txt" in line for line in installs), installs


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_committed_without_outputs(path):
    notebook = json.loads(path.read_text())
    for index, cell in enumerate(notebook["cells"]):
        if cell["cell_type"] != "code":
            continue
        assert cell.get("outputs") == [], f"cell {index} of {path.name} has outputs"
        assert cell.get("execution_count") is None, f"cell {index} of {path.name} was run"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_follows_the_chapter_skeleton(path):
    notebook = json.loads(path.read_text())
    text = "\n".join("".join(c["source"]) for c in notebook["cells"]
                     if c["cell_type"] == "markdown")
    for heading in ("What you will learn", "What you will do", "What you need",
                    "Key takeaways", "References"):
        assert heading in text, f"{path.name} lacks '{heading}'"
    assert re.match(r"\d\d_", path.name)


def test_there_are_notebooks():
    assert NOTEBOOKS, "no notebooks found"
    assert NOTEBOOKS[0].name.startswith("01_")


@pytest.mark.parametrize("page", ["README.md", "book/index.md"])
def test_course_map_lists_all_seven_chapters(page):
    text = (ROOT / page).read_text()
    table = [line for line in text.splitlines() if re.match(r"\|\s*(\{doc\}`)?\d\d ", line)]
    assert [re.search(r"(\d\d) ", line).group(1) for line in table] == CHAPTERS
    written = {p.name[:2] for p in NOTEBOOKS}
    for line in table:
        number = re.search(r"(\d\d) ", line).group(1)
        status = line.rstrip(" |").rsplit("|", 1)[-1].strip()
        assert status == ("ready" if number in written else "coming"), line


def test_readme_opens_with_the_two_commands():
    head = (ROOT / "README.md").read_text()[:1200]
    assert "make book" in head and "make test" in head


def _blocked(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, env=os.environ.copy())


def test_network_guard_blocks_this_process():
    with pytest.raises(RuntimeError, match="network access blocked"):
        socket.create_connection(("192.0.2.1", 80), timeout=1)
    with pytest.raises(RuntimeError, match="network access blocked"):
        socket.getaddrinfo("example.org", 443)


def test_network_guard_blocks_child_processes():
    # notebook kernels and the book build are child processes
    result = _blocked("import socket; socket.create_connection(('192.0.2.1', 80), timeout=1)")
    assert result.returncode != 0
    assert "network access blocked" in result.stderr


def test_network_guard_keeps_loopback_open():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    try:
        client = socket.create_connection(server.getsockname(), timeout=5)
        client.close()
    finally:
        server.close()


def test_every_package_of_segcourse_is_listed_for_the_wheel():
    """The wheel's package list is explicit (data/ ships as segcourse._data): keep it complete."""
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    listed = set(setuptools["packages"])
    on_disk = {".".join(path.parent.relative_to(ROOT).parts)
               for path in (ROOT / "segcourse").rglob("__init__.py")}
    assert on_disk <= listed, f"not listed in pyproject.toml: {sorted(on_disk - listed)}"
    assert setuptools["package-dir"]["segcourse._data"] == "data"
    assert "*.png" in setuptools["package-data"]["segcourse._data"]
