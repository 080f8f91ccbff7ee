# Two commands matter (see README):
#   make run   set everything up and serve the demo board on http://127.0.0.1:8000 (PORT=8001 for another
#              port), with the background worker beside it; one Ctrl-C stops both
#   make test  set everything up and run the whole test suite, browser tests included
#   make reset-demo  throw the demo's database, files and mail away and load a fresh demo board
# Both work on a fresh Debian machine with Python 3.11 and Node.js.

PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
CHROMIUM ?= /usr/bin/chromium
# The suite runs on every core (pytest-xdist); each worker gets its own test database.
PYTEST_WORKERS ?= auto
PORT ?= 8000
# The demo runs as production does (DEBUG off: the product's own 404 and 403 pages), with whitenoise serving the
# static files straight from their source folders, two-factor sign-in off (said on every page), and each email
# written to a file under var/mail/ rather than to the log.
DEMO_ENV := DJANGO_DEBUG=0 LSCB_REQUIRE_2FA=0 LSCB_ALLOW_SIGN_IN_WITHOUT_SECOND_FACTOR=1 LSCB_STATIC_FROM_SOURCE=1 \
	EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend EMAIL_FILE_PATH=$(CURDIR)/var/mail

.PHONY: run test setup python-deps node-deps assets chromium lint migrate demo reset-demo clean

# The worker (mail, renders: README "Background work") runs in the background; when the web server stops
# (Ctrl-C), the shell's exit trap stops the worker too. The worker does not reload on code changes.
run: setup migrate demo
	@mkdir -p var/mail
	@echo "Demo mode: two-factor sign-in OFF (LSCB_REQUIRE_2FA=0), emails written to var/mail/; sign in at http://127.0.0.1:$(PORT)/ with a sign-in listed above."
	@$(DEMO_ENV) $(PY) manage.py db_worker --no-reload --queue-name '*' & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT; \
	$(DEMO_ENV) $(PY) manage.py runserver 127.0.0.1:$(PORT)

test: setup chromium
	$(PY) -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

setup: python-deps node-deps assets

python-deps: $(VENV)/.installed
$(VENV)/.installed: pyproject.toml constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt ".[dev]"
	touch $@

node-deps: node_modules/.installed
node_modules/.installed: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

assets: static/build/app.css
static/build/app.css: node_modules/.installed $(wildcard static/scss/*.scss)
	npm run --silent build:css

chromium:
	@if [ -x $(CHROMIUM) ] && command -v pdftoppm >/dev/null; then :; \
	elif [ "$$(id -u)" = "0" ]; then \
		echo "Installing Debian's Chromium and poppler-utils (pdftoppm) for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium poppler-utils >/dev/null; \
	else \
		echo "The browser tests need Debian's Chromium at $(CHROMIUM) and pdftoppm. Install them with:"; \
		echo "    sudo apt-get install chromium poppler-utils"; \
		exit 1; \
	fi

migrate: setup
	$(PY) manage.py migrate --no-input

demo: migrate
	$(PY) manage.py seed_demo

# Start again from a fresh demo: the demo's own SQLite database, evidence, printed plans and mail go; a database
# named by DATABASE_URL is emptied instead (flush), never dropped. Then `make run` as usual.
reset-demo: setup
	@if [ -n "$$DATABASE_URL" ]; then $(PY) manage.py flush --no-input; else rm -f var/lscb.sqlite3 var/lscb.sqlite3-wal var/lscb.sqlite3-shm; fi
	rm -rf var/media var/mail
	$(PY) manage.py migrate --no-input
	$(PY) manage.py seed_demo
	@echo "A fresh demo board is ready: make run (or make run PORT=8001)."

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

clean:
	rm -rf $(VENV) node_modules static/build var/static
