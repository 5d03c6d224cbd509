"""sitemap.xml listing every post, page, topic and main listing, with lastmod dates."""

import logging
from pathlib import Path

from pelican import signals
from pelican.generators import Generator

from plugins.topics.settings import resolve as topics_settings

from .sitemap import (
    DEFAULTS,
    Entry,
    SitemapError,
    absolute_url,
    point_robots_at_sitemap,
    render_sitemap,
    sitemap_entries,
    sitemap_settings,
)

__all__ = [
    "DEFAULTS",
    "Entry",
    "SitemapError",
    "SitemapGenerator",
    "absolute_url",
    "point_robots_at_sitemap",
    "register",
    "render_sitemap",
    "sitemap_entries",
    "sitemap_settings",
]

logger = logging.getLogger(__name__)


class SitemapGenerator(Generator):
    """Write sitemap.xml from the articles and pages the other generators read."""

    def generate_output(self, writer):
        settings = sitemap_settings(self.settings)
        save_as = settings["SITEMAP_SAVE_AS"]
        if not save_as:
            return
        # generate_output runs after every generator's generate_context and after
        # article_generator_finalized, so articles, pages and their themes are known.
        # The topics plugin (when enabled) shares its pages as context["topics"],
        # empty topics included; without it, topics come from the articles' themes.
        # Pages other plugins write, by the URL setting they share (glossary_url: /glossary/).
        owned = [url for url in (self.context.get("glossary_url"),) if url]
        entries = sitemap_entries(
            self.context.get("articles", ()),
            self.context.get("pages", ()),
            [*settings["SITEMAP_LISTING_URLS"], *owned],
            topics=self.context.get("topics"),
            topics_url=topics_settings(self.settings)["TOPICS_URL"],
        )
        # Crawlers need absolute URLs, so the site's own SITEURL (not the relative one).
        xml = render_sitemap(entries, self.settings.get("SITEURL", ""))
        path = Path(self.output_path, save_as)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(xml, encoding="utf-8")
        logger.info("Sitemap: %d URLs in %s", len(entries), save_as)


def check_settings(pelican):
    """Fail at start on a bad SITEMAP_* setting, before anything is read."""
    sitemap_settings(pelican.settings)


def get_generators(pelican):
    """Add the sitemap generator."""
    return SitemapGenerator


def link_robots(pelican):
    """Make the site's robots.txt name the sitemap's URL under this build's SITEURL."""
    save_as = sitemap_settings(pelican.settings)["SITEMAP_SAVE_AS"]
    robots = Path(pelican.output_path, "robots.txt")
    if not save_as or not robots.is_file():
        return
    url = absolute_url(save_as, pelican.settings.get("SITEURL", ""))
    text = robots.read_text(encoding="utf-8")
    updated = point_robots_at_sitemap(text, url)
    if updated != text:
        robots.write_text(updated, encoding="utf-8")


def register():
    # initialized: settings are final; a bad one stops the build before any work.
    signals.initialized.connect(check_settings)
    # get_generators: the sitemap is an output of its own, written with the rest of the site.
    signals.get_generators.connect(get_generators)
    # finalized: robots.txt has been copied from content/extra by the static generator.
    signals.finalized.connect(link_robots)
