"""Rank related posts by shared themes (weighted by rarity), closeness in time and shared words."""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from operator import itemgetter
from typing import NamedTuple

# Defaults live in settings.py too (as RELATED_POSTS_*); these are the core's own so tests can call
# it without Pelican.
DEFAULT_K = 5
# Posts looked at on each side of a post inside one theme's date-ordered posting list. A theme
# carried by more than 2 * WINDOW + 1 posts is only searched near the post in time, which is what
# keeps the cost linear: work per post is bounded by (themes per post) * (2 * WINDOW + 1).
DEFAULT_WINDOW = 40
# "A little weight": a shared theme is worth ln((N + 1) / df), at least ~0.1 for a theme in 90% of
# posts and ~2-5 for rare ones; time adds at most TIME_WEIGHT (same day), text at most TEXT_WEIGHT
# (identical word sets), so they mostly reorder posts that share equally telling themes.
DEFAULT_TIME_WEIGHT = 0.25
DEFAULT_TEXT_WEIGHT = 0.5
# Keywords kept per post for the text overlap: its most frequent content words.
DEFAULT_KEYWORDS = 40
# Pairs of theme sets whose shared themes are remembered at once (see related()).
COMMON_CACHE_MOST = 1 << 16
# Time closeness halves after this many days: 1 / (1 + days / SCALE).
TIME_SCALE_DAYS = 365.0


@dataclass(frozen=True)
class Post:
    """One post as the ranking sees it: an id, its theme slugs, its date and its keyword set."""

    id: Hashable
    themes: tuple[str, ...]
    date: date | datetime
    tokens: frozenset[str] = field(default_factory=frozenset)


class Related(NamedTuple):
    """One related post: its id, its score and the shared themes that explain it, rarest first."""

    id: Hashable
    score: float
    reasons: tuple[str, ...]


class OperationCounter:
    """Counts elementary steps of the core, so tests can check how cost grows without timing."""

    def __init__(self):
        self.count = 0

    def add(self, steps=1):
        self.count += steps


class _NoCounter:
    """Stands in for a counter when nobody is counting."""

    def add(self, steps=1):
        pass


def idf(document_frequency, total):
    """How telling a theme is: ln((N + 1) / df); rare themes weigh more, none weighs zero."""
    return math.log((total + 1) / document_frequency)


def time_closeness(first, second):
    """1 for posts on the same day, 0.5 a year apart, approaching 0 as they drift apart."""
    days = abs(_as_datetime(first) - _as_datetime(second)).total_seconds() / 86400
    return 1.0 / (1.0 + days / TIME_SCALE_DAYS)


def word_overlap(first, second):
    """Jaccard overlap of two keyword sets: shared words over all words (0 when either is empty)."""
    if not first or not second:
        return 0.0
    shared = len(first & second)
    return shared / (len(first) + len(second) - shared)


