"""RELATED_POSTS_* settings: their defaults in one place, and a check run when Pelican starts."""

from . import core

DEFAULTS = {
    # How many related posts each article page lists.
    "RELATED_POSTS_MAX": core.DEFAULT_K,
    # Posts looked at either side of an article in one theme's date-ordered list (cost bound).
    "RELATED_POSTS_WINDOW": core.DEFAULT_WINDOW,
    # Extra score for closeness in time (at most this much, for posts on the same day).
    "RELATED_POSTS_TIME_WEIGHT": core.DEFAULT_TIME_WEIGHT,
    # Extra score for shared keywords (at most this much, for identical keyword sets).
    "RELATED_POSTS_TEXT_WEIGHT": core.DEFAULT_TEXT_WEIGHT,
    # Keywords kept per post for the text overlap: its most frequent content words.
    "RELATED_POSTS_KEYWORDS": 40,
}

_CHECKS = {
    "RELATED_POSTS_MAX": (int, 0, "a whole number of posts, 0 to hide the section"),
    "RELATED_POSTS_WINDOW": (int, 1, "a whole number of posts, at least 1"),
    "RELATED_POSTS_TIME_WEIGHT": ((int, float), 0, "a number, 0 to ignore dates"),
    "RELATED_POSTS_TEXT_WEIGHT": ((int, float), 0, "a number, 0 to ignore the words"),
    "RELATED_POSTS_KEYWORDS": (int, 0, "a whole number of words, 0 to ignore the words"),
}


class RelatedPostsSettingsError(ValueError):
    """A RELATED_POSTS_* setting with the wrong type or range: says which and how to fix it."""


def resolve(settings):
    """The RELATED_POSTS_* settings with defaults filled in, checked; raises on a bad value."""
    resolved = {name: settings.get(name, default) for name, default in DEFAULTS.items()}
    for name, (kind, minimum, meaning) in _CHECKS.items():
        value = resolved[name]
        if isinstance(value, bool) or not isinstance(value, kind) or value < minimum:
            raise RelatedPostsSettingsError(
                f"{name} = {value!r} is not valid. Fix: set {name} in pelican.conf.py to {meaning} "
                f"(default {DEFAULTS[name]!r})."
            )
    unknown = sorted(
        name for name in settings if name.startswith("RELATED_POSTS_") and name not in DEFAULTS
    )
    if unknown:
        raise RelatedPostsSettingsError(
            f"unknown setting(s) {', '.join(unknown)}. Fix: use only {', '.join(DEFAULTS)}."
        )
    return resolved
