"""Pagefind started on the posts' pages while the other pages are written gives the very index
the run after the writing gives, and is put aside (the site indexed as before) whenever the
finished site would give Pagefind anything else."""

import shutil
import stat
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from pelican import signals

import plugins.search as search
from plugins.build_speed.memo import FolderMemo
from plugins.search import SearchError, build_index
from plugins.search import early as early_module
from plugins.search import index as search_index

PAGE = """<!DOCTYPE html><html lang="en"><head><title>{title}</title>{head}</head>
<body><nav>Menu words</nav><article data-pagefind-body><h1>{title}</h1><p>{text}</p></article>
</body></html>"""
LISTING = "<!DOCTYPE html><html><head><title>{title}</title></head><body>{text}</body></html>"
WORDS = ["supervision", "caseload", "reflection", "court", "blame", "learning", "review"]


def write_post(site, name, number, head=""):
    text = " ".join(WORDS[(number + i) % len(WORDS)] for i in range(number % 5 + 3))
    target = Path(site) / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(PAGE.format(title=f"Post {number}", head=head, text=text), "utf-8")


def write_listing(site, name, text="A listing"):
    target = Path(site) / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(LISTING.format(title=name, text=text), "utf-8")


def post_names(count=12):
    return [f"20{10 + n % 3}/0{1 + n % 4}/post-{n}/index.html" for n in range(count)]


def posts_site(site, count=12):
    """A site whose posts' pages are written (and the listings not yet): the moment the
    writer sends post_pages_written. Returns the posts' names."""
    names = post_names(count)
    for number, name in enumerate(names):
        write_post(site, name, number)
    return names


def the_rest(site):
    """The pages written after the posts': listings, tags, an unmarked page per post."""
    write_listing(site, "index.html")
    write_listing(site, "tags/index.html")
    write_listing(site, "2010/index.html")
    for number in range(12):
        write_listing(site, f"cpd/post-{number}/index.html", f"Notes {number}")


def bundle(site):
    folder = Path(site) / "pagefind"
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def indexed_after_the_writing(site, tmp_path, part_most=None):
    """The bundle the run after the writing gives for SITE as it is now (on a copy of it)."""
    copy = tmp_path / "after-the-writing"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(site, copy)
    build_index(copy, part_most=part_most)
    return bundle(copy)


@pytest.fixture
def finalized_indexes():
    """index_site at `finalized`, as the plugin's register() connects it (the early start
    needs it there: it is what takes the run)."""
    signals.finalized.connect(search.index_site)
    yield
    signals.finalized.disconnect(search.index_site)
    search._Early.cancel()


@pytest.fixture
def runs_after_the_writing(monkeypatch):
    """The Pagefind runs made at `finalized` (none when the early run is taken)."""
    runs = []
    real = search_index._run_pagefind
    monkeypatch.setattr(search_index, "_run_pagefind", lambda *a: runs.append(a) or real(*a))
    return runs


def writer_for(site, settings=None, rewritten=()):
    """What start_indexing and index_site read of the writer and of Pelican."""
    return SimpleNamespace(
        settings={"SEARCH_ENABLED": True, **(settings or {})},
        output_path=str(site),
        rewritten=set(rewritten),
    )


def started(site, names, settings=None, rewritten=()):
    writer = writer_for(site, settings, rewritten)
    search.start_indexing(writer, pages=names)
    return writer


def scratch_left(site):
    return sorted(p.name for p in Path(site).parent.iterdir() if p.name.startswith(".search-"))


def test_the_index_started_early_is_byte_identical_to_the_one_after_the_writing(
    tmp_path, finalized_indexes, runs_after_the_writing
):
    site = tmp_path / "site"
    names = posts_site(site)
    writer = started(site, [*names, "index.html"])
    assert search._Early.run is not None
    the_rest(site)
    search.index_site(writer)
    assert runs_after_the_writing == [], "the site was indexed again after the writing"
    assert bundle(site) == indexed_after_the_writing(site, tmp_path)
    assert len(bundle(site)) > 5 and scratch_left(site) == []


def _marked_page_written_later(site, names, writer):
    write_post(site, "about/index.html", 99)


def _post_hidden_later(site, names, writer):
    meta = '<meta name="robots" content="noindex">'
    write_post(site, names[3], 3, head=meta)


def _post_changed_later(site, names, writer):
    write_post(site, names[5], 6)


def _post_written_again_by_the_writer(site, names, writer):
    writer.rewritten.add(names[2])


def _post_rewritten_with_its_own_bytes(site, names, writer):
    # Pagefind may have read it half-written: only a check of the file itself tells. (The
    # pause: a kernel's file clock may tick only every few milliseconds.)
    time.sleep(0.02)
    path = site / names[1]
    data = path.read_bytes()
    path.write_bytes(b"")
    path.write_bytes(data)


def _listed_in_another_order(site, names, writer):
    # Pagefind numbers pages in the order the file system lists them.
    real = early_module.os.listdir
    early_module.os.listdir = lambda folder: list(reversed(real(folder)))


