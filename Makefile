# make site  - set everything up and build the site into site/
# make test  - set everything up (Debian's chromium included) and run the whole test suite
# make bench - print the performance figures (build times, page weight, frame change, Lighthouse)
# make replicate - train every experiment again on other seeds and another numeric path, check every sentence there
# make pdf   - build, then print the article to site/article.pdf (or OUT=path.pdf) through headless Chromium
# make preview - live preview: build, serve at http://127.0.0.1:8000/, rebuild and reload on every save
#                (make preview PROFILE=quick: the short test runs)
PYTHON ?= python3.11
VENV   := .venv
PY     := $(VENV)/bin/python
JOBS   ?= 2
PROFILE ?= full

.PHONY: site test bench setup browser serve preview clean replicate
site: setup
	$(PY) -m generator build --jobs $(JOBS)

# needs a built site/ to compare with (make site first); its own cache and site: .cache-replicate/, .site-replicate-MODE/
# MODE=both (default: other seeds on another numeric path), seeds, or path (the same seeds, runs compared bit for bit)
replicate: setup
	$(PY) -m generator build --replicate $(or $(MODE),both) --jobs $(JOBS)

# The quick site the browser tests read (.site-test/, tests/conftest.py) starts building as soon as Python is set up,
# while the browser, the HTML checker and the npm packages install; the suite's own build then finds it current
test: setup
	$(PY) -m generator build --profile quick --jobs $(JOBS) --wait 1800 --out .site-test > .site-test-setup.log 2>&1 &
	$(MAKE) --no-print-directory browser checker axe embed
	$(PY) -m pytest -q -n $(JOBS) --durations=15

bench: setup browser tests/bench/node_modules/.installed
	$(PY) -m tests.bench.bench

.PHONY: pdf checker axe embed
pdf: site browser
	$(PY) -m generator.pdf --site site --out $(or $(OUT),site/article.pdf)

serve: site
	$(PY) -m generator serve

preview: setup
	$(PY) -m generator serve --watch --profile $(PROFILE) --jobs $(JOBS)

setup: $(VENV)/.installed templates/vendor/node_modules/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

templates/vendor/node_modules/.installed: templates/vendor/package.json templates/vendor/package-lock.json
	cd templates/vendor && npm ci --no-audit --no-fund --loglevel=error
	touch $@

tests/bench/node_modules/.installed: tests/bench/package.json tests/bench/package-lock.json
	cd tests/bench && npm ci --no-audit --no-fund --loglevel=error
	touch $@

browser:
	@command -v chromium >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq chromium >/dev/null)
	@chromium --version

# The Nu HTML checker (tests/browser/test_html_valid.py): vnu.jar from npm, Java from Debian
checker: tests/vnu/node_modules/.installed
	@command -v java >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq default-jre-headless >/dev/null)
	@java -version 2>&1 | head -1

tests/vnu/node_modules/.installed: tests/vnu/package.json tests/vnu/package-lock.json
	cd tests/vnu && npm ci --no-audit --no-fund --loglevel=error
	touch $@

# A stranger's page for the cross-origin embedding test (tests/browser/test_embed.py): vega, vega-lite and
# vega-embed from npm, pinned; a missing package fails the test
embed: tests/embed/node_modules/.installed

tests/embed/node_modules/.installed: tests/embed/package.json tests/embed/package-lock.json
	cd tests/embed && npm ci --no-audit --no-fund --loglevel=error
	touch $@

# axe-core, the accessibility checker tests/browser/test_accessibility.py injects into every page (npm, pinned)
axe: tests/axe/node_modules/.installed

tests/axe/node_modules/.installed: tests/axe/package.json tests/axe/package-lock.json
	cd tests/axe && npm ci --no-audit --no-fund --loglevel=error
	touch $@

clean:
	rm -rf site .cache .site-replicate-* .cache-replicate
