"""What keyboard users and small-screen readers meet: focus order and rings, no sideways scroll."""

import pytest

pytestmark = pytest.mark.browser

NARROW = 320
LAYOUT_KINDS = ["home", "article", "topic", "topics-index", "archives", "search", "404"]

# Everything Tab can reach, in the order the browser's sequential navigation would.
_FOCUSED = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    const style = getComputedStyle(el);
    const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
    return {
        tag: el.tagName.toLowerCase(),
        href: el.getAttribute('href'),
        id: el.id,
        text: (el.innerText || el.value || '').trim().slice(0, 60),
        inSearch: !!el.closest('form[role=search]'),
        ringVisible: outline || style.boxShadow !== 'none',
        focusVisible: el.matches(':focus-visible'),
    };
}"""

_VISIBLE_LINKS = """() => Array.from(document.querySelectorAll('a[href]'))
    .filter(a => a.getClientRects().length > 0 && getComputedStyle(a).visibility !== 'hidden')
    .map(a => a.getAttribute('href'))"""


def test_keyboard_walk_of_the_home_page(real_site_url, new_page):
    page = new_page()
    page.goto(real_site_url + "/", wait_until="networkidle")
    expected_links = page.evaluate(_VISIBLE_LINKS)
    stops = []
    for _ in range(len(expected_links) + 10):
        page.keyboard.press("Tab")
        focused = page.evaluate(_FOCUSED)
        if focused is None or (stops and focused == stops[0]):
            break  # focus left the page or came round again: the walk is complete
        stops.append(focused)

    assert stops, "Tab reached nothing"
    first = stops[0]
    assert first["href"] == "#main" and "skip" in first["text"].lower(), (
        f"the first Tab stop is {first}, not the skip link"
    )
    reached = {stop["href"] for stop in stops if stop["href"]}
    missing = [href for href in expected_links if href not in reached]
    assert not missing, f"links Tab never reaches: {missing}"
    assert any(stop["inSearch"] and stop["tag"] == "input" for stop in stops), (
        "Tab never reaches the search box"
    )
    unseen = [stop for stop in stops if not (stop["focusVisible"] and stop["ringVisible"])]
    assert not unseen, f"focus is not visible on: {unseen}"


def test_skip_link_moves_focus_to_the_main_content(fixture_site_url, new_page):
    page = new_page()
    page.goto(fixture_site_url + "/", wait_until="networkidle")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")
    assert page.evaluate("!!document.activeElement.closest('main')"), (
        "the Tab after the skip link does not land inside <main>"
    )


@pytest.mark.parametrize("kind", LAYOUT_KINDS)
def test_no_horizontal_scroll_at_320px(any_site, new_page, kind):
    site_url, pages = any_site
    path = pages[kind]
    assert path, f"the built site has no {kind} page to check"
    page = new_page(width=NARROW, height=640)
    page.goto(site_url + path, wait_until="networkidle")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= NARROW, f"{path} is {width}px wide at {NARROW}px: it scrolls sideways"


@pytest.mark.parametrize("kind", ["home", "article", "topic", "search"])
def test_screenshots_for_review(real_pages, real_site_url, new_page, artifacts, kind):
    """Dark-mode and 320 px pictures of the blog in test-artifacts/, for a person to look at."""
    path = real_pages[kind]
    assert path, f"the built site has no {kind} page to check"
    shots = {
        f"{kind}-dark.png": new_page(color_scheme="dark"),
        f"{kind}-320.png": new_page(width=NARROW, height=640),
    }
    # The search page is pictured with results showing, as a reader mostly sees it.
    query = "?q=blame" if kind == "search" else ""
    for name, page in shots.items():
        page.goto(real_site_url + path + query, wait_until="networkidle")
        target = artifacts / name
        page.screenshot(path=str(target), full_page=True)
        assert target.stat().st_size > 5000, f"{name} looks empty"
    dark_background = shots[f"{kind}-dark.png"].evaluate(
        "getComputedStyle(document.body).backgroundColor"
    )
    light_background = shots[f"{kind}-320.png"].evaluate(
        "getComputedStyle(document.body).backgroundColor"
    )
    assert dark_background != light_background, "the dark scheme does not change the page"
