"""Build the Pagefind full-text index over a finished site and describe the /search/ page."""

import json
import os
import re
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from pagefind.service import get_executable

from plugins import post_model
from plugins.build_speed.keys import hex_key, key
from plugins.settings_table import (
    Setting,
    SettingsError,
    SettingsTable,
    boolean,
    relative_path,
    whole,
)

from .canonical import BundleFormatError, canonicalise_bundle

_INDEXED = re.compile(r"Indexed (\d+) pages?")

# Pagefind also writes its ready-made search interfaces and a highlighter (about 417 KB of
# JavaScript and CSS). theme/static/js/search.js talks to pagefind.js itself, so these would be
# published and never loaded.
UNUSED_BUNDLE_FILES = (
    "pagefind-ui.js",
    "pagefind-ui.css",
    "pagefind-modular-ui.js",
    "pagefind-modular-ui.css",
    "pagefind-component-ui.js",
    "pagefind-component-ui.css",
    "pagefind-highlight.js",
)


class SearchError(Exception):
    """The search index could not be built, or a SEARCH_* setting is wrong."""


class SearchSettingsError(SettingsError, SearchError):
    """A SEARCH_* setting is unknown or wrong: says which and how to fix it."""


def _bundle_folder(value):
    problem = relative_path()(value)
    if problem is None and ".." in Path(value).parts:
        return "leaves the output folder"
    return problem


_INSIDE = "a path inside the site without a leading '/'"
# Every setting of this plugin, with its default; checked once when Pelican starts.
TABLE = SettingsTable(
    "search",
    ("SEARCH_",),
    [
        Setting(
            "SEARCH_ENABLED",
            True,
            boolean,
            "True or False (True builds the search page and its index)",
        ),
        Setting("SEARCH_URL", "search/", relative_path(), f"the search page's URL, {_INSIDE}"),
        Setting(
            "SEARCH_SAVE_AS",
            "search/index.html",
            relative_path(file=True),
            f"the search page's file, {_INSIDE}",
        ),
        Setting(
            "SEARCH_BUNDLE_DIR",
            "pagefind",
            _bundle_folder,
            f"the folder of the search index, {_INSIDE} and inside the output folder",
        ),
        Setting(
            "SEARCH_PART_PAGES",
            4000,
            whole(1),
            "the most pages Pagefind indexes in one run (a whole number, at least 1); a "
            "bigger site is indexed in parts that the search page merges",
        ),
    ],
    error=SearchSettingsError,
)
DEFAULTS = TABLE.defaults


def search_settings(settings):
    """Return the SEARCH_* settings with defaults filled in, or raise SearchError naming the fix."""
    return TABLE.resolve(settings)


def topic_links(articles):
    """The topics the articles belong to, as (name, url) pairs sorted by name, each once."""
    seen = {}
    for article in articles:
        for theme in post_model.get(article, "themes", ()):
            seen.setdefault(theme.url, theme.name)
    return sorted(((name, url) for url, name in seen.items()), key=lambda pair: pair[0].lower())


_MARK = b"data-pagefind-body"
# A page that asks search engines not to index it (a hidden post) is kept out of ours too.
_NOINDEX = re.compile(rb"<meta\s+name=\"robots\"\s+content=\"[^\"]*noindex", re.IGNORECASE)


def _kept_out(data):
    """True when a page's bytes DATA ask search engines not to index it (noindex in its head)."""
    return _NOINDEX.search(data, 0, data.find(b"</head>") + 1 or len(data)) is not None


def examine_page(data):
    """(fingerprint, marked) of a page's bytes DATA for the index, or None for a page kept out
    of it (marked noindex)."""
    if _kept_out(data):
        return None
    return key(data), _MARK in data


