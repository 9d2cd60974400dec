# docgen — set-up, demo and tests. `make demo` and `make test` work on a fresh machine.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEBS   := fonts-noto-cjk fonts-arphic-ukai libharfbuzz-subset0 poppler-utils
PACKETS := $(sort $(wildcard samples/*/packet.yaml))

.PHONY: all install sysdeps demo test fuzz bench check-docx clean

all: test

# Python side: a virtual environment with the package, its test extras and the cluster extra
# (tests/build/test_cluster.py starts a Dask scheduler and workers).
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,cluster]'
	touch $(STAMP)

# System side: CJK fonts, HarfBuzz subsetting (fast font embedding), poppler (pdftotext, pdffonts).
sysdeps:
	@missing=""; for p in $(DEBS); do \
	  dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	  echo "installing:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	else \
	  echo "missing system packages:$$missing"; \
	  echo "run: sudo apt-get install -y$$missing"; \
	fi

# The YAML language server that VS Code's YAML extension runs: tests/authoring/test_editor.py
# drives it as an editor does. Installed when npm is there (its tests are skipped otherwise).
LS := .tools/node_modules/yaml-language-server/bin/yaml-language-server
LS_VERSION := 1.25.0
$(LS):
	@if command -v npm >/dev/null; then \
	  mkdir -p .tools && npm install --silent --no-audit --no-fund --prefix .tools yaml-language-server@$(LS_VERSION) >/dev/null; \
	else echo "npm not found: the editor tests (yaml-language-server) will be skipped"; fi

install: $(STAMP) sysdeps $(LS)

# Every packet under samples/: incremental (a second `make demo` rebuilds nothing), in parallel.
demo: install
	@for p in $(PACKETS); do \
	  name=$$(basename $$(dirname $$p)); \
	  echo "== $$name"; \
	  $(BIN)/docgen build $$p -o out/$$name || exit $$?; \
	done

test: install
	$(BIN)/pytest

# Property-based fuzzing of every input kind, over 5,000 mutated inputs (make test runs a few
# dozen); prints how many gave exit 0 and exit 2.
fuzz: install
	HYPOTHESIS_PROFILE=fuzz $(BIN)/pytest tests/fuzz -s -p no:cacheprovider

# docgen bench, side by side with LibreOffice on the same DOCX (BENCHMARKS.md). LibreOffice is
# installed here only, when run as root: users and tests never need it.
bench: install
	@if ! command -v soffice >/dev/null && [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	  echo "installing: libreoffice-writer-nogui (for the comparison only)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libreoffice-writer-nogui >/dev/null; \
	fi
	$(BIN)/docgen bench -n 3

# The demo's DOCX as LibreOffice lays them out, through the preflight: each DOCX converted to PDF
# (out-lo/<packet>/), with docgen's fontconfig aliases for the official faces, then docgen check.
# LibreOffice is installed here only, when run as root.
check-docx: demo
	@if ! command -v soffice >/dev/null && [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	  echo "installing: libreoffice-writer-nogui (for the DOCX check only)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libreoffice-writer-nogui >/dev/null; \
	fi
	@if ! command -v soffice >/dev/null; then \
	  echo "LibreOffice (soffice) is not installed: the DOCX check is skipped; run as root, or apt-get install libreoffice-writer-nogui"; \
	  exit 0; fi; \
	rm -rf out-lo; for d in out/*/; do \
	  name=$$(basename $$d); mkdir -p out-lo/$$name; \
	  FONTCONFIG_FILE=$(CURDIR)/docgen/resources/fonts.conf soffice --headless --convert-to pdf \
	    --outdir out-lo/$$name $$d*.docx >/dev/null || exit $$?; \
	done; \
	$(BIN)/docgen check out-lo/*/
	$(BIN)/pytest -q -m libreoffice  # layouts measured on LibreOffice's pages (GB/T 9704 geometry)

clean:
	rm -rf out out-lo .pytest_cache
