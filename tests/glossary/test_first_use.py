"""The first use of each term in a post is marked once, never in headings, links or quotes."""

import pytest
from bs4 import BeautifulSoup

from plugins.glossary import mark_first_uses, parse_glossary

TERMS = parse_glossary(
    """
terms:
  - slug: hcpc
    term: HCPC
    expansion: Health and Care Professions Council
    definition: The regulator.
    source: https://www.hcpc-uk.org/
  - slug: scr
    term: SCR
    expansion: serious case review
    also: [serious case review]
    definition: A review.
    source: https://example.org/
  - slug: cp
    term: CP
    expansion: child protection
    definition: Child protection.
    source: https://example.org/
  - slug: safeguarding-partners
    term: safeguarding partners
    definition: The three partners.
    source: https://example.org/
"""
)


def marked(html):
    out, slugs, used = mark_first_uses(html, TERMS)
    soup = BeautifulSoup(out, "html.parser")
    return soup, slugs, used


def terms_in(soup):
    return [(a.get_text(), a["href"]) for a in soup.select("a.term")]


def test_first_use_only_and_words_unchanged():
    html = "<p>The HCPC wrote. Then the HCPC wrote again about an SCR and SCRs.</p>"
    soup, slugs, used = marked(html)
    assert terms_in(soup) == [("HCPC", "{glossary}hcpc"), ("SCR", "{glossary}scr")]
    assert slugs == ("hcpc", "scr") and used == ("hcpc", "scr")
    assert soup.get_text() == BeautifulSoup(html, "html.parser").get_text()


def test_an_abbreviation_is_announced_with_its_expansion():
    soup, _, _ = marked("<p>Referred to the HCPC’s panel.</p>")
    link = soup.select_one("a.term")
    assert link.get_text() == "HCPC"  # not the possessive ending
    assert link["aria-label"] == "HCPC, Health and Care Professions Council, in the glossary"
    assert link.abbr["title"] == "Health and Care Professions Council"


def test_a_written_out_name_is_a_plain_link_without_abbr():
    soup, _, _ = marked("<p>The Health and Care Professions Council met.</p>")
    link = soup.select_one("a.term")
    assert link.get_text() == "Health and Care Professions Council" and link.abbr is None
    assert link["aria-label"] == "Health and Care Professions Council, in the glossary"


@pytest.mark.parametrize(
    "html",
    [
        "<h2>The HCPC</h2><p>And then the HCPC met.</p>",
        '<p><a href="/x/">the HCPC</a> and then the HCPC met.</p>',
        "<blockquote><p>The HCPC is wrong</p></blockquote><p>And then the HCPC met.</p>",
        "<p>He said “the HCPC is wrong” and then the HCPC met.</p>",
        '<p>He said "the HCPC is wrong" and then the HCPC met.</p>',
        "<p>A ‘HCPC’s problem’ they said; then the HCPC met.</p>",
        "<p><q>the HCPC</q>; then the HCPC met.</p>",
        "<p><code>HCPC</code>; then the HCPC met.</p>",
    ],
)
def test_never_in_headings_links_code_or_quotes(html):
    soup, slugs, used = marked(html)
    links = soup.select("a.term")
    assert len(links) == 1 and slugs == ("hcpc",) and used == ("hcpc",)
    assert links[0].find_parent("p") is not None
    assert links[0].find_parent(["h2", "blockquote", "q", "code"]) is None
    assert "then the" in links[0].find_parent("p").get_text()
    before = links[0].find_parent("p").get_text().split("then the")[0]
    assert "met" not in before  # the mark sits on the use after the excluded one


def test_apostrophes_do_not_open_a_quotation():
    soup, _, _ = marked("<p>It’s the HCPC’s job, isn’t it.</p>")
    assert [text for text, _ in terms_in(soup)] == ["HCPC"]


def test_capitals_matter_for_abbreviations_only():
    soup, _, used = marked("<p>The hcpc and Safeguarding Partners met, with cp notes.</p>")
    assert terms_in(soup) == [("Safeguarding Partners", "{glossary}safeguarding-partners")]
    assert used == ("safeguarding-partners",)


def test_a_common_noun_expansion_is_not_a_use():
    _, slugs, used = marked("<p>Child protection is hard; a serious case review found it.</p>")
    assert used == ("scr",) and slugs == ("scr",)


def test_longest_form_wins_and_plural_is_kept():
    soup, _, _ = marked("<p>Two serious case reviews were published.</p>")
    assert terms_in(soup) == [("serious case reviews", "{glossary}scr")]


def test_a_use_only_in_excluded_places_is_used_but_not_marked():
    html = "<h2>HCPC</h2><blockquote><p>HCPC</p></blockquote>"
    out, slugs, used = mark_first_uses(html, TERMS)
    assert out == html and slugs == () and used == ("hcpc",)


def test_no_terms_gives_the_html_back_untouched():
    html = "<p>Nothing to see &amp; nothing marked.</p>"
    assert mark_first_uses(html, TERMS) == (html, (), ())
