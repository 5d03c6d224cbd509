"""A long post's passages read in runs of paragraphs are the one pass's passages."""

import random
from datetime import date
from pathlib import Path

from bench.corpus import make_posts
from plugins.build_speed import pool
from plugins.themes import load_vocabulary
from plugins.topics import QuoteSource, core, key_quote
from plugins.topics.core import PassageReader
from plugins.yaml_metadata.engine import markdown_engine

ROOT = Path(__file__).resolve().parents[2]
PIECES = [
    "The child was seen.",
    "Was she safe?",
    "“A quote,” he said.",
    "section 47 enquiries",
    "Blame culture and defensive practice",
    "Dr. Smith",
    "3 visits. 4 calls!",
    "&amp; more",
    "<em>em</em>",
    "<q>quoted</q>",
]
BLOCKS = [
    ("<p>", "</p>"),
    ("<li>", "</li>"),
    ("<blockquote><p>", "</p></blockquote>"),
    ("<h2>", "</h2>"),
    ("<p>", ""),
    ("<div>", "</div>"),
]


def _random_html(rng):
    blocks = []
    for _ in range(rng.randint(1, 40)):
        opening, closing = rng.choice(BLOCKS)
        words = " ".join(rng.choice(PIECES) for _ in range(rng.randint(0, 30)))
        blocks.append(f"{opening}{words}{closing}")
    return "\n".join(blocks)


def _one_pass(html):
    return core._read(core.passages(html))


def test_random_posts_read_in_runs_give_the_one_pass_reading(monkeypatch):
    # Passages, their joined words, word set and blockquote count, with the paragraphs cut
    # into 2 to 7 runs mapped here (the pool's order), as one pass gives them.
    rng = random.Random(21)
    runs = []

    def mapped(function, parts):
        runs.append(len(parts))
        return [function(part) for part in parts]

    checked = 0
    for _ in range(300):
        html = _random_html(rng)
        expected = _one_pass(html)
        with monkeypatch.context() as patch:
            count = rng.randint(2, 7)
            patch.setattr(core, "split_parts", lambda size, count=count: count)
            patch.setattr(core, "split_map", mapped)
            assert core._read(*core._read_blocks(html)) == expected, html
        checked += len(expected.passages)
    assert checked > 3000
    assert sum(1 for count in runs if count > 1) > 200


def test_a_long_post_in_the_pool_gets_the_one_pass_quotes(monkeypatch):
    # Every theme's key quote from a long post read in the build's pool is the one pass's.
    html = "\n".join(markdown_engine().convert(post.body) for post in make_posts(80, seed=4))
    vocabulary = load_vocabulary(ROOT / "content" / "themes.yaml")
    phrases = {t.slug: [t.name, *t.synonyms, *t.phrases] for t in vocabulary}
    sources = [QuoteSource("long", html, date(2020, 3, 1))]
    expected = _one_pass(html)
    quotes = [key_quote(sources, words) for words in phrases.values()]
    calls = []
    real = pool._shared

    def counted(function, parts, count):
        calls.append((len(parts), count))
        return real(function, parts, count)

    monkeypatch.setattr(pool, "_shared", counted)
    monkeypatch.setattr(pool, "SPLIT_MIN", 1000)
    with pool.splitting({"BUILD_WORKERS": 2}):
        reader = PassageReader()
        assert reader.read(html) == expected
        assert [key_quote(sources, words, reader) for words in phrases.values()] == quotes
    assert calls == [(2 * pool.PARTS_A_WORKER, 2)]
    assert sum(quote is not None for quote in quotes) > 3
