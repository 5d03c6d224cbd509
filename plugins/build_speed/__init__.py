"""Build speed-ups that never change the output: Markdown and page writing in two processes."""

import logging
import os

from pelican import signals

from plugins.settings_table import Setting, SettingsTable, boolean, whole

from .cache import (
    cache_folder,
    code_fingerprint,
    discard_unreadable,
    guard_pelican_cache,
    site_folder,
)
from .prerender import PrerenderedMarkdown, prerender, text_key, uncached_sources
from .writer import ParallelWriter, WriteFailedError, WriteOut, newest_first, split_by_output

__all__ = [
    "DEFAULTS",
    "ParallelWriter",
    "PrerenderedMarkdown",
    "WriteFailedError",
    "WriteOut",
    "cache_folder",
    "code_fingerprint",
    "newest_first",
    "site_folder",
    "prerender",
    "register",
    "split_by_output",
    "text_key",
]

logger = logging.getLogger(__name__)

# With Pelican's content cache on, keep it in CACHE_PATH/<content folder>/<code fingerprint>/.
KEYED_CACHE_DEFAULT = True
TABLE = SettingsTable(
    "build_speed",
    ("BUILD_SPEED_",),
    [
        Setting(
            "BUILD_SPEED_WORKERS",
            min(2, os.cpu_count() or 1),
            whole(0),
            "the processes for Markdown and for writing pages, a whole number, 0 or 1 to work "
            "in one process as Pelican does",
        ),
        Setting(
            "BUILD_SPEED_MIN_FILES",
            40,
            whole(0),
            "the posts to read before a pool is started (fewer cost more in a pool than they "
            "save), a whole number",
        ),
        Setting(
            "BUILD_SPEED_KEYED_CACHE",
            KEYED_CACHE_DEFAULT,
            boolean,
            "True or False (True keeps the content cache in CACHE_PATH/<content folder>/<code "
            "fingerprint>/)",
        ),
    ],
    internal=("BUILD_SPEED_CACHE_ROOT",),  # set by place_cache
)
DEFAULTS = {
    name: default for name, default in TABLE.defaults.items() if name != "BUILD_SPEED_KEYED_CACHE"
}


def check_settings(pelican):
    """Fill in defaults and fail at start on a bad BUILD_SPEED_* setting."""
    TABLE.fill(pelican.settings)


def place_cache(pelican):
    """Point CACHE_PATH at this content and code's cache folder; discard unreadable files."""
    # get_generators: sent once every plugin's initialized receiver has filled in its
    # defaults (so the settings fingerprint is complete) and before any generator or
    # reader opens the cache. Returns no generator.
    settings = pelican.settings
    if not (settings.get("CACHE_CONTENT") or settings.get("LOAD_CONTENT_CACHE")):
        return
    if settings.get("BUILD_SPEED_KEYED_CACHE"):
        # The root is kept: `pelican --autoreload` sends this again, with the same settings,
        # for every rebuild.
        root = settings.setdefault("BUILD_SPEED_CACHE_ROOT", settings["CACHE_PATH"])
        settings["CACHE_PATH"] = str(cache_folder(root, settings))
    if settings.get("LOAD_CONTENT_CACHE"):
        # A cache file a full disk left empty or cut short is discarded with a note, not read.
        discard_unreadable(settings["CACHE_PATH"])
        guard_pelican_cache()


def start_prerender(generator):
    """Before the first article is read, render every uncached article's Markdown in a pool."""
    settings = generator.settings
    reader = generator.readers.readers.get("md")
    # Sent before every article; the reader instance lives for this build only.
    if reader is None or getattr(reader, "_build_speed_seen", False):
        return
    reader._build_speed_seen = True
    workers = settings.get("BUILD_SPEED_WORKERS", DEFAULTS["BUILD_SPEED_WORKERS"])
    # Only our YAML reader has the one reusable, reset-between-posts Markdown this relies on.
    if workers < 2 or type(reader).__name__ != "YAMLMarkdownReader":
        return
    files = generator.get_files(settings["ARTICLE_PATHS"], exclude=settings["ARTICLE_EXCLUDES"])
    paths = sorted(p for p in uncached_sources(generator, files) if p.endswith(".md"))
    if len(paths) < settings.get("BUILD_SPEED_MIN_FILES", DEFAULTS["BUILD_SPEED_MIN_FILES"]):
        return
    rendered = prerender(paths, type(reader), settings, workers)
    # An instance attribute: replaces the reader's _markdown() for this reader object only.
    reader._markdown = PrerenderedMarkdown(reader._markdown, rendered)
    logger.debug("build_speed: pre-rendered %d texts from %d posts", len(rendered), len(paths))


def report_prerender(generator):
    """Say how many conversions the pool answered; a miss is a text the reader converted itself."""
    stand_in = getattr(generator.readers.readers.get("md"), "_markdown", None)
    if isinstance(stand_in, PrerenderedMarkdown):
        logger.debug(
            "build_speed: %d texts from the pool, %d converted", stand_in.hits, stand_in.misses
        )


def get_writer(pelican):
    """Pelican's Writer with page writes queued for write-out in BUILD_SPEED_WORKERS processes."""
    # Also with one process: the same writer (feeds pinned to the site's base) either way.
    return ParallelWriter


def get_generators(pelican):
    """The generator that writes out the queued pages after Pelican's generators queued them."""
    return WriteOut


# The attributes Pelican's generators keep their contents in (articles, pages, drafts, ...).
_CONTENT_LISTS = (
    "articles",
    "translations",
    "drafts",
    "drafts_translations",
    "hidden_articles",
    "hidden_translations",
    "pages",
    "hidden_pages",
    "draft_pages",
    "draft_translations",
)


def freeze_urls(generator):
    """Work out each article's (or page's) URL once, not at every link to it on every page."""
    # article_generator_finalized / page_generator_finalized: every post is read, so its slug,
    # date, status and category are final, and no page is written yet. Pelican formats
    # Content.url from the URL setting on each use (some forty uses per page written);
    # override_url is Pelican's own per-object URL, read first by Content.url.
    for name in _CONTENT_LISTS:
        for content in getattr(generator, name, None) or ():
            if not hasattr(content, "override_url"):
                content.override_url = content.url


def register():
    # initialized: settings are final, before any generator exists.
    signals.initialized.connect(check_settings)
    # article_generator_preread: the readers exist and no article has been read yet.
    signals.article_generator_preread.connect(start_prerender)
    # article_generator_finalized / page_generator_finalized: every post (page) has been
    # read, and nothing has been written.
    signals.article_generator_finalized.connect(report_prerender)
    signals.article_generator_finalized.connect(freeze_urls)
    signals.page_generator_finalized.connect(freeze_urls)
    # get_writer / get_generators: pages are queued as generators write them, then written
    # out in two processes by WriteOut, which Pelican runs after its own generators.
    signals.get_writer.connect(get_writer)
    signals.get_generators.connect(get_generators)
    # get_generators, again: the moment to key the cache folder (see place_cache).
    signals.get_generators.connect(place_cache)
