"""Read Blogger's own export, streamed: the Atom backup and Google Takeout's feed.atom.

Two shapes of the same thing:
- Settings › Back up content: one Atom file; each entry's kind is a category
  (`…/blogger/2008/kind#post|page|comment|settings|template`), drafts carry `app:draft`.
- Google Takeout: `Takeout/Blogger/Blogs/<blog name>/feed.atom`, the 2018 schema: each entry
  says `blogger:type` (POST, PAGE, COMMENT), `blogger:status` (LIVE, DRAFT, SCHEDULED,
  DELETED …), `blogger:filename` (/2018/07/slug.html) and, for a comment, `blogger:parent`.
  The other files of the blog's folder (settings.csv, theme-*.html) and Albums/ are not read.
An entry without either is classified from its id, its links and its fields, never a crash.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from lxml import etree

from .records import SourceError

ATOM = "{http://www.w3.org/2005/Atom}"
B2018 = "{http://schemas.google.com/blogger/2018}"
THR = "{http://purl.org/syndication/thread/1.0}"
APP = ("{http://purl.org/atom/app#}", "{http://www.w3.org/2007/app}", "app:")
KIND_SCHEME = "http://schemas.google.com/g/2005#kind"
KIND_PREFIX = "http://schemas.google.com/blogger/2008/kind#"
DRAFT_STATUSES = {"DRAFT", "SCHEDULED", "SCHEDULED_TO_PUBLISH", "PENDING"}
TRASHED_STATUSES = {"DELETED", "SOFT_TRASHED", "TRASHED", "SPAM", "REMOVED"}
SUPPORTED = (
    "Blogger's export: the .xml file that Blogger's Settings › Back up content downloads, "
    "or the feed.atom in Google Takeout's Blogger/Blogs/<blog name>/ folder (or a folder "
    "that holds one); and pasted text posts (*.txt)"
)


@dataclass
class Entry:
    """One post or page of the export, as Blogger gave it."""

    id: str
    kind: str  # "post" or "page"
    title: str
    html: str
    published: datetime
    updated: datetime | None
    author: str | None
    labels: tuple[str, ...]
    draft: bool
    url: str | None  # the post's address on Blogger
    line: int


@dataclass
class Comment:
    """A reader's comment: name, date and text (Blogger's HTML); never an e-mail address."""

    id: str
    parent: str
    name: str
    date: datetime
    html: str


@dataclass
class Export:
    """Everything read from one export file."""

    path: Path
    entries: list[Entry] = field(default_factory=list)
    comments: dict[str, list[Comment]] = field(default_factory=dict)
    skipped: Counter = field(default_factory=Counter)
    recovered: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    blog_hosts: set[str] = field(default_factory=set)
    comment_ids: set[str] = field(default_factory=set)
    # Blogger's "Convert line breaks" setting: a newline in a post is a line break.
    convert_line_breaks: bool = False


def sniff(path: Path) -> str | None:
    """Which format a file is, from its first bytes: blogger, wxr, rss, atom or None."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(32768).decode("utf-8", "replace")
    except OSError:
        return None
    match = re.search(r"<(?![?!])([A-Za-z_][\w.:-]*)", head)
    if not match:
        return None
    root = match.group(1).rsplit(":", 1)[-1]
    if root == "feed":
        blogger = (
            "schemas.google.com/blogger" in head
            or "tag:blogger.com," in head
            or re.search(r"<generator[^>]*>\s*Blogger", head)
        )
        return "blogger" if blogger else "atom"
    if root == "rss":
        return "wxr" if "wordpress.org/export" in head else "rss"
    if root == "RDF":
        return "rss"
    return None


def unsupported(path: Path, kind: str) -> SourceError:
    """The error for another platform's export or a plain feed."""
    what = {
        "wxr": "a WordPress export (WXR)",
        "rss": "an RSS feed",
        "atom": "an Atom feed that is not a Blogger export (a feed holds only recent posts)",
    }[kind]
    return SourceError(
        path, None, f"this is {what}, which the importer does not read", f"give it {SUPPORTED}"
    )


def find_export(source) -> Path | None:
    """The Blogger export SOURCE names or holds; None if it holds none (text sources)."""
    source = Path(source)
    if source.is_file():
        kind = sniff(source)
        if kind == "blogger":
            return source
        if kind:
            raise unsupported(source, kind)
        if source.suffix.lower() in (".xml", ".atom"):
            raise SourceError(
                source, None, "this is not an export the importer knows", f"give it {SUPPORTED}"
            )
        return None
    if not source.is_dir():
        return None
    found, others = [], []
    for path in sorted(source.rglob("*")):
        if path.suffix.lower() not in (".xml", ".atom") or not path.is_file():
            continue
        kind = sniff(path)
        if kind == "blogger":
            found.append(path)
        elif kind:
            others.append((path, kind))
    if len(found) > 1:
        names = ", ".join(str(p) for p in found)
        raise SourceError(
            source,
            None,
            f"it holds {len(found)} Blogger exports ({names})",
            "import one blog at a time: give the path of one of them",
        )
    if found:
        return found[0]
    if others and not any(source.glob("*.txt")):
        raise unsupported(*others[0])
    return None


