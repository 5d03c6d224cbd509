"""TOPICS_* / TOPIC_* settings: defaults in one place, checked when Pelican starts."""

from plugins.themes.vocabulary import DEFAULT_TOPIC_URL

DEFAULTS = {
    # The index of every theme.
    "TOPICS_URL": "topics/",
    "TOPICS_SAVE_AS": "topics/index.html",
    # One page and one Atom and one RSS feed per theme; {slug} is the theme's slug.
    # Every link to a topic page follows it: themes' cross-links and theme lists, the sitemap.
    "TOPIC_URL": DEFAULT_TOPIC_URL,
    "TOPIC_SAVE_AS": "topics/{slug}/index.html",
    "TOPIC_FEED_ATOM": "topics/{slug}/feed.atom.xml",
    "TOPIC_FEED_RSS": "topics/{slug}/feed.rss.xml",
    # Themes listed as "often alongside" on a topic page.
    "TOPICS_ALONGSIDE_MAX": 6,
    # Links drawn on the co-occurrence map (the strongest ones); the table lists them all.
    "TOPICS_MAP_MAX_LINKS": 40,
}

_NEEDS_SLUG = ("TOPIC_URL", "TOPIC_SAVE_AS", "TOPIC_FEED_ATOM", "TOPIC_FEED_RSS")
_COUNTS = ("TOPICS_ALONGSIDE_MAX", "TOPICS_MAP_MAX_LINKS")


class TopicsSettingsError(ValueError):
    """A TOPICS_* setting that cannot work: says which, why and how to fix it."""


def resolve(settings):
    """The topics settings with defaults filled in, checked; raises TopicsSettingsError."""
    resolved = {name: settings.get(name, default) for name, default in DEFAULTS.items()}
    for name in ("TOPICS_URL", "TOPICS_SAVE_AS", *_NEEDS_SLUG):
        value = resolved[name]
        if not isinstance(value, str) or not value or value.startswith("/"):
            raise TopicsSettingsError(
                f"{name} = {value!r} is not a relative path. Fix: set {name} in pelican.conf.py "
                f"to text like {DEFAULTS[name]!r} (no leading slash)."
            )
    for name in _NEEDS_SLUG:
        if "{slug}" not in resolved[name]:
            raise TopicsSettingsError(
                f"{name} = {resolved[name]!r} has no {{slug}}, so every topic would share one "
                f"file. Fix: include {{slug}}, e.g. {DEFAULTS[name]!r}."
            )
    for name in ("TOPICS_SAVE_AS", "TOPIC_SAVE_AS", "TOPIC_FEED_ATOM", "TOPIC_FEED_RSS"):
        if resolved[name].endswith("/"):
            raise TopicsSettingsError(
                f"{name} = {resolved[name]!r} names a folder, not a file. Fix: end it with a "
                f"file name, e.g. {DEFAULTS[name]!r}."
            )
    for name in _COUNTS:
        value = resolved[name]
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise TopicsSettingsError(
                f"{name} = {value!r} is not a whole number. Fix: set it to 0 or more "
                f"(default {DEFAULTS[name]})."
            )
    known = set(DEFAULTS)
    unknown = sorted(
        name for name in settings if name.startswith(("TOPICS_", "TOPIC_")) and name not in known
    )
    if unknown:
        raise TopicsSettingsError(
            f"unknown setting(s) {', '.join(unknown)}. Fix: use only {', '.join(DEFAULTS)}."
        )
    return resolved
