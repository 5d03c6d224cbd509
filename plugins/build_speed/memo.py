"""The build memo: results a plugin worked out in the last build, kept for the next one.

The one incremental layer of our plugins. A plugin asks its memo for a result under a key
made of everything the result depends on (`memo.key(...)`, the one hashing helper); a build
whose inputs are unchanged gets the kept result instead of working it out again, so the
output is the same bytes. Kept only while Pelican's content cache is on (`make html`, the
devserver), in CACHE_PATH, which this plugin keys by content folder, settings, code and the
versions of the packages that shape a result (cache.py). Each save keeps only what that
build used, so the cache never outgrows the site. Clients: themes (ThemesAnswers), topics
(TopicQuotes), related_posts (RelatedPosts), glossary (Glossary), reading_time (ReadingTime),
and search (SearchIndex, a folder per result: the Pagefind bundle).
"""

from __future__ import annotations

import contextlib
import gzip
import logging
import os
import pickle
import shutil
import tempfile
from pathlib import Path

from plugins.collector import collector_paused

from .cache import discard
from .keys import key as memo_key

logger = logging.getLogger(__name__)

__all__ = ["BuildMemo", "FolderMemo", "folder_memo_for", "memo_for", "memo_key"]


def memo_for(settings, name):
    """The BuildMemo NAME for a plugin: it keeps nothing unless the cache is on (see BuildMemo)."""
    return BuildMemo(settings, name, enabled=_caching(settings))


def _caching(settings):
    # Only in a keyed cache folder (the build_speed plugin in use): an unkeyed CACHE_PATH would
    # hand a result made by other code or settings to this build.
    plugins = settings.get("PLUGINS") or ()
    return bool(settings.get("CACHE_CONTENT")) and "plugins.build_speed" in plugins


class BuildMemo:
    """{key: result} kept between builds under CACHE_PATH/NAME when the content cache is on.

    Off (no content cache, or no build_speed plugin), it keeps nothing and hashes nothing:
    `key` gives None and `get` works the result out, so a plugin asks the same way either way.
    Like Pelican's own cache files, the file is compressed when GZIP_CACHE is on. The file is
    a run of pickled (key, result) pairs: a result worked out in this build is written to the
    next file as soon as it is known and not held until `save` (memory at 10,000 posts).
    """

    def __init__(self, settings, name, enabled=None):
        self.enabled = bool(settings.get("CACHE_CONTENT")) if enabled is None else enabled
        self.path = os.path.join(settings.get("CACHE_PATH", "cache"), name)
        # Pelican's default for GZIP_CACHE is True, as here when the setting is missing.
        self.opener = gzip.open if settings.get("GZIP_CACHE", True) else open
        self.loading = self.enabled and bool(settings.get("LOAD_CONTENT_CACHE"))
        self.kept = {}
        # Results of this build: from the kept file (held there anyway), or _WRITTEN when
        # worked out here and already in the next file.
        self.used = {}
        self._next = None  # the next file, while it is being written
        if self.loading:
            self.kept = load_records(self.path, self.opener)

    def key(self, *parts):
        """The key of a result that depends on PARTS (None when nothing is kept)."""
        return memo_key(*parts) if self.enabled else None

    def get(self, key, work):
        """The result kept under KEY, else WORK() (kept for the next build)."""
        if not self.enabled:
            return work()
        if key in self.kept:
            result = self.used[key] = self.kept[key]
            return result
        result = work()
        self.keep(key, result)
        return result

    def find(self, key, default=None):
        """The result kept under KEY (kept again for the next build), else DEFAULT."""
        if key not in self.kept:
            return default
        result = self.used[key] = self.kept[key]
        return result

    def keep(self, key, result):
        """Keep RESULT under KEY for the next build (worked out by the caller)."""
        if not self.enabled or key in self.used:
            return
        if self._write(key, result):
            self.used[key] = _WRITTEN
        else:
            self.used[key] = result  # the file could not be started: kept until save says so

    def _write(self, key, result):
        """Add (KEY, RESULT) to the next file, started at the first; False if it cannot be."""
        try:
            if self._next is None:
                temporary = f"{self.path}.{os.getpid()}.tmp"
                os.makedirs(os.path.dirname(self.path) or ".", exist_ok=True)
                self._next = (temporary, self.opener(temporary, "wb"))
            with collector_paused():  # a long post's results are many objects
                pickle.dump((key, result), self._next[1], protocol=pickle.HIGHEST_PROTOCOL)
        except (OSError, pickle.PicklingError, TypeError) as error:
            self._abandon(error)
            return False
        return True

    def _abandon(self, error):
        """Give up the next file (it is removed), saying why once."""
        if self._next is not None:
            temporary, handle = self._next
            self._next = False
            with contextlib.suppress(OSError):
                handle.close()
                os.remove(temporary)
        logger.warning("build_speed: could not save %s: %s", self.path, error)

    def save(self):
        """Keep this build's results, and only those, for the next build."""
        if not self.enabled or self._next is False:
            return
        if self._next is None and self.used.keys() == self.kept.keys():
            return  # nothing new to keep: every result came from the kept file
        for key, result in self.used.items():
            if result is not _WRITTEN and not self._write(key, result):
                return
        if self._next is None:  # this build used no result: nothing to keep
            with contextlib.suppress(OSError):
                os.remove(self.path)
            return
        temporary, handle = self._next
        try:
            handle.close()
            os.replace(temporary, self.path)  # never a half-written file
        except OSError as error:
            self._next = (temporary, handle)
            self._abandon(error)
        self._next = None