def related(
    posts: Sequence[Post],
    k: int = DEFAULT_K,
    *,
    window: int = DEFAULT_WINDOW,
    time_weight: float = DEFAULT_TIME_WEIGHT,
    text_weight: float = DEFAULT_TEXT_WEIGHT,
    counter: OperationCounter | None = None,
) -> dict[Hashable, list[Related]]:
    """For each post id, up to k other posts sharing a theme: [(id, score, reasons)], best first.

    Candidates come from an inverted index theme -> posts (never all pairs). Ties are broken the
    same way every build: higher score, then the newer post, then the smaller id.
    """
    if k < 0 or window < 1:
        raise ValueError(f"related(): k must be >= 0 and window >= 1, got k={k}, window={window}")
    count = counter or _NoCounter()
    posts = list(posts)
    ids = [post.id for post in posts]
    if len(set(ids)) != len(ids):
        duplicates = sorted({str(i) for i in ids if ids.count(i) > 1})
        raise ValueError(f"related(): post ids must be unique; repeated: {', '.join(duplicates)}")
    total = len(posts)
    theme_sets = [frozenset(post.themes) for post in posts]
    dates = [_as_datetime(post.date) for post in posts]

    # One global sort by (date, id) gives every posting list in date order for free.
    order = sorted(range(total), key=lambda i: (dates[i], _sortable(ids[i])))
    count.add(total * max(1, math.ceil(math.log2(total or 1))))
    # Posts on the same date share a rank, so "newer first" ties fall through to the id.
    date_rank = [0] * total
    rank = -1
    previous = None
    for i in order:
        if dates[i] != previous:
            rank += 1
            previous = dates[i]
        date_rank[i] = rank

    index: dict[str, list[int]] = {}
    position: dict[tuple[int, str], int] = {}
    for i in order:
        for theme in sorted(theme_sets[i]):
            postings = index.setdefault(theme, [])
            position[i, theme] = len(postings)
            postings.append(i)
            count.add()
    weight = {theme: idf(len(postings), total) for theme, postings in index.items()}

    # Posts carrying the same themes share one theme set, numbered here, so the themes two
    # posts share (rarest first, which is the order of the reasons) and their summed weight are
    # worked out once per pair of theme sets, not once per pair of posts.
    set_number: dict[frozenset[str], int] = {}
    kind = [set_number.setdefault(themes, len(set_number)) for themes in theme_sets]
    by_rarity = [sorted(themes, key=lambda t: (-weight[t], t)) for themes in set_number]
    in_common: dict[int, tuple[float, tuple[str, ...]]] = {}
    kinds = len(set_number)
    sortable = [_sortable(post_id) for post_id in ids]
    newest = [-rank for rank in date_rank]
    sizes = [len(post.tokens) for post in posts]
    # Each keyword set as the bits of an int (one bit per distinct word), so the words two posts
    # share are counted by AND and bit_count instead of building their intersection.
    bit: dict[str, int] = {}
    masks = [0] * total
    for i, post in enumerate(posts if text_weight else ()):
        for word in post.tokens:
            masks[i] |= 1 << bit.setdefault(word, len(bit))
    themes_in = [len(themes) for themes in theme_sets]
    counting = counter is not None
    steps = 0
    # j is i's candidate exactly when i is j's (they share a theme whose list is short, or in
    # which they stand at most WINDOW apart), and a pair's score and reasons do not depend on
    # which post asks (the shared themes are summed in one order, closeness in time and word
    # overlap are symmetric): each pair is scored once, from its first post, for both.
    # Rows sort in one total order (j is unique), so the k first of a list cut to its k first
    # plus later rows are the k first of all its rows: a list that grows past KEEP is cut back
    # to k, which keeps the memory per post bounded instead of one row per candidate.
    keep = max(4 * k, 64)
    scored: list[list[tuple]] = [[] for _ in range(total)]
    for i in range(total):
        candidates: set[int] = set()
        for theme in theme_sets[i]:
            postings = index[theme]
            if len(postings) <= 2 * window + 1:
                nearby = postings
            else:
                at = position[i, theme]
                nearby = postings[max(0, at - window) : at + window + 1]
            steps += len(nearby)
            candidates.update(nearby)
        candidates.discard(i)
        steps += len(candidates)  # sorting them
        if counting:
            # Scoring each candidate: one step, plus one per theme and word compared.
            mine, size = themes_in[i], sizes[i]
            steps += len(candidates) + sum(min(mine, themes_in[j]) for j in candidates)
            if text_weight:
                steps += sum(min(size, sizes[j]) for j in candidates)
        date_i, mask_i, size_i, kind_i = dates[i], masks[i], sizes[i], kind[i]
        mine = scored[i]
        for j in candidates:
            if j < i:
                continue
            kind_j = kind[j]
            kinds_pair = kind_i * kinds + kind_j if kind_i < kind_j else kind_j * kinds + kind_i
            common = in_common.get(kinds_pair)
            if common is None:
                if len(in_common) >= COMMON_CACHE_MOST:
                    in_common.clear()  # many distinct theme sets: bound the memory, not the result
                others = theme_sets[j]
                shared = tuple(t for t in by_rarity[kind_i] if t in others)
                common = in_common[kinds_pair] = (sum(weight[t] for t in shared), shared)
            score = common[0]
            if time_weight:
                # time_closeness(), inline: called for every pair, on dates already made
                # datetimes above (the same arithmetic, so the same score).
                days = abs(date_i - dates[j]).total_seconds() / 86400
                score += time_weight * (1.0 / (1.0 + days / TIME_SCALE_DAYS))
            if text_weight and size_i and sizes[j]:
                # word_overlap() on the words as bits: AND and bit_count, no set built.
                overlap = (mask_i & masks[j]).bit_count()
                score += text_weight * (overlap / (size_i + sizes[j] - overlap))
            # Rounded so float noise from summation order can never reorder equal scores.
            negative = -round(score, 9)
            mine.append((negative, newest[j], sortable[j], j, common[1]))
            theirs = scored[j]
            theirs.append((negative, newest[i], sortable[i], i, common[1]))
            if len(theirs) > keep:
                theirs.sort()
                del theirs[k:]
        if len(mine) > k:
            mine.sort()
            del mine[k:]

    result: dict[Hashable, list[Related]] = {}
    for i in range(total):
        rows = scored[i]
        rows.sort()
        result[ids[i]] = [
            Related(ids[j], -negative, reasons) for negative, _, _, j, reasons in rows[:k]
        ]
    count.add(steps)
    return result


