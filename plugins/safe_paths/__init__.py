"""Stop the build when a post's, page's, tag's or category's output path is unsafe or taken.

Pelican already refuses a post whose save_as leaves OUTPUT_PATH. This guard adds what it
does not check, before anything is written:

* every output path stays inside OUTPUT_PATH (tags, categories and authors too);
* no path part is `..`, holds a backslash, NUL or other control character, or is longer
  than NAME_MAX_BYTES (most file systems stop at 255 bytes);
* a slug is one URL segment: no `/` in it;
* no two contents map to the same file, compared case-insensitively and after NFC
  normalisation (macOS and Windows disks, and many web servers, treat `Post` and `post`,
  or `café` composed and decomposed, as one name), and no post or page takes a page the
  site itself writes (archives, tags, feeds, sitemap, search, topics, pagination ...), or a
  static file, and no post or page writes a dot-file (.htaccess is a web server's setting).

Before the build reads anything (tree.py, static.py): no file in the content folder may be a
link that resolves outside it or a special file (device, FIFO, socket), and no static file may
be script (HTML, JavaScript, an SVG holding script) unless SAFE_PATHS_ALLOW_STATIC names it.

Problems are collected and raised together as one UnsafePathError naming the source files.
"""

from __future__ import annotations

import functools
import os
import posixpath
import re
import unicodedata
from dataclasses import dataclass

from plugins.author_errors import AuthorErrors
from plugins.settings_table import Setting, SettingsError, SettingsTable, sequence_of_text

from .static import static_problems
from .tree import UnsafeContentError, refuse_unsafe_files, unsafe_files

__all__ = [
    "SETTINGS",
    "Target",
    "UnsafeContentError",
    "UnsafePathError",
    "check_targets",
    "collision_key",
    "same_file",
    "refuse_unsafe_files",
    "static_problems",
    "unsafe_files",
]


class SafePathsSettingsError(SettingsError):
    """A SAFE_PATHS_* setting is unknown or has the wrong form."""


# Every setting of this plugin; unknown SAFE_PATHS_* names are refused when the build starts.
TABLE = SettingsTable(
    "safe_paths",
    ("SAFE_PATHS_",),
    [
        Setting(
            "SAFE_PATHS_ALLOW_STATIC",
            (),
            sequence_of_text,
            "a tuple of the static files (paths inside the content folder, e.g. "
            "'extra/google1234.html') copied although they are HTML, JavaScript, an SVG with "
            "script or a dot-file",
        ),
    ],
    error=SafePathsSettingsError,
)
SETTINGS = {name: (s.default, s.help) for name, s in TABLE.settings.items()}

NAME_MAX_BYTES = 200
_BAD_CHARS = re.compile(r"[\x00-\x1f\x7f\\]")
# Pages the site writes itself; a post or page must not take their place.
RESERVED_SETTINGS = (
    "ARCHIVES_SAVE_AS",
    "CATEGORIES_SAVE_AS",
    "TAGS_SAVE_AS",
    "AUTHORS_SAVE_AS",
    "INDEX_SAVE_AS",
)
# Folders the site writes itself: no post or page may write anything inside them. The topics,
# search and glossary plugins add their own folders, from their settings (SITE_OWNED_PATHS).
RESERVED_FOLDERS = ("feeds", "theme", "page")
RESERVED_FILES = ("sitemap.xml", "robots.txt", "drafts/index.html")
# The content's own patterns: a post written where posts are written is not a clash.
CONTENT_PATTERNS = (
    "ARTICLE_SAVE_AS",
    "ARTICLE_LANG_SAVE_AS",
    "DRAFT_SAVE_AS",
    "DRAFT_LANG_SAVE_AS",
    "PAGE_SAVE_AS",
    "PAGE_LANG_SAVE_AS",
    "DRAFT_PAGE_SAVE_AS",
    "DRAFT_PAGE_LANG_SAVE_AS",
    "STATIC_SAVE_AS",
    "STATIC_LANG_SAVE_AS",
)


class UnsafePathError(AuthorErrors):
    """Some contents would be written outside the output or over each other."""

    def __init__(self, problems: list[str]):
        super().__init__(f"{len(problems)} output path problem(s)", "nothing was written", problems)


@dataclass(frozen=True)
class Target:
    """One file the build will write, and what it comes from (for messages)."""

    save_as: str
    source: str
    content: bool = True  # a post or page (False: a tag, category, author or static file)


