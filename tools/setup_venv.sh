#!/usr/bin/env bash
# Create the course's virtual environment and install everything into it.
#
# Called by the Makefile (`make venv`, and every target that needs .venv);
# safe to run again: it does nothing when .venv is up to date with
# pyproject.toml, constraints.txt and the settings below.
#
# Settings (environment variables; the Makefile passes its own):
#   PYTHON           the interpreter for a new .venv; by default the first of
#                    python3.11, python3.12, python3.13, python3.14, python3
#                    that runs, is 3.11 or newer and can create a venv
#   TORCH_INDEX_URL  where torch comes from. On Linux the default is PyTorch's
#                    CPU wheel index (a plain `pip install torch` there pulls a
#                    CUDA build of several GB); elsewhere PyPI, whose torch is
#                    already CPU-only. Another index chooses another build, for
#                    example https://download.pytorch.org/whl/cu128; "pypi"
#                    means the default index; unset or empty, the default.
#   VENV             the folder (.venv)
#   SETUP_DRY_RUN=1  print the decisions and the pip commands, run nothing
#
# Besides the environment, it keeps in $VENV/wheelhouse the wheels of a plain
# `pip install segcourse` (numpy, scipy, scikit-image and what they need, at
# the versions installed in $VENV, and setuptools to build segcourse's own
# wheel): tests/test_install.py installs the light library from them into a
# clean virtual environment with no network.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=${VENV:-.venv}
STAMP="$VENV/.installed-stamp"
EXTRAS="course,book,test,lab"
WHEELHOUSE="$VENV/wheelhouse"
CPU_INDEX="https://download.pytorch.org/whl/cpu"
if [ -z "${TORCH_INDEX_URL:-}" ]; then  # unset or empty: the default
    if [ "$(uname -s)" = "Linux" ]; then TORCH_INDEX_URL=$CPU_INDEX; else TORCH_INDEX_URL=pypi; fi
fi
DRY=${SETUP_DRY_RUN:-0}
START=$(date +%s)

say() { printf '[setup] %s\n' "$*"; }
elapsed() { echo "$(( $(date +%s) - START )) s"; }
run() {
    if [ "$DRY" = 1 ]; then printf '[dry run] %s\n' "$*"; else "$@"; fi
}

# --- is .venv already up to date? ---------------------------------------------
settings="torch-index=$TORCH_INDEX_URL"
if [ "$DRY" != 1 ] && [ -f "$STAMP" ] && [ -x "$VENV/bin/python" ] \
        && [ "$STAMP" -nt pyproject.toml ] && [ "$STAMP" -nt constraints.txt ] \
        && [ "$(head -n 1 "$STAMP")" = "$settings" ]; then
    exit 0
fi

# --- the interpreter ----------------------------------------------------------
usable() {  # a Python >= 3.11 that runs (a pyenv shim may exist and fail) and has venv
    "$1" -c 'import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 11))' \
        >/dev/null 2>&1
}
if [ -x "$VENV/bin/python" ]; then
    python="$VENV/bin/python"
    say "using the existing $VENV ($("$python" --version 2>&1))"
else
    if [ -n "${PYTHON:-}" ]; then
        if ! usable "$PYTHON"; then
            say "error: PYTHON=$PYTHON does not run, is older than 3.11, or lacks venv" \
                "(on Debian and Ubuntu: apt-get install python3-venv)" >&2
            exit 2
        fi
        python=$PYTHON
    else
        python=
        for candidate in python3.11 python3.12 python3.13 python3.14 python3; do
            if usable "$candidate"; then python=$candidate; break; fi
        done
        if [ -z "$python" ]; then
            say "error: no Python 3.11 or newer with venv found (tried python3.11 to" \
                "python3.14 and python3). Install one, or name it: make book PYTHON=/path/to/python3" >&2
            exit 2
        fi
    fi
    say "creating $VENV with $python ($("$python" --version 2>&1)); choose another with PYTHON=..."
    run "$python" -m venv "$VENV"
fi
pip=("$VENV/bin/python" -m pip --disable-pip-version-check)

say "[1/4] updating pip (a few seconds)"
run "${pip[@]}" install --quiet --upgrade pip

