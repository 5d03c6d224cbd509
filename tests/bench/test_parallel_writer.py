"""The two-process page writer writes what Pelican's writer writes, and fails as loudly."""

import datetime
import os
import time
from pathlib import Path
from types import SimpleNamespace

import jinja2
import pytest
from pelican.writers import FileOverwriteFailedError

_ROOT = Path(__file__).resolve().parents[2]

from plugins.build_speed import (  # noqa: E402
    ParallelWriter,
    WriteFailedError,
    cache_folder,
    group_by_output,
    newest_first,
    site_folder,
)

SETTINGS = {"RELATIVE_URLS": False, "PAGINATED_TEMPLATES": {}, "DEFAULT_PAGINATION": False}


def _template(text):
    return jinja2.Environment(undefined=jinja2.StrictUndefined).from_string(text)


def _context():
    return {"localsiteurl": "", "SITEURL": ""}


def _files(folder):
    return {p.relative_to(folder).as_posix(): p.read_text() for p in Path(folder).rglob("*.html")}


def _write_pages(writer, names, template):
    context = _context()
    for name in names:
        writer.write_file(name, template, context, title=name.upper())


def test_each_output_file_is_one_group_in_order():
    calls = [
        (name, (), {"n": n}) for n, name in enumerate(["a", "b", "a", "c", "d", "b", "a", "e"])
    ]
    groups = group_by_output(calls)
    assert [group[0][0] for group in groups] == ["a", "b", "c", "d", "e"]
    for group in groups:  # one file per group; repeated writes of it keep Pelican's order
        assert len({name for name, _, _ in group}) == 1
        numbers = [kwargs["n"] for _, _, kwargs in group]
        assert numbers == sorted(numbers)
    shared = sorted(kwargs["n"] for group in groups for _, _, kwargs in group)
    assert shared == list(range(len(calls)))


def test_the_process_with_the_dearer_pages_does_not_write_half_of_them(tmp_path):
    # Every other page is slow: a fixed split by turns gave them all to one process, and the
    # other then waited with nothing to do. Each process now takes the next page when free.
    import time

    def slow(name):
        if name.endswith("1.html"):
            time.sleep(0.05)
        return os.getpid()

    names = [f"p{n}{n % 2}.html" for n in range(40)]
    template = _template("{{ slow(output_file) }}")
    writer = ParallelWriter(str(tmp_path), settings=SETTINGS)
    context = {**_context(), "slow": slow}
    for name in names:
        writer.write_file(name, template, context, title=name)
    writer.write_out(2)
    writers = {name: (tmp_path / name).read_text() for name in names}
    assert writers["p00.html"] == str(os.getpid()), "the first page is written here"
    assert writers["p391.html"] != str(os.getpid()), "the last page is written by the child"
    slow_here = sum(
        1 for name, pid in writers.items() if name.endswith("1.html") and pid == str(os.getpid())
    )
    # By turns, this process would have written none of the slow pages (or all of them).
    assert 3 <= slow_here <= 17


def test_two_processes_write_the_same_files_as_one(tmp_path):
    names = [f"{year}/post-{n}/index.html" for year in (2020, 2021) for n in range(30)]
    template = _template("<h1>{{ title }}</h1><p>{{ output_file }}</p>")
    for workers, folder in ((1, tmp_path / "one"), (2, tmp_path / "two")):
        writer = ParallelWriter(str(folder), settings=SETTINGS)
        _write_pages(writer, names, template)
        assert not folder.exists(), "pages were written before the write-out"
        writer.write_out(workers)
    one, two = _files(tmp_path / "one"), _files(tmp_path / "two")
    assert len(one) == 60
    assert one == two
    assert (
        one["2021/post-7/index.html"]
        == "<h1>2021/POST-7/INDEX.HTML</h1><p>2021/post-7/index.html</p>"
    )


def test_without_a_shared_counter_every_page_is_written_here(tmp_path, monkeypatch):
    from plugins.build_speed import writer as writer_module

    class NoSemaphores:
        def Value(self, *args, **kwargs):  # noqa: N802 (multiprocessing's name)
            raise OSError(38, "Function not implemented")

    monkeypatch.setattr(writer_module.multiprocessing, "get_context", lambda kind: NoSemaphores())
    names = [f"post-{n}/index.html" for n in range(10)]
    writer = ParallelWriter(str(tmp_path), settings=SETTINGS)
    _write_pages(writer, names, _template("{{ title }}"))
    writer.write_out(2)
    assert sorted(_files(tmp_path)) == sorted(names)