def path_problems(target: Target, output_path: str) -> list[str]:
    """What is wrong with one target's path on its own."""
    problems = []
    save_as = target.save_as
    parts = save_as.replace("\\", "/").split("/")
    if _BAD_CHARS.search(save_as):
        shown = save_as.encode("unicode_escape").decode("ascii")
        problems.append(
            f"{target.source}: its output path '{shown}' holds a backslash or control "
            "character. Fix: use letters, digits and hyphens in the slug"
        )
    if target.content and any(part.startswith(".") and part != ".." for part in parts):
        problems.append(
            f"{target.source}: its output path '{save_as}' is a hidden file (a name starting "
            "with '.'), which web servers read as settings. Fix: use letters, digits and "
            "hyphens in the slug, and remove any 'save_as:' or 'url:' line"
        )
    if ".." in parts or save_as.startswith("/"):
        problems.append(
            f"{target.source}: its output path '{save_as}' climbs out with '..' or '/'. "
            "Fix: use letters, digits and hyphens in the slug"
        )
    long = [part for part in parts if len(part.encode("utf-8")) > NAME_MAX_BYTES]
    if long:
        problems.append(
            f"{target.source}: a part of its output path is {len(long[0].encode())} bytes "
            f"long ('{long[0][:40]}...'); at most {NAME_MAX_BYTES} fit on every disk. "
            "Fix: give it a shorter slug"
        )
    root = os.path.realpath(output_path)
    full = os.path.realpath(os.path.join(root, save_as.replace("\x00", "")))
    if os.path.commonpath([root, full]) != root:
        problems.append(
            f"{target.source}: it would be written to {full}, outside the output folder "
            f"{root}. Fix: use letters, digits and hyphens in the slug"
        )
    return problems


def collision_key(save_as: str) -> str:
    """The name a case-insensitive, normalising file system sees."""
    return unicodedata.normalize("NFC", posixpath.normpath(save_as)).casefold()


def _fold(text: str) -> str:
    return unicodedata.normalize("NFC", text).casefold()


def _pattern(save_as: str) -> re.Pattern:
    """A pattern for the files a *_SAVE_AS setting such as 'tag/{slug}/index.html' names."""
    pieces = re.split(r"(\{[^}]*\})", save_as)
    regex = []
    for piece in pieces:
        if not piece.startswith("{"):
            regex.append(re.escape(_fold(piece)))
        elif re.fullmatch(r"\{date:%[Ymd]\}", piece):
            regex.append(r"\d{4}" if piece.endswith("Y}") else r"\d{2}")
        else:
            regex.append(r"[^/]+")
    return re.compile("".join(regex))


def _reserved_tests(reserved):
    """(path, test of a collision key) for each of RESERVED, in order (see _reserved_by)."""
    tests = []
    for path in reserved:
        if "{" in path:
            tests.append((path, _pattern(path).fullmatch))
        elif path.endswith("/"):
            tests.append((path, functools.partial(_starts_with, _fold(path))))
        else:
            tests.append((path, collision_key(path).__eq__))
    return tests


def _starts_with(prefix, key):
    return key.startswith(prefix)


def _reserved_by(key: str, tests) -> str | None:
    """The reserved path or pattern a content's collision KEY falls on, or None (TESTS: what
    _reserved_tests made of the reserved paths, once for all the site's contents)."""
    for path, test in tests:
        if test(key):
            return path
    return None


def same_file(items, key=collision_key):
    """(first, later) for each of ITEMS (anything with a save_as) whose file an earlier one
    writes too, in order; items without a save_as write nothing. KEY says what counts as the
    same file: by default what a case-insensitive, normalising file system sees.

    The one test of two things at one address: the build's path check below, and the
    content checks' "same URL" error (plugins/content_checks, with key=str: identical paths).
    """
    first_by_key = {}
    for item in items:
        if not item.save_as:
            continue
        first = first_by_key.setdefault(key(item.save_as), item)
        if first is not item:
            yield first, item


def check_targets(targets: list[Target], output_path: str, reserved=()) -> list[str]:
    """Every problem with TARGETS: unsafe paths and files two sources would both write.

    RESERVED: what the site writes itself: exact paths, folders (ending in '/') and patterns
    of *_SAVE_AS settings ('tag/{slug}/index.html'); no post or page may take any of them.
    """
    problems = []
    earlier = {id(later): first for first, later in same_file(targets)}
    tests = _reserved_tests(reserved)
    for target in targets:
        problems += path_problems(target, output_path)
        key = collision_key(target.save_as)
        taken = _reserved_by(key, tests) if target.content else None
        if taken is not None:
            problems.append(
                f"{target.source}: its page '{target.save_as}' is one the site writes itself "
                f"('{taken}'). Fix: give it another slug, and remove any 'save_as:' or 'url:' "
                "line"
            )
        first = earlier.get(id(target), target)
        if first is not target and first.source != target.source:
            same = "the same file" if first.save_as == target.save_as else "files that differ"
            problems.append(
                f"{first.source} and {target.source} would both be written to "
                f"'{target.save_as}' ({same} only by case or Unicode form). "
                "Fix: give one of them another slug"
            )
    return problems


