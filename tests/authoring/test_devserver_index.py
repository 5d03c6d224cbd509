"""The devserver reloads the browser once the pages are written; the search index follows, and
until it is in place the previous index answers searches (scripts/devserver.py)."""

import os
import shutil
import threading

import plugins.search
from scripts.devserver import Builder, swap_folder
from tests.sitebuild import FIXTURES

ENTRY = "pagefind/pagefind-entry.json"


def test_a_rebuild_returns_before_its_index_and_the_old_index_serves_until_the_swap(
    tmp_path, monkeypatch
):
    content = tmp_path / "content"
    shutil.copytree(FIXTURES / "site", content)
    output = tmp_path / "output"
    builder = Builder(content, output, "pelican.conf.py", cache=tmp_path / "cache")
    assert builder.build()
    builder.finish()
    first = (output / ENTRY).read_bytes()

    release, started = threading.Event(), threading.Event()
    original = plugins.search.build_index

    def held(*args, **kwargs):
        started.set()
        assert release.wait(60)
        return original(*args, **kwargs)

    monkeypatch.setattr(plugins.search, "build_index", held)
    post = content / "articles" / "2018" / "no-blame-culture.md"
    post.write_text(post.read_text() + "\nAn edit about zebrafish.\n", encoding="utf-8")
    later = post.stat().st_mtime + 10
    os.utime(post, (later, later))
    try:
        assert builder.build()  # returns: the devserver reloads the browser now
        page = output / "2018" / "07" / "no-blame-culture" / "index.html"
        assert "zebrafish" in page.read_text(encoding="utf-8")
        assert started.wait(60)
        assert (output / ENTRY).read_bytes() == first  # the last index answers meanwhile
    finally:
        release.set()
        builder.finish()
    assert (output / ENTRY).read_bytes() != first
    assert not any(path.name.startswith(".pagefind") for path in output.iterdir())


def test_swap_folder_replaces_the_folder_and_leaves_nothing_beside_it(tmp_path):
    target, fresh = tmp_path / "pagefind", tmp_path / ".pagefind.next"
    target.mkdir()
    (target / "old.txt").write_text("old")
    fresh.mkdir()
    (fresh / "new.txt").write_text("new")
    swap_folder(fresh, target)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pagefind"]
    assert sorted(p.name for p in target.iterdir()) == ["new.txt"]
