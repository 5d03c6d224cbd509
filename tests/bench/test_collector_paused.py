"""A long post's many objects are made and pickled with Python's cycle collector paused (each
full pass would walk them all and free nothing: bench/size.py), and it is on again after; the
build's pages are written with the heap it made frozen, and thawed after."""

import gc
import pickle

import pytest

from plugins.build_speed import memo as memo_module
from plugins.build_speed.memo import BuildMemo, memo_key
from plugins.build_speed.writer import ParallelWriter
from plugins.collector import freeze_heap, thaw_heap
from plugins.yaml_metadata.engine import MarkdownEngine
from tests.sitebuild import FIXTURES, build


def test_markdown_renders_with_the_collector_paused(monkeypatch):
    engine = MarkdownEngine()
    states, render = [], engine.md.render

    def watched(text, *args):
        states.append(gc.isenabled())
        return render(text, *args)

    monkeypatch.setattr(engine.md, "render", watched)
    assert gc.isenabled()
    assert engine.convert("A *long* post.") == "<p>A <em>long</em> post.</p>"
    assert states == [False] and gc.isenabled()


def test_markdown_that_fails_still_turns_the_collector_on_again(monkeypatch):
    engine = MarkdownEngine()

    def failing(text, *args):
        raise ValueError("bad")

    monkeypatch.setattr(engine.md, "render", failing)
    with pytest.raises(ValueError):
        engine.convert("text")
    assert gc.isenabled()


def test_the_build_memo_pickles_and_unpickles_with_the_collector_paused(tmp_path, monkeypatch):
    settings = {"CACHE_CONTENT": True, "LOAD_CONTENT_CACHE": True, "CACHE_PATH": str(tmp_path)}
    states = {"dump": [], "load": []}
    dump, load = pickle.dump, pickle.load

    def watched_dump(*args, **kwargs):
        states["dump"].append(gc.isenabled())
        return dump(*args, **kwargs)

    def watched_load(*args, **kwargs):
        states["load"].append(gc.isenabled())
        return load(*args, **kwargs)

    monkeypatch.setattr(memo_module.pickle, "dump", watched_dump)
    monkeypatch.setattr(memo_module.pickle, "load", watched_load)
    first = BuildMemo(settings, "Demo")
    first.get(memo_key("a"), lambda: ["a result"] * 3)
    first.save()
    second = BuildMemo(settings, "Demo")
    assert second.get(memo_key("a"), lambda: None) == ["a result"] * 3
    assert states == {"dump": [False], "load": [False]}
    assert gc.isenabled()


def test_a_frozen_heap_is_left_out_of_the_collectors_passes_until_thawed():
    kept = [[n] for n in range(1000)]  # objects the collector tracks
    freeze_heap()
    try:
        assert gc.get_freeze_count() >= len(kept)
        thaw_heap()
        assert gc.get_freeze_count() == 0
        thaw_heap()  # nothing frozen: nothing to do
        assert gc.get_freeze_count() == 0
    finally:
        gc.unfreeze()


def test_only_a_process_that_built_before_collects_before_freezing(monkeypatch):
    # A first build (make html, make publish) has nothing for a full collection to free at
    # that point; the devserver's next builds may have the last build's objects to free.
    import plugins.collector as collector

    collections = []
    monkeypatch.setattr(collector, "_froze_before", False)
    monkeypatch.setattr(collector.gc, "collect", lambda *a: collections.append(a) or 0)
    try:
        freeze_heap()
        assert collections == [] and gc.get_freeze_count() > 0
        thaw_heap()
        freeze_heap()
        assert len(collections) == 1
    finally:
        gc.unfreeze()


def test_pages_are_written_with_the_heap_frozen_and_the_next_build_thaws_it(tmp_path, monkeypatch):
    frozen_while_written = []
    write_file = ParallelWriter.write_file

    def watched(self, *args, **kwargs):
        frozen_while_written.append(gc.get_freeze_count())
        return write_file(self, *args, **kwargs)

    monkeypatch.setattr(ParallelWriter, "write_file", watched)
    try:
        build(FIXTURES / "site", tmp_path / "out", settings={"BUILD_WORKERS": 1})
        assert frozen_while_written and min(frozen_while_written) > 0
        # Left frozen after the build: a process that ends now does not walk it at exit.
        after_one = gc.get_freeze_count()
        assert after_one > 0
        build(FIXTURES / "site", tmp_path / "again", settings={"BUILD_WORKERS": 1})
        # The second build thawed the first one's heap, so what it no longer needed was
        # freed, not frozen again on top of the second's.
        assert 0 < gc.get_freeze_count() < after_one * 1.5
    finally:
        gc.unfreeze()
