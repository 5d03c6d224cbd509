"""Topic pages as plain data: posts per theme, co-occurrence, neighbours, key quotes, the map."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from html import escape
from typing import NamedTuple

from plugins.themes.markup import RAW_TEXT_ELEMENTS, VOID_ELEMENTS, decode_references


@dataclass(frozen=True)
class Entry:
    """One post as topic pages see it: an id, its theme slugs (strongest first) and its date."""

    id: Hashable
    themes: tuple[str, ...]
    date: date | datetime


def _newest_first(entries):
    return sorted(entries, key=lambda e: (_ordinal(e.date), _key(e.id)), reverse=True)


def posts_by_theme(entries: Iterable[Entry], slugs: Sequence[str]) -> dict[str, list[Hashable]]:
    """Each slug's post ids, newest first; a theme with no posts maps to an empty list."""
    result: dict[str, list[Hashable]] = {slug: [] for slug in slugs}
    for entry in _newest_first(entries):
        for slug in dict.fromkeys(entry.themes):
            result.setdefault(slug, []).append(entry.id)
    return result


def pair_counts(entries: Iterable[Entry]) -> Counter:
    """How many posts carry each pair of themes together, keyed by the sorted slug pair."""
    counts: Counter = Counter()
    for entry in entries:
        slugs = sorted(set(entry.themes))
        for i, first in enumerate(slugs):
            for second in slugs[i + 1 :]:
                counts[first, second] += 1
    return counts


def alongside(slug: str, pairs: Counter, limit: int, order: Sequence[str] = ()):
    """Themes most often found with SLUG: [(other slug, posts together)], most first."""
    rank = {s: i for i, s in enumerate(order)}
    found = [
        (second if first == slug else first, count)
        for (first, second), count in pairs.items()
        if slug in (first, second) and count > 0
    ]
    found.sort(key=lambda item: (-item[1], rank.get(item[0], len(rank)), item[0]))
    return found[:limit]


def neighbours(entries: Iterable[Entry]) -> dict[Hashable, list[tuple[str, object, object]]]:
    """For each post and each of its themes: (slug, previous id or None, next id or None).

    Previous is the next older post carrying the theme, next the next newer one.
    """
    entries = list(entries)
    chronological = list(reversed(_newest_first(entries)))
    timeline: dict[str, list[Hashable]] = {}
    where: dict[tuple[Hashable, str], int] = {}
    for entry in chronological:
        for slug in dict.fromkeys(entry.themes):
            line = timeline.setdefault(slug, [])
            where[entry.id, slug] = len(line)
            line.append(entry.id)
    result = {}
    for entry in entries:
        rows = []
        for slug in dict.fromkeys(entry.themes):
            line, at = timeline[slug], where[entry.id, slug]
            rows.append(
                (
                    slug,
                    line[at - 1] if at > 0 else None,
                    line[at + 1] if at + 1 < len(line) else None,
                )
            )
        result[entry.id] = rows
    return result


def group_by_year(items: Iterable, date_of: Callable) -> list[tuple[int, list]]:
    """Items (already newest first) grouped into [(year, items)], newest year first."""
    groups: dict[int, list] = {}
    for item in items:
        groups.setdefault(date_of(item).year, []).append(item)
    return sorted(groups.items(), key=lambda group: group[0], reverse=True)


@dataclass(frozen=True)
class QuoteSource:
    """A post offered as the source of a theme's key quote."""

    id: Hashable
    html: str
    date: date | datetime
    # True when the theme is the post's strongest: a quote from it is more likely on topic.
    strongest: bool = False
    # False for curated news written elsewhere: the blog's own voice is preferred.
    own: bool = True


@dataclass(frozen=True)
class Quote:
    """The chosen quote: its text, the post it comes from and whether it was a blockquote."""

    text: str
    id: Hashable
    blockquote: bool


_SENTENCE = re.compile(r"(?<=[.!?])[\"”’)]?\s+(?=[\"“‘(]?[A-Z0-9])")
_WORD = re.compile(r"[a-z0-9']+")
QUOTE_MIN, QUOTE_MAX = 50, 480


