# Two commands for a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INDEX ?= $(or $(NEWSFACETS_INDEX),var/index)
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: install install-test install-lint browser run index test lint bench eval clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -e .

install-test: $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'

# Debian's Chromium for the browser tests. Needs root; elsewhere the browser tests skip
# (or fail under NEWSFACETS_REQUIRE_BROWSER=1).
browser:
	@if [ -x /usr/bin/chromium ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
		|| echo "could not install chromium; browser tests will skip"; \
	else echo "chromium not installed and not root: browser tests will skip"; fi

index: install
	@if [ -f "$(INDEX)/CURRENT" ]; then echo "index exists at $(INDEX) (rebuild: $(BIN)/newsfacets index examples/corpus --index $(INDEX))"; \
	else $(BIN)/newsfacets index examples/corpus --index $(INDEX); fi

run: index
	$(BIN)/newsfacets serve --host $(HOST) --port $(PORT) --index $(INDEX)

test: install-test browser
	$(BIN)/python -m pytest -q

install-lint: $(BIN)/python
	$(BIN)/pip install --quiet -e '.[lint]'

# ruff (rules in ruff.toml) and mypy (settings in setup.cfg [mypy]) on the four packages.
lint: install-lint
	$(BIN)/ruff check index search web newsfacets
	$(BIN)/mypy index search web newsfacets

# Figures go to docs/BENCHMARKS.md; they need ../shared/corpus (Reuters-21578, Cranfield).
bench: $(BIN)/python
	$(BIN)/pip install --quiet -e '.[bench]'
	$(BIN)/python benchmarks/bench_index.py
	$(BIN)/python benchmarks/bench_search.py
	$(BIN)/python benchmarks/bench_ranking.py
	$(BIN)/python benchmarks/load.py

eval: install
	$(BIN)/python scripts/eval_entities.py --write-doc

clean:
	rm -rf $(VENV) var tests/artifacts *.egg-info
