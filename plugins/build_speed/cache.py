"""Where a build keeps what it read: one cache folder per content folder and code version.

Pelican's content cache trusts a post whose file is unchanged, and the build memo (memo.py)
trusts a result whose inputs are unchanged. After an edit to the settings, a plugin, or an
upgrade of Pelican, Markdown, PyYAML, the HTML parser or Pagefind, a kept result could be
stale, so the cache of each content folder lives in a subfolder named by a fingerprint of
all of those (code_fingerprint); a new fingerprint starts empty. CACHE_PATH is the root: a
build (a test's) that passes its own CACHE_PATH never touches another's cache.

A cache file that cannot be read (a full disk during the save leaves it empty or cut short) is
discarded with a one-line note, and the build works out afresh what it held: the output is the
same bytes as a clean build's.
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import json
import logging
import os
import pickle
import shutil
import sys
from pathlib import Path

from .keys import hex_key

logger = logging.getLogger(__name__)

# Settings that say where files go, not how a post is read: they do not key the cache.
_UNKEYED = {"OUTPUT_PATH", "CACHE_PATH", "BUILD_SPEED_CACHE_ROOT"}


def _plain(value):
    """VALUE when it is plain data (as settings from a file are), else None."""
    try:
        json.dumps(value, sort_keys=True)
    except (TypeError, ValueError):
        return None
    return value


# The packages whose version shapes a cached result, beside Pelican and Python: they read the
# posts (markdown-it and its plugins; Python-Markdown reads Pelican-style headers; PyYAML),
# parse the HTML our plugins work on (BeautifulSoup, and lxml or html5lib if a plugin asks it
# for them) and build the search index (Pagefind).
KEYED_PACKAGES = ("markdown_it", "mdit_py_plugins", "markdown", "yaml")
# BeautifulSoup and the parsers it may use, by the version installed, whether imported yet or
# not: importing bs4 costs a build 0.17 s, and most builds never make a tree (themes/markup.py).
KEYED_DISTRIBUTIONS = (("bs4", "beautifulsoup4"), ("lxml", "lxml"), ("html5lib", "html5lib"))


def package_versions():
    """[(name, version)] of the packages in use that shape cached results, Pelican first."""
    import pelican

    versions = [("pelican", pelican.__version__), ("python", sys.version)]
    for name in KEYED_PACKAGES:
        module = sys.modules.get(name)
        if module is None and name in ("markdown_it", "mdit_py_plugins", "yaml"):
            module = __import__(name)  # always in use: the reader and our plugins need them
        if module is not None:
            versions.append((name, str(getattr(module, "__version__", None))))
    for name, distribution in KEYED_DISTRIBUTIONS:
        with contextlib.suppress(importlib.metadata.PackageNotFoundError):
            versions.append((name, importlib.metadata.version(distribution)))
    versions.append(("pagefind", _pagefind_stamp()))
    return versions


def _pagefind_stamp():
    """Pagefind's binary as (path, size, time stamp): an upgrade replaces the file."""
    # The package's metadata lookup costs milliseconds per build; the binary's stat does not.
    try:
        from pagefind.service import get_executable

        binary = get_executable()
        stat = os.stat(binary)
    except (ImportError, OSError, TypeError):
        return None
    return (str(binary), stat.st_size, stat.st_mtime_ns)


def code_fingerprint(settings, plugin_paths, versions=None):
    """A fingerprint of what shapes a cached result: settings, plugin code, package versions."""
    plain = {name: _plain(value) for name, value in settings.items() if name not in _UNKEYED}
    parts = [
        versions if versions is not None else package_versions(),
        json.dumps(plain, sort_keys=True, default=str),
    ]
    for folder in plugin_paths:
        for path in sorted(Path(folder).rglob("*.py")):
            parts += (str(path), path.read_bytes())
    return hex_key(*parts, size=8)


def site_folder(root, content):
    """The folder under ROOT that holds the caches of the content folder CONTENT."""
    content = str(Path(content).resolve())
    return Path(root) / hex_key(content, size=8)


