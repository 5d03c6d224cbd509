"""Work out which URLs the sitemap lists, with their last-modified dates, and write it as XML."""

import re
from dataclasses import dataclass
from datetime import datetime
from xml.sax.saxutils import escape

from plugins import post_model
from plugins.settings_table import (
    Setting,
    SettingsError,
    SettingsTable,
    relative_path,
    sequence_of_text,
)
from plugins.topics.settings import DEFAULTS as TOPICS_DEFAULTS


class SitemapError(SettingsError):
    """A SITEMAP_* setting is wrong: says which and how to fix it."""


def _file_or_none(value):
    return None if value is None else relative_path(file=True)(value)


# Every setting of this plugin, with its default; checked once when Pelican starts.
TABLE = SettingsTable(
    "sitemap",
    ("SITEMAP_",),
    [
        Setting(
            "SITEMAP_SAVE_AS",
            "sitemap.xml",
            _file_or_none,
            "a file name such as 'sitemap.xml', or None for no sitemap",
        ),
        # Listing pages worth a search engine's visit besides the posts, pages and topics.
        Setting(
            "SITEMAP_LISTING_URLS",
            ("", "archives/"),
            sequence_of_text,
            "a list of the listing pages' paths, such as ['', 'archives/']",
        ),
    ],
    error=SitemapError,
    # The topic pages' address has one owner, the topics plugin, whose TOPICS_URL this reads.
    moved={
        "SITEMAP_TOPICS_URL": "TOPICS_URL (the topics plugin's setting, which the sitemap reads)"
    },
)
DEFAULTS = TABLE.defaults


@dataclass(frozen=True, order=True)
class Entry:
    """One <url> of the sitemap: a path relative to the site root and when it last changed."""

    path: str
    lastmod: datetime


def sitemap_settings(settings):
    """Return the SITEMAP_* settings with defaults filled in, or raise SitemapError."""
    return TABLE.resolve(settings)


def last_changed(content):
    """When a post or page last changed: its `modified` date, else its `date`, else None."""
    return getattr(content, "modified", None) or getattr(content, "date", None)


def sitemap_entries(
    articles, pages, listing_urls=("",), topics=None, topics_url=TOPICS_DEFAULTS["TOPICS_URL"]
):
    """Every URL the sitemap lists, sorted by path, each once with its newest date.

    Articles and pages give their own dates; a topic page changes when its newest post
    does. TOPICS are the topics plugin's pages (objects with .url and .articles); without
    them the topics come from each article's blog.themes. Listing pages (home, archives), and
    pages or topics with no date of their own, take the newest date of the whole site, so
    the result never depends on file times.
    """
    newest = {}
    undated = set()

    def add(path, when):
        if when is None:
            undated.add(path)
        elif path not in newest or when > newest[path]:
            newest[path] = when

    for article in articles:
        add(article.url, last_changed(article))
        if topics is None:
            for theme in post_model.get(article, "themes", ()):
                add(theme.url, last_changed(article))
                add(topics_url, last_changed(article))
    for topic in topics or ():
        dates = [last_changed(article) for article in topic.articles]
        add(topic.url, max((d for d in dates if d is not None), default=None))
        add(topics_url, None)
    for page in pages:
        add(page.url, last_changed(page))
    if not newest:
        return []
    site_newest = max(newest.values())
    for path in [*undated, *listing_urls]:
        add(path, site_newest)
    return sorted(Entry(path, when) for path, when in newest.items())


def absolute_url(path, siteurl):
    """The URL a crawler fetches: under SITEURL when set, else a path from the site root."""
    path = path.lstrip("/")
    return f"{siteurl.rstrip('/')}/{path}" if siteurl else f"/{path}"


def render_sitemap(entries, siteurl):
    """The sitemap XML (sitemaps.org 0.9) for ENTRIES, one <url> per entry."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ]
    for entry in entries:
        lines.append(
            f"  <url><loc>{escape(absolute_url(entry.path, siteurl))}</loc>"
            f"<lastmod>{entry.lastmod.isoformat(timespec='seconds')}</lastmod></url>"
        )
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


_SITEMAP_LINE = re.compile(r"^#? ?sitemap:.*$", re.IGNORECASE | re.MULTILINE)


def point_robots_at_sitemap(robots_text, sitemap_url):
    """ROBOTS_TEXT with its first Sitemap line set to SITEMAP_URL, or one added if none.

    robots.txt only allows an absolute sitemap URL; a local build (no SITEURL) has none,
    so there the line is written as a comment rather than as an invalid directive.
    """
    if sitemap_url.startswith(("http://", "https://")):
        line = f"Sitemap: {sitemap_url}"
    else:
        line = f"# Sitemap: {sitemap_url} (made absolute when SITEURL is set, as by make publish)"
    if _SITEMAP_LINE.search(robots_text):
        return _SITEMAP_LINE.sub(line, robots_text, count=1)
    ending = "" if not robots_text or robots_text.endswith("\n") else "\n"
    return f"{robots_text}{ending}{line}\n"