def _words(text):
    return " ".join(_WORD.findall(text.lower().replace("’", "'")))


def passages(html: str) -> list[tuple[bool, str, str]]:
    """A post's passages in order: (True, blockquote text, words) then (False, sentence, words).

    WORDS is the passage's words padded with spaces, for matching phrases; "" for a passage
    too short or too long to be a key quote. The text is what BeautifulSoup's html.parser tree
    gives (_blocks_soup); plain markup is read the same way without building a tree.
    """
    blocks = _blocks_fast(html or "")
    if blocks is None:
        blocks = _blocks_soup(html or "")
    quotes, paragraphs = blocks
    found = [(True, text) for text in quotes]
    for block in paragraphs:
        for sentence in _SENTENCE.split(block):
            found.append((False, sentence.strip()))
    return [
        (is_quote, text, f" {_words(text)} " if QUOTE_MIN <= len(text) <= QUOTE_MAX else "")
        for is_quote, text in found
    ]


def _blocks_soup(html):
    """(each blockquote's text, each p's and li's text outside blockquotes), via BeautifulSoup.

    The reference for _blocks_fast: texts are get_text(" ") with whitespace collapsed; a
    blockquote inside another one reads "" (it goes when the outer one is decomposed).
    """
    from bs4 import BeautifulSoup  # only for markup _blocks_fast leaves (themes/markup.py on bs4)

    soup = BeautifulSoup(html, "html.parser")
    quotes = []
    for quote in soup.find_all("blockquote"):
        quotes.append(" ".join(quote.get_text(" ").split()))
        quote.decompose()
    paragraphs = [" ".join(block.get_text(" ").split()) for block in soup.find_all(["p", "li"])]
    return quotes, paragraphs


# Plain markup's tags: a start tag whose attribute values are all quoted, or a bare end tag.
# Anything else that opens with "<" (comments, doctypes, "<" as text, unquoted attributes) is
# not matched, and the document goes to BeautifulSoup.
_TAG = re.compile(
    r"<([a-zA-Z][a-zA-Z0-9]*)"
    r"(?:[ \t\n\r\f]+[a-zA-Z_:][-a-zA-Z0-9_:.]*"
    r"(?:[ \t\n\r\f]*=[ \t\n\r\f]*(?:\"[^\"]*\"|'[^']*'))?)*"
    r"[ \t\n\r\f]*(/?)>"
    r"|</([a-zA-Z][a-zA-Z0-9]*)[ \t\n\r\f]*>"
)


def _blocks_fast(html):
    """_blocks_soup's answer without building a tree, or None for markup it does not handle.

    It replays what BeautifulSoup's html.parser builder does with each tag: the text between
    two tags is one string (references decoded), a start tag opens an element (a void one
    closes at once), an end tag closes up to the newest open element of its name or is
    ignored, and whatever is open at the end closes there. An element's strings are then the
    texts between its start tag and the tag that closed it. tests/topics/test_topics_passages.py
    checks it against BeautifulSoup on varied and random markup.
    """
    parts = _TAG.split(html)
    # parts: text, then (start name, "/" or "", end name, text) for each tag.
    texts = parts[::4]
    tags = len(texts) - 1
    if html.count("<") != tags:
        return None  # a "<" that is not one of the tags above, or one inside a tag
    if "&" in html:
        texts = [decode_references(text) if "&" in text else text for text in texts]
        if None in texts:
            return None
    stack = []  # open elements: (name, index into `spans` or None)
    # Each collected blockquote, p and li: [first text, last text + 1, holds a blockquote].
    spans = []
    quotes, paragraphs = [], []
    quoted = []  # numbers of the texts inside a blockquote
    depth = 0  # open blockquotes
    for number in range(tags):
        if depth:
            quoted.append(number)  # the text before this tag
        start, closing, end = parts[4 * number + 1 : 4 * number + 4]
        if start is not None:
            name = start.lower()
            if name in RAW_TEXT_ELEMENTS:
                return None
            if name in VOID_ELEMENTS:
                continue
            slot = None
            if name == "blockquote":
                # One inside another is decomposed with the outer one before its turn: "".
                if depth:
                    quotes.append(None)
                else:
                    for _, holder in stack:
                        if holder is not None:
                            spans[holder][2] = True
                    slot = len(spans)
                    quotes.append(slot)
                    spans.append([number + 1, tags + 1, False])
            elif name in ("p", "li") and not depth:
                slot = len(spans)
                paragraphs.append(slot)
                spans.append([number + 1, tags + 1, False])
            if closing:
                if slot is not None:
                    spans[slot][1] = number + 1  # <p/>: opened and closed at once
                continue
            stack.append((name, slot))
            if name == "blockquote":
                depth += 1
        else:
            name = end.lower()
            if name in VOID_ELEMENTS or name in RAW_TEXT_ELEMENTS:
                return None
            for at in range(len(stack) - 1, -1, -1):
                if stack[at][0] == name:
                    for closed, slot in stack[at:]:
                        if slot is not None:
                            spans[slot][1] = number + 1
                        if closed == "blockquote":
                            depth -= 1
                    del stack[at:]
                    break
    if depth:
        quoted.append(tags)
    # A p or li's text leaves out any blockquote inside it (decomposed before it is read).
    inside = frozenset(quoted)
    return (
        [_text(texts, spans[slot], ()) if slot is not None else "" for slot in quotes],
        [_text(texts, spans[slot], inside) for slot in paragraphs],
    )


