"""Refuse a content (or sources) folder that would publish what is not in it, or hang reading it.

Pelican follows symbolic links: a picture linked to /etc/passwd, or to /proc/self/environ (the
build's environment, upload credentials and all), would be published; a linked folder would be
copied whole; reading a FIFO never ends. Every command that reads content calls
`unsafe_files` first: the build (plugins/safe_paths, before any file is read or copied),
`make check` (scripts/check_content.py) and the importer (`refuse_unsafe_files`).

Pure functions over the file system; no Pelican.
"""

from __future__ import annotations

import fnmatch
import os
import stat
from typing import NamedTuple

from plugins.author_errors import AuthorErrors
from plugins.author_text import printable


class Finding(NamedTuple):
    """One unsafe file: where it is (as shown), what is wrong, how to fix it."""

    path: str
    problem: str
    fix: str

    def __str__(self):
        return f"{self.path} {self.problem}. Fix: {self.fix}"


class UnsafeContentError(AuthorErrors):
    """Files in the content folder resolve outside it or are not ordinary files."""

    def __init__(self, problems: list[str]):
        problem = f"{len(problems)} unsafe file(s) in the content folder"
        super().__init__(problem, "nothing was read or written", problems)


_KINDS = (
    (stat.S_ISFIFO, "a named pipe (FIFO): reading it would wait for ever"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)
_FIX_LINK = "copy the file into the folder itself (cp --dereference), or remove the link"
_FIX_SPECIAL = "remove it from the folder"


def _special(mode):
    for test, what in _KINDS:
        if test(mode):
            return what
    return None if stat.S_ISREG(mode) or stat.S_ISDIR(mode) else "not an ordinary file"


def _shown(path):
    relative = os.path.relpath(path)
    return printable(path if relative.startswith("..") else relative, one_line=True)


def unsafe_files(root, ignore=()) -> list[Finding]:
    """One line per file or folder under ROOT that resolves outside ROOT or is not ordinary.

    IGNORE: file name patterns that are never read (Pelican's IGNORE_FILES, e.g. '.#*', the
    lock links an editor leaves beside a file being edited). Links are not followed, so a link
    loop or a linked folder is looked at once, as a link.
    """
    root = os.path.abspath(root)
    real_root = os.path.realpath(root)
    problems = []
    for folder, dirs, files in os.walk(root, followlinks=False):
        dirs.sort()
        for name in sorted(files) + dirs:
            if any(fnmatch.fnmatch(name, pattern) for pattern in ignore):
                continue
            path = os.path.join(folder, name)
            try:
                info = os.lstat(path)
            except OSError:
                continue  # removed while we looked: nothing to read
            if stat.S_ISLNK(info.st_mode):
                problems += _link_problems(path, real_root)
            elif (what := _special(info.st_mode)) is not None:
                problems.append(Finding(_shown(path), f"is {what}", _FIX_SPECIAL))
    return problems


def _link_problems(path, real_root):
    target = os.path.realpath(path)
    if os.path.commonpath([real_root, target]) != real_root:
        written = printable(os.readlink(path), one_line=True)
        return [Finding(_shown(path), f"is a link to {written}, outside the folder", _FIX_LINK)]
    try:
        info = os.stat(path)
    except OSError:
        return [Finding(_shown(path), "is a link to a file that does not exist", _FIX_LINK)]
    what = _special(info.st_mode)
    if what is not None:
        return [Finding(_shown(path), f"is a link to {what}", _FIX_SPECIAL)]
    return []


def refuse_unsafe_files(root, ignore=()):
    """Raise UnsafeContentError listing every unsafe file under ROOT (see unsafe_files)."""
    problems = unsafe_files(root, ignore)
    if problems:
        raise UnsafeContentError(problems)
