"""Key quotes: the tree-free passage reader and the pruned search equal the plain way."""

from collections import Counter
from datetime import date

import pytest
from bs4 import BeautifulSoup
from hypothesis import given, settings
from hypothesis import strategies as st

from plugins.topics import QuoteSource, core, key_quote
from plugins.topics.core import PassageReader, passages


def reference_passages(html):
    """The passages as first written: a BeautifulSoup tree, blockquotes decomposed in turn."""
    soup = BeautifulSoup(html or "", "html.parser")
    found = []
    for quote in soup.find_all("blockquote"):
        found.append((True, " ".join(quote.get_text(" ").split())))
        quote.decompose()
    for block in soup.find_all(["p", "li"]):
        for sentence in core._SENTENCE.split(" ".join(block.get_text(" ").split())):
            found.append((False, sentence.strip()))
    return [
        (is_quote, text, f" {core._words(text)} " if 50 <= len(text) <= 480 else "")
        for is_quote, text in found
    ]


def reference_key_quote(sources, phrases, passages_of=reference_passages):
    """The key quote as first written: every passage of every source matched to every phrase."""
    folded = sorted({core._words(p) for p in phrases if core._words(p)})
    best = None
    for source in sources:
        for position, (is_quote, text, words) in enumerate(passages_of(source.html or "")):
            if not 50 <= len(text) <= 480:
                continue
            hits = sum(1 for phrase in folded if f" {phrase} " in words)
            if hits == 0:
                continue
            rank = (
                is_quote,
                source.own,
                hits,
                source.strongest,
                core._ordinal(source.date),
                -position,
            )
            if best is None or rank > best[0]:
                best = (rank, (core._tidy(text), source.id, is_quote))
    return best[1] if best else None


LONG = "A blame culture makes practitioners defensive and quiet about their mistakes."

# Markup the fast reader handles itself: it must give exactly what the tree gives.
PLAIN = [
    "",
    "just text, no tags",
    f"<p>{LONG} Then it went on! And on?</p>",
    f"<p>One <em>two</em>three<a href='x' title=\"a > b\">four</a>. {LONG}</p>",
    f"<ul><li>{LONG}</li><li>Item <p>inside {LONG}</p> after.</li></ul>",
    f"<blockquote><p>{LONG}</p><blockquote><p>Inner {LONG}</p></blockquote>tail</blockquote>",
    f"<p>Before <blockquote>{LONG}</blockquote> after the quote.</p><li>x<p>y. Z</p></li>",
    f"<P>Upper <BR>case<Br/>tags.</P><BLOCKQUOTE>{LONG}</BLOCKQUOTE>",
    "<p>Unclosed <li>item<p>para",
    "<p>Stray </span>end</em> tags </div>and <b>mis<i>nested</p> text</i></b> here.",
    "<p/>Self-closed<p />paragraphs.<blockquote/>",
    "<p>x&amp;y &lt;tag&gt; &rsquo;s &#8217; &#x2019; &#X27; &nbsp;a&#150;b &#0; &#1114112;</p>",
    "<p>Line\nbreaks\tand   spaces.\r\nKept apart.</p><hr><img src=\"a.png\" alt=''>",
    '<p data-x="1" hidden class="a b">Attributes. Many of them.</p>',
    f"<div><h2>Heading</h2><ol><li>{LONG}</li></ol></div><p>After (“quoted”). Next one.</p>",
    f"<blockquote><ul><li>{LONG}</li></ul></blockquote><p>{LONG}</p>",
]

# Markup the fast reader leaves to BeautifulSoup; the answer must still be the tree's.
ODD = [
    "<p>a <!-- note --> b</p>",
    "<!DOCTYPE html><p>Doc.</p>",
    "<p>x < y and y > x.</p>",
    "<p>Q&A and &bogus; and & alone.</p>",
    "<p>&amp without semicolon</p>",
    "<p class=bare>Unquoted attribute.</p>",
    "<p>Script <script>var a = '<p>no</p>';</script> after.</p>",
    "<p>Style <style>p { color: red }</style> after.</p>",
    "<p>Ruby <ruby>漢<rt>kan</rt></ruby>.</p>",
    "<p>Break <br> and </br> end.</p>",
    "<p><![CDATA[ data ]]> here.</p>",
    "<p><?php echo 1; ?> here.</p>",
    "<p>Title <title>t</title> and <textarea>x</textarea>.</p>",
    "<my-tag>custom</my-tag><p>text</p>",
    "<p>Tag <a\x0bhref='x'>odd space</a>.</p>",
]


