"""Build the Pagefind full-text index over a finished site and describe the /search/ page."""

import re
import shutil
import subprocess
from pathlib import Path

from pagefind.service import get_executable

from .canonical import BundleFormatError, canonicalise_bundle

# Every setting of this plugin, with its default; checked once when Pelican starts.
DEFAULTS = {
    "SEARCH_ENABLED": True,
    "SEARCH_URL": "search/",
    "SEARCH_SAVE_AS": "search/index.html",
    "SEARCH_BUNDLE_DIR": "pagefind",
}

_INDEXED = re.compile(r"Indexed (\d+) pages?")


class SearchError(Exception):
    """The search index could not be built, or a SEARCH_* setting is wrong."""


def search_settings(settings):
    """Return the SEARCH_* settings with defaults filled in, or raise SearchError naming the fix."""
    merged = {name: settings.get(name, default) for name, default in DEFAULTS.items()}
    if not isinstance(merged["SEARCH_ENABLED"], bool):
        raise SearchError(
            f"SEARCH_ENABLED is {merged['SEARCH_ENABLED']!r}; set it to True or False"
        )
    for name in ("SEARCH_URL", "SEARCH_SAVE_AS", "SEARCH_BUNDLE_DIR"):
        value = merged[name]
        if not isinstance(value, str) or not value or value.startswith("/"):
            raise SearchError(
                f"{name} is {value!r}; set it to a path inside the site without a leading '/', "
                f"e.g. {DEFAULTS[name]!r}"
            )
    bundle = merged["SEARCH_BUNDLE_DIR"]
    if ".." in Path(bundle).parts:
        raise SearchError(f"SEARCH_BUNDLE_DIR is {bundle!r}; it must stay inside the output folder")
    return merged


def topic_links(articles):
    """The topics the articles belong to, as (name, url) pairs sorted by name, each once."""
    seen = {}
    for article in articles:
        for theme in getattr(article, "themes", None) or ():
            seen.setdefault(theme.url, theme.name)
    return sorted(((name, url) for url, name in seen.items()), key=lambda pair: pair[0].lower())


def build_index(site_dir, bundle_dir="pagefind", executable=None):
    """Index every page of SITE_DIR marked data-pagefind-body; return how many were indexed.

    The bundle is then canonicalised (see canonical.py): the same site gives the same bytes.

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
    bundle = site / bundle_dir
    if bundle.is_dir() and (bundle / "pagefind-entry.json").is_file():
        shutil.rmtree(bundle)
    command = [str(binary), "--site", str(site), "--output-subdir", bundle_dir]
    process = subprocess.run(command, capture_output=True, text=True, check=False)
    output = f"{process.stdout}\n{process.stderr}"
    if process.returncode != 0:
        raise SearchError(f"pagefind failed ({process.returncode}) on {site}:\n{output.strip()}")
    # Pagefind writes its filters in hash-map order, which changes with every run; rewrite
    # them in one canonical order so the same site always gives the same published files.
    try:
        canonicalise_bundle(bundle)
    except BundleFormatError as error:
        raise SearchError(
            f"cannot make the search index of {site} reproducible: {error}. Was pagefind "
            "upgraded? requirements.txt pins the version plugins/search/canonical.py reads"
        ) from error
    match = _INDEXED.search(output)
    return int(match.group(1)) if match else 0
