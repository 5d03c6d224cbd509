"""The law regex's skip to the characters a reference begins with finds what it finds without."""

import random
import re
import sys
from pathlib import Path

import pytest

from plugins.glossary import law_matcher

ROOT = Path(__file__).resolve().parents[2]


def without_skip(matcher):
    """The reference: the same regex with its leading lookahead taken off."""
    pattern = matcher.regex.pattern
    assert pattern.startswith("(?=[")
    return re.compile(pattern[pattern.index("])") + 2 :])


def spans(regex, text):
    return [(m.span(), m.lastgroup, m.groupdict()) for m in regex.finditer(text)]


def real_texts():
    posts = sorted((ROOT / "content" / "articles").rglob("*.md"))
    fixtures = sorted((ROOT / "tests" / "fixtures").glob("*/**/*.md"))
    return [path.read_text(encoding="utf-8", errors="replace") for path in [*posts, *fixtures]]


def test_the_real_posts_give_the_same_references(law):
    matcher = law_matcher(law)
    reference = without_skip(matcher)
    found = 0
    for text in real_texts():
        expected = spans(reference, text)
        assert spans(matcher.regex, text) == expected
        found += len(expected)
    assert found > 2  # the posts do cite the law


def test_only_s_S_and_the_long_s_match_section_s_in_any_case():
    # The skip lists the characters "section" can begin with, read as re.IGNORECASE reads.
    letters = {chr(c) for c in range(sys.maxunicode + 1) if re.fullmatch("(?i:s)", chr(c))}
    assert letters == {"s", "S", "ſ"}


@pytest.mark.parametrize(
    "text",
    [
        "ſection 47 and SECTION 17 of the Children Act 1989; Section 31A",
        "s.47, s 47, s47, it's 47, ’s 47; under section 20 of the Children Act 2004.",
        "Working Together (2018), Working Together 2010; working together; Children Act",
    ],
)
def test_awkward_references_are_found_as_before(law, text):
    matcher = law_matcher(law)
    assert spans(matcher.regex, text) == spans(without_skip(matcher), text)
    assert spans(matcher.regex, text)


def test_random_texts_give_the_same_references(law):
    matcher = law_matcher(law)
    reference = without_skip(matcher)
    words = [*matcher.acts, "section", "Section", "SECTION", "ſection", "s.", "s", "S", "47"]
    words += ["17", "31A", "of", "the", "(2018)", "2010", "'", "’", ".", "\n", "Working", "Act"]
    words += [name for item in law.guidance for name in item.names]
    rng = random.Random(8)
    for _ in range(3000):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(1, 30)))
        assert spans(matcher.regex, text) == spans(reference, text), text
