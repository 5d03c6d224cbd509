"""Edit to preview: write a saved post's page from the last build, before the full rebuild.

When a save changes only the body of one published article or draft, the devserver
(scripts/devserver.py) calls `preview` first: the post is read with the last build's reader,
the plugins' per-post steps run on it alone (the plugins' own signal receivers, given a view of
the last build's articles generator that holds just this post), and its page is rendered with
the last build's template and context and put in place in one rename. The full rebuild
follows, as always, and leaves the site exactly as a full build of the edited content.

What the preview takes from the last build, not from the saved post: what depends on every
post together (its neighbours, related posts, the posts beside it in each topic, the lists on
other pages): they catch up with the full rebuild a moment later. A save that changes where
the post goes or how other pages show it (any front matter field) goes the full way at once:
see `reason_for_full_build` and PLACING_FIELDS.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import tempfile
from pathlib import Path

from pelican import signals

from plugins import post_model

__all__ = [
    "FROM_LAST_BUILD",
    "PER_POST",
    "PLACING_FIELDS",
    "Preview",
    "allow",
    "keep_last_build",
    "preview",
    "reason_for_full_build",
]

logger = logging.getLogger(__name__)

# The front matter fields that place a post or reach other pages: its address and file
# (slug, date, save_as, url, lang, translation), the lists it is in (status, category, tags,
# themes, themes_exclude, authors), what lists show of it (title, summary, modified, image),
# and its template. A change to any of these, or to any other front matter field (the preview
# never guesses whether a field it does not know reaches other pages), goes the full way.
PLACING_FIELDS = (
    "title",
    "date",
    "modified",
    "slug",
    "status",
    "category",
    "tags",
    "themes",
    "themes_exclude",
    "author",
    "authors",
    "summary",
    "save_as",
    "url",
    "lang",
    "translation",
    "template",
)

# The receivers the full build runs on each post on its own, by signal: the preview runs the
# same functions on the saved post alone, in the order the build runs them.
PER_POST = {
    "article_generator_pretaxonomy": {
        "plugins.reading_time.add_reading_time",
        "plugins.themes.assign_themes",
        "plugins.content_checks.check_articles",
        "plugins.drafts.mark_scheduled",
    },
    "article_generator_finalized": {
        "plugins.themes.link_themes",
        "plugins.glossary.annotate_articles",
        "plugins.imported_comments.attach",
        "plugins.content_checks.report_article_checks",
        "plugins.build_speed.freeze_urls",
    },
    "all_generators_finalized": {"plugins.content_checks.run_checks"},
}

# The receivers that work on all posts together: for the saved post their results are the last
# build's (FROM_OLD_POST copies them), and the full rebuild works them out afresh.
FROM_LAST_BUILD = {
    "article_generator_pretaxonomy": {
        "plugins.related_posts.find_keywords",  # for add_related_posts, below
    },
    "article_generator_finalized": {
        "plugins.post_navigation.set_neighbours",  # neighbours: date and status are unchanged
        "plugins.drafts.drop_unpublished_drafts",  # a published post stays published
        "plugins.build_speed.listed.index_taxonomy_lists",  # the tag pages' lists, unchanged
    },
    "all_generators_finalized": {
        "plugins.related_posts.add_related_posts",
        "plugins.safe_paths.check_site",  # the post's address is unchanged
        "scripts.preview.keep_last_build",
    },
}
# Receivers outside plugins that only look at a build (the devserver's, which may run as
# __main__): `allow` adds them.
_ALLOWED = set()


def allow(receiver):
    """Let RECEIVER, which changes nothing a page shows, be connected while previews run."""
    _ALLOWED.add(receiver)
    return receiver


# PostModel fields the preview takes from the post's last build (see FROM_LAST_BUILD; topics
# fills theme_neighbours in its generator, which reads every post).
FROM_OLD_POST = ("older_post", "newer_post", "theme_neighbours", "related")


class _LastBuild:
    """The articles generator of the most recent build (its context, reader and templates)."""

    generator = None


def keep_last_build(generators):
    """Keep the build's articles generator for the next save's preview."""
    # all_generators_finalized: every post is read and finished, nothing is written yet.
    _LastBuild.generator = next((g for g in generators if hasattr(g, "drafts_translations")), None)


def take_last_build():
    """The generator kept by keep_last_build, let go of here (one build's posts in memory)."""
    generator, _LastBuild.generator = _LastBuild.generator, None
    return generator


def _name(receiver):
    return f"{getattr(receiver, '__module__', '?')}.{getattr(receiver, '__qualname__', '?')}"


def _receivers(signal, sender):
    return list(signal.receivers_for(sender))


def unknown_steps(generator):
    """Receivers of the build's article signals the preview does not know (none: it may run)."""
    unknown = []
    for name in PER_POST:
        signal = getattr(signals, name)
        for receiver in _receivers(signal, generator):
            known = PER_POST[name] | FROM_LAST_BUILD[name]
            if _name(receiver) not in known and receiver not in _ALLOWED:
                unknown.append(f"{name}: {_name(receiver)}")
    return unknown


class OnePost:
    """The last build's articles generator as the per-post steps see it: only ARTICLE in it."""

    def __init__(self, generator, article, kind="articles"):
        self._generator = generator
        for name in (*PREVIEWED_LISTS, *_OTHER_LISTS):
            setattr(self, name, [article] if name == kind else [])
        # The build memo off: a memo saved by a step here would keep this one post's results
        # only, and the full rebuild that follows would work out every other post's again.
        # One post's results are worked out afresh; the memo never changes a result.
        self.settings = {**generator.settings, "CACHE_CONTENT": False, "LOAD_CONTENT_CACHE": False}

    def __getattr__(self, name):
        return getattr(self._generator, name)


class _Held(logging.Handler):
    """Keeps the records logged during a preview (the full build says them, once)."""

    def __init__(self):
        super().__init__(level=logging.NOTSET)
        self.records = []

    def emit(self, record):
        self.records.append(record)


class _Drop(logging.Filter):
    def filter(self, record):
        return False


@contextlib.contextmanager
def held_messages():
    """Hold back every log line while the preview runs; yield the records."""
    root = logging.getLogger()
    held, drop = _Held(), _Drop()
    others = list(root.handlers)
    for handler in others:
        handler.addFilter(drop)
    root.addHandler(held)
    try:
        yield held.records
    finally:
        root.removeHandler(held)
        for handler in others:
            handler.removeFilter(drop)


class Preview:
    """What a preview did: the page written (or None) and why not, for the console and tests."""

    def __init__(self, page=None, reason=None):
        self.page, self.reason = page, reason

    def __bool__(self):
        return self.page is not None


# The generator's lists whose posts a preview may write (Pelican writes each with its own call).
PREVIEWED_LISTS = ("articles", "drafts")
_OTHER_LISTS = ("translations", "hidden_articles", "hidden_translations", "drafts_translations")


def _old_article(generator, path):
    """(the post read from PATH in the last build, the list it is in), or (None, None)."""
    found = [
        (article, name)
        for name in (*PREVIEWED_LISTS, *_OTHER_LISTS)
        for article in getattr(generator, name)
        if os.path.abspath(article.source_path) == path
    ]
    if len(found) != 1 or found[0][1] not in PREVIEWED_LISTS:
        return None, None
    return found[0]


def reason_for_full_build(generator, path, old_read, new_read, old):
    """Why the saved post at PATH must go the full way, or None when its body alone changed."""
    if old is None:
        return "not a published or draft article of the last build"
    if getattr(old, "translations", None) or getattr(old, "in_default_lang", True) is False:
        return "a post with translations"
    if old_read is None:
        return "the last build's reading of the post is not kept"
    old_metadata, new_metadata = old_read[1], new_read[1]
    for name in PLACING_FIELDS:
        if old_metadata.get(name) != new_metadata.get(name):
            return f"its front matter field '{name}' changed"
    if set(old_metadata) != set(new_metadata):
        return "a front matter field was added or removed"
    for name in old_metadata:
        if old_metadata[name] != new_metadata[name]:
            return f"its front matter field '{name}' changed"
    return None


def _write_page(generator, article, output, kind="articles"):
    """Render ARTICLE's page as the build does and put it in place with one rename."""
    from pelican.writers import Writer

    settings = generator.settings
    target = Path(output) / article.save_as
    folder = tempfile.mkdtemp(prefix=".preview-", dir=output)
    try:
        writer = Writer(folder, settings=settings)
        # The call Pelican's ArticlesGenerator makes for each article (generate_articles)
        # and for each draft (generate_drafts, which also passes all_articles).
        extra = {}
        if kind == "articles":
            signals.article_generator_write_article.send(generator, content=article)
        else:
            extra["all_articles"] = generator.articles
        writer.write_file(
            article.save_as,
            generator.get_template(article.template),
            generator.context,
            relative_urls=settings["RELATIVE_URLS"],
            article=article,
            category=getattr(article, "category", None),
            override_output=hasattr(article, "override_save_as"),
            url=article.url,
            blog=True,
            **extra,
        )
        os.replace(Path(folder) / article.save_as, target)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return target


def preview(generator, path, output):
    """Write the page of the saved article at PATH (absolute) from GENERATOR, the last build's
    articles generator, when the save changed only its body; return a Preview."""
    from pelican.contents import Article

    if generator is None:
        return Preview(reason="no finished build to preview from")
    unknown = unknown_steps(generator)
    if unknown:
        return Preview(reason=f"a plugin step the preview does not know ({unknown[0]})")
    old, kind = _old_article(generator, path)
    if old is None or not old.save_as:
        return Preview(reason="not a published or draft article with a page in the last build")
    readers = generator.readers
    cached = getattr(readers, "_cache", {}).get(path)
    old_read = cached[1] if isinstance(cached, tuple) and len(cached) == 2 else None
    with held_messages() as records:
        try:
            article = readers.read_file(
                base_path=generator.path,
                path=os.path.relpath(path, generator.path),
                content_class=Article,
                context=generator.context,
                preread_signal=signals.article_generator_preread,
                preread_sender=generator,
                context_signal=signals.article_generator_context,
                context_sender=generator,
            )
        except Exception as error:  # the full build reports it, as it always does
            return Preview(reason=f"the post does not read ({type(error).__name__})")
        new_read = getattr(readers, "_cache", {}).get(path, (None, None))[1]
        if new_read is None:
            return Preview(reason="the post's reading is not kept")
        reason = reason_for_full_build(generator, path, old_read, new_read, old)
        if reason is None and getattr(article, "status", None) != old.status:
            reason = "its status changed"
        if reason is not None:
            return Preview(reason=reason)
        # What Pelican's generator sets on each post after reading it (translations...).
        for name, value in vars(old).items():
            if name not in vars(article) and name not in ("blog", "override_url"):
                setattr(article, name, value)
        one = OnePost(generator, article, kind)
        try:
            for name, sender in (
                ("article_generator_pretaxonomy", one),
                ("article_generator_finalized", one),
                ("all_generators_finalized", [one]),
            ):
                for receiver in _receivers(getattr(signals, name), generator):
                    if _name(receiver) in PER_POST[name]:
                        receiver(sender)
        except Exception as error:  # the full build stops on it and says why
            return Preview(reason=f"a plugin step failed ({type(error).__name__})")
        model, old_model = post_model.of(article), post_model.of(old)
        for field in FROM_OLD_POST:
            setattr(model, field, getattr(old_model, field))
        if article.save_as != old.save_as or article.url != old.url:
            return Preview(reason="its address changed")
        if any(record.levelno >= logging.ERROR for record in records):
            return Preview(reason="the build reports an error in it")
        try:
            page = _write_page(generator, article, generator.output_path, kind)
        except Exception as error:  # a template error: the full build says it
            return Preview(reason=f"its page does not render ({type(error).__name__})")
    return Preview(page=page)
