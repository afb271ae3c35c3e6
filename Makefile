# The course's commands. Each target sets up what it needs on first use:
# a virtual environment in .venv (tools/setup_venv.sh: the first Python 3.11
# or newer found, the CPU build of torch) and the book's browser assets in
# node_modules (MathJax, reveal.js and axe-core, from package-lock.json).
#
#   make book     execute every notebook and build the HTML book
#   make slides   one reveal.js deck per chapter, offline (book/_build/slides/)
#   make pdf      the whole book as one PDF (book/_build/pdf/segcourse.pdf; needs chromium)
#   make test     the whole test suite (ruff, unit, doctests, notebooks, book, browser)
#   make lab      JupyterLab on the repository (notebooks/ and student/)
#   make student  learner copies of the notebooks in student/
#   make bench    timings: demos, metrics and losses against the references
#                 (BENCH=widgets for one of them)
#   make clean    remove built files (keeps .venv; `make distclean` removes it too)
#
# Settings:
#   PYTHON=python3.12                  the interpreter for a new .venv
#   TORCH_INDEX_URL=https://download.pytorch.org/whl/cu128
#                                      another build of torch (default on Linux:
#                                      the CPU build; "pypi": the default index)
#   LAB_ARGS="--no-browser --ip=0.0.0.0"   more options for `make lab`

VENV := .venv
PY := $(VENV)/bin/python
NODE_STAMP := node_modules/.installed-stamp
BOOK_HTML := book/_build/html
NETGUARD := $(CURDIR)/tests/netguard
LAB_ARGS ?=
# only passed on when set, so that tools/setup_venv.sh can choose the defaults
export PYTHON TORCH_INDEX_URL

.PHONY: book slides pdf test lab student bench clean distclean lint venv

venv:
	@bash tools/setup_venv.sh

$(NODE_STAMP): package.json package-lock.json
	@echo "[setup] installing MathJax, reveal.js and axe-core for the offline book, slides and" \
	    "browser test from the npm registry (seconds)"
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# The book is built with the network guard on, as the tests build it, so that
# `make test` can reuse it when it is up to date with its sources.
book: venv $(NODE_STAMP)
	@echo "[book] executing every notebook and building the book (about a minute)"
	PYTHONPATH=$(NETGUARD) $(PY) tools/build_book.py $(BOOK_HTML)
	@echo "The book: $(abspath $(BOOK_HTML)/index.html)"

# The decks and the PDF are made from the built book (its executed notebooks,
# its pages), with the network guard on: nothing they need comes from the network.
slides: book
	@echo "[slides] one reveal.js deck per chapter (seconds)"
	PYTHONPATH=$(NETGUARD) $(PY) tools/build_slides.py book/_build/slides

pdf: book
	@echo "[pdf] printing the book with headless chromium (about a minute)"
	PYTHONPATH=$(NETGUARD) $(PY) tools/build_pdf.py book/_build/pdf/segcourse.pdf

test: venv $(NODE_STAMP)
	$(PY) -m ruff check .
	PYTHONPATH=$(NETGUARD) $(PY) -m pytest

# From the repository root, so that both notebooks/ and student/ are in reach.
lab: venv
	@echo "[lab] JupyterLab opens on the repository: the chapters are in notebooks/,"
	@echo "      learner copies in student/ (make student). Stop it with Ctrl+C twice."
	$(VENV)/bin/jupyter lab $(if $(filter 0,$(shell id -u)),--allow-root,) $(LAB_ARGS)

student: venv
	$(PY) -m segcourse.student notebooks student

# `make bench BENCH=widgets` runs only the benchmarks whose names contain it.
bench: venv
	$(PY) bench/run_all.py $(BENCH)

lint: venv
	$(PY) -m ruff check .

clean:
	rm -rf book/_build book/jupyter_execute book/_static/mathjax .bench build
	find . -name __pycache__ -prune -not -path './.venv/*' -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV) node_modules
