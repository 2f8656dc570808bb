# The two commands of the README: `make run` and `make test`.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app portal
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test lint install translations extract-messages update-messages bench screenshots clean stack fuzz install-production world-map

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e ".[test,lint]"
	touch $@

install: $(VENV)/.installed translations

# Production (README, "Running in production"): the portal without the test and lint tools.
install-production: $(BIN)/python
	$(BIN)/pip install --quiet -e .
	$(BIN)/pybabel -q compile -d translations

# Compiled catalogues are build output, made from the committed .po files.
translations: $(VENV)/.installed
	$(BIN)/pybabel -q compile -d translations

# A random key of this checkout's own, written once; the portal refuses to start without a key.
instance/secret_key:
	mkdir -p instance
	umask 077 && $(BIN)/python -c "import secrets; print(secrets.token_hex(32))" > $@

# Mail is printed by the worker rather than sent: `make run` needs no mail server.
# Links in that mail, and the one host name requests may use, follow HOST and PORT.
run: export MAIL_BACKEND ?= console
run: export PORTAL_URL ?= http://$(HOST):$(PORT)
run: export TRUSTED_HOSTS ?= $(HOST),localhost,127.0.0.1
# Staff may sign in without an authenticator app on a laptop; production requires one (the default).
run: export STAFF_TWO_FACTOR ?= optional
run: install instance/secret_key
	$(FLASK) db upgrade
	$(FLASK) seed --demo --if-empty
	$(FLASK) outbox deliver --loop --sleep 5 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(FLASK) run --host $(HOST) --port $(PORT)

# axe-core for the accessibility tests, pinned in package.json / package-lock.json.
node_modules/axe-core/axe.min.js: package.json package-lock.json
	@if command -v npm >/dev/null; then npm ci --no-audit --no-fund --silent; \
	else echo "npm not found: the accessibility tests will skip (and fail under CI=true)"; fi

test: install node_modules/axe-core/axe.min.js
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The production stack from deploy/ (PostgreSQL, Redis, two gunicorns, nginx, the outbox
# worker, an SMTP server) on loopback, smoke-tested, then its fault drills; `make test` runs it too.
stack: install
	$(BIN)/python -m pytest tests/stack -p no:cacheprovider $(PYTEST_ARGS)

# At least 10,000 generated requests through the real app (`make test` runs a sample).
fuzz: install
	FUZZ_REQUESTS=10000 $(BIN)/python -m pytest tests/test_fuzz.py -s $(PYTEST_ARGS)

# Style (ruff), types (mypy on portal/) and the direction of imports (import-linter); settings in pyproject.toml.
lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

# The zone maps' outlines (Natural Earth, from the world-atlas npm package): needs npm, and is run
# only to change them; portal/catalogue/world_outlines.json is committed, so `make run` needs no npm.
world-map: $(BIN)/python
	$(BIN)/python tools/world_outlines.py

extract-messages: $(VENV)/.installed
	$(BIN)/pybabel extract --no-location --sort-output -F babel.cfg -k _l -k lazy_ngettext:1,2 -o translations/messages.pot .

update-messages: extract-messages
	$(BIN)/pybabel update --no-fuzzy-matching -i translations/messages.pot -d translations
	$(BIN)/python translations/fill_english.py

# PNGs of the main pages, every language, 360 and 1280 px wide, in screenshots/ (git-ignored).
screenshots: install
	$(BIN)/python -m tests.browser.screenshots

# The public pages under load (wrk, gunicorn) at 1,000 to 100,000 listings, on SQLite and PostgreSQL:
# about half an hour; writes bench/RESULTS.md. bench/pages.py times pages in-process and counts their SQL.
bench: install
	@command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get install -y -qq wrk >/dev/null; } || \
		{ echo "wrk is needed: apt-get install wrk"; exit 1; }
	$(BIN)/python bench/load.py

clean:
	rm -rf $(VENV) instance/portal.sqlite3 node_modules
	find translations -name '*.mo' -delete
