"""Posts read ahead in a forked process while Pelican reads the others in this one.

Pelican reads a site's posts one at a time in the main process, which leaves every other core
idle for the whole reading (about 1.3 ms a post: front matter, Markdown, Pelican's own work).
When the reading starts (the first article_generator_preread), the articles this blog's reader
will read are handed, last first, to BUILD_WORKERS - 1 forked processes, which work out the
reader's pure part of each post (its text checked, its front matter parsed, its Markdown
rendered). The reader takes a post's answer when one is ready and the file still holds the
text it was worked out from, and otherwise works the post out itself: the two meet in the
middle. A post that fails in a worker is worked out here, so every error and warning comes
from this process, worded as ever. Only speed: the answers are what the reader makes itself.
"""

from __future__ import annotations

import logging
import multiprocessing
import os

from plugins.build_speed.pool import workers, worth_a_pool

logger = logging.getLogger(__name__)

# Fewer posts than this and a forked process costs more than it saves (bench/: forking and
# its first answer ~20 ms; a post ~1 ms).
POOL_MIN = 40

# The reading under way: the generator it is for, the pool, its answers as they come, the
# posts they are for (in the order handed out) and those already answered.
_state = {"generator": None, "pool": None, "answers": None, "paths": [], "ready": {}, "got": 0}
_settings = None  # what the workers render with: set before forking, inherited
# How many posts, from the first, this process has come to (shared with the workers, which
# skip those: read here already), and where each post stands in that order.
_reached = None
_place = {}


def start(generator):
    """Hand the articles GENERATOR is about to read to forked workers (once per reading)."""
    if _state["generator"] is generator:
        return
    stop()
    _state["generator"] = generator
    settings = generator.settings
    # A reading with Pelican's reader cache loaded (a warm build, the devserver's preview of
    # one post) reads few posts again: not worth listing every file to find them.
    if getattr(generator.readers, "_cache", None):
        return
    paths = _unread_posts(generator)
    if not worth_a_pool(settings, len(paths), POOL_MIN):
        return
    global _settings, _reached, _place
    context = multiprocessing.get_context("fork")
    _settings, _reached = settings, context.Value("l", 0, lock=False)
    _place = {path: index for index, path in enumerate(paths)}
    paths.reverse()  # the last first: this process reads from the first
    try:
        pool = context.Pool(max(1, workers(settings) - 1))
    except OSError as error:  # no processes to be had: the reader works every post out
        logger.debug("yaml_metadata: no process to read ahead (%s)", error)
        return
    _state.update(pool=pool, answers=pool.imap(_prepare, paths), paths=paths, ready={}, got=0)


def _unread_posts(generator):
    """The absolute paths of the articles this blog's Markdown reader will read."""
    from .reader import YAMLMarkdownReader

    settings = generator.settings
    readers = generator.readers
    found = []
    for name in generator.get_files(
        settings["ARTICLE_PATHS"], exclude=settings["ARTICLE_EXCLUDES"]
    ):
        path = os.path.abspath(os.path.join(generator.path, name))
        extension = os.path.splitext(path)[1][1:]
        if type(readers.readers.get(extension)) is YAMLMarkdownReader:
            found.append(path)
    return found


def _prepare(path):
    """What a worker does with one post: its prepared answer, or None when it fails."""
    from .reader import prepare

    if _place[path] < _reached.value:
        return None  # the main process has come to it: read there
    try:
        return prepare(path, _settings)
    except Exception:  # noqa: BLE001 - worked out again in the main process, which reports it
        return None


def take(path):
    """The prepared answer for the post at PATH if a worker has it ready, else None."""
    answers = _state["answers"]
    if answers is None:
        return None
    place = _place.get(path)
    if place is not None and place >= _reached.value:
        _reached.value = place + 1
    ready, paths = _state["ready"], _state["paths"]
    while _state["got"] < len(paths):  # every answer come so far, without waiting
        try:
            answer = answers.next(timeout=0)
        except (multiprocessing.TimeoutError, StopIteration):
            break
        ready[paths[_state["got"]]] = answer
        _state["got"] += 1
    return ready.pop(path, None)


def stop(_sender=None):
    """End the reading ahead: the workers are stopped, their answers let go."""
    pool = _state["pool"]
    _state.update(generator=None, pool=None, answers=None, paths=[], ready={}, got=0)
    if pool is not None:
        pool.terminate()
