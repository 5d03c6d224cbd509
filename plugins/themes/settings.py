"""THEMES_* settings: every default in one place, checked when Pelican starts."""

from pathlib import Path

from plugins.build_speed.pool import RETIRED

# The project's vocabulary by absolute path, so a build of any INPUTDIR uses the same themes.
DEFAULT_VOCABULARY = str(Path(__file__).resolve().parents[2] / "content" / "themes.yaml")

DEFAULTS = {
    # Detection (also keyword options of detect_themes, lower case without THEMES_).
    "THEMES_THRESHOLD": 2.0,  # minimum score to tag; one sentence adds at most SENTENCE_CAP
    "THEMES_TITLE_WEIGHT": 3.0,  # a strong phrase in the title counts this much
    "THEMES_WEAK_WEIGHT": 0.4,  # a weak phrase counts this fraction of a strong one
    "THEMES_SENTENCE_CAP": 2.0,  # one sentence adds at most this much to a theme
    "THEMES_MIN_SENTENCES": 2,  # strong mentions in this many sentences, or in the title
    "THEMES_SENTENCES_PER_MENTION": 12,  # long texts need a mention per this many sentences
    "THEMES_RELATIVE": 0.15,  # below this fraction of the top theme's score is a side issue
    "THEMES_MAX_THEMES": 5,  # never more themes than this on one post
    # A sentence with this many different weak phrases of a theme counts as a strong mention
    # ("police", "health visitor" and "schools" in one sentence); 0 turns it off.
    "THEMES_COOCCURRENCE": 3,
    "THEMES_LONG_PHRASE_WORDS": 4,  # a strong phrase of this many words is specific ...
    "THEMES_LONG_PHRASE_WEIGHT": 2.0,  # ... and counts this much
    "THEMES_SHORT_POST": 8,  # a post of at most this many sentences needs one strong sentence
}

SETTINGS = {
    "THEMES_VOCABULARY": DEFAULT_VOCABULARY,
    "THEMES_DETECT": True,  # give posts without theme tags their detected themes at build time
    "THEMES_CROSSLINKS": True,  # link the first mention of each theme to its topic page
    "THEMES_CROSSLINK_CLASS": "theme-link",
    # How loudly the build reports themes it chose for posts without theme tags: "warning"
    # shows in every build (the author should confirm them), "info" only with -v.
    "THEMES_REPORT_LEVEL": "warning",
    **DEFAULTS,
}

_NUMBERS = {key: (0, None) for key in DEFAULTS}
_NUMBERS["THEMES_RELATIVE"] = (0, 1)


class ThemesSettingsError(ValueError):
    """A THEMES_* setting with the wrong type or range; names the setting and the fix."""


def detection_options(settings):
    """The detect_themes keyword options from Pelican SETTINGS (defaults filled in)."""
    return {key[len("THEMES_") :].lower(): settings.get(key, DEFAULTS[key]) for key in DEFAULTS}


def check_settings(settings):
    """Fill in missing THEMES_* defaults in SETTINGS and raise on any bad value."""
    for key, default in SETTINGS.items():
        settings.setdefault(key, default)
    for key in ("THEMES_WORKERS", "THEMES_POOL_MIN"):
        if key in settings:  # one setting sizes every pool of the build now
            raise ThemesSettingsError(
                f"{key} is no longer a setting; use {RETIRED[key]} instead (plugins/build_speed)"
            )
    unknown = sorted(k for k in settings if k.startswith("THEMES_") and k not in SETTINGS)
    if unknown:
        raise ThemesSettingsError(
            f"unknown setting(s) {', '.join(unknown)}; the themes plugin knows "
            f"{', '.join(SETTINGS)} (check the spelling in your settings file)"
        )
    for key in ("THEMES_DETECT", "THEMES_CROSSLINKS"):
        if not isinstance(settings[key], bool):
            raise ThemesSettingsError(f"{key} must be True or False, not {settings[key]!r}")
    if not isinstance(settings["THEMES_VOCABULARY"], str | Path):
        raise ThemesSettingsError("THEMES_VOCABULARY must be the path of a YAML file")
    if str(settings["THEMES_REPORT_LEVEL"]).lower() not in ("debug", "info", "warning"):
        raise ThemesSettingsError("THEMES_REPORT_LEVEL must be 'debug', 'info' or 'warning'")
    if not isinstance(settings["THEMES_CROSSLINK_CLASS"], str):
        raise ThemesSettingsError("THEMES_CROSSLINK_CLASS must be a CSS class name")
    for key, (low, high) in _NUMBERS.items():
        value = settings[key]
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ThemesSettingsError(f"{key} must be a number, not {value!r}")
        if value < low or (high is not None and value > high):
            limit = f"between {low} and {high}" if high is not None else f"at least {low}"
            raise ThemesSettingsError(f"{key} must be {limit}, not {value!r}")
    return settings
