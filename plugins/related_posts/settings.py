"""RELATED_POSTS_* settings: their defaults in one table, checked when Pelican starts."""

from plugins.settings_table import Setting, SettingsError, SettingsTable, number_between, whole

from . import core


class RelatedPostsSettingsError(SettingsError):
    """A RELATED_POSTS_* setting with the wrong type or range: says which and how to fix it."""


TABLE = SettingsTable(
    "related_posts",
    ("RELATED_POSTS_",),
    [
        Setting(
            "RELATED_POSTS_MAX",
            core.DEFAULT_K,
            whole(0),
            "how many related posts each article lists, a whole number, 0 to hide the section",
        ),
        Setting(
            "RELATED_POSTS_WINDOW",
            core.DEFAULT_WINDOW,
            whole(1),
            "the posts looked at either side of an article in one theme's date-ordered list "
            "(a cost bound), a whole number, at least 1",
        ),
        Setting(
            "RELATED_POSTS_TIME_WEIGHT",
            core.DEFAULT_TIME_WEIGHT,
            number_between(0),
            "the extra score for closeness in time (all of it for posts on the same day), "
            "a number, 0 to ignore dates",
        ),
        Setting(
            "RELATED_POSTS_TEXT_WEIGHT",
            core.DEFAULT_TEXT_WEIGHT,
            number_between(0),
            "the extra score for shared keywords (all of it for identical keyword sets), "
            "a number, 0 to ignore the words",
        ),
        Setting(
            "RELATED_POSTS_KEYWORDS",
            core.DEFAULT_KEYWORDS,
            whole(0),
            "the keywords kept per post (its most frequent content words), a whole number, "
            "0 to ignore the words",
        ),
    ],
    error=RelatedPostsSettingsError,
)
DEFAULTS = TABLE.defaults


def resolve(settings):
    """The RELATED_POSTS_* settings with defaults filled in, checked; raises on a bad value."""
    return TABLE.resolve(settings)
