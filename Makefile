# Each target bootstraps its own virtual environment, so a fresh clone needs only python3 and make.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip --disable-pip-version-check --quiet

.PHONY: test demo lint bench docs notebook exercises clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

# docs and jupyter: tests/test_docs.py builds the site and checks that JupyterLab starts.
$(VENV)/.test-deps: pyproject.toml | $(VENV)/bin/python
	$(PIP) install -e ".[dev,viz,examples,notebooks,docs,jupyter]"
	$(PY) -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $@

$(VENV)/.demo-deps: pyproject.toml | $(VENV)/bin/python
	$(PIP) install -e ".[viz,examples]"
	touch $@

# The site executes the notebooks, so it needs what they import and a kernel.
$(VENV)/.docs-deps: pyproject.toml | $(VENV)/bin/python
	$(PIP) install -e ".[docs,viz,examples]"
	$(PY) -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $@

$(VENV)/.notebook-deps: pyproject.toml | $(VENV)/bin/python
	$(PIP) install -e ".[jupyter,viz,examples]"
	$(PY) -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $@

# One BLAS thread: the suite's matrices are tiny, and on a busy 2-core machine OpenBLAS threads
# made small matmuls 10-20x slower (measured on notebook 3: 15 s vs 1.7 s).
test: $(VENV)/.test-deps
	OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 $(PY) -m pytest

demo: $(VENV)/.demo-deps
	$(PY) examples/train_digits.py

lint: $(VENV)/.test-deps
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# The site goes to site/; the notebooks run at full size (see docs/notebooks/index.md).
docs: $(VENV)/.docs-deps
	$(VENV)/bin/mkdocs build --strict

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
