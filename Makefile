# Each target bootstraps its own virtual environment, so a fresh clone needs only python3 and make.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip --disable-pip-version-check --quiet

.PHONY: test demo lint format stub bench docs notebook exercises fuzz clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

# What the suite uses: pytest and the wheel builder (test), pictures (viz), the demo's and the
# notebooks' libraries (examples), a Jupyter kernel without JupyterLab (notebooks), the site
# (docs). Not JupyterLab, not ruff. A test whose extra is missing skips, saying which.
$(VENV)/.test-deps: pyproject.toml | $(VENV)/bin/python
	$(PIP) install -e ".[test,viz,examples,notebooks,docs]"
	touch $@

# Lint needs the library (for its NumPy types), ruff and mypy: the lint extra, nothing else.
$(VENV)/.lint-deps: pyproject.toml | $(VENV)/bin/python
	$(PIP) install -e ".[lint]"
	touch $@

$(VENV)/.demo-deps: pyproject.toml | $(VENV)/bin/python
	$(PIP) install -e ".[viz,examples]"
	touch $@

# The site shows the notebooks' saved outputs: it needs no kernel and nothing they import.
$(VENV)/.docs-deps: pyproject.toml | $(VENV)/bin/python
	$(PIP) install -e ".[docs]"
	touch $@

$(VENV)/.notebook-deps: pyproject.toml | $(VENV)/bin/python
	$(PIP) install -e ".[jupyter,viz,examples]"
	$(PY) -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $@

# One BLAS thread: the suite's matrices are tiny, and on a busy 2-core machine OpenBLAS threads
# made small matmuls 10-20x slower (measured on notebook 3: 15 s vs 1.7 s).
test: $(VENV)/.test-deps
	OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 $(PY) -m pytest

# The long profile of the differential fuzzer against PyTorch (tests/differential): FUZZ_CASES
# random graphs, a new seed each run (printed, to rerun with --seed). `make test` runs a short
# profile when torch is installed. PyTorch's CPU build is enough (and ~10x smaller).
FUZZ_CASES ?= 20000
$(VENV)/.fuzz-deps: $(VENV)/.test-deps
	$(PIP) install -e ".[fuzz]" --extra-index-url https://download.pytorch.org/whl/cpu
	touch $@

fuzz: $(VENV)/.fuzz-deps
	OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 $(PY) -m tests.differential.fuzzer --cases $(FUZZ_CASES)

demo: $(VENV)/.demo-deps
	$(PY) examples/train_digits.py

# ruff (lint rules and formatting), then mypy over autograd, nn and optim ([tool.mypy]).
lint: $(VENV)/.lint-deps
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

format: $(VENV)/.lint-deps
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Rewrites autograd/_tensor_methods.pyi, the list of Tensor's installed methods (after adding an op).
stub: $(VENV)/bin/python
	$(PIP) install -e .
	$(PY) -m autograd.tensor_stub

# The site goes to site/ (open site/index.html: it works from disk, offline). The notebooks'
# pages show the outputs they were saved with; NO_MKDOCS_2_WARNING quiets Material's banner.
docs: $(VENV)/.docs-deps
	NO_MKDOCS_2_WARNING=1 $(VENV)/bin/mkdocs build --strict

notebook: $(VENV)/.notebook-deps
	$(VENV)/bin/jupyter lab examples/notebooks

# The student versions of examples/exercises (solutions and hidden tests removed) and the checker
# (its expected results as data, without reference implementations) go to out/exercises; the
# script needs only the standard library. See docs/guides/grading.md.
exercises: $(VENV)/bin/python
	$(PY) examples/exercises/release.py --out out/exercises

bench: $(VENV)/.test-deps
	$(PY) benchmarks/ops.py
	$(PY) benchmarks/mlp.py
	$(PY) benchmarks/overhead.py
	$(PY) benchmarks/transformer.py

clean:
	rm -rf $(VENV) out .pytest_cache site
