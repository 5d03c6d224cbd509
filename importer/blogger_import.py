"""Plan the files a Blogger export becomes: articles, pages, pictures, comments, notices.

Everything is planned in memory (paths relative to the content folder) and written by the
pipeline's one writer, all or nothing, with its protection of authors' edits.
"""

from __future__ import annotations

import multiprocessing
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from . import images
from .blogger_export import Entry, Export, read_export
from .comments import comments_yaml
from .emit import Tagger, apply_tagger, emit, slugify
from .html_to_markdown import convert_tidied, parse, tidy
from .records import Paragraph, Post

MOVED_FILE = "blogger-moved.txt"
_SLUG = re.compile(r"[a-z0-9][a-z0-9_-]{0,79}")
_BLOGSPOT = re.compile(r"([a-z0-9-]+)\.blogspot\.[a-z]{2,3}(?:\.[a-z]{2})?")
_POST_PATH = re.compile(r"/\d{4}/\d{2}/[^/]+\.html|/p/[^/]+\.html")


@dataclass
class Plan:
    """What the export becomes, and what the import report says about it."""

    files: dict[str, bytes] = field(default_factory=dict)
    posts: dict[str, Post] = field(default_factory=dict)
    report: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    export: Export | None = None


def _slug(entry: Entry, taken: set[str]) -> str:
    base = ""
    if entry.url:
        name = Path(urlsplit(entry.url).path).stem.lower()
        if _SLUG.fullmatch(name):
            base = name
    base = base or slugify(entry.title or "untitled")
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    taken.add(slug)
    return slug


def _blog_names(export: Export) -> set[str]:
    names = set()
    for host in export.blog_hosts:
        match = _BLOGSPOT.fullmatch(host)
        if match:
            names.add(match.group(1))
    return names


def _is_blog_host(host: str, export: Export, names: set[str]) -> bool:
    host = host.lower()
    if host.startswith("www."):
        host = host[4:]
    if host in export.blog_hosts:
        return True
    match = _BLOGSPOT.fullmatch(host)
    # Blogger serves a blog on every country domain (.co.uk, .de, .com.au ...).
    return bool(match) and (match.group(1) in names or not names)


def rewrite_links(soup, targets: dict[str, str], export: Export, names: set[str]):
    """Blogger addresses of the blog's own posts -> {filename} links; returns (made, missing)."""
    made, missing = 0, []
    for anchor in soup.find_all("a", href=True):
        parts = urlsplit(images.absolute(anchor["href"]))
        if parts.scheme not in ("http", "https") or not parts.hostname:
            continue
        if not _is_blog_host(parts.hostname, export, names):
            continue
        if not _POST_PATH.fullmatch(parts.path):
            continue
        target = targets.get(parts.path)
        if target is None:
            missing.append(anchor["href"])
            continue
        anchor["href"] = target + (f"#{parts.fragment}" if parts.fragment else "")
        made += 1
    return made, missing


def plan_blogger(
    export_path,
    out_dir,
    tagger: Tagger | None = None,
    fetcher: images.Fetcher = images.fetch,
    extra_hosts=(),
    site_url: str = "",
    category: str = "Reflections",
    blog_url: str = "",
    now=None,
) -> Plan:
    """Read the export and plan every file it becomes (nothing is written here)."""
    out = Path(out_dir)
    root, articles = out.parent, out.name
    export = read_export(export_path, now=now)
    plan = Plan(export=export)
    if blog_url:
        export.blog_hosts.add(urlsplit(blog_url).hostname or "")
        for entry in export.entries:
            if entry.url and entry.url.startswith("/"):
                entry.url = blog_url.rstrip("/") + entry.url
    elif any(entry.url and entry.url.startswith("/") for entry in export.entries):
        export.notes.append(
            f"{export.path}: the export does not name the blog's address, so old addresses "
            "are kept as paths (/2018/07/slug.html); add --blog-url https://NAME.blogspot.com "
            "to record them in full"
        )
    names = _blog_names(export)
    post_slugs: set[str] = set()
    page_slugs: set[str] = set()
    placed = []
    for entry in sorted(export.entries, key=lambda e: (e.published, e.id)):
        if entry.kind == "page":
            slug = _slug(entry, page_slugs)
            relative = f"pages/{slug}.md"
            folder = f"images/blogger/pages/{slug}"
        else:
            slug = _slug(entry, post_slugs)
            relative = f"{articles}/{entry.published:%Y}/{slug}.md"
            folder = f"images/blogger/{entry.published:%Y}/{slug}"
        placed.append((entry, slug, relative, folder))
    targets = {}
    for entry, _, relative, _ in placed:
        if entry.url:
            targets[urlsplit(entry.url).path] = "{filename}/" + relative

    job = _Job(placed, targets, export, names, root, fetcher, tuple(extra_hosts), tagger)
    job.category, job.site_url = category, site_url
    counts = {"links": 0, "pictures": 0}
    moved = []
    for result in _run(job):
        plan.files.update(result["files"])
        plan.posts[result["relative"]] = result["post"]
        plan.problems.extend(result["problems"])
        counts["links"] += result["links"]
        counts["pictures"] += result["pictures"]
        if result["moved"]:
            moved.append(result["moved"])
    if moved:
        plan.files[MOVED_FILE] = moved_notices(moved).encode("utf-8")
    plan.report = summary(export, plan, counts)
    return plan


