"""The build_speed plugin's settings in one table; BUILD_WORKERS sizes every pool of the build."""

import os

from plugins.settings_table import Setting, SettingsError, SettingsTable, boolean, whole


class BuildSettingsError(SettingsError):
    """A build setting (or the plugin order) that stops the build; says the problem and fix."""


# The settings BUILD_WORKERS replaced, refused with the fix so an old settings file says so.
RETIRED = {
    "BUILD_SPEED_WORKERS": "BUILD_WORKERS",
    "THEMES_WORKERS": "BUILD_WORKERS",
    "BUILD_SPEED_MIN_FILES": "BUILD_POOL_MIN",
    "THEMES_POOL_MIN": "BUILD_POOL_MIN",
}


def _none_or_whole(value):
    return None if value is None else whole(0)(value)


TABLE = SettingsTable(
    "build_speed",
    ("BUILD_SPEED_", "BUILD_WORKERS", "BUILD_POOL_"),
    [
        Setting(
            "BUILD_WORKERS",
            min(2, os.cpu_count() or 1),
            whole(0),
            "the processes the build works in (Markdown, themes, page writing, the privacy "
            "check), a whole number, 0 or 1 to work in one process as Pelican does",
        ),
        Setting(
            "BUILD_POOL_MIN",
            None,
            _none_or_whole,
            "None (each pool starts at its own measured size) or the fewest items a pool is "
            "started for, a whole number (tests set 0 to exercise the pools on a few posts)",
        ),
        Setting(
            "BUILD_SPEED_KEYED_CACHE",
            True,
            boolean,
            "True or False (True keeps the content cache in CACHE_PATH/<content folder>/<key of "
            "settings, code and package versions>/)",
        ),
        Setting(
            "BUILD_SPEED_TEMPLATE_CACHE",
            False,
            boolean,
            "True or False (True keeps the theme's compiled templates in "
            "CACHE_PATH/.templates/, checked against their source, for every later build, "
            "published ones too)",
        ),
    ],
    error=BuildSettingsError,
    internal=("BUILD_SPEED_CACHE_ROOT",),  # set by place_cache
)
SETTINGS = TABLE.defaults


def check_settings(settings):
    """Fill in the defaults in SETTINGS (Pelican's dict); BuildSettingsError on a bad one."""
    for old, new in RETIRED.items():
        if old in settings:
            raise BuildSettingsError(
                f"{old} is no longer a setting: one setting sizes every pool",
                f"Fix: use {new} instead, in pelican.conf.py",
            )
    return TABLE.fill(settings)