def html_files(site):
    """The relative paths (as tuples of parts) of SITE's files named *.html, sorted by parts:
    what sorted(Path(SITE).rglob("*.html")) gives, files only, and no folder reached through
    a symbolic link (rglob does not descend into one), in a fraction of its time."""
    found = []

    def walk(folder, prefix):
        try:
            listing = os.scandir(folder)
        except PermissionError:  # rglob passes over a folder it may not list
            return
        with listing as entries:
            for entry in entries:
                name = entry.name
                try:
                    if name.endswith(".html") and entry.is_file():
                        found.append((*prefix, name))
                    if entry.is_dir(follow_symlinks=False):
                        walk(entry.path, (*prefix, name))
                except OSError:  # gone or unreadable since it was listed, as rglob skips it
                    continue

    walk(site, ())
    found.sort()
    return found


def pages_to_index(site, bundle_dir):
    """{relative path: fingerprint} of the HTML files Pagefind would index in SITE, in path order.

    Pagefind indexes only pages marked data-pagefind-body when any page is marked (our article
    pages are), and every page otherwise. Pages marked noindex (hidden posts) are never given
    to it. Each page is read once and only its fingerprint kept (`key` of its bytes): the
    whole site's HTML is never held at once. An unmarked page is only fingerprinted (read
    again) when no page is marked.
    """
    site = Path(site)
    unmarked, marked = [], {}
    for parts in html_files(site):
        if parts[0] != bundle_dir:
            name = "/".join(parts)
            data = (site / name).read_bytes()
            if not _kept_out(data):
                if _MARK in data:
                    marked[name] = key(data)
                elif not marked:
                    unmarked.append(name)
    if marked:
        return marked
    return {name: key((site / name).read_bytes()) for name in unmarked}


def index_key(pages, binary, part_count=1):
    """A fingerprint of everything the bundle depends on: Pagefind, the pages, how many parts."""
    binary = Path(binary)
    parts = [str(binary.resolve()), binary.stat().st_size]
    if part_count != 1:  # a single index keeps the key it always had
        parts.append(part_count)
    for name, fingerprint in pages.items():
        parts += (name, fingerprint)
    return hex_key(*parts, size=16)


def link_or_copy(source, target):
    """Hard-link SOURCE at TARGET; copy it where links cannot be made (another file system)."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def _mirror(pages, site, folder):
    """Put the PAGES of SITE into FOLDER at the same paths (hard links where possible)."""
    for name in pages:
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        link_or_copy(site / name, target)


# Characters a glob gives a meaning to: a page whose path holds one is indexed from a mirror.
_GLOB_SPECIAL = frozenset("*?[]{}!,\\")


# Pagefind 1.5 refuses a glob of some 200,000 characters ("Provided glob ... is invalid");
# past this length a mirror is made instead (about 1,500 posts at 60 characters a path).
_GLOB_MOST = 100_000


def pages_glob(pages):
    """A Pagefind glob that matches exactly the paths PAGES names, or None when it cannot."""
    if any(_GLOB_SPECIAL.intersection(name) for name in pages):
        return None
    glob = "{" + ",".join(pages) + "}"
    return glob if len(glob) <= _GLOB_MOST else None


# Pagefind holds about 200 KB for each page it indexes until it writes the bundle (the words
# of every page: 1.9 GB at 10,000 posts), whatever the size of the rest of the page. A site
# with more pages than SEARCH_PART_PAGES is indexed in parts, one Pagefind run after the other,
# and the search page merges them in the reader's browser (Pagefind's mergeIndex).
PART_PREFIX = "part-"


def split_pages(pages, most):
    """PAGES ({path: fingerprint}) as the fewest parts of at most MOST pages, sizes within one.

    Pages are dealt out in turn (the first to part 1, the second to part 2, ...), so that each
    part holds posts of every year: Pagefind ranks within a part by how rare a word is in it,
    and parts that each look like the whole site rank as the whole site does.
    """
    count = -(-len(pages) // most) or 1
    parts = [{} for _ in range(count)]
    for number, (name, fingerprint) in enumerate(pages.items()):
        parts[number % count][name] = fingerprint
    return parts


def part_folder(bundle, number):
    """Where part NUMBER of an index in parts goes: the first is BUNDLE, the others in it."""
    return Path(bundle) if number == 1 else Path(bundle) / f"{PART_PREFIX}{number}"


def part_folders(bundle):
    """The names of the parts merged into BUNDLE's index, in order ([] for a single index)."""
    bundle = Path(bundle)
    if not bundle.is_dir():
        return []
    named = [p.name for p in bundle.iterdir() if p.is_dir() and p.name.startswith(PART_PREFIX)]
    return sorted(named, key=lambda name: int(name[len(PART_PREFIX) :]))


