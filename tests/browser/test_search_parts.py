"""/search/ over an index in parts (a site of more posts than SEARCH_PART_PAGES) in a browser:
the same queries find the same posts as over one index of the whole site."""

import re
import shutil
from pathlib import Path

import pytest

from bench.corpus import write_corpus
from tests.browser.conftest import serve
from tests.sitebuild import build_site

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
# Words of one post in ten ("Ofsted": one part of three lacks it, and Pagefind would match it
# there as "of"), a common word, two-word queries, the start of a word as typed, a misspelling.
QUERIES = ["Ofsted", "Ofsted inspection", "supervision", "blame culture", "insp", "offs", "trust"]


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    """The same 60 generated posts built twice: one index, and an index in three parts."""
    root = tmp_path_factory.mktemp("search-parts")
    themes = ROOT / "content" / "themes.yaml"
    corpus = write_corpus(root / "corpus", 60, 1, themes)
    shutil.copy2(themes, corpus["yaml"] / "themes.yaml")
    build_site(corpus["yaml"], root / "one")
    build_site(corpus["yaml"], root / "parts", extra_settings={"SEARCH_PART_PAGES": "25"})
    assert (root / "parts" / "pagefind" / "part-3").is_dir()
    served = [serve(root / name) for name in ("one", "parts")]
    yield [url for url, _ in served]
    for _, server in served:
        server.shutdown()
        server.server_close()


def found(page, base_url, query):
    """The status line and every post found for QUERY on /search/ (all results shown)."""
    page.goto(base_url + "/search/?q=" + query, wait_until="networkidle")
    page.locator("#search-status", has_text="found").wait_for()
    status = page.locator("#search-status").inner_text()
    total = int(re.match(r"(\d+) posts? found", status).group(1))
    results = page.locator(".search-result")
    while results.count() < total:
        shown = results.count()
        page.locator(".search-more").press("Enter")
        results.nth(min(shown + 10, total) - 1).wait_for()
    links = page.locator(".search-result-title a")
    return status, sorted(links.evaluate_all("as => as.map(a => new URL(a.href).pathname)"))


def test_an_index_in_parts_finds_what_one_index_finds(sites, new_page):
    one, parts = sites
    page = new_page()
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    for query in QUERIES:
        expected = found(page, one, query)
        assert expected[1], f"{query!r} finds nothing: the comparison would mean nothing"
        assert found(page, parts, query) == expected, query
    assert errors == []


def test_the_theme_filter_counts_the_posts_of_every_part(sites, new_page):
    page = new_page()
    options = []
    for base_url in sites:
        page.goto(base_url + "/search/", wait_until="networkidle")
        options.append(page.get_by_label("Theme").locator("option").all_inner_texts())
    assert len(options[0]) > 2 and options[1] == options[0]
