# The course's commands. Each target sets up what it needs on first use:
# a Python 3.11 virtual environment in .venv (CPU build of torch) and the
# book's browser assets in node_modules (MathJax, from package-lock.json).
#
#   make book     execute every notebook and build the HTML book
#   make test     the whole test suite (ruff, unit, doctests, notebooks, book, browser)
#   make lab      JupyterLab on the repository (notebooks/ and student/)
#   make student  learner copies of the notebooks in student/
#   make bench    timings: demos, metrics and losses against the references
#                 (BENCH=widgets for one of them)
#   make clean    remove built files (keeps .venv; `make distclean` removes it too)
#
# Elsewhere, get the CPU build of torch with
#   make book TORCH_INDEX_URL=https://download.pytorch.org/whl/cpu

PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
NODE_STAMP := node_modules/.installed-stamp
TORCH_INDEX_URL ?=
PIP_INDEX_FLAGS := $(if $(TORCH_INDEX_URL),--extra-index-url $(TORCH_INDEX_URL),)
BOOK_HTML := book/_build/html

.PHONY: book test lab student bench clean distclean lint venv

venv: $(STAMP)

# Reinstall only when the package list or the torch pin changed.
$(STAMP): pyproject.toml constraints.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet $(PIP_INDEX_FLAGS) -c constraints.txt -e '.[book,test,lab]'
	@touch $@

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

book: $(STAMP) $(NODE_STAMP)
	$(PY) -m sphinx -W --keep-going -n -b html book $(BOOK_HTML)
	@echo "The book: $(abspath $(BOOK_HTML)/index.html)"

test: $(STAMP) $(NODE_STAMP)
	$(PY) -m ruff check .
	PYTHONPATH=$(CURDIR)/tests/netguard $(PY) -m pytest

# From the repository root, so that both notebooks/ and student/ are in reach.
lab: $(STAMP)
	$(VENV)/bin/jupyter lab

student: $(STAMP)
	$(PY) -m segcourse.student notebooks student

# `make bench BENCH=widgets` runs only the benchmarks whose names contain it.
bench: $(STAMP)
	$(PY) bench/run_all.py $(BENCH)

lint: $(STAMP)
	$(PY) -m ruff check .

clean:
	rm -rf book/_build book/jupyter_execute book/_static/mathjax .bench
	find . -name __pycache__ -prune -not -path './.venv/*' -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV) node_modules
