"""Import every source file: read and check all of them, then write all articles or none."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from plugins.safe_paths.tree import unsafe_files

from .blogger import is_archive_page, parse_archive
from .blogger_export import find_export
from .blogger_import import plan_blogger
from .decode import decode
from .emit import Tagger, apply_tagger, emit, slugify
from .manifest import load_manifest
from .news import parse_news
from .records import Post, SourceError
from .report import Decision

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
    decisions: list[Decision] = field(default_factory=list)
    # Set by the Blogger import: paths are relative to `root` (the content folder), not OUT.
    root: str | None = None
    summary: list[str] = field(default_factory=list)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_sources(sources_dir, notes=None, decisions=None) -> list[Post]:
    """Parse every *.txt in sources_dir (with its manifest); raise ImportFailed on any error.

    NOTES gets what the import should say; DECISIONS where a line could start a post.
    """
    sources = Path(sources_dir)
    notes = notes if notes is not None else []
    decisions = decisions if decisions is not None else []
    if not sources.is_dir():
        raise ImportFailed(
            [f"{sources}: no such folder. Fix: give the folder that holds the *.txt sources."]
        )
    # A source linked to a file outside the folder (/etc/passwd), or a FIFO, is never read.
    unsafe = unsafe_files(sources)
    if unsafe:
        raise ImportFailed([str(finding) for finding in unsafe])
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
                found = parse_archive(text, name, entry, warn=notes.append, decide=decisions.append)
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


def post_key(post: Post) -> str:
    """What names a post across imports: its title's slug, day and source file (not its text)."""
    return f"{slugify(post.title)}@{post.date:%Y-%m-%d}@{post.source_file}"


def assign_slugs(
    posts: list[Post], owners: dict[str, str] | None = None, notes: list[str] | None = None
) -> list[tuple[str, Post]]:
    """Return (slug, post) pairs; a repeated slug gets -2, -3 ... in date order.

    OWNERS ({article path: post_key} from the last import) keeps each post that was imported
    before at its address, so a new post with the same title never takes an existing post's
    address (its text would move under the old address); the new post gets the next free
    suffix and NOTES says so.
    """
    order = sorted(posts, key=lambda p: (p.date, p.title, p.source_file, p.line))
    kept: dict[int, str] = {}
    taken: set[str] = set()
    by_key: dict[str, list[str]] = {}
    for relative, key in sorted((owners or {}).items()):
        by_key.setdefault(key, []).append(relative)
    for index, post in enumerate(order):
        for relative in by_key.get(post_key(post), ()):
            year, _, name = relative.partition("/")
            slug = name.removesuffix(".md")
            if year == f"{post.date:%Y}" and slug not in taken:
                kept[index] = slug
                taken.add(slug)
                break
    result = []
    for index, post in enumerate(order):
        slug = kept.get(index)
        if slug is None:
            base = slugify(post.title)
            slug, number = base, 2
            while slug in taken:
                slug, number = f"{base}-{number}", number + 1
            taken.add(slug)
            if slug != base and notes is not None:
                notes.append(
                    f"{post.source_file}, line {post.line}: the title '{post.title}' is taken "
                    f"by another post, so this one is written as {post.date:%Y}/{slug}.md "
                    "(give it a different title if that address does not suit)"
                )
        result.append((slug, post))
    return result


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _write_atomic(path: Path, data: bytes) -> None:
    """Write PATH through a temporary in its folder, with the mode the umask gives."""
    transaction = _Transaction()
    try:
        transaction.stage(path, data)
        transaction.commit()
    except BaseException:
        transaction.rollback()
        raise


class _Transaction:
    """Files written as temporaries first, then all renamed into place, or none of them."""

    def __init__(self):
        self.mode = 0o666 & ~_umask()
        self.staged: list[tuple[Path, Path]] = []
        self.folders: list[Path] = []
        self.done: list[tuple[Path, Path | None]] = []

    def _folder(self, folder: Path) -> None:
        missing = []
        while not folder.exists() and not folder.is_symlink():
            missing.append(folder)
            folder = folder.parent
        for made in reversed(missing):
            made.mkdir()
            self.folders.append(made)

    def stage(self, path: Path, data: bytes) -> None:
        """Write DATA to a temporary beside PATH."""
        if path.is_dir():
            raise IsADirectoryError(errno.EISDIR, "a folder is where the file should go")
        self._folder(path.parent)
        handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        self.staged.append((Path(temp), path))
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        # mkstemp makes 0600 files; articles are ordinary files others may read.
        os.chmod(temp, self.mode)

    def commit(self) -> None:
        """Rename every temporary into place; the replaced files are kept until all are in."""
        for temp, path in self.staged:
            backup = None
            if path.exists():
                backup = path.with_name(f"{temp.name}.old")
                os.link(path, backup)
            self.done.append((path, backup))
            os.replace(temp, path)
        for _, backup in self.done:
            if backup is not None:
                backup.unlink(missing_ok=True)
        self.staged, self.done = [], []

    def rollback(self) -> None:
        """Put back every replaced file, remove every temporary and every folder made."""
        for path, backup in reversed(self.done):
            if backup is not None:
                os.replace(backup, path)
                # rename() of two links to one file does nothing: the file was never replaced.
                backup.unlink(missing_ok=True)
            else:
                path.unlink(missing_ok=True)
        for temp, _ in self.staged:
            temp.unlink(missing_ok=True)
        for folder in reversed(self.folders):
            with contextlib.suppress(OSError):
                folder.rmdir()
        self.staged, self.done, self.folders = [], [], []


