"""Named rules for the site furniture at the end of news pages (menus, footers, credits).

Rules only ever look at the trailing region of a page: `strip_trailing` walks back from
the last block and removes one block at a time while a rule matches it, and stops at the
first block no rule claims. Text above that point is never touched, so a sentence in the
article that happens to look like furniture is kept.
"""

from __future__ import annotations

import re

from .blocks import RawBlock
from .records import Removed

_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}\b")

# name -> (what it removes, test on the block's lines)
RULES = {
    "comments_closed": (
        "'Comments are closed.' under the article",
        lambda lines: len(lines) == 1 and re.fullmatch(r"Comments (are|is) closed\.?", lines[0]),
    ),
    "more_from": (
        "a 'More from <publisher>' link to the publisher's other articles",
        lambda lines: (
            len(lines) == 1
            and re.fullmatch(r"More (from|stories from|articles from) [^.!?]{1,60}", lines[0])
        ),
    ),
    "publisher_footer": (
        "the publisher's footer: tagline, postal address, 'Tel:' and 'Contact Us'",
        lambda lines: (
            any(
                re.match(r"(Tel|Telephone|Phone|Fax)\b\s*[:.]", line)
                or re.search(r"\bContact Us\s*$", line)
                or re.search(r"\bRegistered (in|office)\b", line)
                for line in lines
            )
            or (any(_POSTCODE.search(line) for line in lines) and len(lines) <= 6)
        ),
    ),
    "design_credits": (
        "'website design by ...' and similar credits for the site's makers",
        lambda lines: any(
            re.search(
                r"\b(web ?site|web|site)\s+(design|designed|development|built)\s+by\b", line, re.I
            )
            or re.search(r"\bpowered by\b", line, re.I)
            for line in lines
        ),
    ),
    "copyright": (
        "copyright lines",
        lambda lines: all(
            re.match(r"(©|\(c\)|copyright\b)", line, re.I) or "all rights reserved" in line.lower()
            for line in lines
        ),
    ),
}

RELATED_HEADING = re.compile(
    r"(Related (articles|stories|posts|content|links)|Read more|You may also like|"
    r"More on this (story|topic))\s*:?",
    re.I,
)
RELATED_RULE = "related_articles"
RULE_NAMES = (*RULES, RELATED_RULE)


def _link_like(block: RawBlock) -> bool:
    # An article link in a 'Related articles' list: one short line.
    return (
        len(block.lines) == 1 and len(block.lines[0]) <= 120 and len(block.lines[0].split()) <= 16
    )


def strip_trailing(blocks: list[RawBlock]) -> tuple[list[RawBlock], list[Removed]]:
    """Remove furniture blocks from the end; return (kept blocks, removals with rule names)."""
    end = len(blocks)
    removed: list[Removed] = []
    while end > 0:
        block = blocks[end - 1]
        rule = next((name for name, (_, test) in RULES.items() if test(block.lines)), None)
        if rule:
            removed.insert(0, Removed(rule, "\n".join(block.lines), block.line))
            end -= 1
            continue
        start = end - 1
        while start >= 0 and _link_like(blocks[start]) and not _is_heading(blocks[start]):
            start -= 1
        if start >= 0 and _is_heading(blocks[start]):
            for item in reversed(blocks[start:end]):
                removed.insert(0, Removed(RELATED_RULE, "\n".join(item.lines), item.line))
            end = start
            continue
        break
    return blocks[:end], removed


def _is_heading(block: RawBlock) -> bool:
    return len(block.lines) == 1 and bool(RELATED_HEADING.fullmatch(block.lines[0]))
