"""sitemap.xml lists every post, page and topic with lastmod; robots.txt points at it."""

from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlparse

import pytest
from lxml import etree

# Plugins are imported by their own names, as Pelican loads them from PLUGIN_PATHS.
from plugins import post_model
from plugins.sitemap import (
    SitemapError,
    absolute_url,
    point_robots_at_sitemap,
    render_sitemap,
    sitemap_entries,
    sitemap_settings,
)

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def day(n):
    return datetime(2020, 1, 1, 12, tzinfo=UTC) + timedelta(days=n)


def post(url, date, modified=None, themes=()):
    article = SimpleNamespace(url=url, date=date, modified=modified)
    post_model.of(article).themes = list(themes)
    return article


def theme(slug):
    return SimpleNamespace(slug=slug, name=slug.title(), url=f"topics/{slug}/")


# The plain core, without Pelican.


def test_entries_take_each_posts_newest_date_and_topics_their_newest_post():
    blame = theme("blame")
    articles = [
        post("2020/01/a/", day(0), modified=day(9), themes=[blame]),
        post("2020/01/b/", day(3), themes=[blame]),
        post("2020/01/c/", day(5)),
    ]
    pages = [SimpleNamespace(url="about/", date=None, modified=None)]
    entries = {e.path: e.lastmod for e in sitemap_entries(articles, pages, ("", "archives/"))}
    assert entries["2020/01/a/"] == day(9)  # modified beats the publication date
    assert entries["2020/01/b/"] == day(3)
    assert entries["topics/blame/"] == day(9)
    assert entries["topics/"] == day(9)
    assert entries["about/"] == entries[""] == entries["archives/"] == day(9)


def test_topic_pages_from_the_topics_plugin_include_empty_ones():
    articles = [post("2020/01/a/", day(2)), post("2020/01/b/", day(4))]
    topics = [
        SimpleNamespace(url="topics/blame/", articles=[articles[0]]),
        SimpleNamespace(url="topics/empty/", articles=[]),
    ]
    entries = {e.path: e.lastmod for e in sitemap_entries(articles, [], topics=topics)}
    assert entries["topics/blame/"] == day(2)
    assert entries["topics/empty/"] == entries["topics/"] == day(4)


def test_entries_are_sorted_and_listed_once_whatever_the_input_order():
    articles = [post(f"2020/01/{name}/", day(i)) for i, name in enumerate("dbca")]
    forward = sitemap_entries(articles, [])
    backward = sitemap_entries(list(reversed(articles)), [])
    assert forward == backward
    paths = [entry.path for entry in forward]
    assert paths == sorted(set(paths))


def test_an_empty_site_has_an_empty_sitemap():
    assert sitemap_entries([], []) == []
    assert "<url>" not in render_sitemap([], "https://example.org")


@pytest.mark.parametrize(
    ("siteurl", "expected"),
    [
        ("https://blog.example.org", "https://blog.example.org/2020/01/a/"),
        ("https://blog.example.org/", "https://blog.example.org/2020/01/a/"),
        ("", "/2020/01/a/"),
    ],
)
def test_urls_are_absolute_under_siteurl_and_from_the_root_without(siteurl, expected):
    assert absolute_url("2020/01/a/", siteurl) == expected


def test_render_escapes_and_is_valid_xml():
    entries = sitemap_entries([post("2020/01/a&b/", day(0))], [], listing_urls=())
    root = etree.fromstring(render_sitemap(entries, "https://x.org").encode())
    assert root.findtext("s:url/s:loc", namespaces=NS) == "https://x.org/2020/01/a&b/"
    assert root.findtext("s:url/s:lastmod", namespaces=NS) == "2020-01-01T12:00:00+00:00"


def test_robots_gets_the_absolute_sitemap_url():
    text = "User-agent: *\nDisallow:\n\n# Sitemap: /sitemap.xml\n"
    updated = point_robots_at_sitemap(text, "https://x.org/sitemap.xml")
    assert updated == "User-agent: *\nDisallow:\n\nSitemap: https://x.org/sitemap.xml\n"
    added = point_robots_at_sitemap("User-agent: *", "https://x.org/s.xml")
    assert added == "User-agent: *\nSitemap: https://x.org/s.xml\n"


def test_robots_of_a_local_build_has_no_invalid_relative_sitemap_line():
    updated = point_robots_at_sitemap("User-agent: *\nSitemap: /sitemap.xml\n", "/sitemap.xml")
    assert not [line for line in updated.splitlines() if line.lower().startswith("sitemap:")]
    assert "# Sitemap: /sitemap.xml" in updated


def test_bad_settings_are_refused_with_the_fix():
    with pytest.raises(SitemapError, match="SITEMAP_LISTING_URLS"):
        sitemap_settings({"SITEMAP_LISTING_URLS": "archives/"})
    with pytest.raises(SitemapError, match="SITEMAP_SAVE_AS"):
        sitemap_settings({"SITEMAP_SAVE_AS": 3})


# Whole-site builds.


def sitemap_of(site):
    """{loc: lastmod} of a built site's sitemap.xml."""
    root = etree.parse(str(Path(site) / "sitemap.xml")).getroot()
    return {
        url.findtext("s:loc", namespaces=NS): url.findtext("s:lastmod", namespaces=NS)
        for url in root.findall("s:url", NS)
    }


def listed_pages(site):
    """Every article, page and topic page the build wrote, as paths from the root."""
    site = Path(site)
    patterns = ["[0-9][0-9][0-9][0-9]/[0-9][0-9]/*/index.html", "topics/*/index.html"]
    found = {p.parent for pattern in patterns for p in site.glob(pattern)}
    pages_dir = {p.parent for p in site.glob("*/index.html")}
    # Pages are /{slug}/: top-level folders that are not listings the sitemap skips.
    skipped = {"archives", "categories", "tags", "authors", "search", "category", "tag", "author"}
    found |= {p for p in pages_dir if p.name not in skipped and not p.name.isdigit()}
    return sorted("/" + p.relative_to(site).as_posix() + "/" for p in found)


@pytest.mark.parametrize(("build", "prefix"), [("fixture_site", ""), ("published_site", "SITE")])
def test_sitemap_lists_every_article_page_and_topic(request, publish_siteurl, build, prefix):
    site = request.getfixturevalue(build)
    base = publish_siteurl if prefix else ""
    entries = sitemap_of(site)
    expected = [base + path for path in listed_pages(site)]
    missing = [url for url in expected if url not in entries]
    assert not missing, f"not in sitemap.xml: {missing}"
    for loc, lastmod in entries.items():
        assert loc.startswith(base + "/"), loc
        assert datetime.fromisoformat(lastmod).tzinfo is not None, (loc, lastmod)
        path = Path(site) / urlparse(loc).path.lstrip("/") / "index.html"
        assert path.is_file(), f"sitemap.xml lists {loc}, which the build did not write"


def test_sitemap_leaves_out_hidden_pages(fixture_site):
    assert not any("404" in loc for loc in sitemap_of(fixture_site))


def test_robots_txt_points_at_the_sitemap(published_site, publish_siteurl):
    robots = (Path(published_site) / "robots.txt").read_text(encoding="utf-8")
    lines = [line.strip() for line in robots.splitlines()]
    assert f"Sitemap: {publish_siteurl}/sitemap.xml" in lines
    assert "User-agent: *" in lines
