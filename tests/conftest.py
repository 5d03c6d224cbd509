"""Shared helpers: build a content tree with the project's settings, theme and plugins."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
PELICAN = Path(sys.executable).with_name("pelican")

# Tests run `make` as an author does, from a shell. Under `make test` the outer make's
# variables would reach every inner make (and make them say "make[1]: ***" instead of
# "make: ***"), so the tests would not see what an author sees.
for _name in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES", "SITEURL"):
    os.environ.pop(_name, None)


def build_site(content, output, conf="pelican.conf.py", extra_settings=None, check=True, env=None):
    """Build CONTENT into OUTPUT as `make html` does; return the finished process."""
    command = [str(PELICAN), str(content), "-o", str(output), "-s", str(ROOT / conf)]
    command += ["--fatal", "errors"]
    # One -e for all settings: Pelican keeps only the last -e it is given.
    if extra_settings:
        command += ["-e", *(f"{name}={value}" for name, value in extra_settings.items())]
    process = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, env=env)
    if check and process.returncode != 0:
        raise AssertionError(
            f"build of {content} failed ({process.returncode}):\n{process.stdout}\n{process.stderr}"
        )
    return process


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