def _text(texts, span, quoted):
    """The whitespace-collapsed text of a span's TEXTS, less those in QUOTED if it holds any."""
    first, last, holds_quote = span
    if holds_quote:
        chosen = [texts[at] for at in range(first, last) if at not in quoted]
    else:
        chosen = texts[first:last]
    return " ".join(" ".join(chosen).split())


class _Read(NamedTuple):
    """A post's passages with what key_quote needs to rule phrases and passages out fast."""

    passages: list[tuple[bool, str, str]]
    # Every passage's padded words end to end. Padded words never match across two passages
    # (a phrase has single spaces, the seam two), so a phrase absent here is in no passage.
    joined: str
    vocabulary: frozenset[str]
    # How many passages lead as blockquotes, with only sentences after; None if they mix.
    quotes: int | None


def _read(found):
    """FOUND, a post's passages, with what key_quote looks up in them (see _Read)."""
    found = list(found)
    joined = "".join(words for _, _, words in found)
    quotes = 0
    while quotes < len(found) and found[quotes][0]:
        quotes += 1
    mixed = any(is_quote for is_quote, _, _ in found[quotes:])
    return _Read(found, joined, frozenset(joined.split()), None if mixed else quotes)


class PassageReader:
    """passages() that reads each distinct HTML once: pass one to key_quote for many themes.

    Make one per build and drop it afterwards. USES, when given, says how many reads each
    HTML will get ({html: count}); a post is let go after its last one.
    """

    def __init__(self, uses=None):
        self._read = {}
        # Memory (10,000 posts): every post's passages, joined text and word set held until
        # the last topic was about 330 MB; held only until the last theme that reads them.
        self._uses = dict(uses) if uses is not None else None

    def __call__(self, html: str) -> list[tuple[bool, str, str]]:
        return self.read(html).passages

    def read(self, html: str) -> _Read:
        """The post's passages with their joined words, word set and blockquote count."""
        known = self._read.get(html)
        if known is None:
            known = _read(passages(html))
        uses = self._uses
        if uses is None:
            self._read[html] = known
            return known
        left = uses.get(html, 0) - 1
        if left > 0:
            uses[html] = left
            self._read[html] = known
        else:
            uses.pop(html, None)
            self._read.pop(html, None)
        return known

    def held(self) -> int:
        """How many posts' passages are held now."""
        return len(self._read)


