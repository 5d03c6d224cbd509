"""A long post's Markdown rendered in runs of whole blocks gives the one pass's HTML."""

from __future__ import annotations

import random
import re

import pytest
from robust_helpers import ROOT

from bench.corpus import make_posts
from plugins.build_speed import pool
from plugins.yaml_metadata.engine import markdown_cuts, markdown_engine, number_headings
from tests.split_calls import counted_splits

FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.DOTALL)

# Blocks of the kinds posts hold (a heading repeats, so its ids count across runs).
BLOCKS = [
    "A plain paragraph about *practice* and **risk**, with a [link](https://x.example/a).",
    "She said \"it's the system\" -- and then... nothing. It's the 90s' way.",
    "Line one of a paragraph\nline two, lazily\nand three.",
    "Hard break at the end  \nof this line.",
    "## Lessons from serious case reviews",
    "## Lessons from serious case reviews",
    "### What *we* learnt",
    "Setext heading\n==============",
    "Another setext\n---",
    "- one\n- two\n- three",
    "- loose one\n\n- loose two",
    "1. first\n2. second\n\n   continued inside the second",
    "* item\n\n  its own paragraph\n\n* next",
    "- outer\n  - inner\n  - inner two",
    "> A quotation\n> on two lines",
    "> quoted\nlazy continuation",
    "    indented code\n\n    more of it",
    "| a | b |\n|---|---|\n| 1 | 2 |",
    '<div class="note">\nraw block\n</div>',
    '<span class="x">inline html</span> then text',
    "***",
    "Text with a `code span` and an autolink <https://x.example/b>.",
    "Paragraph\n# ATX right after",
    "Term-like line\nwith no definition",
    "An & ampersand, a < and a > in text, &copy; and &#8217;.",
    "Café, naïve and Ofsted’s ‘quotes’ “here”.",
]
# Blocks that only a reading of the whole text gets right: such a text is rendered in one pass.
WHOLE_ONLY = [
    "```\ncode\n\nstill code\n```",
    "~~~\nfenced\n~~~",
    "A [reference][r] link.\n\n[r]: https://x.example/r",
    "A note[^1].\n\n[^1]: The note.",
    "Term\n: definition",
    ": a definition first",
    "Term\n~ definition",
    "<!-- a comment\n\nstill the comment -->",
    "<pre>\nkept\n\nas is\n</pre>",
    "<script>\nx\n</script>",
    "Windows\r\nline ends",
]
SEPARATORS = ["\n\n", "\n\n", "\n\n\n", "\n", "\n\n    "]


def one_pass(text):
    return markdown_engine().convert(text)  # outside `splitting`: never in runs


def in_runs(text, count):
    """The runs' HTML joined as convert joins them, worked out here (no fork)."""
    engine = markdown_engine()
    cuts = markdown_cuts(text, count)
    html = "".join(engine.render_part(text[begin:stop]) for begin, stop in cuts)
    return number_headings(html).rstrip("\n"), len(cuts)


def random_text(rng, blocks):
    pieces = [rng.choice(blocks) for _ in range(rng.randint(1, 30))]
    return "".join(piece + rng.choice(SEPARATORS) for piece in pieces)


def test_random_texts_in_runs_render_as_one_pass():
    rng = random.Random(7)
    cut = 0
    for _ in range(600):
        text = random_text(rng, BLOCKS)
        count = rng.randint(2, 6)
        html, runs = in_runs(text, count)
        assert html == one_pass(text), text
        cut += runs > 1
    assert cut > 400  # most texts were cut


def test_texts_with_what_runs_over_a_blank_line_render_in_one_run():
    rng = random.Random(8)
    for _ in range(300):
        text = random_text(rng, BLOCKS + WHOLE_ONLY)
        html, runs = in_runs(text, rng.randint(2, 6))
        assert html == one_pass(text), text
        if any(block in text for block in WHOLE_ONLY):
            assert runs == 1, text


@pytest.mark.parametrize("block", WHOLE_ONLY)
def test_each_kind_that_needs_the_whole_text_is_not_cut(block):
    text = "A first paragraph.\n\n" * 50 + block + "\n\nA last paragraph.\n"
    assert markdown_cuts(text, 4) == [(0, len(text))]
    assert markdown_cuts("A first paragraph.\n\n" * 50, 4) != [(0, 1000)]


def test_cuts_start_paragraphs_at_the_margin_and_cover_the_text():
    text = "Para one.\n\n- list\n\n  more\n\n    code\n\nPara two.\n\n> quote\n\nPara three.\n"
    cuts = markdown_cuts(text, 4)
    assert "".join(text[begin:stop] for begin, stop in cuts) == text
    assert len(cuts) > 1
    for begin, _ in cuts[1:]:
        assert text[begin - 2 : begin] == "\n\n" and text[begin].isalpha()


def test_a_heading_repeated_across_runs_is_numbered_as_in_one_pass():
    text = "".join(f"## Same title\n\nParagraph {n}.\n\n" for n in range(40))
    html, runs = in_runs(text, 4)
    assert runs == 4
    assert html == one_pass(text)
    assert 'id="same-title_39"' in html and html.count('id="same-title"') == 1


def real_text():
    paths = sorted((ROOT / "content" / "articles").rglob("*.md"))
    paths += sorted((ROOT / "tests" / "fixtures").glob("*/**/*.md"))
    bodies = [FRONT_MATTER.sub("", p.read_text(encoding="utf-8", errors="replace")) for p in paths]
    bodies += [post.body for post in make_posts(200, seed=3)]
    return bodies


def test_real_posts_joined_into_one_long_text_render_as_one_pass():
    bodies = real_text()
    # The posts with nothing that needs the whole text, end to end: cut where it falls.
    long = "\n\n".join(body for body in bodies if len(markdown_cuts(body + "\n\nA.", 2)) > 1)
    assert len(long) > 100_000
    for count in (2, 4, 7):
        html, runs = in_runs(long, count)
        assert runs == count
        assert html == one_pass(long)
    for body in bodies:  # and every post on its own, cut or not
        assert in_runs(body, 3)[0] == one_pass(body)


def test_a_long_post_in_the_pool_renders_as_one_pass(monkeypatch):
    # Two processes (this one and a fork) render the runs: the HTML is the one pass's.
    text = "\n\n".join(post.body for post in make_posts(60))
    expected = one_pass(text)
    calls = counted_splits(monkeypatch)
    with pool.splitting({"BUILD_WORKERS": 2}):
        assert markdown_engine().convert(text) == expected
    assert calls == [(2 * pool.PARTS_A_WORKER, 2)]
    assert expected.count("<h2") > 20
