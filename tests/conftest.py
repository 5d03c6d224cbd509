"""Shared fixtures: the fixture site and the blog built once per session, fixture trees."""

import os
import shutil

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
