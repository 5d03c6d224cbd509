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
SITEURL ?= https://blog.example.org
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

.PHONY: help install import html serve devserver publish test lint clean

help:
	@echo 'Usage: make TARGET [VARIABLE=value ...]'
	@echo ''
	@echo '  make serve          build the site and serve it at http://$(SERVER):$(PORT)'
	@echo '  make test           run every test (installs what the tests need first)'
	@echo ''
	@echo '  make install        create .venv and install the pinned packages (once)'
	@echo '  make import         turn raw posts in SOURCES=$(SOURCES) into articles in OUT=$(OUT)'
	@echo '                      (add FORCE=1 to overwrite articles an author has edited)'
	@echo '  make html           build the site into OUTPUTDIR=$(OUTPUTDIR)'
	@echo '  make devserver      serve and rebuild whenever content changes'
	@echo '  make publish        build with production settings (SITEURL=$(SITEURL))'
	@echo '  make lint           check the Python code with ruff'
	@echo '  make clean          remove the built site'
	@echo ''
	@echo 'Variables: INPUTDIR, OUTPUTDIR, CONFFILE, PORT, DEBUG=1, RELATIVE=1, SITEURL'
	@echo 'e.g. make html INPUTDIR=/some/content OUTPUTDIR=/tmp/out'

install: $(INSTALLED)

$(INSTALLED): requirements.txt
	test -x "$(BIN)/python" || $(PY) -m venv "$(VENV)"
	"$(BIN)/python" -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch "$@"

import: $(INSTALLED)
	"$(BIN)/python" -m importer "$(SOURCES)" "$(OUT)" $(if $(filter 1,$(FORCE)),--force)

html: $(INSTALLED)
	"$(PELICAN)" "$(INPUTDIR)" -o "$(OUTPUTDIR)" -s "$(CONFFILE)" $(PELICANOPTS)

serve: html
	"$(PELICAN)" -l "$(INPUTDIR)" -o "$(OUTPUTDIR)" -s "$(CONFFILE)" -p $(PORT) -b $(SERVER)

devserver: $(INSTALLED)
	"$(PELICAN)" -lr "$(INPUTDIR)" -o "$(OUTPUTDIR)" -s "$(CONFFILE)" $(PELICANOPTS) -p $(PORT) -b $(SERVER)

publish: $(INSTALLED)
	"$(PELICAN)" "$(INPUTDIR)" -o "$(OUTPUTDIR)" -s "$(PUBLISHCONF)" $(PELICANOPTS)

test: $(INSTALLED)
	"$(BIN)/python" -m pytest

lint: $(INSTALLED)
	"$(BIN)/ruff" check .
	"$(BIN)/ruff" format --check .

clean:
	[ ! -d "$(OUTPUTDIR)" ] || rm -rf "$(OUTPUTDIR)"
