# The two commands: `make run` (embedded site at http://127.0.0.1:8000) and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
export DJANGO_SETTINGS_MODULE := seoul_portal.settings

.PHONY: run test install compiled-messages migrate seed messages vendor lint scan screenshots clean bench bench-tally worker worker-text worker-bulk

$(VENV)/installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/installed

# Embedded: SQLite in var/, tasks run eagerly, SMS and email printed to the console.
run: install
	mkdir -p var
	$(MAKE) --no-print-directory compiled-messages
	env -u DATABASE_URL -u REDIS_URL -u CELERY_BROKER_URL DEBUG=true $(PY) manage.py migrate --no-input
	env -u DATABASE_URL -u REDIS_URL -u CELERY_BROKER_URL DEBUG=true $(PY) manage.py seed_demo
	env -u DATABASE_URL -u REDIS_URL -u CELERY_BROKER_URL DEBUG=true $(PY) manage.py runserver 127.0.0.1:8000

# PostgreSQL when DATABASE_URL is set or a server answers on 127.0.0.1:5432, otherwise SQLite;
# Redis likewise. Lint, migrations and import layers are checked before the suite.
test: install
	$(MAKE) --no-print-directory compiled-messages
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	DATABASE_URL=$${DATABASE_URL:-$$($(PY) scripts/local_services.py database)} \
	  $(PY) scripts/local_services.py ensure-database
	DATABASE_URL=$${DATABASE_URL:-$$($(PY) scripts/local_services.py database)} \
	REDIS_URL=$${REDIS_URL:-$$($(PY) scripts/local_services.py redis)} \
	  $(PY) manage.py makemigrations --check --dry-run
	DATABASE_URL=$${DATABASE_URL:-$$($(PY) scripts/local_services.py database)} \
	REDIS_URL=$${REDIS_URL:-$$($(PY) scripts/local_services.py redis)} \
	  $(VENV)/bin/pytest $(PYTEST_ARGS)

# The compiled .mo files are committed; with gettext installed they are rebuilt from the .po.
compiled-messages:
	@if command -v msgfmt >/dev/null 2>&1; then $(PY) manage.py compilemessages --ignore=.venv -v 0; \
	else echo "gettext (msgfmt) is not installed: using the committed translations"; fi

migrate: install
	$(PY) manage.py migrate

seed: install
	$(PY) manage.py seed_demo

# The Celery workers with REDIS_URL and DATABASE_URL set: `worker` takes the default queue
# (notifications and the short periodic moves), `worker-text` the text queue only (the Korean
# analyser's memory once), `worker-bulk` the long jobs (rollups, a budget count, purges): neither
# ever delays a notification.
worker: install
	$(VENV)/bin/celery -A seoul_portal worker -Q celery --loglevel=INFO
worker-text: install
	$(VENV)/bin/celery -A seoul_portal worker -Q text --concurrency 1 --loglevel=INFO -n text@%h
worker-bulk: install
	$(VENV)/bin/celery -A seoul_portal worker -Q bulk --concurrency 1 --loglevel=INFO -n bulk@%h

# The benchmark. `make bench` runs the whole portal (bench/portal.py): every channel seeded at SCALE and
# 100 times smaller in its own databases (seoul_portal_bench_*) on the PostgreSQL server of DATABASE_URL
# (or 127.0.0.1:5432), the key pages' query counts and latencies at both, ballots and complaints under
# load through gunicorn driven by wrk (apt-get install -y wrk) beside two floors (a constant view and the
# ballot's SQL alone), notification dispatch by two Celery workers, peak memory, and the front end in
# headless Chromium; one table, also as CSV and SVG in bench/results/. SCALE=seoul (the default), small
# (CI, after `make test`: less timed work, about 10 minutes on 2 CPUs; exits 1 only on what noise
# cannot cause) or a factor such as 0.05; BENCH_ARGS passes more options (e.g. --keep, --strict,
# --no-load, --channel voting, --requests 60).
# CHANNEL=proposals|voting|budgeting|complaints|analysis runs one channel alone (bench/run.py): its own
# sizes and ratios (voting and complaints: 1,000,000 vs 1,000; analysis: 10,000,000 complaints vs
# 10,000 within 2x, seeded in chunks, BENCH_ARGS="--resume --keep" continues an interrupted seeding).
SCALE ?= seoul
CHANNEL ?=
bench: install
	DATABASE_URL=$${DATABASE_URL:-$$($(PY) scripts/local_services.py database)} \
	REDIS_URL=$${REDIS_URL:-$$($(PY) scripts/local_services.py redis)} \
	  $(PY) -m $(if $(CHANNEL),bench.run --channel $(CHANNEL),bench.portal) --scale $(SCALE) $(BENCH_ARGS)

