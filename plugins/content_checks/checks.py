"""Checks across all posts: clashing URLs, broken {filename} links, theme names, style warnings.

The core is plain functions over `Post` records, so the build plugin and `make check`
(scripts/check_content.py) report the same problems in the same words.
"""

from __future__ import annotations

import datetime
import difflib
import hashlib
import html
import os
import posixpath
import re
from collections import defaultdict
from dataclasses import dataclass, field
from html.parser import HTMLParser

from plugins.author_errors import AuthorMessage
from plugins.author_text import numbered_matches
from plugins.settings_table import Setting, SettingsTable, boolean, number_between, whole

ERROR = "error"
WARNING = "warning"

# Every CONTENT_CHECKS_* setting, in one table.
TABLE = SettingsTable(
    "content_checks",
    ("CONTENT_CHECKS_",),
    [
        Setting(
            "CONTENT_CHECKS_TITLE_MAX",
            100,
            whole(1),
            "the longest title without a warning, a whole number of characters",
        ),
        Setting(
            "CONTENT_CHECKS_WARN_NO_THEMES",
            True,
            boolean,
            "True or False (True warns about an article that no theme was found for)",
        ),
        Setting(
            "CONTENT_CHECKS_TAG_CUTOFF",
            0.85,
            number_between(0, 1),
            "how alike a tag and a theme's name must be for the 'looks like the theme' warning, "
            "a number from 0 to 1",
        ),
    ],
)
DEFAULTS = TABLE.defaults

_INTERNAL_LINK = re.compile(r"[{|](filename|static|attach)[}|]([^\s\"'<>)\]#?]+)")
_TAG = re.compile(r"<[^>]+>")
_FIELD = re.compile(r"([A-Za-z_][\w-]*)\s*:")


@dataclass(frozen=True)
class Problem(AuthorMessage):
    """One thing wrong with one file: where, what, how to fix it, and whether it stops the build."""

    path: str
    line: int | None
    severity: str
    problem: str
    fix: str
    entry: str | None = None  # where in the file, when a table entry says it better than a line

    @classmethod
    def from_error(cls, error, severity="error"):
        """The AuthorError ERROR as a Problem of SEVERITY, worded the same."""
        return cls(error.path, error.line, severity, error.problem, error.fix, error.entry)


@dataclass
class Post:
    """What the checks need to know about one article or page."""

    path: str  # as shown to the author
    relpath: str  # relative to the content folder, '/'-separated, as {filename} links use
    source_text: str
    title: str = ""
    slug: str = ""
    url: str = ""
    save_as: str = ""
    status: str = "published"
    kind: str = "article"
    summary: str | None = None  # only a summary written in the front matter
    body_html: str = ""
    tags: list = field(default_factory=list)
    themes_exclude: list = field(default_factory=list)
    themes: list | None = None  # theme slugs the themes plugin found; None when it did not run
    date: datetime.datetime | None = None


def _lines(text):
    """TEXT's lines, one at a time (what text.split("\n") gives, without splitting it all)."""
    start = 0
    while (end := text.find("\n", start)) != -1:
        yield text[start:end]
        start = end + 1
    yield text[start:]


def field_line(source_text, name, default=2):
    """The file line of front-matter field NAME (line 2 when absent: the first field line)."""
    # Speed (bench/): the lines of the front matter only, not a split copy of the whole post
    # for each field asked about. A "\r" left before a "\n" ends a line, which strip() and
    # _FIELD (a name then ":") read as they read the line without it.
    lines = _lines(source_text)
    if next(lines).strip() != "---":
        return None
    for number, line in enumerate(lines, start=2):
        if line.strip() in ("---", "..."):
            break
        match = _FIELD.match(line)
        if match and match.group(1).lower() == name:
            return number
    return default


def body_links(source_text):
    """Yield (line, kind, target) for every {filename}/{static}/{attach} link in the text."""
    # Speed (bench/size.py, a 10 MB post): one search of the whole text, not one per line; a
    # link never spans a line break, so it finds what a search of each line finds.
    text = source_text.replace("\r\n", "\n")
    for number, match in numbered_matches(_INTERNAL_LINK, text):
        yield number, match.group(1), match.group(2)


def resolve_link(post_relpath, target):
    """The content-relative path a {filename} TARGET names from the post at POST_RELPATH."""
    target = target.split("#", 1)[0].split("?", 1)[0]
    if target.startswith("/"):
        return posixpath.normpath(target.lstrip("/"))
    return posixpath.normpath(posixpath.join(posixpath.dirname(post_relpath), target))


