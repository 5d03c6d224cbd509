"""GLOSSARY_* and CPD_* settings: every default in one place, checked when Pelican starts."""

from pathlib import Path

_CONTENT = Path(__file__).resolve().parents[2] / "content"

# name: (default, description)
TABLE = {
    "GLOSSARY_FILE": (str(_CONTENT / "glossary.yaml"), "the glossary's YAML file"),
    "GLOSSARY_LAW_FILE": (str(_CONTENT / "law.yaml"), "the table of Acts and guidance editions"),
    "GLOSSARY_URL": ("glossary/", "the URL of the glossary page, relative to SITEURL"),
    "GLOSSARY_SAVE_AS": ("glossary/index.html", "where the glossary page is written"),
    "GLOSSARY_TERMS": (True, "mark the first use of each glossary term in a post"),
    "GLOSSARY_LAW_LINKS": (True, "link references to the law to the text of the post's date"),
    "GLOSSARY_SINCE_NOTES": (True, "a 'since this was written' note on posts that have dated"),
    "GLOSSARY_TERM_CLASS": ("term", "the CSS class of a marked term"),
    "CPD_URL": ("cpd/{slug}/", "the URL of a post's CPD page; {slug} is the post's slug"),
    # Both CPD_URL and CPD_SAVE_AS "": no CPD pages and no links to them.
    "CPD_SAVE_AS": ("cpd/{slug}/index.html", "where a post's CPD page is written"),
}
SETTINGS = {name: default for name, (default, _) in TABLE.items()}
_PREFIXES = ("GLOSSARY_", "CPD_")
_SWITCHES = ("GLOSSARY_TERMS", "GLOSSARY_LAW_LINKS", "GLOSSARY_SINCE_NOTES")
_PATHS = ("GLOSSARY_URL", "GLOSSARY_SAVE_AS", "CPD_URL", "CPD_SAVE_AS")


class GlossarySettingsError(ValueError):
    """A GLOSSARY_* or CPD_* setting that cannot work: says which, why and how to fix it."""


def check_settings(settings):
    """Fill in missing defaults in SETTINGS and raise GlossarySettingsError on a bad value."""
    for key, default in SETTINGS.items():
        settings.setdefault(key, default)
    unknown = sorted(k for k in settings if k.startswith(_PREFIXES) and k not in SETTINGS)
    if unknown:
        raise GlossarySettingsError(
            f"unknown setting(s) {', '.join(unknown)}; the glossary plugin knows "
            f"{', '.join(SETTINGS)}. Fix: check the spelling in your settings file"
        )
    for key in _SWITCHES:
        if not isinstance(settings[key], bool):
            raise GlossarySettingsError(
                f"{key} must be True or False, not {settings[key]!r}. Fix: set {key} = True"
            )
    for key in ("GLOSSARY_FILE", "GLOSSARY_LAW_FILE"):
        if not isinstance(settings[key], str | Path):
            raise GlossarySettingsError(
                f"{key} must be the path of a YAML file, not {settings[key]!r}. "
                f"Fix: set {key} to a path such as {SETTINGS[key]!r}"
            )
    cpd_off = settings["CPD_URL"] == "" and settings["CPD_SAVE_AS"] == ""
    for key in _PATHS:
        value = settings[key]
        if cpd_off and key.startswith("CPD_"):
            continue  # both empty: no CPD pages, as Pelican's empty *_SAVE_AS means
        if not isinstance(value, str) or not value or value.startswith("/") or ".." in value:
            raise GlossarySettingsError(
                f"{key} = {value!r} is not a relative path inside the site. "
                f"Fix: set {key} to text like {SETTINGS[key]!r} (no leading slash)"
            )
    for key in ("CPD_URL", "CPD_SAVE_AS"):
        if not cpd_off and "{slug}" not in settings[key]:
            raise GlossarySettingsError(
                f"{key} = {settings[key]!r} has no {{slug}}, so every post would share one "
                f"CPD page. Fix: put {{slug}} in it, e.g. {SETTINGS[key]!r}"
            )
    if not isinstance(settings["GLOSSARY_TERM_CLASS"], str):
        raise GlossarySettingsError("GLOSSARY_TERM_CLASS must be a CSS class name. Fix: 'term'")
    return settings


def site_owned_paths(settings):
    """The output paths this plugin writes, for safe_paths: the glossary and the CPD folder."""
    cpd_folder = settings["CPD_SAVE_AS"].split("{slug}", 1)[0]
    return [settings["GLOSSARY_SAVE_AS"], *([cpd_folder] if cpd_folder else [])]
