# Anye: `make run` serves the app on an embedded SQLite with a small demo city; `make test` runs every test.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
PORT   ?= $(or $(ANYE_PORT),8000)

.PHONY: install browser run test lint demo clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install -q --disable-pip-version-check -e ".[dev]"
	@rm -f $(VENV)/.installed-*
	@touch $@

install: $(STAMP)

# the browser tests drive Debian's chromium (Playwright never downloads a browser); `make test` installs it
# as root when missing. Elsewhere the browser tests skip without it, and under CI they fail.
browser:
	@test -x /usr/bin/chromium && dpkg -s fonts-noto-cjk >/dev/null 2>&1 || \
	  (apt-get update -q && apt-get install -y -q --no-install-recommends chromium fonts-noto-cjk) || \
	  echo "make: could not install chromium fonts-noto-cjk (not root?); the browser tests will skip"

run: install
	$(BIN)/anye db upgrade
	$(BIN)/anye demo load --scale small --if-empty
	$(BIN)/uvicorn api.app:app --host 127.0.0.1 --port $(PORT)

lint: install
	$(BIN)/ruff check models ingest matcher api tests bench migrations
	$(BIN)/lint-imports
	$(BIN)/mypy

test: lint browser
	$(BIN)/pytest -n 2 -p no:cacheprovider
	$(BIN)/python -m tests.privacy var/log

clean:
	rm -rf var/anye.sqlite3* var/demo