def plain_text(fragment):
    """HTML or Markdown-ish text as plain words on one line."""
    return " ".join(html.unescape(_TAG.sub(" ", fragment or "")).split())


def summary_cut_mid_word(summary, body_html):
    """True when SUMMARY is the start of the body and stops inside a word of it."""
    text = plain_text(summary).rstrip(".…").rstrip()
    body = plain_text(body_html)
    if len(text) < 10:
        return False
    tail = text[-40:]
    at = body.find(tail)
    if at < 0:
        return False
    end = at + len(tail)
    return end < len(body) and text[-1].isalnum() and body[end].isalnum()


def check_duplicates(posts):
    """Errors for posts that would be written to the same file or share a slug."""
    from plugins.safe_paths import same_file

    problems = []
    posts = sorted(posts, key=lambda p: p.path)  # the same report from build and check
    # Identical paths here, with the line to change; the build's path check (safe_paths)
    # also stops on paths that differ only by case or Unicode form, by the same test.
    earlier = {id(later): first for first, later in same_file(posts, key=str)}
    first_by_slug = {}
    for post in posts:
        line = field_line(post.source_text, "slug", default=None) or field_line(
            post.source_text, "title"
        )
        other = earlier.get(id(post), post)
        if other is not post:
            problems.append(
                Problem(
                    post.path,
                    line,
                    ERROR,
                    f"this {post.kind} has the same URL '{post.url}' as {other.path}",
                    "Give one of them a different 'slug:' in its front matter (or a different "
                    "title), so each has its own address",
                )
            )
            continue
        key = (post.kind, post.slug)
        other = first_by_slug.setdefault(key, post) if post.slug else post
        if other is not post:
            problems.append(
                Problem(
                    post.path,
                    line,
                    ERROR,
                    f"this {post.kind} has the same slug '{post.slug}' as {other.path}",
                    "Give one of them a different 'slug:' in its front matter, so links and "
                    "tag pages cannot confuse them",
                )
            )
    return problems


def _per_text(memo, function, text):
    """FUNCTION(TEXT) as a tuple, worked out once per text while MEMO (a dict) is kept."""
    if memo is None:
        return tuple(function(text))
    # By a digest of the text: the memo holds no post's text (memory at 10,000 posts).
    key = (function.__name__, hashlib.blake2b(text.encode("utf-8", "surrogatepass")).digest())
    found = memo.get(key)
    if found is None:
        found = memo[key] = tuple(function(text))
    return found


def check_links(posts, content_files, memo=None):
    """Errors for {filename} links to files that do not exist; warnings for links to drafts."""
    problems = []
    by_relpath = {post.relpath: post for post in posts}
    candidates = sorted(content_files)
    for post in posts:
        for line, kind, target in _per_text(memo, body_links, post.source_text):
            resolved = resolve_link(post.relpath, target)
            if resolved not in content_files:
                near = _nearest_file(resolved, post.relpath, candidates)
                hint = f"Did you mean '{{{kind}}}{near}'? " if near else ""
                problems.append(
                    Problem(
                        post.path,
                        line,
                        ERROR,
                        f"the link '{{{kind}}}{target}' points to '{resolved}', which does not "
                        "exist in the content folder",
                        f"{hint}Paths after {{{kind}}} are relative to this file's folder, or "
                        "to the content folder when they start with '/'",
                    )
                )
                continue
            linked = by_relpath.get(resolved)
            if (
                linked
                and linked.kind == "article"
                and post.status != "draft"
                and is_scheduled(linked.date)
                and not is_scheduled(post.date)
            ):
                problems.append(
                    Problem(
                        post.path,
                        line,
                        WARNING,
                        f"the link '{{{kind}}}{target}' points to a post scheduled for "
                        f"{linked.date.strftime('%-d %B %Y')}, which `make publish` leaves out "
                        "until then, so the link would lead nowhere",
                        "Remove the link until that date, or date this post on or after it",
                    )
                )
                continue
            if linked and linked.status == "draft" and post.status == "published":
                problems.append(
                    Problem(
                        post.path,
                        line,
                        WARNING,
                        f"the link '{{{kind}}}{target}' points to a draft, which is not published",
                        f"Publish '{linked.path}' (status: published) or remove the link",
                    )
                )
    return problems


