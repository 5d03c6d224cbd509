"""Cross-links as HTML in, HTML out: first mention only, never in links, headings or code."""

import pytest
from bs4 import BeautifulSoup
from themes import add_crosslinks, topic_href
from themes.crosslinks import resolve_placeholders


def link(html, vocabulary, *slugs):
    themes = [vocabulary[slug] for slug in slugs]
    return add_crosslinks(html, themes, vocabulary, href=lambda t: f"/topics/{t.slug}/")


def text_of(html):
    return BeautifulSoup(html, "html.parser").get_text()


def test_first_mention_is_linked_once_with_class_and_title(vocabulary):
    html = "<p>A blame culture hurts. Another blame culture here.</p>"
    out, linked = link(html, vocabulary, "blame-culture")
    soup = BeautifulSoup(out, "html.parser")
    links = soup.select("a.theme-link")
    assert linked == ("blame-culture",)
    assert len(links) == 1
    assert links[0].string == "blame culture"
    assert links[0]["href"] == "/topics/blame-culture/"
    assert links[0]["title"] == "Topic: Blame culture"
    assert text_of(out) == text_of(html)


def test_never_inside_links_headings_code_or_pre(vocabulary):
    html = (
        "<h2>Blame culture</h2><p><a href='x'>blame culture</a> <code>blame culture</code></p>"
        "<pre>blame culture</pre><p>Then a <em>blame culture</em> in prose.</p>"
    )
    out, _ = link(html, vocabulary, "blame-culture")
    soup = BeautifulSoup(out, "html.parser")
    (only,) = soup.select("a.theme-link")
    assert only.parent.name == "em"
    assert soup.h2.find("a") is None and soup.pre.find("a") is None
    assert soup.code.find("a") is None
    assert text_of(out) == text_of(html)


def test_one_link_per_theme_and_several_themes_in_one_paragraph(vocabulary):
    html = "<p>The HCPC and the blame culture. The HCPC again, and blame culture again.</p>"
    out, linked = link(html, vocabulary, "hcpc-referrals", "blame-culture")
    assert sorted(linked) == ["blame-culture", "hcpc-referrals"]
    hrefs = [a["href"] for a in BeautifulSoup(out, "html.parser").select("a.theme-link")]
    assert hrefs == ["/topics/hcpc-referrals/", "/topics/blame-culture/"]
    assert text_of(out) == text_of(html)


def test_only_the_posts_own_themes_are_linked(vocabulary):
    html = "<p>The HCPC and the blame culture.</p>"
    out, linked = link(html, vocabulary, "blame-culture")
    assert linked == ("blame-culture",)
    assert "HCPC</a>" not in out


def test_a_possessive_links_the_word_and_keeps_the_ending_outside(vocabulary):
    out, _ = link("<p>Ofsted’s report.</p>", vocabulary, "ofsted-inspection")
    assert ">Ofsted</a>’s report" in out


def test_half_a_hyphenated_word_is_not_linked_but_a_later_mention_is(vocabulary):
    html = "<p>A blame-the-victim culture.</p><p>They fear blame every day.</p>"
    out, linked = link(html, vocabulary, "blame-culture")
    (only,) = BeautifulSoup(out, "html.parser").select("a.theme-link")
    assert linked == ("blame-culture",)
    assert only.string == "blame" and only.parent.get_text() == "They fear blame every day."
    assert text_of(out) == text_of(html)


def test_html_without_a_mention_comes_back_untouched(vocabulary):
    html = "<p>Nothing&nbsp;here, <b>at all</b>.</p>"
    assert link(html, vocabulary, "blame-culture") == (html, ())


@pytest.mark.parametrize(
    "siteurl, relative, expected",
    [
        ("../../..", True, "../../../topics/blame-culture/"),
        (".", True, "./topics/blame-culture/"),
        ("", False, "/topics/blame-culture/"),
        ("https://blog.example.org", False, "https://blog.example.org/topics/blame-culture/"),
        ("https://example.org/blog", False, "https://example.org/blog/topics/blame-culture/"),
    ],
)
def test_topic_href_joins_like_pelican(siteurl, relative, expected):
    assert topic_href("topics/blame-culture/", siteurl, relative) == expected


def test_placeholders_resolve_per_page(vocabulary):
    out, _ = add_crosslinks(
        "<p>blame culture. blame.</p>", [vocabulary["blame-culture"]], vocabulary
    )
    assert 'href="{topic}blame-culture"' in out
    assert 'href="../../../topics/blame-culture/"' in resolve_placeholders(out, "../../..", True)
