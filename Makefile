# Build, preview, test and publish the blog. `make help` lists the targets.
# Variables keep the names and meaning of the Makefile that pelican-quickstart writes.

PY ?= python3
VENV ?= $(CURDIR)/.venv
BIN = $(VENV)/bin
PELICAN ?= $(BIN)/pelican
PELICANOPTS ?=

BASEDIR = $(CURDIR)
INPUTDIR = $(BASEDIR)/content
OUTPUTDIR = $(BASEDIR)/output
CONFFILE = $(BASEDIR)/pelican.conf.py
PUBLISHCONF = $(BASEDIR)/publish.conf.py

SOURCES ?= sources
OUT ?= content/articles
# The published site's address: set SITEURL in publish.conf.py once, or SITEURL=... here.
# No default: publishing for a placeholder address would put a broken site online.
SITEURL ?=
export SITEURL

# A build with an error in any post fails instead of skipping the post.
PELICANOPTS += --fatal errors

DEBUG ?= 0
ifeq ($(DEBUG), 1)
	PELICANOPTS += -D
endif

RELATIVE ?= 0
ifeq ($(RELATIVE), 1)
	PELICANOPTS += --relative-urls
endif

SERVER ?= 127.0.0.1
PORT ?= 8000

INSTALLED = $(VENV)/.installed
# The project's own Python compiled to bytecode (__pycache__/, git-ignored) once a source is
# newer than the last compile. A build imports ~100 of our modules; where
# PYTHONDONTWRITEBYTECODE is set (containers, CI, this project's build machine) Python never
# keeps what it compiles, and every build compiled them all again: 0.17 s before the first
# post (bench/README.md). Make compares the time stamps; Python runs only after an edit.
COMPILED = $(VENV)/.compiled
CODE_SOURCES := $(shell find plugins importer scripts -name '*.py' 2>/dev/null)

.PHONY: bench help install import themes html serve devserver publish test lint clean test-deps system-test-deps newpost check rsync_upload github s3_upload upload-tools

help:
	@echo 'Usage: make TARGET [VARIABLE=value ...]'
	@echo ''
	@echo '  make serve          build the site and serve it at http://$(SERVER):$(PORT)'
	@echo '  make test           run every test (installs what the tests need first)'
	@echo '  make test-deps      install Chromium, Java and the npm checkers (axe, vnu, Lighthouse)'
	@echo ''
	@echo '  make install        create .venv and install the pinned packages (once)'
	@echo '  make import         turn raw posts in SOURCES=$(SOURCES) into articles in OUT=$(OUT)'
	@echo '                      (add FORCE=1 to overwrite articles an author has edited)'
	@echo '  make themes         list every post in INPUTDIR with its themes and the evidence'
	@echo '  make html           build the site into OUTPUTDIR=$(OUTPUTDIR)'
	@echo '  make devserver      serve and rebuild whenever content changes'
	@echo '  make publish        build for the site address (SITEURL in publish.conf.py) into'
	@echo '                      OUTPUTDIR.new, check its links, then swap it into OUTPUTDIR'
	@echo '  make newpost TITLE="..." [SLUG=url-name]  start a draft post in content/articles/YYYY/'
	@echo '                      (MODEL=driscoll or MODEL=gibbs: headings of that reflective model)'
	@echo '  make check          check every post without building (all problems at once)'
	@echo '  make rsync_upload   publish, then rsync to RSYNC_TARGET=user@host:/path/ [SSH_PORT]'
	@echo '  make github         publish, then push to GITHUB_PAGES_REMOTE [GITHUB_PAGES_BRANCH]'
	@echo '  make s3_upload      publish, then sync to S3_BUCKET [S3_ENDPOINT_URL]'
	@echo '  make bench          time the full build against plain Pelican on N=$(N) synthetic posts'
	@echo '                      (N=10000 adds the scaling run; PROFILE=1 adds a cProfile top ten),'
	@echo '                      then a Blogger export of IMPORT_N=$(IMPORT_N) posts through make import'
	@echo '  make lint           check the Python code with ruff'
	@echo '  make clean          remove the built site and the build cache'
	@echo ''
	@echo 'Variables: INPUTDIR, OUTPUTDIR, CONFFILE, PORT, DEBUG=1, RELATIVE=1, SITEURL'
	@echo 'e.g. make html INPUTDIR=/some/content OUTPUTDIR=/tmp/out'

install: $(INSTALLED)

$(INSTALLED): requirements.txt pyproject.toml
	test -x "$(BIN)/python" || $(PY) -m venv "$(VENV)"
	"$(BIN)/python" -m pip install --quiet --disable-pip-version-check -r requirements.txt
	"$(BIN)/python" -m pip install --quiet --disable-pip-version-check --no-deps --editable .
	touch "$@"

$(COMPILED): $(INSTALLED) $(CODE_SOURCES)
	@"$(BIN)/python" -m compileall -q plugins importer scripts >/dev/null
	@touch "$@"

import: $(COMPILED)
	"$(BIN)/python" -m importer "$(SOURCES)" "$(OUT)" $(if $(filter 1,$(FORCE)),--force) $(if $(REPORT),--report "$(REPORT)")

themes: $(COMPILED)
	"$(BIN)/python" scripts/themes_report.py "$(INPUTDIR)" -s "$(CONFFILE)"

# @: the command line itself is not something an author needs to read (DEBUG=1 shows detail).
html: $(COMPILED)
	@"$(PELICAN)" "$(INPUTDIR)" -o "$(OUTPUTDIR)" -s "$(CONFFILE)" $(PELICANOPTS)

