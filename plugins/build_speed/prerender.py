"""Render every post's Markdown in a small process pool before Pelican's reader asks for it.

Reading is independent per post and most of it is Markdown conversion, so on a machine with
two cores two worker processes convert the posts while the main process waits. Each result is
keyed by a hash of the exact text the reader would convert; the reader's Markdown is replaced,
for one build, by a stand-in that answers convert() from those results and falls back to the
real Markdown for any text it has not seen. The HTML is what the reader's own Markdown
instance (same settings, same extensions, reset between documents) would return, so the
output is byte-identical.
"""

from __future__ import annotations

import hashlib
import logging
import multiprocessing
import os
import sys
from pathlib import Path

logger = logging.getLogger(__name__)

# Set in each worker process by _start_worker; a worker is a forked child that lives for one
# pool, so these never outlive a build and never grow.
_worker_reader = None
_worker_logged = None


def text_key(text):
    """The key a text's HTML is stored under."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()


class _LogFlag(logging.Handler):
    """Remember that a worker logged something the build would show; its results go unused."""

    def __init__(self, level):
        super().__init__(level=level)
        self.count = 0

    def emit(self, record):
        self.count += 1


def _start_worker(reader_class, settings):
    global _worker_reader, _worker_logged
    # Nothing a worker logs may be lost or printed twice: a file whose conversion logs
    # anything is left to the main process, which converts it again and logs as usual.
    root = logging.getLogger()
    _worker_logged = _LogFlag(root.getEffectiveLevel())
    root.handlers[:] = [_worker_logged]
    _worker_reader = reader_class(settings)
    # Build the Markdown instance now: what it logs while loading extensions is not about a post.
    _worker_reader._markdown()
    _worker_logged.count = 0


def _render_file(path):
    """Return [(key, html)] for the body and formatted fields of one post, or [] to skip it."""
    # The reader's own module: the same front-matter rules the reader applies.
    module = sys.modules[type(_worker_reader).__module__]
    before = _worker_logged.count
    try:
        with open(path, encoding="utf-8-sig") as handle:
            text = handle.read()
        front, body, _ = module.split_front_matter(text, path)
        if front is None:
            return []
        fields = module.parse_front_matter(front, path)
        texts = [body]
        for name in _worker_reader.settings["FORMATTED_FIELDS"]:
            value = fields.get(name)
            if value is not None and value != "" and value != []:
                texts.append(str(value))
        results = [(text_key(t), _worker_reader._markdown().convert(t)) for t in texts]
    except Exception:  # the reader meets the same error in the main process and reports it
        return []
    if _worker_logged.count != before:
        return []
    return results


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


def prerender(paths, reader_class, settings, workers):
    """Convert the posts at PATHS in WORKERS processes; return {text key: html}."""
    context = multiprocessing.get_context("fork")
    rendered = {}
    chunksize = max(1, min(32, len(paths) // (workers * 8) or 1))
    with context.Pool(
        workers, initializer=_start_worker, initargs=(reader_class, settings)
    ) as pool:
        for results in pool.imap_unordered(_render_file, paths, chunksize=chunksize):
            rendered.update(results)
    return rendered


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
