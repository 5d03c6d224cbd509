"""Law links and term marks from one parse give what link_law then mark_first_uses give."""

import datetime as dt
import gc
import random
import re
from pathlib import Path

import bs4
import pytest

from bench.corpus import make_posts, yaml_text
from plugins.glossary import annotate_article, law_matcher, link_law, mark_first_uses
from plugins.glossary import term_matcher as make_term_matcher
from plugins.glossary.annotate import annotate_html
from plugins.themes.crosslinks import add_crosslinks
from plugins.themes.vocabulary import load_vocabulary
from plugins.yaml_metadata.engine import markdown_engine

ROOT = Path(__file__).resolve().parents[2]
FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.DOTALL)
DAYS = [dt.date(2009, 5, 1), dt.date(2016, 1, 1), dt.date(2024, 6, 30)]


def two_parses(html, law, day, term_re, law_re, law_links=True, terms=True, css_class="term"):
    """The reference: link_law, then mark_first_uses on its HTML, as annotate_article did."""
    refs = ()
    if law_links:
        html, refs = link_law(html, law, day, law_re)
    if terms:
        html, _, used = mark_first_uses(html, None, term_re, css_class=css_class)
    else:
        _, _, used = mark_first_uses(html, None, term_re)
    return html, refs, used


def real_html():
    """Each real post and fixture post as Markdown renders it, then with its topic links."""
    paths = sorted((ROOT / "content" / "articles").rglob("*.md"))
    paths += sorted((ROOT / "tests" / "fixtures").glob("*/**/*.md"))
    vocabulary = load_vocabulary(ROOT / "content" / "themes.yaml")
    pages = []
    for path in paths:
        body = FRONT_MATTER.sub("", path.read_text(encoding="utf-8", errors="replace"))
        html = markdown_engine().convert(body)
        pages.append(html)
        # The glossary reads posts as the themes plugin left them: with topic links.
        pages.append(add_crosslinks(html, list(vocabulary)[:8], vocabulary)[0])
    return pages


def corpus_html(count=150):
    return [
        markdown_engine().convert(yaml_text(post).split("---\n", 2)[2])
        for post in make_posts(count, seed=5)
    ]


LAW_TEXTS = [
    "section 47",
    "s.47",
    "s 17",
    "section 31 of the Children Act 1989",
    "the Children Act 1989",
    "Children Act 2004",
    "Working Together",
    "Working Together (2018)",
    "Working Together 2010",
    "section 999",
    "it's 47",
]
PIECES = [
    "the",
    "and",
    "social worker",
    "child",
    "“",
    "”",
    "‘",
    "’",
    '"',
    "'",
    "&amp;",
    "&rsquo;s",
    "&lt;b&gt;",
    ".",
    ",",
    "-",
    "\n",
]
WRAPS = [
    ("<em>", "</em>"),
    ('<a href="x">', "</a>"),
    ("<code>", "</code>"),
    ("<q>", "</q>"),
    ("<abbr>", "</abbr>"),
    ("<strong>", "</strong>"),
    ("<em>", ""),  # left open
    ("", "</b>"),  # a stray end tag
    ("<!-- ", " -->"),
    ("<br>", ""),
    ("<pre> \n", "\t</pre>"),
    ("<textarea>", " \n</textarea>"),
    ("</i>\n", "</i> "),  # blanks around stray end tags
    ("<span>", " </span>\n "),
]
BLOCK_WRAPS = [("<p>", "</p>"), ("<h2>", "</h2>"), ("<blockquote><p>", "</p></blockquote>")]
BLOCK_WRAPS += [("<ul><li>", "</li></ul>"), ("<p>", ""), ("<div>", "</div>")]


def random_html(rng, words):
    blocks = []
    for _ in range(rng.randint(1, 6)):
        parts = []
        for _ in range(rng.randint(1, 25)):
            text = rng.choice(words if rng.random() < 0.5 else PIECES)
            if rng.random() < 0.15:
                opening, closing = rng.choice(WRAPS)
                text = f"{opening}{text}{closing}"
            parts.append(text)
        opening, closing = rng.choice(BLOCK_WRAPS)
        blocks.append(opening + " ".join(parts) + closing)
    return "\n".join(blocks)