def _a_folder_at_the_bundle_s_place(site, names, writer):
    (site / "pagefind").mkdir()
    (site / "pagefind" / "notes.txt").write_text("not Pagefind's")


@pytest.mark.parametrize(
    "change",
    [
        _marked_page_written_later,
        _post_hidden_later,
        _post_changed_later,
        _post_written_again_by_the_writer,
        _post_rewritten_with_its_own_bytes,
        _listed_in_another_order,
        _a_folder_at_the_bundle_s_place,
    ],
)
def test_a_site_changed_since_the_start_is_indexed_again(
    tmp_path, finalized_indexes, runs_after_the_writing, monkeypatch, change
):
    monkeypatch.setattr(early_module.os, "listdir", early_module.os.listdir)  # put back after
    site = tmp_path / "site"
    names = posts_site(site)
    writer = started(site, names)
    assert search._Early.run is not None
    the_rest(site)
    change(site, names, writer)
    reference = indexed_after_the_writing(site, tmp_path)
    runs_after_the_writing.clear()
    search.index_site(writer)
    assert len(runs_after_the_writing) == 1, "the early index was published"
    assert bundle(site) == reference
    assert scratch_left(site) == []


def test_a_site_indexed_in_parts_is_indexed_early_part_by_part_as_after_the_writing(
    tmp_path, finalized_indexes, runs_after_the_writing
):
    site = tmp_path / "site"
    names = posts_site(site)
    form = '<form role="search" data-search-bundle="/pagefind/"></form>'
    write_listing(site, "search/index.html", form)
    writer = started(site, names, {"SEARCH_PART_PAGES": 5})
    assert search._Early.run is not None and len(search._Early.run.processes) == 3
    the_rest(site)
    search.index_site(writer)
    assert runs_after_the_writing == [], "the site was indexed again after the writing"
    assert bundle(site) == indexed_after_the_writing(site, tmp_path, 5)
    assert sorted(p.name for p in (site / "pagefind").glob("part-*")) == ["part-2", "part-3"]
    assert scratch_left(site) == []


@pytest.mark.parametrize("change", [_post_changed_later, _post_written_again_by_the_writer])
def test_a_site_in_parts_changed_since_the_start_is_indexed_again(
    tmp_path, finalized_indexes, runs_after_the_writing, change
):
    site = tmp_path / "site"
    names = posts_site(site)
    write_listing(site, "search/index.html", '<form data-search-bundle="/pagefind/"></form>')
    writer = started(site, names, {"SEARCH_PART_PAGES": 5})
    the_rest(site)
    change(site, names, writer)
    reference = indexed_after_the_writing(site, tmp_path, 5)
    runs_after_the_writing.clear()
    search.index_site(writer)
    assert len(runs_after_the_writing) == 3, "the early parts were published"
    assert bundle(site) == reference and scratch_left(site) == []


def test_the_early_run_is_stopped_when_the_site_changed(tmp_path, finalized_indexes):
    site = tmp_path / "site"
    names = posts_site(site)
    writer = started(site, names)
    process = search._Early.run.process
    write_post(site, "about/index.html", 99)
    search.index_site(writer)
    assert process.poll() is not None


@pytest.mark.parametrize(
    "why",
    ["no page marked", "glob character", "kept bundle", "devserver", "search off"],
)
def test_no_early_run_where_the_pages_cannot_be_known_or_need_no_run(
    tmp_path, finalized_indexes, runs_after_the_writing, why
):
    site = tmp_path / "site"
    names = posts_site(site)
    settings = {}
    if why == "no page marked":  # then Pagefind indexes every page, listings too
        names = ["index.html", "tags/index.html"]
        shutil.rmtree(site)
        write_listing(site, "index.html")
        write_listing(site, "tags/index.html")
    elif why == "glob character":
        write_post(site, "2012/01/what-[now]/index.html", 40)
        names.append("2012/01/what-[now]/index.html")
    elif why == "kept bundle":
        cache = tmp_path / "cache"
        build_index(site, memo=FolderMemo(cache / "SearchIndex"))  # the last build's
        shutil.rmtree(site / "pagefind")
        settings = {"CACHE_PATH": str(cache), "CACHE_CONTENT": True, "LOAD_CONTENT_CACHE": True}
        settings["PLUGINS"] = ["plugins.build_speed"]
    elif why == "devserver":  # it indexes after the build, not at finalized
        signals.finalized.disconnect(search.index_site)
    elif why == "search off":
        settings = {"SEARCH_ENABLED": False}
    writer = started(site, names, settings)
    assert search._Early.run is None
    assert scratch_left(site) == []
    if why in ("no page marked", "glob character"):
        reference = indexed_after_the_writing(site, tmp_path, settings.get("SEARCH_PART_PAGES"))
        runs_after_the_writing.clear()
        search.index_site(writer)
        assert runs_after_the_writing, "indexed as before"
        assert bundle(site) == reference


