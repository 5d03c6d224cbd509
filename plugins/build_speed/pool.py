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
import struct
import tempfile
import threading
import weakref

from plugins.collector import collector_paused

try:
    import fcntl
except ImportError:  # not on Windows, which has no fork either
    fcntl = None

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


# A post's worth of text, in characters (the bench's posts are about 5,000): for a step whose
# work grows with the text, a long post is as much work as this many ordinary ones.
POST_CHARACTERS = 5_000


def posts_worth(texts):
    """How many ordinary posts' work TEXTS are, for a step whose work grows with the text:
    one a text (None counts as an empty one), or one for each POST_CHARACTERS of a long one
    (10 MB: 2,000)."""
    # Speed (bench/size.py, issue 12): counted by posts, a 10 MB post was one post, under
    # every in_background threshold, and its reading time, key quotes, keywords and checks
    # (3.6 s) ran one after the other in the build's process while the other core idled.
    return sum(max(1, len(text or "") // POST_CHARACTERS) for text in texts)


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
    """FUNCTION() being worked out in one forked process: `result()` waits for its answer.

    A shared one (in_background's SHARED) answers in a file, not a pipe, so that the processes
    this one forks after it (the page writers) can wait for the answer and read it too.
    """

    def __init__(self, pid, readable, shared=False):
        self._answer = None
        self._owner = os.getpid()  # the process that forked it, and alone waits for it
        self._shared = shared
        # Never asked (the build stopped before it needed the answer): the process is ended
        # and waited for when this is let go, so none is left behind (the devserver).
        self._waiting = weakref.finalize(self, _end, pid, readable)

    @property
    def forked_here(self):
        """True in the process that forked it (the one that waits for it), False in the
        processes that process forked afterwards."""
        return os.getpid() == self._owner

    def result(self):
        """(True, FUNCTION()) once the forked process has answered; (False, None) if it failed."""
        if self._answer is not None:
            return self._answer
        if not self.forked_here:
            return self._result_elsewhere()
        waiting = self._waiting.detach()
        if waiting is not None:
            pid, readable = waiting[2]
            if self._shared:
                _, status = os.waitpid(pid, 0)
                data = _read_all(readable)
                os.close(readable)
            else:
                with os.fdopen(readable, "rb") as pipe:
                    data = pipe.read()
                _, status = os.waitpid(pid, 0)
            self._answer = (True, pickle.loads(data)) if status == 0 and data else (False, None)
        return self._answer

    def _result_elsewhere(self):
        """result() in a process forked after this Background: the answer file read once the
        worker let go of its lock (it ended); (False, None) without one or if it failed."""
        # This process neither ends nor waits for the worker: the one that forked it does.
        waiting = self._waiting.detach()
        if not self._shared or waiting is None:
            return False, None
        readable = waiting[2][1]
        try:
            fcntl.flock(readable, fcntl.LOCK_SH)  # held by the worker until it ends
            self._answer = True, pickle.loads(_read_all(readable))
        except Exception:  # it died part-way: no answer, or not all of one
            self._answer = False, None
        return self._answer


def _read_all(descriptor):
    """The bytes of the file open at DESCRIPTOR, from its start (its offset left as it is)."""
    size = os.fstat(descriptor).st_size
    parts, at = [], 0
    while at < size:
        part = os.pread(descriptor, size - at, at)
        if not part:
            break
        parts.append(part)
        at += len(part)
    return b"".join(parts)


def _answer_file():
    """(read end, write end) of a file for a shared Background's answer: the write end locked
    (the worker holds the lock until it ends), the file already unlinked."""
    descriptor, path = tempfile.mkstemp(prefix="build-answer-")
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        return os.open(path, os.O_RDONLY), descriptor
    except BaseException:
        os.close(descriptor)
        raise
    finally:
        os.unlink(path)


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


def in_background(settings, function, count, measured, shared=False, niceness=0):
    """A Background working out FUNCTION() in a forked process while this one goes on; None
    when COUNT (the caller's measure of the work) is under MEASURED (BUILD_POOL_MIN overrides
    it), the build has one worker, no fork, or no process to be had (the caller then works
    it out itself).

    For a step whose answer is needed only later (topics' key quotes, read when the topic
    pages are written), so it runs beside the build's next steps on a core that would idle.
    FUNCTION reaches the process by fork and sees the build as it is now; its answer is
    pickled back. SHARED: the processes this one forks afterwards can ask for the answer too
    (Background). NICENESS: the process runs at that much lower a priority, so that the steps
    the build waits for first go first.
    """
    if not (worth_a_pool(settings, count, measured) and _outside_a_pool()):
        return None
    try:
        readable, writable = _answer_file() if shared else os.pipe()
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
        if niceness:
            with contextlib.suppress(OSError):
                os.nice(niceness)
        _answer_and_exit(function, readable, writable)
    os.close(writable)
    return Background(pid, readable, shared)


class Stream:
    """Items worked out in one forked process as this one makes them; the rest shared at the end.

    For work whose items appear one at a time while this process is busy making them (each
    post's theme decision, as Pelican reads the posts one after the other on one core): from
    the MEASURED-th item put (BUILD_POOL_MIN overrides it), one process is forked, and it works
    the items in the order they were put, as they come, on a core this process leaves idle.
    `results()` then has this process take items from the end while the forked one goes on
    from the front, until they meet: [FUNCTION(item)] for every item, in order. None when no
    process was worth it or to be had (the caller works the items out as before); an item the
    forked process failed on (it died) is worked out here. This process works the first item
    itself just before forking, and then calls BEFORE_FORK (if given), so that what FUNCTION
    makes once and keeps (compiled patterns) is made once, here, and shared, not made again
    in each process.
    """

    def __init__(self, settings, function, measured, before_fork=None):
        self.items = []
        self._settings, self._function, self._measured = settings, function, measured
        self._before_fork = before_fork  # made once here and shared (compiled patterns)
        self._child = None  # (pid, the items' pipe, the answers' read end)
        self._bounds = None  # shared: [the next item the forked process takes, the end]
        self._given_up = False
        self._first = None  # the first item's answer, worked out here

    def put(self, item):
        """Add ITEM, and send it to the forked process (forked now if it is time)."""
        self.items.append(item)
        if self._given_up:
            return
        if self._child is None:
            if not (
                worth_a_pool(self._settings, len(self.items), self._measured) and _outside_a_pool()
            ):
                return
            if not self._start():
                return
            for earlier in self.items[:-1]:
                self._send(earlier)
        self._send(item)

    def _start(self):
        self._first = self._function(self.items[0])
        if self._before_fork is not None:
            self._before_fork()
        try:
            self._bounds = multiprocessing.get_context("fork").Array("q", [1, _NO_END])
            items_read, items_write = os.pipe()
            answers_read, answers_write = os.pipe()
        except OSError as error:
            logger.debug("build_speed: no stream process (%s); working in this process", error)
            self._given_up = True
            return False
        with contextlib.suppress(OSError, AttributeError):  # Linux: room for many items
            fcntl.fcntl(items_write, fcntl.F_SETPIPE_SZ, 1 << 20)
        try:
            pid = os.fork()
        except OSError as error:
            for end in (items_read, items_write, answers_read, answers_write):
                os.close(end)
            logger.debug("build_speed: no stream process (%s); working in this process", error)
            self._given_up = True
            return False
        if pid == 0:  # the child: works the items as they come, then its answers, then gone
            os.close(items_write)
            _answer_and_exit(
                lambda: _stream_work(self._function, self._bounds, items_read),
                answers_read,
                answers_write,
            )
        os.close(items_read)
        os.close(answers_write)
        self._child = (pid, os.fdopen(items_write, "wb"), answers_read)
        # Let go unasked (the build stopped before it needed the answers): the process is
        # ended and waited for, so none is left behind (the devserver).
        self._left = weakref.finalize(self, _end, pid, answers_read)
        return True

    def _send(self, item):
        data = pickle.dumps(item, protocol=pickle.HIGHEST_PROTOCOL)
        try:
            self._child[1].write(struct.pack("<Q", len(data)))
            self._child[1].write(data)
            self._child[1].flush()
        except OSError:  # it ended: what it did not answer is worked out here
            self._given_up = True

    def results(self):
        """[FUNCTION(item)] for every item put, in order (see the class); None without a
        forked process."""
        if self._child is None:
            return None
        pid, items, answers_read = self._child
        self._child = None
        self._left.detach()
        bounds, answers = self._bounds, {0: self._first}
        try:
            with bounds.get_lock():
                bounds[1] = len(self.items)
            while True:
                with bounds.get_lock():
                    if bounds[1] <= bounds[0]:
                        break
                    bounds[1] -= 1
                    index = bounds[1]
                answers[index] = self._function(self.items[index])
        finally:
            with contextlib.suppress(OSError):
                items.close()  # the forked process's end of the items
            with os.fdopen(answers_read, "rb") as pipe:
                data = pipe.read()
            _, status = os.waitpid(pid, 0)
        if status == 0 and data:
            answers.update(pickle.loads(data))
        return [
            answers[index] if index in answers else self._function(item)
            for index, item in enumerate(self.items)
        ]

    def close(self):
        """Stop the forked process, if any, without its answers (the build stopped)."""
        if self._child is not None:
            items = self._child[1]
            self._child = None
            with contextlib.suppress(OSError):
                items.close()
            self._left()


_NO_END = 2**62  # the end of a stream's items while they still come


def _stream_work(function, bounds, readable):
    """In a Stream's forked process: [(index, FUNCTION(item))] for the items it takes."""
    global _job
    _job = (function, None)  # a worker: it never forks processes of its own
    gc.freeze()  # its passes would walk (copy) the heap it shares with the build
    arrived, ended, ready = [], [False], threading.Condition()

    def take_in():
        # A thread, so the build's process never waits to write an item while this one works.
        with os.fdopen(readable, "rb") as pipe:
            while True:
                header = pipe.read(8)
                if len(header) < 8:
                    break
                item = pickle.loads(pipe.read(struct.unpack("<Q", header)[0]))
                with ready:
                    arrived.append(item)
                    ready.notify()
        with ready:
            ended[0] = True
            ready.notify()

    threading.Thread(target=take_in, daemon=True).start()
    done = []
    while True:
        with bounds.get_lock():
            index = bounds[0]
            if index >= bounds[1]:
                return done
            bounds[0] = index + 1
        with ready:
            while len(arrived) <= index and not ended[0]:
                ready.wait()
            if len(arrived) <= index:
                return done  # the items ended before this one: the build's process works it
            item, arrived[index] = arrived[index], None
        done.append((index, function(item)))
