"""Check every post without building the site: print all problems at once, exit 1 on errors.

Usage: python scripts/check_content.py [CONTENT] [-s pelican.conf.py]

Reads each post with the blog's own reader (plugins/yaml_metadata) and runs the same checks
as the build (plugins/content_checks), so `make check` and `make html` agree.
"""

from __future__ import annotations

import argparse
import fnmatch
import logging
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

from plugins.content_checks import (  # noqa: E402
    ERROR,
    WARNING,
    Problem,
    check_posts,
    content_files,
    load_vocabulary_or_none,
    post_from_content,
    scheduled_posts,
)

INFO = "info"  # shown, never counted as a problem

from plugins.author_errors import AuthorError, shown_path  # noqa: E402
from plugins.author_text import printable  # noqa: E402
from plugins.yaml_metadata import post_readers  # noqa: E402


def _settings(conf, content):
    from pelican.settings import read_settings

    return read_settings(str(conf), override={"PATH": str(Path(content).resolve())})


def _source_files(settings, paths_key, excludes_key):
    """Posts (Markdown, HTML, reStructuredText) under the article (or page) folders, as
    Pelican's generators find them."""
    root = Path(settings["PATH"])
    ignores = settings.get("IGNORE_FILES", [])
    excludes = [root / e for e in settings.get(excludes_key, [])]
    found = []
    for folder in settings[paths_key]:
        base = root / folder
        if base.is_file():
            found.append(base)
            continue
        for path in sorted(base.rglob("*")):
            if not path.is_file() or path.suffix.lstrip(".") not in post_readers():
                continue
            if any(fnmatch.fnmatch(path.name, pattern) for pattern in ignores):
                continue
            if any(path.is_relative_to(e) for e in excludes):
                continue
            found.append(path)
    return found


def read_posts(settings):
    """Read every article and page: (Posts, their Pelican objects, problems, files read)."""
    from pelican.contents import Article, Page
    from pelican.readers import Readers

    readers = Readers(settings)
    for extension, reader_class in post_readers().items():
        readers.readers[extension] = reader_class(settings)
    context = {
        **settings,
        "generated_content": {},
        "static_links": set(),
        "static_content": {},
        "localsiteurl": settings.get("SITEURL", ""),
    }
    root = settings["PATH"]
    posts, contents, problems = [], [], []
    jobs = [
        ("article", Article, p)
        for p in _source_files(settings, "ARTICLE_PATHS", "ARTICLE_EXCLUDES")
    ]
    jobs += [("page", Page, p) for p in _source_files(settings, "PAGE_PATHS", "PAGE_EXCLUDES")]
    for kind, content_class, path in jobs:
        try:
            content = readers.read_file(
                base_path=root,
                path=os.path.relpath(path, root),
                content_class=content_class,
                context=context,
            )
        except AuthorError as error:
            problems.append(Problem.from_error(error))
            continue
        except Exception as error:  # any other reader failure still names the file
            problems.append(
                Problem(
                    shown_path(path),
                    None,
                    ERROR,
                    f"the file could not be read ({type(error).__name__}: {error})",
                    "Check the front matter and Markdown around the start of the file",
                )
            )
            continue
        if kind == "article" and not hasattr(content, "date"):
            problems.append(
                Problem(
                    shown_path(path),
                    2,
                    ERROR,
                    "the post has no date",
                    "Add a line 'date: YYYY-MM-DD HH:MM' to the front matter.",
                )
            )
            continue
        posts.append(post_from_content(content, kind, root))
        contents.append(content)
    return posts, contents, problems, len(jobs)


def html_as_built(content, settings):
    """CONTENT's HTML as the build's plugins see it after reading (safe_html cleans it there,
    at content_object_init; read here without plugins, it has not been)."""
    if "plugins.safe_html" not in settings.get("PLUGINS", ()):
        return content._content or ""
    from plugins.safe_html import clean, safe_html_settings

    allow = safe_html_settings(settings)["SAFE_HTML_ALLOW_ELEMENTS"]
    return clean(content._content or "", allow)[0]


def theme_decisions(contents, settings, vocabulary):
    """{source path: PostThemes} for every article, decided as the build decides them."""
    from pelican.contents import Article

    from plugins.themes.decision import decide, post_input, theme_options

    options = theme_options(settings)
    return {
        content.source_path: decide(
            post_input(content, html=html_as_built(content, settings)), vocabulary, options
        )
        for content in contents
        if isinstance(content, Article)
    }


def detect_themes(posts, contents, settings, vocabulary):
    """Give each article the themes the build would give it (so 'no theme' warnings match)."""
    decisions = theme_decisions(contents, settings, vocabulary)
    for post, content in zip(posts, contents, strict=True):
        if content.source_path in decisions:
            post.themes = [theme.slug for theme in decisions[content.source_path].themes]
    return decisions


