"""TOPICS_* / TOPIC_* settings: defaults in one table, checked when Pelican starts."""

from plugins.settings_table import Setting, SettingsError, SettingsTable, relative_path, whole
from plugins.themes.vocabulary import DEFAULT_TOPIC_URL


class TopicsSettingsError(SettingsError):
    """A TOPICS_* setting that cannot work: says which, why and how to fix it."""


_PATH = "(a relative path, no leading slash)"
TABLE = SettingsTable(
    "topics",
    ("TOPICS_", "TOPIC_"),
    [
        # The index of every theme.
        Setting("TOPICS_URL", "topics/", relative_path(), f"the URL of the topics index {_PATH}"),
        Setting(
            "TOPICS_SAVE_AS",
            "topics/index.html",
            relative_path(file=True),
            f"the file of the topics index {_PATH}",
        ),
        # One page and one Atom and one RSS feed per theme; {slug} is the theme's slug.
        Setting(
            "TOPIC_URL",
            DEFAULT_TOPIC_URL,
            relative_path(slug="topic"),
            f"the URL of a theme's page, with {{slug}} {_PATH}",
        ),
        Setting(
            "TOPIC_SAVE_AS",
            "topics/{slug}/index.html",
            relative_path(slug="topic", file=True),
            f"the file of a theme's page, with {{slug}} {_PATH}",
        ),
        Setting(
            "TOPIC_FEED_ATOM",
            "topics/{slug}/feed.atom.xml",
            relative_path(slug="topic", file=True),
            f"the file of a theme's Atom feed, with {{slug}} {_PATH}",
        ),
        Setting(
            "TOPIC_FEED_RSS",
            "topics/{slug}/feed.rss.xml",
            relative_path(slug="topic", file=True),
            f"the file of a theme's RSS feed, with {{slug}} {_PATH}",
        ),
        Setting(
            "TOPICS_ALONGSIDE_MAX",
            6,
            whole(0),
            "how many themes a topic page lists as 'often alongside', a whole number",
        ),
        Setting(
            "TOPICS_MAP_MAX_LINKS",
            40,
            whole(0),
            "how many links the co-occurrence map draws (the strongest; the table lists them "
            "all), a whole number",
        ),
    ],
    error=TopicsSettingsError,
)
DEFAULTS = TABLE.defaults


def resolve(settings):
    """The topics settings with defaults filled in, checked; raises TopicsSettingsError."""
    return TABLE.resolve(settings)
