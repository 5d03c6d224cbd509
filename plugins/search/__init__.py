"""Offline full-text search: a /search/ page and a Pagefind index built with every site."""

import functools
import logging
import os
from pathlib import Path

from pelican import signals
from pelican.generators import Generator

from plugins.build_speed.memo import folder_memo_for
from plugins.build_speed.pool import workers

from . import early
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


def stop_early_index_on_failure(pelican):
    """Make a build of PELICAN that fails stop its early index at once, leaving nothing."""
    # initialized: sent once per Pelican object, before its first run. A failing build never
    # reaches `finalized`; the `pelican` command then exits (and early.py's exit handler
    # tidies), but a process that builds again (the tests, a preview server) goes on, so the
    # failure is caught where it leaves the run.
    run = pelican.run
    if getattr(run, "stops_early_index", False):
        return

    @functools.wraps(run)
    def guarded_run(*args, **kwargs):
        try:
            return run(*args, **kwargs)
        except BaseException:
            early.cancel()
            raise

    guarded_run.stops_early_index = True
    pelican.run = guarded_run


def get_generators(pelican):
    """Add the search page generator (and stop the early index of a build that failed)."""
    # Sent at the start of every build, also the devserver's rebuilds in one process.
    early.cancel()
    return SearchPageGenerator


_posts = []  # the ArticlesGenerator of the build under way, until the early index starts


def keep_posts(generator):
    """Note the generator of the posts, for start_early_index."""
    _posts[:] = [generator]


def _kept(memo):
    """True when MEMO holds a bundle from the last build (a rebuild may well reuse it)."""
    try:
        return memo is not None and memo.loading and any(memo.folder.iterdir())
    except OSError:
        return False


def start_early_index(generator):
    """Start indexing the posts in the background (early.py), when the build will wait for it."""
    # page_generator_finalized: every receiver of article_generator_finalized has run (the last
    # to touch what the search reads of a post), and the site's pages are not written yet.
    posts = _posts.pop() if _posts else None
    settings = generator.settings
    if posts is None or not settings.get("SEARCH_ENABLED", DEFAULTS["SEARCH_ENABLED"]):
        return
    # The devserver holds index_site back and indexes after the reload (scripts/devserver.py);
    # one process (BUILD_WORKERS = 1) means no other; a kept bundle is likely reused as is.
    waited = index_site in signals.finalized.receivers_for(signals.finalized.ANY)
    if not waited or workers(settings) < 2 or not hasattr(os, "fork"):
        return
    if _kept(folder_memo_for(settings, "SearchIndex")):
        return
    search = search_settings(settings)
    early.start(
        posts, generator.output_path, search["SEARCH_BUNDLE_DIR"], search["SEARCH_PART_PAGES"]
    )


def index_site(pelican):
    """Run Pagefind over the written site (or take the bundle the early index made of it)."""
    job = early.take()
    try:
        if not pelican.settings.get("SEARCH_ENABLED", DEFAULTS["SEARCH_ENABLED"]):
            return
        settings = search_settings(pelican.settings)
        bundle = settings["SEARCH_BUNDLE_DIR"]
        # With Pelican's content cache on (make html, the devserver), the bundle of the last
        # build is kept beside it and reused while the indexed pages are byte for byte the same.
        memo = folder_memo_for(pelican.settings, "SearchIndex")
        site = Path(pelican.output_path)
        if job is not None and not job.wait():
            logger.debug("search: no early index (%s); indexing the written site", job.failure)
            job.cancel()
            job = None
        pages = build_index(
            site, bundle, memo=memo, part_most=settings["SEARCH_PART_PAGES"], early=job
        )
    finally:
        if job is not None:
            job.cancel()  # its folder, whether its bundle was taken or not
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
    signals.initialized.connect(stop_early_index_on_failure)
    # get_generators: the search page is a page type of its own.
    signals.get_generators.connect(get_generators)
    # article_generator_init: the generator of the posts is made (nothing read yet; a receiver
    # here is no per-post step the devserver's preview must know); page_generator_finalized:
    # what the search reads of each post is final, so the early index starts.
    signals.article_generator_init.connect(keep_posts)
    signals.page_generator_finalized.connect(start_early_index)
    # finalized: every HTML file is on disk, so the index sees the whole site.
    signals.finalized.connect(index_site)
