"""The one worker pool every part of the build uses, sized by the one BUILD_WORKERS setting.

A pool is a few forked processes that live for one call: each gets its state once (from
`start`, before forking, so nothing is pickled for it) and answers items one at a time.
Every caller keeps a way to do the same work in its own process, so a pool is only speed:
when it is not worth it (too few items, one core, no fork) or cannot be had (no processes),
`pooled` returns None and the caller works in this process, with the same results.
"""

from __future__ import annotations

import logging
import multiprocessing
import os

from .settings import SETTINGS

logger = logging.getLogger(__name__)

# What the pool being started runs: forked workers inherit it (never pickled, so it may be a
# closure over the build's state). Set only while `pooled` runs.
_job = None


def workers(settings):
    """How many processes the build may work in (BUILD_WORKERS; 1 means this one only)."""
    value = settings.get("BUILD_WORKERS")
    return SETTINGS["BUILD_WORKERS"] if value is None else value


def worth_a_pool(settings, count, measured):
    """True when COUNT items are worth a pool: MEASURED is the caller's own threshold."""
    least = settings.get("BUILD_POOL_MIN")
    least = measured if least is None else least
    return workers(settings) >= 2 and count >= max(least, 2) and hasattr(os, "fork")


def pooled(settings, function, items, measured, start=None, chunk_most=32):
    """[FUNCTION(item)] for ITEMS in BUILD_WORKERS forked processes, in order; else None.

    None means "work in this process": fewer items than MEASURED (the fewest for which a pool
    paid in `make bench`; BUILD_POOL_MIN overrides it), one worker, no fork, or no process to
    be had. FUNCTION reaches the workers by fork, so it may be a closure over the build's
    state; START, when given, runs once in each worker before its first item.
    """
    global _job
    items = list(items)
    if not worth_a_pool(settings, len(items), measured):
        return None
    count = workers(settings)
    chunksize = max(1, min(chunk_most, len(items) // (count * 8) or 1))
    results = [None] * len(items)
    _job = (function, start)
    try:
        with multiprocessing.get_context("fork").Pool(count, initializer=_begin) as pool:
            for index, answer in pool.imap_unordered(_one, enumerate(items), chunksize=chunksize):
                results[index] = answer
    except OSError as error:  # no processes to be had: the caller works them all out
        logger.debug("build_speed: no worker processes (%s); working in this process", error)
        return None
    finally:
        _job = None
    return results


def _begin():
    start = _job[1]
    if start is not None:
        start()


def _one(pair):
    index, item = pair
    return index, _job[0](item)


# Each open Feed's (function, start), by number: a worker forked for one feed reads its own
# entry, so another pool started meanwhile (which sets _job) never changes what it runs.
_feeds = {}


class Feed:
    """A pool fed one item at a time while this process goes on with other work.

    For work whose items appear one by one (posts as Pelican reads them): the workers start
    once MEASURED items have come (as `pooled` decides, BUILD_POOL_MIN overriding it) and
    work each group of GROUP items as soon as it is complete, while this process makes the
    next ones. `results()` then gives [FUNCTION(item)] in the order the items were put, or
    None when no pool was worth it or could be had (the caller works them out itself).
    """

    def __init__(self, settings, function, measured, start=None, group=4):
        self.settings = settings
        self.measured = measured
        self.group = group
        self.items = []  # every item put, in order
        self.unsent = 0  # index of the first item not yet sent to a worker
        self.sent = []  # AsyncResult of each group sent, with the index of its first item
        self.pool = None
        self.failed = False
        self.number = id(self)
        _feeds[self.number] = (function, start)

    def put(self, item):
        """Add ITEM; send the items waiting to the workers when a group is complete."""
        self.items.append(item)
        if self.pool is None and not self.failed:
            if not worth_a_pool(self.settings, len(self.items), self.measured):
                return
            try:
                self.pool = multiprocessing.get_context("fork").Pool(
                    workers(self.settings), initializer=_begin_feed, initargs=(self.number,)
                )
            except OSError as error:
                logger.debug("build_speed: no worker processes (%s)", error)
                self.failed = True
                return
        if self.pool is not None and len(self.items) - self.unsent >= self.group:
            self._send(len(self.items))

    def _send(self, end):
        batch = self.items[self.unsent : end]
        self.sent.append((self.unsent, self.pool.apply_async(_feed_many, (self.number, batch))))
        self.unsent = end

    def results(self):
        """[FUNCTION(item)] for every item put, in order; None to work them out here."""
        try:
            if self.pool is None or self.failed:
                return None
            if self.unsent < len(self.items):
                self._send(len(self.items))
            results = []
            for _, answer in self.sent:
                results += answer.get()
            return results
        except OSError as error:
            logger.debug("build_speed: the worker processes failed (%s)", error)
            return None
        finally:
            self.close()

    def close(self):
        """Stop the workers (the items not answered yet are dropped) and forget the items."""
        if self.pool is not None:
            self.pool.terminate()
            self.pool.join()
            self.pool = None
        self.items, self.sent = [], []
        _feeds.pop(self.number, None)


def _begin_feed(number):
    global _job
    _job = _feeds[number]
    _begin()


def _feed_many(number, items):
    return [_job[0](item) for item in items]
