"""The build's pool fed one item at a time: every answer, in order, from the workers or none."""

import os

from plugins.build_speed.pool import Feed


def test_a_feed_answers_every_item_in_order_in_other_processes():
    here = os.getpid()
    feed = Feed({"BUILD_WORKERS": 2}, lambda n: (n * n, os.getpid()), measured=5, group=3)
    for n in range(23):  # the first four wait until the fifth starts the pool
        feed.put(n)
    answers = feed.results()
    assert [square for square, _ in answers] == [n * n for n in range(23)]
    assert here not in {pid for _, pid in answers}
    assert feed.pool is None  # the workers are gone


def test_a_feed_with_too_few_items_or_one_worker_leaves_the_work_here():
    few = Feed({"BUILD_WORKERS": 2}, abs, measured=40)
    one = Feed({"BUILD_WORKERS": 1}, abs, measured=0)
    for n in range(10):
        few.put(-n)
        one.put(-n)
    assert few.pool is None and one.pool is None
    assert few.results() is None and one.results() is None


def test_a_feed_closed_early_drops_its_workers():
    feed = Feed({"BUILD_WORKERS": 2, "BUILD_POOL_MIN": 0}, abs, measured=40)
    feed.put(-1)
    feed.put(-2)
    assert feed.pool is not None  # BUILD_POOL_MIN overrides the measured size (two at least)
    feed.close()
    assert feed.pool is None and feed.results() is None