def remove_old_bundle(bundle):
    """Remove the Pagefind bundle at BUNDLE (a folder holding pagefind-entry.json), if any."""
    bundle = Path(bundle)
    if bundle.is_dir() and (bundle / "pagefind-entry.json").is_file():
        shutil.rmtree(bundle)


def build_index(
    site_dir,
    bundle_dir="pagefind",
    executable=None,
    memo=None,
    part_most=None,
    pages=None,
    workers=1,
):
    """Index every page of SITE_DIR marked data-pagefind-body; return how many were indexed.

    The bundle is then canonicalised (see canonical.py): the same site gives the same bytes.
    Pagefind reads just the pages it indexes (a glob names each; a mirror of them where a path
    holds a glob character), so it does not read (and hold) every listing page, and no
    folder is made and removed for it (removing a thousand folders takes seconds on some
    disks). More than PART_MOST pages (SEARCH_PART_PAGES) are indexed in parts: the first
    part is the bundle, the others are bundles in BUNDLE/part-2/, part-3/, ... (part_folders).
    With MEMO (the build memo's FolderMemo), a bundle made for exactly the same pages is reused.
    PAGES, when given, is pages_to_index(SITE_DIR) worked out already. Parts are indexed
    WORKERS Pagefind runs at a time (BUILD_WORKERS).

    The old bundle is removed first so fragments of deleted posts do not linger
    across rebuilds (Pagefind names its files by content hash and never prunes).
    """
    site = Path(site_dir)
    if not site.is_dir():
        raise SearchError(f"cannot index {site}: the folder does not exist")
    binary = executable or get_executable()
    if binary is None:
        raise SearchError(
            "the Pagefind binary was not found; install it with `make install` "
            "(requirements.txt pins pagefind[bin])"
        )
    part_most = DEFAULTS["SEARCH_PART_PAGES"] if part_most is None else part_most
    bundle = site / bundle_dir
    remove_old_bundle(bundle)
    pages = pages_to_index(site, bundle_dir) if pages is None else pages
    if not pages:
        raise SearchError(f"cannot index {site}: it has no HTML pages")
    parts = split_pages(pages, part_most)
    key = index_key(pages, binary, len(parts)) if memo is not None else None
    # Hard links: nothing writes into a bundle in place (a new build removes it first), and a
    # thousand links cost a fraction of a thousand copies.
    if memo is not None and memo.restore(key, bundle, link_or_copy):
        drop_unused(bundle)  # a bundle kept before they were dropped
        return len(pages)
    glob = pages_glob(pages) if len(parts) == 1 else None
    if glob is not None:
        count = _run_pagefind(binary, site, bundle_dir, site, glob)
        if count != len(pages):  # the glob missed a page: index a mirror of them instead
            shutil.rmtree(bundle, ignore_errors=True)
            glob = None
    if glob is None:
        count = _index_mirrors(binary, parts, site, bundle_dir, bundle, workers)
    if memo is not None:
        memo.keep(key, bundle, link_or_copy)
    return count


# The search page's form names the bundle (theme/templates/search.html); the parts merged into
# it are named beside it, once they are known, for theme/static/js/search.js.
_FORM_BUNDLE = re.compile(
    r'(<form\b[^>]*?\sdata-search-bundle="[^"]*")(?: data-search-parts="[^"]*")?'
)


