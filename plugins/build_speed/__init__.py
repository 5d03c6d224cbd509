"""Build speed-ups that never change the output: Markdown pre-rendered in a process pool."""

import logging
import os

from pelican import signals

from .prerender import PrerenderedMarkdown, prerender, text_key, uncached_sources

__all__ = ["DEFAULTS", "PrerenderedMarkdown", "prerender", "register", "text_key"]

logger = logging.getLogger(__name__)

DEFAULTS = {
    # Worker processes for Markdown; 0 or 1 renders in the main process as Pelican does.
    "BUILD_SPEED_WORKERS": min(2, os.cpu_count() or 1),
    # Fewer posts to read than this and a pool costs more than it saves (e.g. a warm rebuild).
    "BUILD_SPEED_MIN_FILES": 40,
}


def check_settings(pelican):
    """Fill in defaults and fail at start on a bad BUILD_SPEED_* setting."""
    for name, default in DEFAULTS.items():
        value = pelican.settings.setdefault(name, default)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise ValueError(f"{name} must be a whole number >= 0, not {value!r}")


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


def register():
    # initialized: settings are final, before any generator exists.
    signals.initialized.connect(check_settings)
    # article_generator_preread: the readers exist and no article has been read yet.
    signals.article_generator_preread.connect(start_prerender)
    # article_generator_finalized: every article has been read.
    signals.article_generator_finalized.connect(report_prerender)