def test_a_cold_make_html_keeps_the_early_bundle_for_the_next_build(
    tmp_path, finalized_indexes, runs_after_the_writing
):
    site, cache = tmp_path / "site", tmp_path / "cache"
    settings = {"CACHE_PATH": str(cache), "CACHE_CONTENT": True, "LOAD_CONTENT_CACHE": True}
    settings["PLUGINS"] = ["plugins.build_speed"]
    names = posts_site(site)
    writer = started(site, names, settings)
    assert search._Early.run is not None, "an empty cache holds no bundle for these pages"
    the_rest(site)
    search.index_site(writer)
    assert runs_after_the_writing == []
    first = bundle(site)
    # The next build of the same pages takes the kept bundle: no Pagefind at all.
    writer = started(site, names, settings)
    assert search._Early.run is None
    search.index_site(writer)
    assert runs_after_the_writing == [] and bundle(site) == first


def failing_pagefind(tmp_path):
    script = tmp_path / "pagefind"
    script.write_text("#!/bin/sh\necho 'Error: the disk is full' >&2\nexit 3\n")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script


def test_a_failed_early_pagefind_stops_the_build_with_its_error_as_before(
    tmp_path, finalized_indexes, monkeypatch
):
    site = tmp_path / "site"
    names = posts_site(site)
    the_rest(site)
    binary = failing_pagefind(tmp_path)
    with pytest.raises(SearchError) as before:
        build_index(site, executable=binary)
    monkeypatch.setattr(search, "get_executable", lambda: binary)
    monkeypatch.setattr(search_index, "get_executable", lambda: binary)
    writer = started(site, names)
    assert search._Early.run is not None
    with pytest.raises(SearchError) as early:
        search.index_site(writer)
    assert str(early.value) == str(before.value)
    assert "pagefind failed (3)" in str(early.value) and "the disk is full" in str(early.value)
    assert scratch_left(site) == [] and not (site / "pagefind").exists()


def test_a_build_that_stops_before_finalized_leaves_no_pagefind_behind(tmp_path, finalized_indexes):
    site = tmp_path / "site"
    started(site, posts_site(site))
    process = search._Early.run.process
    search._Early.cancel()  # what the build's exit (atexit) or the next build's start does
    assert process.poll() is not None
    assert scratch_left(site) == [] and not (site / "pagefind").exists()


def test_the_listing_order_follows_the_file_system(tmp_path, monkeypatch):
    site = tmp_path / "site"
    names = posts_site(site)
    order = early_module.listing_order(site, names)
    assert sorted(order) == sorted(names)
    real = early_module.os.listdir
    monkeypatch.setattr(early_module.os, "listdir", lambda folder: list(reversed(real(folder))))
    assert early_module.listing_order(site, names) == list(reversed(order))
    (site / "2010" / "01").rename(site / "2010" / "moved")
    assert early_module.listing_order(site, names) is None


@pytest.mark.parametrize("workers", [1, 2])
def test_a_built_site_publishes_the_index_started_early(tmp_path, runs_after_the_writing, workers):
    """A whole build (the posts' pages, then 2,000-odd other files) takes the early run, and
    its index is the one Pagefind makes of the finished site."""
    from bench.corpus import write_corpus
    from tests.sitebuild import build

    corpus = write_corpus(tmp_path / "corpus", 30, seed=3)["yaml"]
    site = build(corpus, tmp_path / "out", settings={"BUILD_WORKERS": workers}).output
    assert runs_after_the_writing == [], "Pagefind ran after the writing"
    assert len(list(site.glob("*/*/*/index.html"))) == 30
    assert bundle(site) == indexed_after_the_writing(site, tmp_path)
    assert scratch_left(site) == []


def test_a_bundle_folder_inside_another_and_a_relative_output_path(
    tmp_path, finalized_indexes, runs_after_the_writing, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    site = Path("site")
    names = posts_site(site)
    settings = {"SEARCH_BUNDLE_DIR": "assets/search"}
    writer = started(site, names, settings)
    assert search._Early.run is not None
    the_rest(site)
    search.index_site(writer)
    assert runs_after_the_writing == []
    copy = tmp_path / "after-the-writing"
    shutil.copytree(site, copy, ignore=shutil.ignore_patterns("assets"))
    build_index(copy, "assets/search")
    folder = site / "assets" / "search"
    made = {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    folder = copy / "assets" / "search"
    expected = {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    assert made == expected and len(made) > 5
    assert scratch_left(tmp_path / "site") == []


def test_the_folder_of_a_killed_build_s_early_run_is_removed_by_the_next(
    tmp_path, finalized_indexes
):
    # SIGKILL runs no exit handler: the next build removes what the killed one left.
    import subprocess

    gone = subprocess.Popen(["true"])
    gone.wait()
    abandoned = tmp_path / f"{early_module.SCRATCH}{gone.pid}-abc"
    (abandoned / "bundle").mkdir(parents=True)
    alive = tmp_path / f"{early_module.SCRATCH}1-xyz"  # pid 1 lives: another build's
    alive.mkdir()
    site = tmp_path / "site"
    started(site, posts_site(site))
    assert search._Early.run is not None
    assert not abandoned.exists() and alive.is_dir()
