"""The search index made in the background while the site is written (plugins/search/early.py).

Its bundle must be byte for byte the bundle Pagefind makes of the written site, or not be used.
"""

import gzip
import importlib
import os
import shutil
from pathlib import Path

import pytest

from bench.corpus import write_corpus
from plugins.search import build_index, early
from plugins.search.early import frame_view, indexed_page, page_view, stub_view
from tests.sitebuild import build, run_pelican

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"

ELEMENT = (
    '<article class="post" data-pagefind-body><h1 id="post-title">A post</h1>'
    "<p>Words <img src=a.png alt=x></p></article>"
)


def page(frame_head="", frame_tail="", element=ELEMENT, title="A post · Blog"):
    return (
        f'<!DOCTYPE html>\n<html lang="en-GB">\n<head><title>{title}</title>\n'
        '<meta name="description" content="words"></head>\n<body><header><p>Blog</p></header>'
        f"<main>{frame_head}{element}{frame_tail}</main></body></html>"
    ).encode()


def stub(frame_head="", element=ELEMENT, title="A post · Blog"):
    return page(frame_head, f"\n\n{early._END}\n", element, title)


def test_a_stub_and_the_written_page_show_the_search_the_same():
    view = stub_view(stub())
    assert view is not None
    assert view[:2] == (b"en-GB", "A post · Blog".encode())
    assert view[2] == len(ELEMENT.encode())
    # The written page has "read next", comments ...: outside the element, never read.
    written = page(frame_tail='<section data-pagefind-ignore><a href="/x/">Next</a></section>')
    assert page_view(written, view[2]) == view


def test_a_written_page_that_differs_where_the_search_reads_is_told_apart():
    view = stub_view(stub())
    changed = ELEMENT.replace("Words", "Other words")
    assert page_view(page(element=changed), view[2]) != view
    assert page_view(page(title="Another title"), view[2]) != view
    assert page_view(page().replace(b'lang="en-GB"', b'lang="fr"'), view[2]) != view


@pytest.mark.parametrize(
    "frame",
    [
        '<div data-pagefind-meta="author:Someone"></div>',  # metadata read anywhere
        '<a data-pagefind-filter="topic">Care</a>',  # a filter read anywhere
        "<h1>Another heading</h1>",  # the page's first h1 gives its title
        '<section data-pagefind-ignore="all"></section>',
    ],
)
def test_a_frame_that_pagefind_would_read_stops_the_early_index(frame):
    assert stub_view(stub(frame_head=frame)) is None
    assert frame_view(frame.encode(), b"") is None


def test_an_image_after_the_article_stops_it_but_not_one_before():
    assert frame_view(b'<p><img src="logo.png" alt=""></p>', b"") is not None
    assert frame_view(b"", b'<p><img src="next.png" alt=""></p>') is None


def test_the_page_pagefind_is_given_holds_the_lang_the_title_and_the_element():
    given, view = indexed_page(stub(frame_head="<nav>Menu words</nav>"))
    assert view == stub_view(stub())
    assert '<html lang="en-GB">' in given
    assert "<title>A post · Blog</title>" in given
    assert ELEMENT in given
    assert "Menu words" not in given and early._END not in given


class Spy:
    """Records whether each build's early index started and was used."""

    def __init__(self, monkeypatch):
        self.started, self.used = [], []
        start, usable = early.start, early.EarlyIndex.usable

        def spy_start(*args, **kwargs):
            job = start(*args, **kwargs)
            self.started.append(job is not None)
            return job

        def spy_usable(job, pages):
            answer = usable(job, pages)
            self.used.append(answer)
            return answer

        monkeypatch.setattr(early, "start", spy_start)
        monkeypatch.setattr(early.EarlyIndex, "usable", spy_usable)


def bundle_files(site):
    bundle = Path(site) / "pagefind"
    return {
        p.relative_to(bundle).as_posix(): p.read_bytes() for p in bundle.rglob("*") if p.is_file()
    }


def indexed_as_before(site, tmp_path, part_most=None):
    """The bundle build_index makes of a copy of the written SITE (the path used before)."""
    copy = tmp_path / "written-copy"
    shutil.copytree(site, copy, ignore=shutil.ignore_patterns("pagefind"))
    build_index(copy, part_most=part_most)
    return bundle_files(copy)


def no_early_leftovers(folder):
    return [p.name for p in Path(folder).iterdir() if p.name.startswith(".search-early-")]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """A synthetic corpus of 40 posts, as bench/ makes them (with themes, tags, dates)."""
    root = tmp_path_factory.mktemp("corpus")
    return Path(write_corpus(root, 40)["yaml"])


@pytest.mark.parametrize(
    "tree, settings",
    [
        ("content", {}),  # the blog itself
        ("site", {}),
        ("drafts", {}),  # drafts and scheduled posts, labelled in a local build
        ("hostile-content", {}),
        ("themes-crosslinks", {}),
        ("topics-site", {}),
        ("search-ranking", {}),
        ("search-ranking", {"SEARCH_PART_PAGES": 2}),  # in parts, each from a mirror
        ("corpus", {"BUILD_WORKERS": 2}),
    ],
)
def test_the_early_bundle_is_the_bundle_of_the_written_site(
    tree, settings, tmp_path, monkeypatch, request
):
    content = {"corpus": lambda: request.getfixturevalue("corpus"), "content": lambda: ROOT / tree}
    content = content.get(tree, lambda: FIXTURES / tree)()
    spy = Spy(monkeypatch)
    output = build(content, tmp_path / "out", settings=settings).output
    assert spy.started == [True] and spy.used == [True]
    part_most = settings.get("SEARCH_PART_PAGES")
    assert bundle_files(output) == indexed_as_before(output, tmp_path, part_most)
    assert no_early_leftovers(tmp_path) == []


