# Each target bootstraps its own virtual environment, so a fresh clone needs only python3 and make.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip --disable-pip-version-check --quiet

.PHONY: test demo lint bench clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.test-deps: pyproject.toml | $(VENV)/bin/python
	$(PIP) install -e ".[dev,viz,examples,notebooks]"
	$(PY) -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $@

$(VENV)/.demo-deps: pyproject.toml | $(VENV)/bin/python
	$(PIP) install -e ".[viz,examples]"
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

bench: $(VENV)/.test-deps
	$(PY) benchmarks/ops.py
	$(PY) benchmarks/mlp.py
	$(PY) benchmarks/overhead.py

clean:
	rm -rf $(VENV) out .pytest_cache
