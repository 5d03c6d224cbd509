"""Flat.respliced (reading only the replaced strings) against read_flat of the spliced HTML."""

import datetime as dt
import random
from pathlib import Path

import pytest

from plugins.glossary import law_matcher, load_law
from plugins.glossary.annotate import _link_law_page
from plugins.themes.markup import read_flat, start_tag
from tests.themes.test_flat_markup import plain_random_markup, posts

ROOT = Path(__file__).resolve().parents[2]

# Inline markup as the law links write it (and other plain inline pieces).
NOW = start_tag("span", {"class": "law-now", "data-pagefind-ignore": ""})
CURRENT = start_tag("a", {"href": "https://x.example/c", "aria-label": "it: the current text"})
INLINE = [
    "",
    " ",
    "\n",
    "section 47",
    "a &amp; b &lt;c&gt;",
    "Ofsted’s",
    f"{start_tag('a', {'href': 'https://x.example/1', 'class': 'law'})}s 47</a>",
    f"{NOW} ({CURRENT}current text</a>)</span>",
    "<em>quoted <b>words</b></em>",
    '<img alt="a" src="b.png"/>',
    "<q>said</q>",
    "<code>x</code>",
]
# Pieces respliced does not read itself (blocks, blanks a parse changes, tags left open...).
NOT_INLINE = ["<p>x</p>", "<br/>", "  ", "<b>open", "</i>", "x</a>", "<pre>a</pre>", "<a/>"]


def element_facts(flat):
    """Each string's elements (name, first, last, skipped), innermost first."""
    return [
        [(e.name, e.first, e.last, e.skipped) for e in element.parents()]
        for element in flat.parents
    ]


def assert_same_flat(got, html):
    """GOT (a Flat) is what read_flat(HTML) gives, in every part."""
    want = read_flat(html)
    assert want is not None, html
    assert got.html() == want.html() == html
    assert got.strings == want.strings, html
    assert got.text == want.text, html
    assert got.node_strings == want.node_strings, html
    assert got.nodes == want.nodes, html
    assert got.marked_text() == want.marked_text(), html
    assert element_facts(got) == element_facts(want), html
    # The written pieces line up with the strings: a splice of each string agrees.
    marked = {i: f"[{i}]" for i in range(0, len(want.strings), 3)}
    assert got.splice(marked) == want.splice(marked), html


def random_replacement(rng, pieces):
    return "".join(rng.choice(pieces) for _ in range(rng.randint(1, 4)))


def test_random_inline_replacements_read_as_the_spliced_html():
    rng = random.Random(31)
    taken = 0
    for _ in range(4000):
        flat = read_flat(plain_random_markup(rng))
        if flat is None or not flat.strings:
            continue
        chosen = rng.sample(range(len(flat.strings)), min(len(flat.strings), rng.randint(1, 4)))
        replaced = {i: random_replacement(rng, INLINE) for i in chosen}
        html = flat.splice(replaced)
        got = flat.respliced(replaced)
        if got is None:  # an ignored end tag, inside <pre>, or a blank a parse changes
            assert (
                flat.loose
                or any(e.name == "pre" for i in chosen for e in flat.parents[i].parents())
                or any(read_flat(r).html() != r for r in replaced.values())
            ), html
            continue
        taken += 1
        assert_same_flat(got, html)
    assert taken > 500  # most were read without the HTML (the others: read_flat did)


def test_an_ignored_end_tag_has_the_html_read_again():
    flat = read_flat("<p>One</b> two <em>three</em></p>")
    assert flat.loose and flat.strings[:2] == ["One", " two "]
    assert flat.respliced({3: "four"}) is None
    assert not read_flat("<p>One two <em>three</em></p>").loose


@pytest.mark.parametrize("piece", NOT_INLINE)
def test_replacements_that_are_not_plain_inline_markup_are_read_again(piece):
    flat = read_flat("<p>One <em>two</em> three.</p><p>Four.</p>")
    assert flat.respliced({0: piece}) is None
    assert flat.respliced({3: piece, 0: "x"}) is None


def test_the_law_links_of_real_posts_read_as_their_html():
    table = load_law(ROOT / "content" / "law.yaml")
    matcher = law_matcher(table)
    linked = 0
    for html in posts():
        for day in (dt.date(2009, 5, 1), dt.date(2024, 6, 30)):
            page = read_flat(html)
            if page is None:
                continue
            refs, written, replaced = _link_law_page(page, table, day, matcher)
            if not refs:
                continue
            linked += 1
            assert_same_flat(page.respliced(replaced), written)
    assert linked > 10
