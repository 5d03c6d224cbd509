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
  site itself writes (archives, tags, search, topics ...).

Problems are collected and raised together as one UnsafePathError naming the source files.
"""

from __future__ import annotations

import os
import posixpath
import re
import unicodedata
from dataclasses import dataclass

from pelican import signals

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
RESERVED_FOLDERS = ("topics", "search", "feeds", "theme", "pagefind", "page", "drafts")


class UnsafePathError(Exception):
    """Some contents would be written outside the output or over each other."""

    def __init__(self, problems: list[str]):
        # `problem` and `fix` let content_checks' log filter show it without a traceback.
        self.problems = problems
        self.problem = f"{len(problems)} output path problem(s)"
        self.fix = "each line says which file to change"
        listed = "\n".join(f"  {line}" for line in problems)
        super().__init__(f"{self.problem}; nothing was written:\n{listed}")


@dataclass(frozen=True)
class Target:
    """One file the build will write, and what it comes from (for messages)."""

    save_as: str
    source: str


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


def check_targets(targets: list[Target], output_path: str, reserved=()) -> list[str]:
    """Every problem with TARGETS: unsafe paths and files two sources would both write."""
    problems = []
    seen: dict[str, Target] = {}
    reserved_keys = {collision_key(path): path for path in reserved}
    for target in targets:
        problems += path_problems(target, output_path)
        key = collision_key(target.save_as)
        folder = next(
            (
                path
                for path in reserved
                if path.endswith("/") and key.startswith(collision_key(path) + "/")
            ),
            None,
        )
        if key in reserved_keys or folder:
            problems.append(
                f"{target.source}: its page '{target.save_as}' is one the site writes itself "
                f"('{reserved_keys.get(key) or folder}'). Fix: give it another slug"
            )
        first = seen.setdefault(key, target)
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
    for key, kind in (("tags", "tag"), ("categories", "category"), ("authors", "author")):
        for wrapper, _ in context.get(key) or ():
            if wrapper.save_as:
                targets.append(Target(wrapper.save_as, f"the {kind} '{wrapper.name}'"))
    return targets, problems


def reserved_paths(settings) -> list[str]:
    """Output files the site writes itself, that no content may take."""
    paths = [settings[name] for name in RESERVED_SETTINGS if settings.get(name)]
    paths += [f"{folder}/index.html" for folder in RESERVED_FOLDERS]
    # Other plugins register what they write (the glossary plugin: glossary/index.html and
    # cpd/); a path ending in "/" is a folder whose every file is the site's.
    paths += list(settings.get("SITE_OWNED_PATHS") or ())
    return paths


def check_site(pelican_or_generators):
    """Raise UnsafePathError listing every unsafe or colliding output path."""
    generators = pelican_or_generators
    settings, context = generators[0].settings, generators[0].context
    targets, problems = gather(context, settings)
    problems += check_targets(targets, settings["OUTPUT_PATH"], reserved_paths(settings))
    if problems:
        raise UnsafePathError(list(dict.fromkeys(problems)))


def register():
    # all_generators_finalized: every article, page, tag and category has its final
    # save_as, and nothing has been written yet, so a bad path stops the build cleanly.
    signals.all_generators_finalized.connect(check_site)
