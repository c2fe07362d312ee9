# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DEMO_HOME ?= demo-home

# The data path on PostgreSQL too, in every `make test` (issue 8); `make test-postgres` runs all.
POSTGRES_CORE_TESTS := tests/test_datasets_service.py tests/test_api_read.py \
	tests/test_api_write.py tests/test_review.py tests/test_audit.py tests/test_harvest_files.py \
	tests/test_restore.py tests/test_migrations.py tests/test_package_cache.py \
	tests/test_publishing_gate.py tests/test_published_versions.py tests/test_harvest_held.py \
	tests/test_security_sessions.py tests/test_search_permissions.py tests/test_place_search.py

.PHONY: run test install lint translations clean-demo axe

$(BIN)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --upgrade pip
	$(BIN)/pip install -c constraints.txt -e '.[test]'
	touch $@

install: $(BIN)/.installed

## Set up, harvest the demo agencies into ./demo-home and serve http://127.0.0.1:5000
run: install
	$(BIN)/dulieumo --home $(DEMO_HOME) demo

## Set up and run the whole test suite
test: install
	$(BIN)/python -m pytest
	$(BIN)/python -m pytest --db=postgres $(POSTGRES_CORE_TESTS)

lint: install
	$(BIN)/ruff check catalogue harvesters portal licenses tests bench examples
	$(BIN)/mypy --strict catalogue harvesters portal

clean-demo:
	rm -rf $(DEMO_HOME)

## Extract messages, update the catalogues, compile them (the compiled .mo files are committed)
translations: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --sort-by-file -o translations/messages.pot portal
	$(BIN)/pybabel update -i translations/messages.pot -d translations -l en --no-fuzzy-matching
	$(BIN)/pybabel compile -d translations --statistics

## axe-core for the browser accessibility test, installed into the venv (not the repository)
axe: install
	npm install --no-save --no-audit --no-fund --prefix $(VENV)/axe axe-core@4

## The whole suite on PostgreSQL (a throw-away cluster from /usr/lib/postgresql/15/bin)
test-postgres: install
	$(BIN)/python -m pytest --db=postgres
