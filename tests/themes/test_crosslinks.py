"""Cross-links as HTML in, HTML out: first mention only, never in links, headings or code."""

from types import SimpleNamespace

import pytest
from bs4 import BeautifulSoup
from pelican.contents import Article
from pelican.settings import DEFAULT_CONFIG
from pelican.utils import SafeDatetime

from plugins.themes import add_crosslinks, as_pelican_links


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
def test_topic_links_are_resolved_by_pelican_per_page(siteurl, relative, expected):
    html = resolved('<p><a href="{topic}blame-culture">blame</a></p>', siteurl, relative)
    assert f'href="{expected}"' in html


def test_placeholders_resolve_per_page(vocabulary):
    out, _ = add_crosslinks(
        "<p>blame culture. blame.</p>", [vocabulary["blame-culture"]], vocabulary
    )
    assert 'href="{topic}blame-culture"' in out
    assert 'href="../../../topics/blame-culture/"' in resolved(out, "../../..", True)


def resolved(html, siteurl, relative):
    """HTML as Pelican writes it on a page at SITEURL: the build hands topic links to Pelican
    (as_pelican_links) with each theme in generated_content, at the default TOPIC_URL."""
    settings = {**DEFAULT_CONFIG, "RELATIVE_URLS": relative}
    theme = SimpleNamespace(url="topics/blame-culture/")
    context = {
        **settings,
        "generated_content": {"{topic}blame-culture": theme},
        "static_content": {},
        "localsiteurl": "",
    }
    metadata = {"title": "A post", "date": SafeDatetime(2020, 1, 2)}
    article = Article("", metadata=metadata, settings=settings, context=context, source_path="a.md")
    article._content = as_pelican_links(html)
    return article.get_content(siteurl)


# A topic link says where it leads, and lands only on words that name the topic, in the
# author's own words, apart from other topic links (issue 11, item 9).


def links_in(out):
    return [(a.get_text(), a["href"]) for a in BeautifulSoup(out, "html.parser").select("a")]


def test_every_link_is_described_as_leading_to_a_topic(vocabulary):
    out, _ = link("<p>The blame culture and the HCPC.</p>", vocabulary, "blame-culture")
    (only,) = BeautifulSoup(out, "html.parser").select("a.theme-link")
    assert only["aria-describedby"] == "topic-link-note"


@pytest.mark.parametrize(
    ("html", "slug", "expected"),
    [
        # The weak evidence a reader took for a citation: no link on it, the name later links.
        (
            "<p>Cuts in spending on preventative services. Then high caseloads.</p>",
            "caseloads-and-resources",
            [("high caseloads", "/topics/caseloads-and-resources/")],
        ),
        (
            "<p>Our Prime Minister spoke. Then the media wrote.</p>",
            "media-and-politics",
            [("media", "/topics/media-and-politics/")],
        ),
        (
            "<p>A good inspection report from Ofsted recently.</p>",
            "ofsted-inspection",
            [("Ofsted", "/topics/ofsted-inspection/")],
        ),
        # Nothing names the theme: no link at all rather than one on the wrong words.
        ("<p>Our Prime Minister spoke.</p>", "media-and-politics", []),
    ],
)
def test_links_land_only_on_words_that_name_the_theme(vocabulary, html, slug, expected):
    out, _ = link(html, vocabulary, slug)
    assert links_in(out) == expected
    assert text_of(out) == text_of(html)


@pytest.mark.parametrize(
    ("phrase", "slug", "names"),
    [
        ("Blame culture", "blame-culture", True),  # the name
        ("culture of blame", "blame-culture", True),  # a synonym
        ("fear of blame", "blame-culture", False),  # about fear
        ("high caseloads", "caseloads-and-resources", True),  # its main word is the name's
        ("spending on", "caseloads-and-resources", False),
        ("Prime Minister", "media-and-politics", False),
        ("politician*", "media-and-politics", True),  # politics, inflected
        ("inspection report", "ofsted-inspection", False),  # a report
        ("Ofsted report", "ofsted-inspection", False),
        ("inspector", "ofsted-inspection", True),
        ("learn from their mistakes", "learning-culture", False),
        ("continuous learning", "learning-culture", True),
        ("foster carer", "care-system", True),
    ],
)
def test_which_phrases_name_their_theme(vocabulary, phrase, slug, names):
    from plugins.themes.crosslinks import names_theme

    assert names_theme(phrase, vocabulary[slug], vocabulary) is names


