"""GLOSSARY_* and CPD_* settings: every default in one place, checked when Pelican starts."""

from pathlib import Path

from plugins.settings_table import (
    Setting,
    SettingsError,
    SettingsTable,
    boolean,
    file_path,
    relative_path,
    text,
)

_CONTENT = Path(__file__).resolve().parents[2] / "content"


class GlossarySettingsError(SettingsError):
    """A GLOSSARY_* or CPD_* setting that cannot work: says which, why and how to fix it."""


_SETTING = "a relative path inside the site, no leading slash"
_CPD = "; '' with the other CPD setting '' too for no CPD pages"


def _cpd_pair(values):
    """Both CPD_URL and CPD_SAVE_AS '' (no CPD pages), or neither."""
    if (values["CPD_URL"] == "") != (values["CPD_SAVE_AS"] == ""):
        name = "CPD_URL" if values["CPD_URL"] == "" else "CPD_SAVE_AS"
        return name, "is not a relative path inside the site (the other CPD setting is not '')"
    return None


TABLE = SettingsTable(
    "glossary",
    ("GLOSSARY_", "CPD_"),
    [
        Setting(
            "GLOSSARY_FILE",
            str(_CONTENT / "glossary.yaml"),
            file_path,
            "the path of the glossary's YAML file",
        ),
        Setting(
            "GLOSSARY_LAW_FILE",
            str(_CONTENT / "law.yaml"),
            file_path,
            "the path of the YAML table of Acts and guidance editions",
        ),
        Setting(
            "GLOSSARY_URL",
            "glossary/",
            relative_path(inside=True),
            f"the URL of the glossary page, {_SETTING}",
        ),
        Setting(
            "GLOSSARY_SAVE_AS",
            "glossary/index.html",
            relative_path(inside=True),
            f"where the glossary page is written, {_SETTING}",
        ),
        Setting(
            "GLOSSARY_TERMS",
            True,
            boolean,
            "True or False (True marks the first use of each term in a post)",
        ),
        Setting(
            "GLOSSARY_LAW_LINKS",
            True,
            boolean,
            "True or False (True links references to the law to the text of the post's date)",
        ),
        Setting(
            "GLOSSARY_SINCE_NOTES",
            True,
            boolean,
            "True or False (True adds a 'since this was written' note to posts that have dated)",
        ),
        Setting("GLOSSARY_TERM_CLASS", "term", text, "the CSS class of a marked term"),
        Setting(
            "CPD_URL",
            "cpd/{slug}/",
            relative_path(slug="post", inside=True, empty=True),
            f"the URL of a post's CPD page with {{slug}}, {_SETTING}{_CPD}",
        ),
        Setting(
            "CPD_SAVE_AS",
            "cpd/{slug}/index.html",
            relative_path(slug="post", inside=True, empty=True),
            f"where a post's CPD page is written, with {{slug}}, {_SETTING}{_CPD}",
        ),
    ],
    error=GlossarySettingsError,
    relations=_cpd_pair,
)
SETTINGS = TABLE.defaults


def check_settings(settings):
    """Fill in missing defaults in SETTINGS and raise GlossarySettingsError on a bad value."""
    return TABLE.fill(settings)


def site_owned_paths(settings):
    """The output paths this plugin writes, for safe_paths: the glossary and the CPD folder."""
    cpd_folder = settings["CPD_SAVE_AS"].split("{slug}", 1)[0]
    return [settings["GLOSSARY_SAVE_AS"], *([cpd_folder] if cpd_folder else [])]
