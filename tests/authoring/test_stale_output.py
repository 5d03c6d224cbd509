"""Local builds leave no page behind that no content produces any more (plugins/stale_output)."""

import os
import shutil

import pytest
from authoring_helpers import FIXTURES

from plugins.stale_output import MANIFEST, remove_stale
from tests.sitebuild import build_site


def build(content, output):
    build_site(content, output)


@pytest.fixture
def drafts(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(FIXTURES / "drafts", content)
    return content, tmp_path / "output"


@pytest.mark.slow
def test_a_published_draft_leaves_no_draft_page_behind(drafts):
    content, output = drafts
    build(content, output)
    draft_page = output / "drafts" / "an-unfinished-draft" / "index.html"
    assert draft_page.is_file()
    post = content / "articles" / "2018" / "unfinished.md"
    post.write_text(post.read_text(encoding="utf-8").replace("status: draft", "status: published"))
    build(content, output)
    assert not draft_page.exists()
    assert not (output / "drafts").exists()  # the emptied folders go too
    assert list(output.glob("20*/*/an-unfinished-draft/index.html"))  # its new address


@pytest.mark.slow
def test_a_renamed_tag_leaves_no_old_tag_page_behind(drafts):
    content, output = drafts
    post = content / "articles" / "2018" / "published.md"
    post.write_text(post.read_text(encoding="utf-8").replace("[Supervision]", "[Winter notes]"))
    build(content, output)
    assert (output / "tag" / "winter-notes" / "index.html").is_file()
    post.write_text(post.read_text(encoding="utf-8").replace("[Winter notes]", "[Autumn notes]"))
    build(content, output)
    assert (output / "tag" / "autumn-notes" / "index.html").is_file()
    assert not (output / "tag" / "winter-notes").exists()
    # Everything else is still there, and the built site still has its stylesheet.
    assert (output / "index.html").is_file()
    assert (output / "theme" / "css" / "site.css").is_file()


@pytest.mark.slow
def test_a_file_no_build_recorded_is_kept(drafts):
    content, output = drafts
    build(content, output)
    mine = output / "notes" / "mine.html"
    mine.parent.mkdir()
    mine.write_text("an author's own file")
    build(content, output)
    assert mine.read_text() == "an author's own file"


def test_only_recorded_files_inside_the_output_folder_are_deleted(tmp_path):
    output = tmp_path / "output"
    (output / "old").mkdir(parents=True)
    (output / "old" / "index.html").write_text("stale")
    (output / "kept.html").write_text("still written")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "precious.txt").write_text("not ours")
    (tmp_path / "precious.txt").write_text("not ours")
    os.symlink(outside, output / "linked")
    os.symlink(tmp_path / "precious.txt", output / "link.txt")
    previous = {
        "old/index.html",
        "kept.html",
        "../precious.txt",
        "old/../../precious.txt",
        str(tmp_path / "precious.txt"),
        "linked/precious.txt",
        "link.txt",
        MANIFEST,
        ".",
        "",
    }
    removed = remove_stale(output, previous, {"kept.html"})
    assert removed == ["old/index.html"]
    assert not (output / "old").exists()
    assert (output / "kept.html").is_file()
    assert (outside / "precious.txt").read_text() == "not ours"
    assert (tmp_path / "precious.txt").read_text() == "not ours"
    assert (output / "link.txt").is_symlink()


def indexed_urls(output):
    """The addresses of every page in the site's search index."""
    import gzip
    import json

    urls = set()
    for fragment in (output / "pagefind" / "fragment").glob("*.pf_fragment"):
        data = gzip.decompress(fragment.read_bytes()).removeprefix(b"pagefind_dcd")
        urls.add(json.loads(data)["url"])
    return urls


@pytest.mark.slow
def test_a_post_that_changed_address_is_not_found_by_search_at_its_old_one(drafts):
    content, output = drafts
    build(content, output)
    assert "/2018/05/a-published-reflection/" in indexed_urls(output)
    post = content / "articles" / "2018" / "published.md"
    text = post.read_text(encoding="utf-8")
    post.write_text(text.replace("title: A published reflection", "title: A second reflection"))
    build(content, output)
    urls = indexed_urls(output)
    assert "/2018/05/a-second-reflection/" in urls
    assert "/2018/05/a-published-reflection/" not in urls
    assert not (output / "2018" / "05" / "a-published-reflection").exists()
