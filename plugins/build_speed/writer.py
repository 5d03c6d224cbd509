"""Write the site's pages in two processes: Pelican's Writer with its page writes queued.

Writing is most of a build after reading: every article, listing and topic page is a template
render, one independent of the next. Pelican's generators call writer.write_file() one page
at a time, and write_feed() one feed at a time; this writer only notes each call. When
Pelican reaches the WriteOut generator (a generator of this plugin, run after Pelican's own),
the noted calls are grouped by output file and this process and forked children take the
groups one at a time from a shared counter, so neither waits while the other still has
pages to write (a fixed split left one process with the dearer pages); each makes exactly
the calls Pelican would have made, with the same arguments, so every page and feed is the
one Pelican would write. The first group is always written here and the last in the first
child.

Calls for the same output file stay together and in order, so Pelican's overwrite rules hold;
the files each child wrote are sent back, so a later write to one of them is caught as usual.
Pelican sends content_written for each page as it writes it, in the process that writes it;
for the pages children wrote, the main process sends it again afterwards, with the same path
and the context Pelican gives the page's template (Pelican's own write_file, run with a
template that renders nothing and a file that keeps nothing), so a plugin listening there
(a sitemap, a list of written files) sees every page of the build.
Calls made after the write-out (a generator run later) are written at once, as Pelican does.
A child that fails (a template error, a fatal log) stops the build with its error shown.

The posts' own pages come first, then their other pages (newest_first), then the rest
(listings and feeds) in the order queued; once every own page is on disk, whichever process
wrote it, the writer sends `post_pages_written` in this process, while the rest is still
being written (the search plugin starts Pagefind on them then). The writer keeps, from
then on, the names of those pages written again (`rewritten`).
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import pickle
import sys
import traceback

from blinker import signal
from pelican import signals
from pelican.writers import Writer

from .feed_text import FeedTexts, escaping_once
from .pool import workers as build_workers

logger = logging.getLogger(__name__)

# Sent by the ParallelWriter (the sender) in the build's own process when it starts on the
# pages queued (every generator has queued its own), before any is written: the last moment
# for a step whose answers only the pages read (related posts, worked out beside the build).
pages_writing = signal("build_speed_pages_writing")
# Sent by the ParallelWriter (the sender) in the build's own process, once the page of every
# post is written, before the other pages are: pages=[output names, in the order queued]. A
# receiver returns True when it started work beside the writing (the search index) that the
# rest of the pages should give way to: they are then written at a lower CPU priority.
post_pages_written = signal("build_speed_post_pages_written")

# The niceness the rest of the pages are written at, once a post_pages_written receiver has
# started work beside them. Speed (bench/, 1,000 posts): Pagefind, started on the posts'
# pages, ends the build, its last part on one core; written at full priority, the other ~1,600
# pages slowed it as much as it slowed them. Given way to, it ends sooner and the pages are
# written in the CPU time it leaves (4 alternating cold builds: 7.02 -> 6.61 s median).
YIELD_NICENESS = 19


class WriteFailedError(RuntimeError):
    """A writer process could not write its share of the pages."""


def group_by_output(calls):
    """CALLS [(name, args, kwargs)] as one list per output file, in the order first asked for."""
    groups = {}
    for call in calls:
        groups.setdefault(call[0], []).append(call)
    return list(groups.values())


class _Taker:
    """Hands out the indices of COUNT groups to WORKERS processes: each takes the next free one.

    Process 0 (this one) starts with group 0 and child k with group COUNT - k; the groups
    between go to whichever process asks first. Made before forking: the counter is shared.
    """

    def __init__(self, count, workers):
        self.count = count
        self.children = max(0, min(workers, count) - 1)
        self.free_end = count - self.children  # the groups after it are the children's first
        context = multiprocessing.get_context("fork")
        self._next = context.Value("l", 1 if count else 0)
        self.first = 0  # the groups before it are the posts' pages (set before forking)
        self._first_written = context.Value("l", 0)
        self._giving_way = context.Value("b", 0)
        self.pending = range(0)
        self._niced = False  # in this process (each has its own copy)

    def taken(self, worker, first=()):
        """Yield the group indices WORKER (0 = this process, k = child k, None = a child
        forked later, which starts with FIRST) writes, in order. `pending` holds the ones
        taken from the counter and not yet yielded (this process's own)."""
        if worker == 0:
            if self.count:
                yield 0
        elif worker is not None:
            yield self.count - worker
        if first:
            self._give_way_if_asked()
            yield from first
        processes = self.children + 1
        while True:
            if worker != 0:
                self._give_way_if_asked()
            # Guided: a share of what is left at a time, smaller towards the end, so the
            # counter is taken rarely and both processes still finish together.
            with self._next.get_lock():
                start = self._next.value
                left = self.free_end - start
                if left <= 0:
                    return
                end = start + max(1, left // (4 * processes))
                self._next.value = end
            for index in range(start, end):
                self.pending = range(index + 1, end)
                yield index

    def wrote(self, index):
        """Note that group INDEX is on disk (called by the process that wrote it)."""
        if index < self.first:
            with self._first_written.get_lock():
                self._first_written.value += 1

    def firsts_written(self):
        """True once every group before `first` is on disk, whichever process wrote it."""
        return self._first_written.value >= self.first

    def give_way(self):
        """Ask the children to write their next groups at YIELD_NICENESS."""
        self._giving_way.value = 1

    def _give_way_if_asked(self):
        if self._giving_way.value and not self._niced:
            self._niced = True
            with contextlib.suppress(OSError):
                os.nice(YIELD_NICENESS)

    def stop(self):
        """Hand out no more groups: the build stops, so no process starts another page."""
        with self._next.get_lock():
            self._next.value = self.free_end


# The keyword that marks a queued write_feed call, holding the call's own keywords: a feed's
# output name is its path, its arguments (elements, context, path, ...) as given.
_FEED = "_build_speed_feed"

# Where a call comes in the writing: a post's own page (at its save_as), another page of a
# post (its CPD notes), any other page (a listing, a feed).
OWN_PAGE, POST_PAGE, OTHER_PAGE = 0, 1, 2


def _saved(call):
    """(OWN_PAGE, POST_PAGE or OTHER_PAGE, minus the time CALL's post was saved in ns, 0 for
    a call that writes no post's page)."""
    content = call[2].get("article") or call[2].get("page")
    try:
        saved = -os.stat(content.source_path).st_mtime_ns
    except (AttributeError, TypeError, OSError):
        return OTHER_PAGE, 0  # not a post's page: after the posts, in order
    own = getattr(content, "save_as", call[0]) == call[0]
    return OWN_PAGE if own else POST_PAGE, saved


def newest_first(calls):
    """CALLS with the most recently saved posts' own pages first, then their other pages
    (newest first too), then the rest in their order.

    In a preview the post the author just saved is the page they are waiting for; the
    search index reads the posts' own pages only, so it can start once they are written.
    """
    return [call for _, call in _newest_first(calls)]


def _newest_first(calls):
    """newest_first's order as (_saved(call), call) pairs."""
    return sorted(((_saved(call), call) for call in calls), key=lambda pair: pair[0])


class ParallelWriter(Writer):
    """Pelican's Writer; write_file() calls wait for write_out(), which shares them out."""

    def __init__(self, output_path, settings=None):
        super().__init__(output_path, settings=settings)
        self._queued = []  # write_file calls not made yet: (name, args, kwargs)
        self._queueing = True
        self._announcing = False  # True while content_written is sent for a child's pages
        self._feed_texts = FeedTexts()  # each long text escaped once for all feeds (feed_text)
        self._posts_pages = {}  # {absolute path: name} of the pages post_pages_written named
        self.rewritten = set()  # the names of those pages written again since

    def _create_new_feed(self, feed_type, feed_title, context):
        feed = super()._create_new_feed(feed_type, feed_title, context)
        return escaping_once(feed, self._feed_texts)

    def write_file(self, name, *args, **kwargs):
        if self._queueing and name:
            self._queued.append((name, args, kwargs))
            return None
        return super().write_file(name, *args, **kwargs)

    def write_feed(self, elements, context, *args, **kwargs):
        path = args[0] if args else kwargs.get("path")
        if self._queueing and path:
            # Speed (bench/size.py, issue 12): a feed is written with the other pages, after
            # the posts' own, in whichever process is free, not at once in this one before
            # any page: a 10 MB post is in 13 feeds, and writing them first held back its
            # page, and so the search index, by 0.45 s. Pelican's generators do not use the
            # feed write_feed returns; none is made here (None, as for a queued page).
            self._queued.append((path, (elements, context, *args), {_FEED: kwargs}))
            return None
        return self._write_feed(elements, context, *args, **kwargs)

    def _write_feed(self, elements, context, *args, **kwargs):
        # A feed entry's summary takes its links' base from context["localsiteurl"], which
        # Pelican leaves at whatever page was written last; pin it to the site's own base so a
        # feed never depends on the order (or the process) pages are written in.
        before = context.get("localsiteurl")
        context["localsiteurl"] = context.get("SITEURL", before)
        try:
            return super().write_feed(elements, context, *args, **kwargs)
        finally:
            context["localsiteurl"] = before

    @property
    def pages_queued(self):
        """The write_file and write_feed calls queued for write_out, not yet made: (output
        name, arguments, keyword arguments) each (a feed's: see write_feed)."""
        return tuple(self._queued)

    def write_out(self, workers):
        """Make every queued write_file call, in WORKERS processes; later calls write at once."""
        pages_writing.send(self)
        ordered, self._queued, self._queueing = _newest_first(self._queued), [], False
        calls = [call for _, call in ordered]
        # The posts' own pages come first.
        posts = sum(1 for (kind, _), _ in ordered if kind == OWN_PAGE)
        if workers < 2 or not hasattr(os, "fork"):
            self._write(calls[:posts])
            if posts:
                self._posts_written([name for name, _, _ in calls[:posts]])
            self._write(calls[posts:])
            return
        groups = group_by_output(calls)
        of_posts = {id(call) for call in calls[:posts]}
        first = next(
            (n for n, group in enumerate(groups) if id(group[0]) not in of_posts), len(groups)
        )
        try:
            taker = _Taker(len(groups), workers)
        except (OSError, ImportError) as error:  # no shared counter (no sem_open): write here
            logger.debug("build_speed: no shared counter for the writers (%s)", error)
            self._write(calls)
            return
        taker.first = first
        posts_pages = [group[0][0] for group in groups[:first]]
        announced = first == 0
        children = []
        try:
            for worker in range(1, 1 + taker.children):
                children.append(self._fork(groups, taker, worker))
        except OSError as error:  # no process to be had: write their first groups here
            logger.debug("build_speed: cannot fork a writer (%s); writing here", error)
            for worker in range(1 + len(children), 1 + taker.children):
                self._write(groups[taker.count - worker])
                taker.wrote(taker.count - worker)
        failure = None
        try:
            for index in taker.taken(0):
                self._write(groups[index])
                taker.wrote(index)
                if not announced and taker.firsts_written():
                    announced = True
                    handed = self._posts_written(posts_pages) and self._hand_over(groups, taker)
                    if handed:
                        children.append(handed)
                        break
        except BaseException as error:  # wait for the children before stopping the build
            taker.stop()
            failure = error
        reports = [self._reap(*child) for child in children]
        if failure is not None:
            raise failure
        for report in reports:
            if isinstance(report, BaseException):
                # The child's own exception, so the build stops with the message it would have
                # given writing that page here (a full disk, a missing template...).
                raise report
        if not announced:  # a child wrote the last of the posts' pages after this one's last
            self._posts_written(posts_pages)
        if _listened(signals.content_written):
            for index in sorted(index for taken in reports for index in taken):
                self._announce(groups[index])  # the groups children wrote, in queue order

    def _posts_written(self, names):
        """Send post_pages_written for the pages NAMES; note the ones written again after.
        True when a receiver asks the rest of the pages to give way to work it started."""
        self._posts_pages = {os.path.abspath(os.path.join(self.output_path, n)): n for n in names}
        return any(answer is True for _, answer in post_pages_written.send(self, pages=names))

    def _hand_over(self, groups, taker):
        """Fork a child to write, at YIELD_NICENESS, the groups this process would have taken
        (this one stops writing), the other children giving way too; return it as _fork does.
        None when no child can be forked: this process goes on writing."""
        # A process cannot raise its own priority again, and this one goes on after the
        # writing (the devserver, a test run), so it hands over rather than lower its own.
        taker.give_way()
        try:
            return self._fork(groups, taker, None, first=taker.pending)
        except OSError as error:
            logger.debug("build_speed: cannot fork a writer (%s); writing here", error)
            return None

    def _announce(self, calls):
        """Send content_written here for the pages CALLS wrote in a child, as Pelican would."""
        # Pelican's write_file sets each context's localsiteurl to the page it writes; the
        # pages were written already, so each context keeps the value it has now.
        # Pelican sends content_written for pages only: a feed is written, not announced.
        calls = [call for call in calls if _FEED not in call[2]]
        contexts = {}
        for _name, args, kwargs in calls:
            context = args[1] if len(args) > 1 else kwargs.get("context")
            if isinstance(context, dict) and "localsiteurl" in context:
                contexts.setdefault(id(context), (context, context["localsiteurl"]))
        self._announcing = True
        try:
            with _quiet(logging.getLogger("pelican.writers")):
                for name, args, kwargs in calls:
                    args, kwargs = _without_rendering(args, kwargs)
                    super().write_file(name, *args, **kwargs)
        finally:
            self._announcing = False
            for context, value in contexts.values():
                context["localsiteurl"] = value

    def _open_w(self, filename, encoding, override=False):
        # Pelican 4.12's Writer opens each page through this (tests/bench/
        # test_build_cache_layer.py pins it): while announcing a child's page, the file is
        # already written and recorded, so nothing is opened and nothing is checked.
        if self._announcing:
            return open(os.devnull, "w", encoding=encoding)
        if filename in self._posts_pages:
            self.rewritten.add(self._posts_pages[filename])
        return super()._open_w(filename, encoding, override=override)

    def _write(self, calls):
        for name, args, kwargs in calls:
            if _FEED in kwargs:
                self._write_feed(*args, **kwargs[_FEED])
            else:
                super().write_file(name, *args, **kwargs)

    def _fork(self, groups, taker, worker, first=()):
        """Start child WORKER, which writes the GROUPS TAKER gives it; return (pid, read end
        of its report pipe)."""
        read, write = os.pipe()
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:  # the child: write, report the files written, never return
            status = 1
            try:
                os.close(read)
                try:
                    taken = []
                    try:
                        for index in taker.taken(worker, first):
                            taken.append(index)
                            self._write(groups[index])
                            taker.wrote(index)
                    except BaseException:
                        taker.stop()
                        raise
                    report = ("written", self._written_files, self._overridden_files, taken)
                    status = 0
                except BaseException as error:
                    report = ("failed", _portable(error))
                with os.fdopen(write, "wb") as pipe:
                    pipe.write(pickle.dumps(report))
                for handler in logging.getLogger().handlers:
                    handler.flush()
                sys.stdout.flush()
                sys.stderr.flush()
            finally:
                # Whatever happens the child ends here: it must never go on with Pelican's run,
                # nor run the parent's exit handlers (os._exit skips them).
                os._exit(status)
        os.close(write)
        return pid, read

    def _reap(self, pid, read):
        """Wait for a child and take in the files it wrote; return the indices of the groups
        it wrote, or its exception."""
        with os.fdopen(read, "rb") as pipe:
            data = pipe.read()
        _, status = os.waitpid(pid, 0)
        try:
            report = pickle.loads(data)
        except Exception:  # it died before it could say (killed, out of memory)
            report = None
        if not report or report[0] != "written":
            if report:
                return report[1]
            code = os.waitstatus_to_exitcode(status)
            return WriteFailedError(
                f"build_speed: a page-writing process ended ({code}) before it finished; "
                "the site was not completely written. Build again; if it happens again, "
                "set BUILD_WORKERS = 1 in pelican.conf.py to write in one process"
            )
        self._written_files |= report[1]
        self._overridden_files |= report[2]
        return report[3]


def _listened(signal):
    """True when some receiver is connected to SIGNAL (blinker's public `receivers`)."""
    return bool(signal.receivers)


class _Nothing:
    """A template that renders nothing: the page is written already, only announced."""

    def render(self, *args, **kwargs):
        return ""


def _without_rendering(args, kwargs):
    """Pelican's write_file arguments ARGS, KWARGS with the template replaced by _Nothing."""
    if args:
        return (_Nothing(), *args[1:]), kwargs
    return args, {**kwargs, "template": _Nothing()}


class _DropAll:
    def filter(self, record):
        return False


@contextlib.contextmanager
def _quiet(log):
    """Hold back LOG's records: Pelican's "Writing ..." line was said by the child already."""
    drop = _DropAll()
    log.addFilter(drop)
    try:
        yield
    finally:
        log.removeFilter(drop)


def _portable(error):
    """ERROR if it survives a trip through pickle, else a WriteFailedError with its message."""
    try:
        pickle.loads(pickle.dumps(error))
    except Exception:
        text = "".join(traceback.format_exception_only(type(error), error)).strip()
        return WriteFailedError(f"build_speed: writing pages failed: {text}")
    return error


class WriteOut:
    """A generator with no content of its own: it writes out the pages the writer queued."""

    def __init__(self, context, settings, path, theme, output_path, **kwargs):
        self.settings = settings

    def generate_output(self, writer):
        # Pelican runs every content generator's generate_output (which queues the pages)
        # before the generators plugins add, and runs the static generator last.
        if isinstance(writer, ParallelWriter):
            writer.write_out(build_workers(self.settings))
