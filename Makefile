# Two commands on a fresh machine: `make run` and `make test` (README). Everything they need is
# installed here, system packages included, so a clean clone on a new machine works.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
PG_HOST ?= 127.0.0.1
PG_USER ?= postgres
DB_NAME ?= portal
HOST ?= 127.0.0.1
PORT ?= 8000
export DATABASE_URL ?= postgres://$(PG_USER)@$(PG_HOST):5432/$(DB_NAME)
export REDIS_URL ?= redis://127.0.0.1:6379/0

# WeasyPrint needs Pango (and HarfBuzz's subsetter, so it does not fall back to slow fontTools
# subsetting); letters need CJK fonts; browser tests drive Debian's Chromium; gettext compiles the
# translations; poppler-utils turns letters into PNGs for looking at them.
APT_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk gettext poppler-utils chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# One test process per core (pytest-xdist); a file's tests stay in one process, so a module's shared world
# (the access matrix's) is built once. Each process has its own test database and Redis database
# (tests/testenv.py). PYTEST_PARALLEL= runs them in one process.
PYTEST_PARALLEL ?= -n auto --dist loadfile
RUN_DIR := var/run
LOG_DIR := var/log

.PHONY: help run web stop test test-fast bench bench-data lint system-deps venv dev-venv services db migrate messages load seal static assets backup restore

help:
	@echo "make run    install, migrate, load the catalogue and demo data, start web + worker"
	@echo "make test   install what tests need and run every test"
	@echo "make test-fast   the edit loop: every test but the browser and real-worker ones"
	@echo "make bench  print benchmark figures"
	@echo "make stop   stop what make run started"
	@echo "make backup / make restore BACKUP=... [MEDIA=...]   database and uploaded files (README, Operations)"

