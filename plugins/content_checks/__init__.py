"""Build-time content checks: clear errors for bad posts, warnings for weak ones."""

import logging
import os
from pathlib import Path

from pelican import signals

from plugins import post_model
from plugins.build_speed.pool import answer_of, in_background, posts_worth

from .checks import (
    DEFAULTS,
    ERROR,
    TABLE,
    WARNING,
    Post,
    Problem,
    check_posts,
    field_line,
    group_by_state,
    is_scheduled,
    scheduled_posts,
    summary_cut_mid_word,
)

__all__ = [
    "DEFAULTS",
    "ERROR",
    "WARNING",
    "Post",
    "Problem",
    "check_posts",
    "content_files",
    "field_line",
    "group_by_state",
    "is_scheduled",
    "load_vocabulary_or_none",
    "post_from_content",
    "register",
    "scheduled_posts",
    "summary_cut_mid_word",
]

logger = logging.getLogger(__name__)


def _shown(path):
    from plugins.author_errors import shown_path

    return shown_path(path)


def content_files(root):
    """Every file under the content folder, as '/'-separated paths relative to it."""
    found = set()
    for folder, _dirs, files in os.walk(root):
        for name in files:
            found.add(Path(os.path.relpath(os.path.join(folder, name), root)).as_posix())
    return found


def load_vocabulary_or_none(settings):
    """The theme vocabulary, or None when there is none (or it is broken: the themes plugin
    reports that itself)."""
    try:
        from plugins.themes.settings import DEFAULT_VOCABULARY
        from plugins.themes.vocabulary import load_vocabulary
    except ImportError:
        return None
    # The same file the themes plugin reads: THEMES_VOCABULARY, else the project's own.
    path = settings.get("THEMES_VOCABULARY") or DEFAULT_VOCABULARY
    if not os.path.exists(path):
        return None
    try:
        return load_vocabulary(path)
    except ValueError:
        return None


def _paths(source_path, content_root):
    """(path as shown, path relative to the content folder) of the file SOURCE_PATH."""
    relpath = Path(os.path.relpath(source_path, content_root)).as_posix()
    return _shown(source_path), relpath


def post_from_content(content, kind, content_root, sources=None):
    """A Post record for a Pelican Article or Page (SOURCES: a dict of what _paths gave for
    each file already seen in this build, added to)."""
    source = content.source_path
    with open(source, encoding="utf-8-sig") as handle:
        text = handle.read()
    if sources is None:
        path, relpath = _paths(source, content_root)
    else:
        key = (source, content_root)
        if key not in sources:
            sources[key] = _paths(source, content_root)
        path, relpath = sources[key]
    metadata = content.metadata
    themes = post_model.get(content, "themes")
    return Post(
        path=path,
        relpath=relpath,
        source_text=text,
        title=str(getattr(content, "title", "")),
        slug=getattr(content, "slug", "") or "",
        url=content.url or "",
        save_as=content.save_as or "",
        status=getattr(content, "status", "published"),
        kind=kind,
        summary=metadata.get("summary"),
        body_html=content._content or "",
        tags=[str(tag) for tag in getattr(content, "tags", None) or []],
        themes_exclude=list(metadata.get("themes_exclude") or []),
        themes=None if themes is None else [getattr(t, "slug", str(t)) for t in themes],
        date=getattr(content, "date", None),
    )


def _settings(settings):
    return TABLE.resolve(settings)


def on_initialized(pelican):
    """Check the settings before any file is read."""
    _settings(pelican.settings)


def _article_posts(generator, sources=None):
    root = generator.settings["PATH"]
    items = [
        *generator.articles,
        *generator.translations,
        *generator.hidden_articles,
        *generator.drafts,
        *generator.drafts_translations,
    ]
    return [post_from_content(item, "article", root, sources) for item in items]


def _log(problems, already=frozenset()):
    errors, warnings = group_by_state([p for p in problems if p not in already])
    for problem in warnings:
        logger.warning("%s", problem)
    if errors:
        listed = "\n".join(f"  {problem}" for problem in errors)
        logger.error("%d problem(s) in the content:\n%s", len(errors), listed)


def _source_of(article):
    return getattr(article, "relative_source_path", None) or article.source_path