@pytest.mark.parametrize(
    "html",
    [
        "<p>She said “we have a blame culture” to us.</p>",
        '<p>She said "we have a blame culture" to us.</p>',
        "<p>She said ‘we have a blame culture’ to us.</p>",
        "<p>She said 'we have a blame culture' to us.</p>",
        "<p>She said “we <em>have</em> a blame culture” to us.</p>",  # marks in other nodes
        "<p>“The first paragraph of a long quotation about blame culture</p>",  # left open
        "<blockquote><p>Here there is a blame culture.</p></blockquote>",
        "<p>As she put it, <q>a blame culture</q>.</p>",
        "<p>The book <cite>Beyond the blame culture</cite>.</p>",
    ],
)
def test_never_inside_someone_elses_quoted_words(vocabulary, html):
    out, linked = link(html + "<p>Our own blame culture.</p>", vocabulary, "blame-culture")
    (only,) = BeautifulSoup(out, "html.parser").select("a.theme-link")
    assert only.parent.get_text() == "Our own blame culture."
    assert linked == ("blame-culture",)


def test_apostrophes_are_not_quotation_marks(vocabulary):
    html = "<p>The council’s team doesn’t run a blame culture, the parents' view is.</p>"
    out, linked = link(html, vocabulary, "blame-culture")
    assert linked == ("blame-culture",)
    assert text_of(out) == text_of(html)


def test_quoted_spans_pair_marks_and_skip_apostrophes():
    from plugins.themes.crosslinks import quoted_spans

    def spans(text):
        return [text[a:b] for a, b in quoted_spans(text)]

    assert spans("a ‘good’ report that doesn’t fit") == ["‘good’"]
    assert spans("x “one” y “two” z") == ["“one”", "“two”"]
    assert spans("“He said ‘no’ twice” then") == ["“He said ‘no’ twice”"]
    assert spans("the parents' views, 'quoted' here") == ["'quoted'"]
    assert spans("“never closed") == ["“never closed"]
    assert spans("no quotes, it’s 1990s’ style") == []


def plain_quoted_spans(text):
    """quoted_spans as first written: every character of TEXT visited in turn."""
    from plugins.themes.crosslinks import _QUOTE_PAIRS, _closing_depth, _opens

    spans, stack = [], []
    for at, char in enumerate(text):
        depth = _closing_depth(text, at, char, stack)
        if depth is not None:
            opened = stack[depth][1]
            del stack[depth:]
            if not stack:
                spans.append((opened, at + 1))
            continue
        if char in _QUOTE_PAIRS and _opens(text, at, char):
            stack.append((_QUOTE_PAIRS[char], at))
    if stack:
        spans.append((stack[0][1], len(text)))
    return spans


def test_quoted_spans_visiting_only_the_marks_finds_what_every_character_finds():
    import random

    from plugins.themes.crosslinks import quoted_spans

    rng = random.Random(5)
    pieces = ["“", "”", "‘", "’", '"', "'", "«", "»", "„", " ", "a", "1", "\n", "it", "s", "."]
    texts = ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 40))) for _ in range(3000)]
    texts += ["'", "“", "’s", "a' 'b", "„x“ y", "«a» ‘b’ \"c\" 'd'", "doesn’t ‘fit’"]
    quoted = 0
    for text in texts:
        expected = plain_quoted_spans(text)
        assert quoted_spans(text) == expected, text
        quoted += bool(expected)
    assert quoted > 1000  # most texts quote something, so the comparison means something


def test_never_side_by_side_with_another_topic_link(vocabulary):
    # The real case: "a no-blame “systems approach”" made two links in a row.
    html = (
        "<p>They want a no-blame, systems approach to reviews.</p>"
        "<p>The systems approach came from aviation.</p>"
    )
    out, linked = link(html, vocabulary, "blame-culture", "learning-culture")
    assert links_in(out) == [
        ("no-blame", "/topics/blame-culture/"),
        ("systems approach", "/topics/learning-culture/"),
    ]
    second = BeautifulSoup(out, "html.parser").select("a.theme-link")[1]
    assert second.parent.get_text().startswith("The systems approach came")
    assert sorted(linked) == ["blame-culture", "learning-culture"]


def test_side_by_side_across_inline_markup_too(vocabulary):
    html = "<p>A <em>blame culture</em> <strong>Ofsted</strong> here; Ofsted later.</p>"
    out, _ = link(html, vocabulary, "blame-culture", "ofsted-inspection")
    soup = BeautifulSoup(out, "html.parser")
    assert soup.em.a is not None and soup.strong.a is None
    assert [a.get_text() for a in soup.select("a")] == ["blame culture", "Ofsted"]


def test_words_between_two_links_keep_both(vocabulary):
    html = "<p>The blame culture that Ofsted rewards.</p>"
    out, _ = link(html, vocabulary, "blame-culture", "ofsted-inspection")
    assert [text for text, _ in links_in(out)] == ["blame culture", "Ofsted"]
