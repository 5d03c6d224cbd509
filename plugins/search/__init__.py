"""Offline full-text search: a /search/ page and a Pagefind index built with every site."""

import atexit
import logging
from pathlib import Path

from pagefind.service import get_executable
from pelican import signals
from pelican.generators import Generator

from plugins.build_speed.memo import folder_memo_for
from plugins.build_speed.pool import workers
from plugins.build_speed.writer import post_pages_written

from .early import start_early
from .index import (
    DEFAULTS,
    SearchError,
    build_index,
    link_or_copy,
    link_parts,
    pages_to_index,
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
    _Early.cancel()  # a run an earlier build in this process left
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


class _Early:
    """The Pagefind run started on the posts' pages of this build, and the writer that wrote
    them (it knows which were written again since)."""

    run = None
    writer = None

    @classmethod
    def take(cls):
        run, writer, cls.run, cls.writer = cls.run, cls.writer, None, None
        return run, writer

    @classmethod
    def cancel(cls):
        run, _ = cls.take()
        if run is not None:
            run.cancel()


# A build that stops before `finalized` leaves no Pagefind running nor its folder behind.
atexit.register(_Early.cancel)


def start_indexing(writer, pages):
    """Start Pagefind on the posts' pages, all written, while the other pages are written;
    True when it runs (the writer then lets it go first: it ends the build)."""
    _Early.cancel()
    settings = writer.settings
    # Only where index_site will take the run at `finalized` (the devserver indexes after the
    # build instead), and only if the search is on.
    if index_site not in signals.finalized.receivers_for(signals.finalized.ANY):
        return
    if not settings.get("SEARCH_ENABLED", DEFAULTS["SEARCH_ENABLED"]):
        return
    resolved = search_settings(settings)
    _Early.run = start_early(
        writer.output_path,
        pages,
        resolved["SEARCH_BUNDLE_DIR"],
        get_executable(),
        resolved["SEARCH_PART_PAGES"],
        memo=folder_memo_for(settings, "SearchIndex"),
    )
    _Early.writer = writer if _Early.run is not None else None
    if _Early.run is not None:
        logger.debug("search: Pagefind started on %d posts' pages", len(_Early.run.pages))
        return True
    return None


def _take_early(site, bundle_dir):
    """(pages indexed, its memo key) by the run started early if it indexed what the finished
    SITE gives Pagefind, else (None, the site's pages_to_index or None): it was stopped."""
    run, writer = _Early.take()
    if run is None:
        return (None, None), None
    pages = pages_to_index(site, bundle_dir)
    rewritten = getattr(writer, "rewritten", ())
    if run.site.resolve() != site.resolve() or not run.matches(pages, rewritten):
        logger.debug("search: the site changed since Pagefind started; indexing it again")
        run.cancel()
        return (None, None), pages
    return (run.finish(), run.key), pages


def index_site(pelican):
    """Run Pagefind over the written site (or take the run started on the posts' pages)."""
    if not pelican.settings.get("SEARCH_ENABLED", DEFAULTS["SEARCH_ENABLED"]):
        _Early.cancel()
        return
    settings = search_settings(pelican.settings)
    bundle = settings["SEARCH_BUNDLE_DIR"]
    # With Pelican's content cache on (make html, the devserver), the bundle of the last build
    # is kept beside it and reused while the indexed pages are byte for byte the same.
    memo = folder_memo_for(pelican.settings, "SearchIndex")
    site = Path(pelican.output_path)
    (pages, key), known = _take_early(site, bundle)
    if pages is not None:
        logger.debug("search: the index made while the other pages were written is taken")
        if memo is not None and key is not None:
            memo.keep(key, site / bundle, link_or_copy)
    else:
        pages = build_index(
            site,
            bundle,
            memo=memo,
            part_most=settings["SEARCH_PART_PAGES"],
            pages=known,
            workers=workers(pelican.settings),
        )
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
    # build_speed's writer: every post's page is on disk, the other pages are being written.
    post_pages_written.connect(start_indexing)
    # get_generators: the search page is a page type of its own.
    signals.get_generators.connect(get_generators)
    # finalized: every HTML file is on disk, so the index sees the whole site.
    signals.finalized.connect(index_site)