def slug_problems(content, source: str) -> list[str]:
    """A slug must be one URL segment."""
    slug = str(getattr(content, "slug", "") or "")
    if "/" in slug:
        return [f"{source}: its slug '{slug}' contains '/'. Fix: use hyphens instead"]
    return []


def _source(content, root) -> str:
    path = getattr(content, "source_path", None)
    return os.path.relpath(path, root) if path and root else str(path or content)


def gather(context, settings) -> tuple[list[Target], list[str]]:
    """Targets of every article, page, tag, category and author; slug problems."""
    root = settings.get("PATH", "")
    targets, problems = [], []
    contents = []
    for key in ("articles", "drafts", "pages", "hidden_pages", "draft_pages"):
        contents += list(context.get(key) or ())
    for content in list(contents):
        contents += list(getattr(content, "translations", None) or ())
    seen_ids = set()
    for content in contents:
        if id(content) in seen_ids:
            continue
        seen_ids.add(id(content))
        source = _source(content, root)
        problems += slug_problems(content, source)
        if content.save_as:
            targets.append(Target(content.save_as, source))
        old = old_address(content, settings)
        if old and old != content.save_as:
            targets.append(Target(old, f"{source} (the page at its original_url)"))
    for key, kind in (("tags", "tag"), ("categories", "category"), ("authors", "author")):
        for wrapper, _ in context.get(key) or ():
            if wrapper.save_as:
                targets.append(Target(wrapper.save_as, f"the {kind} '{wrapper.name}'", False))
    for static in context.get("staticfiles") or ():
        if getattr(static, "save_as", None):
            targets.append(Target(static.save_as, _source(static, root), False))
    return targets, problems


def old_address(content, settings) -> str | None:
    """Where plugins/old_addresses writes the page that sends a post's old Blogger address on
    (a path the post's original_url chooses), when that plugin runs."""
    original = (getattr(content, "metadata", None) or {}).get("original_url")
    if not original or "plugins.old_addresses" not in (settings.get("PLUGINS") or ()):
        return None
    if settings.get("OLD_ADDRESSES", True) is False:
        return None
    from urllib.parse import urlsplit

    path = urlsplit(str(original).strip()).path.lstrip("/")
    return path if path.endswith(".html") else None


def reserved_paths(settings) -> list[str]:
    """Output files, folders and *_SAVE_AS patterns the site writes itself (see check_targets)."""
    paths = [settings[name] for name in RESERVED_SETTINGS if settings.get(name)]
    paths += [f"{folder}/" for folder in RESERVED_FOLDERS]
    paths += list(RESERVED_FILES)
    for name, value in settings.items():
        feed = "FEED" in name and name.endswith(("_ATOM", "_RSS"))
        writes = name.endswith("_SAVE_AS") or feed
        if writes and name not in CONTENT_PATTERNS and isinstance(value, str) and value:
            paths.append(value)
    # Other plugins register what they write (the glossary plugin: glossary/index.html and
    # cpd/); a path ending in "/" is a folder whose every file is the site's.
    paths += list(settings.get("SITE_OWNED_PATHS") or ())
    return list(dict.fromkeys(paths))


def check_site(pelican_or_generators):
    """Raise UnsafePathError listing every unsafe or colliding output path."""
    generators = pelican_or_generators
    settings, context = generators[0].settings, generators[0].context
    targets, problems = gather(context, settings)
    problems += check_targets(targets, settings["OUTPUT_PATH"], reserved_paths(settings))
    if problems:
        raise UnsafePathError(list(dict.fromkeys(problems)))


def safe_paths_settings(settings):
    """The SAFE_PATHS_* settings with defaults; SafePathsSettingsError on an unknown or bad one."""
    return TABLE.resolve(settings)


def check_content_folder(pelican):
    """Refuse unsafe links, special files and scriptable static files before anything is read."""
    settings = pelican.settings
    allowed = safe_paths_settings(settings)["SAFE_PATHS_ALLOW_STATIC"]
    root = settings["PATH"]
    problems = unsafe_files(root, settings.get("IGNORE_FILES") or ())
    if problems:
        raise UnsafeContentError(problems)
    problems = static_problems(root, settings.get("STATIC_PATHS") or (), allowed)
    if problems:
        raise UnsafeContentError(problems)


def register():
    # Pelican is imported here, not at the top: the importer and `make publish` use the
    # unsafe-file check (tree.py) without paying for importing Pelican.
    from pelican import signals

    # get_generators is sent at the start of every build (the devserver's rebuilds too),
    # before any generator reads a post or copies a static file; it adds no generator.
    signals.get_generators.connect(check_content_folder)
    # all_generators_finalized: every article, page, tag and category has its final
    # save_as, and nothing has been written yet, so a bad path stops the build cleanly.
    signals.all_generators_finalized.connect(check_site)
