"""The search plugin's core: settings, the Pagefind run, and what a built site's search holds."""

import json
import tracemalloc
from pathlib import Path
from types import SimpleNamespace

import pytest
from bs4 import BeautifulSoup
from pagefind.service import get_executable

from plugins import post_model
from plugins.build_speed.memo import FolderMemo
from plugins.search import SearchError, build_index, search_settings, topic_links
from plugins.search.index import index_key, link_parts, pages_to_index, part_folders, split_pages

PAGE = """<!DOCTYPE html><html lang="en"><head><title>{title}</title></head>
<body><nav>Menu words</nav><article data-pagefind-body><h1>{title}</h1><p>{text}</p></article>
</body></html>"""


def write_page(site, path, title, text):
    target = Path(site) / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(PAGE.format(title=title, text=text), encoding="utf-8")


def test_defaults_and_bad_settings():
    assert search_settings({})["SEARCH_ENABLED"] is True
    assert search_settings({})["SEARCH_URL"] == "search/"
    with pytest.raises(SearchError, match="SEARCH_ENABLED"):
        search_settings({"SEARCH_ENABLED": "yes"})
    with pytest.raises(SearchError, match="SEARCH_URL.*leading"):
        search_settings({"SEARCH_URL": "/search/"})
    with pytest.raises(SearchError, match="SEARCH_BUNDLE_DIR"):
        search_settings({"SEARCH_BUNDLE_DIR": "../elsewhere"})


def test_topic_links_are_each_topic_once_by_name():
    def theme(name, slug):
        return SimpleNamespace(name=name, url=f"topics/{slug}/")

    def article(*themes):
        made = SimpleNamespace()
        post_model.of(made).themes = list(themes)
        return made

    articles = [
        article(theme("Supervision", "supervision"), theme("Blame", "blame")),
        article(theme("blame", "blame")),
        SimpleNamespace(),  # a post the themes plugin gave nothing
    ]
    assert topic_links(articles) == [
        ("Blame", "topics/blame/"),
        ("Supervision", "topics/supervision/"),
    ]


def test_build_index_counts_marked_pages_and_drops_a_stale_bundle(tmp_path):
    write_page(tmp_path, "a/index.html", "Alpha", "The HCPC and social work regulation.")
    write_page(tmp_path, "b/index.html", "Beta", "Supervision and reflection.")
    assert build_index(tmp_path) == 2
    stale = tmp_path / "pagefind" / "fragment" / "en_deleted-post.pf_fragment"
    stale.write_bytes(b"old")
    (tmp_path / "b" / "index.html").unlink()
    assert build_index(tmp_path) == 1
    assert not stale.exists()
    entry = json.loads((tmp_path / "pagefind" / "pagefind-entry.json").read_text())
    assert sum(lang["page_count"] for lang in entry["languages"].values()) == 1


def test_pages_glob_names_each_page_and_refuses_glob_characters():
    from plugins.search.index import pages_glob

    pages = {"2018/07/no-blame/index.html": b"", "about/index.html": b""}
    assert pages_glob(pages) == "{2018/07/no-blame/index.html,about/index.html}"
    for name in ("a,b/index.html", "a{b}/index.html", "a*/index.html", "a[1]/index.html"):
        assert pages_glob({name: b""}) is None
    # Pagefind refuses a glob of every page of a large site: those are indexed from a mirror.
    assert (
        pages_glob({f"2018/07/a-long-slug-for-post-{n}/index.html": b"" for n in range(5000)})
        is None
    )


def _small_site(site):
    write_page(site, "2018/07/alpha/index.html", "Alpha", "The HCPC and social work regulation.")
    write_page(site, "2018/08/beta/index.html", "Beta", "Supervision and reflection.")
    (site / "tags").mkdir()
    (site / "tags" / "index.html").write_text("<html><body><p>A listing</p></body></html>")
    return site


def test_the_index_is_built_from_the_site_itself_with_no_mirror(tmp_path, monkeypatch):
    from plugins.search import index

    def no_mirror(*args):
        raise AssertionError("a mirror of the site was made")

    monkeypatch.setattr(index, "_mirror", no_mirror)
    site = _small_site(tmp_path / "site")
    assert build_index(site) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_the_glob_and_the_mirror_give_the_same_bundle(tmp_path, monkeypatch):
    from plugins.search import index

    by_glob = _small_site(tmp_path / "glob")
    assert build_index(by_glob) == 2
    monkeypatch.setattr(index, "pages_glob", lambda pages: None)
    by_mirror = _small_site(tmp_path / "mirror")
    assert build_index(by_mirror) == 2
    assert _bundle(by_glob) == _bundle(by_mirror)


