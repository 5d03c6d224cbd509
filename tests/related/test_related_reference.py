"""related() and keywords() give exactly what their plain first versions give, on varied input."""

import math
import re
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from plugins.related_posts.core import (
    STOPWORDS,
    OperationCounter,
    Post,
    Related,
    _folded,
    keywords,
    related,
    time_closeness,
    word_overlap,
)


def reference_related(posts, k, window, time_weight, text_weight, steps=None):
    """The ranking as first written: every candidate of every post scored on its own.

    STEPS, a list, gets the steps the first version counted, to compare with OperationCounter.
    """
    count = steps.append if steps is not None else lambda n: None
    ids = [post.id for post in posts]
    total = len(posts)
    themes = [frozenset(post.themes) for post in posts]
    dates = [
        d if isinstance(d, datetime) else datetime(d.year, d.month, d.day)
        for d in (post.date for post in posts)
    ]
    order = sorted(range(total), key=lambda i: (dates[i], ids[i]))
    count(total * max(1, math.ceil(math.log2(total or 1))))
    rank_of = {}
    for i in order:
        rank_of.setdefault(dates[i], len(rank_of))
    index, position = {}, {}
    for i in order:
        for theme in sorted(themes[i]):
            position[i, theme] = len(index.setdefault(theme, []))
            index[theme].append(i)
            count(1)
    weight = {theme: math.log((total + 1) / len(postings)) for theme, postings in index.items()}
    result = {}
    for i in range(total):
        candidates = set()
        for theme in themes[i]:
            postings = index[theme]
            at = position[i, theme]
            if len(postings) > 2 * window + 1:
                postings = postings[max(0, at - window) : at + window + 1]
            count(len(postings))
            candidates.update(postings)
        candidates.discard(i)
        rows = []
        for j in candidates:
            shared = sorted(themes[i] & themes[j], key=lambda t: (-weight[t], t))
            score = sum(weight[t] for t in shared)
            count(1 + min(len(themes[i]), len(themes[j])))
            if time_weight:
                score += time_weight * time_closeness(dates[i], dates[j])
            if text_weight:
                count(min(len(posts[i].tokens), len(posts[j].tokens)))
                score += text_weight * word_overlap(posts[i].tokens, posts[j].tokens)
            rows.append((-round(score, 9), -rank_of[dates[j]], ids[j], tuple(shared)))
        rows.sort()
        count(len(rows))
        result[ids[i]] = [Related(row[2], -row[0], row[3]) for row in rows[:k]]
    return result


WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")


def reference_keywords(html, limit=40):
    """The keywords as first written: each word found, lowered and counted on its own."""
    if limit <= 0:
        return frozenset()
    counts = Counter(
        word
        for word in (
            w.lower().replace("’", "'") for w in WORD.findall(re.sub(r"<[^>]+>", " ", html))
        )
        if len(word) >= 4 and word not in STOPWORDS
    )
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return frozenset(word for word, _ in ranked[:limit])


LONDON = ZoneInfo("Europe/London")
post_lists = st.lists(
    st.tuples(
        st.sets(st.sampled_from("pqrstuvw"), max_size=4),
        st.dates(date(2015, 1, 1), date(2016, 12, 31)),
        st.sets(st.sampled_from(["care", "court", "risk", "team", "harm", "plan"]), max_size=5),
    ),
    max_size=30,
)


@settings(max_examples=300, deadline=None)
@given(
    post_lists,
    st.integers(0, 6),
    st.integers(1, 4),
    st.sampled_from([0, 0.25, 1.0]),
    st.sampled_from([0, 0.5, 2.0]),
    st.booleans(),
)
def test_related_equals_scoring_each_candidate_on_its_own(rows, k, window, timed, worded, zoned):
    posts = [
        Post(
            f"p{n:02d}",
            tuple(sorted(themes)),
            datetime(day.year, day.month, day.day, n % 24, tzinfo=LONDON) if zoned else day,
            frozenset(words),
        )
        for n, (themes, day, words) in enumerate(rows)
    ]
    # Narrow windows make one post a candidate of another but not the other way round.
    found = related(posts, k, window=window, time_weight=timed, text_weight=worded)
    assert found == reference_related(posts, k, window, timed, worded)