# The tally benchmark (bench/tally/): budgeting/tally against pabutools, side by side, on Warsaw 2026
# and a synthetic 100 x 50,000 election. pabutools runs in its own virtualenv (bench/.venv-pabutools,
# created on first run). BENCH_TALLY_ARGS passes options (e.g. --quick, --pabutools-add1-timeout 420).
bench-tally: install
	$(PY) -m bench.tally $(BENCH_TALLY_ARGS)

# Refresh Korean translations' sources (then translate locale/ko/LC_MESSAGES/django.po).
messages: install
	$(PY) manage.py makemessages -l ko -l en --ignore=.venv --ignore=static --ignore=staticfiles --no-obsolete

# Refresh the vendored KRDS, Pretendard GOV and htmx files in static/vendor/ from npm.
vendor:
	bash scripts/vendor.sh

# Static analysis (CI runs it before the suite): ruff and the import layers; bandit, medium severity
# and up, on the site's code (pyproject.toml says what is left out); semgrep with the portal's own
# rules (.semgrep/portal.yml: no SQL built by string formatting, no mark_safe or |safe on a value,
# no csrf_exempt outside signed webhooks), after checking that the rules still catch their own
# examples; and Django's deployment checklist against the production settings
# (scripts/check_deploy.py). bandit and semgrep live in .venv-lint: semgrep's pins are its own.
LINT_VENV := .venv-lint
$(LINT_VENV)/installed: requirements-lint.txt
	test -x $(LINT_VENV)/bin/python || $(PYTHON) -m venv $(LINT_VENV)
	$(LINT_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(LINT_VENV)/bin/python -m pip install --quiet -r requirements-lint.txt
	touch $@

SEMGREP := $(abspath $(LINT_VENV))/bin/semgrep scan --metrics=off --disable-version-check
lint: install $(LINT_VENV)/installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(LINT_VENV)/bin/bandit --quiet --recursive . --configfile pyproject.toml --severity-level medium
	cd .semgrep && $(SEMGREP) --test --quiet .
	$(SEMGREP) --config .semgrep/portal.yml --error --quiet .
	$(PY) scripts/check_deploy.py

# A dynamic scan (not in CI: about 15 minutes): the site with production settings on 127.0.0.1,
# its demo data in a SQLite file of its own (var/scan/), crawled and attacked by wapiti as a guest
# and as a signed-in citizen; the reports go to var/scan/report-*.json, and the target fails on a
# high or critical finding or any server error. wapiti runs in .venv-scan (its pins conflict with
# Django 5.2's). SCAN_ARGS passes options (e.g. --max-scan-time 300).
SCAN_VENV := .venv-scan
$(SCAN_VENV)/installed: requirements-scan.txt
	test -x $(SCAN_VENV)/bin/python || $(PYTHON) -m venv $(SCAN_VENV)
	$(SCAN_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(SCAN_VENV)/bin/python -m pip install --quiet -r requirements-scan.txt
	touch $@

scan: install $(SCAN_VENV)/installed
	$(MAKE) --no-print-directory compiled-messages
	$(PY) scripts/scan.py --wapiti $(SCAN_VENV)/bin/wapiti $(SCAN_ARGS)

# The README's screenshots: the main pages in Korean, on a phone and a desktop, taken in headless
# Chromium (apt-get install -y chromium) from the site with production settings and the demo data
# on loopback (var/screenshots/), into docs/screenshots/<page>-phone.png and <page>-desktop.png.
# SCREENSHOTS_ARGS passes options (e.g. --only home signin).
screenshots: install
	$(MAKE) --no-print-directory compiled-messages
	$(PY) scripts/screenshots.py $(SCREENSHOTS_ARGS)

clean:
	rm -rf var staticfiles .pytest_cache .ruff_cache .venv-lint .venv-scan
