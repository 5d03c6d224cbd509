"""The one worker pool every part of the build uses, sized by the one BUILD_WORKERS setting.

A pool is a few forked processes that live for one call: each gets its state once (from
`start`, before forking, so nothing is pickled for it) and answers items one at a time.
Every caller keeps a way to do the same work in its own process, so a pool is only speed:
when it is not worth it (too few items, one core, no fork) or cannot be had (no processes),
`pooled` returns None and the caller works in this process, with the same results.
`shared_map` is the same with this process taking its share; `in_background` works one
step out in a forked process while this one goes on to the next (its answer asked for
later), for the steps after the themes' pool that the build's process did alone.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import multiprocessing
import os
import pickle
import signal
import weakref

from plugins.collector import collector_paused

from .settings import SETTINGS

logger = logging.getLogger(__name__)

# What the pool being started runs: forked workers inherit it (never pickled, so it may be a
# closure over the build's state). Set only while `pooled` runs.
_job = None
# The settings of the build whose long texts may be worked on in parts (split_map): set
# only inside `splitting`.
_splitting = None


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


# A text is cut into this many parts a worker (the parts' work is seldom even).
PARTS_A_WORKER = 2
# Texts at least this long (characters) are worked on in parts; shorter ones in one pass.
# Detection's matching and settling cost ~0.13 s of CPU a million characters, a fork of a
# build holding a long post some 0.05-0.1 s (its system time included).
SPLIT_MIN = 1_000_000


@contextlib.contextmanager
def splitting(settings):
    """Within it, this process may split one long text's work over the build's pool."""
    # Speed (bench/size.py): one post is one pool item, so a 10 MB post used one core while
    # the other idled. A per-byte core (theme detection) cuts such a text into parts and asks
    # split_map; outside a build it works in one pass.
    global _splitting
    before, _splitting = _splitting, settings
    try:
        yield
    finally:
        _splitting = before


def _outside_a_pool():
    """True unless this is a pool's worker (it inherits _job, and its processes are daemons):
    a worker never forks processes of its own."""
    return _job is None and not multiprocessing.current_process().daemon


def _may_split():
    return (
        _splitting is not None
        and _outside_a_pool()
        and workers(_splitting) >= 2
        and hasattr(os, "fork")
    )


def split_parts(size):
    """How many parts the work on a text of SIZE characters is best cut into here: 1 means
    in one pass (a short text, or no pool to be had)."""
    if size < SPLIT_MIN or not _may_split():
        return 1
    return workers(_splitting) * PARTS_A_WORKER


def paragraph_cuts(text, count):
    """[(begin, stop)]: TEXT in COUNT runs of whole paragraphs (each but the first starts
    after a blank line), about equally long; fewer when it has fewer paragraph breaks."""
    cuts, begin = [], 0
    for part in range(1, count):
        at = text.find("\n\n", max(begin, len(text) * part // count))
        if at == -1 or at + 2 >= len(text):
            break
        cuts.append((begin, at + 2))
        begin = at + 2
    cuts.append((begin, len(text)))
    return cuts


def split_map(function, parts):
    """[FUNCTION(part)] for PARTS (of one long text), this process and BUILD_WORKERS - 1 forked
    ones taking the next part in turn; None when no process is to be had or one failed.

    None too outside `splitting` or inside a part: the caller then works in one pass, with
    the same answer.
    """
    global _splitting
    if not _may_split():
        return None
    settings, _splitting = _splitting, None  # no split inside a part, here or in a child
    try:
        # Memory and speed (bench/size.py, a 10 MB post): while the build holds a long
        # post's many objects, a full pass of the cycle collector walks them all (a quarter
        # second); in a forked process it also writes to every one, so the process copies
        # the whole heap it shares with the build. No pass runs here or there meanwhile.
        with collector_paused():
            return _shared(function, parts, min(workers(settings), len(parts)))
    finally:
        _splitting = settings


def _answer_and_exit(produce, readable, writable):
    """In a forked child: pickle PRODUCE()'s answer down the pipe WRITABLE, then exit (1 if it
    failed); never returns, so the child never runs the build's code after the fork."""
    status = 1
    try:
        os.close(readable)
        with os.fdopen(writable, "wb") as pipe:
            pickle.dump(produce(), pipe, protocol=pickle.HIGHEST_PROTOCOL)
        status = 0
    finally:
        os._exit(status)


