"""Fixtures for whole-site theme tests: the fixture tree's posts, and variant builds of it."""

import os

import pytest
from sitepages import PROBE_PLUGINS, PUBLISH_URL, ROOT, SITE, read_post

from tests.sitebuild import build_site


@pytest.fixture(scope="session")
def fixture_posts():
    """Every published post in tests/fixtures/site, newest first."""
    posts = [read_post(path) for path in sorted((SITE / "articles").rglob("*.md"))]
    posts = [post for post in posts if post.get("status", "published") == "published"]
    return sorted(posts, key=lambda post: str(post["date"]), reverse=True)


@pytest.fixture(scope="session")
def paginated_site(tmp_path_factory):
    """The fixture tree with two posts per page, so that every listing paginates."""
    output = tmp_path_factory.mktemp("paginated-site")
    build_site(SITE, output, extra_settings={"DEFAULT_PAGINATION": 2})
    return output


@pytest.fixture(scope="session")
def bare_site(tmp_path_factory):
    """The fixture tree with only the plugins the theme cannot do without: the theme must not
    depend on themes, related_posts, topics or search to build and read well."""
    output = tmp_path_factory.mktemp("bare-site")
    build_site(
        SITE,
        output,
        extra_settings={"PLUGINS": '["plugins.yaml_metadata", "plugins.reading_time"]'},
    )
    return output


@pytest.fixture(scope="session")
def probe_site(tmp_path_factory):
    """The fixture tree with a test plugin that sets article.themes and article.related."""
    output = tmp_path_factory.mktemp("probe-site")
    settings = {
        "PLUGIN_PATHS": f'["{ROOT / "plugins"}", "{PROBE_PLUGINS}"]',
        "PLUGINS": '["plugins.yaml_metadata", "plugins.reading_time", "theme_probe"]',
    }
    build_site(SITE, output, extra_settings=settings)
    return output


@pytest.fixture(scope="session")
def published_site(tmp_path_factory):
    """The fixture tree built with the production settings and an absolute SITEURL."""
    output = tmp_path_factory.mktemp("published-site")
    env = {**os.environ, "SITEURL": PUBLISH_URL}
    build_site(SITE, output, conf="publish.conf.py", env=env)
    return output


@pytest.fixture(scope="session")
def one_tag_site(tmp_path_factory):
    """Two posts, one with one tag that names no theme: a site with exactly one tag."""
    content = tmp_path_factory.mktemp("one-tag-content")
    (content / "articles").mkdir()
    for number, tags in ((1, "[Gardening]"), (2, "[]")):
        (content / "articles" / f"post-{number}.md").write_text(
            f"---\ntitle: Post {number}\ndate: 2020-01-0{number} 10:00\ntags: {tags}\n---\n"
            "Supervision is where practice is thought about, not only checked.\n",
            encoding="utf-8",
        )
    output = tmp_path_factory.mktemp("one-tag-site")
    build_site(content, output)
    return output
