"""Pagefind started on the posts' pages while the rest of the site is still being written.

The writer writes the posts' pages first (build_speed's writer.py) and says when they are all
on disk. Pagefind indexes only those pages (the ones marked data-pagefind-body), so it can
start then, in the background, while the listing, tag and topic pages are written. Its bundle
goes to a folder beside the site and is taken at `finalized` only when the finished site
gives Pagefind the very same run: the same pages (by the bytes of each), none written again
since it started, listed by the file system in the same order (Pagefind numbers pages in
that order), one part. Otherwise the early run is stopped and the site is indexed as before,
so the published index always matches the written pages.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from .index import (
    _mirror,
    examine_page,
    finish_bundle,
    index_key,
    pages_glob,
    part_folder,
    remove_old_bundle,
    split_pages,
)

SCRATCH = ".search-early-"  # then the build's process id, a dash and tempfile's letters


def remove_abandoned(folder):
    """Remove the scratch folders in FOLDER of early runs whose build is gone (killed)."""
    try:
        names = [name for name in os.listdir(folder) if name.startswith(SCRATCH)]
    except OSError:
        return
    for name in names:
        pid = name[len(SCRATCH) :].partition("-")[0]
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            shutil.rmtree(os.path.join(folder, name), ignore_errors=True)
        except OSError:  # alive, another user's
            continue


def _signature(status):
    """What changes whenever a file is written: its inode, size and times."""
    return (status.st_ino, status.st_size, status.st_mtime_ns, status.st_ctime_ns)


def candidates(names, bundle_dir):
    """Of the written NAMES, the ones pages_to_index looks at (HTML files outside the bundle),
    in its order (by path parts)."""
    found = {}
    for name in names:
        parts = tuple(Path(name).parts)
        if name.endswith(".html") and parts and parts[0] != bundle_dir:
            found[parts] = Path(*parts).as_posix()
    return [found[parts] for parts in sorted(found)]


def read_pages(site, names):
    """({name: fingerprint} of the NAMES Pagefind would index, {name: signature} of each, taken
    before it was read), as pages_to_index gives them when they are the only marked pages."""
    marked, signatures = {}, {}
    for name in names:
        path = site / name
        try:
            status = os.stat(path)
            data = path.read_bytes() if path.is_file() else None
        except OSError:  # gone already: the check at the end finds the site changed
            continue
        facts = examine_page(data) if data is not None else None
        if facts is not None and facts[1]:
            marked[name], signatures[name] = facts[0], _signature(status)
    return marked, signatures


def listing_order(site, names):
    """NAMES in the order of a walk of SITE that lists each folder as the file system does.

    Only folders holding two or more of them are listed (one alone has no order to keep); None
    when such a folder cannot be listed or lacks one of them."""
    tree = {}
    for name in names:
        node = tree
        for part in Path(name).parts:
            node = node.setdefault(part, {})
    ordered = []

    def walk(folder, node, prefix):
        children = list(node)
        if len(children) > 1:
            try:
                listed = {entry: place for place, entry in enumerate(os.listdir(folder))}
            except OSError:
                return False
            if any(child not in listed for child in children):
                return False
            children.sort(key=listed.__getitem__)
        for child in children:
            if node[child]:
                if not walk(os.path.join(folder, child), node[child], f"{prefix}{child}/"):
                    return False
            else:
                ordered.append(f"{prefix}{child}")
        return True

    return ordered if walk(str(site), tree, "") else None


def _unchanged(site, pages, expected, signatures, rewritten, fields=4):
    """True when PAGES (pages_to_index of SITE now) are EXPECTED, in the same order, none of
    them in REWRITTEN (written again since), and each file's first FIELDS of _signature as
    SIGNATURES took them."""
    if list(pages.items()) != list(expected.items()) or set(rewritten) & set(pages):
        return False
    for name, signature in signatures.items():
        try:
            if _signature(os.stat(site / name))[:fields] != signature[:fields]:
                return False
        except OSError:
            return False
    return True


def _stop(processes, scratch):
    """Kill the PROCESSES still running and remove SCRATCH (their folder), if any."""
    for process in processes:
        if process.poll() is None:
            process.kill()
            process.wait()
    if scratch is not None:
        shutil.rmtree(scratch, ignore_errors=True)


class EarlyIndex:
    """A Pagefind run over PAGES of SITE, started before the site was finished."""

    def __init__(self, site, bundle_dir, binary, pages, signatures, order, key):
        self.site, self.bundle_dir, self.binary = Path(site), bundle_dir, binary
        self.pages, self.signatures, self.order, self.key = pages, signatures, order, key
        self.process = None
        self._scratch = None  # the folder of its configuration, console output and bundle

    def start(self, glob):
        """Start Pagefind on the pages GLOB names; its bundle goes to a folder beside SITE."""
        remove_abandoned(self.site.parent)
        # Absolute: Pagefind takes --output-path from the folder it runs in.
        scratch = tempfile.mkdtemp(prefix=f"{SCRATCH}{os.getpid()}-", dir=self.site.parent)
        self._scratch = Path(os.path.abspath(scratch))
        # Pagefind reads its configuration from the folder it runs in (see _run_pagefind).
        (self._scratch / "pagefind.json").write_text(json.dumps({"glob": glob}), "utf-8")
        command = [
            str(self.binary),
            "--site",
            str(self.site.resolve()),
            "--output-path",
            str(self.bundle),
        ]
        # Files, not pipes: nobody reads Pagefind's output while it runs (it repeats the glob).
        with open(self._scratch / "out", "wb") as out, open(self._scratch / "err", "wb") as err:
            self.process = subprocess.Popen(
                command, cwd=self._scratch, stdout=out, stderr=err, stdin=subprocess.DEVNULL
            )
        return self

    @property
    def bundle(self):
        return self._scratch / "bundle"

    def matches(self, pages, rewritten=()):
        """True when the finished site gives Pagefind what the early run was given: PAGES
        (pages_to_index of the site now) the same, in the same order, none of them in
        REWRITTEN (written again since), each file untouched, listed in the same order."""
        if not _unchanged(self.site, pages, self.pages, self.signatures, rewritten):
            return False
        return listing_order(self.site, list(pages)) == self.order

    def finish(self):
        """Wait for Pagefind and put its canonical bundle in the site; return the pages indexed,
        or None when it indexed another number of pages than it was given (the glob missed
        one: the caller indexes as before). Raises SearchError as the run after the writing
        would (Pagefind failed, a bundle it cannot make reproducible)."""
        try:
            self.process.wait()
            output = {}
            for stream in ("out", "err"):
                output[stream] = (self._scratch / stream).read_text("utf-8", errors="replace")
            count = finish_bundle(
                self.process.returncode, output["out"], output["err"], self.bundle, self.site
            )
            if count != len(self.pages):
                return None
            target = self.site / self.bundle_dir
            remove_old_bundle(target)
            if target.exists():  # a folder Pagefind would have written into: index as before
                return None
            target.parent.mkdir(parents=True, exist_ok=True)  # a SEARCH_BUNDLE_DIR of a/b
            shutil.move(str(self.bundle), str(target))
            return count
        finally:
            self.cancel()

    def cancel(self):
        """Stop Pagefind if it still runs and remove what it wrote; the site is left as is."""
        _stop([self.process] if self.process is not None else [], self._scratch)
        self._scratch = None


class EarlyParts:
    """Pagefind runs over the parts of a big site's posts' pages, started before the site was
    finished: one run a part, all at once, each over a hard-linked mirror of its pages made
    as build_index makes it (so each part's bundle is the one the run after the writing
    gives), taken at `finalized` only when the finished site gives Pagefind the same pages."""

    def __init__(self, site, bundle_dir, binary, pages, signatures, key, parts):
        self.site, self.bundle_dir, self.binary = Path(site), bundle_dir, binary
        self.pages, self.signatures, self.key = pages, signatures, key
        self.parts = parts  # split_pages(PAGES, part_most)
        self.processes = []
        self._scratch = None  # a folder per part: its mirror (and bundle), its console output

    @property
    def process(self):
        return self.processes[0] if self.processes else None

    def start(self):
        """Mirror each part beside SITE and start Pagefind on it; return self."""
        remove_abandoned(self.site.parent)
        scratch = tempfile.mkdtemp(prefix=f"{SCRATCH}{os.getpid()}-", dir=self.site.parent)
        self._scratch = Path(os.path.abspath(scratch))
        for number, part in enumerate(self.parts, start=1):
            mirror, run = self._scratch / str(number), self._scratch / f"run-{number}"
            _mirror(part, self.site, mirror)
            run.mkdir()  # Pagefind reads a configuration from the folder it runs in: none
            command = [str(self.binary), "--site", str(mirror), "--output-subdir", self.bundle_dir]
            with open(run / "out", "wb") as out, open(run / "err", "wb") as err:
                self.processes.append(
                    subprocess.Popen(
                        command, cwd=run, stdout=out, stderr=err, stdin=subprocess.DEVNULL
                    )
                )
        return self

    def matches(self, pages, rewritten=()):
        """True when the finished site gives Pagefind what these runs were given: PAGES
        (pages_to_index of the site now) the same, in the same order, none of them in
        REWRITTEN (written again since), each file untouched (the mirrors share them)."""
        # Not the change time: linking a file into a mirror changes it.
        return _unchanged(self.site, pages, self.pages, self.signatures, rewritten, fields=3)

    def finish(self):
        """Wait for every run and put the canonical bundles in the site (the first part's as
        the bundle, the others in it); return the pages indexed, or None when a run indexed
        another number of pages than its part holds (the caller indexes as before). Raises
        SearchError as the run after the writing would."""
        try:
            count = 0
            ran = zip(self.processes, self.parts, strict=True)
            for number, (process, part) in enumerate(ran, start=1):
                process.wait()
                run = self._scratch / f"run-{number}"
                output = {s: (run / s).read_text("utf-8", errors="replace") for s in ("out", "err")}
                bundle = self._scratch / str(number) / self.bundle_dir
                indexed = finish_bundle(
                    process.returncode, output["out"], output["err"], bundle, self.site
                )
                if indexed != len(part):
                    return None
                count += indexed
            target = self.site / self.bundle_dir
            remove_old_bundle(target)
            if target.exists():  # a folder Pagefind would have written into: index as before
                return None
            target.parent.mkdir(parents=True, exist_ok=True)
            for number in range(1, len(self.parts) + 1):
                into = part_folder(target, number)
                shutil.move(str(self._scratch / str(number) / self.bundle_dir), str(into))
            return count
        finally:
            self.cancel()

    def cancel(self):
        """Stop every run still going and remove what they wrote; the site is left as is."""
        _stop(self.processes, self._scratch)
        self._scratch = None


def start_early(site, names, bundle_dir, binary, part_most, memo=None):
    """An EarlyIndex (or EarlyParts, past PART_MOST pages) running Pagefind on the pages of
    NAMES (written, with every other post's page) that it will index, or None when it cannot
    know them (no page is marked, a path a glob cannot name) or need not run (MEMO keeps a
    bundle for them)."""
    site = Path(site)
    if binary is None:
        return None
    pages, signatures = read_pages(site, candidates(names, bundle_dir))
    if not pages:
        return None
    parts = split_pages(pages, part_most)
    key = index_key(pages, binary, len(parts)) if memo is not None else None
    if memo is not None and memo.loading and (memo.folder / key).is_dir():
        return None
    if len(parts) > 1:
        early = EarlyParts(site, bundle_dir, binary, pages, signatures, key, parts)
        start = early.start
    else:
        glob = pages_glob(pages)
        order = listing_order(site, list(pages)) if glob is not None else None
        if order is None:
            return None
        early = EarlyIndex(site, bundle_dir, binary, pages, signatures, order, key)
        start = functools.partial(early.start, glob)
    try:
        return start()
    except OSError:  # Pagefind cannot be started: the run after the writing says why
        early.cancel()
        return None
