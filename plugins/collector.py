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
