"""A production build (`make publish` settings) of the whole-site fixture, with robots.txt."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SITEURL = "https://blog.example.org"


@pytest.fixture(scope="session")
def published_site(tmp_path_factory):
    """tests/fixtures/site plus the blog's content/extra, built with publish.conf.py."""
    work = tmp_path_factory.mktemp("published")
    content = work / "content"
    shutil.copytree(ROOT / "tests" / "fixtures" / "site", content)
    if not (content / "extra" / "robots.txt").exists():
        shutil.copytree(ROOT / "content" / "extra", content / "extra", dirs_exist_ok=True)
    output = work / "output"
    pelican_build(content, output, conf="publish.conf.py", env={"SITEURL": SITEURL})
    return output


def pelican_build(content, output, conf="pelican.conf.py", settings=(), env=None, check=True):
    """Build CONTENT into OUTPUT as the Makefile does (-e NAME=JSON for each of SETTINGS).

    Returns OUTPUT; with check=False, returns the finished process instead.
    """
    pelican = Path(sys.executable).with_name("pelican")
    command = [str(pelican), str(content), "-o", str(output), "-s", str(ROOT / conf)]
    command += ["--fatal", "errors"]
    for name, value in dict(settings).items():
        command += ["-e", f"{name}={value}"]
    process = subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, env={**os.environ, **(env or {})}
    )
    if not check:
        return process
    assert process.returncode == 0, f"build failed:\n{process.stdout}\n{process.stderr}"
    return output


@pytest.fixture(scope="session")
def build():
    """The pelican_build function, for tests that build a site with their own settings."""
    return pelican_build


@pytest.fixture(scope="session")
def publish_siteurl():
    """The SITEURL the published_site build uses."""
    return SITEURL