def test_a_file_a_child_wrote_cannot_be_overwritten_later_by_mistake(tmp_path):
    writer = ParallelWriter(str(tmp_path), settings=SETTINGS)
    template = _template("{{ title }}")
    _write_pages(writer, ["a.html", "b.html", "c.html", "d.html"], template)
    writer.write_out(2)
    # After the write-out the writer writes at once, knowing every file either process wrote.
    for name in ("a.html", "b.html"):
        with pytest.raises(FileOverwriteFailedError):
            writer.write_file(name, template, _context(), title="again")
    writer.write_file("e.html", template, _context(), title="late")
    assert (tmp_path / "e.html").read_text() == "late"


def test_a_failing_page_in_either_process_stops_the_build_with_its_own_error(tmp_path):
    def fail():
        raise OSError(28, "No space left on device")

    template = _template("{% if title == 'BAD.HTML' %}{{ fail() }}{% endif %}ok")
    for bad_position in (0, 2):  # the first page (this process's), then the last (the child's)
        names = ["x.html", "y.html"]
        names.insert(bad_position, "bad.html")
        writer = ParallelWriter(str(tmp_path / str(bad_position)), settings=SETTINGS)
        context = {**_context(), "fail": fail}
        for name in names:
            writer.write_file(name, template, context, title=name.upper())
        # The same exception as writing in one process, so the build's clean error message
        # (plugins/console) names the problem and the fix.
        with pytest.raises(OSError, match="No space left on device") as raised:
            writer.write_out(2)
        assert raised.value.errno == 28


def test_after_a_failed_page_the_other_process_starts_no_more_pages(tmp_path):
    import time

    def fail():
        raise OSError(28, "No space left on device")

    def pause():
        time.sleep(0.005)
        return ""

    template = _template("{% if title == 'BAD.HTML' %}{{ fail() }}{% endif %}{{ pause() }}ok")
    names = ["bad.html"] + [f"p{n}.html" for n in range(200)]  # the first page fails here
    writer = ParallelWriter(str(tmp_path), settings=SETTINGS)
    context = {**_context(), "fail": fail, "pause": pause}
    for name in names:
        writer.write_file(name, template, context, title=name.upper())
    with pytest.raises(OSError, match="No space left on device"):
        writer.write_out(2)
    # The child finishes the pages it had taken, and takes no more: the build is stopping.
    assert len(list(tmp_path.glob("*.html"))) < 100


def test_an_error_that_cannot_travel_between_processes_keeps_its_message(tmp_path):
    class Odd(Exception):
        def __init__(self, a, b):
            super().__init__(f"odd {a} {b}")

    def fail():
        raise Odd(1, 2)

    template = _template("{% if title == 'BAD.HTML' %}{{ fail() }}{% endif %}ok")
    writer = ParallelWriter(str(tmp_path), settings=SETTINGS)
    for name in ["x.html", "bad.html"]:  # bad.html goes to the child
        writer.write_file(name, template, {**_context(), "fail": fail}, title=name.upper())
    with pytest.raises(WriteFailedError, match="odd 1 2"):
        writer.write_out(2)


def test_newest_saved_posts_are_written_first_their_own_pages_before_their_others(tmp_path):
    posts = []
    for n, age in enumerate((30, 10, 20)):
        source = tmp_path / f"post{n}.md"
        source.write_text("x")
        os.utime(source, (1_000_000 - age, 1_000_000 - age))
        posts.append(SimpleNamespace(source_path=str(source), save_as=f"p{n}.html"))
    calls = [
        ("index.html", (), {}),
        *((f"cpd/p{n}.html", (), {"article": p}) for n, p in enumerate(posts)),
        *((f"p{n}.html", (), {"article": p}) for n, p in enumerate(posts)),
    ]
    calls.append(("feeds.html", (), {}))
    assert [name for name, _, _ in newest_first(calls)] == [
        "p1.html",
        "p2.html",
        "p0.html",
        "cpd/p1.html",
        "cpd/p2.html",
        "cpd/p0.html",
        "index.html",
        "feeds.html",
    ]