def cache_folder(root, settings):
    """The cache folder under ROOT for this build's content and code; stale folders go."""
    root = Path(root)
    content = str(Path(settings["PATH"]).resolve())
    site = site_folder(root, content)
    # Our plugins (the `plugins` package) and any other plugin folder named in PLUGIN_PATHS.
    code = [Path(__file__).resolve().parents[1], *(settings.get("PLUGIN_PATHS") or ())]
    folder = site / code_fingerprint(settings, code)
    # One cache per content folder: drop the ones for earlier code, and the ones of content
    # folders that no longer exist (a test's temporary copy), so the cache never piles up.
    for other in root.glob("*/source.txt"):
        if not Path(other.read_text(encoding="utf-8")).is_dir():
            shutil.rmtree(other.parent, ignore_errors=True)
    if site.is_dir():
        for old in site.iterdir():
            if old.is_dir() and old != folder:
                shutil.rmtree(old, ignore_errors=True)
    site.mkdir(parents=True, exist_ok=True)
    (site / "source.txt").write_text(content, encoding="utf-8")
    return folder


# A pickle of protocol 2 or later starts with PROTO (0x80, version) and ends with STOP (".").
_PICKLE_VERSIONS = {bytes([0x80, version]) for version in range(2, pickle.HIGHEST_PROTOCOL + 1)}
_GZIP_MAGIC = b"\x1f\x8b"


def cache_file_problem(path):
    """Why the cache file PATH cannot be read (a few words), or None when it looks whole."""
    try:
        size = os.path.getsize(path)
        if size == 0:
            return "it is empty, as a full disk leaves it"
        with open(path, "rb") as handle:
            head = handle.read(2)
            handle.seek(-1, os.SEEK_END)
            tail = handle.read(1)
    except OSError as error:
        return f"it cannot be opened ({error.strerror})"
    if head == _GZIP_MAGIC:
        return None  # GZIP_CACHE: whole or not, only reading it tells (see guard_pelican_cache)
    if head not in _PICKLE_VERSIONS:
        return "it is not a cache file"
    if tail != b".":
        return "it was cut short, as a full disk leaves it"
    return None


def _shown(path):
    relative = os.path.relpath(path)
    return path if relative.startswith("..") else relative


def discard(path, problem):
    """Remove the unreadable cache file PATH, saying so in one line."""
    with contextlib.suppress(OSError):
        os.remove(path)
    logger.warning(
        "Build cache %s could not be read (%s): discarded; this build works it out afresh.",
        _shown(path),
        problem,
    )


def discard_unreadable(folder):
    """Discard each cache file in FOLDER that cannot be read, with one note; return their names."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    problems = {}
    for path in sorted(folder.iterdir()):
        if not path.is_file() or path.name == "source.txt" or path.name.endswith(".tmp"):
            continue
        problem = cache_file_problem(path)
        if problem:
            with contextlib.suppress(OSError):
                os.remove(path)
            problems.setdefault(problem, []).append(path.name)
    if problems:
        listed = "; ".join(f"{', '.join(names)}: {problem}" for problem, names in problems.items())
        logger.warning(
            "Build cache in %s could not be read (%s): discarded; this build works it out afresh.",
            _shown(str(folder)),
            listed,
        )
    return sorted(name for names in problems.values() for name in names)


def load_cache(path, opener=open):
    """The dict pickled at PATH; {} when there is none, or (with a note) when it is unreadable."""
    try:
        with opener(path, "rb") as handle:
            loaded = pickle.load(handle)
    except FileNotFoundError:
        return {}  # the first build
    except Exception as error:
        discard(path, f"{type(error).__name__}: {error}".rstrip(": "))
        return {}
    if not isinstance(loaded, dict):
        discard(path, "it holds no cache")
        return {}
    return loaded


def guard_pelican_cache():
    """Make Pelican read its cache files with load_cache: an unreadable one is discarded."""
    # Pelican's FileDataCacher catches OSError and PickleError only: a file cut short raises
    # EOFError (and other damage ValueError, KeyError...), a traceback on every later build,
    # while a PickleError gets a three-line warning. Pelican has no hook for its loading, so
    # its loader is wrapped once: Pelican sets up the cacher as if told not to load, then
    # load_cache reads the file, exactly once.
    from pelican.cache import FileDataCacher

    original = FileDataCacher.__init__
    if getattr(original, "build_speed_guard", False):
        return

    def guarded(self, settings, cache_name, caching_policy, load_policy):
        original(self, settings, cache_name, caching_policy, False)
        if load_policy:
            self._cache = load_cache(self._cache_path, self._cache_open)

    guarded.build_speed_guard = True
    FileDataCacher.__init__ = guarded