def test_related_equals_the_reference_with_zoned_times_on_a_bigger_site():
    start = datetime(2014, 3, 1, 9, 30, tzinfo=LONDON)
    posts = [
        Post(
            f"post-{n:03d}",
            tuple(sorted({f"t{n % 7}", f"t{n % 3}", f"t{(n * n) % 11}"})),
            start + timedelta(days=n * 37 % 900, hours=n % 13),
            frozenset(f"w{(n * m) % 23}" for m in range(n % 9)),
        )
        for n in range(300)
    ]
    assert related(posts, 5, window=6) == reference_related(posts, 5, 6, 0.25, 0.5)
    # Other time zones are compared in UTC, as datetime subtraction does.
    utc = [Post(p.id, p.themes, p.date.astimezone(UTC), p.tokens) for p in posts[::2]]
    assert related(posts[1::2] + utc, 4) == reference_related(posts[1::2] + utc, 4, 40, 0.25, 0.5)


def test_the_counted_steps_are_those_of_scoring_every_candidate_from_each_side():
    # Each pair is now scored once for both posts, but the counter still counts the steps the
    # first version took, so the scaling tests in test_related_core.py keep their calibration.
    posts = [
        Post(
            f"p{n}",
            (f"t{n % 4}", f"t{n % 5}"),
            date(2020, 1, 1 + n % 28),
            frozenset(f"w{n % m}" for m in range(1, n % 7 + 2)),
        )
        for n in range(60)
    ]
    for text_weight in (0, 0.5):
        counter, steps = OperationCounter(), []
        found = related(posts, 3, window=2, text_weight=text_weight, counter=counter)
        assert found == related(posts, 3, window=2, text_weight=text_weight)
        assert found == reference_related(posts, 3, 2, 0.25, text_weight, steps)
        assert counter.count == sum(steps) > 0


WORDS = [
    "Blame",
    "blame",
    "BLAME",
    "culture’s",
    "culture's",
    "don’t",
    "’tis",
    "rock'n'roll",
    "café",
    "naïve",
    "İstanbul",
    "ΣΟΦΟΣ",
    "σοφός",
    "ΟΔΟΣ.Α",
    "ΟΔΟΣ’Α",
    "ΣΑ",
    "Σ",
    "Climbié",
    "CLIMBIÉ",
    "Ærøskøbing",
    "ǅemal",
    "ﬁne",
    "ß",
    "ẞig",
    "Ⅻ",
    "\u0130",
    "\u212aelvin",
    "x²y",
    "Ⓐbcd",
    "“quoted”",
    "dash—between",
    "under_score",
    "abc123def",
    "review",
    "reviews",
    "about",
    "with",
    "<em>tagged</em>",
    "<a href='x'>link text</a>",
    "\u00a0",
    " ",
    "\n",
    ".",
    ",",
]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(WORDS), max_size=40), st.integers(0, 6))
def test_keywords_equal_folding_each_word_on_its_own(words, limit):
    html = " ".join(words)
    assert keywords(html, limit) == reference_keywords(html, limit)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200), st.integers(1, 8))
def test_keywords_equal_the_reference_on_any_text(text, limit):
    assert keywords(text, limit) == reference_keywords(text, limit)


def test_keywords_equal_the_reference_with_any_one_character_of_the_basic_plane():
    # Each character in every place a word can put it: alone, inside, joined by an apostrophe.
    for point in range(0x80, 0x10000):
        char = chr(point)
        if 0xD800 <= point < 0xE000:
            continue
        text = f"Ab{char}cd {char}{char}Ef {char}’gh ij’{char} <b>{char}KLmn</b> Opq{char}"
        assert keywords(text, 8) == reference_keywords(text, 8), hex(point)


def test_a_post_with_accented_letters_is_folded_whole_not_word_by_word():
    for text in ["Victoria Climbié’s review", "Ærøskøbing café ﬁne", "\u212aelvin naïve"]:
        assert _folded(text) is not None
        assert keywords(text, 9) == reference_keywords(text, 9)
    for text in ["ΟΔΟΣ.Α", "\u0130stanbul"]:  # lowered by context, or into two characters
        assert _folded(text) is None
