"""A production build (`make publish` settings) of the whole-site fixture, with robots.txt."""

import os
import shutil
from pathlib import Path

import pytest

from tests.sitebuild import build_site

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
    """Build CONTENT into OUTPUT as the Makefile does (SETTINGS: {NAME: JSON}, as for `-e`).

    Returns OUTPUT; with check=False, returns the finished build (tests/sitebuild.py) instead.
    """
    result = build_site(
        content,
        output,
        conf=conf,
        extra_settings=dict(settings),
        check=check,
        env={**os.environ, **(env or {})},
    )
    return result if not check else output


@pytest.fixture(scope="session")
def build():
    """The pelican_build function, for tests that build a site with their own settings."""
    return pelican_build


@pytest.fixture(scope="session")
def publish_siteurl():
    """The SITEURL the published_site build uses."""
    return SITEURL
