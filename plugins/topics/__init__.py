"""Topic pages: /topics/ with a map of themes, /topics/<slug>/ with posts, quote and feed."""

from datetime import UTC, datetime

from pelican import signals

from .core import (
    Entry,
    MapNode,
    Quote,
    QuoteSource,
    alongside,
    group_by_year,
    key_quote,
    map_svg,
    neighbours,
    pair_counts,
    posts_by_theme,
)
from .generator import (
    Topic,
    TopicsError,
    TopicsGenerator,
    finish_pending_quotes,
    vocabulary_for,
)
from .settings import DEFAULTS, TopicsSettingsError, resolve

__all__ = [
    "DEFAULTS",
    "Entry",
    "MapNode",
    "Quote",
    "QuoteSource",
    "Topic",
    "TopicsError",
    "TopicsGenerator",
    "TopicsSettingsError",
    "alongside",
    "check_settings",
    "finish_pending_quotes",
    "get_generators",
    "group_by_year",
    "key_quote",
    "map_svg",
    "neighbours",
    "pair_counts",
    "posts_by_theme",
    "register",
    "resolve",
    "steady_empty_feed",
    "vocabulary_for",
]


def check_settings(pelican):
    """Fail at start, naming the setting and the fix, when a TOPICS_* value cannot work."""
    settings = pelican.settings
    resolved = resolve(settings)
    # Every template (the navigation) and plugin (the sitemap) reads the addresses from here.
    for name in ("TOPICS_URL", "TOPICS_SAVE_AS", "TOPIC_URL", "TOPIC_SAVE_AS"):
        settings[name] = resolved[name]
    # safe_paths refuses any post or page that would write inside the topic pages' folder.
    folder = resolved["TOPIC_SAVE_AS"].split("{slug}", 1)[0]
    owned = [resolved["TOPICS_SAVE_AS"], *([folder] if folder.endswith("/") else [])]
    known = list(settings.get("SITE_OWNED_PATHS") or ())
    settings["SITE_OWNED_PATHS"] = list(dict.fromkeys([*known, *owned]))
    if "plugins.themes" not in pelican.settings.get("PLUGINS", ()):
        raise TopicsError(
            "the topics plugin needs the themes plugin (it reads the theme vocabulary). "
            "Fix: add 'plugins.themes' to PLUGINS in pelican.conf.py, before 'plugins.topics'."
        )


def get_generators(pelican):
    """Hand Pelican the generator class; it makes a fresh one, with fresh state, every build."""
    return TopicsGenerator


def steady_empty_feed(context, feed):
    """Date an empty feed by the site's newest post, not the clock, so rebuilds are identical."""
    # feedgenerator stamps a feed without entries (a theme with no posts yet) with the current
    # time; every other feed takes its <updated> from its newest entry.
    if feed.items:
        return
    dates = [article.date for article in (context or {}).get("articles", ())]
    newest = max(dates, default=datetime(1970, 1, 1, tzinfo=UTC))
    feed.latest_post_date = lambda: newest


def register():
    # initialized: settings are checked before any content is read.
    signals.initialized.connect(check_settings)
    # get_generators: Pelican runs plugin generators after the articles and pages generators, so
    # TopicsGenerator sees finished articles (themes set) and writes through Pelican's writer.
    signals.get_generators.connect(get_generators)
    # feed_generated: sent for every feed after its entries are added and before it is written.
    signals.feed_generated.connect(steady_empty_feed)
    # finalized: every page is written; quotes no page of this process asked for are kept.
    signals.finalized.connect(finish_pending_quotes)