def reason_text(theme_names: Iterable[str]) -> str:
    """The line shown under a related post: 'Also about: blame culture, serious case reviews'."""
    names = [name for name in theme_names if name]
    return "Also about: " + ", ".join(names) if names else ""


def _as_datetime(value):
    """Dates compare with datetimes by treating a bare date as its midnight."""
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    raise TypeError(f"post date must be a date or datetime, got {value!r}")


def _sortable(value):
    """Ids of mixed types still sort deterministically (by type name, then value)."""
    return (type(value).__name__, value) if not isinstance(value, str) else ("str", value)


_TAG = re.compile(r"<[^>]+>")
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
# _WORD in text whose letters are all ASCII, lowered, with ’ as ' (see _folded).
_FOLDED_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_LETTER = re.compile(r"[^\W\d_]")  # what _WORD takes as a letter
# Words too common in this blog's prose to say anything about what two posts share.
_STOPWORD_TEXT = """
    about above after again against also although among another because been before being
    below between both cannot could does doing down during each either else even ever every
    from further have having here however into itself just least less like made make many
    might more most much must neither never none once only other others ought ours ourselves
    over own perhaps quite rather really same shall should since some such than that their
    theirs them themselves then there these they this those though through thus together too
    under until upon very want well were what when where whether which while whom whose will
    with within without would your yours yourself yourselves said says
    """
STOPWORDS = frozenset(_STOPWORD_TEXT.split())


def keywords(html, limit=DEFAULT_KEYWORDS):
    """A post's keyword set for cheap text overlap: its LIMIT most frequent content words."""
    if limit <= 0:
        return frozenset()
    text = _TAG.sub(" ", html or "")
    folded = _folded(text)
    if folded is None:
        found = Counter(w.lower().replace("’", "'") for w in _WORD.findall(text))
    else:
        found = Counter(folded[1].findall(folded[0]))
    ranked = [(word, n) for word, n in found.items() if len(word) >= 4 and word not in STOPWORDS]
    # Most frequent first, equally frequent alphabetically (the second sort is stable).
    ranked.sort()
    ranked.sort(key=itemgetter(1), reverse=True)
    return frozenset(word for word, _ in ranked[:limit])


def _folded(text):
    """(TEXT lowered with ’ as ', the pattern that finds in it the words _WORD finds in TEXT,
    each folded on its own), or None when there is none.

    It does when each character beyond ASCII lowers to one character of its own kind (a
    letter, an apostrophe, or neither): the words are then found at the same places. Not Σ,
    whose lower case depends on its neighbours in the text (σ or final ς), nor İ (two
    characters lowered).
    """
    letters = set()  # the lowered letters beyond ASCII
    for char in set(_NON_ASCII.findall(text)):
        lower = char.lower()
        letter = _LETTER.match(char) is not None
        if (
            char == "Σ"
            or len(lower) != 1
            or letter != (_LETTER.match(lower) is not None)
            or (char in "'’") != (lower in "'’")
        ):
            return None
        if letter:
            letters.add(lower)
    folded = text.lower().replace("’", "'")
    return folded, _folded_word("".join(sorted(letters))) if letters else _FOLDED_WORD


@functools.lru_cache(maxsize=256)
def _folded_word(letters):
    """_FOLDED_WORD that also takes LETTERS as letters: _WORD in folded text whose only letters
    beyond ASCII are these (a set of characters is matched faster than a Unicode category)."""
    chars = "a-z" + "".join(re.escape(char) for char in letters)
    return re.compile(f"[{chars}]+(?:'[{chars}]+)?")