def _read_state(out: Path) -> dict:
    path = out / STATE_FILE
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (ValueError, OSError):
        # A damaged state file only costs protection of imported files: treat as unknown.
        return {}


def _load_state(out: Path) -> dict[str, str]:
    """{article: sha256 as the importer wrote it} from the last import."""
    files = _read_state(out).get("files", {})
    return {str(k): str(v) for k, v in files.items()} if isinstance(files, dict) else {}


def _load_owners(out: Path) -> dict[str, str]:
    """{article: post_key of the post written there} from the last import."""
    posts = _read_state(out).get("posts", {})
    return {str(k): str(v) for k, v in posts.items()} if isinstance(posts, dict) else {}


_WRITE_FIXES = {
    errno.ENOSPC: "free some disk space, then import again",
    errno.EDQUOT: "free some disk space (you are over your quota), then import again",
    errno.EISDIR: "a folder is where the article should go: move it away, then import again",
    errno.ENOTDIR: "a file is where a folder should be: move it away, then import again",
    errno.EEXIST: "a file is where a folder should be: move it away, then import again",
    errno.EACCES: "make the folder writable for you, then import again",
    errno.EPERM: "make the folder writable for you, then import again",
    errno.EROFS: "the disk is read-only: import into a writable folder",
}


def _write_error(path: Path, error: OSError) -> str:
    reason = error.strerror or str(error)
    fix = _WRITE_FIXES.get(error.errno, "check the folder, then import again")
    return f"{path}: cannot write it ({reason}). Fix: {fix}"


def import_sources(
    sources_dir, out_dir, force=False, tagger: Tagger | None = None, **blogger
) -> Report:
    """Import SOURCES into OUT; never overwrite an author's edit unless force is true.

    SOURCES is told apart by its content: a Blogger export (a file, or a folder that holds
    one) or a folder of pasted text posts. Keyword arguments are the Blogger importer's
    (site_url, extra_hosts, fetcher ...); a text import has no use for them.
    """
    if Path(sources_dir).is_dir():
        # A Takeout folder too: a linked export or picture from outside it is never read.
        unsafe = unsafe_files(sources_dir)
        if unsafe:
            raise ImportFailed([str(finding) for finding in unsafe])
    try:
        export = find_export(sources_dir)
    except SourceError as error:
        raise ImportFailed([str(error)]) from None
    if export is not None:
        return _import_blogger(export, out_dir, force, tagger, **blogger)
    report = Report()
    posts = read_sources(sources_dir, report.notes, report.decisions)
    out = Path(out_dir)
    owners = _load_owners(out)
    planned: dict[str, bytes] = {}
    for slug, post in assign_slugs(posts, owners, report.notes):
        post = apply_tagger(post, tagger)
        relative = f"{post.date:%Y}/{slug}.md"
        planned[relative] = emit(post, slug).encode("utf-8")
        report.posts[relative] = post
        owners[relative] = post_key(post)
    write_planned(out, planned, report, force, owners)
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


def write_planned(
    out: Path, planned: dict[str, bytes], report: Report, force=False, owners=None
) -> None:
    """Write PLANNED (paths relative to OUT) with the import state's protection of edits.

    Every file is written to a temporary first and all are renamed into place at the end:
    a failure part-way (a full disk, a folder where a file should go) leaves OUT as it was
    and raises ImportFailed with one line naming the file, the problem and the fix. OWNERS
    ({path: post_key}) is recorded so that later imports keep each post at its address.
    """
    state = _load_state(out)
    new_state = dict(state)
    old_owners = _load_owners(out)
    owners = {**old_owners, **(owners or {})}
    transaction = _Transaction()
    path = out
    try:
        for relative in sorted(planned):
            data, path = planned[relative], out / relative
            if path.is_dir():
                raise IsADirectoryError(errno.EISDIR, "a folder is where the article should go")
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
            transaction.stage(path, data)
            report.written.append(relative)
            new_state[relative] = _sha(data)
        stale = sorted(set(state) - set(planned))
        for relative in stale:
            if (out / relative).exists():
                report.notes.append(
                    f"{out / relative}: no source post produces it any more; left in place"
                )
        if new_state != state or owners != old_owners or not (out / STATE_FILE).exists():
            record = {"files": dict(sorted(new_state.items()))}
            if owners:
                record["posts"] = dict(sorted(owners.items()))
            path = out / STATE_FILE
            transaction.stage(path, (json.dumps(record, indent=2) + "\n").encode("utf-8"))
        transaction.commit()
    except OSError as error:
        transaction.rollback()
        raise ImportFailed([_write_error(path, error)]) from None