system-deps:
	@missing=$$(for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	command -v npm >/dev/null || missing="$$missing nodejs npm"; \
	if [ -n "$$missing" ]; then \
	  echo "installing system packages: $$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi

$(VENV)/.runtime: requirements.txt
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev: requirements-dev.txt requirements.txt $(VENV)/.runtime
	$(PY) -m pip install -q -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

assets: node_modules/.installed

venv: system-deps $(VENV)/.runtime assets
dev-venv: venv $(VENV)/.dev

# PostgreSQL and Redis run on this machine; start them if they are down (commands of the machine's docs).
services:
	@pg_isready -q -h $(PG_HOST) || { echo "starting PostgreSQL"; $(SUDO) pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start; \
	  for i in $$(seq 30); do pg_isready -q -h $(PG_HOST) && break; sleep 1; done; }
	@redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 || { echo "starting Redis"; $(SUDO) redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log; \
	  for i in $$(seq 30); do redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 && break; sleep 1; done; }

db: services
	@psql -h $(PG_HOST) -U $(PG_USER) -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname='$(DB_NAME)'" | grep -q 1 \
	  || createdb -h $(PG_HOST) -U $(PG_USER) $(DB_NAME)

messages: venv
	$(PY) manage.py compilemessages -v0 --ignore='.venv/*' --ignore='var/*' --ignore='node_modules/*'

migrate: venv db
	$(PY) manage.py migrate --no-input -v0

load: migrate
	$(PY) manage.py load_catalogue
	$(PY) manage.py load_demo

# The demo's digital seals (var/seal, never committed): a demo CA and a key per commission, made once.
seal: load
	$(PY) manage.py seal_demo_ca

static: venv
	$(PY) manage.py collectstatic --no-input -v0

# `make run` serves the portal as production does, DEBUG off: its own 404/403/500 pages (never Django's debug
# page listing every URL), static files compressed and fingerprinted by whitenoise. Only what plain http on this
# machine needs differs from production: no HTTPS redirect, no secure-only cookies, no HSTS, mails written to
# var/mail/, plain log lines, a secret key made once for this machine (var/secret_key).
# `DEBUG=1 make run` runs with Django's debug pages and tooling instead.
run: export DEBUG ?= 0
run: export SECRET_KEY ?= $(shell mkdir -p var && { test -s var/secret_key || python3 -c 'import secrets; print(secrets.token_urlsafe(50))' > var/secret_key; } && cat var/secret_key)
run: export SECURE_SSL_REDIRECT ?= 0
run: export SESSION_COOKIE_SECURE ?= 0
run: export CSRF_COOKIE_SECURE ?= 0
run: export SECURE_HSTS_SECONDS ?= 0
run: export SECURE_HSTS_INCLUDE_SUBDOMAINS ?= 0
run: export SECURE_HSTS_PRELOAD ?= 0
run: export EMAIL_BACKEND ?= django.core.mail.backends.filebased.EmailBackend
run: export LOG_FORMAT ?= plain
run: venv messages load seal static stop
	@mkdir -p $(RUN_DIR) $(LOG_DIR)
	$(VENV)/bin/celery -A portal worker --beat -l info -c 2 --schedule $(RUN_DIR)/celerybeat-schedule \
	  --pidfile $(RUN_DIR)/worker.pid --logfile $(LOG_DIR)/worker.log --detach
	$(MAKE) -s web
	@for i in $$(seq 60); do curl -sf http://$(HOST):$(PORT)/healthz >/dev/null && break; sleep 1; done
	@curl -s http://$(HOST):$(PORT)/healthz; echo
	@echo
	@echo "The portal runs at http://$(HOST):$(PORT)/  (API docs: /api/docs/, health: /healthz)"
	@$(PY) manage.py load_demo --print-logins
	@echo "Logs in $(LOG_DIR)/; stop with: make stop"

# The web server alone, daemonised, its error log (Django's tracebacks too) and access lines in LOG_DIR
# (portal/gunicorn_conf.py); tests/portal/test_logging_config.py starts it this way.
web:
	@mkdir -p $(RUN_DIR) $(LOG_DIR)
	BIND=$(HOST):$(PORT) LOG_FILE=$(abspath $(LOG_DIR))/web.log ACCESS_LOG_FILE=$(abspath $(LOG_DIR))/web-access.log \
	  $(VENV)/bin/gunicorn -c python:portal.gunicorn_conf portal.wsgi --pid $(abspath $(RUN_DIR))/web.pid --daemon

stop:
	@for p in web worker; do \
	  if [ -f $(RUN_DIR)/$$p.pid ]; then kill $$(cat $(RUN_DIR)/$$p.pid) 2>/dev/null || true; rm -f $(RUN_DIR)/$$p.pid; fi; \
	done; sleep 1

lint: dev-venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# Tests use their own Redis database and Celery queue, so a running `make run` worker never takes
# their tasks; pytest-django creates and drops the test database.
test: dev-venv services messages
	$(VENV)/bin/ruff check .
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/pytest $(PYTEST_PARALLEL)

# The edit loop: no headless Chromium, no Celery worker subprocess (`make test` before committing).
test-fast: dev-venv services messages
	$(VENV)/bin/pytest $(PYTEST_PARALLEL) -m "not browser and not worker" -q

# The benchmark has its own database: migrated, catalogue loaded, and the scale data set (5,000
# organisations, 100,000 applications; tests/bench/scale_data.py) generated once and kept between runs.
BENCH_DB ?= portal_bench
BENCH_URL := postgres://$(PG_USER)@$(PG_HOST):5432/$(BENCH_DB)

bench-data: dev-venv messages services
	@psql -h $(PG_HOST) -U $(PG_USER) -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname='$(BENCH_DB)'" | grep -q 1 \
	  || createdb -h $(PG_HOST) -U $(PG_USER) $(BENCH_DB)
	DATABASE_URL=$(BENCH_URL) $(PY) manage.py migrate --no-input -v0
	DATABASE_URL=$(BENCH_URL) $(PY) manage.py load_catalogue
	DATABASE_URL=$(BENCH_URL) $(PY) -m tests.bench.generate --if-missing

bench: bench-data
	DATABASE_URL=$(BENCH_URL) REDIS_URL=redis://127.0.0.1:6379/14 $(PY) -m tests.bench

# Backups (README, "Operations"): the database in pg_dump's custom format plus the uploaded documents and
# letters under MEDIA_ROOT. tests/portal/test_backup.py runs both targets on a scratch database.
BACKUP_DIR ?= var/backups
MEDIA_DIR ?= var/media

backup:
	@mkdir -p $(BACKUP_DIR)
	@stamp=$$(date +%Y%m%d-%H%M%S); \
	pg_dump -h $(PG_HOST) -U $(PG_USER) --format=custom --file=$(BACKUP_DIR)/$(DB_NAME)-$$stamp.dump $(DB_NAME) && \
	mkdir -p $(MEDIA_DIR) && tar -czf $(BACKUP_DIR)/$(DB_NAME)-media-$$stamp.tar.gz -C $(MEDIA_DIR) . && \
	echo "$(BACKUP_DIR)/$(DB_NAME)-$$stamp.dump $(BACKUP_DIR)/$(DB_NAME)-media-$$stamp.tar.gz"

# Into DB_NAME, created if missing; objects already there are replaced (--clean).
restore:
	@test -f "$(BACKUP)" || { echo "usage: make restore BACKUP=<file.dump> [MEDIA=<media.tar.gz>] [DB_NAME=...]"; exit 2; }
	@psql -h $(PG_HOST) -U $(PG_USER) -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname='$(DB_NAME)'" | grep -q 1 \
	  || createdb -h $(PG_HOST) -U $(PG_USER) $(DB_NAME)
	pg_restore -h $(PG_HOST) -U $(PG_USER) --clean --if-exists --no-owner --exit-on-error -d $(DB_NAME) $(BACKUP)
	@if [ -n "$(MEDIA)" ]; then mkdir -p $(MEDIA_DIR) && tar -xzf $(MEDIA) -C $(MEDIA_DIR); fi
