"""A long post's terms and law references read in runs give what one pass over it gives."""

import datetime as dt
import random

import pytest

from bench.corpus import make_posts
from plugins.build_speed import pool
from plugins.glossary import annotate, law_matcher
from plugins.glossary import term_matcher as make_term_matcher
from plugins.glossary.annotate import annotate_html, term_forms, terms_used
from plugins.yaml_metadata.engine import markdown_engine

DAYS = [dt.date(2009, 5, 1), dt.date(2024, 6, 30)]
LAW_TEXTS = [
    "section 47",
    "s.47",
    "s 17",
    "section 31 of the Children Act 1989",
    "section 31 of the\n\nChildren Act 1989",
    "the Children Act 1989",
    "Children Act 2004",
    "Working Together",
    "Working Together (2018)",
    "Working Together 2010",
    "section 999",
    "it's 47",
]
SEPARATORS = [" ", " ", " ", "\n\n", "\n", "-", ". ", ", ", "’s "]
WRAPS = [("<em>", "</em>"), ('<a href="x">', "</a>"), ("<code>", "</code>"), ("<q>", "</q>")]
BLOCKS = [("<p>", "</p>"), ("<h2>", "</h2>"), ("<blockquote><p>", "</p></blockquote>")]


@pytest.fixture(scope="module")
def matchers(glossary, law):
    return make_term_matcher(glossary), law_matcher(law)


@pytest.fixture(scope="module")
def words(glossary):
    forms = [form for term in glossary for form in term_forms(term)]
    # Forms cut at their spaces too, so a form's words meet a blank line now and then.
    pieces = [piece for form in forms for piece in form.split()]
    return forms + pieces + ["the", "and", "child", "SCRs", "Ofsted’s", *LAW_TEXTS]


def _in_parts(monkeypatch, count, log):
    """Split every long read into COUNT parts, mapped here; LOG gets what happened."""
    monkeypatch.setattr(annotate, "split_parts", lambda size: count)

    def mapped(function, parts):
        answers = [function(part) for part in parts]
        log.append((function.__name__, parts, answers))
        return answers

    monkeypatch.setattr(annotate, "split_map", mapped)


def _random_text(rng, words):
    parts = []
    for _ in range(rng.randint(1, 300)):
        parts.append(rng.choice(words))
        parts.append(rng.choice(SEPARATORS))
    return "".join(parts)


def _random_html(rng, words):
    blocks = []
    for _ in range(rng.randint(1, 30)):
        parts = []
        for _ in range(rng.randint(1, 12)):
            text = rng.choice(words)
            if rng.random() < 0.15:
                opening, closing = rng.choice(WRAPS)
                text = f"{opening}{text}{closing}"
            parts.append(text)
        opening, closing = rng.choice(BLOCKS)
        blocks.append(opening + " ".join(parts) + closing)
    return "\n".join(blocks)


def test_terms_used_in_runs_are_the_one_pass_terms(matchers, words, monkeypatch):
    # Random runs of the glossary's forms and words, cut at blank lines into 2 to 7 runs:
    # the terms in order of first use are the one pass's; a use running over a cut
    # ("serious case\n\nreview") sends the text back to one pass.
    term_re, _ = matchers
    rng = random.Random(4)
    log, checked = [], 0
    for _ in range(300):
        text = _random_text(rng, words)
        expected = terms_used(text, term_re)
        with monkeypatch.context() as patch:
            _in_parts(patch, rng.randint(2, 7), log)
            assert terms_used(text, term_re) == expected, text
        checked += len(expected)
    crossed = [
        any(reach > stop for (_, reach), (_, stop) in zip(answers[:-1], parts[:-1], strict=True))
        for name, parts, answers in log
        if name == "used_in" and len(parts) > 1
    ]
    assert checked > 1000
    assert crossed.count(False) > 100


def test_a_use_over_a_cut_sends_the_text_back_to_one_pass(matchers, monkeypatch):
    # "safeguarding\n\npartners" is a use of "safeguarding partners" (a space in a form is
    # any whitespace): every blank line is inside one, so each cut is, and the one pass's
    # answer stands.
    term_re, _ = matchers
    text = "The HCPC and safeguarding\n\npartners, " * 5 + "then the SCR."
    expected = terms_used(text, term_re)
    assert expected == ("hcpc", "safeguarding-partners", "scr")
    log = []
    _in_parts(monkeypatch, 3, log)
    assert terms_used(text, term_re) == expected
    [(name, parts, answers)] = log
    assert len(parts) == 3 and answers[0][1] > parts[0][1]


def test_law_links_and_terms_in_runs_are_the_one_pass_answer(glossary, law, matchers, words):
    # Random posts of many paragraphs with law references and terms in links, code, quotes
    # and headings: the law links, marks and terms used when every read is split in 2 to 6.
    rng = random.Random(9)
    pages = [_random_html(rng, words) for _ in range(120)]
    changed, log = 0, []
    for html in pages:
        for day in DAYS:
            expected = annotate_html(html, law, day, *matchers)
            with pytest.MonkeyPatch.context() as patch:
                _in_parts(patch, rng.randint(2, 6), log)
                assert annotate_html(html, law, day, *matchers) == expected, html[:300]
            changed += expected[0] != html
    assert changed > 100
    runs = [parts for name, parts, _ in log if name == "labels"]
    assert len(runs) > 100 and all(len(run) > 1 for run in runs)


def test_a_long_post_in_the_pool_gets_the_one_pass_annotation(law, matchers, monkeypatch):
    html = "\n".join(markdown_engine().convert(post.body) for post in make_posts(80, seed=3))
    day = dt.date(2016, 1, 1)
    expected = annotate_html(html, law, day, *matchers)
    calls = []
    real = pool._shared

    def counted(function, parts, count):
        calls.append((len(parts), count))
        return real(function, parts, count)

    monkeypatch.setattr(pool, "_shared", counted)
    monkeypatch.setattr(pool, "SPLIT_MIN", 1000)
    with pool.splitting({"BUILD_WORKERS": 2}):
        assert annotate_html(html, law, day, *matchers) == expected
    # The law references' runs, and the terms' runs (the HTML again, with the law linked).
    assert calls == [(2 * pool.PARTS_A_WORKER, 2)] * 2
    assert expected[1] and expected[2]


def test_node_runs_are_in_order_and_about_equal():
    assert pool.runs([5, 5, 5, 5], 2) == [(0, 2), (2, 4)]
    assert pool.runs([1, 1, 10, 1], 3) == [(0, 3), (3, 4)]
    assert pool.runs([], 4) == [(0, 0)]
    sizes = [random.Random(1).randint(0, 50) for _ in range(200)]
    runs = pool.runs(sizes, 4)
    assert runs[0][0] == 0 and runs[-1][1] == 200 and len(runs) == 4
    assert all(a[1] == b[0] for a, b in zip(runs, runs[1:], strict=False))