def report_tag_slug_collisions(articles):
    """Warn about two spellings of a tag that share one slug, and so one tag page."""
    by_slug = {}
    for article in articles:
        for tag in getattr(article, "tags", None) or ():
            by_slug.setdefault(tag.slug, {}).setdefault(tag.name, _source_of(article))
    for slug, names in sorted(by_slug.items()):
        if len(names) > 1:
            (first, first_path), (second, second_path) = list(names.items())[:2]
            logger.warning(
                "themes: tags '%s' (%s) and '%s' (%s) share the slug '%s' and so one tag "
                "page; spell the tag the same way in both posts",
                first,
                first_path,
                second,
                second_path,
                slug,
            )


# The fewest articles (posts_worth: a long one counts as many) for which checking them in a
# forked process, beside the build's next steps, paid (issue 15; 1,000 posts took 0.23 s of
# the build's process alone).
BACKGROUND_MIN = 200


def check_articles(generator):
    """Check the articles as soon as they are read and their themes known."""
    # article_generator_pretaxonomy: every article is read and has its themes. With many
    # posts the checks run in a forked process while the build goes on (the themes' links,
    # the glossary's marks), and what they find is reported at article_generator_finalized
    # (after those, PLUGINS order), before safe_paths and related_posts look at the posts
    # as a whole at all_generators_finalized, so two posts at one URL still get this
    # plugin's message (file, line, fix) and nothing is written.
    settings = generator.settings
    vocabulary, resolved = load_vocabulary_or_none(settings), _settings(settings)

    def work():
        # What depends on the files alone (their paths as shown, what is searched in their
        # text, the content folder's list) is kept for run_checks, which checks them again.
        sources, memo, files = {}, {}, content_files(settings["PATH"])
        posts = _article_posts(generator, sources)
        problems = check_posts(posts, files, vocabulary, resolved, style=False, memo=memo)
        return problems, (sources, memo, files)

    posts = (*generator.articles, *generator.drafts, *generator.hidden_articles)
    count = posts_worth(post._content for post in posts)
    running = in_background(settings, work, count, BACKGROUND_MIN)
    generator.content_checks_pending = (running, work)
    # After the themes plugin (earlier in PLUGINS, same signal) has moved the tags that name a
    # theme out of article.tags: only plain tags make tag pages.
    report_tag_slug_collisions(generator.articles)
    if running is None:
        report_article_checks(generator)


def report_article_checks(generator):
    """Report what check_articles found (waiting for the forked process checking them)."""
    # article_generator_finalized (the posts' bodies final), or run_checks when the signal
    # did not come (check_articles run on its own).
    pending = getattr(generator, "content_checks_pending", None)
    generator.content_checks_pending = None
    if pending is None:
        return
    problems, read = answer_of(*pending)
    generator.content_checks_reported = frozenset(problems)
    generator.content_checks_read = read
    _log(problems)


def run_checks(generators):
    """Check articles and pages together, with the warnings that need themes; report only
    what check_articles has not already reported."""
    # all_generators_finalized: every file is read, the themes plugin has set
    # article.themes (article_generator_finalized), and nothing is written yet.
    articles = pages = None
    for generator in generators:
        if hasattr(generator, "drafts_translations"):
            articles = generator
        elif hasattr(generator, "hidden_pages"):
            pages = generator
    if articles is None:
        return
    report_article_checks(articles)
    settings = articles.settings
    read = getattr(articles, "content_checks_read", None)
    articles.content_checks_read = None  # used once
    sources, memo, files = read or ({}, {}, content_files(settings["PATH"]))
    posts = _article_posts(articles, sources)
    if pages is not None:
        posts += [
            post_from_content(item, "page", settings["PATH"], sources)
            for item in [*pages.pages, *pages.hidden_pages, *pages.draft_pages]
        ]
    problems = check_posts(
        posts,
        files,
        load_vocabulary_or_none(settings),
        _settings(settings),
        memo=memo,
    )
    _log(problems, getattr(articles, "content_checks_reported", frozenset()))


def register():
    signals.initialized.connect(on_initialized)
    signals.article_generator_pretaxonomy.connect(check_articles)
    signals.article_generator_finalized.connect(report_article_checks)
    signals.all_generators_finalized.connect(run_checks)
