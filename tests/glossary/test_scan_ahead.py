"""A long post's law references and terms searched for before its topic links go in (scan_ahead)
give the annotation the searches after them give: the same HTML, references and terms."""

import random
import re

import pytest

from plugins.glossary import annotate as annotate_module
from plugins.glossary import law_matcher
from plugins.glossary import term_matcher as make_term_matcher
from plugins.glossary.annotate import annotate_html, scan_ahead
from plugins.themes.crosslinks import add_crosslinks, as_pelican_links
from plugins.themes.vocabulary import load_vocabulary
from tests.glossary.test_one_parse import DAYS, LAW_TEXTS, ROOT, corpus_html, random_html, real_html

SWITCHES = [{}, {"law_links": False}, {"terms": False}, {"css_class": "gloss"}]


@pytest.fixture(scope="module")
def matchers(glossary, law):
    return make_term_matcher(glossary), law_matcher(law)


@pytest.fixture(scope="module")
def vocabulary():
    return load_vocabulary(ROOT / "content" / "themes.yaml")


def _check(before, after, law, matchers, **switches):
    """annotate_html(AFTER) with scan_ahead(BEFORE) is annotate_html(AFTER) without it."""
    law_links = switches.get("law_links", True)
    for day in DAYS:
        scanned = scan_ahead(before, law, day, *matchers, law_links=law_links)
        expected = annotate_html(after, law, day, *matchers, **switches)
        got = annotate_html(after, law, day, *matchers, **switches, scanned=scanned)
        assert got == expected, after[:300]


def _linked(html, vocabulary, themes):
    """HTML as link_themes leaves it: the first mention of each of THEMES linked."""
    return as_pelican_links(add_crosslinks(html, themes, vocabulary)[0])


def test_real_posts_scanned_before_their_topic_links_are_annotated_alike(
    glossary, law, matchers, vocabulary
):
    themes = list(vocabulary)
    linked = 0
    for html in real_html()[::2] + corpus_html(30):
        for chosen in (themes[:8], themes):
            after = _linked(html, vocabulary, chosen)
            linked += after != html
            for switches in SWITCHES:
                _check(html, after, law, matchers, **switches)
    assert linked > 20  # the links do go in, so the scan is of other HTML than the one marked


@pytest.mark.slow
def test_random_markup_scanned_before_its_topic_links_is_annotated_alike(
    glossary, law, matchers, vocabulary
):
    words = sorted({form for term in glossary for form in (term.term, *term.also)}) + LAW_TEXTS
    words += [theme.name for theme in vocabulary]
    rng = random.Random(27)
    for _ in range(300):
        html = random_html(rng, words)
        chosen = rng.sample(list(vocabulary), rng.randint(1, 12))
        _check(html, _linked(html, vocabulary, chosen), law, matchers)


def _link_first(html, phrase):
    """HTML with the first PHRASE made a topic link, as a theme's link would be."""
    link = f'<a class="theme-link" href="{{filename}}/{{topic}}x">{phrase}</a>'
    return html.replace(phrase, link, 1)


POST = (
    "<p>The section 47 enquiry was opened, and later the Children Act 1989 applied; "
    "a second section 47 enquiry followed. The HCPC wrote, and the HCPC wrote again.</p>\n"
    "<p>Working Together (2018) says so.</p>"
)


@pytest.mark.parametrize(
    "phrase",
    ["section 47", "HCPC", "Children Act 1989", "Working Together (2018)", "enquiry was"],
    ids=["over-a-law-reference", "over-a-term", "over-the-only-act", "over-guidance", "beside"],
)
def test_a_topic_link_over_a_reference_or_a_term_moves_its_link_or_mark_as_without_the_scan(
    glossary, law, matchers, phrase
):
    after = _link_first(POST, phrase)
    _check(POST, after, law, matchers)
    for switches in SWITCHES[1:]:
        _check(POST, after, law, matchers, **switches)


def test_what_the_topic_link_takes_is_then_linked_or_marked_further_on(glossary, law, matchers):
    day = DAYS[1]
    after = _link_first(_link_first(POST, "section 47"), "HCPC")
    html, refs, _ = annotate_html(
        after, law, day, *matchers, scanned=scan_ahead(POST, law, day, *matchers)
    )
    # The first "section 47" and "HCPC" are the topic links: the second of each is the one.
    assert [ref.text for ref in refs].count("section 47") == 1
    assert re.search(r'a second <a class="law"[^>]*>section 47</a>', html)
    assert re.search(r'and the <a aria-label="HCPC, [^"]*"[^>]*class="term"', html)


def test_a_scan_of_another_post_changes_nothing(glossary, law, matchers):
    other = corpus_html(3)
    for html in real_html()[:12]:
        for before in other:
            _check(before, html, law, matchers)


def test_the_searches_the_scan_made_are_not_made_again(glossary, law, matchers, monkeypatch):
    day = DAYS[2]
    after = _link_first(POST, "enquiry was")  # a link that moves no reference nor term
    scanned = scan_ahead(POST, law, day, *matchers)
    expected = annotate_html(after, law, day, *matchers)
    searched = []
    terms_used = annotate_module.terms_used
    monkeypatch.setattr(
        annotate_module, "terms_used", lambda *args: searched.append(args) or terms_used(*args)
    )
    assert annotate_html(after, law, day, *matchers, scanned=scanned) == expected
    assert searched == []
    # A link over the only Act: the text the terms are looked for in differs, and is searched.
    moved = _link_first(POST, "Children Act 1989")
    assert annotate_html(moved, law, day, *matchers, scanned=scanned) == annotate_html(
        moved, law, day, *matchers
    )
    assert len(searched) == 2