def unsafe_content(settings):
    """Errors for links out of the content folder, special files and scriptable static files
    (the build refuses them too, before reading anything: plugins/safe_paths)."""
    from plugins.safe_paths import SETTINGS, static_problems, unsafe_files

    root = settings["PATH"]
    allowed = settings.get("SAFE_PATHS_ALLOW_STATIC", SETTINGS["SAFE_PATHS_ALLOW_STATIC"][0])
    found = unsafe_files(root, settings.get("IGNORE_FILES") or ())
    found += static_problems(root, settings.get("STATIC_PATHS") or (), allowed)
    return [Problem(f.path, None, ERROR, f"this file {f.problem}", f"Fix: {f.fix}") for f in found]


def vocabulary_problems(settings):
    """An error for a theme vocabulary that cannot be read (the build stops on it too)."""
    try:
        from plugins.themes.settings import DEFAULT_VOCABULARY
        from plugins.themes.vocabulary import VocabularyError, load_vocabulary
    except ImportError:
        return []
    path = settings.get("THEMES_VOCABULARY") or DEFAULT_VOCABULARY
    if not os.path.exists(path):
        return []
    try:
        load_vocabulary(path)
    except VocabularyError as error:
        return [Problem.from_error(error)]
    return []


def since_written(contents, settings):
    """Information, not problems: posts whose 'Since this was written' note the build adds."""
    if "plugins.glossary" not in settings.get("PLUGINS", ()):
        return []
    from plugins.glossary import TableError
    from plugins.glossary.report import dated_posts

    try:
        dated = dated_posts(contents, settings)
    except TableError as error:  # a broken glossary or law table stops the build too
        return [Problem.from_error(error)]
    return [
        Problem(
            shown_path(content.source_path),
            None,
            INFO,
            f"written {content.date:%Y-%m-%d}; since then "
            + "; ".join(note.text.rstrip(".") for note in notes),
            "Its page says so in a note at the top; nothing to do unless the post should say more",
        )
        for content, notes in dated
    ]


def privacy_problems(paths):
    """The privacy check's findings (plugins/privacy_check) as Problems: errors, warnings, notes."""
    from plugins.privacy_check import check_files

    findings, _statuses = check_files(paths, shown=shown_path)
    return [Problem(f.path, f.line, f.severity, f.problem, f.fix) for f in findings]


def settings_problems(settings, conf):
    """Errors for plugin settings the build would refuse at start (each plugin's table)."""
    from plugins.settings_table import SettingsError, tables_for

    problems = []
    for table in tables_for(settings.get("PLUGINS") or ()):
        try:
            table.resolve(settings)
        except SettingsError as error:
            problems.append(Problem(shown_path(conf), None, ERROR, error.problem, error.fix))
    return problems


def check(content, conf, read=None):
    """All problems in the content tree, errors and warnings, sorted by file and line (READ, a
    list, gets the posts read)."""
    settings = _settings(conf, content)
    wrong = settings_problems(settings, conf)
    if wrong:  # the build would stop before reading a post
        return 0, wrong
    unsafe = unsafe_content(settings)
    if unsafe:  # reading a FIFO would never end, and a link out would be read
        return 0, unsafe
    posts, contents, problems, count = read_posts(settings)
    problems += vocabulary_problems(settings)
    vocabulary = load_vocabulary_or_none(settings)
    if vocabulary is not None:
        detect_themes(posts, contents, settings, vocabulary)
    problems += check_posts(posts, content_files(settings["PATH"]), vocabulary)
    problems += since_written(contents, settings)
    # The privacy check reads Markdown and its front matter (plugins/privacy_check), as
    # `make publish` does; posts in HTML or reStructuredText are not its input.
    from plugins.privacy_check import EXTENSIONS

    problems += privacy_problems(
        [content.source_path for content in contents if content.source_path.endswith(EXTENSIONS)]
    )
    if read is not None:
        read.extend(posts)
    return count, sorted(problems, key=lambda p: (p.path, p.line or 0, p.severity))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("content", nargs="?", default=str(ROOT / "content"))
    parser.add_argument("-s", "--settings", default=str(ROOT / "pelican.conf.py"))
    args = parser.parse_args(argv)
    # Pelican's reader logs (e.g. an image without alt text) would interleave with the report.
    logging.getLogger("pelican").setLevel(logging.ERROR)
    posts = []
    count, problems = check(args.content, args.settings, read=posts)
    for problem in problems:
        print(printable(f"{problem.severity}: {problem}", one_line=True))
    scheduled = scheduled_posts(posts)
    for line in scheduled:
        print(printable(f"scheduled: {line}", one_line=True))
    errors = sum(p.severity == ERROR for p in problems)
    warnings = sum(p.severity == WARNING for p in problems)
    notes = sum(p.severity == "note" for p in problems)
    files = "file" if count == 1 else "files"
    noted = f", {notes} privacy note(s)" if notes else ""
    later = f", {len(scheduled)} scheduled" if scheduled else ""
    print(f"Checked {count} {files}: {errors} error(s), {warnings} warning(s){noted}{later}.")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