def test_a_glob_that_misses_a_page_falls_back_to_the_mirror(tmp_path, monkeypatch):
    from plugins.search import index

    by_mirror = _small_site(tmp_path / "mirror")
    monkeypatch.setattr(index, "pages_glob", lambda pages: None)
    assert build_index(by_mirror) == 2
    # A glob that Pagefind reads otherwise than meant: never an index short of a page.
    monkeypatch.setattr(index, "pages_glob", lambda pages: "{" + next(iter(pages)) + "}")
    site = _small_site(tmp_path / "site")
    assert build_index(site) == 2
    assert _bundle(site) == _bundle(by_mirror)


def test_a_page_whose_path_holds_a_glob_character_is_indexed(tmp_path):
    site = _small_site(tmp_path / "site")
    write_page(site, "2018/09/{odd},name/index.html", "Gamma", "Thresholds and referrals.")
    assert build_index(site) == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_an_output_folder_whose_name_holds_glob_characters_is_indexed(tmp_path):
    # The glob names paths inside the site; the site's own folder is never read as a glob.
    site = _small_site(tmp_path / "out[1]{a},b*")
    assert build_index(site) == 2


def _bundle(site):
    folder = Path(site) / "pagefind"
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def test_a_kept_index_is_reused_only_for_the_very_same_pages(tmp_path, monkeypatch):
    from plugins.search import index as search_index

    site, cache = tmp_path / "site", tmp_path / "cache"
    write_page(site, "a/index.html", "Alpha", "The HCPC and social work regulation.")
    write_page(site, "b/index.html", "Beta", "Supervision and reflection.")
    (site / "tags").mkdir()
    (site / "tags" / "index.html").write_text("<html><body>A listing, not indexed</body></html>")
    assert build_index(site, memo=FolderMemo(cache)) == 2
    first = _bundle(site)
    assert build_index(site) == 2 and _bundle(site) == first, "the cache changed the bundle"

    runs = []
    real_run = search_index._run_pagefind
    monkeypatch.setattr(
        search_index, "_run_pagefind", lambda *args: runs.append(args) or real_run(*args)
    )
    # A listing page Pagefind does not index changes nothing: the kept bundle is reused.
    (site / "tags" / "index.html").write_text("<html><body>Another listing</body></html>")
    assert build_index(site, memo=FolderMemo(cache)) == 2
    assert runs == [] and _bundle(site) == first
    # An indexed page changed: Pagefind runs again and the search finds the new words.
    write_page(site, "b/index.html", "Beta", "Supervision, reflection and caseloads.")
    assert build_index(site, memo=FolderMemo(cache)) == 2
    assert len(runs) == 1 and _bundle(site) != first
    assert len(list(cache.iterdir())) == 1, "the cache keeps only the latest bundle"


def test_build_index_names_the_problem(tmp_path):
    with pytest.raises(SearchError, match="does not exist"):
        build_index(tmp_path / "missing")
    with pytest.raises(SearchError, match="no HTML pages"):
        build_index(tmp_path)  # nothing to index: say so rather than publish an empty index


def test_built_site_has_a_search_page_and_an_index_of_its_posts(fixture_site):
    site = Path(fixture_site)
    soup = BeautifulSoup((site / "search" / "index.html").read_text(encoding="utf-8"), "lxml")
    form = soup.select_one("main form[role=search]")
    assert form["method"] == "get" and form["action"].rstrip("/").endswith("search")
    assert form.select_one("input[name=q]")["id"] == form.select_one("label")["for"]
    # No JavaScript: the page says so and offers the archives and topics instead.
    assert "JavaScript" in soup.select_one("#search-status").get_text()
    assert {"Archives", "Topics"} <= {a.get_text() for a in soup.select("#search-browse a")}
    # Scripts: only the site's own module, deferred by being a module; no inline code.
    scripts = soup.find_all("script")
    code = [s for s in scripts if s.get("type") != "application/ld+json" and not s.get("src")]
    assert not code, "inline script on the search page"
    assert [s["src"].rsplit("/", 1)[-1] for s in scripts if s.get("src")] == ["search.js"]
    assert all(s.get("type") == "module" for s in scripts if s.get("src"))
    # The index holds the posts (pages marked data-pagefind-body), nothing else.
    entry = json.loads((site / "pagefind" / "pagefind-entry.json").read_text())
    posts = list(site.glob("[0-9][0-9][0-9][0-9]/[0-9][0-9]/*/index.html"))
    assert sum(lang["page_count"] for lang in entry["languages"].values()) == len(posts)


def test_every_page_has_a_search_form_that_works_without_javascript(fixture_site):
    home = BeautifulSoup((Path(fixture_site) / "index.html").read_text(encoding="utf-8"), "lxml")
    form = home.select_one("header form[role=search]")
    assert form is not None and form["method"] == "get"
    assert form["action"].rstrip("/").endswith("search")
    assert form.select_one("input[name=q]")