def _shared(function, parts, count):
    # This process works too (it would only wait), so a build of two workers forks once
    # per split, not twice: each fork of a process holding a long post costs tens of ms.
    context = multiprocessing.get_context("fork")
    taken = context.Value("i", 0)

    def run():
        done = []
        while True:
            with taken.get_lock():
                index = taken.value
                taken.value += 1
            if index >= len(parts):
                return done
            done.append((index, function(parts[index])))

    children, answers, failed = [], {}, False
    try:
        for _ in range(count - 1):
            readable, writable = os.pipe()
            pid = os.fork()
            if pid == 0:  # the child: its parts' answers down the pipe, then gone
                _answer_and_exit(run, readable, writable)
            os.close(writable)
            children.append((pid, readable))
    except OSError as error:  # no processes to be had: the others take every part
        logger.debug("build_speed: no worker process (%s); fewer share the parts", error)
    try:
        answers.update(run())
    except Exception:  # the one pass the caller falls back on meets it again and says so
        failed = True
    finally:  # every forked process is waited for, whatever happened here
        for pid, readable in children:
            with os.fdopen(readable, "rb") as pipe:
                data = pipe.read()
            _, status = os.waitpid(pid, 0)
            if status != 0 or not data:
                failed = True
            else:
                answers.update(pickle.loads(data))
    if failed or len(answers) != len(parts):
        return None
    return [answers[index] for index in range(len(parts))]


def shared_map(settings, function, items, measured):
    """[FUNCTION(item)] for ITEMS, this process and BUILD_WORKERS - 1 forked ones each taking
    the next item in turn; None when not worth it (as `pooled`) or a process failed.

    For a step the build's process would otherwise do alone while the other cores idle (the
    glossary's marks after the themes' pool): it works too rather than wait, so a build of
    two workers forks once, and only the forked processes' answers are pickled. On None the
    caller works every item out in this process, with the same answers.
    """
    items = list(items)
    if not (worth_a_pool(settings, len(items), measured) and _outside_a_pool()):
        return None
    with collector_paused():  # a pass here or in the child would walk (copy) the whole heap
        return _shared(function, items, min(workers(settings), len(items)))


class Background:
    """FUNCTION() being worked out in one forked process: `result()` waits for its answer."""

    def __init__(self, pid, readable):
        self._answer = None
        # Never asked (the build stopped before it needed the answer): the process is ended
        # and waited for when this is let go, so none is left behind (the devserver).
        self._waiting = weakref.finalize(self, _end, pid, readable)

    def result(self):
        """(True, FUNCTION()) once the forked process has answered; (False, None) if it failed."""
        waiting = self._waiting.detach()
        if waiting is not None:
            pid, readable = waiting[2]
            with os.fdopen(readable, "rb") as pipe:
                data = pipe.read()
            _, status = os.waitpid(pid, 0)
            self._answer = (True, pickle.loads(data)) if status == 0 and data else (False, None)
        return self._answer


def answer_of(running, function):
    """FUNCTION()'s answer: from RUNNING (a Background, or None) when its forked process
    answered, else worked out here (no process was started, or it failed)."""
    done, answer = running.result() if running is not None else (False, None)
    return answer if done else function()


def _end(pid, readable):
    with contextlib.suppress(OSError):
        os.kill(pid, signal.SIGKILL)
    with contextlib.suppress(OSError):
        os.close(readable)
    with contextlib.suppress(OSError):
        os.waitpid(pid, 0)


def in_background(settings, function, count, measured):
    """A Background working out FUNCTION() in a forked process while this one goes on; None
    when COUNT (the caller's measure of the work) is under MEASURED (BUILD_POOL_MIN overrides
    it), the build has one worker, no fork, or no process to be had (the caller then works
    it out itself).

    For a step whose answer is needed only later (topics' key quotes, read when the topic
    pages are written), so it runs beside the build's next steps on a core that would idle.
    FUNCTION reaches the process by fork and sees the build as it is now; its answer is
    pickled back.
    """
    if not (worth_a_pool(settings, count, measured) and _outside_a_pool()):
        return None
    try:
        readable, writable = os.pipe()
    except OSError as error:
        logger.debug("build_speed: no background process (%s); working in this process", error)
        return None
    try:
        pid = os.fork()
    except OSError as error:
        os.close(readable)
        os.close(writable)
        logger.debug("build_speed: no background process (%s); working in this process", error)
        return None
    if pid == 0:  # the child: the answer down the pipe, then gone
        gc.disable()  # its passes would walk (copy) the heap it shares with the build
        _answer_and_exit(function, readable, writable)
    os.close(writable)
    return Background(pid, readable)
