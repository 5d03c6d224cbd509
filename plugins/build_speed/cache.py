"""Where a build keeps what it read: one cache folder per content folder and code version.

Pelican's content cache trusts a post whose file is unchanged. After an edit to the settings,
a plugin or Pelican itself, a cached post could be stale, so the cache of each content folder
lives in a subfolder named by a fingerprint of all of those; a new fingerprint starts empty.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
from pathlib import Path

# Settings that say where files go, not how a post is read: they do not key the cache.
_UNKEYED = {"OUTPUT_PATH", "CACHE_PATH", "BUILD_SPEED_CACHE_ROOT"}


def _plain(value):
    """VALUE when it is plain data (as settings from a file are), else None."""
    try:
        json.dumps(value, sort_keys=True)
    except (TypeError, ValueError):
        return None
    return value


def code_fingerprint(settings, plugin_paths):
    """A fingerprint of what shapes a post as read: settings, plugin code, Pelican, Python."""
    import pelican

    digest = hashlib.blake2b(digest_size=8)
    digest.update(f"{pelican.__version__}\0{sys.version}\0".encode())
    plain = {name: _plain(value) for name, value in settings.items() if name not in _UNKEYED}
    digest.update(json.dumps(plain, sort_keys=True, default=str).encode())
    for folder in plugin_paths:
        for path in sorted(Path(folder).rglob("*.py")):
            digest.update(f"{path}\0".encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def site_folder(root, content):
    """The folder under ROOT that holds the caches of the content folder CONTENT."""
    content = str(Path(content).resolve())
    return Path(root) / hashlib.blake2b(content.encode(), digest_size=8).hexdigest()


def cache_folder(root, settings):
    """The cache folder under ROOT for this build's content and code; stale folders go."""
    root = Path(root)
    content = str(Path(settings["PATH"]).resolve())
    site = site_folder(root, content)
    folder = site / code_fingerprint(settings, settings.get("PLUGIN_PATHS") or ())
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
