"""Offline full-text search: a /search/ page and a Pagefind index built with every site."""

import logging
from pathlib import Path

from pelican import signals
from pelican.generators import Generator

from plugins.build_speed.memo import folder_memo_for

from .index import (
    DEFAULTS,
    SearchError,
    build_index,
    link_parts,
    part_folders,
    search_settings,
    topic_links,
)

__all__ = [
    "DEFAULTS",
    "SearchError",
    "SearchPageGenerator",
    "build_index",
    "register",
    "search_settings",
    "topic_links",
]

logger = logging.getLogger(__name__)


class SearchPageGenerator(Generator):
    """Write the /search/ page from the theme's search.html template."""

    def generate_output(self, writer):
        settings = search_settings(self.settings)
        if not settings["SEARCH_ENABLED"]:
            return
        # generate_output runs after every generator's generate_context, so the
        # articles (and the themes the themes plugin gave them) are all known here.
        writer.write_file(
            settings["SEARCH_SAVE_AS"],
            self.get_template("search"),
            self.context,
            relative_urls=self.settings["RELATIVE_URLS"],
            template_name="search",
            url=settings["SEARCH_URL"],
            page_name="search",
            search_topics=topic_links(self.context.get("articles", ())),
        )


def check_settings(pelican):
    """Fail at start on a bad SEARCH_* setting; make the defaults visible to every template."""
    settings = pelican.settings
    for name, value in search_settings(settings).items():
        settings[name] = value
    if not settings["SEARCH_ENABLED"]:
        return
    # safe_paths refuses any post or page that would write over the search page or the index.
    folder = settings["SEARCH_SAVE_AS"].rpartition("/")[0]
    owned = [
        settings["SEARCH_SAVE_AS"],
        f"{folder}/" if folder else "",
        settings["SEARCH_BUNDLE_DIR"] + "/",
    ]
    known = list(settings.get("SITE_OWNED_PATHS") or ())
    settings["SITE_OWNED_PATHS"] = list(dict.fromkeys([*known, *filter(None, owned)]))


def get_generators(pelican):
    """Add the search page generator."""
    return SearchPageGenerator


def index_site(pelican):
    """Run Pagefind over the written site."""
    if not pelican.settings.get("SEARCH_ENABLED", DEFAULTS["SEARCH_ENABLED"]):
        return
    settings = search_settings(pelican.settings)
    bundle = settings["SEARCH_BUNDLE_DIR"]
    # With Pelican's content cache on (make html, the devserver), the bundle of the last build
    # is kept beside it and reused while the indexed pages are byte for byte the same.
    memo = folder_memo_for(pelican.settings, "SearchIndex")
    site = Path(pelican.output_path)
    pages = build_index(site, bundle, memo=memo, part_most=settings["SEARCH_PART_PAGES"])
    parts = part_folders(site / bundle)
    link_parts(site / settings["SEARCH_SAVE_AS"], parts)
    logger.info(
        "Search: indexed %d pages into %s/%s",
        pages,
        bundle,
        f" in {len(parts) + 1} parts" if parts else "",
    )


def register():
    # initialized: settings are final and no template has been rendered yet.
    signals.initialized.connect(check_settings)
    # get_generators: the search page is a page type of its own.
    signals.get_generators.connect(get_generators)
    # finalized: every HTML file is on disk, so the index sees the whole site.
    signals.finalized.connect(index_site)