def key_quote(
    sources: Sequence[QuoteSource],
    phrases: Iterable[str],
    passages_of: Callable[[str], list[tuple[bool, str, str]]] = passages,
) -> Quote | None:
    """The most telling quote for a theme from its posts, or None if none fits.

    Only passages that use the theme's own words qualify. Blockquotes are preferred (they are
    what the author chose to set apart), then sentences. Within each, the blog's own posts
    come before curated news, then more of the theme's phrases wins, then a post where the
    theme is strongest, then the newer post, then the earlier passage in the post.
    PASSAGES_OF(html) gives a post's passages; a caller that asks for several themes can pass
    a PassageReader, which reads each post once.
    """
    folded = sorted({_words(p) for p in phrases if _words(p)})
    # A phrase padded with spaces, and the words a passage needs to hold it.
    wanted = [(f" {phrase} ", frozenset(phrase.split())) for phrase in folded]
    reader = passages_of.read if isinstance(passages_of, PassageReader) else None
    best = None
    for source in sources:
        html = source.html or ""
        post = reader(html) if reader else _read(passages_of(html))
        # A post holding none of the phrases is skipped; the others' passages are matched only
        # against the phrases the post holds. The word set rules most phrases out quickly.
        present = [
            padded
            for padded, needed in wanted
            if needed <= post.vocabulary and padded in post.joined
        ]
        if not present:
            continue
        found = post.passages
        if post.quotes is None:
            groups = ((0, found, False),)
        else:
            groups = ((0, found[: post.quotes], False), (post.quotes, found[post.quotes :], True))
        ordinal = None
        for first, group, sentences in groups:
            if sentences and best is not None and best[0][0]:
                break  # a sentence never outranks a blockquote already chosen
            for position, (is_quote, text, words) in enumerate(group, first):
                if not QUOTE_MIN <= len(text) <= QUOTE_MAX:
                    continue
                hits = 0
                for phrase in present:
                    if phrase in words:
                        hits += 1
                if hits == 0:
                    # Off-topic passages never stand for a theme, however quotable: a
                    # blockquote about executive summaries is no key quote for "Blame culture".
                    continue
                if ordinal is None:
                    ordinal = _ordinal(source.date)
                rank = (is_quote, source.own, hits, source.strongest, ordinal, -position)
                if best is None or rank > best[0]:
                    best = (rank, Quote(_tidy(text), source.id, is_quote))
    return best[1] if best else None


def _tidy(text):
    """Spaces that get_text leaves before punctuation are removed: 'word ,' -> 'word,'."""
    return re.sub(r"\s+([,.;:!?’”)])", r"\1", re.sub(r"([“(‘])\s+", r"\1", text))


def map_order(slugs: Sequence[str], pairs: Counter) -> list[str]:
    """Slugs in an order that puts themes often found together side by side on the circle.

    Greedy chain: start from the most connected theme, then keep adding the unplaced theme most
    often found with the last one placed (ties by the given order). Deterministic and cheap.
    """
    rank = {s: i for i, s in enumerate(slugs)}
    strength = Counter()
    for (first, second), count in pairs.items():
        strength[first] += count
        strength[second] += count
    remaining = list(slugs)
    if not remaining:
        return []
    current = min(remaining, key=lambda s: (-strength[s], rank[s]))
    ordered = [current]
    remaining.remove(current)
    while remaining:
        current = min(
            remaining,
            key=lambda s: (-pairs.get(tuple(sorted((current, s))), 0), -strength[s], rank[s]),
        )
        ordered.append(current)
        remaining.remove(current)
    return ordered


@dataclass(frozen=True)
class MapNode:
    """A theme on the map: slug, label and how many posts carry it."""

    slug: str
    label: str
    count: int