# --- torch: the CPU build by default --------------------------------------------
reachable() {  # answers within 10 s, or we fall back
    "$VENV/bin/python" - "$1" <<'EOF' >/dev/null 2>&1
import sys, urllib.request
urllib.request.urlopen(sys.argv[1].rstrip("/") + "/torch/", timeout=10).close()
EOF
}
previous=$(head -n 1 "$STAMP" 2>/dev/null || true)
if [ -n "$previous" ] && [ "$previous" != "$settings" ]; then
    say "TORCH_INDEX_URL changed (${previous#torch-index=} -> $TORCH_INDEX_URL): reinstalling torch"
    run "${pip[@]}" uninstall --quiet --yes torch
fi
torch_pin=$(grep -E '^torch==' constraints.txt)
if [ "$TORCH_INDEX_URL" = pypi ]; then
    say "[2/4] installing $torch_pin from the default package index (1 to 3 minutes on a first run)"
    run "${pip[@]}" install --quiet -c constraints.txt torch
elif [ "$DRY" = 1 ] || reachable "$TORCH_INDEX_URL"; then
    say "[2/4] installing $torch_pin from $TORCH_INDEX_URL (about 200 MB for the CPU build;" \
        "1 to 3 minutes on a first run)"
    run "${pip[@]}" install --quiet --index-url "$TORCH_INDEX_URL" -c constraints.txt torch
else
    say "[2/4] $TORCH_INDEX_URL cannot be reached: installing $torch_pin from the default" \
        "package index instead. On Linux that index may hold only a CUDA build (several GB)" \
        "unless a local wheel of the CPU build is available, as on the course's CI machine."
    run "${pip[@]}" install --quiet -c constraints.txt torch
fi
if [ "$DRY" != 1 ]; then
    say "      torch $("$VENV/bin/python" -c 'import torch; print(torch.__version__, "CUDA", torch.version.cuda or "none")') ($(elapsed) so far)"
fi

# --- everything else ------------------------------------------------------------
say "[3/4] installing segcourse with the course, book, test and lab packages" \
    "(2 to 4 minutes on a first run, seconds after)"
run "${pip[@]}" install --quiet -c constraints.txt -e ".[$EXTRAS]"

# --- the wheels of the light install (tests/test_install.py) ------------------------
say "[4/4] keeping the wheels of a plain 'pip install segcourse' in $WHEELHOUSE" \
    "(seconds: pip's cache has them)"
if [ "$DRY" = 1 ]; then
    printf '[dry run] %s\n' "pip download numpy scipy scikit-image setuptools -> $WHEELHOUSE"
else
    rm -rf "$WHEELHOUSE"
    mkdir -p "$WHEELHOUSE"
    # pinned to the versions in $VENV: the light install is tested with what the course runs
    "${pip[@]}" freeze --exclude-editable | grep -v -E '^(torch==|-e |segcourse)' \
        > "$WHEELHOUSE/constraints.txt" || true
    light=$("$VENV/bin/python" -c 'import tomllib
project = tomllib.load(open("pyproject.toml", "rb"))
print(" ".join(project["project"]["dependencies"] + project["build-system"]["requires"]))')
    # shellcheck disable=SC2086  # one requirement per word
    if ! "${pip[@]}" download --quiet --only-binary=:all: --dest "$WHEELHOUSE" \
            -c "$WHEELHOUSE/constraints.txt" $light wheel; then
        say "warning: could not download the wheels of the light install: tests/test_install.py" \
            "skips (fails under CI=true) until 'make venv' runs again with the network"
        rm -rf "$WHEELHOUSE"
    fi
fi

# JupyterLab settings of the course (no "get news?" pop-up): see tools/jupyter/
run mkdir -p "$VENV/share/jupyter/lab/settings/overrides.d"
run cp tools/jupyter/overrides.json "$VENV/share/jupyter/lab/settings/overrides.d/segcourse.json"
# The kernels' "running over TCP without encryption" warning: see the file's comment
run mkdir -p "$VENV/etc/ipython"
run cp tools/jupyter/ipython_kernel_config.py "$VENV/etc/ipython/ipython_kernel_config.py"

if [ "$DRY" != 1 ]; then
    printf '%s\n' "$settings" > "$STAMP"
    say "done in $(elapsed): $VENV is ready ($(du -sh "$VENV" | cut -f1))"
fi