def _text(element, name) -> str:
    child = element.find(name)
    return (child.text or "").strip() if child is not None else ""


def _date(text: str, path, line) -> datetime:
    try:
        value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise SourceError(
            path,
            line,
            f"the entry's date '{text}' is not an ISO date",
            "check that the file is an unedited Blogger export",
        ) from None
    # Minutes are what the blog shows; seconds would only make re-imports differ.
    return value.replace(second=0, microsecond=0)


def _app(entry, name):
    for prefix in APP:
        for element in entry.iter(f"{prefix}{name}"):
            return (element.text or "").strip()
    return None


def _kind(entry) -> tuple[str, str]:
    """(kind, why): post, page, comment, template, settings or unknown."""
    for category in entry.findall(f"{ATOM}category"):
        if category.get("scheme") == KIND_SCHEME:
            term = category.get("term", "")
            if term.startswith(KIND_PREFIX):
                return term[len(KIND_PREFIX) :], "kind"
    kind = _text(entry, f"{B2018}type").lower()
    if kind in ("post", "page", "comment"):
        return kind, "blogger:type"
    ident = _text(entry, f"{ATOM}id")
    if entry.find(f"{THR}in-reply-to") is not None or entry.find(f"{B2018}parent") is not None:
        return "comment", "in-reply-to"
    if ident.endswith(".layout") or ".template" in ident:
        return "template", "id"
    if ".settings." in ident:
        return "settings", "id"
    if re.search(r"\.page-\d+$", ident):
        return "page", "id"
    for link in entry.findall(f"{ATOM}link"):
        if link.get("rel") == "alternate":
            path = urlsplit(link.get("href", "")).path
            if path.startswith("/p/"):
                return "page", "address"
            if re.match(r"/\d{4}/\d{2}/", path):
                return "post", "address"
    filename = _text(entry, f"{B2018}filename")
    if filename.startswith("/p/"):
        return "page", "blogger:filename"
    if re.search(r"\.post-\d+$", ident) or filename:
        return "post", "id"
    if entry.find(f"{ATOM}content") is not None and _text(entry, f"{ATOM}title"):
        return "post", "fields"
    return "unknown", "nothing"


def _address(entry, hosts) -> str | None:
    for link in entry.findall(f"{ATOM}link"):
        if link.get("rel") == "alternate" and link.get("type", "text/html") == "text/html":
            href = (link.get("href") or "").strip()
            if href:
                return href
    filename = _text(entry, f"{B2018}filename")
    if filename and hosts:
        return f"https://{sorted(hosts)[0]}{filename}"
    # Takeout's feed may not name the blog: the old path alone still makes redirects.
    return filename or None


def _strict_errors(log) -> tuple[list, list]:
    """(fatal, recovered) entries of lxml's error log."""
    fatal, recovered = [], []
    for error in log:
        (fatal if error.level_name == "FATAL" else recovered).append(error)
    return fatal, recovered


def read_export(path, now: datetime | None = None) -> Export:
    """Read one export as a stream; raise SourceError if it is not well-formed enough to read."""
    path = Path(path)
    export = Export(path=path)
    now = now or datetime.now(UTC)
    raw_comments: list[Comment] = []
    context = etree.iterparse(
        str(path),
        events=("end",),
        tag=(f"{ATOM}entry", f"{ATOM}link"),
        recover=True,
        huge_tree=True,
        resolve_entities=False,
        no_network=True,
    )
    try:
        for _event, element in context:
            if element.tag == f"{ATOM}link":
                parent = element.getparent()
                feed = parent is not None and parent.tag == f"{ATOM}feed"
                if feed and element.get("rel") == "alternate":
                    host = urlsplit(element.get("href", "")).hostname
                    if host:
                        export.blog_hosts.add(host)
                continue
            _entry(element, export, raw_comments, now)
            element.clear(keep_tail=True)
            parent = element.getparent()
            while parent is not None and element.getprevious() is not None:
                del parent[0]
    except etree.XMLSyntaxError as error:
        line, column = error.position
        raise SourceError(
            path,
            line,
            f"column {column}: the file cannot be read as XML ({error.msg})",
            "download the export again; do not edit it by hand",
        ) from None
    fatal, recovered = _strict_errors(context.error_log)
    if fatal:
        error = fatal[0]
        raise SourceError(
            path,
            error.line,
            f"column {error.column}: the export is cut short or unbalanced ({error.message}); "
            "nothing was imported",
            "download the export again (the file may be incomplete); do not edit it by hand",
        )
    if not export.entries and not raw_comments and not export.skipped:
        raise SourceError(
            path, None, "the file holds no entries", "check that it is a complete Blogger export"
        )
    grouped = Counter(error.message.strip() for error in recovered)
    for message, count in sorted(grouped.items()):
        first = next(e for e in recovered if e.message.strip() == message)
        export.recovered.append(
            f"{path}, line {first.line}: {message} ({count} time{'s' if count > 1 else ''}); "
            "read as if it were declared"
        )
    _attach_comments(export, raw_comments)
    return export