def _check(html, glossary, law, matchers, **switches):
    for day in DAYS:
        expected = two_parses(html, law, day, *matchers, **switches)
        assert annotate_html(html, law, day, *matchers, **switches) == expected, html[:300]


@pytest.fixture(scope="module")
def matchers(glossary, law):
    return make_term_matcher(glossary), law_matcher(law)


def test_the_real_posts_and_fixtures_give_the_same_html_refs_and_terms(glossary, law, matchers):
    pages = real_html()
    assert len(pages) > 26
    changed = 0
    for html in pages:
        _check(html, glossary, law, matchers)
        changed += annotate_html(html, law, DAYS[1], *matchers)[0] != html
    assert changed > 5  # the posts do use terms and the law


def test_the_switches_give_what_each_function_alone_gives(glossary, law, matchers):
    for html in real_html()[::3] + corpus_html(20):
        _check(html, glossary, law, matchers, law_links=False)
        _check(html, glossary, law, matchers, css_class="gloss")
        _check(html, glossary, law, matchers, terms=False)
        _check(html, glossary, law, matchers, law_links=False, terms=False, css_class="gloss")


@pytest.mark.slow
def test_the_bench_corpus_and_random_markup_give_the_same(glossary, law, matchers):
    for html in corpus_html():
        _check(html, glossary, law, matchers)
    words = sorted({form for term in glossary for form in (term.term, *term.also)}) + LAW_TEXTS
    rng = random.Random(15)
    for _ in range(600):
        _check(random_html(rng, words), glossary, law, matchers)


def _watch_trees(monkeypatch, seen):
    """Have each BeautifulSoup parse (markup imports it from bs4 where it makes a tree) call
    SEEN(markup) first."""
    real = bs4.BeautifulSoup.__init__

    def watched(self, markup="", *args, **kwargs):
        seen(markup)
        real(self, markup, *args, **kwargs)

    monkeypatch.setattr(bs4.BeautifulSoup, "__init__", watched)


# Markup with a comment is read by BeautifulSoup (markup.read_flat does not vouch for it), once;
# plain markup builds no tree at all.
@pytest.mark.parametrize(
    ("tail", "trees"),
    [("<!-- x -->", 1), ("", 0)],
    ids=["markup-with-a-comment-is-parsed-once", "plain-markup-builds-no-tree"],
)
def test_a_post_with_law_and_terms_is_parsed_at_most_once(glossary, law, monkeypatch, tail, trees):
    parses = []
    _watch_trees(monkeypatch, lambda markup: parses.append(markup[:20]))
    settings = {
        "GLOSSARY_LAW_LINKS": True,
        "GLOSSARY_TERMS": True,
        "GLOSSARY_TERM_CLASS": "term",
        "GLOSSARY_SINCE_NOTES": False,
    }
    html = "<p>A section 47 enquiry with the HCPC and a serious case review.</p>" + tail
    out, used, refs, _ = annotate_article(html, DAYS[1], glossary, law, settings)
    assert len(parses) == trees
    assert 'class="law"' in out and 'class="term"' in out
    assert used and refs


def test_the_collector_is_paused_while_the_tree_is_worked_on_and_on_again_after(
    glossary, law, monkeypatch
):
    states = []
    _watch_trees(monkeypatch, lambda markup: states.append(gc.isenabled()))
    assert gc.isenabled()
    # A comment: markup read with a tree (markup.read_flat does not vouch for it).
    html = "<p>The HCPC.</p><!-- x -->"
    annotate_html(html, law, DAYS[0], make_term_matcher(glossary), law_matcher(law))
    assert states == [False]
    assert gc.isenabled()
    gc.disable()
    try:  # a caller that had it off keeps it off
        annotate_html("<p>HCPC</p>", law, DAYS[0], make_term_matcher(glossary), law_matcher(law))
        assert not gc.isenabled()
    finally:
        gc.enable()