def _stem(path):
    return posixpath.splitext(posixpath.basename(path))[0]


def _nearest_file(missing, from_relpath, candidates):
    """The existing file whose name is nearest MISSING's, written as a link from FROM_RELPATH."""
    by_name = defaultdict(list)
    for candidate in candidates:
        by_name[_stem(candidate)].append(candidate)
    near = difflib.get_close_matches(_stem(missing), list(by_name), n=1, cutoff=0.6)
    if not near:
        return None
    folder = posixpath.dirname(from_relpath)
    paths = sorted(by_name[near[0]], key=lambda c: (posixpath.dirname(c) != folder, c))
    relative = posixpath.relpath(paths[0], folder or ".")
    return "/" + paths[0] if relative.startswith("..") else relative


def _shown(vocabulary):
    path = getattr(vocabulary, "path", "") or "content/themes.yaml"
    relative = posixpath.relpath(os.path.abspath(path)) if os.path.isabs(path) else path
    return path if relative.startswith("..") else relative


def _suggest(word, choices):
    near = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.5)
    return near[0] if near else None


def check_theme_names(posts, vocabulary, tag_cutoff=DEFAULTS["CONTENT_CHECKS_TAG_CUTOFF"]):
    """Errors for themes_exclude entries that are not theme slugs; warnings for near-miss tags.

    Tags are the author's own free labels, so a tag that names no theme is fine; only a tag
    that is a near miss of a theme's name (a likely typo) earns a warning.
    """
    if vocabulary is None:
        return []
    problems = []
    slugs = [theme.slug for theme in vocabulary]
    labels = {}
    for theme in vocabulary:
        for label in theme.labels:
            labels.setdefault(label.lower(), theme)
    near_misses = {}  # tag -> its closest theme label or None; the same tags recur in many posts
    for post in posts:
        line = field_line(post.source_text, "themes_exclude")
        for entry in post.themes_exclude:
            if entry in slugs:
                continue
            named = vocabulary.lookup(entry)
            if named is not None:
                fix = f"Write the theme's slug '{named.slug}' instead of its name"
            else:
                near = _suggest(entry.lower(), slugs)
                listed = f"The themes are listed in {_shown(vocabulary)}"
                fix = (
                    f"Did you mean '{near}'? {listed}" if near else f"{listed}: {', '.join(slugs)}"
                )
            problems.append(
                Problem(
                    post.path,
                    line,
                    ERROR,
                    f"'themes_exclude' lists '{entry}', which is not a theme",
                    fix,
                )
            )
        line = field_line(post.source_text, "tags")
        for tag in post.tags:
            if vocabulary.lookup(tag) is not None:
                continue
            if tag not in near_misses:
                near = difflib.get_close_matches(tag.lower(), list(labels), n=1, cutoff=tag_cutoff)
                near_misses[tag] = near[0] if near else None
            if near_misses[tag] is not None:
                theme = labels[near_misses[tag]]
                problems.append(
                    Problem(
                        post.path,
                        line,
                        WARNING,
                        f"the tag '{tag}' looks like the theme '{theme.name}' but does not "
                        "match it",
                        f"If you meant that theme, write the tag as '{theme.name}'; if it is "
                        "a different subject, leave it",
                    )
                )
    return problems


def check_style(posts, settings=None):
    """Warnings that do not stop a build: no themes, a very long title, a summary cut mid-word."""
    settings = {**DEFAULTS, **(settings or {})}
    title_max = settings["CONTENT_CHECKS_TITLE_MAX"]
    problems = []
    for post in posts:
        if len(post.title) > title_max:
            problems.append(
                Problem(
                    post.path,
                    field_line(post.source_text, "title"),
                    WARNING,
                    f"the title is {len(post.title)} characters long (more than {title_max})",
                    "Shorten it: long titles wrap badly in lists and are cut off in feeds and "
                    "search results",
                )
            )
        if post.summary and summary_cut_mid_word(post.summary, post.body_html):
            problems.append(
                Problem(
                    post.path,
                    field_line(post.source_text, "summary"),
                    WARNING,
                    "the summary stops in the middle of a word",
                    "End the summary at the end of a word or sentence, or remove the 'summary:' "
                    "line to let the blog take the first words of the post",
                )
            )
        if (
            settings["CONTENT_CHECKS_WARN_NO_THEMES"]
            and post.kind == "article"
            and post.themes is not None
            and not post.themes
        ):
            problems.append(
                Problem(
                    post.path,
                    None,
                    WARNING,
                    "no theme was found for this post, so no topic page lists it",
                    "Add a tag that names a theme (see content/themes.yaml), or use words "
                    "the theme's phrases list",
                )
            )
    return problems


