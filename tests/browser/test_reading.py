"""What a reader sees of an article and the topic map, measured in Chromium (issue 11)."""

import json
import re
import statistics

import pytest

pytestmark = pytest.mark.browser

EXAMPLE = "/2018/07/no-blame-culture/"
# An imported news item whose date is estimated, with a long note on why.
NEWS = "/2021/10/blame-culture-results-in-risk-aversion-in-social-work/"

# Heights in CSS pixels: the article's text, and what follows it inside <main>.
_HEIGHTS = """() => {
    const body = document.querySelector('.post-body').getBoundingClientRect();
    const main = document.querySelector('main');
    const padding = parseFloat(getComputedStyle(main).paddingBottom);
    const end = main.getBoundingClientRect().bottom - padding;
    return {body: body.height, after: end - body.bottom};
}"""


def article_paths(site):
    return sorted(
        "/" + path.parent.relative_to(site).as_posix() + "/"
        for path in site.glob("[0-9][0-9][0-9][0-9]/[0-9][0-9]/*/index.html")
    )


def channels(css_colour):
    return [int(n) for n in re.findall(r"\d+", css_colour)[:3]]


def contrast(first, second):
    def luminance(rgb):
        linear = [
            c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
            for c in (v / 255 for v in rgb)
        ]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted((luminance(first), luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_topic_links_look_different_and_say_where_they_lead(real_site_url, new_page, scheme):
    page = new_page(color_scheme=scheme)
    page.goto(real_site_url + EXAMPLE, wait_until="networkidle")
    styles = page.evaluate(
        """() => {
        const look = a => {
            const s = getComputedStyle(a);
            return {colour: s.color, line: s.textDecorationStyle, text: a.textContent};
        };
        const topic = document.querySelector('.post-body a.theme-link');
        const other = document.querySelector('.post-footer a');
        return {topic: look(topic), other: look(other),
                background: getComputedStyle(document.body).backgroundColor};
    }"""
    )
    topic, other = styles["topic"], styles["other"]
    # Told apart by the line's style (not colour alone) and by colour.
    assert topic["line"] == "dotted" and other["line"] == "solid"
    assert topic["colour"] != other["colour"]
    ratio = contrast(channels(topic["colour"]), channels(styles["background"]))
    assert ratio >= 4.5, f"{scheme}: topic links are {ratio:.2f}:1 on the page"
    # What a screen reader announces: the words, and that the link leads to a topic page.
    session = page.context.new_cdp_session(page)
    nodes = session.send("Accessibility.getFullAXTree")["nodes"]
    described = {
        node["name"]["value"]: node.get("description", {}).get("value", "")
        for node in nodes
        if node.get("role", {}).get("value") == "link" and "name" in node
    }
    assert "topic page" in described[topic["text"]]
    assert "topic" not in described[other["text"]]


@pytest.mark.parametrize("width", [1280, 375])
def test_the_end_of_an_article_is_shorter_than_the_article(
    real_site, real_site_url, new_page, artifacts, width
):
    page = new_page(width=width)
    heights = {}
    for path in article_paths(real_site):
        page.goto(real_site_url + path, wait_until="networkidle")
        heights[path] = page.evaluate(_HEIGHTS)
    # Kept for a person to read: every post's text and end, in px, at this width.
    report = artifacts / f"article-end-heights-{width}.json"
    report.write_text(json.dumps(heights, indent=1), encoding="utf-8")
    # The example: 505 px of text followed by 1,125 px at 1280 px wide.
    example = heights[EXAMPLE]
    assert example["after"] < example["body"], f"{EXAMPLE} at {width}px: {example}"
    # A typical post: the median post's end is shorter than the median post.
    ratios = [h["after"] / h["body"] for h in heights.values()]
    assert statistics.median(ratios) < 1, f"at {width}px: {heights}"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_first_paragraph_is_on_a_phones_first_screen(
    real_site, real_site_url, new_page, scheme
):
    # 375 x 667: the smallest phone screen in common use.
    page = new_page(width=375, height=667, color_scheme=scheme)
    paths = article_paths(real_site)
    assert NEWS in paths
    for path in paths:
        page.goto(real_site_url + path, wait_until="networkidle")
        first = page.evaluate(
            """() => {
            const p = document.querySelector('.post-body p');
            const box = p.getBoundingClientRect();
            return {top: box.top, line: parseFloat(getComputedStyle(p).lineHeight)};
        }"""
        )
        # At least its first two lines show without scrolling.
        assert first["top"] + 2 * first["line"] <= 667, f"{path}: first paragraph at {first}"


def test_the_estimated_date_note_opens_on_demand(real_site_url, new_page):
    page = new_page(width=375, height=667)
    page.goto(real_site_url + NEWS, wait_until="networkidle")
    note = page.locator(".post-header .note")
    assert "estimated" in note.locator("summary").inner_text()
    assert not page.get_by_text("Independent Review of Children").first.is_visible()
    note.locator("summary").click()
    assert page.get_by_text("Independent Review of Children").first.is_visible()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_topic_map_is_usable_at_320px(real_site_url, new_page, scheme):
    page = new_page(width=320, height=640, color_scheme=scheme)
    page.goto(real_site_url + "/topics/", wait_until="networkidle")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    scroller = page.locator(".topic-map-scroll")
    # The map is wider than the screen: a hint says so, in view, and the map scrolls.
    hint = page.locator(".topic-map-hint")
    assert hint.is_visible() and "sideways" in hint.inner_text()
    box = hint.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 320
    sizes = scroller.evaluate("e => ({client: e.clientWidth, scroll: e.scrollWidth})")
    assert sizes["scroll"] > sizes["client"]
    # Labels stay readable: no smaller than 11 px.
    label = page.locator(".topic-map text tspan").first.bounding_box()
    assert label["height"] >= 11
    # Keyboard users reach it and scroll it; at the end, the last label is in view.
    scroller.focus()
    assert scroller.evaluate("e => e === document.activeElement")
    for _ in range(40):  # the arrow key, as a reader would, until the map stops moving
        before = scroller.evaluate("e => e.scrollLeft")
        page.keyboard.press("ArrowRight")
        page.wait_for_timeout(100)
        if scroller.evaluate("e => e.scrollLeft") == before:
            break
    assert scroller.evaluate("e => e.scrollLeft + e.clientWidth >= e.scrollWidth - 1")
    right = scroller.evaluate(
        """e => {
        const box = e.getBoundingClientRect();
        const labels = Array.from(e.querySelectorAll('text'), t => t.getBoundingClientRect());
        return {edge: box.right, furthest: Math.max(...labels.map(l => l.right))};
    }"""
    )
    assert right["furthest"] <= right["edge"] + 1


def test_the_topic_map_needs_no_hint_where_it_fits(real_site_url, new_page):
    page = new_page(width=1280)
    page.goto(real_site_url + "/topics/", wait_until="networkidle")
    assert not page.locator(".topic-map-hint").is_visible()
    sizes = page.locator(".topic-map-scroll").evaluate(
        "e => ({client: e.clientWidth, scroll: e.scrollWidth})"
    )
    assert sizes["scroll"] <= sizes["client"]


TABLE_POST = """---
title: What the caseload numbers say
date: 2024-05-02 10:00
author: Chris Mills
category: Reflections
---
A long address wraps: https://www.gov.uk/government/statistics/children-s-social-work-workforce-2023-and-its-annex

| Year | Average caseload | Vacancy rate |
|---|---|---|
| 2019 | 17.4 | 16% |
| 2023 | 16.6 | 20% |
"""


def test_a_table_on_a_phone_keeps_its_words_whole_and_long_addresses_wrap(tmp_path, new_page):
    import shutil

    from tests.browser.conftest import serve
    from tests.sitebuild import FIXTURES, build_site

    content = tmp_path / "content"
    shutil.copytree(FIXTURES / "site" / "pages", content / "pages")
    (content / "articles").mkdir()
    (content / "articles" / "numbers.md").write_text(TABLE_POST, encoding="utf-8")
    build_site(content, tmp_path / "out")
    url, server = serve(tmp_path / "out")
    try:
        page = new_page(width=375, height=667)
        page.goto(url + "/2024/05/what-the-caseload-numbers-say/", wait_until="networkidle")
        measured = page.evaluate(
            """() => {
            const lines = el => { const r = document.createRange(); r.selectNodeContents(el);
                return new Set([...r.getClientRects()].map(b => Math.round(b.top))).size; };
            const cells = [...document.querySelectorAll('.post-body td')];
            return {cells: cells.map(c => [c.textContent, lines(c)]),
                    page: document.documentElement.scrollWidth,
                    view: document.documentElement.clientWidth};
        }"""
        )
    finally:
        server.shutdown()
        server.server_close()
    # "2019" broken into "201" and "9" on two lines reads as two numbers.
    assert measured["cells"] and all(n == 1 for _, n in measured["cells"]), measured["cells"]
    assert measured["page"] <= measured["view"]  # the long address wraps: no sideways page