def test_search_can_be_switched_off(build, tmp_path):
    content = Path(__file__).resolve().parents[1] / "fixtures" / "search-ranking"
    output = build(content, tmp_path / "out", settings={"SEARCH_ENABLED": "false"})
    assert (output / "index.html").is_file()
    assert not (output / "pagefind").exists()
    assert not (output / "search").exists()
    home = BeautifulSoup((output / "index.html").read_text(encoding="utf-8"), "lxml")
    assert home.select_one("form[role=search]") is None


def test_a_failed_index_fails_the_build(build, tmp_path):
    """A site whose search is broken is not published as if it worked."""
    content = Path(__file__).resolve().parents[1] / "fixtures" / "search-ranking"
    env = {"PAGEFIND_BINARY_PATH": "/bin/false"}
    process = build(content, tmp_path / "out", env=env, check=False)
    assert process.exit_code != 0
    assert "pagefind failed" in process.log


def test_no_unused_pagefind_interfaces_are_published(fixture_site):
    # search.js imports pagefind.js, which loads its worker, wasm and index; Pagefind's own
    # ready-made interfaces (about 417 KB) were published and never loaded.
    bundle = Path(fixture_site) / "pagefind"
    names = {path.name for path in bundle.iterdir()}
    assert {"pagefind.js", "pagefind-worker.js", "pagefind-entry.json"} <= names
    assert not [name for name in names if "-ui." in name or name == "pagefind-highlight.js"]
    shipped = sum(path.stat().st_size for path in bundle.iterdir() if path.is_file())
    assert shipped < 300_000, f"the search bundle's top level holds {shipped} bytes"


def test_a_kept_bundle_from_before_is_published_without_the_interfaces(tmp_path, monkeypatch):
    site = tmp_path / "site"
    write_page(site, "a/index.html", "Alpha", "Supervision matters.")
    build_index(site, memo=FolderMemo(tmp_path / "cache"))
    kept = next((tmp_path / "cache").iterdir())
    (kept / "pagefind-ui.js").write_text("// an old build's file", encoding="utf-8")
    build_index(site, memo=FolderMemo(tmp_path / "cache"))
    assert not (site / "pagefind" / "pagefind-ui.js").exists()
    assert (site / "pagefind" / "pagefind.js").is_file()


def test_every_post_is_indexed_with_the_date_its_page_shows(fixture_site):
    import gzip

    site = Path(fixture_site)
    shown = {}
    for path in site.glob("[0-9][0-9][0-9][0-9]/[0-9][0-9]/*/index.html"):
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")
        date = " ".join(soup.select_one("main .post-header .post-date").get_text(" ").split())
        shown[soup.select_one("h1").get_text(strip=True)] = date
    indexed = {}
    for fragment in (site / "pagefind" / "fragment").iterdir():
        data = gzip.decompress(fragment.read_bytes())
        meta = json.loads(data[data.index(b"{") :])["meta"]
        indexed[meta["title"]] = meta.get("date")
    assert indexed == shown
    assert any("(date estimated)" in date for date in shown.values())


def test_finding_the_pages_to_index_holds_one_page_at_a_time(tmp_path):
    # At 10,000 posts the site's HTML is hundreds of megabytes: the build's main process
    # must not hold it all to decide what Pagefind indexes and whether the last bundle fits.
    for number in range(40):
        write_page(tmp_path, f"p{number}/index.html", f"Post {number}", "word " * 20_000)
    tracemalloc.start()
    try:
        pages = pages_to_index(tmp_path, "pagefind")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(pages) == 40
    page_size = (tmp_path / "p0" / "index.html").stat().st_size
    assert peak < 4 * page_size, f"held {peak} bytes for pages of {page_size} bytes each"


def test_a_changed_page_changes_the_index_key(tmp_path):
    write_page(tmp_path, "a/index.html", "Alpha", "The HCPC and social work regulation.")
    write_page(tmp_path, "b/index.html", "Beta", "Supervision and reflection.")
    binary = get_executable()
    before = index_key(pages_to_index(tmp_path, "pagefind"), binary)
    assert index_key(pages_to_index(tmp_path, "pagefind"), binary) == before
    write_page(tmp_path, "b/index.html", "Beta", "Supervision and reflection!")
    assert index_key(pages_to_index(tmp_path, "pagefind"), binary) != before


# --- a site bigger than SEARCH_PART_PAGES: the index in parts, merged by the search page --------


def _entry_pages(bundle):
    entry = json.loads((Path(bundle) / "pagefind-entry.json").read_text())
    return sum(lang["page_count"] for lang in entry["languages"].values())


def _fragment_urls(bundle):
    import gzip

    urls = []
    for fragment in (Path(bundle) / "fragment").iterdir():
        data = gzip.decompress(fragment.read_bytes())
        urls.append(json.loads(data[data.index(b"{") :])["url"])
    return sorted(urls)


