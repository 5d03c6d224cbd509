"""Atom and RSS for the whole site: valid for feed readers, complete, and discoverable."""

from pathlib import Path
from urllib.parse import urlparse

import feedparser
import pytest
from bs4 import BeautifulSoup

FEEDS = {"atom": "feeds/all.atom.xml", "rss": "feeds/all.rss.xml"}
FEED_TYPES = {"atom": "application/atom+xml", "rss": "application/rss+xml"}


def article_files(site):
    """The article pages of a built site: {url path from the root: index.html file}."""
    return {
        "/" + path.parent.relative_to(site).as_posix() + "/": path
        for path in Path(site).glob("[0-9][0-9][0-9][0-9]/[0-9][0-9]/*/index.html")
    }


def words(html):
    """The visible text of HTML as one line of words, for comparing content."""
    return " ".join(BeautifulSoup(html, "lxml").get_text(" ").split())


def entry_html(entry):
    """The full HTML an entry carries: Atom's <content>, else RSS's <description>."""
    if entry.get("content"):
        return entry.content[0].value
    return entry.get("summary", "")


def parse(site, kind):
    feed = feedparser.parse((Path(site) / FEEDS[kind]).read_bytes())
    assert feed.bozo == 0, f"{FEEDS[kind]} does not parse cleanly: {feed.get('bozo_exception')}"
    return feed


@pytest.mark.parametrize("kind", FEEDS)
def test_feeds_parse_and_list_every_post(fixture_site, kind):
    feed = parse(fixture_site, kind)
    assert feed.feed.get("title")
    assert len(feed.entries) == len(article_files(fixture_site))
    for entry in feed.entries:
        assert entry.get("title") and entry.get("link")


@pytest.mark.parametrize("kind", FEEDS)
def test_published_feeds_carry_full_content_with_absolute_links(
    published_site, publish_siteurl, kind
):
    feed = parse(published_site, kind)
    pages = article_files(published_site)
    assert len(feed.entries) == len(pages)
    for entry in feed.entries:
        assert entry.link.startswith(publish_siteurl + "/"), entry.link
        page = pages[urlparse(entry.link).path]
        body = BeautifulSoup(page.read_text(encoding="utf-8"), "lxml").select_one(".post-body")
        html = entry_html(entry)
        # Full content: every word of the post's body is in the feed, not a summary.
        assert words(str(body)) in words(html), f"{entry.link}: the feed holds a summary only"
        for element in BeautifulSoup(html, "lxml").select("a[href], img[src]"):
            target = element.get("href") or element.get("src")
            assert target.startswith(("http://", "https://", "mailto:", "#")), (
                f"{entry.link}: relative link {target!r} in the feed"
            )


@pytest.mark.parametrize("build", ["fixture_site", "published_site"])
def test_home_page_announces_both_feeds(request, build):
    site = Path(request.getfixturevalue(build))
    head = BeautifulSoup((site / "index.html").read_text(encoding="utf-8"), "lxml").head
    for kind, mime in FEED_TYPES.items():
        link = head.find("link", rel="alternate", type=mime)
        assert link is not None, f"no <link rel=alternate type={mime}> in the home page's head"
        path = urlparse(link["href"]).path.lstrip("/")
        if build == "published_site":
            assert link["href"].startswith("https://"), link["href"]
        else:
            path = link["href"].lstrip("./")
        assert path == FEEDS[kind] and (site / path).is_file(), link["href"]
