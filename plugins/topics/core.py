"""Topic pages as plain data: posts per theme, co-occurrence, neighbours, key quotes, the map."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from html import escape

from bs4 import BeautifulSoup


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
QUOTE_MIN, QUOTE_MAX = 50, 480


def _words(text):
    return " ".join(re.findall(r"[a-z0-9']+", text.lower().replace("’", "'")))


def _hits(folded, phrases):
    """How many PHRASES occur in FOLDED, a passage's words padded with spaces."""
    return sum(1 for phrase in phrases if phrase and f" {phrase} " in folded)


def passages(html: str) -> list[tuple[bool, str, str]]:
    """A post's passages in order: (True, blockquote text, words) then (False, sentence, words).

    WORDS is the passage's words padded with spaces, for matching phrases; "" for a passage
    too short or too long to be a key quote.
    """
    soup = BeautifulSoup(html or "", "html.parser")
    found = []
    for quote in soup.find_all("blockquote"):
        found.append((True, " ".join(quote.get_text(" ").split())))
        quote.decompose()
    for block in soup.find_all(["p", "li"]):
        for sentence in _SENTENCE.split(" ".join(block.get_text(" ").split())):
            found.append((False, sentence.strip()))
    return [
        (is_quote, text, f" {_words(text)} " if QUOTE_MIN <= len(text) <= QUOTE_MAX else "")
        for is_quote, text in found
    ]


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
    one that remembers them (see passages).
    """
    folded = sorted({_words(p) for p in phrases if _words(p)})
    best = None
    for source in sources:
        for position, (is_quote, text, words) in enumerate(passages_of(source.html or "")):
            if not QUOTE_MIN <= len(text) <= QUOTE_MAX:
                continue
            hits = _hits(words, folded)
            if hits == 0:
                # Off-topic passages never stand for a theme, however quotable: a blockquote
                # about executive summaries is no key quote for "Blame culture".
                continue
            rank = (is_quote, source.own, hits, source.strongest, _ordinal(source.date), -position)
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