def map_svg(
    nodes: Sequence[MapNode],
    pairs: Counter,
    *,
    title: str,
    description: str,
    max_links: int = 40,
    id_prefix: str = "topic-map",
) -> str:
    """A static SVG of themes on a circle, linked by lines as thick as their shared posts."""
    nodes = [node for node in nodes if node.count > 0]
    # Close to the text column's width, so 15-unit labels render at about 14px.
    width, height = 720, 540
    font = 15  # user units; the stylesheet sets the same size on the svg
    cx, cy, radius = width / 2, height / 2, 165
    biggest = max((node.count for node in nodes), default=1)
    order = map_order([node.slug for node in nodes], pairs)
    by_slug = {node.slug: node for node in nodes}
    place = {}
    for i, slug in enumerate(order):
        angle = -math.pi / 2 + 2 * math.pi * i / max(1, len(order))
        place[slug] = (angle, cx + radius * math.cos(angle), cy + radius * math.sin(angle))
    links = sorted(
        ((count, first, second) for (first, second), count in pairs.items() if count > 0),
        key=lambda link: (-link[0], link[1], link[2]),
    )
    links = [link for link in links if link[1] in place and link[2] in place][:max_links]
    strongest = max((link[0] for link in links), default=1)

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="topic-map" viewBox="{{viewbox}}"'
        f' role="img" aria-labelledby="{id_prefix}-title {id_prefix}-desc">',
        f'<title id="{id_prefix}-title">{escape(title)}</title>',
        f'<desc id="{id_prefix}-desc">{escape(description)}</desc>',
        '<g class="topic-map-links">',
    ]
    # Weakest first, so the strongest links are drawn on top.
    for count, first, second in reversed(links):
        _, x1, y1 = place[first]
        _, x2, y2 = place[second]
        stroke = 1 + 7 * count / strongest
        label = f"{by_slug[first].label} and {by_slug[second].label}: {_posts(count)} together"
        out.append(
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}"'
            f' stroke-width="{stroke:.1f}"><title>{escape(label)}</title></line>'
        )
    out.append("</g>")
    out.append('<g class="topic-map-nodes">')
    top, bottom = height, 0.0
    for slug in order:
        node = by_slug[slug]
        angle, x, y = place[slug]
        r = 5 + 13 * math.sqrt(node.count / biggest)
        cos, sin = math.cos(angle), math.sin(angle)
        # Only a node at the very top or bottom is labelled centred; its neighbours there lean
        # outwards, left or right, so their labels do not run into each other.
        anchor = "middle" if abs(cos) < 0.1 else ("start" if cos > 0 else "end")
        lx, ly = cx + (radius + r + 10) * cos, cy + (radius + r + 10) * sin
        lines = _wrap(f"{node.label} ({node.count})", 17)
        # Labels near the top grow upwards, near the bottom downwards; the rest centre on their
        # point, which keeps a slanting label clear of its neighbour's at the top or bottom.
        if sin < 0 and abs(cos) < 0.5:
            first_dy = -(len(lines) - 1) * 1.15
        elif sin > 0 and abs(cos) < 0.5:
            first_dy = 0.8
        else:
            first_dy = 0.35 - (len(lines) - 1) * 0.575
        top = min(top, y - r, ly + (first_dy - 1) * font)
        bottom = max(bottom, y + r, ly + (first_dy + 1.15 * (len(lines) - 1) + 0.3) * font)
        tspans = "".join(
            f'<tspan x="{lx:.1f}" dy="{dy:.2f}em">{escape(line)}</tspan>'
            for dy, line in zip([first_dy] + [1.15] * len(lines), lines, strict=False)
        )
        out.append(
            f'<g class="topic-map-node"><title>{escape(node.label)}: {_posts(node.count)}</title>'
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}"/>'
            f'<text x="{lx:.1f}" y="{ly:.1f}" text-anchor="{anchor}">{tspans}</text></g>'
        )
    out.append("</g></svg>")
    # Crop the height to what is drawn, so a map of three themes has no empty band around it.
    top, bottom = (0, height) if not order else (max(0, top - 12), min(height, bottom + 12))
    out[0] = out[0].replace("{viewbox}", f"0 {top:.0f} {width} {bottom - top:.0f}")
    return "\n".join(out)


def _posts(count):
    return f"{count} post" if count == 1 else f"{count} posts"


def _wrap(label, width):
    """Split a label into lines of about WIDTH characters at spaces."""
    lines, line = [], ""
    for word in label.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return [*lines, line] if line else lines


def _ordinal(value):
    if isinstance(value, datetime):
        return value.timestamp()
    return datetime(value.year, value.month, value.day).timestamp()


def _key(value):
    return (type(value).__name__, value) if not isinstance(value, str) else ("str", value)