def test_a_site_of_more_pages_than_a_part_holds_is_indexed_in_parts(tmp_path):
    # Pagefind holds ~200 KB a page until it writes: 1.9 GB at 10,000 posts in one run.
    site = tmp_path / "site"
    for number in range(7):
        write_page(site, f"2018/07/post-{number}/index.html", f"Post {number}", "Supervision.")
    whole = tmp_path / "whole"
    for number in range(7):
        write_page(whole, f"2018/07/post-{number}/index.html", f"Post {number}", "Supervision.")
    assert build_index(whole) == 7
    assert build_index(site, part_most=3) == 7
    bundle = site / "pagefind"
    assert part_folders(bundle) == ["part-2", "part-3"]
    folders = [bundle, bundle / "part-2", bundle / "part-3"]
    assert [_entry_pages(folder) for folder in folders] == [3, 2, 2]
    # Every post once, at the address one index gives it.
    found = sorted(url for folder in folders for url in _fragment_urls(folder))
    assert found == _fragment_urls(whole / "pagefind")
    assert part_folders(whole / "pagefind") == []


def test_parts_indexed_two_at_a_time_give_the_bundles_of_one_at_a_time(tmp_path, monkeypatch):
    import threading

    from plugins.search import index as search_index

    sites = {}
    for workers in (1, 2):
        site = sites[workers] = tmp_path / f"site-{workers}"
        for number in range(9):
            write_page(site, f"2018/07/post-{number}/index.html", f"Post {number}", "Learning.")
    runs, real = [], search_index._run_pagefind

    def timed(*args, **kwargs):
        runs.append(threading.get_ident())  # the thread each Pagefind run is waited for in
        return real(*args, **kwargs)

    monkeypatch.setattr(search_index, "_run_pagefind", timed)
    assert build_index(sites[1], part_most=3, workers=1) == 9
    alone, runs[:] = list(runs), []
    assert build_index(sites[2], part_most=3, workers=2) == 9
    assert len(alone) == len(runs) == 3
    assert len(set(alone)) == 1 and len(set(runs)) == 2, "two runs side by side"
    files = [
        {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}
        for site in sites.values()
    ]
    assert len(files[0]) > 20 and files[0] == files[1]


def test_pages_are_dealt_out_in_turn_so_each_part_spans_the_years():
    pages = {f"{2000 + n}/post/index.html": b"" for n in range(10)}
    parts = split_pages(pages, 4)
    assert [len(part) for part in parts] == [4, 3, 3]
    assert list(parts[1]) == [
        "2001/post/index.html",
        "2004/post/index.html",
        "2007/post/index.html",
    ]
    assert {name for part in parts for name in part} == set(pages)
    assert split_pages(pages, 10) == [pages]


SEARCH_FORM = '<form class="search-form" data-search-bundle="../pagefind/" data-site-root="../">'


def test_the_search_page_names_the_parts_to_merge(tmp_path):
    page = tmp_path / "index.html"
    page.write_text(f"<main>{SEARCH_FORM}</form></main>", encoding="utf-8")
    link_parts(page, [])
    assert page.read_text(encoding="utf-8") == f"<main>{SEARCH_FORM}</form></main>"
    link_parts(page, ["part-2", "part-3"])
    once = page.read_text(encoding="utf-8")
    form = BeautifulSoup(once, "lxml").form
    assert form["data-search-parts"] == "part-2/ part-3/"
    assert form["data-search-bundle"] == "../pagefind/"
    link_parts(page, ["part-2", "part-3"])  # a second time: the same page
    assert page.read_text(encoding="utf-8") == once
    page.write_text("<main><form></form></main>", encoding="utf-8")
    with pytest.raises(SearchError, match=r"index.html: the search page has no form.*3 parts"):
        link_parts(page, ["part-2", "part-3"])


def test_a_built_site_in_parts_names_them_on_its_search_page(build, tmp_path):
    content = Path(__file__).resolve().parents[1] / "fixtures" / "site"
    output = build(content, tmp_path / "out", settings={"SEARCH_PART_PAGES": 3})
    posts = list(output.glob("[0-9][0-9][0-9][0-9]/[0-9][0-9]/*/index.html"))
    bundle = output / "pagefind"
    parts = part_folders(bundle)
    assert len(parts) == -(-len(posts) // 3) - 1 >= 1
    assert sum(_entry_pages(folder) for folder in [bundle, *(bundle / p for p in parts)]) == len(
        posts
    )
    soup = BeautifulSoup((output / "search" / "index.html").read_text(encoding="utf-8"), "lxml")
    assert soup.select_one("form[data-search-bundle]")["data-search-parts"] == " ".join(
        f"{part}/" for part in parts
    )
    with pytest.raises(SearchError, match="SEARCH_PART_PAGES"):
        search_settings({"SEARCH_PART_PAGES": 0})