# Python-Markdown syntax the blog's Markdown (markdown-it, plugins/yaml_metadata/engine.py)
# does not read, so it would show on the page as typed: (what it is, the pattern of a line).
_OLD_MARKDOWN = (
    ("an attribute list", re.compile(r"\{:?\s*[#.][\w-][^{}\n]*\}\s*$|^\s*\{:[^{}\n]*\}\s*$")),
    ("an abbreviation", re.compile(r"^\*\[[^\]\n]+\]:")),
    ("a table of contents marker", re.compile(r"^\s*\[TOC\]\s*$")),
    ('Markdown inside HTML (markdown="1")', re.compile(r"<[a-zA-Z][^>\n]*\smarkdown=[\"']")),
)
_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
# Text every line that opens or closes a fence, or that one of _OLD_MARKDOWN finds, holds.
_NOTABLE = re.compile(r"```|~~~|\{|\*\[|\[TOC\]|markdown=")


def _notable_lines(lines, first):
    """Indexes of LINES from FIRST on that hold _NOTABLE text, in order."""
    # Speed (bench/size.py, a 10 MB post): one search of the text, not four per line. Any
    # other line is neither a fence nor old syntax, and leaves the fence as it was.
    notable = []
    for index, _match in numbered_matches(_NOTABLE, "\n".join(lines[first:]), first):
        if not notable or notable[-1] != index:
            notable.append(index)
    return notable


def old_markdown_lines(source_text):
    """[(file line, what)] for Python-Markdown syntax in a post's body, outside code."""
    lines = source_text.replace("\r\n", "\n").split("\n")
    body, found, fence = 0, [], None  # body: index of the first line after the front matter
    if lines and lines[0].strip() == "---":  # the front matter is YAML, not Markdown
        ends = (i for i, line in enumerate(lines[1:], 1) if line.strip() in ("---", "..."))
        body = next(ends, len(lines) - 1) + 1
    for index in _notable_lines(lines, body):
        number, line = index + 1, lines[index]
        opened = _FENCE.match(line)
        if fence:
            if opened and opened.group(1)[0] == fence[0] and len(opened.group(1)) >= len(fence):
                fence = None
            continue
        if opened:
            fence = opened.group(1)
            continue
        if line.startswith(("    ", "\t")):  # indented code (or a continued list item)
            continue
        for what, pattern in _OLD_MARKDOWN:
            if pattern.search(line):
                found.append((number, what))
                break
    return found


def check_old_markdown(posts, memo=None):
    """Warnings for Python-Markdown syntax the blog's Markdown shows as typed."""
    problems = []
    for post in posts:
        if not post.path.endswith(".md"):
            continue
        for line, what in _per_text(memo, old_markdown_lines, post.source_text):
            problems.append(
                Problem(
                    post.path,
                    line,
                    WARNING,
                    f"this line has {what} in Python-Markdown's syntax, which the blog's "
                    "Markdown does not read: it shows on the page as typed",
                    'Remove it, or write that part in HTML (see "What Markdown does here" in '
                    "README.md)",
                )
            )
    return problems


# "<img" in any case: what `"<img" in html.lower()` finds, without a lower-case copy of the
# post (no other character lowers to i, m or g: tests/authoring/test_checks_reference.py).
_IMG = re.compile("<[iI][mM][gG]")