# Stands in BuildMemo.used for a result already written to the next file.
_WRITTEN = object()


def load_records(path, opener=open):
    """{key: result} from the run of pickled pairs at PATH; {} when none or (noted) unreadable."""
    kept = {}
    try:
        with opener(path, "rb") as handle:
            while handle.peek(1):
                with collector_paused():  # a long post's results are many objects
                    record = pickle.load(handle)
                if not (isinstance(record, tuple) and len(record) == 2):
                    discard(path, "it holds no cache")
                    return {}
                kept[record[0]] = record[1]
    except FileNotFoundError:
        return {}  # the first build
    except Exception as error:
        discard(path, f"{type(error).__name__}: {error}".rstrip(": "))
        return {}
    return kept


def folder_memo_for(settings, name):
    """The FolderMemo NAME for a plugin, or None when no cache is kept (as memo_for)."""
    if not _caching(settings):
        return None
    return FolderMemo(
        Path(settings.get("CACHE_PATH", "cache")) / name, bool(settings.get("LOAD_CONTENT_CACHE"))
    )


class FolderMemo:
    """A folder of files kept between builds in FOLDER/<key>, for one result.

    For a result that is files (search's Pagefind bundle): the last build's folder is
    reused while its key is the same, and replaced (never half-written) when it is not.
    """

    def __init__(self, folder, loading=True):
        self.folder = Path(folder)
        self.loading = loading

    def restore(self, key, target, copy):
        """Put the folder kept under KEY at TARGET with COPY(source, target); False if none."""
        entry = self.folder / key
        if not self.loading or not entry.is_dir():
            return False
        shutil.copytree(entry, target, copy_function=copy)
        return True

    def keep(self, key, source, copy):
        """Keep the folder SOURCE under KEY for the next build, in place of what was kept."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            temporary = Path(tempfile.mkdtemp(prefix=".new-", dir=self.folder))
            shutil.copytree(source, temporary, dirs_exist_ok=True, copy_function=copy)
            for old in self.folder.iterdir():
                if old != temporary:
                    shutil.rmtree(old, ignore_errors=True)
            os.replace(temporary, self.folder / key)  # a half-copied folder is never reused
        except OSError:  # a cache that cannot be written only costs the next build time
            pass
