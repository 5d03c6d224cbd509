"""Drafts and scheduled posts: production builds publish neither; previews label scheduled ones.

A draft (`status: draft`) or a post dated in the future is for the author's eyes. Local builds
write drafts under /drafts/ and show scheduled posts with a label; `make publish` (no
DRAFT_SAVE_AS, WITH_FUTURE_DATES off: publish.conf.py) leaves both out of every list.
"""

from pelican import signals

from plugins import post_model
from plugins.content_checks.checks import is_scheduled

__all__ = ["drop_unpublished_drafts", "mark_scheduled", "register"]


def drop_unpublished_drafts(generator):
    """In builds that do not write drafts (DRAFT_SAVE_AS empty: `make publish`), remove them
    from every list, so no listing, feed, search index or sitemap can reach them."""
    if generator.settings.get("DRAFT_SAVE_AS"):
        return
    generator.drafts, generator.drafts_translations = [], []
    generator.context["drafts"] = []


def mark_scheduled(generator):
    """Set article.blog.scheduled on every article dated in the future, for the preview's
    label."""
    # Only local builds get here with such posts: publish.conf.py sets WITH_FUTURE_DATES =
    # False, which makes Pelican read them as drafts, and production builds drop drafts from
    # everything (drop_unpublished_drafts).
    for article in [*generator.articles, *generator.translations, *generator.hidden_articles]:
        post_model.of(article).scheduled = is_scheduled(getattr(article, "date", None))


def register():
    # article_generator_pretaxonomy: every article is read; the label is set before any page
    # or listing is made from it.
    signals.article_generator_pretaxonomy.connect(mark_scheduled)
    # article_generator_finalized: after the plugins that work on every article (themes,
    # glossary ... come earlier in PLUGINS), before any listing, feed or index is made.
    signals.article_generator_finalized.connect(drop_unpublished_drafts)
