"""The term matcher's skip to candidate words finds what looking up every word finds."""

import random
import re
from pathlib import Path

import pytest

from plugins.glossary.annotate import TermMatch, term_matcher

ROOT = Path(__file__).resolve().parents[2]
WORD = re.compile(r"\w+")


def every_word(matcher, text):
    """The reference: look up each word of TEXT, as the matcher did before its prefilter."""
    by_word, cursor = matcher.by_word, 0
    for word in WORD.finditer(text):
        start = word.start()
        if start < cursor or (start and text[start - 1] == "-"):
            continue
        token = word.group()
        candidates = by_word.get(token) or by_word.get(token.casefold())
        if candidates is None and token[-1:] == "s":
            candidates = by_word.get(token[:-1]) or by_word.get(token[:-1].casefold())
        for regex, term, form in candidates or ():
            found = regex.match(text, start)
            if found:
                cursor = found.end()
                yield TermMatch(start, cursor, found.group(), term, form)
                break


def real_texts():
    posts = sorted((ROOT / "content" / "articles").rglob("*.md"))
    fixtures = sorted((ROOT / "tests" / "fixtures").glob("*/**/*.md"))
    return [path.read_text(encoding="utf-8") for path in [*posts, *fixtures]]


def test_the_real_posts_give_the_same_matches(glossary):
    matcher = term_matcher(glossary)
    texts = real_texts()
    assert len(texts) > 13
    found = 0
    for text in texts:
        expected = list(every_word(matcher, text))
        assert list(matcher.finditer(text)) == expected
        found += len(expected)
    assert found > 20  # the posts do use the glossary's terms


@pytest.mark.slow
def test_random_texts_of_term_words_give_the_same_matches(glossary):
    matcher = term_matcher(glossary)
    words = sorted({w for key in matcher.by_word for w in (key, key.upper(), key.title())})
    words += ["SCRs", "HCPC's", "s", "-", "—", "the", "and", "child", "Ofsteds", "section"]
    words += ["non-HCPC", "café", "17", "47", "(", ")", ".", "\n\n"]
    rng = random.Random(13)
    for _ in range(3000):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(1, 40)))
        text = text.replace(" - ", "-") if rng.random() < 0.3 else text
        assert list(matcher.finditer(text)) == list(every_word(matcher, text)), text


@pytest.mark.slow
def test_the_letters_ignorecase_folds_to_ascii_give_the_same_matches(glossary):
    # The matcher finds candidate words in the text folded as re.IGNORECASE compares (a
    # dotted capital I, a dotless i, a long s, a Kelvin sign all read as ASCII letters).
    matcher = term_matcher(glossary)
    assert matcher.folded is not None
    odd = {"i": ["\u0130", "\u0131"], "s": ["\u017f"], "k": ["\u212a"]}
    words = sorted({w for key in matcher.by_word for w in (key, key.upper(), key.title())})
    variants = []
    for word in words:
        for plain, others in odd.items():
            for other in others:
                variants.append(word.replace(plain, other).replace(plain.upper(), other))
    assert any(v != w for v, w in zip(variants, words * 4, strict=False))
    pieces = words + variants + ["s", "’s", "-", " ", "\n\n", "café", "İstanbul", "ſ", "K"]
    rng = random.Random(29)
    found = 0
    for _ in range(3000):
        text = " ".join(rng.choice(pieces) for _ in range(rng.randint(1, 30)))
        expected = list(every_word(matcher, text))
        assert list(matcher.finditer(text)) == expected, text
        found += len(expected)
    assert found > 1000