def test_cache_folder_changes_with_settings_and_prunes_other_versions(tmp_path):
    content = tmp_path / "content"
    content.mkdir()
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    (plugins / "p.py").write_text("X = 1\n")
    settings = {"PATH": str(content), "PLUGIN_PATHS": [str(plugins)], "MARKDOWN": {"a": 1}}
    root = tmp_path / "cache"
    first = cache_folder(root, settings)
    first.mkdir(parents=True)
    assert first.parent == site_folder(root, content)
    assert cache_folder(root, {**settings, "OUTPUT_PATH": "/elsewhere"}) == first
    changed = cache_folder(root, {**settings, "MARKDOWN": {"a": 2}})
    assert changed != first and not first.exists(), "the stale cache was kept"
    changed.mkdir(parents=True)
    (plugins / "p.py").write_text("X = 2\n")
    assert cache_folder(root, {**settings, "MARKDOWN": {"a": 2}}) != changed
    # The cache of a content folder that is gone goes too.
    content.rename(tmp_path / "moved")
    cache_folder(root, {**settings, "PATH": str(tmp_path / "moved")})
    assert not site_folder(root, content).exists()


def _posts_and_listings(tmp_path, writer, posts=8, listings=30, template=None):
    """Queue the pages of POSTS posts (each with its source file) and LISTINGS other pages."""
    template = template or _template("<h1>{{ title }}</h1>")
    names = []
    for n in range(posts):
        source = tmp_path / "content" / f"post{n}.md"
        source.parent.mkdir(exist_ok=True)
        source.write_text("x")
        os.utime(source, (1_000_000 + n, 1_000_000 + n))
        name = f"2020/post-{n}/index.html"
        post = SimpleNamespace(source_path=str(source))
        writer.write_file(name, template, _context(), title=name, article=post)
        names.append(name)
    for n in range(listings):
        writer.write_file(f"tag/t{n}/index.html", template, _context(), title=f"t{n}")
    return names


@pytest.mark.parametrize("workers", [1, 2])
def test_the_search_is_told_once_every_posts_page_is_on_disk(tmp_path, workers):
    from plugins.build_speed.writer import post_pages_written

    writer = ParallelWriter(str(tmp_path / "out"), settings=SETTINGS)
    posts = _posts_and_listings(tmp_path, writer)
    told = []

    def receiver(sender, pages):
        out = tmp_path / "out"
        on_disk = {name: (out / name).read_text() for name in pages}
        listings = sorted(p.parent.name for p in (out / "tag").glob("*/index.html"))
        told.append((sender, pages, on_disk, listings, os.getpid()))

    post_pages_written.connect(receiver)
    try:
        writer.write_out(workers)
    finally:
        post_pages_written.disconnect(receiver)
    assert len(told) == 1
    sender, pages, on_disk, listings, pid = told[0]
    assert sender is writer and pid == os.getpid()
    assert pages == list(reversed(posts)), "the posts' pages, newest first"
    assert on_disk == {name: f"<h1>{name}</h1>" for name in posts}, "each written whole"
    if workers == 1:
        assert listings == [], "told before any other page was written"
    assert len(_files(tmp_path / "out")) == 38


def _feed_item(number):
    return SimpleNamespace(
        title=f"Post {number}",
        url=f"{number}/",
        summary="A summary.",
        get_content=lambda siteurl: f"<p>The text of post {number}.</p>",
        category="Risk",
        tags=[],
        author="Chris",
        date=datetime.datetime(2020, 3, number + 1, tzinfo=datetime.UTC),
    )


@pytest.mark.parametrize("workers", [1, 2])
def test_feeds_are_written_with_the_other_pages_after_the_posts_own(tmp_path, workers):
    from pelican import signals
    from pelican.writers import Writer

    from plugins.build_speed.writer import post_pages_written

    settings = {**SETTINGS, "FEED_MAX_ITEMS": None, "FEED_APPEND_REF": False}
    site = "https://example.org"
    context = {**_context(), "SITENAME": "Reflections", "SITEURL": site, "FEED_DOMAIN": site}
    writer = ParallelWriter(str(tmp_path / "out"), settings=settings)
    posts = _posts_and_listings(tmp_path, writer)
    items = [_feed_item(n) for n in range(3)]
    feeds = [("feeds/all.atom.xml", "atom"), ("feeds/all.rss.xml", "rss")]
    for path, kind in feeds:  # as Pelican's generators call it: the path given positionally
        assert writer.write_feed(items, context, path, feed_type=kind) is None
    assert not (tmp_path / "out" / "feeds").exists(), "queued, not written at once"
    told, announced = [], []

    def receiver(sender, pages):
        told.append(sorted(p.name for p in (tmp_path / "out" / "feeds").glob("*")))

    def written(path, context):
        announced.append(os.path.relpath(path, tmp_path / "out"))

    post_pages_written.connect(receiver)
    signals.content_written.connect(written)
    try:
        writer.write_out(workers)
    finally:
        post_pages_written.disconnect(receiver)
        signals.content_written.disconnect(written)
    if workers == 1:
        assert told == [[]], "the search is told before any feed is written"
    plain = Writer(str(tmp_path / "plain"), settings)
    for path, kind in feeds:
        plain.write_feed(items, dict(context), path, feed_type=kind)
        mine = (tmp_path / "out" / path).read_bytes()
        assert mine == (tmp_path / "plain" / path).read_bytes(), path
    assert sorted(announced) == sorted(_files(tmp_path / "out")), "pages announced, not feeds"
    assert set(posts) <= set(announced)


