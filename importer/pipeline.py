"""Import every source file: read and check all of them, then write all articles or none."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .blogger import is_archive_page, parse_archive
from .blogger_export import find_export
from .blogger_import import plan_blogger
from .decode import decode
from .emit import Tagger, apply_tagger, emit, slugify
from .manifest import load_manifest
from .news import parse_news
from .records import Post, SourceError

STATE_FILE = ".import-state.json"


class ImportFailed(Exception):
    """Some source files cannot be imported; nothing was written."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("\n".join(errors))


@dataclass
class Report:
    """What an import did, for the CLI to print and tests to check."""

    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    posts: dict[str, Post] = field(default_factory=dict)
    # Set by the Blogger import: paths are relative to `root` (the content folder), not OUT.
    root: str | None = None
    summary: list[str] = field(default_factory=list)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_sources(sources_dir, notes=None) -> list[Post]:
    """Parse every *.txt in sources_dir (with its manifest); raise ImportFailed on any error."""
    sources = Path(sources_dir)
    notes = notes if notes is not None else []
    if not sources.is_dir():
        raise ImportFailed(
            [f"{sources}: no such folder. Fix: give the folder that holds the *.txt sources."]
        )
    files = sorted(path.name for path in sources.glob("*.txt"))
    if not files:
        raise ImportFailed(
            [f"{sources}: holds no *.txt files. Fix: put the raw posts there as .txt files."]
        )
    errors: list[str] = []
    try:
        manifest = load_manifest(sources, files)
    except SourceError as error:
        raise ImportFailed([str(error)]) from None
    posts: list[Post] = []
    for name in files:
        path = sources / name
        try:
            try:
                data = path.read_bytes()
            except OSError as error:
                raise SourceError(
                    path,
                    None,
                    f"cannot read the file ({error.strerror})",
                    "check that it exists and you may read it",
                ) from None
            text, encoding = decode(data, path)
            if encoding not in ("utf-8", "utf-8-sig"):
                notes.append(f"{path}: decoded as {encoding} (not UTF-8)")
            if not text.strip():
                raise SourceError(
                    path, None, "the file is empty", "put the post's text in it or delete it"
                )
            entry = manifest.get(name, {})
            if is_archive_page(text):
                found = parse_archive(text, name, entry, warn=notes.append)
            else:
                found = parse_news(text, name, entry)
            posts.extend(found)
        except SourceError as error:
            message = str(error)
            if not message.startswith(str(path)):
                message = str(sources / message)
            errors.append(message)
    if errors:
        raise ImportFailed(errors)
    return posts


def assign_slugs(posts: list[Post]) -> list[tuple[str, Post]]:
    """Return (slug, post) pairs; a repeated slug gets -2, -3 ... in date order."""
    order = sorted(posts, key=lambda p: (p.date, p.title, p.source_file, p.line))
    taken: set[str] = set()
    result = []
    for post in order:
        base = slugify(post.title)
        slug, number = base, 2
        while slug in taken:
            slug, number = f"{base}-{number}", number + 1
        taken.add(slug)
        result.append((slug, post))
    return result


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _load_state(out: Path) -> dict[str, str]:
    path = out / STATE_FILE
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return {str(k): str(v) for k, v in data.get("files", {}).items()}
    except (ValueError, AttributeError, OSError):
        # A damaged state file only costs protection of imported files: treat as unknown.
        return {}


def import_sources(
    sources_dir, out_dir, force=False, tagger: Tagger | None = None, **blogger
) -> Report:
    """Import SOURCES into OUT; never overwrite an author's edit unless force is true.

    SOURCES is told apart by its content: a Blogger export (a file, or a folder that holds
    one) or a folder of pasted text posts. Keyword arguments are the Blogger importer's
    (site_url, extra_hosts, fetcher ...); a text import has no use for them.
    """
    try:
        export = find_export(sources_dir)
    except SourceError as error:
        raise ImportFailed([str(error)]) from None
    if export is not None:
        return _import_blogger(export, out_dir, force, tagger, **blogger)
    report = Report()
    posts = read_sources(sources_dir, report.notes)
    out = Path(out_dir)
    planned: dict[str, bytes] = {}
    for slug, post in assign_slugs(posts):
        post = apply_tagger(post, tagger)
        relative = f"{post.date:%Y}/{slug}.md"
        planned[relative] = emit(post, slug).encode("utf-8")
        report.posts[relative] = post
    write_planned(out, planned, report, force)
    return report


def _import_blogger(export, out_dir, force, tagger, **options) -> Report:
    report = Report()
    out = Path(out_dir)
    try:
        plan = plan_blogger(export, out, tagger=tagger, **options)
    except SourceError as error:
        raise ImportFailed([str(error)]) from None
    report.root = str(out.parent)
    report.posts = plan.posts
    report.summary = plan.report
    write_planned(out.parent, plan.files, report, force)
    return report


def write_planned(out: Path, planned: dict[str, bytes], report: Report, force=False) -> None:
    """Write PLANNED (paths relative to OUT) with the import state's protection of edits."""
    state = _load_state(out)
    new_state = dict(state)
    for relative in sorted(planned):
        data, path = planned[relative], out / relative
        if not path.exists() and relative in state and not force:
            report.skipped.append((relative, "deleted since it was imported"))
            continue
        if path.exists():
            current = path.read_bytes()
            if current == data:
                report.unchanged.append(relative)
                new_state[relative] = _sha(data)
                continue
            recorded = state.get(relative)
            if not force and recorded != _sha(current):
                reason = (
                    "edited since it was imported (it differs from what the importer wrote)"
                    if recorded
                    else "it exists but the importer did not write it"
                )
                report.skipped.append((relative, reason))
                continue
        _write_atomic(path, data)
        report.written.append(relative)
        new_state[relative] = _sha(data)
    stale = sorted(set(state) - set(planned))
    for relative in stale:
        if (out / relative).exists():
            report.notes.append(
                f"{out / relative}: no source post produces it any more; left in place"
            )
    if new_state != state or not (out / STATE_FILE).exists():
        text = json.dumps({"files": dict(sorted(new_state.items()))}, indent=2) + "\n"
        _write_atomic(out / STATE_FILE, text.encode("utf-8"))
