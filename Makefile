# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DEMO_HOME ?= demo-home
# Where `make run` serves the demo: `make run PORT=8080` when 5000 is taken.
PORT ?= 5000

# The data path on PostgreSQL too, in every `make test` (issue 8); `make test-postgres` runs all.
POSTGRES_CORE_TESTS := tests/test_datasets_service.py tests/test_api_read.py \
	tests/test_api_write.py tests/test_review.py tests/test_audit.py tests/test_harvest_files.py \
	tests/test_restore.py tests/test_migrations.py tests/test_package_cache.py \
	tests/test_publishing_gate.py tests/test_published_versions.py tests/test_harvest_held.py \
	tests/test_security_sessions.py tests/test_search_permissions.py tests/test_place_search.py \
	tests/test_datastore_load.py tests/test_datastore_api.py tests/test_datastore_hostile.py \
	tests/test_datastore_jobs.py tests/test_datastore_writes.py tests/test_object_store.py \
	tests/test_two_machines.py

.PHONY: run test install install-test lint translations clean-demo axe

# What running needs, and apart from it the test tools (pytest, Playwright, schemathesis,
# mypy…): `make run` installs only the first (issue 19).
$(BIN)/.installed-run: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --upgrade pip
	$(BIN)/pip install -c constraints.txt -e .
	touch $@

$(BIN)/.installed-test: $(BIN)/.installed-run
	$(BIN)/pip install -c constraints.txt -e '.[test]'
	touch $@

install: $(BIN)/.installed-run

install-test: $(BIN)/.installed-test

## Set up, harvest the demo agencies into ./demo-home and serve http://127.0.0.1:$(PORT)
run: install
	$(BIN)/dulieumo --home $(DEMO_HOME) demo --port $(PORT)

## Set up and run the whole test suite
test: install-test
	$(BIN)/python -m pytest
	$(BIN)/python -m pytest --db=postgres $(POSTGRES_CORE_TESTS)

lint: install-test
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
axe: install-test
	npm install --no-save --no-audit --no-fund --prefix $(VENV)/axe axe-core@4

## The whole suite on PostgreSQL (a throw-away cluster from /usr/lib/postgresql/15/bin)
test-postgres: install-test
	$(BIN)/python -m pytest --db=postgres