def test_no_post_no_word_to_the_search(tmp_path):
    from plugins.build_speed.writer import post_pages_written

    writer = ParallelWriter(str(tmp_path / "out"), settings=SETTINGS)
    _posts_and_listings(tmp_path, writer, posts=0)
    told = []
    receiver = told.append
    post_pages_written.connect(receiver)
    try:
        writer.write_out(2)
    finally:
        post_pages_written.disconnect(receiver)
    assert told == []


@pytest.mark.parametrize("workers", [1, 2])
def test_a_posts_page_written_again_after_the_search_was_told_is_noted(tmp_path, workers):
    writer = ParallelWriter(str(tmp_path / "out"), settings=SETTINGS)
    template = _template("<h1>{{ title }}</h1>")
    posts = _posts_and_listings(tmp_path, writer, template=template)
    # A later generator's page written over a post's (Pelican allows one override).
    writer.write_file(posts[3], template, _context(), title="over", override_output=True)
    writer.write_out(workers)
    assert writer.rewritten == ({posts[3]} if workers == 1 else set())
    # After the write-out the writer writes at once: over a post's page, and over another.
    writer.write_file(posts[5], template, _context(), title="late", override_output=True)
    writer.write_file("tag/t3/index.html", template, _context(), title="late", override_output=True)
    assert posts[5] in writer.rewritten and "tag/t3/index.html" not in writer.rewritten


def test_the_other_pages_give_way_to_work_started_beside_them_and_none_is_lost(tmp_path):
    from plugins.build_speed.writer import YIELD_NICENESS, post_pages_written

    writer = ParallelWriter(str(tmp_path / "out"), settings=SETTINGS)
    # Each page says which process wrote it, at what niceness, and when (one clock for all).
    template = _template("<h1>{{ title }}</h1>{{ by() }}")
    context = {**_context(), "by": lambda: f"{os.getpid()} {os.nice(0)} {time.monotonic()}"}
    posts = []
    for n in range(8):
        source = tmp_path / "content" / f"post{n}.md"
        source.parent.mkdir(exist_ok=True)
        source.write_text("x")
        name = f"2020/post-{n}/index.html"
        post = SimpleNamespace(source_path=str(source))
        writer.write_file(name, template, context, title=name, article=post)
        posts.append(name)
    listings = [f"tag/t{n}/index.html" for n in range(400)]  # enough to share
    for name in listings:
        writer.write_file(name, template, context, title=name)
    told = []

    def started_beside(sender, pages):
        told.append(time.monotonic())
        return True  # as the search does once Pagefind runs

    post_pages_written.connect(started_beside)
    try:
        writer.write_out(2)
    finally:
        post_pages_written.disconnect(started_beside)
    written = _files(tmp_path / "out")
    assert sorted(written) == sorted(posts + listings), "every page written, none lost"
    by = {name: text.split("</h1>")[1].split() for name, text in written.items()}
    assert all(written[name].startswith(f"<h1>{name}</h1>") for name in written)
    assert len(told) == 1 and os.nice(0) != YIELD_NICENESS, "this process keeps its priority"
    after = {name: (pid, nice) for name, (pid, nice, at) in by.items() if float(at) > told[0]}
    assert after, "pages were written after the search was told"
    assert all(pid != str(os.getpid()) for pid, _ in after.values()), "this process stopped"
    # The writer forked then writes every page at the lower priority. (The first child wrote
    # the last page first, the group kept for it, whenever it started.)
    first_child = by[listings[-1]][0]
    handed = [nice for pid, nice in after.values() if pid not in (first_child, str(os.getpid()))]
    assert handed and set(handed) == {str(YIELD_NICENESS)}