# The port is checked before the build, so a busy one fails at once (scripts/serve.py).
serve: $(COMPILED)
	@"$(BIN)/python" scripts/serve.py --check-port --host $(SERVER) --port $(PORT)
	@$(MAKE) --no-print-directory html
	@"$(BIN)/python" scripts/serve.py "$(OUTPUTDIR)" --host $(SERVER) --port $(PORT)

# Rebuilds on save and reloads the open browser page (livereload); Ctrl-C stops it.
devserver: $(COMPILED)
	@"$(BIN)/python" scripts/devserver.py --content "$(INPUTDIR)" --output "$(OUTPUTDIR)" -s "$(CONFFILE)" --host $(SERVER) --port $(PORT)

# Builds into OUTPUTDIR.new, checks every internal link, and swaps it in only if all is well.
publish: $(COMPILED)
	"$(BIN)/python" scripts/publish.py --content "$(INPUTDIR)" --output "$(OUTPUTDIR)" -s "$(PUBLISHCONF)" $(if $(filter 1,$(DEBUG)),-- -D)

# Start a draft: make newpost TITLE="Why supervision matters" (SLUG=... to choose the URL name).
newpost: $(INSTALLED)
	"$(BIN)/python" scripts/newpost.py --content "$(INPUTDIR)"

# Check every post without building: all problems at once, exit 1 on errors.
check: $(COMPILED)
	@"$(BIN)/python" scripts/check_content.py "$(INPUTDIR)" -s "$(CONFFILE)"

# Uploads publish first, say what they will do and where, and need their settings:
#   make rsync_upload RSYNC_TARGET=me@host:/srv/blog/ [SSH_PORT=22]  (or a local folder)
#   make github GITHUB_PAGES_REMOTE=git@github.com:me/blog.git [GITHUB_PAGES_BRANCH=gh-pages]
#   make s3_upload S3_BUCKET=my-blog [S3_ENDPOINT_URL=https://...]  (credentials: AWS_* as usual)
UPLOAD = "$(BIN)/python" scripts/upload.py --content "$(INPUTDIR)" --output "$(OUTPUTDIR)"
UPLOAD_VENV = $(CURDIR)/.venv-upload

rsync_upload: $(INSTALLED)
	$(UPLOAD) rsync

github: $(INSTALLED)
	$(UPLOAD) github

# Settings are checked before awscli is installed, so a refusal comes first and alone.
s3_upload: $(INSTALLED)
	@$(UPLOAD) s3 --check-settings
	@$(MAKE) --no-print-directory upload-tools
	$(UPLOAD) s3 --aws "$(UPLOAD_VENV)/bin/aws"

# awscli pins an old docutils that Pelican cannot use, so it lives in its own venv.
upload-tools: $(UPLOAD_VENV)/.installed

$(UPLOAD_VENV)/.installed: requirements-upload.txt
	test -x "$(UPLOAD_VENV)/bin/python" || $(PY) -m venv "$(UPLOAD_VENV)"
	"$(UPLOAD_VENV)/bin/python" -m pip install --quiet --disable-pip-version-check -r requirements-upload.txt
	touch "$@"

# Tests run in TEST_WORKERS processes (pytest-xdist; each test is in one of them); TEST_WORKERS=0
# runs them all in this one.
TEST_WORKERS ?= 2
test: $(INSTALLED) test-deps
	"$(BIN)/python" -m pytest $(if $(filter-out 0,$(TEST_WORKERS)),-n $(TEST_WORKERS))

# What the browser, validity and Lighthouse checks run: Debian's Chromium, Java for
# vnu, pandoc (for Pelican's own pelican-import, which a Blogger import test compares with),
# and the npm packages pinned in package-lock.json. Each is installed only when missing
# or out of date, so a fresh Debian machine (CI, as root) gets everything from `make test`.
NODE_DEPS = node_modules/.installed

test-deps: $(INSTALLED) $(NODE_DEPS)

system-test-deps:
	@missing=""; \
	test -x /usr/bin/chromium || missing="$$missing chromium"; \
	command -v pandoc >/dev/null || missing="$$missing pandoc"; \
	command -v java >/dev/null || missing="$$missing default-jre-headless"; \
	command -v npm >/dev/null || missing="$$missing npm"; \
	if [ -n "$$missing" ]; then \
		echo "Installing Debian packages:$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

# --ignore-scripts: vnu-jar's install script would download a Java runtime; Debian's is used.
$(NODE_DEPS): package-lock.json | system-test-deps
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch "$@"

# A benchmark, not a test: figures go to bench/results/DATE-N$(N).md and .json.
N ?= 1000
PAIRS ?= 3
PROFILE ?= 0
IMPORT_N ?= 5000
bench: $(INSTALLED)
	"$(BIN)/python" bench/run.py --n $(N) --pairs $(PAIRS) $(if $(filter 1,$(PROFILE)),--profile)
	"$(BIN)/python" bench/import_blogger.py --n $(IMPORT_N)
	"$(BIN)/python" bench/linearity.py
	"$(BIN)/python" bench/size.py

lint: $(INSTALLED)
	"$(BIN)/ruff" check .
	"$(BIN)/ruff" format --check .

# Removes OUTPUTDIR only when a build of ours made it (plugins/site_marker's .blog-build file):
# `make clean OUTPUTDIR=content` (or `.`) must never delete posts or the project.
clean:
	@if [ -e "$(OUTPUTDIR)" ] || [ -L "$(OUTPUTDIR)" ]; then \
		if [ -d "$(OUTPUTDIR)" ] && [ -f "$(OUTPUTDIR)/.blog-build" ]; then \
			rm -rf "$(OUTPUTDIR)"; \
		else \
			echo "clean: $(OUTPUTDIR) was not made by a build of this blog (no .blog-build file in it), so it was left alone; remove it yourself if you are sure." >&2; \
			exit 1; \
		fi; \
	fi
	rm -rf "$(BASEDIR)/cache"
