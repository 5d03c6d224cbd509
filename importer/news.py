"""Parse a news article copied from a publisher's page into one Post.

Shape: the title first (sometimes printed twice, alone or run together with the standfirst;
the copy is dropped), then the furniture above the article (bylines, picture credits,
captions: `furniture.strip_leading`), then the body, often hard-wrapped at about 70
characters, then the site's furniture, which `furniture.strip_trailing` removes by named
rules. The text carries no date: it comes
from the manifest.
"""

from __future__ import annotations

from datetime import datetime

from .blocks import RawBlock, build_body, is_hard_wrapped, split_blocks
from .furniture import leading_furniture, strip_leading, strip_trailing, top_rule
from .records import Post, Removed, SourceError

DEFAULT_TIME = (9, 0)


def _same(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def _furniture_under(block: RawBlock) -> bool:
    """True when lines under the first one are a byline, credit ... (not a wrapped headline)."""
    rest = RawBlock(block.lines[1:], block.line + 1)
    return bool(strip_leading([rest], block.lines[0])[1])


def parse_news(text: str, name: str, entry: dict) -> list[Post]:
    """Return the one Post in a news article's text; `entry` is its manifest entry."""
    blocks = split_blocks(text.split("\n"))
    if not blocks:
        raise SourceError(name, None, "the file is empty", "put the post's text in it or delete it")
    removed: list[Removed] = []
    # Above the headline: the section trail, share buttons.
    for _ in range(min(leading_furniture(blocks), len(blocks) - 1)):
        block = blocks.pop(0)
        removed.extend(
            Removed(top_rule(line, None), line, block.line + n)
            for n, line in enumerate(block.lines)
        )
    first = blocks.pop(0)
    if is_hard_wrapped(first.lines) and len(first.lines) <= 3 and not _furniture_under(first):
        title = first.text
    else:
        # A long first line is the title; what follows it in the block is body text.
        title = first.lines[0]
        if len(first.lines) > 1:
            blocks.insert(0, RawBlock(first.lines[1:], first.line + 1))
    if blocks and _same(blocks[0].text, title):
        removed.append(Removed("duplicate_title", blocks[0].text, blocks[0].line))
        blocks.pop(0)
    # The end first: its footers and copyright lines get their own rules' names.
    blocks, furniture = strip_trailing(blocks)
    blocks, top = strip_leading(blocks, title)
    removed.extend(top)
    removed.extend(furniture)
    date = entry.get("date")
    if date is None:
        raise SourceError(
            name,
            None,
            "a news article carries no date in its text and manifest.yaml gives none",
            f"add `date: YYYY-MM-DD` under `{name}:` in manifest.yaml "
            "(and `date_estimated: true` if you inferred it)",
        )
    if not isinstance(date, datetime):
        date = datetime(date.year, date.month, date.day, *DEFAULT_TIME)
    return [
        Post(
            title=title,
            date=date,
            body=build_body(blocks),
            category=entry.get("category") or "News",
            source_file=name,
            author=entry.get("author"),
            source=entry.get("source"),
            source_url=entry.get("source_url"),
            date_estimated=bool(entry.get("date_estimated")),
            note=entry.get("note"),
            line=first.line,
            removed=tuple(removed),
        )
    ]
