# 同心 — two commands on a fresh machine: `make run` and `make test`.
PORT ?= 8000
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
VENV_STAMP := $(VENV)/.installed
NPM_STAMP := node_modules/.installed
SYSTEM_STAMP := var/.system-packages
STATIC_STAMP := var/static/.collected
STATIC_SOURCES := $(shell find . -path ./node_modules -prune -o -path ./.venv -prune -o -path ./var -prune -o -path '*/static/*' -type f -print)
export DJANGO_SETTINGS_MODULE ?= tongxin.settings.dev

.PHONY: setup run dev static test test-fast test-browser lint format bench demo migrate system-packages clean

# Python packages into .venv (again only when pyproject.toml changes).
$(VENV_STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip >/dev/null
	$(PIP) install -q ".[dev]"
	@touch $@

# Front-end packages from npm, pinned by the lock file, served by the app itself (no CDN).
$(NPM_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# System packages: Chinese fonts and Pango (PDF), Chromium (browser tests). apt only when missing and root.
system-packages:
	@missing=""; \
	for p in fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 chromium; do \
	  dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then echo "安装系统软件包：$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "缺少系统软件包：$$missing（请以 root 运行或手动安装）"; fi; \
	fi

migrate: $(VENV_STAMP)
	$(PY) manage.py migrate --noinput -v0

demo: migrate
	$(PY) manage.py load_demo

setup: $(VENV_STAMP) $(NPM_STAMP) demo

# Static files (the app's and the npm packages') into var/static, hashed and compressed, served by WhiteNoise.
# Again only when a static file or the npm packages change.
$(STATIC_STAMP): $(VENV_STAMP) $(NPM_STAMP) $(STATIC_SOURCES)
	DJANGO_SETTINGS_MODULE=tongxin.settings.run $(PY) manage.py collectstatic --noinput -v0
	@touch $@

static: $(STATIC_STAMP)

# As production serves it: gunicorn, DEBUG off, WhiteNoise, the app's own error pages (tongxin/settings/run.py:
# plain http on 127.0.0.1, so no Secure cookies or HSTS). Ctrl-C stops it.
run: setup static
	@echo ""
	@echo "同心已就绪：http://127.0.0.1:$(PORT)"
	@echo "演示账号（密码均为 Tongxin@2025）："
	@echo "  admin 系统管理员 · staff 工作人员 · leader 领导 · member 委员 · advisor 顾问 · unit 承办单位 · partner 联动单位"
	@echo ""
	@# The background jobs (large exports, the year-end closing) run in a worker beside the web server.
	DJANGO_SETTINGS_MODULE=tongxin.settings.run $(PY) manage.py db_worker --interval 1 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	DJANGO_SETTINGS_MODULE=tongxin.settings.run PORT=$(PORT) $(VENV)/bin/gunicorn -c tongxin/gunicorn.conf.py

# The development server: DEBUG on, code reloaded on change, static files straight from the apps and node_modules.
dev: setup
	$(PY) manage.py db_worker --interval 1 --reload & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

# The suite on both cores (pytest-xdist); `make test PYTEST_ARGS=` runs it in one process.
PYTEST_ARGS ?= -n 2
test: system-packages $(VENV_STAMP) $(NPM_STAMP)
	DJANGO_SETTINGS_MODULE=tongxin.settings.test $(PY) -m pytest $(PYTEST_ARGS)

test-fast: $(VENV_STAMP) $(NPM_STAMP)
	DJANGO_SETTINGS_MODULE=tongxin.settings.test $(PY) -m pytest -m "not browser"

lint: $(VENV_STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

format: $(VENV_STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Benchmarks (docs/benchmarks.md): each app's bench.py, the city-scale benchmark (bench/scale.py: generate_scale_data
# + the main pages + a 100,000-row export) and the load tests (bench/load.py: locust against two gunicorn processes;
# "mixed" on PostgreSQL + Redis, "writers" on SQLite). More scales: BENCH_SCALES="city national"; the province
# on PostgreSQL: BENCH_SCALES=province BENCH_SCALE_DATABASE_URL=postgres://…/tongxin_bench_province.
bench: setup
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) node_modules var
