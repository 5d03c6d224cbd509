"""Posts read ahead in a forked worker (yaml_metadata.prefetch) give the reader exactly what it
makes itself; a post changed since, or one that fails in the worker, is read here as ever."""

import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from pelican.settings import read_settings

from plugins.yaml_metadata import prefetch
from plugins.yaml_metadata.reader import FrontMatterError, YAMLMarkdownReader

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "tests" / "fixtures" / "site"


def _generator(content, names, cached=None, **settings):
    settings = read_settings(
        str(ROOT / "pelican.conf.py"),
        override={"PATH": str(content), "BUILD_WORKERS": 2, "BUILD_POOL_MIN": 0, **settings},
    )
    reader = YAMLMarkdownReader(settings)
    return SimpleNamespace(
        settings=settings,
        path=str(content),
        readers=SimpleNamespace(
            readers={"md": reader, "html": object()},
            _cache=cached or {},  # Pelican's reader cache, as loaded from the last build
        ),
        get_files=lambda paths, exclude: list(names),
    ), reader


def _all_answered(count, timeout=60):
    """Wait until the worker has answered COUNT posts (taken into the ready table)."""
    end = time.monotonic() + timeout
    while prefetch._state["got"] < count and time.monotonic() < end:
        prefetch.take("/nothing")
        time.sleep(0.01)
    assert prefetch._state["got"] == count


@pytest.fixture
def posts():
    names = sorted(str(p.relative_to(SITE)) for p in SITE.rglob("*.md"))
    assert len(names) >= 5
    return names


def test_a_post_read_ahead_is_the_post_read_here(posts):
    generator, reader = _generator(SITE, posts)
    paths = [str(SITE / name) for name in posts]
    expected = {path: reader.read(path) for path in paths}  # no reading ahead yet
    prefetch.start(generator)
    try:
        _all_answered(len(paths))
        answered = [path for path in paths if path in prefetch._state["ready"]]
        assert len(answered) == len(paths)  # every post has an answer waiting

        def not_here(path):
            raise AssertionError(f"{path} was read again in this process")

        reader._front_and_body = not_here  # the answers are used, not worked out again
        for path in paths:
            assert reader.read(path) == expected[path], path
        assert prefetch._state["ready"] == {}  # each answer was taken by the reader
    finally:
        prefetch.stop()


def test_a_post_changed_or_failing_after_it_was_read_ahead_is_read_here(tmp_path):
    (tmp_path / "a.md").write_text("---\ntitle: A\ndate: 2020-01-01\n---\nFirst *words*.\n")
    (tmp_path / "b.md").write_text("---\ntitle: B\ndate: 2020-01-01\n---\nBody.\n")
    (tmp_path / "c.md").write_text("---\ndate: 2020-01-01\n---\nNo title.\n")
    generator, reader = _generator(tmp_path, ["a.md", "b.md", "c.md"])
    prefetch.start(generator)
    try:
        _all_answered(3)
        assert prefetch._state["ready"][str(tmp_path / "c.md")] is None  # failed in the worker
        (tmp_path / "a.md").write_text("---\ntitle: A\ndate: 2020-01-01\n---\nNew *words*.\n")
        content, metadata = reader.read(str(tmp_path / "a.md"))
        assert content == "<p>New <em>words</em>.</p>" and metadata["title"] == "A"
        with pytest.raises(FrontMatterError, match="c.md, line 2: the post has no title"):
            reader.read(str(tmp_path / "c.md"))
    finally:
        prefetch.stop()


def test_nothing_is_read_ahead_when_pelicans_reader_cache_holds_posts(posts):
    # A warm build (or the devserver's preview of one post) reads few posts again.
    kept = {str(SITE / posts[0]): (0, ("<p>kept</p>", {}))}
    generator, _ = _generator(SITE, posts, cached=kept)
    prefetch.start(generator)
    try:
        assert prefetch._state["pool"] is None and prefetch._state["paths"] == []
    finally:
        prefetch.stop()


def test_nothing_is_read_ahead_with_one_worker_or_too_few_posts(posts):
    for settings in ({"BUILD_WORKERS": 1}, {"BUILD_POOL_MIN": len(posts) + 1}):
        generator, _ = _generator(SITE, posts, **settings)
        prefetch.start(generator)
        try:
            assert prefetch._state["pool"] is None
        finally:
            prefetch.stop()
