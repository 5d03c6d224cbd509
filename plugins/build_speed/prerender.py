"""Render every post's Markdown in a small process pool before Pelican's reader asks for it.

Reading is independent per post and most of it is Markdown conversion, so on a machine with
two cores two worker processes convert the posts while the main process waits. Each result is
keyed by a hash of the exact text the reader would convert (the reader's own
`markdown_texts` says which texts those are); the reader's Markdown is replaced,
for one build, by a stand-in that answers convert() from those results and falls back to the
real Markdown for any text it has not seen. The HTML is what the reader's own Markdown
instance (same settings, same extensions, reset between documents) would return, so the
output is byte-identical.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from .keys import key
from .pool import pooled

logger = logging.getLogger(__name__)

# Fewer posts to read than this and a pool costs more than it saves (e.g. a warm rebuild).
POOL_MIN = 40


def text_key(text):
    """The key a text's HTML is stored under."""
    return key(text)


class _LogFlag(logging.Handler):
    """Remember that a worker logged something the build would show; its results go unused."""

    def __init__(self, level):
        super().__init__(level=level)
        self.count = 0

    def emit(self, record):
        self.count += 1


def _worker_setup(reader):
    """In a worker: route its log to a counter, and load Markdown before the first post."""
    # Nothing a worker logs may be lost or printed twice: a file whose conversion logs
    # anything is left to the main process, which converts it again and logs as usual.
    root = logging.getLogger()
    flag = _LogFlag(root.getEffectiveLevel())
    root.handlers[:] = [flag]
    # Build the Markdown instance now: what it logs while loading extensions is not about a post.
    reader._markdown()
    flag.count = 0
    return flag


def _render_file(reader, flag, path):
    """[(key, html)] for the texts the reader converts for one post, or [] to leave it."""
    before = flag.count
    try:
        texts = reader.markdown_texts(path)
        results = [(text_key(t), reader._markdown().convert(t)) for t in texts]
    except Exception:  # the reader meets the same error in the main process and reports it
        return []
    return results if flag.count == before else []


class PrerenderedMarkdown:
    """Stands in for a reader's Markdown instance for one build: convert() from the pool."""

    def __init__(self, original_factory, rendered):
        self._original_factory = original_factory
        self._rendered = rendered
        self.hits = 0
        self.misses = 0

    def __call__(self):
        # The reader calls self._markdown() to get a fresh (reset) instance; this is one.
        return self

    def reset(self):
        return self

    def convert(self, text):
        html = self._rendered.pop(text_key(text), None)
        if html is None:
            self.misses += 1
            return self._original_factory().convert(text)
        self.hits += 1
        return html


def prerender(paths, reader, settings):
    """{text key: html} for the posts at PATHS, converted in the build's pool; {} if not worth it.

    READER is the build's Markdown reader, one with `markdown_texts` (the YAML reader's);
    each worker converts with its own copy, made as the reader was.
    """
    worker = {}

    def start():
        worker["reader"] = type(reader)(reader.settings)
        worker["flag"] = _worker_setup(worker["reader"])

    def render(path):
        return _render_file(worker["reader"], worker["flag"], path)

    answers = pooled(settings, render, paths, POOL_MIN, start=start)
    return {key: html for results in answers or () for key, html in results}


def uncached_sources(generator, files):
    """The article files the content cache cannot answer for; those are the ones to read."""
    readers = generator.readers
    wanted = []
    for name in files:
        if generator.get_cached_data(name, None) is not None:
            continue
        path = os.path.abspath(os.path.join(generator.path, name))
        if readers.get_cached_data(path, (None, None))[0] is not None:
            continue
        if Path(path).suffix.lstrip(".") in generator.readers.reader_classes:
            wanted.append(path)
    return wanted