@dataclass
class _Job:
    """What converting one entry needs; a forked worker inherits it instead of pickling it."""

    placed: list
    targets: dict
    export: Export
    names: set
    root: Path
    fetcher: images.Fetcher
    extra_hosts: tuple
    tagger: Tagger | None
    category: str = ""
    site_url: str = ""


_JOB: _Job | None = None
# Below this many entries one process is quicker than starting workers.
POOL_MIN = 200


def _run(job: _Job):
    """Convert every placed entry, in order; on two or more cores, in forked workers."""
    global _JOB
    count = len(job.placed)
    workers = min(os.cpu_count() or 1, 4)
    if count < POOL_MIN or workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        _JOB = job
        try:
            yield from (_convert(index) for index in range(count))
        finally:
            _JOB = None
        return
    _JOB = job
    try:
        context = multiprocessing.get_context("fork")
        with context.Pool(workers) as pool:
            yield from pool.imap(_convert, range(count), chunksize=25)
    finally:
        _JOB = None


def _convert(index: int) -> dict:
    """One entry -> its article or page, pictures, comments file and report lines."""
    job = _JOB
    entry, slug, relative, folder = job.placed[index]
    problems = []
    html = entry.html or ""
    if job.export.convert_line_breaks:
        # Blogger showed every newline of such a post as a line break; HTML would not.
        html = html.replace("\r\n", "\n").replace("\n", "<br />")
    soup = tidy(parse(html))
    made, missing = rewrite_links(soup, job.targets, job.export, job.names)
    for href in missing:
        problems.append(
            f"{relative}: links to {href}, a post that is not in the export; link kept as it is"
        )

    def existing(path):
        target = job.root / path
        return target.read_bytes() if target.is_file() else None

    files, failures, missing_alt = images.localise(
        soup, folder, job.fetcher, existing, job.extra_hosts
    )
    pictures = len(files)
    for failure in failures:
        problems.append(
            f"{relative}: picture {failure.url} not downloaded ({failure.reason}); "
            "the post shows a note with its address instead"
        )
    for problem in missing_alt:
        problems.append(
            f"{relative}: picture {problem.url} has no alt text; describe it in the post "
            "(![what it shows](...)) for readers who cannot see it"
        )
    modified = entry.updated if entry.updated and entry.updated > entry.published else None
    post = Post(
        title=entry.title or "Untitled",
        date=entry.published,
        body=(Paragraph(convert_tidied(soup)),),
        category=job.category if entry.kind == "post" else "",
        source_file=str(job.export.path),
        author=entry.author,
        tags=entry.labels if entry.kind == "post" else (),
        line=entry.line,
        markup="html",
        status="draft" if entry.draft else None,
        modified=modified,
        original_url=entry.url if not entry.draft else None,
    )
    if entry.kind == "post":
        post = apply_tagger(post, job.tagger)
    files[relative] = emit(post, slug).encode("utf-8")
    thread = job.export.comments.get(entry.id)
    if thread:
        stem = relative[: -len(".md")]
        files[f"{stem}.comments.yaml"] = comments_yaml(post.title, thread).encode()
    moved = None
    if post.original_url:
        new = (
            f"{entry.published:%Y}/{entry.published:%m}/{slug}/"
            if entry.kind == "post"
            else f"{slug}/"
        )
        moved = (post.original_url, f"{job.site_url.rstrip('/')}/{new}", post.title)
    return {
        "relative": relative,
        "files": files,
        "post": post,
        "problems": problems,
        "links": made,
        "pictures": pictures,
        "moved": moved,
    }


def moved_notices(moved) -> str:
    """Per post, the "This post has moved" text to paste into the old post on Blogger."""
    lines = [
        "# Blogger cannot send readers to another site: paste each notice into its old post",
        "# (Blogger's post editor, HTML view), replacing or above the old text.",
        "",
    ]
    for old, new, title in sorted(moved):
        lines += [
            f"== {old}  ({title})",
            f'<p>This post has moved to <a href="{new}">{new}</a>.</p>',
            "",
        ]
    return "\n".join(lines)


def summary(export: Export, plan: Plan, counts) -> list[str]:
    """The import report's lines for one export."""
    posts = [e for e in export.entries if e.kind == "post"]
    pages = [e for e in export.entries if e.kind == "page"]
    comments = sum(len(v) for v in export.comments.values())
    skipped = ", ".join(f"{n} {kind}" for kind, n in sorted(export.skipped.items())) or "none"
    lines = [
        f"Blogger export {export.path}",
        f"  posts: {len(posts)} ({sum(e.draft for e in posts)} draft or scheduled)",
        f"  pages: {len(pages)} ({sum(e.draft for e in pages)} draft)",
        f"  comments: {comments} on {len(export.comments)} post(s)",
        f"  skipped: {skipped}",
        f"  links between posts made {{filename}} links: {counts['links']}",
        f"  pictures downloaded: {counts['pictures']}",
    ]
    for text in export.recovered:
        lines.append(f"  recovered: {text}")
    for text in export.notes:
        lines.append(f"  note: {text}")
    for text in plan.problems:
        lines.append(f"  problem: {text}")
    return lines