def test_plain_markup_is_read_without_a_tree_and_as_the_tree_reads_it():
    for html in PLAIN:
        assert core._blocks_fast(html) is not None, html
        assert passages(html) == reference_passages(html), html


def test_other_markup_goes_to_beautifulsoup_with_the_same_answer():
    for html in ODD:
        assert core._blocks_fast(html) is None, html
        assert passages(html) == reference_passages(html), html


pieces = st.sampled_from(
    [
        "<p>",
        "</p>",
        "<li>",
        "</li>",
        "<ul>",
        "</ul>",
        "<blockquote>",
        "</blockquote>",
        "<em>",
        "</em>",
        "<a href='{topic}x' title=\"Topic: X\">",
        "</a>",
        "<br>",
        "<br/>",
        "<hr />",
        "<p/>",
        "<Li>",
        "</P>",
        "<span class=x>",
        "<!-- c -->",
        "<script>x</script>",
        " ",
        "\n",
        LONG,
        "Short one.",
        "Blame culture. Then what?",
        "(“quoted”)",
        "&amp;",
        "&rsquo;",
        "&#8217;",
        "&bogus;",
        " & ",
        " < ",
        "&nbsp;",
    ]
)


@pytest.mark.slow  # 3,000 generated examples
@settings(max_examples=3000, deadline=None)
@given(st.lists(pieces, max_size=30))
def test_any_mix_of_markup_gives_the_trees_passages(parts):
    html = "".join(parts)
    assert passages(html) == reference_passages(html)


SENTENCES = [
    "A blame culture makes practitioners defensive and quiet about their mistakes.",
    "Serious case reviews keep finding the same failures in how agencies share information.",
    "Ofsted inspection shapes what managers ask of their teams every single week.",
    "Nothing in this sentence is about any of the themes at all, it is only filler text.",
    "Short.",
]
PHRASES = ["blame culture", "Blame", "serious case review", "inspection", "Ofsted", "agencies"]


def _post(rng_parts):
    quotes, paragraphs = rng_parts
    return "".join(f"<blockquote><p>{SENTENCES[n]}</p></blockquote>" for n in quotes) + "".join(
        f"<p>{SENTENCES[n]} {SENTENCES[(n + 1) % 5]}</p>" for n in paragraphs
    )


sources = st.lists(
    st.tuples(
        st.tuples(st.lists(st.integers(0, 4), max_size=2), st.lists(st.integers(0, 4), max_size=3)),
        st.sampled_from([date(2020, 1, 1), date(2021, 6, 1), date(2021, 6, 1)]),
        st.booleans(),
        st.booleans(),
    ),
    max_size=8,
)


@settings(max_examples=300, deadline=None)
@given(sources, st.lists(st.sampled_from(PHRASES), max_size=4))
def test_key_quote_equals_matching_every_passage_to_every_phrase(rows, phrases):
    posts = [
        QuoteSource(f"post-{n}", _post(parts), day, strongest=strongest, own=own)
        for n, (parts, day, strongest, own) in enumerate(rows)
    ]
    expected = reference_key_quote(posts, phrases)

    def as_tuple(quote):
        return None if quote is None else (quote.text, quote.id, quote.blockquote)

    assert as_tuple(key_quote(posts, phrases)) == expected
    assert as_tuple(key_quote(posts, phrases, PassageReader())) == expected
    # A reader told how often each post will be read (once here) gives the same quote.
    uses = Counter(post.html for post in posts)
    assert as_tuple(key_quote(posts, phrases, PassageReader(uses))) == expected
    # Passages in any order (quotes after sentences) are still searched in full.
    mixed = lambda html: list(reversed(reference_passages(html)))  # noqa: E731
    assert as_tuple(key_quote(posts, phrases, mixed)) == reference_key_quote(posts, phrases, mixed)


def test_a_passage_reader_lets_a_post_go_after_its_last_read():
    often, once = f"<p>{LONG}</p>", f"<blockquote>{LONG}</blockquote>"
    reader = PassageReader({often: 2, once: 1})
    first = reader(often)
    assert first == passages(often) and reader.held() == 1
    assert reader(once) == passages(once) and reader.held() == 1  # its only read: not kept
    assert reader(often) is first  # the second read is the one kept...
    assert reader.held() == 0  # ...and the last, so nothing is held after it
    assert reader(often) == first  # a read nobody announced still answers, from the HTML


def test_a_passage_reader_reads_each_post_once():
    reader = PassageReader()
    html = f"<p>{LONG}</p>"
    first = reader(html)
    assert first == passages(html)
    assert reader(html) is first
