"""`make publish`: production build, no drafts, link check, atomic swap, reproducible bytes."""

import gzip
import shutil

import feedparser
from bs4 import BeautifulSoup
from publishing_helpers import FIXTURES, SITEURL, make, tree_hashes

DRAFT_WORD = "Draftonlyword"  # only in the draft's body
DRAFT_SLUG = "an-unfinished-draft"


def test_publish_builds_the_site_and_leaves_no_scratch_folders(published):
    assert (published / "index.html").exists()
    assert not published.with_name("output.new").exists()
    assert not published.with_name("output.old").exists()
    home = BeautifulSoup((published / "index.html").read_text(encoding="utf-8"), "lxml")
    links = [a["href"] for a in home.select("main a[href]")]
    assert f"{SITEURL}/2018/05/a-published-reflection/" in links  # absolute production URLs


def _all_text(site):
    """Every file's text, gzip-compressed search index fragments included."""
    for path in site.rglob("*"):
        if not path.is_file():
            continue
        data = path.read_bytes()
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
        yield path, data.decode("utf-8", errors="replace")


def test_drafts_are_absent_from_publish(published):
    assert not (published / "drafts").exists()
    assert not list(published.rglob(f"*{DRAFT_SLUG}*"))
    leaks = [str(p) for p, text in _all_text(published) if DRAFT_WORD in text or DRAFT_SLUG in text]
    assert leaks == []
    feed = feedparser.parse((published / "feeds" / "all.atom.xml").read_bytes())
    assert [entry.title for entry in feed.entries] == ["A published reflection"]
    assert not (published / "tag" / "draftonlytag").exists()
    sitemap = (published / "sitemap.xml").read_text(encoding="utf-8")
    assert "a-published-reflection" in sitemap and DRAFT_SLUG not in sitemap
    assert any(p.name.endswith(".pf_fragment") for p in published.rglob("*")), "no search index"


def test_drafts_show_in_the_local_preview_marked_as_drafts(tmp_path):
    output = tmp_path / "local"
    process = make("html", f"INPUTDIR={FIXTURES / 'drafts'}", f"OUTPUTDIR={output}")
    assert process.returncode == 0, process.stdout + process.stderr
    page = BeautifulSoup(
        (output / "drafts" / DRAFT_SLUG / "index.html").read_text(encoding="utf-8"), "lxml"
    )
    assert page.select_one("main .draft-label").get_text(" ", strip=True).startswith("Draft")
    assert DRAFT_WORD in page.get_text()
    home = BeautifulSoup((output / "index.html").read_text(encoding="utf-8"), "lxml")
    listed = home.select_one("main .drafts")
    assert listed is not None
    assert [a.get_text() for a in listed.select("a")] == ["An unfinished draft"]
    assert "Draft" in listed.get_text()


def _copy(tmp_path, name):
    target = tmp_path / name
    shutil.copytree(FIXTURES / "drafts", target)
    return target


def test_a_failed_build_leaves_the_old_site_byte_for_byte(published, tmp_path):
    output = tmp_path / "output"
    shutil.copytree(published, output)
    before = tree_hashes(output)
    content = _copy(tmp_path, "content")
    (content / "articles" / "2018" / "broken.md").write_text(
        "---\ntitle: Broken\ndate: 2018-02-30\n---\nBody.\n", encoding="utf-8"
    )
    process = make("publish", f"INPUTDIR={content}", f"OUTPUTDIR={output}")
    assert process.returncode != 0
    assert "'date: 2018-02-30' is not a real date or time" in " ".join(process.stdout.split())
    assert f"nothing was published; {output} is unchanged" in process.stderr
    assert tree_hashes(output) == before
    assert not (tmp_path / "output.new").exists()


def test_a_broken_link_stops_the_swap_and_lists_the_link(published, tmp_path):
    output = tmp_path / "output"
    shutil.copytree(published, output)
    before = tree_hashes(output)
    content = _copy(tmp_path, "content")
    (content / "pages" / "about.md").write_text(
        "---\ntitle: About\n---\nSee [the archive](/no-such-page/) and [a note](#nowhere).\n",
        encoding="utf-8",
    )
    process = make("publish", f"INPUTDIR={content}", f"OUTPUTDIR={output}")
    assert process.returncode != 0
    assert "about/index.html: /no-such-page/ (no file no-such-page/index.html in the site)" in (
        process.stderr
    )
    assert "about/index.html: #nowhere (no id 'nowhere' in about/index.html)" in process.stderr
    assert tree_hashes(output) == before


def test_a_good_publish_replaces_the_old_site(published, tmp_path):
    output = tmp_path / "output"
    shutil.copytree(published, output)
    (output / "stale.html").write_text("left from an old build", encoding="utf-8")
    content = _copy(tmp_path, "content")
    post = content / "articles" / "2018" / "published.md"
    post.write_text(post.read_text(encoding="utf-8").replace("A published", "A renamed"))
    process = make("publish", f"INPUTDIR={content}", f"OUTPUTDIR={output}")
    assert process.returncode == 0, process.stdout + process.stderr
    assert not (output / "stale.html").exists()
    assert (output / "2018" / "05" / "a-renamed-reflection" / "index.html").exists()


def test_two_publishes_are_byte_identical(published, tmp_path):
    again = tmp_path / "again" / "output"
    process = make("publish", f"INPUTDIR={FIXTURES / 'drafts'}", f"OUTPUTDIR={again}")
    assert process.returncode == 0, process.stdout + process.stderr
    first, second = tree_hashes(published), tree_hashes(again)
    assert len(first) > 20
    differing = sorted(
        name for name in first.keys() | second.keys() if first.get(name) != second.get(name)
    )
    assert differing == []
