"""Results a plugin worked out in the last build, kept in the build cache for the next one.

A plugin asks for a result under a key made of everything the result depends on; a build
whose inputs are unchanged gets the kept result instead of working it out again, so the output
is the same bytes. Kept only while Pelican's content cache is on (`make html`, the devserver),
in CACHE_PATH, which the build_speed plugin keys by content folder and code version. Each
save keeps only what that build used, so the file never outgrows the site.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle

from .cache import load_cache

logger = logging.getLogger(__name__)


def memo_for(settings, name):
    """The BuildMemo NAME for a plugin, or None when the build_speed plugin is not in use."""
    if "plugins.build_speed" not in (settings.get("PLUGINS") or ()):
        return None
    return BuildMemo(settings, name)


def memo_key(*parts):
    """A short key for PARTS (strings, numbers, tuples of them...), by their repr."""
    return hashlib.blake2b(repr(parts).encode("utf-8", "surrogatepass"), digest_size=16).digest()


class BuildMemo:
    """{key: result} kept between builds under CACHE_PATH/NAME when the content cache is on."""

    key = staticmethod(memo_key)

    def __init__(self, settings, name):
        self.enabled = bool(settings.get("CACHE_CONTENT"))
        self.path = os.path.join(settings.get("CACHE_PATH", "cache"), name)
        self.kept = {}
        self.used = {}
        if self.enabled and settings.get("LOAD_CONTENT_CACHE"):
            self.kept = load_cache(self.path)

    def get(self, key, work):
        """The result kept under KEY, else WORK() (kept for the next build)."""
        result = self.kept[key] if key in self.kept else work()
        self.used[key] = result
        return result

    def save(self):
        """Keep this build's results, and only those, for the next build."""
        if not self.enabled or self.used.keys() == self.kept.keys():
            return  # nothing new to keep: every result came from the kept file
        temporary = f"{self.path}.{os.getpid()}.tmp"
        try:
            os.makedirs(os.path.dirname(self.path) or ".", exist_ok=True)
            with open(temporary, "wb") as handle:
                pickle.dump(self.used, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, self.path)  # never a half-written file
        except (OSError, pickle.PicklingError, TypeError) as error:
            logger.warning("build_speed: could not save %s: %s", self.path, error)
