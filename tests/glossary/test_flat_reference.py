"""Law links and term marks put in without a tree are what BeautifulSoup's tree gave.

The reference is annotate_html as it was: every post read with BeautifulSoup's html.parser
tree (markup.read_flat switched off), on the real posts, the fixtures, the bench corpus (with
and without topic links) and random markup, plain and hostile.
"""

import datetime as dt
import random
import re
from pathlib import Path

import pytest

from plugins.glossary import law_matcher, link_law, mark_first_uses
from plugins.glossary import term_matcher as make_term_matcher
from plugins.glossary.annotate import _Quotations, _quoted_ranges, annotate_html
from plugins.themes import markup
from plugins.themes.crosslinks import add_crosslinks
from plugins.themes.markup import Flat, read_html
from plugins.themes.vocabulary import load_vocabulary
from tests.themes.test_flat_markup import NAMES, TEXTS, plain_random_markup, posts, random_markup

DAYS = [dt.date(2009, 5, 1), dt.date(2024, 6, 30)]
LAW_TEXTS = ["section 47", "s.47", "s 17", "section 31 of the Children Act 1989"]
LAW_TEXTS += ["the Children Act 1989", "Working Together (2018)", "section 999", "it's 47"]


@pytest.fixture(scope="module")
def vocabulary():
    return load_vocabulary(Path(__file__).resolve().parents[2] / "content" / "themes.yaml")


@pytest.fixture(scope="module")
def matchers(glossary):
    return make_term_matcher(glossary)


@pytest.fixture(scope="module")
def law_re(law):
    return law_matcher(law)


def as_it_was(monkeypatch, function, *args, **kwargs):
    """FUNCTION(*ARGS, **KWARGS) with every post read with BeautifulSoup's tree."""
    with monkeypatch.context() as patch:
        patch.setattr(markup, "read_flat", lambda html: None)
        return function(*args, **kwargs)


def check(html, law, term_re, law_re, monkeypatch, **switches):
    """annotate_html, link_law and mark_first_uses give what they gave with the tree."""
    changed = False
    for day in DAYS:
        expected = as_it_was(
            monkeypatch, annotate_html, html, law, day, term_re, law_re, **switches
        )
        assert annotate_html(html, law, day, term_re, law_re, **switches) == expected, html
        changed |= expected[0] != html
    assert link_law(html, law, DAYS[0], law_re) == as_it_was(
        monkeypatch, link_law, html, law, DAYS[0], law_re
    )
    assert mark_first_uses(html, None, term_re) == as_it_was(
        monkeypatch, mark_first_uses, html, None, term_re
    )
    return changed


@pytest.mark.slow
def test_every_post_gets_the_links_and_marks_the_tree_gave(
    glossary, law, matchers, law_re, vocabulary, monkeypatch
):
    pages = posts()
    themes = list(vocabulary)
    changed = 0
    for number, html in enumerate(pages):
        assert isinstance(read_html(html), Flat)
        changed += check(html, law, matchers, law_re, monkeypatch)
        # The glossary reads posts as the themes plugin left them: with topic links.
        linked = add_crosslinks(html, themes[number % 7 :: 3], vocabulary)[0]
        check(linked, law, matchers, law_re, monkeypatch)
        if number % 5 == 0:
            check(html, law, matchers, law_re, monkeypatch, law_links=False, css_class="gloss")
            check(html, law, matchers, law_re, monkeypatch, terms=False)
    assert changed > 30  # the posts do use terms and the law


def test_random_markup_gets_the_links_and_marks_the_tree_gave(
    glossary, law, matchers, law_re, monkeypatch
):
    words = sorted({form for term in glossary for form in (term.term, *term.also)})
    words += LAW_TEXTS + ["“", "”", "‘", "’", '"', "'", "&rsquo;s", "-", "\n\n"]
    rng = random.Random(21)
    changed = 0
    for number in range(300):
        if number % 2:
            html = random_markup(rng, NAMES, TEXTS + words * 4, 60)
        else:
            html = plain_random_markup(rng) + " ".join(rng.sample(words, 6))
            html = html.replace("</p>", " ".join(rng.sample(words, 3)) + "</p>")
        changed += check(html, law, matchers, law_re, monkeypatch)
    assert changed > 100


# The quotation regex as it was, before the lookahead that lets it skip to quotation marks.
QUOTED_AS_IT_WAS = re.compile(
    r"“(?:(?!\n\n)[^”])*”"
    r'|"(?:(?!\n\n)[^"])*"'
    r"|(?<![\w])‘(?:(?!\n\n)[^‘’]|’(?=\w))*’(?!\w)"
    r"|(?<![\w'])'(?:(?!\n\n)[^'\n]|'(?=\w))*'(?!\w)"
)


def test_quotations_are_found_where_they_were():
    rng = random.Random(4)
    pieces = ["“", "”", "‘", "’", '"', "'", "a", "word", " ", "\n", "\n\n", "s", "_", "-"]
    texts = ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 40))) for _ in range(5000)]
    found = 0
    for text in texts + posts()[:40]:
        expected = [(m.start(), m.end()) for m in QUOTED_AS_IT_WAS.finditer(text)]
        assert _quoted_ranges(text) == expected, text
        found += bool(expected)
    assert found > 1000


def test_a_span_is_in_a_quotation_where_any_quotation_holds_it():
    # mark_page asks whether a use lies inside a quotation with _Quotations, which finds the
    # quotations only as far as the uses go: the answer is any() over all of them.
    rng = random.Random(8)
    pieces = ["“", "”", "‘", "’", '"', "'", "a", "word", " ", "\n", "\n\n", "s", "_", "-"]
    inside = 0
    for _ in range(2000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 60)))
        ranges = _quoted_ranges(text)
        spans = sorted(
            (start, start + rng.randint(1, 6))
            for start in rng.sample(range(70), rng.randint(0, 12))
        )
        quotations = _Quotations(text)
        for start, end in spans:
            expected = any(s < start and end <= e for s, e in ranges)
            assert quotations.holds(start, end) == expected, (text, start, end)
            inside += expected
    assert inside > 300