def link_parts(page, parts):
    """Name the PARTS of the index on the search PAGE (an HTML file) for the browser to merge.

    A single index (no PARTS) leaves the page as written. Raises SearchError when the page has
    no search form naming the bundle (data-search-bundle), since its search would miss posts.
    """
    if not parts:
        return
    page = Path(page)
    text = page.read_text(encoding="utf-8")
    named = " ".join(f"{name}/" for name in parts)
    linked, found = _FORM_BUNDLE.subn(
        lambda match: f'{match.group(1)} data-search-parts="{named}"', text, count=1
    )
    if not found:
        raise SearchError(
            f"{page}: the search page has no form with data-search-bundle, so it cannot merge "
            f"the {len(parts) + 1} parts the index of this site is in. Fix: keep the form of "
            "theme/templates/search.html (or raise SEARCH_PART_PAGES)"
        )
    if linked != text:
        temporary = page.with_name(f".{page.name}.{os.getpid()}.tmp")
        temporary.write_text(linked, encoding="utf-8")
        os.replace(temporary, page)  # never a half-written page


def _index_mirrors(binary, parts, site, bundle_dir, bundle, workers):
    """Index a hard-linked mirror of each of PARTS of SITE, WORKERS Pagefind runs at a time;
    move the first part's bundle to BUNDLE and the others' into it; return the count."""
    # Speed (bench/, 10,000 posts in 3 parts): one run after the other took 19.7 s after the
    # writing, each Pagefind on ~1.3 cores; two at a time keep both cores busy. Each run is
    # its own process (~640 MB for a part of 3,334 posts), so the largest process stays as it
    # was. The bundles are moved in part order once all are made.
    with tempfile.TemporaryDirectory(prefix=".search-", dir=site.parent) as folder:

        def index(numbered):
            number, pages = numbered
            mirror = Path(folder) / str(number)
            _mirror(pages, site, mirror)
            return _run_pagefind(binary, mirror, bundle_dir, site)

        with ThreadPoolExecutor(max_workers=max(1, min(workers, len(parts)))) as pool:
            counts = list(pool.map(index, enumerate(parts, start=1)))
        for number in range(1, len(parts) + 1):
            made = Path(folder) / str(number) / bundle_dir
            shutil.move(str(made), str(part_folder(bundle, number)))
    return sum(counts)


def _run_pagefind(binary, site, bundle_dir, shown, glob=None):
    """Run Pagefind over SITE (only the files GLOB names, if given) and canonicalise its
    bundle; return the pages it indexed."""
    bundle = site / bundle_dir
    command = [str(binary), "--site", str(site.resolve()), "--output-subdir", bundle_dir]
    with tempfile.TemporaryDirectory(prefix="pagefind-config-") as folder:
        # Pagefind reads its configuration from the folder it runs in: a file there has room
        # for a glob of every page (a command-line argument is limited to 128 KB on Linux).
        if glob is not None:
            Path(folder, "pagefind.json").write_text(json.dumps({"glob": glob}), "utf-8")
        process = subprocess.run(command, capture_output=True, text=True, check=False, cwd=folder)
    return finish_bundle(process.returncode, process.stdout, process.stderr, bundle, shown)


def finish_bundle(returncode, stdout, stderr, bundle, shown):
    """Check a Pagefind run (its RETURNCODE and console output) and canonicalise the BUNDLE it
    wrote for the site SHOWN; return the pages it indexed. Raises SearchError saying why."""
    # Pagefind repeats the glob it was given: a line of every page, no help in a message.
    output = "\n".join(
        line if len(line) <= 300 else line[:300] + " ..."
        for line in f"{stdout}\n{stderr}".splitlines()
    )
    if returncode != 0:
        raise SearchError(f"pagefind failed ({returncode}) on {shown}:\n{output.strip()}")
    # Pagefind writes its filters in hash-map order, which changes with every run; rewrite
    # them in one canonical order so the same site always gives the same published files.
    try:
        canonicalise_bundle(bundle)
    except BundleFormatError as error:
        raise SearchError(
            f"cannot make the search index of {shown} reproducible: {error}. Was pagefind "
            "upgraded? requirements.txt pins the version plugins/search/canonical.py reads"
        ) from error
    drop_unused(bundle)
    match = _INDEXED.search(output)
    return int(match.group(1)) if match else 0


def drop_unused(bundle):
    """Remove from BUNDLE the files of Pagefind's own interfaces, which the site never loads."""
    for name in UNUSED_BUNDLE_FILES:
        (Path(bundle) / name).unlink(missing_ok=True)
