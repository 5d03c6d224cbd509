"""Python's cycle collector paused while a long post's many objects are made and read."""

import contextlib
import gc


@contextlib.contextmanager
def collector_paused():
    """Python's cycle collector paused for the block, and on again after if it was on."""
    # Speed (a 2 MB post): a parsed post is a tree of many objects that point at each
    # other, and every full pass of the collector while it is alive walks all of it, never
    # finding anything to free. How many passes fall while one is alive depends on the heap
    # (a cold build of one 2 MB post made 11 full passes, a second of CPU; of an 8 MB post
    # 22, 7 s); paused, none do. The tree's cycles are freed by the first pass after.
    # Markdown's tokens of a post (bench/size.py, a 10 MB post: 6 full passes, 0.5 s) and
    # the pickling of a post's results into the build memo (0.5 s) are the same case.
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


# Whether this process has frozen a build's heap before (the devserver builds again and again).
_froze_before = False


def freeze_heap(*_args, **_kwargs):
    """Keep every object alive now out of the collector's passes (after a collection, in a
    process that built before)."""
    # get_writer: every post, page and list of the build is made, only the writing is left.
    # Each full pass of the collector while pages are written would walk all of them again,
    # finding nothing to free (10,000 posts: 12 full passes, 3.6 s in the main process); the
    # page-writing processes forked after this inherit the frozen heap, so their passes skip
    # it too and do not touch (copy) its memory. Returns no writer.
    global _froze_before
    # Speed (issue 15): in a process's first build (every `make html` and `make publish`)
    # the full collection here found nothing to free (1,000 posts: 0 objects, 0.10 s; a 10 MB
    # post: 13 objects, 0.24 s), with the other core idle. In the devserver's next builds the
    # last build's objects, given back at this build's start, may still be waiting for one.
    if _froze_before:
        gc.collect()
    gc.freeze()
    _froze_before = True


def thaw_heap(*_args, **_kwargs):
    """Give the objects freeze_heap kept back to the collector (a no-op when none are)."""
    # At the start of a build (get_generators): the devserver runs build after build in one
    # process, and what one build froze must be freed by the next pass, not kept for as long
    # as the process lives. Not at the end of a build: `make html` and `make publish` end
    # then, and Python's last collections at exit walk every object not frozen (1,000 posts:
    # 0.22-0.31 s from the build's end to the process's, 0.04 s with the heap left frozen).
    if gc.get_freeze_count():
        gc.unfreeze()
