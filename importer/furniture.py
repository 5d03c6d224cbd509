"""Named rules for the site furniture around a news article (menus, footers, credits).

End: `strip_trailing` walks back from the last block and removes one block at a time while
a rule matches it, and stops at the first block no rule claims; a comment thread (a comment
heading followed by comments: names, times, 'Reply') is cut from its heading to the end
first. Text above that point is never touched, so a sentence in the article that happens to
look like furniture is kept.

Top: `strip_leading` looks only at the lines above the article's prose (TOP_PROSE_BLOCKS
paragraphs of TOP_PROSE_WORDS words or more that no rule claims) and removes the lines a
rule claims there: the headline printed again (alone or run together with the standfirst),
bylines and dates, picture credits, captions and alt text marked as such, share buttons,
reading times and breadcrumbs. Every other line there (a standfirst) is kept.
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

_SHORT = 16  # words: a link, a button or a label, not a sentence of the article


def _short(line: str) -> bool:
    return len(line) <= 120 and len(line.split()) <= _SHORT


def _all_short(lines, pattern) -> bool:
    return all(_short(line) and pattern.fullmatch(line) for line in lines)


_SHARE = re.compile(
    r"((Share|Tweet|Email|Print|Save|Copy link|Facebook|Twitter|X|LinkedIn|WhatsApp|Reddit|"
    r"Pinterest|Share this( article| story| page)?|Share (on|to|via) \w+|Like this|Share this:)"
    r"[\s|·•,:]*)+",
    re.I,
)
_TAGS = re.compile(r"(Tags|Tagged|Topics|Filed under|Categories|Posted in)\s*:?\s+\S.*", re.I)
_NEWSLETTER = re.compile(
    r"(Sign up|Subscribe|Register)\b.{0,80}\b(newsletter|bulletin|updates|email|alerts)\b.*", re.I
)
_ADVERT = re.compile(r"(Advertisement|Advert|Sponsored|Skip advert|Story continues below)", re.I)
_FULL_STORY = re.compile(
    r"((Read|See|View) (the )?)?full (story|article)\b.{0,80}|Continue reading.{0,80}", re.I
)

RULES.update(
    {
        "share_buttons": (
            "share, print and e-mail buttons ('Share this article', 'Tweet', 'Email')",
            lambda lines: _all_short(lines, _SHARE),
        ),
        "tags_line": (
            "the publisher's topic labels ('Tags: ...', 'Filed under ...')",
            lambda lines: _all_short(lines, _TAGS),
        ),
        "newsletter": (
            "a newsletter sign-up ('Sign up to our daily bulletin')",
            lambda lines: len(lines) <= 3 and _NEWSLETTER.match(lines[0]) and _short(lines[0]),
        ),
        "advertisement": (
            "an 'Advertisement' label where an advert was",
            lambda lines: _all_short(lines, _ADVERT),
        ),
        "full_story": (
            "'Full story' and 'Continue reading' links to the publisher's page",
            lambda lines: _all_short(lines, _FULL_STORY),
        ),
    }
)

RELATED_HEADING = re.compile(
    r"(Related( (articles|stories|posts|content|links|reading|coverage|topics))?|Read more|"
    r"You may also like|More on this (story|topic)|Most (read|popular|viewed)|Recommended|"
    r"Trending|Latest (news|stories)|More (news|stories)|Also in this section|Read next)\s*:?",
    re.I,
)
RELATED_RULE = "related_articles"

COMMENT_HEADING = re.compile(
    r"((\d+|No|One)\s+)?(Comments?|Responses?|Replies|Reader comments|Reactions)"
    r"(\s*\(\d+\))?\s*:?"
    r"|(\d+|No|One) (comments?|responses?|replies|thoughts) (on|to) .{1,150}"
    r"|(Leave|Post|Add|Write|Submit) (a|your) (comment|reply|response).{0,40}"
    r"|Join the (conversation|discussion|debate).{0,40}"
    r"|Have your say.{0,40}",
    re.I,
)
# What only comments have: who wrote them, when, and the buttons under each.
_COMMENT_MARK = re.compile(
    r".{1,80}\s(says|said|wrote)(:|\.\.\.|…)"
    r"|(Reply|Report|Like|Flag|Delete|Quote|Report abuse|Reply to this comment)"
    r"|.{0,40}\d{1,2}[:.]\d{2}\s*([ap]\.?m\.?)?"
    r"|\d+ (minutes?|hours?|days?|weeks?|months?|years?) ago",
    re.I,
)
COMMENT_RULE = "comment_thread"
RULE_NAMES = (*RULES, RELATED_RULE, COMMENT_RULE)


def _link_like(block: RawBlock) -> bool:
    # An item of a 'Related articles' list: a headline, perhaps with a date or a line of
    # introduction under it.
    return len(block.lines) <= 3 and all(_short(line) for line in block.lines)


def _comment_thread_start(blocks: list[RawBlock]) -> int | None:
    """Index of the block where a comment thread starts (heading + comments), or None."""
    for index in range(len(blocks) - 1, -1, -1):
        first = blocks[index].lines[0]
        if not (_short(first) and COMMENT_HEADING.fullmatch(first)):
            continue
        rest = [line for block in blocks[index:] for line in block.lines][1:]
        if not rest or any(_short(line) and _COMMENT_MARK.fullmatch(line) for line in rest):
            return index
    return None


def strip_trailing(blocks: list[RawBlock]) -> tuple[list[RawBlock], list[Removed]]:
    """Remove furniture blocks from the end; return (kept blocks, removals with rule names)."""
    end = len(blocks)
    removed: list[Removed] = []
    thread = _comment_thread_start(blocks)
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
        if start >= 0 and _is_heading(blocks[start]) and start > 0:
            for item in reversed(blocks[start:end]):
                removed.insert(0, Removed(RELATED_RULE, "\n".join(item.lines), item.line))
            end = start
            continue
        if thread is not None and 0 < thread < end:
            comments = [
                Removed(COMMENT_RULE, line, item.line + offset)
                for item in blocks[thread:end]
                for offset, line in enumerate(item.lines)
            ]
            removed[:0] = comments
            end, thread = thread, None
            continue
        break
    return blocks[:end], removed


def _is_heading(block: RawBlock) -> bool:
    # The heading alone, or with the list's items under it in the same block.
    return (
        bool(RELATED_HEADING.fullmatch(block.lines[0]))
        and _link_like(RawBlock(block.lines[1:4], block.line))
        and len(block.lines) <= 40
        and all(_short(line) for line in block.lines)
    )


# --- The top of the page ---------------------------------------------------------------

TOP_PROSE_BLOCKS = 2  # the top ends at the second paragraph of prose no rule claims
TOP_PROSE_WORDS = 20
_MONTH = (
    r"(Jan(uary)?|Feb(ruary)?|Mar(ch)?|Apr(il)?|May|June?|July?|Aug(ust)?|Sep(t(ember)?)?|"
    r"Oct(ober)?|Nov(ember)?|Dec(ember)?)"
)
_DAY = r"((Mon|Tue|Tues|Wed|Thu|Thur|Thurs|Fri|Sat|Sun)(day|sday|nesday|rsday|urday)?,?\s+)?"
_DATE = (
    rf"{_DAY}(\d{{1,2}}(st|nd|rd|th)?\s+{_MONTH},?\s+\d{{4}}|{_MONTH}\s+\d{{1,2}}(st|nd|rd|th)?,?"
    r"\s+\d{4}|\d{1,2}/\d{1,2}/\d{2,4}|\d{4}-\d{2}-\d{2})"
)
_TIME = r"((,|\s+at|\s+-|\s+–)?\s+\d{1,2}[:.]\d{2}\s*([ap]\.?m\.?)?(\s+(GMT|BST|UTC))?)?"
_NAME = r"[A-Z][\w'’.-]*(\s+(?:[A-Z][\w'’.-]*|and|&|de|van|von|der))*"
_ROLE = r"(correspondent|editor|reporter|journalist|writer|columnist|contributor)"
BYLINE = re.compile(
    rf"[Bb]y:?\s+{_NAME}(\s*(,|\||·|–|-|\bon\b|\bin\b)\s*.{{0,100}})?"
    rf"|(Published|Posted|Updated|Last updated|First published|Written|Date)\b.{{0,100}}"
    rf"|{_DATE}{_TIME}"
    rf"|{_NAME}\s*(\||·|–|-)\s*{_DATE}.{{0,40}}"
    rf"|([A-Z][\w'’-]*\s+)?([\w'’-]+\s+){{0,3}}{_ROLE}(\s*(,|\||at|for)\s*.{{1,50}})?",
)
_CREDIT_LABEL = (
    r"(Photo(graph)?s?|Pictures?|Pic|Images?|Illustrations?|Credit|Photo credit|Image credit|"
    r"Image source|Main image|Top image|Source)"
)
CREDIT = re.compile(rf"{_CREDIT_LABEL}\s*[:,–-]\s*\S.{{0,100}}|©.{{1,80}}", re.I)
_AGENCY = re.compile(
    r"(Getty|Alamy|Shutterstock|Reuters|PA\b|PA Wire|AP\b|AFP|iStock|Fotolia|Unsplash|"
    r"Rex Features|Stock|©|/)",
    re.I,
)
CAPTION_LABEL = re.compile(r"Image caption\s*,?\s*(?P<rest>.*)", re.I)
CAPTION_WITH_CREDIT = re.compile(
    rf".{{3,200}}?(\(\s*{_CREDIT_LABEL}\s*:?[^)]{{1,60}}\)|{_CREDIT_LABEL}\s*:\s*[^.]{{1,60}}"
    r"|/\s*(Getty Images|Alamy|Shutterstock|PA( Wire)?|Reuters|AP|iStock\w*|Fotolia))\s*\.?",
    re.I,
)
ALT = re.compile(
    r"(\[)?(Image|Picture|Photo|Photograph|Illustration|Stock image|Stock photo|Graphic)"
    r"( of| shows| showing|:)\s.{1,150}",
    re.I,
)
READING = re.compile(
    r"\d+\s*(min|mins|minutes?)( read)?|Reading time\s*:?.{0,20}|Listen( to this article)?"
    r"(\s*[·|:–-]?\s*\d+\s*(min|mins|minutes?))?|Save( article)?|Print( this page)?",
    re.I,
)
BREADCRUMBS = re.compile(r"[^>›»|/]{1,40}(\s*[>›»|/]\s*[^>›»|/]{1,40}){1,6}")
RUN_ON_BYLINE = re.compile(rf"(?<=[.!?…”’\")a-z])\s*(?P<byline>[Bb]y:?\s+{_NAME}.{{0,100}})$")

TOP_RULES = {
    "duplicate_title": "the headline printed again, alone or run together with the standfirst",
    "byline": "the byline and the date line ('By Jane Smith, 12 March 2009')",
    "picture_credit": "picture credits ('Photo: Getty Images', 'Image source, PA')",
    "caption": "picture captions marked as such, or ending in their credit",
    "image_alt": "a picture's alt text ('Image: a social worker at her desk')",
    "share_buttons": RULES["share_buttons"][0],
    "reading_time": "'5 min read', 'Listen to this article', 'Save' and similar",
    "breadcrumbs": "the section trail ('Home > News > Children')",
}
RULE_NAMES = (*RULE_NAMES, *(name for name in TOP_RULES if name not in RULE_NAMES))


def top_rule(line: str, following: str | None) -> str | None:
    """The top rule that claims a whole line, or None."""
    if not _short(line) and not CAPTION_WITH_CREDIT.fullmatch(line):
        return None
    if CAPTION_LABEL.fullmatch(line):
        return "caption"
    if CREDIT.fullmatch(line):
        label = re.split(r"[:,–-]", line, maxsplit=1)[-1]
        return "picture_credit" if _AGENCY.search(label) or len(label.split()) <= 4 else "image_alt"
    if ALT.fullmatch(line):
        return "image_alt"
    if BYLINE.fullmatch(line) and not line.endswith((".", "!", "?")):
        return "byline"
    if _SHARE.fullmatch(line):
        return "share_buttons"
    if READING.fullmatch(line):
        return "reading_time"
    if BREADCRUMBS.fullmatch(line) and (
        line.startswith("Home") or line.count(">") + line.count("›") >= 1
    ):
        return "breadcrumbs"
    if len(line) <= 300 and CAPTION_WITH_CREDIT.fullmatch(line):
        return "caption"
    # Alt text copied without a label sits right above the picture's caption or credit.
    if (
        following is not None
        and not _ends_sentence(line)
        and _short(line)
        and (
            CREDIT.fullmatch(following)
            or CAPTION_LABEL.fullmatch(following)
            or CAPTION_WITH_CREDIT.fullmatch(following)
        )
    ):
        return "image_alt"
    return None


def _ends_sentence(line: str) -> bool:
    return bool(re.search(r"[.!?…:;][\"'”’)\]]*$", line))


def _same(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def leading_furniture(blocks: list[RawBlock]) -> int:
    """How many whole blocks at the very top (above the headline) rules claim: breadcrumbs..."""
    count = 0
    for block in blocks:
        if not all(
            top_rule(line, None) in ("breadcrumbs", "share_buttons", "reading_time")
            for line in block.lines
        ):
            break
        count += 1
    return count


def strip_leading(blocks: list[RawBlock], title: str) -> tuple[list[RawBlock], list[Removed]]:
    """Remove furniture lines above the article's prose; return (kept blocks, removals)."""
    lines = [
        (line, block.line + n, index)
        for index, block in enumerate(blocks)
        for n, line in enumerate(block.lines)
    ]
    removed: list[Removed] = []
    kept: dict[int, list[tuple[str, int]]] = {}
    prose = 0
    caption_next = False
    folded_title = " ".join(title.split()).casefold()
    position = 0
    words: dict[int, int] = {}
    while position < len(lines):
        line, number, index = lines[position]
        following = lines[position + 1][0] if position + 1 < len(lines) else None
        position += 1
        if words.get(index - 1, 0) >= TOP_PROSE_WORDS and index not in words:
            prose += 1
        words.setdefault(index, 0)
        if prose >= TOP_PROSE_BLOCKS:
            kept.setdefault(index, []).append((line, number))
            continue
        if caption_next:
            caption_next = False
            removed.append(Removed("caption", line, number))
            continue
        if _same(line, title):
            removed.append(Removed("duplicate_title", line, number))
            continue
        if line.casefold().startswith(folded_title) and len(line) > len(title):
            # Headline and standfirst run together: the headline goes, the rest stays.
            removed.append(Removed("duplicate_title", line[: len(title)], number))
            line = line[len(title) :].strip()
        rule = top_rule(line, following)
        if (
            rule == "caption"
            and CAPTION_LABEL.fullmatch(line)
            and not CAPTION_LABEL.fullmatch(line)["rest"]
        ):
            caption_next = True
        if rule:
            removed.append(Removed(rule, line, number))
            continue
        run_on = RUN_ON_BYLINE.search(line)
        if run_on and _short(run_on["byline"]):
            removed.append(Removed("byline", run_on["byline"], number))
            line = line[: run_on.start()].rstrip()
        words[index] += len(line.split())
        kept.setdefault(index, []).append((line, number))
    result = [
        RawBlock(tuple(line for line, _ in kept[index]), kept[index][0][1])
        for index in sorted(kept)
    ]
    return result, removed
