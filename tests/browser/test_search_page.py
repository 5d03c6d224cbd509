"""/search/ in a browser: live results with excerpts, ranking, theme filter, lazy index loading."""

import re
from urllib.parse import urlparse

import pytest

pytestmark = pytest.mark.browser

HCPC_POST = "/2017/10/health-and-care-professions-council-important-research/"


def run_search(page, base_url, query):
    """Open /search/, type QUERY as a reader would, and wait for the results to show."""
    page.goto(base_url + "/search/", wait_until="networkidle")
    page.get_by_label("Search the posts").press_sequentially(query, delay=30)
    page.locator(".search-result").first.wait_for()
    page.wait_for_load_state("networkidle")


def test_hcpc_finds_the_hcpc_post_first(search_site_url, new_page):
    page = new_page()
    run_search(page, search_site_url, "HCPC")
    links = page.locator(".search-result-title a")
    hrefs = [urlparse(href).path for href in links.evaluate_all("as => as.map(a => a.href)")]
    assert hrefs[0] == HCPC_POST
    # The post that names the HCPC in passing is found too, but lower.
    assert "/2016/12/a-referral-that-should-not-have-been-made/" in hrefs[1:]
    assert "/2019/04/thinking-time/" not in hrefs
    excerpt = page.locator(".search-excerpt").first
    assert "HCPC" in excerpt.locator("mark").first.inner_text().upper()
    assert re.search(r"\b2 posts found\b", page.locator("#search-status").inner_text())


def test_hcpc_finds_the_hcpc_post_first_on_the_blog(real_site_url, new_page):
    """On the blog's own thirteen posts, the post about the HCPC comes before the others."""
    page = new_page()
    run_search(page, real_site_url, "HCPC")
    links = page.locator(".search-result-title a")
    hrefs = [urlparse(href).path for href in links.evaluate_all("as => as.map(a => a.href)")]
    assert hrefs[0] == HCPC_POST


def test_result_link_opens_the_post(search_site_url, new_page):
    page = new_page()
    run_search(page, search_site_url, "HCPC")
    page.locator(".search-result-title a").first.click()
    page.wait_for_load_state()
    assert urlparse(page.url).path == HCPC_POST
    assert "Health and Care Professions Council" in page.locator("h1").inner_text()


def test_query_in_the_address_runs_on_load(search_site_url, new_page):
    """The no-JavaScript form submits ?q=; with JavaScript the same address shows results."""
    page = new_page()
    page.goto(search_site_url + "/search/?q=supervision", wait_until="networkidle")
    page.locator(".search-result").first.wait_for()
    assert page.get_by_label("Search the posts").input_value() == "supervision"
    assert page.locator(".search-result").count() >= 2


def test_no_results_says_so(search_site_url, new_page):
    page = new_page()
    page.goto(search_site_url + "/search/?q=zzzyzzy", wait_until="networkidle")
    page.locator("#search-status", has_text="No posts found").wait_for()
    assert page.locator(".search-result").count() == 0
    assert "No posts found" in page.locator("#search-status").inner_text()


def test_only_the_needed_index_files_are_fetched(search_site, search_site_url, new_page):
    page = new_page()
    fetched = []
    page.on("request", lambda request: fetched.append(urlparse(request.url).path))
    run_search(page, search_site_url, "HCPC")
    fragments = [path for path in fetched if path.startswith("/pagefind/fragment/")]
    chunks = [path for path in fetched if path.startswith("/pagefind/index/")]
    all_fragments = list((search_site / "pagefind" / "fragment").iterdir())
    all_chunks = list((search_site / "pagefind" / "index").iterdir())
    shown = page.locator(".search-result").count()
    # One fragment per result shown, never the whole index.
    assert len(set(fragments)) == shown < len(all_fragments)
    assert 1 <= len(set(chunks)) <= len(all_chunks)


def test_without_javascript_the_page_offers_other_ways(search_site_url, new_page):
    page = new_page(java_script_enabled=False)
    page.goto(search_site_url + "/search/?q=HCPC")
    assert "needs JavaScript" in page.locator("#search-status").inner_text()
    form = page.locator("form[role=search]")
    assert form.get_attribute("method") == "get"
    assert page.get_by_role("link", name="Archives").count() >= 1
    page.get_by_role("button", name="Search").click()
    page.wait_for_load_state()
    assert urlparse(page.url).path == "/search/"


def test_results_can_be_narrowed_to_a_theme(search_site_url, new_page):
    page = new_page()
    run_search(page, search_site_url, "HCPC")
    before = page.locator(".search-result").count()
    themes = page.get_by_label("Theme")
    options = themes.locator("option").all_inner_texts()
    assert any(option.startswith("Supervision") for option in options), options
    themes.select_option("Supervision")
    # A locator wait, not wait_for_function: the site's CSP forbids evaluating strings.
    page.locator("#search-status", has_text="Supervision").wait_for()
    results = page.locator(".search-result")
    assert 0 < results.count() < before
    for text in results.locator(".meta").all_inner_texts():
        assert "Supervision" in text
    hrefs = results.locator("a").evaluate_all("as => as.map(a => new URL(a.href).pathname)")
    assert HCPC_POST not in hrefs
    assert "theme=Supervision" in page.url


def test_each_result_shows_the_posts_date(search_site_url, new_page):
    page = new_page()
    run_search(page, search_site_url, "HCPC")
    results = page.locator(".search-result")
    dates = results.locator(".search-date").all_inner_texts()
    assert len(dates) == results.count() >= 2
    # The HCPC post (7 October 2017) first, then the 2016 post that names the HCPC in passing.
    assert dates[0] == "7 October 2017"
    assert "5 December 2016" in dates[1:]
