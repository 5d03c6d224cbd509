"""A long text's detection split into runs of paragraphs gives what one pass over it gives."""

import random
from pathlib import Path

import pytest

from bench.corpus import make_posts
from plugins.build_speed import pool
from plugins.themes import detect, parse_vocabulary
from plugins.themes.detect import _APOSTROPHES, _find, _patterns, _sentence_starts, detect_themes
from tests.split_calls import counted_splits
from tests.themes.vocabularies import TRICKY

ROOT = Path(__file__).resolve().parents[2]

SEPARATORS = [" ", " ", " ", "\n\n", "\n", "-", ". ", ", "]


def _random_text(rng, words):
    parts = []
    for _ in range(rng.randint(1, 400)):
        parts.append(rng.choice(words))
        parts.append(rng.choice(SEPARATORS))
    return "".join(parts).translate(_APOSTROPHES)


def _one_pass(text, patterns, starts, monkeypatch):
    monkeypatch.setattr(detect, "split_parts", lambda size: 1)
    return _find(text, patterns, False, starts)


def _in_parts(text, patterns, starts, monkeypatch, count, log):
    """_find with the text split into COUNT parts, mapped here; LOG gets what happened."""
    monkeypatch.setattr(detect, "split_parts", lambda size: count)

    def mapped(function, parts):
        answers = [function(part) for part in parts]
        crossed = any(
            reach > stop for (_, reach), (_, stop) in zip(answers[:-1], parts[:-1], strict=True)
        )
        log.append((len(parts), crossed))
        return answers

    monkeypatch.setattr(detect, "split_map", mapped)
    return _find(text, patterns, False, starts)


@pytest.mark.slow
def test_random_texts_in_parts_find_what_one_pass_finds(vocabulary, monkeypatch):
    # Random runs of the vocabularies' words, cut into 2 to 7 parts at blank lines: the
    # parts' answers end to end, or the one pass they fall back on when a match runs over
    # a cut, are the one pass's answer, match for match (sentence numbers included).
    rng = random.Random(12)
    log, checked = [], 0
    for vocab in (vocabulary, TRICKY, VETOED):
        patterns = _patterns(vocab)
        words = sorted({w for p in patterns for w in p.phrase.replace("*", "").split()})
        words += ["the", "care", "system", "culture", "work", "Blame", "x-ray", "_under"]
        for _ in range(200):
            text = _random_text(rng, words)
            starts = _sentence_starts(text)
            expected = _one_pass(text, patterns, starts, monkeypatch)
            count = rng.randint(2, 7)
            assert _in_parts(text, patterns, starts, monkeypatch, count, log) == expected, text
            checked += len(expected)
    split = [crossed for parts, crossed in log if parts > 1]
    assert checked > 5000
    assert split.count(False) > 50  # answered in parts
    assert split.count(True) > 3  # a match ran over a cut: one pass instead


def test_a_phrase_over_a_cut_is_found_once_as_in_one_pass(monkeypatch):
    # "blame\n\nculture" is one match of "blame culture" (whitespace joins the words of a
    # phrase): the part before the cut reaches past it, so the text is settled in one pass.
    # Every blank line is inside a match, so each cut is.
    text = "The party line. A no blame\n\nculture, " * 12
    patterns = _patterns(TRICKY)
    starts = _sentence_starts(text)
    expected = _one_pass(text, patterns, starts, monkeypatch)
    assert any("blame\n\nculture" in m.text for _, m in expected)
    log = []
    assert _in_parts(text, patterns, starts, monkeypatch, 4, log) == expected
    assert log == [(4, True)]


VETOED = parse_vocabulary(
    """themes:
  - slug: care
    name: Care
    description: d
    phrases: [system]
    not_phrases: [care system]
"""
)


def test_a_veto_over_a_cut_still_vetoes_the_match_after_it(monkeypatch):
    # "care\n\nsystem" is the not_phrase "care system": it vetoes the "system" it holds,
    # which starts after the cut, in the next part. The veto reaches past its part's end, so
    # the text is settled in one pass and no "system" is kept.
    text = "Is it the care\n\nsystem, " * 8
    patterns = _patterns(VETOED)
    starts = _sentence_starts(text)
    assert _one_pass(text, patterns, starts, monkeypatch) == []
    log = []
    assert _in_parts(text, patterns, starts, monkeypatch, 3, log) == []
    assert [crossed for _, crossed in log] == [True]


def test_cuts_are_runs_of_whole_paragraphs():
    text = "one two.\n\nthree four five.\n\nsix\n\nseven eight nine ten.\n\n"
    cuts = pool.paragraph_cuts(text, 3)
    assert [text[a:b] for a, b in cuts] == [
        "one two.\n\nthree four five.\n\n",
        "six\n\nseven eight nine ten.\n\n",
    ]
    assert [text[a:b] for a, b in pool.paragraph_cuts(text, 4)] == [
        "one two.\n\nthree four five.\n\n",
        "six\n\n",
        "seven eight nine ten.\n\n",
    ]
    assert pool.paragraph_cuts("no break at all", 4) == [(0, 15)]
    assert "".join(text[a:b] for a, b in pool.paragraph_cuts(text, 9)) == text


def test_a_long_post_in_the_pool_gets_the_one_pass_evidence(vocabulary, monkeypatch):
    # The build's pool (two forked workers) settles the parts of a long post: every theme's
    # evidence (score, decision, matches, snippets) is the one pass's.
    text = "\n\n".join(post.body for post in make_posts(60))
    expected = detect_themes(text, vocabulary, title="A long post")
    calls = counted_splits(monkeypatch)
    with pool.splitting({"BUILD_WORKERS": 2}):
        assert detect_themes(text, vocabulary, title="A long post") == expected
    assert calls == [(2 * pool.PARTS_A_WORKER, 2)]
    assert sum(len(e.matches) for e in expected) > 500


def test_no_split_outside_a_build_or_inside_a_worker(monkeypatch):
    assert pool.split_parts(10**9) == 1
    assert pool.split_map(len, ["ab", "c"]) is None
    with pool.splitting({"BUILD_WORKERS": 1}):
        assert pool.split_parts(10**9) == 1
        assert pool.split_map(len, ["ab", "c"]) is None
    with pool.splitting({"BUILD_WORKERS": 2}):
        assert pool.split_parts(pool.SPLIT_MIN - 1) == 1  # an ordinary post: one pass
        assert pool.split_parts(pool.SPLIT_MIN) == 2 * pool.PARTS_A_WORKER
        # A pool's worker never splits its work again.
        inner = pool.pooled({"BUILD_WORKERS": 2}, lambda _: pool.split_parts(10**9), [1, 2], 2)
        assert inner == [1, 1]
    assert pool.split_parts(10**9) == 1


def test_split_map_answers_in_order_or_not_at_all():
    parts = [f"part {n}" for n in range(9)]
    with pool.splitting({"BUILD_WORKERS": 3}):
        assert pool.split_map(str.upper, parts) == [part.upper() for part in parts]
        # Nor does a part split again, in this process or a forked one.
        assert pool.split_map(lambda _: pool.split_parts(10**9), parts) == [1] * 9

        def fails_once(part):
            if part == "part 5":
                raise ValueError(part)
            return part

        # A part that fails, in whichever process takes it: no answer (the caller's one
        # pass meets the error and reports it).
        assert pool.split_map(fails_once, parts) is None
        assert pool.split_map(str.upper, parts) == [part.upper() for part in parts]