class _Images(HTMLParser):
    """The src and alt of every <img> in a fragment of HTML."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            values = dict(attrs)
            self.found.append((values.get("src") or "", values.get("alt")))

    handle_startendtag = handle_starttag


def images_without_alt(body_html):
    """The src of each image in BODY_HTML that has no alt text (none, or only spaces)."""
    if not _IMG.search(body_html or ""):
        return []
    parser = _Images()
    parser.feed(body_html)
    parser.close()
    return [src for src, alt in parser.found if not (alt or "").strip()]


def _image_line(source_text, src):
    """The line of SOURCE_TEXT that holds the image SRC (None when it cannot be found)."""
    lines = source_text.replace("\r\n", "\n").split("\n")
    for wanted in (src, posixpath.basename(src)):
        if not wanted:
            continue
        for number, line in enumerate(lines, start=1):
            if wanted in line and ("![" in line or "<img" in line.lower() or "]:" in line):
                return number
    return None


def check_image_alt(posts):
    """Warnings for images without alt text: screen readers and text-only readers get nothing."""
    # A warning, not an error: posts imported from Blogger often have pictures without it, and
    # the blog should still build while the author describes them one by one.
    problems = []
    for post in posts:
        for src in images_without_alt(post.body_html):
            shown = src if len(src) <= 80 else src[:77] + "..."
            problems.append(
                Problem(
                    post.path,
                    _image_line(post.source_text, src),
                    WARNING,
                    f"the image '{shown}' has no alt text, so a reader who cannot see it is "
                    "told nothing",
                    "Describe the picture between the square brackets, e.g. "
                    "![Two social workers talking in a kitchen]({static}/images/kitchen.jpg)",
                )
            )
    return problems


def check_posts(posts, content_files, vocabulary=None, settings=None, style=True, memo=None):
    """Every cross-post problem, errors and warnings, in file order (STYLE: the warnings
    that need detected themes too; MEMO: a dict kept from one call to the next, so that what
    depends on a post's text alone is worked out once for the two checks of a build)."""
    settings = {**DEFAULTS, **(settings or {})}
    problems = [
        *check_duplicates(posts),
        *check_links(posts, content_files, memo),
        *check_private_links(posts),
        *check_image_alt(posts),
        *check_old_markdown(posts, memo),
        *check_theme_names(posts, vocabulary, settings["CONTENT_CHECKS_TAG_CUTOFF"]),
        *(check_style(posts, settings) if style else []),
    ]
    return sorted(problems, key=lambda p: (p.path, p.line or 0, p.severity))


def group_by_state(problems):
    """Split PROBLEMS into (errors, warnings)."""
    grouped = defaultdict(list)
    for problem in problems:
        grouped[problem.severity].append(problem)
    return grouped[ERROR], grouped[WARNING]


# Every attribute a browser follows or loads as an address (formaction, <object data> ...),
# with its value in any quoting. The lookahead only spares the regex engine trying the names
# at every word (same matches).
_URL_NAMES = (
    "href|src|srcset|imagesrcset|action|formaction|poster|data|cite|background|ping|"
    "xlink:href|longdesc|manifest|codebase|icon|lowsrc|dynsrc"
)
_URL_ATTRIBUTE = re.compile(
    rf"""(?=[hsapfdcbxlmiHSAPFDCBXLMI])(?<![\w:.-])(?:{_URL_NAMES})\s*=\s*"""
    r"""(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))""",
    re.I,
)
# Names that only resolve inside someone's own network.
_PRIVATE_SUFFIXES = (".localhost", ".local", ".internal", ".intranet", ".lan", ".home.arpa")
_PRIVATE_SUFFIXES += (".corp",)
_IPV4_PART = re.compile(r"0[xX][0-9a-fA-F]*|0[0-7]*|[1-9][0-9]*")


def _ipv4_part(text):
    if text[:2].lower() == "0x":
        return int(text[2:] or "0", 16)
    return int(text, 8) if text.startswith("0") else int(text)


def ipv4_number(host):
    """HOST as a browser reads an IPv4 address, or None: browsers (and inet_aton) accept one to
    four parts in decimal, octal (leading 0) or hex (0x), the last filling the remaining bytes:
    '127.1', '10.1', '192.168.1', '0x7f.1', '2130706433' and '0177.0.0.1' are all addresses."""
    parts = host.split(".")
    if parts and parts[-1] == "":
        parts.pop()
    if not 1 <= len(parts) <= 4 or not all(_IPV4_PART.fullmatch(part) for part in parts):
        return None
    numbers = [_ipv4_part(part) for part in parts]
    *leading, last = numbers
    if any(n > 255 for n in leading) or last >= 256 ** (5 - len(numbers)):
        return None
    value = last
    for index, number in enumerate(leading):
        value += number << (8 * (3 - index))
    return value


# Speed (bench/): what _URL_ATTRIBUTE.finditer finds, found from each "=" of the text (a scan
# in C) instead of trying the names at every letter: a match is a whole run of name characters
# (nothing of [\w:.-] before it, whitespace or "=" after it) that is one of the names, then the
# value. re.IGNORECASE also takes these four non-ASCII letters for ASCII ones.
_URL_NAME_SET = frozenset(_URL_NAMES.split("|"))
_NAME_FOLDS = (("\u0130", "i"), ("\u0131", "i"), ("\u017f", "s"), ("\u212a", "k"))
_URL_VALUE = re.compile(r"""\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))""")


def _name_char(char):
    return char.isalnum() or char in "_:.-"


def _url_attributes(text):
    """(name as written, value) of each match of _URL_ATTRIBUTE in TEXT, in order."""
    done = 0  # where the last match ended: matches never overlap
    at = text.find("=")
    while at != -1:
        end = at
        while end > done and text[end - 1].isspace():
            end -= 1
        start = end
        while start > done and _name_char(text[start - 1]):
            start -= 1
        name = text[start:end]
        # A whole run: one that began in the last match's value (scanning stopped there) or
        # right after a name character is not a name.
        if end > start and (start == 0 or not _name_char(text[start - 1])):
            folded = name
            for old, new in _NAME_FOLDS:
                folded = folded.replace(old, new)
            value = _URL_VALUE.match(text, end) if folded.lower() in _URL_NAME_SET else None
            if value:
                yield name, next(group for group in value.groups() if group is not None)
                done = value.end()
                at = text.find("=", done)
                continue
        at = text.find("=", at + 1)


def urls_in(fragment):
    """Every address in the URL-valued attributes of FRAGMENT (each srcset candidate too)."""
    for name, value in _url_attributes(fragment or ""):
        if name.lower().endswith("srcset"):
            yield from (c.split()[0] for c in value.split(",") if c.split())
        else:
            yield value


def private_address(url):
    """Why URL points into a private network or the reader's own disk, or None if it does not."""
    import ipaddress
    from urllib.parse import urlsplit

    url = html.unescape(url).strip()
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").rstrip(".").lower()
    except ValueError:
        return None
    if parts.scheme.lower() == "file":
        return "a file on the reader's own computer (file:)"
    if parts.scheme.lower() not in ("http", "https", "ftp", "ws", "wss") or not host:
        return None
    number = ipv4_number(host)
    try:
        address = ipaddress.ip_address(number if number is not None else host)
    except ValueError:
        if host == "localhost" or host.endswith(_PRIVATE_SUFFIXES) or "." not in host:
            return f"'{host}', a name only a private network knows"
        return None
    if getattr(address, "ipv4_mapped", None):
        address = address.ipv4_mapped
    if not address.is_global or address.is_multicast:
        shown = host if str(address) == host else f"{host} ({address})"
        return f"{shown}, an address on a private network"
    return None


def check_private_links(posts):
    """Errors for links and images that point into a private network or to file: addresses."""
    problems = []
    verdicts = {}  # url -> private_address(url): the same topic and post links recur in every post
    for post in posts:
        for url in dict.fromkeys(urls_in(post.body_html)):
            if url not in verdicts:
                verdicts[url] = private_address(url)
            why = verdicts[url]
            if why is None:
                continue
            line = next(
                (n for n, text in enumerate(post.source_text.split("\n"), 1) if url in text), None
            )
            problems.append(
                Problem(
                    post.path,
                    line,
                    ERROR,
                    f"the link '{url}' points to {why}, which readers cannot reach",
                    "Link to a public web address (https://...) or remove the link",
                )
            )
    return problems


def is_scheduled(date, now=None):
    """True when DATE (a post's date) is later than NOW (default: this moment)."""
    if date is None:
        return False
    if now is None:
        now = datetime.datetime.now(datetime.UTC if date.tzinfo else None)
    elif (now.tzinfo is None) != (date.tzinfo is None):
        now = now.replace(tzinfo=None) if date.tzinfo is None else now.astimezone()
    return date > now


def scheduled_posts(posts, now=None, date_format="%-d %B %Y %H:%M"):
    """Lines for the published articles dated after NOW, which `make publish` leaves out."""
    lines = []
    later = [
        post
        for post in posts
        if post.kind == "article" and post.status != "draft" and is_scheduled(post.date, now)
    ]
    for post in sorted(later, key=lambda p: (p.date, p.path)):
        where = f"{post.path}, line {field_line(post.source_text, 'date')}"
        lines.append(
            f"{where}: '{post.title}' is scheduled for {post.date.strftime(date_format)}. "
            "Local previews show it; `make publish` leaves it out until that date."
        )
    return lines
