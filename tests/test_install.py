"""The light library install: a plain ``pip install segcourse`` gives the scores, nothing more.

The test builds segcourse's wheel, installs it WITHOUT extras into a clean
virtual environment and computes scores there, with no network (the test
suite's network guard is on): every wheel comes from the wheelhouse that
``make venv`` (``tools/setup_venv.sh``) keeps in ``.venv/wheelhouse`` - numpy,
scipy, scikit-image and what they need, at the versions of ``.venv``, and
setuptools to build the wheel. ``SEGCOURSE_WHEELHOUSE=/path`` names another.

Where the wheelhouse is missing (a ``.venv`` made before it existed, or a
set-up that ran with no network) the test skips and says how to make it;
under CI (``CI=true``), where the set-up has just made it, it fails instead.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NETGUARD = ROOT / "tests" / "netguard"
LIGHT = ("numpy", "scipy", "scikit_image", "setuptools")


def wheelhouse() -> Path:
    return Path(os.environ.get("SEGCOURSE_WHEELHOUSE") or Path(sys.prefix) / "wheelhouse")


def require_wheelhouse(environ=None) -> Path:
    environ = os.environ if environ is None else environ
    folder = wheelhouse()
    names = [p.name.lower() for p in folder.glob("*.whl")] if folder.is_dir() else []
    missing = [name for name in LIGHT if not any(n.startswith(name + "-") for n in names)]
    if missing:
        reason = (f"the wheels of the light install are not in {folder} (missing: "
                  f"{', '.join(missing)}): run `make venv` with the network once "
                  "(tools/setup_venv.sh downloads them), or name a folder of wheels with "
                  "SEGCOURSE_WHEELHOUSE")
        if environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"{reason} (CI=true: the set-up must have made them)")
        pytest.skip(reason)
    return folder


def _pip_env() -> dict:
    """No pip configuration of the machine (its find-links, indexes, constraints): only ours."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    env.update(PIP_CONFIG_FILE=os.devnull, PIP_NO_INPUT="1", PIP_DISABLE_PIP_VERSION_CHECK="1",
               PYTHONPATH=str(NETGUARD), PYTHONNOUSERSITE="1")
    return env


def _run(command, cwd, env):
    result = subprocess.run([str(c) for c in command], cwd=cwd, env=env, text=True,
                            capture_output=True, timeout=600)
    assert result.returncode == 0, (f"{' '.join(map(str, command))} failed:\n"
                                    + result.stdout[-3000:] + result.stderr[-6000:])
    return result.stdout


def _source_copy(target: Path) -> Path:
    """What the wheel is built from, copied (the build writes build/ and *.egg-info)."""
    target.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE", "LICENSE-CONTENT.md"):
        if (ROOT / name).is_file():
            shutil.copy2(ROOT / name, target / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints")
    shutil.copytree(ROOT / "segcourse", target / "segcourse", ignore=ignore)
    shutil.copytree(ROOT / "data", target / "data", ignore=ignore)
    return target


_SCORES = textwrap.dedent("""
    import importlib.util, json, sys
    import numpy as np
    import segcourse
    from segcourse import metrics, labels, data

    pred = np.zeros((8, 8), bool); pred[2:6, 2:6] = True
    target = np.zeros((8, 8), bool); target[3:7, 3:7] = True
    found = {
        "file": segcourse.__file__,
        "dice": float(metrics.dice(pred, target)),
        "iou": float(metrics.iou(pred, target)),
        "hd": float(metrics.hausdorff_distance(pred, target)),
        "coins": list(data.load_coins().image.shape),
        "absent": [m for m in ("torch", "matplotlib", "ipywidgets", "tqdm")
                   if importlib.util.find_spec(m) is None],
        "errors": {},
    }
    for module in ("segcourse.losses", "segcourse.models", "segcourse.experiments",
                   "segcourse.plotting", "segcourse.widgets"):
        try:
            __import__(module)
        except ImportError as error:
            found["errors"][module] = [type(error).__name__, str(error)]
        else:
            found["errors"][module] = None
    print(json.dumps(found))
""")


def _size_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6


def test_a_plain_install_gives_the_scores_without_torch_or_matplotlib(tmp_path):
    import json

    folder = require_wheelhouse()
    env = _pip_env()
    source = _source_copy(tmp_path / "src")
    dist = tmp_path / "dist"
    # the wheel, built in isolation from the wheelhouse's setuptools
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-index", "--find-links",
          folder, "-w", dist, source], tmp_path, env)
    wheel = next(dist.glob("segcourse-*.whl"))
    # a clean venv without pip of its own: this pip installs into it
    venv = tmp_path / "light"
    _run([sys.executable, "-m", "venv", "--without-pip", venv], tmp_path, env)
    python = venv / "bin" / "python"
    constraints = folder / "constraints.txt"
    _run([sys.executable, "-m", "pip", "--python", python, "install", "--no-index",
          "--find-links", folder, *(["-c", constraints] if constraints.is_file() else []),
          wheel], tmp_path, env)

    found = json.loads(_run([python, "-c", _SCORES], tmp_path, env).strip().splitlines()[-1])
    assert str(venv) in found["file"], found["file"]  # the installed wheel, not the checkout
    assert found["dice"] == pytest.approx(2 * 9 / 32)
    assert found["iou"] == pytest.approx(9 / 23)
    assert found["hd"] == pytest.approx(2 ** 0.5)
    assert found["coins"] == [303, 384]
    assert found["absent"] == ["torch", "matplotlib", "ipywidgets", "tqdm"], found["absent"]
    extras = {"segcourse.losses": "torch", "segcourse.models": "torch",
              "segcourse.experiments": "torch", "segcourse.plotting": "course",
              "segcourse.widgets": "course"}
    for module, extra in extras.items():
        if not (ROOT / "segcourse" / f"{module.split('.')[1]}.py").is_file():
            continue  # a module still to come
        error = found["errors"][module]
        assert error is not None, f"{module} imported without its extra [{extra}]"
        assert error[0] == "MissingExtraError" and f"segcourse[{extra}]" in error[1], \
            f"{module}: {error[0]}: {error[1]} (expected a message naming segcourse[{extra}])"

    site = next((venv / "lib").glob("python3*/site-packages"))
    size = _size_mb(site)
    print(f"\nmetrics-only install: {size:.0f} MB in site-packages "
          f"(wheel {wheel.stat().st_size / 1e3:.0f} kB)")
    assert size < 400, size


def test_a_missing_wheelhouse_skips_but_fails_under_ci(monkeypatch, tmp_path):
    monkeypatch.setenv("SEGCOURSE_WHEELHOUSE", str(tmp_path / "nowhere"))
    with pytest.raises(pytest.skip.Exception, match="run `make venv`"):
        require_wheelhouse({})
    with pytest.raises(pytest.fail.Exception, match="CI=true"):
        require_wheelhouse({"CI": "true"})
