"""Shared fixtures: the fixture site and the blog built once per session, fixture trees."""

import gc
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

# First, before any test module imports a plugin: see tests/sitebuild.py.
from tests.sitebuild import FIXTURES, ROOT, build_site

__all__ = ["FIXTURES", "ROOT", "build_site"]

# Tests run `make` as an author does, from a shell. Under `make test` the outer make's
# variables would reach every inner make (and make them say "make[1]: ***" instead of
# "make: ***"), so the tests would not see what an author sees.
for _name in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES", "SITEURL"):
    os.environ.pop(_name, None)


@pytest.fixture(scope="session")
def fixture_site(tmp_path_factory):
    """The whole-site fixture tree (tests/fixtures/site), built once per test session."""
    output = tmp_path_factory.mktemp("fixture-site")
    build_site(FIXTURES / "site", output)
    return output


@pytest.fixture(scope="session")
def real_site(tmp_path_factory):
    """The blog's own content/ tree, built once per test session."""
    output = tmp_path_factory.mktemp("real-site")
    build_site(ROOT / "content", output)
    return output


@pytest.fixture
def content_tree(tmp_path):
    """Copy a named fixture tree into a temporary folder and return its path."""

    def copy(name):
        target = tmp_path / name
        shutil.copytree(FIXTURES / name, target)
        return target

    return copy


# Pelican's namespace plugin an author adds with pip; it lists the pages content_written announces.
PELICAN_SITEMAP = "pelican-sitemap==1.2.2"


@pytest.fixture(scope="session")
def pelican_sitemap(tmp_path_factory):
    """A folder holding Pelican and pelican-sitemap, installed as an author would add them."""
    target = tmp_path_factory.mktemp("with-pelican-sitemap")
    pelican_version = __import__("pelican").__version__
    command = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    command += ["--no-deps", "--target", str(target), f"pelican=={pelican_version}"]
    process = subprocess.run([*command, PELICAN_SITEMAP], capture_output=True, text=True)
    assert process.returncode == 0, f"could not install {PELICAN_SITEMAP}:\n{process.stderr}"
    assert (target / "pelican" / "plugins" / "sitemap").is_dir()
    return target


@pytest.fixture
def collector_states(monkeypatch):
    """watch(module, name): the list that gets gc.isenabled() at each call of module.name."""

    def watch(module, name):
        states, real = [], getattr(module, name)

        def watched(*args, **kwargs):
            states.append(gc.isenabled())
            return real(*args, **kwargs)

        monkeypatch.setattr(module, name, watched)
        return states

    return watch


# ---- tiers -------------------------------------------------------------------------------------
# Every test gets one or more of the markers declared in pyproject.toml, found from what it does
# rather than written by hand: `browser` for tests/browser/; `site` for a test that builds a site
# (tests/sitebuild.py) or runs a command (a subprocess: make, pelican, a script, an external
# checker), itself, through a helper it calls or through a fixture it uses; `unit` for the rest
# (text in, text out; plain functions). `slow` stays as tests mark it (external checkers, time
# bounds, benches). `pytest -m unit` is the fast tier.

_RUNS_COMMANDS = {"subprocess", "multiprocessing"}
# Classes outside tests/sitebuild.py that build a whole site in the test's process.
_BUILDERS = {("scripts.devserver", "Builder")}


def _site_entry(value):
    """True if VALUE is something that builds a site or starts a process."""
    if getattr(value, "__name__", None) in _RUNS_COMMANDS and isinstance(value, type(os)):
        return True
    module = getattr(value, "__module__", None)
    if (module, getattr(value, "__qualname__", None)) in _BUILDERS:
        return True
    return module in _RUNS_COMMANDS or (module == "tests.sitebuild" and callable(value))


def _codes(code):
    yield code
    for constant in code.co_consts:
        if isinstance(constant, type(_codes.__code__)):
            yield from _codes(constant)


def _reaches_site(function, seen):
    """True if FUNCTION, or a function of the tests it calls, builds a site or runs a command."""
    function = getattr(function, "__wrapped__", function)
    code = getattr(function, "__code__", None)
    if code is None or code in seen:
        return False
    seen.add(code)
    names = {name for inner in _codes(code) for name in inner.co_names}
    if names & {"tests.sitebuild", *_RUNS_COMMANDS}:  # imported inside the function
        return True
    spaces = [function.__globals__, vars(__import__("builtins"))]
    for name in names:
        value = next((space[name] for space in spaces if name in space), None)
        if value is None:
            continue
        if _site_entry(value):
            return True
        defined_in = getattr(getattr(value, "__code__", None), "co_filename", "")
        if defined_in.startswith(str(ROOT / "tests")) and _reaches_site(value, seen):
            return True
    return False


def _builds(item):
    seen = set()
    if _reaches_site(getattr(item, "function", None), seen):
        return True
    fixtures = list(item._fixtureinfo.name2fixturedefs.values())
    # A fixture named by a parameter and taken with request.getfixturevalue(name).
    callspec = getattr(item, "callspec", None)
    for value in callspec.params.values() if callspec else ():
        if isinstance(value, str) and value.isidentifier():
            fixtures.append(item.session._fixturemanager.getfixturedefs(value, item) or ())
    for definitions in fixtures:
        for definition in definitions:
            if _reaches_site(definition.func, seen):
                return True
            # ... and the fixtures that fixture uses.
            for name in definition.argnames:
                for used in item.session._fixturemanager.getfixturedefs(name, item) or ():
                    if _reaches_site(used.func, seen):
                        return True
    return False


def pytest_collection_modifyitems(config, items):
    for item in items:
        parts = Path(str(item.path)).relative_to(ROOT / "tests").parts
        if parts[0] == "browser":
            item.add_marker(pytest.mark.browser)
        if _builds(item):
            item.add_marker(pytest.mark.site)
        if not any(item.get_closest_marker(tier) for tier in ("site", "browser", "slow")):
            item.add_marker(pytest.mark.unit)