def late_change(plugin_receiver, change):
    """PLUGIN_RECEIVER (a related_posts receiver of all_generators_finalized, run after the
    early start) with CHANGE(generators) made first: a plugin that works on posts late."""

    def receiver(generators):
        change(generators)
        return plugin_receiver(generators)

    return receiver


def test_a_post_changed_after_the_early_start_is_indexed_from_the_written_site(
    tmp_path, monkeypatch
):
    # A plugin that changes a post after the posts were final for the search: the early
    # bundle would miss the change, so it is not used.
    def retitle(generators):
        for generator in generators:
            for article in (getattr(generator, "articles", None) or ())[:1]:
                article.title += " Zanzibarish"

    related = importlib.import_module("plugins.related_posts")
    monkeypatch.setattr(
        related, "add_related_posts", late_change(related.add_related_posts, retitle)
    )
    spy = Spy(monkeypatch)
    output = build(FIXTURES / "search-ranking", tmp_path / "out").output
    assert spy.started == [True] and spy.used == [False]
    assert bundle_files(output) == indexed_as_before(output, tmp_path)
    fragments = [
        gzip.decompress(data)
        for name, data in bundle_files(output).items()
        if name.endswith(".pf_fragment")
    ]
    assert any(b"Zanzibarish" in fragment for fragment in fragments)
    assert no_early_leftovers(tmp_path) == []


@pytest.mark.parametrize(
    "settings", [{"BUILD_WORKERS": 1}, {"SEARCH_ENABLED": False}], ids=["one-process", "off"]
)
def test_no_early_index_in_one_process_or_without_search(settings, tmp_path, monkeypatch):
    spy = Spy(monkeypatch)
    build(FIXTURES / "search-ranking", tmp_path / "out", settings=settings)
    assert spy.started == []
    assert no_early_leftovers(tmp_path) == []


def test_a_rebuild_that_can_reuse_the_kept_bundle_starts_no_early_index(tmp_path, monkeypatch):
    spy = Spy(monkeypatch)
    cache = tmp_path / "cache"
    first = build(FIXTURES / "search-ranking", tmp_path / "out", cache=cache).output
    kept = bundle_files(first)
    second = build(FIXTURES / "search-ranking", tmp_path / "out", cache=cache).output
    assert spy.started == [True] and spy.used == [True]  # the first build only
    assert bundle_files(second) == kept


def test_a_failed_pagefind_still_fails_the_build_naming_the_site(tmp_path):
    # The early child fails too; the written site is then indexed as before, and that fails.
    env = {**os.environ, "PAGEFIND_BINARY_PATH": "/bin/false"}
    process = run_pelican(FIXTURES / "search-ranking", tmp_path / "out", env=env)
    assert process.returncode != 0
    assert f"pagefind failed (1) on {tmp_path / 'out'}" in process.stdout + process.stderr
    assert no_early_leftovers(tmp_path) == []


def _pagefind_runs_under(folder):
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                command = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if str(folder).encode() in command and b"pagefind" in command:
                found.append(entry.name)
    return found


def blocked_output(tmp_path):
    """An output folder where a file stands in the way of the search page's folder: the
    build stops while writing pages, after the early index started."""
    output = tmp_path / "out"
    output.mkdir()
    (output / "search").write_text("in the way", encoding="utf-8")
    return output


def test_a_build_that_stops_while_writing_stops_its_early_index_at_once(tmp_path, monkeypatch):
    # In one process (the tests', a preview server's) the build goes on to the next: the
    # failed one leaves neither its folder nor its process.
    spy = Spy(monkeypatch)
    failed = build(FIXTURES / "search-ranking", blocked_output(tmp_path), check=False)
    assert failed.exit_code != 0 and spy.started == [True]
    assert early.take() is None
    assert no_early_leftovers(tmp_path) == []
    assert _pagefind_runs_under(tmp_path) == []


def test_a_build_that_stops_after_the_early_start_leaves_no_folder_nor_process(tmp_path):
    # The `pelican` command ends; its exit stops the early index and removes its folder.
    process = run_pelican(FIXTURES / "search-ranking", blocked_output(tmp_path))
    assert process.returncode != 0
    assert "File exists" in process.stdout + process.stderr
    assert no_early_leftovers(tmp_path) == []
    assert _pagefind_runs_under(tmp_path) == []


def test_a_build_that_fails_in_a_receiver_stops_its_early_index(tmp_path, monkeypatch):
    def fail(generators):
        raise RuntimeError("stopped by the test")

    related = importlib.import_module("plugins.related_posts")
    monkeypatch.setattr(related, "add_related_posts", late_change(related.add_related_posts, fail))
    spy = Spy(monkeypatch)
    failed = build(FIXTURES / "search-ranking", tmp_path / "out", check=False)
    assert failed.exit_code != 0 and spy.started == [True]
    assert early.take() is None
    assert no_early_leftovers(tmp_path) == []


def test_a_build_stops_an_early_index_left_from_before_and_never_takes_it(tmp_path, monkeypatch):
    # Should one be left (a build stopped in a way no handler saw), the next build stops it
    # before anything else, also when it makes no early index of its own (one process).
    left = early.EarlyIndex(None, tmp_path / ".search-early-left", "pagefind")
    left.folder.mkdir()
    monkeypatch.setattr(early, "_running", left)
    spy = Spy(monkeypatch)
    build(FIXTURES / "search-ranking", tmp_path / "out", settings={"BUILD_WORKERS": 1})
    assert spy.started == [] and spy.used == []
    assert not left.folder.exists()
