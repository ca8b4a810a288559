# Every target sets up what it needs: the first one run creates .venv and
# installs the project with its test tools; later runs reuse it.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
PORT   ?= 8888
# One BLAS thread: the networks multiply small matrices (faster, and the figures the notebooks print
# are built with this setting; see conftest.py).
export OPENBLAS_NUM_THREADS ?= 1
NBVAL  := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg

.PHONY: lab test lint unit notebooks-test browser bench student notebooks book handouts clean help

help:
	@echo "make lab        set up, then start JupyterLab on notebooks/ (127.0.0.1, token auth)"
	@echo "make test       set up, then run every test (ruff, unit, widgets, notebooks, browser)"
	@echo "make bench      set up, then print benchmark figures as JSON lines"
	@echo "make student    write student copies without solutions to student/"
	@echo "make book       build the static book (HTML, live views as frame players) into build/book/"
	@echo "make handouts   print one PDF per notebook, without solutions, into build/handouts/"
	@echo "make notebooks  rebuild every notebook from notebooks/src/ and execute it on a fresh kernel"
	@echo "make clean      remove the environment and build outputs"

$(STAMP): pyproject.toml etc/jupyterlab-overrides.json
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@echo "Installing the project and its tools into $(VENV) (first time: a minute or two)..."
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test,book]' 2>&1 | grep -v "is ignored: it is neither" || true
	@$(PY) -c "import helpers, nbval, ipywidgets, jupyterlab" || (echo "Set-up failed: see the pip output above." && exit 1)
	@# JupyterLab defaults for this environment: no "get notified about Jupyter news?" pop-up over the views.
	@mkdir -p $(VENV)/share/jupyter/lab/settings/overrides.d
	@cp etc/jupyterlab-overrides.json $(VENV)/share/jupyter/lab/settings/overrides.d/shift-invariance.json
	@touch $(STAMP)

# --allow-root only when run as root (containers, cloud machines); token auth stays on.
ROOT_FLAG := $(shell [ "$$(id -u)" = 0 ] && echo --allow-root)

lab: $(STAMP)
	$(VENV)/bin/jupyter lab --config=etc/jupyter_server_config.py --ServerApp.ip=127.0.0.1 \
		--ServerApp.port=$(PORT) --ServerApp.root_dir=notebooks $(ROOT_FLAG)

lint: $(STAMP)
	$(PY) -m ruff check helpers tests bench tools notebooks etc noxfile.py conftest.py book

test: lint
	MPLBACKEND=Agg $(PY) -m pytest -rs $(NBVAL) tests notebooks

bench: $(STAMP)
	MPLBACKEND=Agg $(PY) bench/run.py

student: $(STAMP)
	$(PY) tools/make_student.py notebooks student

book: $(STAMP)
	$(PY) tools/build_book.py build/book

handouts: $(STAMP)
	$(PY) tools/make_handouts.py build/handouts

notebooks: $(STAMP)
	$(PY) tools/build_notebooks.py

clean:
	rm -rf $(VENV) build student .hypothesis
