"""The glossary, a CPD page and a post with a 'since written' note pass axe, light and dark."""

import pytest
from test_accessibility import axe_violations, describe

pytestmark = pytest.mark.browser

PAGES = {
    "glossary": "/glossary/",
    "cpd": "/cpd/health-and-care-professions-council-important-research/",
    "dated-post": "/2017/10/health-and-care-professions-council-important-research/",
}


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("kind", sorted(PAGES))
def test_no_wcag_violations(real_site_url, new_page, axe_script, kind, scheme):
    page = new_page(color_scheme=scheme, bypass_csp=True)
    response = page.goto(real_site_url + PAGES[kind], wait_until="networkidle")
    assert response.ok, f"{PAGES[kind]} answered {response.status}"
    violations = axe_violations(page, axe_script)
    assert not violations, f"{PAGES[kind]} in {scheme} mode:\n{describe(violations)}"


def test_cpd_page_prints_without_site_navigation_and_with_writing_space(real_site_url, new_page):
    page = new_page(width=800)
    page.goto(real_site_url + PAGES["cpd"], wait_until="networkidle")
    page.emulate_media(media="print")
    assert not page.locator(".site-nav").is_visible()
    spaces = page.locator("article.cpd h2 + textarea, article.cpd .cpd-prompt + textarea")
    assert spaces.count() == 5
    for i in range(spaces.count()):
        box = spaces.nth(i).bounding_box()
        assert box["height"] >= 100 and box["width"] >= 600  # room to write, on paper too
    page.locator("#cpd-2").fill("Blame makes practice less safe.")  # typed, then printed
    assert page.locator("#cpd-2").input_value() == "Blame makes practice less safe."
    assert page.evaluate("document.scripts.length") == 0
