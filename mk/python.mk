# Python: the PyO3 module (bindings/python) and the package (python/hooksig), built by maturin
# into a project venv that `make test-python` creates: .venv (gitignored), with the pinned test
# dependencies of tests/python/requirements.txt. The native module is built in release mode
# (the benchmark needs it, and a debug and a release build would cost two long builds).

TEST_TARGETS += test-python
LINT_TARGETS += lint-python
BENCH_TARGETS += bench-python

PYTHON ?= python3
PY_VENV := .venv
PY := $(PY_VENV)/bin/python
PY_STAMP := $(PY_VENV)/.requirements-installed

.PHONY: python-venv python-build python-redis test-python lint-python bench-python

# The venv and its dependencies, again only when the requirements change.
$(PY_STAMP): tests/python/requirements.txt
	@test -x $(PY) || $(PYTHON) -m venv $(PY_VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r tests/python/requirements.txt
	@touch $@

python-venv: $(PY_STAMP)

## python-build: hooksig._hooksig in release mode, installed (editable) into .venv.
python-build: python-venv
	VIRTUAL_ENV=$(abspath $(PY_VENV)) $(PY_VENV)/bin/maturin develop --release --quiet

# redis-server for the replay tests (the suite starts its own on a free port): installed by
# .ci/install-redis.sh when missing and running as root; otherwise the suite says how.
python-redis:
	@command -v redis-server >/dev/null || [ "$$(id -u)" != 0 ] || bash .ci/install-redis.sh

## test-python: vectors (3 header forms), API, peers as oracles, threads, real servers,
## replay protection across two server processes sharing a real Redis.
test-python: python-build python-redis
	$(PY) -m pytest tests/python -q

## lint-python: ruff, mypy --strict on the package, tests, examples and bench, stubtest.
lint-python: python-build
	cargo clippy -p hooksig-python -- -D warnings
	$(PY_VENV)/bin/ruff check python tests/python examples/fastapi examples/flask bench/python_bench.py
	$(PY_VENV)/bin/ruff format --check python tests/python examples/fastapi examples/flask bench/python_bench.py
	$(PY) -m mypy --strict python/hooksig tests/python examples/fastapi/server.py examples/flask/app.py bench/python_bench.py
	$(PY) -m mypy.stubtest hooksig._hooksig

## bench-python: hooksig vs the standard library and PyPI peers (see bench/python.md).
bench-python: python-build
	$(PY) bench/python_bench.py