def _entry(element, export: Export, raw_comments: list, now: datetime) -> None:
    path, line = export.path, element.sourceline
    kind, why = _kind(element)
    ident = _text(element, f"{ATOM}id")
    status = _text(element, f"{B2018}status").upper()
    if kind == "settings" and ident.endswith(".settings.BLOG_CONVERT_LINE_BREAKS"):
        export.convert_line_breaks = _text(element, f"{ATOM}content").lower() == "true"
    if kind in ("template", "settings", "unknown"):
        export.skipped[kind] += 1
        if kind == "unknown":
            export.notes.append(
                f"{path}, line {line}: an entry ({ident or 'no id'}) that is neither a post, "
                "a page nor a comment was skipped"
            )
        return
    if status in TRASHED_STATUSES or _text(element, f"{B2018}trashed"):
        export.skipped[f"{kind} (deleted on Blogger)"] += 1
        return
    if why not in ("kind", "blogger:type"):
        export.notes.append(
            f"{path}, line {line}: the entry {ident or '(no id)'} says not what it is; "
            f"read as a {kind} from its {why}"
        )
    published = _text(element, f"{ATOM}published") or _text(element, f"{B2018}created")
    if not published:
        published = _text(element, f"{ATOM}updated")
    if not published:
        export.skipped[f"{kind} without a date"] += 1
        export.notes.append(
            f"{path}, line {line}: the {kind} {ident or '(no id)'} has no date, so it was "
            "skipped; check that the export is complete"
        )
        return
    author = element.find(f"{ATOM}author")
    name = _text(author, f"{ATOM}name") if author is not None else ""
    html = _text(element, f"{ATOM}content") or _text(element, f"{ATOM}summary")
    if kind == "comment":
        parent = ""
        reply = element.find(f"{THR}in-reply-to")
        if reply is not None:
            parent = reply.get("ref", "")
        parent = _text(element, f"{B2018}parent") or parent
        export.comment_ids.add(ident)
        raw_comments.append(
            Comment(ident, parent, name or "Anonymous", _date(published, path, line), html)
        )
        return
    updated = _text(element, f"{ATOM}updated")
    date = _date(published, path, line)
    labels = tuple(
        " ".join(c.get("term", "").split())
        for c in element.findall(f"{ATOM}category")
        if c.get("scheme") != KIND_SCHEME and c.get("term", "").strip()
    )
    draft = (_app(element, "draft") or "").lower() == "yes" or status in DRAFT_STATUSES
    if date > now:
        draft = True  # scheduled: Blogger would publish it later
    url = _address(element, export.blog_hosts)
    if url and not draft:
        host = urlsplit(url).hostname
        if host:
            export.blog_hosts.add(host)
    export.entries.append(
        Entry(
            id=ident,
            kind=kind,
            title=" ".join(_text(element, f"{ATOM}title").split()),
            html=html,
            published=date,
            updated=_date(updated, path, line) if updated else None,
            author=" ".join(name.split()) or None,
            labels=tuple(dict.fromkeys(labels)),
            draft=draft,
            url=url,
            line=line,
        )
    )


def _attach_comments(export: Export, comments: list[Comment]) -> None:
    posts = {entry.id for entry in export.entries}
    by_id = {comment.id: comment for comment in comments}
    for comment in comments:
        parent, seen = comment.parent, set()
        while parent in by_id and parent not in seen:  # a reply to a reply
            seen.add(parent)
            parent = by_id[parent].parent
        if parent not in posts:
            # Takeout gives the bare number; the backup the whole tag.
            parent = next((p for p in posts if p.endswith(f"post-{parent}")), parent)
        if parent in posts:
            export.comments.setdefault(parent, []).append(comment)
        else:
            export.skipped["comment on a post not in the export"] += 1
    for thread in export.comments.values():
        thread.sort(key=lambda c: (c.date, c.id))
