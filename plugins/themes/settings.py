"""THEMES_* settings: every default in one place, checked when Pelican starts."""

from pathlib import Path

from plugins.settings_table import (
    Setting,
    SettingsError,
    SettingsTable,
    boolean,
    file_path,
    number_between,
    one_of,
    text,
)

# The project's vocabulary by absolute path, so a build of any INPUTDIR uses the same themes.
DEFAULT_VOCABULARY = str(Path(__file__).resolve().parents[2] / "content" / "themes.yaml")

# Detection (also keyword options of detect_themes, lower case without THEMES_).
_DETECTION_SETTINGS = [
    Setting(
        "THEMES_THRESHOLD",
        2.0,
        number_between(0),
        "the minimum score to tag; one sentence adds at most THEMES_SENTENCE_CAP",
    ),
    Setting(
        "THEMES_TITLE_WEIGHT", 3.0, number_between(0), "what a strong phrase in the title counts"
    ),
    Setting(
        "THEMES_WEAK_WEIGHT",
        0.4,
        number_between(0),
        "the fraction of a strong phrase a weak one counts",
    ),
    Setting("THEMES_SENTENCE_CAP", 2.0, number_between(0), "the most one sentence adds to a theme"),
    Setting(
        "THEMES_MIN_SENTENCES",
        2,
        number_between(0),
        "how many sentences need a strong mention (or the title one)",
    ),
    Setting(
        "THEMES_SENTENCES_PER_MENTION",
        12,
        number_between(0),
        "long texts need a strong mention per this many sentences",
    ),
    Setting(
        "THEMES_RELATIVE",
        0.15,
        number_between(0, 1),
        "the fraction of the top theme's score below which a theme is a side issue",
    ),
    Setting("THEMES_MAX_THEMES", 5, number_between(0), "the most themes one post gets"),
    # A sentence with this many different weak phrases of a theme counts as a strong mention
    # ("police", "health visitor" and "schools" in one sentence); 0 turns it off.
    Setting(
        "THEMES_COOCCURRENCE",
        3,
        number_between(0),
        "how many different weak phrases of a theme in one sentence count as a strong "
        "mention, 0 for never",
    ),
    Setting(
        "THEMES_LONG_PHRASE_WORDS",
        4,
        number_between(0),
        "the words a strong phrase needs to count as specific",
    ),
    Setting(
        "THEMES_LONG_PHRASE_WEIGHT", 2.0, number_between(0), "what a specific strong phrase counts"
    ),
    Setting(
        "THEMES_SHORT_POST",
        8,
        number_between(0),
        "the most sentences of a short post, which needs one strong sentence",
    ),
]
DEFAULTS = {setting.name: setting.default for setting in _DETECTION_SETTINGS}


class ThemesSettingsError(SettingsError):
    """A THEMES_* setting with the wrong type or range; names the setting and the fix."""


TABLE = SettingsTable(
    "themes",
    ("THEMES_",),
    [
        Setting(
            "THEMES_VOCABULARY", DEFAULT_VOCABULARY, file_path, "the path of the themes' YAML file"
        ),
        Setting(
            "THEMES_DETECT",
            True,
            boolean,
            "True or False (True gives posts without theme tags their detected themes)",
        ),
        Setting(
            "THEMES_CROSSLINKS",
            True,
            boolean,
            "True or False (True links the first mention of each theme to its topic page)",
        ),
        Setting("THEMES_CROSSLINK_CLASS", "theme-link", text, "the CSS class of a theme link"),
        # How loudly the build reports themes it chose for posts without theme tags: "warning"
        # shows in every build (the author should confirm them), "info" only with -v.
        Setting(
            "THEMES_REPORT_LEVEL",
            "warning",
            one_of("debug", "info", "warning", fold=True),
            "'warning' (every build reports the themes it chose) or 'info' (only with -v)",
        ),
        *_DETECTION_SETTINGS,
    ],
    error=ThemesSettingsError,
)
SETTINGS = TABLE.defaults


def detection_options(settings):
    """The detect_themes keyword options from Pelican SETTINGS (defaults filled in)."""
    return {key[len("THEMES_") :].lower(): settings.get(key, DEFAULTS[key]) for key in DEFAULTS}


def check_settings(settings):
    """Fill in missing THEMES_* defaults in SETTINGS and raise on any bad value."""
    return TABLE.fill(settings)
