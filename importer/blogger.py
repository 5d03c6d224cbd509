"""Parse a Blogger archive page (several posts under date lines) into Posts.

Shape of a page: a date line (`Thursday, 26 July 2018`, `Tuesday 27th November 2012` or
Blogger's US form `Thursday, July 26, 2018`), then the post's title (its own paragraph),
then its body. Several posts may share one date line; the page lists each day's posts
newest first. A post's own page is the same with one post, and its comments under
`N comments:` (`NAME said...`, the time, the words) are dropped under `comment_thread`.
A date line of a day that does not exist (`Monday, 31 February 2019`) is an error.

Blogger footer lines are read for their data and then dropped, each under a named rule:
`Posted by NAME at HH:MM` (author and time; `9:30 pm` works too), `Labels: a, b` (tags),
comment counts (`No comments:`, `1 comment:`, `3 comments:`), share buttons (`Email This`,
`BlogThis!`, `Share to Twitter` ...) and page furniture (`Newer Posts`, `Older Posts`,
`Home`, `Subscribe to: Posts (Atom)`). Several of these may share one line.

Where one post ends and the next one of the same day begins:

* Page with Blogger footers: a footer line ends a post, and the next paragraph that is not
  a date line is the next post's title.
* Page without footers: a *mid-day title* is a paragraph that is
  - a single line of at most TITLE_MAX_WORDS words and TITLE_MAX_CHARS characters,
  - starting with a capital letter or digit,
  - not ending in terminal punctuation (`. , ; : ! …`, a quote mark or closing bracket;
    a title may end in `?`),
  - not a bullet item,
  - preceded by at least one body paragraph of the current post, and
  - followed by a body paragraph (one that is not itself title-shaped).
  A one-line sub-heading, or a question to the reader, inside a post has this shape too, so
  `mid_day_signs` reads each such line: after a paragraph ending in a colon, a section
  name (`Conclusion`), a numbered heading (`2. Findings`, `Part two`) or a question to the
  reader (`What do you think?`) it stays in the post; a line in Title Case starts the next
  post; any other line starts the next post too, and the importer says so (file, line, why)
  as a place the text cannot decide. `titles:` for the file in the manifest settles every
  such place: then exactly the listed titles start posts.

Times: a Posted-by time wins. Other posts get DAY_TIME for the last listed post of the
day and one minute more for each post listed above it, so newest-first order is kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date as Date
from datetime import datetime, timedelta

from .blocks import RawBlock, build_body, clean_line, is_bullet
from .records import Post, Removed, SourceError
from .report import Decision

TITLE_MAX_WORDS = 12
TITLE_MAX_CHARS = 90
DAY_TIME = (12, 0)

MONTHS = {
    name: number
    for number, name in enumerate(
        [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ],
        start=1,
    )
}
_WEEKDAYS = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
_MONTH = "|".join(MONTHS)
_ORDINAL = r"(?:st|nd|rd|th)?"
DATE_LINE = re.compile(
    rf"(?P<weekday>{_WEEKDAYS}),?\s+(?:(?P<d1>\d{{1,2}}){_ORDINAL}(?:\s+of)?\s+(?P<m1>{_MONTH}),?"
    rf"\s+(?P<y1>\d{{4}})|(?P<m2>{_MONTH})\s+(?P<d2>\d{{1,2}}){_ORDINAL},?\s+(?P<y2>\d{{4}}))",
    re.I,
)
_TIME = r"(?P<hour>\d{1,2})[:.](?P<minute>\d{2})\s*(?P<ampm>[ap]\.?\s?m\.?)?"
# Comments under a post on the post's own page: "NAME said..." starts each comment.
COMMENT_BY = re.compile(r".{1,80}\ssaid(\.\.\.|…)", re.I)
POSTED_BY = re.compile(rf"Posted by (?P<author>.+?) at {_TIME}", re.I)
LABELS = re.compile(r"Labels:\s*(?P<labels>.+)", re.I)

# Furniture tokens that may appear alone or run together on a line; rule name for each.
_TOKENS = [
    (re.compile(r"No comments:?", re.I), "comment_count"),
    (re.compile(r"\d+ comments?:?", re.I), "comment_count"),
    (re.compile(r"Post a Comment", re.I), "comment_count"),
    (
        re.compile(r"Email This|BlogThis!|Share to (Twitter|Facebook|Pinterest|X)", re.I),
        "share_buttons",
    ),
    (re.compile(r"Newer Posts?|Older Posts?|Home", re.I), "page_navigation"),
    (re.compile(r"Subscribe to:\s*(Posts|Post Comments) \(Atom\)", re.I), "page_navigation"),
]
_TERMINAL = re.compile(r"[.,;:!…\"'“”‘’)\]»]$")
_SEPARATORS = re.compile(r"[\s|·•]+")
POST_FOOTER_RULES = ("posted_by", "labels", "comment_count", "share_buttons")
RULE_NAMES = (
    "date_line",
    "comment_thread",
    "posted_by",
    "labels",
    "comment_count",
    "share_buttons",
    "page_navigation",
)


def _date_parts(match) -> tuple[int, int, int]:
    day = int(match["d1"] or match["d2"])
    month = MONTHS[(match["m1"] or match["m2"]).capitalize()]
    return int(match["y1"] or match["y2"]), month, day


def parse_date_line(line: str) -> Date | None:
    """Return the date of a Blogger date line, or None if the line is not one."""
    match = DATE_LINE.fullmatch(clean_line(line))
    if not match:
        return None
    try:
        return Date(*_date_parts(match))
    except ValueError:
        return None


def impossible_date(line: str) -> str | None:
    """'31 February 2019' when the line is a date line of a day that does not exist, else None."""
    match = DATE_LINE.fullmatch(clean_line(line))
    if not match or parse_date_line(line):
        return None
    year, month, day = _date_parts(match)
    return f"{day} {[*MONTHS][month - 1]} {year}"


_LEADING_SEPARATORS = re.compile(r"[\s|·•]*")


def _strip_tokens(text: str) -> tuple[str, list[str]]:
    """Remove furniture tokens from the start of text repeatedly; return (rest, rule names)."""
    rules = []
    while True:
        # Speed: only the start matters; collapsing separators in the whole (often long)
        # line, as this once did, cost seconds on a 20 MB import.
        text = text[_LEADING_SEPARATORS.match(text).end() :]
        for pattern, rule in _TOKENS:
            match = pattern.match(text)
            if match:
                rules.append(rule)
                text = text[match.end() :]
                break
        else:
            # Without a token the rest is the line itself (only its emptiness is asked).
            return (_SEPARATORS.sub(" ", text).strip() if rules else text), rules


@dataclass
class Footer:
    """What one footer line says."""

    rule: str
    author: str | None = None
    time: tuple[int, int] | None = None
    tags: tuple[str, ...] = ()


def parse_footer_line(line: str) -> Footer | None:
    """Return what a Blogger footer line says, or None if the line is text."""
    line = clean_line(line)
    match = POSTED_BY.match(line)
    if match:
        rest, _ = _strip_tokens(line[match.end() :])
        if rest:
            return None
        hour, minute = int(match["hour"]), int(match["minute"])
        ampm = (match["ampm"] or "").replace(".", "").replace(" ", "").lower()
        if ampm and not 1 <= hour <= 12 or hour > 23 or minute > 59:
            return None
        if ampm == "pm" and hour != 12:
            hour += 12
        elif ampm == "am" and hour == 12:
            hour = 0
        return Footer("posted_by", author=match["author"].strip(), time=(hour, minute))
    match = LABELS.fullmatch(line)
    if match:
        tags = tuple(tag.strip() for tag in match["labels"].split(",") if tag.strip())
        return Footer("labels", tags=tags)
    rest, rules = _strip_tokens(line)
    if rules and not rest:
        post_rules = [rule for rule in rules if rule in POST_FOOTER_RULES]
        return Footer(post_rules[0] if post_rules else rules[0])
    return None


def is_archive_page(text: str) -> bool:
    """True when some line of the text is a Blogger date line (of a real day or not)."""
    return any(DATE_LINE.fullmatch(clean_line(line)) for line in text.split("\n"))


@dataclass
class _Draft:
    date: Date
    day_time: tuple[int, int] | None
    estimated: bool
    title: str
    line: int
    blocks: list[RawBlock] = field(default_factory=list)
    author: str | None = None
    time: tuple[int, int] | None = None
    tags: tuple[str, ...] = ()
    removed: list[Removed] = field(default_factory=list)


def _title_shaped(block: RawBlock) -> bool:
    if len(block.lines) != 1:
        return False
    line = block.lines[0]
    return (
        len(line) <= TITLE_MAX_CHARS
        and len(line.split()) <= TITLE_MAX_WORDS
        and (line[0].isupper() or line[0].isdigit())
        and not _TERMINAL.search(line)
        and not is_bullet(line)
    )


# Sub-heading signs: what makes a title-shaped line part of the post rather than a new post.
SECTION_NAMES = {
    "addendum",
    "afterword",
    "background",
    "conclusion",
    "conclusions",
    "context",
    "discussion",
    "finally",
    "footnote",
    "footnotes",
    "further reading",
    "in conclusion",
    "in summary",
    "introduction",
    "next steps",
    "notes",
    "postscript",
    "references",
    "sources",
    "summary",
    "update",
}
_NUMBERED_HEADING = re.compile(r"(\d{1,2}[.)]|(Part|Section|Chapter|Step)\s+\w+\b)", re.I)
_READER = re.compile(r"\b(you|your|yours|we|us|our|anyone|anybody|everyone)\b", re.I)
_SMALL_WORDS = {"a", "an", "and", "as", "at", "but", "by", "for", "from", "in", "into", "of"}
_SMALL_WORDS |= {"on", "or", "the", "to", "vs", "with", "is", "are", "be", "it", "its", "nor"}


def _title_case(line: str) -> bool:
    words = [w for w in re.findall(r"[^\W\d_][\w'’-]*", line) if w.lower() not in _SMALL_WORDS]
    return len(words) >= 2 and all(word[0].isupper() for word in words)


def mid_day_signs(line: str, previous: RawBlock | None) -> tuple[bool | None, str]:
    """(True: a title, False: a sub-heading, None: cannot tell; why) for a title-shaped line."""
    bare = line.rstrip("?").strip()
    if previous is not None and previous.lines[-1].endswith(":"):
        return False, "the paragraph before it ends with a colon and leads into it"
    if bare.casefold() in SECTION_NAMES:
        return False, f"'{bare}' names a section of a post"
    if _NUMBERED_HEADING.match(line):
        return False, "it is numbered like a section of a post"
    if line.endswith("?") and _READER.search(line):
        return False, "it asks the reader a question"
    if _title_case(line):
        return True, "it is in Title Case, as the blog's post titles are"
    return None, "a short line between paragraphs, with nothing to tell a sub-heading from a title"


def _same(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def _split_mid_day(draft: _Draft, name: str, titles, decide) -> list[_Draft]:
    """Split a draft at mid-day titles (pages without footers; see the module docstring)."""
    drafts = [draft]
    blocks, draft.blocks = draft.blocks, []
    for index, block in enumerate(blocks):
        following = blocks[index + 1] if index + 1 < len(blocks) else None
        current = drafts[-1]
        split = False
        if titles is not None:
            split = (
                bool(current.blocks)
                and len(block.lines) == 1
                and any(_same(block.lines[0], title) for title in titles)
            )
            if split:
                decide(Decision(name, block.line, block.lines[0], "title", "listed under titles:"))
        elif (
            current.blocks
            and _title_shaped(block)
            and following is not None
            and not _title_shaped(following)
        ):
            sign, why = mid_day_signs(block.lines[0], current.blocks[-1])
            split = sign is not False
            decided = "title of the next post" if split else "sub-heading in the post"
            decide(Decision(name, block.line, block.lines[0], decided, why, sign is None))
        if split:
            drafts.append(_Draft(current.date, None, current.estimated, block.lines[0], block.line))
        else:
            current.blocks.append(block)
    return drafts


def parse_archive(text: str, name: str, entry: dict, warn=print, decide=None) -> list[Post]:
    """Return the posts on a Blogger archive page; `entry` is the file's manifest entry.

    DECIDE (a callable) receives a Decision for each title-shaped line inside a day, saying
    whether it started a post and why; where the text could not tell, WARN says so too.
    """
    decisions: list[Decision] = []

    def record(decision: Decision) -> None:
        decisions.append(decision)
        if decide is not None:
            decide(decision)
        if decision.ambiguous:
            warn(
                f"{name}, line {decision.line}: '{decision.text}' could be a sub-heading or "
                f"the next post's title; taken as the {decision.decided} ({decision.why}). "
                f"If that is wrong, list the titles of {name}'s posts under `titles:` for it "
                "in manifest.yaml"
            )

    lines = text.split("\n")
    footers = {n: parse_footer_line(line) for n, line in enumerate(lines, start=1)}
    footers = {n: f for n, f in footers.items() if f}
    has_footers = any(f.rule in POST_FOOTER_RULES for f in footers.values())
    titles = entry.get("titles")

    drafts: list[_Draft] = []
    day: Date | None = None
    estimated = False
    ended = True  # the next paragraph starts a post
    comments = False  # inside the comments under a post (its own page)
    page_removed: list[Removed] = []
    block: list[str] = []
    block_start = 0

    def flush():
        nonlocal block, ended
        if not block:
            return
        raw = RawBlock(tuple(block), block_start)
        block = []
        if day is None:
            raise SourceError(
                name,
                raw.line,
                "text comes before the first date line, so it has no date",
                "put a date line such as 'Thursday, 26 July 2018' above it, or give the file "
                "`date: YYYY-MM-DD` in manifest.yaml",
            )
        if ended:
            if titles is not None and not any(_same(raw.lines[0], t) for t in titles):
                raise SourceError(
                    name,
                    raw.line,
                    f"'{raw.lines[0]}' starts a post (it follows a date line or a post's "
                    f"footer), but the titles listed for {name} in manifest.yaml do not "
                    "include it",
                    "add it to the file's `titles:` list (exactly as it is written here)",
                )
            drafts.append(_Draft(day, None, estimated, raw.lines[0], raw.line))
            drafts[-1].removed.extend(page_removed)
            page_removed.clear()
            if len(raw.lines) > 1:
                drafts[-1].blocks.append(RawBlock(raw.lines[1:], raw.line + 1))
            ended = False
        else:
            drafts[-1].blocks.append(raw)

    # Text above the first date line takes the manifest's date, if the manifest gives one.
    manifest_date = entry.get("date")
    if manifest_date is not None:
        day = manifest_date.date() if isinstance(manifest_date, datetime) else manifest_date
        estimated = bool(entry.get("date_estimated"))

    following = _next_text_lines(lines)
    for number, raw_line in enumerate(lines, start=1):
        line = clean_line(raw_line)
        date = parse_date_line(line)
        if date is None and line and impossible_date(line):
            raise SourceError(
                name,
                number,
                f"'{line}' is a date line, but {impossible_date(line)} does not exist, so "
                "the posts under it have no date",
                "correct the date line to the day the post was published",
            )
        if date is not None:
            flush()
            match = DATE_LINE.fullmatch(line)
            if date.strftime("%A").lower() != match["weekday"].lower():
                warn(
                    f"{name}, line {number}: {date:%-d %B %Y} was a {date:%A}, "
                    f"not a {match['weekday']}; using the date"
                )
            day, estimated, ended, comments = date, False, True, False
            page_removed.append(Removed("date_line", line, number))
        elif comments and line and number not in footers:
            flush()
            drafts[-1].removed.append(Removed("comment_thread", line, number))
        elif number in footers:
            flush()
            footer = footers[number]
            removal = Removed(footer.rule, line, number)
            if footer.rule == "comment_count" and COMMENT_BY.fullmatch(following.get(number, "")):
                comments = bool(drafts)
            elif footer.rule == "page_navigation":
                comments = False
            if drafts:
                target = drafts[-1]
                target.removed.append(removal)
                target.author = footer.author or target.author
                target.time = footer.time or target.time
                target.tags = target.tags + footer.tags
                if footer.rule in POST_FOOTER_RULES:
                    ended = True
            else:
                page_removed.append(removal)
        elif not line:
            flush()
        else:
            if not block:
                block_start = number
            block.append(line)
    flush()
    if not drafts:
        raise SourceError(name, None, "the file is empty", "put the post's text in it or delete it")
    if page_removed:
        drafts[-1].removed.extend(page_removed)
    if not has_footers or titles is not None:
        drafts = [part for draft in drafts for part in _split_mid_day(draft, name, titles, record)]
    if titles is not None:
        found = [draft.title for draft in drafts]
        for title in titles:
            if not any(_same(title, seen) for seen in found):
                raise SourceError(
                    name,
                    None,
                    f"manifest.yaml lists the title '{title}' for it, but no post of the file "
                    "starts with that line",
                    "copy the title exactly as the file writes it, on a line of its own",
                )
    return _posts(drafts, name, entry)


def _next_text_lines(lines: list[str]) -> dict[int, str]:
    """{line number: the next non-blank line after it, cleaned}."""
    result, upcoming = {}, ""
    for number in range(len(lines), 0, -1):
        result[number] = upcoming
        line = clean_line(lines[number - 1])
        if line:
            upcoming = line
    return result


def _posts(drafts: list[_Draft], name: str, entry: dict) -> list[Post]:
    per_day: dict[Date, list[_Draft]] = {}
    for draft in drafts:
        per_day.setdefault(draft.date, []).append(draft)
    posts = []
    for draft in drafts:
        if not draft.blocks:
            raise SourceError(
                name,
                draft.line,
                f"the post '{draft.title}' has a title but no text",
                "add the post's text under its title, or delete the title line",
            )
        same_day = per_day[draft.date]
        later = len(same_day) - 1 - same_day.index(draft)
        hour, minute = draft.time or DAY_TIME
        when = datetime(draft.date.year, draft.date.month, draft.date.day, hour, minute)
        if draft.time is None:
            when += timedelta(minutes=later)
        posts.append(
            Post(
                title=draft.title,
                date=when,
                body=build_body(draft.blocks),
                category=entry.get("category") or "Reflections",
                source_file=name,
                author=draft.author or entry.get("author"),
                tags=tuple(dict.fromkeys(draft.tags)),
                source=entry.get("source"),
                source_url=entry.get("source_url"),
                date_estimated=draft.estimated,
                note=entry.get("note"),
                line=draft.line,
                removed=tuple(draft.removed),
            )
        )
    return posts
